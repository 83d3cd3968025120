/* Strict decimal parsing. */
#include "util/num.h"

int num_parse_i64n(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	if (!s || len == 0 || len > 20)
		return -1;
	size_t i = 0;
	bool neg = false;
	if (s[0] == '-') {
		neg = true;
		i = 1;
		if (len == 1)
			return -1;
	}
	/* Leading zeros are allowed only for the number zero itself. */
	if (s[i] == '0' && len - i > 1)
		return -1;
	uint64_t v = 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	int64_t r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -1;
		r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		if (r == 0)
			return -1; /* "-0" */
	} else {
		if (v > (uint64_t)INT64_MAX)
			return -1;
		r = (int64_t)v;
	}
	if (r < min || r > max)
		return -1;
	*out = r;
	return 0;
}

int num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s)
		return -1;
	return num_parse_i64n(s, strlen(s), min, max, out);
}
