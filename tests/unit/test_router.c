/* Unit tests for the router (http/router.h): every route of the tables found by a path of
 * its own, its parameters taken out, none taking another's requests. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/router.h"

static int setup(void **state)
{
	(void)state;
	return router_init(true) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	router_free();
	return 0;
}

/* route's pattern with each ":name" replaced by value, and "//" for "/" when doubled */
static void concrete(const char *pattern, const char *value, bool doubled, char *out, size_t n)
{
	size_t k = 0;
	for (const char *s = pattern; *s && k + 1 < n;) {
		if (*s == '/') {
			out[k++] = '/';
			if (doubled && k + 1 < n)
				out[k++] = '/';
			s++;
		} else if (*s == ':') {
			for (const char *v = value; *v && k + 1 < n; v++)
				out[k++] = *v;
			while (*s && *s != '/')
				s++;
		} else {
			out[k++] = *s++;
		}
	}
	out[k] = 0;
}

static int param_count(const char *pattern)
{
	int n = 0;
	for (const char *s = strstr(pattern, "/:"); s; s = strstr(s + 1, "/:"))
		n++;
	return n;
}

static void test_every_route_is_found_by_its_own_path(void **state)
{
	(void)state;
	int routes = 0;
	for (const struct route_table *t = route_tables; t->routes; t++)
		for (size_t i = 0; i < *t->n; i++, routes++) {
			const struct route *rt = &t->routes[i];
			char path[512];
			struct route_params p;
			concrete(rt->path, "7", false, path, sizeof(path));
			const struct route *got = router_match(rt->method, path, &p);
			if (got != rt)
				fail_msg("%s %s: %s", rt->method, path, got ? got->path : "no route");
			assert_int_equal(p.n, param_count(rt->path));
			for (int k = 0; k < p.n; k++) {
				assert_int_equal(p.p[k].len, 1);
				assert_memory_equal(p.p[k].value, "7", 1);
			}
			/* empty segments are skipped, a trailing "/" too */
			concrete(rt->path, "7", true, path, sizeof(path) - 1);
			path[strlen(path) + 1] = 0;
			path[strlen(path)] = '/';
			assert_ptr_equal(router_match(rt->method, path, NULL), rt);
		}
	assert_true(routes > 300);
}

static void test_no_route_shadows_another(void **state)
{
	(void)state;
	const struct route *a = NULL, *b = NULL;
	if (router_shadowed(&a, &b))
		fail_msg("%s %s comes first and takes requests of %s", a->method, a->path, b->path);
	/* the narrower first: "mine" is not an id */
	const struct route *mine = router_match("GET", "/api/v1/allowances/mine", NULL);
	assert_non_null(mine);
	assert_string_equal(mine->path, "/api/v1/allowances/mine");
}

static void test_parameters_and_misses(void **state)
{
	(void)state;
	struct route_params p;
	const struct route *rt = router_match("PATCH", "/api/v1/households/12", &p);
	assert_non_null(rt);
	assert_string_equal(rt->path, "/api/v1/households/:id");
	assert_int_equal(p.n, 1);
	assert_int_equal(p.p[0].name_len, 2);
	assert_memory_equal(p.p[0].name, "id", 2);
	assert_int_equal(p.p[0].len, 2);
	assert_memory_equal(p.p[0].value, "12", 2);
	/* a parameter is any one segment, its text as it came */
	rt = router_match("GET", "/api/v1/households/村", &p);
	assert_non_null(rt);
	assert_int_equal(p.p[0].len, strlen("村"));
	/* the list, not the household: a parameter is never an empty segment */
	rt = router_match("GET", "/api/v1/households/", &p);
	assert_non_null(rt);
	assert_string_equal(rt->path, "/api/v1/households");
	assert_int_equal(p.n, 0);
	assert_null(router_match("GET", "/api/v1/households/1/2/3/4", NULL));   /* no such route */
	assert_null(router_match("DELETE", "/api/v1/session/x", NULL));
	assert_null(router_match("get", "/api/v1/households", NULL));          /* methods exactly */
	assert_null(router_match("GET", "/API/v1/households", NULL));          /* paths exactly */
	assert_null(router_match("GET", "", NULL));
	assert_null(router_match("GET", "/", NULL));
	assert_null(router_match(NULL, "/api/v1/households", NULL));
	assert_null(router_match("GET", NULL, NULL));
	assert_null(router_match("GET", "/api/v1/households/\xff\xfe", NULL)); /* not UTF-8 */
	assert_null(router_match("GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m", NULL));   /* over ROUTER_SEGMENTS */
}

static void test_test_routes_only_when_asked(void **state)
{
	(void)state;
	assert_non_null(router_match("POST", "/api/v1/test/clock", NULL));
	assert_true(router_init(false));
	assert_null(router_match("POST", "/api/v1/test/clock", NULL));
	assert_non_null(router_match("GET", "/api/v1/households", NULL));
	assert_true(router_init(true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_is_found_by_its_own_path),
		cmocka_unit_test(test_no_route_shadows_another),
		cmocka_unit_test(test_parameters_and_misses),
		cmocka_unit_test(test_test_routes_only_when_asked),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
