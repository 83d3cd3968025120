/* The dashboards' time series (see dashboard.h): a unit's figures by month over a year
 * with the year before, and by week; the points and the events from their daily
 * aggregates, the days not yet stored from the records. */
#include "domain/dashboards/internal.h"
#include "domain/dashboards/daily.h"
#include "domain/dashboards/participation.h"
#include "domain/dashboards/stats.h"
#include "domain/events/events.h"
#include "domain/kernel/org.h"
#include "util/timeutil.h"
#include "util/workdays.h"

/* The points figures of a series, by bucket: buckets are the days [bounds[i],
 * bounds[i + 1]) (Asia/Shanghai days), nb of them. Points issued and spent are summed
 * from the daily aggregates (the same sums as stats_points); participating households
 * from the stored months and weeks (participation.h), the buckets not stored counted per
 * village and bucket from the ledger, in one query when the buckets are of one length
 * (weeks), else one per bucket. */
struct pt_acc {
	const int64_t *bounds;
	int nb;
	int64_t (*pt)[DASH_SERIES_POINTS];
};

static int pt_add(struct ctx *c, const struct daily_row *r, void *arg)
{
	(void)c;
	struct pt_acc *a = arg;
	int i = 0;
	while (i < a->nb && r->day >= a->bounds[i + 1])
		i++;
	if (i >= a->nb || r->day < a->bounds[0])
		return RC_OK;
	if (!strcmp(r->source, "claim") || !strcmp(r->source, "award") || !strcmp(r->source, "activity"))
		a->pt[i][0] += r->pos;
	else if (!strcmp(r->source, "redemption") || !strcmp(r->source, "return"))
		a->pt[i][1] -= r->spendable;
	return RC_OK;
}

#define EARNING_IN_UNIT                                                                                        \
	"FROM ledger l WHERE l.village_id IN (SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village') "      \
	"AND l.at >= ? AND l.at < ? AND l.source IN ('claim', 'award', 'activity')"

static int sum_taking_part(struct ctx *c, int64_t village_id, int64_t households, void *arg)
{
	(void)c;
	(void)village_id;
	*(int64_t *)arg += households;
	return RC_OK;
}

static int points_buckets(struct ctx *c, const char *path, const int64_t *bounds, int nb,
			  int64_t (*pt)[DASH_SERIES_POINTS])
{
	const char *like = arena_printf(c->arena, "%s%%", path);
	if (!like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct pt_acc a = {bounds, nb, pt};
	TRY(daily_points(c, like, time_cn_midnight(bounds[0]), time_cn_midnight(bounds[nb]), false, pt_add, &a));
	/* participating households: the stored months or weeks, the rest from the ledger */
	bool *done = arena_alloc(c->arena, sizeof(*done) * (size_t)nb);
	int64_t *stored = arena_alloc(c->arena, sizeof(*stored) * (size_t)nb);
	if (!done || !stored)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	TRY(participation_stored(c, like, bounds, nb, done, stored));
	int first = 0;   /* the first bucket not stored: usually only the last ones are not */
	for (int i = 0; i < nb; i++)
		if (done[i])
			pt[i][2] = stored[i];
	while (first < nb && done[first])
		first++;
	if (first == nb)
		return RC_OK;
	int64_t len = bounds[1] - bounds[0];
	bool even = true;
	for (int i = 0; i < nb; i++)
		even = even && bounds[i + 1] - bounds[i] == len;
	if (!even) {
		/* months: the households kept for the month as the ledger is written, when they are */
		for (int i = first; i < nb; i++) {
			bool have = false;
			if (!done[i])
				TRY(participation_month(c, like, bounds[i], &have, sum_taking_part, &pt[i][2]));
			done[i] = done[i] || have;
		}
		for (int i = first; i < nb; i++)
			if (!done[i] && db_get_int(c->db, &pt[i][2],
						   "SELECT count(*) FROM (SELECT DISTINCT l.village_id, l.household_id "
						   EARNING_IN_UNIT ") x",
						   "tii", like, time_cn_midnight(bounds[i]), time_cn_midnight(bounds[i + 1])) != DB_OK)
				return ctx_db_fail(c, DB_ERROR, "统计参与户数");
		return RC_OK;
	}
	int64_t from = time_cn_midnight(bounds[first]);
	struct db_stmt *st = db_query(c->db,
				      "SELECT x.b, count(*) FROM (SELECT DISTINCT (l.at - ?) / ? AS b, l.village_id, "
				      "l.household_id " EARNING_IN_UNIT ") x GROUP BY x.b",
				      "iitii", from, len * 86400, like, from, time_cn_midnight(bounds[nb]));
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计参与户数");
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		int64_t b = first + db_col_int(st, 0);
		if (b >= first && b < nb && !done[b])
			pt[b][2] = db_col_int(st, 1);
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "统计参与户数");
}

