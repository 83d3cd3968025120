/* Unit tests for the periods of the meeting frequencies 三会一课: the period holding a
 * day for each frequency, the first and last day of a label (month ends, leap years,
 * quarters across the year), malformed labels, and the frequency a label belongs to. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/party/party.h"
#include "util/timeutil.h"

static int64_t day(int y, int m, int d)
{
	return time_days_from_civil(y, m, d);
}

static void test_period_of(void **state)
{
	(void)state;
	char out[16];
	assert_int_equal(party_period_of(day(2026, 3, 31), "month", out), 0);
	assert_string_equal(out, "2026-03");
	assert_int_equal(party_period_of(day(2026, 3, 31), "quarter", out), 0);
	assert_string_equal(out, "2026-Q1");
	assert_int_equal(party_period_of(day(2026, 4, 1), "quarter", out), 0);
	assert_string_equal(out, "2026-Q2");
	assert_int_equal(party_period_of(day(2026, 12, 31), "quarter", out), 0);
	assert_string_equal(out, "2026-Q4");
	assert_int_equal(party_period_of(day(2027, 1, 1), "year", out), 0);
	assert_string_equal(out, "2027");
	assert_int_equal(party_period_of(day(2026, 1, 1), "week", out), -1);
	assert_int_equal(party_period_of(day(2026, 1, 1), NULL, out), -1);
}

static void test_range(void **state)
{
	(void)state;
	int64_t a, b;
	assert_int_equal(party_period_range("2026-02", &a, &b), 0);
	assert_int_equal(a, day(2026, 2, 1));
	assert_int_equal(b, day(2026, 2, 28));
	assert_int_equal(party_period_range("2028-02", &a, &b), 0);
	assert_int_equal(b, day(2028, 2, 29));
	assert_int_equal(party_period_range("2026-12", &a, &b), 0);
	assert_int_equal(b, day(2026, 12, 31));
	assert_int_equal(party_period_range("2026-Q4", &a, &b), 0);
	assert_int_equal(a, day(2026, 10, 1));
	assert_int_equal(b, day(2026, 12, 31));
	assert_int_equal(party_period_range("2026-Q1", &a, &b), 0);
	assert_int_equal(b, day(2026, 3, 31));
	assert_int_equal(party_period_range("2026", &a, &b), 0);
	assert_int_equal(a, day(2026, 1, 1));
	assert_int_equal(b, day(2026, 12, 31));
	/* every day of a year lies in exactly the period its label names */
	for (int64_t d = day(2026, 1, 1); d <= day(2026, 12, 31); d++) {
		char l[16];
		const char *f[] = {"month", "quarter", "year"};
		for (int i = 0; i < 3; i++) {
			assert_int_equal(party_period_of(d, f[i], l), 0);
			assert_int_equal(party_period_range(l, &a, &b), 0);
			assert_true(a <= d && d <= b);
			assert_string_equal(party_period_freq(l), f[i]);
		}
	}
	const char *bad[] = {"", "26", "2026-Q0", "2026-Q5", "2026-13", "2026-00", "2026-1", "2026-q1", "1899",
			     "2026/10", "2026-03-01", "2026-Q1 "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(party_period_range(bad[i], &a, &b), -1);
		assert_null(party_period_freq(bad[i]));
	}
	assert_int_equal(party_period_range(NULL, &a, &b), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period_of),
		cmocka_unit_test(test_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
