/* Accounts, sessions, throttling, activation codes and role grants. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/register/account.h"
#include "domain/register/people.h"
#include "util/utf8.h"

/* ---- throttling ---- */

/* Seconds until key may try again, or 0. */
static int64_t locked_for(struct ctx *c, const char *key)
{
	int64_t until = 0;
	if (db_get_int(c->db, &until, "SELECT locked_until FROM login_failures WHERE key = ?", "t", key) != DB_OK)
		return 0;
	return until > c->now ? until - c->now : 0;
}

/* Counts a failure of key. From the limit on, key waits: a fixed window for a client
 * address (hard lock), and for a phone a delay that doubles with each further failure,
 * from ACCOUNT_DELAY_MIN to ACCOUNT_DELAY_MAX seconds, so a stranger guessing cannot
 * keep the owner out for longer than one delay, and guesses stay slow. */
static void record_failure(struct ctx *c, const char *key, int limit, bool growing)
{
	/* one statement per key so concurrent failures count correctly on both engines */
	db_run(c->db,
	       "INSERT INTO login_failures (key, window_start, failures, locked_until) VALUES (?, ?, 1, 0) "
	       "ON CONFLICT (key) DO UPDATE SET "
	       "failures = CASE WHEN login_failures.window_start < ? THEN 1 ELSE login_failures.failures + 1 END, "
	       "window_start = CASE WHEN login_failures.window_start < ? THEN ? ELSE login_failures.window_start END",
	       "tiiii", key, c->now, c->now - ACCOUNT_FAIL_WINDOW, c->now - ACCOUNT_FAIL_WINDOW, c->now);
	if (!growing) {
		db_run(c->db, "UPDATE login_failures SET locked_until = ? WHERE key = ? AND failures >= ?", "iti",
		       c->now + ACCOUNT_FAIL_WINDOW, key, (int64_t)limit);
		return;
	}
	int64_t failures = 0;
	if (db_get_int(c->db, &failures, "SELECT failures FROM login_failures WHERE key = ?", "t", key) != DB_OK ||
	    failures < limit)
		return;
	int64_t delay = ACCOUNT_DELAY_MIN;
	for (int64_t i = limit; i < failures && delay < ACCOUNT_DELAY_MAX; i++)
		delay *= 2;
	if (delay > ACCOUNT_DELAY_MAX)
		delay = ACCOUNT_DELAY_MAX;
	db_run(c->db, "UPDATE login_failures SET locked_until = ? WHERE key = ?", "it", c->now + delay, key);
}

static void clear_failures(struct ctx *c, const char *key)
{
	db_run(c->db, "DELETE FROM login_failures WHERE key = ?", "t", key);
}

static char *key_for(struct ctx *c, const char *kind, const char *v)
{
	return arena_printf(c->arena, "%s:%s", kind, v ? v : "");
}

/* The keys an attempt (login, activation, password change) is throttled by: the phone,
 * and the client's address when it counts (else NULL). */
struct attempt {
	const char *phone_key, *addr_key;
};

/* Makes the keys of an attempt; RC_TOO_MANY while either is locked. */
static int attempt_start(struct ctx *c, const char *phone, bool by_addr, struct attempt *a)
{
	a->phone_key = key_for(c, "phone", phone);
	a->addr_key = by_addr && c->remote ? key_for(c, "addr", c->remote) : NULL;
	int64_t wait = locked_for(c, a->phone_key);
	int64_t wait2 = a->addr_key ? locked_for(c, a->addr_key) : 0;
	if (wait2 > wait)
		wait = wait2;
	if (!wait)
		return RC_OK;
	c->err.retry_after = wait;
	return ctx_fail(c, RC_TOO_MANY, "尝试次数过多，请 %lld 分钟后再试", (long long)((wait + 59) / 60));
}

/* Counts a failed attempt against its keys. */
static void attempt_failed(struct ctx *c, const struct attempt *a)
{
	record_failure(c, a->phone_key, ACCOUNT_FAIL_PHONE, true);
	if (a->addr_key)
		record_failure(c, a->addr_key, ACCOUNT_FAIL_ADDR, false);
}

