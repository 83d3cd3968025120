/* Finance entries: entering, correcting, approving (the second person), returning and
 * withdrawing; reading with vouchers; the shop's stock-ins paid from 集体经济. */
#include "domain/finance/internal.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/scope.h"
#include "domain/shop/shop.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

/* ---- shared helpers (internal.h) ---- */

int fin_village(struct ctx *c, int64_t id, const char *field, perm_t perm, struct org_unit *v)
{
	int rc = org_find(c, id, v);
	if (rc == RC_NOT_FOUND)
		return ctx_field(c, field, "村不存在");
	if (rc)
		return rc;
	if (strcmp(v->kind, "village"))
		return ctx_field(c, field, "村级财务按村记账，请选择村");
	if (!access_can(c, perm, v->path)) {
		rc = access_refusal(c, v->path);
		return ctx_fail(c, rc, rc == RC_NOT_FOUND ? "村不存在" : "你没有%s财务的这项权限", v->name);
	}
	return RC_OK;
}

int fin_frozen_month(struct ctx *c, int64_t village_id, char month[8])
{
	month[0] = 0;
	struct db_stmt *st = db_query(c->db, "SELECT month FROM finance_statements WHERE village_id = ? "
					     "ORDER BY month DESC LIMIT 1", "i", village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取财务报表");
	if (db_step(st) == DB_ROW)
		str_copy(month, 8, db_col_text(st, 0));
	db_finalize(st);
	return RC_OK;
}

bool fin_date_frozen(const char *date, const char *frozen_month)
{
	return frozen_month && frozen_month[0] && date && strncmp(date, frozen_month, 7) <= 0;
}

int fin_chart(struct ctx *c, struct fin_category **out, int *n)
{
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * FIN_CATEGORIES_MAX);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT code, kind, name, COALESCE(parent, ''), sort FROM finance_categories "
					     "ORDER BY sort", "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取会计科目");
	while (*n < FIN_CATEGORIES_MAX && db_step(st) == DB_ROW) {
		struct fin_category *k = &(*out)[(*n)++];
		str_copy(k->code, sizeof(k->code), db_col_text(st, 0));
		str_copy(k->kind, sizeof(k->kind), db_col_text(st, 1));
		str_copy(k->name, sizeof(k->name), db_col_text(st, 2));
		str_copy(k->parent, sizeof(k->parent), db_col_text(st, 3));
		k->sort = (int)db_col_int(st, 4);
	}
	db_finalize(st);
	return RC_OK;
}

const struct fin_category *fin_chart_find(const struct fin_category *cats, int n, const char *code)
{
	for (int i = 0; code && i < n; i++)
		if (!strcmp(cats[i].code, code))
			return &cats[i];
	return NULL;
}

void fin_yuan(int64_t fen, char out[32])
{
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	char digits[24];
	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(a / 100));
	size_t len = strlen(digits), o = 0;
	if (fen < 0)
		out[o++] = '-';
	for (size_t i = 0; i < len && o < 26; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	snprintf(out + o, 32 - o, ".%02u", (unsigned)(a % 100));
}

int fin_lock_village(struct ctx *c, int64_t village_id)
{
	return ctx_lock_row(c, "SELECT id FROM org_units WHERE id = ? FOR UPDATE", village_id);
}

bool fin_month_valid(const char *s)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return false;
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	return m >= 1 && m <= 12 && strncmp(s, "2000", 4) >= 0 && strncmp(s, "2100", 4) <= 0;
}

int64_t fin_my_village(struct ctx *c)
{
	if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
		return 0;
	int64_t v = 0;
	if (db_get_int(c->db, &v, "SELECT village_id FROM households WHERE id = ?", "i", c->actor->household_id) != DB_OK)
		return 0;
	return v;
}

enum result finance_categories(struct ctx *c, struct fin_category **out, int *n)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	return fin_chart(c, out, n);
}

/* ---- reading ---- */

#define E_COLS                                                                                                \
	"e.id, e.village_id, v.name, e.kind, e.category, k.name, e.amount, e.occurred_on, e.counterpart, "     \
	"e.summary, e.reason, e.vouchers, e.status, COALESCE(e.corrects_id, 0), COALESCE(e.shop_move_id, 0), " \
	"e.entered_by, e.entered_at, e.updated_at, COALESCE(e.approved_by, 0), COALESCE(e.approved_at, 0), "   \
	"COALESCE(e.withdrawn_at, 0), COALESCE(eu.name, ''), COALESCE(au.name, ''), COALESCE(ru.name, ''), "   \
	"COALESCE(e.reject_reason, ''), COALESCE(wu.name, ''), COALESCE(e.withdraw_reason, ''), "             \
	"(SELECT max(x.id) FROM finance_entries x WHERE x.corrects_id = e.id AND x.status <> 'withdrawn') "
