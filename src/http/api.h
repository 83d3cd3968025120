/* The route table and every handler. Adding an endpoint is one row in routes.c plus
 * one handler in the api_<module>.c of its module (and its entry in docs/openapi.yaml). */
#ifndef HTTP_API_H
#define HTTP_API_H

#include "http/req.h"

enum route_flags {
	RF_PUBLIC = 1 << 0,   /* no login needed */
	RF_JSON = 1 << 1,     /* takes a JSON object body (up to REQ_JSON_MAX) */
	RF_UPLOAD = 1 << 2,   /* takes raw bytes (up to REQ_UPLOAD_MAX) */
	RF_TEST = 1 << 3,     /* exists only when the server runs with --test-clock */
};

struct route {
	const char *method;
	const char *path;     /* ulfius pattern: /api/v1/households/:id */
	int (*handler)(struct req *r);
	unsigned flags;
};

extern const struct route routes[];

/* The tables the server registers (routes.c), ended by NULL. */
extern const struct route *const route_tables[];

/* api_session.c */
json_t *api_grants_json(struct ctx *c, const struct grant *g, int n);
int api_session_create(struct req *r);
int api_session_delete(struct req *r);
int api_session_get(struct req *r);
int api_password_change(struct req *r);
int api_activation_use(struct req *r);
/* api_org.c */
int api_units_list(struct req *r);
int api_unit_get(struct req *r);
int api_unit_create(struct req *r);
int api_unit_update(struct req *r);
int api_village_grids(struct req *r);
int api_village_map(struct req *r);
int api_grid_get(struct req *r);
int api_grid_update(struct req *r);
int api_grid_assign(struct req *r);
int api_roles_list(struct req *r);
/* api_people.c */
int api_households_list(struct req *r);
int api_household_get(struct req *r);
int api_household_create(struct req *r);
int api_household_update(struct req *r);
int api_resident_get(struct req *r);
int api_resident_create(struct req *r);
int api_resident_update(struct req *r);
int api_resident_activation(struct req *r);
/* api_import.c */
int api_import_households(struct req *r);
int api_import_template(struct req *r);
/* api_users.c */
int api_users_list(struct req *r);
int api_user_get(struct req *r);
int api_user_create(struct req *r);
int api_user_grant(struct req *r);
int api_user_revoke(struct req *r);
/* api_audit.c */
int api_audit_list(struct req *r);
int api_audit_verify(struct req *r);
/* api_rules.c */
int api_rule_categories(struct req *r);
int api_unit_rules_list(struct req *r);
int api_unit_rule_versions_list(struct req *r);
int api_unit_rule_version_create(struct req *r);
int api_rule_get(struct req *r);

/* api_claims.c */
int api_file_upload(struct req *r);
int api_claims_list(struct req *r);
int api_claims_create(struct req *r);
int api_claim_get(struct req *r);
int api_claim_photo(struct req *r);
int api_claim_review(struct req *r);
int api_awards_create(struct req *r);

/* api_publicity.c, api_ledger.c */
int api_public_publicity(struct req *r);
int api_objection_create(struct req *r);
int api_objections_list(struct req *r);
int api_points_settings_get(struct req *r);
int api_points_settings_put(struct req *r);
int api_household_ledger(struct req *r);
int api_village_ledger(struct req *r);
int api_ledger_correct(struct req *r);

/* api_activities.c */
int api_activity_create(struct req *r);
int api_activities_list(struct req *r);
int api_activity_get(struct req *r);
int api_activity_signup(struct req *r);
int api_activity_cancel(struct req *r);
int api_activity_code(struct req *r);
int api_activity_code_svg(struct req *r);
int api_activity_code_png(struct req *r);
int api_activity_checkin_token(struct req *r);
int api_activity_checkin_household(struct req *r);
int api_household_code(struct req *r);
int api_household_code_svg(struct req *r);
int api_household_code_png(struct req *r);

/* api_rankings.c */
int api_rankings_live(struct req *r);
int api_rankings_publish(struct req *r);
int api_public_village_rankings(struct req *r);
int api_public_ranking_get(struct req *r);
int api_public_ranking_poster(struct req *r);
int api_public_ranking_export(struct req *r);
int api_household_ledger_export(struct req *r);
int api_village_ledger_export(struct req *r);
int api_stats_points(struct req *r);
int api_stats_register(struct req *r);

/* api_shop.c */
int api_shops_list(struct req *r);
int api_shops_create(struct req *r);
int api_shop_get(struct req *r);
int api_shop_update(struct req *r);
int api_shop_windows_list(struct req *r);
int api_shop_windows_create(struct req *r);
int api_shop_window_delete(struct req *r);
int api_shop_goods_list(struct req *r);
int api_shop_goods_create(struct req *r);
int api_goods_get(struct req *r);
int api_goods_update(struct req *r);
int api_goods_photo(struct req *r);
int api_goods_stock_in(struct req *r);
int api_goods_adjust(struct req *r);
int api_shop_stock_ledger(struct req *r);
int api_shop_stock_ledger_export(struct req *r);
int api_shop_low_stock(struct req *r);
int api_shop_reports(struct req *r);
int api_shop_reports_export(struct req *r);

/* api_counter.c */
int api_card_issue(struct req *r);
int api_cards_list(struct req *r);
int api_card_get(struct req *r);
int api_card_revoke(struct req *r);
int api_card_qr_png(struct req *r);
int api_card_qr_svg(struct req *r);
int api_counter_households(struct req *r);
int api_counter_lookup(struct req *r);
int api_counter_redeem(struct req *r);
int api_counter_return(struct req *r);
int api_receipt_get(struct req *r);
int api_household_receipts(struct req *r);
int api_preorder_create(struct req *r);
int api_preorders_list(struct req *r);
int api_preorder_get(struct req *r);
int api_preorder_collect(struct req *r);
int api_preorder_cancel(struct req *r);

/* api_notices.c */
int api_notices_list(struct req *r);
int api_notice_create(struct req *r);
int api_notice_get(struct req *r);
int api_notice_revise(struct req *r);
int api_notice_withdraw(struct req *r);
int api_notice_read(struct req *r);
int api_notice_unread(struct req *r);

/* server.c */
int api_health(struct req *r);
int api_test_clock(struct req *r);

#endif
