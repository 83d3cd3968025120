/* Roads on a village's map (see grid.h): the map is drawn from the project's own data,
 * so a village's cadres draw its roads (主干道, 村道, 机耕路, 小路) as GeoJSON
 * LineStrings; every map of the village draws them under the households. */
#include "domain/grid/internal.h"
#include "util/geo.h"

#include <stdlib.h>

static const char *const kinds[] = {"main", "village", "farm", "path"};

static const char *kind_label(const char *kind)
{
	static const char *const labels[] = {"主干道", "村道", "机耕路", "小路"};
	for (size_t i = 0; kind && i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kind, kinds[i]))
			return labels[i];
	return NULL;
}

enum result grid_roads(struct ctx *c, int64_t village_id, struct grid_road **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct org_unit v;
	int rc = gr_map_village(c, village_id, &v, GR_MAP_READERS, "查看");
	if (rc)
		return rc;
	struct db_stmt *st = db_query(c->db, "SELECT id, village_id, name, kind, geometry, created_at, updated_at "
					     "FROM map_roads WHERE village_id = ? AND active = 1 ORDER BY id",
				      "i", v.id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取道路");
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_road *r = &(*out)[(*n)++];
		r->id = db_col_int(st, 0);
		r->village_id = db_col_int(st, 1);
		r->name = arena_strdup(c->arena, db_col_text(st, 2));
		r->kind = arena_strdup(c->arena, db_col_text(st, 3));
		r->geometry = arena_strdup(c->arena, db_col_text(st, 4));
		r->created_at = db_col_int(st, 5);
		r->updated_at = db_col_int(st, 6);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取道路");
}

/* Field errors of a road's fields that are given; *geometry receives the line's
 * compact text (malloc'd) when one is given and valid. */
static void check_road(struct ctx *c, const struct grid_road_input *in, bool create, char **geometry)
{
	*geometry = NULL;
	if (create || in->name)
		ctx_check_text(c, "name", in->name, GRID_ROAD_NAME_MAX, CTX_TEXT_REQUIRED, "道路名称");
	if ((create || in->kind) && !kind_label(in->kind))
		ctx_field(c, "kind", "类型应为 主干道(main)、村道(village)、机耕路(farm) 或 小路(path)");
	if (create && !in->geometry) {
		ctx_field(c, "geometry", "请给出道路的线路（GeoJSON LineString）");
	} else if (in->geometry) {
		char err[200];
		if (geo_check_line(in->geometry, GRID_ROAD_POINTS_MAX, err, sizeof(err)))
			ctx_field(c, "geometry", "%s", err);
		else if (!(*geometry = json_dumps(in->geometry, JSON_COMPACT)))
			ctx_fail(c, RC_INTERNAL, "内存不足");
	}
}

static void road_snap(struct buf *b, const char *name, const char *kind, const char *geometry)
{
	audit_snap_begin(b);
	audit_snap_str(b, "name", name);
	audit_snap_str(b, "road_kind", kind);
	json_t *g = json_loads(geometry, 0, NULL);
	audit_snap_int(b, "line_points", g ? (int64_t)json_array_size(json_object_get(g, "coordinates")) : 0);
	json_decref(g);
	audit_snap_end(b);
}

enum result grid_road_create(struct ctx *c, const struct grid_road_input *in, int64_t *id)
{
	struct org_unit v;
	int rc = gr_map_village(c, in->village_id, &v, P_ORG_WRITE, "修改");
	if (rc)
		return rc;
	char *geometry;
	check_road(c, in, true, &geometry);
	int64_t count = 0;
	if (!c->err.nfields && c->err.code == RC_OK &&
	    db_get_int(c->db, &count, "SELECT count(*) FROM map_roads WHERE village_id = ? AND active = 1", "i", v.id) !=
		    DB_OK) {
		free(geometry);
		return ctx_db_fail(c, DB_ERROR, "读取道路");
	}
	if (count >= GRID_ROADS_MAX)
		ctx_field(c, "name", "一个村最多 %d 条道路", GRID_ROADS_MAX);
	if (c->err.code == RC_INTERNAL || ctx_check_fields(c)) {
		free(geometry);
		return c->err.code == RC_INTERNAL ? RC_INTERNAL : RC_INVALID;
	}
	if ((rc = ctx_begin(c))) {
		free(geometry);
		return rc;
	}
	if (db_get_int(c->db, id, "INSERT INTO map_roads (village_id, name, kind, geometry, created_by, created_at, "
				  "updated_at) VALUES (?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?) RETURNING id",
		       "itttiii", v.id, in->name, in->kind, geometry, ctx_actor_id(c), c->now,
		       c->now) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "保存道路");
	if (!rc) {
		struct buf after;
		road_snap(&after, in->name, in->kind, geometry);
		rc = audit_record(c, v.id, "map_road", *id, "create", "{}", after.ptr);
		buf_release(&after);
	}
	free(geometry);
	return ctx_end(c, rc);
}

/* A road that is there (active) and its village, for a change by a P_ORG_WRITE holder. */
static enum result load_road(struct ctx *c, int64_t id, struct grid_road *r, struct org_unit *v)
{
	struct db_stmt *st = db_query(c->db, "SELECT village_id, name, kind, geometry, active FROM map_roads WHERE id = ?",
				      "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取道路");
	int dbrc = db_step(st);
	bool active = false;
	memset(r, 0, sizeof(*r));
	if (dbrc == DB_ROW) {
		r->id = id;
		r->village_id = db_col_int(st, 0);
		r->name = arena_strdup(c->arena, db_col_text(st, 1));
		r->kind = arena_strdup(c->arena, db_col_text(st, 2));
		r->geometry = arena_strdup(c->arena, db_col_text(st, 3));
		active = db_col_int(st, 4) != 0;
	}
	db_finalize(st);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "道路不存在");
	if (dbrc != DB_ROW)
		return ctx_db_fail(c, dbrc, "读取道路");
	if (!r->name || !r->kind || !r->geometry)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int rc = gr_map_village(c, r->village_id, v, P_ORG_WRITE, "修改");
	if (rc)
		return rc;
	if (!active)
		return ctx_fail(c, RC_CONFLICT, "这条道路已删除");
	return RC_OK;
}

