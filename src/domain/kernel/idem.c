/* Idempotency keys (idem.h). */
#include "domain/kernel/idem.h"

void idem_check_key(struct ctx *c, const char *field, const char *key, bool required)
{
	size_t n = key ? strlen(key) : 0;
	bool ok = n >= IDEM_KEY_MIN && n <= IDEM_KEY_MAX;
	for (size_t i = 0; ok && i < n; i++) {
		char ch = key[i];
		ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
	}
	if (!n && required)
		ctx_field(c, field, "缺少幂等键：每次新的提交应生成一个，重试时沿用");
	else if (n && !ok)
		ctx_field(c, field, "幂等键应为 %d 到 %d 位字母、数字或连字符", IDEM_KEY_MIN, IDEM_KEY_MAX);
}

static bool has_key(const struct idem *k)
{
	return k && k->key && k->key[0];
}

enum result idem_begin(struct ctx *c, const char *scope, const struct idem *k, const char **replay)
{
	*replay = NULL;
	if (!has_key(k))
		return RC_OK;
	int64_t actor = ctx_actor_id(c);
	int64_t one;
	/* on PostgreSQL a concurrent request with the same key waits here for the first
	 * one's transaction, then finds its row */
	int rc = db_get_int(c->db, &one, "INSERT INTO idempotency_keys (actor_id, scope, key, fingerprint, "
					 "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (actor_id, scope, key) "
					 "DO NOTHING RETURNING 1",
			    "ittti", actor, scope, k->key, k->fingerprint, c->now);
	if (rc == DB_OK)
		return RC_OK;
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "幂等键");
	struct db_stmt *st = db_query(c->db, "SELECT fingerprint, result FROM idempotency_keys "
					     "WHERE actor_id = ? AND scope = ? AND key = ?", "itt", actor, scope, k->key);
	if (!st || db_step(st) != DB_ROW) {
		db_finalize(st);
		return ctx_db_fail(c, DB_ERROR, "幂等键");
	}
	bool same = !strcmp(db_col_text(st, 0), k->fingerprint);
	const char *result = arena_strdup(c->arena, db_col_text(st, 1));
	db_finalize(st);
	if (!same)
		return ctx_fail(c, RC_CONFLICT, "这个幂等键已用于另一次不同内容的提交，请为新的提交生成新的幂等键");
	if (!result || !result[0])
		return ctx_fail(c, RC_CONFLICT, "同一提交正在处理中，请稍后重试");
	*replay = result;
	return RC_OK;
}

enum result idem_store(struct ctx *c, const char *scope, const struct idem *k, const char *result)
{
	if (!has_key(k))
		return RC_OK;
	int rc = db_run(c->db, "UPDATE idempotency_keys SET result = ? WHERE actor_id = ? AND scope = ? AND key = ?",
			"titt", result, ctx_actor_id(c), scope, k->key);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "幂等键");
}

enum result idem_expire(struct ctx *c, int64_t *removed)
{
	*removed = 0;
	int64_t before = c->now - (int64_t)IDEM_KEEP_DAYS * 86400;
	if (db_get_int(c->db, removed, "SELECT count(*) FROM idempotency_keys WHERE created_at < ?", "i", before) !=
	    DB_OK)
		return ctx_db_fail(c, DB_ERROR, "幂等键");
	if (*removed && db_run(c->db, "DELETE FROM idempotency_keys WHERE created_at < ?", "i", before) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "幂等键");
	return RC_OK;
}
