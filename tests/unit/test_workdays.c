/* Unit tests for working-day deadlines: util/workdays over a hand-made calendar, and
 * the events calendar seeded from the build's holiday table (chinese-days), across a
 * public holiday and a 调休 weekend. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/kernel/calendar.h"
#include "testdb.h"
#include "util/timeutil.h"
#include "util/workdays.h"

static int64_t day(int y, int m, int d)
{
	return time_days_from_civil(y, m, d);
}

/* The instant of y-m-d h:00 in Asia/Shanghai. */
static int64_t cn(int y, int m, int d, int h)
{
	return time_cn_midnight(day(y, m, d)) + h * 3600;
}

/* National Day 2026: October 1–7 off, Sunday September 20 and Saturday October 10 worked. */
static int64_t off_2026[] = {0, 0, 0, 0, 0, 0, 0};
static int64_t on_2026[] = {0, 0};

static struct workdays national_day(void)
{
	for (int i = 0; i < 7; i++)
		off_2026[i] = day(2026, 10, 1 + i);
	on_2026[0] = day(2026, 9, 20);
	on_2026[1] = day(2026, 10, 10);
	return (struct workdays){.off = off_2026, .noff = 7, .on = on_2026, .non = 2};
}

static void test_weekday(void **state)
{
	assert_int_equal(workdays_weekday(0), 3);                   /* 1970-01-01 Thursday */
	assert_int_equal(workdays_weekday(day(2026, 12, 5)), 5);    /* Saturday */
	assert_int_equal(workdays_weekday(day(2026, 10, 1)), 3);
	assert_int_equal(workdays_weekday(-1), 2);                  /* 1969-12-31 Wednesday */
}

static void test_plain_weeks(void **state)
{
	/* Friday + 1 working day: the weekend is skipped, due at the end of Monday */
	assert_int_equal(workdays_deadline(NULL, cn(2026, 11, 6, 10), 1), cn(2026, 11, 10, 0));
	/* Monday + 5: the end of the next Monday */
	assert_int_equal(workdays_deadline(NULL, cn(2026, 11, 2, 23), 5), cn(2026, 11, 10, 0));
	/* late on Sunday in Shanghai (still Sunday in UTC too): Monday counts */
	assert_int_equal(workdays_deadline(NULL, cn(2026, 11, 8, 23), 1), cn(2026, 11, 10, 0));
	/* 01:00 Monday in Shanghai is Sunday in UTC: the day is Monday, Tuesday is the first */
	assert_int_equal(workdays_deadline(NULL, cn(2026, 11, 9, 1), 1), cn(2026, 11, 11, 0));
	assert_int_equal(workdays_deadline(NULL, cn(2026, 11, 9, 1), 0), -1);
	assert_int_equal(workdays_deadline(NULL, cn(2026, 11, 9, 1), WORKDAYS_MAX + 1), -1);
}

static void test_holiday_and_swapped_weekend(void **state)
{
	struct workdays w = national_day();
	assert_false(workdays_is_working(&w, day(2026, 10, 1)));   /* Thursday, holiday */
	assert_true(workdays_is_working(&w, day(2026, 9, 20)));    /* Sunday, 调休 */
	assert_true(workdays_is_working(&w, day(2026, 10, 10)));   /* Saturday, 调休 */
	assert_false(workdays_is_working(&w, day(2026, 10, 11)));  /* plain Sunday */
	/* Wednesday 30 September + 1: the holiday week is skipped, Thursday 8 October */
	assert_int_equal(workdays_deadline(&w, cn(2026, 9, 30, 10), 1), cn(2026, 10, 9, 0));
	/* Friday 18 September + 1: Sunday 20 is worked */
	assert_int_equal(workdays_deadline(&w, cn(2026, 9, 18, 10), 1), cn(2026, 9, 21, 0));
	/* Thursday 8 October + 2: Friday 9 and Saturday 10 */
	assert_int_equal(workdays_deadline(&w, cn(2026, 10, 8, 10), 2), cn(2026, 10, 11, 0));
	/* received during the holiday + 3: 8, 9 and 10 October */
	assert_int_equal(workdays_deadline(&w, cn(2026, 10, 3, 9), 3), cn(2026, 10, 11, 0));
	assert_int_equal(workdays_between(&w, day(2026, 9, 30), day(2026, 10, 10)), 3);
	assert_int_equal(workdays_between(&w, day(2026, 10, 10), day(2026, 10, 1)), 0);
}

static void test_seeded_calendar(void **state)
{
	struct testdb t;
	testdb_open(&t, "workdays", cn(2026, 9, 1, 12));
	assert_int_equal(calendar_seed(t.db, t.c.now), DB_OK);
	assert_int_equal(calendar_seed(t.db, t.c.now), DB_OK);   /* a second run changes nothing */
	int64_t due = 0;
	/* the same cases, from the table generated out of chinese-days */
	assert_int_equal(calendar_deadline(&t.c, cn(2026, 9, 30, 10), 1, &due), RC_OK);
	assert_int_equal(due, cn(2026, 10, 9, 0));
	assert_int_equal(calendar_deadline(&t.c, cn(2026, 9, 18, 10), 1, &due), RC_OK);
	assert_int_equal(due, cn(2026, 9, 21, 0));
	/* Spring Festival 2026: February 15–23 off, Saturday 14 and Saturday 28 worked */
	assert_int_equal(calendar_deadline(&t.c, cn(2026, 2, 13, 9), 1, &due), RC_OK);
	assert_int_equal(due, cn(2026, 2, 15, 0));
	assert_int_equal(calendar_deadline(&t.c, cn(2026, 2, 14, 9), 1, &due), RC_OK);
	assert_int_equal(due, cn(2026, 2, 25, 0));
	bool working = false;
	assert_int_equal(calendar_is_working(&t.c, day(2026, 2, 28), &working), RC_OK);
	assert_true(working);
	assert_int_equal(calendar_is_working(&t.c, day(2026, 10, 5), &working), RC_OK);
	assert_false(working);
	/* an edit by the county (as the system here) is kept by a later seed */
	testdb_reset(&t);
	assert_int_equal(calendar_set(&t.c, "2026-10-05", "normal", ""), RC_OK);
	assert_int_equal(db_run(t.db, "DELETE FROM settings WHERE key = 'holiday_seed'", ""), DB_OK);
	assert_int_equal(calendar_seed(t.db, t.c.now), DB_OK);
	assert_int_equal(calendar_is_working(&t.c, day(2026, 10, 5), &working), RC_OK);
	assert_true(working);
	testdb_reset(&t);
	assert_int_equal(calendar_set(&t.c, "2026-13-01", "holiday", ""), RC_INVALID);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_plain_weeks),
		cmocka_unit_test(test_holiday_and_swapped_weekend),
		cmocka_unit_test(test_seeded_calendar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