#define E_FROM                                                                                      \
	"FROM finance_entries e JOIN org_units v ON v.id = e.village_id "                           \
	"JOIN finance_categories k ON k.code = e.category LEFT JOIN users eu ON eu.id = e.entered_by " \
	"LEFT JOIN users au ON au.id = e.approved_by LEFT JOIN users ru ON ru.id = e.rejected_by "    \
	"LEFT JOIN users wu ON wu.id = e.withdrawn_by "

static const char *dup(struct ctx *c, struct db_stmt *st, int col)
{
	return arena_strdup(c->arena, db_col_text(st, col));
}

static void read_entry(struct ctx *c, struct db_stmt *st, struct fin_entry *e, const char *vpath, const char *frozen)
{
	memset(e, 0, sizeof(*e));
	e->id = db_col_int(st, 0);
	e->village_id = db_col_int(st, 1);
	str_copy(e->village_name, sizeof(e->village_name), db_col_text(st, 2));
	str_copy(e->kind, sizeof(e->kind), db_col_text(st, 3));
	str_copy(e->category, sizeof(e->category), db_col_text(st, 4));
	e->category_name = dup(c, st, 5);
	e->amount = db_col_int(st, 6);
	str_copy(e->occurred_on, sizeof(e->occurred_on), db_col_text(st, 7));
	e->counterpart = dup(c, st, 8);
	e->summary = dup(c, st, 9);
	e->reason = dup(c, st, 10);
	const char *v = db_col_text(st, 11);
	while (v && *v && e->nvouchers < FIN_VOUCHERS_MAX) {
		const char *comma = strchr(v, ',');
		size_t len = comma ? (size_t)(comma - v) : strlen(v);
		if (len == FILES_HASH_LEN) {
			memcpy(e->vouchers[e->nvouchers], v, len);
			e->vouchers[e->nvouchers++][len] = 0;
		}
		v = comma ? comma + 1 : NULL;
	}
	e->status = dup(c, st, 12);
	e->corrects_id = db_col_int(st, 13);
	e->shop_move_id = db_col_int(st, 14);
	e->entered_by = db_col_int(st, 15);
	e->entered_at = db_col_int(st, 16);
	e->updated_at = db_col_int(st, 17);
	e->approved_by = db_col_int(st, 18);
	e->approved_at = db_col_int(st, 19);
	e->withdrawn_at = db_col_int(st, 20);
	e->entered_by_name = dup(c, st, 21);
	e->approved_by_name = dup(c, st, 22);
	e->rejected_by_name = dup(c, st, 23);
	e->reject_reason = dup(c, st, 24);
	e->withdrawn_by_name = dup(c, st, 25);
	e->withdraw_reason = dup(c, st, 26);
	e->corrected_by_id = db_col_null(st, 27) ? 0 : db_col_int(st, 27);
	e->frozen = fin_date_frozen(e->occurred_on, frozen);
	bool open = !strcmp(e->status, "pending") || !strcmp(e->status, "rejected");
	e->can_edit = open && !e->shop_move_id && access_can(c, P_FINANCE_ENTER, vpath);
	e->can_approve = !strcmp(e->status, "pending") && access_can(c, P_FINANCE_APPROVE, vpath) &&
			 (c->system || (c->actor && c->actor->user_id != e->entered_by));
}

/* Loads an entry for a reader: 404 outside every finance grant. */
static int load_entry(struct ctx *c, int64_t id, struct fin_entry *e, struct org_unit *v)
{
	struct db_stmt *st = db_query(c->db, "SELECT " E_COLS E_FROM "WHERE e.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取账目");
	int64_t village = 0;
	if (db_step(st) == DB_ROW)
		village = db_col_int(st, 1);
	int rc = village ? org_get(c, village, v) : RC_NOT_FOUND;
	if (rc || !access_can(c, FIN_ANY_READ, v->path)) {
		db_finalize(st);
		return ctx_fail(c, RC_NOT_FOUND, "账目不存在");
	}
	char frozen[8];
	if ((rc = fin_frozen_month(c, village, frozen))) {
		db_finalize(st);
		return rc;
	}
	read_entry(c, st, e, v->path, frozen);
	db_finalize(st);
	return RC_OK;
}

