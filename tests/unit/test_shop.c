/* Unit tests for the shop's books: stock movements never take stock below 0 and name
 * the good when refused; the moving average values outflows to the 分 with the last
 * units taking all the value left, so the ledger adds up exactly; returns come back at
 * the average; the opening of a period is the closing of the one before; opening
 * windows and the closed message; and shop_verify finding stock that disagrees with
 * its movements or a history that went below 0. Each test gets a fresh SQLite file. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/shop/shop.h"
#include "testdb.h"
#include "util/timeutil.h"

struct fixture {
	struct testdb t;
	int64_t village, shop, goods;
};

static int64_t cn(int y, int m, int d)
{
	return time_cn_midnight(time_days_from_civil(y, m, d));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	testdb_open(&f->t, "shop", cn(2026, 11, 23) + 10 * 3600);
	int64_t county = testdb_unit(&f->t, 0, "county", "C1", "青川县");
	int64_t town = testdb_unit(&f->t, county, "town", "T1", "河口镇");
	f->village = testdb_unit(&f->t, town, "village", "V1", "青山村");
	struct shop_input si = {.unit_id = f->village, .name = "青山村爱心积分超市", .return_days = SHOP_UNSET,
				.preorder_hours = SHOP_UNSET};
	testdb_reset(&f->t);
	assert_int_equal(shop_create(&f->t.c, &si, &f->shop), RC_OK);
	struct goods_input gi = {.name = "洗衣液", .unit = "瓶", .price_points = 80, .active = true};
	assert_int_equal(goods_create(&f->t.c, f->shop, &gi, &f->goods), RC_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testdb_close(&f->t);
	free(f);
	return 0;
}

static void in(struct fixture *f, int qty, int64_t cost)
{
	struct stock_in_input s = {.supplier = "百货公司", .quantity = qty, .unit_cost = cost, .funding = "集体经济"};
	int64_t move;
	testdb_reset(&f->t);
	assert_int_equal(stock_in(&f->t.c, f->goods, &s, &move), RC_OK);
}

/* One movement of another kind, in its own transaction; returns the result. */
static int move(struct fixture *f, const char *kind, int qty)
{
	struct stock_move m = {.shop_id = f->shop, .goods_id = f->goods, .kind = kind, .quantity = qty};
	int64_t id;
	testdb_reset(&f->t);
	assert_int_equal(ctx_begin(&f->t.c), RC_OK);
	return ctx_end(&f->t.c, stock_apply(&f->t.c, &m, &id));
}

static int stock(struct fixture *f)
{
	struct goods g;
	assert_int_equal(goods_get(&f->t.c, f->goods, &g), RC_OK);
	return g.stock;
}

static void adds_up(const struct stock_ledger_row *r)
{
	assert_int_equal(r->opening.qty + r->in.qty - r->out.qty + r->adjust.qty - r->reserved.qty + r->released.qty,
			 r->closing.qty);
	assert_int_equal(r->opening.value + r->in.value - r->out.value + r->adjust.value - r->reserved.value +
				 r->released.value,
			 r->closing.value);
}

static void ledger(struct fixture *f, const char *from, const char *to, struct stock_ledger *L)
{
	testdb_reset(&f->t);
	assert_int_equal(shop_stock_ledger(&f->t.c, f->shop, 0, from, to, L), RC_OK);
	assert_int_equal(L->nrows, 1);
	adds_up(&L->rows[0]);
	adds_up(&L->total);
}

static void never_below_zero(void **state)
{
	struct fixture *f = *state;
	in(f, 3, 1000);
	assert_int_equal(move(f, "out", -4), RC_CONFLICT);
	assert_non_null(strstr(f->t.c.err.message, "「洗衣液」库存不足，只剩 3 瓶"));
	assert_int_equal(stock(f), 3);
	assert_int_equal(move(f, "out", -3), RC_OK);
	assert_int_equal(stock(f), 0);
	assert_int_equal(move(f, "adjust", -1), RC_CONFLICT);
	/* signs must fit the kind */
	assert_int_equal(move(f, "out", 1), RC_INTERNAL);
	assert_int_equal(move(f, "in", -1), RC_INTERNAL);
	assert_int_equal(move(f, "sold", -1), RC_INTERNAL);
	struct shop_report r;
	assert_int_equal(shop_verify(&f->t.c, &r), RC_OK);
	assert_false(r.broken);
	assert_int_equal(r.goods, 1);
	assert_int_equal(r.moves, 2);
}

