/* Disputes 矛盾纠纷: the mediators of a dispute — the
 * candidates, adding and removing them. */
#include "domain/disputes/internal.h"

/* ---- mediators ---- */

/* The roles that may mediate, as a SQL list "('a', 'b')" (role names are fixed words). */
static const char *mediator_roles(struct ctx *c)
{
	struct buf b;
	buf_init(&b, 1024);
	buf_adds(&b, "(");
	int k = 0;
	for (const struct role_def *r = access_roles(); r->name; r++)
		if (r->perms & P_DISPUTE_MEDIATE)
			buf_addf(&b, "%s'%s'", k++ ? ", " : "", r->name);
	buf_adds(&b, ")");
	const char *out = b.failed ? "('')" : arena_strdup(c->arena, b.ptr);
	buf_release(&b);
	return out;
}

/* Accounts that may mediate the event: a mediating role granted on a unit whose path
 * covers the village, lies inside it, or is the event's department. */
#define CANDIDATES_SQL                                                                            \
	"FROM role_grants g JOIN users u ON u.id = g.user_id JOIN org_units o ON o.id = g.unit_id "  \
	"WHERE u.status = 'active' AND g.role IN %s AND (substr(?, 1, length(o.path)) = o.path OR "  \
	"o.path LIKE ? OR o.id = ?)"

int disputes_mediator_candidates(struct ctx *c, int64_t id, struct dispute_mediator **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct dispute d;
	int rc = dp_load_event(c, id, &d, false);
	if (rc)
		return rc;
	if (!dp_manages(c, &d.ev))
		return ctx_fail(c, RC_FORBIDDEN, "无权指定调解员");
	char *sql = arena_printf(c->arena, "SELECT DISTINCT u.id, u.name " CANDIDATES_SQL " ORDER BY u.name, u.id LIMIT 200",
				 mediator_roles(c));
	struct db_stmt *st = db_query(c->db, sql, "tti", d.ev.village_path,
				      arena_printf(c->arena, "%s%%", d.ev.village_path), d.ev.department_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取调解员");
	int cap = 0;
	while (db_step(st) == DB_ROW) {
		struct dispute_mediator *grown = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!grown)
			break;
		*out = grown;
		struct dispute_mediator *m = &(*out)[(*n)++];
		memset(m, 0, sizeof(*m));
		m->user_id = db_col_int(st, 0);
		m->name = dp_dup(c, db_col_text(st, 1));
	}
	db_finalize(st);
	return RC_OK;
}

int dp_load_for_change(struct ctx *c, int64_t id, struct dispute *d)
{
	int rc = dp_load_event(c, id, d, false);
	if (rc)
		return rc;
	dp_fill_can(c, d);
	return RC_OK;
}

/* Opens the transaction and loads dispute id for a change of its mediators, which the
 * actor must manage (refused says what). Ends the transaction when it fails. */
static int begin_mediators(struct ctx *c, int64_t id, struct dispute *d, const char *refused)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if ((rc = dp_load_for_change(c, id, d)))
		return ctx_end(c, rc);
	if (!dp_manages(c, &d->ev))
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "%s", refused));
	return RC_OK;
}

int disputes_mediator_add(struct ctx *c, int64_t id, int64_t user_id)
{
	struct dispute d;
	int rc = begin_mediators(c, id, &d, "无权指定调解员");
	if (rc)
		return rc;
	if (!strcmp(d.ev.state, "rejected") || !strcmp(d.ev.state, "visited") ||
	    (d.outcome[0] && !strcmp(d.ev.state, "finished")))
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "纠纷已办结，不能再指定调解员"));
	char *sql = arena_printf(c->arena, "SELECT u.name " CANDIDATES_SQL " AND u.id = ? LIMIT 1", mediator_roles(c));
	struct db_stmt *st = db_query(c->db, sql, "ttii", d.ev.village_path,
				      arena_printf(c->arena, "%s%%", d.ev.village_path), d.ev.department_id, user_id);
	int dbrc = st ? db_step(st) : DB_ERROR;
	const char *name = dbrc == DB_ROW ? dp_dup(c, db_col_text(st, 0)) : NULL;
	db_finalize(st);
	if (dbrc != DB_ROW && dbrc != DB_DONE)
		return ctx_end(c, ctx_db_fail(c, dbrc, "读取调解员"));
	if (!name)
		return ctx_end(c, ctx_field(c, "user_id", "该账号不能调解这起纠纷（应为本村、本镇或承办部门的调解人员）"));
	int64_t have = 0;
	db_get_int(c->db, &have, "SELECT count(*) FROM dispute_mediators WHERE event_id = ?", "i", id);
	if (have >= DISPUTE_MEDIATORS_MAX)
		return ctx_end(c, ctx_field(c, "user_id", "调解员最多 %d 人", DISPUTE_MEDIATORS_MAX));
	if (is_mediator_user(c, id, user_id))
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "%s已是调解员", name));
	dbrc = db_run(c->db, "INSERT INTO dispute_mediators (event_id, user_id, assigned_by, assigned_at) VALUES "
			     "(?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
		      "iiii", id, user_id, ctx_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "指定调解员"));
	rc = events_step_tx(c, id, "mediator_add", arena_printf(c->arena, "指定调解员：%s", name));
	if (!rc)
		rc = dp_audit(c, d.ev.village_id, "dispute", id, "mediator_add", "name", name, "user_id", user_id);
	return ctx_end(c, rc);
}

bool is_mediator_user(struct ctx *c, int64_t id, int64_t user_id)
{
	int64_t n = 0;
	db_get_int(c->db, &n, "SELECT count(*) FROM dispute_mediators WHERE event_id = ? AND user_id = ?", "ii", id,
		   user_id);
	return n > 0;
}

int disputes_mediator_remove(struct ctx *c, int64_t id, int64_t user_id)
{
	struct dispute d;
	int rc = begin_mediators(c, id, &d, "无权撤换调解员");
	if (rc)
		return rc;
	const char *name = NULL;
	struct db_stmt *st = db_query(c->db, "SELECT u.name FROM dispute_mediators m JOIN users u ON u.id = m.user_id "
					     "WHERE m.event_id = ? AND m.user_id = ?", "ii", id, user_id);
	if (st && db_step(st) == DB_ROW)
		name = dp_dup(c, db_col_text(st, 0));
	db_finalize(st);
	if (!name)
		return ctx_end(c, ctx_field(c, "user_id", "该账号不是这起纠纷的调解员"));
	int dbrc = db_run(c->db, "DELETE FROM dispute_mediators WHERE event_id = ? AND user_id = ?", "ii", id, user_id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "撤换调解员"));
	rc = events_step_tx(c, id, "mediator_remove", arena_printf(c->arena, "撤换调解员：%s", name));
	if (!rc)
		rc = dp_audit(c, d.ev.village_id, "dispute", id, "mediator_remove", "name", name, "user_id", user_id);
	return ctx_end(c, rc);
}
