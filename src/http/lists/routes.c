/* The route table of lists 清单制 (handlers in api_lists.c and api_executions.c). */
#include "domain/lists/lists.h"
#include "http/lists/lists.h"

const struct route lists_routes[] = {
	{"GET", "/api/v1/list-templates", api_list_templates, 0},
	{"POST", "/api/v1/list-templates", api_list_template_create, RF_JSON},
	{"PATCH", "/api/v1/list-templates/:id", api_list_template_update, RF_JSON},
	{"GET", "/api/v1/lists", api_lists_current, 0},
	{"GET", "/api/v1/lists/items/:id", api_list_item_get, 0},
	{"GET", "/api/v1/lists/versions", api_list_versions, 0},
	{"POST", "/api/v1/lists/versions", api_list_version_create, RF_JSON},
	{"GET", "/api/v1/executions", api_executions_list, 0},
	{"POST", "/api/v1/executions", api_execution_create, RF_JSON},
	{"GET", "/api/v1/executions/:id", api_execution_get, 0},
	{"GET", "/api/v1/executions/:id/photos/:n", api_execution_photo, 0},
	{"GET", "/api/v1/executions/:id/steps/:step/photos/:n", api_execution_step_photo, 0},
	{"POST", "/api/v1/executions/:id/steps/:step", api_execution_step, RF_JSON},
	{"POST", "/api/v1/executions/:id/close", api_execution_close, RF_JSON},
	{"GET", "/api/v1/list-stats", api_list_stats, 0},
	{"GET", "/api/v1/list-board", api_list_board, 0},
	{"GET", "/api/v1/public/villages/:id/lists", api_public_lists, RF_PUBLIC},
	{"GET", "/api/v1/public/villages/:id/lists/outcomes", api_public_list_outcomes, RF_PUBLIC},
};
const size_t lists_routes_n = ARRAY_SIZE(lists_routes);
