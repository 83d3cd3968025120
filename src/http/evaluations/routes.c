/* The route table of evaluations 评选 (handlers in api_evaluations.c). */
#include "http/evaluations/evaluations.h"

const struct route evaluations_routes[] = {
	{"GET", "/api/v1/evaluations/campaigns", api_eval_campaigns_list, 0},
	{"POST", "/api/v1/evaluations/campaigns", api_eval_campaign_create, RF_JSON},
	{"GET", "/api/v1/evaluations/campaigns/:id", api_eval_campaign_get, 0},
	{"POST", "/api/v1/evaluations/campaigns/:id/actions/:action", api_eval_campaign_action, RF_JSON},
	{"POST", "/api/v1/evaluations/campaigns/:id/nominations", api_eval_nominate, RF_JSON},
	{"POST", "/api/v1/evaluations/campaigns/:id/objections", api_eval_object, RF_JSON},
	{"GET", "/api/v1/evaluations/candidates", api_eval_candidates, 0},
	{"POST", "/api/v1/evaluations/nominations/:id/scores", api_eval_score, RF_JSON},
	{"GET", "/api/v1/evaluations/scores/:id/photos/:n", api_eval_score_photo, 0},
	{"POST", "/api/v1/evaluations/objections/:id/decision", api_eval_objection_decide, RF_JSON},
	{"GET", "/api/v1/public/evaluations/:id", api_eval_public, RF_PUBLIC},
};
const size_t evaluations_routes_n = ARRAY_SIZE(evaluations_routes);
