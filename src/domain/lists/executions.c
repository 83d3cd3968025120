/* Execution records 执行记录: starting one (who may, for which items), completing its
 * steps in order by the roles the item names, the working-day deadlines, closing it
 * with an outcome, and reading records within the actor's scope. */
#include "domain/kernel/calendar.h"
#include "domain/kernel/files.h"
#include "domain/kernel/idem.h"
#include "domain/kernel/scope.h"
#include "domain/lists/internal.h"
#include "domain/register/register.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/num.h"

/* ---- who sees what ---- */

/* A grant path below the village level (a group or grid): "/county/town/village/x/". */
static bool below_village(const char *path)
{
	int slashes = 0;
	for (const char *p = path; *p; p++)
		slashes += *p == '/';
	return slashes > 4;
}

/* "The actor may read record x" as SQL over list_executions x joined with its village v,
 * its arguments appended: P_LIST_READ grants covering the village (or, for grants on a
 * grid or group, the household), the household that applied, and who started it. */
static const char *visible_sql(struct ctx *c, struct db_args *a)
{
	if (c->system)
		return "1=1";
	struct buf b;
	buf_init(&b, 16384);
	buf_adds(&b, "(x.created_by = ?");
	db_args_int(a, li_actor_id(c));
	if (c->actor && c->actor->household_id && access_has_role(c, "villager")) {
		buf_adds(&b, " OR x.household_id = ?");
		db_args_int(a, c->actor->household_id);
	}
	const char *paths[CTX_MAX_GRANTS], *wide[CTX_MAX_GRANTS], *narrow[CTX_MAX_GRANTS];
	int n = access_scopes(c, P_LIST_READ, paths, CTX_MAX_GRANTS), nw = 0, nn = 0;
	for (int i = 0; i < n; i++) {
		if (below_village(paths[i]))
			narrow[nn++] = paths[i];
		else
			wide[nw++] = paths[i];
	}
	if (nw) {
		buf_adds(&b, " OR ");
		scope_where_paths(c, wide, nw, "v.path LIKE ?", &b, a);
	}
	if (nn) {
		buf_adds(&b, " OR x.household_id IN (SELECT h.id FROM households h WHERE ");
		scope_where_paths(c, narrow, nn, SCOPE_HOUSEHOLD, &b, a);
		buf_addc(&b, ')');
	}
	buf_addc(&b, ')');
	const char *out = b.failed ? NULL : arena_strdup(c->arena, b.ptr);
	buf_release(&b);
	if (!out)
		a->failed = true;
	return out ? out : "1=0";
}

#define X_COLS                                                                                        \
	"x.id, x.village_id, v.name, COALESCE(t.name, ''), v.path, COALESCE(t.id, 0), x.item_id, i.name, "  \
	"i.kind, COALESCE(i.section, ''), i.code, x.code, x.title, x.note, COALESCE(x.household_id, 0), "   \
	"x.via, x.state, COALESCE(x.outcome, ''), x.outcome_text, x.outcome_public, "                       \
	"COALESCE(x.votes_for, -1), COALESCE(x.votes_against, 0), COALESCE(x.votes_abstain, 0), "           \
	"x.current_n, COALESCE(x.current_due, 0), x.due_at, x.alarm_at, x.started_at, "                     \
	"COALESCE(x.closed_at, 0), COALESCE(cs.name, ''), COALESCE(cs.role, ''), "                          \
	"COALESCE(" PEOPLE_HEAD_NAME("x.household_id") ", ''), i.materials, COALESCE(hv.path, ''), "        \
	"COALESCE(hg.path, ''), COALESCE(hd.path, ''), "                                                     \
	"(SELECT count(*) FROM list_execution_steps s WHERE s.execution_id = x.id) "
#define X_FROM                                                                                        \
	"FROM list_executions x JOIN org_units v ON v.id = x.village_id "                                  \
	"LEFT JOIN org_units t ON t.id = v.parent_id JOIN list_items i ON i.id = x.item_id "              \
	"LEFT JOIN list_execution_steps cs ON cs.execution_id = x.id AND cs.n = x.current_n "             \
	"LEFT JOIN households h ON h.id = x.household_id LEFT JOIN org_units hv ON hv.id = h.village_id "  \
	"LEFT JOIN org_units hg ON hg.id = h.group_id LEFT JOIN org_units hd ON hd.id = h.grid_id "

static const char *dup(struct ctx *c, struct db_stmt *st, int col)
{
	return arena_strdup(c->arena, db_col_text(st, col));
}

