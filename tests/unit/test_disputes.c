/* Unit tests for disputes and emergencies: a dispute's parties are checked and kept
 * sealed; mediation needs the event in 办理中 and an assigned mediator or a manager; the
 * outcome finishes the event and sets the follow-up due after the county's interval;
 * the follow-up is refused before it is due, and a broken agreement reopens the event
 * as recurring; an emergency is accepted at once and alerts the duty officers over its
 * village only. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/disputes/disputes.h"
#include "domain/kernel/org.h"
#include "testdb.h"
#include "util/timeutil.h"

struct world {
	struct testdb t;
	int64_t county, town, town2, village, village2, category, emergency_category;
	struct actor cadre, grid, town_official, town2_official, county_admin, far_cadre;
};

static void grant(struct testdb *t, struct actor *a, const char *role, int64_t unit)
{
	struct org_unit u;
	assert_int_equal(org_get(&t->c, unit, &u), RC_OK);
	struct grant *g = &a->grants[a->ngrants++];
	str_copy(g->role, sizeof(g->role), role);
	g->unit_id = unit;
	str_copy(g->unit_kind, sizeof(g->unit_kind), u.kind);
	str_copy(g->path, sizeof(g->path), u.path);
	assert_int_equal(db_run(t->db, "INSERT INTO role_grants (user_id, role, unit_id, created_at) VALUES (?, ?, ?, 0)",
				"iti", a->user_id, role, unit),
			 DB_OK);
}

static void staff(struct world *w, struct actor *a, const char *phone, const char *name, const char *role, int64_t unit)
{
	memset(a, 0, sizeof(*a));
	a->user_id = testdb_user(&w->t, phone, name);
	str_copy(a->name, sizeof(a->name), name);
	grant(&w->t, a, role, unit);
}

static int64_t category(struct world *w, const char *name)
{
	struct event_category_input in = {.county_id = w->county, .name = name, .accept_hours = 24, .finish_days = 5,
					  .active = 1, .set_warn = true};
	int64_t id;
	assert_int_equal(events_category_create(&w->t.c, &in, &id), RC_OK);
	return id;
}

static void setup(struct world *w)
{
	testdb_open(&w->t, "disputes", time_cn_midnight(time_days_from_civil(2026, 11, 5)) + 10 * 3600);
	w->county = testdb_unit(&w->t, 0, "county", "DC", "测试县");
	w->town = testdb_unit(&w->t, w->county, "town", "DT", "测试镇");
	w->town2 = testdb_unit(&w->t, w->county, "town", "DT2", "邻镇");
	w->village = testdb_unit(&w->t, w->town, "village", "DV", "测试村");
	w->village2 = testdb_unit(&w->t, w->town2, "village", "DV2", "邻村");
	staff(w, &w->cadre, "13800000001", "村干部", "cadre", w->village);
	staff(w, &w->grid, "13800000002", "网格员", "grid_worker", w->village);
	staff(w, &w->town_official, "13800000003", "镇干部", "town_official", w->town);
	staff(w, &w->town2_official, "13800000004", "邻镇干部", "town_official", w->town2);
	staff(w, &w->county_admin, "13800000005", "县管理员", "county_admin", w->county);
	staff(w, &w->far_cadre, "13800000006", "邻村干部", "cadre", w->village2);
	w->category = category(w, "矛盾纠纷");
	w->emergency_category = category(w, "应急事件");
}

static struct ctx as(struct world *w, const struct actor *a)
{
	struct ctx c = w->t.c;
	c.system = false;
	c.actor = a;
	return c;
}

static int64_t dispute(struct world *w)
{
	struct ctx c = as(w, &w->cadre);
	struct dispute_input in = {0};
	in.ev.village_id = w->village;
	in.ev.category_id = w->category;
	in.ev.description = "宅基地界线纠纷";
	in.dispute_type = "neighbour";
	in.nparties = 2;
	in.parties[0] = (struct dispute_party_input){.role = "applicant", .name = "王大山", .phone = "13512345678"};
	in.parties[1] = (struct dispute_party_input){.role = "respondent", .name = "刘小河"};
	int64_t id = 0;
	assert_int_equal(disputes_create(&c, &in, &id), RC_OK);
	return id;
}

static void move(struct world *w, int64_t id, const char *action)
{
	struct ctx c = as(w, &w->cadre);
	struct event_move m = {.action = action};
	assert_int_equal(events_move(&c, id, &m), RC_OK);
}

static void test_parties_checked_and_sealed(void **state)
{
	(void)state;
	struct world w;
	setup(&w);
	struct ctx c = as(&w, &w.cadre);
	struct dispute_input in = {0};
	in.ev.village_id = w.village;
	in.ev.category_id = w.category;
	in.ev.description = "";
	in.dispute_type = "quarrel";
	in.nparties = 2;
	in.parties[0] = (struct dispute_party_input){.role = "applicant", .name = "甲"};
	in.parties[1] = (struct dispute_party_input){.role = "applicant", .name = "乙"};
	int64_t id;
	assert_int_equal(disputes_create(&c, &in, &id), RC_INVALID);
	/* every field at once: the type, the missing respondent and the event's description */
	assert_true(c.err.nfields >= 3);
	id = dispute(&w);
	char name[256] = "";
	struct db_stmt *st = db_query(w.t.db, "SELECT name FROM dispute_parties WHERE event_id = ? AND ord = 1", "i", id);
	assert_int_equal(db_step(st), DB_ROW);
	str_copy(name, sizeof(name), db_col_text(st, 0));
	db_finalize(st);
	assert_null(strstr(name, "王大山"));   /* sealed */
	struct dispute d;
	c = as(&w, &w.cadre);
	assert_int_equal(disputes_get(&c, id, &d), RC_OK);
	assert_string_equal(d.parties[0].name, "王大山");
	assert_string_equal(d.ev.kind, "dispute");
	c = as(&w, &w.far_cadre);
	assert_int_equal(disputes_get(&c, id, &d), RC_NOT_FOUND);
	testdb_close(&w.t);
}

