/* Keyed chain heads and the signed record of heads outside the database (chain.h).
 * The kernel knows both head tables, audit_heads and ledger_heads (the ledger's rows
 * are written by points/ledger.c, their MACs computed here). */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "domain/kernel/audit.h"
#include "domain/kernel/chain.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/num.h"

#define MAC_CONTEXT "cunzhi chain head mac v1"
#define SIGN_CONTEXT "cunzhi chain record ed25519 v1"
#define RECORD_MAX (256u << 20)
#define LINE_MAX_LEN 512

static const struct {
	const char *kind, *sql;
} head_tables[] = {
	{"audit", "SELECT unit_id, seq, hash FROM audit_heads WHERE seq > 0 ORDER BY unit_id"},
	{"ledger", "SELECT village_id, seq, hash FROM ledger_heads WHERE seq > 0 ORDER BY village_id"},
};

void chain_head_mac(const struct ctx *c, const char *kind, int64_t unit, int64_t seq, const char *hash,
		    char out[CRYPTO_HASH_HEX])
{
	unsigned char key[CRYPTO_KEY_BYTES];
	crypto_derive(c->keys->sign, MAC_CONTEXT, key);
	char msg[160];
	snprintf(msg, sizeof(msg), "%s\x1f%lld\x1f%lld\x1f%s", kind, (long long)unit, (long long)seq, hash);
	crypto_keyed_hash_hex(key, msg, out);
}

bool chain_head_mac_ok(const struct ctx *c, const char *kind, int64_t unit, int64_t seq,
		       const char *hash, const char *mac)
{
	if (!mac || strlen(mac) != CRYPTO_HASH_HEX - 1)
		return false;
	char want[CRYPTO_HASH_HEX];
	chain_head_mac(c, kind, unit, seq, hash, want);
	return crypto_equal(want, mac);
}

bool chain_sealed(struct ctx *c)
{
	int64_t v = 0;
	return db_get_int(c->db, &v, "SELECT COALESCE(sealed_at, 0) FROM chain_state WHERE id = 1", "") == DB_OK &&
	       v > 0;
}

static char *record_path(struct ctx *c)
{
	return arena_printf(c->arena, "%s/%s", c->data_dir ? c->data_dir : ".", CHAIN_RECORD_FILE);
}

/* Splits a line at tabs into at most max fields; returns the count. */
static int split_tabs(char *s, char **f, int max)
{
	int n = 0;
	f[n++] = s;
	for (char *p = s; *p && n < max; p++)
		if (*p == '\t') {
			*p = 0;
			f[n++] = p + 1;
		}
	return n;
}

static struct chain_mark *find_mark(struct chain_mark *m, int n, const char *kind, int64_t unit)
{
	for (int i = 0; i < n; i++)
		if (m[i].unit == unit && !strcmp(m[i].kind, kind))
			return &m[i];
	return NULL;
}

/* Parses and checks the record's text; fills out (marks in request memory, at most cap)
 * and the digest of the last line (the link of the next one). */
