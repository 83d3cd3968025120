/* GeoJSON polygons (see geo.h). */
#include "util/geo.h"

#include <stdio.h>
#include <string.h>

static bool position(const json_t *p, double *lng, double *lat)
{
	if (!json_is_array(p) || json_array_size(p) < 2 || json_array_size(p) > 3 ||
	    !json_is_number(json_array_get(p, 0)) || !json_is_number(json_array_get(p, 1)))
		return false;
	*lng = json_number_value(json_array_get(p, 0));
	*lat = json_number_value(json_array_get(p, 1));
	return *lng >= -180 && *lng <= 180 && *lat >= -90 && *lat <= 90;
}

/* Checks the rings of one polygon; counts positions into *total. */
static int check_polygon(const json_t *poly, const char *where, size_t *total, char *err, size_t errlen)
{
	if (!json_is_array(poly) || json_array_size(poly) == 0) {
		snprintf(err, errlen, "%s应为由环组成的非空数组", where);
		return -1;
	}
	size_t i;
	const json_t *ring;
	json_array_foreach(poly, i, ring) {
		size_t n = json_is_array(ring) ? json_array_size(ring) : 0;
		if (n < 4) {
			snprintf(err, errlen, "%s第 %zu 个环至少要有 4 个点（首尾相同）", where, i + 1);
			return -1;
		}
		*total += n;
		if (*total > GEO_MAX_POSITIONS) {
			snprintf(err, errlen, "边界的点太多：最多 %d 个", GEO_MAX_POSITIONS);
			return -1;
		}
		double first_lng = 0, first_lat = 0, lng = 0, lat = 0;
		for (size_t k = 0; k < n; k++) {
			if (!position(json_array_get(ring, k), &lng, &lat)) {
				snprintf(err, errlen, "%s第 %zu 个环的第 %zu 个点应为 [经度, 纬度]，经度 -180~180、纬度 -90~90",
					 where, i + 1, k + 1);
				return -1;
			}
			if (k == 0) {
				first_lng = lng;
				first_lat = lat;
			}
		}
		if (lng != first_lng || lat != first_lat) {
			snprintf(err, errlen, "%s第 %zu 个环没有闭合：最后一个点应与第一个点相同", where, i + 1);
			return -1;
		}
	}
	return 0;
}

int geo_check(const json_t *g, char *err, size_t errlen)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *coords = json_object_get(g, "coordinates");
	if (!json_is_object(g) || !type || (strcmp(type, "Polygon") && strcmp(type, "MultiPolygon"))) {
		snprintf(err, errlen, "边界应为 GeoJSON 的 Polygon 或 MultiPolygon");
		return -1;
	}
	size_t total = 0;
	if (!strcmp(type, "Polygon"))
		return check_polygon(coords, "多边形", &total, err, errlen);
	if (!json_is_array(coords) || json_array_size(coords) == 0 ||
	    json_array_size(coords) > GEO_MAX_POLYGONS) {
		snprintf(err, errlen, "MultiPolygon 应有 1 到 %d 个多边形", GEO_MAX_POLYGONS);
		return -1;
	}
	size_t i;
	const json_t *poly;
	json_array_foreach(coords, i, poly) {
		char where[48];
		snprintf(where, sizeof(where), "第 %zu 个多边形", i + 1);
		if (check_polygon(poly, where, &total, err, errlen))
			return -1;
	}
	return 0;
}

int geo_check_line(const json_t *g, size_t max_positions, char *err, size_t errlen)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *coords = json_object_get(g, "coordinates");
	if (!json_is_object(g) || !type || strcmp(type, "LineString")) {
		snprintf(err, errlen, "线路应为 GeoJSON 的 LineString");
		return -1;
	}
	size_t n = json_is_array(coords) ? json_array_size(coords) : 0;
	if (n < 2 || n > max_positions) {
		snprintf(err, errlen, "线路应有 2 到 %zu 个点", max_positions);
		return -1;
	}
	for (size_t k = 0; k < n; k++) {
		double lng = 0, lat = 0;
		if (!position(json_array_get(coords, k), &lng, &lat)) {
			snprintf(err, errlen, "线路的第 %zu 个点应为 [经度, 纬度]，经度 -180~180、纬度 -90~90", k + 1);
			return -1;
		}
	}
	return 0;
}

/* Even-odd crossing count of a horizontal ray from (x, y) over one ring. */
static bool ring_crosses(const json_t *ring, double x, double y)
{
	bool inside = false;
	size_t n = json_array_size(ring);
	double px = 0, py = 0;
	position(json_array_get(ring, n - 1), &px, &py);
	for (size_t k = 0; k < n; k++) {
		double qx = 0, qy = 0;
		position(json_array_get(ring, k), &qx, &qy);
		if ((qy > y) != (py > y) && x < (px - qx) * (y - qy) / (py - qy) + qx)
			inside = !inside;
		px = qx;
		py = qy;
	}
	return inside;
}

static bool polygon_contains(const json_t *poly, double x, double y)
{
	bool inside = false;
	size_t i;
	const json_t *ring;
	json_array_foreach(poly, i, ring)
		if (ring_crosses(ring, x, y))
			inside = !inside;
	return inside;
}

static size_t polygon_positions(const json_t *poly)
{
	size_t n = 0, i;
	const json_t *ring;
	json_array_foreach(poly, i, ring)
		n += json_array_size(ring);
	return n;
}

size_t geo_positions(const json_t *g)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *coords = json_object_get(g, "coordinates");
	if (!type || !json_is_array(coords))
		return 0;
	if (!strcmp(type, "Polygon"))
		return polygon_positions(coords);
	size_t n = 0, i;
	const json_t *poly;
	json_array_foreach(coords, i, poly)
		n += polygon_positions(poly);
	return n;
}

bool geo_contains(const json_t *g, double lng, double lat)
{
	const char *type = json_string_value(json_object_get(g, "type"));
	const json_t *coords = json_object_get(g, "coordinates");
	if (!type || !json_is_array(coords))
		return false;
	if (!strcmp(type, "Polygon"))
		return polygon_contains(coords, lng, lat);
	size_t i;
	const json_t *poly;
	json_array_foreach(coords, i, poly)
		if (polygon_contains(poly, lng, lat))
			return true;
	return false;
}
