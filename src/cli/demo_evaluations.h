/* Demo data of evaluations 评选 (demo_evaluations.c), called once from demo_create
 * after the grid work's demo. */
#ifndef CLI_DEMO_EVALUATIONS_H
#define CLI_DEMO_EVALUATIONS_H

#include "domain/kernel/ctx.h"

/* In the first village: the published 2026年上半年美丽庭院 campaign (a dozen households
 * nominated, scored by a five-member panel, one objection dismissed, the winners
 * credited and tagged 美丽庭院户) and a 五好文明家庭 campaign now in scoring with some
 * scores in; in the other villages a 最美家庭 campaign taking nominations. Needs a
 * system context; the accounts must exist. Deterministic. */
int evaluations_seed_demo(struct ctx *c, const int64_t *villages, int n);

#endif
