/* The one route table. */
#include "http/api.h"

const struct route routes[] = {
	{"GET", "/healthz", api_health, RF_PUBLIC},
	{"POST", "/api/v1/session", api_session_create, RF_PUBLIC | RF_JSON},
	{"GET", "/api/v1/session", api_session_get, 0},
	{"DELETE", "/api/v1/session", api_session_delete, 0},
	{"POST", "/api/v1/session/password", api_password_change, RF_JSON},
	{"POST", "/api/v1/activation", api_activation_use, RF_PUBLIC | RF_JSON},

	{"GET", "/api/v1/roles", api_roles_list, 0},
	{"GET", "/api/v1/units", api_units_list, 0},
	{"POST", "/api/v1/units", api_unit_create, RF_JSON},
	{"GET", "/api/v1/units/:id", api_unit_get, 0},
	{"PATCH", "/api/v1/units/:id", api_unit_update, RF_JSON},

	{"GET", "/api/v1/households", api_households_list, 0},
	{"POST", "/api/v1/households", api_household_create, RF_JSON},
	{"GET", "/api/v1/households/:id", api_household_get, 0},
	{"PATCH", "/api/v1/households/:id", api_household_update, RF_JSON},
	{"POST", "/api/v1/residents", api_resident_create, RF_JSON},
	{"GET", "/api/v1/residents/:id", api_resident_get, 0},
	{"PATCH", "/api/v1/residents/:id", api_resident_update, RF_JSON},
	{"POST", "/api/v1/residents/:id/activation", api_resident_activation, RF_JSON},

	{"POST", "/api/v1/imports/households", api_import_households, RF_UPLOAD},
	{"GET", "/api/v1/imports/households/template", api_import_template, 0},

	{"GET", "/api/v1/users", api_users_list, 0},
	{"POST", "/api/v1/users", api_user_create, RF_JSON},
	{"GET", "/api/v1/users/:id", api_user_get, 0},
	{"POST", "/api/v1/users/:id/grants", api_user_grant, RF_JSON},
	{"DELETE", "/api/v1/users/:id/grants", api_user_revoke, RF_JSON},

	{"GET", "/api/v1/audit", api_audit_list, 0},
	{"GET", "/api/v1/audit/verify", api_audit_verify, 0},

	/* points: rule catalog (api_rules.c) */

	/* points: files and claims, review, awards (api_claims.c) */

	/* points: 公示, objections, ledger, settings (api_publicity.c, api_ledger.c) */
	{"GET", "/api/v1/public/villages/:id/publicity", api_public_publicity, RF_PUBLIC},
	{"POST", "/api/v1/publicity/:id/objections", api_objection_create, RF_JSON},
	{"GET", "/api/v1/objections", api_objections_list, 0},
	{"GET", "/api/v1/villages/:id/points-settings", api_points_settings_get, 0},
	{"PUT", "/api/v1/villages/:id/points-settings", api_points_settings_put, RF_JSON},
	{"GET", "/api/v1/households/:id/ledger", api_household_ledger, 0},
	{"GET", "/api/v1/villages/:id/ledger", api_village_ledger, 0},
	{"POST", "/api/v1/ledger/:id/correction", api_ledger_correct, RF_JSON},

	/* points: activities and QR codes (api_activities.c) */

	/* points: rankings, posters, exports, statistics (api_rankings.c) */

	{"POST", "/api/v1/test/clock", api_test_clock, RF_PUBLIC | RF_JSON | RF_TEST},
	{0, 0, 0, 0},
};
