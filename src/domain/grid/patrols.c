/* Patrols 巡查 (see grid.h): a worker's walk through their grid with its track and
 * findings, the track measured by the server (length, duration, share inside the grid
 * polygon) and each worker's compliance per day against the county's target. The
 * findings are in findings.c, the workers' positions in positions.c. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "domain/grid/internal.h"
#include "util/geo.h"
#include "util/num.h"

/* ---- geometry ---- */

double grid_haversine_m(int64_t lat1_e6, int64_t lng1_e6, int64_t lat2_e6, int64_t lng2_e6)
{
	const double r = 6371008.8, rad = M_PI / 180.0 / 1e6;
	double p1 = (double)lat1_e6 * rad, p2 = (double)lat2_e6 * rad;
	double dp = (double)(lat2_e6 - lat1_e6) * rad, dl = (double)(lng2_e6 - lng1_e6) * rad;
	double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	if (a > 1)
		a = 1;
	return 2 * r * asin(sqrt(a));
}

static int by_time(const void *a, const void *b)
{
	const struct track_point *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void grid_track_measure(struct track_point *pts, int n, struct track_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (n <= 0)
		return;
	qsort(pts, (size_t)n, sizeof(*pts), by_time);
	double len = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			len += grid_haversine_m(pts[i - 1].lat_e6, pts[i - 1].lng_e6, pts[i].lat_e6, pts[i].lng_e6);
		out->inside += pts[i].inside;
	}
	out->points = n;
	out->length_m = (int64_t)(len + 0.5);
	out->duration_s = pts[n - 1].at - pts[0].at;
}

bool grid_patrol_qualifies(const struct grid_settings *s, const struct track_stats *t)
{
	return t->points > 0 && t->duration_s >= (int64_t)s->min_minutes * 60 && t->length_m >= s->min_metres &&
	       (int64_t)t->inside * 100 >= (int64_t)s->min_inside_pct * t->points;
}

/* ---- loading ---- */

#define PATROL_COLS                                                                                 \
	"p.id, p.grid_id, p.village_id, p.user_id, gu.name, vu.name, u.name, p.day, p.started_at, "     \
	"COALESCE(p.ended_at, 0), p.points, p.inside_points, p.length_m, p.duration_s, p.qualified, gu.path "
#define PATROL_FROM                                                                                 \
	"FROM patrols p JOIN org_units gu ON gu.id = p.grid_id JOIN org_units vu ON vu.id = p.village_id " \
	"JOIN users u ON u.id = p.user_id "

static const char *read_patrol(struct ctx *c, struct db_stmt *st, struct grid_patrol *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_int(st, 0);
	p->grid_id = db_col_int(st, 1);
	p->village_id = db_col_int(st, 2);
	p->user_id = db_col_int(st, 3);
	p->grid_name = arena_strdup(c->arena, db_col_text(st, 4));
	p->village_name = arena_strdup(c->arena, db_col_text(st, 5));
	p->user_name = arena_strdup(c->arena, db_col_text(st, 6));
	p->day = arena_strdup(c->arena, db_col_text(st, 7));
	p->started_at = db_col_int(st, 8);
	p->ended_at = db_col_int(st, 9);
	p->stats.points = (int)db_col_int(st, 10);
	p->stats.inside = (int)db_col_int(st, 11);
	p->stats.length_m = db_col_int(st, 12);
	p->stats.duration_s = db_col_int(st, 13);
	p->qualified = db_col_int(st, 14) != 0;
	return arena_strdup(c->arena, db_col_text(st, 15));
}

bool gr_own(const struct ctx *c, int64_t user_id)
{
	return c->actor && c->actor->user_id == user_id;
}

/* A patrol the actor may read: their own, or P_GRID_SUPERVISE on its grid. */
enum result gr_load_patrol(struct ctx *c, int64_t id, struct grid_patrol *p, char *grid_path, size_t len)
{
	struct db_stmt *st = db_query(c->db, "SELECT " PATROL_COLS PATROL_FROM "WHERE p.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取巡查");
	int rc = db_step(st);
	const char *path = rc == DB_ROW ? read_patrol(c, st, p) : "";
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "巡查记录不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取巡查");
	str_copy(grid_path, len, path);
	if (gr_own(c, p->user_id) || access_can(c, P_GRID_SUPERVISE, path))
		return RC_OK;
	return ctx_fail(c, access_refusal(c, path), "无权查看这次巡查");
}