/* ---- sessions ---- */

static int start_session(struct ctx *c, int64_t user_id, struct session *out)
{
	char hash[CRYPTO_HASH_HEX];
	crypto_random_token(out->token);
	crypto_hash_hex(out->token, strlen(out->token), hash);
	out->user_id = user_id;
	out->expires_at = c->now + ACCOUNT_SESSION_TTL;
	int rc = db_run(c->db, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
			       "VALUES (?, ?, ?, ?)", "tiii", hash, user_id, c->now, out->expires_at);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "登录");
}

enum result account_login(struct ctx *c, const char *phone, const char *password, struct session *out)
{
	if (!phone || !phone[0])
		ctx_field(c, "phone", "请输入手机号");
	if (!password || !password[0])
		ctx_field(c, "password", "请输入密码");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct attempt at;
	int rc = attempt_start(c, phone, true, &at);
	if (rc)
		return rc;

	int64_t user_id = 0;
	char hash[CRYPTO_PWHASH_MAX] = "", status[12] = "";
	struct db_stmt *st = db_query(c->db, "SELECT id, COALESCE(password_hash, ''), status FROM users "
					     "WHERE phone = ?", "t", phone);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "登录");
	if (db_step(st) == DB_ROW) {
		user_id = db_col_int(st, 0);
		str_copy(hash, sizeof(hash), db_col_text(st, 1));
		str_copy(status, sizeof(status), db_col_text(st, 2));
	}
	db_finalize(st);
	bool ok = hash[0] && crypto_password_verify(hash, password);
	if (!ok || strcmp(status, "active")) {
		if ((rc = ctx_begin(c)) == RC_OK) {
			attempt_failed(c, &at);
			ctx_end(c, RC_OK);
		}
		if (ok && !strcmp(status, "pending"))
			return ctx_fail(c, RC_UNAUTHENTICATED, "账号尚未激活，请用村里发的激活码激活");
		if (ok && !strcmp(status, "disabled"))
			return ctx_fail(c, RC_UNAUTHENTICATED, "账号已停用，请联系村干部");
		if (!hash[0] && !strcmp(status, "pending"))
			return ctx_fail(c, RC_UNAUTHENTICATED, "账号尚未激活，请用村里发的激活码激活");
		return ctx_fail(c, RC_UNAUTHENTICATED, "手机号或密码不对");
	}
	if ((rc = ctx_begin(c)))
		return rc;
	clear_failures(c, at.phone_key);
	return ctx_end(c, start_session(c, user_id, out));
}

enum result account_logout(struct ctx *c, const char *token)
{
	char hash[CRYPTO_HASH_HEX];
	crypto_hash_hex(token, strlen(token), hash);
	int rc = db_run(c->db, "DELETE FROM sessions WHERE token_hash = ?", "t", hash);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "退出");
}

