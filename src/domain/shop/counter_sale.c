/* Selling at the counter: the lookup that shows a household's balance and the goods,
 * redemption (also collecting a pre-order) and returns. */
#include "domain/shop/counter_internal.h"

/* ---- lookup ---- */

enum result counter_lookup(struct ctx *c, int64_t shop_id, const char *code, const char *pin,
		   struct counter_lookup *out)
{
	memset(out, 0, sizeof(*out));
	struct shop s;
	int rc = ctr_load_shop(c, shop_id, "shop_id", &s);
	if (rc)
		return rc;
	if (!shop_can(c, &s, P_SHOP_COUNTER))
		return shop_refusal(c, &s, "无权在", "收银");
	struct resolved r;
	if ((rc = ctr_resolve_code(c, code, pin, true, &r)))
		return rc;
	if (!shop_serves(c, &s, r.hh.village_id))
		return ctx_fail(c, RC_CONFLICT, "该户（%s）不在「%s」的服务范围内", r.hh.village_name, s.name);
	out->household_id = r.hh.id;
	out->village_id = r.hh.village_id;
	str_copy(out->household_number, sizeof(out->household_number), r.hh.number);
	str_copy(out->village_name, sizeof(out->village_name), r.hh.village_name);
	str_copy(out->masked_name, sizeof(out->masked_name), r.hh.masked_name);
	str_copy(out->via, sizeof(out->via), r.via);
	str_copy(out->card_no, sizeof(out->card_no), r.card_no);
	if ((rc = ledger_balance(c, r.hh.id, &out->spendable, &out->honour)) ||
	    (rc = ctr_reserved_points(c, r.hh.id, &out->reserved_points)))
		return rc;
	out->shop_open = shop_check_open(c, &s) == RC_OK;
	if (!out->shop_open) {
		str_copy(out->closed_message, sizeof(out->closed_message), c->err.message);
		ctx_clear(c);
	}
	out->goods = arena_alloc(c->arena, sizeof(*out->goods) * GOODS_LIST_MAX);
	struct db_stmt *st = db_query(c->db, "SELECT id FROM goods WHERE shop_id = ? AND active = 1 "
					     "ORDER BY category, id LIMIT ?", "ii", s.id, (int64_t)GOODS_LIST_MAX);
	if (!st || !out->goods) {
		db_finalize(st);
		return ctx_db_fail(c, DB_ERROR, "读取商品");
	}
	int64_t *ids = arena_alloc(c->arena, sizeof(int64_t) * GOODS_LIST_MAX);
	int n = 0;
	while (ids && n < GOODS_LIST_MAX && db_step(st) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_finalize(st);
	for (int i = 0; i < n; i++) {
		struct goods g;
		if ((rc = goods_get(c, ids[i], &g)))
			return rc;
		struct counter_goods *x = &out->goods[out->ngoods++];
		x->id = g.id;
		x->name = arena_strdup(c->arena, g.name);
		x->category = arena_strdup(c->arena, g.category);
		x->unit = arena_strdup(c->arena, g.unit);
		x->limit_period = arena_strdup(c->arena, g.limit_period);
		x->price_points = g.price_points;
		x->stock = g.stock;
		x->limit_count = g.limit_count;
		int used;
		if ((rc = ctr_limit_used(c, &g, r.hh.id, 0, &used)))
			return rc;
		x->used = used < 0 ? 0 : used;
		x->remaining = used < 0 ? -1 : (g.limit_count > used ? g.limit_count - used : 0);
	}
	return RC_OK;
}

/* ---- selling (redemption and collecting a pre-order) ---- */

static int write_lines(struct ctx *c, int64_t receipt_id, const struct goods *g, const struct counter_item *items,
		       const int *prices, int n)
{
	for (int i = 0; i < n; i++) {
		int rc = db_run(c->db, "INSERT INTO receipt_lines (receipt_id, goods_id, goods_name, quantity, "
				       "price_points) VALUES (?, ?, ?, ?, ?)", "iitii", receipt_id, g[i].id, g[i].name,
				items[i].quantity, (int64_t)prices[i]);
		if (rc != DB_OK)
			return ctx_db_fail(c, rc, "收据明细");
	}
	return RC_OK;
}

static int audit_receipt(struct ctx *c, int64_t village_id, int64_t receipt_id, const char *action,
			 const char *number, int64_t household_id, int64_t total, int64_t original_id,
			 int64_t preorder_id, const char *lines, const char *reason)
{
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "number", number);
	audit_snap_int(&after, "household_id", household_id);
	audit_snap_int(&after, "total_points", total);
	if (original_id)
		audit_snap_int(&after, "original_id", original_id);
	if (preorder_id)
		audit_snap_int(&after, "preorder_id", preorder_id);
	audit_snap_str(&after, "lines", lines);
	if (reason)
		audit_snap_str(&after, "reason", reason);
	audit_snap_end(&after);
	int rc = audit_record(c, village_id, "receipt", receipt_id, action, "{}", after.ptr);
	buf_release(&after);
	return rc;
}

