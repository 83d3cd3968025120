/* Demo data of transparency 三务公开 and the timeline 大事记 (demo_transparency.c),
 * called once from demo_create. */
#ifndef CLI_DEMO_TRANSPARENCY_H
#define CLI_DEMO_TRANSPARENCY_H

#include "domain/kernel/ctx.h"

/* The county's schedule settings, a year of disclosures and two years of 大事记 in the
 * first village (its cadre and villager act), the other villages' last four quarters
 * (published through the town official's account). Needs a system context; the
 * accounts must exist. */
int transparency_seed_demo(struct ctx *c, int64_t county_id, int64_t town_id, const int64_t *villages, int n);

#endif
