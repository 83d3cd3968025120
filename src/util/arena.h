/* Request-scoped memory (like nginx pools): many small allocations, one free. An arena
 * has a cap; an allocation past it returns NULL. */
#ifndef UTIL_ARENA_H
#define UTIL_ARENA_H

#include "util/common.h"

struct arena;

struct arena *arena_new(size_t max);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);   /* zeroed, 16-byte aligned */
/* An array of n elements of size bytes with room for one more: arr itself while n <
 * *cap, else a copy with twice the room (at least 16) and *cap updated; NULL when the
 * arena is full (arr stays valid). */
void *arena_grow(struct arena *a, void *arr, int *cap, int n, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* A copy of n bytes of s with a NUL, packed after the previous one without the 16-byte
 * alignment: for many short texts kept together (a table's cells). */
char *arena_text(struct arena *a, const char *s, size_t n);
/* Bytes taken from the system so far (whole chunks). */
size_t arena_used(const struct arena *a);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
