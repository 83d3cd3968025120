/* XLSX exports of ledgers and rankings (see exports.h), written through kernel/xlsx.h. */
#include <unistd.h>
#include <xlsxwriter.h>

#include "domain/kernel/access.h"
#include "domain/kernel/org.h"
#include "domain/points/exports.h"
#include "domain/points/rankings.h"
#include "domain/register/register.h"
#include "util/buf.h"
#include "util/timeutil.h"


static const struct {
	const char *source, *label;
} source_labels[] = {
	{"claim", "申报"},       {"award", "加分"},   {"deduction", "扣分"}, {"activity", "活动"},
	{"redemption", "兑换"},  {"return", "退还"},  {"correction", "更正"}, {"reset", "年度清零"},
};

static const char *source_label(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(source_labels); i++)
		if (!strcmp(source_labels[i].source, s))
			return source_labels[i].label;
	return s;
}


/* ---------------------------------------------------------------- ledgers */

/* Columns: seq, at, number, head, member, source, category, rule, spendable, honour,
 * note, actor, hash. Times as UTC seconds; an open end is far in the future. */
#define LEDGER_SELECT                                                                              \
	"SELECT l.seq, l.at, h.number, " PEOPLE_HEAD_NAME("h.id") ", COALESCE(m.name, ''), l.source, l.category, "   \
	"l.rule_name, l.spendable, l.honour, l.note, COALESCE(u.name, ''), l.hash "                  \
	"FROM ledger l JOIN households h ON h.id = l.household_id "                                 \
	"LEFT JOIN residents m ON m.id = l.resident_id LEFT JOIN users u ON u.id = l.actor_id "

