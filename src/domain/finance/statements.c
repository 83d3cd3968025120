/* Monthly statements: the arithmetic, drafts from the approved entries, publishing as
 * the month's 财务 disclosure (which freezes the month), reading, and the XLSX exports
 * of entries and statements. */
#include "domain/finance/internal.h"
#include "domain/kernel/audit.h"
#include "domain/transparency/transparency.h"
#include "util/num.h"
#include "util/timeutil.h"

#define SUM_LIMIT (FIN_AMOUNT_MAX * 1000)

int finance_statement_compute(int64_t opening, const struct fin_category *cats, int ncats,
			      const struct fin_amount *entries, int n, struct fin_totals *out)
{
	memset(out, 0, sizeof(*out));
	if (ncats > FIN_CATEGORIES_MAX || opening > SUM_LIMIT || opening < -SUM_LIMIT)
		return -1;
	out->opening = opening;
	out->nlines = ncats;
	for (int i = 0; i < ncats; i++) {
		str_copy(out->lines[i].code, sizeof(out->lines[i].code), cats[i].code);
		str_copy(out->lines[i].kind, sizeof(out->lines[i].kind), cats[i].kind);
		str_copy(out->lines[i].name, sizeof(out->lines[i].name), cats[i].name);
		str_copy(out->lines[i].parent, sizeof(out->lines[i].parent), cats[i].parent);
	}
	for (int j = 0; j < n; j++) {
		const struct fin_amount *e = &entries[j];
		int at = -1;
		for (int i = 0; i < ncats && at < 0; i++)
			if (e->category && !strcmp(cats[i].code, e->category))
				at = i;
		if (at < 0 || !e->kind || strcmp(cats[at].kind, e->kind) || e->amount > FIN_AMOUNT_MAX ||
		    e->amount < -FIN_AMOUNT_MAX)
			return -1;
		struct fin_line *l = &out->lines[at];
		l->amount += e->amount;
		l->entries++;
		if (!strcmp(e->kind, "income"))
			out->income += e->amount;
		else
			out->expense += e->amount;
		out->entries++;
		if (l->amount > SUM_LIMIT || l->amount < -SUM_LIMIT || out->income > SUM_LIMIT ||
		    out->income < -SUM_LIMIT || out->expense > SUM_LIMIT || out->expense < -SUM_LIMIT)
			return -1;
		/* the parent account shows the sum of its sub-accounts */
		for (int i = 0; i < ncats; i++)
			if (cats[at].parent[0] && !strcmp(cats[i].code, cats[at].parent)) {
				out->lines[i].amount += e->amount;
				out->lines[i].entries++;
			}
	}
	out->closing = out->opening + out->income - out->expense;
	return 0;
}

static int month_parse(struct ctx *c, const char *month, int *y, int *m)
{
	if (!month || !month[0])
		return ctx_field(c, "month", "请填写月份");
	if (!fin_month_valid(month))
		return ctx_field(c, "month", "月份格式应为 2026-10");
	*y = (month[0] - '0') * 1000 + (month[1] - '0') * 100 + (month[2] - '0') * 10 + (month[3] - '0');
	*m = (month[5] - '0') * 10 + (month[6] - '0');
	return RC_OK;
}

