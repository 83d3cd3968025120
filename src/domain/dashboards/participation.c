/* The households that took part, per village and month or week (see participation.h). */
#include "domain/dashboards/participation.h"
#include "domain/dashboards/internal.h"
#include "util/timeutil.h"
#include "util/workdays.h"


static const char *const KINDS[2] = {"month", "week"};

/* the earning entries of every village in [?, ?) (times), counted by village */
#define COUNTED                                                                                        \
	"SELECT l.village_id, count(DISTINCT l.household_id) FROM ledger l "                           \
	"WHERE l.village_id IN (SELECT id FROM org_units WHERE kind = 'village') "                     \
	"AND l.source IN ('claim', 'award', 'activity') AND l.at >= ? AND l.at < ? GROUP BY l.village_id"

/* The period of kind (0 month, 1 week) that holds day: its first day, and the next's. */
static int64_t period_of(int kind, int64_t day, int64_t *next)
{
	if (kind == 1) {
		int64_t monday = day - workdays_weekday(day);
		*next = monday + 7;
		return monday;
	}
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	*next = m == 12 ? time_days_from_civil(y + 1, 1, 1) : time_days_from_civil(y, m + 1, 1);
	return time_days_from_civil(y, m, 1);
}

enum result participation_stored(struct ctx *c, const char *like, const int64_t *bounds, int nb, bool *done,
				 int64_t *households)
{
	memset(done, 0, (size_t)nb * sizeof(*done));
	memset(households, 0, (size_t)nb * sizeof(*households));
	if (nb <= 0)
		return RC_OK;
	const char *kind = KINDS[bounds[1] - bounds[0] == 7];
	int any = 0;
	for (int pass = 0; pass < 2; pass++) {
		struct db_stmt *st =
			pass == 0 ? db_query(c->db,
					     "SELECT start_day, 0 FROM dash_participation_periods "
					     "WHERE kind = ? AND start_day >= ? AND start_day < ?",
					     "tii", kind, bounds[0], bounds[nb])
				  : db_query(c->db,
					     "SELECT a.start_day, SUM(a.households) FROM dash_participation a "
					     "WHERE a.kind = ? AND a.start_day >= ? AND a.start_day < ? AND a.village_id IN "
					     "(SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village') "
					     "GROUP BY a.start_day",
					     "tiit", kind, bounds[0], bounds[nb], like);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "统计参与户数");
		int dbrc;
		while ((dbrc = db_step(st)) == DB_ROW) {
			int64_t day = db_col_int(st, 0);
			for (int i = 0; i < nb; i++) {
				if (bounds[i] != day)
					continue;
				if (pass == 0) {
					done[i] = true;
					any++;
				} else {
					households[i] = db_col_int(st, 1);
				}
			}
		}
		db_finalize(st);
		if (dbrc != DB_DONE)
			return ctx_db_fail(c, dbrc, "统计参与户数");
		if (!any)
			break;
	}
	/* a count of a period not marked (unmarked between the reads) is not used */
	for (int i = 0; i < nb; i++)
		if (!done[i])
			households[i] = 0;
	return RC_OK;
}

/* the first month whose kept households are complete */
static int months_since(struct ctx *c, int64_t *since)
{
	if (db_get_int(c->db, since, "SELECT COALESCE(max(month_start), 0) FROM dash_month_participants_since", "") !=
	    DB_OK)
		return ctx_db_fail(c, DB_ERROR, "统计参与户数");
	return RC_OK;
}

enum result participation_month(struct ctx *c, const char *like, int64_t month, bool *have, participation_fn fn,
				 void *arg)
{
	int64_t since;
	*have = false;
	TRY(months_since(c, &since));
	if (month < since)
		return RC_OK;
	*have = true;
	struct db_stmt *st = db_query(c->db,
				      "SELECT p.village_id, count(*) FROM dash_month_participants p WHERE p.month_start = ? "
				      "AND p.village_id IN (SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village') "
				      "GROUP BY p.village_id",
				      "it", month, like);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计参与户数");
	int dbrc, rc = RC_OK;
	while (!rc && (dbrc = db_step(st)) == DB_ROW)
		rc = fn(c, db_col_int(st, 0), db_col_int(st, 1), arg);
	db_finalize(st);
	if (rc)
		return rc;
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "统计参与户数");
}

