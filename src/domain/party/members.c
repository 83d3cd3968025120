/* Branches 党支部 with their party groups, members with their status history, the
 * member's own record, and the statistics per branch, town and county. */
#include "domain/grid/grid.h"
#include "domain/kernel/xlsx.h"
#include "domain/party/internal.h"
#include "util/utf8.h"
#include "util/num.h"
#include "util/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <xlsxwriter.h>

#define READERS (P_PARTY_ADMIN | P_PARTY_READ)

int party_branches(struct ctx *c, int64_t unit_id, struct party_rows *out)
{
	struct org_unit u;
	if (pt_unit(c, unit_id, "unit", &u))
		return c->err.code;
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 8192);
	buf_adds(&sql, "SELECT b.id, b.village_id, v.name, b.name, "
		       "(SELECT count(*) FROM party_members m WHERE m.branch_id = b.id AND m.status = 'active') "
		       "FROM party_branches b JOIN org_units v ON v.id = b.village_id WHERE 1=1");
	int rc = pt_scope(c, READERS | P_PARTY_MEMBER, &u, &sql, &a, "单位");
	if (!rc) {
		buf_adds(&sql, " ORDER BY v.path, b.id");
		rc = sql.failed ? (int)ctx_fail(c, RC_INTERNAL, "内存不足")
				: pr_fetch(c, db_query_args(c->db, sql.ptr, &a), "i:id i:village_id t:village_name t:name i:members",
					   out, 1000);
	}
	buf_release(&sql);
	for (int i = 0; !rc && i < out->n; i++) {
		struct party_rows *g = pr_new(c);
		if (!g)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		rc = pr_fetch(c, db_query(c->db, "SELECT g.id, g.name, (SELECT count(*) FROM party_members m WHERE "
						 "m.group_id = g.id AND m.status = 'active') FROM party_groups g "
						 "WHERE g.branch_id = ? ORDER BY g.id", "i", pr_get_int(&out->row[i], "id")),
			      "i:id t:name i:members", g, 100);
		pr_sub(&out->row[i], "groups", g);
	}
	return rc;
}

int party_branch_create(struct ctx *c, int64_t village_id, const char *name, int64_t *id)
{
	struct org_unit v;
	ctx_check_text(c, "name", name, PARTY_NAME_MAX * 2, CTX_TEXT_REQUIRED, "支部名称");
	if (pt_village(c, village_id, "village_id", &v) && c->err.code != RC_INVALID)
		return c->err.code;
	if (!c->err.nfields && !access_can(c, P_PARTY_ADMIN, v.path))
		return pt_refuse(c, v.path, "村", "只有村党组织书记可以设立党支部");
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO party_branches (village_id, name, created_at) VALUES (?, ?, ?) "
					 "RETURNING id", "iti", v.id, name, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存党支部"));
	return ctx_end(c, pt_audit(c, v.id, "party_branch", *id, "create", "name", name, NULL, 0));
}

int party_group_create(struct ctx *c, int64_t branch_id, const char *name, int64_t *id)
{
	int64_t vid;
	char path[ORG_PATH_MAX];
	int rc = pt_branch(c, branch_id, &vid, path, NULL, 0);
	if (rc)
		return rc;
	if (!access_can(c, P_PARTY_ADMIN, path))
		return pt_refuse(c, path, "党支部", "只有村党组织书记可以设立党小组");
	ctx_check_text(c, "name", name, PARTY_NAME_MAX * 2, CTX_TEXT_REQUIRED, "党小组名称");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO party_groups (branch_id, name, created_at) VALUES (?, ?, ?) "
					 "RETURNING id", "iti", branch_id, name, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存党小组"));
	return ctx_end(c, pt_audit(c, vid, "party_group", *id, "create", "name", name, "branch_id", branch_id));
}

/* ---- members ---- */

#define M_SPEC                                                                                              \
	"i:id i:branch_id t:branch_name i:village_id t:village_name n:group_id t:group_name t:name t:gender "  \
	"t:birth_date t:education t:kind t:join_date t:full_date n:household_id n:resident_id t:phone b:mobile " \
	"t:mobile_place t:status n:user_id"
#define M_COLS                                                                                              \
	"m.id, m.branch_id, b.name, m.village_id, v.name, m.group_id, g.name, m.name, m.gender, m.birth_date, " \
	"m.education, m.kind, m.join_date, m.full_date, m.household_id, m.resident_id, m.phone, m.mobile, "     \
	"m.mobile_place, m.status, m.user_id "
#define M_FROM                                                                                              \
	"FROM party_members m JOIN party_branches b ON b.id = m.branch_id JOIN org_units v ON "                \
	"v.id = m.village_id LEFT JOIN party_groups g ON g.id = m.group_id "

static const char *const EDUCATIONS[] = {"小学及以下", "初中", "高中/中专", "大专", "本科", "研究生", NULL};

