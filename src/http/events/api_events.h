/* Events 民情 over HTTP: the handlers and their route table (routes.c beside this
 * file), joined to the server's table in src/http/routes.c. */
#ifndef HTTP_EVENTS_API_EVENTS_H
#define HTTP_EVENTS_API_EVENTS_H

#include "http/api.h"

extern const struct route events_routes[];
extern const size_t events_routes_count;

int api_events_list(struct req *r);
int api_events_create(struct req *r);
int api_event_get(struct req *r);
int api_event_photo(struct req *r);
int api_event_action(struct req *r);
int api_event_supervise(struct req *r);
int api_event_answer(struct req *r);
int api_event_stats(struct req *r);
int api_event_categories(struct req *r);
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

#endif