static int load_grants(struct ctx *c, int64_t user_id, struct grant *g, int max, int *n)
{
	struct db_stmt *st = db_query(c->db, "SELECT g.role, g.unit_id, o.kind, o.path FROM role_grants g "
					     "JOIN org_units o ON o.id = g.unit_id WHERE g.user_id = ? "
					     "ORDER BY g.id", "i", user_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取角色");
	*n = 0;
	while (*n < max && db_step(st) == DB_ROW) {
		struct grant *x = &g[(*n)++];
		str_copy(x->role, sizeof(x->role), db_col_text(st, 0));
		x->unit_id = db_col_int(st, 1);
		str_copy(x->unit_kind, sizeof(x->unit_kind), db_col_text(st, 2));
		str_copy(x->path, sizeof(x->path), db_col_text(st, 3));
	}
	db_finalize(st);
	return RC_OK;
}

enum result account_authenticate(struct ctx *c, const char *token, struct actor *a)
{
	char hash[CRYPTO_HASH_HEX];
	if (!token || strlen(token) != CRYPTO_TOKEN_HEX - 1)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	crypto_hash_hex(token, strlen(token), hash);
	struct db_stmt *st = db_query(c->db,
		"SELECT u.id, u.name, u.phone, COALESCE(u.resident_id, 0), COALESCE(r.household_id, 0) "
		"FROM sessions s JOIN users u ON u.id = s.user_id "
		"LEFT JOIN residents r ON r.id = u.resident_id "
		"WHERE s.token_hash = ? AND s.expires_at > ? AND u.status = 'active'", "ti", hash, c->now);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取会话");
	int rc = db_step(st);
	memset(a, 0, sizeof(*a));
	if (rc == DB_ROW) {
		str_copy(a->session_hash, sizeof(a->session_hash), hash);
		a->user_id = db_col_int(st, 0);
		str_copy(a->name, sizeof(a->name), db_col_text(st, 1));
		str_copy(a->phone, sizeof(a->phone), db_col_text(st, 2));
		a->resident_id = db_col_int(st, 3);
		a->household_id = db_col_int(st, 4);
	}
	db_finalize(st);
	if (rc != DB_ROW)
		return ctx_fail(c, RC_UNAUTHENTICATED, "登录已过期，请重新登录");
	return load_grants(c, a->user_id, a->grants, CTX_MAX_GRANTS, &a->ngrants);
}

void account_check_password(struct ctx *c, const char *field, const char *pw)
{
	if (!pw || !pw[0]) {
		ctx_field(c, field, "请输入密码");
		return;
	}
	size_t n = utf8_count(pw);
	if (n < ACCOUNT_PASSWORD_MIN || n > ACCOUNT_PASSWORD_MAX) {
		ctx_field(c, field, "密码长度应为 %d 到 %d 位", ACCOUNT_PASSWORD_MIN, ACCOUNT_PASSWORD_MAX);
		return;
	}
	bool digit = false, other = false;
	for (const char *p = pw; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else
			other = true;
	}
	if (!digit || !other)
		ctx_field(c, field, "密码需同时含有数字和字母（或其他字符）");
}

static int set_password(struct ctx *c, int64_t user_id, const char *pw)
{
	char hash[CRYPTO_PWHASH_MAX];
	if (crypto_password_hash(pw, hash))
		return ctx_fail(c, RC_INTERNAL, "密码处理失败");
	int rc = db_run(c->db, "UPDATE users SET password_hash = ?, status = 'active', updated_at = ? "
			       "WHERE id = ?", "tii", hash, c->now, user_id);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "设置密码");
}

/* The audit chain of a user: their first grant's unit, their household's village, or 0. */
static int64_t user_chain(struct ctx *c, int64_t user_id)
{
	int64_t unit = 0;
	if (db_get_int(c->db, &unit, "SELECT h.village_id FROM users u JOIN residents r ON r.id = u.resident_id "
				     "JOIN households h ON h.id = r.household_id WHERE u.id = ?", "i", user_id) == DB_OK)
		return unit;
	if (db_get_int(c->db, &unit, "SELECT CASE WHEN o.kind = 'group' THEN o.parent_id ELSE o.id END "
				     "FROM role_grants g JOIN org_units o ON o.id = g.unit_id WHERE g.user_id = ? "
				     "ORDER BY g.id LIMIT 1", "i", user_id) == DB_OK)
		return unit;
	db_get_int(c->db, &unit, "SELECT id FROM org_units WHERE kind = 'county' ORDER BY id LIMIT 1", "");
	return unit;
}

static int audit_user(struct ctx *c, int64_t user_id, const char *action, const char *detail)
{
	int64_t unit = user_chain(c, user_id);
	if (!unit)
		return RC_OK; /* no org yet: nothing to chain to */
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "detail", detail);
	audit_snap_end(&after);
	int rc = audit_record(c, unit, "user", user_id, action, "{}", after.ptr);
	buf_release(&after);
	return rc;
}