static void moving_average(void **state)
{
	struct fixture *f = *state;
	in(f, 3, 333);     /* 9.99 */
	in(f, 4, 500);     /* 7 worth 29.99 */
	assert_int_equal(move(f, "out", -2), RC_OK);      /* 29.99 × 2/7 = 8.5686 → 8.57 */
	assert_int_equal(move(f, "reserve", -2), RC_OK);  /* 21.42 × 2/5 = 8.568 → 8.57 */
	assert_int_equal(move(f, "release", 1), RC_OK);   /* 12.85 × 1/3 = 4.2833 → 4.28: 4 worth 17.13 */
	assert_int_equal(move(f, "return", 1), RC_OK);    /* 17.13 / 4 = 4.2825 → 4.28: 5 worth 21.41 */
	struct stock_ledger L;
	ledger(f, "2026-11-23", "2026-11-23", &L);
	const struct stock_ledger_row *r = &L.rows[0];
	assert_int_equal(r->in.qty, 7);
	assert_int_equal(r->in.value, 2999);
	assert_int_equal(r->out.qty, 1);                  /* sold 2, returned 1 */
	assert_int_equal(r->out.value, 857 - 428);
	assert_int_equal(r->sold, 2);
	assert_int_equal(r->returned, 1);
	assert_int_equal(r->reserved.qty, 2);
	assert_int_equal(r->reserved.value, 857);
	assert_int_equal(r->released.qty, 1);
	assert_int_equal(r->released.value, 428);
	assert_int_equal(r->closing.qty, 5);
	assert_int_equal(r->closing.value, 2141);
	/* the last units take all the value left: an empty good is worth 0 */
	assert_int_equal(move(f, "out", -5), RC_OK);
	ledger(f, "2026-11-23", "2026-11-23", &L);
	assert_int_equal(L.rows[0].closing.qty, 0);
	assert_int_equal(L.rows[0].closing.value, 0);
	assert_int_equal(L.rows[0].out.value, 857 - 428 + 2141);
	/* coming back to an empty good: at the latest stock-in cost */
	assert_int_equal(move(f, "return", 2), RC_OK);
	ledger(f, "2026-11-23", "2026-11-23", &L);
	assert_int_equal(L.rows[0].closing.value, 1000);
}

static void periods(void **state)
{
	struct fixture *f = *state;
	in(f, 10, 1000);
	assert_int_equal(move(f, "adjust", -4), RC_OK);
	f->t.c.now += 86400;                              /* 2026-11-24 */
	in(f, 6, 2000);                                   /* 12 worth 180.00 */
	assert_int_equal(move(f, "out", -3), RC_OK);      /* 45.00 */
	struct stock_ledger L;
	ledger(f, "2026-11-24", "2026-11-24", &L);
	const struct stock_ledger_row *r = &L.rows[0];
	assert_int_equal(r->opening.qty, 6);
	assert_int_equal(r->opening.value, 6000);
	assert_int_equal(r->in.value, 12000);
	assert_int_equal(r->out.value, 4500);
	assert_int_equal(r->closing.qty, 9);
	assert_int_equal(r->closing.value, 13500);
	ledger(f, "2026-11-23", "2026-11-24", &L);
	assert_int_equal(L.rows[0].opening.qty, 0);
	assert_int_equal(L.rows[0].adjust.value, -4000);
	assert_int_equal(L.rows[0].closing.value, 13500);
	ledger(f, "2026-11-25", "2026-12-31", &L);       /* nothing moves: opening = closing */
	assert_int_equal(L.rows[0].opening.value, 13500);
	assert_int_equal(L.rows[0].closing.value, 13500);
	/* the funding of the period's stock-ins */
	ledger(f, "2026-11-24", "2026-11-24", &L);
	assert_string_equal(L.funding[0].funding, "集体经济");
	assert_int_equal(L.funding[0].count, 1);
	assert_int_equal(L.funding[0].value, 12000);
	/* periods are checked */
	testdb_reset(&f->t);
	assert_int_equal(shop_stock_ledger(&f->t.c, f->shop, 0, "2026-11-24", "2026-11-23", &L), RC_INVALID);
	assert_string_equal(f->t.c.err.fields[0].field, "to");
	testdb_reset(&f->t);
	assert_int_equal(shop_stock_ledger(&f->t.c, f->shop, 0, NULL, "2026-02-30", &L), RC_INVALID);
	assert_int_equal(f->t.c.err.nfields, 2);
}

