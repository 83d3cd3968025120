/* The one route table. */
#include "http/api.h"
#include "http/events/api_events.h"

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
	{"GET", "/api/v1/rule-categories", api_rule_categories, 0},
	{"GET", "/api/v1/units/:id/rules", api_unit_rules_list, 0},
	{"GET", "/api/v1/units/:id/rule-versions", api_unit_rule_versions_list, 0},
	{"POST", "/api/v1/units/:id/rule-versions", api_unit_rule_version_create, RF_JSON},
	{"GET", "/api/v1/rules/:id", api_rule_get, 0},

	/* points: files and claims, review, awards (api_claims.c) */
	{"POST", "/api/v1/files", api_file_upload, RF_UPLOAD},
	{"GET", "/api/v1/claims", api_claims_list, 0},
	{"POST", "/api/v1/claims", api_claims_create, RF_JSON},
	{"GET", "/api/v1/claims/:id", api_claim_get, 0},
	{"GET", "/api/v1/claims/:id/photos/:n", api_claim_photo, 0},
	{"POST", "/api/v1/claims/:id/review", api_claim_review, RF_JSON},
	{"POST", "/api/v1/awards", api_awards_create, RF_JSON},

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
	{"POST", "/api/v1/activities", api_activity_create, RF_JSON},
	{"GET", "/api/v1/activities", api_activities_list, 0},
	{"POST", "/api/v1/activities/checkin", api_activity_checkin_token, RF_JSON},
	{"GET", "/api/v1/activities/:id", api_activity_get, 0},
	{"POST", "/api/v1/activities/:id/signup", api_activity_signup, RF_JSON},
	{"DELETE", "/api/v1/activities/:id/signup", api_activity_cancel, 0},
	{"GET", "/api/v1/activities/:id/checkin-code", api_activity_code, 0},
	{"GET", "/api/v1/activities/:id/checkin-code.svg", api_activity_code_svg, 0},
	{"GET", "/api/v1/activities/:id/checkin-code.png", api_activity_code_png, 0},
	{"POST", "/api/v1/activities/:id/checkin", api_activity_checkin_household, RF_JSON},
	{"GET", "/api/v1/households/:id/code", api_household_code, 0},
	{"GET", "/api/v1/households/:id/code.svg", api_household_code_svg, 0},
	{"GET", "/api/v1/households/:id/code.png", api_household_code_png, 0},

	/* points: rankings, posters, exports, statistics (api_rankings.c) */
	{"GET", "/api/v1/rankings", api_rankings_live, 0},
	{"POST", "/api/v1/rankings", api_rankings_publish, RF_JSON},
	{"GET", "/api/v1/public/villages/:id/rankings", api_public_village_rankings, RF_PUBLIC},
	{"GET", "/api/v1/public/rankings/:id", api_public_ranking_get, RF_PUBLIC},
	{"GET", "/api/v1/public/rankings/:id/poster", api_public_ranking_poster, RF_PUBLIC},
	{"GET", "/api/v1/public/rankings/:id/export.xlsx", api_public_ranking_export, RF_PUBLIC},
	{"GET", "/api/v1/households/:id/ledger/export.xlsx", api_household_ledger_export, 0},
	{"GET", "/api/v1/villages/:id/ledger/export.xlsx", api_village_ledger_export, 0},
	{"GET", "/api/v1/stats/points", api_stats_points, 0},
	{"GET", "/api/v1/stats/register", api_stats_register, 0},

	/* shop: shops, goods, stock, reports (api_shop.c) */
	{"GET", "/api/v1/shops", api_shops_list, 0},
	{"POST", "/api/v1/shops", api_shops_create, RF_JSON},
	{"GET", "/api/v1/shops/:id", api_shop_get, 0},
	{"PATCH", "/api/v1/shops/:id", api_shop_update, RF_JSON},
	{"GET", "/api/v1/shops/:id/windows", api_shop_windows_list, 0},
	{"POST", "/api/v1/shops/:id/windows", api_shop_windows_create, RF_JSON},
	{"DELETE", "/api/v1/shop-windows/:id", api_shop_window_delete, 0},
	{"GET", "/api/v1/shops/:id/goods", api_shop_goods_list, 0},
	{"POST", "/api/v1/shops/:id/goods", api_shop_goods_create, RF_JSON},
	{"GET", "/api/v1/goods/:id", api_goods_get, 0},
	{"PATCH", "/api/v1/goods/:id", api_goods_update, RF_JSON},
	{"GET", "/api/v1/goods/:id/photo", api_goods_photo, 0},
	{"POST", "/api/v1/goods/:id/stock-in", api_goods_stock_in, RF_JSON},
	{"POST", "/api/v1/goods/:id/adjustments", api_goods_adjust, RF_JSON},
	{"GET", "/api/v1/shops/:id/stock-ledger", api_shop_stock_ledger, 0},
	{"GET", "/api/v1/shops/:id/stock-ledger/export.xlsx", api_shop_stock_ledger_export, 0},
	{"GET", "/api/v1/shops/:id/low-stock", api_shop_low_stock, 0},
	{"GET", "/api/v1/shops/:id/reports", api_shop_reports, 0},
	{"GET", "/api/v1/shops/:id/reports/export.xlsx", api_shop_reports_export, 0},

	/* shop: cards, redemption, returns, pre-orders (api_counter.c) */
	{"POST", "/api/v1/households/:id/cards", api_card_issue, RF_JSON},
	{"GET", "/api/v1/households/:id/cards", api_cards_list, 0},
	{"GET", "/api/v1/cards/:id", api_card_get, 0},
	{"POST", "/api/v1/cards/:id/revoke", api_card_revoke, 0},
	{"GET", "/api/v1/cards/:id/qr.png", api_card_qr_png, 0},
	{"GET", "/api/v1/cards/:id/qr.svg", api_card_qr_svg, 0},
	{"GET", "/api/v1/counter/households", api_counter_households, 0},
	{"POST", "/api/v1/counter/lookup", api_counter_lookup, RF_JSON},
	{"POST", "/api/v1/counter/redeem", api_counter_redeem, RF_JSON},
	{"POST", "/api/v1/counter/returns", api_counter_return, RF_JSON},
	{"GET", "/api/v1/receipts/:id", api_receipt_get, 0},
	{"GET", "/api/v1/households/:id/receipts", api_household_receipts, 0},
	{"POST", "/api/v1/preorders", api_preorder_create, RF_JSON},
	{"GET", "/api/v1/preorders", api_preorders_list, 0},
	{"GET", "/api/v1/preorders/:id", api_preorder_get, 0},
	{"POST", "/api/v1/preorders/:id/collect", api_preorder_collect, RF_JSON},
	{"POST", "/api/v1/preorders/:id/cancel", api_preorder_cancel, 0},

	/* notices 通知: publishing, read receipts, awareness (api_notices.c) */
	{"GET", "/api/v1/notices", api_notices_list, 0},
	{"POST", "/api/v1/notices", api_notice_create, RF_JSON},
	{"GET", "/api/v1/notices/:id", api_notice_get, 0},
	{"PATCH", "/api/v1/notices/:id", api_notice_revise, RF_JSON},
	{"POST", "/api/v1/notices/:id/withdraw", api_notice_withdraw, RF_JSON},
	{"POST", "/api/v1/notices/:id/read", api_notice_read, 0},
	{"GET", "/api/v1/notices/:id/unread-households", api_notice_unread, 0},

	{"POST", "/api/v1/test/clock", api_test_clock, RF_PUBLIC | RF_JSON | RF_TEST},
	{0, 0, 0, 0},
};

/* Every table the server registers, each ended by a zeroed row: this one and the
 * features' own. */
const struct route *const route_tables[] = {routes, events_routes, NULL};
