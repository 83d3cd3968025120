/* Unit tests for the dashboards' daily aggregates of the points ledger (daily.h): the
 * sums read over any range (whole days or not) are the same before the job stores the
 * days and after; a ledger entry written on a stored day unmarks that day, which is
 * then read from the ledger until the job stores it again; the job stores nothing twice;
 * verify finds a stored figure that differs from the ledger. Ledger rows are written
 * directly (the hash chain is not what is tested here). The same for the households
 * that took part by month and by week (participation.h): a stored period's count equals
 * the distinct earning households recomputed here, a late entry unmarks its week and
 * month, verify finds a changed count. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/dashboards/daily.h"
#include "testdb.h"
#include "util/timeutil.h"

static const char *const sources[] = {"claim", "award", "deduction", "activity", "redemption", "return", "correction"};
static const char *const categories[] = {"人居环境", "平安建设", "移风易俗"};
#define NSRC 7

/* the sums by source, read by day (v) and by village (w, one per village of the test) */
struct sums {
	int64_t v[NSRC][5];
	int64_t w[2][NSRC][5];
};
static int64_t villages[2];

struct acc {
	struct sums *s;
	bool by_village;
};

static int add(struct ctx *c, const struct daily_row *r, void *arg)
{
	(void)c;
	struct acc *a = arg;
	int64_t(*v)[5] = a->s->v;
	if (a->by_village) {
		assert_int_equal(r->day, 0);
		assert_true(r->village_id == villages[0] || r->village_id == villages[1]);
		v = a->s->w[r->village_id == villages[0] ? 0 : 1];
	} else {
		assert_int_equal(r->village_id, 0);
	}
	for (int i = 0; i < NSRC; i++)
		if (!strcmp(r->source, sources[i])) {
			v[i][0] += r->n;
			v[i][1] += r->pos;
			v[i][2] += r->neg;
			v[i][3] += r->net;
			v[i][4] += r->spendable;
		}
	return RC_OK;
}