/* Drops the kept households of the months before the last one (by the clock). */
static int prune_months(struct ctx *c)
{
	int64_t since, next;
	TRY(months_since(c, &since));
	int64_t month = period_of(0, time_cn_days(c->now), &next);
	int64_t keep = period_of(0, month - 1, &next);   /* the month before */
	if (since >= keep)
		return RC_OK;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if (db_run(c->db, "DELETE FROM dash_month_participants WHERE month_start < ?", "i", keep) != DB_OK ||
	    db_run(c->db, "UPDATE dash_month_participants_since SET month_start = ? WHERE month_start < ?", "ii", keep,
		   keep) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "汇总参与户数");
	return ctx_end(c, rc);
}

/* Stores one period from the ledger, with its mark, in one transaction. */
static int store(struct ctx *c, int kind, int64_t start, int64_t next)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if (db_run(c->db, "DELETE FROM dash_participation WHERE kind = ? AND start_day = ?", "ti", KINDS[kind],
		   start) != DB_OK ||
	    db_run(c->db,
		   "INSERT INTO dash_participation (kind, start_day, village_id, households) "
		   "SELECT CAST(? AS TEXT), CAST(? AS BIGINT), x.* FROM (" COUNTED ") x WHERE true "
		   /* another server's job storing the same period at once: its rows are the same */
		   "ON CONFLICT (kind, start_day, village_id) DO NOTHING",
		   "tiii", KINDS[kind], start, time_cn_midnight(start), time_cn_midnight(next)) != DB_OK ||
	    db_run(c->db,
		   "INSERT INTO dash_participation_periods (kind, start_day) VALUES (?, ?) "
		   "ON CONFLICT (kind, start_day) DO NOTHING",
		   "ti", KINDS[kind], start) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "汇总参与户数");
	return ctx_end(c, rc);
}

enum result participation_fill(struct ctx *c, int64_t *periods)
{
	*periods = 0;
	int64_t today = time_cn_days(c->now), first = 0;
	/* from the first stored period, or (nothing stored yet) the ledger's first entry */
	if (db_get_int(c->db, &first, "SELECT COALESCE(min(start_day), -1) FROM dash_participation_periods", "") !=
	    DB_OK)
		return ctx_db_fail(c, DB_ERROR, "汇总参与户数");
	if (first < 0) {
		int64_t at = -1;
		if (db_get_int(c->db, &at, "SELECT COALESCE(min(at), -1) FROM ledger", "") != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "汇总参与户数");
		if (at < 0)
			return RC_OK;   /* no entries yet */
		first = time_cn_days(at);
	}
	for (int kind = 0; kind < 2; kind++) {
		int64_t next;
		for (int64_t start = period_of(kind, first, &next); next <= today; start = period_of(kind, next, &next)) {
			int64_t marked = 0;
			if (db_get_int(c->db, &marked,
				       "SELECT count(*) FROM dash_participation_periods WHERE kind = ? AND start_day = ?", "ti",
				       KINDS[kind], start) != DB_OK)
				return ctx_db_fail(c, DB_ERROR, "汇总参与户数");
			if (marked)
				continue;
			int rc = store(c, kind, start, next);
			if (rc)
				return rc;
			(*periods)++;
		}
	}
	return prune_months(c);
}

enum result participation_clear(struct ctx *c)
{
	int64_t since, next;
	TRY(months_since(c, &since));
	if (db_run(c->db, "DELETE FROM dash_participation_periods", "") != DB_OK ||
	    db_run(c->db, "DELETE FROM dash_participation", "") != DB_OK ||
	    db_run(c->db, "DELETE FROM dash_month_participants WHERE month_start >= ?", "i", since) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "清除参与户数汇总");
	/* the kept households of the complete months, again from the ledger */
	int64_t now = period_of(0, time_cn_days(c->now), &next);
	for (int64_t m = since > 0 ? since : now; m <= now; m = next) {
		period_of(0, m, &next);
		if (db_run(c->db,
			   "INSERT INTO dash_month_participants (month_start, village_id, household_id) "
			   "SELECT DISTINCT CAST(? AS BIGINT), l.village_id, l.household_id FROM ledger l "
			   "WHERE l.village_id IN (SELECT id FROM org_units WHERE kind = 'village') "
			   "AND l.source IN ('claim', 'award', 'activity') AND l.at >= ? AND l.at < ? ON CONFLICT DO NOTHING",
			   "iii", m, time_cn_midnight(m), time_cn_midnight(next)) != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "清除参与户数汇总");
	}
	return RC_OK;
}

