/* The party feature's shared helpers: result rows read from statements, units and scope,
 * photo lists, dates and the audit of a change. */
#include "domain/party/internal.h"
#include "util/num.h"
#include "util/utf8.h"

struct party_rows *pr_new(struct ctx *c)
{
	return arena_alloc(c->arena, sizeof(struct party_rows));
}

struct party_row *pr_add(struct ctx *c, struct party_rows *rows)
{
	if (rows->n == rows->cap) {
		int cap = rows->cap ? rows->cap * 2 : 16;
		struct party_row *r = arena_alloc(c->arena, sizeof(*r) * (size_t)cap);
		if (!r)
			return NULL;
		if (rows->n)
			memcpy(r, rows->row, sizeof(*r) * (size_t)rows->n);
		rows->row = r;
		rows->cap = cap;
	}
	struct party_row *r = &rows->row[rows->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

static struct party_val *slot(struct party_row *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return &r->v[i];
	if (r->n >= PARTY_ROW_MAX)
		return NULL;
	struct party_val *v = &r->v[r->n++];
	memset(v, 0, sizeof(*v));
	v->name = name;
	return v;
}

void pr_int(struct party_row *r, const char *name, int64_t i)
{
	struct party_val *v = slot(r, name);
	if (v) {
		v->type = PV_INT;
		v->i = i;
	}
}

void pr_text(struct ctx *c, struct party_row *r, const char *name, const char *s)
{
	struct party_val *v = slot(r, name);
	if (v) {
		v->type = s ? PV_TEXT : PV_NULL;
		v->s = s ? arena_strdup(c->arena, s) : NULL;
	}
}

void pr_bool(struct party_row *r, const char *name, bool b)
{
	struct party_val *v = slot(r, name);
	if (v) {
		v->type = PV_BOOL;
		v->i = b;
	}
}

void pr_time(struct party_row *r, const char *name, int64_t t)
{
	struct party_val *v = slot(r, name);
	if (v) {
		v->type = t ? PV_TIME : PV_NULL;
		v->i = t;
	}
}

void pr_sub(struct party_row *r, const char *name, struct party_rows *rows)
{
	if (r->nsubs < PARTY_SUBS_MAX) {
		r->subs[r->nsubs].name = name;
		r->subs[r->nsubs++].rows = rows;
	}
}

int64_t pr_get_int(const struct party_row *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return r->v[i].i;
	return 0;
}

const char *pr_get_text(const struct party_row *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return r->v[i].s ? r->v[i].s : "";
	return "";
}

/* Parses the spec into types and names (names kept in request memory). */
static int parse_spec(struct ctx *c, const char *spec, char *types, const char **names, int max)
{
	int n = 0;
	const char *p = spec;
	while (*p && n < max) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		types[n] = *p;
		p += 2;
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *nm = arena_alloc(c->arena, len + 1);
		if (!nm)
			return -1;
		memcpy(nm, p, len);
		names[n++] = nm;
		p += len;
	}
	return n;
}

static void read_row(struct ctx *c, struct db_stmt *st, int ncol, const char *types, const char *const *names,
		     struct party_row *r)
{
	for (int i = 0; i < ncol; i++) {
		switch (types[i]) {
		case 'i':
			pr_int(r, names[i], db_col_int(st, i));
			break;
		case 'n':
			if (db_col_null(st, i) || !db_col_int(st, i))
				pr_text(c, r, names[i], NULL);
			else
				pr_int(r, names[i], db_col_int(st, i));
			break;
		case 'b':
			pr_bool(r, names[i], db_col_int(st, i) != 0);
			break;
		case 'T':
			pr_time(r, names[i], db_col_null(st, i) ? 0 : db_col_int(st, i));
			break;
		case 'p': {
			pr_text(c, r, names[i], db_col_text(st, i));
			struct party_val *v = slot(r, names[i]);
			if (v)
				v->type = PV_PHOTOS;
			break;
		}
		default:
			pr_text(c, r, names[i], db_col_null(st, i) ? NULL : db_col_text(st, i));
		}
	}
}

int pr_fetch(struct ctx *c, struct db_stmt *st, const char *spec, struct party_rows *out, int max)
{
	char types[PARTY_ROW_MAX];
	const char *names[PARTY_ROW_MAX];
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取党建数据");
	int ncol = parse_spec(c, spec, types, names, PARTY_ROW_MAX);
	int rc;
	while (ncol >= 0 && out->n < max && (rc = db_step(st)) == DB_ROW) {
		struct party_row *r = pr_add(c, out);
		if (!r)
			break;
		read_row(c, st, ncol, types, names, r);
	}
	db_finalize(st);
	return ncol < 0 ? ctx_fail(c, RC_INTERNAL, "内存不足") : RC_OK;
}

int pr_one(struct ctx *c, struct db_stmt *st, const char *spec, struct party_row *out, const char *missing)
{
	struct party_rows rows = {0};
	int rc = pr_fetch(c, st, spec, &rows, 1);
	if (rc)
		return rc;
	if (!rows.n)
		return ctx_fail(c, RC_NOT_FOUND, "%s", missing);
	*out = rows.row[0];
	return RC_OK;
}

int pt_village(struct ctx *c, int64_t id, const char *field, struct org_unit *v)
{
	int rc = id > 0 ? org_find(c, id, v) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (!rc && strcmp(v->kind, "village")))
		return ctx_field(c, field, "请选择村");
	return rc;
}

