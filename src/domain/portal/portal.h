/* The village's public page 村务公开主页 (no login; opened from the QR code on the notice
 * board): the village's name, its points rule catalogue in force, and its current
 * notices. The other parts of the page (公示, 红黑榜, 三务, 大事记, lists, the party's
 * page) come from their features' public endpoints. Only what is public anyway is
 * read: rule names and points, notice titles and texts as posted; nobody's name. */
#ifndef DOMAIN_PORTAL_H
#define DOMAIN_PORTAL_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/org.h"

#define PORTAL_RULES_MAX 300
#define PORTAL_NOTICES_MAX 10

struct portal_rule {
	const char *category, *name, *claim_by;
	int64_t points;
};

struct portal_notice {
	int64_t id, published_at, ends_at;   /* ends_at 0 = open */
	const char *unit_name, *title, *body, *importance;
};

struct portal_village {
	struct org_unit village;
	char town_name[ORG_NAME_MAX * 4 + 1];
	struct portal_rule *rules;
	int nrules;
	struct portal_notice *notices;
	int nnotices;
};

/* The public home of a village: RC_NOT_FOUND for an id that is not a village. */
enum result portal_village_get(struct ctx *c, int64_t village_id, struct portal_village *out);

#endif
