/* The grid workers' allowance 网格员津贴 and the places on the map over HTTP. */
#include "domain/grid/grid.h"
#include "domain/kernel/xlsx.h"
#include "http/grid/grid.h"

#define ID_MAX (INT64_MAX / 2)
#define AMOUNT_LIMIT 1000000000

static json_t *rule_json(const struct grid_allowance_rule *r)
{
	return json_pack("{s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "county_id", (json_int_t)r->county_id,
			 "set", r->set, "base_fen", (json_int_t)r->base_fen, "patrol_day_fen",
			 (json_int_t)r->patrol_day_fen, "missed_day_fen", (json_int_t)r->missed_day_fen, "visit_fen",
			 (json_int_t)r->visit_fen, "late_visit_fen", (json_int_t)r->late_visit_fen, "event_fen",
			 (json_int_t)r->event_fen, "max_fen", (json_int_t)r->max_fen, "updated_at",
			 r->updated_at ? json_time(r->updated_at) : json_null());
}

int api_allowance_rule_get(struct req *r)
{
	int64_t county = 0;
	struct grid_allowance_rule rule;
	int rc = req_query_int(r, "county_id", 1, ID_MAX, 0, &county);
	if (rc || (rc = grid_allowance_rule_get(&r->ctx, county, &rule)))
		return rc;
	r->out = rule_json(&rule);
	return RC_OK;
}

int api_allowance_rule_put(struct req *r)
{
	static const struct jfield spec[] = {
		{"county_id", J_INT, false, 1, ID_MAX},
		{"base_fen", J_INT, true, -AMOUNT_LIMIT, AMOUNT_LIMIT},
		{"patrol_day_fen", J_INT, true, -AMOUNT_LIMIT, AMOUNT_LIMIT},
		{"missed_day_fen", J_INT, true, -AMOUNT_LIMIT, AMOUNT_LIMIT},
		{"visit_fen", J_INT, true, -AMOUNT_LIMIT, AMOUNT_LIMIT},
		{"late_visit_fen", J_INT, true, -AMOUNT_LIMIT, AMOUNT_LIMIT},
		{"event_fen", J_INT, true, -AMOUNT_LIMIT, AMOUNT_LIMIT},
		{"max_fen", J_INT, false, -AMOUNT_LIMIT, AMOUNT_LIMIT},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct grid_allowance_rule in = {
		.base_fen = req_int(r, "base_fen", 0), .patrol_day_fen = req_int(r, "patrol_day_fen", 0),
		.missed_day_fen = req_int(r, "missed_day_fen", 0), .visit_fen = req_int(r, "visit_fen", 0),
		.late_visit_fen = req_int(r, "late_visit_fen", 0), .event_fen = req_int(r, "event_fen", 0),
		.max_fen = req_int(r, "max_fen", 0),
	};
	int64_t county = req_int(r, "county_id", 0);
	int rc = grid_allowance_rule_put(&r->ctx, county, &in);
	if (rc || (rc = grid_allowance_rule_get(&r->ctx, county, &in)))
		return rc;
	r->out = rule_json(&in);
	return RC_OK;
}

static json_t *allowance_json(const struct grid_allowance *a)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i}", "id",
			      (json_int_t)a->id, "town_id", (json_int_t)a->town_id, "town_name", a->town_name, "user_id",
			      (json_int_t)a->user_id, "user_name", a->user_name, "unit_name", a->unit_name, "month",
			      a->month, "status", a->status, "days_counted", a->days_counted, "compliant_days",
			      a->compliant_days, "missed_days", a->missed_days, "visits_on_time", a->visits_on_time,
			      "visits_late", a->visits_late, "events", a->events);
	json_object_set_new(o, "rule", rule_json(&a->rule));
	json_object_set_new(o, "components",
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "base_fen", (json_int_t)a->rule.base_fen,
				      "patrol_fen", (json_int_t)a->patrol_total, "missed_fen", (json_int_t)-a->missed_total,
				      "visit_fen", (json_int_t)a->visit_total, "late_visit_fen", (json_int_t)-a->late_total,
				      "event_fen", (json_int_t)a->event_total));
	json_object_set_new(o, "capped", json_boolean(a->capped));
	json_object_set_new(o, "total_fen", json_integer(a->total_fen));
	json_object_set_new(o, "computed_at", json_time(a->computed_at));
	json_object_set_new(o, "approved_at", a->approved_at ? json_time(a->approved_at) : json_null());
	json_object_set_new(o, "approved_by", a->approved_by[0] ? json_string(a->approved_by) : json_null());
	return o;
}

