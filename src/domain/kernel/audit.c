/* Hash-chained audit log. */
#include "domain/kernel/audit.h"
#include "domain/kernel/chain.h"
#include "domain/kernel/scope.h"

#include <stdatomic.h>

void audit_snap_begin(struct buf *b)
{
	buf_init(b, 64 * 1024);
	buf_addc(b, '{');
}

static void key(struct buf *b, const char *k)
{
	if (b->len > 1)
		buf_addc(b, ',');
	buf_add_json_string(b, k);
	buf_addc(b, ':');
}

void audit_snap_str(struct buf *b, const char *k, const char *value)
{
	key(b, k);
	if (value)
		buf_add_json_string(b, value);
	else
		buf_adds(b, "null");
}

void audit_snap_int(struct buf *b, const char *k, int64_t value)
{
	key(b, k);
	buf_addf(b, "%lld", (long long)value);
}

void audit_snap_end(struct buf *b)
{
	buf_addc(b, '}');
}

void audit_entry_hash(int64_t unit, int64_t seq, int64_t actor, int64_t at, const char *type,
		       int64_t object_id, const char *action, const char *before, const char *after,
		       const char *prev, char out[CRYPTO_HASH_HEX])
{
	struct buf b;
	buf_init(&b, 1 << 22);
	buf_addf(&b, "%lld\x1f%lld\x1f%lld\x1f%lld\x1f%s\x1f%lld\x1f%s\x1f", (long long)unit,
		 (long long)seq, (long long)actor, (long long)at, type, (long long)object_id, action);
	buf_adds(&b, before);
	buf_addc(&b, 0x1f);
	buf_adds(&b, after);
	buf_addc(&b, 0x1f);
	buf_adds(&b, prev);
	crypto_hash_hex(b.ptr ? b.ptr : "", b.len, out);
	buf_release(&b);
}

static enum result insert_entry(struct ctx *c, int64_t unit_id, int64_t seq, const char *object_type,
				int64_t object_id, const char *action, const char *before, const char *after,
				const char *prev, char hash[CRYPTO_HASH_HEX])
{
	int64_t actor = ctx_actor_id(c);
	audit_entry_hash(unit_id, seq, actor, c->now, object_type, object_id, action, before, after, prev, hash);
	int rc = db_run(c->db,
			"INSERT INTO audit_log (unit_id, seq, actor_id, at, object_type, object_id, "
			"action, before_data, after_data, prev_hash, hash) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			"iiiitittttt", unit_id, seq, actor, c->now, object_type, object_id, action, before, after,
			prev, hash);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "审计日志");
}

static enum result write_head(struct ctx *c, int64_t unit_id, int64_t seq, const char *hash)
{
	char mac[CRYPTO_HASH_HEX];
	chain_head_mac(c, "audit", unit_id, seq, hash, mac);
	int rc = db_run(c->db, "UPDATE audit_heads SET seq = ?, hash = ?, mac = ? WHERE unit_id = ?", "itti", seq,
			hash, mac, unit_id);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "审计日志");
}

/* The unit's head, created when missing; the UPDATE takes its row lock on PostgreSQL,
 * so concurrent changes of one village queue here. With advance, the sequence number
 * taken for a new entry. */
static enum result take_head(struct ctx *c, int64_t unit_id, bool advance, int64_t *seq,
			     char hash[CRYPTO_HASH_HEX])
{
	int rc = db_run(c->db, "INSERT INTO audit_heads (unit_id, seq, hash) VALUES (?, 0, ?) "
			       "ON CONFLICT (unit_id) DO NOTHING", "it", unit_id, AUDIT_GENESIS);
	if (rc != DB_OK)
		return ctx_db_fail(c, rc, "审计日志");
	struct db_stmt *st = db_query(c->db, advance ? "UPDATE audit_heads SET seq = seq + 1 WHERE unit_id = ? "
						       "RETURNING seq, hash"
						     : "UPDATE audit_heads SET seq = seq WHERE unit_id = ? "
						       "RETURNING seq, hash", "i", unit_id);
	if (!st || (rc = db_step(st)) != DB_ROW) {
		db_finalize(st);
		return ctx_db_fail(c, st ? rc : DB_ERROR, "审计日志");
	}
	*seq = db_col_int(st, 0);
	str_copy(hash, CRYPTO_HASH_HEX, db_col_text(st, 1));
	db_finalize(st);
	return RC_OK;
}

enum result audit_record(struct ctx *c, int64_t unit_id, const char *object_type, int64_t object_id,
		 const char *action, const char *before, const char *after)
{
	struct audit_batch *b = c->audit_batch;
	if (b && b->unit_id == unit_id) {
		char hash[CRYPTO_HASH_HEX];
		int rc = insert_entry(c, unit_id, b->seq + 1, object_type, object_id, action, before, after, b->hash,
				      hash);
		if (rc == RC_OK) {
			b->seq++;
			memcpy(b->hash, hash, sizeof(hash));
		}
		return rc;
	}
	int64_t seq;
	char prev[CRYPTO_HASH_HEX], hash[CRYPTO_HASH_HEX];
	enum result rc = take_head(c, unit_id, true, &seq, prev);
	if (rc == RC_OK)
		rc = insert_entry(c, unit_id, seq, object_type, object_id, action, before, after, prev, hash);
	if (rc == RC_OK)
		rc = write_head(c, unit_id, seq, hash);
	return rc;
}

