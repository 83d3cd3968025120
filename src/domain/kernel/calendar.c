/* The holiday calendar: seeding, edits and the working-day deadlines. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/calendar.h"
#include "util/timeutil.h"
#include "util/workdays.h"

#define CAL_DAYS_MAX 800   /* days read for one computation (about two years) */
#define CAL_EXCEPTIONS_MAX 256   /* holidays or 调休 days among them */

int calendar_seed(struct db *db, int64_t now)
{
	struct db_stmt *st = db_query(db, "SELECT value FROM settings WHERE key = 'holiday_seed'", "");
	bool done = st && db_step(st) == DB_ROW && !strcmp(db_col_text(st, 0), calendar_seed_version);
	db_finalize(st);
	if (done)
		return DB_OK;
	int rc = db_begin(db);
	for (const struct calendar_seed_day *d = calendar_seed_days; rc == DB_OK && d->day; d++)
		rc = db_run(db, "INSERT INTO holiday_calendar (day, kind, name, source, updated_at) "
				"VALUES (?, ?, ?, 'seed', ?) ON CONFLICT (day) DO NOTHING",
			    "ttti", d->day, d->kind, d->name, now);
	if (rc == DB_OK)
		rc = db_run(db, "INSERT INTO settings (key, value) VALUES ('holiday_seed', ?) "
				"ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			    "t", calendar_seed_version);
	if (rc == DB_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

/* Reads the exceptions from day `from` for the next CAL_DAYS_MAX days. */
static int load(struct ctx *c, int64_t from, struct workdays *w)
{
	char a[11], b[11];
	time_format_date(time_cn_midnight(from), a);
	time_format_date(time_cn_midnight(from + CAL_DAYS_MAX), b);
	int64_t *off = arena_alloc(c->arena, sizeof(int64_t) * CAL_EXCEPTIONS_MAX);
	int64_t *on = arena_alloc(c->arena, sizeof(int64_t) * CAL_EXCEPTIONS_MAX);
	if (!off || !on)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	memset(w, 0, sizeof(*w));
	w->off = off;
	w->on = on;
	struct db_stmt *st = db_query(c->db, "SELECT day, kind FROM holiday_calendar WHERE day >= ? AND day < ? "
					     "AND kind <> 'normal' ORDER BY day", "tt", a, b);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取节假日");
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t d;
		if (time_parse_date(db_col_text(st, 0), &d))
			continue;
		if (!strcmp(db_col_text(st, 1), "workday")) {
			if (w->non < CAL_EXCEPTIONS_MAX)
				on[w->non++] = d;
		} else if (w->noff < CAL_EXCEPTIONS_MAX) {
			off[w->noff++] = d;
		}
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取节假日");
}

int calendar_deadline(struct ctx *c, int64_t t, int n, int64_t *due)
{
	if (n < 1 || n > WORKDAYS_MAX)
		return ctx_field(c, "finish_days", "办理时限应为 1 到 %d 个工作日", WORKDAYS_MAX);
	struct workdays w;
	int rc = load(c, time_cn_days(t), &w);
	if (rc)
		return rc;
	*due = workdays_deadline(&w, t, n);
	return *due < 0 ? ctx_fail(c, RC_INTERNAL, "无法计算期限") : RC_OK;
}

int calendar_is_working(struct ctx *c, int64_t day, bool *working)
{
	struct workdays w;
	int rc = load(c, day, &w);
	if (!rc)
		*working = workdays_is_working(&w, day);
	return rc;
}

int calendar_list(struct ctx *c, int year, struct calendar_day **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (year < 2000 || year > 2100)
		return ctx_field(c, "year", "年份应在 2000 到 2100 之间");
	char a[11], b[11];
	snprintf(a, sizeof(a), "%04d-01-01", year);
	snprintf(b, sizeof(b), "%04d-12-31", year);
	struct db_stmt *st = db_query(c->db, "SELECT day, kind, name, source, updated_at FROM holiday_calendar "
					     "WHERE day >= ? AND day <= ? ORDER BY day", "tt", a, b);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取节假日");
	int cap = 0, rc;
	struct calendar_day *list = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		struct calendar_day *grown = arena_grow(c->arena, list, &cap, *n, sizeof(*list));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		list = grown;
		struct calendar_day *d = &list[(*n)++];
		str_copy(d->day, sizeof(d->day), db_col_text(st, 0));
		d->kind = arena_strdup(c->arena, db_col_text(st, 1));
		d->name = arena_strdup(c->arena, db_col_text(st, 2));
		d->source = arena_strdup(c->arena, db_col_text(st, 3));
		d->updated_at = db_col_int(st, 4);
	}
	db_finalize(st);
	*out = list;
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取节假日");
}

int calendar_set(struct ctx *c, const char *day, const char *kind, const char *name)
{
	const char *paths[CTX_MAX_GRANTS];
	int np = access_scopes(c, P_EVENT_ADMIN, paths, CTX_MAX_GRANTS);
	if (np == 0)
		return ctx_fail(c, RC_FORBIDDEN, "只有区县管理员可以修改节假日");
	if (!day || !time_date_valid(day))
		ctx_field(c, "day", "日期应为 YYYY-MM-DD");
	if (!kind || (strcmp(kind, "holiday") && strcmp(kind, "workday") && strcmp(kind, "normal")))
		ctx_field(c, "kind", "类型应为 holiday（放假）、workday（调休上班）或 normal（按平常）");
	ctx_check_text(c, "name", name, CALENDAR_NAME_MAX, CTX_TEXT_OPTIONAL, "名称");
	if (ctx_check_fields(c))
		return RC_INVALID;
	/* the chain of the admin's county: the first id of the grant's path */
	int64_t county = 0;
	for (const char *p = paths[0] + 1; *p >= '0' && *p <= '9'; p++)
		county = county * 10 + (*p - '0');
	if (c->system)
		county = 0;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	char before[160] = "{}";
	struct db_stmt *st = db_query(c->db, "SELECT kind, name FROM holiday_calendar WHERE day = ?", "t", day);
	if (st && db_step(st) == DB_ROW)
		snprintf(before, sizeof(before), "{\"kind\":\"%s\"}", db_col_text(st, 0));
	db_finalize(st);
	int dbrc = db_run(c->db, "INSERT INTO holiday_calendar (day, kind, name, source, updated_by, updated_at) "
				 "VALUES (?, ?, ?, 'admin', NULLIF(CAST(? AS BIGINT), 0), ?) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, "
				 "name = excluded.name, source = 'admin', updated_by = excluded.updated_by, "
				 "updated_at = excluded.updated_at",
			  "tttii", day, kind, name ? name : "", ctx_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存节假日"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "day", day);
	audit_snap_str(&after, "kind", kind);
	audit_snap_str(&after, "name", name ? name : "");
	audit_snap_end(&after);
	rc = county ? audit_record(c, county, "holiday", 0, "set", before, after.ptr) : RC_OK;
	buf_release(&after);
	return ctx_end(c, rc);
}
