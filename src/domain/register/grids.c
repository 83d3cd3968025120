/* Grids (see grids.h). */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/scope.h"
#include "domain/register/grids.h"
#include "domain/register/people.h"
#include "util/geo.h"

#define GRID_COLS                                                                                   \
	"u.id, u.parent_id, u.code, u.name, g.color, g.boundary, g.updated_at, "                    \
	"(SELECT count(*) FROM households h WHERE h.grid_id = u.id) "
#define GRID_FROM "FROM org_units u JOIN grids g ON g.unit_id = u.id "

static void read_grid(struct ctx *c, struct db_stmt *st, struct grid *g)
{
	memset(g, 0, sizeof(*g));
	g->id = db_col_int(st, 0);
	g->village_id = db_col_int(st, 1);
	str_copy(g->code, sizeof(g->code), db_col_text(st, 2));
	str_copy(g->name, sizeof(g->name), db_col_text(st, 3));
	str_copy(g->color, sizeof(g->color), db_col_text(st, 4));
	g->boundary = db_col_null(st, 5) ? NULL : arena_strdup(c->arena, db_col_text(st, 5));
	g->updated_at = db_col_int(st, 6);
	g->households = db_col_int(st, 7);
}

/* The users granted a role on the grid. */
static int load_staff(struct ctx *c, struct grid *g)
{
	struct db_stmt *st = db_query(c->db, "SELECT u.id, u.name, rg.role FROM role_grants rg "
					     "JOIN users u ON u.id = rg.user_id WHERE rg.unit_id = ? "
					     "ORDER BY rg.role, u.name, u.id",
				      "i", g->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取网格人员");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(g->staff = arena_grow(c->arena, g->staff, &cap, g->nstaff, sizeof(*g->staff)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_staff *s = &g->staff[g->nstaff++];
		s->user_id = db_col_int(st, 0);
		s->name = arena_strdup(c->arena, db_col_text(st, 1));
		s->role = arena_strdup(c->arena, db_col_text(st, 2));
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取网格人员");
}

/* A grid and its village, without access checks. */
static int load(struct ctx *c, int64_t id, struct grid *g, struct org_unit *village)
{
	struct db_stmt *st = db_query(c->db, "SELECT " GRID_COLS GRID_FROM "WHERE u.id = ? AND u.kind = 'grid'",
				      "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取网格");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_grid(c, st, g);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "网格不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取网格");
	return org_get(c, g->village_id, village);
}

enum result grids_get(struct ctx *c, int64_t id, struct grid *out)
{
	struct org_unit v;
	int rc = load(c, id, out, &v);
	if (rc)
		return rc;
	if (!access_touches(c, v.path))
		return ctx_fail(c, RC_NOT_FOUND, "网格不存在");
	return load_staff(c, out);
}

/* A village the actor may look at; field errors name village_id. */
static int readable_village(struct ctx *c, int64_t village_id, struct org_unit *v)
{
	int rc = org_find(c, village_id, v);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(v->kind, "village")))
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if (rc)
		return rc;
	if (!access_touches(c, v->path))
		return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的网格", v->name);
	return RC_OK;
}

