/* Unit tests for rankings and statistics: period parsing and bounds, ranks with ties
 * and natural household-number order, the red list boundary, the black list without
 * reversed deductions, publishing once and only after the period, the snapshot read
 * back exactly (text that needs JSON escaping included), the poster escaping its
 * text, the points statistics and the stored totals the ranking reads (checked by
 * verify). Each test gets a fresh SQLite file. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/dashboards/stats.h"
#include "domain/points/ledger.h"
#include "domain/points/rankings.h"
#include "testdb.h"
#include "util/timeutil.h"

static int64_t cn(int y, int m, int d)
{
	return time_cn_midnight(time_days_from_civil(y, m, d));
}

static void period_parsing(void **state)
{
	struct ranking_period p;
	assert_int_equal(rankings_parse_period("2026-11", &p), 0);
	assert_string_equal(p.label, "2026年11月");
	assert_true(p.start == cn(2026, 11, 1) && p.end == cn(2026, 12, 1));
	assert_int_equal(rankings_parse_period("2026-12", &p), 0);
	assert_true(p.start == cn(2026, 12, 1) && p.end == cn(2027, 1, 1));
	assert_int_equal(rankings_parse_period("2026-Q4", &p), 0);
	assert_string_equal(p.label, "2026年第四季度");
	assert_true(p.start == cn(2026, 10, 1) && p.end == cn(2027, 1, 1));
	assert_int_equal(rankings_parse_period("2028-Q1", &p), 0);
	assert_true(p.start == cn(2028, 1, 1) && p.end == cn(2028, 4, 1));
	assert_int_equal(rankings_parse_period("2026", &p), 0);
	assert_string_equal(p.label, "2026年度");
	assert_true(p.start == cn(2026, 1, 1) && p.end == cn(2027, 1, 1));
	/* midnight in Shanghai is 16:00 UTC the day before */
	assert_int_equal(p.start % 86400, 16 * 3600);
	static const char *const bad[] = {"", "26", "2026-1", "2026-00", "2026-13", "2026-Q0", "2026-Q5",
					  "2026-q4", "2026/11", "1999", "2200", "2026-11-01", "２０２６",
					  "2026-1a", " 2026", NULL};
	for (int i = 0; bad[i]; i++)
		assert_int_equal(rankings_parse_period(bad[i], &p), -1);
	assert_int_equal(rankings_parse_period(NULL, &p), -1);
}

struct fixture {
	struct testdb t;
	struct actor cadre;
	int64_t county, town, village, village2, group;
	int64_t hh[8];
};

static void reset(struct fixture *f)
{
	testdb_reset(&f->t);
}

/* A household with its head (none when head is NULL). */
static int64_t household(struct fixture *f, int64_t village, int64_t group, const char *number, const char *head)
{
	int64_t id = testdb_household(&f->t, village, group, number);
	if (head) {
		char hash[32];
		snprintf(hash, sizeof(hash), "h%lld", (long long)id);
		assert_int_equal(db_run(f->t.db,
					"INSERT INTO residents (household_id, name, gender, birth_date, idcard_enc, "
					"idcard_hash, idcard_mask, relation, created_at, updated_at) "
					"VALUES (?, ?, 1, '1970-01-01', '', ?, '', '户主', 0, 0)",
					"itt", id, head, hash),
				 DB_OK);
	}
	return id;
}

