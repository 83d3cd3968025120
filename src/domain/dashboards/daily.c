/* Daily aggregates of the points ledger (see daily.h). */
#include "domain/dashboards/daily.h"
#include "domain/events/events.h"
#include "util/timeutil.h"

/* a day of an entry: (at + 8 h) / 1 day, as time_cn_days for times after 1970 */
#define DAY_OF(at) "((" at " + 28800) / 86400)"
#define SUMS                                                                                         \
	"count(*), COALESCE(SUM(CASE WHEN l.honour > 0 THEN l.honour ELSE 0 END), 0), "              \
	"COALESCE(SUM(CASE WHEN l.honour < 0 THEN l.honour ELSE 0 END), 0), "                        \
	"COALESCE(SUM(l.honour), 0), COALESCE(SUM(l.spendable), 0)"
/* at most this many days are looked up in the table at once (two years and a bit);
 * a longer range is read from the ledger */
#define DAILY_SPAN_MAX 800
/* days stored per transaction by the job */
#define DAILY_FILL_CHUNK 31

static int rows(struct ctx *c, struct db_stmt *st, daily_fn fn, void *arg)
{
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计积分");
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		struct daily_row r = {
			.day = db_col_int(st, 0), .village_id = db_col_int(st, 1), .category = db_col_text(st, 2),
			.source = db_col_text(st, 3), .n = db_col_int(st, 4), .pos = db_col_int(st, 5),
			.neg = db_col_int(st, 6), .net = db_col_int(st, 7), .spendable = db_col_int(st, 8),
		};
		int rc = fn(c, &r, arg);
		if (rc) {
			db_finalize(st);
			return rc;
		}
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "统计积分");
}

/* the key of a row: the day (and no village), or the village (and no day) */
static const char *const KEYS[2][2] = {
	{DAY_OF("l.at") ", 0", DAY_OF("l.at")},
	{"0, l.village_id", "l.village_id"},
};

static int live(struct ctx *c, const char *like, int64_t from, int64_t to, bool by_village, daily_fn fn, void *arg)
{
	if (from >= to)
		return RC_OK;
	const char *const *k = KEYS[by_village];
	const char *sql = arena_printf(c->arena,
				       "SELECT %s, l.category, l.source, " SUMS " FROM ledger l "
				       "WHERE l.village_id IN (SELECT id FROM org_units WHERE path LIKE ?) "
				       "AND l.at >= ? AND l.at < ? GROUP BY %s, l.category, l.source",
				       k[0], k[1]);
	if (!sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return rows(c, db_query(c->db, sql, "tii", like, from, to), fn, arg);
}

/* Marks in stored[d - d0] the days of [d0, d1) whose figures are stored (the points'
 * dash_days, or the events' dash_event_days), and counts them. */
static enum result stored_days(struct ctx *c, bool events, int64_t d0, int64_t d1, bool *stored, int *nstored)
{
	memset(stored, 0, (size_t)(d1 - d0));
	*nstored = 0;
	const char *what = events ? "统计民情事件" : "统计积分";
	struct db_stmt *st = db_query(c->db, events ? "SELECT day FROM dash_event_days WHERE day >= ? AND day < ?" :
						      "SELECT day FROM dash_days WHERE day >= ? AND day < ?",
				      "ii", d0, d1);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, what);
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		int64_t d = db_col_int(st, 0);
		if (d >= d0 && d < d1) {
			stored[d - d0] = true;
			(*nstored)++;
		}
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, what);
}

/* The town or county whose path LIKE like is (it has rows of its own: dash_*_units), or
 * 0 for a village, a group, a grid. */
static int unit_of(struct ctx *c, const char *like, int64_t *unit)
{
	*unit = 0;
	if (db_get_int(c->db, unit,
		       "SELECT COALESCE(max(id), 0) FROM org_units WHERE path || '%' = ? AND kind IN ('town', 'county')", "t",
		       like) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "统计");
	return RC_OK;
}

