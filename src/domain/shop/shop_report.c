/* The shop's report figures: the stock ledger (库存台账) in quantity and money and the
 * redemption reports, both summed from one valuation pass (shop_books.c). */
#include "domain/register/register.h"
#include "domain/shop/shop_books_internal.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define REPORT_RECEIPTS_MAX 500000     /* receipts of one report */
#define REPORT_DAYS_MAX 62             /* periods up to this are reported by day, longer by month */

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

/* ------------------------------------------------------------------ the stock ledger */

static void qv_add(struct stock_qv *a, int64_t qty, int64_t value)
{
	a->qty += qty;
	a->value += value;
}

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
int books_ledger(struct ctx *c, const struct shop *s, int64_t goods_id, const char *from, const char *to,
		 struct ledger_pass *p)
{
	struct stock_ledger *L = p->L;
	memset(L, 0, sizeof(*L));
	L->shop_id = s->id;
	str_copy(L->shop_name, sizeof(L->shop_name), s->name);
	int rc = books_period(c, from, to, &L->start, &L->end);
	if (rc)
		return rc;
	str_copy(L->from, sizeof(L->from), from);
	str_copy(L->to, sizeof(L->to), to);
	for (int i = 0; i < 4; i++)
		L->funding[i].funding = stock_fundings[i];
	int n;
	if ((rc = books_goods(c, s->id, goods_id, &p->goods, &n)))
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
	if ((rc = books_valuate(c, s->id, goods_id, L->end, p->goods, n, ledger_move, p)))
		return rc;
	struct goods_sales *sales;
	int nsales;
	if ((rc = books_sales(c, s->id, L->start, L->end, &sales, &nsales, SHOP_GOODS_MAX)))
		return rc;
	L->total.name = "合计";
	L->total.unit = L->total.category = "";
	L->total.active = true;
	for (int i = 0; i < n; i++) {
		struct stock_ledger_row *r = &p->rows[i];
		r->closing.qty = p->goods[i].qty;
		r->closing.value = p->goods[i].value;
		const struct goods_sales *gs = books_find_sales(sales, nsales, r->goods_id);
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
	int rc = books_load(c, shop_id, &s, "库存台账");
	if (rc)
		return rc;
	struct ledger_pass p = {.L = out};
	return books_ledger(c, &s, goods_id, from, to, &p);
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
	int rc = books_period(c, from, to, &S->start, &S->end);
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
	if ((rc = books_goods(c, s->id, 0, &p.goods, &n)))
		return rc;
	p.cost = arena_alloc(c->arena, sizeof(*p.cost) * (size_t)(n + 1));
	if (!p.cost)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = books_valuate(c, s->id, 0, S->end, p.goods, n, report_move, &p)) || (rc = report_receipts(c, S, vcap)) ||
	    (rc = report_households(c, S)))
		return rc;
	struct goods_sales *sales;
	int nsales;
	if ((rc = books_sales(c, s->id, S->start, S->end, &sales, &nsales, SHOP_GOODS_MAX)))
		return rc;
	S->goods = arena_alloc(c->arena, sizeof(*S->goods) * (size_t)(n + 1));
	S->top = arena_alloc(c->arena, sizeof(*S->top) * SHOP_REPORT_TOP);
	if (!S->goods || !S->top)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < n; i++) {
		const struct goods_sales *gs = books_find_sales(sales, nsales, p.goods[i].id);
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
	int rc = books_load(c, shop_id, &s, "兑换报表");
	return rc ? rc : report_build(c, &s, from, to, out);
}
