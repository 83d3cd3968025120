/* Events 民情: intake, the state machine with its checks of role and scope, the
 * timeline, 督办 notes and the deadline job. */
#include "domain/kernel/calendar.h"
#include "domain/events/internal.h"
#include "domain/kernel/files.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"

/* ---- bound arguments ---- */

/* ---- scope ---- */

void ev_cut_to_village(const char *path, char out[ORG_PATH_MAX])
{
	int slashes = 0;
	size_t i = 0;
	for (; path[i] && i < 159; i++) {
		out[i] = path[i];
		if (path[i] == '/' && ++slashes == 4) {
			i++;
			break;
		}
	}
	out[i] = 0;
}

int64_t ev_path_root(const char *path)
{
	int64_t id = 0;
	for (const char *p = path + (path[0] == '/'); *p >= '0' && *p <= '9'; p++)
		id = id * 10 + (*p - '0');
	return id;
}

int ev_scopes(struct ctx *c, perm_t perms, char (*out)[ORG_PATH_MAX], int max)
{
	int n = 0;
	if (!c->actor)
		return 0;
	for (int i = 0; i < c->actor->ngrants && n < max; i++) {
		const struct grant *g = &c->actor->grants[i];
		const struct role_def *r = access_role(g->role);
		if (r && (r->perms & perms))
			ev_cut_to_village(g->path, out[n++]);
	}
	return n;
}

bool ev_can_village(const struct ctx *c, perm_t perms, const char *village_path)
{
	if (c->system)
		return true;
	if (!c->actor)
		return false;
	for (int i = 0; i < c->actor->ngrants; i++) {
		const struct grant *g = &c->actor->grants[i];
		const struct role_def *r = access_role(g->role);
		char cut[ORG_PATH_MAX];
		ev_cut_to_village(g->path, cut);
		if (r && (r->perms & perms) && cut[0] && !strncmp(village_path, cut, strlen(cut)))
			return true;
	}
	return false;
}

static bool can_dept(const struct ctx *c, const char *dept_path)
{
	return dept_path && dept_path[0] && access_can(c, P_EVENT_HANDLE, dept_path);
}

const char *ev_visible_sql(struct ctx *c, struct db_args *a)
{
	if (c->system)
		return "1=1";
	struct buf b;
	buf_init(&b, 16384);
	buf_adds(&b, "(e.reporter_id = ?");
	db_args_int(a, ev_actor_id(c));
	char (*scopes)[ORG_PATH_MAX] = arena_alloc(c->arena, sizeof(*scopes) * EV_SCOPES_MAX);
	int n = scopes ? ev_scopes(c, EV_READ_PERMS, scopes, EV_SCOPES_MAX) : 0;
	for (int i = 0; i < n; i++) {
		buf_adds(&b, " OR v.path LIKE ?");
		db_args_text(a, arena_printf(c->arena, "%s%%", scopes[i]));
	}
	const char *hp[CTX_MAX_GRANTS];
	int nh = access_scopes(c, P_EVENT_HANDLE, hp, CTX_MAX_GRANTS);
	for (int i = 0; i < nh; i++) {
		const char *like = arena_printf(c->arena, "%s%%", hp[i]);
		buf_adds(&b, " OR d.path LIKE ? OR EXISTS (SELECT 1 FROM event_steps s JOIN org_units sd ON "
			     "sd.id = s.department_id WHERE s.event_id = e.id AND sd.path LIKE ?)");
		db_args_text(a, like);
		db_args_text(a, like);
	}
	buf_addc(&b, ')');
	const char *out = b.failed ? NULL : arena_strdup(c->arena, b.ptr);
	buf_release(&b);
	if (!out)
		a->failed = true;
	return out ? out : "1=0";
}

int ev_filter(struct ctx *c, int64_t unit_id, int64_t department_id, int64_t category_id, int64_t channel_id,
	      bool check_unit, struct buf *w, struct db_args *a)
{
	if (unit_id) {
		struct org_unit u;
		int rc = org_get(c, unit_id, &u);
		if (rc == RC_NOT_FOUND) {
			ctx_clear(c);
			return ctx_field(c, "unit_id", "单位不存在");
		}
		if (rc)
			return rc;
		if (check_unit && !c->system && !ev_can_village(c, EV_READ_PERMS, u.path) && !access_touches(c, u.path))
			return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
		buf_adds(w, " AND v.path LIKE ?");
		db_args_text(a, arena_printf(c->arena, "%s%%", u.path));
	}
	if (department_id) {
		buf_adds(w, " AND e.department_id = ?");
		db_args_int(a, department_id);
	}
	if (category_id) {
		buf_adds(w, " AND e.category_id = ?");
		db_args_int(a, category_id);
	}
	if (channel_id) {
		buf_adds(w, " AND e.channel_id = ?");
		db_args_int(a, channel_id);
	}
	return RC_OK;
}

/* ---- names ---- */

static const char *const states[][2] = {
	{"pending", "待受理"}, {"accepted", "已受理"}, {"rejected", "不予受理"}, {"dispatched", "已派单"},
	{"handling", "办理中"}, {"returned", "退回"}, {"finished", "已办结"}, {"visited", "已回访"},
};
static const char *const outcomes[] = {"resolved", "explained", "unresolvable", "duplicate", "not_responsible"};
static const char *const ratings[] = {"satisfied", "basic", "unsatisfied"};
static const char *const action_names[] = {"accept", "reject", "dispatch", "handle_locally", "take", "give_back",
					   "transfer", "finish", "visit", "supervise", "answer", "note", "reply", "reopen"};
#define EA_REOPEN (1u << 13)   /* trusted callers only (events_move_tx) */

const char *events_action_name(unsigned bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++)
		if (bit == 1u << i)
			return action_names[i];
	return NULL;
}

static unsigned action_bit(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(action_names); i++)
		if (!strcmp(name, action_names[i]))
			return 1u << i;
	return 0;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static bool is_open(const char *state)
{
	return strcmp(state, "rejected") && strcmp(state, "finished") && strcmp(state, "visited");
}

/* ---- reading ---- */

#define EV_COLS                                                                                            \
	"e.id, e.village_id, v.name, COALESCE(t.name, ''), v.path, e.category_id, k.name, e.channel_id, "    \
	"ch.code, ch.name, e.description, e.address, CASE WHEN e.lat_e6 IS NULL THEN 0 ELSE 1 END, "          \
	"COALESCE(e.lat_e6, 0), COALESCE(e.lng_e6, 0), COALESCE(e.household_id, 0), "                       \
	"COALESCE(e.reporter_id, 0), e.reporter_name, e.reporter_phone, e.anonymous, e.state, "              \
	"COALESCE(e.department_id, 0), COALESCE(d.name, ''), COALESCE(d.path, ''), e.village_handled, "      \
	"e.accept_due, COALESCE(e.finish_due, 0), COALESCE(e.accepted_at, 0), COALESCE(e.finished_at, 0), "   \
	"COALESCE(e.visited_at, 0), COALESCE(e.outcome, ''), e.outcome_note, COALESCE(e.duplicate_of, 0), "   \
	"COALESCE(e.rating, ''), e.reopened, COALESCE(e.warned_at, 0), COALESCE(e.overdue_at, 0), "          \
	"e.escalation, e.due_at, e.created_at, e.updated_at, "                                                \
	"(SELECT count(*) FROM event_supervisions s WHERE s.event_id = e.id AND s.answered_at IS NULL), e.kind "
