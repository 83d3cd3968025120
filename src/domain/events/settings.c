/* Events settings of the county: channels, categories and departments. */
#include "domain/events/internal.h"
#include "util/buf.h"

static const char *dup(struct ctx *c, const char *s)
{
	return arena_strdup(c->arena, s ? s : "");
}

/* The county the actor administers events in (the first P_EVENT_ADMIN grant). */
static int64_t admin_county(const struct ctx *c)
{
	const char *paths[CTX_MAX_GRANTS];
	int n = access_scopes(c, P_EVENT_ADMIN, paths, CTX_MAX_GRANTS);
	return n ? ev_path_root(paths[0]) : 0;
}

static int64_t actor_county(const struct ctx *c)
{
	if (!c->actor)
		return 0;
	for (int i = 0; i < c->actor->ngrants; i++)
		if (c->actor->grants[i].path[0])
			return ev_path_root(c->actor->grants[i].path);
	return 0;
}

/* ---- channels ---- */

int events_channels(struct ctx *c, struct event_channel **out, int *n)
{
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * 64);
	struct db_stmt *st = db_query(c->db, "SELECT id, code, name, builtin FROM event_channels ORDER BY id LIMIT 64", "");
	if (!st || !*out)
		return ctx_db_fail(c, DB_ERROR, "读取渠道");
	while (db_step(st) == DB_ROW) {
		struct event_channel *ch = &(*out)[(*n)++];
		ch->id = db_col_int(st, 0);
		ch->code = dup(c, db_col_text(st, 1));
		ch->name = dup(c, db_col_text(st, 2));
		ch->builtin = db_col_int(st, 3) != 0;
	}
	db_finalize(st);
	return RC_OK;
}

int events_channel_create(struct ctx *c, const char *code, const char *name, int64_t *id)
{
	int64_t county = c->system ? 0 : admin_county(c);
	if (!county && !c->system)
		return ctx_fail(c, RC_FORBIDDEN, "只有区县管理员可以添加渠道");
	size_t len = code ? strlen(code) : 0;
	bool ok = len >= 2 && len <= 24;
	for (size_t i = 0; ok && i < len; i++)
		ok = (code[i] >= 'a' && code[i] <= 'z') || (code[i] >= '0' && code[i] <= '9') || code[i] == '_';
	if (!ok)
		ctx_field(c, "code", "编码应为 2 到 24 个小写字母、数字或 _");
	ctx_check_text(c, "name", name, EVENT_CHANNEL_NAME_MAX, CTX_TEXT_REQUIRED, "渠道名称");
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO event_channels (code, name, builtin, created_at) VALUES (?, ?, 0, ?) "
					 "RETURNING id", "tti", code, name, c->now);
	if (dbrc == DB_CONSTRAINT)
		return ctx_end(c, ctx_field(c, "code", "编码已被使用"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "添加渠道"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "code", code);
	audit_snap_str(&after, "name", name);
	audit_snap_end(&after);
	rc = county ? audit_record(c, county, "event_channel", *id, "create", "{}", after.ptr) : RC_OK;
	buf_release(&after);
	return ctx_end(c, rc);
}

/* ---- categories ---- */

#define CAT_COLS                                                                                  \
	"k.id, k.county_id, COALESCE(k.department_id, 0), k.name, COALESCE(d.name, ''), k.accept_hours, " \
	"k.finish_days, k.photo_required, k.active, k.warn_count, k.warn_days FROM event_categories k "                           \
	"LEFT JOIN org_units d ON d.id = k.department_id "

static void read_cat(struct ctx *c, struct db_stmt *st, struct event_category *k)
{
	k->id = db_col_int(st, 0);
	k->county_id = db_col_int(st, 1);
	k->department_id = db_col_int(st, 2);
	k->name = dup(c, db_col_text(st, 3));
	k->department_name = dup(c, db_col_text(st, 4));
	k->accept_hours = (int)db_col_int(st, 5);
	k->finish_days = (int)db_col_int(st, 6);
	k->photo_required = db_col_int(st, 7) != 0;
	k->active = db_col_int(st, 8) != 0;
	k->warn_count = (int)db_col_int(st, 9);
	k->warn_days = (int)db_col_int(st, 10);
}

int events_categories(struct ctx *c, int64_t county_id, bool active_only, struct event_category **out, int *n)
{
	*n = 0;
	*out = NULL;
	if (!county_id)
		county_id = actor_county(c);
	struct db_stmt *st = db_query(c->db, "SELECT " CAT_COLS "WHERE k.county_id = ? AND (k.active = 1 OR ? = 0) "
					     "ORDER BY k.id", "ii", county_id, (int64_t)active_only);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取类别");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct event_category *grown = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = grown;
		read_cat(c, st, &(*out)[(*n)++]);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取类别");
}