static void parse_record(struct ctx *c, char *text, size_t len, int cap, struct chain_record *out,
			 char last[CRYPTO_HASH_HEX])
{
	str_copy(last, CRYPTO_HASH_HEX, AUDIT_GENESIS);
	char pub[CRYPTO_PUBKEY_HEX];
	crypto_sign_pubkey_hex(c->keys->sign, SIGN_CONTEXT, pub);
	str_copy(out->pubkey, sizeof(out->pubkey), pub);
	out->ok = true;
	int64_t lineno = 0;
	for (char *line = text; line < text + len && out->ok;) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl) {
			/* a torn last line (a crash while appending): ignored, the next append
			 * starts on a new line */
			break;
		}
		*nl = 0;
		lineno++;
		size_t linelen = (size_t)(nl - line);
		if (line[0] == '#') {
			const char *k = strstr(line, "public key ");
			if (k && strncmp(k + 11, pub, CRYPTO_PUBKEY_HEX - 1)) {
				out->ok = false;
				snprintf(out->problem, sizeof(out->problem), "链外记录第 %lld 行：公钥与密钥文件不符",
					 (long long)lineno);
			}
			line = nl + 1;
			continue;
		}
		char digest[CRYPTO_HASH_HEX];
		crypto_hash_hex(line, linelen, digest);
		char *sigtab = strrchr(line, '\t');
		char *f[8];
		int nf = 0;
		if (sigtab) {
			*sigtab = 0;
			if (!crypto_sign_check_hex(pub, line, (size_t)(sigtab - line), sigtab + 1))
				sigtab = NULL;
			else
				nf = split_tabs(line, f, 8);
		}
		int64_t at, unit, seq;
		if (!sigtab || nf != 7 || strcmp(f[0], "v1") || num_parse_i64(f[1], 0, INT64_MAX, &at) ||
		    num_parse_i64(f[3], 1, INT64_MAX, &unit) || num_parse_i64(f[4], 1, INT64_MAX, &seq) ||
		    strlen(f[2]) >= CHAIN_KIND_MAX || strlen(f[5]) != CRYPTO_HASH_HEX - 1) {
			out->ok = false;
			snprintf(out->problem, sizeof(out->problem), "链外记录第 %lld 行：签名不符或格式不对",
				 (long long)lineno);
			break;
		}
		if (strcmp(f[6], last)) {
			out->ok = false;
			snprintf(out->problem, sizeof(out->problem),
				 "链外记录第 %lld 行：与上一行的链接不符（有行被删除或插入）", (long long)lineno);
			break;
		}
		str_copy(last, CRYPTO_HASH_HEX, digest);
		out->lines++;
		struct chain_mark *m = find_mark(out->marks, out->n, f[2], unit);
		if (!m && out->n < cap) {
			m = &out->marks[out->n++];
			str_copy(m->kind, sizeof(m->kind), f[2]);
			m->unit = unit;
			m->seq = 0;
		}
		if (m && seq < m->seq) {
			out->ok = false;
			snprintf(out->problem, sizeof(out->problem), "链外记录第 %lld 行：链头序号倒退",
				 (long long)lineno);
			break;
		}
		if (m) {
			m->seq = seq;
			m->at = at;
			str_copy(m->hash, sizeof(m->hash), f[5]);
		}
		line = nl + 1;
	}
}

static int read_fd(int fd, struct buf *b)
{
	char chunk[65536];
	ssize_t r;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_add(b, chunk, (size_t)r))
			return -1;
	return r < 0 ? -1 : 0;
}

static int64_t count_units(struct ctx *c)
{
	int64_t a = 0, l = 0;
	db_get_int(c->db, &a, "SELECT count(*) FROM audit_heads", "");
	db_get_int(c->db, &l, "SELECT count(*) FROM ledger_heads", "");
	return a + l;
}

enum result chain_record_read(struct ctx *c, struct chain_record *out)
{
	memset(out, 0, sizeof(*out));
	int cap = (int)count_units(c) + 1024;
	out->marks = arena_alloc(c->arena, sizeof(*out->marks) * (size_t)cap);
	if (!out->marks)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int fd = open(record_path(c), O_RDONLY);
	if (fd < 0) {
		out->ok = errno == ENOENT && !chain_sealed(c);
		if (!out->ok)
			snprintf(out->problem, sizeof(out->problem), "链外记录 %s 缺失", CHAIN_RECORD_FILE);
		crypto_sign_pubkey_hex(c->keys->sign, SIGN_CONTEXT, out->pubkey);
		return RC_OK;
	}
	out->exists = true;
	struct buf b;
	buf_init(&b, RECORD_MAX);
	flock(fd, LOCK_SH);
	int r = read_fd(fd, &b);
	flock(fd, LOCK_UN);
	close(fd);
	if (r) {
		buf_release(&b);
		return ctx_fail(c, RC_INTERNAL, "读取链外记录失败");
	}
	char last[CRYPTO_HASH_HEX];
	parse_record(c, b.ptr ? b.ptr : (char *)"", b.len, cap, out, last);
	buf_release(&b);
	return RC_OK;
}

