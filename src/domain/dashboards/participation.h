/* The households that took part in a month or a week, per village (migration 039):
 * those with an earning ledger entry (claim, award, activity) in the period, stored for
 * the periods that are over, so that the dashboards' series of two years by month or by
 * week do not count distinct households over millions of ledger entries on each
 * request. A period not stored (the current one, one a late entry unmarked) is the
 * caller's to count from the ledger. */
#ifndef DOMAIN_DASHBOARDS_PARTICIPATION_H
#define DOMAIN_DASHBOARDS_PARTICIPATION_H

#include "domain/kernel/ctx.h"

/* For the buckets [bounds[i], bounds[i + 1]) (days, nb of them, all weeks from Monday
 * or all calendar months): done[i] when the bucket is a stored period, households[i]
 * then its count summed over the villages whose path is LIKE like. No access check. */
enum result participation_stored(struct ctx *c, const char *like, const int64_t *bounds, int nb, bool *done,
				 int64_t *households);

/* The job: stores every month and week that is over (by the context's clock) and not
 * stored, from the ledger's first entry, one period per transaction; *periods = the
 * periods stored now. Idempotent. */
enum result participation_fill(struct ctx *c, int64_t *periods);

/* Removes every stored period (inside the caller's transaction). */
enum result participation_clear(struct ctx *c);

/* Recomputes every stored period from the ledger and compares. */
struct participation_report {
	int64_t periods;         /* periods stored */
	int64_t differences;     /* villages whose count differs, over all periods */
	int64_t village_id;      /* the first difference: village, period */
	int64_t start_day;
	bool week;
};
enum result participation_verify(struct ctx *c, struct participation_report *out);

#endif