enum result grids_list(struct ctx *c, int64_t village_id, struct grid **out, int *n)
{
	*n = 0;
	struct org_unit v;
	int rc = readable_village(c, village_id, &v);
	if (rc)
		return rc;
	int64_t count = 0;
	if (db_get_int(c->db, &count, "SELECT count(*) FROM org_units WHERE parent_id = ? AND kind = 'grid'", "i",
		       village_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取网格");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(count ? count : 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT " GRID_COLS GRID_FROM
					     "WHERE u.parent_id = ? AND u.kind = 'grid' ORDER BY u.code",
				      "i", village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取网格");
	while (*n < count && (rc = db_step(st)) == DB_ROW)
		read_grid(c, st, &(*out)[(*n)++]);
	db_finalize(st);
	for (int i = 0; i < *n; i++)
		if ((rc = load_staff(c, &(*out)[i])))
			return rc;
	return RC_OK;
}

static bool valid_color(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

/* The number of positions of a stored boundary (0 for none), for the audit trail. */
static int64_t positions(const char *geojson)
{
	json_t *g = geojson ? json_loads(geojson, 0, NULL) : NULL;
	int64_t n = g ? (int64_t)geo_positions(g) : 0;
	json_decref(g);
	return n;
}

static void grid_snap(struct buf *b, const char *color, const char *boundary)
{
	audit_snap_begin(b);
	audit_snap_str(b, "color", color);
	audit_snap_int(b, "boundary_points", positions(boundary));
	audit_snap_end(b);
}

enum result grids_update(struct ctx *c, int64_t id, const struct grid_input *in)
{
	struct grid g;
	struct org_unit v;
	int rc = load(c, id, &g, &v);
	if (rc)
		return rc;
	if (!access_can(c, P_ORG_WRITE, v.path))
		return access_touches(c, v.path) ? ctx_fail(c, access_refusal(c, v.path), "无权修改%s的网格", v.name)
						 : ctx_fail(c, RC_NOT_FOUND, "网格不存在");
	if (in->color && !valid_color(in->color))
		ctx_field(c, "color", "颜色应为 #RRGGBB，例如 #1989FA");
	char err[160];
	char *boundary = NULL;
	if (in->boundary && geo_check(in->boundary, err, sizeof(err)))
		ctx_field(c, "boundary", "%s", err);
	else if (in->boundary && !(boundary = json_dumps(in->boundary, JSON_COMPACT)))
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if (ctx_check_fields(c)) {
		free(boundary);
		return RC_INVALID;
	}
	const char *color = in->color ? in->color : g.color;
	const char *after_boundary = in->clear_boundary ? NULL : boundary ? boundary : g.boundary;
	struct buf before, after;
	grid_snap(&before, g.color, g.boundary);
	grid_snap(&after, color, after_boundary);
	if ((rc = ctx_begin(c)) == RC_OK) {
		int dbrc = db_run(c->db, "UPDATE grids SET color = ?, boundary = ?, updated_at = ? WHERE unit_id = ?",
				  "ttii", color, after_boundary, c->now, id);
		rc = dbrc == DB_OK ? audit_record(c, v.id, "grid", id, "update", before.ptr, after.ptr)
				   : ctx_db_fail(c, dbrc, "修改网格");
		rc = ctx_end(c, rc);
	}
	buf_release(&before);
	buf_release(&after);
	free(boundary);
	return rc;
}

enum result grids_assign(struct ctx *c, int64_t id, int64_t *assigned)
{
	*assigned = 0;
	struct grid g;
	struct org_unit v;
	int rc = load(c, id, &g, &v);
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_WRITE, v.path))
		return access_touches(c, v.path) ? ctx_fail(c, access_refusal(c, v.path), "无权调整%s的住户", v.name)
						 : ctx_fail(c, RC_NOT_FOUND, "网格不存在");
	if (!g.boundary)
		return ctx_fail(c, RC_CONFLICT, "%s还没有边界：请先在地图上画出边界", g.name);
	json_t *shape = json_loads(g.boundary, 0, NULL);
	if (!shape)
		return ctx_fail(c, RC_INTERNAL, "网格边界已损坏");
	if ((rc = ctx_begin(c))) {
		json_decref(shape);
		return rc;
	}
	/* households are read first, then moved: one statement at a time on the connection */
	struct db_stmt *st = db_query(c->db, "SELECT id, lat_e6, lng_e6 FROM households WHERE village_id = ? "
					     "AND lat_e6 IS NOT NULL AND lng_e6 IS NOT NULL "
					     "AND (grid_id IS NULL OR grid_id <> ?) ORDER BY id",
				      "ii", v.id, id);
	int64_t *ids = NULL;
	int n = 0, cap = 0, dbrc = st ? DB_ROW : DB_ERROR;
	while (st && (dbrc = db_step(st)) == DB_ROW) {
		if (!geo_contains(shape, (double)db_col_int(st, 2) / 1e6, (double)db_col_int(st, 1) / 1e6))
			continue;
		int64_t *bigger = arena_grow(c->arena, ids, &cap, n, sizeof(*ids));
		if (!bigger)
			break;
		ids = bigger;
		ids[n++] = db_col_int(st, 0);
	}
	db_finalize(st);
	json_decref(shape);
	if (dbrc != DB_DONE)
		return ctx_end(c, dbrc == DB_ROW ? ctx_fail(c, RC_INTERNAL, "内存不足") : ctx_db_fail(c, dbrc, "读取住户"));
	for (int i = 0; i < n; i++) {
		dbrc = db_run(c->db, "UPDATE households SET grid_id = ?, updated_at = ? WHERE id = ?", "iii", id,
			      c->now, ids[i]);
		if (dbrc != DB_OK)
			return ctx_end(c, ctx_db_fail(c, dbrc, "调整住户网格"));
	}
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "households", n);
	audit_snap_end(&after);
	rc = n ? audit_record(c, v.id, "grid", id, "assign", "{}", after.ptr) : RC_OK;
	buf_release(&after);
	if ((rc = ctx_end(c, rc)) == RC_OK)
		*assigned = n;
	return rc;
}

enum result grids_village_map(struct ctx *c, int64_t village_id, struct map_point **out, int *n)
{
	*n = 0;
	struct org_unit v;
	int rc = readable_village(c, village_id, &v);
	if (rc)
		return rc;
	struct buf sql;
	struct db_args args = {0};
	buf_init(&sql, 16384);
	buf_adds(&sql, "SELECT h.id, COALESCE(h.grid_id, 0), h.number, h.lat_e6, h.lng_e6 FROM households h "
		       "WHERE h.village_id = ? AND h.lat_e6 IS NOT NULL AND h.lng_e6 IS NOT NULL AND ");
	db_args_int(&args, village_id);
	if (!scope_where(c, P_REGISTER_READ, SCOPE_HOUSEHOLD, &sql, &args)) {
		buf_release(&sql);
		return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的住户", v.name);
	}
	buf_adds(&sql, " ORDER BY h.id");
	struct db_stmt *st = sql.failed ? NULL : db_query_args(c->db, sql.ptr, &args);
	buf_release(&sql);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取住户");
	int cap = 0;
	*out = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct map_point *m = &(*out)[(*n)++];
		m->household_id = db_col_int(st, 0);
		m->grid_id = db_col_int(st, 1);
		m->number = arena_strdup(c->arena, db_col_text(st, 2));
		m->lat_e6 = db_col_int(st, 3);
		m->lng_e6 = db_col_int(st, 4);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取住户");
}
