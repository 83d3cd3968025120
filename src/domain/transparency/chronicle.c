/* The village timeline 大事记: dated entries with photos, added, revised (every version
 * kept) and withdrawn with a reason by the village's cadres; read by the village and on
 * the public page. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/published.h"
#include "domain/kernel/scope.h"
#include "domain/transparency/internal.h"
#include "util/timeutil.h"

#define C_COLS                                                                                         \
	"e.id, e.village_id, v.name, v.path, e.version_no, e.happened_on, e.title, e.body, e.photos, "    \
	"e.created_at, e.updated_at, COALESCE(p.name, ''), COALESCE(e.withdrawn_at, 0), "                 \
	"COALESCE(w.name, ''), COALESCE(e.withdraw_reason, '') "
#define C_FROM                                                                                         \
	"FROM chronicle_entries e JOIN org_units v ON v.id = e.village_id "                               \
	"LEFT JOIN users p ON p.id = e.created_by LEFT JOIN users w ON w.id = e.withdrawn_by "

static bool manager(const struct ctx *c, const char *path)
{
	return access_can(c, P_CHRONICLE_WRITE, path) || access_can(c, P_DISCLOSE_READ, path);
}

static void read_entry(struct ctx *c, struct db_stmt *st, struct chronicle_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = db_col_int(st, 0);
	e->village_id = db_col_int(st, 1);
	str_copy(e->village_name, sizeof(e->village_name), db_col_text(st, 2));
	str_copy(e->village_path, sizeof(e->village_path), db_col_text(st, 3));
	e->version_no = (int)db_col_int(st, 4);
	e->happened_on = arena_strdup(c->arena, db_col_text(st, 5));
	e->title = arena_strdup(c->arena, db_col_text(st, 6));
	e->body = arena_strdup(c->arena, db_col_text(st, 7));
	e->nphotos = tr_split(db_col_text(st, 8), e->photos, DISC_FILES_MAX);
	e->created_at = db_col_int(st, 9);
	e->updated_at = db_col_int(st, 10);
	e->created_by_name = arena_strdup(c->arena, db_col_text(st, 11));
	e->withdrawn_at = db_col_int(st, 12);
	e->withdrawn_by_name = arena_strdup(c->arena, db_col_text(st, 13));
	e->withdraw_reason = arena_strdup(c->arena, db_col_text(st, 14));
	e->status = e->withdrawn_at ? "withdrawn" : "published";
	e->can_manage = access_can(c, P_CHRONICLE_WRITE, e->village_path);
}

static int load_entry(struct ctx *c, int64_t id, struct chronicle_entry *e)
{
	struct db_stmt *st = db_query(c->db, "SELECT " C_COLS C_FROM "WHERE e.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取大事记");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_entry(c, st, e);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "大事记不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取大事记");
	return e->title && e->body && e->happened_on ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

static int check_visible(struct ctx *c, const struct chronicle_entry *e, int64_t public_village)
{
	if (public_village)
		return e->village_id == public_village && !e->withdrawn_at ? RC_OK
									    : ctx_fail(c, RC_NOT_FOUND, "大事记不存在");
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (manager(c, e->village_path))
		return RC_OK;
	if (e->withdrawn_at || !access_touches(c, e->village_path))
		return ctx_fail(c, RC_NOT_FOUND, "大事记不存在");
	return RC_OK;
}

static int load_versions(struct ctx *c, struct chronicle_entry *e)
{
	int cap = e->version_no < DISC_VERSIONS_MAX ? e->version_no : DISC_VERSIONS_MAX;
	e->versions = arena_alloc(c->arena, sizeof(*e->versions) * (size_t)(cap > 0 ? cap : 1));
	if (!e->versions)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT x.version_no, x.happened_on, x.title, x.body, x.photos, x.reason, "
					     "COALESCE(u.name, ''), x.created_at FROM chronicle_versions x "
					     "LEFT JOIN users u ON u.id = x.created_by WHERE x.entry_id = ? "
					     "ORDER BY x.version_no DESC LIMIT ?", "ii", e->id, (int64_t)cap);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取大事记历史");
	while (e->nversions < cap && db_step(st) == DB_ROW) {
		struct chronicle_version *v = &e->versions[e->nversions++];
		v->version_no = (int)db_col_int(st, 0);
		v->happened_on = arena_strdup(c->arena, db_col_text(st, 1));
		v->title = arena_strdup(c->arena, db_col_text(st, 2));
		v->body = arena_strdup(c->arena, db_col_text(st, 3));
		char hashes[DISC_FILES_MAX][FILES_HASH_LEN + 1];
		v->nphotos = tr_split(db_col_text(st, 4), hashes, DISC_FILES_MAX);
		v->reason = arena_strdup(c->arena, db_col_text(st, 5));
		v->created_by_name = arena_strdup(c->arena, db_col_text(st, 6));
		v->created_at = db_col_int(st, 7);
		if (!v->happened_on || !v->title || !v->body || !v->reason || !v->created_by_name) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	db_finalize(st);
	return RC_OK;
}

enum result chronicle_get(struct ctx *c, int64_t id, struct chronicle_entry *out)
{
	int rc = load_entry(c, id, out);
	if (!rc)
		rc = check_visible(c, out, 0);
	return rc ? rc : load_versions(c, out);
}

enum result chronicle_photo(struct ctx *c, int64_t id, int n, int64_t public_village, char mime[16],
			    const void **data, size_t *len)
{
	struct chronicle_entry e;
	int rc = load_entry(c, id, &e);
	if (!rc)
		rc = check_visible(c, &e, public_village);
	if (rc)
		return rc;
	if (n < 1 || n > e.nphotos)
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	struct file_info f;
	if ((rc = files_read(c, e.photos[n - 1], &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}

enum result chronicle_list(struct ctx *c, int64_t unit_id, int64_t public_village, const char *status, int limit,
			   int offset, struct chronicle_entry **out, int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (!public_village && !c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	const char *st_name = status ? status : "published";
	const char *cond = tr_status_where(st_name, "e");
	if (!cond)
		ctx_field(c, "status", "应为 published（已发布）、withdrawn（已撤回）或 all（全部）");
	struct org_unit u = {0};
	int rc;
	if (public_village) {
		rc = org_find(c, public_village, &u);
		if (rc == RC_NOT_FOUND || (!rc && strcmp(u.kind, "village")))
			return ctx_fail(c, RC_NOT_FOUND, "村不存在");
		if (rc)
			return rc;
		if (cond && strcmp(st_name, "published"))
			ctx_field(c, "status", "公开页只显示已发布的大事记");
	} else if (unit_id) {
		rc = org_find(c, unit_id, &u);
		if (rc == RC_NOT_FOUND || (!rc && strcmp(u.kind, "village")))
			ctx_field(c, "unit_id", "请选择村");
		else if (rc)
			return rc;
		else if (!access_touches(c, u.path))
			return ctx_fail(c, RC_NOT_FOUND, "村不存在");
		else if (cond && strcmp(st_name, "published") && !manager(c, u.path))
			return ctx_fail(c, RC_FORBIDDEN, "只有干部可以查看撤回的大事记");
	} else {
		int64_t mine;
		char vpath[ORG_PATH_MAX];
		if (!tr_villager_village(c, &mine, vpath))
			ctx_field(c, "unit_id", "请选择村");
		else if (org_get(c, mine, &u))
			return c->err.code;
		if (cond && strcmp(st_name, "published"))
			return ctx_fail(c, RC_FORBIDDEN, "只有干部可以查看撤回的大事记");
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct buf where;
	struct db_args a = {0};
	buf_init(&where, 2048);
	buf_adds(&where, "WHERE ");
	const char *paths[1] = {u.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &where, &a);
	buf_adds(&where, !strcmp(st_name, "published") ? " AND e.withdrawn_at IS NULL"
			 : !strcmp(st_name, "withdrawn") ? " AND e.withdrawn_at IS NOT NULL"
							 : "");
	char *count_sql = arena_printf(c->arena, "SELECT count(*) " C_FROM "%s", where.ptr ? where.ptr : "");
	char *page_sql = arena_printf(c->arena, "SELECT " C_COLS C_FROM "%s ORDER BY e.happened_on DESC, e.id DESC "
						"LIMIT ? OFFSET ?", where.ptr ? where.ptr : "");
	bool failed = where.failed || a.failed;
	buf_release(&where);
	if (failed || !count_sql || !page_sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int dbrc = db_get_int_args(c->db, total, count_sql, &a);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取大事记");
	db_args_int(&a, limit);
	db_args_int(&a, offset);
	struct db_stmt *st = db_query_args(c->db, page_sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取大事记");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit > 0 ? limit : 1));
	while (*out && *n < limit && db_step(st) == DB_ROW) {
		struct chronicle_entry *e = &(*out)[(*n)++];
		read_entry(c, st, e);
		if (public_village)
			e->can_manage = false;
	}
	db_finalize(st);
	return *out ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

/* ---- writing ---- */