enum result finance_entry_get(struct ctx *c, int64_t id, struct fin_entry *out)
{
	struct org_unit v;
	return load_entry(c, id, out, &v);
}

enum result finance_voucher(struct ctx *c, int64_t id, int n, char mime[16], const void **data, size_t *len)
{
	struct fin_entry e;
	int rc = finance_entry_get(c, id, &e);
	if (rc)
		return rc;
	if (n < 1 || n > e.nvouchers)
		return ctx_fail(c, RC_NOT_FOUND, "凭证不存在");
	struct file_info f;
	if ((rc = files_read(c, e.vouchers[n - 1], &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}

enum result finance_entries(struct ctx *c, const struct fin_query *q, struct fin_entry **out, int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct org_unit v;
	int rc = fin_village(c, q->village_id, "village_id", FIN_ANY_READ, &v);
	if (rc)
		return rc;
	static const char *const statuses[] = {"pending", "approved", "rejected", "withdrawn", "open"};
	bool status_ok = !q->status || !q->status[0];
	for (size_t i = 0; i < ARRAY_SIZE(statuses) && !status_ok; i++)
		status_ok = !strcmp(q->status, statuses[i]);
	if (!status_ok)
		ctx_field(c, "status", "状态应为 pending、approved、rejected、withdrawn 或 open");
	if (q->kind && q->kind[0] && strcmp(q->kind, "income") && strcmp(q->kind, "expense"))
		ctx_field(c, "kind", "收支应为 income（收入）或 expense（支出）");
	if (q->month && q->month[0] && !fin_month_valid(q->month))
		ctx_field(c, "month", "月份格式应为 2026-10");
	if ((rc = ctx_check_fields(c)))
		return rc;
	char frozen[8];
	if ((rc = fin_frozen_month(c, v.id, frozen)))
		return rc;
	struct buf where;
	buf_init(&where, 4096);
	struct db_args a = {0};
	buf_adds(&where, "WHERE e.village_id = ? AND ");
	db_args_int(&a, v.id);
	const char *paths[1] = {v.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &where, &a);
	if (q->month && q->month[0]) {
		/* a range of the (village, date) index; the arguments live in request memory */
		char first[11], last[11];
		snprintf(first, sizeof(first), "%s-01", q->month);
		snprintf(last, sizeof(last), "%s-31", q->month);
		buf_adds(&where, " AND e.occurred_on BETWEEN ? AND ?");
		db_args_text(&a, arena_strdup(c->arena, first));
		db_args_text(&a, arena_strdup(c->arena, last));
	}
	if (q->kind && q->kind[0]) {
		buf_adds(&where, " AND e.kind = ?");
		db_args_text(&a, q->kind);
	}
	if (q->status && !strcmp(q->status, "open")) {
		buf_adds(&where, " AND e.status IN ('pending', 'rejected')");
	} else if (q->status && q->status[0]) {
		buf_adds(&where, " AND e.status = ?");
		db_args_text(&a, q->status);
	}
	struct buf sql;
	buf_init(&sql, 8192);
	buf_addf(&sql, "SELECT count(*) " E_FROM "%s", where.ptr ? where.ptr : "");
	if (where.failed || sql.failed || db_get_int_args(c->db, total, sql.ptr, &a) != DB_OK) {
		buf_release(&where);
		buf_release(&sql);
		return ctx_db_fail(c, DB_ERROR, "读取账目");
	}
	buf_reset(&sql);
	buf_addf(&sql, "SELECT " E_COLS E_FROM "%s ORDER BY e.occurred_on DESC, e.id DESC LIMIT ? OFFSET ?", where.ptr);
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	buf_release(&where);
	struct db_stmt *st = sql.failed ? NULL : db_query_args(c->db, sql.ptr, &a);
	buf_release(&sql);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取账目");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(q->limit > 0 ? q->limit : 1));
	if (!*out) {
		db_finalize(st);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	while (*n < q->limit && db_step(st) == DB_ROW)
		read_entry(c, st, &(*out)[(*n)++], v.path, frozen);
	db_finalize(st);
	return RC_OK;
}

/* ---- checks ---- */

static void check_vouchers(struct ctx *c, const struct fin_entry_input *in)
{
	if (in->nvouchers < 0)
		return;
	if (in->nvouchers > FIN_VOUCHERS_MAX) {
		ctx_field(c, "vouchers", "最多 %d 张凭证", FIN_VOUCHERS_MAX);
		return;
	}
	for (int i = 0; i < in->nvouchers; i++) {
		struct file_info f;
		bool ok = files_hash_valid(in->vouchers[i]) && files_info(c, in->vouchers[i], &f) == RC_OK &&
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, "vouchers", "第 %d 张凭证不存在或不是你上传的，请重新上传", i + 1);
			return;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(in->vouchers[i], in->vouchers[j])) {
				ctx_field(c, "vouchers", "第 %d 张凭证与第 %d 张重复", i + 1, j + 1);
				return;
			}
	}
}

/* Checks the fields of an entry (create: all required; update: those given, merged
 * over the entry e). Fills the effective kind and category. */
static void check_entry(struct ctx *c, const struct fin_entry_input *in, const struct fin_entry *old, bool correction)
{
	const char *kind = in->kind ? in->kind : old ? old->kind : NULL;
	bool kind_ok = kind && (!strcmp(kind, "income") || !strcmp(kind, "expense"));
	if (!kind_ok)
		ctx_field(c, "kind", "收支应为 income（收入）或 expense（支出）");
	struct fin_category *cats;
	int ncats;
	if (fin_chart(c, &cats, &ncats))
		return;
	const char *cat = in->category ? in->category : old ? old->category : NULL;
	const struct fin_category *k = fin_chart_find(cats, ncats, cat);
	if (!cat || !cat[0])
		ctx_field(c, "category", "请选择会计科目");
	else if (!k)
		ctx_field(c, "category", "会计科目不存在");
	else if (kind_ok && strcmp(k->kind, kind))
		ctx_field(c, "category", "「%s」是%s科目，与收支类别不符", k->name, !strcmp(k->kind, "income") ? "收入" : "支出");
	else
		for (int i = 0; i < ncats; i++)
			if (!strcmp(cats[i].parent, k->code)) {
				ctx_field(c, "category", "「%s」下有明细科目，请选择明细科目（如「%s」）", k->name, cats[i].name);
				break;
			}
	if (in->has_amount || !old) {
		if (!in->has_amount)
			ctx_field(c, "amount", "请填写金额（分）");
		else if (correction ? (in->amount == 0 || in->amount > FIN_AMOUNT_MAX || in->amount < -FIN_AMOUNT_MAX)
				    : (in->amount < 1 || in->amount > FIN_AMOUNT_MAX))
			ctx_field(c, "amount", correction ? "更正金额不能为 0，绝对值最多 %lld 分（冲减填负数）"
							  : "金额应在 1 到 %lld 分之间",
				  (long long)FIN_AMOUNT_MAX);
	}
	if (in->occurred_on || !old) {
		int64_t day;
		if (!in->occurred_on || !in->occurred_on[0])
			ctx_field(c, "occurred_on", "请填写发生日期");
		else if (time_parse_date(in->occurred_on, &day))
			ctx_field(c, "occurred_on", "日期格式应为 2026-10-15");
		else if (day > time_cn_days(c->now))
			ctx_field(c, "occurred_on", "发生日期不能晚于今天");
		else if (day < time_cn_days(c->now) - 3660)
			ctx_field(c, "occurred_on", "发生日期太早（最多十年前）");
	}
	if (in->counterpart || !old)
		ctx_check_text(c, "counterpart", in->counterpart, FIN_COUNTERPART_MAX, CTX_TEXT_REQUIRED, "对方单位或个人");
	if (in->summary || !old)
		ctx_check_text(c, "summary", in->summary, FIN_SUMMARY_MAX, CTX_TEXT_REQUIRED, "摘要");
	check_vouchers(c, in);
}

static char *join_vouchers(struct ctx *c, const char *const *v, int n)
{
	struct buf b;
	buf_init(&b, (FILES_HASH_LEN + 1) * FIN_VOUCHERS_MAX + 1);
	buf_adds(&b, "");
	for (int i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, ',');
		buf_adds(&b, v[i]);
	}
	char *s = b.failed ? NULL : arena_strdup(c->arena, b.ptr ? b.ptr : "");
	buf_release(&b);
	return s;
}

static void snap_entry(struct buf *b, const char *status, const char *kind, const char *category, int64_t amount,
		       const char *date, const char *counterpart, const char *summary, const char *vouchers)
{
	audit_snap_begin(b);
	audit_snap_str(b, "status", status);
	audit_snap_str(b, "kind", kind);
	audit_snap_str(b, "category", category);
	audit_snap_int(b, "amount", amount);
	audit_snap_str(b, "occurred_on", date);
	audit_snap_str(b, "counterpart", counterpart);
	audit_snap_str(b, "summary", summary);
	audit_snap_str(b, "vouchers", vouchers);
}

static int audit_entry(struct ctx *c, int64_t village, int64_t id, const char *action, struct buf *before,
		       struct buf *after)
{
	if (before)
		audit_snap_end(before);
	audit_snap_end(after);
	int rc = (before && before->failed) || after->failed
			 ? ctx_fail(c, RC_INTERNAL, "内存不足")
			 : audit_record(c, village, "finance_entry", id, action, before ? before->ptr : "{}", after->ptr);
	if (before)
		buf_release(before);
	buf_release(after);
	return rc;
}

static int refuse_frozen(struct ctx *c, const char *date, const char *frozen)
{
	return ctx_fail(c, RC_CONFLICT,
			"%.7s 的财务报表已公开，该月账目已封存，不能再录入或修改日期在 %s 及以前的账目；"
			"如需更正，请在下个月录入一笔更正账目，注明所更正的账目和理由",
			date, frozen);
}

/* ---- changes ---- */

enum result finance_entry_create(struct ctx *c, const struct fin_entry_input *in, int64_t *id, bool *replayed)
{
	*id = 0;
	*replayed = false;
	struct org_unit v = {0};
	int rc = fin_village(c, in->village_id, "village_id", P_FINANCE_ENTER, &v);
	if (rc && rc != RC_INVALID)
		return rc;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	bool correction = in->corrects_id != 0;
	check_entry(c, in, NULL, correction);
	if (correction)
		ctx_check_text(c, "reason", in->reason, FIN_REASON_MAX, CTX_TEXT_REQUIRED, "更正理由");
	struct fin_entry orig;
	if (correction && v.id) {
		struct org_unit ov;
		if (load_entry(c, in->corrects_id, &orig, &ov) || orig.village_id != v.id) {
			ctx_clear(c);
			ctx_field(c, "corrects_id", "被更正的账目不存在（须是本村的账目）");
		} else if (strcmp(orig.status, "approved")) {
			ctx_field(c, "corrects_id", "只能更正已审核的账目；未审核的账目请直接修改或撤回");
		} else if (in->kind && strcmp(in->kind, orig.kind)) {
			ctx_field(c, "kind", "更正账目的收支类别须与被更正的账目相同（%s）",
				  !strcmp(orig.kind, "income") ? "收入" : "支出");
		}
	}
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "finance_entry", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		ctx_reset(c);
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	if ((rc = ctx_check_fields(c)) || (rc = fin_lock_village(c, v.id)))
		return ctx_end(c, rc);
	char frozen[8];
	if ((rc = fin_frozen_month(c, v.id, frozen)))
		return ctx_end(c, rc);
	if (fin_date_frozen(in->occurred_on, frozen))
		return ctx_end(c, refuse_frozen(c, in->occurred_on, frozen));
	char *vouchers = join_vouchers(c, in->vouchers, in->nvouchers > 0 ? in->nvouchers : 0);
	if (!vouchers)
		return ctx_end(c, ctx_fail(c, RC_INTERNAL, "内存不足"));
	struct db_args a = {0};
	db_args_int(&a, v.id);
	db_args_text(&a, in->kind);
	db_args_text(&a, in->category);
	db_args_int(&a, in->amount);
	db_args_text(&a, in->occurred_on);
	db_args_text(&a, in->counterpart);
	db_args_text(&a, in->summary);
	db_args_text(&a, vouchers);
	if (correction)
		db_args_int(&a, in->corrects_id);
	else
		db_args_null(&a);
	db_args_text(&a, correction ? in->reason : "");
	db_args_int(&a, ctx_actor_id(c));
	db_args_int(&a, c->now);
	db_args_int(&a, c->now);
	int dbrc = db_get_int_args(c->db, id,
				   "INSERT INTO finance_entries (village_id, kind, category, amount, occurred_on, counterpart, "
				   "summary, vouchers, corrects_id, reason, entered_by, entered_at, updated_at) "
				   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				   &a);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "录入账目"));
	struct buf after;
	snap_entry(&after, "pending", in->kind, in->category, in->amount, in->occurred_on, in->counterpart, in->summary,
		   vouchers);
	if (correction) {
		audit_snap_int(&after, "corrects_id", in->corrects_id);
		audit_snap_str(&after, "reason", in->reason);
	}
	rc = audit_entry(c, v.id, *id, "enter", NULL, &after);
	if (!rc) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)*id);
		rc = idem_store(c, "finance_entry", in->idem, key);
	}
	return ctx_end(c, rc);
}

