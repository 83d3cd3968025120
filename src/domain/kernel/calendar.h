/* The holiday calendar of the working-day deadlines: public holidays and the weekend
 * days made working days (调休), seeded from a table generated at build time (the npm
 * package chinese-days, see tools/holidays) and edited by the county admin. */
#ifndef DOMAIN_KERNEL_CALENDAR_H
#define DOMAIN_KERNEL_CALENDAR_H

#include "domain/kernel/ctx.h"

#define CALENDAR_NAME_MAX 20   /* characters */

/* One row of the generated seed (build/holidays.c), ended by a zeroed row. */
struct calendar_seed_day {
	const char *day;    /* "YYYY-MM-DD" */
	const char *kind;   /* "holiday" or "workday" */
	const char *name;   /* 春节 */
};
extern const struct calendar_seed_day calendar_seed_days[];
extern const char calendar_seed_version[];

/* Adds the seed's days that the table does not have yet (the county admin's entries
 * are never overwritten); does nothing when this seed version was applied already.
 * One transaction. Called after the migrations when the database is opened. */
int calendar_seed(struct db *db, int64_t now);

/* The deadline n working days after the instant t (see util/workdays.h), reading the
 * calendar; RC_INVALID for n outside 1…WORKDAYS_MAX. */
int calendar_deadline(struct ctx *c, int64_t t, int n, int64_t *due);
/* True when the Asia/Shanghai date (days since epoch) is a working day. */
int calendar_is_working(struct ctx *c, int64_t day, bool *working);

struct calendar_day {
	char day[11];
	const char *kind, *name, *source;
	int64_t updated_at;
};

/* The entries of a year (Jan 1 to Dec 31), by date. Anyone logged in may read. */
int calendar_list(struct ctx *c, int year, struct calendar_day **out, int *n);
/* Sets one date (P_EVENT_ADMIN on some county): kind "holiday", "workday" or "normal"
 * (plain weekday rules), with a name. Audited on the actor's county chain. Field errors
 * name day, kind, name. */
int calendar_set(struct ctx *c, const char *day, const char *kind, const char *name);

#endif