/* One ledger entry at time at. */
static int64_t entry(struct fixture *f, int64_t village, int64_t hh, const char *source, const char *category,
		     int64_t points, int64_t at)
{
	int64_t save = f->t.c.now, id = 0;
	f->t.c.now = at;
	struct ledger_input in = {.village_id = village, .household_id = hh, .source = source,
				  .rule_name = "事项", .category = category, .spendable = points,
				  .honour = strcmp(source, "redemption") ? points : 0, .note = ""};
	reset(f);
	assert_int_equal(db_begin(f->t.db), DB_OK);
	assert_int_equal(ledger_append(&f->t.c, &in, &id), RC_OK);
	assert_int_equal(db_commit(f->t.db), DB_OK);
	f->t.c.now = save;
	return id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	struct testdb *t = &f->t;
	testdb_open(t, "rankings", cn(2026, 11, 23) + 10 * 3600);
	f->county = testdb_unit(t, 0, "county", "C1", "青川县");
	f->town = testdb_unit(t, f->county, "town", "T1", "河口镇");
	f->village = testdb_unit(t, f->town, "village", "V1", "青山村");
	f->village2 = testdb_unit(t, f->town, "village", "V2", "柳溪村");
	f->group = testdb_unit(t, f->village, "group", "V1G1", "第一组");
	/* numbers that sort differently as text and as numbers, and text to escape */
	static const char *const numbers[] = {"9", "10", "2", "1", "3", "<b>&\"x\\", "7"};
	static const char *const heads[] = {"张三丰", "李四", "王五", "欧阳小明", NULL, "赵\"六\\", "钱七"};
	for (int i = 0; i < 7; i++)
		f->hh[i] = household(f, f->village, i < 3 ? f->group : 0, numbers[i], heads[i]);
	f->hh[7] = household(f, f->village2, 0, "0001", "孙八");
	f->cadre.user_id = testdb_user(t, "13800000000", "李国华");
	f->t.c.actor = &f->cadre;   /* the system context decides; the actor names the publisher */

	int64_t in = cn(2026, 11, 5), before = cn(2026, 10, 31) + 86399, after = cn(2026, 12, 1);
	entry(f, f->village, f->hh[0], "award", "平安建设", 20, in);      /* "9": 20 */
	entry(f, f->village, f->hh[1], "claim", "集体活动", 5, in);       /* "10": 20 */
	entry(f, f->village, f->hh[1], "activity", "集体活动", 15, in);
	entry(f, f->village, f->hh[2], "award", "平安建设", 20, in);      /* "2": 20 */
	entry(f, f->village, f->hh[3], "award", "平安建设", 30, in);      /* "1": 30 − 5 = 25 */
	entry(f, f->village, f->hh[3], "deduction", "扣分事项", -5, in);
	int64_t wrong = entry(f, f->village, f->hh[4], "deduction", "扣分事项", -10, in); /* "3": reversed */
	entry(f, f->village, f->hh[5], "claim", "家庭教育", 3, in);       /* escaping: 3 */
	entry(f, f->village, f->hh[5], "redemption", "", -2, in);         /* spending is not honour */
	entry(f, f->village, f->hh[6], "award", "平安建设", 50, before);  /* outside the month */
	entry(f, f->village, f->hh[6], "award", "平安建设", 50, after);
	entry(f, f->village2, f->hh[7], "award", "平安建设", 10, in);     /* another village */
	struct ledger_correction fix;
	reset(f);
	assert_int_equal(ledger_correct(&f->t.c, wrong, "误扣", &fix), RC_OK);   /* at now, 11-23 */
	assert_false(fix.pending);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testdb_close(&f->t);
	free(f);
	return 0;
}

static const struct ranking_row *row_of(const struct ranking *r, int64_t hh)
{
	for (int i = 0; i < r->nrows; i++)
		if (r->rows[i].household_id == hh)
			return &r->rows[i];
	return NULL;
}

