/* Patrols 巡查 (see grid.h): a worker's walk through their grid with its track and
 * findings, the track measured by the server (length, duration, share inside the grid
 * polygon) and each worker's compliance per day against the county's target. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "domain/events/events.h"
#include "domain/grid/internal.h"
#include "util/geo.h"
#include "util/num.h"

#define GR_STR_(x) #x
#define GR_STR(x) GR_STR_(x)

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

static bool own(const struct ctx *c, int64_t user_id)
{
	return c->actor && c->actor->user_id == user_id;
}

/* A patrol the actor may read: their own, or P_GRID_SUPERVISE on its grid. */
static enum result load_patrol(struct ctx *c, int64_t id, struct grid_patrol *p, char *grid_path, size_t len)
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
	if (own(c, p->user_id) || access_can(c, P_GRID_SUPERVISE, path))
		return RC_OK;
	return ctx_fail(c, access_refusal(c, path), "无权查看这次巡查");
}

/* The worker's own patrol, for a change. */
static enum result own_patrol(struct ctx *c, int64_t id, struct grid_patrol *p, char *path, size_t len)
{
	int rc = load_patrol(c, id, p, path, len);
	if (rc)
		return rc;
	if (!own(c, p->user_id))
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
	int rc = own_patrol(c, id, &p, path, sizeof(path));
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
	int rc = own_patrol(c, id, &p, path, sizeof(path));
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

static enum result load_findings(struct ctx *c, struct grid_patrol *p)
{
	struct db_stmt *st = db_query(c->db, "SELECT id, category, note, lat_e6 IS NOT NULL, COALESCE(lat_e6, 0), "
					     "COALESCE(lng_e6, 0), COALESCE(event_id, 0), created_at FROM patrol_findings "
					     "WHERE patrol_id = ? ORDER BY id",
				      "i", p->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取发现");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(p->findings = arena_grow(c->arena, p->findings, &cap, p->nfindings, sizeof(*p->findings)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_finding *f = &p->findings[p->nfindings++];
		memset(f, 0, sizeof(*f));
		f->id = db_col_int(st, 0);
		f->patrol_id = p->id;
		f->category = arena_strdup(c->arena, db_col_text(st, 1));
		f->note = arena_strdup(c->arena, db_col_text(st, 2));
		f->has_location = db_col_int(st, 3) != 0;
		f->lat_e6 = db_col_int(st, 4);
		f->lng_e6 = db_col_int(st, 5);
		f->event_id = db_col_int(st, 6);
		f->created_at = db_col_int(st, 7);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取发现");
	for (int i = 0; i < p->nfindings; i++) {
		struct grid_finding *f = &p->findings[i];
		st = db_query(c->db, "SELECT file_hash FROM patrol_finding_photos WHERE finding_id = ? ORDER BY ord", "i", f->id);
		while (st && f->nphotos < GRID_PHOTOS_MAX && db_step(st) == DB_ROW)
			f->photos[f->nphotos++] = arena_strdup(c->arena, db_col_text(st, 0));
		db_finalize(st);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取照片");
	}
	return RC_OK;
}

enum result grid_patrol_get(struct ctx *c, int64_t id, struct grid_patrol *out)
{
	char path[ORG_PATH_MAX];
	int rc = load_patrol(c, id, out, path, sizeof(path));
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
	return load_findings(c, out);
}

/* A unit the actor may ask about: 404 outside every grant. */
static enum result query_unit(struct ctx *c, int64_t unit_id, struct org_unit *u)
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
		int rc = query_unit(c, q->unit_id, &u);
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
	db_args_int(&a, c->actor ? c->actor->user_id : 0);
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

/* ---- findings ---- */

enum result grid_finding_add(struct ctx *c, int64_t patrol_id, const struct grid_finding_input *in, int64_t *id)
{
	struct grid_patrol p;
	char path[ORG_PATH_MAX];
	int rc = own_patrol(c, patrol_id, &p, path, sizeof(path));
	if (rc)
		return rc;
	ctx_check_text(c, "category", in->category, GRID_CATEGORY_MAX, CTX_TEXT_REQUIRED, "类别");
	ctx_check_text(c, "note", in->note, GRID_NOTE_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "情况说明");
	if (in->has_location)
		gr_check_position(c, "lat", in->lat_e6, in->lng_e6);
	gr_check_photos(c, in->photos, in->nphotos);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (p.ended_at && c->now > p.ended_at + GRID_LATE_MAX)
		return ctx_fail(c, RC_CONFLICT, "巡查已结束，不能再添加发现");
	/* an event first (its own transaction, retried by the same key), then the finding */
	int64_t event_id = 0;
	if (in->event_category_id > 0) {
		struct event_input ev = {
			.village_id = p.village_id, .category_id = in->event_category_id, .channel = "grid",
			.description = in->note, .nphotos = in->nphotos, .has_location = in->has_location,
			.lat_e6 = in->lat_e6, .lng_e6 = in->lng_e6, .idem = in->idem,
		};
		for (int i = 0; i < in->nphotos; i++)
			ev.photos[i] = in->photos[i];
		if ((rc = events_create(c, &ev, &event_id)))
			return rc;
	}
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "finding", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	struct db_args a = {0};
	db_args_int(&a, patrol_id);
	db_args_text(&a, in->category);
	db_args_text(&a, in->note);
	if (in->has_location) {
		db_args_int(&a, in->lat_e6);
		db_args_int(&a, in->lng_e6);
	} else {
		db_args_null(&a);
		db_args_null(&a);
	}
	if (event_id)
		db_args_int(&a, event_id);
	else
		db_args_null(&a);
	db_args_int(&a, c->now);
	if (db_get_int_args(c->db, id, "INSERT INTO patrol_findings (patrol_id, category, note, lat_e6, lng_e6, event_id, "
				       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", &a) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "保存发现"));
	for (int i = 0; !rc && i < in->nphotos; i++)
		if (db_run(c->db, "INSERT INTO patrol_finding_photos (finding_id, ord, file_hash) VALUES (?, ?, ?)", "iit",
			   *id, (int64_t)(i + 1), in->photos[i]) != DB_OK)
			rc = ctx_db_fail(c, DB_ERROR, "保存照片");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "patrol_id", patrol_id);
		audit_snap_str(&after, "category", in->category);
		audit_snap_int(&after, "photos", in->nphotos);
		audit_snap_int(&after, "event_id", event_id);
		audit_snap_end(&after);
		rc = audit_record(c, p.village_id, "patrol_finding", *id, "create", "{}", after.ptr);
		buf_release(&after);
	}
	if (!rc) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
		rc = idem_store(c, "finding", in->idem, idtext);
	}
	return ctx_end(c, rc);
}

/* The finding and its patrol, readable by the actor. */
static enum result load_finding(struct ctx *c, int64_t finding_id, struct grid_patrol *p, struct grid_finding **f)
{
	int64_t patrol_id = 0;
	int dbrc = db_get_int(c->db, &patrol_id, "SELECT patrol_id FROM patrol_findings WHERE id = ?", "i", finding_id);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "发现不存在");
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取发现");
	char path[ORG_PATH_MAX];
	int rc = load_patrol(c, patrol_id, p, path, sizeof(path));
	if (!rc)
		rc = load_findings(c, p);
	if (rc)
		return rc;
	for (int i = 0; i < p->nfindings; i++)
		if (p->findings[i].id == finding_id)
			*f = &p->findings[i];
	return RC_OK;
}

