/* Demo data of the points system 积分制 (demo_points.c), called once from demo_create
 * after the shop and the notices and before the later modules. */
#ifndef CLI_DEMO_POINTS_H
#define CLI_DEMO_POINTS_H

#include "domain/kernel/ctx.h"

/* Six months of points history ending now, made through the domain functions as the
 * people who did it, day by day: in the first village (青山村) about one household in
 * ten of every group activates its account and claims from the phone, the grid
 * workers claim on behalf, the assessor approves or rejects with a reason, approved
 * records go to 公示 and the crediting job credits them, villagers object (one
 * objection open, one dismissed, one upheld), the cadre awards and deducts, publishes
 * each month's 红黑榜, issues household cards; the clerk photographs the goods, restocks
 * and redeems at the counter (a few returns; two goods end below their threshold). The
 * demo villager's household has dozens of entries, a deduction among them. The other
 * villages get a cadre each (13900001002 …) who awards and deducts, lighter.
 * Only at county scale (the village-scale demo of the tests stays without history).
 * Deterministic apart from the clock. Needs a system context. */
int points_seed_demo(struct ctx *c, const int64_t *villages, int n);

#endif