/* The worker's own patrol, for a change. */
enum result gr_own_patrol(struct ctx *c, int64_t id, struct grid_patrol *p, char *path, size_t len)
{
	int rc = gr_load_patrol(c, id, p, path, len);
	if (rc)
		return rc;
	if (!gr_own(c, p->user_id))
		return ctx_fail(c, RC_FORBIDDEN, "只有巡查的网格员本人可以记录");
	return RC_OK;
}

/* Reads the patrol's points, measures them and stores the figures (inside the caller's
 * transaction). */
static enum result remeasure(struct ctx *c, int64_t id, const char *grid_path, bool ended)
{
	struct db_stmt *st = db_query(c->db, "SELECT seq, at, lat_e6, lng_e6, inside FROM patrol_points WHERE patrol_id = ?",
				      "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取轨迹");
	struct track_point *pts = NULL;
	int n = 0, cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(pts = arena_grow(c->arena, pts, &cap, n, sizeof(*pts)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		pts[n++] = (struct track_point){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2),
						db_col_int(st, 3), db_col_int(st, 4) != 0};
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取轨迹");
	struct track_stats t;
	grid_track_measure(pts, n, &t);
	struct grid_settings s;
	if ((rc = grid_settings_for_unit(c, grid_path, &s)))
		return rc;
	bool q = ended && grid_patrol_qualifies(&s, &t);
	if (db_run(c->db, "UPDATE patrols SET points = ?, inside_points = ?, length_m = ?, duration_s = ?, qualified = ? "
			  "WHERE id = ?",
		   "iiiiii", (int64_t)t.points, (int64_t)t.inside, t.length_m, t.duration_s, (int64_t)q, id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "保存轨迹");
	return RC_OK;
}

/* ---- start, points, end ---- */

/* The grids under the actor's P_GRID_WORK grants (at most max), for choosing one. */
static int work_grids(struct ctx *c, int64_t *ids, int max)
{
	const char *paths[CTX_MAX_GRANTS];
	int np = access_scopes(c, P_GRID_WORK, paths, CTX_MAX_GRANTS), n = 0;
	for (int i = 0; i < np && n < max; i++) {
		struct db_stmt *st = db_query(c->db, "SELECT id FROM org_units WHERE kind = 'grid' AND path LIKE ? ORDER BY code",
					      "t", arena_printf(c->arena, "%s%%", paths[i]));
		while (st && n < max && db_step(st) == DB_ROW)
			ids[n++] = db_col_int(st, 0);
		db_finalize(st);
	}
	return n;
}

enum result grid_patrol_start(struct ctx *c, int64_t grid_id, const struct idem *k, int64_t *id)
{
	if (!grid_id) {
		int64_t ids[2];
		int n = work_grids(c, ids, 2);
		if (n == 1)
			grid_id = ids[0];
		else
			return n ? ctx_field(c, "grid_id", "请选择巡查的网格") : ctx_fail(c, RC_FORBIDDEN, "你没有负责的网格");
	}
	struct gr_grid g;
	int rc = gr_load_grid(c, grid_id, &g);
	if (rc == RC_NOT_FOUND) {
		ctx_reset(c);
		return ctx_field(c, "grid_id", "网格不存在");
	}
	if (rc)
		return rc;
	if (!access_can(c, P_GRID_WORK, g.unit.path) || !c->actor) {
		if (!access_touches(c, g.unit.path)) {
			return ctx_field(c, "grid_id", "网格不存在");
		}
		return ctx_fail(c, RC_FORBIDDEN, "你不是%s的网格员", g.unit.name);
	}
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "patrol", k, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	int64_t open = 0;
	if (db_get_int(c->db, &open, "SELECT count(*) FROM patrols WHERE user_id = ? AND ended_at IS NULL", "i",
		       c->actor->user_id) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "读取巡查"));
	if (open)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "你有一次巡查还没有结束，请先结束它"));
	char day[11];
	time_format_date(c->now, day);
	if (db_get_int(c->db, id, "INSERT INTO patrols (grid_id, village_id, user_id, day, started_at, created_at) "
				  "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		       "iiitii", grid_id, g.village.id, c->actor->user_id, day, c->now, c->now) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "开始巡查"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "grid_id", grid_id);
	audit_snap_str(&after, "day", day);
	audit_snap_end(&after);
	rc = audit_record(c, g.village.id, "patrol", *id, "start", "{}", after.ptr);
	buf_release(&after);
	if (!rc) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
		rc = idem_store(c, "patrol", k, idtext);
	}
	return ctx_end(c, rc);
}

