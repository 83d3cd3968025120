/* The route table of the village's public page; src/http/routes.c joins the tables. */
#include "http/portal/portal.h"

const struct route portal_routes[] = {
	{"GET", "/api/v1/public/villages/:id", api_public_village, RF_PUBLIC},
	{"GET", "/api/v1/public/villages/:id/qr.svg", api_public_village_qr, RF_PUBLIC},
};

const size_t portal_routes_n = ARRAY_SIZE(portal_routes);
