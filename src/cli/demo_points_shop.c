/* The points demo's shop: the goods with their photos, stock-ins when they run low,
 * redemptions and returns at the counter, and the demo villager's pre-order (see
 * demo_points_internal.h). */
#include "cli/demo_picture.h"
#include "cli/demo_points_internal.h"
#include "util/buf.h"
#include "util/timeutil.h"

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

/* ---- the shop ---- */

int dp_load_goods(struct ctx *c, struct village1 *v)
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
int dp_photograph_goods(struct ctx *c, struct village1 *v, int64_t t)
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

int64_t dp_stock_of(struct ctx *c, int64_t goods)
{
	int64_t n = 0;
	db_get_int(c->db, &n, "SELECT stock FROM goods WHERE id = ?", "i", goods);
	return n;
}

int dp_restock(struct ctx *c, struct village1 *v, int64_t t)
{
	for (int i = 0; i < v->ngoods; i++) {
		struct goods_ref *g = &v->goods[i];
		if (g->keep_low || dp_stock_of(c, g->id) > g->low * 2)
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
struct hh *dp_well_off(struct ctx *c, struct village1 *v, struct rng *r, int64_t min)
{
	int64_t n = 0, id = 0;
	if (db_get_int(c->db, &n, "SELECT count(*) FROM balances b JOIN households h ON h.id = b.household_id "
				  "WHERE h.village_id = ? AND b.spendable >= ?", "ii", v->id, min) != DB_OK || n == 0)
		return NULL;
	if (db_get_int(c->db, &id, "SELECT b.household_id FROM balances b JOIN households h ON h.id = b.household_id "
				   "WHERE h.village_id = ? AND b.spendable >= ? ORDER BY b.household_id LIMIT 1 OFFSET ?",
		       "iii", v->id, min, (int64_t)rng_range(r, 0, (int)n - 1)) != DB_OK)
		return NULL;
	for (int i = 0; i < v->nhh; i++)
		if (v->hh[i].id == id)
			return &v->hh[i];
	return NULL;
}

/* One redemption at the counter: the household's card (issued by the cadre the first
 * time), the goods it can afford, the keep-low goods first. */
int dp_redeem(struct ctx *c, struct village1 *v, struct rng *r, struct hh *h, int64_t day, int64_t t)
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
	int start = rng_range(r, 0, v->ngoods - 1);
	for (int pass = 0; pass < 2 && n < 3; pass++)
		for (int k = 0; k < v->ngoods && n < 3; k++) {
			const struct goods_ref *g = &v->goods[(start + k) % v->ngoods];
			if (g->keep_low != (pass == 0) || g->price > left || dp_stock_of(c, g->id) <= (g->keep_low ? 3 : 0))
				continue;
			if (pass == 1 && !rng_chance(r, 35))
				continue;
			int64_t q = g->keep_low && g->price * 2 <= left && rng_chance(r, 70) ? 2 : 1;
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

int dp_give_back(struct ctx *c, struct village1 *v, int64_t t, const char *reason)
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

/* 李琳 reserved one of the shop's goods in the app yesterday evening, to collect at the
 * counter (her 我的预订 shows it waiting); the first good in stock she can pay for. */
int dp_villager_preorder(struct ctx *c, struct village1 *v, int64_t today)
{
	for (int i = 0; i < v->ngoods; i++) {
		const struct goods_ref *g = &v->goods[i];
		if (g->keep_low || dp_stock_of(c, g->id) < 5)
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
