/* Evaluations 评选 over HTTP: campaigns with criteria and the named panel, nominations,
 * the panel's scores with photos, 公示 with objections, publication, and the public
 * results page's data. Calls the kernel and the domain's evaluations feature.
 * Its route table (routes.c beside this file) is joined in src/http/routes.c. */
#ifndef HTTP_EVALUATIONS_EVALUATIONS_H
#define HTTP_EVALUATIONS_EVALUATIONS_H

#include "http/api.h"

extern const struct route evaluations_routes[];
extern const size_t evaluations_routes_n;

int api_eval_campaigns_list(struct req *r);
int api_eval_campaign_create(struct req *r);
int api_eval_campaign_get(struct req *r);
int api_eval_campaign_action(struct req *r);
int api_eval_candidates(struct req *r);
int api_eval_nominate(struct req *r);
int api_eval_score(struct req *r);
int api_eval_score_photo(struct req *r);
int api_eval_object(struct req *r);
int api_eval_objection_decide(struct req *r);
int api_eval_public(struct req *r);

#endif
