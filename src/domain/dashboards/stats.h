/* Statistics for the dashboards (county → town → village). The points section: what
 * was issued, credited, deducted and spent in a period, by category, and participation
 * (households with at least one credited entry that earned points, over all households)
 * per village, rolled up per town and for the county. The register section: the
 * registered share 入住率 (households with an activated villager account, over all
 * households). Later modules add their sections here. */
#ifndef DOMAIN_STATS_H
#define DOMAIN_STATS_H

#include "domain/kernel/ctx.h"
#include "domain/points/rankings.h"

struct stats_points_category {
	const char *category;
	int64_t issued;          /* positive honour changes of claim, award and activity entries */
	int64_t deducted;        /* points taken by deduction entries, as a positive number */
	int64_t credited;        /* credited entries (claim, award, deduction, activity) … */
	int64_t credited_points; /* … and the sum of their honour changes */
};

struct stats_points_unit {
	int64_t id, parent_id;
	const char *kind, *name;
	int64_t issued, deducted, credited_points, spent;   /* as the unit's own statistics */
	int64_t households;      /* registered households */
	int64_t participating;   /* of them, with a credited claim, award or activity entry */
};

struct stats_points {
	int64_t unit_id;
	const char *unit_kind, *unit_name;
	struct ranking_period period;
	int64_t issued, deducted, credited, credited_points;
	int64_t spent;           /* redemptions less returns, in spendable points */
	int64_t corrections, corrected_points;   /* correction entries and their honour sum */
	struct stats_points_category *categories;  /* in catalog order, then others */
	int ncategories;
	int64_t households, participating;         /* the whole unit */
	struct stats_points_unit *units;           /* the towns and villages below the unit,
						      in tree order (none for a village) */
	int nunits;
};

/* Points statistics of a village, town or county for a period ("2026-11", "2026-Q4",
 * "2026"; Asia/Shanghai), by the time entries were written to the ledger. Needs
 * P_REGISTER_READ on the unit. */
enum result stats_points(struct ctx *c, int64_t unit_id, const char *period, struct stats_points *out);

/* ---- the register: registered share 入住率 ---- */

struct stats_register_unit {
	int64_t id, parent_id;
	const char *kind, *name;
	int64_t households;   /* registered households 在册户 */
	int64_t registered;   /* of them, with at least one active villager account */
	int64_t accounts;     /* active villager accounts linked to residents of them */
};

struct stats_register {
	int64_t unit_id;
	const char *unit_kind, *unit_name;
	int64_t households, registered, accounts;   /* the whole unit */
	struct stats_register_unit *units;   /* below a county or town: its towns and
						villages in tree order (a town's figures roll
						up its villages); below a village: its groups */
	int nunits;
};

/* The registered share of a county, town, village or group now: a household counts
 * when an account with status 'active' is linked (users.resident_id) to one of its
 * residents. Needs P_REGISTER_READ on the unit; errors on field "unit_id". */
enum result stats_register(struct ctx *c, int64_t unit_id, struct stats_register *out);

#endif
