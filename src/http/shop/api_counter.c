/* The shop counter over HTTP: household cards and their QR images, finding a household
 * for staff without the register, looking up a code, redemption, returns, receipts and
 * villagers' pre-orders (domain/counter.h). */
#include "domain/points/points.h"
#include "domain/shop/counter.h"
#include "http/shop/shop.h"
#include "util/qr.h"

#define ID_MAX (INT64_MAX / 2)
#define CARD_QR_MODULE 8
#define CARD_QR_MAX (4u << 20)

/* ---- reading bodies ---- */

/* Takes "items" out of the body (the strict check knows no arrays) and reads it as
 * [{goods_id, quantity}]. Shape errors are field errors here; missing values and
 * ranges are checked by the domain, which reports them with the others. */
static void take_items(struct req *r, struct counter_item **items, int *n)
{
	*items = NULL;
	*n = 0;
	json_t *arr = req_take(r, "items");
	if (!arr) {
		ctx_field(&r->ctx, "items", "必填");
		return;
	}
	if (!json_is_array(arr)) {
		ctx_field(&r->ctx, "items", "应为商品数组：[{\"goods_id\": 1, \"quantity\": 2}]");
	} else if (json_array_size(arr) > COUNTER_ITEMS_MAX) {
		ctx_field(&r->ctx, "items", "请选择 1 到 %d 种商品", COUNTER_ITEMS_MAX);
	} else {
		*n = (int)json_array_size(arr);
		*items = arena_alloc(r->ctx.arena, sizeof(**items) * (size_t)(*n ? *n : 1));
		size_t i;
		json_t *v;
		json_array_foreach(arr, i, v) {
			char f[48];
			if (!json_is_object(v)) {
				snprintf(f, sizeof(f), "items[%zu]", i);
				ctx_field(&r->ctx, f, "应为 {\"goods_id\": 商品 id, \"quantity\": 数量}");
				continue;
			}
			const char *k;
			json_t *x;
			json_object_foreach(v, k, x) {
				if (strcmp(k, "goods_id") && strcmp(k, "quantity")) {
					snprintf(f, sizeof(f), "items[%zu]", i);
					ctx_field(&r->ctx, f, "未知字段 %.40s", k);
				} else if (!json_is_integer(x) && !json_is_null(x)) {
					snprintf(f, sizeof(f), "items[%zu].%s", i, k);
					ctx_field(&r->ctx, f, "%s应为整数", req_field_label(k));
				}
			}
			json_t *g = json_object_get(v, "goods_id"), *q = json_object_get(v, "quantity");
			json_int_t gi = json_is_integer(g) ? json_integer_value(g) : 0;
			json_int_t qi = json_is_integer(q) ? json_integer_value(q) : 0;
			(*items)[i].goods_id = gi;   /* ranges: the domain */
			(*items)[i].quantity = qi;
		}
	}
	json_decref(arr);
}

/* ---- replies ---- */

static json_t *opt_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *card_json(const struct card *k)
{
	char png[64], svg[64];
	snprintf(png, sizeof(png), "/api/v1/cards/%lld/qr.png", (long long)k->id);
	snprintf(svg, sizeof(svg), "/api/v1/cards/%lld/qr.svg", (long long)k->id);
	/* the QR of an active card, unless it was left out (the household's own view) */
	bool active = !strcmp(k->status, "active") && k->token[0];
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:s, s:o, s:o}", "id", (json_int_t)k->id,
			 "household_id", (json_int_t)k->household_id, "card_no", k->card_no, "status", k->status,
			 "token", active ? json_string(k->token) : json_null(), "qr_png",
			 active ? json_string(png) : json_null(), "qr_svg", active ? json_string(svg) : json_null(),
			 "issued_by", (json_int_t)k->issued_by, "issued_by_name", k->issued_by_name, "created_at",
			 json_time(k->created_at), "revoked_at", json_time(k->revoked_at));
}

