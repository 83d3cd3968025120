/* Events 民情: 督办 — a town or the county presses an open event, and the handler
 * answers. */
#include "domain/events/internal.h"

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

/* Checks the text (field, labelled label), opens the transaction and loads event id.
 * Ends the transaction when it fails. */
static int begin_with_text(struct ctx *c, int64_t id, const char *field, const char *text, const char *label,
			   struct event *e)
{
	ctx_check_text(c, field, text, EVENT_NOTE_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, label);
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if ((rc = ev_load(c, id, e, false)))
		return ctx_end(c, rc);
	return RC_OK;
}

int events_supervise(struct ctx *c, int64_t id, const char *note, int64_t *sid)
{
	struct event e;
	int rc = begin_with_text(c, id, "note", note, "督办意见", &e);
	if (rc)
		return rc;
	if (!(ev_role_allows(c, &e) & EA_SUPERVISE))
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "只有乡镇和区县可以督办"));
	if (!(ev_state_allows(&e) & EA_SUPERVISE))
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "事件已结束，不能督办"));
	int level;
	int64_t unit = supervising_unit(c, e.village_path, &level);
	int dbrc = db_get_int(c->db, sid, "INSERT INTO event_supervisions (event_id, unit_id, level, note, created_by, "
					  "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			      "iiitii", e.id, unit, (int64_t)level, note, ev_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "督办"));
	if (!(rc = ev_add_step(c, e.id, "supervise", e.state, e.state, e.department_id, note)))
		rc = ev_audit_move(c, &e, "supervise", e.state, e.department_id, "note", note);
	return ctx_end(c, rc);
}

int events_answer(struct ctx *c, int64_t id, int64_t sid, const char *answer)
{
	struct event e;
	int rc = begin_with_text(c, id, "answer", answer, "答复", &e);
	if (rc)
		return rc;
	int64_t answered = -1;
	if (db_get_int(c->db, &answered, "SELECT COALESCE(answered_at, 0) FROM event_supervisions WHERE id = ? AND event_id = ?",
		       "ii", sid, id) != DB_OK)
		return ctx_end(c, ctx_fail(c, RC_NOT_FOUND, "督办记录不存在"));
	bool handles = e.village_handled ? ev_can_village(c, P_EVENT_INTAKE, e.village_path)
					 : ev_can_dept(c, e.department_path);
	if (!handles && !c->system)
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "只有承办方可以答复督办"));
	if (answered)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "该督办已答复"));
	int dbrc = db_run(c->db, "UPDATE event_supervisions SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?",
			  "tiii", answer, ev_actor_id(c), c->now, sid);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "答复督办"));
	if (!(rc = ev_add_step(c, e.id, "answer", e.state, e.state, e.department_id, answer)))
		rc = ev_audit_move(c, &e, "answer", e.state, e.department_id, "answer", answer);
	return ctx_end(c, rc);
}
