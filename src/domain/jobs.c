/* Scheduled jobs. Each job is idempotent: running it twice changes nothing more. Several
 * servers on one PostgreSQL run their passes one at a time: a pass holds an advisory
 * lock (JOBS_LOCK) on its connection from start to end, so no two passes of the jobs
 * interleave, and a pass sees everything the one before it did. */
#include "domain/dashboards/daily.h"
#include "domain/disputes/disputes.h"
#include "domain/events/events.h"
#include "domain/grid/grid.h"
#include "domain/jobs.h"
#include "domain/kernel/chain.h"
#include "domain/kernel/files.h"
#include "domain/kernel/idem.h"
#include "domain/points/ledger.h"
#include "domain/points/publicity.h"
#include "domain/register/account.h"
#include "domain/register/hhcode.h"
#include "domain/shop/counter.h"
#include "domain/voice/voice.h"

static int count_then(struct ctx *c, int64_t *n, const char *count_sql, const char *delete_sql,
		      int64_t before)
{
	if (db_get_int(c->db, n, count_sql, "i", before) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "定时任务");
	if (*n && db_run(c->db, delete_sql, "i", before) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "定时任务");
	return RC_OK;
}

#define JOBS_LOCK 7453002 /* beside migrate.c's 7453001 */

static enum result run_pass(struct ctx *c, struct jobs_report *out)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	rc = count_then(c, &out->sessions_expired, "SELECT count(*) FROM sessions WHERE expires_at <= ?",
			"DELETE FROM sessions WHERE expires_at <= ?", c->now);
	/* a lock lasts one window from its last failure, so two windows old is always stale */
	if (!rc)
		rc = count_then(c, &out->failures_cleared,
				"SELECT count(*) FROM login_failures WHERE window_start < ?",
				"DELETE FROM login_failures WHERE window_start < ?",
				c->now - 2 * ACCOUNT_FAIL_WINDOW);
	int64_t keys;
	if (!rc)
		rc = idem_expire(c, &keys);
	int64_t codes;
	if (!rc)
		rc = hhcode_expire(c, &codes);
	if ((rc = ctx_end(c, rc)))
		return rc;
	if ((rc = publicity_credit_due(c, &out->credited)))
		return rc;
	if ((rc = counter_lapse_due(c, &out->preorders_lapsed)))
		return rc;
	if ((rc = events_deadlines_due(c, &out->events_warned, &out->events_overdue, &out->events_escalated)))
		return rc;
	if ((rc = disputes_followups_due(c, &out->disputes_followups)))
		return rc;
	if ((rc = ledger_reset_due(c, &out->reset_entries)))
		return rc;
	if ((rc = grid_positions_expire(c, &out->positions_thinned, &out->positions_deleted)))
		return rc;
	if ((rc = files_sweep_due(c, &out->files_removed)))
		return rc;
	int64_t days; /* the dashboards' daily aggregates of the days that are over */
	if ((rc = daily_fill(c, &days)))
		return rc;
	int spoken; /* the broadcasts' audio (espeak-ng) */
	if ((rc = voice_audio_job(c, &spoken)))
		return rc;
	/* last, so the heads the jobs moved are recorded too */
	return chain_checkpoint(c, &out->heads_recorded);
}

/* A job that failed inside its transaction leaves it to be rolled back here, so the
 * unlock below is not refused by an aborted transaction (a session lock left held would
 * stop every other server's passes). */
static void release(struct ctx *c)
{
	if (db_in_tx(c->db))
		db_rollback(c->db);
}

/* A pass asked for (`cunzhi tick`, the test clock) waits for another server's pass to end,
 * then runs: the caller counts on the jobs having run at its time when it returns. */
enum result jobs_run_report(struct ctx *c, struct jobs_report *out)
{
	memset(out, 0, sizeof(*out));
	if (db_lock(c->db, JOBS_LOCK) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "定时任务");
	enum result rc = run_pass(c, out);
	release(c);
	if (db_unlock(c->db, JOBS_LOCK) != DB_OK && !rc)
		rc = ctx_db_fail(c, DB_ERROR, "定时任务");
	return rc;
}

/* The scheduler's pass every half minute: skipped while another server (or a pass asked
 * for) runs one; the next comes soon enough. */
enum result jobs_run(struct ctx *c)
{
	struct jobs_report r;
	memset(&r, 0, sizeof(r));
	bool got;
	if (db_lock_try(c->db, JOBS_LOCK, &got) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "定时任务");
	if (!got)
		return RC_OK;
	enum result rc = run_pass(c, &r);
	release(c);
	if (db_unlock(c->db, JOBS_LOCK) != DB_OK && !rc)
		rc = ctx_db_fail(c, DB_ERROR, "定时任务");
	return rc;
}
