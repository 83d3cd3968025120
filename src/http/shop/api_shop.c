/* The points shop over HTTP: shops and their opening windows, goods with photos,
 * stock-in and adjustments, the stock ledger, the low-stock list and the redemption
 * reports, with their XLSX exports (domain/shop.h). Money is in 分, times ISO 8601. */
#include "domain/finance/finance.h"
#include "domain/kernel/xlsx.h"
#include "domain/shop/shop.h"
#include "http/shop/shop.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define ID_MAX (INT64_MAX / 2)

/* ------------------------------------------------------------------ helpers */

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

/* True when the body has the key, even with null (PATCH: null clears). */
static bool present(struct req *r, const char *name)
{
	return r->body && json_object_get(r->body, name);
}

/* Takes an array of ids out of the body before the strict check, which knows no
 * arrays. *given tells whether the key was there. */
static int64_t *take_ids(struct req *r, const char *name, int max, int *n, bool *given)
{
	*n = 0;
	*given = false;
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;
	if (!v)
		return NULL;
	*given = true;
	json_incref(v);
	json_object_del(r->body, name);
	int64_t *ids = NULL;
	if (json_is_null(v)) {
		/* no villages */
	} else if (!json_is_array(v)) {
		ctx_field(&r->ctx, name, "应为村 id 的数组");
	} else if (json_array_size(v) > (size_t)max) {
		ctx_field(&r->ctx, name, "最多 %d 个村", max);
	} else {
		ids = arena_alloc(r->ctx.arena, sizeof(*ids) * (json_array_size(v) + 1));
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (!json_is_integer(x) || json_integer_value(x) < 1 || json_integer_value(x) > ID_MAX) {
				ctx_field(&r->ctx, name, "第 %zu 项应为村 id（正整数）", i + 1);
				break;
			}
			if (ids)
				ids[(*n)++] = (int64_t)json_integer_value(x);
		}
	}
	json_decref(v);
	return ids;
}



/* ------------------------------------------------------------------ shops */

static json_t *shop_json(const struct shop_info *i)
{
	json_t *villages = json_array();
	for (int k = 0; k < i->nvillages; k++)
		json_array_append_new(villages, json_pack("{s:I, s:s}", "id", (json_int_t)i->villages[k].id, "name",
							  i->villages[k].name));
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:o, s:b, s:o, s:I, s:b, s:b, s:b, s:o, s:o}",
			      "id", (json_int_t)i->s.id, "unit_id", (json_int_t)i->s.unit_id, "unit_kind",
			      i->s.unit_kind, "unit_name", i->unit_name, "name", i->s.name, "window_mode",
			      i->s.window_mode, "return_days", i->s.return_days, "preorder_hours", i->s.preorder_hours,
			      "villages", villages, "open", i->open, "closed_message",
			      i->open ? json_null() : json_string(i->closed_message), "goods", (json_int_t)i->goods,
			      "staff", i->staff, "can_admin", i->can_admin, "can_counter", i->can_counter,
			      "created_at", json_time(i->created_at), "updated_at", json_time(i->updated_at));
	if (i->staff)
		json_object_set_new(o, "low_stock", json_integer(i->low_stock));
	return o;
}

static int shop_reply(struct req *r, int64_t id)
{
	struct shop_info i;
	int rc = shop_read(&r->ctx, id, &i);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = shop_json(&i);
	return RC_OK;
}

int api_shops_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"unit_id", J_INT, true, 1, ID_MAX},
		{"name", J_STRING, false, 0, 0},
		{"window_mode", J_STRING, false, 0, 0},
		{"return_days", J_INT, false, INT32_MIN + 1, INT32_MAX},
		{"preorder_hours", J_INT, false, INT32_MIN + 1, INT32_MAX},
		{0},
	};
	int nv;
	bool given;
	int64_t *vids = take_ids(r, "village_ids", SHOP_VILLAGES_MAX, &nv, &given);
	req_check_body(r, spec); /* its errors are reported with the domain's */
	struct shop_input in = {.unit_id = req_int(r, "unit_id", 0), .name = req_str(r, "name"),
				.window_mode = req_str(r, "window_mode"),
				.return_days = (int)req_int(r, "return_days", SHOP_UNSET),
				.preorder_hours = (int)req_int(r, "preorder_hours", SHOP_UNSET), .village_ids = vids,
				.nvillages = nv};
	int64_t id;
	int rc = shop_create(&r->ctx, &in, &id);
	if (rc)
		return rc;
	r->status = 201;
	return shop_reply(r, id);
}

