/* The route table of events 民情 (handlers in api_events.c). */
#include "http/events/events.h"

const struct route events_routes[] = {
	{"GET", "/api/v1/events", api_events_list, 0},
	{"POST", "/api/v1/events", api_events_create, RF_JSON},
	{"GET", "/api/v1/events/:id", api_event_get, 0},
	{"GET", "/api/v1/events/:id/photos/:n", api_event_photo, 0},
	{"POST", "/api/v1/events/:id/actions/:action", api_event_action, RF_JSON},
	{"POST", "/api/v1/events/:id/supervisions", api_event_supervise, RF_JSON},
	{"POST", "/api/v1/events/:id/supervisions/:sid/answer", api_event_answer, RF_JSON},
	{"GET", "/api/v1/event-stats", api_event_stats, 0},
	{"GET", "/api/v1/event-categories", api_event_categories, 0},
	{"POST", "/api/v1/event-categories", api_event_category_create, RF_JSON},
	{"PATCH", "/api/v1/event-categories/:id", api_event_category_update, RF_JSON},
	{"GET", "/api/v1/event-channels", api_event_channels, 0},
	{"POST", "/api/v1/event-channels", api_event_channel_create, RF_JSON},
	{"GET", "/api/v1/event-departments", api_event_departments, 0},
	{"POST", "/api/v1/event-departments", api_event_department_create, RF_JSON},
	{"GET", "/api/v1/holidays", api_holidays_list, 0},
	{"PUT", "/api/v1/holidays/:day", api_holiday_put, RF_JSON},
	{"GET", "/api/v1/public/villages/:id/events", api_public_event_form, RF_PUBLIC},
	{"POST", "/api/v1/public/villages/:id/events", api_public_event_create, RF_PUBLIC | RF_JSON},
	{"GET", "/api/v1/public/villages/:id/events/:code", api_public_event_get, RF_PUBLIC},
};
const size_t events_routes_n = ARRAY_SIZE(events_routes);
