/* The route table of disputes and emergencies (api_disputes.c, api_emergencies.c). */
#include "http/disputes/disputes.h"

const struct route disputes_routes[] = {
	{"GET", "/api/v1/disputes", api_disputes_list, 0},
	{"POST", "/api/v1/disputes", api_disputes_create, RF_JSON},
	{"GET", "/api/v1/disputes/:id", api_dispute_get, 0},
	{"GET", "/api/v1/disputes/:id/agreement-photo", api_dispute_agreement_photo, 0},
	{"GET", "/api/v1/disputes/:id/sessions/:sid/photos/:n", api_dispute_session_photo, 0},
	{"GET", "/api/v1/disputes/:id/mediator-candidates", api_dispute_candidates, 0},
	{"POST", "/api/v1/disputes/:id/mediators", api_dispute_mediator_add, RF_JSON},
	{"DELETE", "/api/v1/disputes/:id/mediators/:user_id", api_dispute_mediator_remove, 0},
	{"POST", "/api/v1/disputes/:id/sessions", api_dispute_session_add, RF_JSON},
	{"POST", "/api/v1/disputes/:id/outcome", api_dispute_outcome, RF_JSON},
	{"POST", "/api/v1/disputes/:id/followup", api_dispute_followup, RF_JSON},
	{"GET", "/api/v1/dispute-stats", api_dispute_stats, 0},
	{"GET", "/api/v1/dispute-settings", api_dispute_settings_get, 0},
	{"PUT", "/api/v1/dispute-settings", api_dispute_settings_put, RF_JSON},
	{"GET", "/api/v1/my/disputes", api_my_disputes, 0},
	{"GET", "/api/v1/my/disputes/:id", api_my_dispute, 0},
	{"GET", "/api/v1/emergencies", api_emergencies_list, 0},
	{"POST", "/api/v1/emergencies", api_emergencies_create, RF_JSON},
	{"GET", "/api/v1/emergency-alerts", api_emergency_alerts, 0},
	{"GET", "/api/v1/emergency-alerts/stream", api_emergency_stream, 0},
	{"GET", "/api/v1/emergencies/:id", api_emergency_get, 0},
	{"POST", "/api/v1/emergencies/:id/ack", api_emergency_ack, RF_JSON},
	{"POST", "/api/v1/emergencies/:id/broadcast", api_emergency_broadcast, RF_JSON},
};
const size_t disputes_routes_n = ARRAY_SIZE(disputes_routes);