#define EV_FROM                                                                                             \
	"FROM events e JOIN org_units v ON v.id = e.village_id LEFT JOIN org_units t ON t.id = v.parent_id "   \
	"JOIN event_categories k ON k.id = e.category_id JOIN event_channels ch ON ch.id = e.channel_id "     \
	"LEFT JOIN org_units d ON d.id = e.department_id "

static const char *dup(struct ctx *c, const char *s)
{
	return arena_strdup(c->arena, s ? s : "");
}

/* True when the actor's grants that cover the village are all at the village level
 * (cadre, grid workers): they do not see anonymous reporters. */
static bool village_only(const struct ctx *c, const char *village_path)
{
	if (c->system || !c->actor)
		return false;
	bool any = false;
	for (int i = 0; i < c->actor->ngrants; i++) {
		const struct grant *g = &c->actor->grants[i];
		if (strcmp(g->unit_kind, "village") && strcmp(g->unit_kind, "group") && strcmp(g->unit_kind, "grid")) {
			const struct role_def *r = access_role(g->role);
			if (r && (r->perms & (EV_READ_PERMS | P_EVENT_HANDLE)) &&
			    (access_can(c, r->perms & (EV_READ_PERMS | P_EVENT_HANDLE), village_path) ||
			     !strcmp(g->role, "handler")))
				return false;
		} else {
			any = true;
		}
	}
	return any;
}

/* What the actor may do, ignoring the state (role and scope only). */
static unsigned role_allows(const struct ctx *c, const struct event *e)
{
	unsigned m = 0;
	bool intake = ev_can_village(c, P_EVENT_INTAKE, e->village_path);
	bool dispatch = ev_can_village(c, P_EVENT_DISPATCH, e->village_path);
	bool handle = can_dept(c, e->department_path);
	bool handles = e->village_handled ? intake : handle;
	if (intake)
		m |= EA_ACCEPT | EA_REJECT | EA_LOCAL;
	if (dispatch)
		m |= EA_DISPATCH | EA_TRANSFER;
	if (handle)
		m |= EA_TAKE | EA_GIVE_BACK | EA_TRANSFER;
	if (handles)
		m |= EA_FINISH | EA_NOTE | EA_ANSWER;
	if (ev_can_village(c, P_EVENT_SUPERVISE, e->village_path))
		m |= EA_SUPERVISE;
	if (e->reporter_id ? (c->actor && c->actor->user_id == e->reporter_id)
			   : (intake || ev_can_village(c, P_EVENT_CALL, e->village_path)))
		m |= EA_VISIT;
	if (e->reporter_id && c->actor && c->actor->user_id == e->reporter_id)
		m |= EA_REPLY;
	if (c->system)
		m = ~0u;
	return m;
}

/* What the state allows. */
static unsigned state_allows(const struct event *e)
{
	const char *s = e->state;
	if (!strcmp(s, "pending"))
		return EA_ACCEPT | EA_REJECT | EA_SUPERVISE | EA_REPLY;
	if (!strcmp(s, "accepted") || !strcmp(s, "returned"))
		return EA_DISPATCH | EA_LOCAL | EA_SUPERVISE | EA_REPLY | (e->unanswered ? EA_ANSWER : 0);
	if (!strcmp(s, "dispatched"))
		return EA_TAKE | EA_GIVE_BACK | EA_TRANSFER | EA_SUPERVISE | EA_REPLY | (e->unanswered ? EA_ANSWER : 0);
	if (!strcmp(s, "handling"))
		return (e->village_handled ? 0 : EA_GIVE_BACK | EA_TRANSFER) | EA_FINISH | EA_NOTE | EA_SUPERVISE |
		       EA_REPLY | (e->unanswered ? EA_ANSWER : 0);
	if (!strcmp(s, "finished"))
		return EA_VISIT | EA_REOPEN;
	if (!strcmp(s, "visited"))
		return EA_REOPEN;
	return 0;
}

static void read_event(struct ctx *c, struct db_stmt *st, struct event *e)
{
	memset(e, 0, sizeof(*e));
	e->id = db_col_int(st, 0);
	e->village_id = db_col_int(st, 1);
	e->village_name = dup(c, db_col_text(st, 2));
	e->town_name = dup(c, db_col_text(st, 3));
	str_copy(e->village_path, sizeof(e->village_path), db_col_text(st, 4));
	e->category_id = db_col_int(st, 5);
	e->category_name = dup(c, db_col_text(st, 6));
	e->channel_id = db_col_int(st, 7);
	e->channel_code = dup(c, db_col_text(st, 8));
	e->channel_name = dup(c, db_col_text(st, 9));
	e->description = dup(c, db_col_text(st, 10));
	e->address = dup(c, db_col_text(st, 11));
	e->has_location = db_col_int(st, 12) != 0;
	e->lat_e6 = db_col_int(st, 13);
	e->lng_e6 = db_col_int(st, 14);
	e->household_id = db_col_int(st, 15);
	e->reporter_id = db_col_int(st, 16);
	e->reporter_name = dup(c, db_col_text(st, 17));   /* sealed until shown */
	e->reporter_phone = dup(c, db_col_text(st, 18));
	e->anonymous = db_col_int(st, 19) != 0;
	e->state = dup(c, db_col_text(st, 20));
	e->department_id = db_col_int(st, 21);
	e->department_name = dup(c, db_col_text(st, 22));
	str_copy(e->department_path, sizeof(e->department_path), db_col_text(st, 23));
	e->village_handled = db_col_int(st, 24) != 0;
	e->accept_due = db_col_int(st, 25);
	e->finish_due = db_col_int(st, 26);
	e->accepted_at = db_col_int(st, 27);
	e->finished_at = db_col_int(st, 28);
	e->visited_at = db_col_int(st, 29);
	e->outcome = dup(c, db_col_text(st, 30));
	e->outcome_note = dup(c, db_col_text(st, 31));
	e->duplicate_of = db_col_int(st, 32);
	e->rating = dup(c, db_col_text(st, 33));
	e->reopened = db_col_int(st, 34) != 0;
	e->warned_at = db_col_int(st, 35);
	e->overdue_at = db_col_int(st, 36);
	e->escalation = (int)db_col_int(st, 37);
	int64_t due = db_col_int(st, 38);
	e->created_at = db_col_int(st, 39);
	e->updated_at = db_col_int(st, 40);
	e->unanswered = db_col_int(st, 41);
	e->kind = dup(c, db_col_text(st, 42));
	e->overdue = is_open(e->state) && due < c->now;
}

