/* Evaluations 评选: nominating a household, and the households
 * that may be nominated. */
#include "domain/evaluations/internal.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/register/register.h"
#include "util/num.h"

/* ---- nominations ---- */

enum result eval_nominate(struct ctx *c, int64_t campaign_id, const struct eval_nomination_input *in, int64_t *id,
			  bool *replayed)
{
	*id = 0;
	*replayed = false;
	struct eval_campaign e;
	int rc = evl_load_visible(c, campaign_id, &e);
	if (rc)
		return rc;
	if (!evl_nominator_in(c, e.village_path) && !(c->actor && c->actor->household_id && evl_villager_of(c, e.village_path)))
		return ctx_fail(c, RC_FORBIDDEN, "村民可以提名自己家，网格员和村干部可以提名本村的户");
	ctx_check_text(c, "note", in->note, EVAL_NOTE_MAX, CTX_TEXT_OPTIONAL | CTX_TEXT_MULTILINE, "推荐理由");
	int64_t hh = in->household_id ? in->household_id : (c->actor ? c->actor->household_id : 0);
	if (!hh)
		ctx_field(c, "household_id", "请选择被提名的户");
	if (ctx_check_fields(c))
		return RC_INVALID;
	const char *how = NULL;
	struct hh_place pl;
	rc = people_household_place(c, hh, &pl);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_field(c, "household_id", "户不存在");
	}
	if (rc)
		return rc;
	bool own = c->actor && c->actor->household_id == hh && access_has_role(c, "villager");
	if (access_can_household(c, P_EVAL_NOMINATE, HH_PATHS(pl)))
		how = access_can(c, P_EVAL_ADMIN, pl.village) ? "cadre" : "grid";
	else if (own)
		how = "self";
	else if (!access_can_read_household(c, HH_PATHS(pl), hh) && pl.village_id != e.village_id)
		return ctx_field(c, "household_id", "户不存在");
	else
		return ctx_fail(c, RC_FORBIDDEN, "村民只能提名自己家；网格员和村干部可以提名本村的户");
	if (pl.village_id != e.village_id)
		return ctx_field(c, "household_id", "该户不在%s，不能参加这次评选", e.village_name);
	if (strcmp(e.status, "nominating"))
		return ctx_fail(c, RC_CONFLICT, "评选现在不接受提名");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "eval_nomination", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	int64_t dupl = 0;
	if (db_get_int(c->db, &dupl, "SELECT count(*) FROM eval_nominations WHERE campaign_id = ? AND household_id = ?", "ii",
		       e.id, hh) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "读取提名"));
	if (dupl)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "该户已被提名"));
	int dbrc = db_get_int(c->db, id, "INSERT INTO eval_nominations (campaign_id, household_id, how, note, nominated_by, "
					 "created_at) VALUES (?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
			      "iitti" "i", e.id, hh, how, in->note ? in->note : "", ctx_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存提名"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "campaign_id", e.id);
	audit_snap_int(&after, "household_id", hh);
	audit_snap_str(&after, "how", how);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, e.village_id, "eval_nomination", *id, "create", "{}", after.ptr);
	buf_release(&after);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
	if (!rc)
		rc = idem_store(c, "eval_nomination", in->idem, idtext);
	return ctx_end(c, rc);
}

enum result eval_candidates(struct ctx *c, int64_t village_id, struct eval_candidate **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct org_unit v;
	int rc = org_find(c, village_id, &v);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(v.kind, "village"))) {
		ctx_clear(c);
		return ctx_field(c, "village_id", "请选择村");
	}
	if (rc)
		return rc;
	if (!access_can(c, P_EVAL_ADMIN, v.path))
		return access_refusal(c, v.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "村不存在")
								 : ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以组织评分小组", v.name);
	char *like = arena_printf(c->arena, "%s%%", v.path);
	if (!like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db,
		"SELECT u.id, u.name, COALESCE((SELECT h.number FROM residents r JOIN households h ON h.id = r.household_id "
		"WHERE r.id = u.resident_id AND h.village_id = ?), '') FROM users u WHERE u.status = 'active' AND ("
		"u.resident_id IN (SELECT r.id FROM residents r JOIN households h ON h.id = r.household_id WHERE h.village_id = ?) "
		"OR u.id IN (SELECT g.user_id FROM role_grants g JOIN org_units x ON x.id = g.unit_id WHERE x.path LIKE ?)) "
		"ORDER BY u.name, u.id LIMIT 500", "iit", v.id, v.id, like);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取用户");
	int cap = 0;
	while (db_step(st) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out))))
			break;
		struct eval_candidate *k = &(*out)[(*n)++];
		k->user_id = db_col_int(st, 0);
		k->name = evl_dup(c, st, 1);
		k->household_number = evl_dup(c, st, 2);
		k->roles = "";
	}
	db_finalize(st);
	for (int i = 0; i < *n; i++) {
		struct buf b;
		buf_init(&b, 64);
		st = db_query(c->db, "SELECT DISTINCT g.role FROM role_grants g JOIN org_units x ON x.id = g.unit_id "
				     "WHERE g.user_id = ? AND x.path LIKE ? ORDER BY g.role", "it", (*out)[i].user_id, like);
		while (st && db_step(st) == DB_ROW) {
			const struct role_def *r = access_role(db_col_text(st, 0));
			if (b.len)
				buf_adds(&b, "、");
			buf_adds(&b, r ? r->label : db_col_text(st, 0));
		}
		db_finalize(st);
		const char *roles = arena_strdup(c->arena, b.ptr ? b.ptr : "");
		(*out)[i].roles = roles ? roles : "";
		buf_release(&b);
	}
	return RC_OK;
}