/* the sums of [from, to) both ways; the villages' add up to the days' */
static struct sums read_sums(struct testdb *t, const char *like, int64_t from, int64_t to)
{
	struct sums s;
	memset(&s, 0, sizeof(s));
	struct acc by_day = {&s, false}, by_village = {&s, true};
	assert_int_equal(daily_points(&t->c, like, from, to, false, add, &by_day), RC_OK);
	assert_int_equal(daily_points(&t->c, like, from, to, true, add, &by_village), RC_OK);
	for (int i = 0; i < NSRC; i++)
		for (int f = 0; f < 5; f++)
			assert_int_equal(s.w[0][i][f] + s.w[1][i][f], s.v[i][f]);
	return s;
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static int64_t seq_no;
static void entry(struct testdb *t, int64_t village, int64_t household, int64_t at)
{
	const char *src = sources[rnd() % NSRC];
	int64_t pts = (int64_t)(rnd() % 20) + 1;
	int64_t honour = !strcmp(src, "deduction") || (!strcmp(src, "correction") && rnd() % 2) ? -pts
			 : !strcmp(src, "redemption") || !strcmp(src, "return")             ? 0
											    : pts;
	int64_t spendable = !strcmp(src, "redemption") ? -pts : !strcmp(src, "return") ? pts : honour;
	seq_no++;
	assert_int_equal(db_run(t->db,
				"INSERT INTO ledger (village_id, seq, household_id, source, category, spendable, honour, at, "
				"prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '')",
				"iiittiii", village, seq_no, household, src, categories[rnd() % 3], spendable, honour, at),
			 DB_OK);
}

static void compare(struct testdb *t, const char *like, const struct sums *want, int64_t from, int64_t to)
{
	struct sums got = read_sums(t, like, from, to);
	assert_memory_equal(&got, want, sizeof(got));
}

static void stored_equals_live(void **state)
{
	(void)state;
	struct testdb t;
	int64_t day0 = time_days_from_civil(2026, 3, 1);
	testdb_open(&t, "daily", time_cn_midnight(day0 + 30) + 10 * 3600);
	int64_t county = testdb_unit(&t, 0, "county", "C1", "青川县");
	int64_t town = testdb_unit(&t, county, "town", "T1", "河口镇");
	int64_t va = testdb_unit(&t, town, "village", "VA", "青山村");
	int64_t vb = testdb_unit(&t, town, "village", "VB", "柳溪村");
	int64_t ha = testdb_household(&t, va, 0, "001"), hb = testdb_household(&t, vb, 0, "001");
	villages[0] = va;
	villages[1] = vb;
	for (int i = 0; i < 600; i++) {
		int64_t at = time_cn_midnight(day0) + (int64_t)(rnd() % (31 * 86400));
		bool a = rnd() % 3;
		entry(&t, a ? va : vb, a ? ha : hb, at);
	}
	/* the county's and one village's paths */
	char likes[2][64];
	int64_t ids[2] = {county, va};
	for (int k = 0; k < 2; k++) {
		struct db_stmt *st = db_query(t.db, "SELECT path FROM org_units WHERE id = ?", "i", ids[k]);
		assert_non_null(st);
		assert_int_equal(db_step(st), DB_ROW);
		snprintf(likes[k], sizeof(likes[k]), "%s%%", db_col_text(st, 0));
		db_finalize(st);
	}

	/* ranges: whole days, partial days, a single hour, the whole month and beyond */
	int64_t ranges[40][2];
	int nr = 0;
	ranges[nr][0] = time_cn_midnight(day0 - 3), ranges[nr++][1] = time_cn_midnight(day0 + 35);
	ranges[nr][0] = time_cn_midnight(day0 + 5), ranges[nr++][1] = time_cn_midnight(day0 + 12);
	ranges[nr][0] = time_cn_midnight(day0 + 5) + 3600, ranges[nr++][1] = time_cn_midnight(day0 + 12) - 7200;
	ranges[nr][0] = time_cn_midnight(day0 + 29) + 3600, ranges[nr++][1] = time_cn_midnight(day0 + 29) + 7200;
	while (nr < 40) {
		int64_t a = time_cn_midnight(day0) + (int64_t)(rnd() % (32 * 86400)) - 86400;
		int64_t b = a + (int64_t)(rnd() % (10 * 86400)) + 1;
		if (rnd() % 2) {
			a -= (a + 8 * 3600) % 86400;   /* some on midnight */
			b -= (b + 8 * 3600) % 86400;
			if (b <= a)
				b = a + 86400;
		}
		ranges[nr][0] = a, ranges[nr++][1] = b;
	}
	static struct sums live[2][40];
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < nr; i++)
			live[k][i] = read_sums(&t, likes[k], ranges[i][0], ranges[i][1]);

	/* the job stores the 30 days before today; again, nothing */
	int64_t days = 0;
	assert_int_equal(daily_fill(&t.c, &days), RC_OK);
	assert_int_equal(days, 30);
	assert_int_equal(daily_fill(&t.c, &days), RC_OK);
	assert_int_equal(days, 0);
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < nr; i++)
			compare(&t, likes[k], &live[k][i], ranges[i][0], ranges[i][1]);
	struct daily_report rep;
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.days, 30);
	assert_int_equal(rep.differences, 0);

	/* a late entry on a stored day: the day is unmarked and read from the ledger */
	int64_t late_day = day0 + 7;
	int64_t marked = -1;
	entry(&t, va, ha, time_cn_midnight(late_day) + 12 * 3600);
	assert_int_equal(db_get_int(t.db, &marked, "SELECT count(*) FROM dash_days WHERE day = ?", "i", late_day), DB_OK);
	assert_int_equal(marked, 0);
	struct sums before = read_sums(&t, likes[0], ranges[0][0], ranges[0][1]);
	assert_memory_not_equal(&before, &live[0][0], sizeof(before));
	assert_int_equal(daily_fill(&t.c, &days), RC_OK);
	assert_int_equal(days, 1);
	compare(&t, likes[0], &before, ranges[0][0], ranges[0][1]);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.differences, 0);

	/* a stored figure changed behind the ledger's back: verify names it */
	assert_int_equal(db_run(t.db, "UPDATE dash_points_daily SET pos = pos + 1 WHERE day = ?", "i", day0 + 3), DB_OK);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_true(rep.differences > 0);
	assert_int_equal(rep.day, day0 + 3);
	/* and a rebuild puts it right */
	assert_int_equal(daily_rebuild(&t.c, &days), RC_OK);
	assert_int_equal(days, 30);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.differences, 0);
	assert_int_equal(rep.unit_differences, 0);
	compare(&t, likes[0], &before, ranges[0][0], ranges[0][1]);
	/* a town's or county's own rows (read for the county's sums above) changed: named */
	assert_int_equal(db_run(t.db, "UPDATE dash_points_units SET n = n + 1 WHERE day = ? AND unit_id = ?", "ii",
				day0 + 4, town),
			 DB_OK);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.differences, 0);
	assert_true(rep.unit_differences > 0);
	assert_int_equal(rep.unit_id, town);
	assert_int_equal(rep.unit_day, day0 + 4);
	testdb_close(&t);
}