/* Unseals and masks the reporter for the actor, and fills what they may do. */
static void present(struct ctx *c, struct event *e)
{
	const char *name = ctx_open_pii(c, e->reporter_name), *phone = ctx_open_pii(c, e->reporter_phone);
	bool self = c->actor && e->reporter_id && c->actor->user_id == e->reporter_id;
	bool full = c->system || self || can_dept(c, e->department_path) ||
		    ev_can_village(c, P_EVENT_CALL, e->village_path);
	if (full) {
		e->reporter_name = name;
		e->reporter_phone = phone;
	} else if (e->anonymous && village_only(c, e->village_path)) {
		e->reporter_name = "匿名";
		e->reporter_phone = "";
	} else {
		e->reporter_name = ctx_mask_name(c, name);
		e->reporter_phone = ctx_mask_phone(c, phone);
	}
	e->can = role_allows(c, e) & state_allows(e);
}

/* Loads one event as the actor may see it: RC_NOT_FOUND when it does not exist or is
 * outside every grant. Unsealed and masked only when present is set. */
static int load(struct ctx *c, int64_t id, struct event *e, bool show)
{
	struct db_args a = {0};
	db_args_int(&a, id);
	const char *vis = ev_visible_sql(c, &a);
	char *sql = arena_printf(c->arena, "SELECT " EV_COLS EV_FROM "WHERE e.id = ? AND %s", vis);
	struct db_stmt *st = db_query_args(c->db, sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取民情事件");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_event(c, st, e);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "民情事件不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取民情事件");
	struct db_stmt *ps = db_query(c->db, "SELECT file_hash FROM event_photos WHERE event_id = ? ORDER BY ord", "i", id);
	while (ps && e->nphotos < EVENT_PHOTOS_MAX && db_step(ps) == DB_ROW)
		e->photos[e->nphotos++] = dup(c, db_col_text(ps, 0));
	db_finalize(ps);
	if (show)
		present(c, e);
	else
		e->can = role_allows(c, e) & state_allows(e);
	return RC_OK;
}

static int read_timeline(struct ctx *c, struct event *e)
{
	struct db_stmt *st = db_query(c->db, "SELECT s.id, s.at, COALESCE(s.actor_id, 0), s.actor_name, s.action, "
					     "s.from_state, s.to_state, COALESCE(s.department_id, 0), COALESCE(d.name, ''), s.note "
					     "FROM event_steps s LEFT JOIN org_units d ON d.id = s.department_id "
					     "WHERE s.event_id = ? ORDER BY s.id LIMIT ?", "ii", e->id, (int64_t)EVENT_STEPS_MAX);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取处理过程");
	e->steps = arena_alloc(c->arena, sizeof(*e->steps) * EVENT_STEPS_MAX);
	int rc;
	while (e->steps && (rc = db_step(st)) == DB_ROW) {
		struct event_step *s = &e->steps[e->nsteps++];
		s->id = db_col_int(st, 0);
		s->at = db_col_int(st, 1);
		s->actor_id = db_col_int(st, 2);
		s->actor_name = dup(c, db_col_text(st, 3));
		s->action = dup(c, db_col_text(st, 4));
		s->from_state = dup(c, db_col_text(st, 5));
		s->to_state = dup(c, db_col_text(st, 6));
		s->department_id = db_col_int(st, 7);
		s->department_name = dup(c, db_col_text(st, 8));
		s->note = dup(c, db_col_text(st, 9));
	}
	db_finalize(st);
	st = db_query(c->db, "SELECT s.id, s.unit_id, u.name, s.level, s.note, COALESCE(s.created_by, 0), "
			     "COALESCE(p.name, ''), s.created_at, COALESCE(s.answer, ''), COALESCE(a.name, ''), "
			     "COALESCE(s.answered_at, 0) FROM event_supervisions s JOIN org_units u ON u.id = s.unit_id "
			     "LEFT JOIN users p ON p.id = s.created_by LEFT JOIN users a ON a.id = s.answered_by "
			     "WHERE s.event_id = ? ORDER BY s.id LIMIT 100", "i", e->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取督办");
	e->supervisions = arena_alloc(c->arena, sizeof(*e->supervisions) * 100);
	while (e->supervisions && db_step(st) == DB_ROW) {
		struct event_supervision *s = &e->supervisions[e->nsupervisions++];
		s->id = db_col_int(st, 0);
		s->unit_id = db_col_int(st, 1);
		s->unit_name = dup(c, db_col_text(st, 2));
		s->level = (int)db_col_int(st, 3);
		s->note = dup(c, db_col_text(st, 4));
		s->created_by = db_col_int(st, 5);
		s->created_by_name = dup(c, db_col_text(st, 6));
		s->created_at = db_col_int(st, 7);
		s->answer = dup(c, db_col_text(st, 8));
		s->answered_by_name = dup(c, db_col_text(st, 9));
		s->answered_at = db_col_int(st, 10);
	}
	db_finalize(st);
	return RC_OK;
}

int events_get(struct ctx *c, int64_t id, struct event *out)
{
	int rc = load(c, id, out, true);
	if (!rc)
		rc = read_timeline(c, out);
	return rc ? rc : ev_media_read(c, out);
}

int events_list(struct ctx *c, const struct event_query *q, struct event **out, int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct db_args a = {0};
	struct buf w;
	buf_init(&w, 32768);
	buf_adds(&w, "WHERE ");
	buf_adds(&w, ev_visible_sql(c, &a));
	int frc = ev_filter(c, q->unit_id, q->department_id, q->category_id, q->channel_id, true, &w, &a);
	if (frc) {
		buf_release(&w);
		return frc;
	}
	if (q->state && q->state[0] && strcmp(q->state, "all")) {
		if (!strcmp(q->state, "open")) {
			buf_adds(&w, " AND " EV_OPEN_SQL);
		} else if (!strcmp(q->state, "closed")) {
			buf_adds(&w, " AND " EV_CLOSED_SQL);
		} else {
			bool known = false;
			for (size_t i = 0; i < ARRAY_SIZE(states); i++)
				known |= !strcmp(q->state, states[i][0]);
			if (!known) {
				buf_release(&w);
				return ctx_field(c, "state", "状态应为 pending、accepted、rejected、dispatched、handling、returned、finished、visited、open、closed 或 all");
			}
			buf_adds(&w, " AND e.state = ?");
			db_args_text(&a, q->state);
		}
	}
	if (q->outcome && q->outcome[0]) {
		if (!in_list(q->outcome, outcomes, ARRAY_SIZE(outcomes))) {
			buf_release(&w);
			return ctx_field(c, "outcome", "办结结果应为 resolved、explained、unresolvable、duplicate 或 not_responsible");
		}
		buf_adds(&w, " AND e.outcome = ? AND " EV_CLOSED_SQL);
		db_args_text(&a, q->outcome);
	}
	if (q->rating && q->rating[0]) {
		if (!in_list(q->rating, ratings, ARRAY_SIZE(ratings))) {
			buf_release(&w);
			return ctx_field(c, "rating", "评价应为 satisfied、basic 或 unsatisfied");
		}
		buf_adds(&w, " AND e.rating = ? AND e.state = 'visited'");
		db_args_text(&a, q->rating);
	}
	if (q->overdue) {
		buf_adds(&w, " AND " EV_OPEN_SQL " AND e.due_at < ?");
		db_args_int(&a, c->now);
	}
	if (q->on_time)
		buf_adds(&w, " AND " EV_CLOSED_SQL " AND e.finished_at <= e.finish_due");
	if (q->rated)
		buf_adds(&w, " AND e.state = 'visited' AND e.rating IS NOT NULL");
	if (q->satisfied)
		buf_adds(&w, " AND e.state = 'visited' AND e.rating IN ('satisfied', 'basic')");
	if (q->kind && q->kind[0]) {
		if (strcmp(q->kind, "general") && strcmp(q->kind, "dispute") && strcmp(q->kind, "emergency")) {
			buf_release(&w);
			return ctx_field(c, "kind", "类型应为 general、dispute 或 emergency");
		}
		buf_adds(&w, " AND e.kind = ?");
		db_args_text(&a, q->kind);
	}
	if (q->mine) {
		buf_adds(&w, " AND e.reporter_id = ?");
		db_args_int(&a, ev_actor_id(c));
	}
	if (q->from) {
		buf_adds(&w, " AND e.created_at >= ?");
		db_args_int(&a, q->from);
	}
	if (q->to) {
		buf_adds(&w, " AND e.created_at < ?");
		db_args_int(&a, q->to);
	}
	if (w.failed) {
		buf_release(&w);
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	}
	char *count_sql = arena_printf(c->arena, "SELECT count(*) " EV_FROM "%s", w.ptr);
	struct db_stmt *st = db_query_args(c->db, count_sql, &a);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	db_finalize(st);
	if (rc != DB_ROW) {
		buf_release(&w);
		return ctx_db_fail(c, rc, "统计民情事件");
	}
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	char *sql = arena_printf(c->arena, "SELECT " EV_COLS EV_FROM "%s ORDER BY e.created_at DESC, e.id DESC LIMIT ? OFFSET ?",
				 w.ptr);
	buf_release(&w);
	st = db_query_args(c->db, sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取民情事件");
	int cap = 0;
	struct event *list = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		struct event *grown = arena_grow(c->arena, list, &cap, *n, sizeof(*list));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		list = grown;
		read_event(c, st, &list[*n]);
		present(c, &list[(*n)++]);
	}
	db_finalize(st);
	*out = list;
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取民情事件");
}

/* ---- writing ---- */

static const char *actor_name(const struct ctx *c)
{
	return c->actor ? c->actor->name : "系统";
}

static int add_step_as(struct ctx *c, const char *who, int64_t event_id, const char *action, const char *from,
		       const char *to, int64_t department_id, const char *note)
{
	int dbrc = db_run(c->db, "INSERT INTO event_steps (event_id, at, actor_id, actor_name, action, from_state, "
				 "to_state, department_id, note) VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, "
				 "NULLIF(CAST(? AS BIGINT), 0), ?)",
			  "iiittttit", event_id, c->now, ev_actor_id(c), who, action, from ? from : "",
			  to ? to : "", department_id, note ? note : "");
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "记录处理过程");
}

static int add_step(struct ctx *c, int64_t event_id, const char *action, const char *from, const char *to,
		    int64_t department_id, const char *note)
{
	return add_step_as(c, actor_name(c), event_id, action, from, to, department_id, note);
}

static int audit_move(struct ctx *c, const struct event *e, const char *action, const char *to,
		      int64_t department_id, const char *extra_key, const char *extra)
{
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "state", e->state);
	audit_snap_int(&before, "department_id", e->department_id);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_str(&after, "state", to);
	audit_snap_int(&after, "department_id", department_id);
	if (extra_key)
		audit_snap_str(&after, extra_key, extra);
	audit_snap_end(&after);
	int rc = audit_record(c, e->village_id, "event", e->id, action, before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return rc;
}

const char *events_state_label(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		if (!strcmp(s, states[i][0]))
			return states[i][1];
	return s;
}

static bool phone_valid(const char *p)
{
	size_t n = strlen(p);
	if (n < 7 || n > 20)
		return false;
	for (const char *s = p; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s == '-' && s != p)))
			return false;
	return true;
}