int events_category_get(struct ctx *c, int64_t id, struct event_category *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " CAT_COLS "WHERE k.id = ?", "i", id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		read_cat(c, st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "类别不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取类别");
}

static void check_category(struct ctx *c, const struct event_category_input *in, int64_t county, bool create)
{
	if (create || in->name)
		ctx_check_text(c, "name", in->name, EVENT_CATEGORY_NAME_MAX, CTX_TEXT_REQUIRED, "类别名称");
	if ((create || in->accept_hours) && (in->accept_hours < 1 || in->accept_hours > 720))
		ctx_field(c, "accept_hours", "受理时限应为 1 到 720 小时");
	if ((create || in->finish_days) && (in->finish_days < 1 || in->finish_days > 365))
		ctx_field(c, "finish_days", "办理时限应为 1 到 365 个工作日");
	if (in->set_warn && in->warn_count && (in->warn_count < 2 || in->warn_count > 100))
		ctx_field(c, "warn_count", "预警件数应为 2 到 100 件（0 表示不预警）");
	if (in->set_warn && in->warn_count && (in->warn_days < 1 || in->warn_days > 365))
		ctx_field(c, "warn_days", "预警天数应为 1 到 365 天");
	if (in->set_warn && !in->warn_count && in->warn_days)
		ctx_field(c, "warn_count", "设置了预警天数，请同时填写预警件数");
	if (in->department_id > 0) {
		struct org_unit d;
		int rc = org_get(c, in->department_id, &d);
		if (rc)
			ctx_clear(c);
		if (rc || strcmp(d.kind, "department") || ev_path_root(d.path) != county)
			ctx_field(c, "department_id", "部门不存在");
	}
}

static void snap_cat(struct buf *b, const struct event_category *k)
{
	audit_snap_begin(b);
	audit_snap_str(b, "name", k->name);
	audit_snap_int(b, "department_id", k->department_id);
	audit_snap_int(b, "accept_hours", k->accept_hours);
	audit_snap_int(b, "finish_days", k->finish_days);
	audit_snap_int(b, "photo_required", k->photo_required);
	audit_snap_int(b, "active", k->active);
	audit_snap_int(b, "warn_count", k->warn_count);
	audit_snap_int(b, "warn_days", k->warn_days);
	audit_snap_end(b);
}

