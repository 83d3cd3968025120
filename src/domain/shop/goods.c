/* Goods of the points shop (积分超市) and every change of their stock: stock_apply (the
 * one way a stock level moves: counter sales and returns, stock-in, adjustments), the
 * collective's stock-ins for 三务公开, and the low-stock list. */
#include "domain/kernel/audit.h"
#include "domain/kernel/files.h"
#include "domain/kernel/scope.h"
#include "domain/shop/shop_internal.h"
#include "util/buf.h"

const char *const stock_fundings[] = {"集体经济", "捐赠", "财政", "其他", NULL};

static const struct {
	const char *kind, *label;
} adjust_kinds[] = {
	{"loss", "损耗"},
	{"damage", "损坏"},
	{"count", "盘点"},
};

/* ------------------------------------------------------------------ goods */

#define GOODS_COLS                                                                                    \
	"g.id, g.shop_id, g.name, g.category, COALESCE(g.photo_hash, ''), g.price_points, g.unit, g.stock, " \
	"g.limit_count, COALESCE(g.limit_period, ''), g.low_stock, g.active, g.created_at, g.updated_at, "  \
	"s.name "
#define GOODS_FROM "FROM goods g JOIN shops s ON s.id = g.shop_id "

static void read_goods(struct db_stmt *st, struct goods_info *o)
{
	memset(o, 0, sizeof(*o));
	struct goods *g = &o->g;
	g->id = db_col_int(st, 0);
	g->shop_id = db_col_int(st, 1);
	str_copy(g->name, sizeof(g->name), db_col_text(st, 2));
	str_copy(g->category, sizeof(g->category), db_col_text(st, 3));
	str_copy(g->photo_hash, sizeof(g->photo_hash), db_col_text(st, 4));
	g->price_points = (int)db_col_int(st, 5);
	str_copy(g->unit, sizeof(g->unit), db_col_text(st, 6));
	g->stock = (int)db_col_int(st, 7);
	g->limit_count = (int)db_col_int(st, 8);
	str_copy(g->limit_period, sizeof(g->limit_period), db_col_text(st, 9));
	g->low_stock = (int)db_col_int(st, 10);
	g->active = db_col_int(st, 11) != 0;
	o->created_at = db_col_int(st, 12);
	o->updated_at = db_col_int(st, 13);
	str_copy(o->shop_name, sizeof(o->shop_name), db_col_text(st, 14));
	o->low = g->active && g->stock <= g->low_stock;
}

static int load_goods(struct ctx *c, int64_t id, struct goods_info *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " GOODS_COLS GOODS_FROM "WHERE g.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取商品");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_goods(st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "商品不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取商品");
}