static void read_exec(struct ctx *c, struct db_stmt *st, struct list_execution *x, struct hh_paths *hp)
{
	memset(x, 0, sizeof(*x));
	x->id = db_col_int(st, 0);
	x->village_id = db_col_int(st, 1);
	x->village_name = dup(c, st, 2);
	x->town_name = dup(c, st, 3);
	x->village_path = dup(c, st, 4);
	x->town_id = db_col_int(st, 5);
	x->item_id = db_col_int(st, 6);
	x->item_name = dup(c, st, 7);
	x->item_kind = dup(c, st, 8);
	x->item_section = db_col_text(st, 9)[0] ? dup(c, st, 9) : NULL;
	x->item_code = dup(c, st, 10);
	x->code = dup(c, st, 11);
	x->title = dup(c, st, 12);
	x->note = dup(c, st, 13);
	x->household_id = db_col_int(st, 14);
	x->via = dup(c, st, 15);
	x->state = dup(c, st, 16);
	x->outcome = db_col_text(st, 17)[0] ? dup(c, st, 17) : NULL;
	x->outcome_text = dup(c, st, 18);
	x->outcome_public = db_col_int(st, 19) != 0;
	x->has_votes = db_col_int(st, 20) >= 0;
	x->votes_for = x->has_votes ? (int)db_col_int(st, 20) : 0;
	x->votes_against = (int)db_col_int(st, 21);
	x->votes_abstain = (int)db_col_int(st, 22);
	x->current_n = (int)db_col_int(st, 23);
	x->current_due = db_col_int(st, 24);
	x->due_at = db_col_int(st, 25);
	int64_t alarm = db_col_int(st, 26);
	x->started_at = db_col_int(st, 27);
	x->closed_at = db_col_int(st, 28);
	x->current_name = x->current_n ? dup(c, st, 29) : NULL;
	x->current_role = x->current_n ? dup(c, st, 30) : NULL;
	x->applicant_name = dup(c, st, 31);
	x->nmaterials = li_split(c, db_col_text(st, 32), x->materials, LIST_LINES_MAX);
	hp->village = dup(c, st, 33);
	hp->group = dup(c, st, 34);
	hp->grid = dup(c, st, 35);
	x->nsteps = (int)db_col_int(st, 36);
	x->overdue = !strcmp(x->state, "open") && alarm < c->now;
}

static bool is_applicant(const struct ctx *c, const struct list_execution *x)
{
	return c->actor && x->household_id && c->actor->household_id == x->household_id &&
	       access_has_role(c, "villager");
}

/* True when the actor may complete a step with this role on the record. */
static bool can_act(const struct ctx *c, const struct list_execution *x, const char *role)
{
	if (c->system)
		return true;
	if (!strcmp(role, "applicant"))
		return is_applicant(c, x) || li_holds_role(c, "cadre", x->village_path);
	return li_holds_role(c, role, x->village_path);
}

static void present(struct ctx *c, struct list_execution *x, const struct hh_paths *hp)
{
	if (x->applicant_name[0] && !c->system && !access_can_read_household(c, hp, x->household_id)) {
		char masked[64];
		utf8_mask_name(x->applicant_name, masked, sizeof(masked));
		x->applicant_name = arena_strdup(c->arena, masked);
	}
	bool open = !strcmp(x->state, "open");
	x->can_advance = open && x->current_n && x->current_role && can_act(c, x, x->current_role);
	x->can_close = open && (li_holds_role(c, "cadre", x->village_path) || is_applicant(c, x));
}

/* Loads a record the actor may read: RC_NOT_FOUND otherwise. */
static int load(struct ctx *c, int64_t id, struct list_execution *x)
{
	struct db_args a = {0};
	db_args_int(&a, id);
	const char *vis = visible_sql(c, &a);
	char *sql = arena_printf(c->arena, "SELECT " X_COLS X_FROM "WHERE x.id = ? AND %s", vis);
	struct db_stmt *st = sql ? db_query_args(c->db, sql, &a) : NULL;
	int rc = st ? db_step(st) : DB_ERROR;
	struct hh_paths hp = {0};
	if (rc == DB_ROW)
		read_exec(c, st, x, &hp);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "执行记录不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取执行记录");
	present(c, x, &hp);
	return RC_OK;
}

static int read_photos(struct ctx *c, int64_t id, int step, const char **out, int *n)
{
	*n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT file_hash FROM list_execution_photos WHERE execution_id = ? "
					     "AND step_n = ? ORDER BY ord", "ii", id, (int64_t)step);
	while (st && *n < LIST_PHOTOS_MAX && db_step(st) == DB_ROW)
		out[(*n)++] = dup(c, st, 0);
	db_finalize(st);
	return st ? RC_OK : ctx_db_fail(c, DB_ERROR, "读取照片");
}

