/* 公示 and objections, village points settings, and the crediting job. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/points/ledger.h"
#include "domain/points/publicity.h"
#include "domain/register/register.h"
#include "util/utf8.h"

enum result publicity_settings_get(struct ctx *c, int64_t village_id, struct village_settings *out)
{
	memset(out, 0, sizeof(*out));
	out->village_id = village_id;
	out->publicity_days = PUBLICITY_DAYS_DEFAULT;
	out->red_list_size = 10;
	struct db_stmt *st = db_query(c->db, "SELECT publicity_days, red_list_size, COALESCE(reset_month_day, '') "
					     "FROM village_settings WHERE village_id = ?", "i", village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取设置");
	if (db_step(st) == DB_ROW) {
		out->publicity_days = (int)db_col_int(st, 0);
		out->red_list_size = (int)db_col_int(st, 1);
		str_copy(out->reset_month_day, sizeof(out->reset_month_day), db_col_text(st, 2));
	}
	db_finalize(st);
	return RC_OK;
}

enum result publicity_settings_read(struct ctx *c, int64_t village_id, struct village_settings *out)
{
	struct org_unit v;
	int rc = org_get(c, village_id, &v);
	if (rc)
		return rc;
	if (strcmp(v.kind, "village") || !access_touches(c, v.path))
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	return publicity_settings_get(c, village_id, out);
}

static bool month_day_valid(const char *s)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 5 || s[2] != '-')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	int m = (s[0] - '0') * 10 + (s[1] - '0'), d = (s[3] - '0') * 10 + (s[4] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
}

enum result publicity_settings_set(struct ctx *c, const struct village_settings *in)
{
	if (in->publicity_days < 0 || in->publicity_days > 30)
		ctx_field(c, "publicity_days", "公示天数应为 0 到 30");
	if (in->red_list_size < 1 || in->red_list_size > 100)
		ctx_field(c, "red_list_size", "红榜人数应为 1 到 100");
	if (in->reset_month_day[0] && !month_day_valid(in->reset_month_day))
		ctx_field(c, "reset_month_day", "清零日期应为 MM-DD，如 01-01；留空表示不清零");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct org_unit v;
	int rc = org_get(c, in->village_id, &v);
	if (rc)
		return rc;
	if (strcmp(v.kind, "village"))
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if (!access_can(c, P_POINTS_ADMIN, v.path))
		return ctx_fail(c, access_refusal(c, v.path), "只有本村村两委可以修改积分设置");
	struct village_settings old;
	if ((rc = publicity_settings_get(c, in->village_id, &old)) || (rc = ctx_begin(c)))
		return rc;
	const char *reset = in->reset_month_day[0] ? in->reset_month_day : NULL;
	int dbrc = db_run(c->db, "INSERT INTO village_settings (village_id, publicity_days, red_list_size, "
				 "reset_month_day, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (village_id) DO UPDATE "
				 "SET publicity_days = excluded.publicity_days, red_list_size = excluded.red_list_size, "
				 "reset_month_day = excluded.reset_month_day, updated_at = excluded.updated_at",
			  "iiiti", in->village_id, (int64_t)in->publicity_days, (int64_t)in->red_list_size, reset,
			  c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "修改设置"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_int(&before, "publicity_days", old.publicity_days);
	audit_snap_int(&before, "red_list_size", old.red_list_size);
	audit_snap_str(&before, "reset_month_day", old.reset_month_day);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_int(&after, "publicity_days", in->publicity_days);
	audit_snap_int(&after, "red_list_size", in->red_list_size);
	audit_snap_str(&after, "reset_month_day", in->reset_month_day);
	audit_snap_end(&after);
	rc = audit_record(c, in->village_id, "points_settings", in->village_id, "update", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result publicity_post(struct ctx *c, int64_t village_id, int64_t claim_id, int64_t *publicity_id)
{
	struct village_settings s;
	int rc = publicity_settings_get(c, village_id, &s);
	if (rc)
		return rc;
	int64_t ends = c->now + (int64_t)s.publicity_days * 86400;
	rc = db_get_int(c->db, publicity_id, "INSERT INTO publicity (village_id, claim_id, starts_at, ends_at, "
					      "status, created_at) VALUES (?, ?, ?, ?, 'open', ?) RETURNING id",
			"iiiii", village_id, claim_id, c->now, ends, c->now);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "公示");
}

/* Credits one entry in its own transaction; a lost race is not an error. */
static int credit_one(struct ctx *c, int64_t publicity_id, bool *credited)
{
	*credited = false;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t claim_id;
	int dbrc = db_get_int(c->db, &claim_id, "UPDATE publicity SET status = 'credited' WHERE id = ? AND "
						 "status = 'open' AND ends_at <= ? RETURNING claim_id",
			      "ii", publicity_id, c->now);
	if (dbrc == DB_DONE)
		return ctx_end(c, RC_OK);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "公示入账"));
	struct ledger_draft d = {.in = {.claim_id = claim_id, .note = ""}};
	struct db_stmt *st = db_query(c->db, "SELECT village_id, household_id, COALESCE(resident_id, 0), source, "
					     "rule_id, rule_name, category, points FROM claims WHERE id = ? "
					     "AND status = 'approved'", "i", claim_id);
	bool found = st && db_step(st) == DB_ROW;
	if (found) {
		ledger_draft_read(&d, st);
		d.in.spendable = d.in.honour = db_col_int(st, 7);
	}
	db_finalize(st);
	if (!found)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "公示 %lld 的记录不是已通过状态", (long long)publicity_id));
	int64_t entry;
	rc = ledger_append(c, &d.in, &entry);
	if (!rc && db_run(c->db, "UPDATE claims SET status = 'credited', updated_at = ? WHERE id = ?", "ii",
			  c->now, claim_id) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "公示入账");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "publicity_id", publicity_id);
		audit_snap_int(&after, "ledger_entry", entry);
		audit_snap_int(&after, "points", d.in.honour);
		audit_snap_end(&after);
		rc = audit_record(c, d.in.village_id, "claim", claim_id, "credit", "{}", after.ptr);
		buf_release(&after);
	}
	*credited = rc == RC_OK;
	return ctx_end(c, rc);
}

