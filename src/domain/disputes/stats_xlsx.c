/* The disputes' statistics as an XLSX file: the same figures as disputes_stats (per
 * village over the period asked) and disputes_stats_months (the last 12 months), one
 * sheet each, and a 说明 sheet saying what each column counts. */
#include "domain/disputes/internal.h"
#include "util/timeutil.h"

static void write_rows(struct xlsx *x, lxw_worksheet *ws, const struct dispute_stats_row *rows, int n,
		       const struct dispute_stats_row *total, lxw_format *pct)
{
	for (int i = 0; i <= n; i++) {
		const struct dispute_stats_row *r = i < n ? &rows[i] : total;
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, i < n ? r->unit_name : "合计", x->text);
		const int64_t v[] = {r->received, r->mediating, r->mediated, r->referred, r->recurring,
				     r->followups_due, r->followups_overdue, r->kept};
		for (size_t k = 0; k < ARRAY_SIZE(v); k++)
			worksheet_write_number(ws, row, (lxw_col_t)(1 + k), (double)v[k], x->num);
		/* the share mediated among those with an outcome, as the JSON's mediation_rate */
		int64_t decided = r->mediated + r->referred;
		if (decided)
			worksheet_write_number(ws, row, 9, (double)r->mediated / (double)decided, pct);
	}
}

int disputes_stats_xlsx(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	struct dispute_stats_row *rv, *rm, tv, tm;
	int nv, nm;
	int rc = disputes_stats(c, unit_id, from, to, &rv, &nv, &tv);
	if (!rc)
		rc = disputes_stats_months(c, unit_id, &rm, &nm, &tm);
	if (rc)
		return rc;
	const char *unit = "";
	if (unit_id) {
		struct org_unit u;
		if ((rc = org_get(c, unit_id, &u)))
			return rc;
		unit = dp_dup(c, u.name);
	}
	struct xlsx x;
	if ((rc = xlsx_open(c, &x, false)))
		return rc;
	lxw_format *pct = workbook_add_format(x.wb);
	format_set_num_format(pct, "0.0%");
	static const char *const cols[] = {"村", "受理纠纷", "调解中", "调解成功", "调解不成移交", "反复（协议未履行）",
					   "应回访未回访", "回访逾期", "协议已履行", "调解成功率", NULL};
	static const double widths[] = {24, 10, 10, 10, 14, 18, 14, 10, 12, 12};
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "按村");
	xlsx_header_row(&x, ws, cols, widths);
	write_rows(&x, ws, rv, nv, &tv, pct);
	static const char *const mcols[] = {"月份", "受理纠纷", "调解中", "调解成功", "调解不成移交", "反复（协议未履行）",
					    "应回访未回访", "回访逾期", "协议已履行", "调解成功率", NULL};
	ws = workbook_add_worksheet(x.wb, "近12个月");
	xlsx_header_row(&x, ws, mcols, widths);
	write_rows(&x, ws, rm, nm, &tm, pct);
	char f[11] = "", t[11] = "", period[64], now[17];
	if (from)
		time_format_date(from, f);
	if (to)
		time_format_date(to - 1, t);
	export_period_text(period, sizeof(period), f[0] ? f : NULL, t[0] ? t : NULL);
	export_minute(c->now, now);
	const char *const info[][2] = {
		{"单位", unit[0] ? unit : "本人可见的全部村"},
		{"按村：期间（按登记时间）", period},
		{"近12个月", arena_printf(c->arena, "%s 至 %s（按登记月份）", rm[0].unit_name, rm[nm - 1].unit_name)},
		{"统计时间", now},
		{"调解中", "尚无调解结果"},
		{"应回访未回访", "调解成功、回访已到期而未回访（含逾期）"},
		{"回访逾期", "调解成功、过了回访日期仍未回访"},
		{"调解成功率", "调解成功 ÷（调解成功 + 调解不成）"},
	};
	xlsx_info_sheet(&x, info, ARRAY_SIZE(info));
	if ((rc = xlsx_finish(c, &x, out)))
		return rc;
	char suffix[64];
	export_date_suffix(suffix, sizeof(suffix), f[0] ? f : NULL, t[0] ? t : NULL);
	snprintf(out->name, sizeof(out->name), "%s矛盾纠纷统计%s.xlsx", unit, suffix);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "dispute-stats-%lld.xlsx", (long long)unit_id);
	return RC_OK;
}
