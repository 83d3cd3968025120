/* Included first by every module: standard headers and the banned-function list. */
#ifndef UTIL_COMMON_H
#define UTIL_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Copies src into dst (size n), always terminating; returns false if src was cut. */
bool str_copy(char *dst, size_t n, const char *src);

/* Whether s is one of list's strings (the list ends with NULL); false for a NULL s. */
bool str_in(const char *s, const char *const *list);

#endif
