/* Disclosures 三务公开: publishing, revisions and withdrawal, reading (villagers, staff,
 * the public page), attachments, villagers' questions and the village's answers, and
 * the county's schedule settings. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/scope.h"
#include "domain/transparency/internal.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define SETTINGS_BUSY_MAX 500

/* ---- shared helpers (internal.h) ---- */

int tr_read_unit(struct ctx *c, int64_t id, const char *field, struct org_unit *u)
{
	int rc = org_find(c, id, u);
	if (rc == RC_NOT_FOUND)
		return ctx_field(c, field, "单位不存在");
	if (rc)
		return rc;
	if (strcmp(u->kind, "village") && strcmp(u->kind, "town") && strcmp(u->kind, "county"))
		return ctx_field(c, field, "请选择村、乡镇或区县");
	return RC_OK;
}

bool tr_villager_village(struct ctx *c, int64_t *village_id, char path[ORG_PATH_MAX])
{
	path[0] = 0;
	*village_id = 0;
	if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
		return false;
	struct db_stmt *st = db_query(c->db, "SELECT v.id, v.path FROM households h JOIN org_units v "
					     "ON v.id = h.village_id WHERE h.id = ?", "i", c->actor->household_id);
	bool found = st && db_step(st) == DB_ROW;
	if (found) {
		*village_id = db_col_int(st, 0);
		str_copy(path, ORG_PATH_MAX, db_col_text(st, 1));
	}
	db_finalize(st);
	return found && path[0];
}

bool tr_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

void tr_check_files(struct ctx *c, const char *field, const char *const *files, int n, bool images_only,
		    const char *what)
{
	if (n < 0)
		return;
	if (n > DISC_FILES_MAX) {
		ctx_field(c, field, "最多 %d 个%s", DISC_FILES_MAX, what);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct file_info f;
		bool ok = files_hash_valid(files[i]) && files_info(c, files[i], &f) == RC_OK &&
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, field, "第 %d 个%s不存在或不是你上传的，请重新上传", i + 1, what);
			return;
		}
		if (images_only && strncmp(f.mime, "image/", 6)) {
			ctx_field(c, field, "第 %d 个%s不是图片", i + 1, what);
			return;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(files[i], files[j])) {
				ctx_field(c, field, "第 %d 个%s与第 %d 个重复", i + 1, what, j + 1);
				return;
			}
	}
}

char *tr_join(struct ctx *c, const char *const *files, int n)
{
	struct buf b;
	buf_init(&b, (FILES_HASH_LEN + 1) * DISC_FILES_MAX + 1);
	buf_adds(&b, "");
	for (int i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, ',');
		buf_adds(&b, files[i]);
	}
	char *s = b.failed ? NULL : arena_strdup(c->arena, b.ptr ? b.ptr : "");
	buf_release(&b);
	return s;
}

int tr_split(const char *s, char out[][FILES_HASH_LEN + 1], int max)
{
	int n = 0;
	while (s && *s && n < max) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == FILES_HASH_LEN) {
			memcpy(out[n], s, len);
			out[n++][len] = 0;
		}
		s = e ? e + 1 : NULL;
	}
	return n;
}

const char *tr_status_where(const char *status, const char *alias_withdrawn)
{
	(void)alias_withdrawn;
	if (!strcmp(status, "published"))
		return " AND withdrawn_at IS NULL";
	if (!strcmp(status, "withdrawn"))
		return " AND withdrawn_at IS NOT NULL";
	if (!strcmp(status, "all"))
		return "";
	return NULL;
}

/* The county id at the root of a path "/1/…". */
static int64_t county_of(const char *path)
{
	int64_t id = 0;
	const char *e = path && path[0] == '/' ? strchr(path + 1, '/') : NULL;
	if (!e || num_parse_i64n(path + 1, (size_t)(e - path - 1), 1, INT64_MAX, &id))
		return 0;
	return id;
}