static void check_input(struct ctx *c, const struct chronicle_input *in, bool create)
{
	if (create || in->happened_on) {
		int64_t day;
		if (!in->happened_on || !in->happened_on[0])
			ctx_field(c, "happened_on", "请填写日期");
		else if (time_parse_date(in->happened_on, &day))
			ctx_field(c, "happened_on", "日期格式应为 2026-10-15");
		else if (day > time_cn_days(c->now))
			ctx_field(c, "happened_on", "日期不能晚于今天");
		else if (day < time_days_from_civil(1949, 10, 1))
			ctx_field(c, "happened_on", "日期不能早于 1949-10-01");
	}
	if (create || in->title)
		ctx_check_text(c, "title", in->title, CHRONICLE_TITLE_MAX, CTX_TEXT_REQUIRED, "标题");
	if (create || in->body)
		ctx_check_text(c, "body", in->body, CHRONICLE_BODY_MAX,
			       CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "内容");
	tr_check_files(c, "photos", in->photos, in->nphotos, true, "照片");
}

/* A version: texts in the order of version_fields (photos "h1,h2"), which is also
 * that of its audit snapshot. */
enum { V_DAY, V_TITLE, V_PHOTOS, V_BODY, V_N };
static const char *const version_fields[] = {"happened_on", "title", "photos", "body", NULL};

