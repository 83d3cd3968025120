/* Disputes 矛盾纠纷: the county's settings (the follow-up
 * interval). */
#include "domain/disputes/internal.h"

/* ---- settings ---- */

static int county_of_actor(struct ctx *c, int64_t county_id, int64_t *out)
{
	if (county_id) {
		struct org_unit u;
		int rc = org_get(c, county_id, &u);
		if (rc == RC_NOT_FOUND || (!rc && strcmp(u.kind, "county"))) {
			ctx_clear(c);
			return ctx_field(c, "county_id", "区县不存在");
		}
		if (rc)
			return rc;
		if (!c->system && !access_touches(c, u.path))
			return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
		*out = u.id;
		return RC_OK;
	}
	if (!c->actor || !c->actor->ngrants)
		return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
	*out = dp_root(c->actor->grants[0].path);
	return RC_OK;
}

int disputes_settings_get(struct ctx *c, int64_t county_id, int64_t *county_out, int *followup_days)
{
	int rc = county_of_actor(c, county_id, county_out);
	return rc ? rc : dp_followup_days(c, *county_out, followup_days);
}

int disputes_settings_set(struct ctx *c, int64_t county_id, int followup_days)
{
	int64_t county = 0;
	int rc = county_of_actor(c, county_id, &county);
	if (rc)
		return rc;
	if (followup_days < 1 || followup_days > 365)
		return ctx_field(c, "followup_days", "回访间隔应为 1 到 365 天");
	struct org_unit u;
	if ((rc = org_get(c, county, &u)))
		return rc;
	if (!access_can(c, P_EVENT_ADMIN, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "只有区县管理员可以设置回访间隔");
	if ((rc = ctx_begin(c)))
		return rc;
	int old = 0;
	if ((rc = dp_followup_days(c, county, &old)))
		return ctx_end(c, rc);
	int dbrc = db_run(c->db, "DELETE FROM dispute_settings WHERE county_id = ?", "i", county);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "INSERT INTO dispute_settings (county_id, followup_days, updated_by, updated_at) VALUES "
				     "(?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
			      "iiii", county, (int64_t)followup_days, ctx_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存回访间隔"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_int(&before, "followup_days", old);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_int(&after, "followup_days", followup_days);
	audit_snap_end(&after);
	rc = audit_record(c, county, "dispute_settings", county, "update", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}
