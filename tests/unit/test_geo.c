/* Unit tests for util/geo: checking GeoJSON boundaries and point-in-polygon. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/geo.h"

static json_t *parse(const char *text)
{
	json_t *g = json_loads(text, 0, NULL);
	assert_non_null(g);
	return g;
}

/* geo_check's verdict on text; err receives its message. */
static int check(const char *text, char *err, size_t errlen)
{
	json_t *g = parse(text);
	err[0] = 0;
	int rc = geo_check(g, err, errlen);
	json_decref(g);
	return rc;
}

#define SQUARE "[[104,30],[105,30],[105,31],[104,31],[104,30]]"
#define HOLE "[[104.4,30.4],[104.6,30.4],[104.6,30.6],[104.4,30.6],[104.4,30.4]]"

static void test_geo_check_accepts(void **state)
{
	char err[200];
	assert_int_equal(check("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}", err, sizeof(err)), 0);
	assert_int_equal(check("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," HOLE "]}", err, sizeof(err)), 0);
	assert_int_equal(check("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[" HOLE "]]}", err, sizeof(err)), 0);
	/* a third coordinate (altitude) is allowed by RFC 7946 */
	assert_int_equal(check("{\"type\":\"Polygon\",\"coordinates\":[[[1,2,3],[2,2,3],[2,3,3],[1,2,3]]]}", err,
			       sizeof(err)), 0);
}

static void test_geo_check_rejects(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{"{\"type\":\"Point\",\"coordinates\":[104,30]}", "Polygon 或 MultiPolygon"},
		{"{\"coordinates\":[" SQUARE "]}", "Polygon 或 MultiPolygon"},
		{"{\"type\":\"Polygon\",\"coordinates\":[]}", "非空数组"},
		{"{\"type\":\"Polygon\",\"coordinates\":[[[104,30],[105,30],[104,30]]]}", "至少要有 4 个点"},
		{"{\"type\":\"Polygon\",\"coordinates\":[[[104,30],[105,30],[105,31],[104,31]]]}", "没有闭合"},
		{"{\"type\":\"Polygon\",\"coordinates\":[[[104,30],[105,91],[105,31],[104,30]]]}", "第 2 个点"},
		{"{\"type\":\"Polygon\",\"coordinates\":[[[104,30],[\"105\",30],[105,31],[104,30]]]}", "第 2 个点"},
		{"{\"type\":\"Polygon\",\"coordinates\":[[[104,30],[105],[105,31],[104,30]]]}", "第 2 个点"},
		{"{\"type\":\"MultiPolygon\",\"coordinates\":[]}", "MultiPolygon"},
		{"{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[[[1,1],[2,2]]]]}", "第 2 个多边形"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[200];
		assert_int_equal(check(cases[i].text, err, sizeof(err)), -1);
		if (!strstr(err, cases[i].message))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].message);
	}
}

static void test_geo_check_limits(void **state)
{
	/* one ring of GEO_MAX_POSITIONS + 1 positions */
	size_t n = GEO_MAX_POSITIONS + 1;
	json_t *ring = json_array();
	for (size_t i = 0; i + 1 < n; i++)
		json_array_append_new(ring, json_pack("[f,f]", 104.0 + (double)i * 1e-6, 30.0 + (double)(i % 2) * 1e-6));
	json_array_append_new(ring, json_pack("[f,f]", 104.0, 30.0));
	json_t *g = json_pack("{s:s, s:[o]}", "type", "Polygon", "coordinates", ring);
	char err[200];
	assert_int_equal(geo_check(g, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "点太多"));
	json_decref(g);
}

static void test_geo_contains(void **state)
{
	json_t *square = parse("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}");
	assert_true(geo_contains(square, 104.5, 30.5));
	assert_true(geo_contains(square, 104.001, 30.999));
	assert_false(geo_contains(square, 103.9, 30.5));
	assert_false(geo_contains(square, 104.5, 31.2));
	json_decref(square);

	json_t *holed = parse("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," HOLE "]}");
	assert_false(geo_contains(holed, 104.5, 30.5));   /* in the hole */
	assert_int_equal(geo_positions(holed), 10);
	assert_true(geo_contains(holed, 104.2, 30.2));
	json_decref(holed);

	/* a concave L shape: the notch is outside */
	json_t *l = parse("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,0],[2,1],[1,1],[1,2],[0,2],[0,0]]]}");
	assert_true(geo_contains(l, 0.5, 1.5));
	assert_true(geo_contains(l, 1.5, 0.5));
	assert_false(geo_contains(l, 1.5, 1.5));
	json_decref(l);

	json_t *multi = parse("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],"
			      "[[[110,20],[111,20],[111,21],[110,20]]]]}");
	assert_true(geo_contains(multi, 104.5, 30.5));
	assert_true(geo_contains(multi, 110.8, 20.2));
	assert_false(geo_contains(multi, 110.2, 20.8));
	assert_int_equal(geo_positions(multi), 9);
	json_decref(multi);

	json_t *point = parse("{\"type\":\"Point\",\"coordinates\":[104,30]}");
	assert_false(geo_contains(point, 104, 30));
	assert_int_equal(geo_positions(point), 0);
	json_decref(point);
}

static int check_line(const char *text, size_t max)
{
	char err[200] = "";
	json_t *g = parse(text);
	int rc = geo_check_line(g, max, err, sizeof(err));
	json_decref(g);
	if (rc)
		assert_true(strlen(err) > 0);
	return rc;
}

static void test_geo_check_line(void **state)
{
	(void)state;
	assert_int_equal(check_line("{\"type\":\"LineString\",\"coordinates\":[[104,30],[104.1,30.1]]}", 10), 0);
	assert_int_equal(check_line("{\"type\":\"LineString\",\"coordinates\":[[104,30,5],[104.1,30.1],[104.2,30]]}", 3), 0);
	/* one point, too many points, a point out of bounds, not a line */
	assert_int_equal(check_line("{\"type\":\"LineString\",\"coordinates\":[[104,30]]}", 10), -1);
	assert_int_equal(check_line("{\"type\":\"LineString\",\"coordinates\":[[104,30],[104.1,30.1],[104.2,30]]}", 2), -1);
	assert_int_equal(check_line("{\"type\":\"LineString\",\"coordinates\":[[104,30],[190,30]]}", 10), -1);
	assert_int_equal(check_line("{\"type\":\"LineString\",\"coordinates\":[[104,30],\"x\"]}", 10), -1);
	assert_int_equal(check_line("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}", 10), -1);
	assert_int_equal(check_line("{\"type\":\"LineString\"}", 10), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geo_check_accepts),
		cmocka_unit_test(test_geo_check_rejects),
		cmocka_unit_test(test_geo_check_limits),
		cmocka_unit_test(test_geo_contains),
		cmocka_unit_test(test_geo_check_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
