/* Roles, permissions and scope. A role is granted on an org unit and covers its
 * subtree (a unit whose path starts with the grant's path). Every domain call checks
 * here; the UI only hides what the server would refuse anyway.
 *
 * The rule every endpoint keeps (tests/api/matrix.test.js holds one row per route):
 *   - an object (or the unit a list query names) outside every grant of the caller —
 *     no grant lies inside its unit and its unit inside no grant (access_touches) —
 *     is answered RC_NOT_FOUND (404), exactly as an id that does not exist, so the
 *     answer reveals nothing;
 *   - an object the caller may see (some grant touches its unit, or it is their own
 *     household's) but whose operation their roles do not allow is RC_FORBIDDEN (403);
 *   - otherwise the operation runs, and may still fail on its content (400, 409 …).
 * access_refusal() picks between the first two for a unit path. */
#ifndef DOMAIN_ACCESS_H
#define DOMAIN_ACCESS_H

#include "domain/kernel/ctx.h"

enum perm {
	P_REGISTER_READ = 1 << 0,   /* households and residents (masked ID numbers) */
	P_REGISTER_WRITE = 1 << 1,  /* create, update, move, import */
	P_PII_READ = 1 << 2,        /* unmasked ID-card numbers */
	P_ORG_WRITE = 1 << 3,       /* create and rename org units */
	P_USER_ADMIN = 1 << 4,      /* accounts and role grants */
	P_ACCESS_ISSUE = 1 << 5,    /* activation codes, resetting a villager's access */
	P_AUDIT_READ = 1 << 6,
	P_POINTS_REVIEW = 1 << 7,   /* review claims, decide objections */
	P_POINTS_ADMIN = 1 << 8,    /* rule catalog, awards and deductions, activities,
				       settings, corrections, publishing rankings */
	P_POINTS_CLAIM = 1 << 9,    /* claim on behalf of households in scope (grid workers) */
	P_POINTS_TEMPLATE = 1 << 10, /* county and town rule templates */
	P_SHOP_ADMIN = 1 << 11,     /* shops, goods, windows, stock-in and adjustments, cards, reports */
	P_SHOP_COUNTER = 1 << 12,   /* redemption and returns at the counter */
	P_NOTICE_WRITE = 1 << 13,   /* publish, revise and withdraw notices 通知 to units in scope */
	/* events 民情 (domain/events/events.h) */
	P_EVENT_REPORT = 1 << 14,   /* enter events for the villages in scope */
	P_EVENT_INTAKE = 1 << 15,   /* accept or refuse, handle village-level events, rate for callers */
	P_EVENT_DISPATCH = 1 << 16, /* dispatch to departments, take back, transfer */
	P_EVENT_SUPERVISE = 1 << 17, /* the overdue board, 督办 notes */
	P_EVENT_HANDLE = 1 << 18,   /* handle the events dispatched to the department (granted on it) */
	P_EVENT_ADMIN = 1 << 19,    /* categories, channels, departments, the holiday calendar */
	P_EVENT_READ = 1 << 20,     /* read events in scope (inspectors) */
	P_EVENT_CALL = 1 << 21,     /* hotline: enter calls with the caller's name and phone, rate for them */
	/* grid work 网格 (domain/grid/grid.h) */
	P_GRID_WORK = 1 << 29,      /* patrol, report positions, visit and tag the households of the grid */
	P_GRID_SUPERVISE = 1 << 30, /* compliance, live positions, tracks and overdue visits in scope */
};

struct role_def {
	const char *name;        /* as stored and sent: "cadre" */
	const char *label;       /* 村两委 */
	unsigned perms;
	const char *unit_kinds;  /* where it may be granted: "village,group" */
};

const struct role_def *access_role(const char *name);
/* All roles, ended by a zeroed entry. */
const struct role_def *access_roles(void);
/* True when a role may be granted on a unit of this kind. */
bool access_role_fits(const struct role_def *r, const char *unit_kind);

/* True when some grant of the actor has perm and covers the unit with this path.
 * The command line (ctx->system) may do everything. */
bool access_can(const struct ctx *c, enum perm p, const char *unit_path);
/* Where a household sits: the paths of its village, and of its group and grid when it
 * is in one ("" or NULL when not). A grant on any of them covers the household. */
struct hh_paths {
	const char *village, *group, *grid;
};
bool access_can_household(const struct ctx *c, enum perm p, const struct hh_paths *h);
/* Registers: the villager reads their own household; others need P_REGISTER_READ on
 * the household's village, group or grid. */
bool access_can_read_household(const struct ctx *c, const struct hh_paths *h, int64_t household_id);
/* The paths under which the actor holds perm, for list queries; returns the count
 * (0 = nothing in scope). The system context gets "/". */
int access_scopes(const struct ctx *c, enum perm p, const char **paths, int max);
/* True when some grant of the actor lies inside the unit, or the unit inside it: the
 * actor has business there (a villager in their village, a cadre in the town). Used for
 * reading what is not personal: unit names, the rule catalog, settings. */
bool access_touches(const struct ctx *c, const char *unit_path);
/* The refusal for an operation on something under unit_path that access_can denied:
 * RC_NOT_FOUND when no grant of the actor touches the unit, else RC_FORBIDDEN. */
enum result access_refusal(const struct ctx *c, const char *unit_path);
/* True when the actor holds any role that may change things (not only an inspector). */
bool access_has_role(const struct ctx *c, const char *role);

#endif
