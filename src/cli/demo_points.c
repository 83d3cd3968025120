/* Demo data of the points system 积分制: six months of claims, reviews, 公示,
 * objections, awards and deductions, monthly 红黑榜 and the shop counter, made day by
 * day through the domain functions as the people who did it (demo_points.h). */
#include "cli/demo_points.h"
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


#define HISTORY_DAYS 182
#define MAX_HH 1200
#define MAX_VILLAGERS 160
#define MAX_RULES 64
#define MAX_PENDING 4096
#define MAX_SALES 256

/* ---- a seeded generator ---- */

struct prng {
	uint64_t s;
};

static uint64_t pr_next(struct prng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int pr(struct prng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)(pr_next(r) % (uint64_t)(hi - lo + 1));
}

static bool pc(struct prng *r, int percent)
{
	return pr(r, 0, 99) < percent;
}

/* A good's photo: its colour on a light background, the shape of the thing. */
static void goods_picture(struct demo_picture *p, int i, const char *name, const char *category)
{
	static const uint32_t colours[] = {0xd9a21b, 0xf2f2e6, 0x2f7fd8, 0x5a3418, 0xffffff, 0xe04b5a,
					   0x3cb0a0, 0xe8c15a, 0x37b24d, 0xf0d8a8, 0x8a5cd0, 0x2b2b3b};
	static const uint32_t backs[] = {0xfdf3e1, 0xeef3e8, 0xe6f0fb, 0xf6ece4, 0xe9eef2, 0xfbe9ec,
					 0xe5f5f2, 0xfbf5e3, 0xe8f6ea, 0xf7f0e6, 0xf0e9fa, 0xeceef1};
	uint32_t col = colours[i % 12], back = backs[i % 12];
	p->w = p->h = 200;
	demo_fill(p, 0, 0, 200, 200, back);
	demo_fill(p, 0, 170, 200, 200, 0xd8d2c8);   /* the shelf */
	if (strstr(name, "毛巾")) {
		for (int k = 0; k < 3; k++)            /* folded towels */
			demo_fill(p, 40 + k * 6, 130 - k * 35, 160 - k * 6, 165 - k * 35, k % 2 ? 0xffffff : col);
	} else if (strstr(name, "肥皂")) {
		demo_ellipse(p, 100, 140, 60, 28, col);     /* a bar of soap */
		demo_ellipse(p, 100, 134, 50, 20, 0xfff6d8);
	} else if (strstr(name, "牙膏")) {
		demo_fill(p, 30, 120, 150, 160, col);       /* a tube */
		demo_fill(p, 150, 130, 170, 150, 0x3060c0);
		demo_fill(p, 40, 132, 120, 148, 0x3060c0);
	} else if (strstr(name, "盐") || strstr(name, "大米")) {
		demo_fill(p, 60, 45, 140, 170, col);        /* a bag */
		demo_fill(p, 60, 40, 140, 50, 0xbbbbbb);
		demo_fill(p, 70, 95, 130, 125, 0x2060a0);
	} else if (strstr(name, "伞")) {
		for (int y = 50; y < 110; y++)         /* an umbrella */
			for (int x = 40; x < 160; x++) {
				double dx = (x - 100) / 60.0, dy = (y - 110) / 60.0;
				if (dx * dx + dy * dy <= 1.0)
					demo_fill(p, x, y, x + 1, y + 1, col);
			}
		demo_fill(p, 97, 110, 103, 160, 0x555555);
		demo_fill(p, 85, 155, 103, 161, 0x555555);
	} else if (strstr(name, "杯")) {
		demo_fill(p, 75, 55, 125, 165, col);        /* a flask */
		demo_fill(p, 72, 40, 128, 58, 0x444444);
	} else if (!strcmp(category, "粮油")) {
		demo_fill(p, 55, 40, 145, 170, col);        /* a can of oil */
		demo_fill(p, 85, 25, 115, 40, 0x444444);
		demo_fill(p, 55, 95, 145, 115, 0xc0392b);
	} else if (!strcmp(category, "日化")) {
		demo_fill(p, 70, 60, 130, 170, col);        /* a bottle */
		demo_fill(p, 88, 30, 112, 60, col);
		demo_fill(p, 84, 22, 116, 32, 0x333333);
		demo_fill(p, 74, 100, 126, 130, 0xffffff);
		demo_fill(p, 80 + i % 5 * 6, 108, 96 + i % 5 * 6, 122, col);
	} else if (!strcmp(category, "调味")) {
		demo_fill(p, 80, 50, 120, 170, col);        /* a slim bottle */
		demo_fill(p, 90, 30, 110, 50, 0x8b0000);
		demo_fill(p, 80, 100, 120, 125, 0xf5d76e);
	} else if (!strcmp(category, "生鲜")) {
		demo_fill(p, 30, 120, 170, 170, 0xc9a46a);  /* a tray of eggs */
		for (int k = 0; k < 3; k++)
			demo_ellipse(p, 55 + k * 45, 112, 18, 24, col);
	} else {
		demo_ellipse(p, 100, 105, 55, 55, col);
	}
}