/* The frozen steps of a record with who did them and their photos. */
static int read_steps(struct ctx *c, struct list_execution *x)
{
	struct db_stmt *st = db_query(c->db, "SELECT n, name, role, limit_days, disclose, attachments, "
					     "COALESCE(started_at, 0), COALESCE(due_at, 0), COALESCE(done_at, 0), "
					     "COALESCE(done_by, 0), done_by_name, note FROM list_execution_steps "
					     "WHERE execution_id = ? ORDER BY n", "i", x->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取步骤");
	x->steps = arena_alloc(c->arena, sizeof(*x->steps) * LIST_STEPS_MAX);
	x->nsteps = 0;
	int rc;
	while (x->steps && (rc = db_step(st)) == DB_ROW && x->nsteps < LIST_STEPS_MAX) {
		struct list_exec_step *s = &x->steps[x->nsteps++];
		s->s.n = (int)db_col_int(st, 0);
		s->s.name = dup(c, st, 1);
		s->s.role = dup(c, st, 2);
		s->s.limit_days = (int)db_col_int(st, 3);
		s->s.disclose = db_col_int(st, 4) != 0;
		s->s.nattachments = li_split(c, db_col_text(st, 5), s->s.attachments, LIST_LINES_MAX);
		s->started_at = db_col_int(st, 6);
		s->due_at = db_col_int(st, 7);
		s->done_at = db_col_int(st, 8);
		s->done_by = db_col_int(st, 9);
		s->done_by_name = dup(c, st, 10);
		s->note = dup(c, st, 11);
		s->overdue = s->due_at && (s->done_at ? s->done_at > s->due_at
						      : !strcmp(x->state, "open") && s->due_at < c->now);
	}
	db_finalize(st);
	if (!x->steps)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < x->nsteps; i++)
		if ((rc = read_photos(c, x->id, x->steps[i].s.n, x->steps[i].photos, &x->steps[i].nphotos)))
			return rc;
	return RC_OK;
}

int lists_execution_get(struct ctx *c, int64_t id, struct list_execution *out)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int rc = load(c, id, out);
	if (!rc)
		rc = read_steps(c, out);
	if (!rc)
		rc = read_photos(c, id, 0, out->photos, &out->nphotos);
	return rc;
}

