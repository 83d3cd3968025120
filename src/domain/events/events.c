/* Events 民情: the names of states, outcomes, ratings and actions, and reading — one
 * event with its timeline (what the actor may do next), the list, the files. */
#include "domain/events/internal.h"
#include "domain/kernel/files.h"
#include "util/buf.h"

/* ---- names ---- */

static const char *const states[][2] = {
	{"pending", "待受理"}, {"accepted", "已受理"}, {"rejected", "不予受理"}, {"dispatched", "已派单"},
	{"handling", "办理中"}, {"returned", "退回"}, {"finished", "已办结"}, {"visited", "已回访"},
};
const char *const ev_outcomes[EV_OUTCOMES] = {"resolved", "explained", "unresolvable", "duplicate", "not_responsible"};
const char *const ev_ratings[EV_RATINGS] = {"satisfied", "basic", "unsatisfied"};
static const char *const action_names[] = {"accept", "reject", "dispatch", "handle_locally", "take", "give_back",
					   "transfer", "finish", "visit", "supervise", "answer", "note", "reply", "reopen"};

const char *events_state_label(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		if (!strcmp(s, states[i][0]))
			return states[i][1];
	return s;
}

const char *events_action_name(unsigned bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_names); i++)
		if (bit == 1u << i)
			return action_names[i];
	return NULL;
}

unsigned ev_action_bit(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(action_names); i++)
		if (!strcmp(name, action_names[i]))
			return 1u << i;
	return 0;
}

bool ev_in_list(const char *s, const char *const *list, size_t n)
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

const char *ev_dup(struct ctx *c, const char *s)
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
unsigned ev_role_allows(const struct ctx *c, const struct event *e)
{
	unsigned m = 0;
	bool intake = ev_can_village(c, P_EVENT_INTAKE, e->village_path);
	bool dispatch = ev_can_village(c, P_EVENT_DISPATCH, e->village_path);
	bool handle = ev_can_dept(c, e->department_path);
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
unsigned ev_state_allows(const struct event *e)
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
	e->village_name = ev_dup(c, db_col_text(st, 2));
	e->town_name = ev_dup(c, db_col_text(st, 3));
	str_copy(e->village_path, sizeof(e->village_path), db_col_text(st, 4));
	e->category_id = db_col_int(st, 5);
	e->category_name = ev_dup(c, db_col_text(st, 6));
	e->channel_id = db_col_int(st, 7);
	e->channel_code = ev_dup(c, db_col_text(st, 8));
	e->channel_name = ev_dup(c, db_col_text(st, 9));
	e->description = ev_dup(c, db_col_text(st, 10));
	e->address = ev_dup(c, db_col_text(st, 11));
	e->has_location = db_col_int(st, 12) != 0;
	e->lat_e6 = db_col_int(st, 13);
	e->lng_e6 = db_col_int(st, 14);
	e->household_id = db_col_int(st, 15);
	e->reporter_id = db_col_int(st, 16);
	e->reporter_name = ev_dup(c, db_col_text(st, 17));   /* sealed until shown */
	e->reporter_phone = ev_dup(c, db_col_text(st, 18));
	e->anonymous = db_col_int(st, 19) != 0;
	e->state = ev_dup(c, db_col_text(st, 20));
	e->department_id = db_col_int(st, 21);
	e->department_name = ev_dup(c, db_col_text(st, 22));
	str_copy(e->department_path, sizeof(e->department_path), db_col_text(st, 23));
	e->village_handled = db_col_int(st, 24) != 0;
	e->accept_due = db_col_int(st, 25);
	e->finish_due = db_col_int(st, 26);
	e->accepted_at = db_col_int(st, 27);
	e->finished_at = db_col_int(st, 28);
	e->visited_at = db_col_int(st, 29);
	e->outcome = ev_dup(c, db_col_text(st, 30));
	e->outcome_note = ev_dup(c, db_col_text(st, 31));
	e->duplicate_of = db_col_int(st, 32);
	e->rating = ev_dup(c, db_col_text(st, 33));
	e->reopened = db_col_int(st, 34) != 0;
	e->warned_at = db_col_int(st, 35);
	e->overdue_at = db_col_int(st, 36);
	e->escalation = (int)db_col_int(st, 37);
	int64_t due = db_col_int(st, 38);
	e->created_at = db_col_int(st, 39);
	e->updated_at = db_col_int(st, 40);
	e->unanswered = db_col_int(st, 41);
	e->kind = ev_dup(c, db_col_text(st, 42));
	e->overdue = is_open(e->state) && due < c->now;
}

/* Unseals and masks the reporter for the actor, and fills what they may do. */
static void present(struct ctx *c, struct event *e)
{
	const char *name = ctx_open_pii(c, e->reporter_name), *phone = ctx_open_pii(c, e->reporter_phone);
	bool self = c->actor && e->reporter_id && c->actor->user_id == e->reporter_id;
	bool full = c->system || self || ev_can_dept(c, e->department_path) ||
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
	e->can = ev_role_allows(c, e) & ev_state_allows(e);
}

/* Loads one event as the actor may see it: RC_NOT_FOUND when it does not exist or is
 * outside every grant. Unsealed and masked only when present is set. */
int ev_load(struct ctx *c, int64_t id, struct event *e, bool show)
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
		e->photos[e->nphotos++] = ev_dup(c, db_col_text(ps, 0));
	db_finalize(ps);
	if (show)
		present(c, e);
	else
		e->can = ev_role_allows(c, e) & ev_state_allows(e);
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
		s->actor_name = ev_dup(c, db_col_text(st, 3));
		s->action = ev_dup(c, db_col_text(st, 4));
		s->from_state = ev_dup(c, db_col_text(st, 5));
		s->to_state = ev_dup(c, db_col_text(st, 6));
		s->department_id = db_col_int(st, 7);
		s->department_name = ev_dup(c, db_col_text(st, 8));
		s->note = ev_dup(c, db_col_text(st, 9));
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
		s->unit_name = ev_dup(c, db_col_text(st, 2));
		s->level = (int)db_col_int(st, 3);
		s->note = ev_dup(c, db_col_text(st, 4));
		s->created_by = db_col_int(st, 5);
		s->created_by_name = ev_dup(c, db_col_text(st, 6));
		s->created_at = db_col_int(st, 7);
		s->answer = ev_dup(c, db_col_text(st, 8));
		s->answered_by_name = ev_dup(c, db_col_text(st, 9));
		s->answered_at = db_col_int(st, 10);
	}
	db_finalize(st);
	return RC_OK;
}

int events_get(struct ctx *c, int64_t id, struct event *out)
{
	int rc = ev_load(c, id, out, true);
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
		if (!ev_in_list(q->outcome, ev_outcomes, ARRAY_SIZE(ev_outcomes))) {
			buf_release(&w);
			return ctx_field(c, "outcome", "办结结果应为 resolved、explained、unresolvable、duplicate 或 not_responsible");
		}
		buf_adds(&w, " AND e.outcome = ? AND " EV_CLOSED_SQL);
		db_args_text(&a, q->outcome);
	}
	if (q->rating && q->rating[0]) {
		if (!ev_in_list(q->rating, ev_ratings, ARRAY_SIZE(ev_ratings))) {
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

int events_media_file(struct ctx *c, int64_t id, int64_t media_id, struct file_info *out)
{
	struct event e;
	int rc = ev_load(c, id, &e, false);
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
	int rc = ev_load(c, id, &e, false);
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