static void live_ranking(void **state)
{
	struct fixture *f = *state;
	struct ranking r;
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->village, "2026-11", &r), RC_OK);
	assert_int_equal(r.nrows, 7);
	/* "1": 25; then "2", "9", "10" tied at 20, in number order (not text order) */
	static const char *const order[] = {"1", "2", "9", "10"};
	assert_string_equal(r.rows[0].household_number, order[0]);
	assert_int_equal(r.rows[0].points, 25);
	assert_int_equal(r.rows[0].rank, 1);
	for (int i = 1; i < 4; i++) {
		assert_string_equal(r.rows[i].household_number, order[i]);
		assert_int_equal(r.rows[i].rank, 2);
		assert_int_equal(r.rows[i].points, 20);
	}
	/* the correction (+10 for "3") counts in November; "3" has 0 then, like "7" */
	assert_int_equal(row_of(&r, f->hh[5])->points, 3);
	assert_int_equal(row_of(&r, f->hh[5])->rank, 5);
	assert_int_equal(row_of(&r, f->hh[4])->points, 0);
	assert_int_equal(row_of(&r, f->hh[6])->points, 0);
	assert_int_equal(row_of(&r, f->hh[4])->rank, 6);
	assert_string_equal(r.rows[5].household_number, "3");
	assert_string_equal(r.rows[6].household_number, "7");
	/* masked head names; none for a household without a head */
	assert_string_equal(row_of(&r, f->hh[0])->name, "张*丰");
	assert_string_equal(row_of(&r, f->hh[3])->name, "欧**明");
	assert_string_equal(row_of(&r, f->hh[4])->name, "");
	/* red list of 10: everybody with points; black list: "1" only ("3" was reversed) */
	assert_int_equal(r.nred, 5);
	assert_int_equal(r.nblack, 1);
	assert_int_equal(r.black[0].household_id, f->hh[3]);
	assert_int_equal(r.black[0].points, -5);
	assert_int_equal(r.black[0].deductions, 1);
	assert_int_equal(r.ledger_count, 12);

	/* a red list of 2 keeps the three tied at rank 2 */
	assert_int_equal(db_run(f->t.db, "INSERT INTO village_settings (village_id, red_list_size, updated_at) "
				       "VALUES (?, 2, 0)", "i", f->village), DB_OK);
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->village, "2026-11", &r), RC_OK);
	assert_int_equal(r.red_list_size, 2);
	assert_int_equal(r.nred, 4);
	/* a group ranks its own households only */
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->group, "2026-Q4", &r), RC_OK);
	assert_int_equal(r.nrows, 3);
	assert_string_equal(r.unit_kind, "group");
	assert_int_equal(r.village_id, f->village);
	assert_string_equal(r.rows[0].household_number, "2");
	assert_string_equal(r.rows[2].household_number, "10");
	/* the year holds the entries of October and December too */
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->village, "2026", &r), RC_OK);
	assert_int_equal(r.rows[0].points, 100);
	assert_string_equal(r.rows[0].household_number, "7");
	/* a town ranks the households of all its villages, each naming its village */
	reset(f);
	struct ranking v;
	assert_int_equal(rankings_live(&f->t.c, f->village, "2026-Q4", &v), RC_OK);
	assert_int_equal(rankings_live(&f->t.c, f->town, "2026-Q4", &r), RC_OK);
	assert_string_equal(r.unit_kind, "town");
	assert_null(r.village_name);
	assert_true(r.nrows > v.nrows);
	assert_int_equal(r.rows[0].points, v.rows[0].points);
	for (int i = 0; i < r.nrows; i++)
		assert_true(!strcmp(r.rows[i].village_name, "青山村") || !strcmp(r.rows[i].village_name, "柳溪村"));
	/* bad input names the field */
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->county, "2026-11", &r), RC_INVALID);
	assert_string_equal(f->t.c.err.fields[0].field, "unit_id");
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, 0, "2026-13", &r), RC_INVALID);
	assert_int_equal(f->t.c.err.nfields, 2);
}

