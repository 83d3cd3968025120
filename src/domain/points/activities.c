/* Activities: creation, sign-up with a capacity, QR check-in that awards the rule. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/points/activities.h"
#include "domain/points/claims.h"
#include "domain/points/rules.h"
#include "domain/register/register.h"
#include "util/timeutil.h"

/* ---- reading ---- */

#define ACT_COLS                                                                                     \
	"a.id, a.village_id, a.rule_id, v.name, r.name, r.category, r.points, a.title, a.place, "   \
	"a.starts_at, a.ends_at, a.capacity, "                                                       \
	"(SELECT count(*) FROM activity_signups s WHERE s.activity_id = a.id), "                   \
	"(SELECT count(*) FROM activity_signups s WHERE s.activity_id = a.id "                     \
	"AND s.checked_in_at IS NOT NULL), a.created_by, a.created_at, COALESCE(u.name, ''), v.path, " \
	"CASE WHEN m.household_id IS NULL THEN 0 ELSE 1 END, COALESCE(m.resident_id, 0), "           \
	"CASE WHEN m.checked_in_at IS NULL THEN 0 ELSE 1 END, COALESCE(m.claim_id, 0) "
/* m is the sign-up of the household bound first (0 = none) */
#define ACT_FROM                                                                                     \
	"FROM activities a JOIN org_units v ON v.id = a.village_id "                                 \
	"JOIN point_rules r ON r.id = a.rule_id LEFT JOIN users u ON u.id = a.created_by "            \
	"LEFT JOIN activity_signups m ON m.activity_id = a.id AND m.household_id = ? "

static void read_activity(const struct ctx *c, struct db_stmt *st, struct activity *a,
			  char vpath[ORG_PATH_MAX])
{
	memset(a, 0, sizeof(*a));
	a->id = db_col_int(st, 0);
	a->village_id = db_col_int(st, 1);
	a->rule_id = db_col_int(st, 2);
	str_copy(a->village_name, sizeof(a->village_name), db_col_text(st, 3));
	str_copy(a->rule_name, sizeof(a->rule_name), db_col_text(st, 4));
	str_copy(a->category, sizeof(a->category), db_col_text(st, 5));
	a->points = (int)db_col_int(st, 6);
	str_copy(a->title, sizeof(a->title), db_col_text(st, 7));
	str_copy(a->place, sizeof(a->place), db_col_text(st, 8));
	a->starts_at = db_col_int(st, 9);
	a->ends_at = db_col_int(st, 10);
	a->capacity = (int)db_col_int(st, 11);
	a->signups = db_col_int(st, 12);
	a->checked_in = db_col_int(st, 13);
	a->created_by = db_col_int(st, 14);
	a->created_at = db_col_int(st, 15);
	str_copy(a->created_by_name, sizeof(a->created_by_name), db_col_text(st, 16));
	str_copy(vpath, ORG_PATH_MAX, db_col_text(st, 17));
	a->mine_signed_up = db_col_int(st, 18) != 0;
	a->mine_resident_id = db_col_int(st, 19);
	a->mine_checked_in = db_col_int(st, 20) != 0;
	a->mine_claim_id = db_col_int(st, 21);
	a->can_manage = access_can(c, P_POINTS_ADMIN, vpath);
}

/* The village of the actor's household when the actor is a villager, else 0. */
static int64_t villager_village(struct ctx *c)
{
	if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
		return 0;
	int64_t v = 0;
	if (db_get_int(c->db, &v, "SELECT village_id FROM households WHERE id = ?", "i",
		       c->actor->household_id) != DB_OK)
		return 0;
	return v;
}

static bool is_villager_of(struct ctx *c, int64_t village_id)
{
	return village_id && villager_village(c) == village_id;
}

static int64_t mine_household(const struct ctx *c)
{
	return c->actor ? c->actor->household_id : 0;
}

