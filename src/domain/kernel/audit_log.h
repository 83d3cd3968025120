/* The audit log viewer: the entries of a unit's subtree, newest first, for whoever
 * holds P_AUDIT_READ on the unit. Apart from the chain writer (audit.h), which every
 * module calls and which calls nothing above the database. */
#ifndef DOMAIN_AUDIT_LOG_H
#define DOMAIN_AUDIT_LOG_H

#include "domain/kernel/ctx.h"

struct audit_entry {
	int64_t id, unit_id, seq, actor_id, at, object_id;
	const char *unit_name, *actor_name, *object_type, *action, *before, *after, *hash;
};

struct audit_query {
	int64_t unit_id;          /* required: a unit in the actor's audit scope */
	const char *object_type;  /* optional filter */
	int64_t object_id;        /* optional, 0 = any */
	int64_t from, to;         /* optional time range, 0 = open */
	int limit, offset;
};

enum result audit_list(struct ctx *c, const struct audit_query *q, struct audit_entry **out, int *n,
	       int64_t *total);

#endif