enum result goods_get(struct ctx *c, int64_t id, struct goods *out)
{
	struct goods_info gi;
	int rc = load_goods(c, id, &gi);
	if (rc == RC_OK)
		*out = gi.g;
	else
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Field errors for a photo: a stored file uploaded by the actor, or the one the good
 * already has. */
static void check_photo(struct ctx *c, const char *field, const char *hash, const char *current)
{
	if (!hash || !hash[0] || (current && !strcmp(hash, current)))
		return;
	int64_t by = -1;
	if (files_hash_valid(hash) &&
	    /* any account that uploaded these bytes owns them */
	    db_get_int(c->db, &by, "SELECT CASE WHEN EXISTS (SELECT 1 FROM file_owners o WHERE o.hash = f.hash AND "
				   "o.user_id = ?) THEN ? ELSE -2 END FROM files f WHERE f.hash = ? AND f.mime LIKE 'image/%'",
		       "iit", ctx_actor_id(c), ctx_actor_id(c), hash) == DB_OK &&
	    (c->system || by == ctx_actor_id(c)))
		return;
	ctx_field(c, field, "照片不存在或不是你上传的，请重新上传");
}

/* Checks the fields in mask of in, for the good `old` (NULL for a new one) of shop_id;
 * v is the result of applying them to old. */
static int check_goods(struct ctx *c, int64_t shop_id, const struct goods *old, unsigned mask,
		       const struct goods_input *in, struct goods *v)
{
	if (old)
		*v = *old;
	else
		memset(v, 0, sizeof(*v));
	if (mask & GF_NAME) {
		ctx_check_text(c, "name", in->name, GOODS_NAME_MAX, CTX_TEXT_REQUIRED, "商品名称");
		if (in->name && in->name[0]) {
			struct db_stmt *st = db_query(c->db, "SELECT active FROM goods WHERE shop_id = ? AND name = ? "
							     "AND id <> ?", "iti", shop_id, in->name,
						      old ? old->id : 0);
			if (!st)
				return ctx_db_fail(c, DB_ERROR, "读取商品");
			int dbrc = db_step(st);
			bool active = dbrc == DB_ROW && db_col_int(st, 0);
			db_finalize(st);
			if (dbrc == DB_ROW)
				ctx_field(c, "name", "本店已有「%s」%s", in->name, active ? "" : "（已下架，可重新上架）");
			else if (dbrc != DB_DONE)
				return ctx_db_fail(c, dbrc, "读取商品");
		}
		str_copy(v->name, sizeof(v->name), in->name ? in->name : "");
	}
	if (mask & GF_CATEGORY) {
		ctx_check_text(c, "category", in->category, GOODS_CATEGORY_MAX, CTX_TEXT_OPTIONAL, "商品类别");
		str_copy(v->category, sizeof(v->category), in->category ? in->category : "");
	}
	if (mask & GF_UNIT) {
		ctx_check_text(c, "unit", in->unit, GOODS_UNIT_MAX, CTX_TEXT_REQUIRED, "计量单位");
		str_copy(v->unit, sizeof(v->unit), in->unit ? in->unit : "");
	}
	if (mask & GF_PHOTO) {
		check_photo(c, "photo_hash", in->photo_hash, old ? old->photo_hash : NULL);
		str_copy(v->photo_hash, sizeof(v->photo_hash), in->photo_hash ? in->photo_hash : "");
	}
	if (mask & GF_PRICE) {
		if (in->price_points < 1 || in->price_points > GOODS_PRICE_MAX)
			ctx_field(c, "price_points", "兑换积分应在 1 到 %d 之间", GOODS_PRICE_MAX);
		v->price_points = in->price_points;
	}
	if (mask & GF_LOW_STOCK) {
		if (in->low_stock < 0 || in->low_stock > GOODS_LOW_STOCK_MAX)
			ctx_field(c, "low_stock", "库存预警值应在 0 到 %d 之间", GOODS_LOW_STOCK_MAX);
		v->low_stock = in->low_stock;
	}
	if (mask & GF_ACTIVE)
		v->active = in->active;
	if (mask & GF_LIMIT_COUNT) {
		if (in->limit_count < 0 || in->limit_count > GOODS_LIMIT_MAX)
			ctx_field(c, "limit_count", "每户限兑数量应在 0 到 %d 之间（0 为不限）", GOODS_LIMIT_MAX);
		v->limit_count = in->limit_count;
		if (in->limit_count == 0 && !(mask & GF_LIMIT_PERIOD))
			v->limit_period[0] = 0; /* no limit, no period */
	}
	if (mask & GF_LIMIT_PERIOD) {
		const char *p = in->limit_period ? in->limit_period : "";
		if (p[0] && strcmp(p, "month") && strcmp(p, "quarter") && strcmp(p, "year"))
			ctx_field(c, "limit_period", "限兑周期应为 month（每月）、quarter（每季度）或 year（每年）");
		str_copy(v->limit_period, sizeof(v->limit_period), p);
	}
	if (v->limit_count > 0 && !v->limit_period[0])
		ctx_field(c, "limit_period", "设置了每户限兑数量，请选择限兑周期（每月、每季度或每年）");
	else if (v->limit_count == 0 && v->limit_period[0] && (mask & GF_LIMIT_PERIOD))
		ctx_field(c, "limit_period", "不限兑时不需要限兑周期");
	return ctx_check_fields(c);
}

static void snap_goods(struct buf *b, const struct goods *g)
{
	audit_snap_begin(b);
	audit_snap_str(b, "name", g->name);
	audit_snap_str(b, "category", g->category);
	audit_snap_str(b, "unit", g->unit);
	audit_snap_str(b, "photo_hash", g->photo_hash[0] ? g->photo_hash : NULL);
	audit_snap_int(b, "price_points", g->price_points);
	audit_snap_int(b, "limit_count", g->limit_count);
	audit_snap_str(b, "limit_period", g->limit_period[0] ? g->limit_period : NULL);
	audit_snap_int(b, "low_stock", g->low_stock);
	audit_snap_int(b, "active", g->active);
	audit_snap_end(b);
}

enum result goods_create(struct ctx *c, int64_t shop_id, const struct goods_input *in, int64_t *id)
{
	*id = 0;
	struct shop s;
	int rc = shop_load_for_admin(c, shop_id, &s, "上架商品");
	if (rc)
		return rc;
	struct goods v;
	if ((rc = check_goods(c, shop_id, NULL, ~0u, in, &v)))
		return rc;
	int64_t n = 0;
	if (db_get_int(c->db, &n, "SELECT count(*) FROM goods WHERE shop_id = ?", "i", shop_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取商品");
	if (n >= SHOP_GOODS_MAX)
		return ctx_fail(c, RC_CONFLICT, "一个积分超市最多 %d 种商品", SHOP_GOODS_MAX);
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO goods (shop_id, name, category, photo_hash, price_points, unit, stock, "
			      "limit_count, limit_period, low_stock, active, created_at, updated_at) "
			      "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "itttititiiii", shop_id, v.name, v.category,
			      v.photo_hash[0] ? v.photo_hash : NULL, (int64_t)v.price_points, v.unit,
			      (int64_t)v.limit_count, v.limit_period[0] ? v.limit_period : NULL, (int64_t)v.low_stock,
			      (int64_t)(v.active ? 1 : 0), c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "上架商品"));
	struct buf after;
	snap_goods(&after, &v);
	rc = audit_record(c, s.unit_id, "goods", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* goods_update inside its transaction: the goods read there, so that the fields the
 * request leaves alone are written back as they are, not as they were before a change
 * made while it waited for its turn */
static enum result update_in(struct ctx *c, int64_t id, unsigned mask, const struct goods_input *in)
{
	struct goods_info old;
	int rc = ctx_lock_row(c, "SELECT id FROM goods WHERE id = ? FOR UPDATE", id);
	if (rc || (rc = load_goods(c, id, &old)))
		return rc;
	struct shop s;
	if ((rc = shop_load_for_admin(c, old.g.shop_id, &s, "修改商品")) == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "商品不存在");
	}
	if (rc)
		return rc;
	struct goods v;
	if ((rc = check_goods(c, s.id, &old.g, mask, in, &v)))
		return rc;
	/* stock is the counter's: it is not written here */
	int dbrc = db_run(c->db,
			  "UPDATE goods SET name = ?, category = ?, photo_hash = ?, price_points = ?, unit = ?, "
			  "limit_count = ?, limit_period = ?, low_stock = ?, active = ?, updated_at = ? WHERE id = ?",
			  "tttititiiii", v.name, v.category, v.photo_hash[0] ? v.photo_hash : NULL,
			  (int64_t)v.price_points, v.unit, (int64_t)v.limit_count,
			  v.limit_period[0] ? v.limit_period : NULL, (int64_t)v.low_stock, (int64_t)(v.active ? 1 : 0),
			  c->now, id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "修改商品");
	struct buf before, after;
	snap_goods(&before, &old.g);
	snap_goods(&after, &v);
	rc = audit_record(c, s.unit_id, "goods", id, "update", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return rc;
}

enum result goods_update(struct ctx *c, int64_t id, unsigned mask, const struct goods_input *in)
{
	enum result rc = ctx_begin(c);
	return rc ? rc : ctx_end(c, update_in(c, id, mask, in));
}

enum result goods_read(struct ctx *c, int64_t id, struct goods_info *out)
{
	int rc = load_goods(c, id, out);
	if (rc)
		return rc;
	struct shop s;
	if ((rc = shop_get(c, out->g.shop_id, &s)))
		return rc;
	bool staff;
	if (!shop_can_read(c, &s, &staff) || (!staff && !out->g.active))
		return ctx_fail(c, RC_NOT_FOUND, "商品不存在");
	out->staff = staff;
	if (!staff)
		out->low = false;
	return RC_OK;
}

enum result goods_list(struct ctx *c, int64_t shop_id, bool active_only, struct goods_info **out, int *n)
{
	*n = 0;
	struct shop s;
	int rc = shop_get(c, shop_id, &s);
	if (rc)
		return rc;
	bool staff;
	if (!shop_can_read(c, &s, &staff))
		return ctx_fail(c, RC_NOT_FOUND, "积分超市不存在");
	if (!staff)
		active_only = true;
	struct db_stmt *st = db_query(c->db,
				      active_only ? "SELECT " GOODS_COLS GOODS_FROM
						    "WHERE g.shop_id = ? AND g.active = 1 ORDER BY g.category, g.name, g.id"
						  : "SELECT " GOODS_COLS GOODS_FROM
						    "WHERE g.shop_id = ? ORDER BY g.active DESC, g.category, g.name, g.id",
				      "i", shop_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取商品");
	int64_t count = 0;
	if (db_get_int(c->db, &count, "SELECT count(*) FROM goods WHERE shop_id = ?", "i", shop_id) != DB_OK) {
		db_finalize(st);
		return ctx_db_fail(c, DB_ERROR, "读取商品");
	}
	if (count > SHOP_GOODS_MAX)
		count = SHOP_GOODS_MAX;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(count + 1));
	int dbrc = DB_DONE;
	while (*out && *n < count && (dbrc = db_step(st)) == DB_ROW) {
		struct goods_info *g = &(*out)[(*n)++];
		read_goods(st, g);
		g->staff = staff;
		if (!staff)
			g->low = false;
	}
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取商品");
}

enum result goods_photo(struct ctx *c, int64_t id, char mime[16], const void **data, size_t *len)
{
	struct goods_info g;
	int rc = goods_read(c, id, &g);
	if (rc)
		return rc;
	if (!g.g.photo_hash[0])
		return ctx_fail(c, RC_NOT_FOUND, "该商品没有照片");
	struct file_info fi;
	if ((rc = files_read(c, g.g.photo_hash, &fi, data, len)))
		return rc;
	str_copy(mime, 16, fi.mime);
	return RC_OK;
}

/* ------------------------------------------------------------------ stock */

enum result stock_apply(struct ctx *c, const struct stock_move *m, int64_t *move_id)
{
	*move_id = 0;
	const char *k = m->kind ? m->kind : "";
	bool ok = m->quantity != 0 &&
		  ((!strcmp(k, "in") || !strcmp(k, "return") || !strcmp(k, "release")) ? m->quantity > 0
		   : (!strcmp(k, "out") || !strcmp(k, "reserve"))			  ? m->quantity < 0
											  : !strcmp(k, "adjust"));
	if (!ok || m->unit_cost < 0)
		return ctx_fail(c, RC_INTERNAL, "库存变动有误（%s %d）", k, m->quantity);
	int64_t stock = 0;
	/* the conditional update: stock never goes below 0, and the row lock it takes makes
	 * concurrent movements of one good run one after another */
	int dbrc = db_get_int(c->db, &stock, "UPDATE goods SET stock = stock + ? WHERE id = ? AND shop_id = ? "
					     "AND stock + ? >= 0 RETURNING stock",
			      "iiii", (int64_t)m->quantity, m->goods_id, m->shop_id, (int64_t)m->quantity);
	if (dbrc == DB_DONE) {
		struct goods g;
		int rc = goods_get(c, m->goods_id, &g);
		if (rc == RC_OK && g.shop_id != m->shop_id)
			rc = ctx_fail(c, RC_NOT_FOUND, "商品不存在");
		if (rc)
			return rc;
		return ctx_fail(c, RC_CONFLICT, "「%s」库存不足，只剩 %d %s", g.name, g.stock, g.unit);
	}
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "更新库存");
	dbrc = db_get_int(c->db, move_id,
			  "INSERT INTO stock_moves (shop_id, goods_id, kind, quantity, unit_cost, funding, supplier, "
			  "photo_hash, reason, receipt_id, preorder_id, actor_id, at) "
			  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), "
			  "NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
			  "iitiitttt" "iiii", m->shop_id, m->goods_id, k, (int64_t)m->quantity, m->unit_cost,
			  m->funding && m->funding[0] ? m->funding : NULL, m->supplier ? m->supplier : "",
			  m->photo_hash && m->photo_hash[0] ? m->photo_hash : NULL, m->reason ? m->reason : "",
			  m->receipt_id, m->preorder_id, ctx_actor_id(c), c->now);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "记录库存变动");
}

/* Loads a good for a stock change (P_SHOP_ADMIN on its shop). */
static int load_for_stock(struct ctx *c, int64_t goods_id, struct goods_info *g, struct shop *s, const char *what)
{
	int rc = load_goods(c, goods_id, g);
	if (rc)
		return rc;
	if ((rc = shop_load_for_admin(c, g->g.shop_id, s, what)) == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "商品不存在");
	}
	return rc;
}