/* Appends lines for the heads that moved; the file is locked by the caller. */
static int append_moved(struct ctx *c, int fd, struct chain_record *rec, const char *last_in,
			int64_t *written)
{
	char last[CRYPTO_HASH_HEX];
	str_copy(last, sizeof(last), last_in);
	struct buf out;
	buf_init(&out, RECORD_MAX);
	if (!rec->lines && lseek(fd, 0, SEEK_END) == 0)
		buf_addf(&out, "# cunzhi chain heads: kind, unit, seq, last hash; each line links to the one "
			       "before and is signed (Ed25519), public key %s\n", rec->pubkey);
	int rc = RC_OK;
	for (size_t t = 0; t < ARRAY_SIZE(head_tables) && rc == RC_OK; t++) {
		struct db_stmt *st = db_query(c->db, head_tables[t].sql, "");
		if (!st) {
			rc = ctx_db_fail(c, DB_ERROR, "链头");
			break;
		}
		while (db_step(st) == DB_ROW) {
			int64_t unit = db_col_int(st, 0), seq = db_col_int(st, 1);
			const char *hash = db_col_text(st, 2);
			struct chain_mark *m = find_mark(rec->marks, rec->n, head_tables[t].kind, unit);
			/* unchanged; or behind the record, which verify reports: never record a
			 * head going back */
			if (m && (m->seq > seq || (m->seq == seq && !strcmp(m->hash, hash))))
				continue;
			char line[LINE_MAX_LEN], sig[CRYPTO_SIG_HEX], digest[CRYPTO_HASH_HEX];
			int n = snprintf(line, sizeof(line), "v1\t%lld\t%s\t%lld\t%lld\t%s\t%s", (long long)c->now,
					 head_tables[t].kind, (long long)unit, (long long)seq, hash, last);
			if (n <= 0 || (size_t)n >= sizeof(line) - CRYPTO_SIG_HEX - 2)
				continue;
			crypto_sign_hex(c->keys->sign, SIGN_CONTEXT, line, (size_t)n, sig);
			line[n] = '\t';
			str_copy(line + n + 1, sizeof(line) - (size_t)n - 1, sig);
			crypto_hash_hex(line, strlen(line), digest);
			str_copy(last, sizeof(last), digest);
			buf_adds(&out, line);
			buf_addc(&out, '\n');
			(*written)++;
		}
		db_finalize(st);
	}
	if (rc == RC_OK && out.len) {
		if (out.failed || write(fd, out.ptr, out.len) != (ssize_t)out.len || fsync(fd))
			rc = ctx_fail(c, RC_INTERNAL, "写入链外记录失败");
	}
	buf_release(&out);
	return rc;
}

enum result chain_checkpoint(struct ctx *c, int64_t *written)
{
	*written = 0;
	int fd = open(record_path(c), O_RDWR | O_CREAT | O_APPEND, 0600);
	if (fd < 0)
		return ctx_fail(c, RC_INTERNAL, "无法打开链外记录 %s", CHAIN_RECORD_FILE);
	flock(fd, LOCK_EX);
	struct chain_record rec;
	memset(&rec, 0, sizeof(rec));
	int cap = (int)count_units(c) + 1024;
	rec.marks = arena_alloc(c->arena, sizeof(*rec.marks) * (size_t)cap);
	struct buf b;
	buf_init(&b, RECORD_MAX);
	int rc = RC_OK;
	if (!rec.marks || lseek(fd, 0, SEEK_SET) < 0 || read_fd(fd, &b))
		rc = ctx_fail(c, RC_INTERNAL, "读取链外记录失败");
	char last[CRYPTO_HASH_HEX];
	if (!rc) {
		/* a torn last line: end it, so the next line starts clean */
		if (b.len && b.ptr[b.len - 1] != '\n' && write(fd, "\n", 1) != 1)
			rc = ctx_fail(c, RC_INTERNAL, "写入链外记录失败");
		parse_record(c, b.ptr ? b.ptr : (char *)"", b.len, cap, &rec, last);
		if (!rc && !rec.ok)
			rc = ctx_fail(c, RC_CONFLICT, "链外记录已损坏，不再追加：%s", rec.problem);
	}
	buf_release(&b);
	if (!rc)
		rc = append_moved(c, fd, &rec, last, written);
	flock(fd, LOCK_UN);
	close(fd);
	return rc;
}

