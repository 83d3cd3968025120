/* Open311 GeoReport v2 over events (open311.h): jurisdictions, the public view of the
 * requests, filing with an API key, tokens, and the keys themselves. */
#include "domain/events/internal.h"
#include "domain/events/open311.h"
#include "domain/kernel/files.h"
#include "util/buf.h"

static const char *dup(struct ctx *c, const char *s)
{
	return arena_strdup(c->arena, s ? s : "");
}

/* ---- jurisdictions and villages ---- */

int open311_jurisdiction(struct ctx *c, const char *jurisdiction_id, struct open311_jurisdiction *out)
{
	struct org_unit u;
	if (jurisdiction_id && jurisdiction_id[0]) {
		int rc = strlen(jurisdiction_id) <= ORG_CODE_MAX ? org_get_by_code(c, jurisdiction_id, &u) : RC_NOT_FOUND;
		if (rc == RC_OK && strcmp(u.kind, "county"))
			rc = RC_NOT_FOUND;
		if (rc == RC_NOT_FOUND)
			return ctx_fail(c, RC_NOT_FOUND, "没有这个辖区（jurisdiction_id）");
		if (rc)
			return rc;
	} else {
		int64_t n = 0, id = 0;
		if (db_get_int(c->db, &n, "SELECT count(*) FROM org_units WHERE kind = 'county'", "") != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "读取辖区");
		if (n > 1)
			return ctx_field(c, "jurisdiction_id", "本服务有多个辖区，请给出 jurisdiction_id");
		if (n == 0 || db_get_int(c->db, &id, "SELECT id FROM org_units WHERE kind = 'county'", "") != DB_OK)
			return ctx_fail(c, RC_NOT_FOUND, "没有辖区");
		int rc = org_get(c, id, &u);
		if (rc)
			return rc;
	}
	out->county_id = u.id;
	out->code = dup(c, u.code);
	out->name = dup(c, u.name);
	return RC_OK;
}

static const char *county_like(struct ctx *c, int64_t county_id)
{
	return arena_printf(c->arena, "/%lld/%%", (long long)county_id);
}

int open311_villages(struct ctx *c, int64_t county_id, struct open311_village **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT v.id, v.name, COALESCE(t.name, '') FROM org_units v "
					     "LEFT JOIN org_units t ON t.id = v.parent_id WHERE v.kind = 'village' "
					     "AND v.path LIKE ? ORDER BY v.id LIMIT 5000", "t", county_like(c, county_id));
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取村");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct open311_village *grown = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = grown;
		struct open311_village *v = &(*out)[(*n)++];
		v->id = db_col_int(st, 0);
		v->name = dup(c, db_col_text(st, 1));
		v->town_name = dup(c, db_col_text(st, 2));
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取村");
}

/* ---- requests ---- */

static const char *const state_labels[][2] = {
	{"pending", "待受理"}, {"accepted", "已受理"}, {"rejected", "不予受理"}, {"dispatched", "已派单"},
	{"handling", "办理中"}, {"returned", "退回"}, {"finished", "已办结"}, {"visited", "已回访"},
};
static const char *const outcome_labels[][2] = {
	{"resolved", "已解决"}, {"explained", "已解释"}, {"unresolvable", "无法解决"},
	{"duplicate", "重复"}, {"not_responsible", "非本级职责"},
};

static const char *label(const char *const (*table)[2], size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(table[i][0], s))
			return table[i][1];
	return s;
}

static bool closed_state(const char *s)
{
	return !strcmp(s, "rejected") || !strcmp(s, "finished") || !strcmp(s, "visited");
}