static void add_age(struct ctx *c, struct party_row *r)
{
	int64_t day;
	if (!time_parse_date(pr_get_text(r, "birth_date"), &day))
		pr_int(r, "age", time_age(day, c->now));
}

int party_members(struct ctx *c, int64_t unit_id, int64_t branch_id, const char *status, const char *q, int limit,
		  int offset, struct party_rows *out)
{
	struct org_unit u;
	if (pt_unit(c, unit_id, "unit", &u) && c->err.code != RC_INVALID)
		return c->err.code;
	const char *st = status ? status : "active";
	if (strcmp(st, "active") && strcmp(st, "out") && strcmp(st, "all"))
		ctx_field(c, "status", "应为 active（在册）、out（已转出）或 all（全部）");
	if (q)
		ctx_check_text(c, "q", q, PARTY_NAME_MAX, CTX_TEXT_OPTIONAL, "姓名");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 8192);
	buf_adds(&sql, M_FROM "WHERE 1=1");
	int rc = pt_scope(c, READERS, &u, &sql, &a, "单位");
	if (rc) {
		buf_release(&sql);
		return rc;
	}
	if (strcmp(st, "all")) {
		buf_adds(&sql, " AND m.status = ?");
		db_args_text(&a, st);
	}
	if (branch_id) {
		buf_adds(&sql, " AND m.branch_id = ?");
		db_args_int(&a, branch_id);
	}
	if (q && q[0]) {
		buf_adds(&sql, " AND m.name LIKE ?");
		db_args_text(&a, arena_printf(c->arena, "%%%s%%", q));
	}
	rc = pt_page(c, &sql, &a, M_COLS, "m.branch_id, m.id", M_SPEC, limit, offset, out);
	for (int i = 0; !rc && i < out->n; i++)
		add_age(c, &out->row[i]);
	return rc;
}

static int load_member(struct ctx *c, int64_t id, struct party_row *out, char path[ORG_PATH_MAX])
{
	int rc = pr_one(c, db_query(c->db, "SELECT " M_COLS ", v.path " M_FROM "WHERE m.id = ?", "i", id),
			M_SPEC " t:path", out, "党员不存在");
	if (!rc)
		str_copy(path, ORG_PATH_MAX, pr_get_text(out, "path"));
	return rc;
}

static bool is_me(struct ctx *c, const struct party_row *m)
{
	return c->actor && ((pr_get_int(m, "user_id") && pr_get_int(m, "user_id") == c->actor->user_id) ||
			    (c->actor->resident_id && pr_get_int(m, "resident_id") == c->actor->resident_id));
}

int party_member_get(struct ctx *c, int64_t id, struct party_row *out)
{
	char path[ORG_PATH_MAX];
	int rc = load_member(c, id, out, path);
	if (rc)
		return rc;
	if (!access_can(c, READERS, path) && !is_me(c, out))
		return pt_refuse(c, path, "党员", "党员信息只对党支部和组织部门开放");
	add_age(c, out);
	struct party_rows *h = pr_new(c);
	if (!h)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	rc = pr_fetch(c, db_query(c->db, "SELECT x.id, x.action, x.day, x.note, COALESCE(u.name, ''), x.created_at "
					 "FROM party_member_history x LEFT JOIN users u ON u.id = x.created_by "
					 "WHERE x.member_id = ? ORDER BY x.id", "i", id),
		      "i:id t:action t:day t:note t:by_name T:created_at", h, 200);
	pr_sub(out, "history", h);
	return rc;
}

static void check_member(struct ctx *c, const struct party_member_input *in, bool create)
{
	int64_t d1, d2, d3;
	if (create || in->name) {
		ctx_check_text(c, "name", in->name, PARTY_NAME_MAX, CTX_TEXT_REQUIRED, "姓名");
		if (in->name && in->name[0] && utf8_blank(in->name))
			ctx_field(c, "name", "姓名不能为空");
	}
	if ((create || in->gender) && (!in->gender || (strcmp(in->gender, "m") && strcmp(in->gender, "f"))))
		ctx_field(c, "gender", "性别应为 m（男）或 f（女）");
	bool bd = (create || in->birth_date) && pt_check_date(c, "birth_date", in->birth_date, true, "出生日期", &d1);
	if ((create || in->education) && !str_in(in->education, EDUCATIONS))
		ctx_field(c, "education", "学历应为 小学及以下、初中、高中/中专、大专、本科 或 研究生");
	if ((create || in->kind) && (!in->kind || (strcmp(in->kind, "full") && strcmp(in->kind, "probationary"))))
		ctx_field(c, "kind", "类别应为 full（正式党员）或 probationary（预备党员）");
	bool jd = (create || in->join_date) && pt_check_date(c, "join_date", in->join_date, true, "入党日期", &d2);
	if (jd && d2 > time_cn_days(c->now))
		ctx_field(c, "join_date", "入党日期不能晚于今天");
	if (bd && jd && d2 < d1 + 18 * 365)
		ctx_field(c, "join_date", "入党时应年满十八岁");
	if (in->kind && !strcmp(in->kind, "probationary")) {
		if (pt_check_date(c, "full_date", in->full_date, true, "转正日期", &d3) && jd && d3 <= d2)
			ctx_field(c, "full_date", "转正日期应晚于入党日期");
	} else if (in->full_date && in->full_date[0] && create)
		ctx_field(c, "full_date", "正式党员不填转正日期");
	if (in->phone && in->phone[0]) {
		size_t n = strlen(in->phone);
		bool ok = n == 11 && in->phone[0] == '1';
		for (size_t i = 0; ok && i < n; i++)
			ok = in->phone[i] >= '0' && in->phone[i] <= '9';
		if (!ok)
			ctx_field(c, "phone", "手机号应为 11 位数字");
	}
	if (in->mobile_place)
		ctx_check_text(c, "mobile_place", in->mobile_place, PARTY_TEXT_MAX / 4, CTX_TEXT_OPTIONAL, "流动去向");
	if (in->mobile == 1 && (!in->mobile_place || utf8_blank(in->mobile_place)) && create)
		ctx_field(c, "mobile_place", "流动党员请填写外出去向");
}