static int count_rows(struct ctx *c, const char *where_col, int64_t id, int64_t start, int64_t end,
		      int64_t *n)
{
	char *sql = arena_printf(c->arena, "SELECT count(*) FROM ledger WHERE %s = ? AND at >= ? AND at < ?",
				 where_col);
	if (!sql || db_get_int(c->db, n, sql, "iii", id, start, end) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取积分台账");
	if (*n > EXPORT_ROWS_MAX)
		return ctx_field(c, "from", "期间内有 %lld 条记录，超过单个文件 %d 条的上限，请缩短期间",
				 (long long)*n, EXPORT_ROWS_MAX);
	return RC_OK;
}


enum result export_household_ledger(struct ctx *c, int64_t household_id, const char *from, const char *to,
			    struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	int64_t start, end;
	int rc = export_period_bounds(c, from, to, false, &start, &end);
	if (rc)
		return rc;
	if (!end)
		end = INT64_MAX / 2;

	struct db_stmt *st = db_query(c->db,
				      "SELECT v.name, h.number, " PEOPLE_HEAD_NAME("h.id") " FROM households h "
				      "JOIN org_units v ON v.id = h.village_id WHERE h.id = ?",
				      "i", household_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取户");
	int dbrc = db_step(st);
	char vname[161] = "", number[81] = "", head[81] = "";
	if (dbrc == DB_ROW) {
		str_copy(vname, sizeof(vname), db_col_text(st, 0));
		str_copy(number, sizeof(number), db_col_text(st, 1));
		str_copy(head, sizeof(head), db_col_text(st, 2));
	}
	db_finalize(st);
	if (dbrc != DB_ROW && dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取户");
	struct hh_place place;
	if (dbrc == DB_DONE || people_household_place(c, household_id, &place) ||
	    !access_can_read_household(c, HH_PATHS(place), household_id))
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");

	int64_t n;
	if ((rc = count_rows(c, "household_id", household_id, start, end, &n)))
		return rc;
	/* balances before the period */
	int64_t open_sp = 0, open_hon = 0;
	if (start) {
		st = db_query(c->db,
			      "SELECT COALESCE(SUM(spendable), 0), COALESCE(SUM(honour), 0) FROM ledger "
			      "WHERE household_id = ? AND at < ?",
			      "ii", household_id, start);
		if (!st || db_step(st) != DB_ROW) {
			db_finalize(st);
			return ctx_db_fail(c, DB_ERROR, "读取积分台账");
		}
		open_sp = db_col_int(st, 0);
		open_hon = db_col_int(st, 1);
		db_finalize(st);
	}

	struct xlsx x;
	if ((rc = xlsx_open(c, &x, n > 5000)))
		return rc;
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "积分台账");
	static const char *const cols[] = {"序号", "时间", "成员", "来源", "类别", "事项",
					   "可兑换积分变动", "累计积分变动", "可兑换积分余额",
					   "累计积分余额", "说明", "经办人", NULL};
	static const double widths[] = {8, 18, 10, 8, 12, 24, 14, 14, 14, 14, 30, 10};
	xlsx_header_row(&x, ws, cols, widths);
	lxw_row_t row = 1;
	int64_t sp = open_sp, hon = open_hon;
	if (start) {
		worksheet_write_string(ws, row, 3, "期初余额", NULL);
		worksheet_write_number(ws, row, 8, (double)sp, x.num);
		worksheet_write_number(ws, row, 9, (double)hon, x.num);
		row++;
	}
	st = db_query(c->db, LEDGER_SELECT "WHERE l.household_id = ? AND l.at >= ? AND l.at < ? ORDER BY l.seq",
		      "iii", household_id, start, end);
	if (!st) {
		xlsx_abort(&x);
		return ctx_db_fail(c, DB_ERROR, "读取积分台账");
	}
	while ((dbrc = db_step(st)) == DB_ROW) {
		char at[17];
		export_minute(db_col_int(st, 1), at);
		sp += db_col_int(st, 8);
		hon += db_col_int(st, 9);
		worksheet_write_number(ws, row, 0, (double)db_col_int(st, 0), x.num);
		worksheet_write_string(ws, row, 1, at, x.text);
		worksheet_write_string(ws, row, 2, db_col_text(st, 4), NULL);
		worksheet_write_string(ws, row, 3, source_label(db_col_text(st, 5)), NULL);
		worksheet_write_string(ws, row, 4, db_col_text(st, 6), NULL);
		worksheet_write_string(ws, row, 5, db_col_text(st, 7), NULL);
		worksheet_write_number(ws, row, 6, (double)db_col_int(st, 8), x.num);
		worksheet_write_number(ws, row, 7, (double)db_col_int(st, 9), x.num);
		worksheet_write_number(ws, row, 8, (double)sp, x.num);
		worksheet_write_number(ws, row, 9, (double)hon, x.num);
		worksheet_write_string(ws, row, 10, db_col_text(st, 10), NULL);
		worksheet_write_string(ws, row, 11, db_col_text(st, 11), NULL);
		row++;
	}
	db_finalize(st);
	if (dbrc != DB_DONE) {
		xlsx_abort(&x);
		return ctx_db_fail(c, dbrc, "读取积分台账");
	}
	char period[64], now[17], entries[24];
	export_period_text(period, sizeof(period), from, to);
	export_minute(c->now, now);
	snprintf(entries, sizeof(entries), "%lld", (long long)n);
	const char *const lines[][2] = {
		{"村", vname}, {"户号", number}, {"户主", head}, {"期间", period}, {"条数", entries},
		{"导出时间", now}, {"说明", "积分变动为正表示增加、为负表示减少；余额按本表顺序累计"},
	};
	xlsx_info_sheet(&x, lines, ARRAY_SIZE(lines));
	char suffix[64];
	export_date_suffix(suffix, sizeof(suffix), from, to);
	snprintf(out->name, sizeof(out->name), "%s%s户积分台账%s.xlsx", vname, number, suffix);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "ledger-household-%lld.xlsx", (long long)household_id);
	return xlsx_finish(c, &x, out);
}

enum result export_village_ledger(struct ctx *c, int64_t village_id, const char *from, const char *to,
			  struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	int64_t start, end;
	int rc = export_period_bounds(c, from, to, true, &start, &end);
	if (rc)
		return rc;
	struct org_unit v;
	rc = org_get(c, village_id, &v);
	if (rc == RC_OK && strcmp(v.kind, "village"))
		rc = ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_READ, v.path))
		return ctx_fail(c, access_refusal(c, v.path), "无权导出%s的积分台账", v.name);
	int64_t n;
	if ((rc = count_rows(c, "village_id", village_id, start, end, &n)))
		return rc;

	struct xlsx x;
	if ((rc = xlsx_open(c, &x, n > 5000)))
		return rc;
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "积分台账");
	static const char *const cols[] = {"序号", "时间", "户号", "户主", "成员", "来源", "类别", "事项",
					   "可兑换积分变动", "累计积分变动", "说明", "经办人", "哈希", NULL};
	static const double widths[] = {8, 18, 10, 10, 10, 8, 12, 24, 14, 14, 30, 10, 20};
	xlsx_header_row(&x, ws, cols, widths);
	struct db_stmt *st = db_query(c->db, LEDGER_SELECT "WHERE l.village_id = ? AND l.at >= ? AND l.at < ? ORDER BY l.seq",
				      "iii", village_id, start, end);
	if (!st) {
		xlsx_abort(&x);
		return ctx_db_fail(c, DB_ERROR, "读取积分台账");
	}
	lxw_row_t row = 1;
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		char at[17];
		export_minute(db_col_int(st, 1), at);
		worksheet_write_number(ws, row, 0, (double)db_col_int(st, 0), x.num);
		worksheet_write_string(ws, row, 1, at, x.text);
		worksheet_write_string(ws, row, 2, db_col_text(st, 2), x.text);
		worksheet_write_string(ws, row, 3, db_col_text(st, 3), NULL);
		worksheet_write_string(ws, row, 4, db_col_text(st, 4), NULL);
		worksheet_write_string(ws, row, 5, source_label(db_col_text(st, 5)), NULL);
		worksheet_write_string(ws, row, 6, db_col_text(st, 6), NULL);
		worksheet_write_string(ws, row, 7, db_col_text(st, 7), NULL);
		worksheet_write_number(ws, row, 8, (double)db_col_int(st, 8), x.num);
		worksheet_write_number(ws, row, 9, (double)db_col_int(st, 9), x.num);
		worksheet_write_string(ws, row, 10, db_col_text(st, 10), NULL);
		worksheet_write_string(ws, row, 11, db_col_text(st, 11), NULL);
		worksheet_write_string(ws, row, 12, db_col_text(st, 12), x.text);
		row++;
	}
	db_finalize(st);
	if (dbrc != DB_DONE) {
		xlsx_abort(&x);
		return ctx_db_fail(c, dbrc, "读取积分台账");
	}
	char period[64], now[17], entries[24];
	export_period_text(period, sizeof(period), from, to);
	export_minute(c->now, now);
	snprintf(entries, sizeof(entries), "%lld", (long long)n);
	const char *const lines[][2] = {
		{"村", v.name}, {"期间", period}, {"条数", entries}, {"导出时间", now},
		{"说明", "按台账序号排列；哈希为该条记录在本村积分台账哈希链中的值"},
	};
	xlsx_info_sheet(&x, lines, ARRAY_SIZE(lines));
	char suffix[64];
	export_date_suffix(suffix, sizeof(suffix), from, to);
	snprintf(out->name, sizeof(out->name), "%s积分台账%s.xlsx", v.name, suffix);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "ledger-village-%lld-%s-%s.xlsx", (long long)village_id,
		 from, to);
	return xlsx_finish(c, &x, out);
}

