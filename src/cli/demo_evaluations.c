/* Demo data of evaluations 评选: 青山村's 2026年上半年美丽庭院 campaign run from
 * nomination to publication (the cadre and the two grid workers nominate twelve
 * households, the five-member panel — the cadre, the grid workers, the 评议小组's member
 * and the villager 李琳 as 村民代表 — scores each on the five criteria, a villager's
 * objection is dismissed, the winners are credited and tagged), and its 五好文明家庭
 * campaign in scoring with some scores in (李琳 nominated her own household, which she
 * may not score). Every step goes through the evaluations feature as the person at the
 * time it happened. The other villages get a 最美家庭 campaign taking nominations. */
#include "cli/demo_evaluations.h"
#include "cli/demo_actor.h"
#include "cli/demo_rng.h"
#include "domain/evaluations/evaluations.h"
#include "util/timeutil.h"

static const char *const LABELS[5] = {"村干部", "网格员", "网格员", "小组长", "村民代表"};

static int beautiful_yards(struct ctx *c, struct xrng *r, int64_t village, struct actor *panel[5],
			   const int64_t *hhs, int nh, int64_t t0)
{
	struct eval_campaign_input in = {
		.village_id = village, .kind = "美丽庭院", .title = "2026年上半年美丽庭院评选", .period_from = "2026-01-01",
		.period_to = "2026-06-30", .tag_name = "美丽庭院户", .points = 50, .winners = 5, .publicity_days = 5,
		.criteria = {{"院落整洁", 30, 0, 10}, {"绿化美化", 20, 0, 10}, {"物品摆放", 20, 0, 10},
			     {"卫生厕所", 15, 0, 10}, {"垃圾分类", 15, 0, 10}},
		.ncriteria = 5, .npanel = 5,
	};
	for (int i = 0; i < 5; i++)
		in.panel[i] = (struct eval_member_input){panel[i]->user_id, LABELS[i]};
	struct actor *cadre = panel[0];
	struct ctx x = demo_as(c, cadre, t0);
	int64_t id;
	bool rep;
	int rc = eval_campaign_create(&x, &in, &id, &rep);
	if (!rc) {
		x = demo_as(c, cadre, t0 + 3600);
		rc = eval_campaign_action(&x, id, "open");
	}
	/* nominations over a week: grid workers for the households they know, the cadre
	   for the rest */
	int64_t nids[16];
	static const char *const notes[] = {"院子收拾得干净，种了不少花", "厕所改造完成，垃圾分类做得好",
					    "房前屋后整洁，菜园规整", "老两口每天打扫，邻居都说好"};
	for (int i = 0; !rc && i < nh && i < 16; i++) {
		struct actor *who = i % 3 == 0 ? panel[1] : i % 3 == 1 ? panel[2] : cadre;
		x = demo_as(c, who, t0 + 86400 + (int64_t)i * 40000);
		struct eval_nomination_input ni = {.household_id = hhs[i], .note = notes[i % 4]};
		rc = eval_nominate(&x, id, &ni, &nids[i], &rep);
		if (rc == RC_FORBIDDEN || rc == RC_INVALID) {   /* not this grid worker's: the cadre nominates */
			ctx_reset(&x);
			x = demo_as(c, cadre, x.now);
			rc = eval_nominate(&x, id, &ni, &nids[i], &rep);
		}
	}
	if (!rc) {
		x = demo_as(c, cadre, t0 + 8 * 86400);
		rc = eval_campaign_action(&x, id, "score");
	}
	/* the panel visits each household: a household's quality, each member's own eye */
	for (int i = 0; !rc && i < nh && i < 16; i++) {
		int base = 5 + xrng_range(r, 0, 4);
		for (int m = 0; !rc && m < 5; m++) {
			if (panel[m]->household_id == hhs[i])
				continue;
			struct eval_score_input si = {.nitems = 5, .note = m == 4 ? "入户看过" : ""};
			for (int k = 0; k < 5; k++) {
				int v = base + xrng_range(r, -1, 1) + (m == 3 ? -1 : 0);
				si.items[k] = v < 0 ? 0 : v > 10 ? 10 : v;
			}
			x = demo_as(c, panel[m], t0 + 9 * 86400 + (int64_t)i * 7200 + m * 600);
			int64_t sid;
			rc = eval_score(&x, nids[i], &si, &sid, &rep);
		}
	}
	if (!rc) {
		x = demo_as(c, cadre, t0 + 16 * 86400);
		rc = eval_campaign_action(&x, id, "publicize");
	}
	int64_t oid = 0;
	if (!rc) {
		x = demo_as(c, panel[4], t0 + 17 * 86400);
		rc = eval_object(&x, id, "第三名那户的旱厕还没改，卫生厕所一项分数偏高", NULL, &oid, &rep);
	}
	if (!rc) {
		x = demo_as(c, cadre, t0 + 18 * 86400);
		rc = eval_objection_decide(&x, oid, false, "经入户核实，该户已于五月完成厕所改造，有验收单，异议不成立");
	}
	if (!rc) {
		x = demo_as(c, cadre, t0 + 22 * 86400);
		rc = eval_campaign_action(&x, id, "publish");
	}
	return demo_up(c, &x, rc);
}