enum result publicity_credit_due(struct ctx *c, int64_t *credited)
{
	*credited = 0;
	for (;;) {
		struct db_stmt *st = db_query(c->db, "SELECT id FROM publicity WHERE status = 'open' AND ends_at <= ? "
						     "ORDER BY id LIMIT 500", "i", c->now);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "公示入账");
		int64_t ids[500];
		int n = 0;
		while (n < 500 && db_step(st) == DB_ROW)
			ids[n++] = db_col_int(st, 0);
		db_finalize(st);
		int done = 0;
		for (int i = 0; i < n; i++) {
			bool ok;
			int rc = credit_one(c, ids[i], &ok);
			if (rc)
				return rc;
			done += ok;
		}
		*credited += done;
		if (n < 500 || done == 0)
			return RC_OK;
	}
}

#define ITEM_SQL                                                                                     \
	"SELECT p.id, p.claim_id, c.household_id, p.village_id, "                                       \
	"COALESCE(r.name, " PEOPLE_HEAD_NAME("c.household_id") "), h.number, c.source, c.rule_name, "    \
	"c.category, c.occurred_on, c.description, p.status, c.points, p.starts_at, p.ends_at, "        \
	"(SELECT count(*) FROM objections o WHERE o.publicity_id = p.id) "                               \
	"FROM publicity p JOIN claims c ON c.id = p.claim_id JOIN households h ON h.id = c.household_id " \
	"LEFT JOIN residents r ON r.id = c.resident_id "

static void read_item(struct ctx *c, struct db_stmt *st, struct publicity_item *it)
{
	char masked[128];
	it->id = db_col_int(st, 0);
	it->claim_id = db_col_int(st, 1);
	it->household_id = db_col_int(st, 2);
	it->village_id = db_col_int(st, 3);
	utf8_mask_name(db_col_text(st, 4), masked, sizeof(masked));
	it->masked_name = arena_strdup(c->arena, masked);
	it->household_number = arena_strdup(c->arena, db_col_text(st, 5));
	it->source = arena_strdup(c->arena, db_col_text(st, 6));
	it->rule_name = arena_strdup(c->arena, db_col_text(st, 7));
	it->category = arena_strdup(c->arena, db_col_text(st, 8));
	it->occurred_on = arena_strdup(c->arena, db_col_text(st, 9));
	it->description = arena_strdup(c->arena, db_col_text(st, 10));
	it->status = arena_strdup(c->arena, db_col_text(st, 11));
	it->points = db_col_int(st, 12);
	it->starts_at = db_col_int(st, 13);
	it->ends_at = db_col_int(st, 14);
	it->objections = db_col_int(st, 15);
}