/* The department a dispatch or transfer goes to: a department whose parent covers the
 * village. Field error on department_id otherwise. */
static int check_department(struct ctx *c, const struct event *e, int64_t dept_id, struct org_unit *d)
{
	int rc = org_get(c, dept_id, d);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_field(c, "department_id", "部门不存在");
	}
	if (rc)
		return rc;
	if (strcmp(d->kind, "department"))
		return ctx_field(c, "department_id", "%s不是部门", d->name);
	/* the parent's path: the department's own path without its last id */
	char parent[ORG_PATH_MAX];
	str_copy(parent, sizeof(parent), d->path);
	size_t n = strlen(parent);
	if (n >= 2) {
		parent[n - 1] = 0;
		char *slash = strrchr(parent, '/');
		if (slash)
			slash[1] = 0;
	}
	if (strncmp(e->village_path, parent, strlen(parent)))
		return ctx_field(c, "department_id", "%s不管辖%s", d->name, e->village_name);
	return RC_OK;
}

/* Starts a new deadline window from now: due, warn at 80 %, flags cleared. */
static int set_window(struct ctx *c, int64_t id, int64_t start, int64_t due)
{
	int64_t warn = start + (due - start) * 4 / 5;
	int dbrc = db_run(c->db, "UPDATE events SET due_at = ?, warn_at = ?, warned_at = NULL, overdue_at = NULL, "
				 "county_at = NULL, escalation = 0 WHERE id = ?", "iii", due, warn, id);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "设置期限");
}

static int finish_days_of(struct ctx *c, int64_t category_id, int *days)
{
	int64_t d = 0;
	int dbrc = db_get_int(c->db, &d, "SELECT finish_days FROM event_categories WHERE id = ?", "i", category_id);
	*days = (int)d;
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "读取类别");
}

int events_create(struct ctx *c, const struct event_input *in, int64_t *id)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	return ev_create(c, in, false, NULL, id);
}

