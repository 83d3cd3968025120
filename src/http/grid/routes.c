/* The route table of grid work 网格 (handlers in api_grid.c). */
#include "http/grid/grid.h"

const struct route grid_routes[] = {
	{"GET", "/api/v1/tags", api_tags_list, 0},
	{"POST", "/api/v1/tags", api_tag_create, RF_JSON},
	{"PATCH", "/api/v1/tags/:id", api_tag_update, RF_JSON},
	{"GET", "/api/v1/households/:id/tags", api_household_tags_get, 0},
	{"PUT", "/api/v1/households/:id/tags", api_household_tags_put, RF_JSON},
	{"PUT", "/api/v1/households/:id/location", api_household_locate, RF_JSON},
	{"GET", "/api/v1/villages/:id/tagged-households", api_village_tagged, 0},
	{"GET", "/api/v1/grid-settings", api_grid_settings_get, 0},
	{"PUT", "/api/v1/grid-settings", api_grid_settings_put, RF_JSON},
	{"GET", "/api/v1/patrols", api_patrols_list, 0},
	{"POST", "/api/v1/patrols", api_patrol_start, RF_JSON},
	{"GET", "/api/v1/patrols/:id", api_patrol_get, 0},
	{"POST", "/api/v1/patrols/:id/points", api_patrol_points, RF_JSON},
	{"POST", "/api/v1/patrols/:id/end", api_patrol_end, RF_JSON},
	{"POST", "/api/v1/patrols/:id/findings", api_patrol_finding, RF_JSON},
	{"POST", "/api/v1/patrol-findings/:id/event", api_finding_event, RF_JSON},
	{"GET", "/api/v1/patrol-findings/:id/photos/:n", api_finding_photo, 0},
	{"GET", "/api/v1/patrol-compliance", api_patrol_compliance, 0},
	{"POST", "/api/v1/positions", api_positions_add, RF_JSON},
	{"GET", "/api/v1/positions", api_positions_last, 0},
	{"GET", "/api/v1/positions/mine", api_positions_mine, 0},
	{"GET", "/api/v1/visits", api_visits_list, 0},
	{"POST", "/api/v1/visits", api_visit_create, RF_JSON},
	{"GET", "/api/v1/visits/due", api_visits_due, 0},
	{"GET", "/api/v1/visits/:id/photos/:n", api_visit_photo, 0},
};
const size_t grid_routes_n = ARRAY_SIZE(grid_routes);
