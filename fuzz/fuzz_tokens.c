/* Fuzz target: the signed QR tokens a phone or a card shows and the counter, the
 * activity check-in and the cadre's scanner read (domain/kernel/token.c): the household
 * code "H1.", an activity's check-in code "A1." and a household card "C1.". Any text
 * is refused unless it is a token this server signed: the fuzzer's input never passes,
 * except for the tokens it signs itself (seeded in the input's first bytes), which must
 * pass for their own kind only and fail once a character of them changes. */
#include "domain/kernel/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {"H1", "A1", "C1"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct keys keys;
	static bool keyed;
	if (!keyed) {
		memset(keys.pii, 0x11, sizeof(keys.pii));
		memset(keys.lookup, 0x22, sizeof(keys.lookup));
		memset(keys.sign, 0x33, sizeof(keys.sign));
		keyed = true;
	}
	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.keys = &keys;
	c.now = 1780000000;
	c.arena = arena_new(1u << 20);
	if (!c.arena)
		return 0;
	char text[QRTOKEN_MAX * 2];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = 0;
	int64_t id, expires;
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		c.err.nfields = 0;
		c.err.code = RC_OK;
		/* the fuzzer cannot forge the MAC */
		if (qrtoken_verify(&c, "code", kinds[k], text, 600, &id, &expires) == RC_OK)
			abort();
		if (id || expires)
			abort();
	}
	/* a genuine token from the input's numbers: accepted for its kind only, and refused
	 * with one character changed */
	if (size >= 10) {
		int64_t tid = 1 + (int64_t)(((uint64_t)data[0] << 24 | (uint64_t)data[1] << 16 | (uint64_t)data[2] << 8 | data[3]) % 100000000);
		int64_t ttl = 1 + data[4] % 600;
		size_t kind = data[5] % ARRAY_SIZE(kinds);
		char tok[QRTOKEN_MAX];
		qrtoken_sign(&c, kinds[kind], tid, c.now + ttl, tok);
		c.err.nfields = 0;
		if (qrtoken_verify(&c, "code", kinds[kind], tok, 600, &id, &expires) != RC_OK || id != tid)
			abort();
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
			if (k != kind && qrtoken_verify(&c, "code", kinds[k], tok, 600, &id, &expires) == RC_OK)
				abort();
		size_t at = data[6] % strlen(tok);
		char was = tok[at];
		tok[at] = (char)data[7];
		if (tok[at] && tok[at] != was) {
			c.err.nfields = 0;
			if (qrtoken_verify(&c, "code", kinds[kind], tok, 600, &id, &expires) == RC_OK)
				abort();
		}
	}
	arena_free(c.arena);
	return 0;
}
