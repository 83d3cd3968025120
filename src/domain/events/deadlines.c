/* Events 民情: the deadline job — warnings at 80 %, overdue, escalation to the
 * town then the county. */
#include "domain/events/internal.h"
#include "domain/kernel/calendar.h"
#include "util/buf.h"

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
	rc = ev_add_step(c, r->id, level == 1 ? "escalate_town" : "escalate_county", r->state, r->state, 0, note);
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
			rows[n].state = ev_dup(c, db_col_text(st, 4));
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
