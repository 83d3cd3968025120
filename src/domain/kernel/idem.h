/* Idempotency keys for creating requests a phone may retry (awards, claims,
 * objections …), the mechanism of the shop counter's keys made general: the client
 * sends a fresh key with each new request and the same key when it retries. The first
 * request with a key does the work and stores what it made; a retry with the same key
 * and the same request gets that result back and changes nothing; the same key with a
 * different request is refused. Keys are per actor and per kind of request (scope) and
 * kept for IDEM_KEEP_DAYS. */
#ifndef DOMAIN_IDEM_H
#define DOMAIN_IDEM_H

#include "domain/kernel/ctx.h"

#define IDEM_KEY_MIN 8      /* [A-Za-z0-9-], as the counter's */
#define IDEM_KEY_MAX 64
#define IDEM_KEEP_DAYS 7

/* A key as the client sent it (NULL: none) and a fingerprint of the request it came
 * with (made by the HTTP layer from the method, path and body). */
struct idem {
	const char *key;
	char fingerprint[CRYPTO_HASH_HEX];
};

/* Adds a field error on field when key is malformed, or missing while required. */
void idem_check_key(struct ctx *c, const char *field, const char *key, bool required);

/* Inside the caller's transaction, before any check that a retry would fail (caps,
 * duplicates): takes the key. *replay is NULL when the request is new (or k is NULL or
 * has no key): do the work, then idem_store. When the key was used with the same
 * request, *replay is what idem_store kept (in request memory): answer with it and
 * change nothing. RC_CONFLICT when the key was used with another request. */
enum result idem_begin(struct ctx *c, const char *scope, const struct idem *k, const char **replay);
/* Inside the same transaction, after the work: keeps result for retries. */
enum result idem_store(struct ctx *c, const char *scope, const struct idem *k, const char *result);
/* The scheduler's cleanup: removes keys older than IDEM_KEEP_DAYS. */
enum result idem_expire(struct ctx *c, int64_t *removed);

#endif
