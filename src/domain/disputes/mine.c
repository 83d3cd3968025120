/* Disputes 矛盾纠纷: the party's own view — the disputes a
 * villager is a party to. */
#include "domain/disputes/internal.h"

/* ---- the party's view ---- */

static int64_t own_household(const struct ctx *c)
{
	return c->actor ? c->actor->household_id : 0;
}

int disputes_mine_list(struct ctx *c, struct dispute **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct db_stmt *st = db_query(c->db, "SELECT e.id FROM events e WHERE e.kind = 'dispute' AND (e.reporter_id = ? OR "
					     "EXISTS (SELECT 1 FROM dispute_parties p WHERE p.event_id = e.id AND "
					     "p.household_id = ?)) ORDER BY e.created_at DESC, e.id DESC LIMIT 50",
				      "ii", c->actor->user_id, own_household(c) ? own_household(c) : -1);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取纠纷");
	int64_t ids[50];
	int k = 0;
	while (k < 50 && db_step(st) == DB_ROW)
		ids[k++] = db_col_int(st, 0);
	db_finalize(st);
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(k ? k : 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < k; i++) {
		int rc = disputes_mine_get(c, ids[i], &(*out)[i]);
		if (rc)
			return rc;
		(*out)[i].ev.nsteps = 0;
		(*n)++;
	}
	return RC_OK;
}

int disputes_mine_get(struct ctx *c, int64_t id, struct dispute *out)
{
	memset(out, 0, sizeof(*out));
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int64_t reporter = 0, party = 0;
	struct db_stmt *st = db_query(c->db, "SELECT COALESCE(e.reporter_id, 0), (SELECT count(*) FROM dispute_parties p "
					     "WHERE p.event_id = e.id AND p.household_id = ?) FROM events e WHERE e.id = ? "
					     "AND e.kind = 'dispute'",
				      "ii", own_household(c) ? own_household(c) : -1, id);
	int dbrc = st ? db_step(st) : DB_ERROR;
	if (dbrc == DB_ROW) {
		reporter = db_col_int(st, 0);
		party = db_col_int(st, 1);
	}
	db_finalize(st);
	if (dbrc != DB_ROW && dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取纠纷");
	bool self_reported = reporter && reporter == c->actor->user_id;
	if (dbrc == DB_DONE || (!self_reported && !party))
		return ctx_fail(c, RC_NOT_FOUND, "纠纷不存在");
	/* the event read as the system (the party need not be its reporter), then trimmed
	 * to what a party may see */
	struct ctx sys = *c;
	sys.system = true;
	sys.actor = NULL;
	int rc = events_get(&sys, id, &out->ev);
	if (rc) {
		c->err = sys.err;
		return rc;
	}
	if ((rc = dp_load_row(c, id, out)))
		return rc;
	if (!self_reported) {
		out->ev.description = "";
		out->ev.reporter_name = "";
		out->ev.reporter_phone = "";
	} else if (out->ev.anonymous) {
		out->ev.reporter_name = c->actor->name;
	}
	out->ev.address = "";
	out->ev.nphotos = 0;
	out->ev.nsupervisions = 0;
	out->ev.can = 0;
	/* the agreement's text stays with the mediators (it names the parties) */
	out->agreement = "";
	out->agreement_photo = "";
	out->followup_note = "";
	out->referred_note = "";
	/* steps: staff names are shown (as to any reporter); the notes of progress and of
	 * the follow-up may speak of the other parties, so they are left out */
	for (int i = 0; i < out->ev.nsteps; i++)
		if (!strcmp(out->ev.steps[i].action, "note") || !strcmp(out->ev.steps[i].action, "followup") ||
		    !strcmp(out->ev.steps[i].action, "create"))
			out->ev.steps[i].note = "";
	if ((rc = dp_read_parties(c, out, false, true, own_household(c))) ||
	    (rc = dp_read_more(c, out, false)))
		return rc;
	return RC_OK;
}
