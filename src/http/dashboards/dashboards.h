/* The dashboards' endpoints: statistics that read across every feature. */
#ifndef HTTP_DASHBOARDS_DASHBOARDS_H
#define HTTP_DASHBOARDS_DASHBOARDS_H

#include "http/api.h"

extern const struct route dashboards_routes[];
extern const size_t dashboards_routes_n;

int api_stats_points(struct req *r);
int api_stats_register(struct req *r);
int api_dashboard_get(struct req *r);
int api_dashboard_xlsx(struct req *r);
int api_dashboard_series(struct req *r);
int api_dashboard_report_xlsx(struct req *r);
/* The dashboard as JSON (also the display's). */
struct dashboard;
json_t *dashboard_json(const struct dashboard *d);
struct dash_series;
json_t *dashboard_series_json(struct req *r, const struct dash_series *d);
int api_display_tokens_list(struct req *r);
int api_display_token_create(struct req *r);
int api_display_token_revoke(struct req *r);
int api_display_get(struct req *r);

#endif