int lists_photo(struct ctx *c, int64_t id, int step, int n, char mime[16], const void **data, size_t *len)
{
	struct list_execution x;
	int rc = lists_execution_get(c, id, &x);
	if (rc)
		return rc;
	const char *photos[LIST_PHOTOS_MAX];
	int np = 0;
	if ((rc = read_photos(c, id, step, photos, &np)))
		return rc;
	if (n < 1 || n > np)
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	struct file_info f;
	if ((rc = files_read(c, photos[n - 1], &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}

int lists_executions(struct ctx *c, const struct list_query *q, struct list_execution **out, int *n,
		     int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (q->kind && q->kind[0] && !lists_kind_valid(q->kind))
		ctx_field(c, "kind", "清单类别应为 power、affair 或 service");
	bool st_open = q->state && !strcmp(q->state, "open"), st_closed = q->state && !strcmp(q->state, "closed"),
	     st_overdue = q->state && !strcmp(q->state, "overdue");
	if (q->state && q->state[0] && !st_open && !st_closed && !st_overdue)
		ctx_field(c, "state", "状态应为 open、closed 或 overdue");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct org_unit u = {0};
	if (q->unit_id) {
		int rc = org_read(c, q->unit_id, &u);
		if (rc)
			return rc;
		if (q->board && !access_can(c, P_LIST_READ, u.path))
			return ctx_fail(c, access_refusal(c, u.path), "无权查看%s的逾期清单", u.name);
	} else if (q->board) {
		return ctx_field(c, "unit", "请选择单位");
	}
	struct db_args a = {0};
	struct buf w;
	buf_init(&w, 32768);
	buf_adds(&w, "WHERE ");
	buf_adds(&w, visible_sql(c, &a));
	if (q->unit_id) {
		buf_adds(&w, " AND v.path LIKE ?");
		db_args_text(&a, arena_printf(c->arena, "%s%%", u.path));
	}
	if (q->item_id) {
		buf_adds(&w, " AND x.item_id = ?");
		db_args_int(&a, q->item_id);
	}
	if (q->kind && q->kind[0]) {
		buf_adds(&w, " AND i.kind = ?");
		db_args_text(&a, q->kind);
	}
	if (st_open)
		buf_adds(&w, " AND x.state = 'open'");
	if (st_closed)
		buf_adds(&w, " AND x.state = 'closed'");
	if (st_overdue || q->board) {
		buf_adds(&w, " AND x.state = 'open' AND x.alarm_at < ?");
		db_args_int(&a, c->now);
	}
	if (q->on_time)
		buf_adds(&w, " AND x.state = 'closed' AND x.outcome = 'done' AND x.late_steps = 0 AND x.closed_at <= x.due_at");
	if (q->from) {
		buf_adds(&w, " AND x.started_at >= ?");
		db_args_int(&a, q->from);
	}
	if (q->to) {
		buf_adds(&w, " AND x.started_at < ?");
		db_args_int(&a, q->to);
	}
	if (q->mine) {
		buf_adds(&w, " AND x.household_id = ?");
		db_args_int(&a, c->actor && c->actor->household_id ? c->actor->household_id : -1);
	}
	if (w.failed) {
		buf_release(&w);
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	}
	char *csql = arena_printf(c->arena, "SELECT count(*) FROM list_executions x JOIN org_units v ON v.id = x.village_id "
					    "JOIN list_items i ON i.id = x.item_id %s", w.ptr);
	int dbrc = db_get_int_args(c->db, total, csql, &a);
	if (dbrc != DB_OK) {
		buf_release(&w);
		return ctx_db_fail(c, dbrc, "统计执行记录");
	}
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	char *sql = arena_printf(c->arena, "SELECT " X_COLS X_FROM "%s ORDER BY %s LIMIT ? OFFSET ?", w.ptr,
				 q->board ? "x.alarm_at, x.id" : "x.started_at DESC, x.id DESC");
	buf_release(&w);
	struct db_stmt *st = sql ? db_query_args(c->db, sql, &a) : NULL;
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取执行记录");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		struct list_execution *g = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!g) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = g;
		struct hh_paths hp;
		read_exec(c, st, &g[*n], &hp);
		present(c, &g[(*n)++], &hp);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取执行记录");
}

/* ---- writing ---- */

static void check_photos(struct ctx *c, const char *field, const char *const *photos, int n)
{
	if (n < 0 || n > LIST_PHOTOS_MAX) {
		ctx_field(c, field, "最多 %d 张照片", LIST_PHOTOS_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct file_info f;
		bool ok = files_hash_valid(photos[i]) && files_info(c, photos[i], &f) == RC_OK &&
			  !strncmp(f.mime, "image/", 6) &&   /* photos only, not PDFs */
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, field, "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
			return;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(photos[i], photos[j])) {
				ctx_field(c, field, "第 %d 张照片与第 %d 张重复", i + 1, j + 1);
				return;
			}
	}
}

static int save_photos(struct ctx *c, int64_t id, int step, const char *const *photos, int n)
{
	for (int i = 0; i < n; i++) {
		int dbrc = db_run(c->db, "INSERT INTO list_execution_photos (execution_id, step_n, ord, file_hash) "
					 "VALUES (?, ?, ?, ?)", "iiit", id, (int64_t)step, (int64_t)(i + 1), photos[i]);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "保存照片");
	}
	return RC_OK;
}

/* Completes step n (the current one) inside the caller's transaction: the log row, the
 * next step's start and due date, the record's current step and alarm. */
static int complete_step(struct ctx *c, int64_t id, int n, int nsteps, int64_t record_due, const char *note,
			 const char *const *photos, int nphotos, const struct list_advance *votes)
{
	int64_t step_due = 0, next_limit = 0;
	int dbrc = db_get_int(c->db, &step_due, "SELECT COALESCE(due_at, 0) FROM list_execution_steps "
						"WHERE execution_id = ? AND n = ?", "ii", id, (int64_t)n);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取步骤");
	int next = n < nsteps ? n + 1 : 0;
	int64_t next_due = 0;
	if (next) {
		if ((dbrc = db_get_int(c->db, &next_limit, "SELECT limit_days FROM list_execution_steps "
							   "WHERE execution_id = ? AND n = ?", "ii", id, (int64_t)next)))
			return ctx_db_fail(c, dbrc, "读取步骤");
		int rc = calendar_deadline(c, c->now, (int)next_limit, &next_due);
		if (rc)
			return rc;
	}
	int64_t alarm = next && next_due < record_due ? next_due : record_due;
	int64_t updated = 0;
	struct db_args a = {0};
	db_args_int(&a, next);
	if (next)
		db_args_int(&a, next_due);
	else
		db_args_null(&a);
	db_args_int(&a, alarm);
	db_args_int(&a, step_due && c->now > step_due ? 1 : 0);
	const char *vset = "";
	if (votes && votes->has_votes) {
		vset = ", votes_for = ?, votes_against = ?, votes_abstain = ?";
		db_args_int(&a, votes->votes_for);
		db_args_int(&a, votes->votes_against);
		db_args_int(&a, votes->votes_abstain);
	}
	db_args_int(&a, c->now);
	db_args_int(&a, id);
	db_args_int(&a, n);
	char *sql = arena_printf(c->arena, "UPDATE list_executions SET current_n = ?, current_due = ?, alarm_at = ?, "
					   "late_steps = late_steps + ?%s, updated_at = ? WHERE id = ? AND current_n = ? "
					   "AND state = 'open' RETURNING id", vset);
	dbrc = db_get_int_args(c->db, &updated, sql, &a);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_CONFLICT, "该步骤刚被他人办理，请刷新后再试");
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存执行记录");
	dbrc = db_run(c->db, "UPDATE list_execution_steps SET done_at = ?, done_by = NULLIF(CAST(? AS BIGINT), 0), "
			     "done_by_name = ?, note = ? WHERE execution_id = ? AND n = ?",
		      "iittii", c->now, li_actor_id(c), c->actor ? c->actor->name : "系统", note ? note : "", id,
		      (int64_t)n);
	if (dbrc == DB_OK && next)
		dbrc = db_run(c->db, "UPDATE list_execution_steps SET started_at = ?, due_at = ? WHERE execution_id = ? "
				     "AND n = ?", "iiii", c->now, next_due, id, (int64_t)next);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存步骤");
	return save_photos(c, id, n, photos, nphotos);
}

static int next_code(struct ctx *c, int64_t village_id, char out[24])
{
	struct civil cv;
	time_to_cn(c->now, &cv);
	char prefix[16];
	snprintf(prefix, sizeof(prefix), "QD-%04d-", cv.year);
	int64_t last = 0;
	int dbrc = db_get_int(c->db, &last, "SELECT count(*) FROM list_executions WHERE village_id = ? AND code LIKE ?",
			      "it", village_id, arena_printf(c->arena, "%s%%", prefix));
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "编号");
	snprintf(out, 24, "%s%04lld", prefix, (long long)(last + 1));
	return RC_OK;
}