/* Inside the transaction, with the shop locked and its number taken: checks and writes
 * one sale. For a pre-order, items are its lines and the stock was reserved. *dup is
 * set when another request with the same key won the race. */
static int sell_locked(struct ctx *c, const struct shop *s, const struct resolved *h, const struct counter_item *items,
		       int n, int64_t preorder_id, const char *key, const char *number, int64_t *receipt_id, bool *dup)
{
	int rc = shop_check_open(c, s);
	if (rc)
		return rc;
	/* a phone's code pays once: a copy of its screen cannot pay again */
	if (h->code && (rc = hhcode_spend(c, "code", h->code, h->hh.id)))
		return rc;
	if (h->card_id) {
		int64_t active = 0;
		if (db_get_int(c->db, &active, "SELECT count(*) FROM household_cards WHERE id = ? AND status = 'active'",
			       "i", h->card_id) != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "读取户卡");
		if (!active)
			return ctx_field(c, "code", "该卡已作废（已补办新卡或已挂失），请使用新卡");
	}
	struct goods *g = arena_alloc(c->arena, sizeof(*g) * (size_t)n);
	int *prices = arena_alloc(c->arena, sizeof(int) * (size_t)n);
	if (!g || !prices)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = ctr_load_goods(c, s, items, n, preorder_id != 0, g)))
		return rc;
	if (!preorder_id && (rc = ctr_check_limits(c, g, items, n, h->hh.id)))
		return rc;
	int64_t total = 0, spendable, honour;
	for (int i = 0; i < n; i++) {
		prices[i] = g[i].price_points;
		total += (int64_t)prices[i] * items[i].quantity;
	}
	if ((rc = ledger_balance(c, h->hh.id, &spendable, &honour)))
		return rc;
	if (spendable < total)
		return ctx_fail(c, RC_CONFLICT, "可兑换积分不足：本次需 %lld 分，现有 %lld 分", (long long)total,
				(long long)spendable);

	int dbrc = db_get_int(c->db, receipt_id,
			      "INSERT INTO receipts (shop_id, number, kind, household_id, clerk_id, total_points, "
			      "preorder_id, idempotency_key, created_at) VALUES (?, ?, 'sale', ?, ?, ?, "
			      "NULLIF(CAST(? AS BIGINT), 0), ?, ?) RETURNING id",
			      "itiiiiti", s->id, number, h->hh.id, c->actor->user_id, total, preorder_id, key, c->now);
	if (dbrc == DB_CONSTRAINT) {
		*dup = true;
		return ctx_fail(c, RC_CONFLICT, "重复提交");
	}
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "收据");
	if ((rc = write_lines(c, *receipt_id, g, items, prices, n)))
		return rc;

	char note[COUNTER_NUMBER_MAX + 16];
	snprintf(note, sizeof(note), "收据 %s", number);
	struct ledger_input in = {
		.village_id = h->hh.village_id,
		.household_id = h->hh.id,
		.source = "redemption",
		.ref_id = *receipt_id,
		.rule_name = preorder_id ? "积分超市预订领取" : "积分超市兑换",
		.category = "",
		.spendable = -total,
		.honour = 0,
		.note = note,
	};
	int64_t ledger_id;
	if ((rc = ledger_append(c, &in, &ledger_id)))
		return rc;
	dbrc = db_run(c->db, "UPDATE receipts SET ledger_id = ? WHERE id = ?", "ii", ledger_id, *receipt_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "收据");

	for (int i = 0; i < n; i++) {
		int64_t move;
		if (preorder_id) {
			struct stock_move rel = {.shop_id = s->id, .goods_id = g[i].id, .kind = "release",
						 .quantity = (int)items[i].quantity, .reason = "预订领取",
						 .receipt_id = *receipt_id, .preorder_id = preorder_id};
			if ((rc = stock_apply(c, &rel, &move)))
				return rc;
		}
		struct stock_move out = {.shop_id = s->id, .goods_id = g[i].id, .kind = "out",
					 .quantity = -(int)items[i].quantity, .receipt_id = *receipt_id,
					 .preorder_id = preorder_id};
		if ((rc = stock_apply(c, &out, &move)))
			return rc;
	}
	if (preorder_id) {
		int64_t done = 0;
		dbrc = db_get_int(c->db, &done, "UPDATE preorders SET status = 'collected', receipt_id = ?, "
						"updated_at = ? WHERE id = ? AND status = 'reserved' RETURNING id",
				  "iii", *receipt_id, c->now, preorder_id);
		if (dbrc == DB_DONE)
			return ctx_fail(c, RC_CONFLICT, "该预订已不能领取");
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "预订");
	}
	return audit_receipt(c, h->hh.village_id, *receipt_id, preorder_id ? "collect" : "redeem", number, h->hh.id,
			     total, 0, preorder_id, ctr_lines_text(c, g, items, n), NULL);
}