/* Computes a month's statement from the approved entries (no access check). */
static int compute_month(struct ctx *c, int64_t village_id, const char *month, struct fin_totals *t, int *pending)
{
	struct fin_category *cats;
	int ncats, rc = fin_chart(c, &cats, &ncats);
	if (rc)
		return rc;
	/* the month as a range of the (village, date) index, not a function of the column */
	char first[11], last[11];
	snprintf(first, sizeof(first), "%s-01", month);
	snprintf(last, sizeof(last), "%s-31", month);
	/* the opening balance: the closing of the last published month before this one (a
	 * published month is frozen; `cunzhi verify` holds each to its entries) plus the
	 * approved entries after it */
	int64_t opening = 0;
	char after[11] = "0000-00-32";
	struct db_stmt *st = db_query(c->db,
				      "SELECT month, closing FROM finance_statements WHERE village_id = ? AND month < ? "
				      "ORDER BY month DESC LIMIT 1",
				      "it", village_id, month);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "计算期初余额");
	if (db_step(st) == DB_ROW) {
		snprintf(after, sizeof(after), "%.7s-32", db_col_text(st, 0));
		opening = db_col_int(st, 1);
	}
	db_finalize(st);
	int64_t since = 0;
	if (db_get_int(c->db, &since,
		       "SELECT COALESCE(sum(CASE WHEN kind = 'income' THEN amount ELSE -amount END), 0) FROM finance_entries "
		       "WHERE village_id = ? AND status = 'approved' AND occurred_on > ? AND occurred_on < ?",
		       "itt", village_id, after, first) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "计算期初余额");
	opening += since;
	int64_t count = 0, p = 0;
	st = db_query(c->db,
				      "SELECT COALESCE(sum(CASE WHEN status = 'approved' THEN 1 ELSE 0 END), 0), "
				      "COALESCE(sum(CASE WHEN status IN ('pending', 'rejected') THEN 1 ELSE 0 END), 0) "
				      "FROM finance_entries WHERE village_id = ? AND occurred_on BETWEEN ? AND ?",
				      "itt", village_id, first, last);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取账目");
	int dbrc = db_step(st);
	if (dbrc == DB_ROW) {
		count = db_col_int(st, 0);
		p = db_col_int(st, 1);
	}
	db_finalize(st);
	if (dbrc != DB_ROW)
		return ctx_db_fail(c, dbrc, "读取账目");
	*pending = (int)p;
	struct fin_amount *es = arena_alloc(c->arena, sizeof(*es) * (size_t)(count ? count : 1));
	if (!es)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	st = db_query(c->db,
		      "SELECT category, kind, amount FROM finance_entries WHERE village_id = ? AND "
		      "status = 'approved' AND occurred_on BETWEEN ? AND ? ORDER BY id",
		      "itt", village_id, first, last);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取账目");
	int n = 0;
	while (n < count && db_step(st) == DB_ROW) {
		es[n].category = arena_strdup(c->arena, db_col_text(st, 0));
		es[n].kind = arena_strdup(c->arena, db_col_text(st, 1));
		es[n].amount = db_col_int(st, 2);
		n++;
	}
	db_finalize(st);
	if (finance_statement_compute(opening, cats, ncats, es, n, t))
		return ctx_fail(c, RC_INTERNAL, "账目金额超出范围");
	return RC_OK;
}

#define S_COLS                                                                                       \
	"s.id, s.village_id, v.name, s.month, s.opening, s.income, s.expense, s.closing, s.entries, " \
	"COALESCE(s.disclosure_id, 0), s.published_by, s.published_at, COALESCE(u.name, '') "
#define S_FROM "FROM finance_statements s JOIN org_units v ON v.id = s.village_id LEFT JOIN users u ON u.id = s.published_by "

static void read_statement(struct ctx *c, struct db_stmt *st, struct fin_statement *s)
{
	memset(s, 0, sizeof(*s));
	s->id = db_col_int(st, 0);
	s->village_id = db_col_int(st, 1);
	str_copy(s->village_name, sizeof(s->village_name), db_col_text(st, 2));
	str_copy(s->month, sizeof(s->month), db_col_text(st, 3));
	s->t.opening = db_col_int(st, 4);
	s->t.income = db_col_int(st, 5);
	s->t.expense = db_col_int(st, 6);
	s->t.closing = db_col_int(st, 7);
	s->t.entries = (int)db_col_int(st, 8);
	s->disclosure_id = db_col_int(st, 9);
	s->published_by = db_col_int(st, 10);
	s->published_at = db_col_int(st, 11);
	s->published_by_name = arena_strdup(c->arena, db_col_text(st, 12));
}