int lists_start(struct ctx *c, const struct list_start *in, int64_t *id, bool *replayed)
{
	*replayed = false;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct list_item it;
	int rc = in->item_id ? li_item_load(c, in->item_id, &it) : RC_NOT_FOUND;
	struct org_unit v = {0};
	if (!rc)
		rc = org_get(c, it.village_id, &v);
	if (rc == RC_NOT_FOUND || (!rc && !access_touches(c, v.path))) {
		ctx_reset(c);
		return ctx_field(c, "item_id", "清单事项不存在");
	}
	if (rc)
		return rc;
	int64_t current = 0;
	db_get_int(c->db, &current, "SELECT id FROM list_versions WHERE village_id = ? ORDER BY n DESC LIMIT 1", "i",
		   v.id);
	if (current != it.version_id)
		return ctx_field(c, "item_id", "该事项属于已被取代的清单版本，请从本村现行清单中选择");
	/* who starts it, for whom */
	bool service = !strcmp(it.kind, "service");
	const char *via;
	int64_t hh = in->household_id;
	int64_t own_village = 0;
	if (c->actor && c->actor->household_id && access_has_role(c, "villager"))
		db_get_int(c->db, &own_village, "SELECT village_id FROM households WHERE id = ?", "i",
			   c->actor->household_id);
	struct hh_paths hp = {0};
	char hv[ORG_PATH_MAX] = "", hg[ORG_PATH_MAX] = "", hd[ORG_PATH_MAX] = "";
	int64_t hh_village = 0;
	if (hh) {
		struct db_stmt *st = db_query(c->db, "SELECT h.village_id, v.path, COALESCE(g.path, ''), COALESCE(d.path, '') "
						     "FROM households h JOIN org_units v ON v.id = h.village_id "
						     "LEFT JOIN org_units g ON g.id = h.group_id LEFT JOIN org_units d ON d.id = h.grid_id "
						     "WHERE h.id = ?", "i", hh);
		if (st && db_step(st) == DB_ROW) {
			hh_village = db_col_int(st, 0);
			str_copy(hv, sizeof(hv), db_col_text(st, 1));
			str_copy(hg, sizeof(hg), db_col_text(st, 2));
			str_copy(hd, sizeof(hd), db_col_text(st, 3));
		}
		db_finalize(st);
		hp.village = hv;
		hp.group = hg;
		hp.grid = hd;
	}
	if (li_holds_role(c, "cadre", v.path)) {
		via = "cadre";
		if (hh && hh_village != v.id)
			ctx_field(c, "household_id", "该户不在%s", v.name);
	} else if (own_village == v.id) {
		via = "villager";
		if (hh && hh != c->actor->household_id)
			return ctx_fail(c, RC_FORBIDDEN, "村民只能为本户申请");
		hh = c->actor->household_id;
		if (!service)
			return ctx_fail(c, RC_FORBIDDEN, "村民只能申请公共服务事项，「%s」由村两委办理", it.name);
	} else if (access_has_role(c, "grid_worker") || access_has_role(c, "grid_leader")) {
		via = "proxy";
		bool mine = hh && hh_village == v.id &&
			    (li_holds_role(c, "grid_worker", hd[0] ? hd : hv) || li_holds_role(c, "grid_leader", hd[0] ? hd : hv) ||
			     (hg[0] && (li_holds_role(c, "grid_worker", hg) || li_holds_role(c, "grid_leader", hg))));
		if (!hh)
			return ctx_field(c, "household_id", "代办请选择申请的农户");
		if (hh_village != v.id)
			return ctx_field(c, "household_id", "该户不在%s", v.name);
		if (!mine)
			return ctx_fail(c, access_refusal(c, v.path), "网格员只能为本网格的农户代办");
		if (!service)
			return ctx_fail(c, RC_FORBIDDEN, "网格员只能代办公共服务事项");
	} else {
		return ctx_fail(c, access_refusal(c, v.path), "无权在%s发起清单事项", v.name);
	}
	if (it.section && !strcmp(it.section, "negative")) {
		char basis[200];
		utf8_prefix(basis, sizeof(basis), it.basis ? it.basis : "", 40);
		if (basis[0])
			return ctx_fail(c, RC_CONFLICT, "该事项在村级组织负面清单中，村里可以拒绝承担（依据：%s）", basis);
		return ctx_fail(c, RC_CONFLICT, "该事项在村级组织负面清单中，村里可以拒绝承担");
	}
	if (it.nsteps < 1)
		return ctx_fail(c, RC_CONFLICT, "「%s」没有办理步骤", it.name);
	bool applicant_first = !strcmp(it.steps[0].role, "applicant");
	if ((service || applicant_first) && !hh)
		ctx_field(c, "household_id", "请选择申请的农户");
	ctx_check_text(c, "title", in->title, LIST_TITLE_MAX, CTX_TEXT_REQUIRED, "事由");
	ctx_check_text(c, "note", in->note, LIST_NOTE_MAX, CTX_TEXT_MULTILINE, "说明");
	check_photos(c, "photos", in->photos, in->nphotos);
	if (ctx_check_fields(c))
		return RC_INVALID;
	(void)hp;

	int64_t due = 0, due1 = 0;
	if ((rc = calendar_deadline(c, c->now, it.time_limit_days, &due)) ||
	    (rc = calendar_deadline(c, c->now, it.steps[0].limit_days, &due1)))
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "list_execution", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	/* starts in one village are serialised (a row lock on PostgreSQL; SQLite's write
	 * transactions are serial anyway), so that the next code is free */
	int lrc = db_run(c->db, "UPDATE list_versions SET adopted_at = adopted_at WHERE id = ?", "i", current);
	if (lrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, lrc, "锁定清单版本"));
	char code[24];
	if ((rc = next_code(c, v.id, code)))
		return ctx_end(c, rc);
	int64_t alarm = due1 < due ? due1 : due;
	int dbrc = db_get_int(c->db, id,
		"INSERT INTO list_executions (village_id, item_id, code, title, note, household_id, via, state, current_n, "
		"current_due, due_at, alarm_at, started_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, "
		"NULLIF(CAST(? AS BIGINT), 0), ?, 'open', 1, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
		"iitttitiiiiii", v.id, it.id, code, in->title, in->note ? in->note : "", hh, via, due1, due, alarm, c->now,
		li_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存执行记录"));
	for (int i = 0; i < it.nsteps && dbrc == DB_OK; i++) {
		const struct list_step *s = &it.steps[i];
		dbrc = db_run(c->db, "INSERT INTO list_execution_steps (execution_id, n, name, role, limit_days, disclose, "
				     "attachments, started_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      "iittiit" "ii", *id, (int64_t)s->n, s->name, s->role, (int64_t)s->limit_days,
			      (int64_t)s->disclose, li_join(c, s->attachments, s->nattachments), i ? 0 : c->now,
			      i ? 0 : due1);
	}
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "UPDATE list_execution_steps SET started_at = NULLIF(started_at, 0), "
				     "due_at = NULLIF(due_at, 0) WHERE execution_id = ?", "i", *id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存步骤"));
	rc = save_photos(c, *id, 0, in->photos, in->nphotos);
	/* the applicant's own first step (submitting the application) is done by starting */
	if (!rc && applicant_first)
		rc = complete_step(c, *id, 1, it.nsteps, due, in->note, NULL, 0, NULL);
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_str(&after, "code", code);
		audit_snap_int(&after, "item_id", it.id);
		audit_snap_str(&after, "item", it.name);
		audit_snap_str(&after, "via", via);
		audit_snap_int(&after, "household_id", hh);
		audit_snap_int(&after, "photos", in->nphotos);
		audit_snap_end(&after);
		rc = audit_record(c, v.id, "list_execution", *id, "start", "{}", after.ptr);
		buf_release(&after);
	}
	if (!rc) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
		rc = idem_store(c, "list_execution", in->idem, idtext);
	}
	return ctx_end(c, rc);
}