/* Loads an entry for a change needing perm: 404 / 403 as the rule says. */
static int load_for_change(struct ctx *c, int64_t id, perm_t perm, struct fin_entry *e, struct org_unit *v,
			   const char *what)
{
	int rc = load_entry(c, id, e, v);
	if (rc)
		return rc;
	if (!access_can(c, perm, v->path))
		return ctx_fail(c, RC_FORBIDDEN, "你没有%s%s账目的权限", v->name, what);
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	return RC_OK;
}

static int check_open(struct ctx *c, const struct fin_entry *e, const char *what)
{
	if (e->shop_move_id)
		return ctx_fail(c, RC_CONFLICT, "这笔账目来自积分超市的入库（集体经济出资），不能%s；如有差错，请审核后在以后月份录入更正账目", what);
	if (strcmp(e->status, "pending") && strcmp(e->status, "rejected"))
		return ctx_fail(c, RC_CONFLICT, "%s的账目不能再%s；如有差错，请录入一笔更正账目并注明理由",
				!strcmp(e->status, "approved") ? "已审核" : "已撤回", what);
	return RC_OK;
}

/* finance_entry_update inside its transaction: the entry read there, so that the fields
 * the request leaves alone are written back as they are, not as they were before a
 * change made while it waited for its turn */
static enum result update_in(struct ctx *c, int64_t id, const struct fin_entry_input *in)
{
	struct fin_entry e;
	struct org_unit v;
	int rc = ctx_lock_row(c, "SELECT id FROM finance_entries WHERE id = ? FOR UPDATE", id);
	if (rc || (rc = load_for_change(c, id, P_FINANCE_ENTER, &e, &v, "修改")))
		return rc;
	if ((rc = check_open(c, &e, "修改")))
		return rc;
	check_entry(c, in, &e, e.corrects_id != 0);
	if (in->reason && e.corrects_id)
		ctx_check_text(c, "reason", in->reason, FIN_REASON_MAX, CTX_TEXT_REQUIRED, "更正理由");
	if ((rc = ctx_check_fields(c)))
		return rc;
	const char *kind = in->kind ? in->kind : e.kind;
	if (e.corrects_id && strcmp(kind, e.kind))
		return ctx_field(c, "kind", "更正账目的收支类别须与被更正的账目相同");
	const char *category = in->category ? in->category : e.category;
	int64_t amount = in->has_amount ? in->amount : e.amount;
	const char *date = in->occurred_on ? in->occurred_on : e.occurred_on;
	const char *counterpart = in->counterpart ? in->counterpart : e.counterpart;
	const char *summary = in->summary ? in->summary : e.summary;
	const char *reason = in->reason && e.corrects_id ? in->reason : e.reason;
	const char *old_list[FIN_VOUCHERS_MAX];
	for (int i = 0; i < e.nvouchers; i++)
		old_list[i] = e.vouchers[i];
	char *old_v = join_vouchers(c, old_list, e.nvouchers);
	char *vouchers = in->nvouchers >= 0 ? join_vouchers(c, in->vouchers, in->nvouchers) : old_v;
	if (!old_v || !vouchers)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if (!strcmp(kind, e.kind) && !strcmp(category, e.category) && amount == e.amount && !strcmp(date, e.occurred_on) &&
	    !strcmp(counterpart, e.counterpart) && !strcmp(summary, e.summary) && !strcmp(vouchers, old_v) &&
	    !strcmp(reason, e.reason) && !strcmp(e.status, "pending"))
		return ctx_fail(c, RC_INVALID, "没有修改任何内容");
	char frozen[8];
	if ((rc = fin_lock_village(c, v.id)) || (rc = fin_frozen_month(c, v.id, frozen)))
		return rc;
	if (fin_date_frozen(date, frozen))
		return refuse_frozen(c, date, frozen);
	int dbrc = db_run(c->db,
			  "UPDATE finance_entries SET kind = ?, category = ?, amount = ?, occurred_on = ?, counterpart = ?, "
			  "summary = ?, vouchers = ?, reason = ?, status = 'pending', rejected_by = NULL, reject_reason = NULL, "
			  "updated_at = ? WHERE id = ? AND status IN ('pending', 'rejected')",
			  "ttitttttii", kind, category, amount, date, counterpart, summary, vouchers, reason, c->now, id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "修改账目");
	struct buf before, after;
	snap_entry(&before, e.status, e.kind, e.category, e.amount, e.occurred_on, e.counterpart, e.summary, old_v);
	snap_entry(&after, "pending", kind, category, amount, date, counterpart, summary, vouchers);
	return audit_entry(c, v.id, id, "correct", &before, &after);
}