/* Household and resident in the branch's village; the user of the resident. */
static void check_links(struct ctx *c, int64_t village_id, const struct party_member_input *in, int64_t *user_id)
{
	*user_id = 0;
	if (in->household_id > 0) {
		int64_t v = 0;
		if (db_get_int(c->db, &v, "SELECT village_id FROM households WHERE id = ?", "i", in->household_id) !=
			    DB_OK || v != village_id)
			ctx_field(c, "household_id", "户不存在或不在本村");
	}
	if (in->resident_id > 0) {
		int64_t h = 0;
		if (db_get_int(c->db, &h, "SELECT household_id FROM residents WHERE id = ?", "i", in->resident_id) !=
		    DB_OK)
			ctx_field(c, "resident_id", "村民不存在");
		else if (in->household_id > 0 && h != in->household_id)
			ctx_field(c, "resident_id", "该村民不是所选户的成员");
		else if (db_get_int(c->db, user_id, "SELECT id FROM users WHERE resident_id = ?", "i", in->resident_id) !=
			 DB_OK)
			*user_id = 0;
	}
}

static int check_group(struct ctx *c, int64_t branch_id, int64_t group_id)
{
	int64_t b = 0;
	if (group_id > 0 &&
	    (db_get_int(c->db, &b, "SELECT branch_id FROM party_groups WHERE id = ?", "i", group_id) != DB_OK ||
	     b != branch_id))
		return ctx_field(c, "group_id", "党小组不属于该支部");
	return RC_OK;
}

static int add_history(struct ctx *c, int64_t member_id, const char *action, const char *day, const char *note)
{
	int dbrc = db_run(c->db, "INSERT INTO party_member_history (member_id, action, day, note, created_by, created_at) "
				 "VALUES (?, ?, ?, ?, NULLIF(?, 0), ?)", "ittti" "i", member_id, action, day, note ? note : "",
			  ctx_actor_id(c), c->now);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "保存党员记录");
}

/* The household's 党员户 tag follows its membership: set while one of its residents is
 * an active member, removed when the last one leaves (grid's tags, with their history,
 * in the caller's transaction). A county without the tag has nothing to keep. */