#define REQ_COLS                                                                                         \
	"SELECT e.id, e.category_id, k.name, e.state, e.description, e.address, "                          \
	"CASE WHEN e.lat_e6 IS NULL THEN 0 ELSE 1 END, COALESCE(e.lat_e6, 0), COALESCE(e.lng_e6, 0), "     \
	"e.created_at, e.updated_at, e.due_at, COALESCE(e.finish_due, e.accept_due), COALESCE(d.name, ''), " \
	"v.name, COALESCE(e.outcome, ''), e.outcome_note, "                                                 \
	"COALESCE((SELECT s.note FROM event_steps s WHERE s.event_id = e.id AND s.action = 'reject' "        \
	"ORDER BY s.id DESC LIMIT 1), ''), "                                                                 \
	"(SELECT count(*) FROM event_photos p WHERE p.event_id = e.id) "                                     \
	"FROM events e JOIN org_units v ON v.id = e.village_id JOIN event_categories k ON k.id = e.category_id " \
	"LEFT JOIN org_units d ON d.id = e.department_id "                                                   \
	"WHERE e.anonymous = 0 AND v.path LIKE ? "

static void read_request(struct ctx *c, struct db_stmt *st, struct open311_request *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, 0);
	r->service_code = db_col_int(st, 1);
	r->service_name = dup(c, db_col_text(st, 2));
	const char *state = db_col_text(st, 3);
	bool closed = closed_state(state);
	r->status = closed ? "closed" : "open";
	r->description = dup(c, db_col_text(st, 4));
	r->address = dup(c, db_col_text(st, 5));
	r->has_location = db_col_int(st, 6) != 0;
	r->lat_e6 = db_col_int(st, 7);
	r->lng_e6 = db_col_int(st, 8);
	r->requested = db_col_int(st, 9);
	r->updated = db_col_int(st, 10);
	r->expected = closed ? db_col_int(st, 12) : db_col_int(st, 11);
	const char *dept = db_col_text(st, 13);
	r->agency_responsible = dept[0] ? dup(c, dept) : dup(c, db_col_text(st, 14));
	const char *outcome = db_col_text(st, 15), *note = db_col_text(st, 16), *reason = db_col_text(st, 17);
	const char *slabel = label(state_labels, ARRAY_SIZE(state_labels), state);
	if (!strcmp(state, "rejected"))
		r->status_notes = reason[0] ? arena_printf(c->arena, "%s：%s", slabel, reason) : slabel;
	else if (closed && outcome[0])
		r->status_notes = arena_printf(c->arena, "%s（%s）%s%s", slabel,
					       label(outcome_labels, ARRAY_SIZE(outcome_labels), outcome),
					       note[0] ? "：" : "", note);
	else
		r->status_notes = slabel;
	if (!r->status_notes)
		r->status_notes = "";
	r->nphotos = (int)db_col_int(st, 18);
}

