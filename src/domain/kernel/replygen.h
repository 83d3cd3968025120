/* Reply generations (migration 032): a number per village that moves with every
 * committed change its busiest replies show (households, residents, ledger, points
 * settings, published rankings; and, county-wide, org units, accounts and grants). The
 * database's triggers move it in the same transaction as the change, so every app
 * server on one database sees a change in its next read of the number; the HTTP layer
 * keeps finished replies keyed by it (http/reply_cache.h). */
#ifndef DOMAIN_REPLYGEN_H
#define DOMAIN_REPLYGEN_H

#include "domain/kernel/ctx.h"

/* The village's generation (its own row plus the county-wide one: both only grow, so
 * an equal number means neither moved). -1 when the village has no row or the read
 * failed: the caller then builds its reply without a cache (ctx->err is left alone). */
int64_t replygen_get(struct ctx *c, int64_t village_id);
/* The same for a town: the sum of the rows of every village of the town and the
 * county-wide one, which moves whenever any of them does (a village moved in or out of
 * the town moves the county-wide row). -1 when a village has no row or the read failed. */
int64_t replygen_get_town(struct ctx *c, int64_t town_id);

#endif
