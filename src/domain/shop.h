/* The points shop (积分超市): shops, goods, opening windows and the stock ledger. Every
 * change of a good's stock is a movement in stock_moves, and goods.stock always equals
 * the sum of its movements (cunzhi verify checks it). The counter (redemption, returns,
 * cards, pre-orders) is in counter.h. */
#ifndef DOMAIN_SHOP_H
#define DOMAIN_SHOP_H

#include "domain/ctx.h"

#define SHOP_NAME_MAX 40
#define GOODS_NAME_MAX 40

struct shop {
	int64_t id, unit_id;
	char unit_kind[12];
	char unit_path[160];
	char name[SHOP_NAME_MAX * 4 + 1];
	char window_mode[12];      /* always, scheduled */
	int return_days, preorder_hours;
};

struct goods {
	int64_t id, shop_id;
	char name[GOODS_NAME_MAX * 4 + 1];
	char category[64];
	char photo_hash[65];       /* "" when none */
	int price_points;
	char unit[32];
	int stock, limit_count, low_stock;
	char limit_period[8];      /* month, quarter, year, or "" */
	bool active;
};

/* One shop, no access check. */
int shop_get(struct ctx *c, int64_t id, struct shop *out);
/* True when the actor holds perm (P_SHOP_ADMIN or P_SHOP_COUNTER) on the shop's unit. */
bool shop_can(const struct ctx *c, const struct shop *s, unsigned perm);
/* True when the shop serves the village. */
bool shop_serves(struct ctx *c, const struct shop *s, int64_t village_id);
/* RC_OK when the shop is open at c->now; otherwise RC_CONFLICT with a clear message
 * naming the next window ("积分超市现在不营业，下次集中兑换：…"). */
int shop_check_open(struct ctx *c, const struct shop *s);

/* One good, no access check. */
int goods_get(struct ctx *c, int64_t id, struct goods *out);

struct stock_move {
	int64_t shop_id, goods_id;
	const char *kind;          /* in, out, return, adjust, reserve, release */
	int quantity;              /* signed */
	int64_t unit_cost;         /* 分 */
	const char *funding, *supplier, *photo_hash, *reason;  /* may be NULL */
	int64_t receipt_id, preorder_id;  /* or 0 */
};

/* Inside the caller's transaction: records a movement and changes the good's stock by
 * its quantity; a movement that would make stock negative fails with RC_CONFLICT
 * ("「洗衣液」库存不足，只剩 N 袋"). The conditional update makes the last unit
 * impossible to sell twice. */
int stock_apply(struct ctx *c, const struct stock_move *m, int64_t *move_id);

#endif
