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
	/* the same code for a whole minute, so a page and its image agree */
	int64_t step = c->now - (c->now % HHCODE_STEP + HHCODE_STEP) % HHCODE_STEP;
	*expires = step + HHCODE_TTL;
	qrtoken_sign(c, HHCODE_KIND, household_id, *expires, token);
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
