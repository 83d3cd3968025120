/* The county's schedule settings for disclosures: when the legal rhythm starts, the days
 * allowed for major matters, and the villages marked busy (monthly finance). */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/scope.h"
#include "domain/transparency/internal.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define SETTINGS_BUSY_MAX 500

static int64_t county_of(const char *path)
{
	int64_t id = 0;
	const char *e = path && path[0] == '/' ? strchr(path + 1, '/') : NULL;
	if (!e || num_parse_i64n(path + 1, (size_t)(e - path - 1), 1, INT64_MAX, &id))
		return 0;
	return id;
}

int tr_settings_of(struct ctx *c, const char *path, struct disc_settings *out)
{
	memset(out, 0, sizeof(*out));
	out->county_id = county_of(path);
	out->major_days = DISC_MAJOR_DAYS_DEFAULT;
	int y, m, d;
	time_civil_from_days(time_cn_days(c->now), &y, &m, &d);
	snprintf(out->starts_on, sizeof(out->starts_on), "%04d-01-01", y);
	struct db_stmt *st = db_query(c->db, "SELECT major_days, starts_on FROM disclosure_settings WHERE county_id = ?",
				      "i", out->county_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开设置");
	if (db_step(st) == DB_ROW) {
		out->major_days = (int)db_col_int(st, 0);
		str_copy(out->starts_on, sizeof(out->starts_on), db_col_text(st, 1));
	}
	db_finalize(st);
	out->busy = arena_alloc(c->arena, sizeof(*out->busy) * SETTINGS_BUSY_MAX);
	if (!out->busy)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	st = db_query(c->db, "SELECT village_id FROM disclosure_busy_villages WHERE county_id = ? ORDER BY village_id", "i",
		      out->county_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开设置");
	while (out->nbusy < SETTINGS_BUSY_MAX && db_step(st) == DB_ROW)
		out->busy[out->nbusy++] = db_col_int(st, 0);
	db_finalize(st);
	return RC_OK;
}


static int read_county(struct ctx *c, int64_t county_id, struct org_unit *u)
{
	int rc = org_find(c, county_id, u);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(u->kind, "county")))
		return ctx_field(c, "county_id", "区县不存在");
	return rc;
}

enum result transparency_settings_get(struct ctx *c, int64_t county_id, struct disc_settings *out)
{
	memset(out, 0, sizeof(*out));
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct org_unit u;
	int rc = read_county(c, county_id, &u);
	if (rc)
		return rc;
	if (!access_touches(c, u.path) && !c->system)
		return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
	return tr_settings_of(c, u.path, out);
}

enum result transparency_settings_put(struct ctx *c, int64_t county_id, int major_days, const char *starts_on,
				      int nbusy, const int64_t *busy)
{
	struct org_unit u;
	int rc = read_county(c, county_id, &u);
	if (rc && rc != RC_INVALID)
		return rc;
	if (!rc && !access_can(c, P_DISCLOSE_ADMIN, u.path))
		return access_refusal(c, u.path) == RC_NOT_FOUND
			       ? ctx_fail(c, RC_NOT_FOUND, "区县不存在")
			       : ctx_fail(c, RC_FORBIDDEN, "只有区县管理员可以修改三务公开的时间要求");
	if (major_days != -1 && (major_days < 0 || major_days > DISC_MAJOR_DAYS_MAX))
		ctx_field(c, "major_days", "重大事项公开天数应在 0 到 %d 之间", DISC_MAJOR_DAYS_MAX);
	int64_t day;
	if (starts_on && time_parse_date(starts_on, &day))
		ctx_field(c, "starts_on", "开始日期格式应为 2026-01-01");
	if (nbusy > SETTINGS_BUSY_MAX)
		ctx_field(c, "busy_village_ids", "最多 %d 个村", SETTINGS_BUSY_MAX);
	for (int i = 0; !rc && i < nbusy && i < SETTINGS_BUSY_MAX; i++) {
		struct org_unit v;
		int vr = org_find(c, busy[i], &v);
		if (vr && vr != RC_NOT_FOUND)
			return vr;
		if (vr || strcmp(v.kind, "village") || strncmp(v.path, u.path, strlen(u.path))) {
			ctx_field(c, "busy_village_ids", "第 %d 个村不在本区县", i + 1);
			break;
		}
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct disc_settings old;
	if ((rc = tr_settings_of(c, u.path, &old)))
		return rc;
	int md = major_days >= 0 ? major_days : old.major_days;
	const char *so = starts_on ? starts_on : old.starts_on;
	if ((rc = ctx_begin(c)))
		return rc;
	struct db_args a = {0};
	db_args_int(&a, u.id);
	db_args_int(&a, md);
	db_args_text(&a, so);
	if (c->actor)
		db_args_int(&a, c->actor->user_id);
	else
		db_args_null(&a);   /* the command line */
	db_args_int(&a, c->now);
	int dbrc = db_run_args(c->db, "INSERT INTO disclosure_settings (county_id, major_days, starts_on, updated_by, "
				      "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (county_id) DO UPDATE SET "
				      "major_days = excluded.major_days, starts_on = excluded.starts_on, "
				      "updated_by = excluded.updated_by, updated_at = excluded.updated_at", &a);
	if (dbrc == DB_OK && nbusy >= 0) {
		dbrc = db_run(c->db, "DELETE FROM disclosure_busy_villages WHERE county_id = ?", "i", u.id);
		for (int i = 0; dbrc == DB_OK && i < nbusy; i++) {
			bool dup = false;
			for (int j = 0; j < i; j++)
				dup = dup || busy[j] == busy[i];
			if (!dup)
				dbrc = db_run(c->db, "INSERT INTO disclosure_busy_villages (village_id, county_id) VALUES (?, ?)",
					      "ii", busy[i], u.id);
		}
	}
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存公开设置"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_int(&before, "major_days", old.major_days);
	audit_snap_str(&before, "starts_on", old.starts_on);
	audit_snap_int(&before, "busy_villages", old.nbusy);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_int(&after, "major_days", md);
	audit_snap_str(&after, "starts_on", so);
	audit_snap_int(&after, "busy_villages", nbusy >= 0 ? nbusy : old.nbusy);
	audit_snap_end(&after);
	rc = before.failed || after.failed
		     ? ctx_fail(c, RC_INTERNAL, "内存不足")
		     : audit_record(c, u.id, "disclosure_settings", u.id, "update", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}
