/* Loudspeakers: registration with a token shown once, the device's contact, its queue
 * of broadcasts not yet played and its acknowledgements. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/scope.h"
#include "domain/voice/internal.h"

#define S_COLS                                                                                        \
	"s.id, s.village_id, v.name, v.path, s.name, s.created_at, COALESCE(s.last_seen_at, 0), "          \
	"COALESCE(s.revoked_at, 0), (SELECT COUNT(*) FROM speaker_plays p WHERE p.speaker_id = s.id), "     \
	"(SELECT COALESCE(MAX(broadcast_id), 0) FROM speaker_plays p WHERE p.speaker_id = s.id) "
#define S_FROM "FROM speakers s JOIN org_units v ON v.id = s.village_id "

static void read_row(struct ctx *c, struct db_stmt *st, struct speaker *s)
{
	memset(s, 0, sizeof(*s));
	s->id = db_col_int(st, 0);
	s->village_id = db_col_int(st, 1);
	str_copy(s->village_name, sizeof(s->village_name), db_col_text(st, 2));
	str_copy(s->village_path, sizeof(s->village_path), db_col_text(st, 3));
	s->name = arena_strdup(c->arena, db_col_text(st, 4));
	s->created_at = db_col_int(st, 5);
	s->last_seen_at = db_col_int(st, 6);
	s->revoked_at = db_col_int(st, 7);
	s->played = db_col_int(st, 8);
	s->last_played_id = db_col_int(st, 9);
}

static int load(struct ctx *c, const char *where, int64_t id, const char *text, struct speaker *out)
{
	char *sql = arena_printf(c->arena, "SELECT " S_COLS S_FROM "WHERE %s", where);
	struct db_stmt *st = text ? db_query(c->db, sql, "t", text) : db_query(c->db, sql, "i", id);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取音箱失败");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_row(c, st, out);
	db_finalize(st);
	return rc == DB_ROW ? RC_OK : RC_NOT_FOUND;
}

static int insert(struct ctx *c, const struct org_unit *v, const char *name, int64_t author, int64_t last_seen,
		  char token[CRYPTO_TOKEN_HEX], int64_t *id)
{
	crypto_random_token(token);
	char hash[CRYPTO_HASH_HEX];
	crypto_hash_hex(token, strlen(token), hash);
	struct db_args a = {0};
	db_args_int(&a, v->id);
	db_args_text(&a, name);
	db_args_text(&a, hash);
	db_args_int(&a, author);
	db_args_int(&a, c->now);
	if (last_seen)
		db_args_int(&a, last_seen);
	else
		db_args_null(&a);
	int dbrc = db_get_int_args(c->db, id,
				   "INSERT INTO speakers (village_id, name, token_hash, created_by, created_at, last_seen_at) "
				   "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				   &a);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "登记音箱");
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "name", name);
	audit_snap_int(&after, "village_id", v->id);
	audit_snap_end(&after);
	int rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			      : audit_record(c, org_chain_unit(v), "speaker", *id, "register", "{}", after.ptr);
	buf_release(&after);
	return rc;
}

static int village_for_admin(struct ctx *c, int64_t village_id, struct org_unit *v)
{
	if (village_id <= 0)
		return ctx_field(c, "village_id", "请选择村");
	if (org_find(c, village_id, v)) {
		ctx_clear(c);
		return ctx_field(c, "village_id", "村不存在");
	}
	if (strcmp(v->kind, "village"))
		return ctx_field(c, "village_id", "音箱只能登记到村");
	if (!access_can(c, P_SPEAKER_ADMIN, v->path)) {
		ctx_reset(c);
		return access_refusal(c, v->path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "村不存在")
								  : ctx_fail(c, RC_FORBIDDEN, "无权管理%s的音箱", v->name);
	}
	return RC_OK;
}

enum result voice_speaker_register(struct ctx *c, int64_t village_id, const char *name, struct speaker *out,
				   char token[CRYPTO_TOKEN_HEX])
{
	ctx_check_text(c, "name", name, VOICE_SPEAKER_NAME_MAX, CTX_TEXT_REQUIRED, "音箱名称");
	struct org_unit v;
	int rc = village_for_admin(c, village_id, &v);
	if (rc && rc != RC_INVALID)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t id = 0;
	rc = insert(c, &v, name, ctx_actor_id(c), 0, token, &id);
	if ((rc = ctx_end(c, rc)))
		return rc;
	return load(c, "s.id = ?", id, NULL, out) ? ctx_fail(c, RC_INTERNAL, "读取音箱失败") : RC_OK;
}

enum result voice_speaker_revoke(struct ctx *c, int64_t id)
{
	struct speaker s;
	if (load(c, "s.id = ?", id, NULL, &s))
		return ctx_fail(c, RC_NOT_FOUND, "音箱不存在");
	if (!access_can(c, P_SPEAKER_ADMIN, s.village_path))
		return access_refusal(c, s.village_path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "音箱不存在")
									 : ctx_fail(c, RC_FORBIDDEN, "无权管理这台音箱");
	if (s.revoked_at)
		return ctx_fail(c, RC_CONFLICT, "音箱已停用");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int dbrc = db_run(c->db, "UPDATE speakers SET revoked_at = ? WHERE id = ?", "ii", c->now, id);
	rc = dbrc != DB_OK ? ctx_db_fail(c, dbrc, "停用音箱")
			   : audit_record(c, s.village_id, "speaker", id, "revoke", "{}", "{}");
	return ctx_end(c, rc);
}

enum result voice_speakers_list(struct ctx *c, int64_t unit_id, struct speaker **out, int *n)
{
	*out = NULL;
	*n = 0;
	const perm_t perms = P_SPEAKER_ADMIN | P_BROADCAST | P_AUDIT_READ;
	struct buf sql;
	buf_init(&sql, 8192);
	struct db_args a = {0};
	buf_adds(&sql, "SELECT " S_COLS S_FROM "WHERE ");
	if (unit_id) {
		struct org_unit u;
		int rc = org_get(c, unit_id, &u);
		if (rc) {
			buf_release(&sql);
			return rc;
		}
		if (!c->system && !access_can(c, P_SPEAKER_ADMIN, u.path) && !access_can(c, P_BROADCAST, u.path) &&
		    !access_can(c, P_AUDIT_READ, u.path)) {
			buf_release(&sql);
			return access_refusal(c, u.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "单位不存在")
									 : ctx_fail(c, RC_FORBIDDEN, "无权查看音箱");
		}
		const char *paths[1] = {u.path};
		scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &sql, &a);
	} else if (!scope_where(c, perms, SCOPE_UNIT("v"), &sql, &a)) {
		buf_release(&sql);
		return ctx_fail(c, RC_FORBIDDEN, "无权查看音箱");
	}
	buf_adds(&sql, " ORDER BY v.path, s.name, s.id LIMIT 500");
	struct db_stmt *st = sql.failed ? NULL : db_query_args(c->db, sql.ptr, &a);
	buf_release(&sql);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取音箱失败");
	int cap = 0;
	while (db_step(st) == DB_ROW) {
		*out = arena_grow(c->arena, *out, &cap, *n + 1, sizeof(**out));
		if (!*out)
			break;
		read_row(c, st, &(*out)[(*n)++]);
	}
	db_finalize(st);
	return RC_OK;
}

enum result voice_speaker_auth(struct ctx *c, const char *token, struct speaker *out)
{
	if (!token || strlen(token) != CRYPTO_TOKEN_HEX - 1)
		return ctx_fail(c, RC_UNAUTHENTICATED, "音箱令牌无效");
	char hash[CRYPTO_HASH_HEX];
	crypto_hash_hex(token, strlen(token), hash);
	if (load(c, "s.token_hash = ? AND s.revoked_at IS NULL", 0, hash, out))
		return ctx_fail(c, RC_UNAUTHENTICATED, "音箱令牌无效");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int dbrc = db_run(c->db, "UPDATE speakers SET last_seen_at = ? WHERE id = ?", "ii", c->now, out->id);
	out->last_seen_at = c->now;
	return ctx_end(c, dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "记录音箱联系"));
}

enum result voice_speaker_queue(struct ctx *c, const struct speaker *s, struct broadcast **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *st = db_query(
		c->db,
		"SELECT b.id FROM broadcasts b JOIN org_units u ON u.id = b.unit_id WHERE ? LIKE u.path || '%' "
		"AND b.created_at >= ? AND NOT EXISTS (SELECT 1 FROM speaker_plays p WHERE p.speaker_id = ? AND "
		"p.broadcast_id = b.id) ORDER BY b.id LIMIT ?",
		"tiii", s->village_path, s->created_at, s->id, (int64_t)VOICE_BACKLOG_MAX);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取广播失败");
	int64_t ids[VOICE_BACKLOG_MAX];
	int k = 0;
	while (k < VOICE_BACKLOG_MAX && db_step(st) == DB_ROW)
		ids[k++] = db_col_int(st, 0);
	db_finalize(st);
	if (!k)
		return RC_OK;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)k);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < k; i++) {
		int rc = voice_load(c, ids[i], &(*out)[i]);
		if (rc)
			return rc;
	}
	*n = k;
	return RC_OK;
}

enum result voice_speaker_ack(struct ctx *c, const struct speaker *s, int64_t broadcast_id)
{
	struct broadcast b;
	if (voice_load(c, broadcast_id, &b) || strncmp(s->village_path, b.unit_path, strlen(b.unit_path))) {
		ctx_reset(c);
		return ctx_field(c, "broadcast_id", "这台音箱没有这条广播");
	}
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t seen = 0;
	int dbrc = db_get_int(c->db, &seen, "SELECT 1 FROM speaker_plays WHERE speaker_id = ? AND broadcast_id = ?", "ii",
			      s->id, broadcast_id);
	if (dbrc == DB_DONE)
		dbrc = db_run(c->db, "INSERT INTO speaker_plays (speaker_id, broadcast_id, played_at) VALUES (?, ?, ?)",
			      "iii", s->id, broadcast_id, c->now);
	return ctx_end(c, dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "记录播放"));
}

enum result voice_seed_speaker(struct ctx *c, int64_t village_id, int64_t author_id, const char *name,
			       int64_t last_seen_at)
{
	struct org_unit v;
	int rc = org_get(c, village_id, &v);
	if (rc || (rc = ctx_begin(c)))
		return rc;
	char token[CRYPTO_TOKEN_HEX];
	int64_t id;
	rc = insert(c, &v, name, author_id, last_seen_at, token, &id);
	return ctx_end(c, rc);
}
