/* Unit tests for the village's voice: who hears a broadcast (a town's reaches the
 * villages below it and no other), the hourly limit of a villager's 说事 posts with the
 * time to wait, and a hidden post kept for inspectors but not shown to villagers. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/kernel/org.h"
#include "domain/voice/voice.h"
#include "testdb.h"
#include "util/timeutil.h"

struct world {
	struct testdb t;
	int64_t county, town, town2, village, village2;
	struct actor cadre, villager, neighbour, far, inspector;
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
}

static void villager(struct world *w, struct actor *a, const char *phone, int64_t village, const char *number)
{
	memset(a, 0, sizeof(*a));
	a->user_id = testdb_user(&w->t, phone, "村民");
	a->household_id = testdb_household(&w->t, village, 0, number);
	grant(&w->t, a, "villager", village);
}

static void setup(struct world *w)
{
	testdb_open(&w->t, "voice", time_cn_midnight(time_days_from_civil(2026, 11, 5)) + 10 * 3600);
	w->county = testdb_unit(&w->t, 0, "county", "VC", "测试县");
	w->town = testdb_unit(&w->t, w->county, "town", "VT", "测试镇");
	w->town2 = testdb_unit(&w->t, w->county, "town", "VT2", "邻镇");
	w->village = testdb_unit(&w->t, w->town, "village", "VV", "测试村");
	w->village2 = testdb_unit(&w->t, w->town2, "village", "VV2", "邻村");
	memset(&w->cadre, 0, sizeof(w->cadre));
	w->cadre.user_id = testdb_user(&w->t, "13800000001", "干部");
	grant(&w->t, &w->cadre, "cadre", w->village);
	memset(&w->inspector, 0, sizeof(w->inspector));
	w->inspector.user_id = testdb_user(&w->t, "13800000002", "纪检");
	grant(&w->t, &w->inspector, "inspector", w->village);
	villager(w, &w->villager, "13800000003", w->village, "001");
	villager(w, &w->neighbour, "13800000004", w->village, "002");
	villager(w, &w->far, "13800000005", w->village2, "001");
}

static struct ctx as(struct world *w, const struct actor *a)
{
	struct ctx c = w->t.c;
	c.system = false;
	c.actor = a;
	return c;
}

static void test_who_hears(void **state)
{
	(void)state;
	struct world w;
	setup(&w);
	int64_t id;
	/* the town's broadcast, sent as the system with an author */
	assert_int_equal(voice_seed_broadcast(&w.t.c, w.town, w.cadre.user_id, w.t.c.now, "全镇停电检修", &id), RC_OK);
	struct broadcast_query q = {.limit = 10};
	struct broadcast *items;
	int n;
	int64_t total;
	struct ctx c = as(&w, &w.villager);
	assert_int_equal(voice_broadcasts_list(&c, &q, &items, &n, &total), RC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, id);
	struct broadcast b;
	assert_int_equal(voice_broadcast_get(&c, id, &b), RC_OK);
	c = as(&w, &w.far);
	assert_int_equal(voice_broadcasts_list(&c, &q, &items, &n, &total), RC_OK);
	assert_int_equal(n, 0);
	assert_int_equal(voice_broadcast_get(&c, id, &b), RC_NOT_FOUND);
	/* a villager may not broadcast; the text is one line of at most 200 characters */
	c = as(&w, &w.villager);
	assert_int_equal(voice_broadcast(&c, w.village, "测试", NULL, &b), RC_FORBIDDEN);
	c = as(&w, &w.cadre);
	char long_text[VOICE_TEXT_MAX * 3 + 4];
	for (int i = 0; i <= VOICE_TEXT_MAX; i++)
		memcpy(long_text + i * 3, "广", 3);
	long_text[(VOICE_TEXT_MAX + 1) * 3] = 0;
	assert_int_equal(voice_broadcast(&c, w.village, long_text, NULL, &b), RC_INVALID);
	testdb_close(&w.t);
}

static void test_rate_limit(void **state)
{
	(void)state;
	struct world w;
	setup(&w);
	struct ctx c = as(&w, &w.villager);
	int64_t id = 0;
	for (int i = 0; i < TALK_POSTS_PER_HOUR; i++) {
		struct talk_input in = {.category = "suggestion", .title = "建议", .body = "内容"};
		c.now = w.t.c.now + i * 60;
		assert_int_equal(voice_talk_open(&c, &in, &id), RC_OK);
	}
	struct talk_input in = {.category = "praise", .title = "表扬", .body = "内容"};
	c.now = w.t.c.now + 30 * 60;
	assert_int_equal(voice_talk_open(&c, &in, &id), RC_TOO_MANY);
	/* the first post leaves the window an hour after it was written */
	assert_int_equal(c.err.retry_after, 30 * 60);
	/* a neighbour is not limited by another's posts */
	struct ctx n = as(&w, &w.neighbour);
	int64_t post;
	assert_int_equal(voice_talk_reply(&n, id, "同意", NULL, &post), RC_OK);
	c.err = (struct err){0};
	c.now = w.t.c.now + 3600 + 1;
	assert_int_equal(voice_talk_open(&c, &in, &id), RC_OK);
	testdb_close(&w.t);
}

static void test_hidden_kept(void **state)
{
	(void)state;
	struct world w;
	setup(&w);
	struct ctx v = as(&w, &w.villager);
	struct talk_input in = {.category = "question", .title = "问题", .body = "内容"};
	int64_t id, post;
	assert_int_equal(voice_talk_open(&v, &in, &id), RC_OK);
	struct ctx n = as(&w, &w.neighbour);
	assert_int_equal(voice_talk_reply(&n, id, "某某的电话是 138", NULL, &post), RC_OK);
	assert_int_equal(voice_talk_hide(&v, id, post, "隐私"), RC_FORBIDDEN);
	struct ctx k = as(&w, &w.cadre);
	assert_int_equal(voice_talk_hide(&k, id, post, ""), RC_INVALID);
	k.err = (struct err){0};
	assert_int_equal(voice_talk_hide(&k, id, post, "含他人电话"), RC_OK);
	struct talk t;
	v.err = (struct err){0};
	assert_int_equal(voice_talk_get(&v, id, &t), RC_OK);
	assert_int_equal(t.nposts, 1);
	assert_true(t.posts[0].hidden_at > 0);
	assert_null(t.posts[0].body);
	assert_null(t.posts[0].hidden_reason);
	struct ctx i = as(&w, &w.inspector);
	assert_int_equal(voice_talk_get(&i, id, &t), RC_OK);
	assert_string_equal(t.posts[0].body, "某某的电话是 138");
	assert_string_equal(t.posts[0].hidden_reason, "含他人电话");
	/* a villager of another village does not see the thread at all */
	struct ctx f = as(&w, &w.far);
	assert_int_equal(voice_talk_get(&f, id, &t), RC_NOT_FOUND);
	testdb_close(&w.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_who_hears),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_hidden_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
