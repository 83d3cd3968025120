/* The points shop (积分超市): shops and the villages they serve, and their opening
 * windows. Goods and every change of stock are in goods.c; the stock ledger and reports
 * in shop_report.c, their exports in shop_export.c, the valuation they share and the
 * invariant check in shop_books.c. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/kernel/scope.h"
#include "domain/shop/shop_internal.h"
#include "util/buf.h"
#include "util/timeutil.h"

/* Who reads a shop as staff: its clerks and administrators, and oversight in scope. */
#define READ_PERMS (P_SHOP_ADMIN | P_SHOP_COUNTER | P_REGISTER_READ | P_AUDIT_READ)
#define DEFAULT_RETURN_DAYS 7
#define DEFAULT_PREORDER_HOURS 72

/* ------------------------------------------------------------------ helpers */

/* The village of the actor's household when the actor is a villager, else 0. */
static int64_t villager_village(struct ctx *c)
{
	if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
		return 0;
	int64_t v = 0;
	if (db_get_int(c->db, &v, "SELECT village_id FROM households WHERE id = ?", "i", c->actor->household_id) !=
	    DB_OK)
		return 0;
	return v;
}

/* The villages a shop serves, by id, in request memory. */
static int load_villages(struct ctx *c, int64_t shop_id, struct shop_village **out, char (**paths)[ORG_PATH_MAX], int *n)
{
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * SHOP_VILLAGES_MAX);
	*paths = arena_alloc(c->arena, sizeof(**paths) * SHOP_VILLAGES_MAX);
	if (!*out || !*paths)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT v.id, v.name, v.path FROM shop_villages sv "
					     "JOIN org_units v ON v.id = sv.village_id WHERE sv.shop_id = ? ORDER BY v.id",
				      "i", shop_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取积分超市");
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW && *n < SHOP_VILLAGES_MAX) {
		(*out)[*n].id = db_col_int(st, 0);
		str_copy((*out)[*n].name, sizeof((*out)[*n].name), db_col_text(st, 1));
		str_copy((*paths)[*n], ORG_PATH_MAX, db_col_text(st, 2));
		(*n)++;
	}
	db_finalize(st);
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取积分超市");
}

/* True when the actor holds perm on the shop's unit or on a village it serves. */
static bool can_in_scope(struct ctx *c, const struct shop *s, perm_t perm)
{
	if (access_can(c, perm, s->unit_path))
		return true;
	struct shop_village *v;
	char(*paths)[ORG_PATH_MAX];
	int n;
	if (load_villages(c, s->id, &v, &paths, &n))
		return false;
	for (int i = 0; i < n; i++)
		if (access_can(c, perm, paths[i]))
			return true;
	return false;
}

static bool is_staff(struct ctx *c, const struct shop *s)
{
	return can_in_scope(c, s, READ_PERMS);
}

/* Staff, or a villager of a village the shop serves. */
bool shop_can_read(struct ctx *c, const struct shop *s, bool *staff)
{
	*staff = is_staff(c, s);
	if (*staff)
		return true;
	int64_t v = villager_village(c);
	return v && shop_serves(c, s, v);
}

enum result shop_refusal(struct ctx *c, const struct shop *s, const char *before, const char *after)
{
	bool staff;
	if (!shop_can_read(c, s, &staff))
		return ctx_fail(c, RC_NOT_FOUND, "积分超市不存在");
	return ctx_fail(c, RC_FORBIDDEN, "%s「%s」%s", before, s->name, after);
}

/* Loads a shop for a change that needs P_SHOP_ADMIN: not found for those who may not
 * read it, forbidden for readers. */
int shop_load_for_admin(struct ctx *c, int64_t id, struct shop *s, const char *what)
{
	int rc = shop_get(c, id, s);
	if (rc)
		return rc;
	if (shop_can(c, s, P_SHOP_ADMIN))
		return RC_OK;
	bool staff;
	if (!shop_can_read(c, s, &staff))
		return ctx_fail(c, RC_NOT_FOUND, "积分超市不存在");
	return ctx_fail(c, RC_FORBIDDEN, "只有「%s」的管理员可以%s", s->name, what);
}

