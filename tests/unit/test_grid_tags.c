/* Unit tests for grid work's records kept beside the main ones: a worker's last position
 * (a late batch does not move the worker back, the newest of a batch counts, retention
 * removes it with the positions) and the tags on a resident (only tags about a person,
 * each change a history row and one audit entry, a repeated or unknown tag refused with
 * nothing changed). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/grid/grid.h"
#include "domain/kernel/org.h"
#include "testdb.h"
#include "util/timeutil.h"

struct world {
	struct testdb t;
	int64_t county, town, village, household, resident;
	struct actor worker;
};

static void setup(struct world *w)
{
	testdb_open(&w->t, "gridtags", time_cn_midnight(time_days_from_civil(2026, 11, 5)) + 10 * 3600);
	w->county = testdb_unit(&w->t, 0, "county", "GC", "测试县");
	w->town = testdb_unit(&w->t, w->county, "town", "GT", "测试镇");
	w->village = testdb_unit(&w->t, w->town, "village", "GV", "测试村");
	w->household = testdb_household(&w->t, w->village, 0, "001");
	assert_int_equal(db_get_int(w->t.db, &w->resident,
				    "INSERT INTO residents (household_id, name, gender, birth_date, idcard_enc, idcard_hash, "
				    "idcard_mask, relation, created_at, updated_at) VALUES (?, '王大山', 1, '1950-01-01', 'x', "
				    "'h1', '5101**********0011', '户主', 0, 0) RETURNING id",
				    "i", w->household),
			 DB_OK);
	memset(&w->worker, 0, sizeof(w->worker));
	w->worker.user_id = testdb_user(&w->t, "13800000009", "网格员");
	struct org_unit u;
	assert_int_equal(org_get(&w->t.c, w->village, &u), RC_OK);
	struct grant *g = &w->worker.grants[w->worker.ngrants++];
	str_copy(g->role, sizeof(g->role), "grid_worker");
	g->unit_id = w->village;
	str_copy(g->unit_kind, sizeof(g->unit_kind), u.kind);
	str_copy(g->path, sizeof(g->path), u.path);
}

static int64_t count(struct world *w, const char *sql, int64_t id)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(w->t.db, &n, sql, "i", id), DB_OK);
	return n;
}

static int64_t tag(struct world *w, const char *name)
{
	int64_t id = 0;
	assert_int_equal(db_get_int(w->t.db, &id, "SELECT id FROM tags WHERE county_id IS NULL AND name = ?", "t", name),
			 DB_OK);
	return id;
}

static void add(struct world *w, const struct grid_position *pts, int n)
{
	struct ctx c = w->t.c;
	c.system = false;
	c.actor = &w->worker;
	memset(&c.err, 0, sizeof(c.err));
	int added;
	assert_int_equal(grid_positions_add(&c, pts, n, &added), RC_OK);
}

static void test_last_position(void **state)
{
	(void)state;
	struct world w;
	setup(&w);
	int64_t now = w.t.c.now;
	/* a batch out of order: its newest counts */
	struct grid_position b1[] = {{.at = now - 60, .lat_e6 = 29100000, .lng_e6 = 103800000},
				     {.at = now - 30, .lat_e6 = 29100300, .lng_e6 = 103800300},
				     {.at = now - 90, .lat_e6 = 29100900, .lng_e6 = 103800900}};
	add(&w, b1, 3);
	const char *at = "SELECT at FROM positions_last WHERE user_id = ?";
	const char *lat = "SELECT lat_e6 FROM positions_last WHERE user_id = ?";
	assert_int_equal(count(&w, at, w.worker.user_id), now - 30);
	assert_int_equal(count(&w, lat, w.worker.user_id), 29100300);
	/* a late batch of older positions is stored but does not move the worker back */
	struct grid_position late[] = {{.at = now - 600, .lat_e6 = 29105000, .lng_e6 = 103805000}};
	add(&w, late, 1);
	assert_int_equal(count(&w, "SELECT count(*) FROM positions WHERE user_id = ?", w.worker.user_id), 4);
	assert_int_equal(count(&w, at, w.worker.user_id), now - 30);
	/* a newer one does; one row per worker */
	struct grid_position next[] = {{.at = now, .lat_e6 = 29101000, .lng_e6 = 103801000}};
	add(&w, next, 1);
	assert_int_equal(count(&w, lat, w.worker.user_id), 29101000);
	assert_int_equal(count(&w, "SELECT count(*) FROM positions_last WHERE user_id = ?", w.worker.user_id), 1);
	/* past the retention (90 days by default) it goes with the positions */
	w.t.c.now = now + 91 * 86400;
	int64_t thinned, deleted;
	assert_int_equal(grid_positions_expire(&w.t.c, &thinned, &deleted), RC_OK);
	assert_int_equal(deleted, 5);
	assert_int_equal(count(&w, "SELECT count(*) FROM positions_last WHERE user_id = ?", w.worker.user_id), 0);
	testdb_close(&w.t);
}

