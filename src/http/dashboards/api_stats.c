/* Statistics for the dashboards: the points and register sections (county → town →
 * village), as JSON. */
#include <math.h>

#include "domain/dashboards/stats.h"
#include "http/dashboards/dashboards.h"

static json_t *rate(int64_t part, int64_t whole)
{
	return json_real(whole > 0 ? round((double)part * 10000.0 / (double)whole) / 10000.0 : 0.0);
}

int api_stats_points(struct req *r)
{
	int64_t unit;
	req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit); /* reported with the domain's errors */
	struct stats_points s;
	int rc = stats_points(&r->ctx, unit, req_query(r, "period"), &s);
	if (rc)
		return rc;
	json_t *cats = json_array();
	for (int i = 0; i < s.ncategories; i++) {
		const struct stats_points_category *k = &s.categories[i];
		json_array_append_new(cats, json_pack("{s:s, s:I, s:I, s:I, s:I}", "category", k->category, "issued",
						      (json_int_t)k->issued, "deducted", (json_int_t)k->deducted,
						      "credited", (json_int_t)k->credited, "credited_points",
						      (json_int_t)k->credited_points));
	}
	json_t *units = json_array();
	for (int i = 0; i < s.nunits; i++) {
		const struct stats_points_unit *u = &s.units[i];
		json_array_append_new(units, json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:o}", "id", (json_int_t)u->id,
						       "parent_id", (json_int_t)u->parent_id, "kind", u->kind, "name",
						       u->name, "households", (json_int_t)u->households,
						       "participating", (json_int_t)u->participating, "participation",
						       rate(u->participating, u->households)));
	}
	r->out = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "unit_id",
			   (json_int_t)s.unit_id, "unit_kind", s.unit_kind, "unit_name", s.unit_name, "period",
			   s.period.text, "period_label", s.period.label, "period_start", json_time(s.period.start),
			   "period_end", json_time(s.period.end), "issued", (json_int_t)s.issued, "deducted",
			   (json_int_t)s.deducted, "credited", (json_int_t)s.credited, "credited_points",
			   (json_int_t)s.credited_points, "spent", (json_int_t)s.spent, "corrections",
			   (json_int_t)s.corrections, "corrected_points", (json_int_t)s.corrected_points);
	json_object_set_new(r->out, "households", json_integer(s.households));
	json_object_set_new(r->out, "participating", json_integer(s.participating));
	json_object_set_new(r->out, "participation", rate(s.participating, s.households));
	json_object_set_new(r->out, "categories", cats);
	json_object_set_new(r->out, "units", units);
	return RC_OK;
}

int api_stats_register(struct req *r)
{
	int64_t unit;
	if (req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit))
		return RC_INVALID;
	struct stats_register s;
	int rc = stats_register(&r->ctx, unit, &s);
	if (rc)
		return rc;
	json_t *units = json_array();
	for (int i = 0; i < s.nunits; i++) {
		const struct stats_register_unit *u = &s.units[i];
		json_array_append_new(units, json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:o}", "id", (json_int_t)u->id,
						       "parent_id", (json_int_t)u->parent_id, "kind", u->kind, "name",
						       u->name, "households", (json_int_t)u->households, "registered",
						       (json_int_t)u->registered, "accounts", (json_int_t)u->accounts,
						       "share", rate(u->registered, u->households)));
	}
	r->out = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:o, s:o}", "unit_id", (json_int_t)s.unit_id, "unit_kind",
			   s.unit_kind, "unit_name", s.unit_name, "households", (json_int_t)s.households, "registered",
			   (json_int_t)s.registered, "accounts", (json_int_t)s.accounts, "share",
			   rate(s.registered, s.households), "units", units);
	return RC_OK;
}