enum result account_change_password(struct ctx *c, const char *old_pw, const char *new_pw)
{
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!old_pw || !old_pw[0])
		ctx_field(c, "old_password", "请输入原密码");
	account_check_password(c, "new_password", new_pw);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct attempt at;
	int rc = attempt_start(c, c->actor->phone, false, &at);
	if (rc)
		return rc;
	char hash[CRYPTO_PWHASH_MAX] = "";
	struct db_stmt *st = db_query(c->db, "SELECT COALESCE(password_hash, '') FROM users WHERE id = ?",
				      "i", c->actor->user_id);
	if (st && db_step(st) == DB_ROW)
		str_copy(hash, sizeof(hash), db_col_text(st, 0));
	db_finalize(st);
	if (!hash[0] || !crypto_password_verify(hash, old_pw)) {
		if (ctx_begin(c) == RC_OK) {
			attempt_failed(c, &at);
			ctx_end(c, RC_OK);
		}
		return ctx_field(c, "old_password", "原密码不对");
	}
	if ((rc = ctx_begin(c)))
		return rc;
	rc = set_password(c, c->actor->user_id, new_pw);
	/* other sessions end; this one stays */
	if (!rc && db_run(c->db, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", "it",
			  c->actor->user_id, c->actor->session_hash) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "修改密码");
	if (!rc)
		rc = audit_user(c, c->actor->user_id, "password_change", "");
	return ctx_end(c, rc);
}

/* The stored form of an activation code: a keyed hash under a subkey of the lookup key,
 * so that a copy of the database does not give the 8 digits back by trying them all.
 * Codes issued before carry "v0:" and the unkeyed hash (migration 030) and do not
 * activate. */
static void activation_hash(struct ctx *c, const char *code, char out[CRYPTO_HASH_HEX])
{
	unsigned char key[CRYPTO_KEY_BYTES];
	crypto_derive(c->keys->lookup, "activation-code", key);
	crypto_keyed_hash_hex(key, code, out);
}

enum result account_issue_activation(struct ctx *c, int64_t resident_id, char code[ACCOUNT_CODE_LEN + 1],
			     int64_t *expires_at, int64_t *user_id)
{
	struct resident r;
	struct household h;
	int rc = people_resident_get(c, resident_id, &r);
	if (rc)
		return rc;
	if ((rc = people_household_get(c, r.household_id, &h)))
		return rc;
	struct org_unit v;
	if ((rc = org_get(c, h.village_id, &v)))
		return rc;
	if (!access_can(c, P_ACCESS_ISSUE, v.path))
		return ctx_fail(c, access_refusal(c, v.path), "无权为该村民发放激活码");
	if (!r.phone[0] || r.phone[0] != '1')
		return ctx_field(c, "phone", "该村民没有登记手机号，请先补充手机号");

	/* An account that holds more than a villager's grant is reset only by someone who
	 * administers every such grant: a cadre must not take over an official who also
	 * lives in the village. Such an account's phone is never rewritten from the
	 * register. */
	int64_t existing = 0;
	bool staff = false;
	if (db_get_int(c->db, &existing, "SELECT id FROM users WHERE resident_id = ?", "i", resident_id) == DB_OK) {
		struct db_stmt *st = db_query(c->db, "SELECT g.role, o.path, o.name FROM role_grants g "
						     "JOIN org_units o ON o.id = g.unit_id "
						     "WHERE g.user_id = ? AND g.role <> 'villager' ORDER BY g.id",
					      "i", existing);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "发放激活码");
		char denied[200] = "";
		while (db_step(st) == DB_ROW) {
			staff = true;
			if (!denied[0] && !access_can(c, P_USER_ADMIN, db_col_text(st, 1))) {
				const struct role_def *rd = access_role(db_col_text(st, 0));
				snprintf(denied, sizeof(denied), "%s的%s", db_col_text(st, 2),
					 rd ? rd->label : db_col_text(st, 0));
			}
		}
		db_finalize(st);
		if (denied[0])
			return ctx_fail(c, RC_FORBIDDEN, "该村民的账号还担任%s，只能由管理该职务的上级管理员重置", denied);
	}

	char hash[CRYPTO_HASH_HEX];
	crypto_random_digits(code, ACCOUNT_CODE_LEN);
	activation_hash(c, code, hash);
	*expires_at = c->now + ACCOUNT_ACTIVATION_TTL;
	if ((rc = ctx_begin(c)))
		return rc;
	*user_id = 0;
	int dbrc = db_get_int(c->db, user_id, "SELECT id FROM users WHERE resident_id = ?", "i", resident_id);
	if (dbrc == DB_DONE) {
		dbrc = db_get_int(c->db, user_id, "INSERT INTO users (phone, name, status, resident_id, created_at, "
						  "updated_at) VALUES (?, ?, 'pending', ?, ?, ?) RETURNING id",
				  "ttiii", r.phone, r.name, resident_id, c->now, c->now);
		if (dbrc == DB_CONSTRAINT)
			return ctx_end(c, ctx_fail(c, RC_CONFLICT, "手机号 %s 已被其他账号使用", r.phone));
		if (dbrc == DB_OK)
			dbrc = db_run(c->db, "INSERT INTO role_grants (user_id, role, unit_id, created_at) "
					     "VALUES (?, 'villager', ?, ?)", "iii", *user_id, v.id, c->now);
	} else if (dbrc == DB_OK) {
		/* resetting access: the old password and every session stop working */
		dbrc = staff ? db_run(c->db, "UPDATE users SET password_hash = NULL, status = 'pending', "
					     "updated_at = ? WHERE id = ?", "ii", c->now, *user_id)
			     : db_run(c->db, "UPDATE users SET password_hash = NULL, status = 'pending', phone = ?, "
					     "updated_at = ? WHERE id = ?", "tii", r.phone, c->now, *user_id);
		if (dbrc == DB_OK)
			dbrc = db_run(c->db, "DELETE FROM sessions WHERE user_id = ?", "i", *user_id);
	}
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "UPDATE activation_codes SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
			      "ii", c->now, *user_id);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "INSERT INTO activation_codes (user_id, code_hash, issued_by, created_at, "
				     "expires_at) VALUES (?, ?, ?, ?, ?)", "itiii", *user_id, hash,
			      c->actor ? c->actor->user_id : *user_id, c->now, *expires_at);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "发放激活码"));
	return ctx_end(c, audit_user(c, *user_id, "activation_issued", r.name));
}

