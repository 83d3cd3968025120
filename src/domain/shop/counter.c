/* The shop counter: household cards, resolving codes, redemption, returns, pre-orders
 * and receipts. The locking order of every writer is described in counter.h. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/points/points.h"
#include "domain/register/register.h"
#include "domain/kernel/idem.h"
#include "domain/shop/counter.h"
#include "domain/shop/shop.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define GOODS_LIST_MAX 500
#define LAPSE_BATCH 200

/* ---- small helpers ---- */

static bool is_villager_of(const struct ctx *c, int64_t household_id)
{
	return c->actor && household_id && c->actor->household_id == household_id &&
	       access_has_role(c, "villager");
}

struct hh_info {
	int64_t id, village_id;
	char village_path[ORG_PATH_MAX];
	char village_name[COUNTER_NAME_MAX];
	char number[COUNTER_NAME_MAX];
	char masked_name[COUNTER_NAME_MAX];
};

/* A household's village, number and masked head name; RC_NOT_FOUND when none. */
static int household_info(struct ctx *c, int64_t household_id, struct hh_info *out)
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
static int load_shop(struct ctx *c, int64_t id, const char *field, struct shop *s)
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

static bool shop_staff(const struct ctx *c, const struct shop *s)
{
	return shop_can(c, s, P_SHOP_COUNTER) || shop_can(c, s, P_SHOP_ADMIN);
}

/* Takes the shop's row lock: every writer of the counter takes it first. */
static int lock_shop(struct ctx *c, int64_t shop_id)
{
	int rc = db_run(c->db, "UPDATE shops SET receipt_seq = receipt_seq WHERE id = ?", "i", shop_id);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "积分超市");
}

/* Locks the shop's row and takes its next receipt number. */
static int next_number(struct ctx *c, int64_t shop_id, char out[COUNTER_NUMBER_MAX])
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
static void check_key(struct ctx *c, const char *key)
{
	idem_check_key(c, "idempotency_key", key, true);
}

