/* Disputes 矛盾纠纷: the statistics by unit and by month,
 * counted as the list counts. */
#include "domain/disputes/internal.h"

static const char *const stat_cols[] = {
	"CASE WHEN dd.outcome IS NULL THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'mediated' THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'failed' THEN 1 ELSE 0 END",
	"CASE WHEN dd.recurring > 0 THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'mediated' AND dd.followup_at IS NULL AND dd.followup_due <= ? THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'mediated' AND dd.followup_at IS NULL AND dd.followup_due < ? THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'mediated' AND dd.followup_result = 'kept' THEN 1 ELSE 0 END",
};

static void stats_add(struct dispute_stats_row *r, struct dispute_stats_row *total, struct db_stmt *st, int col0,
		      int64_t received)
{
	int64_t *f[] = {&r->mediating, &r->mediated, &r->referred, &r->recurring, &r->followups_due,
			&r->followups_overdue, &r->kept};
	int64_t *t[] = {&total->mediating, &total->mediated, &total->referred, &total->recurring,
			&total->followups_due, &total->followups_overdue, &total->kept};
	r->received += received;
	total->received += received;
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		int64_t v = db_col_int(st, col0 + (int)i);
		*f[i] += v;
		*t[i] += v;
	}
}

/* by_month: rows are the nmonths months (given, zeros) keyed as events_stats_bucket's;
 * otherwise one row per village found. */
static int stats_run(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, bool by_month,
		     struct dispute_stats_row **rows, int *n, struct dispute_stats_row *total)
{
	struct dispute_query q = {.unit_id = unit_id, .from = from, .to = to};
	struct db_args a = {0};
	db_args_int(&a, c->now);
	db_args_int(&a, c->now);
	struct buf w, sql;
	buf_init(&w, 32768);
	int rc = dp_list_where(c, &q, &w, &a);
	if (rc) {
		buf_release(&w);
		return rc;
	}
	buf_init(&sql, 65536);
	buf_adds(&sql, by_month ? "SELECT e.created_at, '', 1" : "SELECT v.id, v.name, count(*)");
	for (size_t i = 0; i < ARRAY_SIZE(stat_cols); i++)
		buf_addf(&sql, by_month ? ", %s" : ", SUM(%s)", stat_cols[i]);
	buf_addf(&sql, " " LIST_FROM "%s %s", w.ptr,
		 by_month ? "ORDER BY e.created_at" : "GROUP BY v.id, v.name ORDER BY v.name");
	buf_release(&w);
	if (sql.failed) {
		buf_release(&sql);
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	}
	struct db_stmt *st = db_query_args(c->db, sql.ptr, &a);
	buf_release(&sql);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计纠纷");
	int cap = 0, dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		struct dispute_stats_row *r = NULL;
		if (by_month) {
			int64_t k = events_stats_bucket(EVENTS_SERIES_MONTH, db_col_int(st, 0));
			for (int i = 0; i < *n && !r; i++)
				if ((*rows)[i].unit_id == k)
					r = &(*rows)[i];
			if (!r)
				continue;   /* outside the months (cannot happen: from/to are theirs) */
		} else {
			struct dispute_stats_row *grown = arena_grow(c->arena, *rows, &cap, *n, sizeof(**rows));
			if (!grown) {
				db_finalize(st);
				return ctx_fail(c, RC_INTERNAL, "内存不足");
			}
			*rows = grown;
			r = &(*rows)[(*n)++];
			memset(r, 0, sizeof(*r));
			r->unit_id = db_col_int(st, 0);
			r->unit_name = dp_dup(c, db_col_text(st, 1));
		}
		stats_add(r, total, st, 3, db_col_int(st, 2));
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "统计纠纷");
}

int disputes_stats(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, struct dispute_stats_row **rows,
		   int *n, struct dispute_stats_row *total)
{
	*rows = NULL;
	*n = 0;
	memset(total, 0, sizeof(*total));
	total->unit_name = "合计";
	if (from && to && to <= from)
		return ctx_field(c, "to", "结束时间应晚于开始时间");
	return stats_run(c, unit_id, from, to, false, rows, n, total);
}

int disputes_stats_months(struct ctx *c, int64_t unit_id, struct dispute_stats_row **rows, int *n,
			  struct dispute_stats_row *total)
{
	*n = 0;
	memset(total, 0, sizeof(*total));
	total->unit_name = "合计";
	*rows = arena_alloc(c->arena, sizeof(**rows) * DISPUTE_SERIES_MONTHS);
	if (!*rows)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t now = events_stats_bucket(EVENTS_SERIES_MONTH, c->now);
	for (int i = 0; i < DISPUTE_SERIES_MONTHS; i++) {
		struct dispute_stats_row *r = &(*rows)[i];
		memset(r, 0, sizeof(*r));
		r->unit_id = events_stats_month_add(now, i - (DISPUTE_SERIES_MONTHS - 1));
		r->unit_name = events_stats_bucket_name(c, EVENTS_SERIES_MONTH, r->unit_id);
	}
	*n = DISPUTE_SERIES_MONTHS;
	int64_t from = events_stats_month_start((*rows)[0].unit_id);
	int64_t to = events_stats_month_start(events_stats_month_add(now, 1));
	int rc = stats_run(c, unit_id, from, to, true, rows, n, total);
	if (rc)
		*n = 0;
	return rc;
}
