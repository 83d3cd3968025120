/* Unit tests for the arithmetic of the monthly finance statement: income and expense by
 * category over the chart, parent accounts as the sum of their sub-accounts, negative
 * corrections, closing = opening + income − expense to the 分, and refusal of entries
 * naming no category of their kind or sums out of range. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/finance/finance.h"

static const struct fin_category chart[] = {
	{"501", "income", "经营收入", "", 10},   {"502", "income", "发包及上交收入", "", 20},
	{"504", "income", "补助收入", "", 40},   {"541", "expense", "经营支出", "", 110},
	{"550", "expense", "管理费用", "", 120}, {"55001", "expense", "干部报酬", "550", 121},
	{"55002", "expense", "办公费", "550", 122}, {"551", "expense", "公益支出", "", 130},
};
#define NCHART ((int)(sizeof(chart) / sizeof(chart[0])))

static const struct fin_line *line(const struct fin_totals *t, const char *code)
{
	for (int i = 0; i < t->nlines; i++)
		if (!strcmp(t->lines[i].code, code))
			return &t->lines[i];
	return NULL;
}

static void test_adds_up(void **state)
{
	(void)state;
	const struct fin_amount es[] = {
		{"502", "income", 800000},   {"504", "income", 5000001}, {"55001", "expense", 360033},
		{"55002", "expense", 12340}, {"55002", "expense", 1},    {"551", "expense", 1234567},
		{"541", "expense", 30960},
	};
	struct fin_totals t;
	assert_int_equal(finance_statement_compute(100, chart, NCHART, es, 7, &t), 0);
	assert_int_equal(t.opening, 100);
	assert_int_equal(t.income, 5800001);
	assert_int_equal(t.expense, 360033 + 12341 + 1234567 + 30960);
	assert_int_equal(t.closing, 100 + 5800001 - (360033 + 12341 + 1234567 + 30960));
	assert_int_equal(t.entries, 7);
	assert_int_equal(t.nlines, NCHART);
	assert_int_equal(line(&t, "55002")->amount, 12341);
	assert_int_equal(line(&t, "55002")->entries, 2);
	/* the parent shows its sub-accounts and is not counted twice in the totals */
	assert_int_equal(line(&t, "550")->amount, 360033 + 12341);
	assert_int_equal(line(&t, "550")->entries, 3);
	int64_t leaves = 0;
	for (int i = 0; i < t.nlines; i++)
		if (!strcmp(t.lines[i].kind, "expense") && strcmp(t.lines[i].code, "550"))
			leaves += t.lines[i].amount;
	assert_int_equal(leaves, t.expense);
	assert_int_equal(line(&t, "501")->amount, 0);
	assert_int_equal(line(&t, "501")->entries, 0);
}

static void test_corrections_and_empty(void **state)
{
	(void)state;
	struct fin_totals t;
	/* no entries: closing equals opening, a negative opening is carried */
	assert_int_equal(finance_statement_compute(-500, chart, NCHART, NULL, 0, &t), 0);
	assert_int_equal(t.closing, -500);
	assert_int_equal(t.income, 0);
	/* a red-letter correction lowers the expense */
	const struct fin_amount es[] = {{"551", "expense", -34567}, {"502", "income", -1}};
	assert_int_equal(finance_statement_compute(1000000, chart, NCHART, es, 2, &t), 0);
	assert_int_equal(t.expense, -34567);
	assert_int_equal(t.income, -1);
	assert_int_equal(t.closing, 1000000 - 1 + 34567);
}

static void test_refused(void **state)
{
	(void)state;
	struct fin_totals t;
	const struct fin_amount unknown[] = {{"999", "income", 1}};
	assert_int_equal(finance_statement_compute(0, chart, NCHART, unknown, 1, &t), -1);
	const struct fin_amount wrong_kind[] = {{"551", "income", 1}};
	assert_int_equal(finance_statement_compute(0, chart, NCHART, wrong_kind, 1, &t), -1);
	const struct fin_amount none[] = {{NULL, "income", 1}};
	assert_int_equal(finance_statement_compute(0, chart, NCHART, none, 1, &t), -1);
	const struct fin_amount huge[] = {{"501", "income", FIN_AMOUNT_MAX + 1}};
	assert_int_equal(finance_statement_compute(0, chart, NCHART, huge, 1, &t), -1);
	/* the largest amounts still add up exactly */
	struct fin_amount many[1000];
	for (int i = 0; i < 1000; i++)
		many[i] = (struct fin_amount){"501", "income", FIN_AMOUNT_MAX};
	assert_int_equal(finance_statement_compute(0, chart, NCHART, many, 1000, &t), 0);
	assert_int_equal(t.income, FIN_AMOUNT_MAX * 1000);
	assert_int_equal(t.closing, FIN_AMOUNT_MAX * 1000);
	struct fin_amount more[1001];
	for (int i = 0; i < 1001; i++)
		more[i] = (struct fin_amount){"501", "income", FIN_AMOUNT_MAX};
	assert_int_equal(finance_statement_compute(0, chart, NCHART, more, 1001, &t), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adds_up),
		cmocka_unit_test(test_corrections_and_empty),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
