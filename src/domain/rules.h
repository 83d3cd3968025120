/* The rule catalog (积分事项): county and town templates that a village adopts and
 * adjusts. A catalog changes only by a new version that records the meeting that
 * adopted it; rules are never edited in place (a change retires the old row and adds a
 * new one), and points records keep the rule's name and points as they were. */
#ifndef DOMAIN_RULES_H
#define DOMAIN_RULES_H

#include "domain/ctx.h"

#define RULE_NAME_MAX 40

struct point_rule {
	int64_t id, unit_id, template_id;
	char category[32];
	char name[RULE_NAME_MAX * 4 + 1];
	int points;                 /* + award, − deduction */
	bool photo_required;
	char claim_by[8];           /* self, grid, cadre */
	int cap_count;              /* 0 = no cap */
	char cap_period[8];         /* month, quarter, year, or "" */
	char valid_from[11], valid_to[11];  /* "" = open */
	int64_t added_version, retired_version;  /* retired_version 0 = in force */
};

/* 思想政治, 生产生活, 家庭教育, 集体活动, 人居环境, 平安建设, 移风易俗, 扣分事项; NULL-ended. */
extern const char *const rules_categories[];

/* One rule, no access check. */
int rules_get(struct ctx *c, int64_t id, struct point_rule *out);

/* Checks that the rule may be used for a record of this household on this date by
 * this kind of author ("self" a villager, "grid" a grid worker, "cadre"): the rule is
 * the village's and in force, valid on that date, the author may claim it, and the cap
 * (non-rejected records of the rule for the household in the period containing the
 * date) is not reached. Adds a clear error (field "rule_id" or "occurred_on"). */
int rules_check_use(struct ctx *c, const struct point_rule *r, int64_t village_id,
		    int64_t household_id, const char *occurred_on, const char *by);

#endif
