/* Notices: publishing, revisions and withdrawal, read receipts and the awareness rate. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/published.h"
#include "domain/notices/notices.h"
#include "domain/register/register.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define PATH_IDS 8                          /* ids read from a unit's path */
#define SCOPES_MAX (2 * CTX_MAX_GRANTS)     /* the manager's grant paths */

/* An instant, or NULL for 0 (a bound parameter). */
static void qa_time(struct db_args *q, int64_t t)
{
	if (t)
		db_args_int(q, t);
	else
		db_args_null(q);
}

/* ---- units and scope ---- */

/* The ids of a path "/1/4/17/", root first; returns how many (at most PATH_IDS). */
static int path_ids(const char *path, int64_t ids[PATH_IDS])
{
	int n = 0;
	const char *s = path;
	while (*s == '/' && n < PATH_IDS) {
		const char *e = strchr(s + 1, '/');
		if (!e || e == s + 1 || num_parse_i64n(s + 1, (size_t)(e - s - 1), 1, INT64_MAX, &ids[n]))
			break;
		n++;
		s = e;
	}
	return n;
}

static bool covers(const char *outer, const char *inner)
{
	size_t n = strlen(outer);
	return n && !strncmp(inner, outer, n);
}

static bool related(const char *a, const char *b)
{
	return covers(a, b) || covers(b, a);
}

static bool target_kind(const char *kind)
{
	return !strcmp(kind, "village") || !strcmp(kind, "town") || !strcmp(kind, "county");
}

/* The actor's village when they are a villager with a household. */
static bool villager_village(struct ctx *c, char path[ORG_PATH_MAX])
{
	path[0] = 0;
	if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
		return false;
	struct db_stmt *st = db_query(c->db, "SELECT v.path FROM households h JOIN org_units v ON v.id = h.village_id "
					     "WHERE h.id = ?", "i", c->actor->household_id);
	bool found = st && db_step(st) == DB_ROW;
	if (found)
		str_copy(path, ORG_PATH_MAX, db_col_text(st, 0));
	db_finalize(st);
	return found && path[0];
}

/* The paths where the actor may read notices' figures (P_NOTICE_WRITE, P_AUDIT_READ). */
static int manager_scopes(const struct ctx *c, const char **paths)
{
	int n = access_scopes(c, P_NOTICE_WRITE, paths, CTX_MAX_GRANTS);
	return n + access_scopes(c, P_AUDIT_READ, paths + n, CTX_MAX_GRANTS);
}

static bool can_read_unit(const struct ctx *c, const char *path)
{
	return access_can(c, P_NOTICE_WRITE, path) || access_can(c, P_AUDIT_READ, path);
}

/* True when the actor manages some unit related to the notice's unit. */
static bool manager_of(const struct ctx *c, const char *target_path)
{
	const char *paths[SCOPES_MAX];
	int n = manager_scopes(c, paths);
	for (int i = 0; i < n; i++)
		if (related(paths[i], target_path))
			return true;
	return false;
}

/* A village, town or county to send to or measure in: RC_INVALID with the error on
 * unit_id (wrong_kind when it is another kind of unit), or a database error. */
static int target_unit(struct ctx *c, int64_t unit_id, const char *wrong_kind, struct org_unit *u)
{
	int rc = org_find(c, unit_id, u);
	if (rc == RC_NOT_FOUND)
		return ctx_field(c, "unit_id", "单位不存在");
	if (rc)
		return rc;
	return target_kind(u->kind) ? RC_OK : ctx_field(c, "unit_id", "%s", wrong_kind);
}

/* The unit of a path cut to the village level (county, town, village). */
static int unit_of_path(struct ctx *c, const char *path, struct org_unit *out)
{
	int64_t ids[PATH_IDS];
	int n = path_ids(path, ids);
	if (n == 0)
		return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
	return org_get(c, ids[n > 3 ? 2 : n - 1], out);
}

/* Where a manager measures the notice n: the unit asked for (in their scope and related
 * to the notice), or the notice's unit when a grant covers it, or the first grant's
 * unit inside it. The deeper of the two is taken. */
