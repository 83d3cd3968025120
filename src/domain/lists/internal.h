/* Shared inside the lists feature only: lines of text, steps, role checks. Other
 * features include lists.h. */
#ifndef DOMAIN_LISTS_INTERNAL_H
#define DOMAIN_LISTS_INTERNAL_H

#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/lists/lists.h"
#include "util/buf.h"

/* Splits text stored one entry per line into out (arena copies); returns the count. */
int li_split(struct ctx *c, const char *text, const char **out, int max);
/* Joins n lines with '\n' into request memory. */
const char *li_join(struct ctx *c, const char *const *lines, int n);
/* Reads the steps of several items or templates: sql selects (owner id, n, name, role,
 * limit_days, disclose, attachments) ordered by owner id and n, with one bound id. */
int li_read_steps(struct ctx *c, const char *sql, int64_t arg, struct list_item *items, int nitems);
/* True when the actor holds role (a name) on a unit covering the village, or — for the
 * roles granted on grids and groups — on a unit inside it. */
bool li_holds_role(const struct ctx *c, const char *role, const char *village_path);
/* The county (first id) of a unit path. */
int64_t li_path_root(const char *path);
/* Reads one adopted item with its steps (no access check). */
int li_item_load(struct ctx *c, int64_t id, struct list_item *out);

static inline int64_t li_actor_id(const struct ctx *c)
{
	return c->actor ? c->actor->user_id : 0;
}

#endif
