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

/* Permissions: bits of a perm_t (64 of them), granted by roles. Each feature's bits
 * are grouped under its name. */
typedef uint64_t perm_t;
#define PERM(n) ((perm_t)1 << (n))

#define P_REGISTER_READ PERM(0) /* households and residents (masked ID numbers) */
#define P_REGISTER_WRITE PERM(1)/* create, update, move, import */
#define P_PII_READ PERM(2)      /* unmasked ID-card numbers */
#define P_ORG_WRITE PERM(3)     /* create and rename org units */
#define P_USER_ADMIN PERM(4)    /* accounts and role grants */
#define P_ACCESS_ISSUE PERM(5)  /* activation codes, resetting a villager's access */
#define P_AUDIT_READ PERM(6)
#define P_POINTS_REVIEW PERM(7) /* review claims, decide objections */
#define P_POINTS_ADMIN PERM(8)  /* rule catalog, awards and deductions, activities,
                                   settings, corrections, publishing rankings */
#define P_POINTS_CLAIM PERM(9)  /* claim on behalf of households in scope (grid workers) */
#define P_POINTS_TEMPLATE PERM(10)/* county and town rule templates */
#define P_SHOP_ADMIN PERM(11)   /* shops, goods, windows, stock-in and adjustments, cards, reports */
#define P_SHOP_COUNTER PERM(12) /* redemption and returns at the counter */
#define P_NOTICE_WRITE PERM(13) /* publish, revise and withdraw notices 通知 to units in scope */
/* events 民情 (domain/events/events.h) */
#define P_EVENT_REPORT PERM(14) /* enter events for the villages in scope */
#define P_EVENT_INTAKE PERM(15) /* accept or refuse, handle village-level events, rate for callers */
#define P_EVENT_DISPATCH PERM(16)/* dispatch to departments, take back, transfer */
#define P_EVENT_SUPERVISE PERM(17)/* the overdue board, 督办 notes */
#define P_EVENT_HANDLE PERM(18) /* handle the events dispatched to the department (granted on it) */
#define P_EVENT_ADMIN PERM(19)  /* categories, channels, departments, the holiday calendar */
#define P_EVENT_READ PERM(20)   /* read events in scope (inspectors) */
#define P_EVENT_CALL PERM(21)   /* hotline: enter calls with the caller's name and phone, rate for them */
/* lists 清单制 (domain/lists/lists.h) */
#define P_LIST_TEMPLATE PERM(22)/* the county's list templates */
#define P_LIST_WRITE PERM(23)   /* adopt the village's lists, start execution records */
#define P_LIST_READ PERM(24)    /* read execution records in scope with their step log */
/* transparency 三务公开 and the timeline 大事记 (domain/transparency/transparency.h) */
#define P_DISCLOSE_WRITE PERM(25)/* publish, revise and withdraw the village's disclosures, answer questions */
#define P_DISCLOSE_READ PERM(26)/* every disclosure, question and the late board in scope */
#define P_DISCLOSE_ADMIN PERM(27)/* the county's schedule settings (busy villages, days for major matters) */
#define P_CHRONICLE_WRITE PERM(28)/* add, revise and withdraw the village's 大事记 entries */
/* the village's voice: 大喇叭 and 村民说事 (domain/voice/voice.h) */
#define P_BROADCAST PERM(34)    /* broadcast to the units in scope (with P_NOTICE_WRITE: it is also a notice) */
#define P_SPEAKER_ADMIN PERM(35)/* register and revoke the villages' loudspeakers */
#define P_TALK_MODERATE PERM(36)/* answer 村民说事 threads, resolve, hide posts with a reason */
#define P_TALK_READ_HIDDEN PERM(37)/* read hidden 说事 posts with the reason (inspectors) */
#define P_TALK_READ PERM(46)    /* read the 说事 threads in scope, not hidden text (town, county) */
/* grid work 网格 (domain/grid/grid.h) */
#define P_GRID_WORK PERM(29)        /* patrol, report positions, visit and tag the households of the grid */
#define P_GRID_SUPERVISE PERM(30)   /* compliance, live positions, tracks and overdue visits in scope */
#define P_GRID_ALLOWANCE PERM(47)   /* compute, approve and export the grid workers' monthly allowance in scope */
#define P_GRID_ALLOWANCE_READ PERM(51) /* read the grid workers' allowances in scope and their export, never compute or approve */
/* disputes 矛盾纠纷 and emergencies 应急事件 (domain/disputes/disputes.h) */
#define P_DISPUTE_MEDIATE PERM(49)  /* may be named a dispute's mediator: sessions, outcome, follow-up of it */
#define P_EMERGENCY_DUTY PERM(50)   /* duty officer: alerted of emergencies in scope at once, acknowledges, the board */
/* village finance 村级财务 (domain/finance/finance.h) */
#define P_FINANCE_ENTER PERM(31)/* enter the village's income and expense entries, correct or withdraw them before approval */
#define P_FINANCE_APPROVE PERM(32)/* approve entries someone else entered, publish the monthly statement */
#define P_FINANCE_READ PERM(33) /* read every entry and statement in scope, the exports */
/* party building 党建 (domain/party/party.h) */
#define P_PARTY_ADMIN PERM(38)  /* the branch: members, meetings and attendance, commitments, the diary */
#define P_PARTY_READ PERM(39)   /* members' personal data, statistics and compliance in scope */
#define P_PARTY_MEMBER PERM(40) /* a member: own record, the branch's meetings, check-in, the diary */
#define P_PARTY_ANSWER PERM(41) /* answer 书记会客厅 questions, read private ones */
#define P_PARTY_SETTINGS PERM(42)/* the county's meeting kinds and frequencies */
#define P_LEARN_PUBLISH PERM(52)/* publish courses and quizzes 学习教育 for the units in scope (county, town) */
/* evaluations 评选 (domain/evaluations/evaluations.h); scoring is the named panel's */
#define P_EVAL_ADMIN PERM(43)       /* campaigns: criteria, panel, 公示, objections, publication */
#define P_EVAL_NOMINATE PERM(44)    /* nominate households in scope */
#define P_EVAL_READ PERM(45)        /* read campaigns with every score in scope */