/* Audits a stock change with the stock after it. */
static int audit_move(struct ctx *c, const struct shop *s, const struct goods_info *g, int64_t move_id,
		      const char *action, const struct stock_move *m)
{
	int64_t stock = 0;
	int dbrc = db_get_int(c->db, &stock, "SELECT stock FROM goods WHERE id = ?", "i", g->g.id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取库存");
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "goods_id", g->g.id);
	audit_snap_str(&after, "goods_name", g->g.name);
	audit_snap_str(&after, "kind", m->kind);
	audit_snap_int(&after, "quantity", m->quantity);
	audit_snap_int(&after, "unit_cost", m->unit_cost);
	audit_snap_str(&after, "funding", m->funding);
	audit_snap_str(&after, "supplier", m->supplier);
	audit_snap_str(&after, "photo_hash", m->photo_hash && m->photo_hash[0] ? m->photo_hash : NULL);
	audit_snap_str(&after, "reason", m->reason);
	audit_snap_int(&after, "stock", stock);
	audit_snap_end(&after);
	int rc = audit_record(c, s->unit_id, "stock_move", move_id, action, "{}", after.ptr);
	buf_release(&after);
	return rc;
}

enum result stock_in(struct ctx *c, int64_t goods_id, const struct stock_in_input *in, int64_t *move_id)
{
	*move_id = 0;
	struct goods_info g;
	struct shop s;
	int rc = load_for_stock(c, goods_id, &g, &s, "入库");
	if (rc)
		return rc;
	ctx_check_text(c, "supplier", in->supplier, STOCK_SUPPLIER_MAX, CTX_TEXT_REQUIRED, "供货方");
	if (in->quantity < 1 || in->quantity > STOCK_QTY_MAX)
		ctx_field(c, "quantity", "入库数量应在 1 到 %d 之间", STOCK_QTY_MAX);
	if (in->unit_cost == STOCK_COST_UNSET)
		ctx_field(c, "unit_cost", "请填写进价（单价，单位：分；捐赠可填 0）");
	else if (in->unit_cost < 0 || in->unit_cost > STOCK_COST_MAX)
		ctx_field(c, "unit_cost", "进价应在 0 到 %lld 分之间", STOCK_COST_MAX);
	if (!str_in(in->funding, stock_fundings))
		ctx_field(c, "funding", "资金来源应为 集体经济、捐赠、财政 或 其他");
	check_photo(c, "photo_hash", in->photo_hash, NULL);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct stock_move m = {.shop_id = s.id, .goods_id = goods_id, .kind = "in", .quantity = in->quantity,
			       .unit_cost = in->unit_cost, .funding = in->funding, .supplier = in->supplier,
			       .photo_hash = in->photo_hash, .reason = ""};
	if ((rc = ctx_begin(c)))
		return rc;
	rc = stock_apply(c, &m, move_id);
	if (!rc)
		rc = audit_move(c, &s, &g, *move_id, "stock_in", &m);
	if (!rc && in->then)
		rc = in->then(c, *move_id, in->then_arg);
	return ctx_end(c, rc);
}