enum result chain_seal(struct ctx *c, bool *sealed_now)
{
	*sealed_now = false;
	if (chain_sealed(c))
		return RC_OK;
	if (access(record_path(c), F_OK) == 0) {
		log_msg(LOG_WARN, "the chains are not sealed but the record of heads exists: not resealing "
				  "(cunzhi verify reports it)", "file", CHAIN_RECORD_FILE, NULL);
		return RC_OK;
	}
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t one;
	int dbrc = db_get_int(c->db, &one, "UPDATE chain_state SET sealed_at = ? WHERE id = 1 AND sealed_at IS NULL "
					   "RETURNING id", "i", c->now);
	if (dbrc == DB_DONE)
		return ctx_end(c, RC_OK);   /* another process sealed them */
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "链头"));
	if ((rc = audit_rehash(c)))
		return ctx_end(c, rc);
	/* key every head of both kinds */
	static const char *const heads[][2] = {
		{"audit", "SELECT unit_id, seq, hash FROM audit_heads ORDER BY unit_id"},
		{"ledger", "SELECT village_id, seq, hash FROM ledger_heads ORDER BY village_id"},
	};
	for (size_t t = 0; t < ARRAY_SIZE(heads) && !rc; t++) {
		struct db_stmt *st = db_query(c->db, heads[t][1], "");
		if (!st)
			return ctx_end(c, ctx_db_fail(c, DB_ERROR, "链头"));
		int cap = 256, n = 0;
		struct chain_mark *m = malloc(sizeof(*m) * (size_t)cap);
		while (m && db_step(st) == DB_ROW) {
			if (n == cap) {
				cap *= 2;
				struct chain_mark *bigger = realloc(m, sizeof(*m) * (size_t)cap);
				if (!bigger) {
					free(m);
					m = NULL;
					break;
				}
				m = bigger;
			}
			m[n].unit = db_col_int(st, 0);
			m[n].seq = db_col_int(st, 1);
			str_copy(m[n].hash, sizeof(m[n].hash), db_col_text(st, 2));
			n++;
		}
		db_finalize(st);
		if (!m)
			return ctx_end(c, ctx_fail(c, RC_INTERNAL, "内存不足"));
		const char *upd = t == 0 ? "UPDATE audit_heads SET mac = ? WHERE unit_id = ?"
					 : "UPDATE ledger_heads SET mac = ? WHERE village_id = ?";
		for (int i = 0; i < n && !rc; i++) {
			char mac[CRYPTO_HASH_HEX];
			chain_head_mac(c, heads[t][0], m[i].unit, m[i].seq, m[i].hash, mac);
			if (db_run(c->db, upd, "ti", mac, m[i].unit) != DB_OK)
				rc = ctx_db_fail(c, DB_ERROR, "链头");
		}
		free(m);
	}
	if ((rc = ctx_end(c, rc)))
		return rc;
	*sealed_now = true;
	int64_t written;
	return chain_checkpoint(c, &written);
}

/* The record outside the database: every entry it names of this kind is still there,
 * unchanged. */
static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

bool chain_units_has(const struct chain_units *only, int64_t unit)
{
	return !only || (only->n > 0 && bsearch(&unit, only->ids, (size_t)only->n, sizeof(int64_t), id_cmp));
}

static enum result check_record(struct ctx *c, const struct chain_tables *t, const struct chain_units *only,
				struct chain_break *b)
{
	struct chain_record rec;
	int rc = chain_record_read(c, &rec);
	if (rc)
		return rc;
	if (!rec.ok) {
		b->broken = true;
		str_copy(b->reason, sizeof(b->reason), rec.problem);
		return RC_OK;
	}
	char *sql = arena_printf(c->arena, "SELECT hash FROM %s WHERE %s = ? AND seq = ?", t->entries, t->unit_col);
	for (int i = 0; i < rec.n; i++) {
		const struct chain_mark *m = &rec.marks[i];
		if (strcmp(m->kind, t->kind) || !chain_units_has(only, m->unit))
			continue;
		struct db_stmt *st = db_query(c->db, sql, "ii", m->unit, m->seq);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "链校验");
		int found = db_step(st) == DB_ROW;
		bool same = found && !strcmp(db_col_text(st, 0), m->hash);
		db_finalize(st);
		if (!same) {
			b->broken = true;
			b->unit = m->unit;
			b->seq = m->seq;
			str_copy(b->reason, sizeof(b->reason),
				 found ? "与链外记录不符（已记录的链头之前的记录被改写）"
				       : "链外记录中的记录已不在数据库中（链或链尾被删除，或数据库被回退）");
			return RC_OK;
		}
	}
	return RC_OK;
}

