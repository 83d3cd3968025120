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
	/* only the filters asked for: "? = '' OR a.object_type = ?" would keep every index
	 * out of the query */
	const char *like = arena_printf(c->arena, "%s%%", u.path);
	struct db_args a = {0};
	db_args_text(&a, like);
	const char *where = "FROM audit_log a JOIN org_units o ON o.id = a.unit_id WHERE o.path LIKE ?";
	if (q->object_type && q->object_type[0]) {
		where = arena_printf(c->arena, "%s AND a.object_type = ?", where);
		db_args_text(&a, q->object_type);
	}
	if (q->object_id) {
		where = arena_printf(c->arena, "%s AND a.object_id = ?", where);
		db_args_int(&a, q->object_id);
	}
	if (q->from) {
		where = arena_printf(c->arena, "%s AND a.at >= ?", where);
		db_args_int(&a, q->from);
	}
	if (q->to) {
		where = arena_printf(c->arena, "%s AND a.at < ?", where);
		db_args_int(&a, q->to);
	}
	if (!where)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	/* Unfiltered, the count is the length of the subtree's chains: a unit's head holds
	 * the sequence number of its last entry, and a chain has no gaps (cunzhi verify
	 * checks it); counting the entries themselves reads all of them, 22 million for a
	 * county after three years. */
	bool filtered = a.n > 1;
	int dbrc = filtered ? db_get_int_args(c->db, total, arena_printf(c->arena, "SELECT count(*) %s", where), &a)
			    : db_get_int(c->db, total, "SELECT COALESCE(SUM(h.seq), 0) FROM audit_heads h JOIN "
						       "org_units o ON o.id = h.unit_id WHERE o.path LIKE ?",
					 "t", like);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "审计日志");
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	struct db_stmt *st = db_query_args(c->db, arena_printf(c->arena,
		"SELECT a.id, a.unit_id, a.seq, a.actor_id, a.at, a.object_id, o.name, "
		"COALESCE((SELECT us.name FROM users us WHERE us.id = a.actor_id), '系统'), a.object_type, a.action, "
		"a.before_data, a.after_data, a.hash %s ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?", where), &a);
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