int api_shops_list(struct req *r)
{
	int64_t village, unit;
	int rc = req_query_int(r, "village_id", 1, ID_MAX, 0, &village);
	if (rc || (rc = req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit)))
		return rc;
	struct shop_info *items;
	int n;
	if ((rc = shop_list(&r->ctx, village, unit, &items, &n)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, shop_json(&items[i]));
	r->out = json_pack("{s:o}", "items", arr);
	return RC_OK;
}

int api_shop_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : shop_reply(r, id);
}

int api_shop_update(struct req *r)
{
	static const struct jfield spec[] = {
		{"name", J_STRING, false, 0, 0},
		{"window_mode", J_STRING, false, 0, 0},
		{"return_days", J_INT, false, INT32_MIN, INT32_MAX},
		{"preorder_hours", J_INT, false, INT32_MIN, INT32_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	int nv;
	bool given;
	int64_t *vids = take_ids(r, "village_ids", SHOP_VILLAGES_MAX, &nv, &given);
	req_check_body(r, spec);
	struct shop_patch p = {.name = req_str(r, "name"), .window_mode = req_str(r, "window_mode"),
			       .set_return_days = req_has(r, "return_days"),
			       .return_days = (int)req_int(r, "return_days", 0),
			       .set_preorder_hours = req_has(r, "preorder_hours"),
			       .preorder_hours = (int)req_int(r, "preorder_hours", 0), .set_villages = given,
			       .village_ids = vids, .nvillages = nv};
	if ((rc = shop_update(&r->ctx, id, &p)))
		return rc;
	return shop_reply(r, id);
}

/* ------------------------------------------------------------------ windows */

static json_t *window_json(struct req *r, const struct shop_window *w)
{
	const char *status = r->ctx.now < w->starts_at ? "upcoming" : r->ctx.now < w->ends_at ? "open" : "ended";
	return json_pack("{s:I, s:I, s:o, s:o, s:s, s:s}", "id", (json_int_t)w->id, "shop_id", (json_int_t)w->shop_id,
			 "starts_at", json_time(w->starts_at), "ends_at", json_time(w->ends_at), "note", w->note,
			 "status", status);
}

int api_shop_windows_list(struct req *r)
{
	int64_t id;
	bool all;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_query_flag(r, "all", &all)))
		return rc;
	struct shop_window *w;
	int n;
	if ((rc = shop_windows_list(&r->ctx, id, all, &w, &n)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, window_json(r, &w[i]));
	r->out = json_pack("{s:o}", "items", arr);
	return RC_OK;
}

/* An ISO 8601 time field of the body into *out (0 when absent or malformed). */
static void time_field(struct req *r, const char *name, const char *label, int64_t *out)
{
	*out = 0;
	const char *s = req_str(r, name);
	if (s && time_parse_iso(s, out))
		ctx_field(&r->ctx, name, "%s应为带时区的时间，如 2026-03-25T09:00:00+08:00", label);
}

int api_shop_windows_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"starts_at", J_STRING, false, 0, 0},
		{"ends_at", J_STRING, false, 0, 0},
		{"note", J_STRING, false, 0, 0},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, spec);
	int64_t starts, ends, wid;
	time_field(r, "starts_at", "开始时间", &starts);
	time_field(r, "ends_at", "结束时间", &ends);
	if ((rc = shop_window_add(&r->ctx, id, starts, ends, req_str(r, "note"), &wid)))
		return rc;
	struct shop_window w = {.id = wid, .shop_id = id, .starts_at = starts, .ends_at = ends};
	str_copy(w.note, sizeof(w.note), req_str(r, "note") ? req_str(r, "note") : "");
	r->status = 201;
	r->out = window_json(r, &w);
	return RC_OK;
}

int api_shop_window_delete(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = shop_window_delete(&r->ctx, id)))
		return rc;
	r->out = json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1);
	return RC_OK;
}

/* ------------------------------------------------------------------ goods */