int pt_unit(struct ctx *c, int64_t id, const char *field, struct org_unit *u)
{
	int rc = id > 0 ? org_find(c, id, u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND ||
	    (!rc && strcmp(u->kind, "village") && strcmp(u->kind, "town") && strcmp(u->kind, "county")))
		return ctx_field(c, field, "请选择区县、乡镇或村");
	return rc;
}

int pt_refuse(struct ctx *c, const char *path, const char *what, const char *msg)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (access_refusal(c, path) == RC_NOT_FOUND)
		return ctx_fail(c, RC_NOT_FOUND, "%s不存在", what);
	return ctx_fail(c, RC_FORBIDDEN, "%s", msg);
}

int pt_scope(struct ctx *c, perm_t perms, const struct org_unit *u, struct buf *sql, struct db_args *a,
	     const char *what)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!c->system && !access_touches(c, u->path))
		return ctx_fail(c, RC_NOT_FOUND, "%s不存在", what);
	const char *paths[1] = {u->path};
	buf_adds(sql, " AND ");
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), sql, a);
	bool all = false;
	for (perm_t p = 1; p && !all; p <<= 1)
		if ((perms & p) && access_can(c, p, u->path))
			all = true;
	if (all)
		return RC_OK;
	struct buf tmp;
	struct db_args ta = {0};
	buf_init(&tmp, 4096);
	int n = scope_where(c, perms, SCOPE_UNIT("v"), &tmp, &ta);
	if (n > 0) {
		buf_adds(sql, " AND ");
		buf_adds(sql, tmp.ptr ? tmp.ptr : "1=1");
		db_args_add(a, &ta);
	}
	buf_release(&tmp);
	if (n <= 0)
		return pt_refuse(c, u->path, what, "没有查看党建数据的权限");
	return RC_OK;
}

bool pt_own_village(struct ctx *c, struct org_unit *v)
{
	if (!c->actor || !c->actor->household_id)
		return false;
	int64_t vid = 0;
	if (db_get_int(c->db, &vid, "SELECT village_id FROM households WHERE id = ?", "i", c->actor->household_id) !=
	    DB_OK)
		return false;
	return org_get(c, vid, v) == RC_OK;
}

void pt_check_photos(struct ctx *c, const char *field, const char *const *photos, int n)
{
	if (n <= 0)
		return;
	if (n > PARTY_PHOTOS_MAX) {
		ctx_field(c, field, "最多 %d 张照片", PARTY_PHOTOS_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct file_info f;
		bool ok = photos[i] && files_hash_valid(photos[i]) && files_info(c, photos[i], &f) == RC_OK &&
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, field, "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
			return;
		}
		if (strncmp(f.mime, "image/", 6)) {
			ctx_field(c, field, "第 %d 个文件不是图片", i + 1);
			return;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(photos[i], photos[j])) {
				ctx_field(c, field, "第 %d 张照片与第 %d 张重复", i + 1, j + 1);
				return;
			}
	}
}

void pt_check_video(struct ctx *c, const char *field, const char *hash)
{
	struct file_info f;
	if (!hash || !files_hash_valid(hash) || files_info(c, hash, &f) != RC_OK ||
	    (!c->system && (!c->actor || f.uploaded_by != c->actor->user_id))) {
		ctx_clear(c);
		ctx_field(c, field, "视频不存在或不是你上传的，请重新上传");
	} else if (strncmp(f.mime, "video/", 6))
		ctx_field(c, field, "这个文件不是视频（视频只支持 WebM 或 MP4）");
	else if (f.size > FILES_VIDEO_MAX_BYTES)
		ctx_field(c, field, "视频最大 %lld MB", (long long)(FILES_VIDEO_MAX_BYTES >> 20));
	else if (f.duration_ms > FILES_VIDEO_MAX_MS)
		ctx_field(c, field, "视频最长 %lld 秒，这段有 %lld 秒", (long long)(FILES_VIDEO_MAX_MS / 1000),
			  (long long)((f.duration_ms + 999) / 1000));
}

