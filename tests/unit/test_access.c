/* Unit tests for the access rules: role permissions, subtree scope, villager's own
 * household, the inspector's read-only role, where roles may be granted. */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "domain/kernel/access.h"

static void grant(struct actor *a, const char *role, int64_t unit, const char *kind, const char *path)
{
	struct grant *g = &a->grants[a->ngrants++];
	memset(g, 0, sizeof(*g));
	str_copy(g->role, sizeof(g->role), role);
	g->unit_id = unit;
	str_copy(g->unit_kind, sizeof(g->unit_kind), kind);
	str_copy(g->path, sizeof(g->path), path);
}

/* county 1 → town 2 → villages 3 and 4 → group 5 in village 3 */
#define COUNTY "/1/"
#define TOWN "/1/2/"
#define VILLAGE_A "/1/2/3/"
#define VILLAGE_B "/1/2/4/"
#define GROUP_A "/1/2/3/5/"
#define GRID_A "/1/2/3/6/"      /* a grid of village 3, beside group 5 */
#define GRID_A2 "/1/2/3/7/"

static void cadre_scope(void **state)
{
	struct actor a = {.user_id = 10};
	struct ctx c = {.actor = &a};
	grant(&a, "cadre", 3, "village", VILLAGE_A);
	assert_true(access_can(&c, P_REGISTER_WRITE, VILLAGE_A));
	assert_true(access_can(&c, P_REGISTER_WRITE, GROUP_A));
	assert_true(access_can(&c, P_PII_READ, VILLAGE_A));
	assert_false(access_can(&c, P_REGISTER_READ, VILLAGE_B));
	assert_false(access_can(&c, P_REGISTER_READ, TOWN));
	assert_false(access_can(&c, P_USER_ADMIN, VILLAGE_A));
	/* path prefixes are whole segments: /1/2/3/ does not cover /1/2/33/ */
	assert_false(access_can(&c, P_REGISTER_READ, "/1/2/33/"));
}

static void inspector_reads_only(void **state)
{
	struct actor a = {.user_id = 11};
	struct ctx c = {.actor = &a};
	grant(&a, "inspector", 1, "county", COUNTY);
	assert_true(access_can(&c, P_REGISTER_READ, VILLAGE_B));
	assert_true(access_can(&c, P_AUDIT_READ, GROUP_A));
	assert_false(access_can(&c, P_REGISTER_WRITE, VILLAGE_A));
	assert_false(access_can(&c, P_PII_READ, VILLAGE_A));
	assert_false(access_can(&c, P_ORG_WRITE, COUNTY));
	assert_false(access_can(&c, P_USER_ADMIN, COUNTY));
	assert_false(access_can(&c, P_ACCESS_ISSUE, VILLAGE_A));
}

static void villager_own_household(void **state)
{
	struct actor a = {.user_id = 12, .resident_id = 7, .household_id = 42};
	struct ctx c = {.actor = &a};
	grant(&a, "villager", 3, "village", VILLAGE_A);
	assert_false(access_can(&c, P_REGISTER_READ, VILLAGE_A));
	assert_true(access_can_read_household(&c, &(struct hh_paths){.village = VILLAGE_A}, 42));
	assert_false(access_can_read_household(&c, &(struct hh_paths){.village = VILLAGE_A}, 43));
	const char *paths[4];
	assert_int_equal(access_scopes(&c, P_REGISTER_READ, paths, 4), 0);
}

static void anonymous_and_system(void **state)
{
	struct ctx anon = {0};
	assert_false(access_can(&anon, P_REGISTER_READ, VILLAGE_A));
	assert_false(access_can_read_household(&anon, &(struct hh_paths){.village = VILLAGE_A}, 1));
	struct ctx sys = {.system = true};
	assert_true(access_can(&sys, P_USER_ADMIN, COUNTY));
	const char *paths[2];
	assert_int_equal(access_scopes(&sys, P_REGISTER_READ, paths, 2), 1);
	assert_string_equal(paths[0], "/");
}

