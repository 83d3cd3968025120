/* GET /api/v1/dashboards/{unit_id}: the figures of one unit and of each child unit, by
 * section, with the rates worked out from them and, for every figure, the console page
 * that lists its records. */
#include <math.h>

#include "domain/dashboards/dashboard.h"
#include "domain/kernel/xlsx.h"
#include "http/dashboards/dashboards.h"

static json_t *ratio(int64_t part, int64_t whole)
{
	return whole > 0 ? json_real(round((double)part * 10000.0 / (double)whole) / 10000.0) : json_null();
}

struct rate_def {
	int section;
	const char *name, *part, *whole;
};
static const struct rate_def rates[] = {
	{DASH_REGISTER, "share", "registered", "households"},
	{DASH_POINTS, "participation", "participating", "households"},
	{DASH_EVENTS, "closure_rate", "closed", "received"},
	{DASH_EVENTS, "fix_rate", "resolved", "closed"},
	{DASH_EVENTS, "on_time_rate", "on_time", "closed"},
	{DASH_EVENTS, "satisfaction", "satisfied", "rated"},
	{DASH_GRID, "compliance", "compliant_days", "worker_days"},
	{DASH_LISTS, "on_time_rate", "on_time", "closed"},
	{DASH_PARTY, "compliance", "on_time", "required"},
};

static int64_t figure(const struct dash_unit *u, int s, const char *name)
{
	for (int i = 0; dash_sections[s].figures[i]; i++)
		if (!strcmp(dash_sections[s].figures[i], name))
			return u->v[s][i];
	return 0;
}

/* The console page listing a figure's records: a route name and its query. */
struct link_def {
	int section;
	const char *figure;        /* NULL: every figure of the section */
	const char *route;
	const char *extra;         /* a query field set to 1, or NULL */
	bool village_only;         /* the page works on one village */
};
static const struct link_def links[] = {
	{DASH_REGISTER, NULL, "households", NULL, false},
	{DASH_POINTS, NULL, "ledger", NULL, true},
	{DASH_SHOP, "low_stock", "shop-goods", "low", true},
	{DASH_SHOP, NULL, "shop-reports", NULL, true},
	{DASH_EVENTS, "overdue_now", "events-board", NULL, false},
	{DASH_EVENTS, NULL, "events-stats", NULL, false},
	{DASH_GRID, "visits_overdue", "grid-patrols", "overdue", false},
	{DASH_GRID, NULL, "grid-patrols", NULL, false},
	{DASH_LISTS, "overdue_now", "list-board", NULL, false},
	{DASH_LISTS, NULL, "list-stats", NULL, false},
	{DASH_DISCLOSURE, NULL, "disclosure-board", NULL, false},
	{DASH_PARTY, NULL, "party-compliance", NULL, false},
	{DASH_EVAL, NULL, "evaluations", NULL, true},
};

/* The link of a figure (fig) or the section's own (fig NULL: the row without a figure);
 * NULL when there is none (a village's page asked of a town). */
static json_t *link_of(const struct dash_unit *u, int s, const char *fig, const char *period)
{
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		const struct link_def *l = &links[i];
		if (l->section != s || (fig ? !l->figure || strcmp(l->figure, fig) : l->figure != NULL))
			continue;
		if (l->village_only && strcmp(u->kind, "village"))
			return NULL;
		json_t *q = json_pack("{s:I, s:s}", "unit_id", (json_int_t)u->id, "period", period);
		if (l->extra)
			json_object_set_new(q, l->extra, json_integer(1));
		return json_pack("{s:s, s:o}", "route", l->route, "query", q);
	}
	return NULL;
}

static json_t *sections_json(const struct dash_unit *u, const char *period, bool with_links)
{
	json_t *o = json_object();
	for (int s = 0; s < DASH_NSECTIONS; s++) {
		if (!u->present[s])
			continue;
		json_t *f = json_object(), *l = json_object();
		for (int i = 0; dash_sections[s].figures[i]; i++) {
			json_object_set_new(f, dash_sections[s].figures[i], json_integer(u->v[s][i]));
			json_t *own = with_links ? link_of(u, s, dash_sections[s].figures[i], period) : NULL;
			if (own)
				json_object_set_new(l, dash_sections[s].figures[i], own);
		}
		for (size_t k = 0; k < ARRAY_SIZE(rates); k++)
			if (rates[k].section == s)
				json_object_set_new(f, rates[k].name,
						    ratio(figure(u, s, rates[k].part), figure(u, s, rates[k].whole)));
		json_t *sec = json_pack("{s:o}", "figures", f);
		if (with_links) {
			json_t *def = link_of(u, s, NULL, period);
			json_object_set_new(sec, "link", def ? def : json_null());
			json_object_set_new(sec, "links", l);
		} else {
			json_decref(l);
		}
		json_object_set_new(o, dash_sections[s].name, sec);
	}
	return o;
}