static void publish_and_read_back(void **state)
{
	struct fixture *f = *state;
	int64_t id;
	reset(f);
	assert_int_equal(rankings_publish(&f->t.c, f->village, "2026-11", &id), RC_CONFLICT);  /* not over */
	f->t.c.now = cn(2026, 12, 2);
	struct ranking live, pub;
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->village, "2026-11", &live), RC_OK);
	reset(f);
	assert_int_equal(rankings_publish(&f->t.c, f->village, "2026-11", &id), RC_OK);
	reset(f);
	int64_t again;
	assert_int_equal(rankings_publish(&f->t.c, f->village, "2026-11", &again), RC_CONFLICT);
	assert_int_equal(again, 0);
	assert_non_null(strstr(f->t.c.err.message, "不能重复发布"));
	reset(f);
	assert_int_equal(rankings_get(&f->t.c, id, &pub), RC_OK);
	assert_int_equal(pub.id, id);
	assert_int_equal(pub.published_by, f->cadre.user_id);
	assert_string_equal(pub.village_name, "青山村");
	assert_string_equal(pub.period.label, "2026年11月");
	assert_true(pub.period.start == live.period.start && pub.period.end == live.period.end);
	assert_int_equal(pub.nrows, live.nrows);
	assert_int_equal(pub.nred, live.nred);
	assert_int_equal(pub.nblack, live.nblack);
	assert_string_equal(pub.ledger_hash, live.ledger_hash);
	for (int i = 0; i < pub.nrows; i++) {
		assert_int_equal(pub.rows[i].rank, live.rows[i].rank);
		assert_int_equal(pub.rows[i].household_id, live.rows[i].household_id);
		assert_string_equal(pub.rows[i].household_number, live.rows[i].household_number);
		assert_string_equal(pub.rows[i].name, live.rows[i].name);
		assert_int_equal(pub.rows[i].points, live.rows[i].points);
	}
	/* a group of the village publishes its own */
	reset(f);
	assert_int_equal(rankings_publish(&f->t.c, f->group, "2026-11", &id), RC_OK);
	struct ranking_summary *list;
	int n;
	int64_t total;
	reset(f);
	assert_int_equal(rankings_published_list(&f->t.c, f->village, 50, 0, &list, &n, &total), RC_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].unit_kind, "village");
	assert_string_equal(list[1].unit_kind, "group");
	reset(f);
	assert_int_equal(rankings_published_list(&f->t.c, f->group, 50, 0, &list, &n, &total), RC_NOT_FOUND);

	/* the poster escapes text and carries the QR code */
	struct buf html;
	buf_init(&html, 1u << 20);
	reset(f);
	assert_int_equal(rankings_poster_html(&f->t.c, pub.id, "http://example.cn/p?a=1&b=2", &html), RC_OK);
	assert_non_null(strstr(html.ptr, "<h1>青山村 2026年11月 红黑榜</h1>"));
	assert_non_null(strstr(html.ptr, "&lt;b&gt;&amp;&quot;x\\"));
	assert_null(strstr(html.ptr, "<b>&"));
	assert_non_null(strstr(html.ptr, "http://example.cn/p?a=1&amp;b=2"));
	assert_non_null(strstr(html.ptr, "<svg"));
	assert_null(strstr(html.ptr, "<?xml"));
	buf_reset(&html);
	reset(f);
	assert_int_equal(rankings_poster_html(&f->t.c, pub.id, NULL, &html), RC_OK);
	assert_null(strstr(html.ptr, "<svg"));
	buf_release(&html);
}

static void points_stats(void **state)
{
	struct fixture *f = *state;
	struct stats_points s;
	reset(f);
	assert_int_equal(stats_points(&f->t.c, f->village, "2026-11", &s), RC_OK);
	/* issued: 20 + 5 + 15 + 20 + 30 + 3; deducted: 5 + 10 */
	assert_int_equal(s.issued, 93);
	assert_int_equal(s.deducted, 15);
	assert_int_equal(s.credited, 8);
	assert_int_equal(s.credited_points, 78);
	assert_int_equal(s.spent, 2);
	assert_int_equal(s.corrections, 1);
	assert_int_equal(s.corrected_points, 10);
	assert_int_equal(s.households, 7);
	assert_int_equal(s.participating, 5);   /* "3" had only a deduction; "7" nothing in November */
	assert_int_equal(s.nunits, 0);
	/* categories in catalog order */
	assert_int_equal(s.ncategories, 4);
	assert_string_equal(s.categories[0].category, "家庭教育");
	assert_string_equal(s.categories[1].category, "集体活动");
	assert_string_equal(s.categories[2].category, "平安建设");
	assert_string_equal(s.categories[3].category, "扣分事项");
	assert_int_equal(s.categories[1].credited, 2);
	assert_int_equal(s.categories[3].deducted, 15);

	reset(f);
	assert_int_equal(stats_points(&f->t.c, f->county, "2026-Q4", &s), RC_OK);
	assert_int_equal(s.issued, 93 + 10 + 100);
	assert_int_equal(s.households, 8);
	assert_int_equal(s.participating, 7);
	assert_int_equal(s.nunits, 3);
	assert_string_equal(s.units[0].kind, "town");
	assert_int_equal(s.units[0].households, 8);
	assert_int_equal(s.units[0].participating, 7);
	assert_int_equal(s.units[1].id, f->village);
	assert_int_equal(s.units[1].participating, 6);
	assert_int_equal(s.units[2].participating, 1);

	reset(f);
	assert_int_equal(stats_points(&f->t.c, f->group, "2026-11", &s), RC_INVALID);
	assert_string_equal(f->t.c.err.fields[0].field, "unit_id");
}