#define P_DISPLAY_ADMIN PERM(54)    /* issue and revoke display tokens 大屏令牌 for units in scope */
#define P_AUDIT_VERIFY PERM(56)     /* run the verification of the audit chains of the units in scope (one at a time) */

struct role_def {
	const char *name;        /* as stored and sent: "cadre" */
	const char *label;       /* 村两委 */
	perm_t perms;
	const char *unit_kinds;  /* where it may be granted: "village,group" */
};

const struct role_def *access_role(const char *name);
/* All roles, ended by a zeroed entry. */
const struct role_def *access_roles(void);
/* True when a role may be granted on a unit of this kind. */
bool access_role_fits(const struct role_def *r, const char *unit_kind);

/* True when some grant of the actor has perm and covers the unit with this path.
 * The command line (ctx->system) may do everything. */
bool access_can(const struct ctx *c, perm_t p, const char *unit_path);
/* Where a household sits: the paths of its village, and of its group and grid when it
 * is in one ("" or NULL when not). A grant on any of them covers the household. */
struct hh_paths {
	const char *village, *group, *grid;
};
bool access_can_household(const struct ctx *c, perm_t p, const struct hh_paths *h);
/* Registers: the villager reads their own household; others need P_REGISTER_READ on
 * the household's village, group or grid. */
bool access_can_read_household(const struct ctx *c, const struct hh_paths *h, int64_t household_id);
/* The paths under which the actor holds perm, for list queries; returns the count
 * (0 = nothing in scope). The system context gets "/". */
int access_scopes(const struct ctx *c, perm_t p, const char **paths, int max);
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
