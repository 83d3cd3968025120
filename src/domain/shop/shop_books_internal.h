/* Shared inside the shop's books only (shop_books.c, shop_report.c, shop_export.c): the
 * valuation pass and the ledger every report and export is built from. Other modules
 * include shop.h. */
#ifndef DOMAIN_SHOP_BOOKS_INTERNAL_H
#define DOMAIN_SHOP_BOOKS_INTERNAL_H

#include <xlsxwriter.h>

#include "domain/kernel/xlsx.h"
#include "domain/shop/shop.h"

/* ------------------------------------------------------------------ access */

/* The shop, for its books: P_SHOP_ADMIN on it or P_AUDIT_READ on its unit; readers of the
 * shop without them are refused, others do not see it. */
int books_load(struct ctx *c, int64_t shop_id, struct shop *s, const char *what);

/* Both dates required, at most REPORT_SPAN_MAX days apart. */
int books_period(struct ctx *c, const char *from, const char *to, int64_t *start, int64_t *end);

/* ------------------------------------------------------------------ valuation */

struct vgood {
	int64_t id;
	const char *name, *unit, *category;
	bool active;
	int64_t qty, value, last_cost;   /* the running state: units, 分, 分 per unit */
};

struct vmove {
	int64_t id, at, receipt_id, village_id, unit_cost;
	const char *kind, *funding, *supplier, *reason, *receipt_number, *actor_name;
	int64_t qty, value;              /* signed: + into stock */
	struct vgood *g;                 /* its state after the movement */
};

typedef int (*vmove_fn)(struct ctx *c, const struct vmove *m, void *user);

/* The shop's goods (or the one good) by id. */
int books_goods(struct ctx *c, int64_t shop_id, int64_t goods_id, struct vgood **out, int *n);

/* Values the shop's movements made before end, in the order they were made, calling fn
 * with each (after its good's state was updated). goods must come from books_goods;
 * movements of other goods are skipped. */
int books_valuate(struct ctx *c, int64_t shop_id, int64_t goods_id, int64_t end, struct vgood *goods, int ngoods,
		  vmove_fn fn, void *user);

/* Points and quantities redeemed per good in [start, end), from the receipts. */
struct goods_sales {
	int64_t goods_id, sold, returned, points, households;
};

int books_sales(struct ctx *c, int64_t shop_id, int64_t start, int64_t end, struct goods_sales **out, int *n,
		int max);

const struct goods_sales *books_find_sales(const struct goods_sales *s, int n, int64_t goods_id);

/* ------------------------------------------------------------------ the stock ledger */

struct ledger_pass {
	struct stock_ledger *L;
	struct stock_ledger_row *rows;   /* parallel to the goods */
	struct vgood *goods;
	/* the export's detail sheets, when set */
	struct xlsx *x;
	lxw_worksheet *ins, *flow;
	lxw_format *money;
	lxw_row_t ins_row, flow_row;
};

/* The ledger of a loaded shop; p->x set makes the pass write the export's detail sheets. */
int books_ledger(struct ctx *c, const struct shop *s, int64_t goods_id, const char *from, const char *to,
		 struct ledger_pass *p);

#endif
