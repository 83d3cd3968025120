/* Grids: their colours, boundaries and staff, placing households by boundary, and the
 * village map of households. */
#include "domain/kernel/access.h"
#include "domain/register/grids.h"
#include "http/register/register.h"

static json_t *grid_json(const struct grid *g)
{
	json_t *staff = json_array();
	for (int i = 0; i < g->nstaff; i++) {
		const struct role_def *d = access_role(g->staff[i].role);
		json_array_append_new(staff, json_pack("{s:I, s:s, s:s, s:s}", "user_id", (json_int_t)g->staff[i].user_id,
						       "name", g->staff[i].name, "role", g->staff[i].role,
						       "role_label", d ? d->label : g->staff[i].role));
	}
	json_t *boundary = g->boundary ? json_loads(g->boundary, 0, NULL) : NULL;
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:I, s:o, s:o}", "id", (json_int_t)g->id, "village_id",
			 (json_int_t)g->village_id, "code", g->code, "name", g->name, "color", g->color,
			 "boundary", boundary ? boundary : json_null(), "households", (json_int_t)g->households,
			 "staff", staff, "updated_at", json_time(g->updated_at));
}

int api_village_grids(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	struct grid *grids = NULL;
	int n = 0;
	if (rc || (rc = grids_list(&r->ctx, id, &grids, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, grid_json(&grids[i]));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_grid_get(struct req *r)
{
	int64_t id;
	struct grid g;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = grids_get(&r->ctx, id, &g)))
		return rc;
	r->out = grid_json(&g);
	return RC_OK;
}

int api_grid_update(struct req *r)
{
	static const struct jfield spec[] = {
		{"color", J_STRING, false, 1, 7},
		{"boundary", J_OBJECT, false, 0, 0},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)))
		return rc;
	json_t *boundary = json_object_get(r->body, "boundary");
	struct grid_input in = {
		.color = req_str(r, "color"),
		.boundary = json_is_object(boundary) ? boundary : NULL,
		.clear_boundary = json_is_null(boundary),
	};
	struct grid g;
	if ((rc = grids_update(&r->ctx, id, &in)) || (rc = grids_get(&r->ctx, id, &g)))
		return rc;
	r->out = grid_json(&g);
	return RC_OK;
}

int api_grid_assign(struct req *r)
{
	static const struct jfield spec[] = {{0}};
	int64_t id, assigned;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)) || (rc = grids_assign(&r->ctx, id, &assigned)))
		return rc;
	r->out = json_pack("{s:I}", "assigned", (json_int_t)assigned);
	return RC_OK;
}

int api_village_map(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	struct map_point *points = NULL;
	int n = 0;
	if (rc || (rc = grids_village_map(&r->ctx, id, &points, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:f, s:f, s:o}", "id",
						       (json_int_t)points[i].household_id, "number", points[i].number,
						       "lat", (double)points[i].lat_e6 / 1e6, "lng",
						       (double)points[i].lng_e6 / 1e6, "grid_id",
						       points[i].grid_id ? json_integer(points[i].grid_id) : json_null()));
	r->out = json_pack("{s:o}", "households", items);
	return RC_OK;
}