int lists_advance(struct ctx *c, int64_t id, int n, const struct list_advance *in)
{
	struct list_execution x;
	int rc = lists_execution_get(c, id, &x);
	if (rc)
		return rc;
	if (n < 1 || n > x.nsteps)
		return ctx_fail(c, RC_NOT_FOUND, "没有第 %d 步", n);
	const struct list_exec_step *s = &x.steps[n - 1];
	if (!can_act(c, &x, s->s.role))
		return ctx_fail(c, RC_FORBIDDEN, "第 %d 步「%s」应由%s办理", n, s->s.name, lists_role_label(s->s.role));
	if (strcmp(x.state, "open"))
		return ctx_fail(c, RC_CONFLICT, "该记录已办结，不能再办理步骤");
	if (s->done_at)
		return ctx_fail(c, RC_CONFLICT, "第 %d 步「%s」已经办理", n, s->s.name);
	if (n != x.current_n && x.current_n >= 1 && x.current_n <= x.nsteps)
		return ctx_fail(c, RC_CONFLICT, "不能跳过步骤：请先办理第 %d 步「%s」", x.current_n,
				x.steps[x.current_n - 1].s.name);
	ctx_check_text(c, "note", in->note, LIST_NOTE_MAX, CTX_TEXT_MULTILINE, "办理意见");
	check_photos(c, "photos", in->photos, in->nphotos);
	if (in->has_votes) {
		if (in->votes_for < 0 || in->votes_for > LIST_VOTES_MAX)
			ctx_field(c, "votes.for", "赞成票应为 0 到 %d", LIST_VOTES_MAX);
		if (in->votes_against < 0 || in->votes_against > LIST_VOTES_MAX)
			ctx_field(c, "votes.against", "反对票应为 0 到 %d", LIST_VOTES_MAX);
		if (in->votes_abstain < 0 || in->votes_abstain > LIST_VOTES_MAX)
			ctx_field(c, "votes.abstain", "弃权票应为 0 到 %d", LIST_VOTES_MAX);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	rc = complete_step(c, id, n, x.nsteps, x.due_at, in->note, in->photos, in->nphotos, in);
	if (!rc) {
		struct buf before, after;
		audit_snap_begin(&before);
		audit_snap_int(&before, "current_n", n);
		audit_snap_end(&before);
		audit_snap_begin(&after);
		audit_snap_int(&after, "done_n", n);
		audit_snap_str(&after, "step", s->s.name);
		audit_snap_int(&after, "current_n", n < x.nsteps ? n + 1 : 0);
		audit_snap_int(&after, "photos", in->nphotos);
		if (in->has_votes) {
			audit_snap_int(&after, "votes_for", in->votes_for);
			audit_snap_int(&after, "votes_against", in->votes_against);
			audit_snap_int(&after, "votes_abstain", in->votes_abstain);
		}
		audit_snap_end(&after);
		rc = audit_record(c, x.village_id, "list_execution", id, "step", before.ptr, after.ptr);
		buf_release(&before);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}

int lists_close(struct ctx *c, int64_t id, const char *outcome, const char *text)
{
	struct list_execution x;
	int rc = lists_execution_get(c, id, &x);
	if (rc)
		return rc;
	bool cadre = li_holds_role(c, "cadre", x.village_path);
	bool withdraw = outcome && !strcmp(outcome, "withdrawn");
	if (!cadre && !(withdraw && is_applicant(c, &x)))
		return ctx_fail(c, RC_FORBIDDEN, is_applicant(c, &x) ? "申请人只能撤回申请" : "只有本村村两委可以办结执行记录");
	if (!outcome || (strcmp(outcome, "done") && strcmp(outcome, "rejected") && !withdraw))
		return ctx_field(c, "outcome", "结果应为 done（办结）、rejected（不予办理）或 withdrawn（撤回）");
	if (strcmp(x.state, "open"))
		return ctx_fail(c, RC_CONFLICT, "该记录已办结");
	if (!strcmp(outcome, "done") && x.current_n)
		return ctx_fail(c, RC_CONFLICT, "还有步骤未办理：第 %d 步「%s」", x.current_n, x.current_name ? x.current_name : "");
	ctx_check_text(c, "outcome_text", text, LIST_NOTE_MAX, (withdraw ? 0 : CTX_TEXT_REQUIRED) | CTX_TEXT_MULTILINE,
		       "结果说明");
	if (ctx_check_fields(c))
		return RC_INVALID;
	bool disclosed = false;
	for (int i = 0; i < x.nsteps; i++)
		disclosed |= x.steps[i].s.disclose;
	bool public = disclosed && !withdraw;
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t updated = 0;
	int dbrc = db_get_int(c->db, &updated,
		"UPDATE list_executions SET state = 'closed', closed_at = ?, outcome = ?, outcome_text = ?, "
		"outcome_public = ?, current_due = NULL, updated_at = ? WHERE id = ? AND state = 'open' RETURNING id",
		"ittiii", c->now, outcome, text ? text : "", (int64_t)public, c->now, id);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "该记录已办结"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存执行记录"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "state", "open");
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_str(&after, "state", "closed");
	audit_snap_str(&after, "outcome", outcome);
	audit_snap_int(&after, "outcome_public", public);
	audit_snap_end(&after);
	rc = audit_record(c, x.village_id, "list_execution", id, "close", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* ---- public ---- */

int lists_public_outcomes(struct ctx *c, int64_t village_id, int limit, int offset, struct list_execution **out,
			  int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct org_unit v;
	int rc = org_find(c, village_id, &v);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(v.kind, "village")))
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if (rc)
		return rc;
	int dbrc = db_get_int(c->db, total, "SELECT count(*) FROM list_executions x WHERE x.village_id = ? "
					    "AND x.outcome_public = 1 AND x.state = 'closed'", "i", village_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "统计公开结果");
	struct db_stmt *st = db_query(c->db, "SELECT " X_COLS X_FROM "WHERE x.village_id = ? AND x.outcome_public = 1 "
					     "AND x.state = 'closed' ORDER BY x.closed_at DESC, x.id DESC LIMIT ? OFFSET ?",
				      "iii", village_id, (int64_t)limit, (int64_t)offset);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开结果");
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct list_execution *g = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!g) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = g;
		struct hh_paths hp;
		read_exec(c, st, &g[*n], &hp);
		g[*n].applicant_name = "";
		g[*n].household_id = 0;
		g[*n].note = "";
		(*n)++;
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取公开结果");
	if (!*n)
		return RC_OK;
	/* the disclosed steps of the page in one query */
	struct db_args a = {0};
	struct buf in;
	buf_init(&in, 4096);
	for (int i = 0; i < *n; i++) {
		buf_adds(&in, i ? ", ?" : "?");
		db_args_int(&a, (*out)[i].id);
		(*out)[i].steps = arena_alloc(c->arena, sizeof(*(*out)[i].steps) * LIST_STEPS_MAX);
		(*out)[i].nsteps = 0;
		if (!(*out)[i].steps) {
			buf_release(&in);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	char *sql = arena_printf(c->arena, "SELECT execution_id, n, name, COALESCE(done_at, 0), note "
					   "FROM list_execution_steps WHERE disclose = 1 AND execution_id IN (%s) "
					   "ORDER BY execution_id, n", in.ptr ? in.ptr : "");
	buf_release(&in);
	st = sql ? db_query_args(c->db, sql, &a) : NULL;
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开步骤");
	int k = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t xid = db_col_int(st, 0);
		for (int j = 0; j < *n && (*out)[k].id != xid; j++)
			k = (k + 1) % *n;
		struct list_execution *e = &(*out)[k];
		if (e->id != xid || e->nsteps >= LIST_STEPS_MAX)
			continue;
		struct list_exec_step *s = &e->steps[e->nsteps++];
		s->s.n = (int)db_col_int(st, 1);
		s->s.name = dup(c, st, 2);
		s->s.disclose = true;
		s->done_at = db_col_int(st, 3);
		s->note = dup(c, st, 4);
		s->done_by_name = "";
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取公开步骤");
}

int lists_village_figures(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, struct list_stats_row **rows,
			  int *n)
{
	*rows = NULL;
	*n = 0;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct org_unit u;
	int rc = org_read(c, unit_id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_LIST_READ, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权查看%s的清单统计", u.name);
	/* the period three times and the clock, before the WHERE */
	struct db_args a = {0};
	for (int i = 0; i < 3; i++) {
		db_args_int(&a, from);
		db_args_int(&a, to);
	}
	db_args_int(&a, c->now);
	struct buf w;
	buf_init(&w, 32768);
	buf_adds(&w, "WHERE ");
	buf_adds(&w, visible_sql(c, &a));
	buf_adds(&w, " AND v.path LIKE ?");
	db_args_text(&a, arena_printf(c->arena, "%s%%", u.path));
#define IN_PERIOD "x.started_at >= ? AND x.started_at < ?"
	char *sql = arena_printf(c->arena,
		"SELECT x.village_id, sum(CASE WHEN " IN_PERIOD " THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " IN_PERIOD " AND x.state = 'closed' THEN 1 ELSE 0 END), "
		"sum(CASE WHEN " IN_PERIOD " AND x.state = 'closed' AND x.outcome = 'done' AND x.late_steps = 0 "
		"AND x.closed_at <= x.due_at THEN 1 ELSE 0 END), "
		"sum(CASE WHEN x.state = 'open' AND x.alarm_at < ? THEN 1 ELSE 0 END) "
		"FROM list_executions x JOIN org_units v ON v.id = x.village_id JOIN list_items i ON i.id = x.item_id "
		"%s GROUP BY x.village_id ORDER BY x.village_id",
		w.failed ? "" : w.ptr);
#undef IN_PERIOD
	bool failed = w.failed;
	buf_release(&w);
	struct db_stmt *st = sql && !failed ? db_query_args(c->db, sql, &a) : NULL;
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计执行记录");
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct list_stats_row *g = arena_grow(c->arena, *rows, &cap, *n, sizeof(**rows));
		if (!g)
			break;
		*rows = g;
		struct list_stats_row *r = &g[(*n)++];
		memset(r, 0, sizeof(*r));
		r->key = db_col_int(st, 0);
		r->name = "";
		r->n = db_col_int(st, 1);
		r->closed = db_col_int(st, 2);
		r->on_time = db_col_int(st, 3);
		r->overdue_now = db_col_int(st, 4);
		r->median_seconds = -1;
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return rc == DB_ROW ? ctx_fail(c, RC_INTERNAL, "内存不足") : ctx_db_fail(c, rc, "统计执行记录");
	return RC_OK;
}
