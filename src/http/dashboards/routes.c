/* The route table of the dashboards feature; src/http/routes.c joins the tables. */
#include "http/dashboards/dashboards.h"

const struct route dashboards_routes[] = {
	{"GET", "/api/v1/stats/points", api_stats_points, 0},
	{"GET", "/api/v1/stats/register", api_stats_register, 0},
	{"GET", "/api/v1/dashboards/:unit_id", api_dashboard_get, 0},
	{"GET", "/api/v1/dashboards/:unit_id/export.xlsx", api_dashboard_xlsx, 0},
	{"GET", "/api/v1/dashboards/:unit_id/series", api_dashboard_series, 0},
	{"GET", "/api/v1/dashboards/:unit_id/report.xlsx", api_dashboard_report_xlsx, 0},
	{"GET", "/api/v1/display-tokens", api_display_tokens_list, 0},
	{"POST", "/api/v1/display-tokens", api_display_token_create, RF_JSON},
	{"DELETE", "/api/v1/display-tokens/:id", api_display_token_revoke, 0},
	{"GET", "/api/v1/display/:token", api_display_get, RF_PUBLIC},
};

const size_t dashboards_routes_n = ARRAY_SIZE(dashboards_routes);