static void test_mediation_and_followup(void **state)
{
	(void)state;
	struct world w;
	setup(&w);
	int64_t id = dispute(&w);
	struct dispute_session_input s = {.held_at = w.t.c.now - 3600, .place = "村委会", .notes = "双方到场"};
	int64_t sid;
	struct ctx c = as(&w, &w.grid);
	/* the grid worker is not its mediator; and it is not being handled yet */
	assert_int_equal(disputes_session_add(&c, id, &s, &sid), RC_FORBIDDEN);
	c = as(&w, &w.cadre);
	assert_int_equal(disputes_mediator_add(&c, id, w.grid.user_id), RC_OK);
	c = as(&w, &w.cadre);
	assert_int_equal(disputes_mediator_add(&c, id, w.far_cadre.user_id), RC_INVALID);
	c = as(&w, &w.grid);
	assert_int_equal(disputes_session_add(&c, id, &s, &sid), RC_CONFLICT);
	move(&w, id, "accept");
	move(&w, id, "handle_locally");
	c = as(&w, &w.grid);
	assert_int_equal(disputes_session_add(&c, id, &s, &sid), RC_OK);
	/* the county's interval: 10 days */
	c = as(&w, &w.county_admin);
	assert_int_equal(disputes_settings_set(&c, w.county, 10), RC_OK);
	c = as(&w, &w.cadre);
	assert_int_equal(disputes_settings_set(&c, w.county, 12), RC_FORBIDDEN);
	struct dispute_outcome_input o = {.outcome = "mediated", .agreement = "一周内拆除越界院墙"};
	c = as(&w, &w.grid);
	assert_int_equal(disputes_outcome(&c, id, &o), RC_OK);
	struct dispute d;
	c = as(&w, &w.cadre);
	assert_int_equal(disputes_get(&c, id, &d), RC_OK);
	assert_string_equal(d.ev.state, "finished");
	assert_string_equal(d.ev.outcome, "resolved");
	assert_int_equal(d.followup_due, w.t.c.now + 10 * 86400);
	/* not due yet */
	c = as(&w, &w.grid);
	assert_int_equal(disputes_followup(&c, id, "kept", NULL), RC_CONFLICT);
	w.t.c.now += 10 * 86400 + 1;
	c = as(&w, &w.grid);
	assert_int_equal(disputes_get(&c, id, &d), RC_OK);
	assert_true(d.followup_overdue);
	c = as(&w, &w.grid);
	assert_int_equal(disputes_followup(&c, id, "broken", "没有拆"), RC_OK);
	c = as(&w, &w.cadre);
	assert_int_equal(disputes_get(&c, id, &d), RC_OK);
	assert_string_equal(d.ev.state, "handling");
	assert_int_equal(d.recurring, 1);
	assert_string_equal(d.outcome, "");
	/* the statistics count it as recurring and in mediation */
	struct dispute_stats_row *rows, total;
	int n;
	c = as(&w, &w.town_official);
	assert_int_equal(disputes_stats(&c, w.town, 0, 0, &rows, &n, &total), RC_OK);
	assert_int_equal(total.received, 1);
	assert_int_equal(total.recurring, 1);
	assert_int_equal(total.mediating, 1);
	c = as(&w, &w.town2_official);
	assert_int_equal(disputes_stats(&c, w.town, 0, 0, &rows, &n, &total), RC_NOT_FOUND);
	testdb_close(&w.t);
}