static int measure_unit(struct ctx *c, const struct notice *n, int64_t unit_id, struct org_unit *m)
{
	struct org_unit target = {.id = n->unit_id};
	str_copy(target.name, sizeof(target.name), n->unit_name);
	str_copy(target.kind, sizeof(target.kind), n->unit_kind);
	str_copy(target.path, sizeof(target.path), n->unit_path);
	if (unit_id) {
		struct org_unit x;
		int rc = target_unit(c, unit_id, "请选择村、乡镇或区县", &x);
		if (rc)
			return rc;
		if (!can_read_unit(c, x.path))
			return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的通知情况", x.name);
		if (!related(x.path, target.path))
			return ctx_field(c, "unit_id", "%s不在这条通知的范围内", x.name);
		*m = strlen(x.path) >= strlen(target.path) ? x : target;
		return RC_OK;
	}
	const char *paths[SCOPES_MAX];
	int k = manager_scopes(c, paths);
	for (int i = 0; i < k; i++) {
		if (covers(paths[i], target.path)) {
			*m = target;
			return RC_OK;
		}
	}
	for (int i = 0; i < k; i++)
		if (covers(target.path, paths[i]))
			return unit_of_path(c, paths[i], m);
	return ctx_fail(c, RC_NOT_FOUND, "通知不存在");
}

/* Households of a unit (cached for the units a list measures in). */
struct hh_cache {
	int n;
	int64_t unit[8], count[8];
};

static int unit_households(struct ctx *c, const struct org_unit *u, struct hh_cache *cache, int64_t *count)
{
	for (int i = 0; cache && i < cache->n; i++) {
		if (cache->unit[i] == u->id) {
			*count = cache->count[i];
			return RC_OK;
		}
	}
	char *like = arena_printf(c->arena, "%s%%", u->path);
	if (!like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int dbrc = db_get_int(c->db, count, "SELECT count(*) FROM households h JOIN org_units v ON v.id = h.village_id "
					    "WHERE v.path LIKE ?", "t", like);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "统计农户");
	if (cache && cache->n < (int)ARRAY_SIZE(cache->unit)) {
		cache->unit[cache->n] = u->id;
		cache->count[cache->n++] = *count;
	}
	return RC_OK;
}

static int measure(struct ctx *c, int64_t notice_id, const struct org_unit *m, struct hh_cache *cache,
		   struct notice_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->unit_id = m->id;
	str_copy(s->unit_name, sizeof(s->unit_name), m->name);
	int rc = unit_households(c, m, cache, &s->households);
	if (rc)
		return rc;
	char *like = arena_printf(c->arena, "%s%%", m->path);
	struct db_stmt *st = like ? db_query(c->db, "SELECT count(DISTINCT r.household_id), count(*) FROM notice_reads r "
						   "JOIN households h ON h.id = r.household_id "
						   "JOIN org_units v ON v.id = h.village_id "
						   "WHERE r.notice_id = ? AND v.path LIKE ?", "it", notice_id, like)
				   : NULL;
	int dbrc = st ? db_step(st) : DB_ERROR;
	if (dbrc == DB_ROW) {
		s->read_households = db_col_int(st, 0);
		s->readers = db_col_int(st, 1);
	}
	db_finalize(st);
	return dbrc == DB_ROW ? RC_OK : ctx_db_fail(c, dbrc, "统计已读");
}

/* ---- reading notices ---- */

#define N_COLS                                                                                       \
	"n.id, n.unit_id, u.name, u.kind, u.path, n.version_no, n.title, n.body, n.importance, "    \
	"COALESCE(n.ends_at, 0), n.published_by, COALESCE(p.name, ''), n.published_at, n.updated_at, " \
	"COALESCE(n.withdrawn_at, 0), COALESCE(n.withdrawn_by, 0), COALESCE(w.name, ''), "          \
	"COALESCE(n.withdraw_reason, ''), COALESCE(r.read_at, 0), COALESCE(r.version_read, 0) "
/* r is the receipt of the user bound first (0 = none) */
#define N_FROM                                                                                       \
	"FROM notices n JOIN org_units u ON u.id = n.unit_id "                                        \
	"LEFT JOIN users p ON p.id = n.published_by LEFT JOIN users w ON w.id = n.withdrawn_by "       \
	"LEFT JOIN notice_reads r ON r.notice_id = n.id AND r.user_id = ? "