static void broke(struct chain_break *b, int64_t unit, int64_t seq, const char *reason)
{
	b->broken = true;
	b->unit = unit;
	b->seq = seq;
	str_copy(b->reason, sizeof(b->reason), reason);
}

enum result chain_units_list(struct ctx *c, const struct chain_tables *t, int64_t **ids, int *n)
{
	*ids = NULL;
	*n = 0;
	int cap = 0;
	char *sql = arena_printf(c->arena, "SELECT min(%s) FROM %s WHERE %s > ?", t->unit_col, t->entries, t->unit_col);
	if (!sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int64_t last = INT64_MIN;;) {
		struct db_stmt *st = db_query(c->db, sql, "i", last);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "链校验");
		int rc = db_step(st);
		bool more = rc == DB_ROW && !db_col_null(st, 0);
		if (more)
			last = db_col_int(st, 0);
		db_finalize(st);
		if (rc != DB_ROW)
			return ctx_db_fail(c, rc, "链校验");
		if (!more)
			return RC_OK;
		if (!(*ids = arena_grow(c->arena, *ids, &cap, *n, sizeof(**ids))))
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		(*ids)[(*n)++] = last;
	}
}

enum result chain_check_heads(struct ctx *c, const struct chain_tables *t, struct chain_break *b)
{
	return chain_check_heads_in(c, t, NULL, b);
}

enum result chain_check_heads_in(struct ctx *c, const struct chain_tables *t, const struct chain_units *only,
				 struct chain_break *b)
{
	memset(b, 0, sizeof(*b));
	bool sealed = chain_sealed(c);
	/* each head: the entry at its seq (hash), its MAC, and the chain's last seq (-1: none) */
	char *sql = arena_printf(c->arena,
		"SELECT h.%s, h.seq, h.hash, COALESCE((SELECT l.hash FROM %s l WHERE l.%s = h.%s AND l.seq = h.seq), ''), "
		"h.mac, COALESCE((SELECT max(l.seq) FROM %s l WHERE l.%s = h.%s), -1) FROM %s h ORDER BY h.%s",
		t->unit_col, t->entries, t->unit_col, t->unit_col, t->entries, t->unit_col, t->unit_col, t->heads,
		t->unit_col);
	struct db_stmt *st = db_query(c->db, sql, "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "链校验");
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t unit = db_col_int(st, 0), seq = db_col_int(st, 1), last = db_col_int(st, 5);
		if ((seq == 0 && last < 0) || !chain_units_has(only, unit))
			continue; /* a head before the first entry, or outside the units checked */
		if (strcmp(db_col_text(st, 2), db_col_text(st, 3)) || last != seq) {
			broke(b, unit, seq, "链尾与记录不符（末尾记录被删除或改动）");
			break;
		}
		if (sealed && !chain_head_mac_ok(c, t->kind, unit, seq, db_col_text(st, 2),
						 db_col_null(st, 4) ? NULL : db_col_text(st, 4))) {
			char why[160];
			snprintf(why, sizeof(why), "链头签名不符（%s链被改写后重算了哈希，或链尾被截断）", t->what);
			broke(b, unit, seq, why);
			break;
		}
	}
	db_finalize(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ctx_db_fail(c, rc, "链校验");
	if (b->broken)
		return RC_OK;
	/* every unit with entries has a head */
	sql = arena_printf(c->arena, "SELECT l.%s, max(l.seq) FROM %s l WHERE NOT EXISTS "
				     "(SELECT 1 FROM %s h WHERE h.%s = l.%s) GROUP BY l.%s ORDER BY l.%s",
			   t->unit_col, t->entries, t->heads, t->unit_col, t->unit_col, t->unit_col, t->unit_col);
	st = db_query(c->db, sql, "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "链校验");
	while ((rc = db_step(st)) == DB_ROW) {
		if (!chain_units_has(only, db_col_int(st, 0)))
			continue;
		char why[160];
		snprintf(why, sizeof(why), "有%s记录却没有链头（链头被删除）", t->what);
		broke(b, db_col_int(st, 0), db_col_int(st, 1), why);
		break;
	}
	db_finalize(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ctx_db_fail(c, rc, "链校验");
	if (b->broken)
		return RC_OK;
	return check_record(c, t, only, b);
}
