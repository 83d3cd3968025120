/* GET /api/v1/dashboards/{unit_id}: the figures of one unit and of each child unit, by
 * section, with the rates worked out from them and, for every figure, the console page
 * that lists its records. */
#include <math.h>

#include "domain/dashboards/dashboard.h"
#include "domain/kernel/xlsx.h"
#include "http/dashboards/dashboards.h"
#include "util/timeutil.h"

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

/* The console page listing a figure's records: a route name and its query (always the
 * unit, as unit_id), and where the list endpoint can count exactly the figure's records,
 * that endpoint (records: its path and query; its total, or its number of items when it
 * is not paged, equals the figure). */
struct link_def {
	int section;
	const char *figure;        /* NULL: every other figure of the section */
	const char *route;
	const char *extra;         /* more query fields, "a=1&b=x", or NULL */
	bool period;               /* from/to: the period's first and last day */
	bool village_only;         /* the page works on one village */
	const char *records;       /* the list endpoint counting the figure, or NULL */
	bool year;                 /* year: the period's year (a page by year) */
	bool grid_days;            /* from/to: the days patrol compliance covers */
};
static const struct link_def links[] = {
	{DASH_REGISTER, "households", "households", NULL, false, false, "/api/v1/households", false, false},
	{DASH_REGISTER, "registered", "households", "registered=1", false, false, "/api/v1/households", false, false},
	{DASH_REGISTER, NULL, "households", NULL, false, false, NULL, false, false},
	/* the village's ledger of the period: the entries the sums are taken over (the
	 * deductions' and the redemptions' own kind for theirs) */
	{DASH_POINTS, "deducted", "ledger", "source=deduction", true, true, NULL, false, false},
	{DASH_POINTS, "spent", "ledger", "source=redemption", true, true, NULL, false, false},
	{DASH_POINTS, "households", "households", NULL, false, false, "/api/v1/households", false, false},
	{DASH_POINTS, NULL, "ledger", NULL, true, true, NULL, false, false},
	{DASH_SHOP, "low_stock", "shop-goods", "low=1", false, false, NULL, false, false},
	{DASH_SHOP, NULL, "shop-reports", NULL, true, true, NULL, false, false},
	{DASH_EVENTS, "received", "events-board", "state=all", true, false, "/api/v1/events", false, false},
	{DASH_EVENTS, "closed", "events-board", "state=closed", true, false, "/api/v1/events", false, false},
	{DASH_EVENTS, "resolved", "events-board", "state=all&outcome=resolved", true, false, "/api/v1/events", false, false},
	{DASH_EVENTS, "on_time", "events-board", "state=all&on_time=1", true, false, "/api/v1/events", false, false},
	{DASH_EVENTS, "rated", "events-board", "state=all&rated=1", true, false, "/api/v1/events", false, false},
	{DASH_EVENTS, "satisfied", "events-board", "state=all&satisfied=1", true, false, "/api/v1/events", false, false},
	{DASH_EVENTS, "overdue_now", "events-board", "state=open&overdue=1", false, false, "/api/v1/events", false, false},
	{DASH_EVENTS, NULL, "events-stats", NULL, true, false, NULL, false, false},
	{DASH_GRID, "visits_overdue", "grid-patrols", "overdue=1", false, false, "/api/v1/visits/due", false, false},
	/* each worker and day of the days covered, or those that met the target */
	{DASH_GRID, "worker_days", "grid-patrols", NULL, false, false, "/api/v1/patrol-compliance", false, true},
	{DASH_GRID, "compliant_days", "grid-patrols", "compliant=1", false, false, "/api/v1/patrol-compliance", false,
	 true},
	{DASH_GRID, NULL, "grid-patrols", NULL, false, false, NULL, false, false},
	{DASH_LISTS, "started", "list-executions", NULL, true, false, "/api/v1/executions", false, false},
	{DASH_LISTS, "closed", "list-executions", "state=closed", true, false, "/api/v1/executions", false, false},
	{DASH_LISTS, "on_time", "list-executions", "on_time=1", true, false, "/api/v1/executions", false, false},
	{DASH_LISTS, "overdue_now", "list-board", NULL, false, false, "/api/v1/list-board", false, false},
	{DASH_LISTS, NULL, "list-stats", NULL, true, false, NULL, false, false},
	{DASH_DISCLOSURE, "open_questions", "disclosure-board", "status=open", false, false,
	 "/api/v1/disclosure-questions", false, false},
	{DASH_DISCLOSURE, NULL, "disclosure-board", NULL, false, false, NULL, false, false},
	{DASH_PARTY, NULL, "party-compliance", NULL, false, false, NULL, true, false},
	{DASH_EVAL, NULL, "evaluations", "status=running", false, false, "/api/v1/evaluations/campaigns", false, false},
};