/* ---------------------------------------------------------------- rankings */

enum result export_ranking(struct ctx *c, int64_t ranking_id, struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	struct ranking r;
	int rc = rankings_get(c, ranking_id, &r);
	if (rc)
		return rc;
	bool group = strcmp(r.unit_kind, "village") != 0;  /* a group or a grid */
	struct xlsx x;
	if ((rc = xlsx_open(c, &x, false)))
		return rc;

	lxw_worksheet *all = workbook_add_worksheet(x.wb, "排行榜");
	lxw_worksheet *red = workbook_add_worksheet(x.wb, "红榜");
	lxw_worksheet *black = workbook_add_worksheet(x.wb, "黑榜");
	static const char *const rank_cols[] = {"名次", "户号", "户主", "积分", NULL};
	static const double rank_widths[] = {8, 12, 12, 10};
	xlsx_header_row(&x, all, rank_cols, rank_widths);
	xlsx_header_row(&x, red, rank_cols, rank_widths);
	for (int i = 0; i < r.nrows; i++) {
		const struct ranking_row *w = &r.rows[i];
		for (int s = 0; s < (i < r.nred ? 2 : 1); s++) {
			lxw_worksheet *ws = s ? red : all;
			lxw_row_t row = (lxw_row_t)(i + 1);
			worksheet_write_number(ws, row, 0, w->rank, x.num);
			worksheet_write_string(ws, row, 1, w->household_number, x.text);
			worksheet_write_string(ws, row, 2, w->name, NULL);
			worksheet_write_number(ws, row, 3, (double)w->points, x.num);
		}
	}
	static const char *const black_cols[] = {"户号", "户主", "扣分次数", "扣分", NULL};
	static const double black_widths[] = {12, 12, 10, 10};
	xlsx_header_row(&x, black, black_cols, black_widths);
	for (int i = 0; i < r.nblack; i++) {
		const struct black_row *w = &r.black[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(black, row, 0, w->household_number, x.text);
		worksheet_write_string(black, row, 1, w->name, NULL);
		worksheet_write_number(black, row, 2, (double)w->deductions, x.num);
		worksheet_write_number(black, row, 3, (double)w->points, x.num);
	}

	char from[11], to[11], published[17];
	time_format_date(r.period.start, from);
	time_format_date(r.period.end - 1, to);
	export_minute(r.published_at, published);
	char red_n[16], count[24];
	snprintf(red_n, sizeof(red_n), "%d", r.red_list_size);
	snprintf(count, sizeof(count), "%lld", (long long)r.ledger_count);
	const char *const lines[][2] = {
		{"村", r.village_name},
		{strcmp(r.unit_kind, "grid") ? "村民小组" : "网格", group ? r.unit_name : "（全村）"},
		{"期间", r.period.label},
		{"统计起始日", from},
		{"统计截止日", to},
		{"红榜名额", red_n},
		{"发布时间", published},
		{"发布时台账条数", count},
		{"发布时台账链头", r.ledger_hash},
		{"排名依据", "期间内获得的累计积分（申报、加分、扣分、活动及其更正）；同分同名次，按户号排列"},
		{"黑榜", "期间内有扣分记录的户（已更正撤销的扣分不计）"},
	};
	xlsx_info_sheet(&x, lines, ARRAY_SIZE(lines));
	worksheet_activate(all);

	snprintf(out->name, sizeof(out->name), "%s%s%s红黑榜.xlsx", r.village_name, group ? r.unit_name : "",
		 r.period.label);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "ranking-%lld-%s.xlsx", (long long)r.id, r.period.text);
	return xlsx_finish(c, &x, out);
}