int tr_settings_of(struct ctx *c, const char *path, struct disc_settings *out)
{
	memset(out, 0, sizeof(*out));
	out->county_id = county_of(path);
	out->major_days = DISC_MAJOR_DAYS_DEFAULT;
	int y, m, d;
	time_civil_from_days(time_cn_days(c->now), &y, &m, &d);
	snprintf(out->starts_on, sizeof(out->starts_on), "%04d-01-01", y);
	struct db_stmt *st = db_query(c->db, "SELECT major_days, starts_on FROM disclosure_settings WHERE county_id = ?",
				      "i", out->county_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开设置");
	if (db_step(st) == DB_ROW) {
		out->major_days = (int)db_col_int(st, 0);
		str_copy(out->starts_on, sizeof(out->starts_on), db_col_text(st, 1));
	}
	db_finalize(st);
	out->busy = arena_alloc(c->arena, sizeof(*out->busy) * SETTINGS_BUSY_MAX);
	if (!out->busy)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	st = db_query(c->db, "SELECT village_id FROM disclosure_busy_villages WHERE county_id = ? ORDER BY village_id", "i",
		      out->county_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开设置");
	while (out->nbusy < SETTINGS_BUSY_MAX && db_step(st) == DB_ROW)
		out->busy[out->nbusy++] = db_col_int(st, 0);
	db_finalize(st);
	return RC_OK;
}

/* ---- reading ---- */

static bool kind_valid(const char *k)
{
	return k && (!strcmp(k, "party") || !strcmp(k, "village") || !strcmp(k, "finance"));
}

#define D_COLS                                                                                          \
	"d.id, d.village_id, v.name, v.path, d.kind, d.category, d.period, d.major, d.version_no, d.title, " \
	"d.body, d.attachments, COALESCE(d.statement_id, 0), d.published_by, COALESCE(p.name, ''), "        \
	"d.published_at, d.updated_at, COALESCE(d.withdrawn_at, 0), COALESCE(w.name, ''), "                 \
	"COALESCE(d.withdraw_reason, ''), "                                                                 \
	"(SELECT count(*) FROM disclosure_questions q WHERE q.disclosure_id = d.id), "                     \
	"(SELECT count(*) FROM disclosure_questions q WHERE q.disclosure_id = d.id AND q.answered_at IS NULL) "
#define D_FROM                                                                                          \
	"FROM disclosures d JOIN org_units v ON v.id = d.village_id "                                       \
	"LEFT JOIN users p ON p.id = d.published_by LEFT JOIN users w ON w.id = d.withdrawn_by "

static const char *summary_of(struct ctx *c, const char *body)
{
	char s[DISC_SUMMARY_MAX * 4 + 1];
	utf8_prefix(s, sizeof(s), body ? body : "", DISC_SUMMARY_MAX);
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return arena_strdup(c->arena, s);
}

static void read_item(struct ctx *c, struct db_stmt *st, struct disclosure *d, int major_days, int64_t my_village)
{
	memset(d, 0, sizeof(*d));
	d->id = db_col_int(st, 0);
	d->village_id = db_col_int(st, 1);
	str_copy(d->village_name, sizeof(d->village_name), db_col_text(st, 2));
	str_copy(d->village_path, sizeof(d->village_path), db_col_text(st, 3));
	str_copy(d->kind, sizeof(d->kind), db_col_text(st, 4));
	d->category = arena_strdup(c->arena, db_col_text(st, 5));
	d->period = arena_strdup(c->arena, db_col_text(st, 6));
	d->major = db_col_int(st, 7) != 0;
	d->version_no = (int)db_col_int(st, 8);
	d->title = arena_strdup(c->arena, db_col_text(st, 9));
	d->body = arena_strdup(c->arena, db_col_text(st, 10));
	char hashes[DISC_FILES_MAX][FILES_HASH_LEN + 1];
	d->nfiles = tr_split(db_col_text(st, 11), hashes, DISC_FILES_MAX);
	for (int i = 0; i < d->nfiles; i++)
		str_copy(d->files[i].hash, sizeof(d->files[i].hash), hashes[i]);
	d->statement_id = db_col_int(st, 12);
	d->published_by = db_col_int(st, 13);
	d->published_by_name = arena_strdup(c->arena, db_col_text(st, 14));
	d->published_at = db_col_int(st, 15);
	d->updated_at = db_col_int(st, 16);
	d->withdrawn_at = db_col_int(st, 17);
	d->withdrawn_by_name = arena_strdup(c->arena, db_col_text(st, 18));
	d->withdraw_reason = arena_strdup(c->arena, db_col_text(st, 19));
	d->nquestions = (int)db_col_int(st, 20);
	d->open_questions = (int)db_col_int(st, 21);
	d->summary = summary_of(c, d->body);
	d->status = d->withdrawn_at ? "withdrawn" : "published";
	struct disc_period p;
	if (!transparency_parse_period(d->period, &p)) {
		d->due_day = transparency_due(&p, major_days);
		int64_t day = time_cn_days(d->published_at);
		d->late_days = day > d->due_day ? (int)(day - d->due_day) : 0;
	}
	d->can_manage = access_can(c, P_DISCLOSE_WRITE, d->village_path);
	d->full_names = access_can(c, P_DISCLOSE_READ, d->village_path);
	d->can_ask = !d->withdrawn_at && my_village && my_village == d->village_id;
}

static int load_item(struct ctx *c, int64_t id, struct disclosure *d, int64_t my_village)
{
	struct db_stmt *st = db_query(c->db, "SELECT " D_COLS D_FROM "WHERE d.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开事项");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_item(c, st, d, DISC_MAJOR_DAYS_DEFAULT, my_village);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "公开事项不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取公开事项");
	if (!d->title || !d->body || !d->summary || !d->category || !d->period)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct disc_period p;
	if (d->major && !transparency_parse_period(d->period, &p)) {
		/* a major matter's due day depends on the county's setting */
		struct disc_settings set;
		if ((rc = tr_settings_of(c, d->village_path, &set)))
			return rc;
		d->due_day = transparency_due(&p, set.major_days);
		int64_t day = time_cn_days(d->published_at);
		d->late_days = day > d->due_day ? (int)(day - d->due_day) : 0;
	}
	return RC_OK;
}

static void file_types(struct ctx *c, struct disc_file *files, int n)
{
	for (int i = 0; i < n; i++) {
		struct file_info f;
		if (files_info(c, files[i].hash, &f) == RC_OK) {
			str_copy(files[i].mime, sizeof(files[i].mime), f.mime);
			files[i].size = f.size;
		} else {
			ctx_clear(c);
		}
	}
}

static int load_versions(struct ctx *c, struct disclosure *d)
{
	int cap = d->version_no < DISC_VERSIONS_MAX ? d->version_no : DISC_VERSIONS_MAX;
	d->versions = arena_alloc(c->arena, sizeof(*d->versions) * (size_t)(cap > 0 ? cap : 1));
	if (!d->versions)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT x.version_no, x.category, x.title, x.body, x.attachments, x.reason, "
					     "COALESCE(u.name, ''), x.created_at FROM disclosure_versions x "
					     "LEFT JOIN users u ON u.id = x.created_by WHERE x.disclosure_id = ? "
					     "ORDER BY x.version_no DESC LIMIT ?", "ii", d->id, (int64_t)cap);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开事项历史");
	while (d->nversions < cap && db_step(st) == DB_ROW) {
		struct disc_version *v = &d->versions[d->nversions++];
		memset(v, 0, sizeof(*v));
		v->version_no = (int)db_col_int(st, 0);
		v->category = arena_strdup(c->arena, db_col_text(st, 1));
		v->title = arena_strdup(c->arena, db_col_text(st, 2));
		v->body = arena_strdup(c->arena, db_col_text(st, 3));
		char hashes[DISC_FILES_MAX][FILES_HASH_LEN + 1];
		v->nfiles = tr_split(db_col_text(st, 4), hashes, DISC_FILES_MAX);
		for (int i = 0; i < v->nfiles; i++)
			str_copy(v->files[i].hash, sizeof(v->files[i].hash), hashes[i]);
		v->reason = arena_strdup(c->arena, db_col_text(st, 5));
		v->created_by_name = arena_strdup(c->arena, db_col_text(st, 6));
		v->created_at = db_col_int(st, 7);
		if (!v->category || !v->title || !v->body || !v->reason || !v->created_by_name) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	db_finalize(st);
	return RC_OK;
}

#define Q_COLS                                                                                        \
	"q.id, q.disclosure_id, q.question, COALESCE(q.answer, ''), q.answered_at IS NOT NULL, "        \
	"COALESCE(a.name, ''), q.asked_by, q.asked_at, COALESCE(q.answered_at, 0), COALESCE(b.name, ''), " \
	"d.title, v.name "
#define Q_FROM                                                                                        \
	"FROM disclosure_questions q JOIN disclosures d ON d.id = q.disclosure_id "                     \
	"JOIN org_units v ON v.id = q.village_id LEFT JOIN users a ON a.id = q.asked_by "               \
	"LEFT JOIN users b ON b.id = q.answered_by "

static void read_question(struct ctx *c, struct db_stmt *st, struct disc_question *q, bool full)
{
	memset(q, 0, sizeof(*q));
	q->id = db_col_int(st, 0);
	q->disclosure_id = db_col_int(st, 1);
	q->question = arena_strdup(c->arena, db_col_text(st, 2));
	q->answer = db_col_int(st, 4) ? arena_strdup(c->arena, db_col_text(st, 3)) : NULL;
	const char *name = db_col_text(st, 5);
	utf8_mask_name(name, q->asker_masked, sizeof(q->asker_masked));
	q->asker_name = full ? arena_strdup(c->arena, name) : NULL;
	q->mine = c->actor && c->actor->user_id == db_col_int(st, 6);
	q->asked_at = db_col_int(st, 7);
	q->answered_at = db_col_int(st, 8);
	q->answered_by_name = arena_strdup(c->arena, db_col_text(st, 9));
	q->title = arena_strdup(c->arena, db_col_text(st, 10));
	str_copy(q->village_name, sizeof(q->village_name), db_col_text(st, 11));
	int64_t until = q->answered_at ? q->answered_at : c->now;
	q->age_days = (int)(time_cn_days(until) - time_cn_days(q->asked_at));
}

static int load_questions(struct ctx *c, struct disclosure *d)
{
	int cap = d->nquestions < DISC_QUESTIONS_MAX ? d->nquestions : DISC_QUESTIONS_MAX;
	d->questions = arena_alloc(c->arena, sizeof(*d->questions) * (size_t)(cap > 0 ? cap : 1));
	if (!d->questions)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	d->nquestions = 0;
	struct db_stmt *st = db_query(c->db, "SELECT " Q_COLS Q_FROM "WHERE q.disclosure_id = ? ORDER BY q.asked_at, q.id "
					     "LIMIT ?", "ii", d->id, (int64_t)cap);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取提问");
	while (d->nquestions < cap && db_step(st) == DB_ROW)
		read_question(c, st, &d->questions[d->nquestions++], d->full_names);
	db_finalize(st);
	return RC_OK;
}

/* Whether the actor (or the public page) may see the item: 404 otherwise. */
static int check_visible(struct ctx *c, const struct disclosure *d, int64_t public_village)
{
	if (public_village) {
		if (d->village_id != public_village || d->withdrawn_at)
			return ctx_fail(c, RC_NOT_FOUND, "公开事项不存在");
		return RC_OK;
	}
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (d->full_names)
		return RC_OK;
	if (d->withdrawn_at || !access_touches(c, d->village_path))
		return ctx_fail(c, RC_NOT_FOUND, "公开事项不存在");
	return RC_OK;
}

enum result transparency_get(struct ctx *c, int64_t id, int64_t public_village, struct disclosure *out)
{
	int64_t mine = 0;
	char vpath[ORG_PATH_MAX];
	if (!public_village)
		tr_villager_village(c, &mine, vpath);
	int rc = load_item(c, id, out, mine);
	if (!rc)
		rc = check_visible(c, out, public_village);
	if (rc)
		return rc;
	if (public_village) {
		out->can_manage = out->can_ask = out->full_names = false;
	}
	file_types(c, out->files, out->nfiles);
	if ((rc = load_versions(c, out)))
		return rc;
	for (int i = 0; i < out->nversions; i++)
		file_types(c, out->versions[i].files, out->versions[i].nfiles);
	return load_questions(c, out);
}

enum result transparency_file(struct ctx *c, int64_t id, int n, int64_t public_village, char mime[16],
			      const void **data, size_t *len)
{
	struct disclosure d;
	int64_t mine = 0;
	char vpath[ORG_PATH_MAX];
	if (!public_village)
		tr_villager_village(c, &mine, vpath);
	int rc = load_item(c, id, &d, mine);
	if (!rc)
		rc = check_visible(c, &d, public_village);
	if (rc)
		return rc;
	if (n < 1 || n > d.nfiles)
		return ctx_fail(c, RC_NOT_FOUND, "附件不存在");
	struct file_info f;
	if ((rc = files_read(c, d.files[n - 1].hash, &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}

enum result transparency_list(struct ctx *c, const struct disc_query *q, struct disclosure **out, int *n,
			      int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct org_unit u = {0};
	bool full = false;
	int64_t mine = 0;
	char vpath[ORG_PATH_MAX];
	if (!q->public_village && !c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!q->public_village)
		tr_villager_village(c, &mine, vpath);
	if (q->kind && !kind_valid(q->kind))
		ctx_field(c, "kind", "应为 party（党务）、village（村务）或 finance（财务）");
	const char *status = q->status ? q->status : "published";
	const char *status_sql = tr_status_where(status, "d");
	if (!status_sql)
		ctx_field(c, "status", "应为 published（已公开）、withdrawn（已撤回）或 all（全部）");
	struct disc_period per;
	if (q->period && transparency_parse_period(q->period, &per))
		ctx_field(c, "period", "期间格式应为 2026-Q3、2026-10 或 2026-10-15");
	if (q->public_village) {
		int rc = org_find(c, q->public_village, &u);
		if (rc == RC_NOT_FOUND || (!rc && strcmp(u.kind, "village")))
			return ctx_fail(c, RC_NOT_FOUND, "村不存在");
		if (rc)
			return rc;
		if (ctx_check_fields(c))
			return RC_INVALID;
		if (strcmp(status, "published"))
			return ctx_field(c, "status", "公开页只显示已公开的事项");
	} else if (q->unit_id) {
		int rc = tr_read_unit(c, q->unit_id, "unit_id", &u);
		if (rc && rc != RC_INVALID)
			return rc;
		if (!rc) {
			full = access_can(c, P_DISCLOSE_READ, u.path);
			if (!full && !access_touches(c, u.path))
				return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
			if (!full && strcmp(u.kind, "village"))
				return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的公开事项", u.name);
			if (!full && status_sql && strcmp(status, "published"))
				return ctx_fail(c, RC_FORBIDDEN, "只有干部可以查看撤回的事项");
		}
		if (ctx_check_fields(c))
			return RC_INVALID;
	} else {
		if (!mine)
			ctx_field(c, "unit_id", "请选择村、乡镇或区县");
		if (ctx_check_fields(c))
			return RC_INVALID;
		if (strcmp(status, "published"))
			return ctx_fail(c, RC_FORBIDDEN, "只有干部可以查看撤回的事项");
		if (org_get(c, mine, &u))
			return c->err.code;
	}
	struct disc_settings set;
	int rc = tr_settings_of(c, u.path, &set);
	if (rc)
		return rc;
	struct buf where;
	struct db_args a = {0};
	buf_init(&where, 4096);
	buf_adds(&where, "WHERE ");
	const char *paths[1] = {u.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &where, &a);
	buf_adds(&where, status_sql);
	if (q->kind) {
		buf_adds(&where, " AND d.kind = ?");
		db_args_text(&a, q->kind);
	}
	if (q->period) {
		buf_adds(&where, " AND d.period = ?");
		db_args_text(&a, q->period);
	}
	char *count_sql = arena_printf(c->arena, "SELECT count(*) FROM disclosures d JOIN org_units v ON v.id = d.village_id %s",
				       where.ptr ? where.ptr : "");
	char *page_sql = arena_printf(c->arena, "SELECT " D_COLS D_FROM "%s ORDER BY d.published_at DESC, d.id DESC "
						"LIMIT ? OFFSET ?", where.ptr ? where.ptr : "");
	bool failed = where.failed || a.failed;
	buf_release(&where);
	if (failed || !count_sql || !page_sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int dbrc = db_get_int_args(c->db, total, count_sql, &a);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取公开事项");
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	struct db_stmt *st = db_query_args(c->db, page_sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开事项");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(q->limit > 0 ? q->limit : 1));
	while (*out && *n < q->limit && db_step(st) == DB_ROW) {
		struct disclosure *d = &(*out)[(*n)++];
		read_item(c, st, d, set.major_days, mine);
		if (q->public_village)
			d->can_manage = d->can_ask = d->full_names = false;
	}
	db_finalize(st);
	return *out ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

/* ---- writing ---- */

static void snap_item(struct buf *b, int version_no, const char *category, const char *title, const char *body,
		      const char *files)
{
	audit_snap_begin(b);
	audit_snap_int(b, "version_no", version_no);
	audit_snap_str(b, "category", category);
	audit_snap_str(b, "title", title);
	audit_snap_str(b, "attachments", files);
	audit_snap_str(b, "body", body);
}

static int add_version(struct ctx *c, int64_t id, int version_no, const char *category, const char *title,
		       const char *body, const char *files, const char *reason)
{
	int dbrc = db_run(c->db, "INSERT INTO disclosure_versions (disclosure_id, version_no, category, title, body, "
				 "attachments, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  "iitttttii", id, (int64_t)version_no, category, title, body, files, reason ? reason : "",
			  c->actor ? c->actor->user_id : 0, c->now);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "保存公开事项版本");
}

/* Checks the text fields present (all of them on publish). */
static void check_text(struct ctx *c, const struct disc_input *in, bool create)
{
	if (create || in->category) {
		ctx_check_text(c, "category", in->category, DISC_CATEGORY_MAX, CTX_TEXT_REQUIRED, "分类");
		if (in->category && in->category[0] && tr_blank(in->category))
			ctx_field(c, "category", "分类不能为空");
	}
	if (create || in->title) {
		ctx_check_text(c, "title", in->title, DISC_TITLE_MAX, CTX_TEXT_REQUIRED, "标题");
		if (in->title && in->title[0] && tr_blank(in->title))
			ctx_field(c, "title", "标题不能为空");
	}
	if (create || in->body) {
		ctx_check_text(c, "body", in->body, DISC_BODY_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "正文");
		if (in->body && in->body[0] && tr_blank(in->body))
			ctx_field(c, "body", "正文不能为空");
	}
	tr_check_files(c, "files", in->files, in->nfiles, false, "附件");
}

/* The kind and period of a new item; *major for a decision date. */
static void check_period(struct ctx *c, const struct disc_input *in, bool *major)
{
	*major = false;
	bool kind_ok = kind_valid(in->kind);
	if (!kind_ok)
		ctx_field(c, "kind", "类别应为 party（党务）、village（村务）或 finance（财务）");
	struct disc_period p;
	if (!in->period || !in->period[0]) {
		ctx_field(c, "period", "请填写公开的期间");
		return;
	}
	if (transparency_parse_period(in->period, &p)) {
		ctx_field(c, "period", "期间格式应为 2026-Q3（季度）、2026-10（月份）或 2026-10-15（重大事项的决定日期）");
		return;
	}
	if (kind_ok && p.type == DISC_MONTH && strcmp(in->kind, "finance"))
		ctx_field(c, "period", "党务、村务按季度公开（如 2026-Q3），重大事项填决定日期");
	int64_t today = time_cn_days(c->now);
	if (p.type == DISC_DATE && p.first > today)
		ctx_field(c, "period", "决定日期不能晚于今天");
	else if (p.first > today)
		ctx_field(c, "period", "不能公开尚未开始的期间");
	else if (p.last < today - 3660)
		ctx_field(c, "period", "期间太早（最多十年前）");
	*major = p.type == DISC_DATE;
	if (in->statement_id && (!kind_ok || strcmp(in->kind, "finance") || p.type != DISC_MONTH))
		ctx_field(c, "statement_id", "财务报表只能作为某月的财务公开");
}

static int refuse_write(struct ctx *c, const char *path, const char *name, const char *what)
{
	return access_refusal(c, path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "村不存在")
						       : ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以%s", name, what);
}

enum result transparency_publish(struct ctx *c, const struct disc_input *in, int64_t *id, bool *replayed)
{
	*replayed = false;
	*id = 0;
	bool major;
	check_text(c, in, true);
	check_period(c, in, &major);
	struct org_unit v;
	int rc = org_find(c, in->village_id, &v);
	bool unit_ok = false;
	if (rc == RC_NOT_FOUND)
		ctx_field(c, "village_id", "村不存在");
	else if (rc)
		return rc;
	else if (strcmp(v.kind, "village"))
		ctx_field(c, "village_id", "三务公开由村发布，请选择村");
	else
		unit_ok = true;
	if (unit_ok && !access_can(c, P_DISCLOSE_WRITE, v.path))
		return refuse_write(c, v.path, v.name, "发布三务公开");
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "disclosure", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		ctx_reset(c);
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	if ((rc = ctx_check_fields(c)))
		return ctx_end(c, rc);
	char *files = tr_join(c, in->files, in->nfiles > 0 ? in->nfiles : 0);
	if (!files)
		return ctx_end(c, ctx_fail(c, RC_INTERNAL, "内存不足"));
	struct db_args a = {0};
	db_args_int(&a, v.id);
	db_args_text(&a, in->kind);
	db_args_text(&a, in->category);
	db_args_text(&a, in->period);
	db_args_int(&a, major ? 1 : 0);
	db_args_text(&a, in->title);
	db_args_text(&a, in->body);
	db_args_text(&a, files);
	if (in->statement_id)
		db_args_int(&a, in->statement_id);
	else
		db_args_null(&a);
	db_args_int(&a, c->actor ? c->actor->user_id : 0);
	db_args_int(&a, c->now);
	db_args_int(&a, c->now);
	int dbrc = db_get_int_args(c->db, id, "INSERT INTO disclosures (village_id, kind, category, period, major, "
					      "version_no, title, body, attachments, statement_id, published_by, "
					      "published_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?) "
					      "RETURNING id", &a);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "发布公开事项"));
	if ((rc = add_version(c, *id, 1, in->category, in->title, in->body, files, "")))
		return ctx_end(c, rc);
	struct buf after;
	snap_item(&after, 1, in->category, in->title, in->body, files);
	audit_snap_str(&after, "kind", in->kind);
	audit_snap_str(&after, "period", in->period);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, v.id, "disclosure", *id, "publish", "{}", after.ptr);
	buf_release(&after);
	if (!rc) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)*id);
		rc = idem_store(c, "disclosure", in->idem, key);
	}
	return ctx_end(c, rc);
}