enum result grid_patrol_points(struct ctx *c, int64_t id, const struct track_point *pts, int n, int *added)
{
	*added = 0;
	struct grid_patrol p;
	char path[ORG_PATH_MAX];
	int rc = gr_own_patrol(c, id, &p, path, sizeof(path));
	if (rc)
		return rc;
	if (n < 1 || n > GRID_BATCH_MAX)
		return ctx_field(c, "points", "每批 1 到 %d 个点", GRID_BATCH_MAX);
	if (p.ended_at && c->now > p.ended_at + GRID_LATE_MAX)
		return ctx_fail(c, RC_CONFLICT, "巡查已结束超过 %d 天，不再接收轨迹", GRID_LATE_MAX / 86400);
	int64_t last = p.ended_at ? p.ended_at : c->now;
	for (int i = 0; i < n; i++) {
		char f[24];
		snprintf(f, sizeof(f), "points[%d]", i);
		if (pts[i].seq < 0 || pts[i].seq > INT32_MAX)
			ctx_field(c, f, "序号应为非负整数");
		else if (pts[i].at < p.started_at - 60 || pts[i].at > last + 60)
			ctx_field(c, f, "时间不在本次巡查之内");
		else
			gr_check_position(c, f, pts[i].lat_e6, pts[i].lng_e6);
		if (c->err.nfields >= 5)
			break;
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct gr_grid g;
	if ((rc = gr_load_grid(c, p.grid_id, &g)))
		return rc;
	json_t *shape = g.boundary ? json_loads(g.boundary, 0, NULL) : NULL;
	if ((rc = ctx_begin(c))) {
		json_decref(shape);
		return rc;
	}
	for (int i = 0; !rc && i < n; i++) {
		bool inside = shape && geo_contains(shape, (double)pts[i].lng_e6 / 1e6, (double)pts[i].lat_e6 / 1e6);
		/* a sequence number the patrol has already is a resent point: nothing is added */
		int64_t seq = 0;
		int dbrc = db_get_int(c->db, &seq, "INSERT INTO patrol_points (patrol_id, seq, at, lat_e6, lng_e6, inside) "
						   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (patrol_id, seq) DO NOTHING RETURNING seq",
				      "iiiiii", id, pts[i].seq, pts[i].at, pts[i].lat_e6, pts[i].lng_e6, (int64_t)inside);
		if (dbrc == DB_OK)
			(*added)++;
		else if (dbrc != DB_DONE)
			rc = ctx_db_fail(c, dbrc, "保存轨迹");
	}
	json_decref(shape);
	if (!rc && *added)
		rc = remeasure(c, id, path, p.ended_at != 0);
	return ctx_end(c, rc);
}

enum result grid_patrol_end(struct ctx *c, int64_t id)
{
	struct grid_patrol p;
	char path[ORG_PATH_MAX];
	int rc = gr_own_patrol(c, id, &p, path, sizeof(path));
	if (rc)
		return rc;
	if (p.ended_at)
		return ctx_fail(c, RC_CONFLICT, "这次巡查已经结束");
	if ((rc = ctx_begin(c)))
		return rc;
	if (db_run(c->db, "UPDATE patrols SET ended_at = ? WHERE id = ? AND ended_at IS NULL", "ii", c->now, id) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "结束巡查");
	if (!rc)
		rc = remeasure(c, id, path, true);
	int64_t q = 0, len = 0;
	if (!rc && (db_get_int(c->db, &q, "SELECT qualified FROM patrols WHERE id = ?", "i", id) != DB_OK ||
		    db_get_int(c->db, &len, "SELECT length_m FROM patrols WHERE id = ?", "i", id) != DB_OK))
		rc = ctx_db_fail(c, DB_ERROR, "读取巡查");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "length_m", len);
		audit_snap_int(&after, "qualified", q);
		audit_snap_end(&after);
		rc = audit_record(c, p.village_id, "patrol", id, "end", "{}", after.ptr);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}

