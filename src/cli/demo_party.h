/* Demo data of party building 党建 (demo_party.c). */
#ifndef CLI_DEMO_PARTY_H
#define CLI_DEMO_PARTY_H

#include "domain/kernel/ctx.h"

/* 青山村's branch with a year of meetings, commitments, the diary and 会客厅 questions;
 * small branches in a few other villages; the party roles of the demo logins. Needs a
 * system context; the accounts must exist. */
int party_seed_demo(struct ctx *c, int64_t county_id, int64_t town_id, const int64_t *villages, int n);

/* Learning 学习教育 (demo_learning.c): the county's and town's courses and quizzes, six
 * months of study by members of 青山村's branch (members: its members, 李琳 first), the
 * village's rule for the 趣味学法 quiz and villagers who took it. */
int party_learning_seed_demo(struct ctx *c, int64_t county_id, int64_t town_id, int64_t village,
			     const int64_t *members, int nmembers);

#endif
