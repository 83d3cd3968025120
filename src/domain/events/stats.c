/* Events statistics: counts over the events received in a period, grouped by village,
 * town, department, category or channel, over exactly the events the list shows for
 * the same filters. */
#include "domain/events/internal.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/workdays.h"

struct group_key {
	const char *name, *key, *label;
};

static const struct group_key groups[] = {
	{"village", "e.village_id", "v.name"},
	{"town", "COALESCE(v.parent_id, 0)", "COALESCE(t.name, '')"},
	{"department", "COALESCE(e.department_id, 0)", "COALESCE(d.name, '')"},
	{"category", "e.category_id", "k.name"},
	{"channel", "e.channel_id", "ch.name"},
};

#define ST_FROM                                                                                             \
	"FROM events e JOIN org_units v ON v.id = e.village_id LEFT JOIN org_units t ON t.id = v.parent_id "   \
	"JOIN event_categories k ON k.id = e.category_id JOIN event_channels ch ON ch.id = e.channel_id "     \
	"LEFT JOIN org_units d ON d.id = e.department_id "
#define CLOSED EV_CLOSED_SQL
#define OPEN EV_OPEN_SQL

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int64_t median(int64_t *v, int n)
{
	if (n == 0)
		return -1;
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int64_t events_stats_bucket(int series, int64_t t)
{
	if (series == EVENTS_SERIES_WEEK) {
		int64_t day = time_cn_days(t);
		return day - workdays_weekday(day);
	}
	struct civil cv;
	time_to_cn(t, &cv);
	return (int64_t)cv.year * 100 + cv.month;
}

const char *events_stats_bucket_name(struct ctx *c, int series, int64_t key)
{
	if (series == EVENTS_SERIES_WEEK) {
		char day[11];
		time_format_date(time_cn_midnight(key), day);
		return arena_strdup(c->arena, day);
	}
	return arena_printf(c->arena, "%04lld-%02lld", (long long)(key / 100), (long long)(key % 100));
}

int64_t events_stats_month_start(int64_t key)
{
	return time_cn_midnight(time_days_from_civil((int)(key / 100), (int)(key % 100), 1));
}

int64_t events_stats_month_add(int64_t key, int months)
{
	int64_t m = (key / 100) * 12 + (key % 100) - 1 + months;
	return (m / 12) * 100 + m % 12 + 1;
}

/* By week or month: every event of the filter read once, counted in C. */
/* Adds a row's counts to the total. */
static void add_to_total(struct event_stats_row *total, const struct event_stats_row *r)
{
	total->received += r->received;
	total->accepted += r->accepted;
	total->closed += r->closed;
	total->resolved += r->resolved;
	total->on_time += r->on_time;
	total->rated += r->rated;
	total->satisfied += r->satisfied;
	total->overdue_now += r->overdue_now;
}

/* Reads the rows of a grouped count (key, name, received, accepted, closed, resolved,
 * on time, rated, satisfied, overdue now) into the arena, adding each to the total. */
static int read_grouped(struct ctx *c, struct db_stmt *st, struct event_stats_row **rows, int *n,
			struct event_stats_row *total)
{
	int cap = 0, rc;
	struct event_stats_row *list = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		struct event_stats_row *grown = arena_grow(c->arena, list, &cap, *n, sizeof(*list));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		list = grown;
		struct event_stats_row *r = &list[(*n)++];
		memset(r, 0, sizeof(*r));
		r->key = db_col_int(st, 0);
		r->name = arena_strdup(c->arena, db_col_text(st, 1));
		r->received = db_col_int(st, 2);
		r->accepted = db_col_int(st, 3);
		r->closed = db_col_int(st, 4);
		r->resolved = db_col_int(st, 5);
		r->on_time = db_col_int(st, 6);
		r->rated = db_col_int(st, 7);
		r->satisfied = db_col_int(st, 8);
		r->overdue_now = db_col_int(st, 9);
		r->median_close = -1;
		add_to_total(total, r);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "统计民情事件");
	*rows = list;
	return RC_OK;
}

