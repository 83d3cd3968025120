/* Demo data of the points system 积分制: six months of claims, reviews, 公示,
 * objections, awards and deductions, monthly 红黑榜 and the shop counter, made day by
 * day through the domain functions as the people who did it (demo_points.h). The shop's
 * steps are in demo_points_shop.c, the other villages' in demo_points_others.c. */
#include "cli/demo_points_internal.h"
#include "cli/demo.h"
#include "cli/demo_actor.h"
#include "cli/demo_picture.h"
#include "domain/kernel/files.h"
#include "domain/points/activities.h"
#include "domain/points/claims.h"
#include "domain/points/publicity.h"
#include "domain/points/rankings.h"
#include "domain/register/account.h"
#include "domain/shop/counter.h"
#include "domain/shop/shop.h"
#include "util/buf.h"
#include "util/timeutil.h"

/* ---- the rules and the texts of claims ---- */

static const char *const reject_reasons[] = {
	"照片看不出是本人参加，请补充现场照片后重新申报",
	"同一次活动本户已经申报过，不重复计分",
	"该日期村里没有组织这项活动，请核对日期",
	"不符合事项标准：志愿劳动需参加满两小时",
	"申报的成员当天在外务工，与实际不符",
};

static const char *const descriptions[] = {
	"和邻居一起参加的，有签到",
	"早上八点到十一点，在村委会门口",
	"网格员在场，可以作证",
	"照片是当天拍的",
	"",
	"组长组织的，本组去了十几户",
};

static int load_rules(struct ctx *c, int64_t village, struct rule_ref *out, int *n)
{
	*n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, name, points, photo_required, claim_by FROM point_rules "
					     "WHERE unit_id = ? AND retired_version IS NULL ORDER BY id", "i", village);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取积分事项");
	while (*n < MAX_RULES && db_step(st) == DB_ROW) {
		struct rule_ref *r = &out[(*n)++];
		r->id = db_col_int(st, 0);
		str_copy(r->name, sizeof(r->name), db_col_text(st, 1));
		r->points = (int)db_col_int(st, 2);
		r->photo = db_col_int(st, 3) != 0;
		str_copy(r->by, sizeof(r->by), db_col_text(st, 4));
	}
	db_finalize(st);
	return *n ? RC_OK : ctx_fail(c, RC_INTERNAL, "演示数据：村里没有积分事项");
}

const struct rule_ref *dp_rule_named(const struct rule_ref *rules, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rules[i].name, name))
			return &rules[i];
	return NULL;
}

/* A rule a villager ("self") or a grid worker ("grid") may claim, at random. */
static const struct rule_ref *pick_rule(struct rng *r, const struct rule_ref *rules, int n, const char *by)
{
	for (int tries = 0; tries < 200; tries++) {
		const struct rule_ref *k = &rules[rng_range(r, 0, n - 1)];
		if (k->points <= 0)
			continue;
		if (!strcmp(k->by, "self") || (!strcmp(by, "grid") && !strcmp(k->by, "grid")))
			return k;
	}
	return &rules[0];
}

static void date_of(int64_t day, char out[11])
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* ---- one claim, its review ---- */

