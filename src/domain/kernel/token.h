/* Signed QR tokens: short-lived tokens that a phone or a printed card shows as a QR
 * code. Tokens are "<kind>.<id>.<expires_unix>.<mac>", where mac is HMAC-SHA256 with the
 * server's sign key over "<kind>.<id>.<expires_unix>", as hex cut to 32 characters. The
 * kind (2 characters: "H1" the household code, "A1" an activity's check-in code, the
 * shop's card) keeps one kind of token from being accepted as another. */
#ifndef DOMAIN_TOKEN_H
#define DOMAIN_TOKEN_H

#include "domain/kernel/ctx.h"

#define QRTOKEN_MAC_HEX 32
#define QRTOKEN_MAX 96          /* buffer size for any token */

/* Signs a token of kind (2 characters, e.g. "H1") for id, valid until expires. */
void qrtoken_sign(const struct ctx *c, const char *kind, int64_t id, int64_t expires,
		  char out[QRTOKEN_MAX]);
/* Checks a token of kind: form, signature and expiry against c->now; max_ttl bounds
 * how far in the future a genuine token can expire. Sets *id and *expires. On failure
 * adds a field error to `field` (forged or malformed: "无效"; expired: "已过期") and
 * returns RC_INVALID. */
enum result qrtoken_verify(struct ctx *c, const char *field, const char *kind, const char *token,
		   int64_t max_ttl, int64_t *id, int64_t *expires);

#endif
