/* The route tables of the features, joined. */
#include "http/dashboards/dashboards.h"
#include "http/disputes/disputes.h"
#include "http/evaluations/evaluations.h"
#include "http/events/events.h"
#include "http/finance/finance.h"
#include "http/grid/grid.h"
#include "http/kernel/kernel.h"
#include "http/lists/lists.h"
#include "http/notices/notices.h"
#include "http/party/party.h"
#include "http/points/points.h"
#include "http/portal/portal.h"
#include "http/register/register.h"
#include "http/shop/shop.h"
#include "http/transparency/transparency.h"
#include "http/voice/voice.h"

const struct route_table route_tables[] = {
	{kernel_routes, &kernel_routes_n},
	{register_routes, &register_routes_n},
	{points_routes, &points_routes_n},
	{dashboards_routes, &dashboards_routes_n},
	{shop_routes, &shop_routes_n},
	{notices_routes, &notices_routes_n},
	{events_routes, &events_routes_n},
	{lists_routes, &lists_routes_n},
	{transparency_routes, &transparency_routes_n},
	{finance_routes, &finance_routes_n},
	{voice_routes, &voice_routes_n},
	{grid_routes, &grid_routes_n},
	{party_routes, &party_routes_n},
	{evaluations_routes, &evaluations_routes_n},
	{portal_routes, &portal_routes_n},
	{disputes_routes, &disputes_routes_n},
	{NULL, NULL},
};

size_t route_body_max(const struct route *rt)
{
	if (rt->flags & RF_UPLOAD)
		return (rt->flags & RF_IMPORT) ? REQ_IMPORT_MAX : REQ_UPLOAD_MAX;
	return REQ_JSON_MAX;
}