enum result grid_road_update(struct ctx *c, int64_t id, const struct grid_road_input *in)
{
	struct grid_road old;
	struct org_unit v;
	int rc = load_road(c, id, &old, &v);
	if (rc)
		return rc;
	char *geometry;
	check_road(c, in, false, &geometry);
	if (c->err.code == RC_INTERNAL || ctx_check_fields(c)) {
		free(geometry);
		return c->err.code == RC_INTERNAL ? RC_INTERNAL : RC_INVALID;
	}
	const char *name = in->name ? in->name : old.name, *kind = in->kind ? in->kind : old.kind;
	const char *geo = geometry ? geometry : old.geometry;
	if ((rc = ctx_begin(c))) {
		free(geometry);
		return rc;
	}
	if (db_run(c->db, "UPDATE map_roads SET name = ?, kind = ?, geometry = ?, updated_at = ? WHERE id = ?", "tttii",
		   name, kind, geo, c->now, id) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "保存道路");
	if (!rc) {
		struct buf before, after;
		road_snap(&before, old.name, old.kind, old.geometry);
		road_snap(&after, name, kind, geo);
		rc = audit_record(c, v.id, "map_road", id, "update", before.ptr, after.ptr);
		buf_release(&before);
		buf_release(&after);
	}
	free(geometry);
	return ctx_end(c, rc);
}

enum result grid_road_remove(struct ctx *c, int64_t id)
{
	struct grid_road old;
	struct org_unit v;
	int rc = load_road(c, id, &old, &v);
	if (rc)
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	if (db_run(c->db, "UPDATE map_roads SET active = 0, updated_at = ? WHERE id = ?", "ii", c->now, id) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "删除道路"));
	struct buf before;
	road_snap(&before, old.name, old.kind, old.geometry);
	rc = audit_record(c, v.id, "map_road", id, "remove", before.ptr, "{}");
	buf_release(&before);
	return ctx_end(c, rc);
}