static int sync_household_tag(struct ctx *c, int64_t household_id)
{
	if (household_id <= 0)
		return RC_OK;
	int64_t active = 0;
	if (db_get_int(c->db, &active, "SELECT count(*) FROM party_members WHERE household_id = ? AND status = 'active'",
		       "i", household_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取党员");
	bool changed;
	int rc = active ? grid_tag_grant(c, household_id, "党员户", &changed)
			: grid_tag_revoke(c, household_id, "党员户", &changed);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		rc = RC_OK;
	}
	return rc;
}

/* A checked member into the branch, with its history, the household's tag and the
 * audit; inside the caller's transaction. */
static int insert_member(struct ctx *c, const struct party_member_input *in, int64_t vid, int64_t user_id, int64_t *id)
{
	int rc;
	bool prob = !strcmp(in->kind, "probationary");
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO party_members (branch_id, village_id, group_id, name, gender, birth_date, "
			      "education, kind, join_date, full_date, household_id, resident_id, user_id, phone, mobile, "
			      "mobile_place, status, created_at, updated_at) VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, "
			      "NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, 'active', ?, ?) RETURNING id",
			      "iiittttttt" "iiititii", in->branch_id, vid, in->group_id > 0 ? in->group_id : 0, in->name,
			      in->gender, in->birth_date, in->education, in->kind, in->join_date,
			      prob ? in->full_date : NULL, in->household_id > 0 ? in->household_id : 0,
			      in->resident_id > 0 ? in->resident_id : 0, user_id, in->phone ? in->phone : "",
			      (int64_t)(in->mobile == 1), in->mobile_place ? in->mobile_place : "", c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存党员");
	if ((rc = add_history(c, *id, "join", in->join_date, prob ? "预备党员" : "正式党员")))
		return rc;
	if ((rc = sync_household_tag(c, in->household_id)))
		return rc;
	return pt_audit(c, vid, "party_member", *id, "create", "name", in->name, "branch_id", in->branch_id);
}

int party_member_create(struct ctx *c, const struct party_member_input *in, int64_t *id)
{
	*id = 0;
	int64_t vid = 0;
	char path[ORG_PATH_MAX];
	int rc = pt_branch(c, in->branch_id, &vid, path, NULL, 0);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		ctx_field(c, "branch_id", "党支部不存在");
	} else if (rc)
		return rc;
	else if (!access_can(c, P_PARTY_ADMIN, path))
		return pt_refuse(c, path, "党支部", "只有村党组织书记可以登记党员");
	check_member(c, in, true);
	int64_t user_id = 0;
	if (vid) {
		check_links(c, vid, in, &user_id);
		check_group(c, in->branch_id, in->group_id);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	bool replayed;
	if ((rc = pt_begin_create(c, "party_member", in->idem, id, &replayed)) || replayed)
		return rc;
	if ((rc = insert_member(c, in, vid, user_id, id)))
		return ctx_end(c, rc);
	if ((rc = pt_store_created(c, "party_member", in->idem, *id)))
		return ctx_end(c, rc);
	return ctx_end(c, RC_OK);
}

/* party_member_update inside its transaction: the member read there, so that the
 * fields the request leaves alone are written back as they are, not as they were before
 * a change made while it waited for its turn */
static int update_in(struct ctx *c, int64_t id, const struct party_member_input *in)
{
	struct party_row m;
	char path[ORG_PATH_MAX];
	int rc = ctx_lock_row(c, "SELECT id FROM party_members WHERE id = ? FOR UPDATE", id);
	if (rc || (rc = load_member(c, id, &m, path)))
		return rc;
	if (!access_can(c, P_PARTY_ADMIN, path))
		return pt_refuse(c, path, "党员", "只有村党组织书记可以修改党员信息");
	struct party_member_input x = *in;
	if (!x.kind && in->full_date)
		x.kind = pr_get_text(&m, "kind");
	check_member(c, &x, false);
	int64_t user_id = pr_get_int(&m, "user_id");
	if (in->household_id > 0 || in->resident_id > 0) {
		struct party_member_input l = *in;
		if (l.household_id < 0)
			l.household_id = pr_get_int(&m, "household_id");
		check_links(c, pr_get_int(&m, "village_id"), &l, &user_id);
		if (in->resident_id < 0)
			user_id = pr_get_int(&m, "user_id");
	}
	if (in->group_id > 0)
		check_group(c, pr_get_int(&m, "branch_id"), in->group_id);
	if (ctx_check_fields(c))
		return RC_INVALID;
#define PICK(f) (in->f ? in->f : pr_get_text(&m, #f))
	int dbrc = db_run(c->db,
			  "UPDATE party_members SET name = ?, gender = ?, birth_date = ?, education = ?, join_date = ?, "
			  "full_date = ?, phone = ?, mobile_place = ?, mobile = ?, group_id = NULLIF(?, 0), "
			  "household_id = NULLIF(?, 0), resident_id = NULLIF(?, 0), user_id = NULLIF(?, 0), updated_at = ? "
			  "WHERE id = ?",
			  "tttttttti" "iiiiii", PICK(name), PICK(gender), PICK(birth_date), PICK(education), PICK(join_date),
			  in->full_date ? in->full_date : (pr_get_text(&m, "full_date")[0] ? pr_get_text(&m, "full_date") : NULL),
			  PICK(phone), PICK(mobile_place), in->mobile >= 0 ? (int64_t)in->mobile : pr_get_int(&m, "mobile"),
			  in->group_id >= 0 ? in->group_id : pr_get_int(&m, "group_id"),
			  in->household_id >= 0 ? in->household_id : pr_get_int(&m, "household_id"),
			  in->resident_id >= 0 ? in->resident_id : pr_get_int(&m, "resident_id"), user_id, c->now, id);
#undef PICK
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "修改党员");
	char day[11];
	time_format_date(c->now, day);
	if ((rc = add_history(c, id, "update", day, "修改信息")))
		return rc;
	if (in->household_id >= 0 && in->household_id != pr_get_int(&m, "household_id") &&
	    ((rc = sync_household_tag(c, pr_get_int(&m, "household_id"))) || (rc = sync_household_tag(c, in->household_id))))
		return rc;
	return pt_audit(c, pr_get_int(&m, "village_id"), "party_member", id, "update", "name",
			in->name ? in->name : pr_get_text(&m, "name"), NULL, 0);
}

int party_member_update(struct ctx *c, int64_t id, const struct party_member_input *in)
{
	int rc = ctx_begin(c);
	return rc ? rc : (int)ctx_end(c, update_in(c, id, in));
}

int party_member_status(struct ctx *c, int64_t id, const char *action, const char *day, const char *note)
{
	struct party_row m;
	char path[ORG_PATH_MAX];
	int rc = load_member(c, id, &m, path);
	if (rc)
		return rc;
	if (!access_can(c, P_PARTY_ADMIN, path))
		return pt_refuse(c, path, "党员", "只有村党组织书记可以办理党员关系转接");
	bool out = action && !strcmp(action, "transfer_out"), in = action && !strcmp(action, "transfer_in"),
	     full = action && !strcmp(action, "full");
	if (!out && !in && !full)
		ctx_field(c, "action", "应为 transfer_out（转出）、transfer_in（转入）或 full（转正）");
	int64_t d;
	pt_check_date(c, "day", day, true, "日期", &d);
	ctx_check_text(c, "note", note, PARTY_TEXT_MAX, CTX_TEXT_OPTIONAL, "说明");
	if (ctx_check_fields(c))
		return RC_INVALID;
	const char *status = pr_get_text(&m, "status");
	if (out && strcmp(status, "active"))
		return ctx_fail(c, RC_CONFLICT, "该党员已转出");
	if (in && !strcmp(status, "active"))
		return ctx_fail(c, RC_CONFLICT, "该党员在册，不需要转入");
	if (full && strcmp(pr_get_text(&m, "kind"), "probationary"))
		return ctx_fail(c, RC_CONFLICT, "该党员已是正式党员");
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = full ? db_run(c->db, "UPDATE party_members SET kind = 'full', full_date = ?, updated_at = ? WHERE id = ?",
				 "tii", day, c->now, id)
			: db_run(c->db, "UPDATE party_members SET status = ?, updated_at = ? WHERE id = ?", "tii",
				 out ? "out" : "active", c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存党员状态"));
	if ((rc = add_history(c, id, action, day, note)))
		return ctx_end(c, rc);
	if (!full && (rc = sync_household_tag(c, pr_get_int(&m, "household_id"))))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, pr_get_int(&m, "village_id"), "party_member", id, action, "day", day, NULL, 0));
}