enum result account_activate(struct ctx *c, const char *phone, const char *code, const char *password,
		     struct session *out)
{
	if (!phone || !phone[0])
		ctx_field(c, "phone", "请输入手机号");
	if (!code || strlen(code) != ACCOUNT_CODE_LEN)
		ctx_field(c, "code", "激活码是 %d 位数字", ACCOUNT_CODE_LEN);
	account_check_password(c, "password", password);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct attempt at;
	int rc = attempt_start(c, phone, true, &at);
	if (rc)
		return rc;
	char hash[CRYPTO_HASH_HEX];
	activation_hash(c, code, hash);
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t code_id = 0, user_id = 0;
	struct db_stmt *st = db_query(c->db,
		"SELECT a.id, a.user_id FROM activation_codes a JOIN users u ON u.id = a.user_id "
		"WHERE u.phone = ? AND a.code_hash = ? AND a.used_at IS NULL AND a.expires_at > ?",
		"tti", phone, hash, c->now);
	if (st && db_step(st) == DB_ROW) {
		code_id = db_col_int(st, 0);
		user_id = db_col_int(st, 1);
	}
	db_finalize(st);
	if (!code_id) {
		/* a code issued before migration 030: say so rather than "wrong" */
		char old[CRYPTO_HASH_HEX + 3] = "v0:";
		crypto_hash_hex(code, strlen(code), old + 3);
		int64_t before = 0;
		bool legacy = db_get_int(c->db, &before,
					 "SELECT a.id FROM activation_codes a JOIN users u ON u.id = a.user_id "
					 "WHERE u.phone = ? AND a.code_hash = ? AND a.used_at IS NULL AND a.expires_at > ?",
					 "tti", phone, old, c->now) == DB_OK;
		attempt_failed(c, &at);
		ctx_end(c, RC_OK);
		if (legacy)
			return ctx_field(c, "code", "这个激活码是系统安全升级前发放的，已经失效，请找村干部重新发放");
		return ctx_field(c, "code", "激活码不对、已用过或已过期，请找村干部重新发放");
	}
	/* single use: the conditional update decides between two racing activations */
	int64_t claimed = 0;
	int dbrc = db_get_int(c->db, &claimed, "UPDATE activation_codes SET used_at = ? WHERE id = ? AND "
					       "used_at IS NULL RETURNING id", "ii", c->now, code_id);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_field(c, "code", "激活码已用过"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "激活"));
	rc = set_password(c, user_id, password);
	if (!rc)
		rc = start_session(c, user_id, out);
	if (!rc) {
		clear_failures(c, at.phone_key);
		rc = audit_user(c, user_id, "activate", "");
	}
	return ctx_end(c, rc);
}

