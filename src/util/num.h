/* Strict number parsing with bounds (like kore's strtonum): the whole string must be a
 * decimal number within [min, max]; no sign surprises, no trailing text. */
#ifndef UTIL_NUM_H
#define UTIL_NUM_H

#include "util/common.h"

/* Returns 0 and sets *out, or -1 when s is empty, malformed or out of range. */
int num_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Same for exactly len bytes of s (need not be terminated). */
int num_parse_i64n(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

#endif