int ev_create(struct ctx *c, const struct event_input *in, bool public, const char *follow_hash, int64_t *id)
{
	struct org_unit v = {0};
	int rc = org_get(c, in->village_id, &v);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_field(c, "village_id", "村不存在");
	}
	if (rc)
		return rc;
	if (strcmp(v.kind, "village"))
		return ctx_field(c, "village_id", "%s不是村", v.name);
	/* who reports: a villager of this village, or staff with P_EVENT_REPORT there */
	bool villager = false;
	if (!public && c->actor && c->actor->household_id && access_has_role(c, "villager")) {
		int64_t hv = 0;
		db_get_int(c->db, &hv, "SELECT village_id FROM households WHERE id = ?", "i", c->actor->household_id);
		villager = hv == v.id;
	}
	bool staff = !public && ev_can_village(c, P_EVENT_REPORT, v.path);
	bool call = !public && ev_can_village(c, P_EVENT_CALL, v.path);
	bool open311 = public && in->open311_key_id;
	const char *channel = open311 ? "open311" : public ? "public_form" : in->channel && in->channel[0] ? in->channel : NULL;
	if (!channel)
		channel = call ? "hotline" : ev_can_village(c, P_EVENT_INTAKE, v.path) ? "cadre" : staff ? "grid" : "app";
	bool public_form = !strcmp(channel, "public_form");
	if (!c->system && !public && !villager && !staff) {
		if (ev_can_village(c, EV_READ_PERMS, v.path))
			return ctx_fail(c, RC_FORBIDDEN, "无权为%s登记民情事件", v.name);
		return ctx_field(c, "village_id", "只能反映本村的事");
	}
	if (public_form && !public && !c->system)
		return ctx_field(c, "channel", "民情码渠道只用于扫码表单");
	if (!strcmp(channel, "open311") && !open311 && !c->system)
		return ctx_field(c, "channel", "Open311 渠道只用于 Open311 接口");
	if (!strcmp(channel, "hotline") && !call && !c->system)
		return ctx_fail(c, RC_FORBIDDEN, "只有热线话务员可以登记来电");
	int64_t channel_id = 0;
	if (db_get_int(c->db, &channel_id, "SELECT id FROM event_channels WHERE code = ?", "t", channel) != DB_OK)
		ctx_field(c, "channel", "渠道不存在");
	/* the category: of the village's county, active */
	struct event_category cat = {0};
	rc = events_category_get(c, in->category_id, &cat);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		ctx_field(c, "category_id", "类别不存在");
	} else if (rc) {
		return rc;
	} else if (cat.county_id != ev_path_root(v.path) || !cat.active) {
		ctx_field(c, "category_id", "类别不可用");
	}
	ctx_check_text(c, "description", in->description, EVENT_DESC_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE,
		       "问题描述");
	ctx_check_text(c, "address", in->address, EVENT_ADDRESS_MAX, CTX_TEXT_OPTIONAL, "地址");
	if (in->has_location && (in->lat_e6 < -90000000 || in->lat_e6 > 90000000 || in->lng_e6 < -180000000 ||
				 in->lng_e6 > 180000000))
		ctx_field(c, "lat", "位置无效");
	if (in->household_id) {
		int64_t hv = 0;
		if (db_get_int(c->db, &hv, "SELECT village_id FROM households WHERE id = ?", "i", in->household_id) != DB_OK ||
		    hv != v.id)
			ctx_field(c, "household_id", "该户不在%s", v.name);
	}
	/* photos: stored files uploaded by the actor (the public form takes none) */
	if (in->nphotos < 0 || in->nphotos > EVENT_PHOTOS_MAX)
		ctx_field(c, "photos", "最多 %d 张照片", EVENT_PHOTOS_MAX);
	for (int i = 0; i < in->nphotos && i < EVENT_PHOTOS_MAX; i++) {
		struct file_info f;
		bool ok = files_hash_valid(in->photos[i]) && files_info(c, in->photos[i], &f) == RC_OK &&
			  !strncmp(f.mime, "image/", 6) &&   /* photos only, not PDFs */
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, "photos", "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
			break;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(in->photos[i], in->photos[j])) {
				ctx_field(c, "photos", "第 %d 张照片与第 %d 张重复", i + 1, j + 1);
				break;
			}
	}
	if (cat.id && cat.photo_required && in->nphotos == 0 && !c->system)
		ctx_field(c, "photos", "该类别需要上传照片");
	ev_media_check(c, &in->media, public);
	/* the reporter: the villager's own account, or the name and phone given */
	const char *name = in->reporter_name, *phone = in->reporter_phone;
	int64_t reporter = 0;
	if (villager && !staff) {
		reporter = c->actor->user_id;
		name = c->actor->name;
		phone = c->actor->phone;
	} else {
		ctx_check_text(c, "reporter_name", name, EVENT_NAME_MAX,
			       !strcmp(channel, "hotline") || public_form ? CTX_TEXT_REQUIRED : CTX_TEXT_OPTIONAL,
			       "反映人姓名");
		if ((phone && phone[0]) || !strcmp(channel, "hotline") || public_form) {
			if (!phone || !phone_valid(phone))
				ctx_field(c, "reporter_phone", "联系电话应为 7 到 20 位数字");
		}
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	const char *sname, *sphone;
	if ((rc = ctx_seal_pii(c, name, &sname)) || (rc = ctx_seal_pii(c, phone, &sphone)))
		return rc;
	char phash[CRYPTO_HASH_HEX] = "";
	if (phone && phone[0] && c->keys)
		crypto_keyed_hash_hex(c->keys->lookup, phone, phash);

	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "event", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	int64_t accept_due = c->now + (int64_t)cat.accept_hours * 3600;
	int64_t warn = c->now + (int64_t)cat.accept_hours * 3600 * 4 / 5;
	struct db_args a = {0};
	db_args_int(&a, v.id);
	db_args_int(&a, cat.id);
	db_args_int(&a, channel_id);
	db_args_text(&a, in->description);
	if (in->has_location) {
		db_args_int(&a, in->lat_e6);
		db_args_int(&a, in->lng_e6);
	} else {
		db_args_text(&a, NULL);
		db_args_text(&a, NULL);
	}
	if (in->household_id)
		db_args_int(&a, in->household_id);
	else
		db_args_text(&a, NULL);
	db_args_text(&a, in->address ? in->address : "");
	if (reporter)
		db_args_int(&a, reporter);
	else
		db_args_text(&a, NULL);
	db_args_text(&a, sname);
	db_args_text(&a, sphone);
	db_args_text(&a, phash[0] ? phash : NULL);
	db_args_int(&a, in->anonymous);
	if (c->actor && !public)
		db_args_int(&a, c->actor->user_id);
	else
		db_args_text(&a, NULL);
	db_args_text(&a, follow_hash);
	db_args_int(&a, accept_due);
	db_args_int(&a, accept_due);
	db_args_int(&a, warn);
	db_args_int(&a, c->now);
	db_args_int(&a, c->now);
	if (open311)
		db_args_int(&a, in->open311_key_id);
	else
		db_args_text(&a, NULL);
	db_args_text(&a, in->kind && in->kind[0] ? in->kind : "general");
	struct db_stmt *st = db_query_args(c->db,
		"INSERT INTO events (village_id, category_id, channel_id, description, lat_e6, lng_e6, household_id, "
		"address, reporter_id, reporter_name, reporter_phone, phone_hash, anonymous, created_by, follow_hash, "
		"state, accept_due, due_at, warn_at, created_at, updated_at, open311_key_id, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?) RETURNING id", &a);
	int dbrc = st ? db_step(st) : DB_ERROR;
	if (dbrc == DB_ROW)
		*id = db_col_int(st, 0);
	db_finalize(st);
	if (dbrc != DB_ROW)
		return ctx_end(c, ctx_db_fail(c, dbrc, "登记民情事件"));
	for (int i = 0; i < in->nphotos && dbrc == DB_ROW; i++)
		if (db_run(c->db, "INSERT INTO event_photos (event_id, ord, file_hash) VALUES (?, ?, ?)", "iit", *id,
			   (int64_t)(i + 1), in->photos[i]) != DB_OK)
			dbrc = DB_ERROR;
	if (dbrc != DB_ROW)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存照片"));
	if ((rc = ev_media_insert(c, *id, 0, &in->media)))
		return ctx_end(c, rc);
	/* entered by staff, or by the reporter (the public form: their masked name) */
	const char *who = c->actor && !public ? c->actor->name
			: in->anonymous || !name || !name[0] ? "群众" : ctx_mask_name(c, name);
	rc = add_step_as(c, who, *id, "create", "", "pending", 0, "");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_str(&after, "state", "pending");
		audit_snap_int(&after, "category_id", cat.id);
		audit_snap_str(&after, "channel", channel);
		audit_snap_int(&after, "photos", in->nphotos);
		ev_media_snap(&after, &in->media);
		audit_snap_end(&after);
		rc = audit_record(c, v.id, "event", *id, "create", "{}", after.ptr);
		buf_release(&after);
	}
	if (!rc) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
		rc = idem_store(c, "event", in->idem, idtext);
	}
	if (!rc && in->then)
		rc = in->then(c, *id, in->then_arg);
	return ctx_end(c, rc);
}

