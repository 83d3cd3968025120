/* Calendar arithmetic (days-from-civil after H. Hinnant's public-domain algorithms). */
#include <time.h>

#include "util/num.h"
#include "util/timeutil.h"

int64_t time_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t time_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int time_parse_date(const char *s, int64_t *days)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int64_t y, m, d;
	if (num_parse_i64n(s, 4, 1000, 9999, &y))
		return -1;
	/* "01".."31": allow the leading zero that num_parse_i64n refuses */
	if (s[8] < '0' || s[8] > '3' || s[9] < '0' || s[9] > '9')
		return -1;
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (s[5] < '0' || s[5] > '1' || s[6] < '0' || s[6] > '9')
		return -1;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (m < 1 || m > 12 || d < 1 || d > days_in_month((int)y, (int)m))
		return -1;
	*days = time_days_from_civil((int)y, (int)m, (int)d);
	return 0;
}

bool time_date_valid(const char *s)
{
	int64_t d;
	return time_parse_date(s, &d) == 0;
}

int64_t time_cn_midnight(int64_t days)
{
	return days * 86400 - TIME_CN_OFFSET;
}

int64_t time_cn_days(int64_t t)
{
	int64_t local = t + TIME_CN_OFFSET;
	return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

void time_to_cn(int64_t t, struct civil *c)
{
	int64_t days = time_cn_days(t);
	int64_t rem = t + TIME_CN_OFFSET - days * 86400;
	time_civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem % 3600 / 60);
	c->sec = (int)(rem % 60);
}

void time_format_iso(int64_t t, char out[26])
{
	struct civil c;
	time_to_cn(t, &c);
	char tmp[80]; /* wide enough for any int, so the compiler sees no truncation */
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d+08:00", c.year % 10000, c.month,
		 c.day, c.hour, c.min, c.sec);
	str_copy(out, 26, tmp);
}

void time_format_date(int64_t t, char out[11])
{
	struct civil c;
	time_to_cn(t, &c);
	char tmp[40];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", c.year % 10000, c.month, c.day);
	str_copy(out, 11, tmp);
}

int time_age(int64_t birth_days, int64_t t)
{
	int by, bm, bd;
	struct civil c;
	time_civil_from_days(birth_days, &by, &bm, &bd);
	time_to_cn(t, &c);
	int age = c.year - by;
	if (c.month < bm || (c.month == bm && c.day < bd))
		age--;
	return age;
}

/* Two digits at s into *out within [min, max]; -1 when not digits or out of range. */
static int two_digits(const char *s, int min, int max, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return *out < min || *out > max ? -1 : 0;
}

int time_parse_iso(const char *s, int64_t *out)
{
	char date[11];
	int64_t days;
	int hh, mi, ss = 0, oh = 0, om = 0, sign = 0;
	size_t n = s ? strlen(s) : 0;
	if (n < 17 || n > 35 || s[10] != 'T')
		return -1;
	memcpy(date, s, 10);
	date[10] = 0;
	if (time_parse_date(date, &days) || two_digits(s + 11, 0, 23, &hh) || s[13] != ':' ||
	    two_digits(s + 14, 0, 59, &mi))
		return -1;
	const char *p = s + 16;
	if (*p == ':') {
		if (two_digits(p + 1, 0, 59, &ss))
			return -1;
		p += 3;
		/* fractional seconds (JavaScript's toISOString() sends milliseconds): 1 to 9
		 * digits, truncated */
		if (*p == '.') {
			int k = 0;
			while (k < 10 && p[1 + k] >= '0' && p[1 + k] <= '9')
				k++;
			if (k < 1 || k > 9)
				return -1;
			p += 1 + k;
		}
	}
	if (!strcmp(p, "Z")) {
		sign = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
		   !two_digits(p + 1, 0, 14, &oh) && !two_digits(p + 4, 0, 59, &om)) {
		sign = *p == '+' ? 1 : -1;
	} else {
		return -1;
	}
	*out = days * 86400 + hh * 3600 + mi * 60 + ss - sign * (oh * 3600 + om * 60);
	return 0;
}
