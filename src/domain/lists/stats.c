/* Statistics of execution records for a county, town or village: counts, on-time rate,
 * overdue now, median duration, by village or item, and the same as an XLSX workbook
 * with the overdue records. */
#include "domain/lists/internal.h"
#include "util/timeutil.h"

#define ST_LATE_SQL                                                                                  \
	"((x.state = 'open' AND x.alarm_at < ?) OR (x.state = 'closed' AND (x.late_steps > 0 OR x.closed_at > x.due_at)))"

static int unit_for_stats(struct ctx *c, int64_t unit_id, struct org_unit *u)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!unit_id)
		return ctx_field(c, "unit", "请选择单位");
	int rc = org_find(c, unit_id, u);
	if (rc == RC_NOT_FOUND || (!rc && !access_touches(c, u->path)))
		return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
	if (rc)
		return rc;
	if (!access_can(c, P_LIST_READ, u->path))
		return ctx_fail(c, access_refusal(c, u->path), "无权查看%s的清单统计", u->name);
	return RC_OK;
}

static void where_period(struct ctx *c, const struct org_unit *u, const struct list_stats_query *q, struct buf *w,
			 struct db_args *a)
{
	buf_adds(w, "WHERE v.path LIKE ?");
	db_args_text(a, arena_printf(c->arena, "%s%%", u->path));
	if (q->from) {
		buf_adds(w, " AND x.started_at >= ?");
		db_args_int(a, q->from);
	}
	if (q->to) {
		buf_adds(w, " AND x.started_at < ?");
		db_args_int(a, q->to);
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int lists_stats(struct ctx *c, const struct list_stats_query *q, struct list_stats_row **rows, int *n,
		struct list_stats_row *total)
{
	*rows = NULL;
	*n = 0;
	memset(total, 0, sizeof(*total));
	total->median_seconds = -1;
	struct org_unit u;
	int rc = unit_for_stats(c, q->unit_id, &u);
	if (rc)
		return rc;
	bool by_item = q->group_by && !strcmp(q->group_by, "item");
	if (q->group_by && q->group_by[0] && !by_item && strcmp(q->group_by, "village"))
		return ctx_field(c, "group_by", "分组应为 village 或 item");
	const char *key = by_item ? "i.name" : "x.village_id";
	const char *keycol = by_item ? "min(COALESCE(i.template_id, 0))" : "x.village_id";
	const char *name = by_item ? "i.name" : "min(v.name)";
	struct db_args a = {0};
	db_args_int(&a, c->now);
	db_args_int(&a, c->now);
	struct buf w;
	buf_init(&w, 4096);
	where_period(c, &u, q, &w, &a);
	char *sql = arena_printf(c->arena,
		"SELECT %s, %s, count(*), "
		"sum(CASE WHEN x.state = 'closed' THEN 1 ELSE 0 END), "
		"sum(CASE WHEN x.state = 'closed' AND x.outcome = 'done' AND x.late_steps = 0 AND x.closed_at <= x.due_at "
		"THEN 1 ELSE 0 END), "
		"sum(CASE WHEN x.state = 'open' AND x.alarm_at < ? THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " ST_LATE_SQL " THEN 1 ELSE 0 END) "
		"FROM list_executions x JOIN org_units v ON v.id = x.village_id JOIN list_items i ON i.id = x.item_id "
		"%s GROUP BY %s ORDER BY %s",
		keycol, name, w.ptr, key, by_item ? "i.name" : "min(v.path), x.village_id");
	struct db_stmt *st = sql && !w.failed ? db_query_args(c->db, sql, &a) : NULL;
	if (!st) {
		buf_release(&w);
		return ctx_db_fail(c, DB_ERROR, "统计执行记录");
	}
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct list_stats_row *g = arena_grow(c->arena, *rows, &cap, *n, sizeof(**rows));
		if (!g)
			break;
		*rows = g;
		struct list_stats_row *r = &g[(*n)++];
		r->key = db_col_int(st, 0);
		r->name = arena_strdup(c->arena, db_col_text(st, 1));
		r->n = db_col_int(st, 2);
		r->closed = db_col_int(st, 3);
		r->on_time = db_col_int(st, 4);
		r->overdue_now = db_col_int(st, 5);
		r->late = db_col_int(st, 6);
		r->median_seconds = -1;
		total->n += r->n;
		total->closed += r->closed;
		total->on_time += r->on_time;
		total->overdue_now += r->overdue_now;
		total->late += r->late;
	}
	db_finalize(st);
	if (rc != DB_DONE) {
		buf_release(&w);
		return rc == DB_ROW ? ctx_fail(c, RC_INTERNAL, "内存不足") : ctx_db_fail(c, rc, "统计执行记录");
	}
	/* medians: the durations of the closed records, per group in order */
	struct db_args b = {0};
	struct buf w2;
	buf_init(&w2, 4096);
	where_period(c, &u, q, &w2, &b);
	sql = arena_printf(c->arena, "SELECT %s, x.closed_at - x.started_at FROM list_executions x "
				     "JOIN org_units v ON v.id = x.village_id JOIN list_items i ON i.id = x.item_id "
				     "%s AND x.state = 'closed' ORDER BY %s, 2",
			   key, w2.ptr, key);
	buf_release(&w);
	buf_release(&w2);
	st = sql ? db_query_args(c->db, sql, &b) : NULL;
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计执行记录");
	int64_t *all = NULL, *grp = NULL;
	int nall = 0, capall = 0, ngrp = 0, capgrp = 0, gi = -1;
	char last[256] = "";
	while ((rc = db_step(st)) == DB_ROW) {
		const char *k = db_col_text(st, 0);
		int64_t d = db_col_int(st, 1);
		if (gi < 0 || strcmp(k, last)) {
			if (gi >= 0 && ngrp)
				(*rows)[gi].median_seconds = grp[ngrp / 2] / 2 + grp[(ngrp - 1) / 2] / 2;
			str_copy(last, sizeof(last), k);
			ngrp = 0;
			gi = -1;
			for (int i = 0; i < *n; i++) {
				bool same = by_item ? !strcmp((*rows)[i].name, k) : (*rows)[i].key == db_col_int(st, 0);
				if (same) {
					gi = i;
					break;
				}
			}
			if (gi < 0)
				continue;
		}
		int64_t *g1 = arena_grow(c->arena, grp, &capgrp, ngrp, sizeof(*grp));
		int64_t *g2 = arena_grow(c->arena, all, &capall, nall, sizeof(*all));
		if (!g1 || !g2)
			break;
		grp = g1;
		all = g2;
		grp[ngrp++] = d;
		all[nall++] = d;
	}
	db_finalize(st);
	if (gi >= 0 && ngrp)
		(*rows)[gi].median_seconds = grp[ngrp / 2] / 2 + grp[(ngrp - 1) / 2] / 2;
	if (nall) {
		qsort(all, (size_t)nall, sizeof(*all), cmp_i64);
		total->median_seconds = all[nall / 2] / 2 + all[(nall - 1) / 2] / 2;
	}
	total->key = u.id;
	total->name = arena_strdup(c->arena, u.name);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "统计执行记录");
}