static json_t *unit_json(const struct dash_unit *u, const char *period, bool with_links)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:o}", "id", (json_int_t)u->id, "parent_id", (json_int_t)u->parent_id,
			 "kind", u->kind, "name", u->name, "sections", sections_json(u, period, with_links));
}

json_t *dashboard_json(const struct dashboard *d)
{
	json_t *children = json_array();
	for (int i = 0; i < d->nchildren; i++)
		json_array_append_new(children, unit_json(&d->children[i], d->period.text, true));
	/* which figures add up over the children */
	json_t *additive = json_object();
	for (int s = 0; s < DASH_NSECTIONS; s++) {
		json_t *a = json_array();
		for (int i = 0; dash_sections[s].figures[i]; i++)
			if (!strstr(dash_sections[s].not_additive, dash_sections[s].figures[i]))
				json_array_append_new(a, json_string(dash_sections[s].figures[i]));
		json_object_set_new(additive, dash_sections[s].name, a);
	}
	return json_pack("{s:o, s:s, s:s, s:o, s:o, s:s?, s:s?, s:o, s:o}", "unit", unit_json(&d->unit, d->period.text, true),
			 "period", d->period.text, "period_label", d->period.label, "period_start",
			 json_time(d->period.start), "period_end", json_time(d->period.end), "grid_from",
			 d->grid_from[0] ? d->grid_from : NULL, "grid_to", d->grid_to[0] ? d->grid_to : NULL,
			 "children", children, "additive", additive);
}

int api_dashboard_get(struct req *r)
{
	int64_t unit;
	if (req_path_id(r, "unit_id", &unit))
		return RC_NOT_FOUND;
	struct dashboard d;
	int rc = dashboard_get(&r->ctx, unit, req_query(r, "period"), &d);
	if (rc)
		return rc;
	r->out = dashboard_json(&d);
	return RC_OK;
}

int api_dashboard_xlsx(struct req *r)
{
	int64_t unit;
	if (req_path_id(r, "unit_id", &unit))
		return RC_NOT_FOUND;
	struct export_file f;
	return req_reply_export(r, dashboard_xlsx(&r->ctx, unit, req_query(r, "period"), &f), &f);
}

json_t *dashboard_series_json(struct req *r, const struct dash_series *d)
{
	static const char *const ev_names[DASH_SERIES_EVENTS] = {"received", "closed", "resolved", "on_time"};
	static const char *const pt_names[DASH_SERIES_POINTS] = {"issued", "spent", "participating"};
	json_t *months = json_array(), *series = json_object();
	for (int i = 0; i < DASH_SERIES_MONTHS; i++)
		json_array_append_new(months, json_string(d->months[i]));
	for (int k = 0; d->events && k < DASH_SERIES_EVENTS; k++) {
		json_t *a = json_array(), *b = json_array();
		for (int i = 0; i < DASH_SERIES_MONTHS; i++) {
			json_array_append_new(a, json_integer(d->ev[0][i][k]));
			json_array_append_new(b, json_integer(d->ev[1][i][k]));
		}
		json_object_set_new(series, arena_printf(r->ctx.arena, "events.%s", ev_names[k]),
				    json_pack("{s:o, s:o}", "months", a, "last_year", b));
	}
	for (int k = 0; d->points && k < DASH_SERIES_POINTS; k++) {
		json_t *a = json_array(), *b = json_array();
		for (int i = 0; i < DASH_SERIES_MONTHS; i++) {
			json_array_append_new(a, json_integer(d->pt[0][i][k]));
			json_array_append_new(b, json_integer(d->pt[1][i][k]));
		}
		json_object_set_new(series, arena_printf(r->ctx.arena, "points.%s", pt_names[k]),
				    json_pack("{s:o, s:o}", "months", a, "last_year", b));
	}
	return json_pack("{s:I, s:o, s:o}", "unit_id", (json_int_t)d->unit_id, "months", months, "series", series);
}

int api_dashboard_series(struct req *r)
{
	int64_t unit;
	if (req_path_id(r, "unit_id", &unit))
		return RC_NOT_FOUND;
	struct dash_series *d = arena_alloc(r->ctx.arena, sizeof(*d));
	if (!d)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	int rc = dashboard_series(&r->ctx, unit, req_query(r, "period"), d);
	if (rc)
		return rc;
	r->out = dashboard_series_json(r, d);
	return RC_OK;
}