int events_category_create(struct ctx *c, const struct event_category_input *in, int64_t *id)
{
	int64_t county = in->county_id ? in->county_id : admin_county(c);
	if (!county && !c->system)
		return ctx_fail(c, RC_FORBIDDEN, "只有区县管理员可以设置类别");
	struct org_unit u;
	int rc = org_get(c, county, &u);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(u.kind, "county"))) {
		ctx_clear(c);
		return ctx_field(c, "county_id", "区县不存在");
	}
	if (rc)
		return rc;
	if (!access_can(c, P_EVENT_ADMIN, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "只有区县管理员可以设置类别");
	check_category(c, in, county, true);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO event_categories (county_id, name, department_id, accept_hours, "
					 "finish_days, photo_required, active, warn_count, warn_days, emergency, created_at, "
					 "updated_at) VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id",
			      "itiiiiiiiii", county, in->name, in->department_id > 0 ? in->department_id : 0,
			      (int64_t)in->accept_hours, (int64_t)in->finish_days, (int64_t)(in->photo_required > 0),
			      (int64_t)in->warn_count, (int64_t)(in->warn_count ? in->warn_days : 0), (int64_t)in->emergency,
			      c->now, c->now);
	if (dbrc == DB_CONSTRAINT)
		return ctx_end(c, ctx_field(c, "name", "已有同名类别"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "添加类别"));
	struct event_category k = {.name = in->name, .department_id = in->department_id > 0 ? in->department_id : 0,
				   .accept_hours = in->accept_hours, .finish_days = in->finish_days,
				   .photo_required = in->photo_required > 0, .active = true,
				   .warn_count = in->warn_count, .warn_days = in->warn_count ? in->warn_days : 0};
	struct buf after;
	snap_cat(&after, &k);
	rc = audit_record(c, county, "event_category", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

int events_category_update(struct ctx *c, int64_t id, const struct event_category_input *in)
{
	struct event_category old;
	int rc = events_category_get(c, id, &old);
	if (rc)
		return rc;
	struct org_unit u;
	if ((rc = org_get(c, old.county_id, &u)))
		return rc;
	if (!access_can(c, P_EVENT_ADMIN, u.path))
		return ctx_fail(c, access_touches(c, u.path) ? RC_FORBIDDEN : RC_NOT_FOUND,
				access_touches(c, u.path) ? "只有区县管理员可以设置类别" : "类别不存在");
	check_category(c, in, old.county_id, false);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct event_category k = old;
	if (in->name)
		k.name = in->name;
	if (in->department_id >= 0)
		k.department_id = in->department_id;
	if (in->accept_hours)
		k.accept_hours = in->accept_hours;
	if (in->finish_days)
		k.finish_days = in->finish_days;
	if (in->photo_required >= 0)
		k.photo_required = in->photo_required > 0;
	if (in->active >= 0)
		k.active = in->active > 0;
	if (in->set_warn) {
		k.warn_count = in->warn_count;
		k.warn_days = in->warn_count ? in->warn_days : 0;
	}
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db, "UPDATE event_categories SET name = ?, department_id = NULLIF(CAST(? AS BIGINT), 0), "
				 "accept_hours = ?, finish_days = ?, photo_required = ?, active = ?, warn_count = ?, "
				 "warn_days = ?, updated_at = ? WHERE id = ?",
			  "tiiiiiiiii", k.name, k.department_id, (int64_t)k.accept_hours, (int64_t)k.finish_days,
			  (int64_t)k.photo_required, (int64_t)k.active, (int64_t)k.warn_count, (int64_t)k.warn_days, c->now,
			  id);
	if (dbrc == DB_CONSTRAINT)
		return ctx_end(c, ctx_field(c, "name", "已有同名类别"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "修改类别"));
	struct buf before, after;
	snap_cat(&before, &old);
	snap_cat(&after, &k);
	rc = audit_record(c, old.county_id, "event_category", id, "update", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* ---- departments ---- */

int events_departments(struct ctx *c, struct event_department **out, int *n)
{
	*n = 0;
	*out = NULL;
	int64_t county = c->system ? 0 : actor_county(c);
	struct db_stmt *st = db_query(c->db, "SELECT d.id, COALESCE(d.parent_id, 0), d.name, d.code, p.name, d.path, "
					     "(SELECT count(*) FROM role_grants g WHERE g.unit_id = d.id AND g.role = 'handler') "
					     "FROM org_units d JOIN org_units p ON p.id = d.parent_id "
					     "WHERE d.kind = 'department' AND (? = 0 OR d.path LIKE ?) ORDER BY d.path",
				      "it", county, arena_printf(c->arena, "/%lld/%%", (long long)county));
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取部门");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct event_department *grown = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = grown;
		struct event_department *d = &(*out)[(*n)++];
		d->id = db_col_int(st, 0);
		d->parent_id = db_col_int(st, 1);
		d->name = dup(c, db_col_text(st, 2));
		d->code = dup(c, db_col_text(st, 3));
		d->parent_name = dup(c, db_col_text(st, 4));
		d->path = dup(c, db_col_text(st, 5));
		d->handlers = db_col_int(st, 6);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取部门");
}

int events_department_create(struct ctx *c, int64_t parent_id, const char *code, const char *name, int64_t *id)
{
	struct org_unit p;
	int rc = org_get(c, parent_id, &p);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(p.kind, "county") && strcmp(p.kind, "town"))) {
		ctx_clear(c);
		return ctx_field(c, "parent_id", "部门只能设在区县或乡镇之下");
	}
	if (rc)
		return rc;
	if (!access_can(c, P_EVENT_ADMIN, p.path))
		return ctx_fail(c, access_refusal(c, p.path), "只有区县管理员可以设置部门");
	size_t len = code ? strlen(code) : 0;
	bool ok = len >= 1 && len <= ORG_CODE_MAX;
	for (size_t i = 0; ok && i < len; i++)
		ok = (code[i] >= '0' && code[i] <= '9') || (code[i] >= 'A' && code[i] <= 'Z') ||
		     (code[i] >= 'a' && code[i] <= 'z') || code[i] == '-' || code[i] == '_';
	if (!ok)
		ctx_field(c, "code", "编码不能为空，只能含字母、数字、- 和 _，最多 %d 个字符", ORG_CODE_MAX);
	ctx_check_text(c, "name", name, ORG_NAME_MAX, CTX_TEXT_REQUIRED, "部门名称");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO org_units (parent_id, kind, code, name, path, created_at) "
					 "VALUES (?, 'department', ?, ?, '', ?) RETURNING id", "itti", parent_id, code, name, c->now);
	if (dbrc == DB_CONSTRAINT)
		return ctx_end(c, ctx_field(c, "code", "编码已被使用"));
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "UPDATE org_units SET path = ? WHERE id = ?", "ti",
			      arena_printf(c->arena, "%s%lld/", p.path, (long long)*id), *id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "建立部门"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "kind", "department");
	audit_snap_str(&after, "code", code);
	audit_snap_str(&after, "name", name);
	audit_snap_int(&after, "parent_id", parent_id);
	audit_snap_end(&after);
	rc = audit_record(c, parent_id, "org_unit", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}
