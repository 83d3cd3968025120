/* Unit tests for the rule catalog: period bounds, the checks a points record makes
 * against its rule (village and version, validity, who may claim, caps by month,
 * quarter and year counting only live records), version validation and adoption, and
 * the demo catalog. Each test gets a fresh SQLite file. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/demo.h"
#include "domain/points/rules.h"
#include "testdb.h"
#include "util/timeutil.h"

static void bounds(const char *period, const char *date, const char *from, const char *to)
{
	char f[11], t[11];
	assert_int_equal(rules_period_bounds(period, date, f, t), 0);
	assert_string_equal(f, from);
	assert_string_equal(t, to);
}

static void period_bounds(void **state)
{
	bounds("month", "2026-03-15", "2026-03-01", "2026-04-01");
	bounds("month", "2026-12-31", "2026-12-01", "2027-01-01");
	bounds("month", "2028-02-29", "2028-02-01", "2028-03-01");
	bounds("quarter", "2026-01-01", "2026-01-01", "2026-04-01");
	bounds("quarter", "2026-06-30", "2026-04-01", "2026-07-01");
	bounds("quarter", "2026-08-01", "2026-07-01", "2026-10-01");
	bounds("quarter", "2026-11-23", "2026-10-01", "2027-01-01");
	bounds("year", "2026-07-04", "2026-01-01", "2027-01-01");
	char f[11], t[11];
	assert_int_equal(rules_period_bounds("week", "2026-03-15", f, t), -1);
	assert_int_equal(rules_period_bounds("month", "2026-02-30", f, t), -1);
	assert_int_equal(rules_period_bounds("month", "2026-3-5", f, t), -1);
	assert_int_equal(rules_period_bounds(NULL, "2026-03-05", f, t), -1);
}

struct fixture {
	struct testdb t;
	int64_t county, town, village, village2, group, household, user;
};

static void reset(struct fixture *f)
{
	testdb_reset(&f->t);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	struct testdb *t = &f->t;
	testdb_open(t, "rules", time_cn_midnight(time_days_from_civil(2026, 11, 23)) + 10 * 3600);
	f->county = testdb_unit(t, 0, "county", "C1", "青川县");
	f->town = testdb_unit(t, f->county, "town", "T1", "河口镇");
	f->village = testdb_unit(t, f->town, "village", "V1", "青山村");
	f->village2 = testdb_unit(t, f->town, "village", "V2", "柳溪村");
	f->group = testdb_unit(t, f->village, "group", "V1G1", "第一组");
	f->household = testdb_household(t, f->village, f->group, "0001");
	f->user = testdb_user(t, "13800000000", "李琳");
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

static int64_t rule_named(struct fixture *f, int64_t unit_id, const char *name)
{
	int64_t id = 0;
	assert_int_equal(db_get_int(f->t.db, &id, "SELECT id FROM point_rules WHERE unit_id = ? AND name = ? "
						"AND retired_version IS NULL", "it", unit_id, name),
			 DB_OK);
	return id;
}

static void claim(struct fixture *f, const struct point_rule *r, const char *date, const char *status)
{
	assert_int_equal(db_run(f->t.db,
				"INSERT INTO claims (village_id, household_id, source, rule_id, rule_name, category, "
				"points, occurred_on, created_by, status, created_at, updated_at) "
				"VALUES (?, ?, 'claim', ?, ?, ?, ?, ?, ?, ?, 0, 0)",
				"iiittitit", f->village, f->household, r->id, r->name, r->category,
				(int64_t)r->points, date, f->user, status),
			 DB_OK);
}

static int use(struct fixture *f, const struct point_rule *r, const char *date, const char *by)
{
	reset(f);
	return rules_check_use(&f->t.c, r, f->village, f->household, date, by);
}

static const char *field_message(struct fixture *f, const char *field)
{
	for (int i = 0; i < f->t.c.err.nfields; i++)
		if (!strcmp(f->t.c.err.fields[i].field, field))
			return f->t.c.err.fields[i].message;
	return NULL;
}

static void caps_and_checks(void **state)
{
	struct fixture *f = *state;
	reset(f);
	assert_int_equal(rules_seed_demo(&f->t.c, f->county), RC_OK);
	struct point_rule labour, patrol, straw, tpl;
	reset(f);
	assert_int_equal(rules_get(&f->t.c, rule_named(f, f->village, "参加志愿劳动"), &labour), RC_OK);
	assert_int_equal(rules_get(&f->t.c, rule_named(f, f->village, "参加村民大会"), &patrol), RC_OK);
	assert_int_equal(rules_get(&f->t.c, rule_named(f, f->village, "焚烧秸秆"), &straw), RC_OK);
	assert_int_equal(rules_get(&f->t.c, rule_named(f, f->county, "参加志愿劳动"), &tpl), RC_OK);
	assert_int_equal(labour.template_id, tpl.id);
	assert_int_equal(labour.cap_count, 3);
	assert_string_equal(labour.cap_period, "month");
	assert_true(labour.photo_required);

	/* only the village's own rules in force */
	assert_int_equal(use(f, &tpl, "2026-03-10", "self"), RC_INVALID);
	assert_non_null(field_message(f, "rule_id"));
	reset(f);
	assert_int_equal(rules_check_use(&f->t.c, &labour, f->village2, f->household, "2026-03-10", "self"),
			 RC_INVALID);

	/* who may claim */
	assert_int_equal(use(f, &labour, "2026-03-10", "self"), RC_OK);
	assert_int_equal(use(f, &patrol, "2026-03-10", "self"), RC_INVALID);
	assert_int_equal(use(f, &patrol, "2026-03-10", "grid"), RC_OK);
	assert_int_equal(use(f, &straw, "2026-03-10", "grid"), RC_INVALID);
	assert_int_equal(use(f, &straw, "2026-03-10", "cadre"), RC_OK);
	assert_int_equal(use(f, &labour, "2026-03-32", "self"), RC_INVALID);
	assert_non_null(field_message(f, "occurred_on"));

	/* a cap of 3 a month: rejected and cancelled records do not count */
	claim(f, &labour, "2026-03-01", "pending");
	claim(f, &labour, "2026-03-15", "approved");
	claim(f, &labour, "2026-03-20", "rejected");
	claim(f, &labour, "2026-03-21", "cancelled");
	claim(f, &labour, "2026-02-28", "credited");
	claim(f, &labour, "2026-04-01", "credited");
	assert_int_equal(use(f, &labour, "2026-03-31", "self"), RC_OK);
	claim(f, &labour, "2026-03-31", "credited");
	assert_int_equal(use(f, &labour, "2026-03-05", "self"), RC_INVALID);
	assert_string_equal(field_message(f, "rule_id"), "本户本月已申报 3 次「参加志愿劳动」，达到上限");
	assert_int_equal(use(f, &labour, "2026-04-30", "self"), RC_OK);
	assert_int_equal(use(f, &labour, "2026-02-01", "self"), RC_OK);

	/* a cap of 4 a quarter */
	claim(f, &patrol, "2026-04-01", "credited");
	claim(f, &patrol, "2026-05-01", "credited");
	claim(f, &patrol, "2026-06-30", "approved");
	claim(f, &patrol, "2026-03-31", "approved");
	claim(f, &patrol, "2026-07-01", "approved");
	assert_int_equal(use(f, &patrol, "2026-06-01", "grid"), RC_OK);
	claim(f, &patrol, "2026-06-02", "pending");
	assert_int_equal(use(f, &patrol, "2026-04-15", "grid"), RC_INVALID);
	assert_string_equal(field_message(f, "rule_id"), "本户本季度已申报 4 次「参加村民大会」，达到上限");
	assert_int_equal(use(f, &patrol, "2026-07-15", "grid"), RC_OK);

	/* validity dates */
	struct point_rule timed = labour;
	str_copy(timed.valid_from, sizeof(timed.valid_from), "2026-05-01");
	str_copy(timed.valid_to, sizeof(timed.valid_to), "2026-05-31");
	assert_int_equal(use(f, &timed, "2026-04-30", "self"), RC_INVALID);
	assert_non_null(field_message(f, "occurred_on"));
	assert_int_equal(use(f, &timed, "2026-05-31", "self"), RC_OK);
	assert_int_equal(use(f, &timed, "2026-06-01", "self"), RC_INVALID);

	/* a retired rule */
	struct rule_version_input in = {.unit_id = f->village, .meeting_type = "两委会议",
					.meeting_date = "2026-11-01", .nretire = 1, .retire = &labour.id};
	int64_t v;
	reset(f);
	assert_int_equal(rules_version_create(&f->t.c, &in, &v), RC_OK);
	reset(f);
	assert_int_equal(rules_get(&f->t.c, labour.id, &labour), RC_OK);
	assert_int_equal(labour.retired_version, v);
	assert_int_equal(labour.retired_version_no, 2);
	assert_int_equal(use(f, &labour, "2026-05-05", "self"), RC_INVALID);
}

