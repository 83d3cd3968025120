/* Workers' positions 位置 (see grid.h): the points their phones send, each worker's last
 * one kept for the live map, a worker's own history, and the nightly thinning and
 * expiry by each county's retention. */
#include "domain/grid/internal.h"

#define GR_STR_(x) #x
#define GR_STR(x) GR_STR_(x)

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
	int rc = gr_query_unit(c, unit_id, &u);
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
	int64_t me = ctx_actor_id(c);
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