/* The stored lines of a published statement, over the chart. */
static int read_lines(struct ctx *c, struct fin_statement *s)
{
	struct fin_category *cats;
	int ncats, rc = fin_chart(c, &cats, &ncats);
	if (rc)
		return rc;
	s->t.nlines = ncats;
	for (int i = 0; i < ncats; i++) {
		struct fin_line *l = &s->t.lines[i];
		str_copy(l->code, sizeof(l->code), cats[i].code);
		str_copy(l->kind, sizeof(l->kind), cats[i].kind);
		str_copy(l->name, sizeof(l->name), cats[i].name);
		str_copy(l->parent, sizeof(l->parent), cats[i].parent);
	}
	struct db_stmt *st = db_query(c->db, "SELECT category, amount, entries FROM finance_statement_lines WHERE statement_id = ?",
				      "i", s->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取财务报表");
	while (db_step(st) == DB_ROW)
		for (int i = 0; i < ncats; i++)
			if (!strcmp(s->t.lines[i].code, db_col_text(st, 0))) {
				s->t.lines[i].amount = db_col_int(st, 1);
				s->t.lines[i].entries = (int)db_col_int(st, 2);
			}
	db_finalize(st);
	return RC_OK;
}

/* The village for a statement reader: staff with a finance grant, or a villager of the
 * village (published statements only: *staff false). */
static int statement_village(struct ctx *c, int64_t village_id, struct org_unit *v, bool *staff)
{
	*staff = false;
	int64_t mine = fin_my_village(c);
	if (!village_id)
		village_id = mine;
	if (!village_id)
		return ctx_field(c, "village_id", "请选择村");
	int rc = org_find(c, village_id, v);
	if (rc == RC_NOT_FOUND)
		return ctx_field(c, "village_id", "村不存在");
	if (rc)
		return rc;
	if (strcmp(v->kind, "village"))
		return ctx_field(c, "village_id", "村级财务按村记账，请选择村");
	*staff = access_can(c, FIN_ANY_READ, v->path);
	if (*staff || village_id == mine)
		return RC_OK;
	rc = access_refusal(c, v->path);
	return ctx_fail(c, rc, rc == RC_NOT_FOUND ? "村不存在" : "你不能查看%s的财务账目", v->name);
}

enum result finance_statement_by_id(struct ctx *c, int64_t id, struct fin_statement *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " S_COLS S_FROM "WHERE s.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取财务报表");
	bool found = db_step(st) == DB_ROW;
	if (found)
		read_statement(c, st, out);
	db_finalize(st);
	if (!found)
		return ctx_fail(c, RC_NOT_FOUND, "财务报表不存在");
	struct org_unit v;
	bool staff;
	int rc = statement_village(c, out->village_id, &v, &staff);
	if (rc == RC_NOT_FOUND) {
		ctx_reset(c);
		return ctx_fail(c, RC_NOT_FOUND, "财务报表不存在");
	}
	return rc ? rc : read_lines(c, out);
}

/* Why a month cannot be published now (NULL: it can), in request memory. */
static const char *blocker_of(struct ctx *c, int64_t village_id, const char *month, int pending, const char *frozen)
{
	int y, m;
	sscanf(month, "%d-%d", &y, &m);
	int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
	if (time_days_from_civil(ny, nm, 1) > time_cn_days(c->now))
		return "本月尚未结束，月末后才能生成并公开月报";
	char buf[320];
	if (frozen[0] && strcmp(month, frozen) <= 0) {
		snprintf(buf, sizeof(buf), "%s 的财务报表已公开（已公开到 %s）", month, frozen);
		return arena_strdup(c->arena, buf);
	}
	char after[11], first[11];
	snprintf(after, sizeof(after), "%s-32", frozen[0] ? frozen : "0000-00");
	snprintf(first, sizeof(first), "%s-01", month);
	struct db_stmt *st = db_query(c->db,
				      "SELECT min(substr(occurred_on, 1, 7)) FROM finance_entries WHERE village_id = ? AND "
				      "status <> 'withdrawn' AND occurred_on > ? AND occurred_on < ?",
				      "itt", village_id, after, first);
	char earlier[8] = "";
	if (st && db_step(st) == DB_ROW && !db_col_null(st, 0))
		str_copy(earlier, sizeof(earlier), db_col_text(st, 0));
	db_finalize(st);
	if (earlier[0]) {
		snprintf(buf, sizeof(buf), "请先公开 %s 的财务报表（月报须按月份顺序公开）", earlier);
		return arena_strdup(c->arena, buf);
	}
	if (pending) {
		snprintf(buf, sizeof(buf), "本月还有 %d 笔账目未审核或被退回，审核完毕后才能公开", pending);
		return arena_strdup(c->arena, buf);
	}
	return NULL;
}

enum result finance_statement_get(struct ctx *c, int64_t village_id, const char *month, struct fin_statement *out)
{
	memset(out, 0, sizeof(*out));
	struct org_unit v;
	bool staff;
	int y, m;
	int rc = statement_village(c, village_id, &v, &staff);
	if (rc && rc != RC_INVALID)
		return rc;
	month_parse(c, month, &y, &m);
	if ((rc = ctx_check_fields(c)))
		return rc;
	struct db_stmt *st = db_query(c->db, "SELECT " S_COLS S_FROM "WHERE s.village_id = ? AND s.month = ?", "it",
				      v.id, month);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取财务报表");
	bool found = db_step(st) == DB_ROW;
	if (found)
		read_statement(c, st, out);
	db_finalize(st);
	if (found)
		return read_lines(c, out);
	if (!staff)
		return ctx_fail(c, RC_NOT_FOUND, "%s %s 的财务报表尚未公开", v.name, month);
	out->village_id = v.id;
	str_copy(out->village_name, sizeof(out->village_name), v.name);
	str_copy(out->month, sizeof(out->month), month);
	if ((rc = compute_month(c, v.id, month, &out->t, &out->pending)))
		return rc;
	char frozen[8];
	if ((rc = fin_frozen_month(c, v.id, frozen)))
		return rc;
	out->blocker = blocker_of(c, v.id, month, out->pending, frozen);
	out->can_publish = !out->blocker && access_can(c, P_FINANCE_APPROVE, v.path) &&
			   access_can(c, P_DISCLOSE_WRITE, v.path);
	return RC_OK;
}

enum result finance_statements(struct ctx *c, int64_t village_id, int year, struct fin_statement **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct org_unit v;
	bool staff;
	int rc = statement_village(c, village_id, &v, &staff);
	if (rc)
		return rc;
	if (year && (year < 2000 || year > 2100))
		return ctx_field(c, "year", "年份应在 2000 到 2100 之间");
	char prefix[8];
	snprintf(prefix, sizeof(prefix), "%04d-", year);
	int64_t count = 0;
	if (db_get_int(c->db, &count, "SELECT count(*) FROM finance_statements WHERE village_id = ?", "i", v.id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取财务报表");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(count ? count : 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db,
				      "SELECT " S_COLS S_FROM "WHERE s.village_id = ? AND (? = 0 OR substr(s.month, 1, 5) = ?) "
				      "ORDER BY s.month DESC",
				      "iit", v.id, (int64_t)year, prefix);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取财务报表");
	while (*n < count && db_step(st) == DB_ROW)
		read_statement(c, st, &(*out)[(*n)++]);
	db_finalize(st);
	for (int i = 0; i < *n && !rc; i++)
		rc = read_lines(c, &(*out)[i]);
	return rc;
}

/* The disclosure's body: the statement as text lines. */
static char *statement_body(struct ctx *c, const struct fin_statement *s)
{
	struct buf b;
	buf_init(&b, 8192);
	char y[32];
	fin_yuan(s->t.opening, y);
	buf_addf(&b, "%s %s 财务收支月报（单位：元）\n期初余额：%s\n\n收入\n", s->village_name, s->month, y);
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			buf_adds(&b, "\n支出\n");
		for (int i = 0; i < s->t.nlines; i++) {
			const struct fin_line *l = &s->t.lines[i];
			if (strcmp(l->kind, pass ? "expense" : "income") || (!l->amount && !l->entries))
				continue;
			fin_yuan(l->amount, y);
			buf_addf(&b, "%s%s：%s\n", l->parent[0] ? "  其中 " : "  ", l->name, y);
		}
		fin_yuan(pass ? s->t.expense : s->t.income, y);
		buf_addf(&b, "  %s合计：%s\n", pass ? "支出" : "收入", y);
	}
	fin_yuan(s->t.closing, y);
	buf_addf(&b, "\n期末余额：%s\n共 %d 笔账目，均经两人录入和审核。", y, s->t.entries);
	char *out = b.failed ? NULL : arena_strdup(c->arena, b.ptr);
	buf_release(&b);
	return out;
}

static int remove_statement(struct ctx *c, int64_t village_id, int64_t id, const char *why)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if (db_run(c->db, "DELETE FROM finance_statement_lines WHERE statement_id = ?", "i", id) != DB_OK ||
	    db_run(c->db, "DELETE FROM finance_statements WHERE id = ?", "i", id) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "撤销报表"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "reason", why);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, village_id, "finance_statement", id, "publish_failed", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result finance_statement_publish(struct ctx *c, int64_t village_id, const char *month, int64_t *id)
{
	*id = 0;
	struct org_unit v = {0};
	int y = 0, m = 0;
	int rc = fin_village(c, village_id, "village_id", P_FINANCE_APPROVE, &v);
	if (rc && rc != RC_INVALID)
		return rc;
	month_parse(c, month, &y, &m);
	if ((rc = ctx_check_fields(c)))
		return rc;
	if (!access_can(c, P_DISCLOSE_WRITE, v.path))
		return ctx_fail(c, RC_FORBIDDEN, "公开月报还需要%s三务公开的发布权限", v.name);
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int added;
	if ((rc = finance_sync_shop(c, v.id, &added)))
		return rc;
	struct fin_statement s = {0};
	s.village_id = v.id;
	str_copy(s.village_name, sizeof(s.village_name), v.name);
	str_copy(s.month, sizeof(s.month), month);
	if ((rc = ctx_begin(c)))
		return rc;
	char frozen[8];
	if ((rc = fin_lock_village(c, v.id)) || (rc = fin_frozen_month(c, v.id, frozen)) ||
	    (rc = compute_month(c, v.id, month, &s.t, &s.pending)))
		return ctx_end(c, rc);
	const char *blocker = blocker_of(c, v.id, month, s.pending, frozen);
	if (blocker)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "%s", blocker));
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO finance_statements (village_id, month, opening, income, expense, closing, entries, "
			      "published_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "itiiiiiii", v.id, month, s.t.opening, s.t.income, s.t.expense, s.t.closing,
			      (int64_t)s.t.entries, ctx_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "公开财务报表"));
	for (int i = 0; i < s.t.nlines && !rc; i++) {
		const struct fin_line *l = &s.t.lines[i];
		if (!l->entries)
			continue;
		if (db_run(c->db, "INSERT INTO finance_statement_lines (statement_id, category, amount, entries) "
				  "VALUES (?, ?, ?, ?)",
			   "itii", *id, l->code, l->amount, (int64_t)l->entries) != DB_OK)
			rc = ctx_db_fail(c, DB_ERROR, "公开财务报表");
	}
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "month", month);
	audit_snap_int(&after, "opening", s.t.opening);
	audit_snap_int(&after, "income", s.t.income);
	audit_snap_int(&after, "expense", s.t.expense);
	audit_snap_int(&after, "closing", s.t.closing);
	audit_snap_int(&after, "entries", s.t.entries);
	audit_snap_end(&after);
	if (!rc)
		rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
				  : audit_record(c, v.id, "finance_statement", *id, "publish", "{}", after.ptr);
	buf_release(&after);
	if ((rc = ctx_end(c, rc)))
		return rc;
	/* the month's 财务 disclosure, through transparency (its own transaction) */
	char title[96];
	snprintf(title, sizeof(title), "%d年%d月财务收支月报", y, m);
	char *body = statement_body(c, &s);
	struct disc_input in = {.village_id = v.id, .kind = "finance", .category = "月度收支", .period = month,
				.title = title, .body = body ? body : "", .nfiles = 0, .statement_id = *id};
	int64_t did = 0;
	bool replayed;
	rc = body ? transparency_publish(c, &in, &did, &replayed) : ctx_fail(c, RC_INTERNAL, "内存不足");
	if (rc) {
		struct err saved = c->err;
		ctx_reset(c);
		remove_statement(c, v.id, *id, saved.message);
		c->err = saved;
		*id = 0;
		return rc;
	}
	if ((rc = ctx_begin(c)))
		return rc;
	if (db_run(c->db, "UPDATE finance_statements SET disclosure_id = ? WHERE id = ?", "ii", did, *id) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "公开财务报表"));
	struct buf link;
	audit_snap_begin(&link);
	audit_snap_int(&link, "disclosure_id", did);
	audit_snap_end(&link);
	rc = link.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			 : audit_record(c, v.id, "finance_statement", *id, "disclose", "{}", link.ptr);
	buf_release(&link);
	return ctx_end(c, rc);
}

