/* The route of a request (router.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "util/utf8.h"

struct segment {
	const char *s;
	size_t len;
	bool param;
};

struct compiled {
	const struct route *rt;
	int n;
	struct segment seg[ROUTER_SEGMENTS];
};

static struct compiled *table;
static size_t table_n;

/* s's segments between "/", the empty ones skipped; -1 past ROUTER_SEGMENTS. */
static int split(const char *s, struct segment *out)
{
	int n = 0;
	while (*s) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		const char *end = strchrnul(s, '/');
		if (n == ROUTER_SEGMENTS)
			return -1;
		out[n++] = (struct segment){.s = s, .len = (size_t)(end - s), .param = s[0] == ':'};
		s = end;
	}
	return n;
}

bool router_init(bool with_test)
{
	router_free();
	size_t total = 0;
	for (const struct route_table *t = route_tables; t->routes; t++)
		total += *t->n;
	if (!(table = calloc(total ? total : 1, sizeof(*table)))) {
		fprintf(stderr, "cunzhi: out of memory\n");
		return false;
	}
	for (const struct route_table *t = route_tables; t->routes; t++)
		for (size_t i = 0; i < *t->n; i++) {
			const struct route *rt = &t->routes[i];
			if ((rt->flags & RF_TEST) && !with_test)
				continue;
			struct compiled *c = &table[table_n];
			c->rt = rt;
			bool bad = (c->n = split(rt->path, c->seg)) < 0;
			for (int k = 0; k < c->n && !bad; k++)
				bad = c->seg[k].param && (c->seg[k].len < 2 || c->seg[k].len - 1 > ROUTER_NAME_MAX);
			if (bad) {
				fprintf(stderr, "cunzhi: the route %s %s has more than %d segments or a parameter name "
						"empty or over %d bytes\n", rt->method, rt->path, ROUTER_SEGMENTS, ROUTER_NAME_MAX);
				router_free();
				return false;
			}
			table_n++;
		}
	return true;
}

void router_free(void)
{
	free(table);
	table = NULL;
	table_n = 0;
}

static bool segments_match(const struct compiled *c, const struct segment *path)
{
	for (int i = 0; i < c->n; i++)
		if (!c->seg[i].param && (c->seg[i].len != path[i].len || memcmp(c->seg[i].s, path[i].s, path[i].len)))
			return false;
	return true;
}

const struct route *router_match(const char *method, const char *path, struct route_params *params)
{
	struct segment seg[ROUTER_SEGMENTS];
	int n = method && path ? split(path, seg) : -1;
	if (n < 0)
		return NULL;
	for (size_t i = 0; i < table_n; i++) {
		const struct compiled *c = &table[i];
		if (c->n != n || strcmp(c->rt->method, method) || !segments_match(c, seg))
			continue;
		if (params)
			params->n = 0;
		for (int k = 0; k < n; k++) {
			if (!c->seg[k].param)
				continue;
			if (!utf8_valid(seg[k].s, seg[k].len))
				return NULL;
			if (params) {
				int j = params->n++;
				params->p[j].name = c->seg[k].s + 1;
				params->p[j].name_len = c->seg[k].len - 1;
				params->p[j].value = seg[k].s;
				params->p[j].len = seg[k].len;
			}
		}
		return c->rt;
	}
	return NULL;
}

bool router_shadowed(const struct route **a, const struct route **b)
{
	for (size_t i = 0; i < table_n; i++)
		for (size_t j = i + 1; j < table_n; j++) {
			const struct compiled *x = &table[i], *y = &table[j];
			if (x->n != y->n || strcmp(x->rt->method, y->rt->method))
				continue;
			bool apart = false, narrower = false, wider = false;
			for (int k = 0; k < x->n && !apart; k++) {
				const struct segment *u = &x->seg[k], *v = &y->seg[k];
				if (!u->param && !v->param)
					apart = u->len != v->len || memcmp(u->s, v->s, u->len);
				narrower |= !u->param && v->param;
				wider |= u->param && !v->param;
			}
			if (!apart && (wider || !narrower)) {
				*a = x->rt;
				*b = y->rt;
				return true;
			}
		}
	return false;
}