#define COLLECTIVE_COLS                                                                                           \
	"m.id, m.shop_id, COALESCE(m.actor_id, 0), m.at, m.quantity, m.unit_cost, s.name, g.name, g.unit, "      \
	"m.supplier, COALESCE(m.photo_hash, ''), s.unit_id "                                                       \
	"FROM stock_moves m JOIN shops s ON s.id = m.shop_id JOIN goods g ON g.id = m.goods_id "                  \
	"WHERE m.kind = 'in' AND m.funding = '集体经济' "

static void read_collective(struct ctx *c, struct db_stmt *st, struct shop_collective_in *x)
{
	x->move_id = db_col_int(st, 0);
	x->shop_id = db_col_int(st, 1);
	x->actor_id = db_col_int(st, 2);
	x->at = db_col_int(st, 3);
	x->quantity = db_col_int(st, 4);
	x->unit_cost = db_col_int(st, 5);
	x->shop_name = arena_strdup(c->arena, db_col_text(st, 6));
	x->goods_name = arena_strdup(c->arena, db_col_text(st, 7));
	x->unit = arena_strdup(c->arena, db_col_text(st, 8));
	x->supplier = arena_strdup(c->arena, db_col_text(st, 9));
	x->photo_hash = arena_strdup(c->arena, db_col_text(st, 10));
}