static void several_roles(void **state)
{
	struct actor a = {.user_id = 13};
	struct ctx c = {.actor = &a};
	grant(&a, "grid_worker", 5, "group", GROUP_A);
	grant(&a, "town_official", 2, "town", TOWN);
	assert_true(access_can(&c, P_REGISTER_READ, VILLAGE_B));   /* through the town */
	assert_false(access_can(&c, P_REGISTER_WRITE, GROUP_A));   /* neither role writes */
	const char *paths[4];
	assert_int_equal(access_scopes(&c, P_REGISTER_READ, paths, 4), 2);
	assert_int_equal(access_scopes(&c, P_AUDIT_READ, paths, 4), 1);
	assert_true(access_has_role(&c, "town_official"));
	assert_false(access_has_role(&c, "cadre"));
}

/* A household sits in a village, maybe a group and maybe a grid: a grant on any covers it. */
static void grid_scope(void **state)
{
	struct actor a = {.user_id = 14};
	struct ctx c = {.actor = &a};
	grant(&a, "grid_worker", 6, "grid", GRID_A);
	struct hh_paths in_grid = {VILLAGE_A, GROUP_A, GRID_A};
	struct hh_paths other_grid = {VILLAGE_A, GROUP_A, GRID_A2};
	struct hh_paths no_grid = {VILLAGE_A, "", ""};
	assert_true(access_can_household(&c, P_POINTS_CLAIM, &in_grid));
	assert_true(access_can_read_household(&c, &in_grid, 99));
	assert_false(access_can_household(&c, P_POINTS_CLAIM, &other_grid));
	assert_false(access_can_household(&c, P_POINTS_CLAIM, &no_grid));
	assert_false(access_can_household(&c, P_POINTS_REVIEW, &in_grid));   /* workers do not review */
	assert_false(access_can(&c, P_REGISTER_READ, VILLAGE_A));            /* nor read the village */

	/* a group's assessor covers the group's households whatever their grid */
	struct actor b = {.user_id = 15};
	struct ctx cb = {.actor = &b};
	grant(&b, "assessor", 5, "group", GROUP_A);
	assert_true(access_can_household(&cb, P_POINTS_REVIEW, &other_grid));
	assert_false(access_can_household(&cb, P_POINTS_REVIEW, &(struct hh_paths){VILLAGE_A, NULL, GRID_A}));
	/* a village cadre covers them all */
	struct actor d = {.user_id = 16};
	struct ctx cd = {.actor = &d};
	grant(&d, "cadre", 3, "village", VILLAGE_A);
	assert_true(access_can_household(&cd, P_POINTS_REVIEW, &no_grid));
	assert_true(access_can_household(&cd, P_POINTS_REVIEW, &in_grid));
}

static void where_roles_fit(void **state)
{
	assert_true(access_role_fits(access_role("cadre"), "village"));
	assert_false(access_role_fits(access_role("cadre"), "town"));
	assert_false(access_role_fits(access_role("cadre"), "villag"));
	assert_true(access_role_fits(access_role("grid_worker"), "group"));
	assert_true(access_role_fits(access_role("grid_worker"), "grid"));
	assert_true(access_role_fits(access_role("assessor"), "grid"));
	assert_false(access_role_fits(access_role("cadre"), "grid"));
	assert_false(access_role_fits(access_role("clerk"), "grid"));
	assert_true(access_role_fits(access_role("county_admin"), "county"));
	assert_false(access_role_fits(access_role("county_admin"), "village"));
	assert_true(access_role_fits(access_role("handler"), "department"));
	assert_false(access_role_fits(access_role("handler"), "county"));
	assert_true(access_role_fits(access_role("operator"), "town"));
	assert_true(access_role_fits(access_role("accountant"), "village"));
	assert_false(access_role_fits(access_role("accountant"), "town"));
	assert_true(access_role_fits(access_role("party_secretary"), "village"));
	assert_true(access_role_fits(access_role("party_org"), "town"));
	assert_false(access_role_fits(access_role("party_member"), "town"));
	assert_null(access_role("mayor"));
	int n = 0;
	for (const struct role_def *r = access_roles(); r->name; r++)
		n++;
	assert_int_equal(n, 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cadre_scope),
		cmocka_unit_test(inspector_reads_only),
		cmocka_unit_test(villager_own_household),
		cmocka_unit_test(anonymous_and_system),
		cmocka_unit_test(several_roles),
		cmocka_unit_test(grid_scope),
		cmocka_unit_test(where_roles_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