enum result account_user_find_phone(struct ctx *c, const char *phone, int64_t *id)
{
	int rc = db_get_int(c->db, id, "SELECT id FROM users WHERE phone = ?", "t", phone);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "没有这个手机号的账号");
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "查找账号");
}

enum result account_user_add(struct ctx *c, const char *phone, const char *name, const char *password,
		     int64_t *id)
{
	if (!phone || strlen(phone) != 11 || !people_phone_valid(phone))
		ctx_field(c, "phone", "手机号应为 11 位");
	if (!name || !name[0] || utf8_count(name) > 20 || utf8_has_controls(name, false))
		ctx_field(c, "name", "姓名不能为空，最多 20 个字");
	account_check_password(c, "password", password);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (!c->system) {
		const char *scopes[CTX_MAX_GRANTS];
		if (!access_scopes(c, P_USER_ADMIN, scopes, CTX_MAX_GRANTS))
			return ctx_fail(c, RC_FORBIDDEN, "无权新建账号");
	}
	char hash[CRYPTO_PWHASH_MAX];
	if (crypto_password_hash(password, hash))
		return ctx_fail(c, RC_INTERNAL, "密码处理失败");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO users (phone, name, password_hash, status, created_at, "
					 "updated_at) VALUES (?, ?, ?, 'active', ?, ?) RETURNING id",
			      "tttii", phone, name, hash, c->now, c->now);
	if (dbrc == DB_CONSTRAINT)
		return ctx_end(c, ctx_field(c, "phone", "该手机号已有账号"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "新建账号"));
	return ctx_end(c, audit_user(c, *id, "create", name));
}