enum result shop_collective_stock_in(struct ctx *c, int64_t move_id, int64_t *unit_id, struct shop_collective_in *out,
				     bool *found)
{
	*found = false;
	*unit_id = 0;
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_query(c->db, "SELECT " COLLECTIVE_COLS "AND m.id = ?", "i", move_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取入库记录");
	if (db_step(st) == DB_ROW) {
		read_collective(c, st, out);
		*unit_id = db_col_int(st, 11);
		*found = true;
	}
	db_finalize(st);
	return RC_OK;
}

enum result shop_collective_stock_ins(struct ctx *c, int64_t village_id, int64_t until,
				      struct shop_collective_in **out, int *n)
{
	*out = NULL;
	*n = 0;
	int64_t count = 0;
	if (db_get_int(c->db, &count, "SELECT count(*) FROM stock_moves m JOIN shops s ON s.id = m.shop_id "
				      "WHERE s.unit_id = ? AND m.kind = 'in' AND m.funding = '集体经济' AND m.at <= ?",
		       "ii", village_id, until) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取入库记录");
	if (!count)
		return RC_OK;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)count);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db,
				      "SELECT " COLLECTIVE_COLS "AND s.unit_id = ? AND m.at <= ? ORDER BY m.at, m.id",
				      "ii", village_id, until);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取入库记录");
	while (*n < count && db_step(st) == DB_ROW)
		read_collective(c, st, &(*out)[(*n)++]);
	db_finalize(st);
	return RC_OK;
}

