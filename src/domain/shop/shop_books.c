/* The shop's books that the stock ledger, the redemption reports and their exports share:
 * who may read them, the period, and the valuation. Money is valued by the moving
 * weighted average cost described in shop.h; one pass over a shop's movements in the
 * order they were made (books_valuate) gives every movement its value, and all the sums
 * are taken from that pass. Also the stock's invariant check for `cunzhi verify`. */
#include "domain/kernel/access.h"
#include "domain/shop/shop_books_internal.h"
#include "util/buf.h"

#define MOVES_MAX 2000000              /* movements of one shop valued in one pass */
#define REPORT_SPAN_MAX (20 * 366)     /* days of one report or ledger */

/* ------------------------------------------------------------------ access */

/* The shop, for its books: P_SHOP_ADMIN on it or P_AUDIT_READ on its unit; readers of the
 * shop without them are refused, others do not see it. */
int books_load(struct ctx *c, int64_t shop_id, struct shop *s, const char *what)
{
	int rc = shop_get(c, shop_id, s);
	if (rc)
		return rc;
	if (shop_can(c, s, P_SHOP_ADMIN | P_AUDIT_READ))
		return RC_OK;
	struct shop_info info;
	if (shop_read(c, shop_id, &info)) {
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "积分超市不存在");
	}
	return ctx_fail(c, RC_FORBIDDEN, "无权查看「%s」的%s", s->name, what);
}

/* Both dates required, at most REPORT_SPAN_MAX days apart. */
int books_period(struct ctx *c, const char *from, const char *to, int64_t *start, int64_t *end)
{
	int rc = export_period_bounds(c, from, to, true, start, end);
	if (rc)
		return rc;
	if ((*end - *start) / 86400 > REPORT_SPAN_MAX)
		return ctx_field(c, "to", "期间最长 20 年");
	return RC_OK;
}

/* ------------------------------------------------------------------ valuation */

