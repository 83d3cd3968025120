/* Demo data of village finance 村级财务 (demo_finance.c), called once from demo_create. */
#ifndef CLI_DEMO_FINANCE_H
#define CLI_DEMO_FINANCE_H

#include "domain/kernel/ctx.h"

/* The 村报账员 accounts (青山村: 13900000021), a year of entries in the first village
 * (entered by its accountant, approved by its cadre, statements published month by month
 * but the last, one correction, the shop's stock-ins of this month waiting for
 * approval) and three months in the second. Needs a system context; the cadres, the
 * clerk and the shop must exist. */
int finance_seed_demo(struct ctx *c, const int64_t *villages, int n);

#endif