enum result finance_entry_update(struct ctx *c, int64_t id, const struct fin_entry_input *in)
{
	enum result rc = ctx_begin(c);
	return rc ? rc : ctx_end(c, update_in(c, id, in));
}

static int decide(struct ctx *c, int64_t id, bool approve, const char *reason)
{
	struct fin_entry e;
	struct org_unit v;
	int rc = load_for_change(c, id, P_FINANCE_APPROVE, &e, &v, "审核");
	if (rc)
		return rc;
	if (c->actor && c->actor->user_id == e.entered_by)
		return ctx_fail(c, RC_FORBIDDEN, "不能审核自己录入的账目，须由另一位干部审核");
	if (strcmp(e.status, "pending"))
		return ctx_fail(c, RC_CONFLICT, "这笔账目%s，不在待审核状态",
				!strcmp(e.status, "approved")   ? "已审核"
				: !strcmp(e.status, "rejected") ? "已退回"
								: "已撤回");
	if (!approve && e.shop_move_id)
		return ctx_fail(c, RC_CONFLICT, "积分超市入库生成的账目不能退回（钱已随入库支出）；如有差错，请审核后在以后月份录入更正账目");
	if (!approve) {
		ctx_check_text(c, "reason", reason, FIN_REASON_MAX, CTX_TEXT_REQUIRED, "退回理由");
		if ((rc = ctx_check_fields(c)))
			return rc;
	}
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t actor = ctx_actor_id(c);
	int dbrc = approve ? db_run(c->db,
				    "UPDATE finance_entries SET status = 'approved', approved_by = ?, approved_at = ?, "
				    "updated_at = ? WHERE id = ? AND status = 'pending'",
				    "iiii", actor, c->now, c->now, id)
			   : db_run(c->db,
				    "UPDATE finance_entries SET status = 'rejected', rejected_by = ?, reject_reason = ?, "
				    "updated_at = ? WHERE id = ? AND status = 'pending'",
				    "itii", actor, reason, c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "审核账目"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "status", "pending");
	audit_snap_begin(&after);
	audit_snap_str(&after, "status", approve ? "approved" : "rejected");
	audit_snap_int(&after, "amount", e.amount);
	if (!approve)
		audit_snap_str(&after, "reason", reason);
	return ctx_end(c, audit_entry(c, v.id, id, approve ? "approve" : "reject", &before, &after));
}