enum result publicity_public_list(struct ctx *c, int64_t village_id, struct publicity_item **out, int *n,
			  int64_t *ledger_count, char ledger_hash[65])
{
	struct org_unit v;
	int rc = org_get(c, village_id, &v);
	if (rc)
		return rc;
	if (strcmp(v.kind, "village"))
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if ((rc = ledger_head(c, village_id, ledger_count, ledger_hash)))
		return rc;
	int64_t total = 0;
	db_get_int(c->db, &total, "SELECT count(*) FROM publicity WHERE village_id = ? AND status = 'open'", "i",
		   village_id);
	if (total > 2000)
		total = 2000;
	struct db_stmt *st = db_query(c->db, ITEM_SQL "WHERE p.village_id = ? AND p.status = 'open' "
						      "ORDER BY p.ends_at, p.id LIMIT 2000", "i", village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "公示");
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(total + 1));
	while (*out && *n < total && db_step(st) == DB_ROW)
		read_item(c, st, &(*out)[(*n)++]);
	db_finalize(st);
	return RC_OK;
}

enum result publicity_object(struct ctx *c, int64_t publicity_id, const char *reason, int64_t *objection_id)
{
	if (!reason || !reason[0])
		ctx_field(c, "reason", "请写明异议理由");
	else if (utf8_count(reason) > PUBLICITY_REASON_MAX || utf8_has_controls(reason, true))
		ctx_field(c, "reason", "异议理由最多 %d 个字", PUBLICITY_REASON_MAX);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct publicity_item it;
	struct db_stmt *st = db_query(c->db, ITEM_SQL "WHERE p.id = ?", "i", publicity_id);
	bool found = st && db_step(st) == DB_ROW;
	if (found)
		read_item(c, st, &it);
	db_finalize(st);
	if (!found)
		return ctx_fail(c, RC_NOT_FOUND, "公示记录不存在");
	/* any villager of the village: the actor's household must be in it */
	int64_t own_village = 0;
	if (c->actor && c->actor->household_id)
		db_get_int(c->db, &own_village, "SELECT village_id FROM households WHERE id = ?", "i",
			   c->actor->household_id);
	if (own_village != it.village_id || !access_has_role(c, "villager")) {
		struct org_unit v;
		int vrc = org_get(c, it.village_id, &v);
		if (vrc)
			return vrc;
		if (!access_touches(c, v.path))
			return ctx_fail(c, RC_NOT_FOUND, "公示记录不存在");
		return ctx_fail(c, RC_FORBIDDEN, "只有本村村民可以对公示提出异议");
	}
	/* an objection is the neighbours' check on a household's points: not the household's own */
	if (it.household_id == c->actor->household_id)
		return ctx_fail(c, RC_FORBIDDEN, "这是本户的记录，不能对本户的公示提出异议");
	if (strcmp(it.status, "open") || it.ends_at <= c->now)
		return ctx_fail(c, RC_CONFLICT, "公示期已结束或已有异议在处理，不能再提出异议");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t claim;
	int dbrc = db_get_int(c->db, &claim, "UPDATE publicity SET status = 'objected' WHERE id = ? AND "
					     "status = 'open' AND ends_at > ? RETURNING claim_id",
			      "ii", publicity_id, c->now);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "公示期已结束或已有异议在处理，不能再提出异议"));
	/* one objection per villager per record: a dismissed objection is not raised again
	 * on the record's next 公示 */
	int64_t before = 0;
	if (dbrc == DB_OK)
		dbrc = db_get_int(c->db, &before, "SELECT count(*) FROM objections WHERE claim_id = ? AND objector_id = ?",
				  "ii", claim, c->actor->user_id);
	if (dbrc == DB_OK && before > 0)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "你已对这条记录提出过异议，村里已复核并作出答复，不能再次提出"));
	if (dbrc == DB_OK)
		dbrc = db_get_int(c->db, objection_id, "INSERT INTO objections (publicity_id, claim_id, objector_id, "
						       "reason, status, created_at) VALUES (?, ?, ?, ?, 'open', ?) RETURNING id",
				  "iiiti", publicity_id, claim, c->actor->user_id, reason, c->now);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "UPDATE claims SET status = 'pending', updated_at = ? WHERE id = ?", "ii",
			      c->now, claim);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "提出异议"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "publicity_id", publicity_id);
	audit_snap_int(&after, "objection_id", *objection_id);
	audit_snap_str(&after, "reason", reason);
	audit_snap_end(&after);
	rc = audit_record(c, it.village_id, "claim", claim, "objection", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result publicity_decide_objections(struct ctx *c, int64_t claim_id, bool approved, const char *reason)
{
	int rc = db_run(c->db, "UPDATE objections SET status = ?, decision_reason = ?, decided_by = ?, "
			       "decided_at = ? WHERE claim_id = ? AND status = 'open'",
			"ttiii", approved ? "dismissed" : "upheld", reason ? reason : "",
			ctx_actor_id(c), c->now, claim_id);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "处理异议");
}

