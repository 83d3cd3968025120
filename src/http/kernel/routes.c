/* The route table of the kernel feature; src/http/routes.c joins the tables. */
#include "http/kernel/kernel.h"

const struct route kernel_routes[] = {
	{"GET", "/healthz", api_health, RF_PUBLIC},
	{"GET", "/api/v1/roles", api_roles_list, 0},
	{"GET", "/api/v1/units", api_units_list, 0},
	{"POST", "/api/v1/units", api_unit_create, RF_JSON},
	{"GET", "/api/v1/units/:id", api_unit_get, 0},
	{"PATCH", "/api/v1/units/:id", api_unit_update, RF_JSON},
	{"GET", "/api/v1/audit", api_audit_list, 0},
	{"GET", "/api/v1/audit/verify", api_audit_verify, 0},
	{"POST", "/api/v1/test/clock", api_test_clock, RF_PUBLIC | RF_JSON | RF_TEST},
};

const size_t kernel_routes_n = ARRAY_SIZE(kernel_routes);