enum result stock_adjust(struct ctx *c, int64_t goods_id, const struct stock_adjust_input *in, int64_t *move_id)
{
	*move_id = 0;
	struct goods_info g;
	struct shop s;
	int rc = load_for_stock(c, goods_id, &g, &s, "调整库存");
	if (rc)
		return rc;
	const char *label = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(adjust_kinds); i++)
		if (in->kind && !strcmp(in->kind, adjust_kinds[i].kind))
			label = adjust_kinds[i].label;
	if (!label)
		ctx_field(c, "kind", "调整类型应为 loss（损耗）、damage（损坏）或 count（盘点）");
	bool count = label && !strcmp(in->kind, "count");
	if (count && (in->quantity == 0 || in->quantity < -STOCK_QTY_MAX || in->quantity > STOCK_QTY_MAX))
		ctx_field(c, "quantity", "盘点调整数量应为 -%d 到 %d 之间的非零整数（盘盈为正，盘亏为负）", STOCK_QTY_MAX,
			  STOCK_QTY_MAX);
	else if (!count && (in->quantity < 1 || in->quantity > STOCK_QTY_MAX))
		ctx_field(c, "quantity", "损耗或损坏的数量应在 1 到 %d 之间", STOCK_QTY_MAX);
	ctx_check_text(c, "reason", in->reason, STOCK_REASON_MAX, CTX_TEXT_REQUIRED, "调整原因");
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *reason = arena_printf(c->arena, "%s：%s", label, in->reason);
	if (!reason)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct stock_move m = {.shop_id = s.id, .goods_id = goods_id, .kind = "adjust",
			       .quantity = count ? in->quantity : -in->quantity, .reason = reason};
	if ((rc = ctx_begin(c)))
		return rc;
	rc = stock_apply(c, &m, move_id);
	if (!rc)
		rc = audit_move(c, &s, &g, *move_id, "adjust", &m);
	return ctx_end(c, rc);
}