static const char *status_of(int64_t now, int64_t withdrawn_at, int64_t ends_at)
{
	return withdrawn_at ? "withdrawn" : ends_at && ends_at <= now ? "ended" : "current";
}

static const char *summary_of(struct ctx *c, const char *body)
{
	char s[NOTICE_SUMMARY_MAX * 4 + 1];
	utf8_prefix(s, sizeof(s), body, NOTICE_SUMMARY_MAX);
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return arena_strdup(c->arena, s);
}

static void read_notice(struct ctx *c, struct db_stmt *st, struct notice *n, const char *villager_path)
{
	memset(n, 0, sizeof(*n));
	n->id = db_col_int(st, 0);
	n->unit_id = db_col_int(st, 1);
	str_copy(n->unit_name, sizeof(n->unit_name), db_col_text(st, 2));
	str_copy(n->unit_kind, sizeof(n->unit_kind), db_col_text(st, 3));
	str_copy(n->unit_path, sizeof(n->unit_path), db_col_text(st, 4));
	n->version_no = (int)db_col_int(st, 5);
	n->title = arena_strdup(c->arena, db_col_text(st, 6));
	n->body = arena_strdup(c->arena, db_col_text(st, 7));
	n->importance = arena_strdup(c->arena, db_col_text(st, 8));
	n->ends_at = db_col_int(st, 9);
	n->published_by = db_col_int(st, 10);
	n->published_by_name = arena_strdup(c->arena, db_col_text(st, 11));
	n->published_at = db_col_int(st, 12);
	n->updated_at = db_col_int(st, 13);
	n->withdrawn_at = db_col_int(st, 14);
	n->withdrawn_by = db_col_int(st, 15);
	n->withdrawn_by_name = arena_strdup(c->arena, db_col_text(st, 16));
	n->withdraw_reason = arena_strdup(c->arena, db_col_text(st, 17));
	n->read_at = db_col_int(st, 18);
	n->version_read = (int)db_col_int(st, 19);
	n->summary = summary_of(c, n->body ? n->body : "");
	n->status = status_of(c->now, n->withdrawn_at, n->ends_at);
	n->can_manage = access_can(c, P_NOTICE_WRITE, n->unit_path);
	n->villager = villager_path && villager_path[0] && covers(n->unit_path, villager_path);
}

/* Loads a notice without access checks. */
static int load_notice(struct ctx *c, int64_t id, struct notice *n, const char *villager_path)
{
	struct db_stmt *st = db_query(c->db, "SELECT " N_COLS N_FROM "WHERE n.id = ?", "ii", ctx_actor_id(c), id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取通知");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_notice(c, st, n, villager_path);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "通知不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取通知");
	if (!n->title || !n->body || !n->summary)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return RC_OK;
}

static int load_versions(struct ctx *c, struct notice *n)
{
	int cap = n->version_no < NOTICE_VERSIONS_MAX ? n->version_no : NOTICE_VERSIONS_MAX;
	n->nversions = 0;
	n->versions = arena_alloc(c->arena, sizeof(*n->versions) * (size_t)(cap > 0 ? cap : 1));
	if (!n->versions)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT x.version_no, x.title, x.body, x.importance, x.reason, "
					     "COALESCE(u.name, ''), COALESCE(x.ends_at, 0), x.created_at "
					     "FROM notice_versions x LEFT JOIN users u ON u.id = x.created_by "
					     "WHERE x.notice_id = ? ORDER BY x.version_no DESC LIMIT ?",
				      "ii", n->id, (int64_t)cap);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取通知历史");
	int rc;
	while (n->nversions < cap && (rc = db_step(st)) == DB_ROW) {
		struct notice_version *v = &n->versions[n->nversions++];
		v->version_no = (int)db_col_int(st, 0);
		v->title = arena_strdup(c->arena, db_col_text(st, 1));
		v->body = arena_strdup(c->arena, db_col_text(st, 2));
		v->importance = arena_strdup(c->arena, db_col_text(st, 3));
		v->reason = arena_strdup(c->arena, db_col_text(st, 4));
		v->created_by_name = arena_strdup(c->arena, db_col_text(st, 5));
		v->ends_at = db_col_int(st, 6);
		v->created_at = db_col_int(st, 7);
		if (!v->title || !v->body || !v->importance || !v->reason || !v->created_by_name) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	db_finalize(st);
	return RC_OK;
}

enum result notices_get(struct ctx *c, int64_t id, int64_t measure_at, struct notice *out)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	char vpath[ORG_PATH_MAX];
	villager_village(c, vpath);
	int rc = load_notice(c, id, out, vpath);
	if (rc)
		return rc;
	bool manager = manager_of(c, out->unit_path);
	if (!manager && !out->villager)
		return ctx_fail(c, RC_NOT_FOUND, "通知不存在");
	if (manager || measure_at) {
		struct org_unit m;
		if ((rc = measure_unit(c, out, measure_at, &m)) ||
		    (rc = measure(c, out->id, &m, NULL, &out->stats)))
			return rc;
		out->has_stats = true;
	}
	return load_versions(c, out);
}

