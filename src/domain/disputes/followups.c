/* Disputes 矛盾纠纷: the job that tells the mediators when a
 * follow-up visit falls due. */
#include "domain/disputes/internal.h"
#include "util/timeutil.h"

/* ---- the follow-up falling due ---- */

struct due_dispute {
	int64_t id, village_id, due;
};

/* One dispute whose follow-up fell due: stamped (once: a second run finds it stamped),
 * with a step naming its mediators on the event's timeline and an audit record. */
static int notify_followup(struct ctx *c, const struct due_dispute *d, int64_t *count)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t got;
	int dbrc = db_get_int(c->db, &got, "UPDATE disputes SET followup_notified_at = ? WHERE event_id = ? AND "
				       "followup_notified_at IS NULL AND followup_at IS NULL AND outcome = 'mediated' "
				       "RETURNING event_id", "ii", c->now, d->id);
	if (dbrc == DB_DONE)
		return ctx_end(c, RC_OK);   /* done by another run, or visited meanwhile */
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "回访提醒"));
	struct buf names;
	buf_init(&names, 4096);
	struct db_stmt *st = db_query(c->db, "SELECT u.name FROM dispute_mediators m JOIN users u ON u.id = m.user_id "
					     "WHERE m.event_id = ? ORDER BY m.assigned_at, u.id", "i", d->id);
	int n = 0;
	while (st && db_step(st) == DB_ROW)
		buf_addf(&names, "%s%s", n++ ? "、" : "", db_col_text(st, 0));
	db_finalize(st);
	if (!st || names.failed) {
		buf_release(&names);
		return ctx_end(c, ctx_fail(c, RC_INTERNAL, "读取调解员"));
	}
	char day[11];
	time_format_date(d->due, day);
	const char *who = dp_dup(c, names.ptr);
	buf_release(&names);
	const char *note = n ? arena_printf(c->arena, "回访已到期（%s），请调解员%s回访，查看协议是否履行", day, who)
			     : arena_printf(c->arena, "回访已到期（%s），尚未指定调解员，请指定调解员回访", day);
	rc = events_step_tx(c, d->id, "followup_due", note);
	if (!rc)
		rc = dp_audit(c, d->village_id, "dispute", d->id, "followup_notice", "mediators", who, "followup_due", d->due);
	if (!rc)
		(*count)++;
	return ctx_end(c, rc);
}

int disputes_followups_due(struct ctx *c, int64_t *notified)
{
	*notified = 0;
	enum { BATCH = 200 };
	struct due_dispute rows[BATCH];
	for (;;) {
		struct db_stmt *st = db_query(c->db, "SELECT dd.event_id, e.village_id, dd.followup_due FROM disputes dd "
						     "JOIN events e ON e.id = dd.event_id WHERE dd.outcome = 'mediated' AND "
						     "dd.followup_at IS NULL AND dd.followup_notified_at IS NULL AND "
						     "dd.followup_due <= ? ORDER BY dd.event_id LIMIT 200", "i", c->now);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取到期回访");
		int n = 0, dbrc = DB_DONE;
		while (n < BATCH && (dbrc = db_step(st)) == DB_ROW) {
			rows[n].id = db_col_int(st, 0);
			rows[n].village_id = db_col_int(st, 1);
			rows[n].due = db_col_int(st, 2);
			n++;
		}
		db_finalize(st);
		if (n < BATCH && dbrc != DB_DONE)
			return ctx_db_fail(c, dbrc, "读取到期回访");
		for (int i = 0; i < n; i++) {
			int rc = notify_followup(c, &rows[i], notified);
			if (rc)
				return rc;
		}
		if (n < BATCH)
			return RC_OK;
	}
}