/* Loads an activity without access checks. */
static int load_activity(struct ctx *c, int64_t id, struct activity *a, char vpath[ORG_PATH_MAX])
{
	struct db_stmt *st = db_query(c->db, "SELECT " ACT_COLS ACT_FROM "WHERE a.id = ?", "ii",
				      mine_household(c), id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取活动");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_activity(c, st, a, vpath);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "活动不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取活动");
}

static bool can_read(struct ctx *c, const struct activity *a, const char *vpath)
{
	return access_can(c, P_REGISTER_READ, vpath) || is_villager_of(c, a->village_id);
}

enum result activities_get(struct ctx *c, int64_t id, struct activity *out)
{
	char vpath[ORG_PATH_MAX];
	int rc = load_activity(c, id, out, vpath);
	if (rc)
		return rc;
	if (!can_read(c, out, vpath))
		return ctx_fail(c, RC_NOT_FOUND, "活动不存在");
	out->villager = is_villager_of(c, out->village_id);
	if (!out->villager) {
		out->mine_signed_up = out->mine_checked_in = false;
		out->mine_resident_id = out->mine_claim_id = 0;
	}
	return RC_OK;
}

enum result activities_list(struct ctx *c, int64_t village_id, int limit, int offset, struct activity **out,
		    int *n, int64_t *total)
{
	*n = 0;
	*total = 0;
	int64_t own = villager_village(c);
	if (!village_id) {
		if (!own)
			return ctx_field(c, "village_id", "必填");
		village_id = own;
	}
	struct org_unit v;
	int rc = org_find(c, village_id, &v);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(v.kind, "village")))
		return ctx_field(c, "village_id", "村不存在");
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_READ, v.path) && own != village_id)
		return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的活动", v.name);
	int dbrc = db_get_int(c->db, total, "SELECT count(*) FROM activities WHERE village_id = ?", "i",
			      village_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取活动");
	int64_t hh = own == village_id ? mine_household(c) : 0;
	struct db_stmt *st = db_query(c->db, "SELECT " ACT_COLS ACT_FROM "WHERE a.village_id = ? "
					     "ORDER BY a.starts_at DESC, a.id DESC LIMIT ? OFFSET ?",
				      "iiii", hh, village_id, (int64_t)limit, (int64_t)offset);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取活动");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit > 0 ? limit : 1));
	char vpath[ORG_PATH_MAX];
	while (*out && *n < limit && (dbrc = db_step(st)) == DB_ROW) {
		read_activity(c, st, &(*out)[*n], vpath);
		(*out)[(*n)++].villager = hh != 0;
	}
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return dbrc == DB_ERROR || dbrc == DB_BUSY ? ctx_db_fail(c, dbrc, "读取活动") : RC_OK;
}

enum result activities_signups(struct ctx *c, int64_t id, struct activity_signup **out, int *n)
{
	struct activity a;
	char vpath[ORG_PATH_MAX];
	*n = 0;
	int rc = load_activity(c, id, &a, vpath);
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_READ, vpath))
		return can_read(c, &a, vpath) ? ctx_fail(c, access_refusal(c, vpath), "无权查看报名名单")
					      : ctx_fail(c, RC_NOT_FOUND, "活动不存在");
	int cap = (int)a.signups + 16;
	struct db_stmt *st = db_query(
		c->db,
		"SELECT s.household_id, COALESCE(s.resident_id, 0), COALESCE(s.claim_id, 0), h.number, "
		PEOPLE_HEAD_NAME("h.id") ", COALESCE(p.name, ''), s.signed_at, COALESCE(s.checked_in_at, 0) "
		"FROM activity_signups s JOIN households h ON h.id = s.household_id "
		"LEFT JOIN residents p ON p.id = s.resident_id "
		"WHERE s.activity_id = ? ORDER BY s.signed_at, s.household_id",
		"i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取报名");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)cap);
	while (*out && *n < cap && (rc = db_step(st)) == DB_ROW) {
		struct activity_signup *s = &(*out)[(*n)++];
		s->household_id = db_col_int(st, 0);
		s->resident_id = db_col_int(st, 1);
		s->claim_id = db_col_int(st, 2);
		s->household_number = arena_strdup(c->arena, db_col_text(st, 3));
		s->head_name = arena_strdup(c->arena, db_col_text(st, 4));
		s->resident_name = arena_strdup(c->arena, db_col_text(st, 5));
		s->signed_at = db_col_int(st, 6);
		s->checked_in_at = db_col_int(st, 7);
	}
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return RC_OK;
}

/* ---- creating ---- */