static json_t *goods_json(const struct goods_info *i)
{
	const struct goods *g = &i->g;
	char url[64];
	snprintf(url, sizeof(url), "/api/v1/goods/%lld/photo", (long long)g->id);
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:o, s:b}", "id",
			      (json_int_t)g->id, "shop_id", (json_int_t)g->shop_id, "shop_name", i->shop_name, "name",
			      g->name, "category", g->category, "unit", g->unit, "price_points", g->price_points,
			      "stock", g->stock, "limit_count", g->limit_count, "limit_period",
			      str_or_null(g->limit_period), "photo_url", g->photo_hash[0] ? json_string(url) : json_null(),
			      "active", g->active);
	if (i->staff) {
		json_object_set_new(o, "photo_hash", str_or_null(g->photo_hash));
		json_object_set_new(o, "low_stock", json_integer(g->low_stock));
		json_object_set_new(o, "low", json_boolean(i->low));
		json_object_set_new(o, "created_at", json_time(i->created_at));
		json_object_set_new(o, "updated_at", json_time(i->updated_at));
	}
	return o;
}

static int goods_reply(struct req *r, int64_t id)
{
	struct goods_info g;
	int rc = goods_read(&r->ctx, id, &g);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = goods_json(&g);
	return RC_OK;
}

static const struct jfield goods_spec[] = {
	{"name", J_STRING, false, 0, 0},
	{"category", J_STRING, false, 0, 0},
	{"unit", J_STRING, false, 0, 0},
	{"photo_hash", J_STRING, false, 0, 0},
	{"price_points", J_INT, false, INT32_MIN, INT32_MAX},
	{"limit_count", J_INT, false, INT32_MIN, INT32_MAX},
	{"limit_period", J_STRING, false, 0, 0},
	{"low_stock", J_INT, false, INT32_MIN, INT32_MAX},
	{"active", J_BOOL, false, 0, 0},
	{0},
};

static void goods_body(struct req *r, struct goods_input *in)
{
	in->name = req_str(r, "name");
	in->category = req_str(r, "category");
	in->unit = req_str(r, "unit");
	in->photo_hash = req_str(r, "photo_hash");
	in->limit_period = req_str(r, "limit_period");
	in->price_points = (int)req_int(r, "price_points", 0);
	in->limit_count = (int)req_int(r, "limit_count", 0);
	in->low_stock = (int)req_int(r, "low_stock", 0);
	in->active = req_bool(r, "active", true);
}

int api_shop_goods_list(struct req *r)
{
	int64_t id;
	bool active;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_query_flag(r, "active", &active)))
		return rc;
	struct goods_info *items;
	int n;
	if ((rc = goods_list(&r->ctx, id, active, &items, &n)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, goods_json(&items[i]));
	r->out = json_pack("{s:o}", "items", arr);
	return RC_OK;
}

int api_shop_goods_create(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, goods_spec);
	struct goods_input in;
	goods_body(r, &in);
	int64_t gid;
	if ((rc = goods_create(&r->ctx, id, &in, &gid)))
		return rc;
	r->status = 201;
	return goods_reply(r, gid);
}

int api_goods_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : goods_reply(r, id);
}

int api_goods_update(struct req *r)
{
	static const struct {
		const char *name;
		unsigned field;
	} fields[] = {
		{"name", GF_NAME},		 {"category", GF_CATEGORY},	  {"unit", GF_UNIT},
		{"photo_hash", GF_PHOTO},	 {"price_points", GF_PRICE},	  {"limit_count", GF_LIMIT_COUNT},
		{"limit_period", GF_LIMIT_PERIOD}, {"low_stock", GF_LOW_STOCK}, {"active", GF_ACTIVE},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, goods_spec);
	unsigned mask = 0;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (present(r, fields[i].name))
			mask |= fields[i].field;
	/* only the photo and the limit period may be cleared with null */
	static const char *const not_null[] = {"name", "category", "unit", "price_points", "limit_count",
					       "low_stock", "active"};
	for (size_t i = 0; i < ARRAY_SIZE(not_null); i++)
		if (present(r, not_null[i]) && !req_has(r, not_null[i]))
			ctx_field(&r->ctx, not_null[i], "不能为 null");
	struct goods_input in;
	goods_body(r, &in);
	if ((rc = goods_update(&r->ctx, id, mask, &in)))
		return rc;
	return goods_reply(r, id);
}

