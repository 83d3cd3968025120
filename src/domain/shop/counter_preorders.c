/* Pre-orders: reserving goods from the phone, collecting at the counter, cancelling,
 * and the job that lapses the ones not collected in time. */
#include "domain/shop/counter_internal.h"

/* ---- pre-orders ---- */

#define PREORDER_COLS                                                                               \
	"p.id, p.shop_id, p.household_id, COALESCE(p.receipt_id, 0), p.created_by, s.name, h.number, "  \
	PEOPLE_HEAD_NAME("h.id") ", p.status, p.expires_at, p.created_at, p.updated_at "
#define PREORDER_FROM                                                                               \
	"FROM preorders p JOIN shops s ON s.id = p.shop_id JOIN households h ON h.id = p.household_id "

static void read_preorder(struct db_stmt *st, struct preorder *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_col_int(st, 0);
	p->shop_id = db_col_int(st, 1);
	p->household_id = db_col_int(st, 2);
	p->receipt_id = db_col_int(st, 3);
	p->created_by = db_col_int(st, 4);
	str_copy(p->shop_name, sizeof(p->shop_name), db_col_text(st, 5));
	str_copy(p->household_number, sizeof(p->household_number), db_col_text(st, 6));
	utf8_mask_name(db_col_text(st, 7), p->masked_name, sizeof(p->masked_name));
	str_copy(p->status, sizeof(p->status), db_col_text(st, 8));
	p->expires_at = db_col_int(st, 9);
	p->created_at = db_col_int(st, 10);
	p->updated_at = db_col_int(st, 11);
}

static int preorder_lines(struct ctx *c, struct preorder *p)
{
	p->lines = arena_alloc(c->arena, sizeof(*p->lines) * COUNTER_ITEMS_MAX);
	if (!p->lines)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT l.goods_id, g.name, g.unit, l.quantity, g.price_points "
					     "FROM preorder_lines l JOIN goods g ON g.id = l.goods_id "
					     "WHERE l.preorder_id = ? ORDER BY l.goods_id", "i", p->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取预订");
	p->total_points = 0;
	while (p->nlines < COUNTER_ITEMS_MAX && db_step(st) == DB_ROW) {
		struct preorder_line *l = &p->lines[p->nlines++];
		l->goods_id = db_col_int(st, 0);
		l->goods_name = arena_strdup(c->arena, db_col_text(st, 1));
		l->unit = arena_strdup(c->arena, db_col_text(st, 2));
		l->quantity = (int)db_col_int(st, 3);
		l->price_points = (int)db_col_int(st, 4);
		p->total_points += (int64_t)l->quantity * l->price_points;
	}
	db_finalize(st);
	return RC_OK;
}

/* A pre-order without access checks. */
static int load_preorder(struct ctx *c, int64_t id, struct preorder *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " PREORDER_COLS PREORDER_FROM "WHERE p.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取预订");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_preorder(st, out);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? ctx_fail(c, RC_NOT_FOUND, "预订不存在") : ctx_db_fail(c, rc, "读取预订");
	return preorder_lines(c, out);
}

enum result counter_preorder_get(struct ctx *c, int64_t id, struct preorder *out)
{
	int rc = load_preorder(c, id, out);
	if (rc)
		return rc;
	if (ctr_is_villager_of(c, out->household_id))
		return RC_OK;
	struct shop s;
	if ((rc = shop_get(c, out->shop_id, &s)))
		return rc;
	if (!ctr_shop_staff(c, &s)) {
		memset(out, 0, sizeof(*out));
		return ctx_fail(c, RC_NOT_FOUND, "预订不存在");
	}
	return RC_OK;
}

