/* Working days: Monday to Friday, except the days a calendar takes off (public
 * holidays), plus the weekend days it makes working days (调休). The calendar is two
 * sorted arrays of dates (days since 1970-01-01); this module knows nothing of where
 * they come from. Days are Asia/Shanghai dates (see timeutil.h). */
#ifndef UTIL_WORKDAYS_H
#define UTIL_WORKDAYS_H

#include "util/common.h"

#define WORKDAYS_MAX 366   /* working days one call may add */

struct workdays {
	const int64_t *off;   /* sorted: days off although Monday to Friday (or any day) */
	int noff;
	const int64_t *on;    /* sorted: days worked although Saturday or Sunday */
	int non;
};

/* 0 = Monday … 6 = Sunday. */
int workdays_weekday(int64_t day);
/* True when the date is a working day under the calendar (a day in both lists counts
 * as worked). w may be NULL: plain Monday to Friday. */
bool workdays_is_working(const struct workdays *w, int64_t day);
/* The deadline n working days after the instant t: the end (the next midnight, as a
 * UTC instant) of the n-th working day after t's own Asia/Shanghai date, which does not
 * count. n from 1 to WORKDAYS_MAX; returns -1 otherwise. */
int64_t workdays_deadline(const struct workdays *w, int64_t t, int n);
/* Working days strictly after day a up to day b inclusive (0 when b <= a). */
int workdays_between(const struct workdays *w, int64_t a, int64_t b);

#endif