int api_goods_photo(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	char mime[16];
	const void *data;
	size_t len;
	if ((rc = goods_photo(&r->ctx, id, mime, &data, &len)))
		return rc;
	req_reply_image(r, mime, data, len);
	u_map_put(r->resp->map_header, "Cache-Control", "private, max-age=3600");
	return RC_OK;
}

/* ------------------------------------------------------------------ stock */

static int move_reply(struct req *r, int64_t goods_id, int64_t move_id)
{
	struct goods_info g;
	int rc = goods_read(&r->ctx, goods_id, &g);
	if (rc)
		return rc;
	r->status = 201;
	json_decref(r->out);
	r->out = json_pack("{s:I, s:o}", "move_id", (json_int_t)move_id, "goods", goods_json(&g));
	return RC_OK;
}

int api_goods_stock_in(struct req *r)
{
	static const struct jfield spec[] = {
		{"supplier", J_STRING, false, 0, 0},
		{"quantity", J_INT, false, INT32_MIN, INT32_MAX},
		{"unit_cost", J_INT, false, INT32_MIN, INT64_MAX / 4},   /* ranges: the domain */
		{"funding", J_STRING, false, 0, 0},
		{"photo_hash", J_STRING, false, 0, 0},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, spec);
	struct stock_in_input in = {.supplier = req_str(r, "supplier"), .quantity = (int)req_int(r, "quantity", 0),
				    .unit_cost = req_int(r, "unit_cost", STOCK_COST_UNSET),
				    .funding = req_str(r, "funding"), .photo_hash = req_str(r, "photo_hash"),
				    .then = finance_shop_stock_in};
	int64_t move;
	if ((rc = stock_in(&r->ctx, id, &in, &move)))
		return rc;
	return move_reply(r, id, move);
}

int api_goods_adjust(struct req *r)
{
	static const struct jfield spec[] = {
		{"kind", J_STRING, false, 0, 0},
		{"quantity", J_INT, false, INT32_MIN, INT32_MAX},
		{"reason", J_STRING, false, 0, 0},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, spec);
	struct stock_adjust_input in = {.kind = req_str(r, "kind"), .quantity = (int)req_int(r, "quantity", 0),
					.reason = req_str(r, "reason")};
	int64_t move;
	if ((rc = stock_adjust(&r->ctx, id, &in, &move)))
		return rc;
	return move_reply(r, id, move);
}

int api_shop_low_stock(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct goods_info *items;
	int n;
	if ((rc = shop_low_stock(&r->ctx, id, &items, &n)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, goods_json(&items[i]));
	r->out = json_pack("{s:o}", "items", arr);
	return RC_OK;
}

/* ------------------------------------------------------------------ the stock ledger */

static json_t *qv_json(const struct stock_qv *q)
{
	return json_pack("{s:I, s:I}", "qty", (json_int_t)q->qty, "value", (json_int_t)q->value);
}

static json_t *ledger_row_json(const struct stock_ledger_row *w)
{
	json_t *o = json_pack("{s:o, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I}",
			      "goods_id", w->goods_id ? json_integer(w->goods_id) : json_null(), "name", w->name,
			      "unit", w->unit, "category", w->category, "active", w->active, "opening",
			      qv_json(&w->opening), "in", qv_json(&w->in), "out", qv_json(&w->out), "adjust",
			      qv_json(&w->adjust), "reserved", qv_json(&w->reserved), "released",
			      qv_json(&w->released), "closing", qv_json(&w->closing), "sold", (json_int_t)w->sold,
			      "returned", (json_int_t)w->returned, "points", (json_int_t)w->points);
	return o;
}

int api_shop_stock_ledger(struct req *r)
{
	int64_t id, goods;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_query_int(r, "goods_id", 1, ID_MAX, 0, &goods)))
		return rc;
	struct stock_ledger L;
	if ((rc = shop_stock_ledger(&r->ctx, id, goods, req_query(r, "from"), req_query(r, "to"), &L)))
		return rc;
	json_t *rows = json_array(), *funding = json_array();
	for (int i = 0; i < L.nrows; i++)
		json_array_append_new(rows, ledger_row_json(&L.rows[i]));
	for (int i = 0; i < 4; i++)
		json_array_append_new(funding, json_pack("{s:s, s:I, s:I, s:I}", "funding", L.funding[i].funding,
							 "count", (json_int_t)L.funding[i].count, "qty",
							 (json_int_t)L.funding[i].qty, "value",
							 (json_int_t)L.funding[i].value));
	r->out = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:I, s:I, s:I}", "shop_id",
			   (json_int_t)L.shop_id, "shop_name", L.shop_name, "from", L.from, "to", L.to, "period_start",
			   json_time(L.start), "period_end", json_time(L.end), "costing", "moving_average", "rows",
			   rows, "total", ledger_row_json(&L.total), "funding", funding, "purchases",
			   (json_int_t)L.total.in.value, "cost_of_redemptions", (json_int_t)L.total.out.value,
			   "points", (json_int_t)L.total.points);
	return RC_OK;
}