static int claim(struct ctx *c, struct village1 *v, struct rng *r, const struct actor *who, const struct hh *h,
		 int64_t day, int64_t t, const char *by)
{
	struct ctx x = demo_as(c, who, t);
	const struct rule_ref *k = pick_rule(r, v->rules, v->nrules, by);
	char date[11];
	date_of(day - rng_range(r, 0, 2), date);
	struct claim_input in = {
		.household_id = strcmp(by, "self") ? h->id : 0,
		.resident_id = strcmp(by, "self") ? h->head : who->resident_id,
		.rule_id = k->id,
		.occurred_on = date,
		.description = descriptions[rng_range(r, 0, (int)ARRAY_SIZE(descriptions) - 1)],
	};
	char hash[FILES_HASH_LEN + 1];
	if (k->photo) {
		struct demo_picture *p = malloc(sizeof(*p));
		int rc = p ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
		if (!rc) {
			demo_scene(p, ++v->photos);
			rc = demo_up(c, &x, demo_picture_store(&x, p, hash));
		}
		free(p);
		if (rc)
			return rc;
		in.photos[0] = hash;
		in.nphotos = 1;
	}
	int64_t id;
	int rc = claims_create(&x, &in, &id);
	if (rc == RC_INVALID || rc == RC_FORBIDDEN || rc == RC_NOT_FOUND)
		return RC_OK;   /* over the rule's cap, or not theirs to claim: not made */
	if (rc)
		return demo_up(c, &x, rc);
	if (v->npending < MAX_PENDING)
		v->pending[v->npending++] = (struct pend){id, h->id, day};
	return RC_OK;
}

/* The assessor, or the cadre for a record the assessor may not review. */
static int review(struct ctx *c, struct village1 *v, int64_t id, bool approve, const char *reason, int64_t t)
{
	struct ctx x = demo_as(c, &v->assessor, t);
	int rc = claims_review(&x, id, approve, reason);
	if (rc == RC_FORBIDDEN) {
		x = demo_as(c, &v->cadre, t + 60);
		rc = claims_review(&x, id, approve, reason);
	}
	if (rc == RC_CONFLICT || rc == RC_FORBIDDEN || rc == RC_INVALID)
		return RC_OK;
	return demo_up(c, &x, rc);
}

static int review_due(struct ctx *c, struct village1 *v, struct rng *r, int64_t day)
{
	int64_t t = demo_at(day, 9, 0);
	int keep = 0;
	for (int i = 0; i < v->npending; i++) {
		struct pend *p = &v->pending[i];
		if (p->day > day - 2) {
			v->pending[keep++] = *p;
			continue;
		}
		bool approve = rng_chance(r, 87);
		const char *reason = approve ? "" : reject_reasons[rng_range(r, 0, (int)ARRAY_SIZE(reject_reasons) - 1)];
		int rc = review(c, v, p->claim, approve, reason, t += 90);
		if (rc)
			return rc;
	}
	v->npending = keep;
	return RC_OK;
}

/* ---- awards and deductions ---- */

int dp_award(struct ctx *c, const struct actor *cadre, const struct rule_ref *k, const int64_t *hh, int n,
	     int64_t day, int64_t t, const char *note)
{
	if (!k || n <= 0)
		return RC_OK;
	char date[11];
	date_of(day, date);
	struct award_input in = {.rule_id = k->id, .household_ids = hh, .nhouseholds = n, .occurred_on = date,
				 .note = note};
	struct award_result res;
	struct ctx x = demo_as(c, cadre, t);
	int rc = claims_award(&x, &in, &res);
	if (rc == RC_INVALID)
		return RC_OK;   /* a household over the rule's cap: the batch is not made */
	return demo_up(c, &x, rc);
}

/* A share of the households (every one from `every`), in a batch of at most 500. */
int dp_some_households(struct rng *r, const int64_t *all, int n, int percent, int64_t *out, int64_t must)
{
	int k = 0;
	if (must)
		out[k++] = must;
	for (int i = 0; i < n && k < AWARD_BATCH_MAX; i++)
		if (all[i] != must && rng_chance(r, percent))
			out[k++] = all[i];
	return k;
}

static const struct {
	const char *rule, *note;
} deductions[] = {
	{"乱倒垃圾", "在村道边倾倒建筑垃圾，经劝导三天未清理"},
	{"焚烧秸秆", "在自家田里焚烧秸秆，网格员劝阻后仍继续，有照片为证"},
	{"乱搭乱建", "未经审批在房前搭建彩钢棚占用村道"},
	{"散养畜禽污染环境", "鸡鸭散养到村道上，粪便污染路面，多次提醒未改"},
	{"违规燃放烟花爆竹", "禁燃期间在村委会附近燃放鞭炮"},
	{"乱倒垃圾", "垃圾未分类，直接倒进河沟"},
	{"大操大办酒席", "为孩子升学摆酒四十桌，超出村规民约规定"},
	{"乱搭乱建", "在房后空地乱堆乱放建材、搭建杂物棚，影响邻居通行"},
};