static bool status_valid(const char *s)
{
	return !strcmp(s, "current") || !strcmp(s, "ended") || !strcmp(s, "withdrawn") || !strcmp(s, "all");
}

/* The condition of a status filter; binds now where it needs it. */
static const char *status_where(const char *status, struct db_args *q, int64_t now)
{
	if (!strcmp(status, "current")) {
		db_args_int(q, now);
		return "n.withdrawn_at IS NULL AND (n.ends_at IS NULL OR n.ends_at > ?)";
	}
	if (!strcmp(status, "ended")) {
		db_args_int(q, now);
		return "n.withdrawn_at IS NULL AND n.ends_at <= ?";
	}
	if (!strcmp(status, "withdrawn"))
		return "n.withdrawn_at IS NOT NULL";
	return "1 = 1";
}

enum result notices_list(struct ctx *c, const struct notice_query *q, struct notice **out, int *n,
		 int64_t *total, int64_t *unread)
{
	*n = 0;
	*total = 0;
	*unread = 0;
	*out = NULL;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	bool manager = q->unit_id != 0;
	const char *status = q->status ? q->status : manager ? "all" : "current";
	if (!status_valid(status))
		ctx_field(c, "status", "应为 current（当前）、ended（已过期）、withdrawn（已撤回）或 all（全部）");
	char vpath[ORG_PATH_MAX];
	bool villager = villager_village(c, vpath);
	struct org_unit x = {0};
	if (manager) {
		int rc = target_unit(c, q->unit_id, "请选择村、乡镇或区县", &x);
		if (rc)
			return rc;
		if (ctx_check_fields(c))
			return RC_INVALID;
		if (!can_read_unit(c, x.path))
			return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的通知", x.name);
	} else if (!villager) {
		return ctx_field(c, "unit_id", "必填");
	}
	if (ctx_check_fields(c))
		return RC_INVALID;

	/* the units: the one asked for (or the villager's village) and those above it, and
	 * for a manager those below it too */
	int64_t ids[PATH_IDS] = {0};
	path_ids(manager ? x.path : vpath, ids);
	struct db_args where_args = {0};
	const char *scope_sql;
	for (int i = 0; i < 4; i++)
		db_args_int(&where_args, ids[i]);
	if (manager) {
		char *like = arena_printf(c->arena, "%s%%", x.path);
		if (!like)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		db_args_text(&where_args, like);
		scope_sql = "(n.unit_id IN (?, ?, ?, ?) OR u.path LIKE ?)";
	} else {
		scope_sql = "n.unit_id IN (?, ?, ?, ?)";
	}
	const char *status_sql = status_where(status, &where_args, c->now);
	char *where = arena_printf(c->arena, "WHERE %s AND %s ", scope_sql, status_sql);
	char *count_sql = arena_printf(c->arena, "SELECT count(*) FROM notices n JOIN org_units u ON u.id = n.unit_id %s",
				       where ? where : "");
	char *page_sql = arena_printf(c->arena, "SELECT " N_COLS N_FROM "%s ORDER BY n.published_at DESC, n.id DESC "
						"LIMIT ? OFFSET ?", where ? where : "");
	if (!where || !count_sql || !page_sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int dbrc = db_get_int_args(c->db, total, count_sql, &where_args);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取通知");

	struct db_args page_args = {0};
	db_args_int(&page_args, ctx_actor_id(c));
	db_args_add(&page_args, &where_args);
	db_args_int(&page_args, q->limit);
	db_args_int(&page_args, q->offset);
	struct db_stmt *st = db_query_args(c->db, page_sql, &page_args);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取通知");
	int cap = q->limit > 0 ? q->limit : 1;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)cap);
	while (*out && *n < q->limit && (dbrc = db_step(st)) == DB_ROW)
		read_notice(c, st, &(*out)[(*n)++], vpath);
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if (dbrc == DB_ERROR || dbrc == DB_BUSY)
		return ctx_db_fail(c, dbrc, "读取通知");

	if (manager) {
		struct hh_cache cache = {0};
		for (int i = 0; i < *n; i++) {
			struct notice *it = &(*out)[i];
			struct org_unit m;
			if (strlen(x.path) >= strlen(it->unit_path)) {
				m = x;
			} else {
				memset(&m, 0, sizeof(m));
				m.id = it->unit_id;
				str_copy(m.name, sizeof(m.name), it->unit_name);
				str_copy(m.path, sizeof(m.path), it->unit_path);
			}
			int rc = measure(c, it->id, &m, &cache, &it->stats);
			if (rc)
				return rc;
			it->has_stats = true;
		}
	} else {
		struct db_args ua = {0};
		for (int i = 0; i < 4; i++)
			db_args_int(&ua, ids[i]);
		db_args_int(&ua, c->now);
		db_args_int(&ua, ctx_actor_id(c));
		dbrc = db_get_int_args(c->db, unread, "SELECT count(*) FROM notices n WHERE n.unit_id IN (?, ?, ?, ?) "
					     "AND n.withdrawn_at IS NULL AND (n.ends_at IS NULL OR n.ends_at > ?) "
					     "AND NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id "
					     "AND r.user_id = ?)", &ua);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "读取通知");
	}
	return RC_OK;
}

