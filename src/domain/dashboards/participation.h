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

/* The households that took part in the month beginning on day month (time_cn_days) so
 * far, from the rows kept as the ledger is written (migration 043): fn(village_id,
 * households) for each village whose path is LIKE like and has any. *have = false (and no
 * call) when that month's rows are not complete (before the first complete month). No
 * access check. */
typedef int (*participation_fn)(struct ctx *c, int64_t village_id, int64_t households, void *arg);
enum result participation_month(struct ctx *c, const char *like, int64_t month, bool *have, participation_fn fn,
				 void *arg);

/* The job: stores every month and week that is over (by the context's clock) and not
 * stored, from the ledger's first entry, one period per transaction; *periods = the
 * periods stored now; and drops the kept households of the months before the last one
 * (their counts stored). Idempotent. */
enum result participation_fill(struct ctx *c, int64_t *periods);

/* Removes every stored period, and counts the kept households of the complete months
 * (to the clock's) again from the ledger (inside the caller's transaction). */
enum result participation_clear(struct ctx *c);

/* Recomputes every stored period from the ledger and compares. */
struct participation_report {
	int64_t periods;         /* periods stored */
	int64_t differences;     /* villages whose count differs, over all periods */
	int64_t village_id;      /* the first difference: village, period */
	int64_t start_day;
	bool week;
	bool kept;               /* the difference is in a month's kept households */
	int64_t months;          /* complete months of kept households (migration 043) */
};
enum result participation_verify(struct ctx *c, struct participation_report *out);

#endif