/* Loads an item for a change: 404 when the actor may not see it, 403 when they may
 * see it but not change it, 409 when it was withdrawn. */
static int load_for_change(struct ctx *c, int64_t id, struct disclosure *d, const char *what)
{
	int64_t mine;
	char vpath[ORG_PATH_MAX];
	tr_villager_village(c, &mine, vpath);
	int rc = load_item(c, id, d, mine);
	if (rc)
		return rc;
	if (!d->can_manage) {
		if (!d->full_names && (d->withdrawn_at || !access_touches(c, d->village_path)))
			return ctx_fail(c, RC_NOT_FOUND, "公开事项不存在");
		return ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以%s公开事项", d->village_name, what);
	}
	if (d->withdrawn_at)
		return ctx_fail(c, RC_CONFLICT, "公开事项已撤回，不能再%s", what);
	return RC_OK;
}

static int current_files(struct disclosure *d, const char **out)
{
	for (int i = 0; i < d->nfiles; i++)
		out[i] = d->files[i].hash;
	return d->nfiles;
}

enum result transparency_revise(struct ctx *c, int64_t id, const struct disc_input *in)
{
	check_text(c, in, false);
	ctx_check_text(c, "reason", in->reason, DISC_REASON_MAX, CTX_TEXT_REQUIRED, "修订理由");
	if (in->reason && in->reason[0] && tr_blank(in->reason))
		ctx_field(c, "reason", "修订理由不能为空");
	struct disclosure d;
	int rc = load_for_change(c, id, &d, "修订");
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	const char *old_files[DISC_FILES_MAX];
	int nold = current_files(&d, old_files);
	char *before_files = tr_join(c, old_files, nold);
	char *files = in->nfiles >= 0 ? tr_join(c, in->files, in->nfiles) : before_files;
	const char *category = in->category ? in->category : d.category;
	const char *title = in->title ? in->title : d.title;
	const char *body = in->body ? in->body : d.body;
	if (!files || !before_files)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if (!strcmp(category, d.category) && !strcmp(title, d.title) && !strcmp(body, d.body) &&
	    !strcmp(files, before_files))
		return ctx_fail(c, RC_INVALID, "内容没有变化，不需要修订");
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t version;
	int dbrc = db_get_int(c->db, &version, "UPDATE disclosures SET version_no = version_no + 1, category = ?, "
					       "title = ?, body = ?, attachments = ?, updated_at = ? WHERE id = ? "
					       "AND version_no = ? AND withdrawn_at IS NULL RETURNING version_no",
			      "ttttiii", category, title, body, files, c->now, id, (int64_t)d.version_no);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "公开事项刚被修订或撤回，请刷新后再试"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "修订公开事项"));
	if ((rc = add_version(c, id, (int)version, category, title, body, files, in->reason)))
		return ctx_end(c, rc);
	struct buf before, after;
	snap_item(&before, d.version_no, d.category, d.title, d.body, before_files);
	audit_snap_end(&before);
	snap_item(&after, (int)version, category, title, body, files);
	audit_snap_str(&after, "reason", in->reason);
	audit_snap_end(&after);
	rc = before.failed || after.failed
		     ? ctx_fail(c, RC_INTERNAL, "内存不足")
		     : audit_record(c, d.village_id, "disclosure", id, "revise", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result transparency_withdraw(struct ctx *c, int64_t id, const char *reason)
{
	ctx_check_text(c, "reason", reason, DISC_REASON_MAX, CTX_TEXT_REQUIRED, "撤回理由");
	if (reason && reason[0] && tr_blank(reason))
		ctx_field(c, "reason", "撤回理由不能为空");
	struct disclosure d;
	int rc = load_for_change(c, id, &d, "撤回");
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t got;
	int dbrc = db_get_int(c->db, &got, "UPDATE disclosures SET withdrawn_at = ?, withdrawn_by = ?, "
					   "withdraw_reason = ?, updated_at = ? WHERE id = ? AND withdrawn_at IS NULL "
					   "RETURNING id", "iitii", c->now, c->actor ? c->actor->user_id : 0, reason,
			      c->now, id);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "公开事项已撤回"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "撤回公开事项"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "version_no", d.version_no);
	audit_snap_str(&after, "title", d.title);
	audit_snap_str(&after, "reason", reason);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, d.village_id, "disclosure", id, "withdraw", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* ---- questions ---- */

enum result transparency_ask(struct ctx *c, int64_t id, const char *question, const struct idem *k,
			     int64_t *qid, bool *replayed)
{
	*qid = 0;
	*replayed = false;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	ctx_check_text(c, "question", question, DISC_QUESTION_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "问题");
	if (question && question[0] && tr_blank(question))
		ctx_field(c, "question", "问题不能为空");
	int64_t mine;
	char vpath[ORG_PATH_MAX];
	tr_villager_village(c, &mine, vpath);
	struct disclosure d;
	int rc = load_item(c, id, &d, mine);
	if (!rc)
		rc = check_visible(c, &d, 0);
	if (rc)
		return rc;
	if (!d.can_ask)
		return ctx_fail(c, RC_FORBIDDEN, "只有%s的村民可以对公开事项提问", d.village_name);
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "disclosure_question", k, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		ctx_reset(c);
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, qid) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	if ((rc = ctx_check_fields(c)))
		return ctx_end(c, rc);
	int dbrc = db_get_int(c->db, qid, "INSERT INTO disclosure_questions (disclosure_id, village_id, asked_by, question, "
					  "asked_at) VALUES (?, ?, ?, ?, ?) RETURNING id", "iiiti", id, d.village_id,
			      c->actor->user_id, question, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存提问"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "disclosure_id", id);
	audit_snap_str(&after, "question", question);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, d.village_id, "disclosure_question", *qid, "ask", "{}", after.ptr);
	buf_release(&after);
	if (!rc) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)*qid);
		rc = idem_store(c, "disclosure_question", k, key);
	}
	return ctx_end(c, rc);
}