static int civilised_families(struct ctx *c, struct xrng *r, int64_t village, struct actor *panel[5],
			      const int64_t *hhs, int nh, int64_t t0)
{
	struct eval_campaign_input in = {
		.village_id = village, .kind = "五好文明家庭", .title = "2026年度五好文明家庭评选", .period_from = "2026-01-01",
		.period_to = "2026-12-31", .tag_name = "文明家庭", .points = 30, .winners = 3, .publicity_days = 7,
		.criteria = {{"爱国守法", 20, 0, 10}, {"诚实守信", 20, 0, 10}, {"男女平等", 20, 0, 10},
			     {"邻里和睦", 20, 0, 10}, {"勤俭持家", 20, 0, 10}},
		.ncriteria = 5, .npanel = 5,
	};
	for (int i = 0; i < 5; i++)
		in.panel[i] = (struct eval_member_input){panel[i]->user_id, LABELS[i]};
	struct actor *cadre = panel[0];
	struct ctx x = demo_as(c, cadre, t0);
	int64_t id;
	bool rep;
	int rc = eval_campaign_create(&x, &in, &id, &rep);
	if (!rc) {
		x = demo_as(c, cadre, t0 + 3600);
		rc = eval_campaign_action(&x, id, "open");
	}
	int64_t nids[16];
	int n = 0;
	/* 李琳 nominates her own household */
	if (!rc && panel[4]->household_id) {
		x = demo_as(c, panel[4], t0 + 86400);
		struct eval_nomination_input ni = {.note = "一家三代和和睦睦，照顾老人二十年"};
		rc = eval_nominate(&x, id, &ni, &nids[n++], &rep);
	}
	for (int i = 0; !rc && i < nh && n < 8; i++) {
		x = demo_as(c, cadre, t0 + 2 * 86400 + (int64_t)i * 3600);
		struct eval_nomination_input ni = {.household_id = hhs[i], .note = "村民小组推荐"};
		rc = eval_nominate(&x, id, &ni, &nids[n++], &rep);
	}
	if (!rc) {
		x = demo_as(c, cadre, t0 + 6 * 86400);
		rc = eval_campaign_action(&x, id, "score");
	}
	/* the cadre and 刘强 have scored everyone, 张秀兰 half of them */
	int members[3] = {0, 1, 3};
	for (int k = 0; !rc && k < 3; k++) {
		int upto = members[k] == 3 ? n / 2 : n;
		for (int i = 0; !rc && i < upto; i++) {
			struct eval_score_input si = {.nitems = 5};
			for (int j = 0; j < 5; j++)
				si.items[j] = 6 + xrng_range(r, 0, 4);
			x = demo_as(c, panel[members[k]], t0 + 7 * 86400 + (int64_t)(k * n + i) * 1800);
			int64_t sid;
			rc = eval_score(&x, nids[i], &si, &sid, &rep);
		}
	}
	return demo_up(c, &x, rc);
}

