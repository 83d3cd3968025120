/* The route table of transparency 三务公开 and the timeline 大事记; src/http/routes.c
 * joins the tables. */
#include "http/transparency/transparency.h"

const struct route transparency_routes[] = {
	{"GET", "/api/v1/disclosures", api_disclosures_list, 0},
	{"POST", "/api/v1/disclosures", api_disclosure_create, RF_JSON},
	{"GET", "/api/v1/disclosures/:id", api_disclosure_get, 0},
	{"PATCH", "/api/v1/disclosures/:id", api_disclosure_revise, RF_JSON},
	{"POST", "/api/v1/disclosures/:id/withdraw", api_disclosure_withdraw, RF_JSON},
	{"GET", "/api/v1/disclosures/:id/files/:n", api_disclosure_file, 0},
	{"POST", "/api/v1/disclosures/:id/questions", api_disclosure_ask, RF_JSON},
	{"GET", "/api/v1/disclosure-questions", api_disclosure_questions, 0},
	{"POST", "/api/v1/disclosure-questions/:id/answer", api_disclosure_answer, RF_JSON},
	{"GET", "/api/v1/disclosure-board", api_disclosure_board, 0},
	{"GET", "/api/v1/disclosure-settings", api_disclosure_settings_get, 0},
	{"PUT", "/api/v1/disclosure-settings", api_disclosure_settings_put, RF_JSON},
	{"GET", "/api/v1/public/villages/:id/disclosures", api_public_disclosures, RF_PUBLIC},
	{"GET", "/api/v1/public/villages/:id/disclosures/:item", api_public_disclosure_get, RF_PUBLIC},
	{"GET", "/api/v1/public/villages/:id/disclosures/:item/files/:n", api_public_disclosure_file, RF_PUBLIC},
	{"GET", "/api/v1/chronicle", api_chronicle_list, 0},
	{"POST", "/api/v1/chronicle", api_chronicle_create, RF_JSON},
	{"GET", "/api/v1/chronicle/:id", api_chronicle_get, 0},
	{"PATCH", "/api/v1/chronicle/:id", api_chronicle_revise, RF_JSON},
	{"POST", "/api/v1/chronicle/:id/withdraw", api_chronicle_withdraw, RF_JSON},
	{"GET", "/api/v1/chronicle/:id/photos/:n", api_chronicle_photo, 0},
	{"GET", "/api/v1/public/villages/:id/chronicle", api_public_chronicle, RF_PUBLIC},
	{"GET", "/api/v1/public/villages/:id/chronicle/:item/photos/:n", api_public_chronicle_photo, RF_PUBLIC},
};

const size_t transparency_routes_n = ARRAY_SIZE(transparency_routes);
