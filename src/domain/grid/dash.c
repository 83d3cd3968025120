/* The dashboard's patrol figures of a unit and its children (see grid.h): the workers
 * of each unit and their patrols of the days in two grouped queries, and the overdue
 * visits from one grid_visits_due over the unit, counted by the child the household's
 * village lies in. */
#include "domain/grid/internal.h"
#include "util/timeutil.h"

/* the unit itself, or its children of the kind: o */
#define UNITS "(o.id = ? OR (o.parent_id = ? AND o.kind = ?))"

static struct grid_unit_figures *unit_row(struct grid_unit_figures *rows, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (rows[i].unit_id == id)
			return &rows[i];
	return NULL;
}

struct pair {
	int64_t unit_id, user_id;   /* a unit's worker; or a village and its town */
};

static bool has_worker(const struct pair *w, int nw, int64_t unit_id, int64_t user_id)
{
	for (int i = 0; i < nw; i++)
		if (w[i].unit_id == unit_id && w[i].user_id == user_id)
			return true;
	return false;
}

static int compliance(struct ctx *c, const struct org_unit *u, const char *child_kind, const char *from,
		      const char *to, struct grid_unit_figures *rows, int n)
{
	int64_t d0, d1;
	if (time_parse_date(from, &d0))
		ctx_field(c, "from", "日期应为 YYYY-MM-DD");
	if (time_parse_date(to, &d1))
		ctx_field(c, "to", "日期应为 YYYY-MM-DD");
	if (!c->err.nfields && (d1 < d0 || d1 - d0 > 92))
		ctx_field(c, "to", "日期范围应在 93 天以内");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct grid_settings gs;
	int rc = grid_settings_for_unit(c, u->path, &gs);
	if (rc)
		return rc;
	int64_t days = d1 - d0 + 1;
	/* the workers of each unit, as grid_compliance finds them: a grid role on a unit
	 * under it, or on a village, group or grid above it */
	struct db_stmt *st = db_query(c->db,
				      "SELECT DISTINCT o.id, rg.user_id FROM org_units o JOIN org_units ou ON "
				      "(ou.path LIKE o.path || '%' OR o.path LIKE ou.path || '%') "
				      "JOIN role_grants rg ON rg.unit_id = ou.id JOIN users w ON w.id = rg.user_id "
				      "WHERE " UNITS " AND rg.role IN ('grid_worker', 'grid_leader') "
				      "AND ou.kind IN ('village', 'group', 'grid') ORDER BY o.id, rg.user_id",
				      "iit", u->id, u->id, child_kind);
	struct pair *w = NULL;
	int nw = 0, cap = 0, dbrc = DB_ERROR;
	while (st && (dbrc = db_step(st)) == DB_ROW) {
		if (!(w = arena_grow(c->arena, w, &cap, nw, sizeof(*w)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		w[nw++] = (struct pair){db_col_int(st, 0), db_col_int(st, 1)};
		struct grid_unit_figures *r = unit_row(rows, n, w[nw - 1].unit_id);
		if (r)
			r->worker_days += days;
	}
	db_finalize(st);
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取网格员");
	if (gs.patrols_per_day <= 0) {   /* every worker-day meets a target of none */
		for (int i = 0; i < n; i++)
			rows[i].compliant_days = rows[i].worker_days;
		return RC_OK;
	}
	/* the qualified patrols of each worker and day in each unit's grids */
	char f[11], t[11];
	time_format_date(time_cn_midnight(d0) + 43200, f);
	time_format_date(time_cn_midnight(d1) + 43200, t);
	st = db_query(c->db,
		      "SELECT o.id, p.user_id, sum(p.qualified) FROM patrols p JOIN org_units gu ON gu.id = p.grid_id "
		      "JOIN org_units o ON gu.path LIKE o.path || '%' WHERE " UNITS " AND p.day >= ? AND p.day <= ? "
		      "GROUP BY o.id, p.user_id, p.day",
		      "iittt", u->id, u->id, child_kind, f, t);
	dbrc = DB_ERROR;
	while (st && (dbrc = db_step(st)) == DB_ROW) {
		int64_t uid = db_col_int(st, 0), user = db_col_int(st, 1);
		struct grid_unit_figures *r = unit_row(rows, n, uid);
		if (r && db_col_int(st, 2) >= gs.patrols_per_day && has_worker(w, nw, uid, user))
			r->compliant_days++;
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取巡查");
}

static int visits(struct ctx *c, const struct org_unit *u, const char *child_kind, struct grid_unit_figures *rows,
		  int n)
{
	struct grid_visit_due *d;
	int nd;
	int rc = grid_visits_due(c, u->id, 0, true, &d, &nd);
	if (rc)
		return rc;
	rows[0].visits_overdue = nd;
	/* the child each village lies in: itself, or its town (the villages' parents) */
	bool by_town = !strcmp(child_kind, "town");
	struct pair *vt = NULL;
	int nv = 0, cap = 0, dbrc = DB_DONE;
	if (by_town && nd) {
		struct db_stmt *st = db_query(c->db, "SELECT id, COALESCE(parent_id, 0) FROM org_units WHERE path LIKE ? "
						     "AND kind = 'village'",
					      "t", arena_printf(c->arena, "%s%%", u->path));
		dbrc = DB_ERROR;
		while (st && (dbrc = db_step(st)) == DB_ROW) {
			if (!(vt = arena_grow(c->arena, vt, &cap, nv, sizeof(*vt)))) {
				db_finalize(st);
				return ctx_fail(c, RC_INTERNAL, "内存不足");
			}
			vt[nv++] = (struct pair){db_col_int(st, 0), db_col_int(st, 1)};
		}
		db_finalize(st);
	}
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取村");
	for (int i = 0; i < nd; i++) {
		int64_t key = by_town ? 0 : d[i].village_id;
		for (int k = 0; by_town && k < nv && !key; k++)
			if (vt[k].unit_id == d[i].village_id)
				key = vt[k].user_id;
		struct grid_unit_figures *r = unit_row(rows + 1, n - 1, key);
		if (r)
			r->visits_overdue++;
	}
	return RC_OK;
}

enum result grid_unit_figures(struct ctx *c, int64_t unit_id, const char *child_kind, const char *from, const char *to,
			      struct grid_unit_figures **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct org_unit u;
	int rc = org_read(c, unit_id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_GRID_SUPERVISE, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权查看%s的巡查达标情况", u.name);
	struct db_stmt *st = db_query(c->db, "SELECT id FROM org_units WHERE parent_id = ? AND kind = ? ORDER BY id", "it",
				      u.id, child_kind);
	int cap = 0, dbrc = DB_ERROR;
	struct grid_unit_figures *rows = arena_grow(c->arena, NULL, &cap, 0, sizeof(*rows));
	if (rows) {
		memset(&rows[0], 0, sizeof(rows[0]));
		rows[0].unit_id = u.id;
		*n = 1;
	}
	while (rows && st && (dbrc = db_step(st)) == DB_ROW) {
		struct grid_unit_figures *g = arena_grow(c->arena, rows, &cap, *n, sizeof(*rows));
		if (!g)
			break;
		rows = g;
		memset(&rows[*n], 0, sizeof(rows[*n]));
		rows[(*n)++].unit_id = db_col_int(st, 0);
	}
	db_finalize(st);
	if (!rows || dbrc == DB_ROW)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取下级单位");
	if (from && from[0] && (rc = compliance(c, &u, child_kind, from, to, rows, *n)))
		return rc;
	if ((rc = visits(c, &u, child_kind, rows, *n)))
		return rc;
	*out = rows;
	return RC_OK;
}