enum result audit_batch_begin(struct ctx *c, struct audit_batch *b, int64_t unit_id)
{
	memset(b, 0, sizeof(*b));
	b->unit_id = unit_id;
	int rc = take_head(c, unit_id, false, &b->seq, b->hash);
	if (rc == RC_OK) {
		b->first_seq = b->seq;
		c->audit_batch = b;
	}
	return rc;
}

enum result audit_batch_end(struct ctx *c, struct audit_batch *b, int rc)
{
	if (c->audit_batch == b)
		c->audit_batch = NULL;
	if (rc != RC_OK || b->seq == b->first_seq)
		return rc;
	return write_head(c, b->unit_id, b->seq, b->hash);
}

static const struct chain_tables audit_tables = {"audit", "audit_log", "audit_heads", "unit_id", "审计"};

enum result audit_verify_units(struct ctx *c, int64_t **ids, int *n)
{
	return chain_units_list(c, &audit_tables, ids, n);
}

enum result audit_verify_chain(struct ctx *c, int64_t unit, struct audit_report *r)
{
	memset(r, 0, sizeof(*r));
	struct db_stmt *st = db_query(c->db,
		"SELECT unit_id, seq, actor_id, at, object_type, object_id, action, before_data, "
		"after_data, prev_hash, hash FROM audit_log WHERE unit_id = ? ORDER BY seq", "i", unit);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "审计校验");
	int64_t expect_seq = 1;
	char prev[CRYPTO_HASH_HEX] = AUDIT_GENESIS;
	int rc;
	r->chains = 1;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t seq = db_col_int(st, 1);
		r->entries++;
		if (r->broken)
			continue;
		char hash[CRYPTO_HASH_HEX];
		audit_entry_hash(unit, seq, db_col_int(st, 2), db_col_int(st, 3), db_col_text(st, 4),
			   db_col_int(st, 5), db_col_text(st, 6), db_col_text(st, 7), db_col_text(st, 8),
			   prev, hash);
		const char *why = NULL;
		if (seq != expect_seq)
			why = "序号不连续（有记录被删除或插入）";
		else if (strcmp(db_col_text(st, 9), prev))
			why = "前一条的哈希不符（前一条被改动）";
		else if (strcmp(db_col_text(st, 10), hash))
			why = "本条内容与哈希不符（本条被改动）";
		if (why) {
			r->broken = true;
			r->unit_id = unit;
			r->seq = seq;
			str_copy(r->reason, sizeof(r->reason), why);
		}
		str_copy(prev, sizeof(prev), db_col_text(st, 10));
		expect_seq = seq + 1;
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "审计校验");
}

enum result audit_verify_heads(struct ctx *c, const struct chain_units *only, struct audit_report *r)
{
	memset(r, 0, sizeof(*r));
	struct chain_break b;
	int rc = chain_check_heads_in(c, &audit_tables, only, &b);
	if (rc == RC_OK && b.broken) {
		r->broken = true;
		r->unit_id = b.unit;
		r->seq = b.seq;
		str_copy(r->reason, sizeof(r->reason), b.reason);
	}
	return rc;
}

void audit_report_add(struct audit_report *into, const struct audit_report *from)
{
	into->chains += from->chains;
	into->entries += from->entries;
	if (into->broken || !from->broken)
		return;
	into->broken = true;
	into->unit_id = from->unit_id;
	into->seq = from->seq;
	str_copy(into->reason, sizeof(into->reason), from->reason);
}

static enum result verify_in(struct ctx *c, const struct chain_units *only, struct audit_report *r)
{
	memset(r, 0, sizeof(*r));
	int64_t *ids;
	int n;
	int rc = audit_verify_units(c, &ids, &n);
	for (int i = 0; !rc && i < n; i++) {
		if (!chain_units_has(only, ids[i]))
			continue;
		struct audit_report one;
		if (!(rc = audit_verify_chain(c, ids[i], &one)))
			audit_report_add(r, &one);
	}
	if (rc || r->broken)
		return rc;
	struct audit_report heads;
	if (!(rc = audit_verify_heads(c, only, &heads)))
		audit_report_add(r, &heads);
	return rc;
}

enum result audit_verify(struct ctx *c, struct audit_report *r)
{
	return verify_in(c, NULL, r);
}

static atomic_flag verifying = ATOMIC_FLAG_INIT;

bool audit_verify_claim(void)
{
	return !atomic_flag_test_and_set(&verifying);
}

void audit_verify_release(void)
{
	atomic_flag_clear(&verifying);
}

/* The units under the actor's P_AUDIT_VERIFY grants, sorted; *all when that is every
 * unit there is (a county's administrator): then the check also covers chains of unit
 * ids that no unit has. */