enum result daily_points(struct ctx *c, const char *like, int64_t from, int64_t to, bool by_village, daily_fn fn,
			 void *arg)
{
	/* the whole days inside [from, to) */
	int64_t d0 = time_cn_days(from), d1 = time_cn_days(to);
	if (time_cn_midnight(d0) < from)
		d0++;
	if (d1 <= d0 || d1 - d0 > DAILY_SPAN_MAX || from < 0)
		return live(c, like, from, to, by_village, fn, arg);
	bool *stored = arena_alloc(c->arena, (size_t)(d1 - d0));
	if (!stored)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int nstored;
	int rc = stored_days(c, false, d0, d1, stored, &nstored);
	if (rc)
		return rc;
	/* a town's or county's own rows, by day: not every village's */
	int64_t unit = 0;
	if (nstored && !by_village && (rc = unit_of(c, like, &unit)))
		return rc;
	if (unit) {
		if ((rc = rows(c,
			       db_query(c->db,
					"SELECT a.day, 0, a.category, a.source, a.n, a.pos, a.neg, a.net, a.spendable "
					"FROM dash_points_units a JOIN dash_days m ON m.day = a.day "
					"WHERE a.unit_id = ? AND a.day >= ? AND a.day < ?",
					"iii", unit, d0, d1),
			       fn, arg)))
			return rc;
	} else if (nstored) {
		const char *sql = arena_printf(c->arena,
					       "SELECT %s, a.category, a.source, SUM(a.n), SUM(a.pos), SUM(a.neg), SUM(a.net), "
					       "SUM(a.spendable) FROM dash_points_daily a JOIN dash_days m ON m.day = a.day "
					       "WHERE a.village_id IN (SELECT id FROM org_units WHERE path LIKE ?) "
					       "AND a.day >= ? AND a.day < ? GROUP BY %s, a.category, a.source",
					       by_village ? "0, a.village_id" : "a.day, 0", by_village ? "a.village_id" : "a.day");
		if (!sql)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		if ((rc = rows(c, db_query(c->db, sql, "tii", like, d0, d1), fn, arg)))
			return rc;
	}
	/* the rest from the ledger: the stretches between stored days */
	int64_t cur = from;
	for (int64_t d = d0; d < d1; d++) {
		if (!stored[d - d0])
			continue;
		if ((rc = live(c, like, cur, time_cn_midnight(d), by_village, fn, arg)))
			return rc;
		cur = time_cn_midnight(d + 1);
	}
	return live(c, like, cur, to, by_village, fn, arg);
}

/* The two kinds of daily aggregates: their tables, the first time of their records,
 * and the query that stores the days between two times. */
struct agg {
	const char *rows, *marks;      /* the aggregates' table and the days stored */
	const char *first;             /* the first time of the records, -1 for none */
	const char *insert;            /* stores the rows of [?, ?) (times) */
	const char *what;              /* for the messages */
	const char *units;             /* the towns' and counties' rows (dash_*_units) */
	const char *units_summed;      /* their rows of days [?, ?) from the villages' */
	const char *units_cols;        /* their columns */
};

#define POINTS_INSERT                                                                                \
	"INSERT INTO dash_points_daily (village_id, day, category, source, n, pos, neg, net, spendable) "    \
	"SELECT l.village_id, " DAY_OF("l.at") ", l.category, l.source, " SUMS " FROM ledger l "          \
	"WHERE l.at >= ? AND l.at < ? GROUP BY l.village_id, " DAY_OF("l.at") ", l.category, l.source "   \
	/* another server's job storing the same days at once: its rows are the same */              \
	"ON CONFLICT (village_id, day, category, source) DO NOTHING"

/* the households of every village and group, counted (household_counts, migration 042) */
#define COUNTED_HOUSEHOLDS                                                                           \
	"SELECT village_id, COALESCE(group_id, 0) AS group_id, count(*) AS households FROM households "   \
	"GROUP BY village_id, COALESCE(group_id, 0)"

/* the village rows of the stored days [?, ?) summed for every town and county above */
#define UNITS_OF(table, sums, by)                                                                    \
	"SELECT p.id AS unit_id, a.day AS day, " sums " FROM " table " a "                              \
	"JOIN org_units v ON v.id = a.village_id "                                                     \
	"JOIN org_units p ON p.kind IN ('town', 'county') AND v.path LIKE p.path || '%' "             \
	"WHERE a.day >= ? AND a.day < ? GROUP BY p.id, a.day" by
#define POINTS_UNITS                                                                                 \
	UNITS_OF("dash_points_daily", "a.category AS category, a.source AS source, SUM(a.n) AS n, SUM(a.pos) AS pos, "     \
		 "SUM(a.neg) AS neg, SUM(a.net) AS net, SUM(a.spendable) AS spendable",               \
		 ", a.category, a.source")
#define EVENTS_UNITS                                                                                 \
	UNITS_OF("dash_events_daily", "SUM(a.received) AS received, SUM(a.closed) AS closed, SUM(a.resolved) AS resolved, " \
		 "SUM(a.on_time) AS on_time, SUM(a.rated) AS rated, SUM(a.satisfied) AS satisfied", "")