static json_t *allowances_json(const struct grid_allowance *a, int n)
{
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, allowance_json(&a[i]));
	return items;
}

int api_allowances_compute(struct req *r)
{
	static const struct jfield spec[] = {{"unit_id", J_INT, true, 1, ID_MAX}, {"month", J_STRING, true, 7, 7}, {0}};
	if (req_check_body(r, spec))
		return RC_INVALID;
	int n;
	int64_t unit = req_int(r, "unit_id", 0);
	const char *month = req_str(r, "month");
	int rc = grid_allowance_compute(&r->ctx, unit, month, &n);
	struct grid_allowance *list;
	if (rc || (rc = grid_allowances(&r->ctx, unit, month, &list, &n)))
		return rc;
	r->out = json_pack("{s:o}", "items", allowances_json(list, n));
	return RC_OK;
}

int api_allowances_list(struct req *r)
{
	int64_t unit = 0;
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit);
	if (!unit)
		ctx_field(&r->ctx, "unit_id", "请指定乡镇或区县");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct grid_allowance *list;
	int n;
	int rc = grid_allowances(&r->ctx, unit, req_query(r, "month"), &list, &n);
	if (rc)
		return rc;
	r->out = json_pack("{s:o}", "items", allowances_json(list, n));
	return RC_OK;
}

int api_allowances_mine(struct req *r)
{
	struct grid_allowance *list;
	int n;
	int rc = grid_allowances_mine(&r->ctx, &list, &n);
	if (rc)
		return rc;
	r->out = json_pack("{s:o}", "items", allowances_json(list, n));
	return RC_OK;
}

int api_allowance_get(struct req *r)
{
	int64_t id;
	struct grid_allowance a;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = grid_allowance_get(&r->ctx, id, &a)))
		return rc;
	r->out = allowance_json(&a);
	return RC_OK;
}

int api_allowance_approve(struct req *r)
{
	static const struct jfield spec[] = {{0}};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct grid_allowance a;
	if ((rc = grid_allowance_approve(&r->ctx, id)) || (rc = grid_allowance_get(&r->ctx, id, &a)))
		return rc;
	r->out = allowance_json(&a);
	return RC_OK;
}

int api_allowances_export(struct req *r)
{
	int64_t unit = 0;
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit);
	if (!unit)
		ctx_field(&r->ctx, "unit_id", "请指定乡镇或区县");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct export_file f = {0};
	return req_reply_export(r, grid_allowance_xlsx(&r->ctx, unit, req_query(r, "month"), &f), &f);
}

/* ---- places ---- */

static int64_t e6(double v)
{
	return (int64_t)(v * 1e6 + (v >= 0 ? 0.5 : -0.5));
}

static json_t *place_json(const struct grid_place *p)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:f, s:f, s:o}", "id", (json_int_t)p->id, "village_id",
			 (json_int_t)p->village_id, "kind", p->kind, "name", p->name, "note", p->note, "lat",
			 (double)p->lat_e6 / 1e6, "lng", (double)p->lng_e6 / 1e6, "video_url",
			 p->video_url ? json_string(p->video_url) : json_null());
}

int api_village_places(struct req *r)
{
	int64_t id;
	struct grid_place *list;
	int n;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = grid_places(&r->ctx, id, &list, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, place_json(&list[i]));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_place_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX}, {"kind", J_STRING, true, 1, 10},
		{"name", J_STRING, true, 0, 1000},      {"note", J_STRING, false, 0, 1000},
		{"lat", J_NUMBER, true, -90, 90},       {"lng", J_NUMBER, true, -180, 180},
		{"video_url", J_STRING, false, 0, 2000}, {0},
	};
	/* the body's errors and the domain's together, when the village is known */
	if (req_check_body(r, spec) && !req_int(r, "village_id", 0))
		return RC_INVALID;
	struct grid_place in = {
		.village_id = req_int(r, "village_id", 0), .kind = req_str(r, "kind"), .name = req_str(r, "name"),
		.note = req_str(r, "note"), .lat_e6 = e6(req_number(r, "lat", 0)), .lng_e6 = e6(req_number(r, "lng", 0)),
		.video_url = req_str(r, "video_url"),
	};
	int64_t id;
	int rc = grid_place_create(&r->ctx, &in, &id);
	if (rc)
		return rc;
	r->status = 201;
	r->out = json_pack("{s:I}", "id", (json_int_t)id);
	return RC_OK;
}

int api_place_delete(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = grid_place_remove(&r->ctx, id)))
		return rc;
	r->out = json_pack("{s:I, s:b}", "id", (json_int_t)id, "removed", 1);
	return RC_OK;
}
