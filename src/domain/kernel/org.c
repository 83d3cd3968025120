/* Org units. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "util/utf8.h"

/* Each kind with the kind of its parent: groups and grids both divide a village. */
static const struct {
	const char *kind, *parent;
} kinds[] = {{"county", NULL}, {"town", "county"}, {"village", "town"}, {"group", "village"}, {"grid", "village"}};

static int kind_index(const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (k && !strcmp(k, kinds[i].kind))
			return (int)i;
	return -1;
}

static void read_unit(struct db_stmt *st, struct org_unit *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, 0);
	u->parent_id = db_col_int(st, 1);
	str_copy(u->kind, sizeof(u->kind), db_col_text(st, 2));
	str_copy(u->code, sizeof(u->code), db_col_text(st, 3));
	str_copy(u->name, sizeof(u->name), db_col_text(st, 4));
	str_copy(u->path, sizeof(u->path), db_col_text(st, 5));
}

/* The households in a unit's subtree: a group's or grid's own, or those of the villages
 * below. */
#define HOUSEHOLDS_OF(u)                                                                             \
	"(SELECT count(*) FROM households h WHERE h.group_id = " u ".id OR h.grid_id = " u ".id OR "  \
	"h.village_id IN "                                                                           \
	"(SELECT x.id FROM org_units x WHERE x.kind = 'village' AND x.path LIKE " u ".path || '%'))"

#define UNIT_COLS "id, COALESCE(parent_id, 0), kind, code, name, path"

/* quiet: RC_NOT_FOUND without a message, for callers that only probe */
static int get_where(struct ctx *c, const char *sql, const char *types, const void *arg,
		     struct org_unit *out, bool quiet)
{
	struct db_stmt *st = types[0] == 'i' ? db_query(c->db, sql, "i", *(const int64_t *)arg)
					     : db_query(c->db, sql, "t", (const char *)arg);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取单位");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_unit(st, out);
	db_finalize(st);
	if (rc == DB_ROW)
		return RC_OK;
	if (rc == DB_DONE)
		return quiet ? RC_NOT_FOUND : ctx_fail(c, RC_NOT_FOUND, "单位不存在");
	return ctx_db_fail(c, rc, "读取单位");
}

enum result org_households(struct ctx *c, struct org_unit *u)
{
	int rc = db_get_int(c->db, &u->households, "SELECT " HOUSEHOLDS_OF("o") " FROM org_units o WHERE o.id = ?",
			    "i", u->id);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "读取单位");
}

enum result org_get(struct ctx *c, int64_t id, struct org_unit *out)
{
	return get_where(c, "SELECT " UNIT_COLS " FROM org_units WHERE id = ?", "i", &id, out, false);
}

enum result org_find(struct ctx *c, int64_t id, struct org_unit *out)
{
	return get_where(c, "SELECT " UNIT_COLS " FROM org_units WHERE id = ?", "i", &id, out, true);
}

enum result org_get_by_code(struct ctx *c, const char *code, struct org_unit *out)
{
	return get_where(c, "SELECT " UNIT_COLS " FROM org_units WHERE code = ?", "t", code, out, false);
}

int64_t org_chain_unit(const struct org_unit *u)
{
	return org_in_village(u) ? u->parent_id : u->id;
}

bool org_in_village(const struct org_unit *u)
{
	return !strcmp(u->kind, "group") || !strcmp(u->kind, "grid");
}

static void check_name(struct ctx *c, const char *field, const char *name)
{
	if (!name || !name[0])
		ctx_field(c, field, "名称不能为空");
	else if (utf8_count(name) > ORG_NAME_MAX || utf8_has_controls(name, false))
		ctx_field(c, field, "名称最多 %d 个字，且不能含控制字符", ORG_NAME_MAX);
}

static void snap(struct buf *b, const struct org_input *in, const char *name)
{
	audit_snap_begin(b);
	audit_snap_str(b, "kind", in ? in->kind : NULL);
	audit_snap_str(b, "code", in ? in->code : NULL);
	audit_snap_str(b, "name", name);
	audit_snap_end(b);
}

enum result org_create(struct ctx *c, const struct org_input *in, int64_t *id)
{
	int k = kind_index(in->kind);
	if (k < 0)
		ctx_field(c, "kind", "类型应为 county、town、village、group 或 grid");
	if (!in->code || !in->code[0] || strlen(in->code) > ORG_CODE_MAX)
		ctx_field(c, "code", "编码不能为空，最多 %d 个字符", ORG_CODE_MAX);
	else
		for (const char *p = in->code; *p; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_')) {
				ctx_field(c, "code", "编码只能含字母、数字、- 和 _");
				break;
			}
	check_name(c, "name", in->name);
	if (ctx_check_fields(c))
		return RC_INVALID;

