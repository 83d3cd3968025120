/* Shared inside evaluations only (evaluations.c, campaigns.c, nominations.c, scores.c,
 * objections.c): the campaign's reading and checks every writer uses. Other modules
 * include evaluations.h. */
#ifndef DOMAIN_EVALUATIONS_INTERNAL_H
#define DOMAIN_EVALUATIONS_INTERNAL_H

#include "domain/evaluations/evaluations.h"
#include "domain/kernel/access.h"

/* the permissions that let staff read a village's campaigns */
#define READERS (P_EVAL_ADMIN | P_EVAL_READ)

const char *evl_dup(struct ctx *c, struct db_stmt *st, int col);
int evl_load_campaign(struct ctx *c, int64_t id, struct eval_campaign *e);
bool evl_nominator_in(const struct ctx *c, const char *vpath);
bool evl_villager_of(const struct ctx *c, const char *vpath);
int evl_check_visible(struct ctx *c, struct eval_campaign *e);
int evl_load_visible(struct ctx *c, int64_t id, struct eval_campaign *e);
int evl_load_to_manage(struct ctx *c, int64_t id, struct eval_campaign *e, const char *missing, const char *doing);
int evl_load_details(struct ctx *c, struct eval_campaign *e);
int evl_load_nominations(struct ctx *c, struct eval_campaign *e, bool with_scores);
bool evl_blank(const char *s);
int evl_set_status(struct ctx *c, const struct eval_campaign *e, const char *status, const char *action,
		   const char *extra_key, int64_t extra);

#endif