/* ---- exports ---- */

static lxw_format *money_format(struct xlsx *x)
{
	lxw_format *f = workbook_add_format(x->wb);
	format_set_num_format(f, "#,##0.00");
	return f;
}

enum result finance_export_entries(struct ctx *c, int64_t village_id, const char *from, const char *to,
				   struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	struct org_unit v;
	int rc = fin_village(c, village_id, "village_id", FIN_ANY_READ, &v);
	int64_t start, end;
	if (rc && rc != RC_INVALID)
		return rc;
	export_period_bounds(c, from, to, false, &start, &end);
	if ((rc = ctx_check_fields(c)))
		return rc;
	struct fin_query q = {.village_id = v.id, .limit = 1, .offset = 0};
	struct fin_entry *es;
	int n;
	int64_t total;
	if ((rc = finance_entries(c, &q, &es, &n, &total)))
		return rc;
	if (total > EXPORT_ROWS_MAX)
		return ctx_fail(c, RC_TOO_LARGE, "账目太多，请缩短期间");
	q.limit = (int)(total ? total : 1);
	if ((rc = finance_entries(c, &q, &es, &n, &total)))
		return rc;
	struct xlsx x;
	if ((rc = xlsx_open(c, &x, false)))
		return rc;
	lxw_format *money = money_format(&x);
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "账目");
	static const char *const cols[] = {"编号", "日期", "收支", "科目", "金额（元）", "对方单位或个人", "摘要",
					   "状态", "录入人", "审核人", "更正的账目", "更正理由", "凭证数", NULL};
	static const double widths[] = {8, 12, 6, 14, 14, 22, 40, 8, 10, 10, 10, 24, 8};
	xlsx_header_row(&x, ws, cols, widths);
	int row = 1;
	for (int i = n - 1; i >= 0; i--) {
		const struct fin_entry *e = &es[i];
		if ((from && from[0] && strcmp(e->occurred_on, from) < 0) || (to && to[0] && strcmp(e->occurred_on, to) > 0))
			continue;
		const char *st = !strcmp(e->status, "approved")   ? "已审核"
				 : !strcmp(e->status, "pending")  ? "待审核"
				 : !strcmp(e->status, "rejected") ? "已退回"
								  : "已撤回";
		worksheet_write_number(ws, row, 0, (double)e->id, x.num);
		worksheet_write_string(ws, row, 1, e->occurred_on, x.text);
		worksheet_write_string(ws, row, 2, !strcmp(e->kind, "income") ? "收入" : "支出", x.text);
		worksheet_write_string(ws, row, 3, e->category_name, x.text);
		worksheet_write_number(ws, row, 4, (double)e->amount / 100.0, money);
		worksheet_write_string(ws, row, 5, e->counterpart, x.text);
		worksheet_write_string(ws, row, 6, e->summary, x.text);
		worksheet_write_string(ws, row, 7, st, x.text);
		worksheet_write_string(ws, row, 8, e->entered_by_name, x.text);
		worksheet_write_string(ws, row, 9, e->approved_by_name, x.text);
		if (e->corrects_id)
			worksheet_write_number(ws, row, 10, (double)e->corrects_id, x.num);
		worksheet_write_string(ws, row, 11, e->reason, x.text);
		worksheet_write_number(ws, row, 12, e->nvouchers, x.num);
		row++;
	}
	char period[64];
	export_period_text(period, sizeof(period), from, to);
	const char *const lines[][2] = {{"村", v.name}, {"期间", period}, {"金额单位", "元"},
					{"说明", "每笔账目由一人录入、另一人审核；已公开月份的账目已封存，更正在以后月份录入"}};
	xlsx_info_sheet(&x, lines, ARRAY_SIZE(lines));
	char suffix[48];
	export_date_suffix(suffix, sizeof(suffix), from, to);
	snprintf(out->name, sizeof(out->name), "%s财务账目%s.xlsx", v.name, suffix);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "finance-entries-%lld.xlsx", (long long)v.id);
	return xlsx_finish(c, &x, out);
}

