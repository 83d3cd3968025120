/* Disclosures 三务公开: publishing, revisions and withdrawal, reading (villagers, staff,
 * the public page) and attachments. Villagers' questions are in questions.c, the
 * county's schedule settings in settings.c, the helpers the feature shares in common.c. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/published.h"
#include "domain/kernel/scope.h"
#include "domain/transparency/internal.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

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

int tr_load_item(struct ctx *c, int64_t id, struct disclosure *d, int64_t my_village)
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


int tr_check_visible(struct ctx *c, const struct disclosure *d, int64_t public_village)
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
	int rc = tr_load_item(c, id, out, mine);
	if (!rc)
		rc = tr_check_visible(c, out, public_village);
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
	return tr_load_questions(c, out);
}

enum result transparency_file(struct ctx *c, int64_t id, int n, int64_t public_village, char mime[16],
			      const void **data, size_t *len)
{
	struct disclosure d;
	int64_t mine = 0;
	char vpath[ORG_PATH_MAX];
	if (!public_village)
		tr_villager_village(c, &mine, vpath);
	int rc = tr_load_item(c, id, &d, mine);
	if (!rc)
		rc = tr_check_visible(c, &d, public_village);
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

/* A version: texts in the order of version_fields (attachments "h1,h2"), which is
 * also that of its audit snapshot. */
enum { V_CATEGORY, V_TITLE, V_FILES, V_BODY, V_N };
static const char *const version_fields[] = {"category", "title", "attachments", "body", NULL};

static const struct pub_doc doc = {
	.table = "disclosures", .versions = "disclosure_versions", .version_key = "disclosure_id",
	.fields = version_fields, .audit_type = "disclosure", .noun = "公开事项", .this_one = "公开事项",
};

/* Checks the text fields present (all of them on publish). */
static void check_text(struct ctx *c, const struct disc_input *in, bool create)
{
	if (create || in->category)
		ctx_check_text(c, "category", in->category, DISC_CATEGORY_MAX, CTX_TEXT_REQUIRED, "分类");
	if (create || in->title)
		ctx_check_text(c, "title", in->title, DISC_TITLE_MAX, CTX_TEXT_REQUIRED, "标题");
	if (create || in->body)
		ctx_check_text(c, "body", in->body, DISC_BODY_MAX,
			       CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "正文");
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
	db_args_int(&a, ctx_actor_id(c));
	db_args_int(&a, c->now);
	db_args_int(&a, c->now);
	int dbrc = db_get_int_args(c->db, id, "INSERT INTO disclosures (village_id, kind, category, period, major, "
					      "version_no, title, body, attachments, statement_id, published_by, "
					      "published_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?) "
					      "RETURNING id", &a);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "发布公开事项"));
	const char *first[V_N] = {in->category, in->title, files, in->body};
	if ((rc = pub_add_version(c, &doc, *id, 1, first, "", ctx_actor_id(c), c->now)))
		return ctx_end(c, rc);
	struct buf after;
	pub_snap(&doc, &after, 1, first);
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
	int rc = tr_load_item(c, id, d, mine);
	if (rc)
		return rc;
	bool visible = d->full_names || (!d->withdrawn_at && access_touches(c, d->village_path));
	return pub_may_change(c, &doc, d->can_manage, visible, d->withdrawn_at, d->village_name, what);
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
	struct disclosure d;
	int rc = load_for_change(c, id, &d, "修订");
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	const char *old_files[DISC_FILES_MAX];
	int nold = current_files(&d, old_files);
	const char *before[V_N] = {d.category, d.title, tr_join(c, old_files, nold), d.body};
	char *files = in->nfiles >= 0 ? tr_join(c, in->files, in->nfiles) : NULL;
	if (!before[V_FILES] || (in->nfiles >= 0 && !files))
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	const char *after[V_N] = {in->category, in->title, files, in->body};
	return pub_revise_texts(c, &doc, id, d.village_id, d.version_no, before, after, in->reason);
}

enum result transparency_withdraw(struct ctx *c, int64_t id, const char *reason)
{
	ctx_check_text(c, "reason", reason, DISC_REASON_MAX, CTX_TEXT_REQUIRED, "撤回理由");
	struct disclosure d;
	int rc = load_for_change(c, id, &d, "撤回");
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	return pub_withdraw(c, &doc, id, d.village_id, d.version_no, d.title, reason);
}
