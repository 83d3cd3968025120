/* The household code 户码: issuing and verifying a household's signed QR token. */
#include "domain/kernel/access.h"
#include "domain/register/hhcode.h"

enum result hhcode_issue(struct ctx *c, int64_t household_id, char token[QRTOKEN_MAX], int64_t *expires)
{
	token[0] = 0;
	if (!c->actor || c->actor->household_id != household_id || !access_has_role(c, "villager"))
		return ctx_fail(c, RC_FORBIDDEN, "只有本户村民才能出示户码");
	int64_t exists = 0;
	int rc = db_get_int(c->db, &exists, "SELECT count(*) FROM households WHERE id = ?", "i", household_id);
	if (rc != DB_OK)
		return ctx_db_fail(c, rc, "读取户");
	if (!exists)
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	/* the same code for a whole minute, so a page and its image agree; a spent code is
	 * followed by a fresh one at once (its expiry a second earlier: never beyond
	 * HHCODE_TTL from now, which verifying would refuse) */
	int64_t step = c->now - (c->now % HHCODE_STEP + HHCODE_STEP) % HHCODE_STEP;
	for (int k = 0; k < HHCODE_STEP; k++) {
		*expires = step + HHCODE_TTL - k;
		qrtoken_sign(c, HHCODE_KIND, household_id, *expires, token);
		char hash[CRYPTO_HASH_HEX];
		crypto_hash_hex(token, strlen(token), hash);
		int64_t spent = 0;
		if ((rc = db_get_int(c->db, &spent, "SELECT count(*) FROM used_codes WHERE code_hash = ?", "t", hash)))
			return ctx_db_fail(c, rc, "读取户码");
		if (!spent)
			return RC_OK;
	}
	token[0] = 0;
	return ctx_fail(c, RC_TOO_MANY, "户码刷新太频繁，请一分钟后再试");
}

#define SPENT_MSG "这个户码已经用过一次，请村民在手机上点「刷新户码」后再扫"

enum result hhcode_check_unspent(struct ctx *c, const char *field, const char *token)
{
	char hash[CRYPTO_HASH_HEX];
	crypto_hash_hex(token, strlen(token), hash);
	int64_t spent = 0;
	int dbrc = db_get_int(c->db, &spent, "SELECT count(*) FROM used_codes WHERE code_hash = ?", "t", hash);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取户码");
	return spent ? ctx_field(c, field, SPENT_MSG) : RC_OK;
}

enum result hhcode_spend(struct ctx *c, const char *field, const char *token, int64_t household_id)
{
	int64_t id, expires;
	int rc = qrtoken_verify(c, field, HHCODE_KIND, token, HHCODE_TTL, &id, &expires);
	if (rc)
		return rc;
	char hash[CRYPTO_HASH_HEX];
	crypto_hash_hex(token, strlen(token), hash);
	int64_t fresh = 0;
	int dbrc = db_get_int(c->db, &fresh, "INSERT INTO used_codes (code_hash, household_id, expires_at, used_at) "
					     "VALUES (?, ?, ?, ?) ON CONFLICT (code_hash) DO NOTHING RETURNING 1",
			      "tiii", hash, household_id, expires, c->now);
	if (dbrc == DB_DONE)
		return ctx_field(c, field, SPENT_MSG);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "户码");
}

enum result hhcode_expire(struct ctx *c, int64_t *removed)
{
	*removed = 0;
	if (db_get_int(c->db, removed, "SELECT count(*) FROM used_codes WHERE expires_at < ?", "i", c->now) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "清理户码");
	if (*removed && db_run(c->db, "DELETE FROM used_codes WHERE expires_at < ?", "i", c->now) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "清理户码");
	return RC_OK;
}

enum result hhcode_verify(struct ctx *c, const char *field, const char *token, int64_t *household_id)
{
	int64_t expires;
	int rc = qrtoken_verify(c, field, HHCODE_KIND, token, HHCODE_TTL, household_id, &expires);
	if (rc)
		return rc;
	int64_t exists = 0;
	int dbrc = db_get_int(c->db, &exists, "SELECT count(*) FROM households WHERE id = ?", "i",
			      *household_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取户");
	if (!exists)
		return ctx_field(c, field, "户码对应的户不存在");
	return RC_OK;
}
