/* Unit tests for the lists' step and deadline rules: an item's checks, who holds a
 * step's role for a village, steps in order, each step due its limit in working days
 * from when it became current (across a weekend and a holiday of the calendar), late
 * steps and overdue records, and the negative list. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/kernel/calendar.h"
#include "domain/lists/internal.h"
#include "testdb.h"
#include "util/timeutil.h"

static int64_t cn(int y, int m, int d, int h)
{
	return time_cn_midnight(time_days_from_civil(y, m, d)) + h * 3600;
}

struct world {
	struct testdb t;
	int64_t county, town, village, other, grid;
	struct org_unit v, tw, g;
	struct actor cadre, town_official, grid_worker, inspector, stranger;
};

static void grant(struct actor *a, int64_t user, const char *role, const struct org_unit *u)
{
	a->user_id = user;
	str_copy(a->name, sizeof(a->name), role);
	struct grant *g = &a->grants[a->ngrants++];
	str_copy(g->role, sizeof(g->role), role);
	g->unit_id = u->id;
	str_copy(g->unit_kind, sizeof(g->unit_kind), u->kind);
	str_copy(g->path, sizeof(g->path), u->path);
}

static void world_open(struct world *w, int64_t now)
{
	memset(w, 0, sizeof(*w));
	testdb_open(&w->t, "lists", now);
	w->county = testdb_unit(&w->t, 0, "county", "C", "青川县");
	w->town = testdb_unit(&w->t, w->county, "town", "T", "河口镇");
	w->village = testdb_unit(&w->t, w->town, "village", "V", "青山村");
	w->other = testdb_unit(&w->t, w->town, "village", "V2", "绿水村");
	w->grid = testdb_unit(&w->t, w->village, "grid", "G", "一网格");
	struct org_unit o;
	assert_int_equal(org_get(&w->t.c, w->village, &w->v), RC_OK);
	assert_int_equal(org_get(&w->t.c, w->town, &w->tw), RC_OK);
	assert_int_equal(org_get(&w->t.c, w->grid, &w->g), RC_OK);
	grant(&w->cadre, testdb_user(&w->t, "13800000001", "李书记"), "cadre", &w->v);
	grant(&w->town_official, testdb_user(&w->t, "13800000002", "孙镇长"), "town_official", &w->tw);
	grant(&w->grid_worker, testdb_user(&w->t, "13800000003", "刘网格"), "grid_worker", &w->g);
	assert_int_equal(org_get(&w->t.c, w->county, &o), RC_OK);
	grant(&w->inspector, testdb_user(&w->t, "13800000004", "吴纪检"), "inspector", &o);
	assert_int_equal(org_get(&w->t.c, w->other, &o), RC_OK);
	grant(&w->stranger, testdb_user(&w->t, "13800000005", "陈书记"), "cadre", &o);
}

static struct ctx as(struct world *w, const struct actor *a, int64_t now)
{
	struct ctx x = w->t.c;
	x.system = a == NULL;
	x.actor = a;
	x.now = now;
	memset(&x.err, 0, sizeof(x.err));
	return x;
}

static void item(struct list_item *it, const char *section, int nsteps)
{
	memset(it, 0, sizeof(*it));
	it->kind = section ? "affair" : "power";
	it->section = section;
	it->code = section ? "N-1" : "P-1";
	it->name = section ? "招商引资任务" : "物资采购";
	it->basis = "测试依据";
	it->role = "cadre";
	it->time_limit_days = 10;
	static const char *const names[] = {"提出需求", "镇审核", "结果公开"};
	static const char *const roles[] = {"cadre", "town_official", "cadre"};
	static const int limits[] = {1, 2, 1};
	for (int i = 0; i < nsteps; i++)
		it->steps[it->nsteps++] = (struct list_step){.n = i + 1, .name = names[i], .role = roles[i],
							    .limit_days = limits[i], .disclose = i == 2};
}

/* Adopts the power item and the negative one as the village's version 1. */
static void adopt(struct world *w, int64_t *power, int64_t *negative)
{
	struct list_item p, n;
	item(&p, NULL, 3);
	item(&n, "negative", 0);
	struct list_adopt ad[] = {{.item = &p}, {.item = &n}};
	struct list_version_input in = {.village_id = w->village, .meeting_date = "2026-11-02", .meeting_title = "村民代表会议",
					.attendance = 30, .nitems = 2, .items = ad};
	struct ctx x = as(w, &w->cadre, w->t.c.now);
	int64_t vid;
	assert_int_equal(lists_adopt(&x, &in, &vid), RC_OK);
	*power = *negative = 0;
	db_get_int(w->t.db, power, "SELECT id FROM list_items WHERE version_id = ? AND code = 'P-1'", "i", vid);
	db_get_int(w->t.db, negative, "SELECT id FROM list_items WHERE version_id = ? AND code = 'N-1'", "i", vid);
	assert_true(*power > 0 && *negative > 0);
}

