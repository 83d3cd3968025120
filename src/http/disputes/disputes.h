/* Disputes 矛盾纠纷 and emergencies 应急事件 over HTTP (domain/disputes): the dispute
 * list, detail, parties' own view, mediators, sessions, outcome, follow-up, statistics
 * and the county's follow-up interval; emergencies with their board, acknowledgements,
 * the 大喇叭 broadcast, and the duty officers' live alert stream (http/sse.h). Calls the
 * kernel, domain/disputes, and http/voice to push a broadcast live.
 * Its route table (routes.c beside this file) is joined in src/http/routes.c. */
#ifndef HTTP_DISPUTES_DISPUTES_H
#define HTTP_DISPUTES_DISPUTES_H

#include "http/api.h"

extern const struct route disputes_routes[];
extern const size_t disputes_routes_n;

struct event;
/* An event's fields as disputes and emergencies show them (party: a party's view). */
json_t *dispute_event_json(const struct event *e, bool party);

int api_disputes_list(struct req *r);
int api_disputes_create(struct req *r);
int api_dispute_get(struct req *r);
int api_dispute_agreement_photo(struct req *r);
int api_dispute_session_photo(struct req *r);
int api_dispute_candidates(struct req *r);
int api_dispute_mediator_add(struct req *r);
int api_dispute_mediator_remove(struct req *r);
int api_dispute_session_add(struct req *r);
int api_dispute_outcome(struct req *r);
int api_dispute_followup(struct req *r);
int api_dispute_stats(struct req *r);
int api_dispute_settings_get(struct req *r);
int api_dispute_settings_put(struct req *r);
int api_my_disputes(struct req *r);
int api_my_dispute(struct req *r);

int api_emergencies_list(struct req *r);
int api_emergencies_create(struct req *r);
int api_emergency_get(struct req *r);
int api_emergency_ack(struct req *r);
int api_emergency_broadcast(struct req *r);
int api_emergency_alerts(struct req *r);
int api_emergency_stream(struct req *r);
/* The live pushes to the duty officers' pages open on this server (also called by the
 * listener for a change made on another server, http/push.h): a new emergency's alert to
 * each officer it alerted; an officer's acknowledgement to that officer's other pages. */
void api_emergency_publish_alert(const struct ctx *c, int64_t id);
void api_emergency_publish_ack(int64_t user_id, int64_t id);

#endif
