/* The shop's books: the stock ledger (库存台账) in quantity and money, the redemption
 * reports, their XLSX exports, and the invariant check for `cunzhi verify`. Money is
 * valued by the moving weighted average cost described in shop.h; one pass over a
 * shop's movements in the order they were made (valuate) gives every movement its
 * value, and all the sums are taken from that pass. */
#include <xlsxwriter.h>

#include "domain/kernel/access.h"
#include "domain/kernel/xlsx.h"
#include "domain/register/register.h"
#include "domain/shop/shop.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define MOVES_MAX 2000000              /* movements of one shop valued in one pass */
#define REPORT_RECEIPTS_MAX 500000     /* receipts of one report */
#define REPORT_DAYS_MAX 62             /* periods up to this are reported by day, longer by month */
#define REPORT_SPAN_MAX (20 * 366)     /* days of one report or ledger */

static const struct {
	const char *kind, *label;
} move_labels[] = {
	{"in", "入库"}, {"out", "兑换出库"}, {"return", "退货入库"},
	{"adjust", "调整"}, {"reserve", "预订占用"}, {"release", "预订释放"},
};

static const char *move_label(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(move_labels); i++)
		if (!strcmp(move_labels[i].kind, kind))
			return move_labels[i].label;
	return kind;
}

/* ------------------------------------------------------------------ access */

/* The shop, for its books: P_SHOP_ADMIN on it or P_AUDIT_READ on its unit; readers of the
 * shop without them are refused, others do not see it. */
static int load_books(struct ctx *c, int64_t shop_id, struct shop *s, const char *what)
{
	int rc = shop_get(c, shop_id, s);
	if (rc)
		return rc;
	if (shop_can(c, s, P_SHOP_ADMIN | P_AUDIT_READ))
		return RC_OK;
	struct shop_info info;
	if (shop_read(c, shop_id, &info)) {
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "积分超市不存在");
	}
	return ctx_fail(c, RC_FORBIDDEN, "无权查看「%s」的%s", s->name, what);
}