/* The shape of a cart: 1..COUNTER_ITEMS_MAX lines, each good once, quantities in range. */
static void check_items(struct ctx *c, const struct counter_item *items, int n)
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
static int load_goods(struct ctx *c, const struct shop *s, const struct counter_item *items, int n,
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
static int limit_used(struct ctx *c, const struct goods *g, int64_t household_id, int64_t except_preorder,
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
static int check_limits(struct ctx *c, const struct goods *g, const struct counter_item *items, int n,
			int64_t household_id)
{
	for (int i = 0; i < n; i++) {
		int used;
		int rc = limit_used(c, &g[i], household_id, 0, &used);
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
static int reserved_points(struct ctx *c, int64_t household_id, int64_t *out)
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
static const char *lines_text(struct ctx *c, const struct goods *g, const struct counter_item *items, int n)
{
	struct buf b;
	buf_init(&b, 8192);
	for (int i = 0; i < n; i++)
		buf_addf(&b, "%s%s×%lld", i ? "、" : "", g[i].name, (long long)items[i].quantity);
	char *s = arena_strdup(c->arena, b.ptr ? b.ptr : "");
	buf_release(&b);
	return s;
}

/* ---- card numbers and PINs ---- */

/* The Luhn check digit of n digits. */
static int luhn(const char *digits, size_t n)
{
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		int d = digits[n - 1 - i] - '0';
		if (i % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

static bool card_no_valid(const char *no)
{
	if (strlen(no) != CARD_NO_LEN || no[0] < '1' || no[0] > '9')
		return false;
	for (int i = 0; i < CARD_NO_LEN; i++)
		if (no[i] < '0' || no[i] > '9')
			return false;
	return luhn(no, CARD_NO_LEN - 1) == no[CARD_NO_LEN - 1] - '0';
}

/* A typed card number with optional spaces or hyphens: 0 when it has 12 digits, 1 when
 * digits of another count, -1 when not a number at all. */
static int typed_card(const char *code, char out[CARD_NO_LEN + 1])
{
	size_t n = 0;
	bool other_len = false;
	for (const char *p = code; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p < '0' || *p > '9')
			return -1;
		if (n < CARD_NO_LEN)
			out[n] = *p;
		else
			other_len = true;
		n++;
	}
	out[n < CARD_NO_LEN ? n : CARD_NO_LEN] = 0;
	return n == CARD_NO_LEN && !other_len ? 0 : 1;
}

static void pin_hash(const struct ctx *c, const char *card_no, const char *pin, char out[CRYPTO_HASH_HEX])
{
	char text[64];
	snprintf(text, sizeof(text), "card-pin\x1f%s\x1f%s", card_no, pin);
	crypto_keyed_hash_hex(c->keys->lookup, text, out);
}

static bool pin_valid(const char *pin)
{
	size_t n = pin ? strlen(pin) : 0;
	if (n < CARD_PIN_MIN || n > CARD_PIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	return true;
}

static void card_token(const struct ctx *c, const char *card_no, int64_t created_at, char out[QRTOKEN_MAX])
{
	int64_t no = 0;
	num_parse_i64(card_no, 1, INT64_MAX / 2, &no);
	qrtoken_sign(c, CARD_KIND, no, created_at + CARD_TOKEN_TTL, out);
}

/* ---- wrong PINs: the login_failures table, key "card:<card_no>" ---- */

static int64_t card_locked_for(struct ctx *c, const char *key)
{
	int64_t until = 0;
	if (db_get_int(c->db, &until, "SELECT locked_until FROM login_failures WHERE key = ?", "t", key) != DB_OK)
		return 0;
	return until > c->now ? until - c->now : 0;
}

/* Counts a wrong PIN under key in its own transaction, locking the key for the window
 * from the limit-th failure; returns the failures in the window. */
static int64_t card_failed(struct ctx *c, const char *key, int64_t limit)
{
	int64_t failures = limit;
	if (ctx_begin(c))
		return failures;
	int rc = db_run(c->db,
			"INSERT INTO login_failures (key, window_start, failures, locked_until) VALUES (?, ?, 1, 0) "
			"ON CONFLICT (key) DO UPDATE SET "
			"failures = CASE WHEN login_failures.window_start < ? THEN 1 ELSE login_failures.failures + 1 END, "
			"window_start = CASE WHEN login_failures.window_start < ? THEN ? ELSE login_failures.window_start END",
			"tiiii", key, c->now, c->now - ACCOUNT_FAIL_WINDOW, c->now - ACCOUNT_FAIL_WINDOW, c->now);
	if (rc == DB_OK)
		rc = db_run(c->db, "UPDATE login_failures SET locked_until = ? WHERE key = ? AND failures >= ?", "iti",
			    c->now + ACCOUNT_FAIL_WINDOW, key, limit);
	if (rc == DB_OK)
		rc = db_get_int(c->db, &failures, "SELECT failures FROM login_failures WHERE key = ?", "t", key);
	ctx_end(c, rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "户卡密码"));
	return failures;
}

static void card_failures_clear(struct ctx *c, const char *key)
{
	int64_t n = 0;
	if (db_get_int(c->db, &n, "SELECT count(*) FROM login_failures WHERE key = ?", "t", key) != DB_OK || !n)
		return;
	if (ctx_begin(c))
		return;
	int rc = db_run(c->db, "DELETE FROM login_failures WHERE key = ?", "t", key);
	ctx_end(c, rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "户卡密码"));
}

static int locked_fail(struct ctx *c, int64_t wait)
{
	c->err.retry_after = wait;
	return ctx_fail(c, RC_TOO_MANY, "户卡密码输错次数过多，该卡已锁定，请 %lld 分钟后再试",
			(long long)((wait + 59) / 60));
}

/* ---- resolving a code ---- */

struct resolved {
	struct hh_info hh;
	int64_t card_id;
	char card_no[CARD_NO_LEN + 1];
	const char *via;   /* phone, card */
	const char *code;  /* the phone's household code, spent by a sale */
};

/* The card of a number, checked with its PIN (outside any transaction: a wrong PIN is
 * counted in its own). */
static int resolve_card(struct ctx *c, const char *no, const char *pin, struct resolved *out)
{
	char hash[CRYPTO_HASH_HEX] = "", status[12] = "";
	int64_t id = 0, household = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, household_id, pin_hash, status FROM household_cards "
					     "WHERE card_no = ?", "t", no);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取户卡");
	if (db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		household = db_col_int(st, 1);
		str_copy(hash, sizeof(hash), db_col_text(st, 2));
		str_copy(status, sizeof(status), db_col_text(st, 3));
	}
	db_finalize(st);
	if (!id)
		return ctx_field(c, "code", "卡号不存在，请核对");
	if (strcmp(status, "active"))
		return ctx_field(c, "code", "该卡已作废（已补办新卡或已挂失），请使用新卡");
	char *key = arena_printf(c->arena, "card:%s", no);
	int64_t wait = card_locked_for(c, key);
	if (wait)
		return locked_fail(c, wait);
	/* and the operator's own budget: one PIN tried over many cards is stopped too */
	char *op = arena_printf(c->arena, "pin-operator:%lld", (long long)(c->actor ? c->actor->user_id : 0));
	if ((wait = card_locked_for(c, op))) {
		c->err.retry_after = wait;
		return ctx_fail(c, RC_TOO_MANY, "你输错户卡密码的次数过多，请 %lld 分钟后再试",
				(long long)((wait + 59) / 60));
	}
	if (!pin || !pin[0])
		return ctx_field(c, "pin", "请输入户卡密码");
	char given[CRYPTO_HASH_HEX];
	pin_hash(c, no, pin, given);
	if (!pin_valid(pin) || strlen(given) != strlen(hash) || !crypto_equal(given, hash)) {
		if (card_failed(c, op, CARD_PIN_OPERATOR_FAILS) >= CARD_PIN_OPERATOR_FAILS) {
			c->err.retry_after = ACCOUNT_FAIL_WINDOW;
			return ctx_fail(c, RC_TOO_MANY, "你输错户卡密码的次数过多，请 %d 分钟后再试", ACCOUNT_FAIL_WINDOW / 60);
		}
		int64_t failures = card_failed(c, key, CARD_PIN_FAILS);
		if (failures >= CARD_PIN_FAILS)
			return locked_fail(c, ACCOUNT_FAIL_WINDOW);
		return ctx_field(c, "pin", "户卡密码不对，还可再试 %lld 次", (long long)(CARD_PIN_FAILS - failures));
	}
	card_failures_clear(c, key);
	out->card_id = id;
	out->hh.id = household;
	str_copy(out->card_no, sizeof(out->card_no), no);
	out->via = "card";
	return RC_OK;
}

/* The household a code names: a phone's household code, or a card (QR or typed
 * number) with its PIN. Errors on fields "code" and "pin". With unspent, a phone's
 * code already used for a sale is refused here; a sale leaves that to sell_locked,
 * which spends the code under the shop's lock after looking for a retry's receipt once
 * more (so concurrent retries of one confirmation get that receipt, not "used"). */
static int resolve_code(struct ctx *c, const char *code, const char *pin, bool unspent, struct resolved *out)
{
	memset(out, 0, sizeof(*out));
	int rc;
	if (!code || !code[0])
		return ctx_field(c, "code", "请扫描户码或输入户卡卡号");
	if (!strncmp(code, HHCODE_KIND ".", 3)) {
		if ((rc = hhcode_verify(c, "code", code, &out->hh.id)) ||
		    (unspent && (rc = hhcode_check_unspent(c, "code", code))))
			return rc;
		out->via = "phone";
		out->code = code;
	} else {
		char no[CARD_NO_LEN + 1];
		if (!strncmp(code, CARD_KIND ".", 3)) {
			int64_t n, expires;
			if ((rc = qrtoken_verify(c, "code", CARD_KIND, code, CARD_TOKEN_TTL, &n, &expires)))
				return rc;
			snprintf(no, sizeof(no), "%lld", (long long)n);
			if (!card_no_valid(no))
				return ctx_field(c, "code", "二维码无效，请重新扫码");
		} else {
			int t = typed_card(code, no);
			if (t < 0)
				return ctx_field(c, "code", "无法识别：请扫描村民手机上的户码，或输入户卡卡号");
			if (t > 0 || !card_no_valid(no))
				return ctx_field(c, "code", "卡号有误（应为 12 位数字），请核对后重输");
		}
		if ((rc = resolve_card(c, no, pin, out)))
			return rc;
	}
	rc = household_info(c, out->hh.id, &out->hh);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_field(c, "code", "户码对应的户不存在");
	}
	return rc;
}

/* The household a code names, without checking expiry or PIN, or 0: used only to
 * compare a retried request with the receipt its key made. */
static int64_t code_hint(struct ctx *c, const char *code)
{
	if (!code)
		return 0;
	struct err saved = c->err;
	int64_t id = 0, expires;
	char no[CARD_NO_LEN + 1] = "";
	if (!strncmp(code, HHCODE_KIND ".", 3)) {
		qrtoken_verify(c, "code", HHCODE_KIND, code, HHCODE_TTL, &id, &expires);
	} else if (!strncmp(code, CARD_KIND ".", 3)) {
		int64_t n = 0;
		qrtoken_verify(c, "code", CARD_KIND, code, CARD_TOKEN_TTL, &n, &expires);
		if (n)
			snprintf(no, sizeof(no), "%lld", (long long)n);
	} else if (typed_card(code, no) != 0) {
		no[0] = 0;
	}
	if (no[0])
		db_get_int(c->db, &id, "SELECT household_id FROM household_cards WHERE card_no = ?", "t", no);
	c->err = saved;
	return id;
}

/* ---- idempotency ---- */

/* The receipt an idempotency key made in a shop: *found = 0 when none. When it exists
 * and matches the request (kind, household when known, original sale, pre-order, and
 * the lines when items is given), *found is its id; otherwise RC_CONFLICT. */
static int find_keyed(struct ctx *c, int64_t shop_id, const char *key, const char *kind, int64_t household_id,
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

/* ---- cards ---- */

#define CARD_COLS                                                                                   \
	"c.id, c.household_id, c.card_no, c.status, c.issued_by, c.created_at, COALESCE(c.revoked_at, 0), " \
	"COALESCE(u.name, '') FROM household_cards c LEFT JOIN users u ON u.id = c.issued_by "

static void read_card(const struct ctx *c, struct db_stmt *st, struct card *k)
{
	memset(k, 0, sizeof(*k));
	k->id = db_col_int(st, 0);
	k->household_id = db_col_int(st, 1);
	str_copy(k->card_no, sizeof(k->card_no), db_col_text(st, 2));
	str_copy(k->status, sizeof(k->status), db_col_text(st, 3));
	k->issued_by = db_col_int(st, 4);
	k->created_at = db_col_int(st, 5);
	k->revoked_at = db_col_int(st, 6);
	str_copy(k->issued_by_name, sizeof(k->issued_by_name), db_col_text(st, 7));
	if (!strcmp(k->status, "active"))
		card_token(c, k->card_no, k->created_at, k->token);
}

/* The household's info, when the actor may manage its cards. */
static int card_admin(struct ctx *c, int64_t household_id, struct hh_info *h)
{
	int rc = household_info(c, household_id, h);
	if (rc)
		return rc;
	if (!access_can(c, P_SHOP_ADMIN, h->village_path)) {
		if (access_can_read_household(c, &(struct hh_paths){.village = h->village_path}, household_id))
			return ctx_fail(c, RC_FORBIDDEN, "无权办理该户的户卡");
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	}
	return RC_OK;
}

enum result counter_card_issue(struct ctx *c, int64_t household_id, const char *pin, struct card *out)
{
	memset(out, 0, sizeof(*out));
	struct hh_info h;
	int rc = household_info(c, household_id, &h);
	if (rc)
		return rc;
	/* a card with a PIN spends the household's points: a cadre, who knows the household,
	 * issues it, never the clerk who serves at the counter; the household sees it */
	if (!c->actor || !access_can(c, P_REGISTER_WRITE, h.village_path)) {
		if (c->actor && access_can_read_household(c, &(struct hh_paths){.village = h.village_path}, household_id))
			return ctx_fail(c, RC_FORBIDDEN, "户卡须由村干部核实户主身份后办理");
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	}
	if (!pin_valid(pin))
		return ctx_field(c, "pin", "户卡密码应为 %d 到 %d 位数字", CARD_PIN_MIN, CARD_PIN_MAX);
	char no[CARD_NO_LEN + 1];
	for (int tries = 0;; tries++) {
		crypto_random_digits(no, CARD_NO_LEN - 1);
		no[0] = (char)('1' + crypto_random_uniform(9));
		no[CARD_NO_LEN - 1] = (char)('0' + luhn(no, CARD_NO_LEN - 1));
		no[CARD_NO_LEN] = 0;
		int64_t taken = 0;
		if (db_get_int(c->db, &taken, "SELECT count(*) FROM household_cards WHERE card_no = ?", "t", no) != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "户卡");
		if (!taken)
			break;
		if (tries > 8)
			return ctx_fail(c, RC_INTERNAL, "生成卡号失败，请重试");
	}
	char hash[CRYPTO_HASH_HEX];
	pin_hash(c, no, pin, hash);
	if ((rc = ctx_begin(c)))
		return rc;
	/* the household's row serialises two cadres issuing at once */
	int dbrc = db_run(c->db, "UPDATE households SET updated_at = updated_at WHERE id = ?", "i", household_id);
	int64_t old = 0, id = 0;
	if (dbrc == DB_OK) {
		dbrc = db_get_int(c->db, &old, "SELECT COALESCE(MAX(id), 0) FROM household_cards "
					       "WHERE household_id = ? AND status = 'active'", "i", household_id);
		if (dbrc == DB_OK)
			dbrc = db_run(c->db, "UPDATE household_cards SET status = 'revoked', revoked_at = ? "
					     "WHERE household_id = ? AND status = 'active'", "ii", c->now, household_id);
	}
	if (dbrc == DB_OK)
		dbrc = db_get_int(c->db, &id, "INSERT INTO household_cards (household_id, card_no, pin_hash, status, "
					      "issued_by, created_at) VALUES (?, ?, ?, 'active', ?, ?) RETURNING id",
				  "ittii", household_id, no, hash, c->actor->user_id, c->now);
	rc = dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "办理户卡");
	if (!rc) {
		struct buf before, after;
		audit_snap_begin(&before);
		if (old)
			audit_snap_int(&before, "card_id", old);
		audit_snap_end(&before);
		audit_snap_begin(&after);
		audit_snap_int(&after, "household_id", household_id);
		audit_snap_str(&after, "card_no", no);
		audit_snap_str(&after, "status", "active");
		if (old)
			audit_snap_int(&after, "revoked_card_id", old);
		audit_snap_end(&after);
		rc = audit_record(c, h.village_id, "household_card", id, old ? "reissue" : "issue", before.ptr,
				  after.ptr);
		buf_release(&before);
		buf_release(&after);
	}
	if ((rc = ctx_end(c, rc)))
		return rc;
	return counter_card_get(c, id, out);
}

enum result counter_cards_list(struct ctx *c, int64_t household_id, struct card **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct hh_info h;
	/* the household's own villager sees its cards (who issued them, when), not their QR */
	bool own = c->actor && c->actor->household_id == household_id && access_has_role(c, "villager");
	int rc = own ? RC_OK : card_admin(c, household_id, &h);
	if (rc)
		return rc;
	int64_t total = 0;
	if (db_get_int(c->db, &total, "SELECT count(*) FROM household_cards WHERE household_id = ?", "i",
		       household_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取户卡");
	if (total > 100)
		total = 100;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(total ? total : 1));
	struct db_stmt *st = db_query(c->db, "SELECT " CARD_COLS "WHERE c.household_id = ? ORDER BY c.id DESC LIMIT 100",
				      "i", household_id);
	if (!st || !*out) {
		db_finalize(st);
		return ctx_db_fail(c, DB_ERROR, "读取户卡");
	}
	while (*n < total && db_step(st) == DB_ROW) {
		struct card *k = &(*out)[(*n)++];
		read_card(c, st, k);
		if (own)
			k->token[0] = 0;
	}
	db_finalize(st);
	return RC_OK;
}

enum result counter_card_get(struct ctx *c, int64_t id, struct card *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_query(c->db, "SELECT " CARD_COLS "WHERE c.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取户卡");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_card(c, st, out);
	db_finalize(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? ctx_fail(c, RC_NOT_FOUND, "户卡不存在") : ctx_db_fail(c, rc, "读取户卡");
	struct hh_info h;
	if ((rc = card_admin(c, out->household_id, &h))) {
		if (rc == RC_NOT_FOUND)
			ctx_fail(c, RC_NOT_FOUND, "户卡不存在");
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

enum result counter_card_revoke(struct ctx *c, int64_t id)
{
	struct card k;
	int rc = counter_card_get(c, id, &k);
	if (rc)
		return rc;
	struct hh_info h;
	if ((rc = household_info(c, k.household_id, &h)))
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t done = 0;
	int dbrc = db_get_int(c->db, &done, "UPDATE household_cards SET status = 'revoked', revoked_at = ? "
					    "WHERE id = ? AND status = 'active' RETURNING id", "ii", c->now, id);
	if (dbrc == DB_DONE)
		rc = ctx_fail(c, RC_CONFLICT, "该卡已作废");
	else if (dbrc != DB_OK)
		rc = ctx_db_fail(c, dbrc, "作废户卡");
	if (!rc) {
		struct buf before, after;
		audit_snap_begin(&before);
		audit_snap_str(&before, "status", "active");
		audit_snap_end(&before);
		audit_snap_begin(&after);
		audit_snap_int(&after, "household_id", k.household_id);
		audit_snap_str(&after, "card_no", k.card_no);
		audit_snap_str(&after, "status", "revoked");
		audit_snap_end(&after);
		rc = audit_record(c, h.village_id, "household_card", id, "revoke", before.ptr, after.ptr);
		buf_release(&before);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}

/* ---- finding a household (staff without the register) ---- */

/* "text%" with the LIKE wildcards in text escaped by a backslash. */
static const char *prefix_pattern(struct ctx *c, const char *text)
{
	struct buf b;
	buf_init(&b, 256);
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	buf_addc(&b, '%');
	const char *out = b.failed ? NULL : arena_strdup(c->arena, b.ptr);
	buf_release(&b);
	return out;
}

enum result counter_households_search(struct ctx *c, int64_t shop_id, int64_t village_id, const char *q,
			      struct counter_household **out, int *n, bool *more)
{
	*out = NULL;
	*n = 0;
	*more = false;
	/* the search text without surrounding spaces */
	const char *text = NULL;
	if (q) {
		while (*q == ' ')
			q++;
		size_t len = strlen(q);
		while (len > 0 && q[len - 1] == ' ')
			len--;
		text = arena_strndup(c->arena, q, len);
		if (!text)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	if (text && !utf8_valid(text, strlen(text)))
		ctx_field(c, "q", "搜索词不是有效的文字");
	else
		ctx_check_text(c, "q", text, COUNTER_QUERY_MAX, CTX_TEXT_REQUIRED, "户号或户主姓名");
	if (village_id < 0)
		ctx_field(c, "village_id", "村的编号应为正整数");
	struct shop s;
	int rc = load_shop(c, shop_id, "shop_id", &s);
	if (rc == RC_INVALID || (rc == RC_OK && ctx_check_fields(c)))
		return RC_INVALID;
	if (rc)
		return rc;
	if (!shop_staff(c, &s))
		return shop_refusal(c, &s, "无权查找", "服务的农户");
	if (village_id && !shop_serves(c, &s, village_id))
		return ctx_field(c, "village_id", "该村不在「%s」的服务范围内", s.name);

	const char *like = prefix_pattern(c, text);
	*out = arena_alloc(c->arena, sizeof(**out) * COUNTER_SEARCH_MAX);
	if (!like || !*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	const char *sql = arena_printf(
		c->arena,
		"SELECT h.id, h.number, v.name, " PEOPLE_HEAD_NAME("h.id") " FROM households h "
		"JOIN org_units v ON v.id = h.village_id "
		"WHERE h.village_id IN (SELECT village_id FROM shop_villages WHERE shop_id = ?)%s "
		"AND (h.number LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM residents x WHERE x.household_id = h.id "
		"AND x.relation = '户主' AND x.name LIKE ? ESCAPE '\\')) "
		"ORDER BY v.code, h.number, h.id LIMIT %d",
		village_id ? " AND h.village_id = ?" : "", COUNTER_SEARCH_MAX + 1);
	if (!sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = village_id ? db_query(c->db, sql, "iitt", s.id, village_id, like, like)
					: db_query(c->db, sql, "itt", s.id, like, like);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "查找农户");
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		if (*n == COUNTER_SEARCH_MAX) {
			*more = true;
			break;
		}
		struct counter_household *h = &(*out)[(*n)++];
		h->id = db_col_int(st, 0);
		str_copy(h->number, sizeof(h->number), db_col_text(st, 1));
		str_copy(h->village_name, sizeof(h->village_name), db_col_text(st, 2));
		utf8_mask_name(db_col_text(st, 3), h->masked_name, sizeof(h->masked_name));
	}
	db_finalize(st);
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "查找农户");
}

/* ---- lookup ---- */

enum result counter_lookup(struct ctx *c, int64_t shop_id, const char *code, const char *pin,
		   struct counter_lookup *out)
{
	memset(out, 0, sizeof(*out));
	struct shop s;
	int rc = load_shop(c, shop_id, "shop_id", &s);
	if (rc)
		return rc;
	if (!shop_can(c, &s, P_SHOP_COUNTER))
		return shop_refusal(c, &s, "无权在", "收银");
	struct resolved r;
	if ((rc = resolve_code(c, code, pin, true, &r)))
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
	    (rc = reserved_points(c, r.hh.id, &out->reserved_points)))
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
		if ((rc = limit_used(c, &g, r.hh.id, 0, &used)))
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
	if ((rc = load_goods(c, s, items, n, preorder_id != 0, g)))
		return rc;
	if (!preorder_id && (rc = check_limits(c, g, items, n, h->hh.id)))
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
			     total, 0, preorder_id, lines_text(c, g, items, n), NULL);
}

/* One sale in its own transaction, with the replay checks around it. */
static int sell(struct ctx *c, const struct shop *s, const struct resolved *h, const struct counter_item *items,
		int n, int64_t preorder_id, const char *key, int64_t *receipt_id, bool *replayed)
{
	const struct counter_item *cmp = preorder_id ? NULL : items;
	char number[COUNTER_NUMBER_MAX];
	int64_t found = 0;
	bool dup = false;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if (!(rc = next_number(c, s->id, number)) &&
	    !(rc = find_keyed(c, s->id, key, "sale", h->hh.id, 0, preorder_id, cmp, n, &found)) && !found &&
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
		if ((rc = find_keyed(c, s->id, key, "sale", h->hh.id, 0, preorder_id, cmp, n, &found)))
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
	check_key(c, in->idempotency_key);
	check_items(c, in->items, in->nitems);
	if (!in->code || !in->code[0])
		ctx_field(c, "code", "请扫描户码或输入户卡卡号");
	int rc = load_shop(c, in->shop_id, "shop_id", &s);
	if (rc || (rc = ctx_check_fields(c)))
		return rc;
	if (!shop_can(c, &s, P_SHOP_COUNTER) || !c->actor)
		return shop_refusal(c, &s, "无权在", "收银");
	/* a retry of a confirmed request returns its receipt, even after the code expired */
	int64_t found = 0, hint = code_hint(c, in->code);
	rc = hint ? find_keyed(c, s.id, in->idempotency_key, "sale", hint, 0, 0, in->items, in->nitems, &found)
		  : RC_OK;
	if (rc || found) {
		*receipt_id = found;
		*replayed = found != 0;
		return rc;
	}
	struct resolved h;
	if ((rc = resolve_code(c, in->code, in->pin, false, &h)))
		return rc;
	if (!shop_serves(c, &s, h.hh.village_id))
		return ctx_fail(c, RC_CONFLICT, "该户（%s）不在「%s」的服务范围内", h.hh.village_name, s.name);
	return sell(c, &s, &h, in->items, in->nitems, 0, in->idempotency_key, receipt_id, replayed);
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
			     lines_text(c, g, in->items, n), in->reason);
}

enum result counter_return(struct ctx *c, const struct return_input *in, int64_t *receipt_id, bool *replayed)
{
	*receipt_id = 0;
	*replayed = false;
	check_key(c, in->idempotency_key);
	check_items(c, in->items, in->nitems);
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
	rc = find_keyed(c, s.id, in->idempotency_key, "return", sale.household_id, sale.id, 0, in->items, in->nitems,
			&found);
	if (rc || found) {
		*receipt_id = found;
		*replayed = found != 0;
		return rc;
	}
	struct hh_info h;
	if ((rc = household_info(c, sale.household_id, &h)))
		return rc;
	char number[COUNTER_NUMBER_MAX];
	bool dup = false;
	if ((rc = ctx_begin(c)))
		return rc;
	if (!(rc = next_number(c, s.id, number)) &&
	    !(rc = find_keyed(c, s.id, in->idempotency_key, "return", sale.household_id, sale.id, 0, in->items,
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
		if ((rc = find_keyed(c, s.id, in->idempotency_key, "return", sale.household_id, sale.id, 0, in->items,
				     in->nitems, &found)))
			return rc;
		if (!found)
			return ctx_fail(c, RC_CONFLICT, "重复提交，请重试");
		*receipt_id = found;
		*replayed = true;
	}
	return rc;
}

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
			ok = shop_staff(c, &s);
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
	int rc = household_info(c, household_id, &h);
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
	if (is_villager_of(c, out->household_id))
		return RC_OK;
	struct shop s;
	if ((rc = shop_get(c, out->shop_id, &s)))
		return rc;
	if (!shop_staff(c, &s)) {
		memset(out, 0, sizeof(*out));
		return ctx_fail(c, RC_NOT_FOUND, "预订不存在");
	}
	return RC_OK;
}

enum result counter_preorder_create(struct ctx *c, const struct preorder_input *in, int64_t *id)
{
	*id = 0;
	check_items(c, in->items, in->nitems);
	struct shop s;
	int rc = load_shop(c, in->shop_id, "shop_id", &s);
	if (rc || (rc = ctx_check_fields(c)))
		return rc;
	if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
		return shop_refusal(c, &s, "只有村民可以在", "为本户预订");
	int64_t household = c->actor->household_id;
	struct hh_info h;
	if ((rc = household_info(c, household, &h)))
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
	if ((rc = lock_shop(c, s.id)) || (rc = shop_check_open(c, &s)))
		return ctx_end(c, rc);
	int64_t open = 0;
	if (db_get_int(c->db, &open, "SELECT count(*) FROM preorders WHERE household_id = ? AND status = 'reserved'",
		       "i", household) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "预订"));
	if (open >= PREORDER_OPEN_MAX)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "你家已有 %lld 个待领取的预订，请先领取或取消", (long long)open));
	if ((rc = load_goods(c, &s, in->items, n, false, g)) || (rc = check_limits(c, g, in->items, n, household)))
		return ctx_end(c, rc);
	int64_t total = 0, held = 0, spendable, honour;
	for (int i = 0; i < n; i++)
		total += (int64_t)g[i].price_points * in->items[i].quantity;
	if ((rc = reserved_points(c, household, &held)) || (rc = ledger_balance(c, household, &spendable, &honour)))
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
	audit_snap_str(&after, "lines", lines_text(c, g, in->items, n));
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
		int rc = load_shop(c, q->shop_id, "shop_id", &s);
		if (rc)
			return rc;
		if (!shop_staff(c, &s))
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
	check_key(c, idempotency_key);
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
		if (is_villager_of(c, p.household_id))
			return ctx_fail(c, RC_FORBIDDEN, "请到超市由管理员扫码领取");
		return ctx_fail(c, RC_NOT_FOUND, "预订不存在");
	}
	if ((rc = ctx_check_fields(c)))
		return rc;
	int64_t found = 0;
	rc = find_keyed(c, s.id, idempotency_key, "sale", p.household_id, 0, p.id, NULL, 0, &found);
	if (rc || found) {
		*receipt_id = found;
		*replayed = found != 0;
		return rc;
	}
	struct resolved h;
	if ((rc = resolve_code(c, code, pin, false, &h)))
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
	return sell(c, &s, &h, items, p.nlines, p.id, idempotency_key, receipt_id, replayed);
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
	if ((rc = household_info(c, hh, &h)))
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
	if (!(rc = lock_shop(c, p.shop_id)))
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
		if (!(rc = lock_shop(c, p.shop_id)))
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