int party_me(struct ctx *c, struct party_row *out)
{
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int rc = pr_one(c, db_query(c->db, "SELECT " M_COLS ", v.path " M_FROM "WHERE m.status = 'active' AND "
					   "(m.user_id = ? OR (m.resident_id = ? AND m.resident_id > 0)) ORDER BY m.id",
				    "ii", c->actor->user_id, c->actor->resident_id),
			M_SPEC " t:path", out, "你不是在册党员");
	if (rc)
		return rc;
	add_age(c, out);
	struct party_rows *mt = pr_new(c);
	if (!mt)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t mid = pr_get_int(out, "id");
	rc = pr_fetch(c, db_query(c->db, "SELECT p.id, p.kind, p.topic, p.place, p.remote, p.join_url, p.starts_at, "
					 "p.ends_at, COALESCE(a.status, ''), a.checked_in_at FROM party_meetings p "
					 "LEFT JOIN party_attendance a ON a.meeting_id = p.id AND a.member_id = ? "
					 "WHERE p.branch_id = ? AND p.ends_at > ? ORDER BY p.starts_at DESC LIMIT 20",
				  "iii", mid, pr_get_int(out, "branch_id"), c->now - 90 * 86400),
		      "i:id t:kind t:topic t:place b:remote t:join_url T:starts_at T:ends_at t:my_status T:checked_in_at", mt,
		      20);
	for (int i = 0; !rc && i < mt->n; i++) {
		struct party_row *r = &mt->row[i];
		int64_t s = pr_get_int(r, "starts_at"), e = pr_get_int(r, "ends_at");
		pr_bool(r, "can_check_in", c->now >= s - PARTY_CHECKIN_EARLY && c->now <= e &&
						   !pr_get_int(r, "checked_in_at"));
	}
	pr_sub(out, "meetings", mt);
	return rc;
}

/* ---- statistics ---- */

/* Adds n to key's count in out (a handful of keys: a linear search), kept in byte order. */
static int tally(struct ctx *c, struct party_rows *out, const char *key, int64_t n)
{
	int i = 0;
	while (i < out->n && strcmp(pr_get_text(&out->row[i], "key"), key) < 0)
		i++;
	if (i < out->n && !strcmp(pr_get_text(&out->row[i], "key"), key)) {
		pr_int(&out->row[i], "count", pr_get_int(&out->row[i], "count") + n);
		return RC_OK;
	}
	if (!pr_add(c, out))
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	memmove(&out->row[i + 1], &out->row[i], (size_t)(out->n - 1 - i) * sizeof(out->row[0]));
	memset(&out->row[i], 0, sizeof(out->row[i]));
	pr_text(c, &out->row[i], "key", key);
	pr_int(&out->row[i], "count", n);
	return RC_OK;
}