static void snap_shop(struct buf *b, const struct shop *s)
{
	audit_snap_begin(b);
	audit_snap_str(b, "name", s->name);
	audit_snap_str(b, "window_mode", s->window_mode);
	audit_snap_int(b, "return_days", s->return_days);
	audit_snap_int(b, "preorder_hours", s->preorder_hours);
}

/* ------------------------------------------------------------------ shops */

#define SHOP_COLS                                                                                  \
	"s.id, s.unit_id, u.kind, u.path, s.name, s.window_mode, s.return_days, s.preorder_hours, "   \
	"u.name, s.created_at, s.updated_at "

static void read_shop(struct db_stmt *st, struct shop *s)
{
	memset(s, 0, sizeof(*s));
	s->id = db_col_int(st, 0);
	s->unit_id = db_col_int(st, 1);
	str_copy(s->unit_kind, sizeof(s->unit_kind), db_col_text(st, 2));
	str_copy(s->unit_path, sizeof(s->unit_path), db_col_text(st, 3));
	str_copy(s->name, sizeof(s->name), db_col_text(st, 4));
	str_copy(s->window_mode, sizeof(s->window_mode), db_col_text(st, 5));
	s->return_days = (int)db_col_int(st, 6);
	s->preorder_hours = (int)db_col_int(st, 7);
}

enum result shop_get(struct ctx *c, int64_t id, struct shop *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_query(c->db, "SELECT " SHOP_COLS "FROM shops s JOIN org_units u ON u.id = s.unit_id "
					     "WHERE s.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取积分超市");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_shop(st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "积分超市不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取积分超市");
}

bool shop_can(const struct ctx *c, const struct shop *s, perm_t perm)
{
	return access_can(c, perm, s->unit_path);
}

bool shop_serves(struct ctx *c, const struct shop *s, int64_t village_id)
{
	int64_t n = 0;
	return village_id &&
	       db_get_int(c->db, &n, "SELECT count(*) FROM shop_villages WHERE shop_id = ? AND village_id = ?", "ii",
			  s->id, village_id) == DB_OK &&
	       n > 0;
}

/* The window open at now, or else the next one: *open tells which; RC_NOT_FOUND when
 * neither exists. */
static int window_at(struct ctx *c, int64_t shop_id, struct shop_window *w, bool *open)
{
	memset(w, 0, sizeof(*w));
	*open = false;
	struct db_stmt *st = db_query(c->db, "SELECT id, starts_at, ends_at, note FROM shop_windows "
					     "WHERE shop_id = ? AND ends_at > ? ORDER BY starts_at LIMIT 1",
				      "ii", shop_id, c->now);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取兑换时间");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		w->id = db_col_int(st, 0);
		w->shop_id = shop_id;
		w->starts_at = db_col_int(st, 1);
		w->ends_at = db_col_int(st, 2);
		str_copy(w->note, sizeof(w->note), db_col_text(st, 3));
		*open = w->starts_at <= c->now;
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return RC_NOT_FOUND;
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取兑换时间");
}

/* Writes why the shop is closed into msg; RC_OK when it is open. */
static int closed_message(struct ctx *c, const struct shop *s, char *msg, size_t len)
{
	msg[0] = 0;
	if (strcmp(s->window_mode, "scheduled"))
		return RC_OK;
	struct shop_window w;
	bool open;
	int rc = window_at(c, s->id, &w, &open);
	if (rc == RC_OK && open)
		return RC_OK;
	if (rc == RC_NOT_FOUND) {
		snprintf(msg, len, "积分超市现在不营业，暂无安排的兑换时间");
		return RC_CONFLICT;
	}
	if (rc)
		return rc;
	char from[17], to[17];
	struct civil a, b;
	time_to_cn(w.starts_at, &a);
	time_to_cn(w.ends_at, &b);
	snprintf(from, sizeof(from), "%04d-%02d-%02d %02d:%02d", a.year % 10000, a.month, a.day, a.hour, a.min);
	snprintf(to, sizeof(to), "%04d-%02d-%02d %02d:%02d", b.year % 10000, b.month, b.day, b.hour, b.min);
	snprintf(msg, len, "积分超市现在不营业，下次集中兑换：%s 至 %s%s%s%s", from, to, w.note[0] ? "（" : "", w.note,
		 w.note[0] ? "）" : "");
	return RC_CONFLICT;
}