enum result publicity_objections(struct ctx *c, int64_t village_id, bool mine, int limit, int offset,
			 struct objection **out, int *n, int64_t *total)
{
	*n = 0;
	*total = 0;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!mine) {
		struct org_unit v;
		int rc = org_get(c, village_id, &v);
		if (rc)
			return rc;
		if (!access_can(c, P_POINTS_REVIEW, v.path) && !access_can(c, P_AUDIT_READ, v.path))
			return ctx_fail(c, access_refusal(c, v.path), "无权查看该村的异议");
	}
	const char *where = mine ? "WHERE o.objector_id = ?" : "WHERE c.village_id = ?";
	int64_t key = mine ? c->actor->user_id : village_id;
	char *sql = arena_printf(c->arena, "SELECT count(*) FROM objections o JOIN claims c ON c.id = o.claim_id %s",
				 where);
	if (db_get_int(c->db, total, sql, "i", key) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "异议");
	sql = arena_printf(c->arena,
		"SELECT o.id, o.publicity_id, o.claim_id, o.objector_id, COALESCE(o.decided_by, 0), u.name, "
		"o.reason, o.status, o.decision_reason, c.rule_name, COALESCE(r.name, ''), c.points, "
		"o.created_at, COALESCE(o.decided_at, 0) FROM objections o JOIN claims c ON c.id = o.claim_id "
		"JOIN users u ON u.id = o.objector_id LEFT JOIN residents r ON r.id = c.resident_id %s "
		"ORDER BY o.id DESC LIMIT ? OFFSET ?", where);
	struct db_stmt *st = db_query(c->db, sql, "iii", key, (int64_t)limit, (int64_t)offset);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "异议");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit > 0 ? limit : 1));
	while (*out && *n < limit && db_step(st) == DB_ROW) {
		struct objection *o = &(*out)[(*n)++];
		char masked[128];
		o->id = db_col_int(st, 0);
		o->publicity_id = db_col_int(st, 1);
		o->claim_id = db_col_int(st, 2);
		o->objector_id = db_col_int(st, 3);
		o->decided_by = db_col_int(st, 4);
		o->objector_name = arena_strdup(c->arena, db_col_text(st, 5));
		o->reason = arena_strdup(c->arena, db_col_text(st, 6));
		o->status = arena_strdup(c->arena, db_col_text(st, 7));
		o->decision_reason = arena_strdup(c->arena, db_col_text(st, 8));
		o->rule_name = arena_strdup(c->arena, db_col_text(st, 9));
		utf8_mask_name(db_col_text(st, 10), masked, sizeof(masked));
		o->masked_name = arena_strdup(c->arena, masked);
		o->points = db_col_int(st, 11);
		o->created_at = db_col_int(st, 12);
		o->decided_at = db_col_int(st, 13);
	}
	db_finalize(st);
	return RC_OK;
}
