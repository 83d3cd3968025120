/* The audit log viewer (see audit_log.h). */
#include "domain/kernel/access.h"
#include "domain/kernel/audit_log.h"
#include "domain/kernel/org.h"

enum result audit_list(struct ctx *c, const struct audit_query *q, struct audit_entry **out, int *n,
	       int64_t *total)
{
	struct org_unit u;
	int rc = org_get(c, q->unit_id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_AUDIT_READ, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权查看该单位的审计日志");
	const char *where =
		"FROM audit_log a JOIN org_units o ON o.id = a.unit_id LEFT JOIN users us ON us.id = a.actor_id "
		"WHERE o.path LIKE ? AND (CAST(? AS TEXT) = '' OR a.object_type = ?) "
		"AND (CAST(? AS BIGINT) = 0 OR a.object_id = ?) "
		"AND (CAST(? AS BIGINT) = 0 OR a.at >= ?) AND (CAST(? AS BIGINT) = 0 OR a.at < ?)";
	char *like = arena_printf(c->arena, "%s%%", u.path);
	const char *type = q->object_type ? q->object_type : "";
	char *sql = arena_printf(c->arena, "SELECT count(*) %s", where);
	if (db_get_int(c->db, total, sql, "tttiiiiii", like, type, type, q->object_id, q->object_id,
		       q->from, q->from, q->to, q->to) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "审计日志");
	sql = arena_printf(c->arena,
		"SELECT a.id, a.unit_id, a.seq, a.actor_id, a.at, a.object_id, o.name, "
		"COALESCE(us.name, '系统'), a.object_type, a.action, a.before_data, a.after_data, a.hash "
		"%s ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?", where);
	struct db_stmt *st = db_query(c->db, sql, "tttiiiiiiii", like, type, type, q->object_id,
				      q->object_id, q->from, q->from, q->to, q->to,
				      (int64_t)q->limit, (int64_t)q->offset);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "审计日志");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(q->limit ? q->limit : 1));
	*n = 0;
	while (*out && *n < q->limit && db_step(st) == DB_ROW) {
		struct audit_entry *e = &(*out)[(*n)++];
		e->id = db_col_int(st, 0);
		e->unit_id = db_col_int(st, 1);
		e->seq = db_col_int(st, 2);
		e->actor_id = db_col_int(st, 3);
		e->at = db_col_int(st, 4);
		e->object_id = db_col_int(st, 5);
		e->unit_name = arena_strdup(c->arena, db_col_text(st, 6));
		e->actor_name = arena_strdup(c->arena, db_col_text(st, 7));
		e->object_type = arena_strdup(c->arena, db_col_text(st, 8));
		e->action = arena_strdup(c->arena, db_col_text(st, 9));
		e->before = arena_strdup(c->arena, db_col_text(st, 10));
		e->after = arena_strdup(c->arena, db_col_text(st, 11));
		e->hash = arena_strdup(c->arena, db_col_text(st, 12));
	}
	db_finalize(st);
	return RC_OK;
}
