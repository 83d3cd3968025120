/* Fuzz target: a patrol's track as a grid worker's phone sends it (up to
 * GRID_BATCH_MAX points of any time, sequence and coordinates; domain/grid
 * grid_track_measure and grid_haversine_m): the measure never fails, its length is
 * finite and not negative, its duration not negative, the inside count within the
 * points. */
#include <math.h>

#include "domain/grid/grid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t take(const uint8_t **p, size_t *left)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++) {
		v = v << 8 | (*left ? **p : 0);
		if (*left) {
			(*p)++;
			(*left)--;
		}
	}
	return (int64_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct track_point pts[GRID_BATCH_MAX];
	int n = 0;
	const uint8_t *p = data;
	size_t left = size;
	while (left >= 29 && n < GRID_BATCH_MAX) {
		struct track_point *t = &pts[n++];
		t->seq = take(&p, &left) % 1000000;
		t->at = take(&p, &left) % 4000000000LL;
		/* the API's bounds: latitude ±90°, longitude ±180° in millionths */
		t->lat_e6 = take(&p, &left) % 90000001;
		t->lng_e6 = (int64_t)((int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) % 180000001);
		t->inside = p[4] & 1;
		p += 5;
		left -= 5;
	}
	struct track_stats st;
	grid_track_measure(pts, n, &st);
	if (st.points != n || st.inside < 0 || st.inside > n || st.length_m < 0 || st.duration_s < 0)
		abort();
	for (int i = 1; i < n; i++) {
		double d = grid_haversine_m(pts[i - 1].lat_e6, pts[i - 1].lng_e6, pts[i].lat_e6, pts[i].lng_e6);
		if (!isfinite(d) || d < 0 || d > 20100000)
			abort();
	}
	return 0;
}