static int agg_of(struct ctx *c, bool events, struct agg *a)
{
	if (!events) {
		*a = (struct agg){"dash_points_daily", "dash_days", "SELECT COALESCE(min(at), -1) FROM ledger",
				  POINTS_INSERT, "汇总每日积分", "dash_points_units", POINTS_UNITS,
				  "unit_id, day, category, source, n, pos, neg, net, spendable"};
		return RC_OK;
	}
	const char *ins = arena_printf(c->arena,
				       "INSERT INTO dash_events_daily (village_id, day, received, closed, resolved, on_time, "
				       "rated, satisfied) %s ON CONFLICT (village_id, day) DO NOTHING",
				       events_daily_sql());
	if (!ins)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	*a = (struct agg){"dash_events_daily", "dash_event_days", "SELECT COALESCE(min(created_at), -1) FROM events", ins,
			  "汇总每日民情事件",
			  "dash_events_units", EVENTS_UNITS, "unit_id, day, received, closed, resolved, on_time, rated, satisfied"};
	return RC_OK;
}

/* Stores the days [a, b): their rows from the records and their marks, in one
 * transaction. */
static int store(struct ctx *c, const struct agg *g, int64_t a, int64_t b)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if (db_run(c->db, arena_printf(c->arena, "DELETE FROM %s WHERE day >= ? AND day < ?", g->rows), "ii", a, b) !=
		    DB_OK ||
	    db_run(c->db, g->insert, "ii", time_cn_midnight(a), time_cn_midnight(b)) != DB_OK ||
	    db_run(c->db, arena_printf(c->arena, "DELETE FROM %s WHERE day >= ? AND day < ?", g->units), "ii", a, b) !=
		    DB_OK ||
	    db_run(c->db,
		   arena_printf(c->arena, "INSERT INTO %s (%s) SELECT x.* FROM (%s) x WHERE true ON CONFLICT DO NOTHING",
				g->units, g->units_cols, g->units_summed),
		   "ii", a, b) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, g->what);
	const char *mark = arena_printf(c->arena, "INSERT INTO %s (day) VALUES (?) ON CONFLICT (day) DO NOTHING", g->marks);
	for (int64_t d = a; !rc && d < b; d++)
		if (db_run(c->db, mark, "i", d) != DB_OK)
			rc = ctx_db_fail(c, DB_ERROR, g->what);
	return ctx_end(c, rc);
}

static int fill(struct ctx *c, const struct agg *g, int64_t *days)
{
	int64_t today = time_cn_days(c->now), first = 0;
	/* from the first stored day, or (nothing stored yet) the records' first day */
	int dbrc = db_get_int(c->db, &first, arena_printf(c->arena, "SELECT COALESCE(min(day), 0) FROM %s", g->marks), "");
	if (dbrc == DB_OK && first == 0) {
		int64_t at = 0;
		dbrc = db_get_int(c->db, &at, g->first, "");
		if (dbrc == DB_OK && at < 0)
			return RC_OK;   /* no records yet */
		first = time_cn_days(at);
	}
	if (dbrc != DB_OK && dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, g->what);
	if (first <= 0 || first >= today)
		return RC_OK;
	int64_t stored = 0;
	const char *in_range = arena_printf(c->arena, "SELECT %s FROM %s WHERE day >= ? AND day < ?", "count(*)", g->marks);
	if (db_get_int(c->db, &stored, in_range, "ii", first, today) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, g->what);
	if (stored == today - first)
		return RC_OK;   /* the usual case: nothing to do */
	/* the stretches of days not stored, a chunk at a time */
	int64_t n = today - first;
	bool *have = arena_alloc(c->arena, (size_t)n);
	if (!have)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	memset(have, 0, (size_t)n);
	struct db_stmt *st = db_query(c->db, arena_printf(c->arena, "SELECT day FROM %s WHERE day >= ? AND day < ?", g->marks),
				      "ii", first, today);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, g->what);
	while ((dbrc = db_step(st)) == DB_ROW) {
		int64_t d = db_col_int(st, 0);
		if (d >= first && d < today)
			have[d - first] = true;
	}
	db_finalize(st);
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, g->what);
	for (int64_t d = first; d < today;) {
		if (have[d - first]) {
			d++;
			continue;
		}
		int64_t e = d;
		while (e < today && !have[e - first] && e - d < DAILY_FILL_CHUNK)
			e++;
		int rc = store(c, g, d, e);
		if (rc)
			return rc;
		*days += e - d;
		d = e;
	}
	return RC_OK;
}

