/* The rule catalog (积分事项): county and town templates that a village adopts and
 * adjusts. A catalog changes only by a new version that records the meeting that
 * adopted it; rules are never edited in place (a change retires the old row and adds a
 * new one), and points records keep the rule's name and points as they were. */
#ifndef DOMAIN_RULES_H
#define DOMAIN_RULES_H

#include "domain/kernel/ctx.h"

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
	int added_version_no, retired_version_no; /* the versions' numbers (0 = none) */
};

/* 思想政治, 生产生活, 家庭教育, 集体活动, 人居环境, 平安建设, 移风易俗, 扣分事项; NULL-ended. */
extern const char *const rules_categories[];

/* One rule, no access check. */
enum result rules_get(struct ctx *c, int64_t id, struct point_rule *out);
/* The same, quiet: RC_NOT_FOUND leaves ctx->err alone, for callers that probe. */
enum result rules_find(struct ctx *c, int64_t id, struct point_rule *out);

/* Checks that the rule may be used for a record of this household on this date by
 * this kind of author ("self" a villager, "grid" a grid worker, "cadre"): the rule is
 * the village's and in force, valid on that date, the author may claim it ("grid" may
 * also use self rules, "cadre" all), and the cap (records of the rule for the
 * household, neither rejected nor cancelled, whose occurred_on is in the same month,
 * quarter or year as the date) is not reached. Adds a clear error (field "rule_id" or
 * "occurred_on"), e.g. 本户本月已申报 3 次「参加志愿劳动」，达到上限. */
enum result rules_check_use(struct ctx *c, const struct point_rule *r, int64_t village_id,
		    int64_t household_id, const char *occurred_on, const char *by);

/* ---- reading catalogs ---- */

#define RULE_NOTE_MAX 200          /* characters of a version's note */
#define RULES_UNIT_MAX 200         /* rules in force per unit */
#define RULE_VERSION_CHANGES_MAX 200  /* add + retire + adopt items of one version */
#define RULE_POINTS_MAX 100        /* |points| of a rule */
#define RULE_CAP_MAX 100           /* cap_count of a rule */

/* The category that holds deductions (negative points); all others hold awards. */
#define RULES_DEDUCTION_CATEGORY "扣分事项"

/* Meeting types that may adopt a catalog version, by the unit's kind; NULL-ended.
 * Villages: 村民代表会议, 村民会议, 两委会议, 党员大会. */
extern const char *const rules_meeting_types_village[];
extern const char *const rules_meeting_types_town[];
extern const char *const rules_meeting_types_county[];
/* The list for a unit kind ("village", "town", "county"), or NULL (groups). */
const char *const *rules_meeting_types(const char *unit_kind);
/* The labels of claim_by and cap_period values: "self" → 村民自报 …; "" when unknown. */
const char *rules_claim_by_label(const char *claim_by);
const char *rules_period_label(const char *period);   /* "month" → 月, "quarter" → 季度 */

/* The bounds of the period ("month", "quarter", "year") that contains date
 * (YYYY-MM-DD): from is its first day, to the first day of the next period, so that a
 * date d is inside when from <= d < to as text. Returns 0, or -1 on bad input. */
int rules_period_bounds(const char *period, const char *date, char from[11], char to[11]);

/* True when the actor may read the catalog of this unit (path, kind): for a village,
 * any logged-in user whose scope touches it (above or inside); for county and town
 * templates, anyone holding a role anywhere in the same county. */
bool rules_can_read(const struct ctx *c, const char *unit_path, const char *unit_kind);

/* One rule, with the read check on its unit (RC_NOT_FOUND when not visible). */
enum result rules_read(struct ctx *c, int64_t id, struct point_rule *out);

struct rule_query {
	int64_t unit_id;          /* a village, town or county */
	bool include_retired;     /* also rules retired by a later version */
	int limit, offset;
};

/* A unit's rules, oldest first (rules in force before retired ones). */
enum result rules_list(struct ctx *c, const struct rule_query *q, struct point_rule **out, int *n,
	       int64_t *total);

/* ---- changing catalogs ---- */

/* A new rule (add) and the fields a village may adjust when it adopts a template rule. */
struct rule_input {
	const char *category;
	const char *name;
	int points;
	bool photo_required;
	const char *claim_by;       /* self, grid, cadre */
	int cap_count;              /* 0 = no cap */
	const char *cap_period;     /* month, quarter, year; NULL or "" with no cap */
	const char *valid_from, *valid_to;   /* YYYY-MM-DD, NULL or "" = open */
};

struct rule_adopt {
	int64_t template_id;        /* a county/town rule in force, of the village's ancestors */
	bool set_points, set_cap_count, set_cap_period;
	int points, cap_count;
	const char *cap_period;     /* with set_cap_period: NULL or "" clears it */
};

struct rule_version_input {
	int64_t unit_id;
	const char *meeting_type;   /* one of rules_meeting_types(kind) */
	const char *meeting_date;   /* YYYY-MM-DD, not after today (Asia/Shanghai) */
	const char *note;           /* may be NULL */
	int nadd, nretire, nadopt;  /* at least one change in all */
	const struct rule_input *add;
	const int64_t *retire;      /* ids of this unit's rules in force */
	const struct rule_adopt *adopt;   /* villages only */
};

/* Creates the unit's next catalog version in one transaction: retires, adds and adopts
 * (copies of template rules with the adjustments, template_id set), and writes the
 * audit log. Needs P_POINTS_ADMIN on a village or P_POINTS_TEMPLATE on a town or county.
 * Field errors name the item: "add[2].points", "retire[0]", "adopt[1].template_id". A
 * unit's rules in force have distinct names, and a village adopts a template at most
 * once at a time (retire the copy in the same version to adopt it anew). Retiring a
 * template leaves the copies villages adopted in force. */
enum result rules_version_create(struct ctx *c, const struct rule_version_input *in, int64_t *version_id);

struct rule_change {
	int64_t rule_id;
	const char *name;
	int points;
};

struct rule_version {
	int64_t id, unit_id, created_by, created_at;
	int version_no;
	const char *meeting_type, *meeting_date, *note, *created_by_name;
	int nadded, nretired;
	struct rule_change *added, *retired;
};

/* One version with its changes (read check on its unit). */
enum result rules_version_get(struct ctx *c, int64_t id, struct rule_version *out);
/* A unit's versions, newest first, each with its changes. */
enum result rules_versions(struct ctx *c, int64_t unit_id, int limit, int offset, struct rule_version **out,
		   int *n, int64_t *total);

#endif
