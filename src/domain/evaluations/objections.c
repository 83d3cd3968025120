/* Evaluations 评选: 公示 — objections and their decision. */
#include "domain/evaluations/internal.h"
#include "domain/kernel/audit.h"
#include "util/num.h"

/* ---- 公示 and objections ---- */

enum result eval_object(struct ctx *c, int64_t campaign_id, const char *reason, const struct idem *idem, int64_t *id,
			bool *replayed)
{
	*id = 0;
	*replayed = false;
	struct eval_campaign e;
	int rc = evl_load_visible(c, campaign_id, &e);
	if (rc)
		return rc;
	if (!evl_villager_of(c, e.village_path))
		return ctx_fail(c, RC_FORBIDDEN, "只有%s的村民可以提出异议", e.village_name);
	ctx_check_text(c, "reason", reason, EVAL_REASON_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "异议理由");
	if (reason && reason[0] && evl_blank(reason))
		ctx_field(c, "reason", "异议理由不能为空");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (strcmp(e.status, "publicity"))
		return ctx_fail(c, RC_CONFLICT, "评选结果不在公示期，不能提出异议");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "eval_objection", idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	int dbrc = db_get_int(c->db, id, "INSERT INTO eval_objections (campaign_id, user_id, reason, status, created_at) "
					 "VALUES (?, ?, ?, 'open', ?) RETURNING id", "iiti", e.id, c->actor->user_id, reason,
			      c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存异议"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "campaign_id", e.id);
	audit_snap_str(&after, "reason", reason);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, e.village_id, "eval_objection", *id, "create", "{}", after.ptr);
	buf_release(&after);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
	if (!rc)
		rc = idem_store(c, "eval_objection", idem, idtext);
	return ctx_end(c, rc);
}

enum result eval_objection_decide(struct ctx *c, int64_t objection_id, bool uphold, const char *reason)
{
	int64_t cid = 0;
	char status[16] = "";
	struct db_stmt *st = db_query(c->db, "SELECT campaign_id, status FROM eval_objections WHERE id = ?", "i", objection_id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		cid = db_col_int(st, 0);
		str_copy(status, sizeof(status), db_col_text(st, 1));
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "异议不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, DB_ERROR, "读取异议");
	struct eval_campaign e;
	if ((rc = evl_load_to_manage(c, cid, &e, "异议不存在", "处理异议")))
		return rc;
	ctx_check_text(c, "reason", reason, EVAL_REASON_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "处理意见");
	if (reason && reason[0] && evl_blank(reason))
		ctx_field(c, "reason", "处理意见不能为空");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (strcmp(status, "open") || strcmp(e.status, "publicity"))
		return ctx_fail(c, RC_CONFLICT, "这条异议已经处理过");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *decided = uphold ? "upheld" : "dismissed";
	int dbrc = db_run(c->db, "UPDATE eval_objections SET status = ?, decision = ?, decided_by = NULLIF(CAST(? AS BIGINT), 0), "
				 "decided_at = ? WHERE id = ? AND status = 'open'", "ttiii", decided, reason,
			  ctx_actor_id(c), c->now, objection_id);
	if (dbrc == DB_OK && uphold)
		/* back to scoring: the ranking is computed again when the panel has corrected it */
		dbrc = db_run(c->db, "UPDATE eval_nominations SET final_x100 = NULL, nscores = NULL, rank_no = NULL, winner = 0 "
				     "WHERE campaign_id = ?", "i", e.id);
	if (dbrc == DB_OK && uphold)
		dbrc = db_run(c->db, "UPDATE eval_campaigns SET publicity_ends_at = NULL WHERE id = ?", "i", e.id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存异议"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "status", "open");
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_str(&after, "status", decided);
	audit_snap_str(&after, "decision", reason);
	audit_snap_end(&after);
	rc = before.failed || after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
					   : audit_record(c, e.village_id, "eval_objection", objection_id, "decide", before.ptr,
							  after.ptr);
	buf_release(&before);
	buf_release(&after);
	if (!rc && uphold)
		rc = evl_set_status(c, &e, "scoring", "reopen", "objection_id", objection_id);
	return ctx_end(c, rc);
}