int party_stats(struct ctx *c, int64_t unit_id, struct party_row *out)
{
	struct org_unit u;
	if (pt_unit(c, unit_id, "unit", &u))
		return c->err.code;
	memset(out, 0, sizeof(*out));
	struct party_rows *kind = pr_new(c), *gender = pr_new(c), *edu = pr_new(c), *age = pr_new(c);
	if (!kind || !gender || !edu || !age)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	/* one pass over the members in scope: a row per kind, gender and education (a few
	 * dozen at most) with its counts of mobile members, members due to become full and
	 * the age bands, summed up here. Age bands from the birth dates, by the clock: born
	 * after the day N years before today is younger than N */
	static const char *const bands[] = {"30岁以下", "30-39岁", "40-49岁", "50-59岁", "60-69岁", "70岁及以上"};
	int64_t today = time_cn_days(c->now);
	int ty, tm, td;
	time_civil_from_days(today, &ty, &tm, &td);
	char cut[5][11], due_day[11];
	for (int k = 0; k < 5; k++)
		snprintf(cut[k], sizeof(cut[k]), "%04d-%02d-%02d", ty - 30 - 10 * k, tm, tm == 2 && td == 29 ? 28 : td);
	time_format_date(time_cn_midnight(today + 90) + 43200, due_day);
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 8192);
	buf_adds(&sql, "SELECT m.kind, m.gender, m.education, count(*), "
		       "COALESCE(sum(CASE WHEN m.mobile <> 0 THEN 1 ELSE 0 END), 0), "
		       "COALESCE(sum(CASE WHEN m.kind = 'probationary' AND m.full_date IS NOT NULL AND m.full_date <> '' "
		       "AND m.full_date <= ? THEN 1 ELSE 0 END), 0)");
	db_args_text(&a, due_day);
	for (int k = 0; k < 5; k++) {
		buf_adds(&sql, ", COALESCE(sum(CASE WHEN m.birth_date > ? THEN 1 ELSE 0 END), 0)");
		db_args_text(&a, cut[k]);
	}
	buf_adds(&sql, " FROM party_members m JOIN org_units v ON v.id = m.village_id WHERE m.status = 'active'");
	int rc = pt_scope(c, READERS, &u, &sql, &a, "单位");
	struct party_rows groups = {0};
	if (!rc) {
		buf_adds(&sql, " GROUP BY m.kind, m.gender, m.education");
		rc = sql.failed ? (int)ctx_fail(c, RC_INTERNAL, "内存不足")
				: pr_fetch(c, db_query_args(c->db, sql.ptr, &a),
					   "t:kind t:gender t:education i:n i:mobile i:due i:y30 i:y40 i:y50 i:y60 i:y70",
					   &groups, 10000);
	}
	buf_release(&sql);
	if (rc)
		return rc;
	int64_t total = 0, mobile = 0, due = 0, younger[5] = {0};
	static const char *const ycols[5] = {"y30", "y40", "y50", "y60", "y70"};
	for (int i = 0; i < groups.n && !rc; i++) {
		const struct party_row *g = &groups.row[i];
		int64_t n = pr_get_int(g, "n");
		total += n;
		mobile += pr_get_int(g, "mobile");
		due += pr_get_int(g, "due");
		for (int k = 0; k < 5; k++)
			younger[k] += pr_get_int(g, ycols[k]);
		const char *kv = pr_get_text(g, "kind"), *gv = pr_get_text(g, "gender"), *ev = pr_get_text(g, "education");
		if (!(rc = tally(c, kind, kv ? kv : "", n)) && !(rc = tally(c, gender, gv ? gv : "", n)))
			rc = tally(c, edu, ev ? ev : "", n);
	}
	if (rc)
		return rc;
	int64_t nb[6];
	nb[0] = younger[0];
	for (int k = 1; k < 5; k++)
		nb[k] = younger[k] - younger[k - 1];
	nb[5] = total - younger[4];
	for (int i = 0; i < 6; i++) {
		struct party_row *r = pr_add(c, age);
		if (!r)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		pr_text(c, r, "key", bands[i]);
		pr_int(r, "count", nb[i]);
	}
	pr_int(out, "unit_id", u.id);
	pr_text(c, out, "unit_name", u.name);
	pr_int(out, "total", total);
	pr_int(out, "mobile", mobile);
	pr_int(out, "due_full", due);
	pr_sub(out, "by_kind", kind);
	pr_sub(out, "by_gender", gender);
	pr_sub(out, "by_education", edu);
	pr_sub(out, "by_age", age);
	return RC_OK;
}

/* ---- the member roster import (CSV or XLSX) ---- */

static const char *const IMPORT_COLUMNS[] = {"姓名", "性别", "出生日期", "学历", "类别", "入党日期",
					     "转正日期", "党小组", "手机号", "流动党员", "外出去向", NULL};
enum { I_NAME, I_GENDER, I_BIRTH, I_EDU, I_KIND, I_JOIN, I_FULL, I_GROUP, I_PHONE, I_MOBILE, I_PLACE, I_N };
#define I_REQUIRED 6   /* the first six columns must be there */