static int time_series(struct ctx *c, int series, const char *where, const struct db_args *a,
		       struct event_stats_row **rows, int *n, struct event_stats_row *total)
{
	char *sql = arena_printf(c->arena,
		"SELECT e.created_at, CASE WHEN e.accepted_at IS NOT NULL THEN 1 ELSE 0 END, "
		"CASE WHEN " CLOSED " THEN 1 ELSE 0 END, COALESCE(e.outcome, ''), "
		"CASE WHEN " CLOSED " AND e.finished_at <= e.finish_due THEN 1 ELSE 0 END, "
		"CASE WHEN e.state = 'visited' AND e.rating IS NOT NULL THEN 1 ELSE 0 END, "
		"CASE WHEN e.state = 'visited' AND e.rating IN ('satisfied', 'basic') THEN 1 ELSE 0 END, "
		"CASE WHEN " OPEN " AND e.due_at < ? THEN 1 ELSE 0 END, COALESCE(e.finished_at, 0) - e.created_at "
		ST_FROM "%s ORDER BY e.created_at", where);
	struct db_stmt *st = db_query_args(c->db, sql, a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计民情事件");
	int cap = 0, dcap = 0, nd = 0, rc;
	struct event_stats_row *list = NULL;
	int64_t *dur = NULL, *dkey = NULL;
	int kcap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t k = events_stats_bucket(series, db_col_int(st, 0));
		if (*n == 0 || list[*n - 1].key != k) {
			struct event_stats_row *grown = arena_grow(c->arena, list, &cap, *n, sizeof(*list));
			if (!grown)
				break;
			list = grown;
			struct event_stats_row *r = &list[(*n)++];
			memset(r, 0, sizeof(*r));
			r->key = k;
			r->median_close = -1;
			r->name = events_stats_bucket_name(c, series, k);
		}
		struct event_stats_row *r = &list[*n - 1];
		bool closed = db_col_int(st, 2) != 0;
		r->received++;
		r->accepted += db_col_int(st, 1);
		r->closed += closed;
		r->resolved += closed && !strcmp(db_col_text(st, 3), "resolved");
		r->on_time += db_col_int(st, 4);
		r->rated += db_col_int(st, 5);
		r->satisfied += db_col_int(st, 6);
		r->overdue_now += db_col_int(st, 7);
		if (closed) {
			int64_t *g1 = arena_grow(c->arena, dur, &dcap, nd, sizeof(*dur));
			int64_t *g2 = g1 ? arena_grow(c->arena, dkey, &kcap, nd, sizeof(*dkey)) : NULL;
			if (!g1 || !g2)
				break;
			dur = g1;
			dkey = g2;
			dkey[nd] = k;
			dur[nd++] = db_col_int(st, 8);
		}
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return rc == DB_ROW ? ctx_fail(c, RC_INTERNAL, "内存不足") : ctx_db_fail(c, rc, "统计民情事件");
	for (int i = 0; i < *n; i++)
		add_to_total(total, &list[i]);
	/* the durations come in bucket order (events by receipt): medians per run */
	int64_t *copy = arena_alloc(c->arena, sizeof(int64_t) * (size_t)(nd + 1));
	if (!copy)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if (nd)
		memcpy(copy, dur, sizeof(int64_t) * (size_t)nd);
	for (int i = 0, j; i < nd; i = j) {
		for (j = i; j < nd && dkey[j] == dkey[i]; j++)
			;
		for (int r = 0; r < *n; r++)
			if (list[r].key == dkey[i])
				list[r].median_close = median(dur + i, j - i);
	}
	total->median_close = median(copy, nd);
	*rows = list;
	return RC_OK;
}

int events_stats(struct ctx *c, const struct event_stats_query *q, struct event_stats_row **rows, int *n,
		 struct event_stats_row *total)
{
	*rows = NULL;
	*n = 0;
	memset(total, 0, sizeof(*total));
	total->name = "合计";
	const struct group_key *g = NULL;
	int series = 0;   /* EVENTS_SERIES_WEEK or _MONTH (Asia/Shanghai) */
	if (q->group_by && q->group_by[0]) {
		for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
			if (!strcmp(q->group_by, groups[i].name))
				g = &groups[i];
		series = !strcmp(q->group_by, "week") ? EVENTS_SERIES_WEEK : !strcmp(q->group_by, "month") ? EVENTS_SERIES_MONTH : 0;
		if (!g && !series)
			return ctx_field(c, "group_by", "分组应为 village、town、department、category、channel、week 或 month");
	}
	if (q->from && q->to && q->to <= q->from)
		return ctx_field(c, "to", "结束时间应晚于开始时间");
	struct db_args a = {0};
	db_args_int(&a, c->now);   /* overdue now */
	struct buf w;
	buf_init(&w, 32768);
	buf_adds(&w, "WHERE ");
	buf_adds(&w, ev_visible_sql(c, &a));
	int frc = ev_filter(c, q->unit_id, q->department_id, q->category_id, q->channel_id, true, &w, &a);
	if (frc) {
		buf_release(&w);
		return frc;
	}
	if (q->from) {
		buf_adds(&w, " AND e.created_at >= ?");
		db_args_int(&a, q->from);
	}
	if (q->to) {
		buf_adds(&w, " AND e.created_at < ?");
		db_args_int(&a, q->to);
	}
	if (w.failed) {
		buf_release(&w);
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	}
	if (series) {
		int rc = time_series(c, series, w.ptr, &a, rows, n, total);
		buf_release(&w);
		return rc;
	}
	const char *key = g ? g->key : "0", *label = g ? g->label : "''";
	char *sql = arena_printf(c->arena,
		"SELECT %s, %s, count(*), "
		"sum(CASE WHEN e.accepted_at IS NOT NULL THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " CLOSED " THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " CLOSED " AND e.outcome = 'resolved' THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " CLOSED " AND e.finished_at <= e.finish_due THEN 1 ELSE 0 END), "
		"sum(CASE WHEN e.state = 'visited' AND e.rating IS NOT NULL THEN 1 ELSE 0 END), "
		"sum(CASE WHEN e.state = 'visited' AND e.rating IN ('satisfied', 'basic') THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " OPEN " AND e.due_at < ? THEN 1 ELSE 0 END) "
		ST_FROM "%s%s%s%s%s%s%s",
		key, label, w.ptr, g ? " GROUP BY " : "", g ? key : "", g ? ", " : "", g ? label : "", g ? " ORDER BY " : "",
		g ? key : "");
	/* the durations to 办结, for the medians, by group */
	char *dsql = arena_printf(c->arena, "SELECT %s, e.finished_at - e.created_at " ST_FROM "%s AND " CLOSED "%s%s",
				  key, w.ptr, g ? " ORDER BY " : "", g ? key : "");
	buf_release(&w);
	struct db_stmt *st = db_query_args(c->db, sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计民情事件");
	int rc = read_grouped(c, st, rows, n, total);
	if (rc)
		return rc;
	struct event_stats_row *list = *rows;
	/* medians: one pass over the durations, ordered by group (the first argument, the
	 * clock, is not used by this query: bound as a harmless extra comparison) */
	struct db_args da = a;
	memmove(&da.kind[0], &da.kind[1], (size_t)(da.n - 1));
	memmove(&da.i[0], &da.i[1], sizeof(da.i[0]) * (size_t)(da.n - 1));
	memmove(&da.t[0], &da.t[1], sizeof(da.t[0]) * (size_t)(da.n - 1));
	da.n--;
	st = db_query_args(c->db, dsql, &da);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计办结用时");
	int64_t *all = arena_alloc(c->arena, sizeof(int64_t) * (size_t)(total->closed + 1));
	int64_t *keys = arena_alloc(c->arena, sizeof(int64_t) * (size_t)(total->closed + 1));
	int m = 0;
	while (all && keys && m < total->closed && db_step(st) == DB_ROW) {
		keys[m] = db_col_int(st, 0);
		all[m++] = db_col_int(st, 1);
	}
	db_finalize(st);
	if (!all || !keys)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t *copy = arena_alloc(c->arena, sizeof(int64_t) * (size_t)(m + 1));
	if (!copy)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0, j; i < m; i = j) {
		for (j = i; j < m && keys[j] == keys[i]; j++)
			;
		for (int r = 0; r < *n; r++)
			if (list[r].key == keys[i])
				list[r].median_close = median(all + i, j - i);
	}
	memcpy(copy, all, sizeof(int64_t) * (size_t)m);
	total->median_close = median(copy, m);
	if (!g)
		*n = 0;   /* the total alone */
	return RC_OK;
}

int events_children_stats(struct ctx *c, int64_t unit_id, const char *child_kind, int64_t from, int64_t to,
			  struct event_stats_row **rows, int *n, struct event_stats_row *total)
{
	*rows = NULL;
	*n = 0;
	memset(total, 0, sizeof(*total));
	total->name = "合计";
	total->median_close = -1;
	const char *key = !strcmp(child_kind, "village") ? "e.village_id" : !strcmp(child_kind, "town") ? "COALESCE(v.parent_id, 0)" : NULL;
	if (!key)
		return ctx_field(c, "group_by", "下级单位应为 village 或 town");
	/* the period, five times over, and the clock for overdue now, before the WHERE */
	struct db_args a = {0};
	for (int i = 0; i < 6; i++) {
		db_args_int(&a, from);
		db_args_int(&a, to);
	}
	db_args_int(&a, c->now);
	struct buf w;
	buf_init(&w, 32768);
	buf_adds(&w, "WHERE ");
	buf_adds(&w, ev_visible_sql(c, &a));
	int frc = ev_filter(c, unit_id, 0, 0, 0, true, &w, &a);
	if (frc) {
		buf_release(&w);
		return frc;
	}
	/* the events of the period, or open and overdue now (the index on state, due_at) */
	buf_adds(&w, " AND ((e.created_at >= ? AND e.created_at < ?) OR (" OPEN " AND e.due_at < ?))");
	db_args_int(&a, from);
	db_args_int(&a, to);
	db_args_int(&a, c->now);
	if (w.failed) {
		buf_release(&w);
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	}
#define IN_PERIOD "e.created_at >= ? AND e.created_at < ?"
	char *sql = arena_printf(c->arena,
		"SELECT %s, '', sum(CASE WHEN " IN_PERIOD " THEN 1 ELSE 0 END), 0, "
		"sum(CASE WHEN " IN_PERIOD " AND " CLOSED " THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " IN_PERIOD " AND " CLOSED " AND e.outcome = 'resolved' THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " IN_PERIOD " AND " CLOSED " AND e.finished_at <= e.finish_due THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " IN_PERIOD " AND e.state = 'visited' AND e.rating IS NOT NULL THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " IN_PERIOD " AND e.state = 'visited' AND e.rating IN ('satisfied', 'basic') THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " OPEN " AND e.due_at < ? THEN 1 ELSE 0 END) "
		ST_FROM "%s GROUP BY %s ORDER BY %s",
		key, w.ptr, key, key);
#undef IN_PERIOD
	buf_release(&w);
	if (!sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query_args(c->db, sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计民情事件");
	return read_grouped(c, st, rows, n, total);
}

#define EV_DAY "((e.created_at + 28800) / 86400)"
const char *events_daily_sql(void)
{
	return "SELECT e.village_id AS village_id, " EV_DAY " AS day, count(*) AS received, "
	       "sum(CASE WHEN " CLOSED " THEN 1 ELSE 0 END) AS closed, "
	       "sum(CASE WHEN " CLOSED " AND e.outcome = 'resolved' THEN 1 ELSE 0 END) AS resolved, "
	       "sum(CASE WHEN " CLOSED " AND e.finished_at <= e.finish_due THEN 1 ELSE 0 END) AS on_time, "
	       "sum(CASE WHEN e.state = 'visited' AND e.rating IS NOT NULL THEN 1 ELSE 0 END) AS rated, "
	       "sum(CASE WHEN e.state = 'visited' AND e.rating IN ('satisfied', 'basic') THEN 1 ELSE 0 END) AS satisfied "
	       ST_FROM "WHERE e.created_at >= ? AND e.created_at < ? GROUP BY e.village_id, " EV_DAY;
}