enum result activities_create(struct ctx *c, const struct activity_input *in, int64_t *id)
{
	ctx_check_text(c, "title", in->title, ACTIVITY_TITLE_MAX, CTX_TEXT_REQUIRED, "活动名称");
	ctx_check_text(c, "place", in->place, ACTIVITY_PLACE_MAX, CTX_TEXT_OPTIONAL, "地点");
	if (in->capacity < 1 || in->capacity > ACTIVITY_CAPACITY_MAX)
		ctx_field(c, "capacity", "名额应在 1 到 %d 之间", ACTIVITY_CAPACITY_MAX);
	if (in->starts_at <= 0)
		ctx_field(c, "starts_at", "开始时间不能为空");
	else if (in->starts_at > c->now + 366 * 86400)
		ctx_field(c, "starts_at", "开始时间不能晚于一年以后");
	if (in->ends_at <= 0)
		ctx_field(c, "ends_at", "结束时间不能为空");
	else if (in->starts_at > 0 && in->ends_at <= in->starts_at)
		ctx_field(c, "ends_at", "结束时间应晚于开始时间");
	else if (in->starts_at > 0 && in->ends_at - in->starts_at > ACTIVITY_SPAN_MAX)
		ctx_field(c, "ends_at", "活动最长 7 天");
	else if (in->ends_at <= c->now)
		ctx_field(c, "ends_at", "结束时间已过");

	struct org_unit v;
	bool village_ok = false;
	int rc = org_find(c, in->village_id, &v);
	if (rc == RC_OK && !strcmp(v.kind, "village")) {
		village_ok = true;
	} else if (rc == RC_OK || rc == RC_NOT_FOUND) {
		ctx_field(c, "village_id", "村不存在");
	} else {
		return rc;
	}
	if (village_ok && !access_can(c, P_POINTS_ADMIN, v.path))
		return ctx_fail(c, RC_FORBIDDEN, "只有%s的村两委可以发起活动", v.name);

	struct point_rule rule;
	rc = rules_find(c, in->rule_id, &rule);
	if (rc == RC_NOT_FOUND) {
		ctx_field(c, "rule_id", "积分事项不存在");
	} else if (rc) {
		return rc;
	} else if (village_ok && (rule.unit_id != v.id || rule.retired_version)) {
		ctx_field(c, "rule_id", "「%s」不在本村现行的积分事项清单中", rule.name);
	} else if (rule.points <= 0) {
		ctx_field(c, "rule_id", "活动只能使用加分事项（「%s」为 %d 分）", rule.name, rule.points);
	} else if (in->starts_at > 0) {
		char day[11];
		time_format_date(in->starts_at, day);
		if ((rule.valid_from[0] && strcmp(day, rule.valid_from) < 0) ||
		    (rule.valid_to[0] && strcmp(day, rule.valid_to) > 0))
			ctx_field(c, "rule_id", "「%s」的有效期为 %s 至 %s，不含活动日期 %s", rule.name,
				  rule.valid_from[0] ? rule.valid_from : "不限",
				  rule.valid_to[0] ? rule.valid_to : "不限", day);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;

	const char *place = in->place ? in->place : "";
	int64_t actor = ctx_actor_id(c);
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO activities (village_id, rule_id, title, place, starts_at, ends_at, "
			      "capacity, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "iittiiiii", v.id, rule.id, in->title, place, in->starts_at, in->ends_at,
			      in->capacity, actor, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "新建活动"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "rule_id", rule.id);
	audit_snap_str(&after, "rule_name", rule.name);
	audit_snap_int(&after, "points", rule.points);
	audit_snap_str(&after, "title", in->title);
	audit_snap_str(&after, "place", place);
	audit_snap_int(&after, "starts_at", in->starts_at);
	audit_snap_int(&after, "ends_at", in->ends_at);
	audit_snap_int(&after, "capacity", in->capacity);
	audit_snap_end(&after);
	rc = audit_record(c, v.id, "activity", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* ---- signing up ---- */

/* Loads an activity for its villagers: others get not found, or forbidden when they
 * may read it. */
static int load_for_villager(struct ctx *c, int64_t id, struct activity *a, const char *what)
{
	char vpath[ORG_PATH_MAX];
	int rc = load_activity(c, id, a, vpath);
	if (rc)
		return rc;
	if (!is_villager_of(c, a->village_id))
		return can_read(c, a, vpath) ? ctx_fail(c, RC_FORBIDDEN, "只有%s的村民可以%s", a->village_name, what)
					     : ctx_fail(c, RC_NOT_FOUND, "活动不存在");
	return RC_OK;
}

/* Locks the activity row until the end of the transaction, so that sign-ups and
 * check-ins of one activity run one after another (PostgreSQL takes a row lock;
 * SQLite already holds the database's write lock). */
static int lock_activity(struct ctx *c, int64_t id)
{
	int dbrc = db_run(c->db, "UPDATE activities SET capacity = capacity WHERE id = ?", "i", id);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "锁定活动");
}

/* Takes a place for the household if one is left: RC_CONFLICT when full. */
static int take_place(struct ctx *c, int64_t id, int64_t household_id, int64_t resident_id,
		      const char *full_msg)
{
	int64_t got;
	int dbrc = db_get_int(c->db, &got,
			      "INSERT INTO activity_signups (activity_id, household_id, resident_id, signed_at) "
			      "SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), NULLIF(CAST(? AS BIGINT), 0), CAST(? AS BIGINT) "
			      "WHERE (SELECT count(*) FROM activity_signups WHERE activity_id = ?) < "
			      "(SELECT capacity FROM activities WHERE id = ?) RETURNING household_id",
			      "iiiiii", id, household_id, resident_id, c->now, id, id);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_CONFLICT, "%s", full_msg);
	if (dbrc == DB_CONSTRAINT)
		return ctx_fail(c, RC_CONFLICT, "本户已报名");
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "报名");
}

