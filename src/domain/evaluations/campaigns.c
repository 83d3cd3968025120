/* Evaluations 评选: creating a campaign and moving it through
 * its stages (publicity, publication that credits the winners). */
#include "domain/evaluations/internal.h"
#include "domain/grid/grid.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/points/points.h"
#include "util/num.h"
#include "util/timeutil.h"

/* ---- campaigns ---- */

bool evl_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* True when the user belongs to the village: a resident of one of its households, or
 * a grant on the village or a unit inside it. */
static bool user_of_village(struct ctx *c, int64_t user_id, const char *vpath)
{
	int64_t n = 0;
	int rc = db_get_int(c->db, &n, "SELECT (SELECT count(*) FROM users u JOIN residents r ON r.id = u.resident_id "
				       "JOIN households h ON h.id = r.household_id JOIN org_units v ON v.id = h.village_id "
				       "WHERE u.id = ? AND u.status = 'active' AND v.path = ?) + (SELECT count(*) FROM role_grants g "
				       "JOIN org_units x ON x.id = g.unit_id JOIN users u ON u.id = g.user_id WHERE g.user_id = ? "
				       "AND u.status = 'active' AND x.path LIKE ?)",
			    "itit", user_id, vpath, user_id, arena_printf(c->arena, "%s%%", vpath));
	return rc == DB_OK && n > 0;
}

static void check_campaign(struct ctx *c, const struct eval_campaign_input *in, const char *vpath)
{
	ctx_check_text(c, "kind", in->kind, EVAL_KIND_MAX, CTX_TEXT_REQUIRED, "评选类别");
	if (in->kind && in->kind[0] && evl_blank(in->kind))
		ctx_field(c, "kind", "评选类别不能为空");
	ctx_check_text(c, "title", in->title, EVAL_TITLE_MAX, CTX_TEXT_REQUIRED, "标题");
	if (in->title && in->title[0] && evl_blank(in->title))
		ctx_field(c, "title", "标题不能为空");
	int64_t from = 0, to = 0;
	bool fok = in->period_from && !time_parse_date(in->period_from, &from);
	bool tok = in->period_to && !time_parse_date(in->period_to, &to);
	if (!fok)
		ctx_field(c, "period_from", "开始日期格式应为 2026-01-01");
	if (!tok)
		ctx_field(c, "period_to", "结束日期格式应为 2026-06-30");
	if (fok && tok && to < from)
		ctx_field(c, "period_to", "结束日期不能早于开始日期");
	if (in->points < 0 || in->points > EVAL_POINTS_MAX)
		ctx_field(c, "points", "积分应在 0–%d 之间", EVAL_POINTS_MAX);
	if (in->winners < 1 || in->winners > EVAL_NOMINEES_MAX)
		ctx_field(c, "winners", "获评户数应在 1–%d 之间", EVAL_NOMINEES_MAX);
	if (in->publicity_days < 1 || in->publicity_days > EVAL_DAYS_MAX)
		ctx_field(c, "publicity_days", "公示天数应在 1–%d 天之间", EVAL_DAYS_MAX);
	ctx_check_text(c, "tag_name", in->tag_name, 12, CTX_TEXT_OPTIONAL, "标签");
	if (in->tag_name && in->tag_name[0]) {
		int64_t n = 0;
		if (db_get_int(c->db, &n, "SELECT count(*) FROM tags WHERE name = ? AND active = 1", "t", in->tag_name) != DB_OK ||
		    !n)
			ctx_field(c, "tag_name", "标签“%s”不存在", in->tag_name);
	}
	if (in->ncriteria < 1 || in->ncriteria > EVAL_CRITERIA_MAX)
		ctx_field(c, "criteria", "评分项应有 1–%d 项", EVAL_CRITERIA_MAX);
	for (int i = 0; i < in->ncriteria && i < EVAL_CRITERIA_MAX; i++) {
		const struct eval_criterion_input *k = &in->criteria[i];
		char field[32];
		snprintf(field, sizeof(field), "criteria[%d]", i);
		if (!k->name || !k->name[0] || evl_blank(k->name))
			ctx_field(c, field, "第 %d 个评分项的名称不能为空", i + 1);
		else
			ctx_check_text(c, field, k->name, EVAL_CRITERION_MAX, CTX_TEXT_REQUIRED, "评分项名称");
		if (k->weight < 1 || k->weight > EVAL_WEIGHT_MAX)
			ctx_field(c, field, "第 %d 个评分项的权重应在 1–%d 之间", i + 1, EVAL_WEIGHT_MAX);
		if (k->min_score < 0 || k->max_score > EVAL_SCORE_MAX || k->min_score >= k->max_score)
			ctx_field(c, field, "第 %d 个评分项的分值范围应在 0–%d 之间且最低分小于最高分", i + 1, EVAL_SCORE_MAX);
		for (int j = 0; j < i; j++)
			if (k->name && in->criteria[j].name && !strcmp(k->name, in->criteria[j].name))
				ctx_field(c, field, "第 %d 个评分项与第 %d 个重名", i + 1, j + 1);
	}
	if (in->npanel < 1 || in->npanel > EVAL_PANEL_MAX)
		ctx_field(c, "panel", "评分小组应有 1–%d 人", EVAL_PANEL_MAX);
	for (int i = 0; i < in->npanel && i < EVAL_PANEL_MAX; i++) {
		char field[32];
		snprintf(field, sizeof(field), "panel[%d]", i);
		ctx_check_text(c, field, in->panel[i].label, EVAL_LABEL_MAX, CTX_TEXT_OPTIONAL, "身份");
		for (int j = 0; j < i; j++)
			if (in->panel[j].user_id == in->panel[i].user_id)
				ctx_field(c, field, "第 %d 位评委与第 %d 位重复", i + 1, j + 1);
		if (vpath && !user_of_village(c, in->panel[i].user_id, vpath))
			ctx_field(c, field, "第 %d 位评委不是本村的用户", i + 1);
	}
}

