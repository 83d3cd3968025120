/* "Rows under the caller's grants": the one way a list query is limited to what the
 * actor may see. A query being built (SQL in a struct buf, parameters in a struct
 * db_args) gets "(<under> OR <under> …)", one term per unit path in scope, where under
 * is SQL saying "this row lies under the unit path ?" and every '?' in it is bound to
 * the path's prefix pattern "<path>%". */
#ifndef DOMAIN_SCOPE_H
#define DOMAIN_SCOPE_H

#include "db/db.h"
#include "domain/kernel/access.h"
#include "domain/kernel/ctx.h"
#include "util/buf.h"

/* Rows of a unit table aliased u: "the unit lies under the path". */
#define SCOPE_UNIT(alias) alias ".path LIKE ?"
/* Households aliased h: the household's village, group or grid lies under the path (a
 * grant on any of them covers the household). org_units is small: the scope resolves
 * to unit ids, then the households' indexes do the rest. */
#define SCOPE_HOUSEHOLD                                                                             \
	"(h.village_id IN (SELECT id FROM org_units WHERE path LIKE ?) OR "                          \
	"h.group_id IN (SELECT id FROM org_units WHERE path LIKE ?) OR "                             \
	"h.grid_id IN (SELECT id FROM org_units WHERE path LIKE ?))"

/* Appends the scope of the actor's grants that hold any of perms (a mask of perm_t;
 * the command line's context is in scope everywhere). Returns how many paths the scope
 * has: 0 appends nothing, and the caller decides (usually RC_FORBIDDEN, or the
 * villager's own rows). */
int scope_where(struct ctx *c, perm_t perms, const char *under, struct buf *sql, struct db_args *args);
/* The same for given paths (one unit the caller checked already). */
void scope_where_paths(struct ctx *c, const char *const *paths, int n, const char *under, struct buf *sql,
		       struct db_args *args);

#endif