static int resident_of(struct ctx *c, int64_t resident_id, int64_t household_id)
{
	int64_t hh = 0;
	int dbrc = db_get_int(c->db, &hh, "SELECT household_id FROM residents WHERE id = ?", "i", resident_id);
	if (dbrc != DB_OK && dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取村民");
	if (dbrc == DB_DONE || hh != household_id)
		return ctx_field(c, "resident_id", "该村民不是本户成员");
	return RC_OK;
}

enum result activities_signup(struct ctx *c, int64_t id, int64_t resident_id)
{
	struct activity a;
	int rc = load_for_villager(c, id, &a, "报名");
	if (rc)
		return rc;
	int64_t hh = c->actor->household_id;
	if (!resident_id)
		resident_id = c->actor->resident_id;
	if (!resident_id)
		return ctx_field(c, "resident_id", "请选择参加活动的家庭成员");
	if ((rc = resident_of(c, resident_id, hh)))
		return rc;
	if (c->now >= a.ends_at)
		return ctx_fail(c, RC_CONFLICT, "活动已结束，不能报名");
	if (a.mine_signed_up)
		return ctx_fail(c, RC_CONFLICT, "本户已报名");
	if ((rc = ctx_begin(c)))
		return rc;
	rc = lock_activity(c, id);
	int64_t exists = 0;
	if (!rc) {
		int dbrc = db_get_int(c->db, &exists, "SELECT count(*) FROM activity_signups "
						      "WHERE activity_id = ? AND household_id = ?", "ii", id, hh);
		if (dbrc != DB_OK)
			rc = ctx_db_fail(c, dbrc, "读取报名");
		else if (exists)
			rc = ctx_fail(c, RC_CONFLICT, "本户已报名");
	}
	if (!rc)
		rc = take_place(c, id, hh, resident_id, "名额已满");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "household_id", hh);
		audit_snap_int(&after, "resident_id", resident_id);
		audit_snap_end(&after);
		rc = audit_record(c, a.village_id, "activity", id, "signup", "{}", after.ptr);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}

enum result activities_cancel(struct ctx *c, int64_t id)
{
	struct activity a;
	int rc = load_for_villager(c, id, &a, "取消报名");
	if (rc)
		return rc;
	int64_t hh = c->actor->household_id;
	if (c->now >= a.starts_at)
		return ctx_fail(c, RC_CONFLICT, "活动已开始，不能取消报名");
	if ((rc = ctx_begin(c)))
		return rc;
	rc = lock_activity(c, id);
	int64_t resident = 0, checked = 0;
	struct db_stmt *st = rc ? NULL
				: db_query(c->db, "SELECT COALESCE(resident_id, 0), COALESCE(checked_in_at, 0) "
						  "FROM activity_signups WHERE activity_id = ? AND household_id = ?",
					   "ii", id, hh);
	if (!rc && !st)
		rc = ctx_db_fail(c, DB_ERROR, "读取报名");
	if (st) {
		int dbrc = db_step(st);
		if (dbrc == DB_ROW) {
			resident = db_col_int(st, 0);
			checked = db_col_int(st, 1);
		}
		db_finalize(st);
		if (dbrc == DB_DONE)
			rc = ctx_fail(c, RC_NOT_FOUND, "本户没有报名这个活动");
		else if (dbrc != DB_ROW)
			rc = ctx_db_fail(c, dbrc, "读取报名");
		else if (checked)
			rc = ctx_fail(c, RC_CONFLICT, "本户已签到，不能取消报名");
	}
	if (!rc) {
		int dbrc = db_run(c->db, "DELETE FROM activity_signups WHERE activity_id = ? AND household_id = ?",
				  "ii", id, hh);
		if (dbrc != DB_OK)
			rc = ctx_db_fail(c, dbrc, "取消报名");
	}
	if (!rc) {
		struct buf before;
		audit_snap_begin(&before);
		audit_snap_int(&before, "household_id", hh);
		audit_snap_int(&before, "resident_id", resident);
		audit_snap_end(&before);
		rc = audit_record(c, a.village_id, "activity", id, "cancel_signup", before.ptr, "{}");
		buf_release(&before);
	}
	return ctx_end(c, rc);
}