static void test_resident_tags(void **state)
{
	(void)state;
	struct world w;
	setup(&w);
	struct ctx *c = &w.t.c;
	int64_t hh;
	int64_t alone = tag(&w, "独居老人"), vet = tag(&w, "退役军人"), party = tag(&w, "党员户");
	const char *history = "SELECT count(*) FROM resident_tag_history WHERE resident_id = ?";
	const char *audits = "SELECT count(*) FROM audit_log WHERE object_type = 'resident_tags' AND object_id = ?";
	int64_t set[] = {alone, vet};
	assert_int_equal(grid_resident_tags_set(c, w.resident, set, 2, &hh), RC_OK);
	assert_int_equal(hh, w.household);
	assert_int_equal(count(&w, "SELECT count(*) FROM resident_tags WHERE resident_id = ?", w.resident), 2);
	assert_int_equal(count(&w, history, w.resident), 2);
	assert_int_equal(count(&w, audits, w.resident), 1);
	/* the same again changes nothing and records nothing */
	assert_int_equal(grid_resident_tags_set(c, w.resident, set, 2, &hh), RC_OK);
	assert_int_equal(count(&w, history, w.resident), 2);
	assert_int_equal(count(&w, audits, w.resident), 1);
	/* a household's tag, a repeated one, an unknown one: refused, nothing changed */
	int64_t household_tag[] = {alone, party};
	memset(&c->err, 0, sizeof(c->err));
	assert_int_equal(grid_resident_tags_set(c, w.resident, household_tag, 2, &hh), RC_INVALID);
	assert_string_equal(c->err.fields[0].field, "tag_ids");
	assert_non_null(strstr(c->err.fields[0].message, "党员户"));
	int64_t twice[] = {vet, vet};
	memset(&c->err, 0, sizeof(c->err));
	assert_int_equal(grid_resident_tags_set(c, w.resident, twice, 2, &hh), RC_INVALID);
	int64_t unknown[] = {99999};
	memset(&c->err, 0, sizeof(c->err));
	assert_int_equal(grid_resident_tags_set(c, w.resident, unknown, 1, &hh), RC_INVALID);
	memset(&c->err, 0, sizeof(c->err));
	assert_int_equal(count(&w, "SELECT count(*) FROM resident_tags WHERE resident_id = ?", w.resident), 2);
	/* one removed: one more history row, one more audit entry; the household's own tags untouched */
	int64_t keep[] = {vet};
	assert_int_equal(grid_resident_tags_set(c, w.resident, keep, 1, &hh), RC_OK);
	assert_int_equal(count(&w, history, w.resident), 3);
	assert_int_equal(count(&w, audits, w.resident), 2);
	assert_int_equal(count(&w, "SELECT count(*) FROM household_tags WHERE household_id = ?", w.household), 0);
	/* the household card lists the resident with the tag */
	struct grid_household_tags card;
	assert_int_equal(grid_household_tags(c, w.household, &card), RC_OK);
	assert_int_equal(card.nresidents, 1);
	assert_int_equal(card.residents[0].n, 1);
	assert_int_equal(card.residents[0].tags[0].id, vet);
	assert_int_equal(card.residents[0].nhistory, 3);
	/* no such resident */
	memset(&c->err, 0, sizeof(c->err));
	assert_int_equal(grid_resident_tags_set(c, 99999, keep, 1, &hh), RC_NOT_FOUND);
	testdb_close(&w.t);
}

