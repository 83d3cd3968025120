/* Daily aggregates of the points ledger (migration 035): per village, day, category and
 * source, the entries and their sums, stored for the days that are over. The points
 * statistics and the dashboards' series read the stored days from dash_points_daily and
 * every other day (today, a day not stored yet, a day a late entry unmarked) from the
 * ledger, so a figure is the same whichever way it is read. */
#ifndef DOMAIN_DAILY_H
#define DOMAIN_DAILY_H

#include "domain/kernel/ctx.h"

struct daily_row {
	int64_t day;                 /* Asia/Shanghai days since 1970-01-01 (time_cn_days) */
	const char *category, *source;
	int64_t n, pos, neg, net, spendable;
};
typedef int (*daily_fn)(struct ctx *c, const struct daily_row *r, void *arg);

/* Calls fn for every (day, category, source) of the ledger entries written in [from, to)
 * by the villages whose path is LIKE like, summed over those villages. No access check:
 * the caller has checked the unit. */
enum result daily_points(struct ctx *c, const char *like, int64_t from, int64_t to, daily_fn fn, void *arg);

/* The job: stores every day before today (by the context's clock) that is not stored,
 * from the first day of the ledger; *days = the days stored now. Idempotent. */
enum result daily_fill(struct ctx *c, int64_t *days);

/* Clears the aggregates and stores every day before today again. */
enum result daily_rebuild(struct ctx *c, int64_t *days);

/* Recomputes every stored day from the ledger and compares. */
struct daily_report {
	int64_t days;            /* days stored */
	int64_t differences;     /* rows that differ (stored but not recomputed, or the reverse) */
	int64_t village_id, day; /* the first difference */
};
enum result daily_verify(struct ctx *c, struct daily_report *out);

#endif