static json_t *receipt_json(const struct receipt *x)
{
	json_t *lines = json_array(), *returns = json_array();
	for (int i = 0; i < x->nlines; i++) {
		const struct receipt_line *l = &x->lines[i];
		json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:i, s:I}", "goods_id", (json_int_t)l->goods_id,
				      "goods_name", l->goods_name, "unit", l->unit, "quantity", l->quantity,
				      "price_points", l->price_points, "points", (json_int_t)l->quantity * l->price_points);
		if (!strcmp(x->kind, "sale"))
			json_object_set_new(o, "returned", json_integer(l->returned));
		json_array_append_new(lines, o);
	}
	for (int i = 0; i < x->nreturns; i++)
		json_array_append_new(returns, json_integer(x->returns[i]));
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:s, s:s, s:I, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
			 "s:o}",
			 "id", (json_int_t)x->id, "number", x->number, "kind", x->kind, "shop_id",
			 (json_int_t)x->shop_id, "shop_name", x->shop_name, "household_id",
			 (json_int_t)x->household_id, "household_number", x->household_number, "masked_name",
			 x->masked_name, "clerk_id", (json_int_t)x->clerk_id, "clerk_name", x->clerk_name,
			 "total_points", (json_int_t)x->total_points, "original_id", opt_id(x->original_id),
			 "original_number", x->original_number[0] ? json_string(x->original_number) : json_null(),
			 "preorder_id", opt_id(x->preorder_id), "ledger_id", opt_id(x->ledger_id), "created_at",
			 json_time(x->created_at), "returnable_until", json_time(x->returnable_until), "lines", lines,
			 "return_ids", returns);
}

static json_t *preorder_json(const struct preorder *p)
{
	json_t *lines = json_array();
	for (int i = 0; i < p->nlines; i++) {
		const struct preorder_line *l = &p->lines[i];
		json_array_append_new(lines, json_pack("{s:I, s:s, s:s, s:i, s:i, s:I}", "goods_id",
						       (json_int_t)l->goods_id, "goods_name", l->goods_name, "unit",
						       l->unit, "quantity", l->quantity, "price_points", l->price_points,
						       "points", (json_int_t)l->quantity * l->price_points));
	}
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:o}", "id", (json_int_t)p->id,
			 "shop_id", (json_int_t)p->shop_id, "shop_name", p->shop_name, "household_id",
			 (json_int_t)p->household_id, "household_number", p->household_number, "masked_name",
			 p->masked_name, "status", p->status, "expires_at", json_time(p->expires_at), "receipt_id",
			 opt_id(p->receipt_id), "total_points", (json_int_t)p->total_points, "lines", lines,
			 "created_at", json_time(p->created_at), "updated_at", json_time(p->updated_at));
}

/* Replies with a receipt: 201 when just made, 200 with replayed true for a retry; with
 * the household's spendable balance now, for the printed slip. */
static int receipt_reply(struct req *r, int64_t id, bool replayed)
{
	struct receipt x;
	int rc = counter_receipt_get(&r->ctx, id, &x);
	if (rc)
		return rc;
	int64_t spendable, honour;
	if ((rc = ledger_balance(&r->ctx, x.household_id, &spendable, &honour)))
		return rc;
	r->out = receipt_json(&x);
	json_object_set_new(r->out, "replayed", json_boolean(replayed));
	json_object_set_new(r->out, "spendable_after", json_integer(spendable));
	r->status = replayed ? 200 : 201;
	return RC_OK;
}

static int preorder_reply(struct req *r, int64_t id, int status)
{
	struct preorder p;
	int rc = counter_preorder_get(&r->ctx, id, &p);
	if (rc)
		return rc;
	r->out = preorder_json(&p);
	r->status = status;
	return RC_OK;
}

/* ---- cards ---- */

int api_card_issue(struct req *r)
{
	static const struct jfield spec[] = {
		{"pin", J_STRING, true, 1, 16},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)))
		return rc;
	struct card k;
	if ((rc = counter_card_issue(&r->ctx, id, req_str(r, "pin"), &k)))
		return rc;
	r->out = card_json(&k);
	r->status = 201;
	return RC_OK;
}

int api_cards_list(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	struct card *ks;
	int n;
	if (rc || (rc = counter_cards_list(&r->ctx, id, &ks, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, card_json(&ks[i]));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_card_get(struct req *r)
{
	int64_t id;
	struct card k;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = counter_card_get(&r->ctx, id, &k)))
		return rc;
	r->out = card_json(&k);
	return RC_OK;
}

int api_card_revoke(struct req *r)
{
	int64_t id;
	struct card k;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = counter_card_revoke(&r->ctx, id)) || (rc = counter_card_get(&r->ctx, id, &k)))
		return rc;
	r->out = card_json(&k);
	return RC_OK;
}

