/* Signed QR tokens: "<kind>.<id>.<expires_unix>.<mac>", HMAC-SHA256 with the server's
 * sign key. */
#include "domain/kernel/token.h"
#include "util/num.h"

static void token_mac(const struct ctx *c, const char *signed_part, char mac[QRTOKEN_MAC_HEX + 1])
{
	char full[CRYPTO_HASH_HEX];
	crypto_hmac_hex(c->keys->sign, signed_part, strlen(signed_part), full);
	memcpy(mac, full, QRTOKEN_MAC_HEX);
	mac[QRTOKEN_MAC_HEX] = 0;
}

void qrtoken_sign(const struct ctx *c, const char *kind, int64_t id, int64_t expires,
		  char out[QRTOKEN_MAX])
{
	char body[64], mac[QRTOKEN_MAC_HEX + 1];
	snprintf(body, sizeof(body), "%s.%lld.%lld", kind, (long long)id, (long long)expires);
	token_mac(c, body, mac);
	snprintf(out, QRTOKEN_MAX, "%s.%s", body, mac);
}

enum result qrtoken_verify(struct ctx *c, const char *field, const char *kind, const char *token,
		   int64_t max_ttl, int64_t *id, int64_t *expires)
{
	*id = 0;
	*expires = 0;
	size_t klen = strlen(kind);
	if (!token || strlen(token) >= QRTOKEN_MAX || strncmp(token, kind, klen) || token[klen] != '.')
		return ctx_field(c, field, "二维码无效，请重新扫码");
	const char *p = token + klen + 1;
	const char *dot1 = strchr(p, '.');
	const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot1 || !dot2 || strchr(dot2 + 1, '.') ||
	    num_parse_i64n(p, (size_t)(dot1 - p), 1, INT64_MAX / 2, id) ||
	    num_parse_i64n(dot1 + 1, (size_t)(dot2 - dot1 - 1), 1, INT64_MAX / 2, expires) ||
	    strlen(dot2 + 1) != QRTOKEN_MAC_HEX) {
		*id = *expires = 0;
		return ctx_field(c, field, "二维码无效，请重新扫码");
	}
	char body[QRTOKEN_MAX], mac[QRTOKEN_MAC_HEX + 1];
	size_t blen = (size_t)(dot2 - token);
	memcpy(body, token, blen);
	body[blen] = 0;
	token_mac(c, body, mac);
	if (!crypto_equal(mac, dot2 + 1) || *expires > c->now + max_ttl) {
		*id = *expires = 0;
		return ctx_field(c, field, "二维码无效，请重新扫码");
	}
	if (*expires <= c->now)
		return ctx_field(c, field, "二维码已过期，请刷新后重新扫码");
	return RC_OK;
}