/* One sale in its own transaction, with the replay checks around it. */
int ctr_sell(struct ctx *c, const struct shop *s, const struct resolved *h, const struct counter_item *items,
		int n, int64_t preorder_id, const char *key, int64_t *receipt_id, bool *replayed)
{
	const struct counter_item *cmp = preorder_id ? NULL : items;
	char number[COUNTER_NUMBER_MAX];
	int64_t found = 0;
	bool dup = false;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if (!(rc = ctr_next_number(c, s->id, number)) &&
	    !(rc = ctr_find_keyed(c, s->id, key, "sale", h->hh.id, 0, preorder_id, cmp, n, &found)) && !found &&
	    preorder_id) {
		/* under the shop's lock: the pre-order cannot change any more */
		char status[12] = "";
		int64_t expires = 0;
		struct db_stmt *st = db_query(c->db, "SELECT status, expires_at FROM preorders WHERE id = ?", "i",
					      preorder_id);
		if (st && db_step(st) == DB_ROW) {
			str_copy(status, sizeof(status), db_col_text(st, 0));
			expires = db_col_int(st, 1);
		}
		db_finalize(st);
		if (strcmp(status, "reserved"))
			rc = ctx_fail(c, RC_CONFLICT, "该预订已%s，不能领取",
				      !strcmp(status, "collected") ? "领取" : !strcmp(status, "lapsed") ? "过期" : "取消");
		else if (expires <= c->now)
			rc = ctx_fail(c, RC_CONFLICT, "该预订已过期，不能领取");
	}
	if (!rc && found) {
		db_rollback(c->db);
		*receipt_id = found;
		*replayed = true;
		return RC_OK;
	}
	if (!rc)
		rc = sell_locked(c, s, h, items, n, preorder_id, key, number, receipt_id, &dup);
	rc = ctx_end(c, rc);
	if (rc && dup) {
		/* a concurrent request with the same key committed first: answer with its receipt */
		ctx_reset(c);
		if ((rc = ctr_find_keyed(c, s->id, key, "sale", h->hh.id, 0, preorder_id, cmp, n, &found)))
			return rc;
		if (!found)
			return ctx_fail(c, RC_CONFLICT, "重复提交，请重试");
		*receipt_id = found;
		*replayed = true;
	}
	return rc;
}

