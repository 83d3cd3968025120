/* Demo data of disputes 矛盾纠纷 and emergencies 应急事件 (domain/disputes). */
#ifndef CLI_DEMO_DISPUTES_H
#define CLI_DEMO_DISPUTES_H

#include "domain/kernel/ctx.h"

/* Disputes over the last months in every stage (most in the first village, 青山村, one
 * of them with the demo villager's household as a party), lighter in two other
 * villages, and a closed 汛情 emergency in the first village with its alerts,
 * acknowledgements and 大喇叭 broadcast. Every step as the person who took it, at its
 * time. System context. */
int disputes_seed_demo(struct ctx *c, int64_t county_id, const int64_t *villages, int nvillages);

#endif