enum result grid_finding_to_event(struct ctx *c, int64_t finding_id, int64_t category_id, int64_t *event_id)
{
	struct grid_patrol p;
	struct grid_finding *f = NULL;
	int rc = load_finding(c, finding_id, &p, &f);
	if (rc)
		return rc;
	if (!own(c, p.user_id))
		return ctx_fail(c, RC_FORBIDDEN, "只有巡查的网格员本人可以上报");
	if (f->event_id)
		return ctx_fail(c, RC_CONFLICT, "已上报为民情事件（%lld）", (long long)f->event_id);
	struct event_input ev = {
		.village_id = p.village_id, .category_id = category_id, .channel = "grid", .description = f->note,
		.nphotos = f->nphotos, .has_location = f->has_location, .lat_e6 = f->lat_e6, .lng_e6 = f->lng_e6,
	};
	for (int i = 0; i < f->nphotos; i++)
		ev.photos[i] = f->photos[i];
	if ((rc = events_create(c, &ev, event_id)))
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	if (db_run(c->db, "UPDATE patrol_findings SET event_id = ? WHERE id = ? AND event_id IS NULL", "ii", *event_id,
		   finding_id) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "保存发现");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "event_id", *event_id);
		audit_snap_end(&after);
		rc = audit_record(c, p.village_id, "patrol_finding", finding_id, "report", "{}", after.ptr);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}