	struct org_unit parent = {0};
	if (k == 0) {
		if (in->parent_id)
			return ctx_field(c, "parent_id", "区县没有上级单位");
		if (!c->system)
			return ctx_fail(c, RC_FORBIDDEN, "只有系统初始化可以创建区县");
	} else {
		if (!in->parent_id)
			return ctx_field(c, "parent_id", "必须指定上级单位");
		int rc = org_get(c, in->parent_id, &parent);
		if (rc == RC_NOT_FOUND)
			return ctx_field(c, "parent_id", "上级单位不存在");
		if (rc)
			return rc;
		if (strcmp(parent.kind, kinds[k].parent))
			return ctx_field(c, "kind", "上级单位的类型是 %s，其下不能建 %s", parent.kind,
					 in->kind);
		/* a cadre divides their village into groups and grids; higher units need an
		 * administrator */
		bool in_village = !strcmp(kinds[k].parent, "village");
		if (!access_can(c, P_ORG_WRITE, parent.path) ||
		    (!in_village && !access_can(c, P_USER_ADMIN, parent.path)))
			return ctx_fail(c, access_refusal(c, parent.path), "无权在该单位下建立下级");
	}

	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO org_units (parent_id, kind, code, name, path, created_at) "
			      "VALUES (NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, '', ?) RETURNING id",
			      "ittti", in->parent_id, in->kind, in->code, in->name, c->now);
	if (dbrc != DB_OK) {
		rc = dbrc == DB_CONSTRAINT ? ctx_field(c, "code", "编码已被使用")
					   : ctx_db_fail(c, dbrc, "建立单位");
		return ctx_end(c, rc);
	}
	char *path = arena_printf(c->arena, "%s%lld/", k == 0 ? "/" : parent.path, (long long)*id);
	dbrc = db_run(c->db, "UPDATE org_units SET path = ? WHERE id = ?", "ti", path, *id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "建立单位"));
	if (!strcmp(in->kind, "grid")) {
		/* a colour from a fixed palette, so neighbouring grids differ until one is picked */
		static const char *const palette[] = {"#1989FA", "#07C160", "#FF976A", "#EE0A24",
						      "#7232DD", "#00A5A8", "#B8860B", "#D0308A"};
		dbrc = db_run(c->db, "INSERT INTO grids (unit_id, color, updated_at) VALUES (?, ?, ?)", "iti",
			      *id, palette[*id % (int64_t)ARRAY_SIZE(palette)], c->now);
		if (dbrc != DB_OK)
			return ctx_end(c, ctx_db_fail(c, dbrc, "建立网格"));
	}
	struct buf after;
	snap(&after, in, in->name);
	rc = audit_record(c, kinds[k].parent && !strcmp(kinds[k].parent, "village") ? in->parent_id : *id,
			  "org_unit", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result org_rename(struct ctx *c, int64_t id, const char *name)
{
	check_name(c, "name", name);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct org_unit u;
	int rc = org_get(c, id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_ORG_WRITE, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权修改该单位");
	if (!strcmp(u.name, name))
		return RC_OK;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db, "UPDATE org_units SET name = ? WHERE id = ?", "ti", name, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "修改单位"));
	struct buf before, after;
	snap(&before, NULL, u.name);
	snap(&after, NULL, name);
	rc = audit_record(c, org_chain_unit(&u), "org_unit", id, "rename", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result org_read(struct ctx *c, int64_t id, struct org_unit *out)
{
	int rc = org_get(c, id, out);
	if (!rc && !access_touches(c, out->path))
		rc = ctx_fail(c, RC_NOT_FOUND, "单位不存在");
	return rc;
}

enum result org_list(struct ctx *c, int64_t parent_id, struct org_unit **out, int *n)
{
	struct org_unit parent = {.path = "/"};
	if (parent_id) {
		int rc = org_get(c, parent_id, &parent);
		if (rc)
			return rc;
	}
	if (!access_touches(c, parent.path))
		return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
	const char *sql =
		"SELECT " UNIT_COLS ", " HOUSEHOLDS_OF("org_units") " FROM org_units "
		/* departments 部门 are listed by the events module */
		"WHERE COALESCE(parent_id, 0) = ? AND kind <> 'department' ORDER BY code";
	struct db_stmt *st = db_query(c->db, sql, "i", parent_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取单位");
	int cap = 64, rc;
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)cap);
	while ((rc = db_step(st)) == DB_ROW && *out) {
		if (*n == cap) {
			struct org_unit *bigger = arena_alloc(c->arena, sizeof(**out) * (size_t)cap * 2);
			if (!bigger)
				break;
			memcpy(bigger, *out, sizeof(**out) * (size_t)cap);
			*out = bigger;
			cap *= 2;
		}
		struct org_unit *u = &(*out)[*n];
		read_unit(st, u);
		u->households = db_col_int(st, 6);
		if (access_touches(c, u->path))
			(*n)++;
	}
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取单位");
}
