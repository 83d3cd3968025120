/* The shop counter's shared helpers (counter_internal.h): households, shops and their lock,
 * receipt numbers, items and limits, and the idempotency lookup. The locking order of
 * every writer is described in counter.h. */
#include "domain/shop/counter_internal.h"

/* ---- small helpers ---- */

bool ctr_is_villager_of(const struct ctx *c, int64_t household_id)
{
	return c->actor && household_id && c->actor->household_id == household_id &&
	       access_has_role(c, "villager");
}


/* A household's village, number and masked head name; RC_NOT_FOUND when none. */
int ctr_household_info(struct ctx *c, int64_t household_id, struct hh_info *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_query(c->db, "SELECT h.village_id, v.path, v.name, h.number, " PEOPLE_HEAD_NAME("h.id")
					     " FROM households h JOIN org_units v ON v.id = h.village_id WHERE h.id = ?",
				      "i", household_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取户");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = household_id;
		out->village_id = db_col_int(st, 0);
		str_copy(out->village_path, sizeof(out->village_path), db_col_text(st, 1));
		str_copy(out->village_name, sizeof(out->village_name), db_col_text(st, 2));
		str_copy(out->number, sizeof(out->number), db_col_text(st, 3));
		utf8_mask_name(db_col_text(st, 4), out->masked_name, sizeof(out->masked_name));
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取户");
}

/* A shop by id, reported on field when it does not exist. */
int ctr_load_shop(struct ctx *c, int64_t id, const char *field, struct shop *s)
{
	memset(s, 0, sizeof(*s));
	if (id <= 0)
		return ctx_field(c, field, "请选择积分超市");
	int rc = shop_get(c, id, s);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_field(c, field, "积分超市不存在");
	}
	return rc;
}

bool ctr_shop_staff(const struct ctx *c, const struct shop *s)
{
	return shop_can(c, s, P_SHOP_COUNTER) || shop_can(c, s, P_SHOP_ADMIN);
}

/* Takes the shop's row lock: every writer of the counter takes it first. */
int ctr_lock_shop(struct ctx *c, int64_t shop_id)
{
	int rc = db_run(c->db, "UPDATE shops SET receipt_seq = receipt_seq WHERE id = ?", "i", shop_id);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "积分超市");
}

/* Locks the shop's row and takes its next receipt number. */
int ctr_next_number(struct ctx *c, int64_t shop_id, char out[COUNTER_NUMBER_MAX])
{
	int64_t seq = 0;
	int rc = db_get_int(c->db, &seq, "UPDATE shops SET receipt_seq = receipt_seq + 1 WHERE id = ? "
					 "RETURNING receipt_seq", "i", shop_id);
	if (rc != DB_OK)
		return ctx_db_fail(c, rc == DB_DONE ? DB_ERROR : rc, "收据编号");
	char date[11];
	time_format_date(c->now, date);
	snprintf(out, COUNTER_NUMBER_MAX, "%lld-%.4s%.2s%.2s-%06lld", (long long)shop_id, date, date + 5,
		 date + 8, (long long)seq);
	return RC_OK;
}

/* The counter's keys are required; their shape is the kernel's (idem.h). */
void ctr_check_key(struct ctx *c, const char *key)
{
	idem_check_key(c, "idempotency_key", key, true);
}