static void version_checks(void **state)
{
	struct fixture *f = *state;
	reset(f);
	assert_int_equal(rules_seed_demo(&f->t.c, f->county), RC_OK);
	int64_t tpl = rule_named(f, f->county, "门前三包");
	int64_t mine = rule_named(f, f->village, "门前三包");
	int64_t v;

	/* every problem at once */
	struct rule_input add[] = {
		{.category = "扣分事项", .name = "乱停乱放", .points = 5, .claim_by = "self"},
		{.category = "娱乐", .name = "", .points = 0, .claim_by = "all", .cap_count = 2,
		 .valid_from = "2026-05-01", .valid_to = "2026-04-01"},
		{.category = "集体活动", .name = "参加志愿劳动", .points = 3, .claim_by = "self",
		 .cap_period = "month"},
	};
	int64_t retire[] = {mine, mine, 999999};
	struct rule_adopt adopt[] = {{.template_id = tpl}, {.template_id = 999999}};
	struct rule_version_input in = {
		.unit_id = f->village, .meeting_type = "县委农办会议", .meeting_date = "2026-11-24",
		.nadd = 3, .add = add, .nretire = 3, .retire = retire, .nadopt = 2, .adopt = adopt,
	};
	reset(f);
	assert_int_equal(rules_version_create(&f->t.c, &in, &v), RC_INVALID);
	static const char *const expect[] = {
		"meeting_type", "meeting_date", "add[0].points", "add[0].claim_by", "add[1].category",
		"add[1].name", "add[1].points", "add[1].claim_by", "add[1].cap_period", "add[1].valid_to",
		"add[2].cap_period", "retire[1]", "retire[2]", "add[2].name", "adopt[1].template_id",
	};
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++)
		assert_non_null(field_message(f, expect[i]));
	/* retiring 门前三包 frees its template for adoption, so adopt[0] is fine */
	assert_null(field_message(f, "adopt[0].template_id"));
	assert_int_equal(f->t.c.err.nfields, (int)ARRAY_SIZE(expect));

	/* nothing changed */
	int64_t versions = 0;
	assert_int_equal(db_get_int(f->t.db, &versions, "SELECT count(*) FROM rule_versions", ""), DB_OK);
	assert_int_equal(versions, 3);

	/* adopting what is in force already; adopting in a town; no change at all */
	struct rule_adopt again = {.template_id = tpl, .set_points = true, .points = 4};
	struct rule_version_input in2 = {.unit_id = f->village, .meeting_type = "村民会议",
					 .meeting_date = "2026-11-23", .nadopt = 1, .adopt = &again};
	reset(f);
	assert_int_equal(rules_version_create(&f->t.c, &in2, &v), RC_INVALID);
	assert_non_null(field_message(f, "adopt[0].template_id"));
	in2.unit_id = f->town;
	in2.meeting_type = "乡镇党委会议";
	reset(f);
	assert_int_equal(rules_version_create(&f->t.c, &in2, &v), RC_INVALID);
	assert_non_null(field_message(f, "adopt"));
	struct rule_version_input none = {.unit_id = f->village, .meeting_type = "村民会议",
					  .meeting_date = "2026-11-23"};
	reset(f);
	assert_int_equal(rules_version_create(&f->t.c, &none, &v), RC_INVALID);
	assert_non_null(field_message(f, "add"));
	none.unit_id = f->group;
	reset(f);
	assert_int_equal(rules_version_create(&f->t.c, &none, &v), RC_NOT_FOUND);

	/* retire and re-adopt with adjustments in one version */
	struct rule_adopt adjust = {.template_id = tpl, .set_points = true, .points = 4,
				    .set_cap_count = true, .cap_count = 0};
	struct rule_version_input in3 = {.unit_id = f->village, .meeting_type = "村民代表会议",
					 .meeting_date = "2026-11-23", .note = "门前三包改为 4 分，不限次数",
					 .nretire = 1, .retire = &mine, .nadopt = 1, .adopt = &adjust};
	reset(f);
	assert_int_equal(rules_version_create(&f->t.c, &in3, &v), RC_OK);
	struct point_rule r;
	reset(f);
	assert_int_equal(rules_get(&f->t.c, rule_named(f, f->village, "门前三包"), &r), RC_OK);
	assert_int_equal(r.points, 4);
	assert_int_equal(r.cap_count, 0);
	assert_string_equal(r.cap_period, "");
	assert_int_equal(r.template_id, tpl);
	assert_int_equal(r.added_version_no, 2);
	struct rule_version rv;
	reset(f);
	assert_int_equal(rules_version_get(&f->t.c, v, &rv), RC_OK);
	assert_int_equal(rv.version_no, 2);
	assert_int_equal(rv.nadded, 1);
	assert_int_equal(rv.nretired, 1);
	assert_string_equal(rv.retired[0].name, "门前三包");
	assert_int_equal(rv.retired[0].points, 3);
	assert_int_equal(rv.added[0].points, 4);
}

