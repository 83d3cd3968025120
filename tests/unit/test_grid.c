/* Unit tests for the geometry of grid work: distances by haversine, tracks measured
 * in time order whatever order their points arrived in, the share of points inside
 * the grid, and whether a patrol meets the county's target. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "domain/grid/grid.h"

static void test_haversine_known_distances(void **state)
{
	(void)state;
	/* one degree of latitude is 111.195 km on the mean sphere */
	double d = grid_haversine_m(29000000, 104000000, 30000000, 104000000);
	assert_true(fabs(d - 111195.08) < 1.0);
	/* one degree of longitude at latitude 60 is half of it at the equator */
	double eq = grid_haversine_m(0, 104000000, 0, 105000000);
	double n60 = grid_haversine_m(60000000, 104000000, 60000000, 105000000);
	assert_true(fabs(n60 - eq / 2) < 100.0);
	/* Beijing Tiananmen to Shanghai People's Square: about 1 067 km */
	double bs = grid_haversine_m(39907500, 116397200, 31230400, 121473700);
	assert_true(bs > 1060000 && bs < 1075000);
	assert_true(grid_haversine_m(29150000, 103880000, 29150000, 103880000) == 0);
}

/* A walk north along a meridian: 11 points 0.001° (111.2 m) apart, one a minute. */
static int walk(struct track_point *p, int n, int64_t t0, bool inside_from, int inside_until)
{
	for (int i = 0; i < n; i++)
		p[i] = (struct track_point){.seq = i, .at = t0 + 60 * i, .lat_e6 = 29150000 + 1000 * i,
					    .lng_e6 = 103880000, .inside = inside_from && i < inside_until};
	return n;
}

static void test_track_measure_in_time_order(void **state)
{
	(void)state;
	struct track_point p[11];
	int n = walk(p, 11, 1000, true, 11);
	struct track_stats t;
	grid_track_measure(p, n, &t);
	assert_int_equal(t.points, 11);
	assert_int_equal(t.inside, 11);
	assert_int_equal(t.duration_s, 600);
	assert_true(llabs(t.length_m - 1112) <= 1);

	/* the same points arriving out of order (late batches) measure the same */
	struct track_point q[11];
	for (int i = 0; i < 11; i++)
		q[i] = p[(i * 7) % 11];
	struct track_stats u;
	grid_track_measure(q, 11, &u);
	assert_int_equal(u.length_m, t.length_m);
	assert_int_equal(u.duration_s, 600);
	for (int i = 1; i < 11; i++)
		assert_true(q[i - 1].at <= q[i].at);

	/* measured in arrival order the zigzag would be far longer: the sort matters */
	double zigzag = 0;
	struct track_point r[11];
	for (int i = 0; i < 11; i++)
		r[i] = p[(i * 7) % 11];
	for (int i = 1; i < 11; i++)
		zigzag += grid_haversine_m(r[i - 1].lat_e6, r[i - 1].lng_e6, r[i].lat_e6, r[i].lng_e6);
	assert_true(zigzag > 3 * (double)t.length_m);

	struct track_stats none;
	grid_track_measure(p, 0, &none);
	assert_int_equal(none.points, 0);
	assert_int_equal(none.length_m, 0);
}

static void test_patrol_qualifies(void **state)
{
	(void)state;
	struct grid_settings s = {.patrols_per_day = 3, .min_minutes = 10, .min_metres = 1000, .min_inside_pct = 80};
	struct track_point p[11];
	struct track_stats t;
	/* 10 minutes, 1 112 m, all inside */
	grid_track_measure(p, walk(p, 11, 0, true, 11), &t);
	assert_true(grid_patrol_qualifies(&s, &t));
	/* 9 of 11 inside is 81 %: still enough; 8 of 11 (72 %) is not */
	grid_track_measure(p, walk(p, 11, 0, true, 9), &t);
	assert_int_equal(t.inside, 9);
	assert_true(grid_patrol_qualifies(&s, &t));
	grid_track_measure(p, walk(p, 11, 0, true, 8), &t);
	assert_false(grid_patrol_qualifies(&s, &t));
	/* too short in distance */
	s.min_metres = 1200;
	grid_track_measure(p, walk(p, 11, 0, true, 11), &t);
	assert_false(grid_patrol_qualifies(&s, &t));
	/* too short in time */
	s.min_metres = 1000;
	s.min_minutes = 11;
	assert_false(grid_patrol_qualifies(&s, &t));
	/* no points: never */
	struct track_stats none = {0};
	s.min_minutes = 0;
	s.min_metres = 0;
	s.min_inside_pct = 0;
	assert_false(grid_patrol_qualifies(&s, &none));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_haversine_known_distances),
		cmocka_unit_test(test_track_measure_in_time_order),
		cmocka_unit_test(test_patrol_qualifies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