enum result notices_unread(struct ctx *c, int64_t id, int64_t measure_at, int limit, int offset,
		   struct notice_household **out, int *n, int64_t *total, struct notice_stats *stats)
{
	*n = 0;
	*total = 0;
	*out = NULL;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	char vpath[ORG_PATH_MAX];
	villager_village(c, vpath);
	struct notice nt;
	int rc = load_notice(c, id, &nt, vpath);
	if (rc)
		return rc;
	if (!manager_of(c, nt.unit_path))
		return nt.villager ? ctx_fail(c, RC_FORBIDDEN, "只有村干部可以查看未读农户")
				   : ctx_fail(c, RC_NOT_FOUND, "通知不存在");
	struct org_unit m;
	if ((rc = measure_unit(c, &nt, measure_at, &m)))
		return rc;
	if (!access_can(c, P_REGISTER_READ, m.path))
		return ctx_fail(c, access_refusal(c, m.path), "无权查看%s的农户", m.name);
	if ((rc = measure(c, nt.id, &m, NULL, stats)))
		return rc;
	char *like = arena_printf(c->arena, "%s%%", m.path);
	if (!like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
#define UNREAD_FROM                                                                                  \
	"FROM households h JOIN org_units v ON v.id = h.village_id LEFT JOIN org_units g ON g.id = h.group_id " \
	"WHERE v.path LIKE ? AND NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = ? "     \
	"AND r.household_id = h.id) "
	int dbrc = db_get_int(c->db, total, "SELECT count(*) " UNREAD_FROM, "ti", like, id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取未读农户");
	struct db_stmt *st = db_query(
		c->db,
		"SELECT h.id, h.number, v.name, COALESCE(g.name, ''), h.address, "
		PEOPLE_HEAD_NAME("h.id") ", " PEOPLE_HEAD_PHONE("h.id") " "
		UNREAD_FROM "ORDER BY v.id, h.number, h.id LIMIT ? OFFSET ?",
		"tiii", like, id, (int64_t)limit, (int64_t)offset);
#undef UNREAD_FROM
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取未读农户");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit > 0 ? limit : 1));
	while (*out && *n < limit && (dbrc = db_step(st)) == DB_ROW) {
		struct notice_household *h = &(*out)[(*n)++];
		h->household_id = db_col_int(st, 0);
		h->number = arena_strdup(c->arena, db_col_text(st, 1));
		h->village_name = arena_strdup(c->arena, db_col_text(st, 2));
		h->group_name = arena_strdup(c->arena, db_col_text(st, 3));
		h->address = arena_strdup(c->arena, db_col_text(st, 4));
		h->head_name = arena_strdup(c->arena, db_col_text(st, 5));
		h->phone = arena_strdup(c->arena, db_col_text(st, 6));
		if (!h->number || !h->village_name || !h->group_name || !h->address || !h->head_name || !h->phone) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return dbrc == DB_ERROR || dbrc == DB_BUSY ? ctx_db_fail(c, dbrc, "读取未读农户") : RC_OK;
}

/* ---- writing ---- */

/* Checks the fields present (all of them on publish); *ends_at is the first instant
 * after the last day, 0 for none. */
static void check_input(struct ctx *c, const struct notice_input *in, bool create, int64_t *ends_at)
{
	*ends_at = 0;
	if (create || in->title)
		ctx_check_text(c, "title", in->title, NOTICE_TITLE_MAX, CTX_TEXT_REQUIRED, "标题");
	if (create || in->body)
		ctx_check_text(c, "body", in->body, NOTICE_BODY_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE,
			       "正文");
	if (in->importance && strcmp(in->importance, "normal") && strcmp(in->importance, "important"))
		ctx_field(c, "importance", "重要程度应为 normal（一般）或 important（重要）");
	if (in->ends_on && in->ends_on[0]) {
		int64_t days, today = time_cn_days(c->now);
		if (time_parse_date(in->ends_on, &days))
			ctx_field(c, "ends_on", "截止日期格式应为 2026-11-30");
		else if (days < today)
			ctx_field(c, "ends_on", "截止日期不能早于今天");
		else if (days > today + NOTICE_ENDS_MAX_DAYS)
			ctx_field(c, "ends_on", "截止日期最晚为两年以后");
		else
			*ends_at = time_cn_midnight(days + 1);
	}
}

void notices_ends_on(int64_t ends_at, char out[11])
{
	if (ends_at)
		time_format_date(ends_at - 1, out);
	else
		out[0] = 0;
}

/* What a version holds (ends_at 0: no end). */
struct version {
	const char *title, *body, *importance;
	int64_t ends_at;
};

static void bind_version(struct db_args *a, const void *values)
{
	const struct version *v = values;
	db_args_text(a, v->title);
	db_args_text(a, v->body);
	db_args_text(a, v->importance);
	qa_time(a, v->ends_at);
}

static void snap_version(struct buf *b, int version_no, const void *values)
{
	const struct version *v = values;
	char ends[11];
	notices_ends_on(v->ends_at, ends);
	audit_snap_begin(b);
	audit_snap_int(b, "version_no", version_no);
	audit_snap_str(b, "title", v->title);
	audit_snap_str(b, "importance", v->importance);
	audit_snap_str(b, "ends_on", ends[0] ? ends : NULL);
	audit_snap_str(b, "body", v->body);
}

static const char *const version_fields[] = {"title", "body", "importance", "ends_at", NULL};

static const struct pub_doc doc = {
	.table = "notices", .versions = "notice_versions", .version_key = "notice_id", .fields = version_fields,
	.audit_type = "notice", .noun = "通知", .this_one = "这条通知", .bind = bind_version, .snap = snap_version,
};

/* Inserts a notice with its first version and the audit entry, in the caller's
 * transaction. */
static int insert_notice(struct ctx *c, const struct org_unit *u, const struct version *v, int64_t author, int64_t at,
			 int64_t *id)
{
	struct db_args a = {0};
	db_args_int(&a, u->id);
	bind_version(&a, v);
	db_args_int(&a, author);
	db_args_int(&a, at);
	db_args_int(&a, at);
	int dbrc = db_get_int_args(c->db, id, "INSERT INTO notices (unit_id, version_no, title, body, importance, ends_at, "
				     "published_by, published_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?) "
				     "RETURNING id", &a);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "发布通知");
	int rc = pub_add_version(c, &doc, *id, 1, v, "", author, at);
	if (rc)
		return rc;
	struct buf after;
	snap_version(&after, 1, v);
	audit_snap_int(&after, "unit_id", u->id);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, org_chain_unit(u), "notice", *id, "publish", "{}", after.ptr);
	buf_release(&after);
	return rc;
}

enum result notices_publish(struct ctx *c, const struct notice_input *in, int64_t *id)
{
	int64_t ends_at;
	check_input(c, in, true, &ends_at);
	struct org_unit u;
	int rc = target_unit(c, in->unit_id, "通知只能发给村、乡镇或区县", &u);
	if (rc && rc != RC_INVALID)
		return rc;
	bool unit_ok = rc == RC_OK;
	if (unit_ok && !access_can(c, P_NOTICE_WRITE, u.path))
		return ctx_fail(c, RC_FORBIDDEN, "无权向%s发布通知", u.name);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "notice", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	struct version v = {in->title, in->body, in->importance ? in->importance : "normal", ends_at};
	rc = insert_notice(c, &u, &v, c->actor->user_id, c->now, id);
	if (!rc) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
		rc = idem_store(c, "notice", in->idem, idtext);
	}
	return ctx_end(c, rc);
}

