/* The points shop 积分超市, this folder's main header. The shop owns shops, goods,
 * windows and the stock ledger (shop.c), its reports (shop_report.c), their XLSX
 * (shop_export.c), the valuation they share (shop_books.c) and the counter: cards,
 * redemption, returns, pre-orders and receipts (counter.h). It calls
 * the kernel and the public headers of the register (households, the household code)
 * and of points (balances, spending to the ledger).
 *
 * Shops, goods, opening windows and the stock ledger. Every
 * change of a good's stock is a movement in stock_moves, and goods.stock always equals
 * the sum of its movements (cunzhi verify checks it). The counter (redemption, returns,
 * cards, pre-orders) is in counter.h. */
#ifndef DOMAIN_SHOP_H
#define DOMAIN_SHOP_H

#include "domain/kernel/access.h"
#include "domain/kernel/ctx.h"

#define SHOP_NAME_MAX 40
#define GOODS_NAME_MAX 40

struct shop {
	int64_t id, unit_id;
	char unit_kind[12];
	char unit_path[ORG_PATH_MAX];
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
enum result shop_get(struct ctx *c, int64_t id, struct shop *out);
/* True when the actor holds perm (P_SHOP_ADMIN or P_SHOP_COUNTER) on the shop's unit. */
bool shop_can(const struct ctx *c, const struct shop *s, perm_t perm);
/* The refusal of an operation on the shop that the actor's roles do not allow:
 * RC_FORBIDDEN with the message before「shop name」after when the actor may read the
 * shop (staff, or a villager of a village it serves), else RC_NOT_FOUND as a shop that
 * does not exist (kernel/access.h). */
enum result shop_refusal(struct ctx *c, const struct shop *s, const char *before, const char *after);
/* True when the shop serves the village. */
bool shop_serves(struct ctx *c, const struct shop *s, int64_t village_id);
/* RC_OK when the shop is open at c->now; otherwise RC_CONFLICT with a clear message
 * naming the next window ("积分超市现在不营业，下次集中兑换：…"). */
enum result shop_check_open(struct ctx *c, const struct shop *s);

/* One good, no access check. */
enum result goods_get(struct ctx *c, int64_t id, struct goods *out);

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
enum result stock_apply(struct ctx *c, const struct stock_move *m, int64_t *move_id);

/* ======================================================================== shops ====
 * A village shop serves its village; a town shop serves villages of its town listed
 * when it is created (or changed). Changing a shop needs P_SHOP_ADMIN on its unit: a
 * cadre or clerk of the village, a clerk granted on the town for a town shop. Readers:
 * the shop's staff, anyone with P_REGISTER_READ or P_AUDIT_READ on the shop's unit or
 * on a village it serves, and the villagers of the villages it serves. Every change is
 * audited in the chain of the shop's unit. */

#define SHOP_VILLAGES_MAX 64
#define SHOP_RETURN_DAYS_MAX 90
#define SHOP_PREORDER_HOURS_MIN 1
#define SHOP_PREORDER_HOURS_MAX 720
#define SHOP_WINDOW_NOTE_MAX 100        /* characters */
#define SHOP_WINDOW_SPAN_MAX (92 * 86400LL)
#define SHOP_WINDOWS_MAX 500            /* windows listed at once */
#define SHOP_LIST_MAX 500               /* shops listed at once */
#define SHOP_CLOSED_MAX 256

struct shop_village {
	int64_t id;
	char name[SHOP_NAME_MAX * 4 + 1];
};

/* A shop as readers see it. */
struct shop_info {
	struct shop s;
	char unit_name[SHOP_NAME_MAX * 4 + 1];
	struct shop_village *villages;     /* the villages it serves, by id */
	int nvillages;
	bool open;                         /* open at c->now */
	char closed_message[SHOP_CLOSED_MAX];   /* why not, when closed */
	int64_t goods;                     /* active goods */
	int64_t low_stock;                 /* active goods at or below their threshold (staff only, else 0) */
	bool staff;                        /* the reader is staff (sees inactive goods, stock, reports) */
	bool can_admin, can_counter;
	int64_t created_at, updated_at;
};

/* A setting left to its default (return_days 7, preorder_hours 72). */
#define SHOP_UNSET INT32_MIN

struct shop_input {
	int64_t unit_id;                   /* a village, or a town */
	const char *name;
	const char *window_mode;           /* NULL = always */
	int return_days;                   /* 0..SHOP_RETURN_DAYS_MAX, or SHOP_UNSET */
	int preorder_hours;                /* 1..720, or SHOP_UNSET */
	const int64_t *village_ids;        /* a town shop: villages of the town (1..64); a
					      village shop: none, or just the village */
	int nvillages;
};

/* Creates a shop (P_SHOP_ADMIN on unit_id). Names are unique per unit. */
enum result shop_create(struct ctx *c, const struct shop_input *in, int64_t *id);

/* Only what is set changes: name and window_mode when not NULL, the numbers when
 * their set_ flag is true, the served villages (town shops only) with set_villages. */
struct shop_patch {
	const char *name, *window_mode;
	bool set_return_days, set_preorder_hours, set_villages;
	int return_days, preorder_hours;
	const int64_t *village_ids;
	int nvillages;
};

enum result shop_update(struct ctx *c, int64_t id, const struct shop_patch *p);
/* One shop with the read check (RC_NOT_FOUND for those who may not read it). */
enum result shop_read(struct ctx *c, int64_t id, struct shop_info *out);
/* With village_id: the shops serving that village (its villagers and readers in scope).
 * With unit_id (instead): the shops located in that unit or below it that the actor may
 * read (the shops whose low stock a dashboard counts); a unit outside every grant is
 * RC_NOT_FOUND. Without either: the villager's own village, or every shop the actor may
 * read as staff. */
enum result shop_list(struct ctx *c, int64_t village_id, int64_t unit_id, struct shop_info **out, int *n);

/* ---- opening windows (window_mode "scheduled") ---- */

struct shop_window {
	int64_t id, shop_id, starts_at, ends_at;
	char note[SHOP_WINDOW_NOTE_MAX * 4 + 1];
};

/* Adds a window [starts_at, ends_at) (P_SHOP_ADMIN): starts before it ends, ends in the
 * future, at most SHOP_WINDOW_SPAN_MAX long, overlaps no other window of the shop. */
enum result shop_window_add(struct ctx *c, int64_t shop_id, int64_t starts_at, int64_t ends_at, const char *note,
		    int64_t *id);
/* The shop's windows by start (readers of the shop); with all, also those that ended. */
enum result shop_windows_list(struct ctx *c, int64_t shop_id, bool all, struct shop_window **out, int *n);
/* Deletes a window that has not ended (P_SHOP_ADMIN); ended windows stay as history. */
enum result shop_window_delete(struct ctx *c, int64_t id);

/* ======================================================================== goods ==== */

#define GOODS_CATEGORY_MAX 20     /* characters */
#define GOODS_UNIT_MAX 8
#define GOODS_PRICE_MAX 100000
#define GOODS_LIMIT_MAX 1000
#define GOODS_LOW_STOCK_MAX 100000
#define SHOP_GOODS_MAX 2000       /* goods of one shop */

/* The fields of a good; for goods_update, a mask of enum goods_field says which. */
struct goods_input {
	const char *name, *category, *unit;
	const char *photo_hash;      /* a file uploaded by the actor (POST /api/v1/files); "" or NULL = none */
	const char *limit_period;    /* month, quarter, year; "" or NULL with limit_count 0 */
	int price_points, limit_count, low_stock;
	bool active;
};

enum goods_field {
	GF_NAME = 1 << 0, GF_CATEGORY = 1 << 1, GF_UNIT = 1 << 2, GF_PHOTO = 1 << 3,
	GF_PRICE = 1 << 4, GF_LIMIT_COUNT = 1 << 5, GF_LIMIT_PERIOD = 1 << 6, GF_LOW_STOCK = 1 << 7,
	GF_ACTIVE = 1 << 8,
};

struct goods_info {
	struct goods g;
	char shop_name[SHOP_NAME_MAX * 4 + 1];
	bool low;                    /* active and stock <= low_stock */
	bool staff;                  /* read by staff: low_stock and inactive goods are theirs to see */
	int64_t created_at, updated_at;
};

/* A new good of the shop (P_SHOP_ADMIN), with stock 0: every field error at once
 * (name 1–40 characters and unique in the shop, unit 1–8, category up to 20, price
 * 1..100000 points, limit_count 0..1000 with limit_period exactly when above 0,
 * low_stock 0..100000, photo uploaded by the actor). */
enum result goods_create(struct ctx *c, int64_t shop_id, const struct goods_input *in, int64_t *id);
/* Changes the fields in mask (P_SHOP_ADMIN). Goods are never deleted: set active false. */
enum result goods_update(struct ctx *c, int64_t id, unsigned mask, const struct goods_input *in);
/* One good with the read check: staff see every good, villagers of a served village
 * only active ones (RC_NOT_FOUND otherwise). */
enum result goods_read(struct ctx *c, int64_t id, struct goods_info *out);
/* The shop's goods by category and name: staff see all (only active with active_only),
 * villagers the active ones. */
enum result goods_list(struct ctx *c, int64_t shop_id, bool active_only, struct goods_info **out, int *n);
/* The good's photo (bytes in request memory), to whoever may read the good. */
enum result goods_photo(struct ctx *c, int64_t id, char mime[16], const void **data, size_t *len);

/* ======================================================================== stock ==== */

#define STOCK_QTY_MAX 100000
#define STOCK_COST_MAX 1000000000LL   /* 分 per unit */
#define STOCK_SUPPLIER_MAX 60         /* characters */
#define STOCK_REASON_MAX 200
#define STOCK_COST_UNSET INT64_MIN

/* 集体经济, 捐赠, 财政, 其他; NULL-ended. */
extern const char *const stock_fundings[];

struct stock_in_input {
	const char *supplier;        /* required: the seller, or the donor */
	int quantity;                /* 1..STOCK_QTY_MAX */
	int64_t unit_cost;           /* 分, 0..STOCK_COST_MAX, or STOCK_COST_UNSET (an error) */
	const char *funding;         /* one of stock_fundings */
	const char *photo_hash;      /* the purchase receipt, uploaded by the actor; optional */
	/* Run inside the stock-in's transaction after the movement is written: a feature
	 * that books the stock-in (finance: finance_shop_stock_in) adds its own rows, so the
	 * movement and they are one change. Non-zero rolls everything back. */
	int (*then)(struct ctx *c, int64_t move_id, void *arg);
	void *then_arg;
};

/* Stock-in 入库 (P_SHOP_ADMIN): a movement "in" in one transaction, audited. */
enum result stock_in(struct ctx *c, int64_t goods_id, const struct stock_in_input *in, int64_t *move_id);

/* The stock-ins paid from 集体经济 of the shops whose unit is the village, recorded
 * up to until, oldest first; no access check (for finance, which checks its own). */
struct shop_collective_in {
	int64_t move_id, shop_id, actor_id, at, quantity, unit_cost;   /* unit_cost in 分 */
	const char *shop_name, *goods_name, *unit, *supplier, *photo_hash;  /* photo_hash "" when none */
};
enum result shop_collective_stock_ins(struct ctx *c, int64_t village_id, int64_t until,
				      struct shop_collective_in **out, int *n);
/* The one movement move_id when it is a stock-in paid from 集体经济 (*found), with the
 * unit of its shop; no access check. */
enum result shop_collective_stock_in(struct ctx *c, int64_t move_id, int64_t *unit_id, struct shop_collective_in *out,
				     bool *found);

struct stock_adjust_input {
	const char *kind;            /* loss 损耗, damage 损坏 (quantity 1.. taken out), count 盘点
					(a signed, non-zero change) */
	int quantity;
	const char *reason;          /* required, up to STOCK_REASON_MAX characters */
};

/* An adjustment (P_SHOP_ADMIN): a movement "adjust" whose reason starts with the kind's
 * label ("损耗：…"); refused with RC_CONFLICT when stock would go below 0. */
enum result stock_adjust(struct ctx *c, int64_t goods_id, const struct stock_adjust_input *in, int64_t *move_id);

/* The low-stock list: active goods at or below their threshold (sold-out goods
 * included), lowest first. shop_id 0: every shop the actor administers or audits (for
 * the cadre's dashboard). Staff of the shop (P_SHOP_ADMIN) or P_AUDIT_READ on its unit. */
enum result shop_low_stock(struct ctx *c, int64_t shop_id, struct goods_info **out, int *n);

/* ============================================================== the stock ledger ====
 * 库存台账 of a shop for a period (dates YYYY-MM-DD, Asia/Shanghai, both included), per
 * good and in total, in quantity and in money (分). Money follows the moving weighted
 * average cost: a stock-in adds quantity × its unit cost; anything leaving stock (sale,
 * reservation, loss) leaves at the current average (stock value × quantity / stock,
 * rounded to the 分; the last units take all the value left, so an empty good is worth
 * 0); anything coming back (return, released reservation, a count that found more) comes
 * back at the current average, or at the latest stock-in cost when stock is empty. So
 * for every good and in total, exactly:
 *     opening + in − out + adjust − reserved + released = closing
 * in quantity and in money, where out = sales − returns and adjust is signed. Readers:
 * P_SHOP_ADMIN on the shop, or P_AUDIT_READ on its unit. */

struct stock_qv {
	int64_t qty, value;          /* units, 分 */
};

struct stock_ledger_row {
	int64_t goods_id;            /* 0 for the total */
	const char *name, *unit, *category;
	bool active;
	struct stock_qv opening, in, out, adjust, reserved, released, closing;
	int64_t sold, returned;      /* out = sold − returned, in units */
	int64_t points;              /* points redeemed: sales − returns, from the receipts */
};

struct stock_funding {
	const char *funding;
	int64_t count, qty, value;   /* stock-ins of the period */
};

struct stock_ledger {
	int64_t shop_id;
	char shop_name[SHOP_NAME_MAX * 4 + 1];
	char from[11], to[11];
	int64_t start, end;          /* [start, end) */
	struct stock_ledger_row *rows;   /* the goods, by category and name */
	int nrows;
	struct stock_ledger_row total;
	struct stock_funding funding[4];  /* in the order of stock_fundings */
};

/* goods_id 0: every good of the shop; else that one (its total is its row). */
enum result shop_stock_ledger(struct ctx *c, int64_t shop_id, int64_t goods_id, const char *from, const char *to,
		      struct stock_ledger *out);

/* ====================================================================== reports ====
 * Redemptions of a shop in a period (dates as above), from the receipts: sales minus
 * returns, in points, and in money at the cost of the goods (the moving average, as in
 * the stock ledger). Same readers as the stock ledger. */

#define SHOP_REPORT_TOP 10
#define SHOP_REPORT_HOUSEHOLDS_MAX 20000

struct shop_sales_goods {
	int64_t goods_id;
	const char *name, *unit, *category;
	int64_t sold, returned, qty;     /* units; qty = sold − returned */
	int64_t points, cost;            /* net points, net cost 分 */
	int64_t households;              /* households that bought it */
};

struct shop_sales_household {
	int64_t household_id;
	const char *number, *name, *village;   /* name: the head, masked unless P_REGISTER_READ */
	int64_t receipts, qty, points;
};

struct shop_sales_period {
	char label[11];                  /* YYYY-MM-DD or YYYY-MM */
	int64_t receipts, households, qty, points, cost;
};

struct shop_sales_village {
	int64_t village_id;
	const char *name;
	int64_t receipts, households, qty, points, cost;
};

struct shop_sales {
	int64_t shop_id;
	char shop_name[SHOP_NAME_MAX * 4 + 1];
	char from[11], to[11];
	int64_t start, end;
	const char *granularity;         /* day (periods up to 62 days) or month */
	int64_t sales, returns;          /* receipts of each kind */
	int64_t households, qty, points, cost;
	int64_t purchases;               /* money of the period's stock-ins */
	struct shop_sales_goods *goods;  /* by net points, then name */
	int ngoods;
	struct shop_sales_goods *top;    /* up to SHOP_REPORT_TOP by net quantity */
	int ntop;
	struct shop_sales_household *households_list;   /* by net points */
	int nhouseholds;
	struct shop_sales_period *periods;
	int nperiods;
	struct shop_sales_village *villages;
	int nvillages;
};

enum result shop_sales_report(struct ctx *c, int64_t shop_id, const char *from, const char *to, struct shop_sales *out);

/* ====================================================================== exports ==== */

struct export_file;
/* The stock ledger as XLSX (sheets 库存台账, 入库明细, 库存流水, 说明). */
enum result shop_export_stock_ledger(struct ctx *c, int64_t shop_id, const char *from, const char *to,
			     struct export_file *out);
/* The report as XLSX (sheets 按商品, 热销商品, 按户, 按期间, 按村, 说明). */
enum result shop_export_report(struct ctx *c, int64_t shop_id, const char *from, const char *to,
		       struct export_file *out);

/* ======================================================================= verify ==== */

struct shop_report {
	int64_t goods, moves;
	bool broken;
	int64_t shop_id, goods_id, move_id;   /* the first problem */
	char reason[160];
};

/* For `cunzhi verify`: each good's stock equals the sum of its movements, and running
 * through its movements in order, stock is never negative. RC_OK with r->broken. */
enum result shop_verify(struct ctx *c, struct shop_report *r);

#endif
