/* Events 民情: the state machine — each move checked against the actor's role and
 * scope and the event's state, written with a guard on the old state. */
#include "domain/events/internal.h"
#include "domain/kernel/calendar.h"

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
		if ((rc = ev_finish_days_of(c, e->category_id, &days)) || (rc = calendar_deadline(c, c->now, days, &due)))
			return rc;
		to = "accepted";
		db_args_int(&a, c->now);
		db_args_int(&a, due);
		if ((rc = update_guarded(c, e, "state = 'accepted', accepted_at = ?, finish_due = ?", &a)))
			return rc;
		if ((rc = ev_set_window(c, e->id, c->now, due)))
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
		if ((rc = ev_check_department(c, e, want, &d)))
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
			rc = ev_load(c, m->duplicate_of, &other, false);
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
			if ((rc = ev_finish_days_of(c, e->category_id, &days)) ||
			    (rc = calendar_deadline(c, c->now, days, &due)))
				return rc;
			to = "handling";
			db_args_int(&a, due);
			if ((rc = update_guarded(c, e, "state = 'handling', reopened = 1, finish_due = ?, finished_at = NULL, "
						       "outcome = NULL, outcome_note = '', duplicate_of = NULL, rating = NULL",
						 &a)))
				return rc;
			if ((rc = ev_set_window(c, e->id, c->now, due)))
				return rc;
		} else {
			to = "visited";
			db_args_text(&a, m->rating);
			db_args_int(&a, c->now);
			if ((rc = update_guarded(c, e, "state = 'visited', rating = ?, visited_at = ?", &a)))
				return rc;
		}
		if ((rc = ev_add_step(c, e->id, "visit", e->state, "visited", dept,
				      arena_printf(c->arena, "%s%s%s", m->rating, note[0] ? "：" : "", note))))
			return rc;
		if (reopen) {
			if ((rc = ev_add_step(c, e->id, "reopen", "visited", "handling", dept, "回访不满意，重新办理")))
				return rc;
		}
		return ev_audit_move(c, e, reopen ? "reopen" : "visit", to, dept, "rating", m->rating);
	}
	case EA_NOTE:
	case EA_REPLY:
		if ((rc = update_guarded(c, e, "state = state", &a)))
			return rc;
		break;
	case EA_REOPEN: {
		int days;
		int64_t due;
		if ((rc = ev_finish_days_of(c, e->category_id, &days)) || (rc = calendar_deadline(c, c->now, days, &due)))
			return rc;
		to = "handling";
		db_args_int(&a, due);
		if ((rc = update_guarded(c, e, "state = 'handling', finish_due = ?, finished_at = NULL, outcome = NULL, "
					       "outcome_note = '', duplicate_of = NULL, rating = NULL, visited_at = NULL", &a)))
			return rc;
		if ((rc = ev_set_window(c, e->id, c->now, due)))
			return rc;
		break;
	}
	default:
		return ctx_fail(c, RC_INTERNAL, "未知操作");
	}
	const char *step_note = note;
	if (bit == EA_FINISH)
		step_note = arena_printf(c->arena, "%s%s%s", m->outcome, note[0] ? "：" : "", note);
	if ((rc = ev_add_step(c, e->id, m->action, e->state, to, dept, step_note)))
		return rc;
	if (ev_media_any(&m->media)) {
		/* the step just added: the event's row is locked by the guarded update */
		int64_t step = 0;
		int dbrc = db_get_int(c->db, &step, "SELECT MAX(id) FROM event_steps WHERE event_id = ?", "i", e->id);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "读取处理过程");
		if ((rc = ev_media_insert(c, e->id, step, &m->media)))
			return rc;
		return ev_audit_move(c, e, m->action, to, dept, "media", ev_media_label(&m->media));
	}
	return ev_audit_move(c, e, m->action, to, dept, bit == EA_FINISH ? "outcome" : NULL, m->outcome);
}

static int move_checked(struct ctx *c, int64_t id, const struct event_move *m, bool trusted)
{
	unsigned bit = ev_action_bit(m->action);
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
		if (!ev_in_list(m->outcome, ev_outcomes, ARRAY_SIZE(ev_outcomes)))
			ctx_field(c, "outcome", "办结结果应为 resolved、explained、unresolvable、duplicate 或 not_responsible");
		else
			reason = !strcmp(m->outcome, "unresolvable") || !strcmp(m->outcome, "not_responsible");
	}
	if (bit == EA_VISIT && !ev_in_list(m->rating, ev_ratings, ARRAY_SIZE(ev_ratings)))
		ctx_field(c, "rating", "评价应为 satisfied（满意）、basic（基本满意）或 unsatisfied（不满意）");
	ctx_check_text(c, "note", m->note, EVENT_NOTE_MAX, (reason ? CTX_TEXT_REQUIRED : 0) | CTX_TEXT_MULTILINE,
		       bit == EA_NOTE ? "进展" : bit == EA_REPLY ? "补充说明" : "理由");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct event e;
	int rc = ev_load(c, id, &e, false);
	if (rc)
		return rc;
	if (!trusted && !(ev_role_allows(c, &e) & bit))
		return ctx_fail(c, RC_FORBIDDEN, "无权对该事件执行此操作");
	if (!(ev_state_allows(&e) & bit))
		return ctx_fail(c, RC_CONFLICT, "事件当前为「%s」，不能执行此操作", events_state_label(e.state));
	return do_move(c, &e, m, bit);
}

int events_move(struct ctx *c, int64_t id, const struct event_move *m)
{
	/* an unknown action or bad fields: nothing to begin */
	unsigned bit = ev_action_bit(m->action);
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
	const char *state = rc == DB_ROW ? ev_dup(c, db_col_text(st, 0)) : "";
	int64_t dept = rc == DB_ROW ? db_col_int(st, 1) : 0;
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "民情事件不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取民情事件");
	int dbrc = db_run(c->db, "UPDATE events SET updated_at = ? WHERE id = ?", "ii", c->now, id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "更新民情事件");
	return ev_add_step(c, id, action, state, state, dept, note);
}
