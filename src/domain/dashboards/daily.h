/* Daily aggregates of the points ledger (migration 035): per village, day, category and
 * source, the entries and their sums, stored for the days that are over. The points
 * statistics and the dashboards' series read the stored days from dash_points_daily and
 * every other day (today, a day not stored yet, a day a late entry unmarked) from the
 * ledger, so a figure is the same whichever way it is read. */
#ifndef DOMAIN_DAILY_H
#define DOMAIN_DAILY_H

#include "domain/dashboards/participation.h"
#include "domain/kernel/ctx.h"

struct daily_row {
	int64_t day;                 /* Asia/Shanghai days since 1970-01-01 (time_cn_days); 0 by village */
	int64_t village_id;          /* by village; 0 by day */
	const char *category, *source;
	int64_t n, pos, neg, net, spendable;
};
typedef int (*daily_fn)(struct ctx *c, const struct daily_row *r, void *arg);

/* Calls fn for every (day, category, source) of the ledger entries written in [from, to)
 * by the villages whose path is LIKE like, summed over those villages; by_village: for
 * every (village, category, source) instead, summed over the days (a key may come more
 * than once: the caller adds them up). No access check: the caller has checked the
 * unit. */
enum result daily_points(struct ctx *c, const char *like, int64_t from, int64_t to, bool by_village, daily_fn fn,
			 void *arg);

/* The job: stores every day before today (by the context's clock) that is not stored,
 * from the first day of the ledger, and the same for the events (from their first day
 * received) and the months and weeks of participation (participation_fill); *days = the
 * days of points stored now. Idempotent. */
enum result daily_fill(struct ctx *c, int64_t *days);

/* Clears the aggregates (points, events, participation) and stores them again, and
 * counts the households by village and group again. */
enum result daily_rebuild(struct ctx *c, int64_t *days);

/* Recomputes every stored day from the ledger and compares. */
struct daily_report {
	int64_t days;            /* days stored */
	int64_t differences;     /* rows that differ (stored but not recomputed, or the reverse) */
	int64_t village_id, day; /* the first difference */
	/* the towns' and counties' rows (points and events, migrations 040, 041) against the
	 * village rows they sum */
	int64_t unit_differences, unit_id, unit_day;
	/* the households counted by village and group (migration 042) against a count */
	int64_t count_differences, count_village_id;
	/* the same for the events (migration 037) */
	int64_t event_days, event_differences, event_village_id, event_day;
	struct participation_report participation; /* migration 039 */
};
enum result daily_verify(struct ctx *c, struct daily_report *out);

/* The daily aggregates of the events (migration 037), by day received: marks in
 * stored[d - d0] the days of [d0, d1) that are stored, and calls fn for each stored day
 * that has events in the villages whose path is LIKE like, with their sums received,
 * closed, resolved, on_time, rated, satisfied (as events_stats counts them). The other
 * days are the caller's to read from the events. No access check. */
typedef int (*daily_events_fn)(struct ctx *c, int64_t day, const int64_t v[6], void *arg);
enum result daily_events(struct ctx *c, const char *like, int64_t d0, int64_t d1, bool *stored, daily_events_fn fn,
			 void *arg);

#endif
