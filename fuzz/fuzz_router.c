/* Fuzz target: a request's method and path through the router (http/router.h) as the
 * server routes every request. A route found must be one the path really matches: its
 * literal segments are the path's, in order, each parameter one whole segment of the
 * path that is not empty, valid UTF-8 and without "/". */
#include <stdlib.h>
#include <string.h>

#include "http/router.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready && !(ready = router_init(true)))
		abort();
	if (size < 1 || size > 4096)
		return 0;
	const char *method = methods[data[0] % (sizeof(methods) / sizeof(methods[0]))];
	char path[4096];
	memcpy(path, data + 1, size - 1);
	path[size - 1] = 0;
	struct route_params p;
	const struct route *rt = router_match(method, path, &p);
	if (!rt)
		return 0;
	if (strcmp(rt->method, method) || p.n < 0 || p.n > ROUTER_SEGMENTS)
		abort();
	/* walk the pattern and the path together */
	const char *s = rt->path, *u = path;
	int k = 0;
	while (*s) {
		while (*s == '/')
			s++;
		while (*u == '/')
			u++;
		if (!*s)
			break;
		const char *se = strchrnul(s, '/'), *ue = strchrnul(u, '/');
		size_t sl = (size_t)(se - s), ul = (size_t)(ue - u);
		if (!ul)
			abort();
		if (*s == ':') {
			if (k >= p.n || p.p[k].value != u || p.p[k].len != ul || p.p[k].name != s + 1 ||
			    p.p[k].name_len != sl - 1 || !utf8_valid(u, ul) || memchr(u, '/', ul))
				abort();
			k++;
		} else if (sl != ul || memcmp(s, u, sl)) {
			abort();
		}
		s = se, u = ue;
	}
	while (*u == '/')
		u++;
	if (*u || k != p.n)
		abort();
	return 0;
}