enum result counter_redeem(struct ctx *c, const struct redeem_input *in, int64_t *receipt_id, bool *replayed)
{
	*receipt_id = 0;
	*replayed = false;
	struct shop s;
	ctr_check_key(c, in->idempotency_key);
	ctr_check_items(c, in->items, in->nitems);
	if (!in->code || !in->code[0])
		ctx_field(c, "code", "请扫描户码或输入户卡卡号");
	int rc = ctr_load_shop(c, in->shop_id, "shop_id", &s);
	if (rc || (rc = ctx_check_fields(c)))
		return rc;
	if (!shop_can(c, &s, P_SHOP_COUNTER) || !c->actor)
		return shop_refusal(c, &s, "无权在", "收银");
	/* a retry of a confirmed request returns its receipt, even after the code expired */
	int64_t found = 0, hint = ctr_code_hint(c, in->code);
	rc = hint ? ctr_find_keyed(c, s.id, in->idempotency_key, "sale", hint, 0, 0, in->items, in->nitems, &found)
		  : RC_OK;
	if (rc || found) {
		*receipt_id = found;
		*replayed = found != 0;
		return rc;
	}
	struct resolved h;
	if ((rc = ctr_resolve_code(c, in->code, in->pin, false, &h)))
		return rc;
	if (!shop_serves(c, &s, h.hh.village_id))
		return ctx_fail(c, RC_CONFLICT, "该户（%s）不在「%s」的服务范围内", h.hh.village_name, s.name);
	return ctr_sell(c, &s, &h, in->items, in->nitems, 0, in->idempotency_key, receipt_id, replayed);
}

/* ---- returns ---- */

struct sale_row {
	int64_t id, shop_id, household_id, created_at;
	char kind[8], number[COUNTER_NUMBER_MAX];
};

static int load_sale_row(struct ctx *c, int64_t id, struct sale_row *r)
{
	memset(r, 0, sizeof(*r));
	struct db_stmt *st = db_query(c->db, "SELECT id, shop_id, household_id, created_at, kind, number "
					     "FROM receipts WHERE id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取收据");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		r->id = db_col_int(st, 0);
		r->shop_id = db_col_int(st, 1);
		r->household_id = db_col_int(st, 2);
		r->created_at = db_col_int(st, 3);
		str_copy(r->kind, sizeof(r->kind), db_col_text(st, 4));
		str_copy(r->number, sizeof(r->number), db_col_text(st, 5));
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "收据不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取收据");
}

/* Inside the transaction with the shop locked: checks and writes one return. */
static int return_locked(struct ctx *c, const struct shop *s, const struct sale_row *sale, const struct hh_info *h,
			 const struct return_input *in, const char *number, int64_t *receipt_id, bool *dup)
{
	if (c->now >= sale->created_at + (int64_t)s->return_days * 86400)
		return ctx_fail(c, RC_CONFLICT, "已超过退货期限（兑换后 %d 天内可退）", s->return_days);
	int n = in->nitems;
	struct goods *g = arena_alloc(c->arena, sizeof(*g) * (size_t)n);
	int *prices = arena_alloc(c->arena, sizeof(int) * (size_t)n);
	if (!g || !prices)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t total = 0;
	for (int i = 0; i < n; i++) {
		char f[48];
		int64_t bought = 0, returned = 0, price = 0;
		struct db_stmt *st = db_query(c->db, "SELECT quantity, price_points, goods_name FROM receipt_lines "
						     "WHERE receipt_id = ? AND goods_id = ?", "ii", sale->id,
					      in->items[i].goods_id);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取收据");
		memset(&g[i], 0, sizeof(g[i]));
		if (db_step(st) == DB_ROW) {
			bought = db_col_int(st, 0);
			price = db_col_int(st, 1);
			str_copy(g[i].name, sizeof(g[i].name), db_col_text(st, 2));
		}
		db_finalize(st);
		if (!bought) {
			snprintf(f, sizeof(f), "items[%d].goods_id", i);
			ctx_field(c, f, "原收据中没有这种商品");
			continue;
		}
		if (db_get_int(c->db, &returned, "SELECT COALESCE(SUM(l.quantity), 0) FROM receipt_lines l "
						 "JOIN receipts r ON r.id = l.receipt_id WHERE r.original_id = ? "
						 "AND l.goods_id = ?", "ii", sale->id, in->items[i].goods_id) != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "读取收据");
		g[i].id = in->items[i].goods_id;
		prices[i] = (int)price;
		total += price * in->items[i].quantity;
		if (in->items[i].quantity > bought - returned) {
			snprintf(f, sizeof(f), "items[%d].quantity", i);
			if (bought - returned > 0)
				ctx_field(c, f, "「%s」最多还可退 %lld", g[i].name, (long long)(bought - returned));
			else
				ctx_field(c, f, "「%s」已全部退过", g[i].name);
		}
	}
	int rc = ctx_check_fields(c);
	if (rc)
		return rc;
	int dbrc = db_get_int(c->db, receipt_id,
			      "INSERT INTO receipts (shop_id, number, kind, household_id, clerk_id, total_points, "
			      "original_id, idempotency_key, created_at) VALUES (?, ?, 'return', ?, ?, ?, ?, ?, ?) "
			      "RETURNING id",
			      "itiiiiti", s->id, number, sale->household_id, c->actor->user_id, total, sale->id,
			      in->idempotency_key, c->now);
	if (dbrc == DB_CONSTRAINT) {
		*dup = true;
		return ctx_fail(c, RC_CONFLICT, "重复提交");
	}
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "收据");
	if ((rc = write_lines(c, *receipt_id, g, in->items, prices, n)))
		return rc;
	char *note = arena_printf(c->arena, "退货 %s（原收据 %s）：%s", number, sale->number, in->reason);
	struct ledger_input li = {
		.village_id = h->village_id,
		.household_id = h->id,
		.source = "return",
		.ref_id = *receipt_id,
		.rule_name = "积分超市退货",
		.category = "",
		.spendable = total,
		.honour = 0,
		.note = note,
	};
	int64_t ledger_id, move;
	if ((rc = ledger_append(c, &li, &ledger_id)))
		return rc;
	dbrc = db_run(c->db, "UPDATE receipts SET ledger_id = ? WHERE id = ?", "ii", ledger_id, *receipt_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "收据");
	for (int i = 0; i < n; i++) {
		struct stock_move m = {.shop_id = s->id, .goods_id = g[i].id, .kind = "return",
				       .quantity = (int)in->items[i].quantity, .reason = in->reason,
				       .receipt_id = *receipt_id};
		if ((rc = stock_apply(c, &m, &move)))
			return rc;
	}
	return audit_receipt(c, h->village_id, *receipt_id, "return", number, h->id, total, sale->id, 0,
			     ctr_lines_text(c, g, in->items, n), in->reason);
}