enum result transparency_answer(struct ctx *c, int64_t qid, const char *answer)
{
	ctx_check_text(c, "answer", answer, DISC_ANSWER_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "答复");
	if (answer && answer[0] && tr_blank(answer))
		ctx_field(c, "answer", "答复不能为空");
	struct db_stmt *st = db_query(c->db, "SELECT v.id, v.name, v.path, q.answered_at IS NOT NULL, d.withdrawn_at IS NOT NULL "
					     "FROM disclosure_questions q JOIN disclosures d ON d.id = q.disclosure_id "
					     "JOIN org_units v ON v.id = q.village_id WHERE q.id = ?", "i", qid);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取提问");
	int dbrc = db_step(st);
	int64_t village = 0;
	char name[ORG_NAME_MAX * 4 + 1] = "", path[ORG_PATH_MAX] = "";
	bool answered = false;
	if (dbrc == DB_ROW) {
		village = db_col_int(st, 0);
		str_copy(name, sizeof(name), db_col_text(st, 1));
		str_copy(path, sizeof(path), db_col_text(st, 2));
		answered = db_col_int(st, 3) != 0;
	}
	db_finalize(st);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "提问不存在");
	if (dbrc != DB_ROW)
		return ctx_db_fail(c, dbrc, "读取提问");
	if (!access_can(c, P_DISCLOSE_WRITE, path))
		return access_refusal(c, path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "提问不存在")
							       : ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以答复", name);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (answered)
		return ctx_fail(c, RC_CONFLICT, "这个问题已经答复过了");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t got;
	dbrc = db_get_int(c->db, &got, "UPDATE disclosure_questions SET answer = ?, answered_by = ?, answered_at = ? "
				       "WHERE id = ? AND answered_at IS NULL RETURNING id",
			  "tiii", answer, c->actor ? c->actor->user_id : 0, c->now, qid);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "这个问题已经答复过了"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答复"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "answer", answer);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, village, "disclosure_question", qid, "answer", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result transparency_questions(struct ctx *c, int64_t unit_id, const char *status, int limit, int offset,
				   struct disc_question **out, int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	const char *s = status ? status : "all";
	const char *cond = !strcmp(s, "open")       ? " AND q.answered_at IS NULL"
			   : !strcmp(s, "answered") ? " AND q.answered_at IS NOT NULL"
			   : !strcmp(s, "all")      ? ""
						    : NULL;
	if (!cond)
		ctx_field(c, "status", "应为 open（待答复）、answered（已答复）或 all（全部）");
	struct org_unit u;
	int rc = tr_read_unit(c, unit_id, "unit_id", &u);
	if (rc && rc != RC_INVALID)
		return rc;
	if (!rc && !access_can(c, P_DISCLOSE_READ, u.path))
		return access_refusal(c, u.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "单位不存在")
								 : ctx_fail(c, RC_FORBIDDEN, "无权查看%s的提问", u.name);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct buf where;
	struct db_args a = {0};
	buf_init(&where, 2048);
	buf_adds(&where, "WHERE ");
	const char *paths[1] = {u.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &where, &a);
	buf_adds(&where, cond);
	char *count_sql = arena_printf(c->arena, "SELECT count(*) " Q_FROM "%s", where.ptr ? where.ptr : "");
	char *page_sql = arena_printf(c->arena, "SELECT " Q_COLS Q_FROM "%s ORDER BY (q.answered_at IS NULL) DESC, "
						"q.asked_at, q.id LIMIT ? OFFSET ?", where.ptr ? where.ptr : "");
	bool failed = where.failed || a.failed;
	buf_release(&where);
	if (failed || !count_sql || !page_sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int dbrc = db_get_int_args(c->db, total, count_sql, &a);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取提问");
	db_args_int(&a, limit);
	db_args_int(&a, offset);
	struct db_stmt *st = db_query_args(c->db, page_sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取提问");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit > 0 ? limit : 1));
	while (*out && *n < limit && db_step(st) == DB_ROW)
		read_question(c, st, &(*out)[(*n)++], true);
	db_finalize(st);
	return *out ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

/* ---- settings ---- */

static int read_county(struct ctx *c, int64_t county_id, struct org_unit *u)
{
	int rc = org_find(c, county_id, u);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(u->kind, "county")))
		return ctx_field(c, "county_id", "区县不存在");
	return rc;
}