enum result finance_export_statements(struct ctx *c, int64_t village_id, int year, struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	struct org_unit v;
	int rc = fin_village(c, village_id, "village_id", FIN_ANY_READ, &v);
	if (rc)
		return rc;
	struct fin_statement *ss;
	int n;
	if ((rc = finance_statements(c, v.id, year, &ss, &n)))
		return rc;
	struct xlsx x;
	if ((rc = xlsx_open(c, &x, false)))
		return rc;
	lxw_format *money = money_format(&x);
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "月报");
	static const char *const cols[] = {"月份", "期初余额", "收入合计", "支出合计", "期末余额", "账目笔数", "公开时间", "公开人", NULL};
	static const double widths[] = {10, 16, 16, 16, 16, 10, 18, 10};
	xlsx_header_row(&x, ws, cols, widths);
	for (int i = n - 1, row = 1; i >= 0; i--, row++) {
		const struct fin_statement *s = &ss[i];
		char at[17];
		export_minute(s->published_at, at);
		worksheet_write_string(ws, row, 0, s->month, x.text);
		worksheet_write_number(ws, row, 1, (double)s->t.opening / 100.0, money);
		worksheet_write_number(ws, row, 2, (double)s->t.income / 100.0, money);
		worksheet_write_number(ws, row, 3, (double)s->t.expense / 100.0, money);
		worksheet_write_number(ws, row, 4, (double)s->t.closing / 100.0, money);
		worksheet_write_number(ws, row, 5, s->t.entries, x.num);
		worksheet_write_string(ws, row, 6, at, x.text);
		worksheet_write_string(ws, row, 7, s->published_by_name, x.text);
	}
	lxw_worksheet *ls = workbook_add_worksheet(x.wb, "分科目");
	static const char *const lcols[] = {"月份", "收支", "科目编码", "科目", "金额（元）", "笔数", NULL};
	static const double lwidths[] = {10, 6, 10, 16, 16, 8};
	xlsx_header_row(&x, ls, lcols, lwidths);
	int row = 1;
	for (int i = n - 1; i >= 0; i--)
		for (int k = 0; k < ss[i].t.nlines; k++) {
			const struct fin_line *l = &ss[i].t.lines[k];
			if (!l->entries)
				continue;
			worksheet_write_string(ls, row, 0, ss[i].month, x.text);
			worksheet_write_string(ls, row, 1, !strcmp(l->kind, "income") ? "收入" : "支出", x.text);
			worksheet_write_string(ls, row, 2, l->code, x.text);
			worksheet_write_string(ls, row, 3, l->name, x.text);
			worksheet_write_number(ls, row, 4, (double)l->amount / 100.0, money);
			worksheet_write_number(ls, row, 5, l->entries, x.num);
			row++;
		}
	char yt[16];
	snprintf(yt, sizeof(yt), year ? "%d 年" : "全部", year);
	const char *const lines[][2] = {{"村", v.name}, {"年度", yt}, {"金额单位", "元"},
					{"说明", "期末余额 = 期初余额 + 收入合计 − 支出合计；管理费用为其明细科目之和"}};
	xlsx_info_sheet(&x, lines, ARRAY_SIZE(lines));
	if (year)
		snprintf(out->name, sizeof(out->name), "%s财务月报_%d年.xlsx", v.name, year);
	else
		snprintf(out->name, sizeof(out->name), "%s财务月报.xlsx", v.name);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "finance-statements-%lld.xlsx", (long long)v.id);
	return xlsx_finish(c, &x, out);
}