enum result shop_low_stock(struct ctx *c, int64_t shop_id, struct goods_info **out, int *n)
{
	*n = 0;
	const perm_t perms = P_SHOP_ADMIN | P_AUDIT_READ;
	struct db_stmt *st;
	if (shop_id) {
		struct shop s;
		int rc = shop_get(c, shop_id, &s);
		if (rc)
			return rc;
		if (!shop_can(c, &s, perms)) {
			bool staff;
			return shop_can_read(c, &s, &staff) ? ctx_fail(c, RC_FORBIDDEN, "无权查看「%s」的库存预警", s.name)
						       : ctx_fail(c, RC_NOT_FOUND, "积分超市不存在");
		}
		st = db_query(c->db, "SELECT " GOODS_COLS GOODS_FROM "WHERE g.shop_id = ? AND g.active = 1 "
				     "AND g.stock <= g.low_stock ORDER BY g.stock, g.name, g.id",
			      "i", shop_id);
	} else {
		struct buf sql;
		struct db_args args = {0};
		buf_init(&sql, 16384);
		buf_adds(&sql, "SELECT " GOODS_COLS GOODS_FROM "JOIN org_units u ON u.id = s.unit_id "
			       "WHERE g.active = 1 AND g.stock <= g.low_stock AND ");
		if (!scope_where(c, perms, SCOPE_UNIT("u"), &sql, &args)) {
			buf_release(&sql);
			return ctx_fail(c, RC_FORBIDDEN, "无权查看库存预警");
		}
		buf_addf(&sql, " ORDER BY g.stock, s.id, g.name, g.id LIMIT %d", SHOP_GOODS_MAX);
		st = sql.failed ? NULL : db_query_args(c->db, sql.ptr, &args);
		buf_release(&sql);
	}
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取库存预警");
	*out = arena_alloc(c->arena, sizeof(**out) * SHOP_GOODS_MAX);
	int dbrc = DB_DONE;
	while (*out && *n < SHOP_GOODS_MAX && (dbrc = db_step(st)) == DB_ROW) {
		read_goods(st, &(*out)[*n]);
		(*out)[(*n)++].staff = true;
	}
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取库存预警");
}