/* The shop's goods (or the one good) by id. */
int books_goods(struct ctx *c, int64_t shop_id, int64_t goods_id, struct vgood **out, int *n)
{
	*n = 0;
	int64_t count = 0;
	int dbrc = db_get_int(c->db, &count, "SELECT count(*) FROM goods WHERE shop_id = ? AND (CAST(? AS BIGINT) = 0 OR id = ?)",
			      "iii", shop_id, goods_id, goods_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取商品");
	if (goods_id && !count)
		return ctx_field(c, "goods_id", "本店没有这种商品");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(count + 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT id, name, unit, category, active FROM goods "
					     "WHERE shop_id = ? AND (CAST(? AS BIGINT) = 0 OR id = ?) ORDER BY id",
				      "iii", shop_id, goods_id, goods_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取商品");
	dbrc = DB_DONE;
	while (*n < count && (dbrc = db_step(st)) == DB_ROW) {
		struct vgood *g = &(*out)[(*n)++];
		g->id = db_col_int(st, 0);
		g->name = arena_strdup(c->arena, db_col_text(st, 1));
		g->unit = arena_strdup(c->arena, db_col_text(st, 2));
		g->category = arena_strdup(c->arena, db_col_text(st, 3));
		g->active = db_col_int(st, 4) != 0;
	}
	db_finalize(st);
	for (int i = 0; i < *n; i++)
		if (!(*out)[i].name || !(*out)[i].unit || !(*out)[i].category)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取商品");
}

static struct vgood *find_vgood(struct vgood *g, int n, int64_t id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (g[mid].id == id)
			return &g[mid];
		if (g[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* value × part / whole, rounded to the nearest 分 (value >= 0, whole > 0). */
static int64_t share(int64_t value, int64_t part, int64_t whole)
{
	__int128 x = (__int128)value * part;
	return (int64_t)((2 * x + whole) / (2 * (__int128)whole));
}

/* Values the shop's movements made before end, in the order they were made, calling fn
 * with each (after its good's state was updated). goods must come from books_goods;
 * movements of other goods are skipped. */
int books_valuate(struct ctx *c, int64_t shop_id, int64_t goods_id, int64_t end, struct vgood *goods, int ngoods,
		  vmove_fn fn, void *user)
{
	int64_t count = 0;
	int dbrc = db_get_int(c->db, &count, "SELECT count(*) FROM stock_moves WHERE shop_id = ? AND at < ?", "ii",
			      shop_id, end);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取库存台账");
	if (count > MOVES_MAX)
		return ctx_fail(c, RC_TOO_LARGE, "库存变动超过 %d 条，无法一次计算", MOVES_MAX);
	struct db_stmt *st = db_query(
		c->db,
		"SELECT m.id, m.goods_id, m.kind, m.quantity, m.unit_cost, m.at, COALESCE(m.receipt_id, 0), "
		"COALESCE(h.village_id, 0), COALESCE(m.funding, ''), m.supplier, m.reason, COALESCE(r.number, ''), "
		"COALESCE(u.name, '') FROM stock_moves m LEFT JOIN receipts r ON r.id = m.receipt_id "
		"LEFT JOIN households h ON h.id = r.household_id LEFT JOIN users u ON u.id = m.actor_id "
		"WHERE m.shop_id = ? AND m.at < ? AND (CAST(? AS BIGINT) = 0 OR m.goods_id = ?) ORDER BY m.id",
		"iiii", shop_id, end, goods_id, goods_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取库存台账");
	int rc = RC_OK;
	while (!rc && (dbrc = db_step(st)) == DB_ROW) {
		struct vgood *g = find_vgood(goods, ngoods, db_col_int(st, 1));
		if (!g)
			continue;
		struct vmove m = {
			.id = db_col_int(st, 0), .kind = db_col_text(st, 2), .qty = db_col_int(st, 3),
			.unit_cost = db_col_int(st, 4), .at = db_col_int(st, 5), .receipt_id = db_col_int(st, 6),
			.village_id = db_col_int(st, 7), .funding = db_col_text(st, 8), .supplier = db_col_text(st, 9),
			.reason = db_col_text(st, 10), .receipt_number = db_col_text(st, 11),
			.actor_name = db_col_text(st, 12), .g = g,
		};
		if (!strcmp(m.kind, "in")) {
			m.value = m.qty * m.unit_cost;
			g->last_cost = m.unit_cost;
		} else if (m.qty < 0) {
			/* leaves at the average; the last units take what is left */
			m.value = -(-m.qty >= g->qty ? g->value : share(g->value, -m.qty, g->qty));
		} else {
			/* comes back at the average, or at the latest cost when none is left */
			m.value = g->qty > 0 ? share(g->value, m.qty, g->qty) : m.qty * g->last_cost;
		}
		g->qty += m.qty;
		g->value += m.value;
		rc = fn ? fn(c, &m, user) : RC_OK;
	}
	db_finalize(st);
	if (rc)
		return rc;
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取库存台账");
}

int books_sales(struct ctx *c, int64_t shop_id, int64_t start, int64_t end, struct goods_sales **out, int *n,
		int max)
{
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(max + 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(
		c->db,
		"SELECT l.goods_id, SUM(CASE WHEN r.kind = 'sale' THEN l.quantity ELSE 0 END), "
		"SUM(CASE WHEN r.kind = 'return' THEN l.quantity ELSE 0 END), "
		"SUM(CASE WHEN r.kind = 'sale' THEN l.quantity * l.price_points ELSE -l.quantity * l.price_points END), "
		"COUNT(DISTINCT CASE WHEN r.kind = 'sale' THEN r.household_id END) "
		"FROM receipt_lines l JOIN receipts r ON r.id = l.receipt_id "
		"WHERE r.shop_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY l.goods_id ORDER BY l.goods_id",
		"iii", shop_id, start, end);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取兑换记录");
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW && *n < max) {
		struct goods_sales *g = &(*out)[(*n)++];
		g->goods_id = db_col_int(st, 0);
		g->sold = db_col_int(st, 1);
		g->returned = db_col_int(st, 2);
		g->points = db_col_int(st, 3);
		g->households = db_col_int(st, 4);
	}
	db_finalize(st);
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取兑换记录");
}

const struct goods_sales *books_find_sales(const struct goods_sales *s, int n, int64_t goods_id)
{
	for (int i = 0; i < n; i++)
		if (s[i].goods_id == goods_id)
			return &s[i];
	return NULL;
}

/* ------------------------------------------------------------------ verify */

enum result shop_verify(struct ctx *c, struct shop_report *r)
{
	memset(r, 0, sizeof(*r));
	/* every movement belongs to its good's shop, and running through a good's
	 * movements in order its stock never goes below 0 */
	struct db_stmt *st = db_query(c->db, "SELECT m.id, m.goods_id, m.shop_id, g.shop_id, m.quantity "
					     "FROM stock_moves m JOIN goods g ON g.id = m.goods_id ORDER BY m.goods_id, m.id",
				      "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "库存校验");
	int64_t good = -1, stock = 0;
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		r->moves++;
		if (r->broken)
			continue;
		int64_t id = db_col_int(st, 0), gid = db_col_int(st, 1);
		if (gid != good) {
			good = gid;
			stock = 0;
		}
		stock += db_col_int(st, 4);
		const char *why = db_col_int(st, 2) != db_col_int(st, 3) ? "库存变动记在了别的积分超市"
				  : stock < 0				  ? "按顺序累计时库存出现负数"
									  : NULL;
		if (why) {
			r->broken = true;
			r->goods_id = gid;
			r->shop_id = db_col_int(st, 3);
			r->move_id = id;
			str_copy(r->reason, sizeof(r->reason), why);
		}
	}
	db_finalize(st);
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "库存校验");
	/* each good's stock equals the sum of its movements */
	st = db_query(c->db, "SELECT g.id, g.shop_id, g.stock, "
			     "COALESCE((SELECT SUM(m.quantity) FROM stock_moves m WHERE m.goods_id = g.id), 0) "
			     "FROM goods g ORDER BY g.id",
		      "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "库存校验");
	while ((dbrc = db_step(st)) == DB_ROW) {
		r->goods++;
		if (r->broken)
			continue;
		int64_t have = db_col_int(st, 2), sum = db_col_int(st, 3);
		if (have != sum || have < 0) {
			r->broken = true;
			r->goods_id = db_col_int(st, 0);
			r->shop_id = db_col_int(st, 1);
			snprintf(r->reason, sizeof(r->reason), "库存 %lld 与变动合计 %lld 不符", (long long)have,
				 (long long)sum);
		}
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "库存校验");
}
