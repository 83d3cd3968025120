/* Roads on the village map and the events raised from a worker's patrol findings, over
 * HTTP (grid.h). */
#include "domain/events/events.h"
#include "domain/grid/grid.h"
#include "http/grid/grid.h"

#define ID_MAX (INT64_MAX / 2)

static json_t *road_json(const struct grid_road *g)
{
	json_t *geometry = json_loads(g->geometry, 0, NULL);
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)g->id, "village_id",
			 (json_int_t)g->village_id, "name", g->name, "kind", g->kind, "geometry",
			 geometry ? geometry : json_null(), "updated_at", json_time(g->updated_at));
}

int api_village_roads(struct req *r)
{
	int64_t id;
	struct grid_road *list;
	int n;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = grid_roads(&r->ctx, id, &list, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, road_json(&list[i]));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

/* The body's fields of a road; the geometry is taken aside (an object checked by the
 * domain). */
static int road_body(struct req *r, bool create, struct grid_road_input *in)
{
	static const struct jfield create_spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX}, {"name", J_STRING, true, 0, 1000},
		{"kind", J_STRING, true, 1, 20},        {"geometry", J_OBJECT, true, 0, 0}, {0},
	};
	static const struct jfield update_spec[] = {
		{"name", J_STRING, false, 0, 1000}, {"kind", J_STRING, false, 1, 20}, {"geometry", J_OBJECT, false, 0, 0}, {0},
	};
	memset(in, 0, sizeof(*in));
	int rc = req_check_body(r, create ? create_spec : update_spec);
	in->village_id = req_int(r, "village_id", 0);
	in->name = req_str(r, "name");
	in->kind = req_str(r, "kind");
	json_t *g = r->body ? json_object_get(r->body, "geometry") : NULL;
	in->geometry = json_is_object(g) ? g : NULL;
	return rc;
}

int api_road_create(struct req *r)
{
	struct grid_road_input in;
	/* the body's errors and the domain's together, when the village is known */
	if (road_body(r, true, &in) && !in.village_id)
		return RC_INVALID;
	if (!in.geometry && ctx_check_fields(&r->ctx))
		return RC_INVALID;
	int64_t id;
	int rc = grid_road_create(&r->ctx, &in, &id);
	if (rc)
		return rc;
	r->status = 201;
	r->out = json_pack("{s:I}", "id", (json_int_t)id);
	return RC_OK;
}

int api_road_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct grid_road_input in;
	if (road_body(r, false, &in))
		return RC_INVALID;
	if ((rc = grid_road_update(&r->ctx, id, &in)))
		return rc;
	r->out = json_pack("{s:I}", "id", (json_int_t)id);
	return RC_OK;
}

int api_road_delete(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = grid_road_remove(&r->ctx, id)))
		return rc;
	r->out = json_pack("{s:I, s:b}", "id", (json_int_t)id, "removed", 1);
	return RC_OK;
}

/* The deadline the event waits on now: acceptance while pending, finishing while it is
 * being handled, none once finished. */
static json_t *deadline_json(const struct event *e)
{
	if (!strcmp(e->state, "pending"))
		return e->accept_due ? json_time(e->accept_due) : json_null();
	if (e->finished_at || !strcmp(e->state, "rejected") || !strcmp(e->state, "finished") ||
	    !strcmp(e->state, "visited"))
		return json_null();
	return e->finish_due ? json_time(e->finish_due) : json_null();
}

int api_finding_events_mine(struct req *r)
{
	int64_t limit = 0;
	int rc = req_query_int(r, "limit", 1, 100, 30, &limit);
	if (rc || ctx_check_fields(&r->ctx))
		return rc ? rc : RC_INVALID;
	struct grid_finding_event *list;
	int n;
	if ((rc = grid_finding_events_mine(&r->ctx, (int)limit, &list, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		const struct grid_finding *f = &list[i].finding;
		const struct event *e = list[i].event;
		json_array_append_new(
			items,
			json_pack("{s:I, s:I, s:s, s:s, s:o, s:{s:I, s:s, s:b, s:s, s:o, s:o}}", "finding_id", (json_int_t)f->id,
				  "patrol_id", (json_int_t)f->patrol_id, "category", f->category, "note", f->note,
				  "created_at", json_time(f->created_at), "event", "id", (json_int_t)e->id, "state",
				  e->state, "overdue", e->overdue, "category_name", e->category_name ? e->category_name : "",
				  "deadline", deadline_json(e), "finished_at",
				  e->finished_at ? json_time(e->finished_at) : json_null()));
	}
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}