enum result finance_entry_approve(struct ctx *c, int64_t id)
{
	return decide(c, id, true, NULL);
}

enum result finance_entry_reject(struct ctx *c, int64_t id, const char *reason)
{
	return decide(c, id, false, reason);
}

enum result finance_entry_withdraw(struct ctx *c, int64_t id, const char *reason)
{
	struct fin_entry e;
	struct org_unit v;
	int rc = load_for_change(c, id, P_FINANCE_ENTER, &e, &v, "撤回");
	if (rc)
		return rc;
	if ((rc = check_open(c, &e, "撤回")))
		return rc;
	ctx_check_text(c, "reason", reason, FIN_REASON_MAX, CTX_TEXT_REQUIRED, "撤回理由");
	if ((rc = ctx_check_fields(c)))
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db,
			  "UPDATE finance_entries SET status = 'withdrawn', withdrawn_by = ?, withdrawn_at = ?, "
			  "withdraw_reason = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'rejected')",
			  "iitii", ctx_actor_id(c), c->now, reason, c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "撤回账目"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "status", e.status);
	audit_snap_begin(&after);
	audit_snap_str(&after, "status", "withdrawn");
	audit_snap_str(&after, "reason", reason);
	return ctx_end(c, audit_entry(c, v.id, id, "withdraw", &before, &after));
}