/* Moves the state with a guard on the old one: RC_CONFLICT when someone else moved it
 * first. The SET clause is bound with args before the guard's id and state. */
static int update_guarded(struct ctx *c, const struct event *e, const char *set, struct db_args *a)
{
	db_args_int(a, c->now);
	db_args_int(a, e->id);
	db_args_text(a, e->state);
	char *sql = arena_printf(c->arena, "UPDATE events SET %s, updated_at = ? WHERE id = ? AND state = ? RETURNING id", set);
	struct db_stmt *st = db_query_args(c->db, sql, a);
	int rc = st ? db_step(st) : DB_ERROR;
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_CONFLICT, "事件状态已变化，请刷新");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "更新民情事件");
}

static int do_move(struct ctx *c, struct event *e, const struct event_move *m, unsigned bit)
{
	struct db_args a = {0};
	const char *note = m->note ? m->note : "";
	int rc;
	int64_t dept = e->department_id;
	const char *to = e->state;
	switch (bit) {
	case EA_ACCEPT: {
		int days;
		int64_t due;
		if ((rc = finish_days_of(c, e->category_id, &days)) || (rc = calendar_deadline(c, c->now, days, &due)))
			return rc;
		to = "accepted";
		db_args_int(&a, c->now);
		db_args_int(&a, due);
		if ((rc = update_guarded(c, e, "state = 'accepted', accepted_at = ?, finish_due = ?", &a)))
			return rc;
		if ((rc = set_window(c, e->id, c->now, due)))
			return rc;
		break;
	}
	case EA_REJECT:
		to = "rejected";
		if ((rc = update_guarded(c, e, "state = 'rejected'", &a)))
			return rc;
		break;
	case EA_DISPATCH:
	case EA_TRANSFER: {
		int64_t want = m->department_id;
		if (!want) {
			struct event_category cat;
			if ((rc = events_category_get(c, e->category_id, &cat)))
				return rc;
			want = cat.department_id;
			if (!want)
				return ctx_field(c, "department_id", "请选择部门（该类别没有默认部门）");
		}
		if (bit == EA_TRANSFER && want == e->department_id)
			return ctx_field(c, "department_id", "转派应选择另一个部门");
		struct org_unit d;
		if ((rc = check_department(c, e, want, &d)))
			return rc;
		to = "dispatched";
		dept = d.id;
		db_args_int(&a, d.id);
		if ((rc = update_guarded(c, e, "state = 'dispatched', department_id = ?, village_handled = 0", &a)))
			return rc;
		break;
	}
	case EA_LOCAL:
		to = "handling";
		dept = 0;
		if ((rc = update_guarded(c, e, "state = 'handling', department_id = NULL, village_handled = 1", &a)))
			return rc;
		break;
	case EA_TAKE:
		to = "handling";
		if ((rc = update_guarded(c, e, "state = 'handling'", &a)))
			return rc;
		break;
	case EA_GIVE_BACK:
		to = "returned";
		dept = 0;
		if ((rc = update_guarded(c, e, "state = 'returned', department_id = NULL", &a)))
			return rc;
		break;
	case EA_FINISH: {
		int64_t dupl = 0;
		if (!strcmp(m->outcome, "duplicate")) {
			struct event other;
			if (!m->duplicate_of)
				return ctx_field(c, "duplicate_of", "请填写重复的事件编号");
			if (m->duplicate_of == e->id)
				return ctx_field(c, "duplicate_of", "不能与自身重复");
			rc = load(c, m->duplicate_of, &other, false);
			if (rc == RC_NOT_FOUND) {
				ctx_clear(c);
				return ctx_field(c, "duplicate_of", "事件 %lld 不存在", (long long)m->duplicate_of);
			}
			if (rc)
				return rc;
			if (ev_path_root(other.village_path) != ev_path_root(e->village_path))
				return ctx_field(c, "duplicate_of", "只能关联本县的事件");
			dupl = other.id;
		}
		to = "finished";
		db_args_int(&a, c->now);
		db_args_text(&a, m->outcome);
		db_args_text(&a, note);
		if (dupl)
			db_args_int(&a, dupl);
		else
			db_args_text(&a, NULL);
		if ((rc = update_guarded(c, e, "state = 'finished', finished_at = ?, outcome = ?, outcome_note = ?, "
					       "duplicate_of = ?", &a)))
			return rc;
		break;
	}
	case EA_VISIT: {
		bool reopen = !strcmp(m->rating, "unsatisfied") && !e->reopened;
		if (reopen) {
			int days;
			int64_t due;
			if ((rc = finish_days_of(c, e->category_id, &days)) ||
			    (rc = calendar_deadline(c, c->now, days, &due)))
				return rc;
			to = "handling";
			db_args_int(&a, due);
			if ((rc = update_guarded(c, e, "state = 'handling', reopened = 1, finish_due = ?, finished_at = NULL, "
						       "outcome = NULL, outcome_note = '', duplicate_of = NULL, rating = NULL",
						 &a)))
				return rc;
			if ((rc = set_window(c, e->id, c->now, due)))
				return rc;
		} else {
			to = "visited";
			db_args_text(&a, m->rating);
			db_args_int(&a, c->now);
			if ((rc = update_guarded(c, e, "state = 'visited', rating = ?, visited_at = ?", &a)))
				return rc;
		}
		if ((rc = add_step(c, e->id, "visit", e->state, "visited", dept,
				   arena_printf(c->arena, "%s%s%s", m->rating, note[0] ? "：" : "", note))))
			return rc;
		if (reopen) {
			if ((rc = add_step(c, e->id, "reopen", "visited", "handling", dept, "回访不满意，重新办理")))
				return rc;
		}
		return audit_move(c, e, reopen ? "reopen" : "visit", to, dept, "rating", m->rating);
	}
	case EA_NOTE:
	case EA_REPLY:
		if ((rc = update_guarded(c, e, "state = state", &a)))
			return rc;
		break;
	case EA_REOPEN: {
		int days;
		int64_t due;
		if ((rc = finish_days_of(c, e->category_id, &days)) || (rc = calendar_deadline(c, c->now, days, &due)))
			return rc;
		to = "handling";
		db_args_int(&a, due);
		if ((rc = update_guarded(c, e, "state = 'handling', finish_due = ?, finished_at = NULL, outcome = NULL, "
					       "outcome_note = '', duplicate_of = NULL, rating = NULL, visited_at = NULL", &a)))
			return rc;
		if ((rc = set_window(c, e->id, c->now, due)))
			return rc;
		break;
	}
	default:
		return ctx_fail(c, RC_INTERNAL, "未知操作");
	}
	const char *step_note = note;
	if (bit == EA_FINISH)
		step_note = arena_printf(c->arena, "%s%s%s", m->outcome, note[0] ? "：" : "", note);
	if ((rc = add_step(c, e->id, m->action, e->state, to, dept, step_note)))
		return rc;
	if (ev_media_any(&m->media)) {
		/* the step just added: the event's row is locked by the guarded update */
		int64_t step = 0;
		int dbrc = db_get_int(c->db, &step, "SELECT MAX(id) FROM event_steps WHERE event_id = ?", "i", e->id);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "读取处理过程");
		if ((rc = ev_media_insert(c, e->id, step, &m->media)))
			return rc;
		return audit_move(c, e, m->action, to, dept, "media", ev_media_label(&m->media));
	}
	return audit_move(c, e, m->action, to, dept, bit == EA_FINISH ? "outcome" : NULL, m->outcome);
}