/* The QR code of an active card, for printing. */
static int card_image(struct req *r, bool png)
{
	int64_t id;
	struct card k;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = counter_card_get(&r->ctx, id, &k)))
		return rc;
	if (strcmp(k.status, "active"))
		return ctx_fail(&r->ctx, RC_CONFLICT, "该卡已作废，不能再打印");
	struct buf b;
	buf_init(&b, CARD_QR_MAX);
	if (png ? qr_png(k.token, CARD_QR_MODULE, &b) : qr_svg(k.token, CARD_QR_MODULE, &b)) {
		buf_release(&b);
		return ctx_fail(&r->ctx, RC_INTERNAL, "生成二维码失败");
	}
	req_reply_bytes(r, 200, png ? "image/png" : "image/svg+xml", NULL, b.ptr, b.len);
	u_map_put(r->resp->map_header, "Cache-Control", "no-store");
	buf_release(&b);
	return RC_OK;
}

int api_card_qr_png(struct req *r)
{
	return card_image(r, true);
}

int api_card_qr_svg(struct req *r)
{
	return card_image(r, false);
}

/* ---- finding a household ---- */

int api_counter_households(struct req *r)
{
	int64_t shop, village;
	req_query_int(r, "shop_id", 1, ID_MAX, 0, &shop);
	req_query_int(r, "village_id", 1, ID_MAX, 0, &village);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct counter_household *hs;
	int n;
	bool more;
	int rc = counter_households_search(&r->ctx, shop, village, req_query(r, "q"), &hs, &n, &more);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)hs[i].id, "number",
						       hs[i].number, "village_name", hs[i].village_name, "masked_name",
						       hs[i].masked_name));
	r->out = json_pack("{s:o, s:b}", "items", items, "more", more);
	return RC_OK;
}

/* ---- the counter ---- */

int api_counter_lookup(struct req *r)
{
	static const struct jfield spec[] = {
		{"shop_id", J_INT, true, 1, ID_MAX},
		{"code", J_STRING, true, 1, QRTOKEN_MAX - 1},
		{"pin", J_STRING, false, 0, 16},
		{0},
	};
	int rc = req_check_body(r, spec);
	if (rc)
		return rc;
	struct counter_lookup l;
	if ((rc = counter_lookup(&r->ctx, req_int(r, "shop_id", 0), req_str(r, "code"), req_str(r, "pin"), &l)))
		return rc;
	json_t *goods = json_array();
	for (int i = 0; i < l.ngoods; i++) {
		const struct counter_goods *g = &l.goods[i];
		json_array_append_new(
			goods, json_pack("{s:I, s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:i, s:o}", "id", (json_int_t)g->id,
					 "name", g->name, "category", g->category, "unit", g->unit, "price_points",
					 g->price_points, "stock", g->stock, "limit_count", g->limit_count,
					 "limit_period", g->limit_period[0] ? json_string(g->limit_period) : json_null(),
					 "used", g->used, "remaining",
					 g->remaining < 0 ? json_null() : json_integer(g->remaining)));
	}
	r->out = json_pack("{s:{s:I, s:s, s:s, s:I, s:s}, s:s, s:o, s:I, s:I, s:I, s:{s:I, s:b, s:o}, s:o}",
			   "household", "id", (json_int_t)l.household_id, "number", l.household_number,
			   "masked_name", l.masked_name, "village_id", (json_int_t)l.village_id, "village_name",
			   l.village_name, "via", l.via, "card_no", l.card_no[0] ? json_string(l.card_no) : json_null(),
			   "spendable", (json_int_t)l.spendable, "honour", (json_int_t)l.honour, "reserved_points",
			   (json_int_t)l.reserved_points, "shop", "id", (json_int_t)req_int(r, "shop_id", 0), "open",
			   l.shop_open, "closed_message", l.shop_open ? json_null() : json_string(l.closed_message),
			   "goods", goods);
	return RC_OK;
}