enum result daily_fill(struct ctx *c, int64_t *days)
{
	*days = 0;
	struct agg g;
	for (int k = 0; k < 2; k++) {
		int64_t n = 0;
		int rc = agg_of(c, k == 1, &g);
		if (!rc)
			rc = fill(c, &g, &n);
		if (rc)
			return rc;
		if (k == 0)
			*days = n;   /* the days of points stored (the events' alongside) */
	}
	int64_t periods;
	return participation_fill(c, &periods);
}

enum result daily_rebuild(struct ctx *c, int64_t *days)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if (db_run(c->db, "DELETE FROM dash_days", "") != DB_OK ||
	    db_run(c->db, "DELETE FROM dash_points_daily", "") != DB_OK ||
	    db_run(c->db, "DELETE FROM dash_points_units", "") != DB_OK ||
	    db_run(c->db, "DELETE FROM dash_events_units", "") != DB_OK ||
	    db_run(c->db, "DELETE FROM household_counts", "") != DB_OK ||
	    db_run(c->db, "INSERT INTO household_counts (village_id, group_id, households) " COUNTED_HOUSEHOLDS, "") !=
		    DB_OK ||
	    db_run(c->db, "DELETE FROM dash_event_days", "") != DB_OK ||
	    db_run(c->db, "DELETE FROM dash_events_daily", "") != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "清除每日积分汇总");
	if (!rc)
		rc = participation_clear(c);
	if ((rc = ctx_end(c, rc)))
		return rc;
	return daily_fill(c, days);
}

/* The stored rows of the stored days, and the same recomputed from the ledger. */
#define STORED                                                                                       \
	"SELECT a.village_id, a.day, a.category, a.source, a.n, a.pos, a.neg, a.net, a.spendable "   \
	"FROM dash_points_daily a WHERE a.day IN (SELECT day FROM dash_days)"
#define RECOMPUTED                                                                                   \
	"SELECT l.village_id, " DAY_OF("l.at") " AS day, l.category, l.source, " SUMS " FROM ledger l "     \
	"WHERE " DAY_OF("l.at") " IN (SELECT day FROM dash_days) "                                   \
	"GROUP BY l.village_id, " DAY_OF("l.at") ", l.category, l.source"

/* Compares two queries of the same columns both ways (rows of a not in b, then of b not
 * in a), each bound the times from and to when times is true: *n counts the rows that
 * differ, first[0..1] the first one's first two columns. */
static int differences(struct ctx *c, const char *a, const char *b, bool times, int64_t from, int64_t to, int64_t *n,
		       int64_t first[2], const char *what)
{
	for (int k = 0; k < 2; k++) {
		const char *sql = arena_printf(c->arena, "SELECT y.* FROM (%s EXCEPT %s) y", k ? b : a, k ? a : b);
		struct db_stmt *st = sql ? db_query(c->db, sql, times ? "ii" : "", from, to) : NULL;
		if (!st)
			return ctx_db_fail(c, DB_ERROR, what);
		int dbrc;
		while ((dbrc = db_step(st)) == DB_ROW) {
			if (!(*n)++) {
				first[0] = db_col_int(st, 0);
				first[1] = db_col_int(st, 1);
			}
		}
		db_finalize(st);
		if (dbrc != DB_DONE)
			return ctx_db_fail(c, dbrc, what);
	}
	return RC_OK;
}

/* The stored days of the events, recomputed from the events received between the
 * first and the last of them. */
static int verify_events(struct ctx *c, struct daily_report *out)
{
	int64_t d0 = 0, d1 = 0;
	if (db_get_int(c->db, &out->event_days, "SELECT count(*) FROM dash_event_days", "") != DB_OK ||
	    db_get_int(c->db, &d0, "SELECT COALESCE(min(day), 0) FROM dash_event_days", "") != DB_OK ||
	    db_get_int(c->db, &d1, "SELECT COALESCE(max(day), 0) FROM dash_event_days", "") != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "核对每日民情事件汇总");
	if (!out->event_days)
		return RC_OK;
	const char *stored = "SELECT a.village_id, a.day, a.received, a.closed, a.resolved, a.on_time, a.rated, "
			     "a.satisfied FROM dash_events_daily a WHERE a.day IN (SELECT day FROM dash_event_days)";
	const char *recomputed = arena_printf(c->arena,
					      "SELECT x.village_id, x.day, x.received, x.closed, x.resolved, x.on_time, "
					      "x.rated, x.satisfied FROM (%s) x WHERE x.day IN (SELECT day FROM dash_event_days)",
					      events_daily_sql());
	if (!recomputed)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t first[2] = {0, 0};
	int rc = differences(c, stored, recomputed, true, time_cn_midnight(d0), time_cn_midnight(d1 + 1),
			     &out->event_differences, first, "核对每日民情事件汇总");
	out->event_village_id = first[0];
	out->event_day = first[1];
	return rc;
}