/* A roster's 个人标签: the dry run counts what the import then gives (a name twice once,
 * a tag carried already not again); a household's tag or an unknown name refused. */
static void test_resident_tags_add(void **state)
{
	(void)state;
	struct world w;
	setup(&w);
	struct ctx *c = &w.t.c;
	struct org_unit v;
	assert_int_equal(org_get(c, w.village, &v), RC_OK);
	int64_t vet = tag(&w, "退役军人");
	int64_t hh;
	assert_int_equal(grid_resident_tags_set(c, w.resident, &vet, 1, &hh), RC_OK);
	const char *audits = "SELECT count(*) FROM audit_log WHERE object_type = 'resident_tags' AND object_id = ?";
	int64_t audits0 = count(&w, audits, w.resident);
	const char *names[] = {"独居老人", "退役军人", "独居老人", "志愿者"};
	int would = -1, added = -1;
	assert_int_equal(grid_resident_tags_would_add(c, v.path, w.resident, names, 4, &would), RC_OK);
	assert_int_equal(would, 2);
	/* one not created yet carries nothing */
	assert_int_equal(grid_resident_tags_would_add(c, v.path, 0, names, 4, &would), RC_OK);
	assert_int_equal(would, 3);
	assert_int_equal(count(&w, "SELECT count(*) FROM resident_tags WHERE resident_id = ?", w.resident), 1);
	assert_int_equal(ctx_begin(c), RC_OK);
	assert_int_equal(ctx_end(c, grid_resident_tags_add(c, v.path, w.village, w.household, w.resident, names, 4, &added)),
			 RC_OK);
	assert_int_equal(added, 2);
	assert_int_equal(count(&w, "SELECT count(*) FROM resident_tags WHERE resident_id = ?", w.resident), 3);
	assert_int_equal(count(&w, "SELECT count(*) FROM resident_tag_history WHERE resident_id = ?", w.resident), 3);
	assert_int_equal(count(&w, audits, w.resident), audits0 + 1);
	/* again: nothing to give, nothing recorded */
	assert_int_equal(grid_resident_tags_would_add(c, v.path, w.resident, names, 4, &would), RC_OK);
	assert_int_equal(would, 0);
	assert_int_equal(ctx_begin(c), RC_OK);
	assert_int_equal(ctx_end(c, grid_resident_tags_add(c, v.path, w.village, w.household, w.resident, names, 4, &added)),
			 RC_OK);
	assert_int_equal(added, 0);
	assert_int_equal(count(&w, audits, w.resident), audits0 + 1);
	const char *household_tag[] = {"党员户"}, *unknown[] = {"没有这个"};
	memset(&c->err, 0, sizeof(c->err));
	assert_int_equal(grid_resident_tags_would_add(c, v.path, w.resident, household_tag, 1, &would), RC_INVALID);
	memset(&c->err, 0, sizeof(c->err));
	assert_int_equal(grid_resident_tags_would_add(c, v.path, w.resident, unknown, 1, &would), RC_NOT_FOUND);
	memset(&c->err, 0, sizeof(c->err));
	testdb_close(&w.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_position),
		cmocka_unit_test(test_resident_tags),
		cmocka_unit_test(test_resident_tags_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
