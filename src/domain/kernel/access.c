/* The role table and scope checks. */
#include "domain/kernel/access.h"

#define READ_ONLY (P_REGISTER_READ | P_AUDIT_READ | P_EVENT_READ | P_LIST_READ | P_DISCLOSE_READ | P_GRID_SUPERVISE | \
		   P_FINANCE_READ | P_PARTY_READ | P_TALK_READ_HIDDEN | P_EVAL_READ | P_GRID_ALLOWANCE_READ)

static const struct role_def roles[] = {
	{"villager", "村民", 0, "village"},
	{"grid_worker", "网格员", P_REGISTER_READ | P_POINTS_CLAIM | P_EVENT_REPORT | P_LIST_READ | P_GRID_WORK | P_EVAL_NOMINATE |
				     P_DISPUTE_MEDIATE,
	 "grid,group,village"},
	{"grid_leader", "网格长", P_REGISTER_READ | P_POINTS_CLAIM | P_EVENT_REPORT | P_LIST_READ | P_GRID_WORK |
				     P_GRID_SUPERVISE | P_EVAL_NOMINATE |
				     P_DISPUTE_MEDIATE, "grid,group,village"},
	{"assessor", "评议小组", P_REGISTER_READ | P_POINTS_REVIEW | P_LIST_READ, "grid,group,village"},
	{"cadre", "村两委", P_REGISTER_READ | P_REGISTER_WRITE | P_PII_READ | P_ORG_WRITE |
				   P_ACCESS_ISSUE | P_AUDIT_READ | P_POINTS_REVIEW | P_POINTS_ADMIN |
				   P_POINTS_CLAIM | P_SHOP_ADMIN | P_SHOP_COUNTER | P_NOTICE_WRITE |
				   P_EVENT_REPORT | P_EVENT_INTAKE | P_LIST_WRITE | P_LIST_READ | P_DISCLOSE_WRITE |
				   P_DISCLOSE_READ | P_CHRONICLE_WRITE | P_GRID_SUPERVISE | P_FINANCE_ENTER |
				   P_FINANCE_APPROVE | P_BROADCAST | P_SPEAKER_ADMIN | P_TALK_MODERATE | P_EVAL_ADMIN |
				   P_EVAL_NOMINATE |
				   P_DISPUTE_MEDIATE | P_EMERGENCY_DUTY, "village"},
	{"accountant", "村报账员", P_FINANCE_ENTER, "village"},
	{"clerk", "超市管理员", P_SHOP_COUNTER | P_SHOP_ADMIN, "village,town"},
	{"town_official", "乡镇干部", P_REGISTER_READ | P_AUDIT_READ | P_NOTICE_WRITE | P_EVENT_INTAKE |
					    P_EVENT_DISPATCH | P_EVENT_SUPERVISE | P_LIST_READ |
					    P_DISCLOSE_READ | P_GRID_SUPERVISE | P_FINANCE_READ | P_BROADCAST | P_EVAL_ADMIN |
					    P_EVAL_READ | P_TALK_READ | P_GRID_ALLOWANCE | P_LEARN_PUBLISH |
					    P_DISPUTE_MEDIATE | P_EMERGENCY_DUTY, "town"},
	{"county_admin", "区县管理员", P_REGISTER_READ | P_REGISTER_WRITE | P_PII_READ | P_ORG_WRITE |
					     P_USER_ADMIN | P_ACCESS_ISSUE | P_AUDIT_READ | P_POINTS_TEMPLATE |
					     P_NOTICE_WRITE | P_EVENT_INTAKE | P_EVENT_DISPATCH | P_EVENT_SUPERVISE |
					     P_EVENT_ADMIN | P_LIST_TEMPLATE | P_LIST_READ | P_DISCLOSE_READ |
					     P_DISCLOSE_ADMIN | P_GRID_SUPERVISE | P_FINANCE_READ | P_PARTY_SETTINGS | P_BROADCAST |
					     P_SPEAKER_ADMIN | P_EVAL_ADMIN | P_EVAL_READ | P_TALK_READ | P_GRID_ALLOWANCE |
					     P_EMERGENCY_DUTY | P_DISPLAY_ADMIN | P_LEARN_PUBLISH | P_AUDIT_VERIFY,
	 "county"},
	{"handler", "部门办理人", P_EVENT_HANDLE |
				    P_DISPUTE_MEDIATE, "department"},
	{"operator", "热线话务员", P_EVENT_REPORT | P_EVENT_CALL, "county,town"},
	{"inspector", "纪检监督", READ_ONLY | P_AUDIT_VERIFY, "county,town,village"},
	{"party_secretary", "村党组织书记", P_PARTY_ADMIN | P_PARTY_READ | P_PARTY_MEMBER | P_PARTY_ANSWER, "village"},
	{"party_org", "组织委员", P_PARTY_READ | P_PARTY_SETTINGS | P_LEARN_PUBLISH, "town,county"},
	{"party_member", "党员", P_PARTY_MEMBER, "village"},
	{0, 0, 0, 0},
};

