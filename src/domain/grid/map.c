/* The village map's households (see grid.h): a household placed on the map, and the
 * households of a village with their positions and tags for every map of it. */
#include "domain/grid/internal.h"

enum result grid_household_locate(struct ctx *c, int64_t household_id, int64_t lat_e6, int64_t lng_e6)
{
	struct hh_place pl;
	int rc = people_household_place(c, household_id, &pl);
	if (rc)
		return rc;
	if (!access_can_read_household(c, HH_PATHS(pl), household_id))
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	if (!access_can_household(c, P_REGISTER_WRITE, HH_PATHS(pl)) &&
	    !access_can_household(c, P_GRID_WORK, HH_PATHS(pl)))
		return ctx_fail(c, RC_FORBIDDEN, "无权设置该户的位置");
	gr_check_position(c, "lat", lat_e6, lng_e6);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct household h;
	if ((rc = people_household_get(c, household_id, &h)))
		return rc;
	struct household_input old = {.village_id = h.village_id, .group_id = h.group_id, .grid_id = h.grid_id,
				      .number = h.number, .address = h.address, .has_coords = h.has_coords,
				      .lat_e6 = h.lat_e6, .lng_e6 = h.lng_e6};
	struct household_input in = old;
	in.has_coords = true;
	in.lat_e6 = lat_e6;
	in.lng_e6 = lng_e6;
	if ((rc = ctx_begin(c)))
		return rc;
	bool changed;
	return ctx_end(c, people_apply_household(c, h.village_id, household_id, &old, &in, &changed));
}

/* Adds to the households hh[0..n) (by id) the visible active tags of the rows (household
 * id, tag id) st gives in household order: to their own tags, or to the tags their
 * residents carry. Finalizes st. */
static enum result match_tags(struct ctx *c, struct db_stmt *st, struct grid_map_household *hh, int n,
			      const struct grid_tag *all, int nall, bool residents)
{
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	int at = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t hid = db_col_int(st, 0), tid = db_col_int(st, 1);
		while (at < n && hh[at].id < hid)
			at++;
		if (at >= n || hh[at].id != hid)
			continue;
		bool visible = false;
		for (int k = 0; k < nall; k++)
			if (all[k].id == tid)
				visible = all[k].active && gr_tag_visible(c, all[k].sensitive, all[k].roles);
		if (!visible)
			continue;
		int64_t **ids = residents ? &hh[at].resident_tag_ids : &hh[at].tag_ids;
		int *cnt = residents ? &hh[at].nresident_tags : &hh[at].ntags;
		int tcap = *cnt;
		if (!(*ids = arena_grow(c->arena, *ids, &tcap, *cnt, sizeof(**ids)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		(*ids)[(*cnt)++] = tid;
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取标签");
}

enum result grid_village_households(struct ctx *c, int64_t village_id, struct grid_map_household **out, int *n)
{
	*n = 0;
	*out = NULL;
	struct org_unit v;
	int rc = org_find(c, village_id, &v);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(v.kind, "village")) ||
	    (rc == RC_OK && !access_touches(c, v.path)))
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if (rc)
		return rc;
	struct grid_tag *all;
	int nall;
	if ((rc = gr_county_tags(c, gr_path_root(v.path), &all, &nall)))
		return rc;
	struct buf sql;
	struct db_args args = {0};
	buf_init(&sql, 16384);
	buf_adds(&sql, "SELECT h.id, COALESCE(h.grid_id, 0), h.number, COALESCE(h.lat_e6, 0), COALESCE(h.lng_e6, 0), "
		       PEOPLE_HEAD_NAME("h.id") ", h.lat_e6 IS NOT NULL AND h.lng_e6 IS NOT NULL "
		       "FROM households h WHERE h.village_id = ? AND ");
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
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_map_household *m = &(*out)[(*n)++];
		memset(m, 0, sizeof(*m));
		m->id = db_col_int(st, 0);
		m->grid_id = db_col_int(st, 1);
		m->number = arena_strdup(c->arena, db_col_text(st, 2));
		m->lat_e6 = db_col_int(st, 3);
		m->lng_e6 = db_col_int(st, 4);
		m->head_name = arena_strdup(c->arena, db_col_text(st, 5));
		m->has_coords = db_col_int(st, 6) != 0;
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取住户");
	/* the tags of the village's households, and the tags their residents carry (for
	 * the filter "a household with a person who …"), matched to the rows above */
	if ((rc = match_tags(c, db_query(c->db, "SELECT ht.household_id, ht.tag_id FROM household_tags ht WHERE "
						  "ht.household_id IN (SELECT h.id FROM households h WHERE h.village_id = ?) "
						  "ORDER BY ht.household_id, ht.tag_id", "i", village_id),
			     *out, *n, all, nall, false)))
		return rc;
	return match_tags(c, db_query(c->db, "SELECT DISTINCT r.household_id, rt.tag_id FROM resident_tags rt "
					     "JOIN residents r ON r.id = rt.resident_id WHERE r.household_id IN "
					     "(SELECT h.id FROM households h WHERE h.village_id = ?) "
					     "ORDER BY r.household_id, rt.tag_id", "i", village_id),
			  *out, *n, all, nall, true);
}
