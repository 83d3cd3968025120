/* Scheduled jobs: idempotent maintenance run by the server's scheduler thread every
 * half minute and once by `cunzhi tick`. Later modules add their jobs here. */
#ifndef DOMAIN_JOBS_H
#define DOMAIN_JOBS_H

#include "domain/kernel/ctx.h"

struct jobs_report {
	int64_t sessions_expired;
	int64_t failures_cleared;
	int64_t credited;        /* 公示 entries credited to the ledger */
	int64_t reset_entries;   /* yearly reset entries written */
	int64_t preorders_lapsed; /* shop pre-orders lapsed, their stock put back */
	int64_t events_warned, events_overdue, events_escalated; /* 民情 deadlines */
	int64_t disputes_followups; /* disputes whose follow-up fell due, told to their mediators */
	int64_t positions_thinned, positions_deleted; /* grid workers' positions (grid.h) */
	int64_t files_removed;   /* uploads no record refers to (files.h) */
	int64_t heads_recorded;  /* chain heads written to the record outside the database */
};

enum result jobs_run(struct ctx *c);
enum result jobs_run_report(struct ctx *c, struct jobs_report *out);

#endif