/* ---- check-in ---- */

static int check_window(struct ctx *c, const struct activity *a)
{
	if (c->now < a->starts_at - ACTIVITY_CHECKIN_EARLY)
		return ctx_fail(c, RC_CONFLICT, "签到尚未开始：活动开始前 %d 分钟起可以签到",
				ACTIVITY_CHECKIN_EARLY / 60);
	if (c->now > a->ends_at + ACTIVITY_CHECKIN_LATE)
		return ctx_fail(c, RC_CONFLICT, "签到已结束：活动结束 %d 分钟后不能再签到",
				ACTIVITY_CHECKIN_LATE / 60);
	return RC_OK;
}

enum result activities_checkin_code(struct ctx *c, int64_t id, char token[QRTOKEN_MAX], int64_t *expires)
{
	struct activity a;
	char vpath[ORG_PATH_MAX];
	token[0] = 0;
	*expires = 0;
	int rc = load_activity(c, id, &a, vpath);
	if (rc)
		return rc;
	if (!a.can_manage)
		return can_read(c, &a, vpath) ? ctx_fail(c, RC_FORBIDDEN, "只有村两委可以出示签到码")
					      : ctx_fail(c, RC_NOT_FOUND, "活动不存在");
	if ((rc = check_window(c, &a)))
		return rc;
	/* the same code for a whole step, so the page and its image agree */
	int64_t step = c->now - (c->now % ACTIVITY_CODE_STEP + ACTIVITY_CODE_STEP) % ACTIVITY_CODE_STEP;
	*expires = step + ACTIVITY_CODE_TTL;
	qrtoken_sign(c, ACTIVITY_CODE_KIND, id, *expires, token);
	return RC_OK;
}

/* The head of household (or its first member) for a walk-in nobody named; 0 if none. */
static int64_t head_of(struct ctx *c, int64_t household_id)
{
	int64_t id = 0;
	if (db_get_int(c->db, &id, "SELECT id FROM residents WHERE household_id = ? "
				   "ORDER BY CASE WHEN relation = '户主' THEN 0 ELSE 1 END, id LIMIT 1",
		       "i", household_id) != DB_OK)
		return 0;
	return id;
}

/* Checks a household in, in one transaction: takes a place for a walk-in, writes the
 * approved record (and its 公示 posting) and marks the sign-up. */
