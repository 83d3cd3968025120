/* The route table of the notices feature; src/http/routes.c joins the tables. */
#include "http/notices/notices.h"

const struct route notices_routes[] = {
	{"GET", "/api/v1/notices", api_notices_list, 0},
	{"POST", "/api/v1/notices", api_notice_create, RF_JSON},
	{"GET", "/api/v1/notices/:id", api_notice_get, 0},
	{"PATCH", "/api/v1/notices/:id", api_notice_revise, RF_JSON},
	{"POST", "/api/v1/notices/:id/withdraw", api_notice_withdraw, RF_JSON},
	{"POST", "/api/v1/notices/:id/read", api_notice_read, 0},
	{"GET", "/api/v1/notices/:id/unread-households", api_notice_unread, 0},
};

const size_t notices_routes_n = ARRAY_SIZE(notices_routes);