/* The stored totals: each period at its China-time bounds, the ranking's sources only in
 * honour, every entry in spendable and entries; verify recomputes them and finds a row
 * changed, missing or added behind the domain's back. */
static void stored_totals(void **state)
{
	struct fixture *f = *state;
	struct ranking r;
	/* 23:59:59 on 31 October (China time) is October, Q4 and 2026; 1 December is not November */
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->village, "2026-10", &r), RC_OK);
	assert_int_equal(row_of(&r, f->hh[6])->points, 50);
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->village, "2026-Q4", &r), RC_OK);
	assert_int_equal(row_of(&r, f->hh[6])->points, 100);
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->village, "2026", &r), RC_OK);
	assert_int_equal(row_of(&r, f->hh[6])->points, 100);
	assert_int_equal(row_of(&r, f->hh[5])->points, 3);   /* the redemption is no honour */
	assert_int_equal(row_of(&r, f->hh[4])->points, 0);   /* the deduction and its correction */
	reset(f);
	assert_int_equal(rankings_live(&f->t.c, f->village, "2027", &r), RC_OK);
	assert_int_equal(row_of(&r, f->hh[6])->points, 0);
	int64_t n = 0, spend = 0;
	assert_int_equal(db_get_int(f->t.db, &spend, "SELECT spendable FROM ledger_totals WHERE household_id = ? "
				    "AND period = '2026'", "i", f->hh[5]), DB_OK);
	assert_int_equal(spend, 1);
	assert_int_equal(db_get_int(f->t.db, &n, "SELECT entries FROM ledger_totals WHERE household_id = ? "
				    "AND period = '2026-Q4'", "i", f->hh[4]), DB_OK);
	assert_int_equal(n, 2);

	struct ledger_report lr;
	reset(f);
	assert_int_equal(ledger_verify(&f->t.c, &lr), RC_OK);
	assert_false(lr.broken);
	static const char *const tamper[][2] = {
		{"UPDATE ledger_totals SET honour = honour + 1 WHERE household_id = ? AND period = '2026-11'",
		 "UPDATE ledger_totals SET honour = honour - 1 WHERE household_id = ? AND period = '2026-11'"},
		{"DELETE FROM ledger_totals WHERE household_id = ? AND period = '2026-Q4'",
		 "INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries) "
		 "VALUES (?, '2026-Q4', 'quarter', 20, 20, 1)"},
		{"INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries) "
		 "VALUES (?, '2025', 'year', 0, 0, 0)",
		 "DELETE FROM ledger_totals WHERE household_id = ? AND period = '2025'"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(tamper); i++) {
		assert_int_equal(db_run(f->t.db, tamper[i][0], "i", f->hh[0]), DB_OK);
		reset(f);
		assert_int_equal(ledger_verify(&f->t.c, &lr), RC_OK);
		assert_true(lr.broken);
		assert_int_equal(lr.household_id, f->hh[0]);
		assert_int_equal(lr.village_id, f->village);
		assert_non_null(strstr(lr.reason, "积分合计与台账不符"));
		assert_int_equal(db_run(f->t.db, tamper[i][1], "i", f->hh[0]), DB_OK);
		reset(f);
		assert_int_equal(ledger_verify(&f->t.c, &lr), RC_OK);
		assert_false(lr.broken);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(period_parsing),
		cmocka_unit_test_setup_teardown(live_ranking, setup, teardown),
		cmocka_unit_test_setup_teardown(publish_and_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(points_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(stored_totals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