/* Compares one stored period (kind 0 month, 1 week) or one month's kept households
 * (kind 2) with the ledger, village by village (both in village order). */
static int verify_period(struct ctx *c, int kind, int64_t start, struct participation_report *out)
{
	int64_t next;
	period_of(kind == 1, start, &next);
	struct db_stmt *a =
		kind == 2 ? db_query(c->db,
				     "SELECT village_id, count(*) FROM dash_month_participants WHERE month_start = ? "
				     "GROUP BY village_id ORDER BY village_id",
				     "i", start)
			  : db_query(c->db,
				     "SELECT village_id, households FROM dash_participation WHERE kind = ? AND start_day = ? "
				     "ORDER BY village_id",
				     "ti", KINDS[kind], start);
	struct db_stmt *b = a ? db_query(c->db, "SELECT x.* FROM (" COUNTED ") x ORDER BY 1", "ii",
					 time_cn_midnight(start), time_cn_midnight(next))
			      : NULL;
	if (!b) {
		db_finalize(a);
		return ctx_db_fail(c, DB_ERROR, "核对参与户数汇总");
	}
	int ra = db_step(a), rb = db_step(b);
	while (ra == DB_ROW || rb == DB_ROW) {
		int64_t va = ra == DB_ROW ? db_col_int(a, 0) : INT64_MAX, vb = rb == DB_ROW ? db_col_int(b, 0) : INT64_MAX;
		int64_t v = va < vb ? va : vb;
		bool same = va == vb && db_col_int(a, 1) == db_col_int(b, 1);
		if (!same && !out->differences++) {
			out->village_id = v;
			out->start_day = start;
			out->week = kind == 1;
			out->kept = kind == 2;
		}
		if (va <= vb)
			ra = db_step(a);
		if (vb <= va)
			rb = db_step(b);
	}
	db_finalize(a);
	db_finalize(b);
	return ra == DB_DONE && rb == DB_DONE ? RC_OK : ctx_db_fail(c, DB_ERROR, "核对参与户数汇总");
}

enum result participation_verify(struct ctx *c, struct participation_report *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_query(c->db, "SELECT kind, start_day FROM dash_participation_periods ORDER BY kind, start_day", "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "核对参与户数汇总");
	/* the marks first (a period's check runs its own queries) */
	int cap = 0, n = 0;
	struct {
		int kind;
		int64_t start;
	} *p = NULL;
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		if (!(p = arena_grow(c->arena, p, &cap, n, sizeof(*p)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		p[n].kind = !strcmp(db_col_text(st, 0), "week");
		p[n++].start = db_col_int(st, 1);
	}
	db_finalize(st);
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "核对参与户数汇总");
	out->periods = n;
	for (int i = 0; i < n; i++) {
		int rc = verify_period(c, p[i].kind, p[i].start, out);
		if (rc)
			return rc;
	}
	/* the complete months of kept households, to the last one that has any */
	int64_t since, first = 0, last = -1, next;
	TRY(months_since(c, &since));
	if (db_get_int(c->db, &first, "SELECT COALESCE(min(month_start), 0) FROM dash_month_participants WHERE month_start >= ?",
		       "i", since) != DB_OK ||
	    db_get_int(c->db, &last, "SELECT COALESCE(max(month_start), -1) FROM dash_month_participants", "") != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "核对参与户数汇总");
	for (int64_t m = since > 0 ? since : first; m <= last; m = next) {
		period_of(0, m, &next);
		int rc = verify_period(c, 2, m, out);
		if (rc)
			return rc;
		out->months++;
	}
	return RC_OK;
}
