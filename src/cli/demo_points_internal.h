/* Shared inside the points demo only (demo_points.c, demo_points_shop.c,
 * demo_points_others.c): the first village's cast and state, and
 * the steps each file provides. Other files include demo_points.h. */
#ifndef CLI_DEMO_POINTS_INTERNAL_H
#define CLI_DEMO_POINTS_INTERNAL_H

#include "cli/demo_actor.h"
#include "cli/demo_points.h"
#include "cli/demo_rng.h"
#include "domain/points/rules.h"
#include "domain/shop/counter.h"
#include "domain/shop/shop.h"

#define HISTORY_DAYS 182
#define MAX_HH 1200
#define MAX_VILLAGERS 160
#define MAX_RULES 64
#define MAX_PENDING 4096
#define MAX_SALES 256

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

/* ---- the points (demo_points.c) ---- */

const struct rule_ref *dp_rule_named(const struct rule_ref *rules, int n, const char *name);
int dp_award(struct ctx *c, const struct actor *cadre, const struct rule_ref *k, const int64_t *hh, int n,
	     int64_t day, int64_t t, const char *note);
/* A share of the households (every one from `every`), in a batch of at most 500. */
int dp_some_households(struct rng *r, const int64_t *all, int n, int percent, int64_t *out, int64_t must);
int dp_deduct(struct ctx *c, const struct actor *cadre, const struct rule_ref *rules, int nrules, int which,
	      int64_t household, int64_t day, int64_t t);
/* The red and black list of last month. */
int dp_publish_month(struct ctx *c, const struct actor *cadre, int64_t unit, int64_t day, int64_t t);
/* The cadre hands a resident the activation code at handed_at, the villager activates
 * on the phone at activated_at from remote and logs out; *uid is the account, 0 when
 * the resident had one already. */
int dp_activation(struct ctx *c, const struct actor *cadre, int64_t resident, int64_t handed_at,
		  int64_t activated_at, const char *remote, int64_t *uid);
int dp_activate(struct ctx *c, struct village1 *v, struct hh *h, int64_t day);

/* ---- the shop (demo_points_shop.c) ---- */

int dp_load_goods(struct ctx *c, struct village1 *v);
/* The clerk photographs every good on the shelf. */
int dp_photograph_goods(struct ctx *c, struct village1 *v, int64_t t);
int64_t dp_stock_of(struct ctx *c, int64_t goods);
int dp_restock(struct ctx *c, struct village1 *v, int64_t t);
/* A household with points to spend, at random. */
struct hh *dp_well_off(struct ctx *c, struct village1 *v, struct rng *r, int64_t min);
/* One redemption at the counter: the household's card (issued by the cadre the first
 * time), the goods it can afford, the keep-low goods first. */
int dp_redeem(struct ctx *c, struct village1 *v, struct rng *r, struct hh *h, int64_t day, int64_t t);
int dp_give_back(struct ctx *c, struct village1 *v, int64_t t, const char *reason);
/* 李琳 reserved one of the shop's goods in the app yesterday evening, to collect at the
 * counter (her 我的预订 shows it waiting); the first good in stock she can pay for. */
int dp_villager_preorder(struct ctx *c, struct village1 *v, int64_t today);

/* ---- the other villages (demo_points_others.c) ---- */

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

int dp_other_cadre(struct ctx *c, int64_t village, int i, struct actor *a);
int dp_households_of(struct ctx *c, int64_t village, int64_t *out, int max, int *n);
/* The households of another village that activate an account over the months. */
int dp_other_activations(struct ctx *c, struct other *o, int64_t d0);
int dp_other_day(struct ctx *c, struct other *o, struct rng *r, int64_t day, int64_t d0, int64_t today,
		 int64_t *batch);

#endif