static int move_checked(struct ctx *c, int64_t id, const struct event_move *m, bool trusted)
{
	unsigned bit = action_bit(m->action);
	if (!bit || bit == EA_SUPERVISE || bit == EA_ANSWER || (bit == EA_REOPEN && !trusted))
		return ctx_field(c, "action", "未知操作");
	/* field checks that do not depend on the event */
	bool media = ev_media_any(&m->media);
	bool reason = bit == EA_REJECT || bit == EA_GIVE_BACK || bit == EA_TRANSFER ||
		      ((bit == EA_NOTE || bit == EA_REPLY) && !media);
	if (bit == EA_NOTE || bit == EA_REPLY)
		ev_media_check(c, &m->media, false);
	else if (media || m->media.voice_ms || m->media.video_ms)
		ctx_field(c, m->media.video ? "video" : "voice", "只有进展和补充说明可以附录音或视频");
	if (bit == EA_FINISH) {
		if (!in_list(m->outcome, outcomes, ARRAY_SIZE(outcomes)))
			ctx_field(c, "outcome", "办结结果应为 resolved、explained、unresolvable、duplicate 或 not_responsible");
		else
			reason = !strcmp(m->outcome, "unresolvable") || !strcmp(m->outcome, "not_responsible");
	}
	if (bit == EA_VISIT && !in_list(m->rating, ratings, ARRAY_SIZE(ratings)))
		ctx_field(c, "rating", "评价应为 satisfied（满意）、basic（基本满意）或 unsatisfied（不满意）");
	ctx_check_text(c, "note", m->note, EVENT_NOTE_MAX, (reason ? CTX_TEXT_REQUIRED : 0) | CTX_TEXT_MULTILINE,
		       bit == EA_NOTE ? "进展" : bit == EA_REPLY ? "补充说明" : "理由");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct event e;
	int rc = load(c, id, &e, false);
	if (rc)
		return rc;
	if (!trusted && !(role_allows(c, &e) & bit))
		return ctx_fail(c, RC_FORBIDDEN, "无权对该事件执行此操作");
	if (!(state_allows(&e) & bit))
		return ctx_fail(c, RC_CONFLICT, "事件当前为「%s」，不能执行此操作", events_state_label(e.state));
	return do_move(c, &e, m, bit);
}

int events_move(struct ctx *c, int64_t id, const struct event_move *m)
{
	/* an unknown action or bad fields: nothing to begin */
	unsigned bit = action_bit(m->action);
	if (!bit || bit == EA_SUPERVISE || bit == EA_ANSWER || bit == EA_REOPEN)
		return ctx_field(c, "action", "未知操作");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	return ctx_end(c, move_checked(c, id, m, false));
}

int events_move_tx(struct ctx *c, int64_t id, const struct event_move *m, bool trusted)
{
	return move_checked(c, id, m, trusted);
}

int events_step_tx(struct ctx *c, int64_t id, const char *action, const char *note)
{
	struct db_stmt *st = db_query(c->db, "SELECT state, COALESCE(department_id, 0) FROM events WHERE id = ?", "i", id);
	int rc = st ? db_step(st) : DB_ERROR;
	const char *state = rc == DB_ROW ? dup(c, db_col_text(st, 0)) : "";
	int64_t dept = rc == DB_ROW ? db_col_int(st, 1) : 0;
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "民情事件不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取民情事件");
	int dbrc = db_run(c->db, "UPDATE events SET updated_at = ? WHERE id = ?", "ii", c->now, id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "更新民情事件");
	return add_step(c, id, action, state, state, dept, note);
}

const char *events_visible_sql(struct ctx *c, struct db_args *a)
{
	const char *vis = ev_visible_sql(c, a);
	return arena_printf(c->arena, "e.id IN (SELECT e.id FROM events e JOIN org_units v ON v.id = e.village_id "
				      "LEFT JOIN org_units d ON d.id = e.department_id WHERE %s)", vis);
}

/* ---- 督办 ---- */

static int64_t supervising_unit(const struct ctx *c, const char *village_path, int *level)
{
	/* the deepest supervising grant over the village: a town (level 1) or the county (2) */
	int64_t best = 0;
	size_t best_len = 0;
	*level = 2;
	for (int i = 0; c->actor && i < c->actor->ngrants; i++) {
		const struct grant *g = &c->actor->grants[i];
		const struct role_def *r = access_role(g->role);
		if (r && (r->perms & P_EVENT_SUPERVISE) && !strncmp(village_path, g->path, strlen(g->path)) &&
		    strlen(g->path) > best_len) {
			best = g->unit_id;
			best_len = strlen(g->path);
			*level = strcmp(g->unit_kind, "county") ? 1 : 2;
		}
	}
	return best;
}

int events_supervise(struct ctx *c, int64_t id, const char *note, int64_t *sid)
{
	ctx_check_text(c, "note", note, EVENT_NOTE_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "督办意见");
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	struct event e;
	if ((rc = load(c, id, &e, false)))
		return ctx_end(c, rc);
	if (!(role_allows(c, &e) & EA_SUPERVISE))
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "只有乡镇和区县可以督办"));
	if (!(state_allows(&e) & EA_SUPERVISE))
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "事件已结束，不能督办"));
	int level;
	int64_t unit = supervising_unit(c, e.village_path, &level);
	int dbrc = db_get_int(c->db, sid, "INSERT INTO event_supervisions (event_id, unit_id, level, note, created_by, "
					  "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			      "iiitii", e.id, unit, (int64_t)level, note, ev_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "督办"));
	if (!(rc = add_step(c, e.id, "supervise", e.state, e.state, e.department_id, note)))
		rc = audit_move(c, &e, "supervise", e.state, e.department_id, "note", note);
	return ctx_end(c, rc);
}

