/* One byte range from a Range header (see range.h). */
#include <strings.h>

#include "util/num.h"
#include "util/range.h"

#define RANGE_DIGITS_MAX 18   /* positions up to 10^18 - 1: no overflow */

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* A run of digits at *p as a number; false when none or too many. */
static bool digits(const char **p, int64_t *out)
{
	const char *s = *p;
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n > RANGE_DIGITS_MAX || num_parse_i64n(s, n, 0, INT64_MAX, out))
		return false;
	*p = s + n;
	return true;
}

enum range_result range_parse(const char *header, int64_t size, int64_t *first, int64_t *last)
{
	if (!header || size < 0)
		return RANGE_NONE;
	const char *p = header;
	while (is_space(*p))
		p++;
	if (strncasecmp(p, "bytes", 5))
		return RANGE_NONE;
	p += 5;
	while (is_space(*p))
		p++;
	if (*p++ != '=')
		return RANGE_NONE;
	while (is_space(*p))
		p++;
	int64_t a = -1, b = -1;
	if (*p == '-') {
		p++;
		if (!digits(&p, &b))
			return RANGE_NONE;
	} else {
		if (!digits(&p, &a) || *p++ != '-')
			return RANGE_NONE;
		if (*p >= '0' && *p <= '9' && !digits(&p, &b))
			return RANGE_NONE;
		if (b >= 0 && b < a)
			return RANGE_NONE;   /* invalid: ignored */
	}
	while (is_space(*p))
		p++;
	if (*p)
		return RANGE_NONE;   /* several ranges or trailing text: the whole is sent */
	if (a < 0) {             /* suffix: the last b bytes */
		if (b == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return RANGE_OK;
	}
	if (a >= size)
		return RANGE_UNSATISFIABLE;
	*first = a;
	*last = b < 0 || b >= size ? size - 1 : b;
	return RANGE_OK;
}