enum result counter_return(struct ctx *c, const struct return_input *in, int64_t *receipt_id, bool *replayed)
{
	*receipt_id = 0;
	*replayed = false;
	ctr_check_key(c, in->idempotency_key);
	ctr_check_items(c, in->items, in->nitems);
	ctx_check_text(c, "reason", in->reason, COUNTER_REASON_MAX, CTX_TEXT_REQUIRED, "退货原因");
	struct sale_row sale;
	struct shop s;
	int rc = load_sale_row(c, in->receipt_id, &sale);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		ctx_field(c, "receipt_id", "收据不存在");
	} else if (rc) {
		return rc;
	}
	if ((rc = ctx_check_fields(c)))
		return rc;
	if ((rc = shop_get(c, sale.shop_id, &s)))
		return rc;
	if (!shop_can(c, &s, P_SHOP_COUNTER) || !c->actor)
		return shop_refusal(c, &s, "无权在", "办理退货");
	if (strcmp(sale.kind, "sale"))
		return ctx_field(c, "receipt_id", "这是一张退货单，请选择原兑换收据");
	int64_t found = 0;
	rc = ctr_find_keyed(c, s.id, in->idempotency_key, "return", sale.household_id, sale.id, 0, in->items, in->nitems,
			&found);
	if (rc || found) {
		*receipt_id = found;
		*replayed = found != 0;
		return rc;
	}
	struct hh_info h;
	if ((rc = ctr_household_info(c, sale.household_id, &h)))
		return rc;
	char number[COUNTER_NUMBER_MAX];
	bool dup = false;
	if ((rc = ctx_begin(c)))
		return rc;
	if (!(rc = ctr_next_number(c, s.id, number)) &&
	    !(rc = ctr_find_keyed(c, s.id, in->idempotency_key, "return", sale.household_id, sale.id, 0, in->items,
			      in->nitems, &found)) && found) {
		db_rollback(c->db);
		*receipt_id = found;
		*replayed = true;
		return RC_OK;
	}
	if (!rc)
		rc = return_locked(c, &s, &sale, &h, in, number, receipt_id, &dup);
	rc = ctx_end(c, rc);
	if (rc && dup) {
		ctx_reset(c);
		if ((rc = ctr_find_keyed(c, s.id, in->idempotency_key, "return", sale.household_id, sale.id, 0, in->items,
				     in->nitems, &found)))
			return rc;
		if (!found)
			return ctx_fail(c, RC_CONFLICT, "重复提交，请重试");
		*receipt_id = found;
		*replayed = true;
	}
	return rc;
}