static int checkin(struct ctx *c, const struct activity *a, int64_t household_id, int64_t walkin_resident,
		   const char *via, int64_t *claim_id)
{
	int rc = check_window(c, a);
	if (rc)
		return rc;
	struct point_rule rule;
	if ((rc = rules_get(c, a->rule_id, &rule)))
		return rc;
	char day[11];
	time_format_date(c->now, day);
	if ((rc = ctx_begin(c)))
		return rc;
	if ((rc = lock_activity(c, a->id)))
		return ctx_end(c, rc);
	int64_t resident = 0, checked = 0;
	bool signed_up = false;
	struct db_stmt *st = db_query(c->db, "SELECT COALESCE(resident_id, 0), COALESCE(checked_in_at, 0) "
					     "FROM activity_signups WHERE activity_id = ? AND household_id = ?",
				      "ii", a->id, household_id);
	if (!st)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "读取报名"));
	int dbrc = db_step(st);
	if (dbrc == DB_ROW) {
		signed_up = true;
		resident = db_col_int(st, 0);
		checked = db_col_int(st, 1);
	}
	db_finalize(st);
	if (dbrc != DB_ROW && dbrc != DB_DONE)
		return ctx_end(c, ctx_db_fail(c, dbrc, "读取报名"));
	if (checked)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "本户已签到过这个活动"));
	if (!signed_up) {
		resident = walkin_resident ? walkin_resident : head_of(c, household_id);
		if ((rc = take_place(c, a->id, household_id, resident, "名额已满：本户没有报名，不能签到")))
			return ctx_end(c, rc);
	}
	rc = rules_check_use(c, &rule, a->village_id, household_id, day, "cadre");
	if (rc == RC_INVALID) {
		/* the record cannot be made: say why, without pointing at a field of this request */
		char why[160];
		str_copy(why, sizeof(why), c->err.nfields ? c->err.fields[0].message : c->err.message);
		ctx_reset(c);
		rc = ctx_fail(c, RC_CONFLICT, "不能签到加分：%s", why);
	}
	if (rc)
		return ctx_end(c, rc);
	if ((rc = claims_insert_approved(c, a->village_id, household_id, resident, "activity", &rule, day,
					 a->title, a->id, claim_id)))
		return ctx_end(c, rc);
	int64_t got;
	dbrc = db_get_int(c->db, &got, "UPDATE activity_signups SET checked_in_at = ?, claim_id = ? "
				       "WHERE activity_id = ? AND household_id = ? AND checked_in_at IS NULL "
				       "RETURNING household_id",
			  "iiii", c->now, *claim_id, a->id, household_id);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "本户已签到过这个活动"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "签到"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_int(&before, "household_id", household_id);
	audit_snap_str(&before, "signup", signed_up ? "signed_up" : NULL);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_int(&after, "household_id", household_id);
	audit_snap_int(&after, "resident_id", resident);
	audit_snap_str(&after, "via", via);
	audit_snap_int(&after, "walk_in", signed_up ? 0 : 1);
	audit_snap_int(&after, "claim_id", *claim_id);
	audit_snap_int(&after, "points", rule.points);
	audit_snap_end(&after);
	rc = audit_record(c, a->village_id, "activity", a->id, "checkin", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result activities_checkin_token(struct ctx *c, const char *token, int64_t *activity_id,
			     int64_t *household_id, int64_t *claim_id)
{
	int64_t expires;
	*household_id = *claim_id = 0;
	int rc = qrtoken_verify(c, "token", ACTIVITY_CODE_KIND, token, ACTIVITY_CODE_TTL, activity_id, &expires);
	if (rc)
		return rc;
	struct activity a;
	char vpath[ORG_PATH_MAX];
	if ((rc = load_activity(c, *activity_id, &a, vpath))) {
		if (rc != RC_NOT_FOUND)
			return rc;
		ctx_clear(c);
		return ctx_field(c, "token", "二维码对应的活动不存在");
	}
	if (!is_villager_of(c, a.village_id))
		return ctx_fail(c, RC_FORBIDDEN, "只有%s的村民可以签到这个活动", a.village_name);
	*household_id = c->actor->household_id;
	return checkin(c, &a, *household_id, c->actor->resident_id, "activity_code", claim_id);
}

enum result activities_checkin_household(struct ctx *c, int64_t id, const char *household_code,
				 int64_t resident_id, int64_t *household_id, int64_t *claim_id)
{
	struct activity a;
	char vpath[ORG_PATH_MAX];
	*household_id = *claim_id = 0;
	int rc = load_activity(c, id, &a, vpath);
	if (rc)
		return rc;
	if (!a.can_manage)
		return can_read(c, &a, vpath) ? ctx_fail(c, RC_FORBIDDEN, "只有村两委可以扫户码签到")
					      : ctx_fail(c, RC_NOT_FOUND, "活动不存在");
	if ((rc = hhcode_verify(c, "household_code", household_code, household_id)))
		return rc;
	int64_t village = 0;
	int dbrc = db_get_int(c->db, &village, "SELECT village_id FROM households WHERE id = ?", "i",
			      *household_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取户");
	if (village != a.village_id)
		return ctx_field(c, "household_code", "该户不是%s的村民", a.village_name);
	if (resident_id && (rc = resident_of(c, resident_id, *household_id)))
		return rc;
	return checkin(c, &a, *household_id, resident_id, "household_code", claim_id);
}
