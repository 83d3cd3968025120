/* The shop's books as XLSX: the stock ledger with its purchases and movements, and the
 * redemption report by good, household, period and village. */
#include "domain/shop/shop_books_internal.h"
#include "util/buf.h"

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
	int rc = books_load(c, shop_id, &s, "库存台账");
	if (rc)
		return rc;
	int64_t start, end, nmoves = 0;
	if ((rc = books_period(c, from, to, &start, &end)))
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
	if ((rc = books_ledger(c, &s, 0, from, to, &p))) {
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
