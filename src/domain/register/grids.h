/* Grids 网格: the units of kind 'grid' that divide a village beside its groups (created
 * and renamed through org), with a colour, a GeoJSON boundary, the households placed in
 * them and the staff (grid workers, leaders and assessors) granted on them. */
#ifndef DOMAIN_GRIDS_H
#define DOMAIN_GRIDS_H

#include <jansson.h>

#include "domain/kernel/ctx.h"
#include "domain/kernel/org.h"

struct grid_staff {
	int64_t user_id;
	const char *name, *role;
};

struct grid {
	int64_t id, village_id;
	char code[ORG_CODE_MAX + 1];
	char name[ORG_NAME_MAX * 4 + 1];
	char color[8];             /* "#RRGGBB" */
	const char *boundary;      /* GeoJSON geometry text, NULL until drawn */
	int64_t households, updated_at;
	struct grid_staff *staff;
	int nstaff;
};

/* The grids of a village, by code. Anyone whose scope touches the village may read
 * them (the grid a household belongs to and its workers are posted in the village). */
enum result grids_list(struct ctx *c, int64_t village_id, struct grid **out, int *n);
enum result grids_get(struct ctx *c, int64_t id, struct grid *out);

struct grid_input {
	const char *color;         /* NULL = unchanged */
	const json_t *boundary;    /* a Polygon or MultiPolygon; NULL = unchanged */
	bool clear_boundary;
};

/* Sets colour and boundary; needs P_ORG_WRITE on the village (its cadres). */
enum result grids_update(struct ctx *c, int64_t id, const struct grid_input *in);

/* Places in the grid every household of the village whose coordinates lie inside its
 * boundary (households elsewhere keep their grid); *assigned counts those moved.
 * Needs P_REGISTER_WRITE on the village. */
enum result grids_assign(struct ctx *c, int64_t id, int64_t *assigned);

struct map_point {
	int64_t household_id, grid_id;   /* grid_id 0 when in none */
	const char *number;
	int64_t lat_e6, lng_e6;
};

/* The households of a village that have coordinates, for the map: those the actor may
 * read in the register (a grid worker sees their grid's). */
enum result grids_village_map(struct ctx *c, int64_t village_id, struct map_point **out, int *n);

#endif
