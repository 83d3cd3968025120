/* GeoJSON boundaries: checking a Polygon or MultiPolygon geometry and testing whether
 * a point lies inside it. Positions are [longitude, latitude] in degrees (RFC 7946). */
#ifndef UTIL_GEO_H
#define UTIL_GEO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define GEO_MAX_POSITIONS 5000   /* per geometry, over all rings */
#define GEO_MAX_POLYGONS 50

/* 0 when g is a Polygon or MultiPolygon whose rings are closed, have at least four
 * positions and stay within longitude/latitude bounds; else -1 with a message in
 * Chinese naming what is wrong. */
int geo_check(const json_t *g, char *err, size_t errlen);

/* 0 when g is a LineString of 2 to max_positions positions within longitude/latitude
 * bounds (a road on the map); else -1 with a message in Chinese. */
int geo_check_line(const json_t *g, size_t max_positions, char *err, size_t errlen);

/* The number of positions of a checked geometry, over all its rings. */
size_t geo_positions(const json_t *g);

/* True when (lng, lat) lies inside a checked geometry: inside an outer ring and not
 * in one of its holes (even-odd rule over the rings of each polygon). */
bool geo_contains(const json_t *g, double lng, double lat);

#endif