enum result finance_verify(struct ctx *c, struct fin_verify_report *r)
{
	memset(r, 0, sizeof(*r));
	int64_t count = 0;
	if (db_get_int(c->db, &count, "SELECT count(*) FROM finance_statements", "") != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "财务报表校验");
	int64_t *ids = arena_alloc(c->arena, sizeof(*ids) * (size_t)(count ? count : 1));
	struct fin_statement *s = arena_alloc(c->arena, sizeof(*s));
	struct fin_totals *t = arena_alloc(c->arena, sizeof(*t));
	if (!ids || !s || !t)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT id FROM finance_statements ORDER BY village_id, month", "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "财务报表校验");
	int n = 0;
	while (n < count && db_step(st) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_finalize(st);
	for (int i = 0; i < n && !r->broken; i++) {
		if (!(st = db_query(c->db, "SELECT " S_COLS S_FROM "WHERE s.id = ?", "i", ids[i])))
			return ctx_db_fail(c, DB_ERROR, "财务报表校验");
		bool found = db_step(st) == DB_ROW;
		if (found)
			read_statement(c, st, s);
		db_finalize(st);
		if (!found)
			continue;
		int pending, rc = read_lines(c, s);
		if (!rc)
			rc = compute_month(c, s->village_id, s->month, t, &pending);
		if (rc)
			return rc;
		r->statements++;
		r->entries += t->entries;
		const char *what = s->t.opening != t->opening	? "期初余额"
				   : s->t.income != t->income	? "本月收入"
				   : s->t.expense != t->expense ? "本月支出"
				   : s->t.closing != t->closing ? "期末余额"
				   : s->t.entries != t->entries ? "账目笔数"
								: NULL;
		for (int k = 0; !what && k < t->nlines && k < s->t.nlines; k++)
			if (s->t.lines[k].amount != t->lines[k].amount || s->t.lines[k].entries != t->lines[k].entries)
				what = s->t.lines[k].name;
		if (what) {
			r->broken = true;
			r->village_id = s->village_id;
			str_copy(r->month, sizeof(r->month), s->month);
			snprintf(r->reason, sizeof(r->reason), "已公开的%s与账目合计不符", what);
		}
	}
	return RC_OK;
}