/* The events figures of a series by bucket (month or week of the day received):
 * received, closed, resolved and on time, from the daily aggregates for the days stored
 * and from events_stats for the stretches between them (today, days a change unmarked),
 * so each bucket equals events_stats over it. */
struct ev_acc {
	int series;                  /* EVENTS_SERIES_WEEK or _MONTH */
	int n;
	const int64_t *keys;         /* the buckets' keys, as events_stats_bucket gives them */
	int64_t **dst;               /* their four figures */
};

static void ev_add(struct ev_acc *a, int64_t key, const int64_t v[4])
{
	for (int i = 0; i < a->n; i++)
		if (a->keys[i] == key)
			for (int k = 0; k < DASH_SERIES_EVENTS; k++)
				a->dst[i][k] += v[k];
}

static int ev_stored(struct ctx *c, int64_t day, const int64_t v[6], void *arg)
{
	(void)c;
	struct ev_acc *a = arg;
	ev_add(a, events_stats_bucket(a->series, time_cn_midnight(day)), v);
	return RC_OK;
}

static int ev_live(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, struct ev_acc *a)
{
	if (from >= to)
		return RC_OK;
	struct event_stats_row *rows, total;
	int n;
	struct event_stats_query q = {.unit_id = unit_id, .from = from, .to = to,
				      .group_by = a->series == EVENTS_SERIES_WEEK ? "week" : "month"};
	TRY(events_stats(c, &q, &rows, &n, &total));
	for (int r = 0; r < n; r++) {
		int64_t v[4] = {rows[r].received, rows[r].closed, rows[r].resolved, rows[r].on_time};
		ev_add(a, rows[r].key, v);
	}
	return RC_OK;
}

