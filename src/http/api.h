/* Routes. Each feature folder (http/kernel, http/register, http/points, …) has its own
 * small table in its routes.c and declares its handlers in its main header
 * (http/points/points.h); src/http/routes.c joins the tables. Adding an endpoint is one
 * row in its feature's table plus one handler in the api_<module>.c of its module (and
 * its entry in docs/openapi.yaml). */
#ifndef HTTP_API_H
#define HTTP_API_H

#include "http/req.h"

enum route_flags {
	RF_PUBLIC = 1 << 0,   /* no login needed */
	RF_JSON = 1 << 1,     /* takes a JSON object body (up to REQ_JSON_MAX) */
	RF_UPLOAD = 1 << 2,   /* takes raw bytes (up to REQ_UPLOAD_MAX) */
	RF_TEST = 1 << 3,     /* exists only when the server runs with --test-clock */
	RF_IMPORT = 1 << 4,   /* with RF_UPLOAD: a whole roster, up to REQ_IMPORT_MAX */
};

struct route {
	const char *method;
	const char *path;     /* pattern (http/router.h): /api/v1/households/:id */
	int (*handler)(struct req *r);
	unsigned flags;
};

/* One feature's routes; routes.c lists the features' tables. */
struct route_table {
	const struct route *routes;
	const size_t *n;
};

/* Every feature's table, ending with {NULL, NULL}. A request goes to the first route of
 * the tables that matches it (http/router.h); two routes match one request only when the
 * first is the narrower (GET /api/v1/allowances/mine before /api/v1/allowances/:id),
 * which tests/unit/test_router.c checks. */
extern const struct route_table route_tables[];

/* The largest body the route takes: REQ_IMPORT_MAX (RF_IMPORT), REQ_UPLOAD_MAX
 * (RF_UPLOAD) or REQ_JSON_MAX. */
size_t route_body_max(const struct route *rt);

#endif
