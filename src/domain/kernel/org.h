/* Org units: county → town → village → group, and grids 网格 beside the groups of a
 * village (a household has at most one of each), stored with a materialised path so a
 * role on a unit covers its subtree by prefix. */
#ifndef DOMAIN_ORG_H
#define DOMAIN_ORG_H

#include "domain/kernel/ctx.h"

#define ORG_NAME_MAX 40   /* characters */
#define ORG_CODE_MAX 24

struct org_unit {
	int64_t id, parent_id;
	char kind[12];
	char code[ORG_CODE_MAX + 1];
	char name[ORG_NAME_MAX * 4 + 1];
	char path[ORG_PATH_MAX];
	int64_t households;   /* filled by org_list */
};

/* Reads one unit; no access check (units are not secret: names appear on public pages). */
enum result org_get(struct ctx *c, int64_t id, struct org_unit *out);
/* org_get for a reader: RC_NOT_FOUND when the unit lies outside every grant of the
 * caller (access_touches). */
enum result org_read(struct ctx *c, int64_t id, struct org_unit *out);
/* The same, quiet: RC_NOT_FOUND leaves ctx->err alone, for callers that probe and report
 * a missing unit their own way (usually as a field error). */
enum result org_find(struct ctx *c, int64_t id, struct org_unit *out);
/* Fills u->households: the households in the unit's subtree. */
enum result org_households(struct ctx *c, struct org_unit *u);
enum result org_get_by_code(struct ctx *c, const char *code, struct org_unit *out);
/* The unit whose audit chain records changes to things in this unit: the village for
 * a group, else the unit itself. */
int64_t org_chain_unit(const struct org_unit *u);
/* True for the units that divide a village: groups and grids. */
bool org_in_village(const struct org_unit *u);

struct org_input {
	int64_t parent_id;   /* 0 for a county */
	const char *kind;
	const char *code;
	const char *name;
};

/* Creates a unit under parent (kind must be the parent's child kind). Needs
 * P_ORG_WRITE on the parent (a cadre may add groups and grids to their village). */
enum result org_create(struct ctx *c, const struct org_input *in, int64_t *id);
enum result org_rename(struct ctx *c, int64_t id, const char *name);
/* The children of a unit (or the counties when parent_id is 0), each with its count of
 * households. Units are listed to anyone logged in whose scope touches the parent. */
enum result org_list(struct ctx *c, int64_t parent_id, struct org_unit **out, int *n);

#endif
