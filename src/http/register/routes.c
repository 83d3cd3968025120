/* The route table of the register feature; src/http/routes.c joins the tables. */
#include "http/register/register.h"

const struct route register_routes[] = {
	{"POST", "/api/v1/session", api_session_create, RF_PUBLIC | RF_JSON},
	{"GET", "/api/v1/session", api_session_get, 0},
	{"DELETE", "/api/v1/session", api_session_delete, 0},
	{"POST", "/api/v1/session/password", api_password_change, RF_JSON},
	{"POST", "/api/v1/activation", api_activation_use, RF_PUBLIC | RF_JSON},
	{"GET", "/api/v1/villages/:id/grids", api_village_grids, 0},
	{"GET", "/api/v1/villages/:id/map", api_village_map, 0},
	{"GET", "/api/v1/grids/:id", api_grid_get, 0},
	{"PUT", "/api/v1/grids/:id", api_grid_update, RF_JSON},
	{"POST", "/api/v1/grids/:id/assign", api_grid_assign, RF_JSON},
	{"GET", "/api/v1/households", api_households_list, 0},
	{"POST", "/api/v1/households", api_household_create, RF_JSON},
	{"GET", "/api/v1/households/:id", api_household_get, 0},
	{"PATCH", "/api/v1/households/:id", api_household_update, RF_JSON},
	{"POST", "/api/v1/residents", api_resident_create, RF_JSON},
	{"GET", "/api/v1/residents/:id", api_resident_get, 0},
	{"GET", "/api/v1/residents/:id/idcard", api_resident_idcard, 0},
	{"PATCH", "/api/v1/residents/:id", api_resident_update, RF_JSON},
	{"POST", "/api/v1/residents/:id/activation", api_resident_activation, RF_JSON},
	{"POST", "/api/v1/imports/households", api_import_households, RF_UPLOAD | RF_IMPORT},
	{"GET", "/api/v1/imports/households/template", api_import_template, 0},
	{"GET", "/api/v1/users", api_users_list, 0},
	{"POST", "/api/v1/users", api_user_create, RF_JSON},
	{"GET", "/api/v1/users/:id", api_user_get, 0},
	{"POST", "/api/v1/users/:id/grants", api_user_grant, RF_JSON},
	{"DELETE", "/api/v1/users/:id/grants", api_user_revoke, RF_JSON},
};

const size_t register_routes_n = ARRAY_SIZE(register_routes);