enum result counter_preorder_create(struct ctx *c, const struct preorder_input *in, int64_t *id)
{
	*id = 0;
	ctr_check_items(c, in->items, in->nitems);
	struct shop s;
	int rc = ctr_load_shop(c, in->shop_id, "shop_id", &s);
	if (rc || (rc = ctx_check_fields(c)))
		return rc;
	if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
		return shop_refusal(c, &s, "只有村民可以在", "为本户预订");
	int64_t household = c->actor->household_id;
	struct hh_info h;
	if ((rc = ctr_household_info(c, household, &h)))
		return rc;
	if (!shop_serves(c, &s, h.village_id))
		return ctx_fail(c, RC_CONFLICT, "「%s」不服务你所在的村", s.name);
	if (s.preorder_hours <= 0)
		return ctx_fail(c, RC_CONFLICT, "「%s」不接受预订，请到店兑换", s.name);
	int n = in->nitems;
	struct goods *g = arena_alloc(c->arena, sizeof(*g) * (size_t)n);
	if (!g)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = ctx_begin(c)))
		return rc;
	if ((rc = ctr_lock_shop(c, s.id)) || (rc = shop_check_open(c, &s)))
		return ctx_end(c, rc);
	int64_t open = 0;
	if (db_get_int(c->db, &open, "SELECT count(*) FROM preorders WHERE household_id = ? AND status = 'reserved'",
		       "i", household) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "预订"));
	if (open >= PREORDER_OPEN_MAX)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "你家已有 %lld 个待领取的预订，请先领取或取消", (long long)open));
	if ((rc = ctr_load_goods(c, &s, in->items, n, false, g)) || (rc = ctr_check_limits(c, g, in->items, n, household)))
		return ctx_end(c, rc);
	int64_t total = 0, held = 0, spendable, honour;
	for (int i = 0; i < n; i++)
		total += (int64_t)g[i].price_points * in->items[i].quantity;
	if ((rc = ctr_reserved_points(c, household, &held)) || (rc = ledger_balance(c, household, &spendable, &honour)))
		return ctx_end(c, rc);
	if (held + total > spendable)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "可兑换积分不足：本次预订需 %lld 分%s，现有 %lld 分",
					   (long long)total,
					   held ? arena_printf(c->arena, "（另有待领取的预订 %lld 分）", (long long)held) : "",
					   (long long)spendable));
	int64_t expires = c->now + (int64_t)s.preorder_hours * 3600;
	int dbrc = db_get_int(c->db, id, "INSERT INTO preorders (shop_id, household_id, status, expires_at, created_by, "
					 "created_at, updated_at) VALUES (?, ?, 'reserved', ?, ?, ?, ?) RETURNING id",
			      "iiiiii", s.id, household, expires, c->actor->user_id, c->now, c->now);
	for (int i = 0; dbrc == DB_OK && i < n; i++)
		dbrc = db_run(c->db, "INSERT INTO preorder_lines (preorder_id, goods_id, quantity) VALUES (?, ?, ?)",
			      "iii", *id, g[i].id, in->items[i].quantity);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "预订"));
	for (int i = 0; i < n; i++) {
		int64_t move;
		struct stock_move m = {.shop_id = s.id, .goods_id = g[i].id, .kind = "reserve",
				       .quantity = -(int)in->items[i].quantity, .reason = "村民预订", .preorder_id = *id};
		if ((rc = stock_apply(c, &m, &move)))
			return ctx_end(c, rc);
	}
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "shop_id", s.id);
	audit_snap_int(&after, "household_id", household);
	audit_snap_str(&after, "status", "reserved");
	audit_snap_int(&after, "expires_at", expires);
	audit_snap_str(&after, "lines", ctr_lines_text(c, g, in->items, n));
	audit_snap_end(&after);
	rc = audit_record(c, h.village_id, "preorder", *id, "reserve", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result counter_preorders_list(struct ctx *c, const struct preorder_query *q, struct preorder **out, int *n,
			   int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	int64_t household = 0, shop_id = 0;
	const char *status = q->status && q->status[0] ? q->status : "";
	if (status[0] && strcmp(status, "reserved") && strcmp(status, "collected") && strcmp(status, "lapsed") &&
	    strcmp(status, "cancelled"))
		return ctx_field(c, "status", "应为 reserved、collected、lapsed 或 cancelled");
	if (q->mine) {
		if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
			return ctx_fail(c, RC_FORBIDDEN, "只有村民有自己的预订");
		household = c->actor->household_id;
	} else if (q->shop_id) {
		struct shop s;
		int rc = ctr_load_shop(c, q->shop_id, "shop_id", &s);
		if (rc)
			return rc;
		if (!ctr_shop_staff(c, &s))
			return shop_refusal(c, &s, "无权查看", "的预订");
		shop_id = s.id;
	} else {
		return ctx_field(c, "shop_id", "请指定 shop_id，或用 mine=1 查看本户的预订");
	}
	const char *where = "WHERE (CAST(? AS BIGINT) = 0 OR p.household_id = ?) AND (CAST(? AS BIGINT) = 0 OR "
			    "p.shop_id = ?) AND (CAST(? AS TEXT) = '' OR p.status = ?)";
	if (db_get_int(c->db, total, arena_printf(c->arena, "SELECT count(*) FROM preorders p %s", where), "iiiitt",
		       household, household, shop_id, shop_id, status, status) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取预订");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(q->limit > 0 ? q->limit : 1));
	struct db_stmt *st = db_query(c->db,
		arena_printf(c->arena, "SELECT " PREORDER_COLS PREORDER_FROM "%s ORDER BY p.id DESC LIMIT ? OFFSET ?",
			     where),
		"iiiittii", household, household, shop_id, shop_id, status, status, (int64_t)q->limit,
		(int64_t)q->offset);
	if (!st || !*out) {
		db_finalize(st);
		return ctx_db_fail(c, DB_ERROR, "读取预订");
	}
	while (*n < q->limit && db_step(st) == DB_ROW)
		read_preorder(st, &(*out)[(*n)++]);
	db_finalize(st);
	for (int i = 0; i < *n; i++) {
		int rc = preorder_lines(c, &(*out)[i]);
		if (rc)
			return rc;
	}
	return RC_OK;
}

enum result counter_preorder_collect(struct ctx *c, int64_t id, const char *code, const char *pin,
			     const char *idempotency_key, int64_t *receipt_id, bool *replayed)
{
	*receipt_id = 0;
	*replayed = false;
	ctr_check_key(c, idempotency_key);
	if (!code || !code[0])
		ctx_field(c, "code", "请扫描户码或输入户卡卡号");
	struct preorder p;
	int rc = load_preorder(c, id, &p);
	if (rc)
		return rc;
	struct shop s;
	if ((rc = shop_get(c, p.shop_id, &s)))
		return rc;
	if (!shop_can(c, &s, P_SHOP_COUNTER) || !c->actor) {
		if (ctr_is_villager_of(c, p.household_id))
			return ctx_fail(c, RC_FORBIDDEN, "请到超市由管理员扫码领取");
		return ctx_fail(c, RC_NOT_FOUND, "预订不存在");
	}
	if ((rc = ctx_check_fields(c)))
		return rc;
	int64_t found = 0;
	rc = ctr_find_keyed(c, s.id, idempotency_key, "sale", p.household_id, 0, p.id, NULL, 0, &found);
	if (rc || found) {
		*receipt_id = found;
		*replayed = found != 0;
		return rc;
	}
	struct resolved h;
	if ((rc = ctr_resolve_code(c, code, pin, false, &h)))
		return rc;
	if (h.hh.id != p.household_id)
		return ctx_field(c, "code", "户码与预订的户不符（预订户号 %s）", p.household_number);
	struct counter_item *items = arena_alloc(c->arena, sizeof(*items) * (size_t)(p.nlines ? p.nlines : 1));
	if (!items)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < p.nlines; i++) {
		items[i].goods_id = p.lines[i].goods_id;
		items[i].quantity = p.lines[i].quantity;
	}
	return ctr_sell(c, &s, &h, items, p.nlines, p.id, idempotency_key, receipt_id, replayed);
}

/* Inside the transaction with the shop locked: ends an open pre-order (cancelled or
 * lapsed) and puts its stock back. RC_CONFLICT when it is no longer open (or, for a
 * lapse, not yet due). */
static int release_locked(struct ctx *c, const struct preorder *p, const char *status, const char *action)
{
	int64_t hh = 0;
	bool lapse = !strcmp(status, "lapsed");
	int dbrc = db_get_int(c->db, &hh, "UPDATE preorders SET status = ?, updated_at = ? WHERE id = ? "
					  "AND status = 'reserved' AND (CAST(? AS BIGINT) = 0 OR expires_at <= ?) "
					  "RETURNING household_id",
			      "tiiii", status, c->now, p->id, (int64_t)lapse, c->now);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_CONFLICT, "该预订已不是待领取状态");
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "预订");
	int rc;
	for (int i = 0; i < p->nlines; i++) {
		int64_t move;
		struct stock_move m = {.shop_id = p->shop_id, .goods_id = p->lines[i].goods_id, .kind = "release",
				       .quantity = p->lines[i].quantity, .reason = lapse ? "预订过期" : "预订取消",
				       .preorder_id = p->id};
		if ((rc = stock_apply(c, &m, &move)))
			return rc;
	}
	struct hh_info h;
	if ((rc = ctr_household_info(c, hh, &h)))
		return rc;
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "status", "reserved");
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_str(&after, "status", status);
	audit_snap_end(&after);
	rc = audit_record(c, h.village_id, "preorder", p->id, action, before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return rc;
}

