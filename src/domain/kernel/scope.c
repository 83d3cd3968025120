/* Rows under the caller's grants (see scope.h). */
#include "domain/kernel/access.h"
#include "domain/kernel/scope.h"

void scope_where_paths(struct ctx *c, const char *const *paths, int n, const char *under, struct buf *sql,
		       struct db_args *args)
{
	if (n <= 0)
		return;
	buf_adds(sql, "(");
	for (int i = 0; i < n; i++) {
		char *like = arena_printf(c->arena, "%s%%", paths[i]);
		if (!like)
			args->failed = true;
		buf_adds(sql, i ? " OR " : "");
		buf_adds(sql, under);
		for (const char *q = strchr(under, '?'); q; q = strchr(q + 1, '?'))
			db_args_text(args, like);
	}
	buf_adds(sql, ")");
}

int scope_where(struct ctx *c, perm_t perms, const char *under, struct buf *sql, struct db_args *args)
{
	const char *paths[CTX_MAX_GRANTS];
	int n = access_scopes(c, perms, paths, CTX_MAX_GRANTS);
	scope_where_paths(c, paths, n, under, sql, args);
	return n;
}
