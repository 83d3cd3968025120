/* Grid work 网格 over HTTP: the county's tag set and a household's tags with their
 * history, the village map's tagged households, the county's grid settings, patrols with
 * their track points and findings, compliance, workers' positions, and visits 走访.
 * Calls the kernel and the domain's grid feature.
 * Its route table (routes.c beside this file) is joined in src/http/routes.c. */
#ifndef HTTP_GRID_GRID_H
#define HTTP_GRID_GRID_H

#include "http/api.h"

extern const struct route grid_routes[];
extern const size_t grid_routes_n;

int api_tags_list(struct req *r);
int api_tag_create(struct req *r);
int api_tag_update(struct req *r);
int api_household_tags_get(struct req *r);
int api_household_tags_put(struct req *r);
int api_resident_tags_put(struct req *r);
int api_household_locate(struct req *r);
int api_village_tagged(struct req *r);
int api_grid_settings_get(struct req *r);
int api_grid_settings_put(struct req *r);
int api_patrols_list(struct req *r);
int api_patrol_start(struct req *r);
int api_patrol_get(struct req *r);
int api_patrol_points(struct req *r);
int api_patrol_end(struct req *r);
int api_patrol_finding(struct req *r);
int api_finding_event(struct req *r);
int api_finding_photo(struct req *r);
int api_patrol_compliance(struct req *r);
int api_positions_add(struct req *r);
int api_positions_last(struct req *r);
int api_positions_mine(struct req *r);
int api_visits_list(struct req *r);
int api_visit_create(struct req *r);
int api_visits_due(struct req *r);
int api_visit_photo(struct req *r);
int api_allowance_rule_get(struct req *r);
int api_allowance_rule_put(struct req *r);
int api_allowances_compute(struct req *r);
int api_allowances_list(struct req *r);
int api_allowances_mine(struct req *r);
int api_allowance_get(struct req *r);
int api_allowance_approve(struct req *r);
int api_allowances_export(struct req *r);
int api_village_places(struct req *r);
int api_place_create(struct req *r);
int api_place_delete(struct req *r);
int api_village_roads(struct req *r);
int api_road_create(struct req *r);
int api_road_update(struct req *r);
int api_road_delete(struct req *r);
int api_finding_events_mine(struct req *r);

#endif
