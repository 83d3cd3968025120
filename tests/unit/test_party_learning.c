/* Unit tests for the scoring of learning 学习教育: a single-choice question is right
 * with exactly its one option, a multiple-choice one with exactly the right set (a
 * subset or superset is wrong); the score in percent rounded down; and the study time a
 * session counts: never more than the server's clock allows (with its slack) nor the
 * session's maximum, never less than before, never negative. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/party/party.h"

static void test_single(void **state)
{
	(void)state;
	assert_true(party_quiz_right("single", 0x2, 0x2));
	assert_false(party_quiz_right("single", 0x2, 0x1));
	assert_false(party_quiz_right("single", 0x2, 0x3));   /* two chosen */
	assert_false(party_quiz_right("single", 0x2, 0));     /* none chosen */
	assert_false(party_quiz_right("single", 0, 0));       /* a broken question is never right */
	assert_false(party_quiz_right("single", 0x2, -1));
}

static void test_multiple(void **state)
{
	(void)state;
	assert_true(party_quiz_right("multiple", 0x7, 0x7));
	assert_false(party_quiz_right("multiple", 0x7, 0x3));  /* a subset */
	assert_false(party_quiz_right("multiple", 0x7, 0xf));  /* a superset */
	assert_false(party_quiz_right("multiple", 0x5, 0x4));
	assert_false(party_quiz_right("essay", 0x1, 0x1));
	assert_false(party_quiz_right(NULL, 0x1, 0x1));
}

static void test_score(void **state)
{
	(void)state;
	assert_int_equal(party_quiz_score(2, 3), 66);
	assert_int_equal(party_quiz_score(3, 3), 100);
	assert_int_equal(party_quiz_score(0, 5), 0);
	assert_int_equal(party_quiz_score(4, 5), 80);
	assert_int_equal(party_quiz_score(1, 0), 0);
	assert_int_equal(party_quiz_score(7, 5), 100);   /* never above full marks */
	assert_int_equal(party_quiz_score(-1, 5), 0);
}

static void test_study_seconds(void **state)
{
	(void)state;
	int64_t t0 = 1800000000;
	/* what the phone reports, within the time passed */
	assert_int_equal(party_study_seconds(t0, t0 + 600, 0, 500), 500);
	/* more than has passed: the time passed with the slack */
	assert_int_equal(party_study_seconds(t0, t0 + 10, 0, 1200), 10 + PARTY_STUDY_SLACK);
	/* never below what was counted */
	assert_int_equal(party_study_seconds(t0, t0 + 600, 500, 100), 500);
	/* the session's maximum */
	assert_int_equal(party_study_seconds(t0, t0 + 86400, 0, 86400), PARTY_STUDY_SESSION_MAX);
	/* a negative report counts nothing new */
	assert_int_equal(party_study_seconds(t0, t0 + 600, 0, -5), 0);
	/* a clock behind the start counts nothing beyond the slack */
	assert_int_equal(party_study_seconds(t0, t0 - 100, 0, 50), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_multiple),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_study_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
