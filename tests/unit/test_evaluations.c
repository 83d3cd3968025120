/* Unit tests for the evaluations' score: a member's weighted total in hundredths and the
 * nominee's final score, a mean that drops the highest and the lowest total once the
 * panel has five or more scores, rounded half up. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/evaluations/evaluations.h"

static void member_total(void **state)
{
	(void)state;
	int w[5] = {30, 20, 20, 15, 15};
	int all10[5] = {10, 10, 10, 10, 10};
	assert_int_equal(eval_member_total(all10, w, 5), 1000);
	int mixed[5] = {9, 9, 8, 9, 9};      /* (270+180+160+135+135)/100 = 8.80 */
	assert_int_equal(eval_member_total(mixed, w, 5), 880);
	int w3[3] = {1, 1, 1};
	int s3[3] = {7, 8, 8};               /* 23/3 = 7.666… → 7.67 */
	assert_int_equal(eval_member_total(s3, w3, 3), 767);
	int zero[3] = {0, 0, 0};
	assert_int_equal(eval_member_total(zero, w3, 3), 0);
}

static void small_panels_plain_mean(void **state)
{
	(void)state;
	assert_int_equal(eval_trimmed_mean(NULL, 0), 0);
	int64_t one[1] = {735};
	assert_int_equal(eval_trimmed_mean(one, 1), 735);
	int64_t four[4] = {100, 900, 500, 700};   /* nothing dropped below five: 2200/4 = 550 */
	assert_int_equal(eval_trimmed_mean(four, 4), 550);
	int64_t two[2] = {500, 501};              /* 500.5 rounds half up */
	assert_int_equal(eval_trimmed_mean(two, 2), 501);
}

static void five_or_more_trimmed(void **state)
{
	(void)state;
	/* the outliers 335 and 885 do not count: (700+800+665)/3 = 721.67 → 722 */
	int64_t five[5] = {700, 800, 665, 885, 335};
	assert_int_equal(eval_trimmed_mean(five, 5), 722);
	int64_t v[5] = {700, 800, 665, 885, 335};
	eval_trimmed_mean(v, 5);
	assert_int_equal(v[0], 700);              /* the input is not reordered */
	assert_int_equal(v[4], 335);
	/* only one of equal extremes is dropped */
	int64_t ties[6] = {900, 900, 100, 100, 500, 500};
	assert_int_equal(eval_trimmed_mean(ties, 6), 500);   /* (900+100+500+500)/4 */
	/* one member's extreme score cannot carry a nominee */
	int64_t biased[5] = {600, 600, 600, 600, 1000};
	assert_int_equal(eval_trimmed_mean(biased, 5), 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(member_total),
		cmocka_unit_test(small_panels_plain_mean),
		cmocka_unit_test(five_or_more_trimmed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