static void snap_campaign(struct buf *b, const struct eval_campaign *e, const char *status)
{
	audit_snap_begin(b);
	audit_snap_str(b, "title", e->title);
	audit_snap_str(b, "status", status);
}

enum result eval_campaign_create(struct ctx *c, const struct eval_campaign_input *in, int64_t *id, bool *replayed)
{
	*id = 0;
	*replayed = false;
	struct org_unit v;
	int rc = org_find(c, in->village_id, &v);
	bool ok = false;
	if (rc == RC_NOT_FOUND || (!rc && strcmp(v.kind, "village")))
		ctx_field(c, "village_id", "请选择村");
	else if (rc)
		return rc;
	else
		ok = true;
	if (ok && !access_can(c, P_EVAL_ADMIN, v.path))
		return access_refusal(c, v.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "村不存在")
								 : ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以发起评选", v.name);
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	check_campaign(c, in, ok ? v.path : NULL);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "eval_campaign", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	int dbrc = db_get_int(c->db, id, "INSERT INTO eval_campaigns (village_id, kind, title, period_from, period_to, status, "
					 "points, winners, tag_name, publicity_days, created_by, created_at, updated_at) "
					 "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?) RETURNING id",
			      "itttt" "iiti" "iii", v.id, in->kind, in->title, in->period_from, in->period_to,
			      (int64_t)in->points, (int64_t)in->winners, in->tag_name ? in->tag_name : "",
			      (int64_t)in->publicity_days, ctx_actor_id(c), c->now, c->now);
	for (int i = 0; dbrc == DB_OK && i < in->ncriteria; i++)
		dbrc = db_run(c->db, "INSERT INTO eval_criteria (campaign_id, ord, name, weight, min_score, max_score) "
				     "VALUES (?, ?, ?, ?, ?, ?)", "iitiii", *id, (int64_t)i + 1, in->criteria[i].name,
			      (int64_t)in->criteria[i].weight, (int64_t)in->criteria[i].min_score,
			      (int64_t)in->criteria[i].max_score);
	for (int i = 0; dbrc == DB_OK && i < in->npanel; i++)
		dbrc = db_run(c->db, "INSERT INTO eval_panel (campaign_id, user_id, label) VALUES (?, ?, ?)", "iit", *id,
			      in->panel[i].user_id, in->panel[i].label ? in->panel[i].label : "");
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存评选"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "kind", in->kind);
	audit_snap_str(&after, "title", in->title);
	audit_snap_str(&after, "period_from", in->period_from);
	audit_snap_str(&after, "period_to", in->period_to);
	audit_snap_int(&after, "points", in->points);
	audit_snap_int(&after, "winners", in->winners);
	audit_snap_int(&after, "criteria", in->ncriteria);
	audit_snap_int(&after, "panel", in->npanel);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, v.id, "eval_campaign", *id, "create", "{}", after.ptr);
	buf_release(&after);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
	if (!rc)
		rc = idem_store(c, "eval_campaign", in->idem, idtext);
	return ctx_end(c, rc);
}

