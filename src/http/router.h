/* The route of a request: its method and path matched against the route tables
 * (http/api.h) once, with the path's parameters (":id" segments) taken out.
 *
 * A pattern is split into segments at "/"; ":name" matches any one segment that is not
 * empty, anything else that segment exactly. A path is split the same way, its empty
 * segments skipped ("/api//v1/x/" is "/api/v1/x"). The patterns are split once, when the
 * server starts (router_init); a match allocates nothing. */
#ifndef HTTP_ROUTER_H
#define HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/api.h"

/* The most segments a route's pattern or a routed path has. */
#define ROUTER_SEGMENTS 12
/* The longest name of a parameter (bytes after the ":"). */
#define ROUTER_NAME_MAX 31

struct route_params {
	int n;
	struct {
		const char *name;   /* the pattern's, after the ":" (name_len bytes) */
		size_t name_len;
		const char *value;  /* the path's (len bytes, valid UTF-8) */
		size_t len;
	} p[ROUTER_SEGMENTS];
};

/* Splits every route's pattern; with_test, the RF_TEST routes are routed too. Returns
 * false (a message on stderr) when a pattern has too many segments or too long a
 * parameter name, or memory is short. */
bool router_init(bool with_test);
void router_free(void);

/* The route for method and path (no query string), or NULL; its parameters in params
 * when not NULL (pointing into path and the route table). A parameter's segment that is
 * not valid UTF-8 matches no route. */
const struct route *router_match(const char *method, const char *path, struct route_params *params);

/* Two routes of the tables that one request matches, the first of them (the one that
 * takes it) not strictly the narrower: a literal segment where the second has a
 * parameter, and nowhere the reverse (GET /api/v1/allowances/mine before
 * /api/v1/allowances/:id is right, the other way round "mine" would never be reached).
 * For the test that keeps the tables so (http/api.h); false when there are none. */
bool router_shadowed(const struct route **a, const struct route **b);

#endif