/* over the days received [from, to) (midnights, Asia/Shanghai) */
static int events_buckets(struct ctx *c, const struct org_unit *u, int64_t from, int64_t to, struct ev_acc *a)
{
	int64_t d0 = time_cn_days(from), d1 = time_cn_days(to);
	if (d1 <= d0 || d1 - d0 > 800)
		return ev_live(c, u->id, from, to, a);
	bool *stored = arena_alloc(c->arena, (size_t)(d1 - d0));
	const char *like = arena_printf(c->arena, "%s%%", u->path);
	if (!stored || !like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	TRY(daily_events(c, like, d0, d1, stored, ev_stored, a));
	int64_t cur = from;
	for (int64_t d = d0; d < d1; d++) {
		if (!stored[d - d0])
			continue;
		TRY(ev_live(c, u->id, cur, time_cn_midnight(d), a));
		cur = time_cn_midnight(d + 1);
	}
	return ev_live(c, u->id, cur, to, a);
}

static int month_start(int y, int m, int64_t *t)
{
	while (m < 1) {
		m += 12;
		y--;
	}
	while (m > 12) {
		m -= 12;
		y++;
	}
	*t = time_cn_midnight(time_days_from_civil(y, m, 1));
	return y * 100 + m;
}

/* The unit and period of a series, with the dashboard's checks. */
static int series_unit(struct ctx *c, int64_t unit_id, const char *period, struct org_unit *u, struct ranking_period *p)
{
	if (unit_id <= 0)
		ctx_field(c, "unit_id", "必填：区县、乡镇、村或网格的编号");
	if (period && period[0]) {
		rankings_check_period(c, period, p);
	} else {
		struct civil cv;
		time_to_cn(c->now, &cv);
		char text[8];
		snprintf(text, sizeof(text), "%04d-%02d", cv.year, cv.month);
		rankings_check_period(c, text, p);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = org_find(c, unit_id, u);
	if (rc == RC_NOT_FOUND || (!rc && !access_touches(c, u->path)))
		return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
	if (rc)
		return rc;
	if (strcmp(u->kind, "county") && strcmp(u->kind, "town") && strcmp(u->kind, "village"))
		return ctx_field(c, "unit_id", "走势按区县、乡镇或村查看，请选择其中之一");
	if (!dash_any_section(c, u->path))
		return ctx_fail(c, access_refusal(c, u->path), "无权查看%s的看板", u->name);
	return RC_OK;
}

enum result dashboard_series(struct ctx *c, int64_t unit_id, const char *period, struct dash_series *out)
{
	memset(out, 0, sizeof(*out));
	struct ranking_period p;
	struct org_unit u;
	TRY(series_unit(c, unit_id, period, &u, &p));
	out->unit_id = u.id;
	/* the last month of the period, and the eleven before it */
	struct civil last;
	time_to_cn(p.end - 1, &last);
	int64_t t1, ty0;
	month_start(last.year, last.month + 1, &t1);
	month_start(last.year - 1, last.month - (DASH_SERIES_MONTHS - 1), &ty0);
	int keys[DASH_SERIES_MONTHS];
	for (int i = 0; i < DASH_SERIES_MONTHS; i++) {
		int64_t t;
		keys[i] = month_start(last.year, last.month - (DASH_SERIES_MONTHS - 1) + i, &t);
		snprintf(out->months[i], sizeof(out->months[i]), "%04d-%02d", keys[i] / 100, keys[i] % 100);
	}
	out->events = access_can(c, EVENT_READERS, u.path);
	if (out->events) {
		int64_t bkeys[2 * DASH_SERIES_MONTHS], *dst[2 * DASH_SERIES_MONTHS];
		for (int y = 0; y < 2; y++)
			for (int i = 0; i < DASH_SERIES_MONTHS; i++) {
				bkeys[y * DASH_SERIES_MONTHS + i] = keys[i] - y * 100;
				dst[y * DASH_SERIES_MONTHS + i] = out->ev[y][i];
			}
		struct ev_acc a = {EVENTS_SERIES_MONTH, 2 * DASH_SERIES_MONTHS, bkeys, dst};
		TRY(events_buckets(c, &u, ty0, t1, &a));
	}
	out->points = access_can(c, dash_section_perms[DASH_POINTS], u.path);
	if (out->points) {
		/* the 24 months from a year before the first to the last, oldest first */
		int64_t bounds[2 * DASH_SERIES_MONTHS + 1], pt[2 * DASH_SERIES_MONTHS][DASH_SERIES_POINTS];
		memset(pt, 0, sizeof(pt));
		for (int i = 0; i <= 2 * DASH_SERIES_MONTHS; i++) {
			int64_t t;
			month_start(last.year - 1, last.month - (DASH_SERIES_MONTHS - 1) + i, &t);
			bounds[i] = time_cn_days(t);
		}
		TRY(points_buckets(c, u.path, bounds, 2 * DASH_SERIES_MONTHS, pt));
		for (int y = 0; y < 2; y++)
			for (int i = 0; i < DASH_SERIES_MONTHS; i++)
				memcpy(out->pt[y][i], pt[(1 - y) * DASH_SERIES_MONTHS + i], sizeof(out->pt[y][i]));
	}
	return RC_OK;
}

enum result dashboard_series_weeks(struct ctx *c, int64_t unit_id, const char *period, struct dash_wseries *out)
{
	memset(out, 0, sizeof(*out));
	struct ranking_period p;
	struct org_unit u;
	TRY(series_unit(c, unit_id, period, &u, &p));
	out->unit_id = u.id;
	/* the Monday of the last week: of the period's last day, or of today when sooner */
	int64_t lastday = time_cn_days(p.end - 1), today = time_cn_days(c->now);
	if (lastday > today)
		lastday = today;
	int64_t monday = lastday - workdays_weekday(lastday);
	int64_t first = monday - 7 * (DASH_SERIES_WEEKS - 1);
	for (int i = 0; i < DASH_SERIES_WEEKS; i++)
		time_format_date(time_cn_midnight(first + 7 * i), out->weeks[i]);
	out->events = access_can(c, EVENT_READERS, u.path);
	if (out->events) {
		int64_t from = time_cn_midnight(first - 7 * DASH_SERIES_WEEKS), to = time_cn_midnight(monday + 7);
		int64_t bkeys[2 * DASH_SERIES_WEEKS], *dst[2 * DASH_SERIES_WEEKS];
		for (int y = 0; y < 2; y++)
			for (int i = 0; i < DASH_SERIES_WEEKS; i++) {
				bkeys[y * DASH_SERIES_WEEKS + i] = first - 7 * DASH_SERIES_WEEKS * y + 7 * i;
				dst[y * DASH_SERIES_WEEKS + i] = out->ev[y][i];
			}
		struct ev_acc a = {EVENTS_SERIES_WEEK, 2 * DASH_SERIES_WEEKS, bkeys, dst};
		TRY(events_buckets(c, &u, from, to, &a));
	}
	out->points = access_can(c, dash_section_perms[DASH_POINTS], u.path);
	if (out->points) {
		/* the 104 weeks from 52 weeks before the first to the last, oldest first */
		int64_t bounds[2 * DASH_SERIES_WEEKS + 1], pt[2 * DASH_SERIES_WEEKS][DASH_SERIES_POINTS];
		memset(pt, 0, sizeof(pt));
		for (int i = 0; i <= 2 * DASH_SERIES_WEEKS; i++)
			bounds[i] = first - 7 * DASH_SERIES_WEEKS + 7 * i;
		TRY(points_buckets(c, u.path, bounds, 2 * DASH_SERIES_WEEKS, pt));
		for (int y = 0; y < 2; y++)
			for (int i = 0; i < DASH_SERIES_WEEKS; i++)
				memcpy(out->pt[y][i], pt[(1 - y) * DASH_SERIES_WEEKS + i], sizeof(out->pt[y][i]));
	}
	return RC_OK;
}