int evl_set_status(struct ctx *c, const struct eval_campaign *e, const char *status, const char *action,
		   const char *extra_key, int64_t extra)
{
	int dbrc = db_run(c->db, "UPDATE eval_campaigns SET status = ?, updated_at = ? WHERE id = ?", "tii", status, c->now,
			  e->id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存评选");
	struct buf before, after;
	snap_campaign(&before, e, e->status);
	audit_snap_end(&before);
	snap_campaign(&after, e, status);
	if (extra_key)
		audit_snap_int(&after, extra_key, extra);
	audit_snap_end(&after);
	int rc = before.failed || after.failed
			 ? ctx_fail(c, RC_INTERNAL, "内存不足")
			 : audit_record(c, e->village_id, "eval_campaign", e->id, action, before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return rc;
}

static int publicize(struct ctx *c, struct eval_campaign *e)
{
	e->ranking_visible = true;
	int rc = evl_load_nominations(c, e, false);
	if (rc)
		return rc;
	if (!e->nnoms)
		return ctx_fail(c, RC_CONFLICT, "还没有提名，不能公示");
	for (int i = 0; i < e->nnoms; i++)
		if (!e->nominations[i].nscores)
			return ctx_fail(c, RC_CONFLICT, "%s户还没有评分，不能公示", e->nominations[i].household_number);
	for (int i = 0; i < e->nnoms; i++) {
		const struct eval_nomination *m = &e->nominations[i];
		int dbrc = db_run(c->db, "UPDATE eval_nominations SET final_x100 = ?, nscores = ?, rank_no = ?, winner = ? "
					 "WHERE id = ?", "iiiii", m->final_x100, (int64_t)m->nscores, (int64_t)m->rank,
				  (int64_t)(m->winner ? 1 : 0), m->id);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "保存排名");
	}
	int64_t ends = c->now + (int64_t)e->publicity_days * 86400;
	int dbrc = db_run(c->db, "UPDATE eval_campaigns SET publicity_ends_at = ? WHERE id = ?", "ii", ends, e->id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存评选");
	return evl_set_status(c, e, "publicity", "publicize", "publicity_ends_at", ends);
}

static int publish(struct ctx *c, struct eval_campaign *e)
{
	if (c->now < e->publicity_ends_at) {
		char day[11];
		time_format_date(e->publicity_ends_at, day);
		return ctx_fail(c, RC_CONFLICT, "公示期到 %s 才结束，结束后才能发布", day);
	}
	int64_t open = 0;
	if (db_get_int(c->db, &open, "SELECT count(*) FROM eval_objections WHERE campaign_id = ? AND status = 'open'", "i",
		       e->id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取异议");
	if (open)
		return ctx_fail(c, RC_CONFLICT, "还有 %lld 条异议没有处理，处理后才能发布", (long long)open);
	struct db_stmt *st = db_query(c->db, "SELECT id, household_id FROM eval_nominations WHERE campaign_id = ? AND "
					     "winner = 1 AND ledger_id IS NULL ORDER BY rank_no", "i", e->id);
	int64_t ids[EVAL_NOMINEES_MAX], hhs[EVAL_NOMINEES_MAX];
	int n = 0;
	while (st && n < EVAL_NOMINEES_MAX && db_step(st) == DB_ROW) {
		ids[n] = db_col_int(st, 0);
		hhs[n++] = db_col_int(st, 1);
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取获评户");
	int tagged = 0;
	for (int i = 0; i < n; i++) {
		if (e->points > 0) {
			struct ledger_input li = {
				.village_id = e->village_id,
				.household_id = hhs[i],
				.source = "award",
				.ref_id = e->id,
				.rule_name = e->title,
				.category = "评选",
				.spendable = e->points,
				.honour = e->points,
				.note = arena_printf(c->arena, "%s获评", e->title),
			};
			int64_t entry = 0;
			int rc = ledger_append(c, &li, &entry);
			if (rc)
				return rc;
			int dbrc = db_run(c->db, "UPDATE eval_nominations SET ledger_id = ? WHERE id = ? AND ledger_id IS NULL",
					  "ii", entry, ids[i]);
			if (dbrc != DB_OK)
				return ctx_db_fail(c, dbrc, "记录积分");
		}
		if (e->tag_name[0]) {
			bool added = false;
			int rc = grid_tag_grant(c, hhs[i], e->tag_name, &added);
			if (rc)
				return rc;
			tagged += added;
		}
	}
	int dbrc = db_run(c->db, "UPDATE eval_campaigns SET published_at = ? WHERE id = ?", "ii", c->now, e->id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存评选");
	return evl_set_status(c, e, "published", "publish", "credited", n);
}

enum result eval_campaign_action(struct ctx *c, int64_t id, const char *action)
{
	struct eval_campaign e;
	int rc = evl_load_to_manage(c, id, &e, NULL, "管理评选");
	if (rc)
		return rc;
	static const struct {
		const char *action, *from, *to;
	} moves[] = {
		{"open", "draft", "nominating"},
		{"score", "nominating", "scoring"},
		{"publicize", "scoring", "publicity"},
		{"publish", "publicity", "published"},
	};
	int k = -1;
	for (int i = 0; i < 4; i++)
		if (!strcmp(action, moves[i].action))
			k = i;
	if (k < 0)
		return ctx_fail(c, RC_NOT_FOUND, "没有这个操作");
	if (strcmp(e.status, moves[k].from)) {
		if (!strcmp(e.status, "published"))
			return ctx_fail(c, RC_CONFLICT, "评选结果已发布");
		return ctx_fail(c, RC_CONFLICT, "评选当前的状态不能进行这个操作");
	}
	if ((rc = ctx_begin(c)))
		return rc;
	if (k == 0) {
		rc = evl_set_status(c, &e, "nominating", "open", NULL, 0);
	} else if (k == 1) {
		if (e.nnominations)
			rc = evl_set_status(c, &e, "scoring", "score", "nominations", e.nnominations);
		else
			rc = ctx_fail(c, RC_CONFLICT, "还没有提名，不能开始评分");
	} else if (k == 2) {
		rc = publicize(c, &e);
	} else {
		/* serialises concurrent publications: the second finds the status changed */
		int64_t changed = 0;
		if (db_get_int(c->db, &changed, "UPDATE eval_campaigns SET updated_at = ? WHERE id = ? AND status = 'publicity' "
						"RETURNING id", "ii", c->now, e.id) != DB_OK || !changed)
			rc = ctx_fail(c, RC_CONFLICT, "评选结果已发布");
		else
			rc = publish(c, &e);
	}
	return ctx_end(c, rc);
}