enum result shop_check_open(struct ctx *c, const struct shop *s)
{
	char msg[SHOP_CLOSED_MAX];
	int rc = closed_message(c, s, msg, sizeof(msg));
	if (rc == RC_CONFLICT)
		return ctx_fail(c, RC_CONFLICT, "%s", msg);
	return rc;
}

static void check_settings(struct ctx *c, const char *window_mode, bool set_return, int return_days,
			   bool set_preorder, int preorder_hours)
{
	if (window_mode && strcmp(window_mode, "always") && strcmp(window_mode, "scheduled"))
		ctx_field(c, "window_mode", "营业方式应为 always（随时兑换）或 scheduled（按兑换时间）");
	if (set_return && (return_days < 0 || return_days > SHOP_RETURN_DAYS_MAX))
		ctx_field(c, "return_days", "退货期限应在 0 到 %d 天之间", SHOP_RETURN_DAYS_MAX);
	if (set_preorder && (preorder_hours < SHOP_PREORDER_HOURS_MIN || preorder_hours > SHOP_PREORDER_HOURS_MAX))
		ctx_field(c, "preorder_hours", "预订保留时间应在 %d 到 %d 小时之间", SHOP_PREORDER_HOURS_MIN,
			  SHOP_PREORDER_HOURS_MAX);
}

/* Field errors for the villages a shop on unit u would serve. */
static void check_villages(struct ctx *c, const struct org_unit *u, const int64_t *ids, int n)
{
	if (!strcmp(u->kind, "village")) {
		if (n > 1 || (n == 1 && ids[0] != u->id))
			ctx_field(c, "village_ids", "村级积分超市只服务本村");
		return;
	}
	if (n < 1 || n > SHOP_VILLAGES_MAX) {
		ctx_field(c, "village_ids", "乡镇积分超市请选择本镇的 1 到 %d 个村", SHOP_VILLAGES_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		char field[48];
		snprintf(field, sizeof(field), "village_ids[%d]", i);
		for (int j = 0; j < i; j++)
			if (ids[j] == ids[i]) {
				ctx_field(c, field, "与第 %d 个村重复", j + 1);
				break;
			}
		struct org_unit v;
		int rc = org_get(c, ids[i], &v);
		if (rc == RC_OK && (strcmp(v.kind, "village") || v.parent_id != u->id)) {
			ctx_field(c, field, "「%s」不是%s的村", v.name, u->name);
		} else if (rc) {
			ctx_clear(c);
			ctx_field(c, field, "村不存在");
		}
	}
}

static int name_taken(struct ctx *c, int64_t unit_id, const char *name, int64_t except)
{
	int64_t n = 0;
	int dbrc = db_get_int(c->db, &n, "SELECT count(*) FROM shops WHERE unit_id = ? AND name = ? AND id <> ?",
			      "iti", unit_id, name, except);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取积分超市");
	if (n)
		ctx_field(c, "name", "本单位已有名为「%s」的积分超市", name);
	return RC_OK;
}

static int write_villages(struct ctx *c, int64_t shop_id, const int64_t *ids, int n, struct buf *snap)
{
	int dbrc = db_run(c->db, "DELETE FROM shop_villages WHERE shop_id = ?", "i", shop_id);
	buf_adds(snap, ",\"village_ids\":[");
	for (int i = 0; dbrc == DB_OK && i < n; i++) {
		dbrc = db_run(c->db, "INSERT INTO shop_villages (shop_id, village_id) VALUES (?, ?)", "ii", shop_id,
			      ids[i]);
		buf_addf(snap, "%s%lld", i ? "," : "", (long long)ids[i]);
	}
	buf_addc(snap, ']');
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "保存服务的村");
}

