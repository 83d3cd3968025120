/* What the dashboards' files share (dashboard.c: a unit's figures and its children's;
 * series.c: the time series). */
#ifndef DOMAIN_DASHBOARDS_INTERNAL_H
#define DOMAIN_DASHBOARDS_INTERNAL_H

#include "domain/dashboards/dashboard.h"
#include "domain/kernel/access.h"

/* the permissions that let a reader see each section of a unit */
#define EVENT_READERS                                                                                          \
	(P_EVENT_REPORT | P_EVENT_INTAKE | P_EVENT_DISPATCH | P_EVENT_SUPERVISE | P_EVENT_READ | P_EVENT_CALL)
extern const perm_t dash_section_perms[DASH_NSECTIONS];

/* A feature's statistics failed: the dashboard reports that failure as it is. */
#define TRY(call)                                                                                              \
	do {                                                                                                   \
		int rc_ = (call);                                                                              \
		if (rc_)                                                                                       \
			return rc_;                                                                            \
	} while (0)

/* The reader may see at least one section of the unit at path. */
bool dash_any_section(const struct ctx *c, const char *path);

#endif
