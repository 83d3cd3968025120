/* Chunked bump allocator. */
#include <stdarg.h>

#include "util/arena.h"

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;
	size_t total, max;
};

struct arena *arena_new(size_t max)
{
	struct arena *a = calloc(1, sizeof(*a));
	if (a)
		a->max = max;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	struct chunk *c = a->head;
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
	free(a);
}

/* size bytes at the next multiple of align (a power of two, at most 16), not zeroed */
static void *bump(struct arena *a, size_t size, size_t align)
{
	/* refuse before rounding up, so huge sizes cannot wrap around to small ones */
	if (size > a->max || size > SIZE_MAX - sizeof(struct chunk) - 16)
		return NULL;
	struct chunk *c = a->head;
	if (c && align > 1)
		c->used = (c->used + align - 1) & ~(align - 1);
	if (c && c->used > c->size)
		c->used = c->size;
	if (!c || c->size - c->used < size) {
		size_t csize = size > 8192 ? size : 8192;
		if (csize > a->max - a->total)
			return NULL;
		c = malloc(sizeof(*c) + csize);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = csize;
		c->next = a->head;
		a->head = c;
		a->total += csize;
	}
	void *p = c->data + c->used;
	c->used += size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	if (size > a->max || size > SIZE_MAX - sizeof(struct chunk) - 16)
		return NULL;
	size = (size + 15) & ~(size_t)15;
	if (size == 0)
		size = 16;
	void *p = bump(a, size, 16);
	if (p)
		memset(p, 0, size);
	return p;
}

char *arena_text(struct arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL;
	char *p = bump(a, n + 1, 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX) /* n + 1 would wrap to 0 */
		return NULL;
	char *p = arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

void *arena_grow(struct arena *a, void *arr, int *cap, int n, size_t size)
{
	if (arr && n < *cap)
		return arr;
	int ncap = *cap > 8 ? *cap * 2 : 16;
	void *bigger = arena_alloc(a, size * (size_t)ncap);
	if (!bigger)
		return NULL;
	if (arr && n)
		memcpy(bigger, arr, size * (size_t)n);
	*cap = ncap;
	return bigger;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