int dp_deduct(struct ctx *c, const struct actor *cadre, const struct rule_ref *rules, int nrules, int which,
	      int64_t household, int64_t day, int64_t t)
{
	const struct rule_ref *k = dp_rule_named(rules, nrules, deductions[which % ARRAY_SIZE(deductions)].rule);
	return dp_award(c, cadre, k, &household, 1, day, t, deductions[which % ARRAY_SIZE(deductions)].note);
}

/* ---- the red and black list of last month ---- */

int dp_publish_month(struct ctx *c, const struct actor *cadre, int64_t unit, int64_t day, int64_t t)
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	if (--m == 0)
		m = 12, y--;
	char period[RANKING_PERIOD_MAX + 1];
	snprintf(period, sizeof(period), "%04d-%02d", y, m);
	struct ctx x = demo_as(c, cadre, t);
	int64_t id;
	int rc = rankings_publish(&x, unit, period, &id);
	return rc == RC_CONFLICT || rc == RC_INVALID ? RC_OK : demo_up(c, &x, rc);
}

/* ---- the first village's cast ---- */

static int load_households(struct ctx *c, struct village1 *v, struct rng *r, int64_t d0)
{
	struct db_stmt *st = db_query(
		c->db,
		"SELECT h.id, COALESCE(h.group_id, 0), "
		"(SELECT min(x.id) FROM residents x WHERE x.household_id = h.id AND x.relation = '户主'), "
		"(SELECT min(x.id) FROM residents x WHERE x.household_id = h.id AND x.phone IS NOT NULL AND "
		"x.phone <> '' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.resident_id = x.id)) "
		"FROM households h WHERE h.village_id = ? ORDER BY h.id",
		"i", v->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取住户");
	while (v->nhh < MAX_HH && db_step(st) == DB_ROW) {
		struct hh *h = &v->hh[v->nhh++];
		memset(h, 0, sizeof(*h));
		h->id = db_col_int(st, 0);
		h->group_id = db_col_int(st, 1);
		h->head = db_col_int(st, 2);
		h->phone_resident = db_col_int(st, 3);
	}
	db_finalize(st);
	/* one household in ten of every group activates, spread over the months */
	int64_t groups[16] = {0};
	int seen[16] = {0};
	for (int i = 0; i < v->nhh; i++) {
		struct hh *h = &v->hh[i];
		int g = 0;
		while (g < 15 && groups[g] && groups[g] != h->group_id)
			g++;
		groups[g] = h->group_id;
		if (seen[g]++ % 10 == 4 && h->phone_resident && h->id != v->villagers[0].household_id)
			h->activate_day = (int)(d0 + rng_range(r, 1, HISTORY_DAYS - 20));
		if (h->id == v->villagers[0].household_id)
			h->villager = 1;
	}
	return RC_OK;
}

int dp_activation(struct ctx *c, const struct actor *cadre, int64_t resident, int64_t handed_at,
		  int64_t activated_at, const char *remote, int64_t *uid)
{
	char code[ACCOUNT_CODE_LEN + 1];
	int64_t expires;
	*uid = 0;
	struct ctx x = demo_as(c, cadre, handed_at);
	int rc = account_issue_activation(&x, resident, code, &expires, uid);
	if (rc == RC_CONFLICT) {
		*uid = 0;
		return RC_OK;
	}
	if (rc)
		return demo_up(c, &x, rc);
	char phone[24] = "";
	struct db_stmt *st = db_query(c->db, "SELECT phone FROM residents WHERE id = ?", "i", resident);
	if (st && db_step(st) == DB_ROW)
		str_copy(phone, sizeof(phone), db_col_text(st, 0));
	db_finalize(st);
	struct session s;
	x = demo_as(c, NULL, activated_at);
	x.system = false;
	x.remote = remote;
	if ((rc = account_activate(&x, phone, code, DEMO_PASSWORD, &s)))
		return demo_up(c, &x, rc);
	account_logout(&x, s.token);   /* the phone keeps nothing from the demo */
	return RC_OK;
}

int dp_activate(struct ctx *c, struct village1 *v, struct hh *h, int64_t day)
{
	if (v->nvillagers >= MAX_VILLAGERS)
		return RC_OK;
	int64_t uid;
	int rc = dp_activation(c, &v->cadre, h->phone_resident, demo_at(day, 8, 30), demo_at(day, 19, 40),
			       "10.0.0.1", &uid);
	if (rc || !uid)
		return rc;
	struct actor *a = &v->villagers[v->nvillagers];
	if ((rc = demo_actor_load(c, uid, a)))
		return rc;
	h->villager = ++v->nvillagers;
	return RC_OK;
}

/* ---- objections ---- */

/* A villager of the village objects, at t, to an open entry of another household. */
static int object(struct ctx *c, struct village1 *v, int who, const char *reason, int64_t t, int64_t *claim_id)
{
	*claim_id = 0;
	if (who >= v->nvillagers)
		return RC_OK;
	const struct actor *a = &v->villagers[who];
	int64_t pid = 0;
	db_get_int(c->db, &pid, "SELECT p.id FROM publicity p JOIN claims c ON c.id = p.claim_id WHERE "
				"p.village_id = ? AND p.status = 'open' AND p.ends_at > ? AND p.starts_at < ? AND "
				"c.source = 'claim' AND c.household_id <> ? ORDER BY p.id DESC LIMIT 1",
		   "iiii", v->id, t, t, a->household_id);
	if (!pid)
		return RC_OK;
	db_get_int(c->db, claim_id, "SELECT claim_id FROM publicity WHERE id = ?", "i", pid);
	struct ctx x = demo_as(c, a, t);
	int64_t oid;
	int rc = publicity_object(&x, pid, reason, &oid);
	if (rc == RC_CONFLICT || rc == RC_FORBIDDEN) {
		*claim_id = 0;
		return RC_OK;
	}
	return demo_up(c, &x, rc);
}

/* ---- the first village, day by day ---- */

static bool counter_day(int64_t day)
{
	int wd = (int)((day + 4) % 7);   /* 1970-01-01 was a Thursday; 0 = Sunday */
	return wd == 2 || wd == 5 || wd == 0;
}

static int village_day(struct ctx *c, struct village1 *v, struct rng *r, int64_t day, int64_t d0, int64_t today,
		       int64_t *all, int nall, int64_t *batch)
{
	int rc = RC_OK;
	int64_t lin = v->villagers[0].household_id;
	struct hh *own = NULL;
	for (int i = 0; i < v->nhh; i++)
		if (v->hh[i].id == lin)
			own = &v->hh[i];
	int dom;
	{
		int y, m;
		time_civil_from_days(day, &y, &m, &dom);
	}
	/* activations: the cadre hands out the code in the morning, the villager activates
	   in the evening (below) */
	/* 09:00 the assessor reviews what came in the day before yesterday and earlier */
	if ((rc = review_due(c, v, r, day)))
		return rc;
	/* objections decided the day after */
	if (day == today - 29 && v->objection_claim[0])
		rc = review(c, v, v->objection_claim[0], false, "经入户核实，该户当天未参加志愿劳动，异议成立，记录驳回",
			    demo_at(day, 10, 10));
	if (!rc && day == today - 2 && v->objection_claim[1])
		rc = review(c, v, v->objection_claim[1], true, "经核实签到表和现场照片，该户确实参加，异议不成立",
			    demo_at(day, 10, 20));
	if (rc)
		return rc;
	/* the counter: Tuesday, Friday and Sunday mornings */
	if (v->shop && counter_day(day)) {
		if (dom <= 3 && (rc = dp_restock(c, v, demo_at(day, 8, 40))))
			return rc;
		int sales = rng_range(r, 0, 2) + (rng_chance(r, 30) ? 1 : 0);
		for (int k = 0; !rc && k < sales; k++) {
			struct hh *h = k == 0 && (day - d0) % 35 == 12 ? own : dp_well_off(c, v, r, k == 1 ? 120 : 25);
			if (!h && k == 1)
				h = dp_well_off(c, v, r, 25);
			if (h)
				rc = dp_redeem(c, v, r, h, day, demo_at(day, 9, 35 + k * 12));
		}
		if (!rc && ((v->nsales >= 10 && v->returns == 0) || (v->nsales >= 30 && v->returns == 1)))
			rc = dp_give_back(c, v, demo_at(day, 11, 10), v->returns ? "买重了，家里还有，没拆封" : "拿回家发现瓶子漏了");
		if (rc)
			return rc;
	}
	/* 11:45 the cadre's awards and deductions */
	if (dom == 15 || (day == d0 + 10)) {
		const char *rule = day == d0 + 10 ? "按时缴纳医保和养老保险" : dom % 2 ? "参加村民大会" : "参加村民大会";
		const char *note = day == d0 + 10 ? "据镇社保所名单，本户已按时缴纳城乡居民医保和养老保险"
						  : "参加本月村民大会，会议签到表存档";
		int n = dp_some_households(r, all, nall, day == d0 + 10 ? 60 : 18, batch, lin);
		rc = dp_award(c, &v->cadre, dp_rule_named(v->rules, v->nrules, rule), batch, n, day, demo_at(day, 11, 45), note);
		if (!rc && dom == 15) {
			n = dp_some_households(r, all, nall, 6, batch, 0);
			rc = dp_award(c, &v->cadre, dp_rule_named(v->rules, v->nrules, "孝老爱亲"), batch, n, day,
				      demo_at(day, 11, 50), "经网格员走访核实，常年照顾年迈父母，邻里称道");
		}
		if (rc)
			return rc;
	}
	if ((day - d0) % 17 == 8 && day < today - 3)
		rc = dp_deduct(c, &v->cadre, v->rules, v->nrules, (int)((day - d0) / 17),
			       all[rng_range(r, 0, nall - 1)], day, demo_at(day, 11, 55));
	if (!rc && day == today - 40)
		rc = dp_award(c, &v->cadre, dp_rule_named(v->rules, v->nrules, "散养畜禽污染环境"), &lin, 1, day,
			      demo_at(day, 11, 58), "鸡鸭散养到村道上，经网格员提醒后已圈养");
	/* 10:30 on the 2nd: last month's 红黑榜 */
	if (!rc && dom == 2 && day > d0 + 20)
		rc = dp_publish_month(c, &v->cadre, v->id, day, demo_at(day, 10, 30));
	if (rc)
		return rc;
	/* from noon: claims from the phone and by the grid workers */
	int64_t t = demo_at(day, 12, 0);
	for (int i = 0; !rc && i < v->nhh; i++) {
		struct hh *h = &v->hh[i];
		if (!h->villager)
			continue;
		int chance = h->villager == 1 ? 16 : 6;
		if (h->villager == 1 && day >= today - 9 && day <= today - 8)
			chance = 100;   /* credited this month */
		if (rng_chance(r, chance))
			rc = claim(c, v, r, &v->villagers[h->villager - 1], h, day, t += rng_range(r, 5, 40) * 60, "self");
	}
	int by_grid = rng_range(r, 1, 4);
	for (int k = 0; !rc && k < by_grid; k++) {
		struct hh *h = &v->hh[rng_range(r, 0, v->nhh - 1)];
		bool east = rng_chance(r, 40);
		rc = claim(c, v, r, east ? &v->grid2 : &v->grid, h, day, t += rng_range(r, 10, 50) * 60, "grid");
	}
	/* evening: activations, objections */
	for (int i = 0; !rc && i < v->nhh; i++)
		if (v->hh[i].activate_day == day)
			rc = dp_activate(c, v, &v->hh[i], day);
	if (!rc && (day == today - 30 || day == today - 3 || day == today - 1)) {
		int slot = day == today - 30 ? 0 : day == today - 3 ? 1 : 2;
		static const char *const why[] = {
			"那天志愿劳动我全程都在，没见到这户的人",
			"这户那天好像在外地，麻烦核实一下",
			"同一件事上个月已经加过分了，是不是重复申报",
		};
		rc = object(c, v, 1 + slot, why[slot], demo_at(day, 20, 30), &v->objection_claim[slot]);
	}
	return rc;
}

/* ---- the whole ---- */

/* The activities the village has coming: set up by the cadre two days ago, with
 * villagers (the demo villager among them) signed up, so that 活动签到 and 村里活动
 * show what is on rather than an empty list. */
static const struct {
	const char *title, *place, *rule;
	int in_days, hour, minute, hours, capacity, signups;
} coming[] = {
	{"冬季村庄环境大扫除", "村委会广场集合", "参加志愿劳动", 3, 8, 30, 3, 60, 18},
	{"新年文艺汇演排练", "村文化礼堂", "参加村文体活动", 8, 19, 0, 2, 40, 11},
	{"冬季森林防火宣讲", "后山路口防火点", "参加理论宣讲活动", 12, 9, 0, 2, 30, 6},
};

static int coming_activities(struct ctx *c, struct village1 *v, int64_t today)
{
	int rc = RC_OK;
	for (size_t i = 0; !rc && i < sizeof(coming) / sizeof(coming[0]); i++) {
		const struct rule_ref *k = dp_rule_named(v->rules, v->nrules, coming[i].rule);
		if (!k || k->points <= 0)
			continue;
		int64_t start = demo_at(today + coming[i].in_days, coming[i].hour, coming[i].minute);
		struct activity_input in = {.village_id = v->id, .rule_id = k->id, .title = coming[i].title,
					    .place = coming[i].place, .starts_at = start,
					    .ends_at = start + coming[i].hours * 3600LL, .capacity = coming[i].capacity};
		int64_t id = 0;
		struct ctx x = demo_as(c, &v->cadre, demo_at(today - 2, 9, (int)i * 7));
		if ((rc = demo_up(c, &x, activities_create(&x, &in, &id))))
			break;
		/* the demo villager comes to the first two; other villagers sign up over the day
		 * (one whose sign-up the domain refuses simply is not on the list) */
		for (int j = i < 2 ? 0 : 1; j < v->nvillagers && j <= coming[i].signups; j++) {
			struct ctx y = demo_as(c, &v->villagers[j], demo_at(today - 1, 8 + j % 12, (j * 13) % 60));
			(void)activities_signup(&y, id, 0);
		}
	}
	return rc;
}

int points_seed_demo(struct ctx *c, const int64_t *villages, int n)
{
	if (!c->system)
		return ctx_fail(c, RC_FORBIDDEN, "演示数据只能从命令行生成");
	if (n < 1)
		return RC_OK;
	struct rng r = {0x706f696e74733236ULL};
	int64_t today = time_cn_days(c->now), d0 = today - HISTORY_DAYS;
	struct village1 *v = calloc(1, sizeof(*v));
	struct other *others = calloc((size_t)n, sizeof(*others));
	int64_t *all = calloc(MAX_HH, sizeof(*all)), *batch = calloc(AWARD_BATCH_MAX + 1, sizeof(*batch));
	int rc = v && others && all && batch ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
	if (!rc) {
		v->id = villages[0];
		v->villagers = calloc(MAX_VILLAGERS, sizeof(*v->villagers));
		v->hh = calloc(MAX_HH, sizeof(*v->hh));
		v->pending = calloc(MAX_PENDING, sizeof(*v->pending));
		if (!v->villagers || !v->hh || !v->pending)
			rc = ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	if (!rc && !(rc = demo_actor_phone(c, "13900000003", &v->cadre)) &&
	    !(rc = demo_actor_phone(c, "13900000006", &v->assessor)) &&
	    !(rc = demo_actor_phone(c, "13900000005", &v->grid)) &&
	    !(rc = demo_actor_phone(c, "13900000009", &v->grid2)) &&
	    !(rc = demo_actor_phone(c, "13900000004", &v->clerk)) &&
	    !(rc = demo_actor_phone(c, "15620260101", &v->villagers[0]))) {
		v->nvillagers = 1;
		rc = load_rules(c, v->id, v->rules, &v->nrules);
	}
	if (!rc)
		rc = load_households(c, v, &r, d0);
	int nall = 0;
	if (!rc) {
		for (int i = 0; i < v->nhh; i++)
			all[nall++] = v->hh[i].id;
		rc = dp_load_goods(c, v);
	}
	if (!rc && v->shop)
		rc = dp_photograph_goods(c, v, demo_at(d0, 9, 0));
	for (int i = 1; !rc && i < n; i++) {
		struct other *o = &others[i];
		o->id = villages[i];
		o->hh = calloc(MAX_HH, sizeof(*o->hh));
		rc = o->hh ? dp_other_cadre(c, o->id, i, &o->cadre) : (int)ctx_fail(c, RC_INTERNAL, "内存不足");
		if (!rc)
			rc = load_rules(c, o->id, o->rules, &o->nrules);
		if (!rc)
			rc = dp_households_of(c, o->id, o->hh, MAX_HH, &o->nhh);
		if (!rc)
			rc = dp_other_activations(c, o, d0);
	}

	/* day by day up to yesterday evening; today only the night's crediting job */
	for (int64_t day = d0; !rc && day <= today; day++) {
		/* 01:00 the crediting job: 公示 periods that ended are credited */
		int64_t credited;
		struct ctx job = demo_as(c, NULL, demo_at(day, 1, 0));
		if (job.now < c->now && (rc = demo_up(c, &job, publicity_credit_due(&job, &credited))))
			break;
		if (day == today)
			break;
		rc = village_day(c, v, &r, day, d0, today, all, nall, batch);
		for (int i = 1; !rc && i < n; i++)
			rc = dp_other_day(c, &others[i], &r, day, d0, today, batch);
	}

	if (!rc)
		rc = coming_activities(c, v, today);
	if (!rc && v->shop)
		rc = dp_villager_preorder(c, v, today);

	/* yesterday's stocktake: eggs past their date written off */
	for (int i = 0; !rc && v && i < v->ngoods; i++) {
		struct goods_ref *g = &v->goods[i];
		int64_t left = dp_stock_of(c, g->id);
		if (!g->keep_low || left <= g->low)
			continue;
		struct stock_adjust_input in = {.kind = "loss", .quantity = (int)(left - g->low + 1),
						.reason = strstr(g->name, "鸡蛋") ? "盘点发现临期鸡蛋，按规定报损" : "盘点短少，已查明为破损漏液"};
		int64_t move;
		struct ctx x = demo_as(c, &v->clerk, demo_at(today - 1, 17, 30));
		rc = demo_up(c, &x, stock_adjust(&x, g->id, &in, &move));
	}

	if (v) {
		free(v->villagers);
		free(v->hh);
		free(v->pending);
	}
	for (int i = 0; others && i < n; i++) {
		free(others[i].hh);
		free(others[i].act_resident);
		free(others[i].act_day);
	}
	free(v);
	free(others);
	free(all);
	free(batch);
	return rc;
}