/* The shape of a cart: 1..COUNTER_ITEMS_MAX lines, each good once, quantities in range. */
void ctr_check_items(struct ctx *c, const struct counter_item *items, int n)
{
	if (n < 1 || n > COUNTER_ITEMS_MAX) {
		ctx_field(c, "items", "请选择 1 到 %d 种商品", COUNTER_ITEMS_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		char f[48];
		if (items[i].goods_id <= 0) {
			snprintf(f, sizeof(f), "items[%d].goods_id", i);
			ctx_field(c, f, "请选择商品");
		}
		if (items[i].quantity < 1 || items[i].quantity > COUNTER_QTY_MAX) {
			snprintf(f, sizeof(f), "items[%d].quantity", i);
			ctx_field(c, f, "数量应在 1 到 %d 之间", COUNTER_QTY_MAX);
		}
		for (int j = 0; j < i; j++)
			if (items[j].goods_id == items[i].goods_id && items[i].goods_id > 0) {
				snprintf(f, sizeof(f), "items[%d].goods_id", i);
				ctx_field(c, f, "同一商品请合并为一行");
			}
	}
}

/* The goods of a cart, checked against the shop (and active unless any_state). Field
 * errors name the line. */
int ctr_load_goods(struct ctx *c, const struct shop *s, const struct counter_item *items, int n,
		      bool any_state, struct goods *out)
{
	for (int i = 0; i < n; i++) {
		char f[48];
		snprintf(f, sizeof(f), "items[%d].goods_id", i);
		int rc = goods_get(c, items[i].goods_id, &out[i]);
		if (rc == RC_NOT_FOUND || (rc == RC_OK && out[i].shop_id != s->id)) {
			ctx_clear(c);
			ctx_field(c, f, "本超市没有这种商品");
		} else if (rc) {
			return rc;
		} else if (!any_state && !out[i].active) {
			ctx_field(c, f, "「%s」已下架", out[i].name);
		}
	}
	return ctx_check_fields(c);
}

/* The Asia/Shanghai bounds [from, to) of the current period as instants; -1 when the
 * period is not one. */
static int period_instants(struct ctx *c, const char *period, int64_t *from, int64_t *to)
{
	char today[11], f[11], t[11];
	int64_t fd, td;
	time_format_date(c->now, today);
	if (!period || !period[0] || rules_period_bounds(period, today, f, t) || time_parse_date(f, &fd) ||
	    time_parse_date(t, &td))
		return -1;
	*from = time_cn_midnight(fd);
	*to = time_cn_midnight(td);
	return 0;
}

static const char *period_label(const char *period)
{
	return !strcmp(period, "month") ? "每月" : !strcmp(period, "quarter") ? "每季度" : "每年";
}

/* What counts against a good's limit for a household now (see counter.h), leaving out
 * one pre-order (or 0). *used is -1 when the good has no limit. */
int ctr_limit_used(struct ctx *c, const struct goods *g, int64_t household_id, int64_t except_preorder,
		      int *used)
{
	int64_t from, to, sold = 0, reserved = 0;
	*used = -1;
	if (g->limit_count <= 0 || period_instants(c, g->limit_period, &from, &to))
		return RC_OK;
	int rc = db_get_int(c->db, &sold,
			    "SELECT COALESCE(SUM(CASE WHEN r.kind = 'sale' THEN l.quantity ELSE -l.quantity END), 0) "
			    "FROM receipt_lines l JOIN receipts r ON r.id = l.receipt_id "
			    "LEFT JOIN receipts o ON o.id = r.original_id "
			    "WHERE r.household_id = ? AND l.goods_id = ? "
			    "AND COALESCE(o.created_at, r.created_at) >= ? AND COALESCE(o.created_at, r.created_at) < ?",
			    "iiii", household_id, g->id, from, to);
	if (rc == DB_OK)
		rc = db_get_int(c->db, &reserved,
				"SELECT COALESCE(SUM(l.quantity), 0) FROM preorder_lines l "
				"JOIN preorders p ON p.id = l.preorder_id WHERE p.household_id = ? AND l.goods_id = ? "
				"AND p.status = 'reserved' AND p.id <> ?",
				"iii", household_id, g->id, except_preorder);
	if (rc != DB_OK)
		return ctx_db_fail(c, rc, "兑换限额");
	int64_t u = sold + reserved;
	*used = u < 0 ? 0 : (int)u;
	return RC_OK;
}

/* RC_CONFLICT when a cart goes over a good's limit. */
int ctr_check_limits(struct ctx *c, const struct goods *g, const struct counter_item *items, int n,
			int64_t household_id)
{
	for (int i = 0; i < n; i++) {
		int used;
		int rc = ctr_limit_used(c, &g[i], household_id, 0, &used);
		if (rc)
			return rc;
		if (used >= 0 && used + items[i].quantity > g[i].limit_count) {
			int left = g[i].limit_count > used ? g[i].limit_count - used : 0;
			return ctx_fail(c, RC_CONFLICT, "「%s」每户%s限兑 %d %s，本期已兑（含预订）%d %s，还可兑 %d %s",
					g[i].name, period_label(g[i].limit_period), g[i].limit_count, g[i].unit, used,
					g[i].unit, left, g[i].unit);
		}
	}
	return RC_OK;
}

/* The points of a household's open pre-orders at current prices. */
int ctr_reserved_points(struct ctx *c, int64_t household_id, int64_t *out)
{
	*out = 0;
	int rc = db_get_int(c->db, out,
			    "SELECT COALESCE(SUM(l.quantity * g.price_points), 0) FROM preorders p "
			    "JOIN preorder_lines l ON l.preorder_id = p.id JOIN goods g ON g.id = l.goods_id "
			    "WHERE p.household_id = ? AND p.status = 'reserved'",
			    "i", household_id);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "预订");
}