enum result counter_preorder_cancel(struct ctx *c, int64_t id)
{
	struct preorder p;
	int rc = counter_preorder_get(c, id, &p);
	if (rc)
		return rc;
	if (strcmp(p.status, "reserved"))
		return ctx_fail(c, RC_CONFLICT, "该预订已%s，不能取消",
				!strcmp(p.status, "collected") ? "领取" : !strcmp(p.status, "lapsed") ? "过期" : "取消");
	if ((rc = ctx_begin(c)))
		return rc;
	if (!(rc = ctr_lock_shop(c, p.shop_id)))
		rc = release_locked(c, &p, "cancelled", "cancel");
	return ctx_end(c, rc);
}

enum result counter_lapse_due(struct ctx *c, int64_t *lapsed)
{
	/* at most LAPSE_BATCH a run, so one run's memory stays bounded; the scheduler
	 * comes back within a minute for the rest */
	*lapsed = 0;
	int64_t ids[LAPSE_BATCH];
	int n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id FROM preorders WHERE status = 'reserved' "
					     "AND expires_at <= ? ORDER BY id LIMIT ?",
				      "ii", c->now, (int64_t)LAPSE_BATCH);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "预订");
	while (n < LAPSE_BATCH && db_step(st) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_finalize(st);
	for (int i = 0; i < n; i++) {
		struct preorder p;
		int rc = load_preorder(c, ids[i], &p);
		if (rc)
			return rc;
		if ((rc = ctx_begin(c)))
			return rc;
		if (!(rc = ctr_lock_shop(c, p.shop_id)))
			rc = release_locked(c, &p, "lapsed", "lapse");
		rc = ctx_end(c, rc);
		if (rc == RC_OK)
			(*lapsed)++;
		else if (rc == RC_CONFLICT)
			ctx_clear(c);  /* collected or cancelled meanwhile */
		else
			return rc;
	}
	return RC_OK;
}
