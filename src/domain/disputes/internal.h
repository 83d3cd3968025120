/* Shared inside the disputes module only (disputes.c, emergencies.c): sealing, audit
 * and small helpers. Other modules include disputes.h. */
#ifndef DOMAIN_DISPUTES_INTERNAL_H
#define DOMAIN_DISPUTES_INTERNAL_H

#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/disputes/disputes.h"
#include "util/crypto.h"

const char *dp_dup(struct ctx *c, const char *s);
/* One audit record on the village's chain with up to one text and one number. */
int dp_audit(struct ctx *c, int64_t village_id, const char *type, int64_t id, const char *action, const char *k1,
	     const char *v1, const char *k2, int64_t v2);
/* The county's follow-up interval in days (the default when it set none). */
int dp_followup_days(struct ctx *c, int64_t county_id, int *days);
bool is_mediator_user(struct ctx *c, int64_t id, int64_t user_id);

/* ---- shared by the files of the disputes' jobs (disputes, stats, followups,
 * mediators, sessions, settings, mine) ---- */

#define LIST_FROM "FROM events e JOIN disputes dd ON dd.event_id = e.id JOIN org_units v ON v.id = e.village_id " \
		  "LEFT JOIN users ob ON ob.id = dd.outcome_by LEFT JOIN users fb ON fb.id = dd.followup_by "

int dp_load_row(struct ctx *c, int64_t id, struct dispute *d);
bool dp_is_mediator(struct ctx *c, int64_t id);
bool dp_manages(const struct ctx *c, const struct event *e);
void dp_fill_can(struct ctx *c, struct dispute *d);
int dp_read_parties(struct ctx *c, struct dispute *d, bool full, bool party_view, int64_t own_household);
int dp_read_more(struct ctx *c, struct dispute *d, bool notes);
int dp_load_event(struct ctx *c, int64_t id, struct dispute *d, bool timeline);
int dp_list_where(struct ctx *c, const struct dispute_query *q, struct buf *w, struct db_args *a);
int dp_load_for_change(struct ctx *c, int64_t id, struct dispute *d);

/* The first id of a unit path: the county. */
static inline int64_t dp_root(const char *path)
{
	int64_t id = 0;
	for (const char *p = path + (path[0] == '/'); *p >= '0' && *p <= '9'; p++)
		id = id * 10 + (*p - '0');
	return id;
}

#endif