static int grant_change(struct ctx *c, int64_t user_id, const char *role, int64_t unit_id, bool add)
{
	const struct role_def *r = role ? access_role(role) : NULL;
	if (!r)
		ctx_field(c, "role", "没有这个角色");
	struct org_unit u;
	if (org_get(c, unit_id, &u) != RC_OK) {
		c->err.code = RC_OK;
		ctx_field(c, "unit_id", "单位不存在");
	} else if (r && !access_role_fits(r, u.kind)) {
		ctx_field(c, "unit_id", "%s 不能授予在这一级单位上", r->label);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (!access_can(c, P_USER_ADMIN, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权在该单位授予或撤销角色");
	struct user_info ui;
	int rc = account_user_get(c, user_id, &ui);
	if (rc)
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t changed;
	int dbrc = add ? db_get_int(c->db, &changed, "INSERT INTO role_grants (user_id, role, unit_id, created_at) "
						 "VALUES (?, ?, ?, ?) ON CONFLICT (user_id, role, unit_id) DO NOTHING RETURNING id",
				    "itii", user_id, role, unit_id, c->now)
		       : db_get_int(c->db, &changed, "DELETE FROM role_grants WHERE user_id = ? AND role = ? "
						 "AND unit_id = ? RETURNING id", "iti", user_id, role, unit_id);
	if (dbrc == DB_DONE)
		return ctx_end(c, RC_OK); /* already so: nothing to record */
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "授权"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "role", role);
	audit_snap_int(&after, "unit_id", unit_id);
	audit_snap_end(&after);
	rc = audit_record(c, org_chain_unit(&u), "user", user_id, add ? "grant" : "revoke", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result account_grant(struct ctx *c, int64_t user_id, const char *role, int64_t unit_id)
{
	return grant_change(c, user_id, role, unit_id, true);
}

enum result account_revoke(struct ctx *c, int64_t user_id, const char *role, int64_t unit_id)
{
	return grant_change(c, user_id, role, unit_id, false);
}

static void read_user(struct db_stmt *st, struct user_info *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, 0);
	str_copy(u->phone, sizeof(u->phone), db_col_text(st, 1));
	str_copy(u->name, sizeof(u->name), db_col_text(st, 2));
	str_copy(u->status, sizeof(u->status), db_col_text(st, 3));
	u->resident_id = db_col_int(st, 4);
	u->household_id = db_col_int(st, 5);
	u->created_at = db_col_int(st, 6);
}

#define USER_COLS "u.id, u.phone, u.name, u.status, COALESCE(u.resident_id, 0), COALESCE(r.household_id, 0), u.created_at "
#define USER_FROM "FROM users u LEFT JOIN residents r ON r.id = u.resident_id "

/* A user is visible to themself, to an admin whose scope covers one of the user's
 * grants, and (while they hold no role yet) to any account administrator. */
static bool user_visible(const struct ctx *c, const struct user_info *u)
{
	if (c->system || (c->actor && c->actor->user_id == u->id))
		return true;
	const char *scopes[CTX_MAX_GRANTS];
	if (u->ngrants == 0)
		return access_scopes(c, P_USER_ADMIN, scopes, CTX_MAX_GRANTS) > 0;
	for (int i = 0; i < u->ngrants; i++)
		if (access_can(c, P_USER_ADMIN, u->grants[i].path) ||
		    (!strcmp(u->grants[i].role, "villager") && access_can(c, P_ACCESS_ISSUE, u->grants[i].path)))
			return true;
	return false;
}

enum result account_user_get(struct ctx *c, int64_t id, struct user_info *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " USER_COLS USER_FROM "WHERE u.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取账号");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_user(st, out);
	db_finalize(st);
	if (rc != DB_ROW)
		return ctx_fail(c, RC_NOT_FOUND, "账号不存在");
	if ((rc = load_grants(c, id, out->grants, CTX_MAX_GRANTS, &out->ngrants)))
		return rc;
	return user_visible(c, out) ? RC_OK : ctx_fail(c, RC_NOT_FOUND, "账号不存在");
}

enum result account_user_list(struct ctx *c, int64_t unit_id, int limit, int offset, struct user_info **out,
		      int *n, int64_t *total)
{
	struct org_unit u;
	int rc = org_get(c, unit_id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_USER_ADMIN, u.path) && !access_can(c, P_ACCESS_ISSUE, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权查看该单位的账号");
	bool villagers_only = !access_can(c, P_USER_ADMIN, u.path);
	char *like = arena_printf(c->arena, "%s%%", u.path);
	const char *where = villagers_only
		? "WHERE u.id IN (SELECT g.user_id FROM role_grants g JOIN org_units o ON o.id = g.unit_id "
		  "WHERE o.path LIKE ? AND g.role = 'villager') "
		: "WHERE u.id IN (SELECT g.user_id FROM role_grants g JOIN org_units o ON o.id = g.unit_id "
		  "WHERE o.path LIKE ?) ";
	char *sql = arena_printf(c->arena, "SELECT count(*) " USER_FROM "%s", where);
	if (db_get_int(c->db, total, sql, "t", like) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取账号");
	sql = arena_printf(c->arena, "SELECT " USER_COLS USER_FROM "%s ORDER BY u.id LIMIT ? OFFSET ?", where);
	struct db_stmt *st = db_query(c->db, sql, "tii", like, (int64_t)limit, (int64_t)offset);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取账号");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit ? limit : 1));
	*n = 0;
	while (*out && *n < limit && db_step(st) == DB_ROW)
		read_user(st, &(*out)[(*n)++]);
	db_finalize(st);
	for (int i = 0; *out && i < *n; i++)
		load_grants(c, (*out)[i].id, (*out)[i].grants, CTX_MAX_GRANTS, &(*out)[i].ngrants);
	return RC_OK;
}
