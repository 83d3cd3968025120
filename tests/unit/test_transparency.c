/* Unit tests for the legal rhythm of 三务公开: parsing periods, their due days (the 20th
 * of the month after a quarter or month, major matters N days after the decision,
 * across a year's end and February), walking back through periods, and the board's
 * judgement of villages on time, late and missing over a real database. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/transparency/transparency.h"
#include "testdb.h"
#include "util/timeutil.h"

static int64_t day(int y, int m, int d)
{
	return time_days_from_civil(y, m, d);
}

static void test_parse(void **state)
{
	(void)state;
	struct disc_period p;
	assert_int_equal(transparency_parse_period("2026-Q3", &p), 0);
	assert_int_equal(p.type, DISC_QUARTER);
	assert_int_equal(p.first, day(2026, 7, 1));
	assert_int_equal(p.last, day(2026, 9, 30));
	assert_int_equal(transparency_parse_period("2026-02", &p), 0);
	assert_int_equal(p.type, DISC_MONTH);
	assert_int_equal(p.last, day(2026, 2, 28));
	assert_int_equal(transparency_parse_period("2028-02", &p), 0);
	assert_int_equal(p.last, day(2028, 2, 29));
	assert_int_equal(transparency_parse_period("2026-10-15", &p), 0);
	assert_int_equal(p.type, DISC_DATE);
	assert_int_equal(p.first, p.last);
	const char *bad[] = {"", "2026", "2026-Q0", "2026-Q5", "2026-13", "2026-00", "2026-1", "26-Q1", "2026-02-30",
			     "1999-Q1", "2026-Q1 ", "2026-q1", "2026/10"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(transparency_parse_period(bad[i], &p), -1);
	assert_int_equal(transparency_parse_period(NULL, &p), -1);
}

static void test_due(void **state)
{
	(void)state;
	struct disc_period p;
	/* quarters: by the 20th of the quarter's following month, the next year for Q4 */
	transparency_parse_period("2026-Q1", &p);
	assert_int_equal(transparency_due(&p, 5), day(2026, 4, 20));
	transparency_parse_period("2026-Q3", &p);
	assert_int_equal(transparency_due(&p, 5), day(2026, 10, 20));
	transparency_parse_period("2026-Q4", &p);
	assert_int_equal(transparency_due(&p, 5), day(2027, 1, 20));
	/* months: by the 20th of the next month */
	transparency_parse_period("2026-01", &p);
	assert_int_equal(transparency_due(&p, 5), day(2026, 2, 20));
	transparency_parse_period("2026-12", &p);
	assert_int_equal(transparency_due(&p, 5), day(2027, 1, 20));
	/* a major matter: N days after its decision, over a month's end */
	transparency_parse_period("2026-10-29", &p);
	assert_int_equal(transparency_due(&p, 5), day(2026, 11, 3));
	assert_int_equal(transparency_due(&p, 0), day(2026, 10, 29));
}

static void test_walk(void **state)
{
	(void)state;
	struct disc_period p, q;
	transparency_quarter_of(day(2026, 1, 5), &p);
	assert_string_equal(p.text, "2026-Q1");
	transparency_prev(&p, &q);
	assert_string_equal(q.text, "2025-Q4");
	transparency_month_of(day(2026, 3, 31), &p);
	assert_string_equal(p.text, "2026-03");
	transparency_prev(&p, &q);
	assert_string_equal(q.text, "2026-02");
	transparency_month_of(day(2026, 1, 1), &p);
	transparency_prev(&p, &q);
	assert_string_equal(q.text, "2025-12");
}

static struct disc_slot *find(struct disc_board *b, const char *kind, const char *period)
{
	for (int i = 0; i < b->villages[0].nslots; i++)
		if (!strcmp(b->villages[0].slots[i].kind, kind) && !strcmp(b->villages[0].slots[i].period, period))
			return &b->villages[0].slots[i];
	return NULL;
}

static void test_board(void **state)
{
	(void)state;
	struct testdb t;
	/* the clock: 2026-11-05 10:00 in Asia/Shanghai */
	testdb_open(&t, "transparency", time_cn_midnight(day(2026, 11, 5)) + 10 * 3600);
	int64_t county = testdb_unit(&t, 0, "county", "TC", "测试县");
	int64_t town = testdb_unit(&t, county, "town", "TT", "测试镇");
	int64_t village = testdb_unit(&t, town, "village", "TV", "测试村");
	struct actor a = {.user_id = testdb_user(&t, "13800000001", "测试干部")};
	t.c.actor = &a;   /* the author; the system context may do everything */
	assert_int_equal(transparency_settings_put(&t.c, county, 5, "2026-08-01", 0, NULL), RC_OK);

	/* 2026-Q3 村务 published on 10-23: three days late; 党务 on time on 10-20 */
	struct disc_input in = {.village_id = village, .kind = "village", .category = "低保", .period = "2026-Q3",
				.title = "三季度村务", .body = "内容"};
	int64_t id;
	bool replayed;
	int64_t now = t.c.now;
	t.c.now = time_cn_midnight(day(2026, 10, 23)) + 9 * 3600;
	assert_int_equal(transparency_publish(&t.c, &in, &id, &replayed), RC_OK);
	in.kind = "party";
	t.c.now = time_cn_midnight(day(2026, 10, 20)) + 23 * 3600;
	assert_int_equal(transparency_publish(&t.c, &in, &id, &replayed), RC_OK);
	/* a major matter decided 10-25, published 11-02: 3 days after its due day 10-30 */
	in.kind = "village";
	in.period = "2026-10-25";
	t.c.now = time_cn_midnight(day(2026, 11, 2)) + 9 * 3600;
	assert_int_equal(transparency_publish(&t.c, &in, &id, &replayed), RC_OK);
	t.c.now = now;

	struct disc_board b;
	assert_int_equal(transparency_board(&t.c, village, &b), RC_OK);
	assert_int_equal(b.nvillages, 1);
	struct disc_slot *s = find(&b, "village", "2026-Q3");
	assert_non_null(s);
	assert_string_equal(s->state, "late");
	assert_int_equal(s->late_days, 3);
	s = find(&b, "party", "2026-Q3");
	assert_string_equal(s->state, "on_time");
	s = find(&b, "finance", "2026-Q3");
	assert_string_equal(s->state, "missing");
	assert_int_equal(s->late_days, 16);   /* 10-20 → 11-05 */
	s = find(&b, "village", "2026-10-25");
	assert_non_null(s);
	assert_true(s->major);
	assert_string_equal(s->state, "late");
	assert_int_equal(s->late_days, 3);
	s = find(&b, "village", "2026-Q4");
	assert_string_equal(s->state, "pending");
	assert_null(find(&b, "village", "2026-Q2"));   /* due 07-20, before the schedule starts */
	testdb_reset(&t);

	/* busy villages publish finance monthly: 2026-09 (due 10-20) is missing */
	assert_int_equal(transparency_settings_put(&t.c, county, 5, "2026-08-01", 1, &village), RC_OK);
	assert_int_equal(transparency_board(&t.c, town, &b), RC_OK);
	s = find(&b, "finance", "2026-09");
	assert_non_null(s);
	assert_string_equal(s->state, "missing");
	assert_null(find(&b, "finance", "2026-Q3"));
	assert_int_equal(b.villages[0].missing, 3);   /* 2026-07 … 2026-09 (due 08-20 … 10-20) */
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_board),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