enum result grid_patrol_get(struct ctx *c, int64_t id, struct grid_patrol *out)
{
	char path[ORG_PATH_MAX];
	int rc = gr_load_patrol(c, id, out, path, sizeof(path));
	if (rc)
		return rc;
	struct gr_grid g;
	if ((rc = gr_load_grid(c, out->grid_id, &g)))
		return rc;
	out->boundary = g.boundary;
	struct db_stmt *st = db_query(c->db, "SELECT seq, at, lat_e6, lng_e6, inside FROM patrol_points WHERE patrol_id = ?",
				      "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取轨迹");
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(out->track = arena_grow(c->arena, out->track, &cap, out->ntrack, sizeof(*out->track)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		out->track[out->ntrack++] = (struct track_point){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2),
								 db_col_int(st, 3), db_col_int(st, 4) != 0};
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取轨迹");
	struct track_stats t;
	grid_track_measure(out->track, out->ntrack, &t);   /* sorts the track by time */
	return gr_load_findings(c, out);
}

/* A unit the actor may ask about: 404 outside every grant. */
enum result gr_query_unit(struct ctx *c, int64_t unit_id, struct org_unit *u)
{
	int rc = org_find(c, unit_id, u);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && !access_touches(c, u->path)))
		return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
	return rc;
}

enum result grid_patrols(struct ctx *c, const struct grid_patrol_query *q, struct grid_patrol **out, int *n,
			 int64_t *total)
{
	*n = 0;
	*total = 0;
	*out = NULL;
	struct buf w;
	struct db_args a = {0};
	buf_init(&w, 8192);
	buf_adds(&w, "WHERE 1=1");
	if (q->unit_id) {
		struct org_unit u;
		int rc = gr_query_unit(c, q->unit_id, &u);
		if (rc) {
			buf_release(&w);
			return rc;
		}
		buf_adds(&w, " AND gu.path LIKE ?");
		db_args_text(&a, arena_printf(c->arena, "%s%%", u.path));
	}
	if (q->user_id) {
		buf_adds(&w, " AND p.user_id = ?");
		db_args_int(&a, q->user_id);
	}
	if (q->day) {
		buf_adds(&w, " AND p.day = ?");
		db_args_text(&a, q->day);
	}
	/* the actor's own, or those under their supervision */
	buf_adds(&w, " AND (p.user_id = ?");
	db_args_int(&a, ctx_actor_id(c));
	struct buf sc;
	buf_init(&sc, 4096);
	if (scope_where(c, P_GRID_SUPERVISE, SCOPE_UNIT("gu"), &sc, &a)) {
		buf_adds(&w, " OR ");
		buf_adds(&w, sc.ptr ? sc.ptr : "1=0");
	}
	buf_release(&sc);
	buf_adds(&w, ")");
	if (w.failed) {
		buf_release(&w);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	if (db_get_int_args(c->db, total, arena_printf(c->arena, "SELECT count(*) " PATROL_FROM "%s", w.ptr), &a) != DB_OK) {
		buf_release(&w);
		return ctx_db_fail(c, DB_ERROR, "读取巡查");
	}
	struct db_args a2 = a;
	db_args_int(&a2, q->limit);
	db_args_int(&a2, q->offset);
	struct db_stmt *st = db_query_args(c->db, arena_printf(c->arena, "SELECT " PATROL_COLS PATROL_FROM
								       "%s ORDER BY p.started_at DESC, p.id DESC LIMIT ? OFFSET ?",
								       w.ptr), &a2);
	buf_release(&w);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取巡查");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		read_patrol(c, st, &(*out)[(*n)++]);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取巡查");
}

/* ---- compliance ---- */

struct worker {
	int64_t user_id;
	const char *name, *unit_name;
};