enum result transparency_settings_get(struct ctx *c, int64_t county_id, struct disc_settings *out)
{
	memset(out, 0, sizeof(*out));
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct org_unit u;
	int rc = read_county(c, county_id, &u);
	if (rc)
		return rc;
	if (!access_touches(c, u.path) && !c->system)
		return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
	return tr_settings_of(c, u.path, out);
}

enum result transparency_settings_put(struct ctx *c, int64_t county_id, int major_days, const char *starts_on,
				      int nbusy, const int64_t *busy)
{
	struct org_unit u;
	int rc = read_county(c, county_id, &u);
	if (rc && rc != RC_INVALID)
		return rc;
	if (!rc && !access_can(c, P_DISCLOSE_ADMIN, u.path))
		return access_refusal(c, u.path) == RC_NOT_FOUND
			       ? ctx_fail(c, RC_NOT_FOUND, "区县不存在")
			       : ctx_fail(c, RC_FORBIDDEN, "只有区县管理员可以修改三务公开的时间要求");
	if (major_days != -1 && (major_days < 0 || major_days > DISC_MAJOR_DAYS_MAX))
		ctx_field(c, "major_days", "重大事项公开天数应在 0 到 %d 之间", DISC_MAJOR_DAYS_MAX);
	int64_t day;
	if (starts_on && time_parse_date(starts_on, &day))
		ctx_field(c, "starts_on", "开始日期格式应为 2026-01-01");
	if (nbusy > SETTINGS_BUSY_MAX)
		ctx_field(c, "busy_village_ids", "最多 %d 个村", SETTINGS_BUSY_MAX);
	for (int i = 0; !rc && i < nbusy && i < SETTINGS_BUSY_MAX; i++) {
		struct org_unit v;
		int vr = org_find(c, busy[i], &v);
		if (vr && vr != RC_NOT_FOUND)
			return vr;
		if (vr || strcmp(v.kind, "village") || strncmp(v.path, u.path, strlen(u.path))) {
			ctx_field(c, "busy_village_ids", "第 %d 个村不在本区县", i + 1);
			break;
		}
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct disc_settings old;
	if ((rc = tr_settings_of(c, u.path, &old)))
		return rc;
	int md = major_days >= 0 ? major_days : old.major_days;
	const char *so = starts_on ? starts_on : old.starts_on;
	if ((rc = ctx_begin(c)))
		return rc;
	struct db_args a = {0};
	db_args_int(&a, u.id);
	db_args_int(&a, md);
	db_args_text(&a, so);
	if (c->actor)
		db_args_int(&a, c->actor->user_id);
	else
		db_args_null(&a);   /* the command line */
	db_args_int(&a, c->now);
	int dbrc = db_run_args(c->db, "INSERT INTO disclosure_settings (county_id, major_days, starts_on, updated_by, "
				      "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (county_id) DO UPDATE SET "
				      "major_days = excluded.major_days, starts_on = excluded.starts_on, "
				      "updated_by = excluded.updated_by, updated_at = excluded.updated_at", &a);
	if (dbrc == DB_OK && nbusy >= 0) {
		dbrc = db_run(c->db, "DELETE FROM disclosure_busy_villages WHERE county_id = ?", "i", u.id);
		for (int i = 0; dbrc == DB_OK && i < nbusy; i++) {
			bool dup = false;
			for (int j = 0; j < i; j++)
				dup = dup || busy[j] == busy[i];
			if (!dup)
				dbrc = db_run(c->db, "INSERT INTO disclosure_busy_villages (village_id, county_id) VALUES (?, ?)",
					      "ii", busy[i], u.id);
		}
	}
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存公开设置"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_int(&before, "major_days", old.major_days);
	audit_snap_str(&before, "starts_on", old.starts_on);
	audit_snap_int(&before, "busy_villages", old.nbusy);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_int(&after, "major_days", md);
	audit_snap_str(&after, "starts_on", so);
	audit_snap_int(&after, "busy_villages", nbusy >= 0 ? nbusy : old.nbusy);
	audit_snap_end(&after);
	rc = before.failed || after.failed
		     ? ctx_fail(c, RC_INTERNAL, "内存不足")
		     : audit_record(c, u.id, "disclosure_settings", u.id, "update", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}