int api_shop_stock_ledger_export(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct export_file f;
	return req_reply_export(r, shop_export_stock_ledger(&r->ctx, id, req_query(r, "from"), req_query(r, "to"), &f), &f);
}

/* ------------------------------------------------------------------ reports */

static json_t *sales_goods_json(const struct shop_sales_goods *g)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "goods_id", (json_int_t)g->goods_id,
			 "name", g->name, "unit", g->unit, "category", g->category, "sold", (json_int_t)g->sold,
			 "returned", (json_int_t)g->returned, "qty", (json_int_t)g->qty, "points",
			 (json_int_t)g->points, "cost", (json_int_t)g->cost, "households", (json_int_t)g->households);
}

int api_shop_reports(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct shop_sales S;
	if ((rc = shop_sales_report(&r->ctx, id, req_query(r, "from"), req_query(r, "to"), &S)))
		return rc;
	json_t *goods = json_array(), *top = json_array(), *hh = json_array(), *periods = json_array(),
	       *villages = json_array();
	for (int i = 0; i < S.ngoods; i++)
		json_array_append_new(goods, sales_goods_json(&S.goods[i]));
	for (int i = 0; i < S.ntop; i++)
		json_array_append_new(top, sales_goods_json(&S.top[i]));
	for (int i = 0; i < S.nhouseholds; i++) {
		const struct shop_sales_household *h = &S.households_list[i];
		json_array_append_new(hh, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I}", "household_id",
						    (json_int_t)h->household_id, "household_number", h->number, "name",
						    h->name, "village", h->village, "receipts", (json_int_t)h->receipts,
						    "qty", (json_int_t)h->qty, "points", (json_int_t)h->points));
	}
	for (int i = 0; i < S.nperiods; i++) {
		const struct shop_sales_period *q = &S.periods[i];
		json_array_append_new(periods, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "period", q->label,
							 "receipts", (json_int_t)q->receipts, "households",
							 (json_int_t)q->households, "qty", (json_int_t)q->qty, "points",
							 (json_int_t)q->points, "cost", (json_int_t)q->cost));
	}
	for (int i = 0; i < S.nvillages; i++) {
		const struct shop_sales_village *v = &S.villages[i];
		json_array_append_new(villages, json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I}", "village_id",
							  (json_int_t)v->village_id, "name", v->name, "receipts",
							  (json_int_t)v->receipts, "households", (json_int_t)v->households,
							  "qty", (json_int_t)v->qty, "points", (json_int_t)v->points, "cost",
							  (json_int_t)v->cost));
	}
	r->out = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "shop_id",
			   (json_int_t)S.shop_id, "shop_name", S.shop_name, "from", S.from, "to", S.to, "period_start",
			   json_time(S.start), "period_end", json_time(S.end), "granularity", S.granularity, "sales",
			   (json_int_t)S.sales, "returns", (json_int_t)S.returns, "households",
			   (json_int_t)S.households, "qty", (json_int_t)S.qty, "points", (json_int_t)S.points, "cost",
			   (json_int_t)S.cost, "purchases", (json_int_t)S.purchases);
	json_object_set_new(r->out, "by_goods", goods);
	json_object_set_new(r->out, "top_goods", top);
	json_object_set_new(r->out, "by_household", hh);
	json_object_set_new(r->out, "by_period", periods);
	json_object_set_new(r->out, "by_village", villages);
	return RC_OK;
}

int api_shop_reports_export(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct export_file f;
	return req_reply_export(r, shop_export_report(&r->ctx, id, req_query(r, "from"), req_query(r, "to"), &f), &f);
}