static void test_check_item(void **state)
{
	struct world w;
	world_open(&w, cn(2026, 11, 6, 10));
	struct list_item it;
	item(&it, NULL, 3);
	lists_check_item(&w.t.c, "", &it);
	assert_int_equal(ctx_check_fields(&w.t.c), RC_OK);
	it.name = "";
	it.role = "villager";
	it.steps[1].limit_days = 0;
	it.steps[2].role = "inspector";
	lists_check_item(&w.t.c, "items[0].", &it);
	assert_int_equal(w.t.c.err.nfields, 4);
	assert_string_equal(w.t.c.err.fields[0].field, "items[0].name");
	testdb_reset(&w.t);
	/* an affair needs its section; the negative list needs no steps, others do */
	item(&it, "negative", 0);
	lists_check_item(&w.t.c, "", &it);
	assert_int_equal(ctx_check_fields(&w.t.c), RC_OK);
	it.section = NULL;
	lists_check_item(&w.t.c, "", &it);
	assert_int_equal(w.t.c.err.nfields, 2);   /* section, steps */
	testdb_close(&w.t);
}

static void test_holds_role(void **state)
{
	struct world w;
	world_open(&w, cn(2026, 11, 6, 10));
	struct ctx x = as(&w, &w.cadre, w.t.c.now);
	assert_true(li_holds_role(&x, "cadre", w.v.path));
	assert_false(li_holds_role(&x, "town_official", w.v.path));
	x = as(&w, &w.town_official, w.t.c.now);
	assert_true(li_holds_role(&x, "town_official", w.v.path));   /* the town covers the village */
	x = as(&w, &w.grid_worker, w.t.c.now);
	assert_true(li_holds_role(&x, "grid_worker", w.v.path));     /* a grid inside the village */
	x = as(&w, &w.stranger, w.t.c.now);
	assert_false(li_holds_role(&x, "cadre", w.v.path));
	x = as(&w, &w.inspector, w.t.c.now);
	assert_false(li_holds_role(&x, "cadre", w.v.path));
	testdb_close(&w.t);
}

