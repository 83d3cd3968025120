/* Finished replies kept in memory (see reply_cache.h): a hash table of entries on a
 * least-recently-used list, under one mutex. An entry holds the JSON bytes and, when
 * they are long enough to compress, their gzip, so a hit costs a copy of the bytes the
 * client takes. */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>

#include "http/reply_cache.h"
#include "util/accept.h"
#include "util/buf.h"

#define BUCKETS 4096
#define GZIP_MIN 1024   /* as req_send: smaller replies are not worth compressing */

struct entry {
	struct entry *next;               /* in the bucket */
	struct entry *newer, *older;      /* on the LRU list */
	uint64_t hash;
	int64_t gen;
	size_t size;                      /* what it counts against the limit */
	char *json, *gz;                  /* gz NULL when not compressed */
	size_t json_len, gz_len;
	char key[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *buckets[BUCKETS];
static struct entry *newest, *oldest;
static size_t total_bytes, nentries;
static uint64_t nhits, nmisses;
static size_t max_bytes;
static bool configured;

static void configure(void)
{
	if (configured)
		return;
	configured = true;
	max_bytes = (size_t)64 << 20;
	const char *env = getenv("CUNZHI_REPLY_CACHE_MB");
	if (env && env[0]) {
		char *end;
		unsigned long v = strtoul(env, &end, 10);
		if (!*end && v <= 65536)
			max_bytes = (size_t)v << 20;
	}
}

static uint64_t hash_key(const char *k)
{
	uint64_t h = 1469598103934665603ull;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	return h;
}

bool reply_cache_key(char *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, REPLY_KEY_MAX, fmt, ap);
	va_end(ap);
	return n > 0 && n < REPLY_KEY_MAX;
}

static struct entry *find(const char *key, uint64_t h)
{
	for (struct entry *e = buckets[h % BUCKETS]; e; e = e->next)
		if (e->hash == h && !strcmp(e->key, key))
			return e;
	return NULL;
}

static void lru_unlink(struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(struct entry *e)
{
	e->older = newest;
	e->newer = NULL;
	if (newest)
		newest->newer = e;
	newest = e;
	if (!oldest)
		oldest = e;
}

static void drop(struct entry *e)
{
	struct entry **p = &buckets[e->hash % BUCKETS];
	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
	lru_unlink(e);
	total_bytes -= e->size;
	nentries--;
	free(e);
}

/* Sends bytes as req_send would have: Vary and gzip for long ones the client takes. */
static void send_bytes(struct req *r, const char *json, size_t json_len, const char *gz, size_t gz_len)
{
	struct _u_response *resp = r->resp;
	u_map_put(resp->map_header, "Content-Type", "application/json");
	if (json_len >= GZIP_MIN) {
		u_map_put(resp->map_header, "Vary", "Accept-Encoding");
		const char *accept = u_map_get_case(r->u->map_header, "Accept-Encoding");
		if (gz && accept_coding(accept, CODING_BIT(CODING_GZIP)) == CODING_GZIP) {
			ulfius_set_binary_body_response(resp, 200, gz, gz_len);
			u_map_put(resp->map_header, "Content-Encoding", "gzip");
			r->replied = true;
			return;
		}
	}
	ulfius_set_binary_body_response(resp, 200, json, json_len);
	r->replied = true;
}

bool reply_cache_serve(struct req *r, const char *key, int64_t gen)
{
	if (gen < 0)
		return false;
	uint64_t h = hash_key(key);
	pthread_mutex_lock(&lock);
	configure();
	struct entry *e = max_bytes ? find(key, h) : NULL;
	bool hit = e && e->gen == gen;
	if (hit) {
		lru_unlink(e);
		lru_push(e);
		send_bytes(r, e->json, e->json_len, e->gz, e->gz_len);   /* ulfius copies the bytes */
		u_map_put(r->resp->map_header, "X-Reply-Cache", "hit");
		nhits++;
	} else {
		nmisses++;
	}
	pthread_mutex_unlock(&lock);
	return hit;
}

void reply_cache_keep(struct req *r, const char *key, int64_t gen)
{
	/* 10 significant digits, as the trampoline dumps every reply */
	char *text = r->out ? json_dumps(r->out, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	if (!text) {
		r->status = 200;
		return;   /* the trampoline sends r->out (or an empty object) itself */
	}
	size_t len = strlen(text);
	struct buf z;
	buf_init(&z, len + 1024);
	bool gz = len >= GZIP_MIN && gzip_compress(text, len, 6, &z) == 0;
	size_t klen = strlen(key);
	size_t size = sizeof(struct entry) + klen + 1 + len + (gz ? z.len : 0);
	struct entry *e = NULL;
	pthread_mutex_lock(&lock);
	configure();
	bool fits = gen >= 0 && size <= max_bytes / 8;
	pthread_mutex_unlock(&lock);
	if (fits && (e = malloc(size))) {
		memset(e, 0, sizeof(*e));
		memcpy(e->key, key, klen + 1);
		e->json = e->key + klen + 1;
		memcpy(e->json, text, len);
		e->json_len = len;
		if (gz) {
			e->gz = e->json + len;
			memcpy(e->gz, z.ptr, z.len);
			e->gz_len = z.len;
		}
		e->hash = hash_key(key);
		e->gen = gen;
		e->size = size;
	}
	send_bytes(r, text, len, gz ? z.ptr : NULL, gz ? z.len : 0);
	u_map_put(r->resp->map_header, "X-Reply-Cache", "miss");
	free(text);
	buf_release(&z);
	if (!e)
		return;
	pthread_mutex_lock(&lock);
	struct entry *old = find(e->key, e->hash);
	if (old && old->gen > gen) {
		/* a newer reply was kept meanwhile */
		pthread_mutex_unlock(&lock);
		free(e);
		return;
	}
	if (old)
		drop(old);
	e->next = buckets[e->hash % BUCKETS];
	buckets[e->hash % BUCKETS] = e;
	lru_push(e);
	total_bytes += e->size;
	nentries++;
	while (total_bytes > max_bytes && oldest)
		drop(oldest);
	pthread_mutex_unlock(&lock);
}

void reply_cache_stats(struct reply_cache_stats *out)
{
	pthread_mutex_lock(&lock);
	configure();
	out->hits = nhits;
	out->misses = nmisses;
	out->entries = nentries;
	out->bytes = total_bytes;
	out->max_bytes = max_bytes;
	pthread_mutex_unlock(&lock);
}