static int households_of(struct ctx *c, int64_t village, int64_t skip, int64_t *out, int max)
{
	int n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id FROM households WHERE village_id = ? AND id <> ? ORDER BY id LIMIT ?",
				      "iii", village, skip, (int64_t)max);
	while (st && n < max && db_step(st) == DB_ROW)
		out[n++] = db_col_int(st, 0);
	db_finalize(st);
	return n;
}

int evaluations_seed_demo(struct ctx *c, const int64_t *villages, int n)
{
	if (n < 1)
		return RC_OK;
	struct xrng r = {0x4576616c44656d6fULL};
	struct actor cadre, liu, zhao, zhang, lin;
	int rc;
	if ((rc = demo_actor_phone(c, "13900000003", &cadre)) || (rc = demo_actor_phone(c, "13900000005", &liu)) ||
	    (rc = demo_actor_phone(c, "13900000009", &zhao)) || (rc = demo_actor_phone(c, "13900000006", &zhang)) ||
	    (rc = demo_actor_phone(c, "15620260101", &lin)))
		return rc;
	struct actor *panel[5] = {&cadre, &liu, &zhao, &zhang, &lin};
	int64_t hhs[40];
	int nh = households_of(c, villages[0], lin.household_id, hhs, 40);
	if (nh < 12)
		return RC_OK;   /* a village too small for the story */
	/* the first half's campaign: early June, published in early July (or, when the demo
	   is made earlier in the year, the same story ending a week ago) */
	int64_t t0 = time_cn_midnight(time_days_from_civil(2026, 6, 8)) + 9 * 3600;
	if (t0 + 23 * 86400 > c->now)
		t0 = c->now - 30 * 86400;
	if ((rc = beautiful_yards(c, &r, villages[0], panel, hhs, 12, t0)))
		return rc;
	if ((rc = civilised_families(c, &r, villages[0], panel, hhs + 12, nh - 12, c->now - 10 * 86400)))
		return rc;
	/* elsewhere: a 最美家庭 campaign taking nominations, set up by the system for the
	   villages that have an account to sit on the panel */
	for (int v = 1; v < n; v++) {
		struct ctx x = demo_as(c, NULL, c->now - 3 * 86400);
		struct eval_candidate *k;
		int nk;
		if (eval_candidates(&x, villages[v], &k, &nk) || !nk) {
			ctx_reset(c);
			continue;
		}
		struct eval_campaign_input in = {
			.village_id = villages[v], .kind = "最美家庭", .title = "2026年度最美家庭评选", .period_from = "2026-01-01",
			.period_to = "2026-12-31", .points = 20, .winners = 2, .publicity_days = 5,
			.criteria = {{"家风家教", 40, 0, 10}, {"孝老爱亲", 30, 0, 10}, {"热心公益", 30, 0, 10}},
			.ncriteria = 3, .npanel = nk < 3 ? nk : 3,
		};
		for (int i = 0; i < in.npanel; i++)
			in.panel[i] = (struct eval_member_input){k[i].user_id, ""};
		int64_t id;
		bool rep;
		if ((rc = eval_campaign_create(&x, &in, &id, &rep)) || (rc = eval_campaign_action(&x, id, "open")))
			return demo_up(c, &x, rc);
		int64_t vh[3];
		int nvh = households_of(c, villages[v], 0, vh, 3);
		for (int i = 0; i < nvh; i++) {
			struct eval_nomination_input ni = {.household_id = vh[i], .note = "村民推荐"};
			int64_t nid;
			if ((rc = eval_nominate(&x, id, &ni, &nid, &rep)))
				return demo_up(c, &x, rc);
		}
	}
	return RC_OK;
}
