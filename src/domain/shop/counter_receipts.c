/* Receipts of the counter: one with its lines, and a household's list. */
#include "domain/shop/counter_internal.h"

/* ---- receipts ---- */

#define RECEIPT_COLS                                                                                \
	"r.id, r.shop_id, r.household_id, r.clerk_id, COALESCE(r.original_id, 0), "                   \
	"COALESCE(r.preorder_id, 0), COALESCE(r.ledger_id, 0), r.number, r.kind, s.name, h.number, "    \
	PEOPLE_HEAD_NAME("h.id") ", COALESCE(u.name, ''), COALESCE(o.number, ''), r.total_points, "        \
	"r.created_at, s.return_days, v.path "
#define RECEIPT_FROM                                                                                \
	"FROM receipts r JOIN shops s ON s.id = r.shop_id JOIN households h ON h.id = r.household_id " \
	"JOIN org_units v ON v.id = h.village_id LEFT JOIN users u ON u.id = r.clerk_id "                \
	"LEFT JOIN receipts o ON o.id = r.original_id "

static void read_receipt(struct db_stmt *st, struct receipt *r, char vpath[ORG_PATH_MAX])
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, 0);
	r->shop_id = db_col_int(st, 1);
	r->household_id = db_col_int(st, 2);
	r->clerk_id = db_col_int(st, 3);
	r->original_id = db_col_int(st, 4);
	r->preorder_id = db_col_int(st, 5);
	r->ledger_id = db_col_int(st, 6);
	str_copy(r->number, sizeof(r->number), db_col_text(st, 7));
	str_copy(r->kind, sizeof(r->kind), db_col_text(st, 8));
	str_copy(r->shop_name, sizeof(r->shop_name), db_col_text(st, 9));
	str_copy(r->household_number, sizeof(r->household_number), db_col_text(st, 10));
	utf8_mask_name(db_col_text(st, 11), r->masked_name, sizeof(r->masked_name));
	str_copy(r->clerk_name, sizeof(r->clerk_name), db_col_text(st, 12));
	str_copy(r->original_number, sizeof(r->original_number), db_col_text(st, 13));
	r->total_points = db_col_int(st, 14);
	r->created_at = db_col_int(st, 15);
	if (!strcmp(r->kind, "sale"))
		r->returnable_until = r->created_at + db_col_int(st, 16) * 86400;
	str_copy(vpath, ORG_PATH_MAX, db_col_text(st, 17));
}

/* The lines (and for a sale, its returns) of a receipt. */
static int receipt_details(struct ctx *c, struct receipt *r)
{
	r->lines = arena_alloc(c->arena, sizeof(*r->lines) * COUNTER_ITEMS_MAX);
	r->returns = arena_alloc(c->arena, sizeof(int64_t) * 64);
	if (!r->lines || !r->returns)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db,
		"SELECT l.goods_id, l.goods_name, g.unit, l.quantity, l.price_points, "
		"(SELECT COALESCE(SUM(x.quantity), 0) FROM receipt_lines x JOIN receipts y ON y.id = x.receipt_id "
		"WHERE y.original_id = l.receipt_id AND x.goods_id = l.goods_id) "
		"FROM receipt_lines l JOIN goods g ON g.id = l.goods_id WHERE l.receipt_id = ? ORDER BY l.goods_id",
		"i", r->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取收据");
	while (r->nlines < COUNTER_ITEMS_MAX && db_step(st) == DB_ROW) {
		struct receipt_line *l = &r->lines[r->nlines++];
		l->goods_id = db_col_int(st, 0);
		l->goods_name = arena_strdup(c->arena, db_col_text(st, 1));
		l->unit = arena_strdup(c->arena, db_col_text(st, 2));
		l->quantity = (int)db_col_int(st, 3);
		l->price_points = (int)db_col_int(st, 4);
		l->returned = (int)db_col_int(st, 5);
	}
	db_finalize(st);
	if (strcmp(r->kind, "sale"))
		return RC_OK;
	st = db_query(c->db, "SELECT id FROM receipts WHERE original_id = ? ORDER BY id LIMIT 64", "i", r->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取收据");
	while (r->nreturns < 64 && db_step(st) == DB_ROW)
		r->returns[r->nreturns++] = db_col_int(st, 0);
	db_finalize(st);
	return RC_OK;
}

enum result counter_receipt_get(struct ctx *c, int64_t id, struct receipt *out)
{
	char vpath[ORG_PATH_MAX] = "";
	struct db_stmt *st = db_query(c->db, "SELECT " RECEIPT_COLS RECEIPT_FROM "WHERE r.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取收据");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_receipt(st, out, vpath);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? ctx_fail(c, RC_NOT_FOUND, "收据不存在") : ctx_db_fail(c, rc, "读取收据");
	bool ok = access_can_read_household(c, &(struct hh_paths){.village = vpath}, out->household_id);
	if (!ok) {
		struct shop s;
		if (shop_get(c, out->shop_id, &s) == RC_OK)
			ok = ctr_shop_staff(c, &s);
		ctx_clear(c);
	}
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return ctx_fail(c, RC_NOT_FOUND, "收据不存在");
	}
	return receipt_details(c, out);
}

enum result counter_receipts_list(struct ctx *c, int64_t household_id, int limit, int offset, struct receipt **out,
			  int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct hh_info h;
	int rc = ctr_household_info(c, household_id, &h);
	if (rc)
		return rc;
	if (!access_can_read_household(c, &(struct hh_paths){.village = h.village_path}, household_id) &&
	    !access_can(c, P_SHOP_COUNTER, h.village_path))
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	if (db_get_int(c->db, total, "SELECT count(*) FROM receipts WHERE household_id = ?", "i", household_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取收据");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit > 0 ? limit : 1));
	struct db_stmt *st = db_query(c->db, "SELECT " RECEIPT_COLS RECEIPT_FROM "WHERE r.household_id = ? "
					     "ORDER BY r.id DESC LIMIT ? OFFSET ?",
				      "iii", household_id, (int64_t)limit, (int64_t)offset);
	if (!st || !*out) {
		db_finalize(st);
		return ctx_db_fail(c, DB_ERROR, "读取收据");
	}
	char vpath[ORG_PATH_MAX];
	while (*n < limit && db_step(st) == DB_ROW)
		read_receipt(st, &(*out)[(*n)++], vpath);
	db_finalize(st);
	for (int i = 0; i < *n; i++)
		if ((rc = receipt_details(c, &(*out)[i])))
			return rc;
	return RC_OK;
}