/* The column a field error of check_member names. */
static const char *field_column(const char *field)
{
	static const char *const map[][2] = {
		{"name", "姓名"},     {"gender", "性别"},      {"birth_date", "出生日期"}, {"education", "学历"},
		{"kind", "类别"},     {"join_date", "入党日期"}, {"full_date", "转正日期"},  {"group_id", "党小组"},
		{"phone", "手机号"},  {"mobile_place", "外出去向"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(field, map[i][0]))
			return map[i][1];
	return "";
}

static void add_error(struct ctx *c, struct party_import_result *out, int row, const char *column, const char *msg)
{
	out->errors_total++;
	if (out->nerrors >= PARTY_IMPORT_ERRORS_MAX)
		return;
	if (!out->errors) {
		out->errors = arena_alloc(c->arena, sizeof(*out->errors) * PARTY_IMPORT_ERRORS_MAX);
		if (!out->errors)
			return;
	}
	struct party_import_error *e = &out->errors[out->nerrors++];
	e->row = row;
	e->column = arena_strdup(c->arena, column);
	e->message = arena_strdup(c->arena, msg);
}

/* A date cell as 'YYYY-MM-DD': that text, with / or . between, or a spreadsheet's day
 * number; the cell as it was when it is none of these (check_member reports it). */
static const char *import_date(struct ctx *c, const char *s)
{
	if (!s || !s[0])
		return s;
	int64_t serial;
	if (!num_parse_i64(s, 1, 80000, &serial)) {
		int64_t days = serial - 25569;   /* day 25569 is 1970-01-01 */
		int y, m, d;
		time_civil_from_days(days, &y, &m, &d);
		return arena_printf(c->arena, "%04d-%02d-%02d", y, m, d);
	}
	char *t = arena_strdup(c->arena, s);
	for (char *p = t; p && *p; p++)
		if (*p == '/' || *p == '.')
			*p = '-';
	int y, m, d;
	char rest;
	if (t && sscanf(t, "%d-%d-%d%c", &y, &m, &d, &rest) == 3)
		return arena_printf(c->arena, "%04d-%02d-%02d", y, m, d);
	return s;
}

int party_member_import(struct ctx *c, int64_t branch_id, const char *data, size_t len, bool dry_run,
			struct party_import_result *out)
{
	memset(out, 0, sizeof(*out));
	int64_t vid = 0;
	char path[ORG_PATH_MAX];
	int rc = pt_branch(c, branch_id, &vid, path, NULL, 0);
	if (rc)
		return rc;
	if (!access_can(c, P_PARTY_ADMIN, path))
		return pt_refuse(c, path, "党支部", "只有村党组织书记可以导入党员");
	struct table t;
	char err[200];
	if (!data || !len)
		return ctx_fail(c, RC_INVALID, "请上传党员名册（XLSX 或 CSV）");
	if (table_read(data, len, &t, err, sizeof(err)))
		return ctx_fail(c, RC_INVALID, "%s", err);
	int col[I_N];
	for (int k = 0; k < I_N; k++)
		col[k] = -1;
	if (t.nrows)
		for (size_t j = 0; j < t.rows[0].ncells; j++)
			for (int k = 0; k < I_N; k++)
				if (!strcmp(t.rows[0].cells[j], IMPORT_COLUMNS[k]))
					col[k] = (int)j;
	for (int k = 0; k < I_REQUIRED; k++)
		if (col[k] < 0)
			add_error(c, out, 1, IMPORT_COLUMNS[k], arena_printf(c->arena, "缺少「%s」列，请用模板填写", IMPORT_COLUMNS[k]));
	if (t.nrows < 2 && !out->nerrors)
		add_error(c, out, 1, "", "名册里没有党员");
	size_t n = out->nerrors ? 0 : t.nrows - 1;
	struct party_member_input *in = n ? arena_alloc(c->arena, sizeof(*in) * n) : NULL;
	if (n && !in) {
		table_release(&t);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	for (size_t i = 0; i < n; i++) {
		const struct table_row *r = &t.rows[i + 1];
		const char *cell[I_N];
		for (int k = 0; k < I_N; k++)
			cell[k] = col[k] >= 0 && (size_t)col[k] < r->ncells ? arena_strdup(c->arena, r->cells[col[k]]) : "";
		struct party_member_input *m = &in[i];
		memset(m, 0, sizeof(*m));
		m->branch_id = branch_id;
		m->name = cell[I_NAME];
		m->gender = !strcmp(cell[I_GENDER], "男") ? "m" : !strcmp(cell[I_GENDER], "女") ? "f" : cell[I_GENDER];
		m->birth_date = import_date(c, cell[I_BIRTH]);
		m->education = cell[I_EDU];
		m->kind = !strcmp(cell[I_KIND], "正式党员") || !strcmp(cell[I_KIND], "正式") ? "full"
			  : !strcmp(cell[I_KIND], "预备党员") || !strcmp(cell[I_KIND], "预备") ? "probationary"
			  : cell[I_KIND];
		m->join_date = import_date(c, cell[I_JOIN]);
		m->full_date = import_date(c, cell[I_FULL]);
		m->phone = cell[I_PHONE];
		m->mobile = !strcmp(cell[I_MOBILE], "是") ? 1 : 0;
		m->mobile_place = cell[I_PLACE];
		ctx_reset(c);
		check_member(c, m, true);
		if (cell[I_MOBILE][0] && strcmp(cell[I_MOBILE], "是") && strcmp(cell[I_MOBILE], "否"))
			add_error(c, out, r->line, "流动党员", "流动党员应填 是 或 否");
		if (cell[I_GROUP][0]) {
			int64_t g = 0;
			if (db_get_int(c->db, &g, "SELECT id FROM party_groups WHERE branch_id = ? AND name = ?", "it", branch_id,
				       cell[I_GROUP]) != DB_OK)
				ctx_field(c, "group_id", "本支部没有党小组「%s」", cell[I_GROUP]);
			m->group_id = g;
		}
		int64_t dup = 0;
		if (m->name[0] && m->birth_date && m->birth_date[0] &&
		    db_get_int(c->db, &dup, "SELECT count(*) FROM party_members WHERE branch_id = ? AND name = ? AND "
					    "birth_date = ? AND status = 'active'", "itt", branch_id, m->name, m->birth_date) == DB_OK &&
		    dup)
			ctx_field(c, "name", "%s（%s 出生）已在本支部名册中", m->name, m->birth_date);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(in[j].name, m->name) && in[j].birth_date && m->birth_date &&
			    !strcmp(in[j].birth_date, m->birth_date)) {
				ctx_field(c, "name", "与第 %d 行重复", t.rows[j + 1].line);
				break;
			}
		/* the fields' errors become the row's, in the order of the columns */
		for (int k = 0; k < I_N; k++)
			for (int e = 0; e < c->err.nfields; e++)
				if (!strcmp(field_column(c->err.fields[e].field), IMPORT_COLUMNS[k]))
					add_error(c, out, r->line, IMPORT_COLUMNS[k],
						  k == I_GENDER ? "性别应填 男 或 女"
						  : k == I_KIND ? "类别应填 正式党员 或 预备党员"
								: c->err.fields[e].message);
		ctx_reset(c);
	}
	out->rows = (int)n;
	table_release(&t);
	if (out->errors_total)
		return ctx_fail(c, RC_INVALID, "名册有 %d 处错误，请改正后重新上传；没有导入任何党员", out->errors_total);
	if (dry_run)
		return RC_OK;
	if ((rc = ctx_begin(c)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		int64_t id = 0;
		rc = insert_member(c, &in[i], vid, 0, &id);
		if (!rc)
			out->created++;
	}
	if (!rc)
		rc = pt_audit(c, vid, "party_branch", branch_id, "import", "name", "党员名册导入", "count", out->created);
	if (rc)
		out->created = 0;
	return ctx_end(c, rc);
}

int party_member_template(struct ctx *c, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	struct xlsx x;
	int rc = xlsx_open(c, &x, false);
	if (rc)
		return rc;
	lxw_workbook *wb = x.wb;
	lxw_worksheet *ws = workbook_add_worksheet(wb, "党员名册");
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xFDE9E7);
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	static const char *const example[][I_N] = {
		{"王建国", "男", "1968-03-12", "高中/中专", "正式党员", "1995-07-01", "", "第一党小组", "13800000000", "否", ""},
		{"李小红", "女", "1998-10-05", "大专", "预备党员", "2026-06-30", "2027-06-30", "", "", "是", "浙江省宁波市（务工）"},
	};
	for (int k = 0; k < I_N; k++) {
		worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, k == I_PLACE ? 22 : 12, text);
		worksheet_write_string(ws, 0, (lxw_col_t)k, IMPORT_COLUMNS[k], head);
		for (int i = 0; i < 2; i++)
			worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)k, example[i][k], NULL);
	}
	lxw_worksheet *help = workbook_add_worksheet(wb, "填写说明");
	static const char *const notes[] = {
		"每行一名党员，前两行是示例，导入前请删除。", "性别填 男 或 女；类别填 正式党员 或 预备党员（预备党员要填转正日期）。",
		"日期写成 1968-03-12；学历填 小学及以下、初中、高中/中专、大专、本科 或 研究生。",
		"党小组填本支部已有的党小组名称，可不填；流动党员填 是 或 否，是则填写外出去向。",
		"先点“检查”，所有行都无误后再导入；有任何一行出错时不会导入任何党员。",
	};
	worksheet_set_column(help, 0, 0, 80, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(notes); i++)
		worksheet_write_string(help, (lxw_row_t)i, 0, notes[i], NULL);
	struct export_file f = {0};
	if ((rc = xlsx_finish(c, &x, &f)))
		return rc;
	*data = f.data;
	*len = f.len;
	return RC_OK;
}
