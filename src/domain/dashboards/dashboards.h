/* Dashboards: statistics across features for the county, town and village screens
 * (stats.h), and the dashboard of a unit with every feature's figures (dashboard.h).
 * Dashboards may read every feature's tables and headers; no feature includes them. */
#ifndef DOMAIN_DASHBOARDS_H
#define DOMAIN_DASHBOARDS_H

#include "domain/dashboards/dashboard.h"
#include "domain/dashboards/stats.h"

#endif
