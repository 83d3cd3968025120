/* The points system's endpoints: the rule catalog, claims and review, awards, 公示 and
 * objections, the ledger and its corrections, activities and QR codes, rankings and the
 * points exports. Calls the kernel and the domain's points feature (and the register's
 * public header for the household code). */
#ifndef HTTP_POINTS_POINTS_H
#define HTTP_POINTS_POINTS_H

#include "http/api.h"

extern const struct route points_routes[];
extern const size_t points_routes_n;

int api_rule_categories(struct req *r);
int api_unit_rules_list(struct req *r);
int api_unit_rule_versions_list(struct req *r);
int api_unit_rule_version_create(struct req *r);
int api_rule_get(struct req *r);
int api_file_upload(struct req *r);
int api_claims_list(struct req *r);
int api_claims_create(struct req *r);
int api_claim_get(struct req *r);
int api_claim_photo(struct req *r);
int api_claim_review(struct req *r);
int api_awards_create(struct req *r);
int api_public_publicity(struct req *r);
int api_objection_create(struct req *r);
int api_objections_list(struct req *r);
int api_points_settings_get(struct req *r);
int api_points_settings_put(struct req *r);
int api_household_ledger(struct req *r);
int api_village_ledger(struct req *r);
int api_ledger_correct(struct req *r);
int api_ledger_corrections_list(struct req *r);
int api_ledger_correction_decide(struct req *r);
int api_activity_create(struct req *r);
int api_activities_list(struct req *r);
int api_activity_checkin_token(struct req *r);
int api_activity_get(struct req *r);
int api_activity_signup(struct req *r);
int api_activity_cancel(struct req *r);
int api_activity_code(struct req *r);
int api_activity_code_svg(struct req *r);
int api_activity_code_png(struct req *r);
int api_activity_checkin_household(struct req *r);
int api_household_code(struct req *r);
int api_household_code_svg(struct req *r);
int api_household_code_png(struct req *r);
int api_rankings_live(struct req *r);
int api_rankings_mine(struct req *r);
int api_rankings_publish(struct req *r);
int api_public_village_rankings(struct req *r);
int api_public_ranking_get(struct req *r);
int api_public_ranking_poster(struct req *r);
int api_public_ranking_export(struct req *r);
int api_household_ledger_export(struct req *r);
int api_village_ledger_export(struct req *r);

#endif
