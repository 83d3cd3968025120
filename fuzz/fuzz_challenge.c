/* Fuzz target: the public 民情码 form's anti-abuse challenge as the form sends it back
 * (domain/events/public.c events_challenge_check): "v1.<village>.<expires>.<nonce>.<mac>"
 * with the answer to its proof of work. Every input is judged twice, by the server's
 * check and by a separate reading of the rules written here (the signature over
 * everything before the last dot, the format, the village, the expiry, the work: at
 * least EVENTS_POW_BITS leading zero bits of SHA-256 of "<challenge>:<answer>"); the
 * two must agree. Three ways in, chosen by the first byte:
 *   raw       the input's text as the challenge: the fuzzer cannot sign, so it never passes;
 *   signed    the input's text as the body, signed here with the server's key, so the
 *             parsing after the signature is reached;
 *   solved    a challenge solved once at start, with the input's edits (and the clock moved
 *             by up to 20 minutes), signed again or not: the one way to the success path. */
#include <sodium.h>

#include "domain/events/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1780000000
#define VILLAGE 3
#define CH_MAX 200

static struct keys keys;
static char solved_ch[CH_MAX], solved_nonce[32];

static void sign(const char *body, char *out, size_t max)
{
	char mac[CRYPTO_HASH_HEX];
	crypto_hmac_hex(keys.sign, body, strlen(body), mac);
	snprintf(out, max, "%s.%s", body, mac);
}

static int zero_bits(const char *challenge, const char *nonce)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)challenge, strlen(challenge));
	crypto_hash_sha256_update(&st, (const unsigned char *)":", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)nonce, strlen(nonce));
	crypto_hash_sha256_final(&st, h);
	int n = 0;
	for (size_t i = 0; i < sizeof(h); i++) {
		if (h[i] == 0) {
			n += 8;
			continue;
		}
		for (int b = 7; b >= 0 && !(h[i] >> b & 1); b--)
			n++;
		break;
	}
	return n;
}

/* A decimal number of exactly len characters: digits, no leading zero but "0" itself,
 * within [min, INT64_MAX]. */
static bool number(const char *s, size_t len, int64_t min, int64_t *out)
{
	if (len == 0 || len > 19 || (s[0] == '0' && len > 1))
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return v >= min;
}

/* The rules, read here on their own. */
static bool should_pass(const char *ch, const char *nonce, int64_t village, int64_t now)
{
	size_t n = strlen(ch);
	if (n == 0 || n >= 160 || !nonce[0] || strlen(nonce) > 64)
		return false;
	const char *dot = strrchr(ch, '.');
	if (!dot || strlen(dot + 1) != 64)
		return false;
	char body[CH_MAX], mac[CRYPTO_HASH_HEX];
	memcpy(body, ch, (size_t)(dot - ch));
	body[dot - ch] = 0;
	crypto_hmac_hex(keys.sign, body, strlen(body), mac);
	if (strcmp(mac, dot + 1))
		return false;
	if (strncmp(body, "v1.", 3))
		return false;
	const char *a = body + 3, *b = strchr(a, '.');
	const char *e = b ? strchr(b + 1, '.') : NULL;
	int64_t vid, exp;
	if (!e || !number(a, (size_t)(b - a), 1, &vid) || !number(b + 1, (size_t)(e - b - 1), 0, &exp))
		return false;
	return vid == village && exp >= now && zero_bits(ch, nonce) >= EVENTS_POW_BITS;
}

static void setup(void)
{
	if (sodium_init() < 0)
		abort();
	memset(keys.pii, 0x11, sizeof(keys.pii));
	memset(keys.lookup, 0x22, sizeof(keys.lookup));
	memset(keys.sign, 0x33, sizeof(keys.sign));
	char body[CH_MAX];
	snprintf(body, sizeof(body), "v1.%d.%lld.0123456789abcdef", VILLAGE, (long long)NOW + EVENTS_CHALLENGE_TTL);
	sign(body, solved_ch, sizeof(solved_ch));
	for (unsigned long i = 0;; i++) {
		snprintf(solved_nonce, sizeof(solved_nonce), "%lu", i);
		if (zero_bits(solved_ch, solved_nonce) >= EVENTS_POW_BITS)
			break;
	}
	/* the success path is there to be reached: the solved pair passes, and for its
	 * village only */
	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.keys = &keys;
	c.now = NOW;
	c.arena = arena_new(1u << 20);
	if (!c.arena || events_challenge_check(&c, VILLAGE, solved_ch, solved_nonce) != RC_OK ||
	    !should_pass(solved_ch, solved_nonce, VILLAGE, NOW) ||
	    events_challenge_check(&c, VILLAGE + 1, solved_ch, solved_nonce) == RC_OK)
		abort();
	arena_free(c.arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 2 || size > 4096)
		return 0;
	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.keys = &keys;
	c.now = NOW;
	c.arena = arena_new(1u << 20);
	if (!c.arena)
		return 0;
	int mode = data[0] % 3;
	int64_t village = mode == 2 && data[1] < 200 ? VILLAGE : 1 + data[1] % 5;
	data += 2;
	size -= 2;
	char ch[CH_MAX * 2], nonce[128];
	ch[0] = nonce[0] = 0;
	if (mode < 2) {
		/* text before the first NUL or newline, then the answer */
		size_t i = 0;
		while (i < size && data[i] && data[i] != '\n')
			i++;
		char text[CH_MAX * 2];
		size_t tn = i < CH_MAX - 1 ? i : CH_MAX - 1;
		memcpy(text, data, tn);
		text[tn] = 0;
		size_t rest = i < size ? size - i - 1 : 0;
		size_t nn = rest < sizeof(nonce) - 1 ? rest : sizeof(nonce) - 1;
		if (nn)
			memcpy(nonce, data + i + 1, nn);
		nonce[nn] = 0;
		if (mode == 0)
			snprintf(ch, sizeof(ch), "%s", text);
		else
			sign(text, ch, sizeof(ch));
	} else {
		/* the solved pair with edits: (where, what) pairs, the clock, sign again or not */
		snprintf(ch, sizeof(ch), "%s", solved_ch);
		snprintf(nonce, sizeof(nonce), "%s", solved_nonce);
		bool resign = size && data[0] & 1;
		if (size) {
			c.now += (data[0] >> 1) * 10;
			data++;
			size--;
		}
		for (size_t i = 0; i + 1 < size; i += 2) {
			char *target = data[i] & 0x80 ? nonce : ch;
			size_t len = strlen(target), at = data[i] & 0x7f;
			char what = (char)data[i + 1];
			if (what == 0) /* a cut */
				target[at < len ? at : len] = 0;
			else if (at < len)
				target[at] = what;
			else if (len + 1 < (target == ch ? CH_MAX : sizeof(nonce)))
				target[len] = what, target[len + 1] = 0;
		}
		if (resign) {
			char *dot = strrchr(ch, '.');
			if (dot) {
				char body[CH_MAX];
				memcpy(body, ch, (size_t)(dot - ch));
				body[dot - ch] = 0;
				sign(body, ch, sizeof(ch));
			}
		}
	}
	bool expect = should_pass(ch, nonce, village, c.now);
	int rc = events_challenge_check(&c, village, ch, nonce);
	if ((rc == RC_OK) != expect)
		abort();
	if (rc != RC_OK && (rc != RC_INVALID || c.err.nfields < 1))
		abort(); /* a refusal names the field */
	arena_free(c.arena);
	return 0;
}