/* ---- the cast and the village ---- */

struct rule_ref {
	int64_t id;
	char name[RULE_NAME_MAX * 4 + 1];
	int points;
	bool photo;
	char by[8];
};

struct hh {
	int64_t id, group_id, head, phone_resident;
	int activate_day;          /* day of activation, 0 = never */
	int villager;              /* index into villagers + 1, 0 = none */
	char card_no[CARD_NO_LEN + 1], pin[8];
};

struct pend {
	int64_t claim, household;
	int64_t day;
};

struct sale {
	int64_t receipt, goods;
	int64_t day;
};

struct goods_ref {
	int64_t id;
	char name[GOODS_NAME_MAX * 4 + 1];
	int price, low, first_qty;
	bool keep_low;             /* never restocked: ends below its threshold */
};

struct village1 {
	int64_t id, shop;
	struct actor cadre, assessor, grid, grid2, clerk;
	struct actor *villagers;   /* [0] is the demo villager */
	int nvillagers;
	struct hh *hh;
	int nhh;
	struct rule_ref rules[MAX_RULES];
	int nrules;
	struct pend *pending;
	int npending;
	struct sale sales[MAX_SALES];
	int nsales, returns;
	struct goods_ref goods[24];
	int ngoods;
	int64_t objection_claim[3];
	uint64_t photos;
};

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

static const struct rule_ref *rule_named(const struct rule_ref *rules, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rules[i].name, name))
			return &rules[i];
	return NULL;
}