enum result shop_create(struct ctx *c, const struct shop_input *in, int64_t *id)
{
	*id = 0;
	struct shop s = {0};
	s.return_days = in->return_days == SHOP_UNSET ? DEFAULT_RETURN_DAYS : in->return_days;
	s.preorder_hours = in->preorder_hours == SHOP_UNSET ? DEFAULT_PREORDER_HOURS : in->preorder_hours;
	str_copy(s.window_mode, sizeof(s.window_mode), in->window_mode ? in->window_mode : "always");
	ctx_check_text(c, "name", in->name, SHOP_NAME_MAX, CTX_TEXT_REQUIRED, "超市名称");
	check_settings(c, in->window_mode, true, s.return_days, true, s.preorder_hours);

	struct org_unit u;
	int rc = org_get(c, in->unit_id, &u);
	bool unit_ok = rc == RC_OK && (!strcmp(u.kind, "village") || !strcmp(u.kind, "town"));
	if (rc && rc != RC_NOT_FOUND)
		return rc;
	if (!unit_ok) {
		ctx_clear(c);
		ctx_field(c, "unit_id", "请选择开设积分超市的村或乡镇");
		return RC_INVALID;
	}
	if (!access_can(c, P_SHOP_ADMIN, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权为%s开设积分超市", u.name);
	check_villages(c, &u, in->village_ids, in->nvillages);
	if (in->name && in->name[0] && (rc = name_taken(c, u.id, in->name, 0)))
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	str_copy(s.name, sizeof(s.name), in->name);

	int64_t own = u.id;
	const int64_t *vids = in->nvillages ? in->village_ids : &own;
	int nv = in->nvillages ? in->nvillages : 1;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO shops (unit_id, name, window_mode, return_days, preorder_hours, created_at, "
			      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "ittiiii", u.id, s.name, s.window_mode, (int64_t)s.return_days, (int64_t)s.preorder_hours,
			      c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "开设积分超市"));
	struct buf after;
	snap_shop(&after, &s);
	audit_snap_int(&after, "unit_id", u.id);
	rc = write_villages(c, *id, vids, nv, &after);
	audit_snap_end(&after);
	if (!rc)
		rc = audit_record(c, u.id, "shop", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* shop_update inside its transaction: the shop read there, so that the settings the
 * request leaves alone are written back as they are, not as they were before a change
 * made while it waited for its turn */
static enum result update_in(struct ctx *c, int64_t id, const struct shop_patch *p)
{
	struct shop old;
	int rc = ctx_lock_row(c, "SELECT id FROM shops WHERE id = ? FOR UPDATE", id);
	if (rc || (rc = shop_load_for_admin(c, id, &old, "修改设置")))
		return rc;
	struct shop s = old;
	if (p->name) {
		ctx_check_text(c, "name", p->name, SHOP_NAME_MAX, CTX_TEXT_REQUIRED, "超市名称");
		if (p->name[0] && (rc = name_taken(c, s.unit_id, p->name, s.id)))
			return rc;
		str_copy(s.name, sizeof(s.name), p->name);
	}
	check_settings(c, p->window_mode, p->set_return_days, p->return_days, p->set_preorder_hours,
		       p->preorder_hours);
	if (p->window_mode)
		str_copy(s.window_mode, sizeof(s.window_mode), p->window_mode);
	if (p->set_return_days)
		s.return_days = p->return_days;
	if (p->set_preorder_hours)
		s.preorder_hours = p->preorder_hours;
	if (p->set_villages) {
		struct org_unit u;
		if ((rc = org_get(c, s.unit_id, &u)))
			return rc;
		if (strcmp(u.kind, "town"))
			ctx_field(c, "village_ids", "村级积分超市只服务本村");
		else
			check_villages(c, &u, p->village_ids, p->nvillages);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	int dbrc = db_run(c->db, "UPDATE shops SET name = ?, window_mode = ?, return_days = ?, preorder_hours = ?, "
				 "updated_at = ? WHERE id = ?",
			  "ttiiii", s.name, s.window_mode, (int64_t)s.return_days, (int64_t)s.preorder_hours, c->now, id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "修改积分超市");
	struct buf before, after;
	snap_shop(&before, &old);
	snap_shop(&after, &s);
	if (p->set_villages) {
		struct shop_village *v;
		char(*paths)[ORG_PATH_MAX];
		int n;
		rc = load_villages(c, id, &v, &paths, &n);
		buf_adds(&before, ",\"village_ids\":[");
		for (int i = 0; i < n; i++)
			buf_addf(&before, "%s%lld", i ? "," : "", (long long)v[i].id);
		buf_addc(&before, ']');
		if (!rc)
			rc = write_villages(c, id, p->village_ids, p->nvillages, &after);
	}
	audit_snap_end(&before);
	audit_snap_end(&after);
	if (!rc)
		rc = audit_record(c, s.unit_id, "shop", id, "update", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return rc;
}

enum result shop_update(struct ctx *c, int64_t id, const struct shop_patch *p)
{
	enum result rc = ctx_begin(c);
	return rc ? rc : ctx_end(c, update_in(c, id, p));
}

/* Fills the reader's view of a loaded shop. */
static int shop_fill(struct ctx *c, const struct shop *s, bool staff, struct shop_info *out)
{
	memset(out, 0, sizeof(*out));
	out->s = *s;
	out->staff = staff;
	out->can_admin = shop_can(c, s, P_SHOP_ADMIN);
	out->can_counter = shop_can(c, s, P_SHOP_COUNTER);
	struct db_stmt *st = db_query(c->db, "SELECT u.name, s.created_at, s.updated_at, "
					     "(SELECT count(*) FROM goods g WHERE g.shop_id = s.id AND g.active = 1), "
					     "(SELECT count(*) FROM goods g WHERE g.shop_id = s.id AND g.active = 1 "
					     "AND g.stock <= g.low_stock) "
					     "FROM shops s JOIN org_units u ON u.id = s.unit_id WHERE s.id = ?",
				      "i", s->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取积分超市");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		str_copy(out->unit_name, sizeof(out->unit_name), db_col_text(st, 0));
		out->created_at = db_col_int(st, 1);
		out->updated_at = db_col_int(st, 2);
		out->goods = db_col_int(st, 3);
		out->low_stock = staff ? db_col_int(st, 4) : 0;
	}
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? ctx_fail(c, RC_NOT_FOUND, "积分超市不存在") : ctx_db_fail(c, rc, "读取积分超市");
	char(*paths)[ORG_PATH_MAX];
	if ((rc = load_villages(c, s->id, &out->villages, &paths, &out->nvillages)))
		return rc;
	rc = closed_message(c, s, out->closed_message, sizeof(out->closed_message));
	out->open = rc == RC_OK;
	return rc == RC_CONFLICT ? RC_OK : rc;
}

enum result shop_read(struct ctx *c, int64_t id, struct shop_info *out)
{
	struct shop s;
	int rc = shop_get(c, id, &s);
	if (rc)
		return rc;
	bool staff;
	if (!shop_can_read(c, &s, &staff))
		return ctx_fail(c, RC_NOT_FOUND, "积分超市不存在");
	return shop_fill(c, &s, staff, out);
}

static enum result list_of(struct ctx *c, struct db_stmt *st, struct shop_info **out, int *n);

/* The shops located in the unit or below it, as ids (a unit outside every grant: 404). */
static struct db_stmt *shops_in_unit(struct ctx *c, int64_t unit_id, int *rc)
{
	struct org_unit u;
	*rc = org_find(c, unit_id, &u);
	if (*rc == RC_NOT_FOUND || (!*rc && !access_touches(c, u.path))) {
		*rc = ctx_fail(c, RC_NOT_FOUND, "单位不存在");
		return NULL;
	}
	if (*rc)
		return NULL;
	const char *like = arena_printf(c->arena, "%s%%", u.path);
	if (!like) {
		*rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		return NULL;
	}
	return db_query(c->db,
			"SELECT s.id FROM shops s JOIN org_units u ON u.id = s.unit_id WHERE u.path LIKE ? ORDER BY s.id",
			"t", like);
}

enum result shop_list(struct ctx *c, int64_t village_id, int64_t unit_id, struct shop_info **out, int *n)
{
	*n = 0;
	*out = NULL;
	if (unit_id) {
		int rc = RC_OK;
		struct db_stmt *st = shops_in_unit(c, unit_id, &rc);
		if (rc)
			return rc;
		return st ? list_of(c, st, out, n) : ctx_db_fail(c, DB_ERROR, "读取积分超市");
	}
	int64_t own = villager_village(c);
	struct buf sql;
	struct db_args args = {0};
	buf_init(&sql, 16384);
	buf_adds(&sql, "SELECT DISTINCT s.id FROM shops s JOIN org_units u ON u.id = s.unit_id "
		       "LEFT JOIN shop_villages sv ON sv.shop_id = s.id "
		       "LEFT JOIN org_units v ON v.id = sv.village_id WHERE ");
	int nscopes = scope_where(c, READ_PERMS, "u.path LIKE ? OR v.path LIKE ?", &sql, &args);
	if (!village_id && !nscopes) {
		if (!own) {
			buf_release(&sql);
			return ctx_fail(c, RC_FORBIDDEN, "无权查看积分超市");
		}
		village_id = own;
	}
	struct db_stmt *st = NULL;
	int rc = RC_OK;
	if (village_id) {
		struct org_unit v;
		rc = org_find(c, village_id, &v);
		if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(v.kind, "village"))) {
			buf_release(&sql);
			return ctx_field(c, "village_id", "村不存在");
		}
		if (!rc && own != village_id && !access_can(c, READ_PERMS, v.path))
			rc = ctx_fail(c, access_refusal(c, v.path), "无权查看%s的积分超市", v.name);
		if (rc) {
			buf_release(&sql);
			return rc;
		}
		st = db_query(c->db, "SELECT shop_id FROM shop_villages WHERE village_id = ? ORDER BY shop_id", "i",
			      village_id);
	} else {
		buf_addf(&sql, " ORDER BY s.id LIMIT %d", SHOP_LIST_MAX);
		st = sql.failed ? NULL : db_query_args(c->db, sql.ptr, &args);
	}
	buf_release(&sql);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取积分超市");
	return list_of(c, st, out, n);
}

/* The shops of the ids st returns that the actor may read. */
static enum result list_of(struct ctx *c, struct db_stmt *st, struct shop_info **out, int *n)
{
	int64_t *ids = arena_alloc(c->arena, sizeof(*ids) * SHOP_LIST_MAX);
	int nids = 0, dbrc, rc;
	while (ids && nids < SHOP_LIST_MAX && (dbrc = db_step(st)) == DB_ROW)
		ids[nids++] = db_col_int(st, 0);
	db_finalize(st);
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(nids ? nids : 1));
	if (!ids || !*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < nids; i++) {
		struct shop s;
		bool staff;
		if ((rc = shop_get(c, ids[i], &s)))
			return rc;
		if (!shop_can_read(c, &s, &staff))
			continue;
		if ((rc = shop_fill(c, &s, staff, &(*out)[*n])))
			return rc;
		(*n)++;
	}
	return RC_OK;
}

/* ------------------------------------------------------------------ windows */

enum result shop_window_add(struct ctx *c, int64_t shop_id, int64_t starts_at, int64_t ends_at, const char *note,
		    int64_t *id)
{
	*id = 0;
	struct shop s;
	int rc = shop_load_for_admin(c, shop_id, &s, "安排兑换时间");
	if (rc)
		return rc;
	ctx_check_text(c, "note", note, SHOP_WINDOW_NOTE_MAX, CTX_TEXT_OPTIONAL, "说明");
	if (starts_at <= 0)
		ctx_field(c, "starts_at", "请填写开始时间");
	if (ends_at <= 0)
		ctx_field(c, "ends_at", "请填写结束时间");
	else if (starts_at > 0 && ends_at <= starts_at)
		ctx_field(c, "ends_at", "结束时间应晚于开始时间");
	else if (starts_at > 0 && ends_at - starts_at > SHOP_WINDOW_SPAN_MAX)
		ctx_field(c, "ends_at", "一次兑换时间最长 %lld 天", SHOP_WINDOW_SPAN_MAX / 86400);
	else if (ends_at <= c->now)
		ctx_field(c, "ends_at", "结束时间已过");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	/* the shop's row lock orders concurrent additions, so two cannot overlap */
	int dbrc = db_run(c->db, "UPDATE shops SET updated_at = updated_at WHERE id = ?", "i", shop_id);
	int64_t overlap = 0;
	if (dbrc == DB_OK)
		dbrc = db_get_int(c->db, &overlap, "SELECT count(*) FROM shop_windows WHERE shop_id = ? "
						    "AND starts_at < ? AND ends_at > ?",
				  "iii", shop_id, ends_at, starts_at);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "读取兑换时间"));
	if (overlap)
		return ctx_end(c, ctx_field(c, "starts_at", "与已安排的兑换时间重叠"));
	dbrc = db_get_int(c->db, id, "INSERT INTO shop_windows (shop_id, starts_at, ends_at, note) "
				     "VALUES (?, ?, ?, ?) RETURNING id",
			  "iiit", shop_id, starts_at, ends_at, note ? note : "");
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "安排兑换时间"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "shop_id", shop_id);
	audit_snap_int(&after, "starts_at", starts_at);
	audit_snap_int(&after, "ends_at", ends_at);
	audit_snap_str(&after, "note", note ? note : "");
	audit_snap_end(&after);
	rc = audit_record(c, s.unit_id, "shop_window", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result shop_windows_list(struct ctx *c, int64_t shop_id, bool all, struct shop_window **out, int *n)
{
	*n = 0;
	struct shop s;
	int rc = shop_get(c, shop_id, &s);
	bool staff;
	if (rc)
		return rc;
	if (!shop_can_read(c, &s, &staff))
		return ctx_fail(c, RC_NOT_FOUND, "积分超市不存在");
	struct db_stmt *st = db_query(c->db, "SELECT id, starts_at, ends_at, note FROM shop_windows "
					     "WHERE shop_id = ? AND ends_at > ? ORDER BY starts_at, id LIMIT ?",
				      "iii", shop_id, all ? INT64_MIN / 2 : c->now, (int64_t)SHOP_WINDOWS_MAX);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取兑换时间");
	*out = arena_alloc(c->arena, sizeof(**out) * SHOP_WINDOWS_MAX);
	int dbrc = DB_DONE;
	while (*out && *n < SHOP_WINDOWS_MAX && (dbrc = db_step(st)) == DB_ROW) {
		struct shop_window *w = &(*out)[(*n)++];
		w->id = db_col_int(st, 0);
		w->shop_id = shop_id;
		w->starts_at = db_col_int(st, 1);
		w->ends_at = db_col_int(st, 2);
		str_copy(w->note, sizeof(w->note), db_col_text(st, 3));
	}
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取兑换时间");
}

enum result shop_window_delete(struct ctx *c, int64_t id)
{
	struct shop_window w = {0};
	struct db_stmt *st = db_query(c->db, "SELECT shop_id, starts_at, ends_at, note FROM shop_windows WHERE id = ?",
				      "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取兑换时间");
	int dbrc = db_step(st);
	if (dbrc == DB_ROW) {
		w.id = id;
		w.shop_id = db_col_int(st, 0);
		w.starts_at = db_col_int(st, 1);
		w.ends_at = db_col_int(st, 2);
		str_copy(w.note, sizeof(w.note), db_col_text(st, 3));
	}
	db_finalize(st);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "兑换时间不存在");
	if (dbrc != DB_ROW)
		return ctx_db_fail(c, dbrc, "读取兑换时间");
	struct shop s;
	int rc = shop_load_for_admin(c, w.shop_id, &s, "取消兑换时间");
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "兑换时间不存在");
	}
	if (rc)
		return rc;
	if (w.ends_at <= c->now)
		return ctx_fail(c, RC_CONFLICT, "已结束的兑换时间不能删除");
	if ((rc = ctx_begin(c)))
		return rc;
	dbrc = db_run(c->db, "DELETE FROM shop_windows WHERE id = ?", "i", id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "删除兑换时间"));
	struct buf before;
	audit_snap_begin(&before);
	audit_snap_int(&before, "shop_id", w.shop_id);
	audit_snap_int(&before, "starts_at", w.starts_at);
	audit_snap_int(&before, "ends_at", w.ends_at);
	audit_snap_str(&before, "note", w.note);
	audit_snap_end(&before);
	rc = audit_record(c, s.unit_id, "shop_window", id, "delete", before.ptr, "{}");
	buf_release(&before);
	return ctx_end(c, rc);
}