/* ---- XLSX ---- */

static void write_rows(struct xlsx *x, lxw_worksheet *ws, const struct list_stats_row *rows, int n,
		       const struct list_stats_row *total, lxw_format *pct)
{
	for (int i = 0; i <= n; i++) {
		const struct list_stats_row *r = i < n ? &rows[i] : total;
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, i < n ? r->name : "合计", NULL);
		worksheet_write_number(ws, row, 1, (double)r->n, x->num);
		worksheet_write_number(ws, row, 2, (double)r->closed, x->num);
		worksheet_write_number(ws, row, 3, (double)r->on_time, x->num);
		if (r->closed)
			worksheet_write_number(ws, row, 4, (double)r->on_time / (double)r->closed, pct);
		worksheet_write_number(ws, row, 5, (double)r->overdue_now, x->num);
		worksheet_write_number(ws, row, 6, (double)r->late, x->num);
		if (r->median_seconds >= 0)
			worksheet_write_number(ws, row, 7, (double)r->median_seconds / 86400.0, NULL);
	}
}

int lists_stats_xlsx(struct ctx *c, const struct list_stats_query *q, struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	struct list_stats_query qv = *q, qi = *q;
	qv.group_by = "village";
	qi.group_by = "item";
	struct list_stats_row *rv, *ri, tv, ti;
	int nv, ni;
	int rc = lists_stats(c, &qv, &rv, &nv, &tv);
	if (!rc)
		rc = lists_stats(c, &qi, &ri, &ni, &ti);
	if (rc)
		return rc;
	struct list_query bq = {.unit_id = q->unit_id, .board = true, .limit = 5000};
	struct list_execution *late;
	int nlate;
	int64_t total;
	if ((rc = lists_executions(c, &bq, &late, &nlate, &total)))
		return rc;
	struct xlsx x;
	if ((rc = xlsx_open(c, &x, false)))
		return rc;
	lxw_format *pct = workbook_add_format(x.wb);
	format_set_num_format(pct, "0.0%");
	static const char *const cols[] = {"名称", "记录数", "已办结", "按时办结", "按时率", "当前逾期", "逾期记录",
					   "办理天数中位数", NULL};
	static const double widths[] = {28, 10, 10, 10, 10, 10, 10, 14};
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "按村");
	xlsx_header_row(&x, ws, cols, widths);
	write_rows(&x, ws, rv, nv, &tv, pct);
	ws = workbook_add_worksheet(x.wb, "按事项");
	xlsx_header_row(&x, ws, cols, widths);
	write_rows(&x, ws, ri, ni, &ti, pct);
	ws = workbook_add_worksheet(x.wb, "当前逾期");
	static const char *const lcols[] = {"编号", "镇", "村", "事项", "事由", "当前步骤", "步骤期限", "记录期限", NULL};
	static const double lwidths[] = {16, 12, 12, 24, 30, 20, 18, 18};
	xlsx_header_row(&x, ws, lcols, lwidths);
	for (int i = 0; i < nlate; i++) {
		const struct list_execution *e = &late[i];
		char a[17] = "", b[17];
		if (e->current_due)
			export_minute(e->current_due, a);
		export_minute(e->due_at, b);
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, e->code, x.text);
		worksheet_write_string(ws, row, 1, e->town_name, NULL);
		worksheet_write_string(ws, row, 2, e->village_name, NULL);
		worksheet_write_string(ws, row, 3, e->item_name, NULL);
		worksheet_write_string(ws, row, 4, e->title, NULL);
		worksheet_write_string(ws, row, 5, e->current_name ? e->current_name : "待办结", NULL);
		worksheet_write_string(ws, row, 6, a, x.text);
		worksheet_write_string(ws, row, 7, b, x.text);
	}
	char from[11] = "", to[11] = "", period[64];
	if (q->from)
		time_format_date(q->from, from);
	if (q->to)
		time_format_date(q->to - 1, to);
	export_period_text(period, sizeof(period), from[0] ? from : NULL, to[0] ? to : NULL);
	const char *const info[][2] = {{"单位", tv.name}, {"期间（按发起时间）", period},
				       {"按时办结", "已办结、每一步都在时限内且不晚于总时限"}};
	xlsx_info_sheet(&x, info, ARRAY_SIZE(info));
	if ((rc = xlsx_finish(c, &x, out)))
		return rc;
	char suffix[64];
	export_date_suffix(suffix, sizeof(suffix), from[0] ? from : NULL, to[0] ? to : NULL);
	snprintf(out->name, sizeof(out->name), "%s清单执行统计%s.xlsx", tv.name, suffix);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "list-stats-%lld.xlsx", (long long)q->unit_id);
	return RC_OK;
}
