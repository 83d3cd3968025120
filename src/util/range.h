/* The Range header of a GET (RFC 9110 §14.2) for one representation of a known size, as
 * a phone's player sends it to seek in a video: one byte range "bytes=first-last",
 * "bytes=first-" or the suffix "bytes=-length". */
#ifndef UTIL_RANGE_H
#define UTIL_RANGE_H

#include "util/common.h"

enum range_result {
	RANGE_NONE,            /* no header, or one to ignore: send the whole (200) */
	RANGE_OK,              /* send [*first, *last] (206) */
	RANGE_UNSATISFIABLE,   /* 416 with "Content-Range: bytes * / size" */
};

/* Ignored (RANGE_NONE), as the RFC allows: a unit other than bytes, a malformed value,
 * and several ranges (the whole is sent instead of a multipart reply). A last position
 * past the end is cut to the end; a first position at or past the end, a suffix of
 * length 0, or any range of an empty representation is unsatisfiable. */
enum range_result range_parse(const char *header, int64_t size, int64_t *first, int64_t *last);

#endif