/* The households kept counted by village and group (migration 042) against a count. */
static int verify_counts(struct ctx *c, struct daily_report *out)
{
	int64_t first[2] = {0, 0};
	int rc = differences(c, "SELECT village_id, group_id, households FROM household_counts WHERE households <> 0",
			     COUNTED_HOUSEHOLDS, false, 0, 0, &out->count_differences, first, "核对户数");
	out->count_village_id = first[0];
	return rc;
}

/* The towns' and counties' rows of the stored days against the village rows they sum. */
static int verify_units(struct ctx *c, bool events, struct daily_report *out)
{
	struct agg g;
	int rc = agg_of(c, events, &g);
	if (rc)
		return rc;
	const char *stored = arena_printf(c->arena, "SELECT %s FROM %s WHERE day IN (SELECT day FROM %s)", g.units_cols,
					  g.units, g.marks);
	const char *summed = arena_printf(c->arena, "SELECT x.* FROM (%s) x WHERE x.day IN (SELECT day FROM %s)",
					  g.units_summed, g.marks);
	if (!stored || !summed)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	/* a second table's first difference is kept only when the first had none */
	int64_t first[2] = {out->unit_id, out->unit_day};
	bool had = out->unit_differences > 0;
	rc = differences(c, stored, summed, true, INT64_MIN, INT64_MAX, &out->unit_differences, first, "核对每日汇总");
	if (!had) {
		out->unit_id = first[0];
		out->unit_day = first[1];
	}
	return rc;
}

enum result daily_verify(struct ctx *c, struct daily_report *out)
{
	memset(out, 0, sizeof(*out));
	if (db_get_int(c->db, &out->days, "SELECT count(*) FROM dash_days", "") != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "核对每日积分汇总");
	int64_t first[2] = {0, 0};
	int rc = differences(c, STORED, RECOMPUTED, false, 0, 0, &out->differences, first, "核对每日积分汇总");
	out->village_id = first[0];
	out->day = first[1];
	if (rc)
		return rc;
	for (int k = 0; k < 2; k++)
		if ((rc = verify_units(c, k == 1, out)))
			return rc;
	rc = verify_counts(c, out);
	if (rc)
		return rc;
	rc = verify_events(c, out);
	if (rc)
		return rc;
	return participation_verify(c, &out->participation);
}

enum result daily_events(struct ctx *c, const char *like, int64_t d0, int64_t d1, bool *stored, daily_events_fn fn,
			 void *arg)
{
	memset(stored, 0, (size_t)(d1 > d0 ? d1 - d0 : 0));
	if (d1 <= d0)
		return RC_OK;
	int nstored;
	int rc = stored_days(c, true, d0, d1, stored, &nstored);
	if (rc || !nstored)
		return rc;
	int64_t unit = 0;   /* a town's or county's own rows, not every village's */
	if ((rc = unit_of(c, like, &unit)))
		return rc;
	struct db_stmt *st =
		unit ? db_query(c->db,
				"SELECT a.day, a.received, a.closed, a.resolved, a.on_time, a.rated, a.satisfied "
				"FROM dash_events_units a JOIN dash_event_days m ON m.day = a.day "
				"WHERE a.unit_id = ? AND a.day >= ? AND a.day < ?",
				"iii", unit, d0, d1)
		     : db_query(c->db,
				"SELECT a.day, SUM(a.received), SUM(a.closed), SUM(a.resolved), SUM(a.on_time), SUM(a.rated), "
				"SUM(a.satisfied) FROM dash_events_daily a JOIN dash_event_days m ON m.day = a.day "
				"WHERE a.village_id IN (SELECT id FROM org_units WHERE path LIKE ?) AND a.day >= ? AND a.day < ? "
				"GROUP BY a.day",
				"tii", like, d0, d1);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计民情事件");
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		int64_t v[6];
		for (int i = 0; i < 6; i++)
			v[i] = db_col_int(st, 1 + i);
		if ((rc = fn(c, db_col_int(st, 0), v, arg))) {
			db_finalize(st);
			return rc;
		}
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "统计民情事件");
}
