/* Household cards and codes at the counter: card numbers and PINs, the wrong-PIN
 * budget, resolving a phone's code or a card to its household, issuing and revoking
 * cards, and finding a household by name for staff without the register. */
#include "domain/shop/counter_internal.h"

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
	char *op = arena_printf(c->arena, "pin-operator:%lld", (long long)ctx_actor_id(c));
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
int ctr_resolve_code(struct ctx *c, const char *code, const char *pin, bool unspent, struct resolved *out)
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
	rc = ctr_household_info(c, out->hh.id, &out->hh);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_field(c, "code", "户码对应的户不存在");
	}
	return rc;
}

/* The household a code names, without checking expiry or PIN, or 0: used only to
 * compare a retried request with the receipt its key made. */
int64_t ctr_code_hint(struct ctx *c, const char *code)
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
	int rc = ctr_household_info(c, household_id, h);
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
	int rc = ctr_household_info(c, household_id, &h);
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
	if ((rc = ctr_household_info(c, k.household_id, &h)))
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
	int rc = ctr_load_shop(c, shop_id, "shop_id", &s);
	if (rc == RC_INVALID || (rc == RC_OK && ctx_check_fields(c)))
		return RC_INVALID;
	if (rc)
		return rc;
	if (!ctr_shop_staff(c, &s))
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
