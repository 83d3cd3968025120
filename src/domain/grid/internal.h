/* Shared inside the grid module only: scope helpers, the visibility of tags and the
 * patrols' loading (patrols.c, findings.c, positions.c). Other modules include grid.h. */
#ifndef DOMAIN_GRID_INTERNAL_H
#define DOMAIN_GRID_INTERNAL_H

#include "domain/grid/grid.h"
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/files.h"
#include "domain/kernel/org.h"
#include "domain/kernel/scope.h"
#include "domain/register/register.h"
#include "util/buf.h"
#include "util/timeutil.h"

/* The first id of a unit path "/1/4/17/": its county. */
int64_t gr_path_root(const char *path);
/* The county of the actor: of their first grant (0 when none). */
int64_t gr_actor_county(const struct ctx *c);
/* True when the actor may see a tag with this sensitivity and role list: anyone for a
 * plain tag; for a sensitive one a grant of one of the roles (never a villager's). */
bool gr_tag_visible(const struct ctx *c, bool sensitive, const char *roles);
/* Checks the photos of a finding or visit: stored files, no duplicates (field errors). */
void gr_check_photos(struct ctx *c, const char *const *photos, int n);
/* Checks a position (field errors named field). */
void gr_check_position(struct ctx *c, const char *field, int64_t lat_e6, int64_t lng_e6);
/* A grid (kind 'grid') with its village and boundary, no access check. */
struct gr_grid {
	struct org_unit unit, village;
	const char *boundary;
};
enum result gr_load_grid(struct ctx *c, int64_t grid_id, struct gr_grid *out);
/* A county the actor's scope touches (*county_id 0: the actor's own); 404 otherwise. */
enum result gr_readable_county(struct ctx *c, int64_t *county_id, struct org_unit *u);
/* The county for a change by its administrator: 404 outside the scope, 403 without the
 * right ("无权修改<county>的<what>"). */
enum result gr_county_admin(struct ctx *c, int64_t county_id, struct org_unit *u, const char *what);
/* Every tag of the county (shipped and its own), visible or not. */
enum result gr_county_tags(struct ctx *c, int64_t county_id, struct grid_tag **out, int *n);

/* Who reads a village's map (its places and roads). */
#define GR_MAP_READERS (P_REGISTER_READ | P_GRID_WORK | P_GRID_SUPERVISE)
/* The village of a map's places or roads for an actor holding perms on it (for
 * GR_MAP_READERS a grant on one of its grids will do): 404 outside every grant, 403
 * when seen but not allowed ("无权<what>…的地图标注"). */
enum result gr_map_village(struct ctx *c, int64_t village_id, struct org_unit *v, perm_t perms, const char *what);

/* ---- patrols (patrols.c, findings.c, positions.c) ---- */

/* Whether the actor is that user. */
bool gr_own(const struct ctx *c, int64_t user_id);
/* A patrol the actor may read: their own, or P_GRID_SUPERVISE on its grid. */
enum result gr_load_patrol(struct ctx *c, int64_t id, struct grid_patrol *p, char *grid_path, size_t len);
/* The worker's own patrol, for a change. */
enum result gr_own_patrol(struct ctx *c, int64_t id, struct grid_patrol *p, char *path, size_t len);
/* The patrol's findings with their photos (findings.c). */
enum result gr_load_findings(struct ctx *c, struct grid_patrol *p);
/* A unit the actor may ask about: 404 outside every grant. */
enum result gr_query_unit(struct ctx *c, int64_t unit_id, struct org_unit *u);

#endif