/* ---- the shop's stock-ins ---- */

/* Inside a transaction holding the village's lock: the stock-in x as a pending expense
 * entry of the village, audited (nothing for a stock-in at no cost). RC_CONFLICT when it
 * is entered already (the movement is unique among entries). */
static enum result enter_stock_in(struct ctx *c, int64_t village_id, const struct shop_collective_in *x, bool *added)
{
	*added = false;
	int64_t amount = x->quantity * x->unit_cost;
	if (amount <= 0)
		return RC_OK;   /* a donation in kind at no cost moves no money */
	char date[11], summary[FIN_SUMMARY_MAX * 4 + 1], counterpart[FIN_COUNTERPART_MAX * 4 + 1];
	time_format_date(x->at, date);
	char s[512];
	snprintf(s, sizeof(s), "积分超市「%s」入库：%s %lld%s（集体经济出资）", x->shop_name, x->goods_name,
		 (long long)x->quantity, x->unit);
	utf8_prefix(summary, sizeof(summary), s, FIN_SUMMARY_MAX);
	utf8_prefix(counterpart, sizeof(counterpart), x->supplier[0] ? x->supplier : "供货商", FIN_COUNTERPART_MAX);
	int64_t by = x->actor_id ? x->actor_id : ctx_actor_id(c);
	int64_t id;
	int dbrc = db_get_int(c->db, &id,
			      "INSERT INTO finance_entries (village_id, kind, category, amount, occurred_on, "
			      "counterpart, summary, vouchers, shop_move_id, entered_by, entered_at, updated_at) "
			      "VALUES (?, 'expense', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "itittttiiii", village_id, FIN_SHOP_CATEGORY, amount, date, counterpart, summary,
			      x->photo_hash, x->move_id, by, c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "记录超市入库账目");
	struct buf after;
	snap_entry(&after, "pending", "expense", FIN_SHOP_CATEGORY, amount, date, counterpart, summary, x->photo_hash);
	audit_snap_int(&after, "shop_move_id", x->move_id);
	int rc = audit_entry(c, village_id, id, "enter_from_shop", NULL, &after);
	*added = !rc;
	return rc;
}