static int run_requests(struct ctx *c, const char *sql, const struct db_args *a, struct open311_request **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *st = db_query_args(c->db, sql, a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取服务请求");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct open311_request *grown = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = grown;
		read_request(c, st, &(*out)[(*n)++]);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取服务请求");
}

int open311_requests(struct ctx *c, const struct open311_query *q, struct open311_request **out, int *n)
{
	struct db_args a = {0};
	struct buf w;
	buf_init(&w, 8192);
	buf_adds(&w, REQ_COLS);
	db_args_text(&a, county_like(c, q->county_id));
	if (q->nids > 0) {
		buf_adds(&w, "AND e.id IN (");
		for (int i = 0; i < q->nids && i < OPEN311_IDS_MAX; i++) {
			buf_adds(&w, i ? ", ?" : "?");
			db_args_int(&a, q->ids[i]);
		}
		buf_adds(&w, ") ");
	} else {
		if (q->ncodes > 0) {
			buf_adds(&w, "AND e.category_id IN (");
			for (int i = 0; i < q->ncodes && i < OPEN311_IDS_MAX; i++) {
				buf_adds(&w, i ? ", ?" : "?");
				db_args_int(&a, q->codes[i]);
			}
			buf_adds(&w, ") ");
		}
		int64_t start = q->start, end = q->end;
		if (!start && !end)
			start = c->now - (int64_t)OPEN311_DEFAULT_DAYS * 86400;
		if (start) {
			buf_adds(&w, "AND e.created_at >= ? ");
			db_args_int(&a, start);
		}
		if (end) {
			buf_adds(&w, "AND e.created_at <= ? ");
			db_args_int(&a, end);
		}
		if (q->status && !strcmp(q->status, "open"))
			buf_adds(&w, "AND " EV_OPEN_SQL " ");
		else if (q->status && !strcmp(q->status, "closed"))
			buf_adds(&w, "AND e.state IN ('rejected', 'finished', 'visited') ");
	}
	buf_adds(&w, "ORDER BY e.created_at DESC, e.id DESC LIMIT ?");
	db_args_int(&a, OPEN311_REQUESTS_MAX);
	if (w.failed) {
		buf_release(&w);
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	}
	int rc = run_requests(c, w.ptr, &a, out, n);
	buf_release(&w);
	return rc;
}

int open311_request_get(struct ctx *c, int64_t county_id, int64_t id, struct open311_request *out)
{
	struct db_args a = {0};
	db_args_text(&a, county_like(c, county_id));
	db_args_int(&a, id);
	struct open311_request *list;
	int n;
	int rc = run_requests(c, REQ_COLS "AND e.id = ?", &a, &list, &n);
	if (rc)
		return rc;
	if (n == 0)
		return ctx_fail(c, RC_NOT_FOUND, "服务请求不存在");
	*out = list[0];
	return RC_OK;
}

int open311_media(struct ctx *c, int64_t county_id, int64_t id, int n, char mime[16], const void **data, size_t *len)
{
	struct open311_request r;
	int rc = open311_request_get(c, county_id, id, &r);
	if (rc)
		return rc;
	struct db_stmt *st = db_query(c->db, "SELECT file_hash FROM event_photos WHERE event_id = ? AND ord = ?", "ii",
				      id, (int64_t)n);
	const char *hash = st && db_step(st) == DB_ROW ? dup(c, db_col_text(st, 0)) : NULL;
	db_finalize(st);
	if (!hash)
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	struct file_info f;
	if ((rc = files_read(c, hash, &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}

/* ---- keys and tokens ---- */

static void key_hash(struct ctx *c, const char *key, char out[CRYPTO_HASH_HEX])
{
	unsigned char sub[CRYPTO_KEY_BYTES];
	crypto_derive(c->keys->lookup, "open311-api-key", sub);
	crypto_keyed_hash_hex(sub, key, out);
}

static void token_hash(struct ctx *c, const char *token, char out[CRYPTO_HASH_HEX])
{
	char *s = arena_printf(c->arena, "open311:%s", token);
	crypto_keyed_hash_hex(c->keys->lookup, s ? s : "", out);
}

static bool token_shape(const char *t)
{
	if (!t || strlen(t) != OPEN311_TOKEN_LEN)
		return false;
	for (const char *p = t; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* The id of a valid key of the county, or 0. */
static int64_t valid_key(struct ctx *c, int64_t county_id, const char *api_key)
{
	int64_t key_id = 0, key_county = 0, revoked = 0;
	if (!c->keys || !api_key || !api_key[0] || strlen(api_key) > 128)
		return 0;
	char h[CRYPTO_HASH_HEX];
	key_hash(c, api_key, h);
	struct db_stmt *st = db_query(c->db, "SELECT id, county_id, COALESCE(revoked_at, 0) FROM open311_keys "
					     "WHERE key_hash = ?", "t", h);
	if (st && db_step(st) == DB_ROW) {
		key_id = db_col_int(st, 0);
		key_county = db_col_int(st, 1);
		revoked = db_col_int(st, 2);
	}
	db_finalize(st);
	return revoked || key_county != county_id ? 0 : key_id;
}

int open311_key_check(struct ctx *c, int64_t county_id, const char *api_key)
{
	return valid_key(c, county_id, api_key) ? RC_OK : ctx_fail(c, RC_FORBIDDEN, "api_key 无效或已被吊销");
}

int open311_submit(struct ctx *c, const struct open311_submission *in, int64_t *id,
		   char token[OPEN311_TOKEN_LEN + 1])
{
	if (!c->keys)
		return ctx_fail(c, RC_INTERNAL, "缺少密钥");
	int64_t key_id = valid_key(c, in->county_id, in->api_key);
	if (!key_id)
		return ctx_fail(c, RC_FORBIDDEN, "api_key 无效或已被吊销");
	/* the village must be of this jurisdiction; the rest is events_create's checks */
	struct org_unit v;
	if (in->village_id) {
		int rc = org_find(c, in->village_id, &v);
		if (rc == RC_OK && (strcmp(v.kind, "village") || ev_path_root(v.path) != in->county_id))
			rc = RC_NOT_FOUND;
		if (rc == RC_NOT_FOUND)
			return ctx_field(c, "village_id", "本辖区没有这个村");
		if (rc)
			return rc;
	}
	struct event_input ev = {
		.village_id = in->village_id,
		.category_id = in->service_code,
		.description = in->description,
		.has_location = in->has_location,
		.lat_e6 = in->lat_e6,
		.lng_e6 = in->lng_e6,
		.address = in->address,
		.reporter_name = in->name,
		.reporter_phone = in->phone,
		.open311_key_id = key_id,
	};
	char raw[CRYPTO_TOKEN_HEX], h[CRYPTO_HASH_HEX];
	crypto_random_token(raw);
	memcpy(token, raw, OPEN311_TOKEN_LEN);
	token[OPEN311_TOKEN_LEN] = 0;
	token_hash(c, token, h);
	/* filed by the client, not by whoever may hold a session on this connection */
	struct ctx pub = *c;
	pub.actor = NULL;
	pub.system = false;
	int rc = ev_create(&pub, &ev, true, h, id);
	c->err = pub.err;
	return rc;
}

int open311_token(struct ctx *c, int64_t county_id, const char *token, int64_t *id)
{
	if (!c->keys || !token_shape(token))
		return ctx_fail(c, RC_NOT_FOUND, "token 不存在");
	char h[CRYPTO_HASH_HEX];
	token_hash(c, token, h);
	if (db_get_int(c->db, id, "SELECT e.id FROM events e JOIN org_units v ON v.id = e.village_id "
				  "WHERE e.follow_hash = ? AND e.open311_key_id IS NOT NULL AND v.path LIKE ?",
		       "tt", h, county_like(c, county_id)) != DB_OK)
		return ctx_fail(c, RC_NOT_FOUND, "token 不存在");
	return RC_OK;
}

#define KEY_COLS                                                                                           \
	"SELECT k.id, k.county_id, k.name, k.prefix, COALESCE(u.name, ''), k.created_at, "                   \
	"COALESCE(k.revoked_at, 0), (SELECT count(*) FROM events e WHERE e.open311_key_id = k.id) "            \
	"FROM open311_keys k JOIN org_units o ON o.id = k.county_id LEFT JOIN users u ON u.id = k.created_by "

static void read_key(struct ctx *c, struct db_stmt *st, struct open311_key *k)
{
	k->id = db_col_int(st, 0);
	k->county_id = db_col_int(st, 1);
	k->name = dup(c, db_col_text(st, 2));
	k->prefix = dup(c, db_col_text(st, 3));
	k->created_by_name = dup(c, db_col_text(st, 4));
	k->created_at = db_col_int(st, 5);
	k->revoked_at = db_col_int(st, 6);
	k->requests = db_col_int(st, 7);
}

int open311_keys(struct ctx *c, struct open311_key **out, int *n)
{
	*out = NULL;
	*n = 0;
	const char *paths[CTX_MAX_GRANTS];
	int np = c->system ? 0 : access_scopes(c, P_EVENT_ADMIN, paths, CTX_MAX_GRANTS);
	if (!c->system && np == 0)
		return ctx_fail(c, RC_FORBIDDEN, "只有区县管理员可以管理 Open311 密钥");
	struct db_args a = {0};
	struct buf w;
	buf_init(&w, 4096);
	buf_adds(&w, KEY_COLS "WHERE ");
	buf_adds(&w, c->system ? "1=1" : "(1=0");
	for (int i = 0; i < np; i++) {
		buf_adds(&w, " OR o.path LIKE ?");
		db_args_text(&a, arena_printf(c->arena, "%s%%", paths[i]));
	}
	if (!c->system)
		buf_addc(&w, ')');
	buf_adds(&w, " ORDER BY k.id DESC LIMIT 500");
	struct db_stmt *st = w.failed ? NULL : db_query_args(c->db, w.ptr, &a);
	buf_release(&w);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取 Open311 密钥");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct open311_key *grown = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = grown;
		read_key(c, st, &(*out)[(*n)++]);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取 Open311 密钥");
}

/* The key with its county's path, if the actor administers that county: RC_NOT_FOUND
 * outside the actor's counties. */
static int load_key(struct ctx *c, int64_t id, struct open311_key *out, struct org_unit *county)
{
	struct db_stmt *st = db_query(c->db, KEY_COLS "WHERE k.id = ?", "i", id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		read_key(c, st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "密钥不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取 Open311 密钥");
	if ((rc = org_get(c, out->county_id, county)))
		return rc;
	if (!c->system && !access_can(c, P_EVENT_ADMIN, county->path))
		return ctx_fail(c, RC_NOT_FOUND, "密钥不存在");
	return RC_OK;
}

int open311_key_get(struct ctx *c, int64_t id, struct open311_key *out)
{
	struct org_unit county;
	return load_key(c, id, out, &county);
}

int open311_key_create(struct ctx *c, int64_t county_id, const char *name, int64_t *id,
		       char key[OPEN311_KEY_LEN + 1])
{
	if (!c->keys)
		return ctx_fail(c, RC_INTERNAL, "缺少密钥");
	if (!county_id && !c->system) {
		const char *paths[CTX_MAX_GRANTS];
		if (access_scopes(c, P_EVENT_ADMIN, paths, CTX_MAX_GRANTS) > 0)
			county_id = ev_path_root(paths[0]);
	}
	if (!county_id && !c->system)
		return ctx_fail(c, RC_FORBIDDEN, "只有区县管理员可以发放 Open311 密钥");
	struct org_unit county;
	int rc = org_find(c, county_id, &county);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(county.kind, "county")))
		return ctx_field(c, "county_id", "区县不存在");
	if (rc)
		return rc;
	if (!c->system && !access_can(c, P_EVENT_ADMIN, county.path))
		return ctx_fail(c, RC_FORBIDDEN, "只有该区县的管理员可以发放 Open311 密钥");
	ctx_check_text(c, "name", name, OPEN311_KEY_NAME_MAX, CTX_TEXT_REQUIRED, "客户端名称");
	if (ctx_check_fields(c))
		return RC_INVALID;
	char raw[CRYPTO_TOKEN_HEX], h[CRYPTO_HASH_HEX];
	crypto_random_token(raw);
	snprintf(key, OPEN311_KEY_LEN + 1, "o311_%.*s", OPEN311_KEY_LEN - 5, raw);
	key_hash(c, key, h);
	char prefix[12];
	snprintf(prefix, sizeof(prefix), "%.9s", key);
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO open311_keys (county_id, name, key_hash, prefix, created_by, "
					 "created_at) VALUES (?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
			      "itttii", county.id, name, h, prefix, ev_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "发放 Open311 密钥"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "name", name);
	audit_snap_str(&after, "prefix", prefix);
	audit_snap_end(&after);
	rc = audit_record(c, county.id, "open311_key", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

int open311_key_revoke(struct ctx *c, int64_t id)
{
	struct open311_key k;
	struct org_unit county;
	int rc = load_key(c, id, &k, &county);
	if (rc)
		return rc;
	if (k.revoked_at)
		return ctx_fail(c, RC_CONFLICT, "密钥已被吊销");
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t got = 0;
	int dbrc = db_get_int(c->db, &got, "UPDATE open311_keys SET revoked_at = ?, revoked_by = NULLIF(CAST(? AS BIGINT), 0) "
					   "WHERE id = ? AND revoked_at IS NULL RETURNING id", "iii", c->now, ev_actor_id(c), id);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "密钥已被吊销"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "吊销 Open311 密钥"));
	rc = audit_record(c, county.id, "open311_key", id, "revoke", "{\"revoked\":false}", "{\"revoked\":true}");
	return ctx_end(c, rc);
}