enum result grid_finding_events_mine(struct ctx *c, int limit, struct grid_finding_event **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct db_stmt *st = db_query(c->db, "SELECT f.id, f.patrol_id, f.category, f.note, f.event_id, f.created_at "
					     "FROM patrol_findings f JOIN patrols p ON p.id = f.patrol_id "
					     "WHERE p.user_id = ? AND f.event_id IS NOT NULL "
					     "ORDER BY f.created_at DESC, f.id DESC LIMIT ?",
				      "ii", c->actor->user_id, (int64_t)limit);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取发现");
	struct grid_finding *rows = NULL;
	int cap = 0, rows_n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(rows = arena_grow(c->arena, rows, &cap, rows_n, sizeof(*rows)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_finding *f = &rows[rows_n++];
		memset(f, 0, sizeof(*f));
		f->id = db_col_int(st, 0);
		f->patrol_id = db_col_int(st, 1);
		f->category = arena_strdup(c->arena, db_col_text(st, 2));
		f->note = arena_strdup(c->arena, db_col_text(st, 3));
		f->event_id = db_col_int(st, 4);
		f->created_at = db_col_int(st, 5);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取发现");
	if (rows_n && !(*out = arena_alloc(c->arena, sizeof(**out) * (size_t)rows_n)))
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < rows_n; i++) {
		struct event *e = arena_alloc(c->arena, sizeof(*e));
		if (!e)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		rc = events_get(c, rows[i].event_id, e);
		if (rc == RC_NOT_FOUND || rc == RC_FORBIDDEN) {
			ctx_clear(c);
			continue;
		}
		if (rc)
			return rc;
		(*out)[*n].finding = rows[i];
		(*out)[(*n)++].event = e;
	}
	return RC_OK;
}

enum result grid_finding_photo(struct ctx *c, int64_t finding_id, int n, char mime[16], const void **data, size_t *len)
{
	struct grid_patrol p;
	struct grid_finding *f = NULL;
	int rc = load_finding(c, finding_id, &p, &f);
	if (rc)
		return rc;
	if (!f || n < 1 || n > f->nphotos)
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	struct file_info fi;
	if ((rc = files_read(c, f->photos[n - 1], &fi, data, len)))
		return rc;
	str_copy(mime, 16, fi.mime);
	return RC_OK;
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
	int rc = query_unit(c, unit_id, &u);
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
					    c->actor ? c->actor->user_id : 0);
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

/* ---- positions ---- */

enum result grid_positions_add(struct ctx *c, const struct grid_position *pts, int n, int *added)
{
	*added = 0;
	const char *paths[1];
	if (!c->actor || !access_scopes(c, P_GRID_WORK, paths, 1))
		return ctx_fail(c, RC_FORBIDDEN, "只有网格员上报位置");
	int64_t unit_id = 0;
	for (int i = 0; i < c->actor->ngrants && !unit_id; i++) {
		const struct role_def *r = access_role(c->actor->grants[i].role);
		if (r && (r->perms & P_GRID_WORK))
			unit_id = c->actor->grants[i].unit_id;
	}
	if (n < 1 || n > GRID_BATCH_MAX)
		return ctx_field(c, "points", "每批 1 到 %d 个位置", GRID_BATCH_MAX);
	for (int i = 0; i < n && c->err.nfields < 5; i++) {
		char f[24];
		snprintf(f, sizeof(f), "points[%d]", i);
		if (pts[i].at > c->now + 60 || pts[i].at < c->now - 7 * 86400)
			ctx_field(c, f, "时间应在最近 7 天之内");
		else
			gr_check_position(c, f, pts[i].lat_e6, pts[i].lng_e6);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	for (int i = 0; !rc && i < n; i++) {
		int64_t dup = 0;
		if (db_get_int(c->db, &dup, "SELECT count(*) FROM positions WHERE user_id = ? AND at = ?", "ii",
			       c->actor->user_id, pts[i].at) != DB_OK)
			rc = ctx_db_fail(c, DB_ERROR, "读取位置");
		else if (!dup && db_run(c->db, "INSERT INTO positions (user_id, unit_id, at, lat_e6, lng_e6, accuracy_m) "
					       "VALUES (?, ?, ?, ?, ?, ?)",
					"iiiiii", c->actor->user_id, unit_id, pts[i].at, pts[i].lat_e6, pts[i].lng_e6,
					(int64_t)pts[i].accuracy_m) != DB_OK)
			rc = ctx_db_fail(c, DB_ERROR, "保存位置");
		else if (!dup)
			(*added)++;
	}
	/* the worker's last position, for the live map: batches may arrive late and out of
	 * order, so only a newer position replaces it (the batch's newest is enough) */
	const struct grid_position *newest = &pts[0];
	for (int k = 1; k < n; k++)
		if (pts[k].at > newest->at)
			newest = &pts[k];
	if (!rc && db_run(c->db, "INSERT INTO positions_last (user_id, unit_id, at, lat_e6, lng_e6, accuracy_m) "
				  "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET unit_id = excluded.unit_id, "
				  "at = excluded.at, lat_e6 = excluded.lat_e6, lng_e6 = excluded.lng_e6, "
				  "accuracy_m = excluded.accuracy_m WHERE excluded.at > positions_last.at",
			   "iiiiii", c->actor->user_id, unit_id, newest->at, newest->lat_e6, newest->lng_e6,
			   (int64_t)newest->accuracy_m) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "保存位置");
	return ctx_end(c, rc);
}

static enum result read_positions(struct ctx *c, struct db_stmt *st, struct grid_position **out, int *n)
{
	int cap = 0, rc;
	while (st && (rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_position *p = &(*out)[(*n)++];
		p->user_id = db_col_int(st, 0);
		p->at = db_col_int(st, 1);
		p->lat_e6 = db_col_int(st, 2);
		p->lng_e6 = db_col_int(st, 3);
		p->accuracy_m = (int)db_col_int(st, 4);
		p->user_name = arena_strdup(c->arena, db_col_text(st, 5));
		p->unit_name = arena_strdup(c->arena, db_col_text(st, 6));
	}
	db_finalize(st);
	return st && rc == DB_DONE ? RC_OK : ctx_db_fail(c, DB_ERROR, "读取位置");
}

enum result grid_positions_last(struct ctx *c, int64_t unit_id, struct grid_position **out, int *n)
{
	*n = 0;
	*out = NULL;
	struct org_unit u;
	int rc = query_unit(c, unit_id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_GRID_SUPERVISE, u.path))
		return ctx_fail(c, RC_FORBIDDEN, "无权查看%s网格员的位置", u.name);
	struct db_stmt *st = db_query(c->db, "SELECT p.user_id, p.at, p.lat_e6, p.lng_e6, p.accuracy_m, us.name, ou.name "
					     "FROM positions_last p JOIN users us ON us.id = p.user_id "
					     "JOIN org_units ou ON ou.id = p.unit_id "
					     "WHERE ou.path LIKE ? ORDER BY us.name, p.user_id",
				      "t", arena_printf(c->arena, "%s%%", u.path));
	return read_positions(c, st, out, n);
}

enum result grid_positions_mine(struct ctx *c, int limit, struct grid_position **out, int *n, int64_t *total)
{
	*n = 0;
	*out = NULL;
	int64_t me = c->actor ? c->actor->user_id : 0;
	if (db_get_int(c->db, total, "SELECT count(*) FROM positions WHERE user_id = ?", "i", me) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取位置");
	struct db_stmt *st = db_query(c->db, "SELECT p.user_id, p.at, p.lat_e6, p.lng_e6, p.accuracy_m, us.name, ou.name "
					     "FROM positions p JOIN users us ON us.id = p.user_id "
					     "JOIN org_units ou ON ou.id = p.unit_id WHERE p.user_id = ? "
					     "ORDER BY p.at DESC LIMIT ?",
				      "ii", me, (int64_t)limit);
	return read_positions(c, st, out, n);
}

enum result grid_positions_expire(struct ctx *c, int64_t *thinned, int64_t *deleted)
{
	*thinned = *deleted = 0;
	/* thinning: of the positions between one and GRID_THIN_WINDOW days old (older ones
	 * were thinned by earlier runs), the first of each user's ten minutes stays */
	int64_t cut = c->now - GRID_THIN_AFTER, from = c->now - GRID_THIN_WINDOW * 86400;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t before = 0, after = 0;
	if (db_get_int(c->db, &before, "SELECT count(*) FROM positions WHERE at < ? AND at >= ?", "ii", cut, from) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "整理位置"));
	if (before && db_run(c->db, "DELETE FROM positions WHERE at < ? AND at >= ? AND id NOT IN "
				    "(SELECT min(id) FROM positions WHERE at < ? AND at >= ? GROUP BY user_id, at / " GR_STR(GRID_THIN_STEP) ")",
			     "iiii", cut, from, cut, from) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "整理位置"));
	if (before && db_get_int(c->db, &after, "SELECT count(*) FROM positions WHERE at < ? AND at >= ?", "ii", cut, from) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "整理位置"));
	*thinned = before - after;
	/* retention: each county's own, over the units under it */
	struct db_stmt *st = db_query(c->db, "SELECT path FROM org_units WHERE kind = 'county' ORDER BY id", "");
	char (*counties)[ORG_PATH_MAX] = NULL;
	int nc = 0, cap = 0;
	while (st && db_step(st) == DB_ROW) {
		if (!(counties = arena_grow(c->arena, counties, &cap, nc, sizeof(*counties))))
			break;
		str_copy(counties[nc++], ORG_PATH_MAX, db_col_text(st, 0));
	}
	db_finalize(st);
	if (!st)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "清理位置"));
	for (int i = 0; !rc && i < nc; i++) {
		struct grid_settings s;
		if ((rc = grid_settings_for_unit(c, counties[i], &s)))
			break;
		int64_t old = c->now - (int64_t)s.retention_days * 86400, k = 0;
		const char *like = arena_printf(c->arena, "%s%%", counties[i]);
		if (db_get_int(c->db, &k, "SELECT count(*) FROM positions WHERE at < ? AND unit_id IN "
					  "(SELECT id FROM org_units WHERE path LIKE ?)",
			       "it", old, like) != DB_OK ||
		    (k && db_run(c->db, "DELETE FROM positions WHERE at < ? AND unit_id IN "
					"(SELECT id FROM org_units WHERE path LIKE ?)",
				 "it", old, like) != DB_OK) ||
		    db_run(c->db, "DELETE FROM positions_last WHERE at < ? AND unit_id IN "
				  "(SELECT id FROM org_units WHERE path LIKE ?)",
			   "it", old, like) != DB_OK)
			rc = ctx_db_fail(c, DB_ERROR, "清理位置");
		*deleted += k;
	}
	return ctx_end(c, rc);
}