/* distinct households with an earning entry in [d0, d1) (days), in the villages of like */
static int64_t took_part(struct testdb *t, const char *like, int64_t d0, int64_t d1)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(t->db, &n,
				    "SELECT count(*) FROM (SELECT DISTINCT l.village_id, l.household_id FROM ledger l "
				    "JOIN org_units o ON o.id = l.village_id WHERE o.path LIKE ? AND l.at >= ? AND l.at < ? "
				    "AND l.source IN ('claim', 'award', 'activity')) x",
				    "tii", like, time_cn_midnight(d0), time_cn_midnight(d1)),
			 DB_OK);
	return n;
}

static int sum_kept(struct ctx *c, int64_t village_id, int64_t households, void *arg)
{
	(void)c;
	(void)village_id;
	*(int64_t *)arg += households;
	return RC_OK;
}

static void participation_periods(void **state)
{
	(void)state;
	struct testdb t;
	/* Sunday 2026-05-17 10:00: March and April over, and the weeks up to 05-11 */
	int64_t day0 = time_days_from_civil(2026, 3, 2);   /* a Monday */
	int64_t today = time_days_from_civil(2026, 5, 17);
	testdb_open(&t, "participation", time_cn_midnight(today) + 10 * 3600);
	int64_t county = testdb_unit(&t, 0, "county", "C1", "青川县");
	int64_t town = testdb_unit(&t, county, "town", "T1", "河口镇");
	int64_t va = testdb_unit(&t, town, "village", "VA", "青山村");
	int64_t vb = testdb_unit(&t, town, "village", "VB", "柳溪村");
	int64_t hh[2][12];
	for (int i = 0; i < 12; i++) {
		char no[8];
		snprintf(no, sizeof(no), "%03d", i + 1);
		hh[0][i] = testdb_household(&t, va, 0, no);
		hh[1][i] = testdb_household(&t, vb, 0, no);
	}
	for (int i = 0; i < 900; i++) {
		int v = (int)(rnd() % 2);
		entry(&t, v ? vb : va, hh[v][rnd() % 12], time_cn_midnight(day0) + (int64_t)(rnd() % ((today - day0 + 1) * 86400)));
	}
	char like[64];
	struct db_stmt *st = db_query(t.db, "SELECT path || '%' FROM org_units WHERE id = ?", "i", county);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(like, sizeof(like), "%s", db_col_text(st, 0));
	db_finalize(st);
	/* buckets: the 11 weeks from day0 (the last is this week), and March to May */
	int64_t weeks[12], months[4] = {time_days_from_civil(2026, 3, 1), time_days_from_civil(2026, 4, 1),
					 time_days_from_civil(2026, 5, 1), time_days_from_civil(2026, 6, 1)};
	for (int i = 0; i < 12; i++)
		weeks[i] = day0 + 7 * i;
	bool done[11];
	int64_t got[11];
	assert_int_equal(participation_stored(&t.c, like, weeks, 11, done, got), RC_OK);
	for (int i = 0; i < 11; i++)
		assert_false(done[i]);

	int64_t days = 0;
	assert_int_equal(daily_fill(&t.c, &days), RC_OK);
	assert_int_equal(participation_stored(&t.c, like, weeks, 11, done, got), RC_OK);
	for (int i = 0; i < 11; i++) {
		assert_int_equal(done[i], i < 10);   /* this week is not over */
		if (done[i])
			assert_int_equal(got[i], took_part(&t, like, weeks[i], weeks[i + 1]));
	}
	assert_int_equal(participation_stored(&t.c, like, months, 3, done, got), RC_OK);
	assert_true(done[0] && done[1] && !done[2]);
	assert_int_equal(got[0], took_part(&t, like, months[0], months[1]));
	assert_int_equal(got[1], took_part(&t, like, months[1], months[2]));
	struct daily_report rep;
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.participation.periods, 2 + 10);
	assert_int_equal(rep.participation.differences, 0);

	/* a late earning entry of a new household in the week of 04-06: it and April unmarked */
	int64_t late = time_days_from_civil(2026, 4, 8);
	int64_t fresh = testdb_household(&t, va, 0, "099");
	seq_no++;
	assert_int_equal(db_run(t.db,
				"INSERT INTO ledger (village_id, seq, household_id, source, category, spendable, honour, at, "
				"prev_hash, hash) VALUES (?, ?, ?, 'award', '人居环境', 5, 5, ?, '', '')",
				"iiii", va, seq_no, fresh, time_cn_midnight(late) + 3600),
			 DB_OK);
	assert_int_equal(participation_stored(&t.c, like, months, 3, done, got), RC_OK);
	assert_true(done[0] && !done[1]);
	assert_int_equal(participation_stored(&t.c, like, weeks, 11, done, got), RC_OK);
	for (int i = 0; i < 10; i++)
		assert_int_equal(done[i], weeks[i] != late - 2);   /* 04-06 is that week's Monday */
	assert_int_equal(daily_fill(&t.c, &days), RC_OK);
	assert_int_equal(participation_stored(&t.c, like, months, 3, done, got), RC_OK);
	assert_true(done[1]);
	assert_int_equal(got[1], took_part(&t, like, months[1], months[2]));
	/* an entry on the first day of May unmarks May alone, not April (30 days) before it */
	seq_no++;
	assert_int_equal(db_run(t.db,
				"INSERT INTO ledger (village_id, seq, household_id, source, category, spendable, honour, at, "
				"prev_hash, hash) VALUES (?, ?, ?, 'award', '人居环境', 5, 5, ?, '', '')",
				"iiii", va, seq_no, hh[0][0], time_cn_midnight(months[2]) + 3600),
			 DB_OK);
	assert_int_equal(participation_stored(&t.c, like, months, 3, done, got), RC_OK);
	assert_true(done[0] && done[1] && !done[2]);

	/* the households kept for this month as the ledger is written; March's dropped by the
	 * job (its count is stored), April's and May's kept */
	bool have = false;
	int64_t kept = 0;
	assert_int_equal(participation_month(&t.c, like, months[2], &have, sum_kept, &kept), RC_OK);
	assert_true(have);
	assert_int_equal(kept, took_part(&t, like, months[2], months[3]));
	kept = 0;
	assert_int_equal(participation_month(&t.c, like, months[1], &have, sum_kept, &kept), RC_OK);
	assert_true(have);
	assert_int_equal(kept, took_part(&t, like, months[1], months[2]));
	assert_int_equal(participation_month(&t.c, like, months[0], &have, sum_kept, &kept), RC_OK);
	assert_false(have);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.participation.months, 2);
	assert_int_equal(rep.participation.differences, 0);
	/* the late entry's household taken out of April's: named, and rebuilt */
	assert_int_equal(db_run(t.db, "DELETE FROM dash_month_participants WHERE month_start = ? AND household_id = ?", "ii",
				months[1], fresh),
			 DB_OK);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.participation.differences, 1);
	assert_true(rep.participation.kept);
	assert_int_equal(rep.participation.start_day, months[1]);
	assert_int_equal(daily_rebuild(&t.c, &days), RC_OK);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.participation.differences, 0);

	/* a stored count changed behind the ledger's back: verify names it, rebuild mends */
	assert_int_equal(db_run(t.db, "UPDATE dash_participation SET households = households + 1 "
				      "WHERE kind = 'week' AND start_day = ? AND village_id = ?",
				"ii", weeks[3], vb),
			 DB_OK);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.participation.differences, 1);
	assert_int_equal(rep.participation.village_id, vb);
	assert_int_equal(rep.participation.start_day, weeks[3]);
	assert_true(rep.participation.week);
	assert_int_equal(daily_rebuild(&t.c, &days), RC_OK);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.participation.differences, 0);
	assert_int_equal(rep.participation.periods, 2 + 10);
	testdb_close(&t);
}