/* Loads a notice for a change: 404 when the actor may not see it, 403 when they may
 * see it but not change it, 409 when it was withdrawn. */
static int load_for_change(struct ctx *c, int64_t id, struct notice *n, const char *what)
{
	char vpath[ORG_PATH_MAX];
	villager_village(c, vpath);
	int rc = load_notice(c, id, n, vpath);
	if (rc)
		return rc;
	bool visible = n->villager || manager_of(c, n->unit_path);
	return pub_may_change(c, &doc, n->can_manage, visible, n->withdrawn_at, n->unit_name, what);
}

/* The unit whose audit chain holds the notice's entries. */
static int64_t chain_unit(const struct notice *n)
{
	struct org_unit u = {.id = n->unit_id};
	str_copy(u.kind, sizeof(u.kind), n->unit_kind);
	return org_chain_unit(&u);
}

enum result notices_revise(struct ctx *c, int64_t id, const struct notice_input *in)
{
	int64_t ends_at;
	check_input(c, in, false, &ends_at);
	ctx_check_text(c, "reason", in->reason, NOTICE_REASON_MAX, CTX_TEXT_REQUIRED, "修订理由");
	struct notice n;
	int rc = load_for_change(c, id, &n, "修订");
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct version before = {n.title, n.body, n.importance, n.ends_at};
	struct version after = {
		.title = in->title ? in->title : n.title,
		.body = in->body ? in->body : n.body,
		.importance = in->importance ? in->importance : n.importance,
		.ends_at = in->ends_on ? ends_at : n.ends_at,
	};
	if (!strcmp(after.title, before.title) && !strcmp(after.body, before.body) &&
	    !strcmp(after.importance, before.importance) && after.ends_at == before.ends_at)
		return ctx_fail(c, RC_INVALID, "内容没有变化，不需要修订");
	if ((rc = ctx_begin(c)))
		return rc;
	return ctx_end(c, pub_revise(c, &doc, id, chain_unit(&n), n.version_no, &before, &after,
				     in->reason ? in->reason : "", c->actor ? c->actor->user_id : n.published_by, c->now));
}