bool pt_nth_hash(const char *list, int n, char hash[FILES_HASH_LEN + 1])
{
	const char *s = list;
	for (int i = 1; s && *s; i++) {
		const char *e = strchr(s, ',');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (i == n) {
			if (l != FILES_HASH_LEN)
				return false;
			memcpy(hash, s, l);
			hash[l] = 0;
			return true;
		}
		s = e ? e + 1 : NULL;
	}
	return false;
}

char *pt_join(struct ctx *c, const char *const *photos, int n)
{
	struct buf b;
	buf_init(&b, (FILES_HASH_LEN + 1) * PARTY_PHOTOS_MAX + 1);
	buf_adds(&b, "");
	for (int i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, ',');
		buf_adds(&b, photos[i]);
	}
	char *s = b.failed ? NULL : arena_strdup(c->arena, b.ptr ? b.ptr : "");
	buf_release(&b);
	return s;
}

bool pt_check_date(struct ctx *c, const char *field, const char *value, bool required, const char *label,
		   int64_t *days)
{
	*days = 0;
	if (!value || !value[0]) {
		if (required)
			ctx_field(c, field, "请填写%s", label);
		return false;
	}
	if (time_parse_date(value, days)) {
		ctx_field(c, field, "%s格式应为 2026-10-15", label);
		return false;
	}
	if (*days < time_days_from_civil(1900, 1, 1) || *days > time_days_from_civil(2100, 12, 31)) {
		ctx_field(c, field, "%s不在合理范围内", label);
		return false;
	}
	return true;
}

int pt_audit(struct ctx *c, int64_t village_id, const char *type, int64_t id, const char *action, const char *k1,
	     const char *v1, const char *k2, int64_t v2)
{
	struct buf after;
	audit_snap_begin(&after);
	if (k1)
		audit_snap_str(&after, k1, v1);
	if (k2)
		audit_snap_int(&after, k2, v2);
	audit_snap_end(&after);
	int rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			      : audit_record(c, village_id, type, id, action, "{}", after.ptr);
	buf_release(&after);
	return rc;
}

const char *pt_actor_name(struct ctx *c)
{
	return c->actor && c->actor->name[0] ? c->actor->name : "系统";
}

int pt_branch(struct ctx *c, int64_t id, int64_t *village_id, char path[ORG_PATH_MAX], char *name, size_t nlen)
{
	struct db_stmt *st = db_query(c->db, "SELECT b.village_id, v.path, b.name FROM party_branches b "
					     "JOIN org_units v ON v.id = b.village_id WHERE b.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取党支部");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*village_id = db_col_int(st, 0);
		str_copy(path, ORG_PATH_MAX, db_col_text(st, 1));
		if (name)
			str_copy(name, nlen, db_col_text(st, 2));
	}
	db_finalize(st);
	return rc == DB_ROW ? RC_OK : ctx_fail(c, RC_NOT_FOUND, "党支部不存在");
}

int pt_page(struct ctx *c, struct buf *sql, struct db_args *a, const char *cols, const char *order, const char *spec,
	    int limit, int offset, struct party_rows *out)
{
	char *count = arena_printf(c->arena, "SELECT count(*) %s", sql->ptr);
	char *q = arena_printf(c->arena, "SELECT %s %s ORDER BY %s LIMIT ? OFFSET ?", cols, sql->ptr, order);
	bool failed = sql->failed || a->failed || !count || !q;
	buf_release(sql);
	if (failed)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int dbrc = db_get_int_args(c->db, &out->total, count, a);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取");
	db_args_int(a, limit);
	db_args_int(a, offset);
	return pr_fetch(c, db_query_args(c->db, q, a), spec, out, limit);
}

int pt_begin_create(struct ctx *c, const char *kind, const struct idem *idem, int64_t *id, bool *replayed)
{
	*replayed = false;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, kind, idem, &replay)))
		return ctx_end(c, rc);
	if (!replay)
		return RC_OK;
	*replayed = true;
	if (num_parse_i64(replay, 1, INT64_MAX, id))
		return ctx_end(c, ctx_fail(c, RC_INTERNAL, "幂等键"));
	return ctx_end(c, RC_OK);
}

int pt_store_created(struct ctx *c, const char *kind, const struct idem *idem, int64_t id)
{
	char t[24];
	snprintf(t, sizeof(t), "%lld", (long long)id);
	return idem_store(c, kind, idem, t);
}