static void windows(void **state)
{
	struct fixture *f = *state;
	struct shop s;
	assert_int_equal(shop_get(&f->t.c, f->shop, &s), RC_OK);
	assert_int_equal(shop_check_open(&f->t.c, &s), RC_OK);
	struct shop_patch p = {.window_mode = "scheduled"};
	testdb_reset(&f->t);
	assert_int_equal(shop_update(&f->t.c, f->shop, &p), RC_OK);
	assert_int_equal(shop_get(&f->t.c, f->shop, &s), RC_OK);
	testdb_reset(&f->t);
	assert_int_equal(shop_check_open(&f->t.c, &s), RC_CONFLICT);
	assert_string_equal(f->t.c.err.message, "积分超市现在不营业，暂无安排的兑换时间");
	int64_t id, start = cn(2026, 12, 25) + 9 * 3600, end = cn(2026, 12, 31) + 17 * 3600;
	testdb_reset(&f->t);
	assert_int_equal(shop_window_add(&f->t.c, f->shop, start, end, "季度集中兑换", &id), RC_OK);
	testdb_reset(&f->t);
	assert_int_equal(shop_check_open(&f->t.c, &s), RC_CONFLICT);
	assert_string_equal(f->t.c.err.message,
			    "积分超市现在不营业，下次集中兑换：2026-12-25 09:00 至 2026-12-31 17:00（季度集中兑换）");
	testdb_reset(&f->t);
	assert_int_equal(shop_window_add(&f->t.c, f->shop, end - 3600, end + 3600, NULL, &id), RC_INVALID);
	f->t.c.now = start;
	testdb_reset(&f->t);
	assert_int_equal(shop_check_open(&f->t.c, &s), RC_OK);
	f->t.c.now = end;
	assert_int_equal(shop_check_open(&f->t.c, &s), RC_CONFLICT);
}

static void verify_finds_tampering(void **state)
{
	struct fixture *f = *state;
	in(f, 5, 100);
	struct shop_report r;
	assert_int_equal(shop_verify(&f->t.c, &r), RC_OK);
	assert_false(r.broken);
	/* stock changed without a movement */
	assert_int_equal(db_run(f->t.db, "UPDATE goods SET stock = 6 WHERE id = ?", "i", f->goods), DB_OK);
	assert_int_equal(shop_verify(&f->t.c, &r), RC_OK);
	assert_true(r.broken);
	assert_int_equal(r.goods_id, f->goods);
	assert_non_null(strstr(r.reason, "库存 6 与变动合计 5 不符"));
	/* a history that went below 0, though the sum agrees */
	assert_int_equal(db_run(f->t.db, "UPDATE goods SET stock = 5 WHERE id = ?", "i", f->goods), DB_OK);
	assert_int_equal(db_run(f->t.db, "UPDATE stock_moves SET quantity = -5 WHERE goods_id = ?", "i", f->goods),
			 DB_OK);
	assert_int_equal(db_run(f->t.db, "INSERT INTO stock_moves (shop_id, goods_id, kind, quantity, at) "
					 "VALUES (?, ?, 'in', 10, ?)", "iii", f->shop, f->goods, f->t.c.now),
			 DB_OK);
	assert_int_equal(shop_verify(&f->t.c, &r), RC_OK);
	assert_true(r.broken);
	assert_non_null(strstr(r.reason, "负数"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(never_below_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(moving_average, setup, teardown),
		cmocka_unit_test_setup_teardown(periods, setup, teardown),
		cmocka_unit_test_setup_teardown(windows, setup, teardown),
		cmocka_unit_test_setup_teardown(verify_finds_tampering, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
