/* Working-day arithmetic over a calendar of exceptions. */
#include "util/timeutil.h"
#include "util/workdays.h"

int workdays_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday (3) */
	int64_t r = (day + 3) % 7;
	return (int)(r < 0 ? r + 7 : r);
}

static bool contains(const int64_t *a, int n, int64_t x)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo] == x;
}

bool workdays_is_working(const struct workdays *w, int64_t day)
{
	if (w && contains(w->on, w->non, day))
		return true;
	if (w && contains(w->off, w->noff, day))
		return false;
	return workdays_weekday(day) < 5;
}

int64_t workdays_deadline(const struct workdays *w, int64_t t, int n)
{
	if (n < 1 || n > WORKDAYS_MAX)
		return -1;
	int64_t day = time_cn_days(t);
	/* a year has at least 240 working days: 3 * n + 60 calendar days always suffice */
	for (int64_t k = 0, limit = 3 * (int64_t)n + 60; k < limit; k++) {
		day++;
		if (workdays_is_working(w, day) && --n == 0)
			return time_cn_midnight(day + 1);
	}
	return -1;
}

int workdays_between(const struct workdays *w, int64_t a, int64_t b)
{
	int n = 0;
	for (int64_t d = a + 1; d <= b; d++)
		n += workdays_is_working(w, d);
	return n;
}