static enum result units_in_scope(struct ctx *c, struct chain_units *out, bool *all)
{
	out->ids = NULL;
	out->n = 0;
	*all = false;
	struct buf sql;
	struct db_args args = {0};
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT u.id, CASE WHEN ");
	int n = scope_where(c, P_AUDIT_VERIFY, SCOPE_UNIT("u"), &sql, &args);
	buf_adds(&sql, " THEN 1 ELSE 0 END FROM org_units u ORDER BY u.id");
	if (!n) {
		buf_release(&sql);
		return ctx_fail(c, RC_FORBIDDEN, "只有区县管理员和纪检监督可以校验审计日志");
	}
	struct db_stmt *st = sql.failed || args.failed ? NULL : db_query_args(c->db, sql.ptr, &args);
	buf_release(&sql);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "审计校验");
	int64_t *ids = NULL;
	int cnt = 0, total = 0, cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		total++;
		if (!db_col_int(st, 1))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 256;
			int64_t *grown = arena_alloc(c->arena, (size_t)cap * sizeof(int64_t));
			if (!grown) {
				db_finalize(st);
				return ctx_fail(c, RC_INTERNAL, "内存不足");
			}
			if (cnt)
				memcpy(grown, ids, (size_t)cnt * sizeof(int64_t));
			ids = grown;
		}
		ids[cnt++] = db_col_int(st, 0);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "审计校验");
	out->ids = ids;
	out->n = cnt;
	*all = cnt == total;
	return RC_OK;
}

enum result audit_verify_scoped(struct ctx *c, struct audit_report *r)
{
	memset(r, 0, sizeof(*r));
	struct chain_units only;
	bool all;
	int rc = units_in_scope(c, &only, &all);
	if (rc)
		return rc;
	if (!audit_verify_claim()) {
		c->err.retry_after = 5;
		return ctx_fail(c, RC_TOO_MANY, "已有一次审计校验正在进行，请等它完成后再试");
	}
	rc = verify_in(c, all ? NULL : &only, r);
	audit_verify_release();
	return rc;
}

enum result audit_rehash(struct ctx *c)
{
	struct db_stmt *st = db_query(c->db, "SELECT DISTINCT unit_id FROM audit_log ORDER BY unit_id", "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "审计日志");
	int cap = 256, nu = 0;
	int64_t *units = malloc(sizeof(*units) * (size_t)cap);
	while (units && db_step(st) == DB_ROW) {
		if (nu == cap) {
			int64_t *bigger = realloc(units, sizeof(*units) * (size_t)(cap *= 2));
			if (!bigger) {
				free(units);
				units = NULL;
				break;
			}
			units = bigger;
		}
		units[nu++] = db_col_int(st, 0);
	}
	db_finalize(st);
	if (!units)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int rc = RC_OK;
	for (int u = 0; u < nu && !rc; u++) {
		/* the new hashes of one chain, collected before writing */
		struct row {
			int64_t id;
			char prev[CRYPTO_HASH_HEX], hash[CRYPTO_HASH_HEX];
		} *rows = NULL;
		int n = 0, rcap = 0;
		char prev[CRYPTO_HASH_HEX] = AUDIT_GENESIS;
		st = db_query(c->db, "SELECT id, seq, actor_id, at, object_type, object_id, action, before_data, "
				     "after_data FROM audit_log WHERE unit_id = ? ORDER BY seq", "i", units[u]);
		if (!st) {
			rc = ctx_db_fail(c, DB_ERROR, "审计日志");
			break;
		}
		while (db_step(st) == DB_ROW) {
			if (n == rcap) {
				rcap = rcap ? rcap * 2 : 256;
				struct row *bigger = realloc(rows, sizeof(*rows) * (size_t)rcap);
				if (!bigger) {
					rc = ctx_fail(c, RC_INTERNAL, "内存不足");
					break;
				}
				rows = bigger;
			}
			struct row *w = &rows[n++];
			w->id = db_col_int(st, 0);
			str_copy(w->prev, sizeof(w->prev), prev);
			audit_entry_hash(units[u], db_col_int(st, 1), db_col_int(st, 2), db_col_int(st, 3),
				   db_col_text(st, 4), db_col_int(st, 5), db_col_text(st, 6), db_col_text(st, 7),
				   db_col_text(st, 8), prev, w->hash);
			str_copy(prev, sizeof(prev), w->hash);
		}
		db_finalize(st);
		for (int i = 0; i < n && !rc; i++)
			if (db_run(c->db, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", "tti",
				   rows[i].prev, rows[i].hash, rows[i].id) != DB_OK)
				rc = ctx_db_fail(c, DB_ERROR, "审计日志");
		if (!rc && n && db_run(c->db, "UPDATE audit_heads SET hash = ? WHERE unit_id = ?", "ti",
				       rows[n - 1].hash, units[u]) != DB_OK)
			rc = ctx_db_fail(c, DB_ERROR, "审计日志");
		free(rows);
	}
	free(units);
	return rc;
}