enum result grid_compliance(struct ctx *c, int64_t unit_id, const char *from, const char *to,
			    struct grid_compliance **out, int *n, struct grid_settings *settings)
{
	*n = 0;
	*out = NULL;
	struct org_unit u;
	int rc = gr_query_unit(c, unit_id, &u);
	if (rc)
		return rc;
	bool all = access_can(c, P_GRID_SUPERVISE, u.path);
	const char *work[1];
	if (!all && !access_scopes(c, P_GRID_WORK, work, 1))
		return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的巡查达标情况", u.name);
	int64_t d0, d1;
	if (time_parse_date(from, &d0))
		ctx_field(c, "from", "日期应为 YYYY-MM-DD");
	if (time_parse_date(to, &d1))
		ctx_field(c, "to", "日期应为 YYYY-MM-DD");
	if (!c->err.nfields && (d1 < d0 || d1 - d0 > 92))
		ctx_field(c, "to", "日期范围应在 93 天以内");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = grid_settings_for_unit(c, u.path, settings)))
		return rc;
	/* the workers: grid roles under the unit (or on a unit above it: a village-wide
	 * worker counts for its grids), or only the actor */
	struct worker *ws = NULL;
	int nw = 0, cap = 0;
	struct db_stmt *st = all ? db_query(c->db, "SELECT u.id, u.name, min(ou.name) FROM role_grants rg "
						    "JOIN users u ON u.id = rg.user_id JOIN org_units ou ON ou.id = rg.unit_id "
						    "WHERE rg.role IN ('grid_worker', 'grid_leader') AND "
						    "(ou.path LIKE ? OR ? LIKE ou.path || '%') AND ou.kind IN ('village', 'group', 'grid') "
						    "GROUP BY u.id, u.name ORDER BY u.name, u.id",
					    "tt", arena_printf(c->arena, "%s%%", u.path), u.path)
				 : db_query(c->db, "SELECT u.id, u.name, '' FROM users u WHERE u.id = ?", "i",
					    ctx_actor_id(c));
	while (st && (rc = db_step(st)) == DB_ROW) {
		if (!(ws = arena_grow(c->arena, ws, &cap, nw, sizeof(*ws))))
			break;
		ws[nw++] = (struct worker){db_col_int(st, 0), arena_strdup(c->arena, db_col_text(st, 1)),
					   arena_strdup(c->arena, db_col_text(st, 2))};
	}
	db_finalize(st);
	if (!st || (nw && !ws))
		return ctx_db_fail(c, DB_ERROR, "读取网格员");
	int days = (int)(d1 - d0 + 1);
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(nw * days > 0 ? nw * days : 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int d = days - 1; d >= 0; d--) {
		char day[11];
		time_format_date(time_cn_midnight(d0 + d) + 43200, day);
		for (int i = 0; i < nw; i++) {
			struct grid_compliance *r = &(*out)[(*n)++];
			memset(r, 0, sizeof(*r));
			r->user_id = ws[i].user_id;
			r->user_name = ws[i].name;
			r->unit_name = ws[i].unit_name;
			r->day = arena_strdup(c->arena, day);
			int64_t pts = 0, inside = 0;
			st = db_query(c->db, "SELECT count(*), COALESCE(sum(qualified), 0), COALESCE(sum(length_m), 0), "
					     "COALESCE(sum(duration_s), 0), COALESCE(sum(points), 0), COALESCE(sum(inside_points), 0) "
					     "FROM patrols p JOIN org_units gu ON gu.id = p.grid_id "
					     "WHERE p.user_id = ? AND p.day = ? AND gu.path LIKE ?",
				      "itt", ws[i].user_id, day, arena_printf(c->arena, "%s%%", u.path));
			if (!st || db_step(st) != DB_ROW) {
				db_finalize(st);
				return ctx_db_fail(c, DB_ERROR, "读取巡查");
			}
			r->patrols = (int)db_col_int(st, 0);
			r->qualified = (int)db_col_int(st, 1);
			r->length_m = db_col_int(st, 2);
			r->duration_s = db_col_int(st, 3);
			pts = db_col_int(st, 4);
			inside = db_col_int(st, 5);
			db_finalize(st);
			r->inside_pct = pts ? (int)(inside * 100 / pts) : -1;
			r->compliant = r->qualified >= settings->patrols_per_day;
		}
	}
	return RC_OK;
}