static const struct pub_doc doc = {
	.table = "chronicle_entries", .versions = "chronicle_versions", .version_key = "entry_id",
	.fields = version_fields, .audit_type = "chronicle", .noun = "大事记", .this_one = "大事记",
};

enum result chronicle_add(struct ctx *c, const struct chronicle_input *in, int64_t *id)
{
	*id = 0;
	check_input(c, in, true);
	struct org_unit v;
	int rc = org_find(c, in->village_id, &v);
	bool ok = false;
	if (rc == RC_NOT_FOUND)
		ctx_field(c, "village_id", "村不存在");
	else if (rc)
		return rc;
	else if (strcmp(v.kind, "village"))
		ctx_field(c, "village_id", "大事记记在村里，请选择村");
	else
		ok = true;
	if (ok && !access_can(c, P_CHRONICLE_WRITE, v.path))
		return access_refusal(c, v.path) == RC_NOT_FOUND
			       ? ctx_fail(c, RC_NOT_FOUND, "村不存在")
			       : ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以记大事记", v.name);
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *photos = tr_join(c, in->photos, in->nphotos > 0 ? in->nphotos : 0);
	if (!photos)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO chronicle_entries (village_id, version_no, happened_on, title, body, "
					 "photos, created_by, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?) "
					 "RETURNING id", "itttti" "ii", v.id, in->happened_on, in->title, in->body, photos,
			      ctx_actor_id(c), c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存大事记"));
	const char *first[V_N] = {in->happened_on, in->title, photos, in->body};
	if ((rc = pub_add_version(c, &doc, *id, 1, first, "", ctx_actor_id(c), c->now)))
		return ctx_end(c, rc);
	struct buf after;
	pub_snap(&doc, &after, 1, first);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, v.id, "chronicle", *id, "add", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

static int load_for_change(struct ctx *c, int64_t id, struct chronicle_entry *e, const char *what)
{
	int rc = load_entry(c, id, e);
	if (rc)
		return rc;
	bool visible = manager(c, e->village_path) || (!e->withdrawn_at && access_touches(c, e->village_path));
	return pub_may_change(c, &doc, e->can_manage, visible, e->withdrawn_at, e->village_name, what);
}

enum result chronicle_revise(struct ctx *c, int64_t id, const struct chronicle_input *in)
{
	check_input(c, in, false);
	ctx_check_text(c, "reason", in->reason, CHRONICLE_REASON_MAX, CTX_TEXT_REQUIRED, "修订理由");
	struct chronicle_entry e;
	int rc = load_for_change(c, id, &e, "修订");
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	const char *old[DISC_FILES_MAX];
	for (int i = 0; i < e.nphotos; i++)
		old[i] = e.photos[i];
	const char *before[V_N] = {e.happened_on, e.title, tr_join(c, old, e.nphotos), e.body};
	char *photos = in->nphotos >= 0 ? tr_join(c, in->photos, in->nphotos) : NULL;
	if (!before[V_PHOTOS] || (in->nphotos >= 0 && !photos))
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	const char *after[V_N] = {in->happened_on, in->title, photos, in->body};
	return pub_revise_texts(c, &doc, id, e.village_id, e.version_no, before, after, in->reason);
}

enum result chronicle_withdraw(struct ctx *c, int64_t id, const char *reason)
{
	ctx_check_text(c, "reason", reason, CHRONICLE_REASON_MAX, CTX_TEXT_REQUIRED, "撤回理由");
	struct chronicle_entry e;
	int rc = load_for_change(c, id, &e, "撤回");
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	return pub_withdraw(c, &doc, id, e.village_id, e.version_no, e.title, reason);
}