/* The link of a figure (fig) or the section's own (fig NULL: the row without a figure);
 * NULL when there is none (a village's page asked of a town). */
static json_t *link_of(const struct dashboard *d, const struct dash_unit *u, int s, const char *fig)
{
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		const struct link_def *l = &links[i];
		if (l->section != s || (fig && l->figure && strcmp(l->figure, fig)) || (!fig && l->figure))
			continue;
		if (l->village_only && strcmp(u->kind, "village"))
			return NULL;
		json_t *q = json_pack("{s:I, s:s}", "unit_id", (json_int_t)u->id, "period", d->period.text);
		char from[11] = "", to[11] = "", query[256];
		if (l->period) {
			time_format_date(d->period.start, from);
			time_format_date(d->period.end - 1, to);
		} else if (l->grid_days) {
			snprintf(from, sizeof(from), "%s", d->grid_from);
			snprintf(to, sizeof(to), "%s", d->grid_to);
		}
		bool days = from[0] != 0;   /* none for patrols of a period not begun */
		if (days) {
			json_object_set_new(q, "from", json_string(from));
			json_object_set_new(q, "to", json_string(to));
		}
		if (l->year)
			json_object_set_new(q, "year", json_stringn(d->period.text, 4));
		/* the extra fields, into the query object and the records' query */
		int len = snprintf(query, sizeof(query), "unit_id=%lld", (long long)u->id);
		if (days)
			len += snprintf(query + len, sizeof(query) - (size_t)len, "&from=%s&to=%s", from, to);
		if (l->extra) {
			snprintf(query + len, sizeof(query) - (size_t)len, "&%s", l->extra);
			char field[64];
			for (const char *p = l->extra; *p;) {
				size_t k = strcspn(p, "&");
				if (k < sizeof(field)) {
					memcpy(field, p, k);
					field[k] = 0;
					char *eq = strchr(field, '=');
					if (eq) {
						*eq = 0;
						json_object_set_new(q, field, json_string(eq + 1));
					}
				}
				p += k;
				if (*p == '&')
					p++;
			}
		}
		json_t *o = json_pack("{s:s, s:o}", "route", l->route, "query", q);
		if (l->records && (days || !l->grid_days)) {
			char path[320];
			snprintf(path, sizeof(path), "%s?%s", l->records, query);
			json_object_set_new(o, "records", json_string(path));
		}
		return o;
	}
	return NULL;
}

static json_t *sections_json(const struct dashboard *d, const struct dash_unit *u, bool with_links)
{
	json_t *o = json_object();
	for (int s = 0; s < DASH_NSECTIONS; s++) {
		if (!u->present[s])
			continue;
		json_t *f = json_object(), *l = json_object();
		for (int i = 0; dash_sections[s].figures[i]; i++) {
			json_object_set_new(f, dash_sections[s].figures[i], json_integer(u->v[s][i]));
			json_t *own = with_links ? link_of(d, u, s, dash_sections[s].figures[i]) : NULL;
			if (own)
				json_object_set_new(l, dash_sections[s].figures[i], own);
		}
		for (size_t k = 0; k < ARRAY_SIZE(rates); k++)
			if (rates[k].section == s)
				json_object_set_new(f, rates[k].name,
						    ratio(figure(u, s, rates[k].part), figure(u, s, rates[k].whole)));
		json_t *sec = json_pack("{s:o}", "figures", f);
		if (with_links) {
			json_t *def = link_of(d, u, s, NULL);
			json_object_set_new(sec, "link", def ? def : json_null());
			json_object_set_new(sec, "links", l);
		} else {
			json_decref(l);
		}
		json_object_set_new(o, dash_sections[s].name, sec);
	}
	return o;
}

static json_t *unit_json(const struct dashboard *d, const struct dash_unit *u, bool with_links)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:o}", "id", (json_int_t)u->id, "parent_id", (json_int_t)u->parent_id,
			 "kind", u->kind, "name", u->name, "sections", sections_json(d, u, with_links));
}

