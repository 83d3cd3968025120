/* Growable byte buffer with a hard maximum (like curl's dynbuf). Every append checks
 * the cap; once an append fails the buffer is marked failed and later appends are
 * refused, so callers may check once at the end. The content is always NUL-terminated. */
#ifndef UTIL_BUF_H
#define UTIL_BUF_H

#include "util/common.h"

struct buf {
	char *ptr;
	size_t len, cap, max;
	bool failed;
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
/* Each returns 0, or -1 when the cap would be exceeded or memory ran out. */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
int buf_add_json_string(struct buf *b, const char *s);
/* Appends the whole content of the file at path; -1 when it cannot be opened or read
 * (errno tells) or the cap would be exceeded (b->failed). */
int buf_add_file(struct buf *b, const char *path);
/* Takes the content (caller frees) and leaves the buffer empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