enum result notices_withdraw(struct ctx *c, int64_t id, const char *reason)
{
	ctx_check_text(c, "reason", reason, NOTICE_REASON_MAX, CTX_TEXT_REQUIRED, "撤回理由");
	struct notice n;
	int rc = load_for_change(c, id, &n, "撤回");
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	return pub_withdraw(c, &doc, id, chain_unit(&n), n.version_no, n.title, reason);
}

enum result notices_read(struct ctx *c, int64_t id, bool *first, int64_t *read_at)
{
	*first = false;
	*read_at = 0;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	char vpath[ORG_PATH_MAX];
	villager_village(c, vpath);
	struct notice n;
	int rc = load_notice(c, id, &n, vpath);
	if (rc)
		return rc;
	if (!n.villager)
		return manager_of(c, n.unit_path) ? ctx_fail(c, RC_FORBIDDEN, "只有通知范围内的村民记录已读")
						  : ctx_fail(c, RC_NOT_FOUND, "通知不存在");
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t got;
	int dbrc = db_get_int(c->db, &got, "INSERT INTO notice_reads (notice_id, user_id, household_id, version_read, "
					   "read_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (notice_id, user_id) DO NOTHING "
					   "RETURNING read_at",
			      "iiiii", id, c->actor->user_id, c->actor->household_id, (int64_t)n.version_no, c->now);
	if (dbrc == DB_OK) {
		*first = true;
		*read_at = got;
	} else if (dbrc == DB_DONE) {
		/* read before: remember the latest version seen */
		dbrc = db_run(c->db, "UPDATE notice_reads SET version_read = ? WHERE notice_id = ? AND user_id = ? "
				     "AND version_read < ?", "iiii", (int64_t)n.version_no, id, c->actor->user_id,
			      (int64_t)n.version_no);
		if (dbrc == DB_OK)
			dbrc = db_get_int(c->db, read_at, "SELECT read_at FROM notice_reads WHERE notice_id = ? "
							  "AND user_id = ?", "ii", id, c->actor->user_id);
	}
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "记录已读"));
	return ctx_end(c, RC_OK);
}