/* the households counted by village and group as they are written, moved, removed */
static void household_counts_kept(void **state)
{
	(void)state;
	struct testdb t;
	testdb_open(&t, "hhcounts", time_cn_midnight(time_days_from_civil(2026, 5, 17)));
	int64_t county = testdb_unit(&t, 0, "county", "C1", "青川县");
	int64_t town = testdb_unit(&t, county, "town", "T1", "河口镇");
	int64_t va = testdb_unit(&t, town, "village", "VA", "青山村");
	int64_t vb = testdb_unit(&t, town, "village", "VB", "柳溪村");
	int64_t ga = testdb_unit(&t, va, "group", "G1", "第一组");
	int64_t h[6];
	for (int i = 0; i < 6; i++) {
		char no[8];
		snprintf(no, sizeof(no), "%03d", i + 1);
		h[i] = testdb_household(&t, i < 4 ? va : vb, i < 2 ? ga : 0, no);
	}
	struct daily_report rep;
	int64_t n = -1;
	const char *count = "SELECT COALESCE(SUM(households), 0) FROM household_counts WHERE village_id = ? AND group_id = ?";
	assert_int_equal(db_get_int(t.db, &n, count, "ii", va, ga), DB_OK);
	assert_int_equal(n, 2);
	/* moved out of the group, moved to the other village, removed */
	assert_int_equal(db_run(t.db, "UPDATE households SET group_id = NULL WHERE id = ?", "i", h[0]), DB_OK);
	assert_int_equal(db_run(t.db, "UPDATE households SET village_id = ?, number = '099' WHERE id = ?", "ii", vb, h[2]),
			 DB_OK);
	assert_int_equal(db_run(t.db, "UPDATE households SET address = '新地址' WHERE id = ?", "i", h[3]), DB_OK);
	assert_int_equal(db_run(t.db, "DELETE FROM households WHERE id = ?", "i", h[5]), DB_OK);
	assert_int_equal(db_get_int(t.db, &n, count, "ii", va, ga), DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_get_int(t.db, &n, count, "ii", va, (int64_t)0), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(db_get_int(t.db, &n, count, "ii", vb, (int64_t)0), DB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.count_differences, 0);
	/* a count changed behind the households' back: named, and a rebuild recounts */
	assert_int_equal(db_run(t.db, "UPDATE household_counts SET households = households + 1 WHERE village_id = ?", "i", vb),
			 DB_OK);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.count_differences, 2);
	assert_int_equal(rep.count_village_id, vb);
	int64_t days;
	assert_int_equal(daily_rebuild(&t.c, &days), RC_OK);
	assert_int_equal(daily_verify(&t.c, &rep), RC_OK);
	assert_int_equal(rep.count_differences, 0);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stored_equals_live),
		cmocka_unit_test(participation_periods),
		cmocka_unit_test(household_counts_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