/* Both dates required, at most REPORT_SPAN_MAX days apart. */
static int period(struct ctx *c, const char *from, const char *to, int64_t *start, int64_t *end)
{
	int rc = export_period_bounds(c, from, to, true, start, end);
	if (rc)
		return rc;
	if ((*end - *start) / 86400 > REPORT_SPAN_MAX)
		return ctx_field(c, "to", "期间最长 20 年");
	return RC_OK;
}

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
static int load_vgoods(struct ctx *c, int64_t shop_id, int64_t goods_id, struct vgood **out, int *n)
{
	*n = 0;
	int64_t count = 0;
	int dbrc = db_get_int(c->db, &count, "SELECT count(*) FROM goods WHERE shop_id = ? AND (CAST(? AS BIGINT) = 0 OR id = ?)",
			      "iii", shop_id, goods_id, goods_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取商品");
	if (goods_id && !count)
		return ctx_field(c, "goods_id", "本店没有这种商品");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(count + 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT id, name, unit, category, active FROM goods "
					     "WHERE shop_id = ? AND (CAST(? AS BIGINT) = 0 OR id = ?) ORDER BY id",
				      "iii", shop_id, goods_id, goods_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取商品");
	dbrc = DB_DONE;
	while (*n < count && (dbrc = db_step(st)) == DB_ROW) {
		struct vgood *g = &(*out)[(*n)++];
		g->id = db_col_int(st, 0);
		g->name = arena_strdup(c->arena, db_col_text(st, 1));
		g->unit = arena_strdup(c->arena, db_col_text(st, 2));
		g->category = arena_strdup(c->arena, db_col_text(st, 3));
		g->active = db_col_int(st, 4) != 0;
	}
	db_finalize(st);
	for (int i = 0; i < *n; i++)
		if (!(*out)[i].name || !(*out)[i].unit || !(*out)[i].category)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取商品");
}

static struct vgood *find_vgood(struct vgood *g, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (g[mid].id == id)
			return &g[mid];
		if (g[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* value × part / whole, rounded to the nearest 分 (value >= 0, whole > 0). */
static int64_t share(int64_t value, int64_t part, int64_t whole)
{
	__int128 x = (__int128)value * part;
	return (int64_t)((2 * x + whole) / (2 * (__int128)whole));
}

/* Values the shop's movements made before end, in the order they were made, calling fn
 * with each (after its good's state was updated). goods must come from load_vgoods;
 * movements of other goods are skipped. */
static int valuate(struct ctx *c, int64_t shop_id, int64_t goods_id, int64_t end, struct vgood *goods, int ngoods,
		   vmove_fn fn, void *user)
{
	int64_t count = 0;
	int dbrc = db_get_int(c->db, &count, "SELECT count(*) FROM stock_moves WHERE shop_id = ? AND at < ?", "ii",
			      shop_id, end);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取库存台账");
	if (count > MOVES_MAX)
		return ctx_fail(c, RC_TOO_LARGE, "库存变动超过 %d 条，无法一次计算", MOVES_MAX);
	struct db_stmt *st = db_query(
		c->db,
		"SELECT m.id, m.goods_id, m.kind, m.quantity, m.unit_cost, m.at, COALESCE(m.receipt_id, 0), "
		"COALESCE(h.village_id, 0), COALESCE(m.funding, ''), m.supplier, m.reason, COALESCE(r.number, ''), "
		"COALESCE(u.name, '') FROM stock_moves m LEFT JOIN receipts r ON r.id = m.receipt_id "
		"LEFT JOIN households h ON h.id = r.household_id LEFT JOIN users u ON u.id = m.actor_id "
		"WHERE m.shop_id = ? AND m.at < ? AND (CAST(? AS BIGINT) = 0 OR m.goods_id = ?) ORDER BY m.id",
		"iiii", shop_id, end, goods_id, goods_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取库存台账");
	int rc = RC_OK;
	while (!rc && (dbrc = db_step(st)) == DB_ROW) {
		struct vgood *g = find_vgood(goods, ngoods, db_col_int(st, 1));
		if (!g)
			continue;
		struct vmove m = {
			.id = db_col_int(st, 0), .kind = db_col_text(st, 2), .qty = db_col_int(st, 3),
			.unit_cost = db_col_int(st, 4), .at = db_col_int(st, 5), .receipt_id = db_col_int(st, 6),
			.village_id = db_col_int(st, 7), .funding = db_col_text(st, 8), .supplier = db_col_text(st, 9),
			.reason = db_col_text(st, 10), .receipt_number = db_col_text(st, 11),
			.actor_name = db_col_text(st, 12), .g = g,
		};
		if (!strcmp(m.kind, "in")) {
			m.value = m.qty * m.unit_cost;
			g->last_cost = m.unit_cost;
		} else if (m.qty < 0) {
			/* leaves at the average; the last units take what is left */
			m.value = -(-m.qty >= g->qty ? g->value : share(g->value, -m.qty, g->qty));
		} else {
			/* comes back at the average, or at the latest cost when none is left */
			m.value = g->qty > 0 ? share(g->value, m.qty, g->qty) : m.qty * g->last_cost;
		}
		g->qty += m.qty;
		g->value += m.value;
		rc = fn ? fn(c, &m, user) : RC_OK;
	}
	db_finalize(st);
	if (rc)
		return rc;
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取库存台账");
}

/* Points and quantities redeemed per good in [start, end), from the receipts. */
struct goods_sales {
	int64_t goods_id, sold, returned, points, households;
};

static int load_goods_sales(struct ctx *c, int64_t shop_id, int64_t start, int64_t end, struct goods_sales **out,
			    int *n, int max)
{
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(max + 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(
		c->db,
		"SELECT l.goods_id, SUM(CASE WHEN r.kind = 'sale' THEN l.quantity ELSE 0 END), "
		"SUM(CASE WHEN r.kind = 'return' THEN l.quantity ELSE 0 END), "
		"SUM(CASE WHEN r.kind = 'sale' THEN l.quantity * l.price_points ELSE -l.quantity * l.price_points END), "
		"COUNT(DISTINCT CASE WHEN r.kind = 'sale' THEN r.household_id END) "
		"FROM receipt_lines l JOIN receipts r ON r.id = l.receipt_id "
		"WHERE r.shop_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY l.goods_id ORDER BY l.goods_id",
		"iii", shop_id, start, end);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取兑换记录");
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW && *n < max) {
		struct goods_sales *g = &(*out)[(*n)++];
		g->goods_id = db_col_int(st, 0);
		g->sold = db_col_int(st, 1);
		g->returned = db_col_int(st, 2);
		g->points = db_col_int(st, 3);
		g->households = db_col_int(st, 4);
	}
	db_finalize(st);
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取兑换记录");
}

static const struct goods_sales *find_sales(const struct goods_sales *s, int n, int64_t goods_id)
{
	for (int i = 0; i < n; i++)
		if (s[i].goods_id == goods_id)
			return &s[i];
	return NULL;
}

/* ------------------------------------------------------------------ the stock ledger */

static void qv_add(struct stock_qv *a, int64_t qty, int64_t value)
{
	a->qty += qty;
	a->value += value;
}

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

static int ledger_move(struct ctx *c, const struct vmove *m, void *user)
{
	struct ledger_pass *p = user;
	struct stock_ledger_row *r = &p->rows[m->g - p->goods];
	if (m->at < p->L->start) {
		qv_add(&r->opening, m->qty, m->value);
		return RC_OK;
	}
	if (!strcmp(m->kind, "in")) {
		qv_add(&r->in, m->qty, m->value);
		for (int i = 0; stock_fundings[i]; i++)
			if (!strcmp(stock_fundings[i], m->funding)) {
				p->L->funding[i].count++;
				p->L->funding[i].qty += m->qty;
				p->L->funding[i].value += m->value;
			}
	} else if (!strcmp(m->kind, "out")) {
		qv_add(&r->out, -m->qty, -m->value);
		r->sold -= m->qty;
	} else if (!strcmp(m->kind, "return")) {
		qv_add(&r->out, -m->qty, -m->value);
		r->returned += m->qty;
	} else if (!strcmp(m->kind, "adjust")) {
		qv_add(&r->adjust, m->qty, m->value);
	} else if (!strcmp(m->kind, "reserve")) {
		qv_add(&r->reserved, -m->qty, -m->value);
	} else if (!strcmp(m->kind, "release")) {
		qv_add(&r->released, m->qty, m->value);
	}
	if (!p->x)
		return RC_OK;
	char at[17];
	export_minute(m->at, at);
	if (!strcmp(m->kind, "in")) {
		lxw_worksheet *ws = p->ins;
		lxw_row_t row = ++p->ins_row;
		worksheet_write_string(ws, row, 0, at, p->x->text);
		worksheet_write_string(ws, row, 1, m->g->name, NULL);
		worksheet_write_number(ws, row, 2, (double)m->qty, p->x->num);
		worksheet_write_string(ws, row, 3, m->g->unit, NULL);
		worksheet_write_number(ws, row, 4, (double)m->unit_cost / 100.0, p->money);
		worksheet_write_number(ws, row, 5, (double)m->value / 100.0, p->money);
		worksheet_write_string(ws, row, 6, m->funding, NULL);
		worksheet_write_string(ws, row, 7, m->supplier, NULL);
		worksheet_write_string(ws, row, 8, m->actor_name, NULL);
	}
	lxw_worksheet *ws = p->flow;
	lxw_row_t row = ++p->flow_row;
	worksheet_write_string(ws, row, 0, at, p->x->text);
	worksheet_write_string(ws, row, 1, m->g->name, NULL);
	worksheet_write_string(ws, row, 2, move_label(m->kind), NULL);
	worksheet_write_number(ws, row, 3, (double)m->qty, p->x->num);
	worksheet_write_number(ws, row, 4, (double)m->value / 100.0, p->money);
	worksheet_write_number(ws, row, 5, (double)m->g->qty, p->x->num);
	worksheet_write_number(ws, row, 6, (double)m->g->value / 100.0, p->money);
	worksheet_write_string(ws, row, 7, m->receipt_number, p->x->text);
	worksheet_write_string(ws, row, 8, m->kind[0] == 'i' ? m->supplier : m->reason, NULL);
	worksheet_write_string(ws, row, 9, m->actor_name, NULL);
	return RC_OK;
}

static int cmp_ledger_rows(const void *a, const void *b)
{
	const struct stock_ledger_row *x = a, *y = b;
	int k = strcmp(x->category, y->category);
	if (!k)
		k = strcmp(x->name, y->name);
	return k ? k : (x->goods_id > y->goods_id) - (x->goods_id < y->goods_id);
}

static void row_add(struct stock_ledger_row *t, const struct stock_ledger_row *r)
{
	struct stock_qv *a[] = {&t->opening, &t->in, &t->out, &t->adjust, &t->reserved, &t->released, &t->closing};
	const struct stock_qv *b[] = {&r->opening, &r->in, &r->out, &r->adjust, &r->reserved, &r->released,
				      &r->closing};
	for (size_t i = 0; i < ARRAY_SIZE(a); i++)
		qv_add(a[i], b[i]->qty, b[i]->value);
	t->sold += r->sold;
	t->returned += r->returned;
	t->points += r->points;
}

/* The ledger of a loaded shop; p->x set makes the pass write the export's detail sheets. */
static int ledger_build(struct ctx *c, const struct shop *s, int64_t goods_id, const char *from, const char *to,
			struct ledger_pass *p)
{
	struct stock_ledger *L = p->L;
	memset(L, 0, sizeof(*L));
	L->shop_id = s->id;
	str_copy(L->shop_name, sizeof(L->shop_name), s->name);
	int rc = period(c, from, to, &L->start, &L->end);
	if (rc)
		return rc;
	str_copy(L->from, sizeof(L->from), from);
	str_copy(L->to, sizeof(L->to), to);
	for (int i = 0; i < 4; i++)
		L->funding[i].funding = stock_fundings[i];
	int n;
	if ((rc = load_vgoods(c, s->id, goods_id, &p->goods, &n)))
		return rc;
	p->rows = arena_alloc(c->arena, sizeof(*p->rows) * (size_t)(n + 1));
	if (!p->rows)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < n; i++) {
		p->rows[i].goods_id = p->goods[i].id;
		p->rows[i].name = p->goods[i].name;
		p->rows[i].unit = p->goods[i].unit;
		p->rows[i].category = p->goods[i].category;
		p->rows[i].active = p->goods[i].active;
	}
	if ((rc = valuate(c, s->id, goods_id, L->end, p->goods, n, ledger_move, p)))
		return rc;
	struct goods_sales *sales;
	int nsales;
	if ((rc = load_goods_sales(c, s->id, L->start, L->end, &sales, &nsales, SHOP_GOODS_MAX)))
		return rc;
	L->total.name = "合计";
	L->total.unit = L->total.category = "";
	L->total.active = true;
	for (int i = 0; i < n; i++) {
		struct stock_ledger_row *r = &p->rows[i];
		r->closing.qty = p->goods[i].qty;
		r->closing.value = p->goods[i].value;
		const struct goods_sales *gs = find_sales(sales, nsales, r->goods_id);
		r->points = gs ? gs->points : 0;
		row_add(&L->total, r);
	}
	qsort(p->rows, (size_t)n, sizeof(*p->rows), cmp_ledger_rows);
	L->rows = p->rows;
	L->nrows = n;
	return RC_OK;
}

enum result shop_stock_ledger(struct ctx *c, int64_t shop_id, int64_t goods_id, const char *from, const char *to,
		      struct stock_ledger *out)
{
	memset(out, 0, sizeof(*out));
	struct shop s;
	int rc = load_books(c, shop_id, &s, "库存台账");
	if (rc)
		return rc;
	struct ledger_pass p = {.L = out};
	return ledger_build(c, &s, goods_id, from, to, &p);
}

/* ------------------------------------------------------------------ reports */

/* The bucket of instant t: days or months since the period's start. */
static int bucket_of(const struct shop_sales *S, int64_t t)
{
	int64_t d0 = time_cn_days(S->start), d = time_cn_days(t);
	if (!strcmp(S->granularity, "day"))
		return (int)(d - d0);
	int y0, m0, dd, y, m;
	time_civil_from_days(d0, &y0, &m0, &dd);
	time_civil_from_days(d, &y, &m, &dd);
	return (y - y0) * 12 + (m - m0);
}

static int make_buckets(struct ctx *c, struct shop_sales *S)
{
	int64_t d0 = time_cn_days(S->start), d1 = time_cn_days(S->end - 1);
	S->granularity = d1 - d0 + 1 <= REPORT_DAYS_MAX ? "day" : "month";
	S->nperiods = bucket_of(S, S->end - 1) + 1;
	S->periods = arena_alloc(c->arena, sizeof(*S->periods) * (size_t)S->nperiods);
	if (!S->periods)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int y, m, d;
	time_civil_from_days(d0, &y, &m, &d);
	for (int i = 0; i < S->nperiods; i++) {
		char tmp[40];
		if (!strcmp(S->granularity, "day")) {
			time_format_date(time_cn_midnight(d0 + i), S->periods[i].label);
			continue;
		}
		int mm = m - 1 + i;
		snprintf(tmp, sizeof(tmp), "%04d-%02d", (y + mm / 12) % 10000, mm % 12 + 1);
		str_copy(S->periods[i].label, sizeof(S->periods[i].label), tmp);
	}
	return RC_OK;
}

static struct shop_sales_village *village_row(struct ctx *c, struct shop_sales *S, int64_t id, int cap)
{
	for (int i = 0; i < S->nvillages; i++)
		if (S->villages[i].village_id == id)
			return &S->villages[i];
	if (S->nvillages >= cap)
		return NULL;
	struct shop_sales_village *v = &S->villages[S->nvillages++];
	v->village_id = id;
	char *name = NULL;
	struct db_stmt *st = db_query(c->db, "SELECT name FROM org_units WHERE id = ?", "i", id);
	if (st && db_step(st) == DB_ROW)
		name = arena_strdup(c->arena, db_col_text(st, 0));
	db_finalize(st);
	v->name = name ? name : "";
	return v;
}

struct report_pass {
	struct shop_sales *S;
	struct vgood *goods;
	int64_t *cost;        /* per good, net cost of the period's sales */
	int vcap;
};

static int report_move(struct ctx *c, const struct vmove *m, void *user)
{
	struct report_pass *p = user;
	struct shop_sales *S = p->S;
	if (m->at < S->start)
		return RC_OK;
	if (!strcmp(m->kind, "in")) {
		S->purchases += m->value;
		return RC_OK;
	}
	if (strcmp(m->kind, "out") && strcmp(m->kind, "return"))
		return RC_OK;
	int64_t cost = -m->value;   /* out: positive; return: negative */
	p->cost[m->g - p->goods] += cost;
	S->cost += cost;
	int b = bucket_of(S, m->at);
	if (b >= 0 && b < S->nperiods)
		S->periods[b].cost += cost;
	if (m->village_id) {
		struct shop_sales_village *v = village_row(c, S, m->village_id, p->vcap);
		if (v)
			v->cost += cost;
	}
	return RC_OK;
}

struct hh_bucket {
	int64_t household_id;
	int bucket;
	int64_t village_id;
};

static int cmp_hb(const void *a, const void *b)
{
	const struct hh_bucket *x = a, *y = b;
	if (x->bucket != y->bucket)
		return x->bucket - y->bucket;
	if (x->village_id != y->village_id)
		return (x->village_id > y->village_id) - (x->village_id < y->village_id);
	return (x->household_id > y->household_id) - (x->household_id < y->household_id);
}

/* Receipts by period and village: counts, quantities, points and distinct households. */
static int report_receipts(struct ctx *c, struct shop_sales *S, int vcap)
{
	int64_t count = 0;
	int dbrc = db_get_int(c->db, &count, "SELECT count(*) FROM receipts WHERE shop_id = ? AND created_at >= ? "
					     "AND created_at < ?", "iii", S->shop_id, S->start, S->end);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取兑换记录");
	if (count > REPORT_RECEIPTS_MAX)
		return ctx_field(c, "from", "期间内有 %lld 张小票，超过 %d 张的上限，请缩短期间", (long long)count,
				 REPORT_RECEIPTS_MAX);
	struct hh_bucket *hb = arena_alloc(c->arena, sizeof(*hb) * (size_t)(count + 1));
	if (!hb)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(
		c->db,
		"SELECT r.created_at, r.kind, r.household_id, h.village_id, "
		"COALESCE((SELECT SUM(l.quantity) FROM receipt_lines l WHERE l.receipt_id = r.id), 0), "
		"COALESCE((SELECT SUM(l.quantity * l.price_points) FROM receipt_lines l WHERE l.receipt_id = r.id), 0) "
		"FROM receipts r JOIN households h ON h.id = r.household_id "
		"WHERE r.shop_id = ? AND r.created_at >= ? AND r.created_at < ? ORDER BY r.id",
		"iii", S->shop_id, S->start, S->end);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取兑换记录");
	int64_t nhb = 0;
	dbrc = DB_DONE;
	while (nhb < count && (dbrc = db_step(st)) == DB_ROW) {
		bool sale = !strcmp(db_col_text(st, 1), "sale");
		int64_t hh = db_col_int(st, 2), village = db_col_int(st, 3);
		int64_t qty = db_col_int(st, 4) * (sale ? 1 : -1), pts = db_col_int(st, 5) * (sale ? 1 : -1);
		int b = bucket_of(S, db_col_int(st, 0));
		if (sale)
			S->sales++;
		else
			S->returns++;
		S->qty += qty;
		S->points += pts;
		if (b >= 0 && b < S->nperiods) {
			S->periods[b].receipts += sale;
			S->periods[b].qty += qty;
			S->periods[b].points += pts;
		}
		struct shop_sales_village *v = village_row(c, S, village, vcap);
		if (v) {
			v->receipts += sale;
			v->qty += qty;
			v->points += pts;
		}
		if (sale)
			hb[nhb++] = (struct hh_bucket){.household_id = hh, .bucket = b, .village_id = village};
	}
	db_finalize(st);
	if (dbrc != DB_ROW && dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取兑换记录");
	/* distinct households: per bucket, per village (bucket set aside), and in all */
	qsort(hb, (size_t)nhb, sizeof(*hb), cmp_hb);
	for (int64_t i = 0; i < nhb; i++) {
		bool first = !i || cmp_hb(&hb[i], &hb[i - 1]);
		if (first && hb[i].bucket >= 0 && hb[i].bucket < S->nperiods)
			S->periods[hb[i].bucket].households++;
		hb[i].bucket = 0;
	}
	qsort(hb, (size_t)nhb, sizeof(*hb), cmp_hb);
	for (int64_t i = 0; i < nhb; i++)
		if (!i || cmp_hb(&hb[i], &hb[i - 1])) {
			struct shop_sales_village *v = village_row(c, S, hb[i].village_id, vcap);
			if (v)
				v->households++;
			S->households++;   /* a household is in one village */
		}
	return RC_OK;
}

static int report_households(struct ctx *c, struct shop_sales *S)
{
	int64_t count = 0;
	int dbrc = db_get_int(c->db, &count, "SELECT count(DISTINCT household_id) FROM receipts WHERE shop_id = ? "
					     "AND created_at >= ? AND created_at < ?", "iii", S->shop_id, S->start, S->end);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取兑换记录");
	if (count > SHOP_REPORT_HOUSEHOLDS_MAX)
		count = SHOP_REPORT_HOUSEHOLDS_MAX;
	S->households_list = arena_alloc(c->arena, sizeof(*S->households_list) * (size_t)(count + 1));
	if (!S->households_list)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(
		c->db,
		"SELECT h.id, h.number, " PEOPLE_HEAD_NAME("h.id") ", v.name, v.path, SUM(x.sale), SUM(x.qty), SUM(x.points) "
		"FROM (SELECT r.household_id, CASE WHEN r.kind = 'sale' THEN 1 ELSE 0 END AS sale, "
		"SUM(CASE WHEN r.kind = 'sale' THEN l.quantity ELSE -l.quantity END) AS qty, "
		"SUM(CASE WHEN r.kind = 'sale' THEN l.quantity * l.price_points ELSE -l.quantity * l.price_points END) "
		"AS points FROM receipts r JOIN receipt_lines l ON l.receipt_id = r.id "
		"WHERE r.shop_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY r.id, r.household_id, r.kind) x "
		"JOIN households h ON h.id = x.household_id JOIN org_units v ON v.id = h.village_id "
		"GROUP BY h.id, v.id ORDER BY SUM(x.points) DESC, h.number, h.id LIMIT ?",
		"iiii", S->shop_id, S->start, S->end, count);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取兑换记录");
	dbrc = DB_DONE;
	while (S->nhouseholds < count && (dbrc = db_step(st)) == DB_ROW) {
		struct shop_sales_household *h = &S->households_list[S->nhouseholds++];
		h->household_id = db_col_int(st, 0);
		h->number = arena_strdup(c->arena, db_col_text(st, 1));
		char masked[256];
		const char *name = db_col_text(st, 2);
		if (!access_can(c, P_REGISTER_READ, db_col_text(st, 4))) {
			utf8_mask_name(name, masked, sizeof(masked));
			name = masked;
		}
		h->name = arena_strdup(c->arena, name);
		h->village = arena_strdup(c->arena, db_col_text(st, 3));
		h->receipts = db_col_int(st, 5);
		h->qty = db_col_int(st, 6);
		h->points = db_col_int(st, 7);
		if (!h->number || !h->name || !h->village) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	db_finalize(st);
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取兑换记录");
}

static int cmp_goods_points(const void *a, const void *b)
{
	const struct shop_sales_goods *x = a, *y = b;
	if (x->points != y->points)
		return (x->points < y->points) - (x->points > y->points);
	int k = strcmp(x->name, y->name);
	return k ? k : (x->goods_id > y->goods_id) - (x->goods_id < y->goods_id);
}

static int cmp_goods_qty(const void *a, const void *b)
{
	const struct shop_sales_goods *x = a, *y = b;
	if (x->qty != y->qty)
		return (x->qty < y->qty) - (x->qty > y->qty);
	return cmp_goods_points(a, b);
}

static int cmp_villages(const void *a, const void *b)
{
	const struct shop_sales_village *x = a, *y = b;
	return (x->village_id > y->village_id) - (x->village_id < y->village_id);
}

static int report_build(struct ctx *c, const struct shop *s, const char *from, const char *to, struct shop_sales *S)
{
	memset(S, 0, sizeof(*S));
	S->shop_id = s->id;
	str_copy(S->shop_name, sizeof(S->shop_name), s->name);
	int rc = period(c, from, to, &S->start, &S->end);
	if (rc)
		return rc;
	str_copy(S->from, sizeof(S->from), from);
	str_copy(S->to, sizeof(S->to), to);
	if ((rc = make_buckets(c, S)))
		return rc;
	int vcap = SHOP_VILLAGES_MAX * 4;
	S->villages = arena_alloc(c->arena, sizeof(*S->villages) * (size_t)vcap);
	if (!S->villages)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	/* the villages the shop serves come first, even without redemptions */
	struct shop_info info;
	if (shop_read(c, s->id, &info) == RC_OK)
		for (int i = 0; i < info.nvillages; i++)
			village_row(c, S, info.villages[i].id, vcap);
	ctx_clear(c);

	struct report_pass p = {.S = S, .vcap = vcap};
	int n;
	if ((rc = load_vgoods(c, s->id, 0, &p.goods, &n)))
		return rc;
	p.cost = arena_alloc(c->arena, sizeof(*p.cost) * (size_t)(n + 1));
	if (!p.cost)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = valuate(c, s->id, 0, S->end, p.goods, n, report_move, &p)) || (rc = report_receipts(c, S, vcap)) ||
	    (rc = report_households(c, S)))
		return rc;
	struct goods_sales *sales;
	int nsales;
	if ((rc = load_goods_sales(c, s->id, S->start, S->end, &sales, &nsales, SHOP_GOODS_MAX)))
		return rc;
	S->goods = arena_alloc(c->arena, sizeof(*S->goods) * (size_t)(n + 1));
	S->top = arena_alloc(c->arena, sizeof(*S->top) * SHOP_REPORT_TOP);
	if (!S->goods || !S->top)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < n; i++) {
		const struct goods_sales *gs = find_sales(sales, nsales, p.goods[i].id);
		if (!gs && !p.cost[i])
			continue;
		struct shop_sales_goods *g = &S->goods[S->ngoods++];
		g->goods_id = p.goods[i].id;
		g->name = p.goods[i].name;
		g->unit = p.goods[i].unit;
		g->category = p.goods[i].category;
		if (gs) {
			g->sold = gs->sold;
			g->returned = gs->returned;
			g->qty = gs->sold - gs->returned;
			g->points = gs->points;
			g->households = gs->households;
		}
		g->cost = p.cost[i];
	}
	qsort(S->goods, (size_t)S->ngoods, sizeof(*S->goods), cmp_goods_points);
	struct shop_sales_goods *byqty = arena_alloc(c->arena, sizeof(*byqty) * (size_t)(S->ngoods + 1));
	if (!byqty)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	memcpy(byqty, S->goods, sizeof(*byqty) * (size_t)S->ngoods);
	qsort(byqty, (size_t)S->ngoods, sizeof(*byqty), cmp_goods_qty);
	for (int i = 0; i < S->ngoods && S->ntop < SHOP_REPORT_TOP; i++)
		if (byqty[i].qty > 0)
			S->top[S->ntop++] = byqty[i];
	qsort(S->villages, (size_t)S->nvillages, sizeof(*S->villages), cmp_villages);
	return RC_OK;
}

enum result shop_sales_report(struct ctx *c, int64_t shop_id, const char *from, const char *to, struct shop_sales *out)
{
	memset(out, 0, sizeof(*out));
	struct shop s;
	int rc = load_books(c, shop_id, &s, "兑换报表");
	return rc ? rc : report_build(c, &s, from, to, out);
}

/* ------------------------------------------------------------------ exports */

static lxw_format *money_format(struct xlsx *x)
{
	lxw_format *f = workbook_add_format(x->wb);
	format_set_num_format(f, "0.00");
	return f;
}

static void write_money(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t fen, lxw_format *f)
{
	worksheet_write_number(ws, row, col, (double)fen / 100.0, f);
}

static void yuan(char *out, size_t len, int64_t fen)
{
	snprintf(out, len, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(fen < 0 ? -fen : fen) / 100,
		 (long long)(fen < 0 ? -fen : fen) % 100);
}

static void ledger_sheet_row(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row, const struct stock_ledger_row *r,
			     lxw_format *money)
{
	worksheet_write_string(ws, row, 0, r->category, NULL);
	worksheet_write_string(ws, row, 1, r->name, r->goods_id ? NULL : x->head);
	worksheet_write_string(ws, row, 2, r->unit, NULL);
	const struct stock_qv *q[] = {&r->opening, &r->in, &r->out, &r->adjust, &r->reserved, &r->released, &r->closing};
	for (size_t i = 0; i < ARRAY_SIZE(q); i++) {
		lxw_col_t col = (lxw_col_t)(3 + 2 * i);
		worksheet_write_number(ws, row, col, (double)q[i]->qty, x->num);
		write_money(ws, row, col + 1, q[i]->value, money);
	}
	worksheet_write_number(ws, row, 17, (double)r->points, x->num);
}

#define METHOD_TEXT                                                                                \
	"金额按移动加权平均成本计算：入库按进价计入；兑换、预订、损耗等出库按当时的平均成本转出（最后一件转出剩余全部金额）；" \
	"退货、预订释放、盘盈按当时的平均成本转回（无库存时按最近一次进价）"
#define EQUATION_TEXT "期初 + 入库 − 出库 + 调整 − 预订占用 + 预订释放 = 期末（数量与金额均成立；出库 = 兑换 − 退货）"

enum result shop_export_stock_ledger(struct ctx *c, int64_t shop_id, const char *from, const char *to,
			     struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	struct shop s;
	int rc = load_books(c, shop_id, &s, "库存台账");
	if (rc)
		return rc;
	int64_t start, end, nmoves = 0;
	if ((rc = period(c, from, to, &start, &end)))
		return rc;
	if (db_get_int(c->db, &nmoves, "SELECT count(*) FROM stock_moves WHERE shop_id = ? AND at >= ? AND at < ?",
		       "iii", shop_id, start, end) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取库存台账");
	if (nmoves > EXPORT_ROWS_MAX)
		return ctx_field(c, "from", "期间内有 %lld 条库存变动，超过单个文件 %d 条的上限，请缩短期间",
				 (long long)nmoves, EXPORT_ROWS_MAX);
	struct xlsx x;
	if ((rc = xlsx_open(c, &x, nmoves > 5000)))
		return rc;
	lxw_worksheet *sheet = workbook_add_worksheet(x.wb, "库存台账");
	struct stock_ledger L;
	struct ledger_pass p = {.L = &L, .x = &x, .money = money_format(&x)};
	p.ins = workbook_add_worksheet(x.wb, "入库明细");
	p.flow = workbook_add_worksheet(x.wb, "库存流水");
	static const char *const ins_cols[] = {"时间", "商品", "数量", "单位", "进价（元）", "金额（元）",
					       "资金来源", "供货方", "经办人", NULL};
	static const double ins_widths[] = {18, 20, 8, 6, 10, 12, 10, 26, 10};
	xlsx_header_row(&x, p.ins, ins_cols, ins_widths);
	static const char *const flow_cols[] = {"时间", "商品", "类型", "数量", "金额（元）", "结存数量",
						"结存金额（元）", "小票号", "供货方／原因", "经办人", NULL};
	static const double flow_widths[] = {18, 20, 10, 8, 12, 10, 14, 22, 30, 10};
	xlsx_header_row(&x, p.flow, flow_cols, flow_widths);
	if ((rc = ledger_build(c, &s, 0, from, to, &p))) {
		xlsx_abort(&x);
		return rc;
	}
	static const char *const cols[] = {"类别", "商品", "单位", "期初数量", "期初金额（元）", "入库数量",
					   "入库金额（元）", "出库数量", "出库金额（元）", "调整数量", "调整金额（元）",
					   "预订占用数量", "预订占用金额（元）", "预订释放数量", "预订释放金额（元）",
					   "期末数量", "期末金额（元）", "兑换积分", NULL};
	static const double widths[] = {8, 20, 6, 9, 12, 9, 12, 9, 12, 9, 12, 11, 15, 11, 15, 9, 12, 10};
	xlsx_header_row(&x, sheet, cols, widths);
	lxw_row_t row = 1;
	for (int i = 0; i < L.nrows; i++)
		ledger_sheet_row(&x, sheet, row++, &L.rows[i], p.money);
	ledger_sheet_row(&x, sheet, row, &L.total, p.money);

	char period_s[64], now[17], purchases[32], cost[32], points[32], ratio[48];
	export_period_text(period_s, sizeof(period_s), from, to);
	export_minute(c->now, now);
	yuan(purchases, sizeof(purchases), L.total.in.value);
	yuan(cost, sizeof(cost), L.total.out.value);
	snprintf(points, sizeof(points), "%lld", (long long)L.total.points);
	if (L.total.points > 0)
		snprintf(ratio, sizeof(ratio), "每积分 %.2f 分", (double)L.total.out.value / (double)L.total.points);
	else
		snprintf(ratio, sizeof(ratio), "—");
	char fund[4][96];
	for (int i = 0; i < 4; i++) {
		char v[32];
		yuan(v, sizeof(v), L.funding[i].value);
		snprintf(fund[i], sizeof(fund[i]), "%lld 次，%lld 件，%s 元", (long long)L.funding[i].count,
			 (long long)L.funding[i].qty, v);
	}
	const char *const lines[][2] = {
		{"积分超市", s.name},
		{"期间", period_s},
		{"导出时间", now},
		{"入库金额（元）", purchases},
		{"兑换出库成本（元）", cost},
		{"兑换积分", points},
		{"积分对应成本", ratio},
		{"资金来源：集体经济", fund[0]},
		{"资金来源：捐赠", fund[1]},
		{"资金来源：财政", fund[2]},
		{"资金来源：其他", fund[3]},
		{"计价方法", METHOD_TEXT},
		{"勾稽关系", EQUATION_TEXT},
	};
	xlsx_info_sheet(&x, lines, ARRAY_SIZE(lines));
	worksheet_activate(sheet);
	char suffix[64];
	export_date_suffix(suffix, sizeof(suffix), from, to);
	snprintf(out->name, sizeof(out->name), "%s库存台账%s.xlsx", s.name, suffix);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "stock-ledger-%lld-%s-%s.xlsx", (long long)shop_id, from,
		 to);
	return xlsx_finish(c, &x, out);
}

enum result shop_export_report(struct ctx *c, int64_t shop_id, const char *from, const char *to, struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	struct shop_sales S;
	int rc = shop_sales_report(c, shop_id, from, to, &S);
	if (rc)
		return rc;
	struct xlsx x;
	if ((rc = xlsx_open(c, &x, S.nhouseholds > 5000)))
		return rc;
	lxw_format *money = money_format(&x);

	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "按商品");
	static const char *const gcols[] = {"类别", "商品", "单位", "兑换数量", "退货数量", "净数量", "兑换积分",
					    "成本（元）", "兑换户数", NULL};
	static const double gwidths[] = {8, 20, 6, 10, 10, 10, 10, 12, 10};
	xlsx_header_row(&x, ws, gcols, gwidths);
	for (int i = 0; i < S.ngoods; i++) {
		const struct shop_sales_goods *g = &S.goods[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, g->category, NULL);
		worksheet_write_string(ws, row, 1, g->name, NULL);
		worksheet_write_string(ws, row, 2, g->unit, NULL);
		worksheet_write_number(ws, row, 3, (double)g->sold, x.num);
		worksheet_write_number(ws, row, 4, (double)g->returned, x.num);
		worksheet_write_number(ws, row, 5, (double)g->qty, x.num);
		worksheet_write_number(ws, row, 6, (double)g->points, x.num);
		write_money(ws, row, 7, g->cost, money);
		worksheet_write_number(ws, row, 8, (double)g->households, x.num);
	}

	ws = workbook_add_worksheet(x.wb, "热销商品");
	static const char *const tcols[] = {"名次", "商品", "单位", "净数量", "兑换积分", NULL};
	static const double twidths[] = {6, 20, 6, 10, 10};
	xlsx_header_row(&x, ws, tcols, twidths);
	for (int i = 0; i < S.ntop; i++) {
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_number(ws, row, 0, i + 1, x.num);
		worksheet_write_string(ws, row, 1, S.top[i].name, NULL);
		worksheet_write_string(ws, row, 2, S.top[i].unit, NULL);
		worksheet_write_number(ws, row, 3, (double)S.top[i].qty, x.num);
		worksheet_write_number(ws, row, 4, (double)S.top[i].points, x.num);
	}

	ws = workbook_add_worksheet(x.wb, "按户");
	static const char *const hcols[] = {"户号", "户主", "村", "兑换次数", "净数量", "兑换积分", NULL};
	static const double hwidths[] = {12, 10, 14, 10, 10, 10};
	xlsx_header_row(&x, ws, hcols, hwidths);
	for (int i = 0; i < S.nhouseholds; i++) {
		const struct shop_sales_household *h = &S.households_list[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, h->number, x.text);
		worksheet_write_string(ws, row, 1, h->name, NULL);
		worksheet_write_string(ws, row, 2, h->village, NULL);
		worksheet_write_number(ws, row, 3, (double)h->receipts, x.num);
		worksheet_write_number(ws, row, 4, (double)h->qty, x.num);
		worksheet_write_number(ws, row, 5, (double)h->points, x.num);
	}

	ws = workbook_add_worksheet(x.wb, "按期间");
	static const char *const pcols[] = {"期间", "兑换次数", "兑换户数", "净数量", "兑换积分", "成本（元）", NULL};
	static const double pwidths[] = {12, 10, 10, 10, 10, 12};
	xlsx_header_row(&x, ws, pcols, pwidths);
	for (int i = 0; i < S.nperiods; i++) {
		const struct shop_sales_period *q = &S.periods[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, q->label, x.text);
		worksheet_write_number(ws, row, 1, (double)q->receipts, x.num);
		worksheet_write_number(ws, row, 2, (double)q->households, x.num);
		worksheet_write_number(ws, row, 3, (double)q->qty, x.num);
		worksheet_write_number(ws, row, 4, (double)q->points, x.num);
		write_money(ws, row, 5, q->cost, money);
	}

	ws = workbook_add_worksheet(x.wb, "按村");
	static const char *const vcols[] = {"村", "兑换次数", "兑换户数", "净数量", "兑换积分", "成本（元）", NULL};
	static const double vwidths[] = {14, 10, 10, 10, 10, 12};
	xlsx_header_row(&x, ws, vcols, vwidths);
	for (int i = 0; i < S.nvillages; i++) {
		const struct shop_sales_village *v = &S.villages[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, v->name, NULL);
		worksheet_write_number(ws, row, 1, (double)v->receipts, x.num);
		worksheet_write_number(ws, row, 2, (double)v->households, x.num);
		worksheet_write_number(ws, row, 3, (double)v->qty, x.num);
		worksheet_write_number(ws, row, 4, (double)v->points, x.num);
		write_money(ws, row, 5, v->cost, money);
	}

	char period_s[64], now[17], counts[64], points[32], cost[32], purchases[32];
	export_period_text(period_s, sizeof(period_s), from, to);
	export_minute(c->now, now);
	snprintf(counts, sizeof(counts), "兑换 %lld 次，退货 %lld 次，%lld 户", (long long)S.sales,
		 (long long)S.returns, (long long)S.households);
	snprintf(points, sizeof(points), "%lld", (long long)S.points);
	yuan(cost, sizeof(cost), S.cost);
	yuan(purchases, sizeof(purchases), S.purchases);
	const char *const lines[][2] = {
		{"积分超市", S.shop_name}, {"期间", period_s},         {"导出时间", now},
		{"兑换", counts},          {"兑换积分（净）", points}, {"兑换成本（元）", cost},
		{"入库金额（元）", purchases},
		{"口径", "按小票时间统计；兑换减去退货；成本按移动加权平均成本计算，与库存台账一致"},
	};
	xlsx_info_sheet(&x, lines, ARRAY_SIZE(lines));
	char suffix[64];
	export_date_suffix(suffix, sizeof(suffix), from, to);
	snprintf(out->name, sizeof(out->name), "%s兑换报表%s.xlsx", S.shop_name, suffix);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "shop-report-%lld-%s-%s.xlsx", (long long)shop_id, from, to);
	return xlsx_finish(c, &x, out);
}

/* ------------------------------------------------------------------ verify */

enum result shop_verify(struct ctx *c, struct shop_report *r)
{
	memset(r, 0, sizeof(*r));
	/* every movement belongs to its good's shop, and running through a good's
	 * movements in order its stock never goes below 0 */
	struct db_stmt *st = db_query(c->db, "SELECT m.id, m.goods_id, m.shop_id, g.shop_id, m.quantity "
					     "FROM stock_moves m JOIN goods g ON g.id = m.goods_id ORDER BY m.goods_id, m.id",
				      "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "库存校验");
	int64_t good = -1, stock = 0;
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		r->moves++;
		if (r->broken)
			continue;
		int64_t id = db_col_int(st, 0), gid = db_col_int(st, 1);
		if (gid != good) {
			good = gid;
			stock = 0;
		}
		stock += db_col_int(st, 4);
		const char *why = db_col_int(st, 2) != db_col_int(st, 3) ? "库存变动记在了别的积分超市"
				  : stock < 0				  ? "按顺序累计时库存出现负数"
									  : NULL;
		if (why) {
			r->broken = true;
			r->goods_id = gid;
			r->shop_id = db_col_int(st, 3);
			r->move_id = id;
			str_copy(r->reason, sizeof(r->reason), why);
		}
	}
	db_finalize(st);
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "库存校验");
	/* each good's stock equals the sum of its movements */
	st = db_query(c->db, "SELECT g.id, g.shop_id, g.stock, "
			     "COALESCE((SELECT SUM(m.quantity) FROM stock_moves m WHERE m.goods_id = g.id), 0) "
			     "FROM goods g ORDER BY g.id",
		      "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "库存校验");
	while ((dbrc = db_step(st)) == DB_ROW) {
		r->goods++;
		if (r->broken)
			continue;
		int64_t have = db_col_int(st, 2), sum = db_col_int(st, 3);
		if (have != sum || have < 0) {
			r->broken = true;
			r->goods_id = db_col_int(st, 0);
			r->shop_id = db_col_int(st, 1);
			snprintf(r->reason, sizeof(r->reason), "库存 %lld 与变动合计 %lld 不符", (long long)have,
				 (long long)sum);
		}
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "库存校验");
}
