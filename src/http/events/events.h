/* Events 民情 over HTTP: intake (the app, staff, the public 民情码 form), the moves of an
 * event, 督办, statistics, and the county's settings (categories, channels,
 * departments, the holiday calendar), and Open311 GeoReport v2 over events with its
 * API keys. Calls the kernel and the domain's events feature.
 * Its route table (routes.c beside this file) is joined in src/http/routes.c. */
#ifndef HTTP_EVENTS_EVENTS_H
#define HTTP_EVENTS_EVENTS_H

#include "http/api.h"

extern const struct route events_routes[];
extern const size_t events_routes_n;

int api_events_list(struct req *r);
int api_events_create(struct req *r);
int api_event_get(struct req *r);
int api_event_photo(struct req *r);
int api_event_media(struct req *r);
int api_public_event_media(struct req *r);
int api_event_action(struct req *r);
int api_event_supervise(struct req *r);
int api_event_answer(struct req *r);
int api_event_stats(struct req *r);
int api_event_categories(struct req *r);
int api_event_warnings(struct req *r);
int api_event_category_create(struct req *r);
int api_event_category_update(struct req *r);
int api_event_channels(struct req *r);
int api_event_channel_create(struct req *r);
int api_event_departments(struct req *r);
int api_event_department_create(struct req *r);
int api_holidays_list(struct req *r);
int api_holiday_put(struct req *r);
int api_public_event_form(struct req *r);
int api_public_event_create(struct req *r);
int api_public_event_get(struct req *r);
/* Open311 GeoReport v2 (api_open311.c) and its API keys */
int api_open311_discovery(struct req *r);
int api_open311_services(struct req *r);
int api_open311_service(struct req *r);
int api_open311_requests(struct req *r);
int api_open311_request(struct req *r);
int api_open311_media(struct req *r);
int api_open311_token(struct req *r);
int api_open311_keys(struct req *r);
int api_open311_key_create(struct req *r);
int api_open311_key_revoke(struct req *r);

#endif
