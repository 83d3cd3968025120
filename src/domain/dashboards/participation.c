/* The households that took part, per village and month or week (see participation.h). */
#include "domain/dashboards/participation.h"
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
	return RC_OK;
}

enum result participation_clear(struct ctx *c)
{
	if (db_run(c->db, "DELETE FROM dash_participation_periods", "") != DB_OK ||
	    db_run(c->db, "DELETE FROM dash_participation", "") != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "清除参与户数汇总");
	return RC_OK;
}

/* Compares one stored period with the ledger, village by village (both in village
 * order). */
static int verify_period(struct ctx *c, int kind, int64_t start, struct participation_report *out)
{
	int64_t next;
	period_of(kind, start, &next);
	struct db_stmt *a = db_query(c->db,
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
	return RC_OK;
}