int events_answer(struct ctx *c, int64_t id, int64_t sid, const char *answer)
{
	ctx_check_text(c, "answer", answer, EVENT_NOTE_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "答复");
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	struct event e;
	if ((rc = load(c, id, &e, false)))
		return ctx_end(c, rc);
	int64_t answered = -1;
	if (db_get_int(c->db, &answered, "SELECT COALESCE(answered_at, 0) FROM event_supervisions WHERE id = ? AND event_id = ?",
		       "ii", sid, id) != DB_OK)
		return ctx_end(c, ctx_fail(c, RC_NOT_FOUND, "督办记录不存在"));
	bool handles = e.village_handled ? ev_can_village(c, P_EVENT_INTAKE, e.village_path)
					 : can_dept(c, e.department_path);
	if (!handles && !c->system)
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "只有承办方可以答复督办"));
	if (answered)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "该督办已答复"));
	int dbrc = db_run(c->db, "UPDATE event_supervisions SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?",
			  "tiii", answer, ev_actor_id(c), c->now, sid);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "答复督办"));
	if (!(rc = add_step(c, e.id, "answer", e.state, e.state, e.department_id, answer)))
		rc = audit_move(c, &e, "answer", e.state, e.department_id, "answer", answer);
	return ctx_end(c, rc);
}

/* ---- the deadline job ---- */

struct due_row {
	int64_t id, village_id, due_at, town_id, county_id;
	const char *state;
};

static int escalate(struct ctx *c, const struct due_row *r, int level, int64_t *count)
{
	int64_t unit = level == 1 ? r->town_id : r->county_id;
	const char *note = level == 1 ? "事件已超期，请承办方说明原因并尽快办结（系统自动督办）"
				      : "事件超期未办结，区县督办（系统自动督办）";
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t county_at = 0;
	if (level == 1 && (rc = calendar_deadline(c, r->due_at, EVENT_COUNTY_AFTER, &county_at)))
		return ctx_end(c, rc);
	int64_t got;
	int dbrc = level == 1
		? db_get_int(c->db, &got, "UPDATE events SET overdue_at = COALESCE(overdue_at, ?), escalation = 1, county_at = ? "
					  "WHERE id = ? AND escalation = 0 RETURNING id", "iii", c->now, county_at, r->id)
		: db_get_int(c->db, &got, "UPDATE events SET escalation = 2 WHERE id = ? AND escalation = 1 RETURNING id", "i",
			     r->id);
	if (dbrc == DB_DONE)
		return ctx_end(c, RC_OK);  /* done by another run */
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "INSERT INTO event_supervisions (event_id, unit_id, level, note, created_at) "
				     "VALUES (?, ?, ?, ?, ?)", "iiiti", r->id, unit, (int64_t)level, note, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "自动督办"));
	rc = add_step(c, r->id, level == 1 ? "escalate_town" : "escalate_county", r->state, r->state, 0, note);
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "escalation", level);
		audit_snap_end(&after);
		rc = audit_record(c, r->village_id, "event", r->id, "escalate", "{}", after.ptr);
		buf_release(&after);
	}
	if (!rc)
		(*count)++;
	return ctx_end(c, rc);
}

int events_deadlines_due(struct ctx *c, int64_t *warned, int64_t *overdue, int64_t *escalated)
{
	*warned = *overdue = *escalated = 0;
#define OPEN_STATES "('pending', 'accepted', 'dispatched', 'handling', 'returned')"
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	/* the public form's counters and spent challenges, once they no longer matter */
	int dbrc = db_run(c->db, "DELETE FROM event_intake_limits WHERE window_start < ?", "i", c->now - 2 * 86400);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "DELETE FROM event_challenges_used WHERE expires_at < ?", "i", c->now);
	if (dbrc == DB_OK)
		dbrc = db_get_int(c->db, warned, "SELECT count(*) FROM events WHERE state IN " OPEN_STATES
					      " AND warned_at IS NULL AND warn_at <= ?", "i", c->now);
	if (dbrc == DB_OK && *warned)
		dbrc = db_run(c->db, "UPDATE events SET warned_at = ? WHERE state IN " OPEN_STATES
				     " AND warned_at IS NULL AND warn_at <= ?", "ii", c->now, c->now);
	if ((rc = ctx_end(c, dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "期限预警"))))
		return rc;
	/* overdue: the town first; the county EVENT_COUNTY_AFTER working days later */
	for (int level = 1; level <= 2; level++) {
		struct db_stmt *st = level == 1
			? db_query(c->db, "SELECT e.id, e.village_id, e.due_at, COALESCE(v.parent_id, 0), e.state, v.path "
					  "FROM events e JOIN org_units v ON v.id = e.village_id WHERE e.state IN " OPEN_STATES
					  " AND e.escalation = 0 AND e.due_at < ? ORDER BY e.id LIMIT 500", "i", c->now)
			: db_query(c->db, "SELECT e.id, e.village_id, e.due_at, COALESCE(v.parent_id, 0), e.state, v.path "
					  "FROM events e JOIN org_units v ON v.id = e.village_id WHERE e.state IN " OPEN_STATES
					  " AND e.escalation = 1 AND e.county_at <= ? ORDER BY e.id LIMIT 500", "i", c->now);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取超期事件");
		struct due_row rows[500];
		int n = 0;
		while (n < 500 && db_step(st) == DB_ROW) {
			rows[n].id = db_col_int(st, 0);
			rows[n].village_id = db_col_int(st, 1);
			rows[n].due_at = db_col_int(st, 2);
			rows[n].town_id = db_col_int(st, 3);
			rows[n].state = dup(c, db_col_text(st, 4));
			rows[n].county_id = ev_path_root(db_col_text(st, 5));
			n++;
		}
		db_finalize(st);
		for (int i = 0; i < n; i++) {
			if ((rc = escalate(c, &rows[i], level, escalated)))
				return rc;
			if (level == 1)
				(*overdue)++;
		}
	}
	return RC_OK;
#undef OPEN_STATES
}

int events_media_file(struct ctx *c, int64_t id, int64_t media_id, struct file_info *out)
{
	struct event e;
	int rc = load(c, id, &e, false);
	char hash[FILES_HASH_LEN + 1];
	if (!rc)
		rc = ev_media_hash(c, id, media_id, hash);
	if (rc)
		return rc;
	return files_info(c, hash, out);
}

enum result events_photo(struct ctx *c, int64_t id, int n, char mime[16], const void **data, size_t *len)
{
	struct event e;
	int rc = load(c, id, &e, false);
	if (rc)
		return rc;
	if (n < 1 || n > e.nphotos)
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	struct file_info f;
	if ((rc = files_read(c, e.photos[n - 1], &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}
