/* Time: stored as UTC seconds, shown in Asia/Shanghai (UTC+8, no daylight saving since
 * 1991). Calendar arithmetic is done here without gmtime/localtime. */
#ifndef UTIL_TIMEUTIL_H
#define UTIL_TIMEUTIL_H

#include "util/common.h"

#define TIME_CN_OFFSET (8 * 3600)

struct civil {
	int year, month, day, hour, min, sec;
};

int64_t time_now(void);
/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t time_days_from_civil(int y, int m, int d);
void time_civil_from_days(int64_t days, int *y, int *m, int *d);
/* True for a real calendar date written YYYY-MM-DD. */
bool time_date_valid(const char *s);
/* Parses YYYY-MM-DD into *days (since epoch); returns -1 if invalid. */
int time_parse_date(const char *s, int64_t *days);
/* The UTC instant of midnight Asia/Shanghai on that date. */
int64_t time_cn_midnight(int64_t days);
/* The Asia/Shanghai date of the instant t, as days since epoch (the inverse). */
int64_t time_cn_days(int64_t t);
/* Civil time in Asia/Shanghai of a UTC instant. */
void time_to_cn(int64_t t, struct civil *c);
/* "YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)" into UTC seconds (a fraction of 1 to 9
 * digits is truncated); -1 when malformed. The offset is
 * required, so a time is never read in the server's zone by accident. */
int time_parse_iso(const char *s, int64_t *out);
/* "2026-11-23T18:56:31+08:00" into out[26]. */
void time_format_iso(int64_t t, char out[26]);
/* "2026-11-23" (Asia/Shanghai date) into out[11]. */
void time_format_date(int64_t t, char out[11]);
/* Whole years between birth date (days) and the Shanghai date of instant t. */
int time_age(int64_t birth_days, int64_t t);

#endif