/* A rule a villager ("self") or a grid worker ("grid") may claim, at random. */
static const struct rule_ref *pick_rule(struct prng *r, const struct rule_ref *rules, int n, const char *by)
{
	for (int tries = 0; tries < 200; tries++) {
		const struct rule_ref *k = &rules[pr(r, 0, n - 1)];
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

static int claim(struct ctx *c, struct village1 *v, struct prng *r, const struct actor *who, const struct hh *h,
		 int64_t day, int64_t t, const char *by)
{
	struct ctx x = demo_as(c, who, t);
	const struct rule_ref *k = pick_rule(r, v->rules, v->nrules, by);
	char date[11];
	date_of(day - pr(r, 0, 2), date);
	struct claim_input in = {
		.household_id = strcmp(by, "self") ? h->id : 0,
		.resident_id = strcmp(by, "self") ? h->head : who->resident_id,
		.rule_id = k->id,
		.occurred_on = date,
		.description = descriptions[pr(r, 0, (int)ARRAY_SIZE(descriptions) - 1)],
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

static int review_due(struct ctx *c, struct village1 *v, struct prng *r, int64_t day)
{
	int64_t t = demo_at(day, 9, 0);
	int keep = 0;
	for (int i = 0; i < v->npending; i++) {
		struct pend *p = &v->pending[i];
		if (p->day > day - 2) {
			v->pending[keep++] = *p;
			continue;
		}
		bool approve = pc(r, 87);
		const char *reason = approve ? "" : reject_reasons[pr(r, 0, (int)ARRAY_SIZE(reject_reasons) - 1)];
		int rc = review(c, v, p->claim, approve, reason, t += 90);
		if (rc)
			return rc;
	}
	v->npending = keep;
	return RC_OK;
}

/* ---- awards and deductions ---- */

static int award(struct ctx *c, const struct actor *cadre, const struct rule_ref *k, const int64_t *hh, int n,
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
static int some_households(struct prng *r, const int64_t *all, int n, int percent, int64_t *out, int64_t must)
{
	int k = 0;
	if (must)
		out[k++] = must;
	for (int i = 0; i < n && k < AWARD_BATCH_MAX; i++)
		if (all[i] != must && pc(r, percent))
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

static int deduct(struct ctx *c, const struct actor *cadre, const struct rule_ref *rules, int nrules, int which,
		  int64_t household, int64_t day, int64_t t)
{
	const struct rule_ref *k = rule_named(rules, nrules, deductions[which % ARRAY_SIZE(deductions)].rule);
	return award(c, cadre, k, &household, 1, day, t, deductions[which % ARRAY_SIZE(deductions)].note);
}

/* ---- the red and black list of last month ---- */

static int publish_month(struct ctx *c, const struct actor *cadre, int64_t unit, int64_t day, int64_t t)
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

static int load_households(struct ctx *c, struct village1 *v, struct prng *r, int64_t d0)
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
			h->activate_day = (int)(d0 + pr(r, 1, HISTORY_DAYS - 20));
		if (h->id == v->villagers[0].household_id)
			h->villager = 1;
	}
	return RC_OK;
}

static int activate(struct ctx *c, struct village1 *v, struct hh *h, int64_t day)
{
	if (v->nvillagers >= MAX_VILLAGERS)
		return RC_OK;
	char code[ACCOUNT_CODE_LEN + 1];
	int64_t expires, uid;
	struct ctx x = demo_as(c, &v->cadre, demo_at(day, 8, 30));
	int rc = account_issue_activation(&x, h->phone_resident, code, &expires, &uid);
	if (rc == RC_CONFLICT)
		return RC_OK;
	if (rc)
		return demo_up(c, &x, rc);
	char phone[24] = "";
	struct db_stmt *st = db_query(c->db, "SELECT phone FROM residents WHERE id = ?", "i", h->phone_resident);
	if (st && db_step(st) == DB_ROW)
		str_copy(phone, sizeof(phone), db_col_text(st, 0));
	db_finalize(st);
	struct session s;
	x = demo_as(c, NULL, demo_at(day, 19, 40));
	x.system = false;
	x.remote = "10.0.0.1";
	if ((rc = account_activate(&x, phone, code, DEMO_PASSWORD, &s)))
		return demo_up(c, &x, rc);
	account_logout(&x, s.token);   /* the phone keeps nothing from the demo */
	struct actor *a = &v->villagers[v->nvillagers];
	if ((rc = demo_actor_load(c, uid, a)))
		return rc;
	h->villager = ++v->nvillagers;
	return RC_OK;
}

/* ---- the shop ---- */

static int load_goods(struct ctx *c, struct village1 *v)
{
	if (db_get_int(c->db, &v->shop, "SELECT s.id FROM shops s JOIN shop_villages sv ON sv.shop_id = s.id "
					 "WHERE sv.village_id = ? ORDER BY s.id LIMIT 1", "i", v->id) != DB_OK)
		return RC_OK;   /* no shop: no counter */
	struct db_stmt *st = db_query(c->db, "SELECT id, name, price_points, low_stock, stock, category FROM goods "
					     "WHERE shop_id = ? ORDER BY id", "i", v->shop);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取商品");
	while (v->ngoods < (int)ARRAY_SIZE(v->goods) && db_step(st) == DB_ROW) {
		struct goods_ref *g = &v->goods[v->ngoods++];
		g->id = db_col_int(st, 0);
		str_copy(g->name, sizeof(g->name), db_col_text(st, 1));
		g->price = (int)db_col_int(st, 2);
		g->low = (int)db_col_int(st, 3);
		g->first_qty = (int)db_col_int(st, 4);
		g->keep_low = !strcmp(g->name, "洗洁精") || !strcmp(g->name, "鸡蛋 一盒");
	}
	db_finalize(st);
	return RC_OK;
}

/* The clerk photographs every good on the shelf. */
static int photograph_goods(struct ctx *c, struct village1 *v, int64_t t)
{
	struct demo_picture *p = malloc(sizeof(*p));
	if (!p)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int rc = RC_OK;
	for (int i = 0; !rc && i < v->ngoods; i++) {
		struct ctx x = demo_as(c, &v->clerk, t + i * 120);
		struct goods_info gi;
		if ((rc = demo_up(c, &x, goods_read(&x, v->goods[i].id, &gi))))
			break;
		goods_picture(p, i, gi.g.name, gi.g.category);
		char hash[FILES_HASH_LEN + 1];
		if ((rc = demo_up(c, &x, demo_picture_store(&x, p, hash))))
			break;
		struct goods_input in = {.photo_hash = hash};
		rc = demo_up(c, &x, goods_update(&x, v->goods[i].id, GF_PHOTO, &in));
	}
	free(p);
	return rc;
}

static int64_t stock_of(struct ctx *c, int64_t goods)
{
	int64_t n = 0;
	db_get_int(c->db, &n, "SELECT stock FROM goods WHERE id = ?", "i", goods);
	return n;
}

static int restock(struct ctx *c, struct village1 *v, int64_t t)
{
	for (int i = 0; i < v->ngoods; i++) {
		struct goods_ref *g = &v->goods[i];
		if (g->keep_low || stock_of(c, g->id) > g->low * 2)
			continue;
		struct stock_in_input in = {.supplier = strstr(g->name, "鸡蛋") ? "村养殖合作社" : "青川县日用百货公司",
					    .quantity = g->first_qty > 10 ? g->first_qty : 10,
					    .unit_cost = 100 + g->price * 20, .funding = "财政"};
		int64_t move;
		struct ctx x = demo_as(c, &v->clerk, t + i * 60);
		int rc = stock_in(&x, g->id, &in, &move);
		if (rc)
			return demo_up(c, &x, rc);
	}
	return RC_OK;
}

static int64_t spendable(struct ctx *c, int64_t household)
{
	int64_t n = 0;
	db_get_int(c->db, &n, "SELECT spendable FROM balances WHERE household_id = ?", "i", household);
	return n;
}

/* A household with points to spend, at random. */
static struct hh *well_off(struct ctx *c, struct village1 *v, struct prng *r, int64_t min)
{
	int64_t n = 0, id = 0;
	if (db_get_int(c->db, &n, "SELECT count(*) FROM balances b JOIN households h ON h.id = b.household_id "
				  "WHERE h.village_id = ? AND b.spendable >= ?", "ii", v->id, min) != DB_OK || n == 0)
		return NULL;
	if (db_get_int(c->db, &id, "SELECT b.household_id FROM balances b JOIN households h ON h.id = b.household_id "
				   "WHERE h.village_id = ? AND b.spendable >= ? ORDER BY b.household_id LIMIT 1 OFFSET ?",
		       "iii", v->id, min, (int64_t)pr(r, 0, (int)n - 1)) != DB_OK)
		return NULL;
	for (int i = 0; i < v->nhh; i++)
		if (v->hh[i].id == id)
			return &v->hh[i];
	return NULL;
}

/* One redemption at the counter: the household's card (issued by the cadre the first
 * time), the goods it can afford, the keep-low goods first. */
static int redeem(struct ctx *c, struct village1 *v, struct prng *r, struct hh *h, int64_t day, int64_t t)
{
	int64_t have = spendable(c, h->id);
	if (have < 20)
		return RC_OK;
	if (!h->card_no[0]) {
		snprintf(h->pin, sizeof(h->pin), "%04d", (int)(h->id * 7919 % 9000 + 1000));
		struct card card;
		struct ctx x = demo_as(c, &v->cadre, t - 600);
		int rc = counter_card_issue(&x, h->id, h->pin, &card);
		if (rc)
			return demo_up(c, &x, rc);
		str_copy(h->card_no, sizeof(h->card_no), card.card_no);
	}
	struct counter_item items[4];
	int n = 0;
	int64_t left = have;
	int start = pr(r, 0, v->ngoods - 1);
	for (int pass = 0; pass < 2 && n < 3; pass++)
		for (int k = 0; k < v->ngoods && n < 3; k++) {
			const struct goods_ref *g = &v->goods[(start + k) % v->ngoods];
			if (g->keep_low != (pass == 0) || g->price > left || stock_of(c, g->id) <= (g->keep_low ? 3 : 0))
				continue;
			if (pass == 1 && !pc(r, 35))
				continue;
			int64_t q = g->keep_low && g->price * 2 <= left && pc(r, 70) ? 2 : 1;
			items[n++] = (struct counter_item){g->id, q};
			left -= g->price * q;
		}
	if (!n)
		return RC_OK;
	char key[40];
	snprintf(key, sizeof(key), "demo-%lld-%lld", (long long)h->id, (long long)t);
	struct redeem_input in = {.shop_id = v->shop, .code = h->card_no, .pin = h->pin, .items = items, .nitems = n,
				  .idempotency_key = key};
	int64_t receipt;
	bool replayed;
	struct ctx x = demo_as(c, &v->clerk, t);
	x.remote = "10.0.0.2";
	int rc = counter_redeem(&x, &in, &receipt, &replayed);
	if (rc == RC_INVALID || rc == RC_CONFLICT)
		return RC_OK;   /* over a limit, or sold out in between */
	if (rc)
		return demo_up(c, &x, rc);
	if (v->nsales < MAX_SALES)
		v->sales[v->nsales++] = (struct sale){receipt, items[n - 1].goods_id, day};
	return RC_OK;
}

static int give_back(struct ctx *c, struct village1 *v, int64_t t, const char *reason)
{
	for (int i = v->nsales - 1; i >= 0; i--) {
		struct sale *s = &v->sales[i];
		if (!s->receipt || s->day < time_cn_days(t) - 6)
			continue;
		struct counter_item it = {s->goods, 1};
		char key[40];
		snprintf(key, sizeof(key), "demo-return-%lld", (long long)s->receipt);
		struct return_input in = {.receipt_id = s->receipt, .items = &it, .nitems = 1, .reason = reason,
					  .idempotency_key = key};
		int64_t receipt;
		bool replayed;
		struct ctx x = demo_as(c, &v->clerk, t);
		int rc = counter_return(&x, &in, &receipt, &replayed);
		s->receipt = 0;
		if (rc == RC_INVALID || rc == RC_CONFLICT)
			continue;
		if (!rc)
			v->returns++;
		return demo_up(c, &x, rc);
	}
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

static int village_day(struct ctx *c, struct village1 *v, struct prng *r, int64_t day, int64_t d0, int64_t today,
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
		if (dom <= 3 && (rc = restock(c, v, demo_at(day, 8, 40))))
			return rc;
		int sales = pr(r, 0, 2) + (pc(r, 30) ? 1 : 0);
		for (int k = 0; !rc && k < sales; k++) {
			struct hh *h = k == 0 && (day - d0) % 35 == 12 ? own : well_off(c, v, r, k == 1 ? 120 : 25);
			if (!h && k == 1)
				h = well_off(c, v, r, 25);
			if (h)
				rc = redeem(c, v, r, h, day, demo_at(day, 9, 35 + k * 12));
		}
		if (!rc && ((v->nsales >= 10 && v->returns == 0) || (v->nsales >= 30 && v->returns == 1)))
			rc = give_back(c, v, demo_at(day, 11, 10), v->returns ? "买重了，家里还有，没拆封" : "拿回家发现瓶子漏了");
		if (rc)
			return rc;
	}
	/* 11:45 the cadre's awards and deductions */
	if (dom == 15 || (day == d0 + 10)) {
		const char *rule = day == d0 + 10 ? "按时缴纳医保和养老保险" : dom % 2 ? "参加村民大会" : "参加村民大会";
		const char *note = day == d0 + 10 ? "据镇社保所名单，本户已按时缴纳城乡居民医保和养老保险"
						  : "参加本月村民大会，会议签到表存档";
		int n = some_households(r, all, nall, day == d0 + 10 ? 60 : 18, batch, lin);
		rc = award(c, &v->cadre, rule_named(v->rules, v->nrules, rule), batch, n, day, demo_at(day, 11, 45), note);
		if (!rc && dom == 15) {
			n = some_households(r, all, nall, 6, batch, 0);
			rc = award(c, &v->cadre, rule_named(v->rules, v->nrules, "孝老爱亲"), batch, n, day,
				   demo_at(day, 11, 50), "经网格员走访核实，常年照顾年迈父母，邻里称道");
		}
		if (rc)
			return rc;
	}
	if ((day - d0) % 17 == 8 && day < today - 3)
		rc = deduct(c, &v->cadre, v->rules, v->nrules, (int)((day - d0) / 17),
			    all[pr(r, 0, nall - 1)], day, demo_at(day, 11, 55));
	if (!rc && day == today - 40)
		rc = award(c, &v->cadre, rule_named(v->rules, v->nrules, "散养畜禽污染环境"), &lin, 1, day,
			   demo_at(day, 11, 58), "鸡鸭散养到村道上，经网格员提醒后已圈养");
	/* 10:30 on the 2nd: last month's 红黑榜 */
	if (!rc && dom == 2 && day > d0 + 20)
		rc = publish_month(c, &v->cadre, v->id, day, demo_at(day, 10, 30));
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
		if (pc(r, chance))
			rc = claim(c, v, r, &v->villagers[h->villager - 1], h, day, t += pr(r, 5, 40) * 60, "self");
	}
	int by_grid = pr(r, 1, 4);
	for (int k = 0; !rc && k < by_grid; k++) {
		struct hh *h = &v->hh[pr(r, 0, v->nhh - 1)];
		bool east = pc(r, 40);
		rc = claim(c, v, r, east ? &v->grid2 : &v->grid, h, day, t += pr(r, 10, 50) * 60, "grid");
	}
	/* evening: activations, objections */
	for (int i = 0; !rc && i < v->nhh; i++)
		if (v->hh[i].activate_day == day)
			rc = activate(c, v, &v->hh[i], day);
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

/* ---- the other villages: a cadre who awards and deducts ---- */

static const char *const cadre_names[] = {"王德明", "刘建华", "张永福", "陈志强", "杨春林", "赵国平",
					  "黄俊", "周海涛", "吴秀云", "徐建平", "孙红梅", "马卫东",
					  "朱德胜", "胡玉兰", "郭春生", "何志明", "高丽萍", "林永刚"};

static int other_cadre(struct ctx *c, int64_t village, int i, struct actor *a)
{
	int64_t uid = demo_user_with(c, "cadre", village);
	if (!uid) {
		char phone[24];
		snprintf(phone, sizeof(phone), "139000010%02d", i + 1);
		int rc = account_user_add(c, phone, cadre_names[i % ARRAY_SIZE(cadre_names)], DEMO_PASSWORD, &uid);
		if (!rc)
			rc = account_grant(c, uid, "cadre", village);
		if (rc)
			return rc;
	}
	return demo_actor_load(c, uid, a);
}

static int households_of(struct ctx *c, int64_t village, int64_t *out, int max, int *n)
{
	*n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id FROM households WHERE village_id = ? ORDER BY id", "i", village);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取住户");
	while (*n < max && db_step(st) == DB_ROW)
		out[(*n)++] = db_col_int(st, 0);
	db_finalize(st);
	return RC_OK;
}

struct other {
	int64_t id;
	struct actor cadre;
	struct rule_ref rules[MAX_RULES];
	int nrules;
	int64_t *hh;
	int nhh;
	int64_t *act_resident;   /* households activating: the resident with the phone, */
	int *act_day;            /* and the day */
	int nact;
};

/* The households of another village that activate an account over the months: in each
 * group a share between 5 and 15 % (5–13 % rounded up; the village's own, from a
 * generator of its own, so the rest of the demo is as before), evenly spread over the
 * group's households, each on a day of the history. */
static int other_activations(struct ctx *c, struct other *o, int64_t d0)
{
	struct prng r = {0x61637469766174ULL ^ (uint64_t)o->id * 0x9e3779b97f4a7c15ULL};
	o->act_resident = calloc(MAX_HH, sizeof(*o->act_resident));
	o->act_day = calloc(MAX_HH, sizeof(*o->act_day));
	if (!o->act_resident || !o->act_day)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(
		c->db,
		"SELECT COALESCE(h.group_id, 0), (SELECT min(x.id) FROM residents x WHERE x.household_id = h.id AND "
		"x.phone IS NOT NULL AND x.phone <> '' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.resident_id = x.id)) "
		"FROM households h WHERE h.village_id = ? ORDER BY COALESCE(h.group_id, 0), h.id",
		"i", o->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取住户");
	int64_t group = -1;
	int share = 0, k = 0, owed = 0;
	while (o->nact < MAX_HH && db_step(st) == DB_ROW) {
		int64_t g = db_col_int(st, 0), resident = db_col_int(st, 1);
		if (g != group) {
			group = g;
			share = pr(&r, 5, 13);
			k = owed = 0;
		}
		/* share% of the group's households, rounded up (the first one in): one without
		 * a phone passes its turn to the next household with one */
		if ((k++ * share) % 100 < share)
			owed++;
		if (!resident || !owed)
			continue;
		owed--;
		o->act_resident[o->nact] = resident;
		o->act_day[o->nact++] = (int)(d0 + pr(&r, 1, HISTORY_DAYS - 5));
	}
	db_finalize(st);
	return RC_OK;
}

/* A villager of another village activates: the cadre hands out the code in the
 * morning, the villager activates on the phone in the evening. */
static int activate_other(struct ctx *c, const struct other *o, int64_t resident, int64_t day)
{
	char code[ACCOUNT_CODE_LEN + 1];
	int64_t expires, uid;
	struct ctx x = demo_as(c, &o->cadre, demo_at(day, 8, 40));
	int rc = account_issue_activation(&x, resident, code, &expires, &uid);
	if (rc == RC_CONFLICT)
		return RC_OK;
	if (rc)
		return demo_up(c, &x, rc);
	char phone[24] = "";
	struct db_stmt *st = db_query(c->db, "SELECT phone FROM residents WHERE id = ?", "i", resident);
	if (st && db_step(st) == DB_ROW)
		str_copy(phone, sizeof(phone), db_col_text(st, 0));
	db_finalize(st);
	struct session s;
	x = demo_as(c, NULL, demo_at(day, 20, 10));
	x.system = false;
	x.remote = "10.0.0.2";
	if ((rc = account_activate(&x, phone, code, DEMO_PASSWORD, &s)))
		return demo_up(c, &x, rc);
	account_logout(&x, s.token);
	return RC_OK;
}

static int other_day(struct ctx *c, struct other *o, struct prng *r, int64_t day, int64_t d0, int64_t today,
		     int64_t *batch)
{
	int y, m, dom;
	time_civil_from_days(day, &y, &m, &dom);
	int rc = RC_OK;
	for (int i = 0; !rc && i < o->nact; i++)
		if (o->act_day[i] == day)
			rc = activate_other(c, o, o->act_resident[i], day);
	if (!rc && day == d0 + 12 + (o->id % 5)) {
		int n = some_households(r, o->hh, o->nhh, 20, batch, 0);
		rc = award(c, &o->cadre, rule_named(o->rules, o->nrules, "按时缴纳医保和养老保险"), batch, n, day,
			   demo_at(day, 15, 0), "据镇社保所名单，本户已按时缴纳城乡居民医保和养老保险");
	}
	if (!rc && ((dom == 18 && m % 2) || (dom == 1 && m % 3 == 0))) {
		int n = some_households(r, o->hh, o->nhh, dom == 18 ? 6 : 4, batch, 0);
		rc = award(c, &o->cadre, rule_named(o->rules, o->nrules, dom == 18 ? "参加村民大会" : "参加志愿劳动"), batch, n,
			   day, demo_at(day, 15, 10), dom == 18 ? "参加本月村民大会，会议签到表存档" : "参加村里组织的清扫村道义务劳动");
	}
	if (!rc && (day - d0 + o->id) % 45 == 0 && day < today - 3)
		rc = deduct(c, &o->cadre, o->rules, o->nrules, (int)(o->id + day), o->hh[pr(r, 0, o->nhh - 1)], day,
			    demo_at(day, 15, 20));
	if (!rc && dom == 3 && day > d0 + 20)
		rc = publish_month(c, &o->cadre, o->id, day, demo_at(day, 10, 0));
	return rc;
}

/* 李琳 reserved one of the shop's goods in the app yesterday evening, to collect at the
 * counter (her 我的预订 shows it waiting); the first good in stock she can pay for. */
static int villager_preorder(struct ctx *c, struct village1 *v, int64_t today)
{
	for (int i = 0; i < v->ngoods; i++) {
		const struct goods_ref *g = &v->goods[i];
		if (g->keep_low || stock_of(c, g->id) < 5)
			continue;
		struct counter_item it = {g->id, 1};
		struct preorder_input in = {.shop_id = v->shop, .items = &it, .nitems = 1};
		struct ctx x = demo_as(c, &v->villagers[0], demo_at(today - 1, 20, 15));
		int64_t id;
		int rc = counter_preorder_create(&x, &in, &id);
		if (rc == RC_OK)
			return RC_OK;
		if (rc != RC_CONFLICT && rc != RC_INVALID)
			return demo_up(c, &x, rc);
	}
	return RC_OK;
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
		const struct rule_ref *k = rule_named(v->rules, v->nrules, coming[i].rule);
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
	struct prng r = {0x706f696e74733236ULL};
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
		rc = load_goods(c, v);
	}
	if (!rc && v->shop)
		rc = photograph_goods(c, v, demo_at(d0, 9, 0));
	for (int i = 1; !rc && i < n; i++) {
		struct other *o = &others[i];
		o->id = villages[i];
		o->hh = calloc(MAX_HH, sizeof(*o->hh));
		rc = o->hh ? other_cadre(c, o->id, i, &o->cadre) : (int)ctx_fail(c, RC_INTERNAL, "内存不足");
		if (!rc)
			rc = load_rules(c, o->id, o->rules, &o->nrules);
		if (!rc)
			rc = households_of(c, o->id, o->hh, MAX_HH, &o->nhh);
		if (!rc)
			rc = other_activations(c, o, d0);
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
			rc = other_day(c, &others[i], &r, day, d0, today, batch);
	}

	if (!rc)
		rc = coming_activities(c, v, today);
	if (!rc && v->shop)
		rc = villager_preorder(c, v, today);

	/* yesterday's stocktake: eggs past their date written off */
	for (int i = 0; !rc && v && i < v->ngoods; i++) {
		struct goods_ref *g = &v->goods[i];
		int64_t left = stock_of(c, g->id);
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
