/* Points records (claims 申报) and their review (审核). A villager claims a rule for a
 * member of their household, a grid worker for a household of their grid; reviewers
 * (assessors of the group, or village cadres) approve or reject with a reason; nobody
 * reviews a record of their own household. Cadres' awards and deductions and activity
 * check-ins are records approved at once. Approved records go to 公示 (publicity.h). */
#ifndef DOMAIN_CLAIMS_H
#define DOMAIN_CLAIMS_H

#include "domain/ctx.h"
#include "domain/rules.h"

#define CLAIM_PHOTOS_MAX 9
#define CLAIM_DESCRIPTION_MAX 500
#define AWARD_BATCH_MAX 500

/* Inside the caller's transaction: inserts an approved record (source "award",
 * "deduction" or "activity") and posts it to 公示; no access check. */
int claims_insert_approved(struct ctx *c, int64_t village_id, int64_t household_id,
			   int64_t resident_id, const char *source, const struct point_rule *rule,
			   const char *occurred_on, const char *description, int64_t activity_id,
			   int64_t *claim_id);

#endif