/* "洗衣液×2、酱油×1" for audit snapshots. */
const char *ctr_lines_text(struct ctx *c, const struct goods *g, const struct counter_item *items, int n)
{
	struct buf b;
	buf_init(&b, 8192);
	for (int i = 0; i < n; i++)
		buf_addf(&b, "%s%s×%lld", i ? "、" : "", g[i].name, (long long)items[i].quantity);
	char *s = arena_strdup(c->arena, b.ptr ? b.ptr : "");
	buf_release(&b);
	return s;
}


/* ---- idempotency ---- */

/* The receipt an idempotency key made in a shop: *found = 0 when none. When it exists
 * and matches the request (kind, household when known, original sale, pre-order, and
 * the lines when items is given), *found is its id; otherwise RC_CONFLICT. */
int ctr_find_keyed(struct ctx *c, int64_t shop_id, const char *key, const char *kind, int64_t household_id,
		      int64_t original_id, int64_t preorder_id, const struct counter_item *items, int n,
		      int64_t *found)
{
	*found = 0;
	int64_t id = 0, hh = 0, orig = 0, pre = 0;
	char k[8] = "", number[COUNTER_NUMBER_MAX] = "";
	struct db_stmt *st = db_query(c->db, "SELECT id, kind, household_id, COALESCE(original_id, 0), "
					     "COALESCE(preorder_id, 0), number FROM receipts "
					     "WHERE shop_id = ? AND idempotency_key = ?", "it", shop_id, key);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取收据");
	if (db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		str_copy(k, sizeof(k), db_col_text(st, 1));
		hh = db_col_int(st, 2);
		orig = db_col_int(st, 3);
		pre = db_col_int(st, 4);
		str_copy(number, sizeof(number), db_col_text(st, 5));
	}
	db_finalize(st);
	if (!id)
		return RC_OK;
	bool same = !strcmp(k, kind) && (!household_id || hh == household_id) && orig == original_id &&
		    pre == preorder_id;
	if (same && items) {
		int rows = 0;
		st = db_query(c->db, "SELECT goods_id, quantity FROM receipt_lines WHERE receipt_id = ?", "i", id);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取收据");
		while (same && db_step(st) == DB_ROW) {
			int64_t g = db_col_int(st, 0), q = db_col_int(st, 1);
			bool hit = false;
			for (int i = 0; i < n && !hit; i++)
				hit = items[i].goods_id == g && items[i].quantity == q;
			same = hit;
			rows++;
		}
		db_finalize(st);
		same = same && rows == n;
	}
	if (!same)
		return ctx_fail(c, RC_CONFLICT, "这个幂等键已用于另一笔业务（收据 %s），新的兑换请生成新的键", number);
	*found = id;
	return RC_OK;
}