static void demo_catalog(void **state)
{
	struct fixture *f = *state;
	reset(f);
	assert_int_equal(rules_seed_demo(&f->t.c, f->county), RC_OK);
	struct point_rule *rules;
	int n;
	int64_t total;
	struct rule_query q = {.unit_id = f->county, .limit = 200};
	reset(f);
	assert_int_equal(rules_list(&f->t.c, &q, &rules, &n, &total), RC_OK);
	assert_true(n >= 40);
	assert_int_equal(n, total);
	for (const char *const *cat = rules_categories; *cat; cat++) {
		int k = 0;
		for (int i = 0; i < n; i++)
			k += !strcmp(rules[i].category, *cat);
		assert_true(k >= 3);
	}
	for (int i = 0; i < n; i++) {
		bool deduction = !strcmp(rules[i].category, RULES_DEDUCTION_CATEGORY);
		assert_true(deduction ? rules[i].points < 0 : rules[i].points > 0);
		if (deduction)
			assert_string_equal(rules[i].claim_by, "cadre");
	}
	int64_t villages = 0;
	assert_int_equal(db_get_int(f->t.db, &villages, "SELECT count(DISTINCT unit_id) FROM rule_versions "
						      "WHERE meeting_type = '村民代表会议'", ""), DB_OK);
	assert_int_equal(villages, 2);
	q.unit_id = f->village2;
	reset(f);
	assert_int_equal(rules_list(&f->t.c, &q, &rules, &n, &total), RC_OK);
	assert_int_equal(total, n);
	assert_true(n >= 40);
	for (int i = 0; i < n; i++)
		assert_true(rules[i].template_id > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(period_bounds),
		cmocka_unit_test_setup_teardown(caps_and_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(version_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(demo_catalog, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