/* ---- seeding (the demo generator) ---- */

/* The demo's author in a village: its cadre, else whoever publishes above it. */
static int demo_author(struct ctx *c, const struct org_unit *v, int64_t *author)
{
	int64_t ids[PATH_IDS];
	int n = path_ids(v->path, ids);
	*author = 0;
	int dbrc = db_get_int(c->db, author, "SELECT user_id FROM role_grants WHERE role = 'cadre' AND unit_id = ? "
					     "ORDER BY id LIMIT 1", "i", v->id);
	for (int i = n - 2; dbrc == DB_DONE && i >= 0; i--)
		dbrc = db_get_int(c->db, author, "SELECT user_id FROM role_grants WHERE role IN ('town_official', "
						 "'county_admin') AND unit_id = ? ORDER BY id LIMIT 1", "i", ids[i]);
	if (dbrc != DB_OK)
		return ctx_fail(c, RC_INTERNAL, "演示数据：%s没有可以发布通知的账号", v->name);
	return RC_OK;
}

enum result notices_seed(struct ctx *c, int64_t village_id, int64_t author_id, const struct notice_seed *seeds, size_t nseeds)
{
	struct org_unit v;
	int rc = org_get(c, village_id, &v);
	if (rc)
		return rc;
	if (!author_id && (rc = demo_author(c, &v, &author_id)))
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	for (size_t i = 0; !rc && i < nseeds; i++) {
		const struct notice_seed *d = &seeds[i];
		int64_t at = c->now - (int64_t)d->days_ago * 86400 - 3600 * (int64_t)(i + 1);
		int64_t ends = d->ends_in_days ? time_cn_midnight(time_cn_days(c->now) + d->ends_in_days + 1) : 0;
		char *body = arena_printf(c->arena, "%s\n%s村民委员会", d->body, v.name);
		int64_t id = 0;
		if (!body)
			rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		struct version first = {d->title, body, d->importance, ends};
		if (!rc)
			rc = insert_notice(c, &v, &first, author_id, at, &id);
		if (!rc && d->revise_reason) {
			struct version after = first;
			after.body = arena_printf(c->arena, "%s\n%s村民委员会", d->revised_body, v.name);
			if (after.body)
				rc = pub_revise(c, &doc, id, org_chain_unit(&v), 1, &first, &after, d->revise_reason,
						author_id, c->now - (int64_t)d->revised_days_ago * 86400);
			else
				rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	return ctx_end(c, rc);
}