json_t *dashboard_json(const struct dashboard *d)
{
	json_t *children = json_array();
	for (int i = 0; i < d->nchildren; i++)
		json_array_append_new(children, unit_json(d, &d->children[i], true));
	/* which figures add up over the children */
	json_t *additive = json_object();
	for (int s = 0; s < DASH_NSECTIONS; s++) {
		json_t *a = json_array();
		for (int i = 0; dash_sections[s].figures[i]; i++)
			if (!strstr(dash_sections[s].not_additive, dash_sections[s].figures[i]))
				json_array_append_new(a, json_string(dash_sections[s].figures[i]));
		json_object_set_new(additive, dash_sections[s].name, a);
	}
	return json_pack("{s:o, s:s, s:s, s:o, s:o, s:s?, s:s?, s:o, s:o}", "unit", unit_json(d, &d->unit, true),
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

/* A series' JSON: the labels (months or Mondays) and, by figure, this year's values
 * and the same periods a year before. ev/pt point at [2][n][k] arrays. */
static json_t *series_json(struct req *r, int64_t unit_id, const char *by, const char *labels_key, char (*labels)[11],
			   size_t label_size, int n, bool events, const int64_t *ev, bool points, const int64_t *pt)
{
	static const char *const ev_names[DASH_SERIES_EVENTS] = {"received", "closed", "resolved", "on_time"};
	static const char *const pt_names[DASH_SERIES_POINTS] = {"issued", "spent", "participating"};
	json_t *lab = json_array(), *series = json_object();
	for (int i = 0; i < n; i++)
		json_array_append_new(lab, json_string((const char *)labels + (size_t)i * label_size));
	for (int k = 0; events && k < DASH_SERIES_EVENTS; k++) {
		json_t *a = json_array(), *b = json_array();
		for (int i = 0; i < n; i++) {
			json_array_append_new(a, json_integer(ev[((size_t)0 * n + i) * DASH_SERIES_EVENTS + k]));
			json_array_append_new(b, json_integer(ev[((size_t)1 * n + i) * DASH_SERIES_EVENTS + k]));
		}
		json_object_set_new(series, arena_printf(r->ctx.arena, "events.%s", ev_names[k]),
				    json_pack("{s:o, s:o}", "months", a, "last_year", b));
	}
	for (int k = 0; points && k < DASH_SERIES_POINTS; k++) {
		json_t *a = json_array(), *b = json_array();
		for (int i = 0; i < n; i++) {
			json_array_append_new(a, json_integer(pt[((size_t)0 * n + i) * DASH_SERIES_POINTS + k]));
			json_array_append_new(b, json_integer(pt[((size_t)1 * n + i) * DASH_SERIES_POINTS + k]));
		}
		json_object_set_new(series, arena_printf(r->ctx.arena, "points.%s", pt_names[k]),
				    json_pack("{s:o, s:o}", "months", a, "last_year", b));
	}
	return json_pack("{s:I, s:s, s:o, s:O, s:o}", "unit_id", (json_int_t)unit_id, "by", by, labels_key, lab, "labels",
			 lab, "series", series);
}

int api_dashboard_report_xlsx(struct req *r)
{
	int64_t unit;
	if (req_path_id(r, "unit_id", &unit))
		return RC_NOT_FOUND;
	struct export_file f;
	return req_reply_export(r, dashboard_report_xlsx(&r->ctx, unit, req_query(r, "period"), &f), &f);
}

json_t *dashboard_series_json(struct req *r, const struct dash_series *d)
{
	/* the months' labels as 11-byte strings, so that both series share one writer */
	char (*labels)[11] = arena_alloc(r->ctx.arena, sizeof(char[11]) * DASH_SERIES_MONTHS);
	if (!labels)
		return NULL;
	for (int i = 0; i < DASH_SERIES_MONTHS; i++)
		snprintf(labels[i], sizeof(labels[i]), "%s", d->months[i]);
	return series_json(r, d->unit_id, "month", "months", labels, 11, DASH_SERIES_MONTHS, d->events, &d->ev[0][0][0],
			   d->points, &d->pt[0][0][0]);
}

int api_dashboard_series(struct req *r)
{
	int64_t unit;
	if (req_path_id(r, "unit_id", &unit))
		return RC_NOT_FOUND;
	const char *by = req_query(r, "by");
	if (by && by[0] && strcmp(by, "month") && strcmp(by, "week"))
		return ctx_field(&r->ctx, "by", "应为 month（按月）或 week（按周）");
	int rc;
	if (by && !strcmp(by, "week")) {
		struct dash_wseries *w = arena_alloc(r->ctx.arena, sizeof(*w));
		if (!w)
			return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
		if ((rc = dashboard_series_weeks(&r->ctx, unit, req_query(r, "period"), w)))
			return rc;
		r->out = series_json(r, w->unit_id, "week", "weeks", w->weeks, sizeof(w->weeks[0]), DASH_SERIES_WEEKS, w->events,
				     &w->ev[0][0][0], w->points, &w->pt[0][0][0]);
	} else {
		struct dash_series *d = arena_alloc(r->ctx.arena, sizeof(*d));
		if (!d)
			return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
		if ((rc = dashboard_series(&r->ctx, unit, req_query(r, "period"), d)))
			return rc;
		r->out = dashboard_series_json(r, d);
	}
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}
