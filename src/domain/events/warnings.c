/* Early warnings 预警: a village where a category's events reached the county's threshold
 * (warn_count within warn_days days), computed from the events the reader may see when
 * read, each with the events behind it, so a warning is never more than its records. */
#include "domain/events/internal.h"
#include "util/buf.h"

int events_warnings(struct ctx *c, int64_t unit_id, struct event_warning **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct db_args a = {0};
	db_args_int(&a, c->now);
	struct buf w;
	buf_init(&w, 32768);
	buf_adds(&w, "WHERE k.warn_count > 0 AND e.created_at >= CAST(? AS BIGINT) - k.warn_days * 86400 AND ");
	buf_adds(&w, ev_visible_sql(c, &a));
	int rc = ev_filter(c, unit_id, 0, 0, 0, true, &w, &a);
	if (rc) {
		buf_release(&w);
		return rc;
	}
	char *sql = w.failed ? NULL
			     : arena_printf(c->arena,
					    "SELECT e.village_id, v.name, COALESCE(t.name, ''), k.id, k.name, k.warn_count, "
					    "k.warn_days, count(*), min(e.created_at), max(e.created_at) "
					    "FROM events e JOIN org_units v ON v.id = e.village_id "
					    "LEFT JOIN org_units t ON t.id = v.parent_id "
					    "JOIN event_categories k ON k.id = e.category_id "
					    "LEFT JOIN org_units d ON d.id = e.department_id %s "
					    "GROUP BY e.village_id, v.name, t.name, k.id, k.name, k.warn_count, k.warn_days "
					    "HAVING count(*) >= k.warn_count ORDER BY count(*) DESC, e.village_id, k.id",
					    w.ptr);
	buf_release(&w);
	if (!sql)
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	struct db_stmt *st = db_query_args(c->db, sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取预警");
	int cap = 0, dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		struct event_warning *grown = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = grown;
		struct event_warning *x = &(*out)[(*n)++];
		memset(x, 0, sizeof(*x));
		x->village_id = db_col_int(st, 0);
		x->village_name = arena_strdup(c->arena, db_col_text(st, 1));
		x->town_name = arena_strdup(c->arena, db_col_text(st, 2));
		x->category_id = db_col_int(st, 3);
		x->category_name = arena_strdup(c->arena, db_col_text(st, 4));
		x->warn_count = (int)db_col_int(st, 5);
		x->warn_days = (int)db_col_int(st, 6);
		x->count = (int)db_col_int(st, 7);
		x->first_at = db_col_int(st, 8);
		x->last_at = db_col_int(st, 9);
	}
	db_finalize(st);
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取预警");
	/* the events behind each warning (all of the village's in the window: a warning is
	 * about the village, whoever reads it) */
	for (int i = 0; i < *n; i++) {
		struct event_warning *x = &(*out)[i];
		st = db_query(c->db,
			      "SELECT id FROM events WHERE village_id = ? AND category_id = ? AND created_at >= ? "
			      "ORDER BY created_at DESC, id DESC LIMIT ?",
			      "iiii", x->village_id, x->category_id, c->now - (int64_t)x->warn_days * 86400,
			      (int64_t)EVENT_WARNING_IDS);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取预警");
		while (x->nids < EVENT_WARNING_IDS && db_step(st) == DB_ROW)
			x->ids[x->nids++] = db_col_int(st, 0);
		db_finalize(st);
	}
	return RC_OK;
}