static void test_emergency_alerts_the_duty_officers_over_the_village(void **state)
{
	(void)state;
	struct world w;
	setup(&w);
	struct ctx c = as(&w, &w.grid);
	struct emergency_input in = {0};
	in.ev.village_id = w.village;
	in.ev.description = "柴房起火";
	in.emergency_type = "fire";
	int64_t id, *alerted;
	int n;
	assert_int_equal(emergencies_create(&c, &in, &id, &alerted, &n), RC_OK);
	/* the village's cadre, the town's official and the county's admin; not the other town */
	assert_int_equal(n, 3);
	bool cadre = false, town = false, county = false;
	for (int i = 0; i < n; i++) {
		cadre |= alerted[i] == w.cadre.user_id;
		town |= alerted[i] == w.town_official.user_id;
		county |= alerted[i] == w.county_admin.user_id;
		assert_int_not_equal(alerted[i], w.town2_official.user_id);
		assert_int_not_equal(alerted[i], w.grid.user_id);
	}
	assert_true(cadre && town && county);
	struct emergency e;
	c = as(&w, &w.town_official);
	assert_int_equal(emergencies_get(&c, id, &e), RC_OK);
	assert_string_equal(e.ev.state, "handling");
	assert_true(e.can_ack);
	c = as(&w, &w.town_official);
	assert_int_equal(emergencies_ack(&c, id), RC_OK);
	c = as(&w, &w.town_official);
	assert_int_equal(emergencies_ack(&c, id), RC_CONFLICT);
	c = as(&w, &w.grid);
	assert_int_equal(emergencies_ack(&c, id), RC_FORBIDDEN);
	c = as(&w, &w.town2_official);
	assert_int_equal(emergencies_ack(&c, id), RC_NOT_FOUND);
	c = as(&w, &w.town2_official);
	assert_true(emergencies_on_duty(&c));
	c = as(&w, &w.grid);
	assert_false(emergencies_on_duty(&c));
	testdb_close(&w.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parties_checked_and_sealed),
		cmocka_unit_test(test_mediation_and_followup),
		cmocka_unit_test(test_emergency_alerts_the_duty_officers_over_the_village),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