const struct role_def *access_roles(void)
{
	return roles;
}

const struct role_def *access_role(const char *name)
{
	for (const struct role_def *r = roles; r->name; r++)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

bool access_role_fits(const struct role_def *r, const char *unit_kind)
{
	size_t n = strlen(unit_kind);
	for (const char *k = r->unit_kinds; *k;) {
		const char *end = strchr(k, ',');
		size_t len = end ? (size_t)(end - k) : strlen(k);
		if (len == n && !strncmp(k, unit_kind, n))
			return true;
		if (!end)
			break;
		k = end + 1;
	}
	return false;
}

static bool covers(const char *grant_path, const char *unit_path)
{
	return grant_path[0] && !strncmp(unit_path, grant_path, strlen(grant_path));
}

bool access_can(const struct ctx *c, perm_t p, const char *unit_path)
{
	if (c->system)
		return true;
	if (!c->actor || !unit_path)
		return false;
	for (int i = 0; i < c->actor->ngrants; i++) {
		const struct grant *g = &c->actor->grants[i];
		const struct role_def *r = access_role(g->role);
		if (r && (r->perms & p) && covers(g->path, unit_path))
			return true;
	}
	return false;
}

bool access_can_household(const struct ctx *c, perm_t p, const struct hh_paths *h)
{
	return access_can(c, p, h->group && h->group[0] ? h->group : h->village) ||
	       (h->grid && h->grid[0] && access_can(c, p, h->grid));
}

bool access_has_role(const struct ctx *c, const char *role)
{
	if (!c->actor)
		return false;
	for (int i = 0; i < c->actor->ngrants; i++)
		if (!strcmp(c->actor->grants[i].role, role))
			return true;
	return false;
}

bool access_can_read_household(const struct ctx *c, const struct hh_paths *h, int64_t household_id)
{
	if (access_can_household(c, P_REGISTER_READ, h))
		return true;
	return c->actor && c->actor->household_id && c->actor->household_id == household_id &&
	       access_has_role(c, "villager");
}

int access_scopes(const struct ctx *c, perm_t p, const char **paths, int max)
{
	int n = 0;
	if (c->system) {
		paths[0] = "/";
		return 1;
	}
	if (!c->actor)
		return 0;
	for (int i = 0; i < c->actor->ngrants && n < max; i++) {
		const struct grant *g = &c->actor->grants[i];
		const struct role_def *r = access_role(g->role);
		if (r && (r->perms & p))
			paths[n++] = g->path;
	}
	return n;
}

bool access_touches(const struct ctx *c, const char *unit_path)
{
	if (c->system)
		return true;
	if (!c->actor || !unit_path)
		return false;
	size_t pl = strlen(unit_path);
	for (int i = 0; i < c->actor->ngrants; i++) {
		const char *g = c->actor->grants[i].path;
		size_t gl = strlen(g);
		if (gl && !strncmp(g, unit_path, gl < pl ? gl : pl))
			return true;
	}
	return false;
}

enum result access_refusal(const struct ctx *c, const char *unit_path)
{
	return access_touches(c, unit_path) ? RC_FORBIDDEN : RC_NOT_FOUND;
}
