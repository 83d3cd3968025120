/* Finished replies kept in memory: the bytes of a JSON reply (and their gzip) from an
 * earlier request, served again while the generation they were made at is still the
 * current one (domain/kernel/replygen.h: it lives in the database and moves in the
 * transaction of every change the reply shows, so several app servers on one database
 * never serve a reply older than a committed change).
 *
 * A handler runs its domain checks first (role and scope, every request), then reads
 * the generation and builds a key from the request's normalized form and the caller's
 * visibility class (what differs between readers: the PII permission, the caller's own
 * household …; replies that differ must never share a key). reply_cache_serve answers
 * from memory; on a miss the handler builds r->out as usual and reply_cache_keep sends
 * and keeps it. Memory is bounded: least recently used entries go first once the total
 * passes CUNZHI_REPLY_CACHE_MB (default 64; 0 turns the cache off). A reply that went
 * through here carries X-Reply-Cache: hit (from memory) or miss (built, and kept). */
#ifndef HTTP_REPLY_CACHE_H
#define HTTP_REPLY_CACHE_H

#include "http/req.h"

#define REPLY_KEY_MAX 512

/* Formats a key into out (REPLY_KEY_MAX bytes); false when it does not fit (the reply is
 * then not cached). */
bool reply_cache_key(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sends the kept reply of key when it was made at gen (>= 0); true when it did. */
bool reply_cache_serve(struct req *r, const char *key, int64_t gen);

/* Sends r->out (status 200) and keeps its bytes under key and gen (gen < 0: sends only). */
void reply_cache_keep(struct req *r, const char *key, int64_t gen);

/* Counters for tests and the health page: hits, misses, entries, bytes. */
struct reply_cache_stats {
	uint64_t hits, misses;
	size_t entries, bytes, max_bytes;
};
void reply_cache_stats(struct reply_cache_stats *out);

#endif
