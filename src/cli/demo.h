/* The demo county: a deterministic, plausible data set (org units, households,
 * residents, one account per role) for `make run`, manual testing and benchmarks.
 * The same scale always produces the same data: names, ID-card numbers, phones and
 * coordinates come from a seeded generator, never from rand() or the clock. */
#ifndef DOMAIN_DEMO_H
#define DOMAIN_DEMO_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/org.h"
#include "domain/register/account.h"
#include "domain/register/people.h"

/* Every demo login uses this password. */
#define DEMO_PASSWORD "Cunzhi2026!"
#define DEMO_LOGINS_MAX 16

enum demo_scale {
	/* 1 county (DEMO, 青川县), 1 town, 1 village with 300 households: for quick tests */
	DEMO_SCALE_VILLAGE,
	/* 1 county, 2 towns, 18 villages with 4–8 村民小组 each, 10,000 households and
	 * about 31,000 residents */
	DEMO_SCALE_COUNTY,
};

/* One login, for printing at start ("区县管理员 13900000001 / Cunzhi2026!"). */
struct demo_login {
	char role[24];                                /* "cadre" */
	char role_label[32];                          /* "村两委" */
	char unit_name[ORG_NAME_MAX * 4 + 1];         /* the unit the role is granted on */
	char name[PEOPLE_NAME_MAX * 4 + 1];           /* the account holder */
	char phone[24];
	char password[ACCOUNT_PASSWORD_MAX + 1];
};

struct demo_logins {
	int n;
	struct demo_login logins[DEMO_LOGINS_MAX];
	/* what was created */
	int64_t units, households, residents, party_members;
};

/* The accounts (all with DEMO_PASSWORD):
 *   county_admin   on the county        13900000001
 *   town_official  on town 1            13900000002
 *   cadre          on village 1         13900000003
 *   cadre          on village 2         13900000013 (county scale only: scope tests)
 *   clerk          on village 1         13900000004
 *   grid_worker    on village 1         13900000005
 *   assessor       on village 1         13900000006
 *   handler        on 县住建局 (a department) 13900000007
 *   operator       on the county        13900000010 (hotline 热线话务员)
 *   inspector      on the county        13900000008
 *   accountant     on village 1         13900000021 (made by the finance demo)
 *   villager       on village 1: the head of household 0001 of village 1, linked to
 *                  that resident, with the resident's own phone number (see out).
 * Residents' phones never start with 139, so they cannot clash with these.
 *
 * Birth dates are fixed relative to 2026-01-01 (or the day before c->now, when the
 * clock is earlier), so ages are plausible without depending on the clock. */

/* Parses "county" or "village"; returns 0, or -1 when unknown. */
int demo_scale_parse(const char *s, enum demo_scale *out);

/* True when the database already holds a county (the demo, or real data). */
bool demo_exists(struct ctx *c);

/* Creates the demo data set. Needs a system context (the command line); refuses with
 * RC_CONFLICT when a county exists already. The org units and accounts are created
 * through org_create / account_* (one transaction each), the households and residents
 * in one transaction; every change is in the audit log. When it fails half-way the
 * database is left with a partial demo: start again from an empty database. */
int demo_create(struct ctx *c, enum demo_scale scale, struct demo_logins *out);

/* The demo catalog: a county template (version 1, dozens of rules in every category)
 * and, for every village of the county, version 1 adopting all of it. Needs a system
 * context; one transaction per version. */
int rules_seed_demo(struct ctx *c, int64_t county_id);

/* The demo shop: 青山村爱心积分超市 serving the village with a dozen everyday goods and
 * their stock-ins (mixed funding), done by the clerk. Needs a system context. */
int shop_seed_demo(struct ctx *c, int64_t village_id, int64_t clerk_user_id);

/* The demo notices 通知 of a village, some of them revised since, by author_id as in
 * notices_seed (0: the village's cadre). */
int notices_seed_demo(struct ctx *c, int64_t village_id, int64_t author_id);

/* Demo data of lists 清单制 (demo_lists.c): the county's templates, every village's
 * adopted lists and months of execution records, most in the first village. */
int lists_seed_demo(struct ctx *c, int64_t county_id, const int64_t *villages, int nvillages);
/* Grid work 网格 (demo_grid.c): tags, three months of patrols and visits in village 1,
 * tags elsewhere. Needs a system context, after the logins and events settings. */
int grid_seed_demo(struct ctx *c, int64_t county_id, const int64_t *villages, int nvillages);

#endif