int api_counter_redeem(struct req *r)
{
	static const struct jfield spec[] = {
		{"shop_id", J_INT, true, 1, ID_MAX},
		{"code", J_STRING, true, 1, QRTOKEN_MAX - 1},
		{"pin", J_STRING, false, 0, 16},
		{"idempotency_key", J_STRING, true, 1, COUNTER_KEY_MAX},
		{0},
	};
	struct redeem_input in = {0};
	struct counter_item *items;
	take_items(r, &items, &in.nitems);
	req_check_body(r, spec); /* the domain reports its field errors with these */
	in.items = items;
	in.shop_id = req_int(r, "shop_id", 0);
	in.code = req_str(r, "code");
	in.pin = req_str(r, "pin");
	in.idempotency_key = req_str(r, "idempotency_key");
	int64_t id;
	bool replayed;
	int rc = counter_redeem(&r->ctx, &in, &id, &replayed);
	return rc ? rc : receipt_reply(r, id, replayed);
}

int api_counter_return(struct req *r)
{
	static const struct jfield spec[] = {
		{"receipt_id", J_INT, true, 1, ID_MAX},
		{"reason", J_STRING, true, 1, COUNTER_REASON_MAX},
		{"idempotency_key", J_STRING, true, 1, COUNTER_KEY_MAX},
		{0},
	};
	struct return_input in = {0};
	struct counter_item *items;
	take_items(r, &items, &in.nitems);
	req_check_body(r, spec); /* the domain reports its field errors with these */
	in.items = items;
	in.receipt_id = req_int(r, "receipt_id", 0);
	in.reason = req_str(r, "reason");
	in.idempotency_key = req_str(r, "idempotency_key");
	int64_t id;
	bool replayed;
	int rc = counter_return(&r->ctx, &in, &id, &replayed);
	return rc ? rc : receipt_reply(r, id, replayed);
}

/* ---- receipts ---- */

int api_receipt_get(struct req *r)
{
	int64_t id;
	struct receipt x;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = counter_receipt_get(&r->ctx, id, &x)))
		return rc;
	r->out = receipt_json(&x);
	return RC_OK;
}

int api_household_receipts(struct req *r)
{
	int64_t id, total;
	int limit, offset, n;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_page(r, &limit, &offset)))
		return rc;
	struct receipt *xs;
	if ((rc = counter_receipts_list(&r->ctx, id, limit, offset, &xs, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, receipt_json(&xs[i]));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

/* ---- pre-orders ---- */

int api_preorder_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"shop_id", J_INT, true, 1, ID_MAX},
		{0},
	};
	struct preorder_input in = {0};
	struct counter_item *items;
	take_items(r, &items, &in.nitems);
	req_check_body(r, spec); /* the domain reports its field errors with these */
	in.items = items;
	in.shop_id = req_int(r, "shop_id", 0);
	int64_t id;
	int rc = counter_preorder_create(&r->ctx, &in, &id);
	return rc ? rc : preorder_reply(r, id, 201);
}

int api_preorders_list(struct req *r)
{
	int64_t shop;
	bool mine;
	int limit, offset, n;
	req_query_flag(r, "mine", &mine);
	req_query_int(r, "shop_id", 1, ID_MAX, 0, &shop);
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct preorder_query q = {.mine = mine, .shop_id = shop, .status = req_query(r, "status"),
				   .limit = limit, .offset = offset};
	struct preorder *ps;
	int64_t total;
	if ((rc = counter_preorders_list(&r->ctx, &q, &ps, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, preorder_json(&ps[i]));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

int api_preorder_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : preorder_reply(r, id, 200);
}

int api_preorder_collect(struct req *r)
{
	static const struct jfield spec[] = {
		{"code", J_STRING, true, 1, QRTOKEN_MAX - 1},
		{"pin", J_STRING, false, 0, 16},
		{"idempotency_key", J_STRING, true, 1, COUNTER_KEY_MAX},
		{0},
	};
	int64_t id, receipt;
	bool replayed;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, spec); /* the domain reports its field errors with these */
	if ((rc = counter_preorder_collect(&r->ctx, id, req_str(r, "code"), req_str(r, "pin"),
					   req_str(r, "idempotency_key"), &receipt, &replayed)))
		return rc;
	return receipt_reply(r, receipt, replayed);
}

int api_preorder_cancel(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = counter_preorder_cancel(&r->ctx, id)))
		return rc;
	return preorder_reply(r, id, 200);
}