int finance_shop_stock_in(struct ctx *c, int64_t move_id, void *arg)
{
	(void)arg;
	struct shop_collective_in x;
	int64_t unit_id;
	bool found, added;
	int rc = shop_collective_stock_in(c, move_id, &unit_id, &x, &found);
	if (rc || !found)
		return rc;
	struct org_unit u;
	if ((rc = org_get(c, unit_id, &u)))
		return rc;
	if (strcmp(u.kind, "village"))
		return RC_OK;   /* the accounts are a village's: a town's shop books none */
	if ((rc = fin_lock_village(c, unit_id)))
		return rc;
	return enter_stock_in(c, unit_id, &x, &added);
}

enum result finance_sync_shop(struct ctx *c, int64_t village_id, int *added)
{
	*added = 0;
	struct shop_collective_in *ins;
	int n;
	int rc = shop_collective_stock_ins(c, village_id, c->now, &ins, &n);
	if (rc || !n)
		return rc;
	int64_t missing = 0;
	if (db_get_int(c->db, &missing,
		       "SELECT count(*) FROM finance_entries WHERE village_id = ? AND shop_move_id IS NOT NULL", "i",
		       village_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取账目");
	if (missing >= n)
		return RC_OK;
	if ((rc = ctx_begin(c)))
		return rc;
	if ((rc = fin_lock_village(c, village_id)))
		return ctx_end(c, rc);
	for (int i = 0; i < n && !rc; i++) {
		int64_t have = 0;
		if (db_get_int(c->db, &have, "SELECT count(*) FROM finance_entries WHERE shop_move_id = ?", "i",
			       ins[i].move_id) != DB_OK) {
			rc = ctx_db_fail(c, DB_ERROR, "读取账目");
			break;
		}
		if (have)
			continue;
		bool one;
		rc = enter_stock_in(c, village_id, &ins[i], &one);
		if (rc == RC_CONFLICT) {
			/* another request brought it in at the same moment: it is there once */
			ctx_end(c, RC_CONFLICT);
			ctx_reset(c);
			return RC_OK;
		}
		*added += one;
	}
	return ctx_end(c, rc);
}