static void test_steps_in_order_with_working_day_deadlines(void **state)
{
	struct world w;
	/* Friday 2026-11-06 10:00; Monday 11-09 is made a holiday */
	world_open(&w, cn(2026, 11, 6, 10));
	struct ctx sys = as(&w, NULL, w.t.c.now);
	assert_int_equal(calendar_set(&sys, "2026-11-09", "holiday", "测试假日"), RC_OK);
	int64_t power, negative;
	adopt(&w, &power, &negative);
	struct ctx x = as(&w, &w.cadre, cn(2026, 11, 6, 10));
	struct list_start in = {.item_id = power, .title = "采购打印机"};
	int64_t id;
	bool replayed;
	assert_int_equal(lists_start(&x, &in, &id, &replayed), RC_OK);
	assert_false(replayed);
	struct list_execution e;
	assert_int_equal(lists_execution_get(&x, id, &e), RC_OK);
	assert_int_equal(e.current_n, 1);
	/* 1 working day after Friday: not Saturday, Sunday or the Monday holiday: Tuesday's end */
	assert_int_equal(e.current_due, cn(2026, 11, 11, 0));
	assert_int_equal(e.steps[0].due_at, cn(2026, 11, 11, 0));
	assert_int_equal(e.steps[1].due_at, 0);
	assert_true(e.can_advance);
	/* skipping is a conflict; the wrong role is forbidden; out of scope does not exist */
	struct list_advance adv = {.note = "同意"};
	assert_int_equal(lists_advance(&x, id, 2, &adv), RC_FORBIDDEN);   /* step 2 is the town's */
	x = as(&w, &w.town_official, cn(2026, 11, 6, 11));
	assert_int_equal(lists_advance(&x, id, 2, &adv), RC_CONFLICT);
	assert_non_null(strstr(x.err.message, "不能跳过步骤"));
	assert_int_equal(lists_advance(&x, id, 1, &adv), RC_FORBIDDEN);
	x = as(&w, &w.inspector, cn(2026, 11, 6, 11));
	assert_int_equal(lists_execution_get(&x, id, &e), RC_OK);
	assert_int_equal(lists_advance(&x, id, 1, &adv), RC_FORBIDDEN);
	x = as(&w, &w.stranger, cn(2026, 11, 6, 11));
	assert_int_equal(lists_advance(&x, id, 1, &adv), RC_NOT_FOUND);
	/* Tuesday 23:59 is still on time; Wednesday 00:01 is overdue */
	x = as(&w, &w.cadre, cn(2026, 11, 11, 0) - 60);
	assert_int_equal(lists_execution_get(&x, id, &e), RC_OK);
	assert_false(e.overdue);
	x = as(&w, &w.cadre, cn(2026, 11, 11, 0) + 60);
	assert_int_equal(lists_execution_get(&x, id, &e), RC_OK);
	assert_true(e.overdue);
	assert_true(e.steps[0].overdue);
	/* done late on Wednesday 10:00: step 2 (2 working days) is due at Friday's end */
	x = as(&w, &w.cadre, cn(2026, 11, 11, 10));
	assert_int_equal(lists_advance(&x, id, 1, &adv), RC_OK);
	assert_int_equal(lists_execution_get(&x, id, &e), RC_OK);
	assert_false(e.overdue);
	assert_int_equal(e.current_n, 2);
	assert_int_equal(e.current_due, cn(2026, 11, 14, 0));
	assert_true(e.steps[0].overdue);   /* done after its due date */
	assert_int_equal(lists_advance(&x, id, 1, &adv), RC_CONFLICT);   /* already done */
	int64_t late = 0;
	db_get_int(w.t.db, &late, "SELECT late_steps FROM list_executions WHERE id = ?", "i", id);
	assert_int_equal(late, 1);
	/* closing as done needs every step */
	assert_int_equal(lists_close(&x, id, "done", "完成"), RC_CONFLICT);
	x = as(&w, &w.town_official, cn(2026, 11, 12, 9));
	assert_int_equal(lists_advance(&x, id, 2, &adv), RC_OK);
	x = as(&w, &w.cadre, cn(2026, 11, 12, 10));
	assert_int_equal(lists_advance(&x, id, 3, &adv), RC_OK);
	assert_int_equal(lists_close(&x, id, "done", "以 1,580 元采购"), RC_OK);
	assert_int_equal(lists_execution_get(&x, id, &e), RC_OK);
	assert_string_equal(e.state, "closed");
	assert_true(e.outcome_public);   /* step 3 is disclosed */
	assert_int_equal(lists_advance(&x, id, 3, &adv), RC_CONFLICT);
	testdb_close(&w.t);
}

static void test_negative_list_refused(void **state)
{
	struct world w;
	world_open(&w, cn(2026, 11, 6, 10));
	int64_t power, negative;
	adopt(&w, &power, &negative);
	struct ctx x = as(&w, &w.cadre, w.t.c.now);
	struct list_start in = {.item_id = negative, .title = "完成招商任务"};
	int64_t id;
	bool replayed;
	assert_int_equal(lists_start(&x, &in, &id, &replayed), RC_CONFLICT);
	assert_non_null(strstr(x.err.message, "负面清单"));
	assert_non_null(strstr(x.err.message, "测试依据"));
	int64_t n = -1;
	db_get_int(w.t.db, &n, "SELECT count(*) FROM list_executions", "");
	assert_int_equal(n, 0);
	testdb_close(&w.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_item),
		cmocka_unit_test(test_holds_role),
		cmocka_unit_test(test_steps_in_order_with_working_day_deadlines),
		cmocka_unit_test(test_negative_list_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
