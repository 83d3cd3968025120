/* Patrol findings 发现 (see grid.h): what a worker notes on a patrol with its place and
 * photos, turning a finding into an event, the events the worker's findings became, and
 * the findings' photos. */
#include "domain/events/events.h"
#include "domain/grid/internal.h"
#include "util/num.h"

/* The patrol's findings with their photos. */
enum result gr_load_findings(struct ctx *c, struct grid_patrol *p)
{
	struct db_stmt *st = db_query(c->db, "SELECT id, category, note, lat_e6 IS NOT NULL, COALESCE(lat_e6, 0), "
					     "COALESCE(lng_e6, 0), COALESCE(event_id, 0), created_at FROM patrol_findings "
					     "WHERE patrol_id = ? ORDER BY id",
				      "i", p->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取发现");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(p->findings = arena_grow(c->arena, p->findings, &cap, p->nfindings, sizeof(*p->findings)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_finding *f = &p->findings[p->nfindings++];
		memset(f, 0, sizeof(*f));
		f->id = db_col_int(st, 0);
		f->patrol_id = p->id;
		f->category = arena_strdup(c->arena, db_col_text(st, 1));
		f->note = arena_strdup(c->arena, db_col_text(st, 2));
		f->has_location = db_col_int(st, 3) != 0;
		f->lat_e6 = db_col_int(st, 4);
		f->lng_e6 = db_col_int(st, 5);
		f->event_id = db_col_int(st, 6);
		f->created_at = db_col_int(st, 7);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取发现");
	for (int i = 0; i < p->nfindings; i++) {
		struct grid_finding *f = &p->findings[i];
		st = db_query(c->db, "SELECT file_hash FROM patrol_finding_photos WHERE finding_id = ? ORDER BY ord", "i", f->id);
		while (st && f->nphotos < GRID_PHOTOS_MAX && db_step(st) == DB_ROW)
			f->photos[f->nphotos++] = arena_strdup(c->arena, db_col_text(st, 0));
		db_finalize(st);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取照片");
	}
	return RC_OK;
}

enum result grid_finding_add(struct ctx *c, int64_t patrol_id, const struct grid_finding_input *in, int64_t *id)
{
	struct grid_patrol p;
	char path[ORG_PATH_MAX];
	int rc = gr_own_patrol(c, patrol_id, &p, path, sizeof(path));
	if (rc)
		return rc;
	ctx_check_text(c, "category", in->category, GRID_CATEGORY_MAX, CTX_TEXT_REQUIRED, "类别");
	ctx_check_text(c, "note", in->note, GRID_NOTE_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "情况说明");
	if (in->has_location)
		gr_check_position(c, "lat", in->lat_e6, in->lng_e6);
	gr_check_photos(c, in->photos, in->nphotos);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (p.ended_at && c->now > p.ended_at + GRID_LATE_MAX)
		return ctx_fail(c, RC_CONFLICT, "巡查已结束，不能再添加发现");
	/* an event first (its own transaction, retried by the same key), then the finding */
	int64_t event_id = 0;
	if (in->event_category_id > 0) {
		struct event_input ev = {
			.village_id = p.village_id, .category_id = in->event_category_id, .channel = "grid",
			.description = in->note, .nphotos = in->nphotos, .has_location = in->has_location,
			.lat_e6 = in->lat_e6, .lng_e6 = in->lng_e6, .idem = in->idem,
		};
		for (int i = 0; i < in->nphotos; i++)
			ev.photos[i] = in->photos[i];
		if ((rc = events_create(c, &ev, &event_id)))
			return rc;
	}
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "finding", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	struct db_args a = {0};
	db_args_int(&a, patrol_id);
	db_args_text(&a, in->category);
	db_args_text(&a, in->note);
	if (in->has_location) {
		db_args_int(&a, in->lat_e6);
		db_args_int(&a, in->lng_e6);
	} else {
		db_args_null(&a);
		db_args_null(&a);
	}
	if (event_id)
		db_args_int(&a, event_id);
	else
		db_args_null(&a);
	db_args_int(&a, c->now);
	if (db_get_int_args(c->db, id, "INSERT INTO patrol_findings (patrol_id, category, note, lat_e6, lng_e6, event_id, "
				       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", &a) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "保存发现"));
	for (int i = 0; !rc && i < in->nphotos; i++)
		if (db_run(c->db, "INSERT INTO patrol_finding_photos (finding_id, ord, file_hash) VALUES (?, ?, ?)", "iit",
			   *id, (int64_t)(i + 1), in->photos[i]) != DB_OK)
			rc = ctx_db_fail(c, DB_ERROR, "保存照片");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "patrol_id", patrol_id);
		audit_snap_str(&after, "category", in->category);
		audit_snap_int(&after, "photos", in->nphotos);
		audit_snap_int(&after, "event_id", event_id);
		audit_snap_end(&after);
		rc = audit_record(c, p.village_id, "patrol_finding", *id, "create", "{}", after.ptr);
		buf_release(&after);
	}
	if (!rc) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
		rc = idem_store(c, "finding", in->idem, idtext);
	}
	return ctx_end(c, rc);
}

/* The finding and its patrol, readable by the actor. */
static enum result load_finding(struct ctx *c, int64_t finding_id, struct grid_patrol *p, struct grid_finding **f)
{
	int64_t patrol_id = 0;
	int dbrc = db_get_int(c->db, &patrol_id, "SELECT patrol_id FROM patrol_findings WHERE id = ?", "i", finding_id);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "发现不存在");
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取发现");
	char path[ORG_PATH_MAX];
	int rc = gr_load_patrol(c, patrol_id, p, path, sizeof(path));
	if (!rc)
		rc = gr_load_findings(c, p);
	if (rc)
		return rc;
	for (int i = 0; i < p->nfindings; i++)
		if (p->findings[i].id == finding_id)
			*f = &p->findings[i];
	return RC_OK;
}

enum result grid_finding_to_event(struct ctx *c, int64_t finding_id, int64_t category_id, int64_t *event_id)
{
	struct grid_patrol p;
	struct grid_finding *f = NULL;
	int rc = load_finding(c, finding_id, &p, &f);
	if (rc)
		return rc;
	if (!gr_own(c, p.user_id))
		return ctx_fail(c, RC_FORBIDDEN, "只有巡查的网格员本人可以上报");
	if (f->event_id)
		return ctx_fail(c, RC_CONFLICT, "已上报为民情事件（%lld）", (long long)f->event_id);
	struct event_input ev = {
		.village_id = p.village_id, .category_id = category_id, .channel = "grid", .description = f->note,
		.nphotos = f->nphotos, .has_location = f->has_location, .lat_e6 = f->lat_e6, .lng_e6 = f->lng_e6,
	};
	for (int i = 0; i < f->nphotos; i++)
		ev.photos[i] = f->photos[i];
	if ((rc = events_create(c, &ev, event_id)))
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	if (db_run(c->db, "UPDATE patrol_findings SET event_id = ? WHERE id = ? AND event_id IS NULL", "ii", *event_id,
		   finding_id) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "保存发现");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "event_id", *event_id);
		audit_snap_end(&after);
		rc = audit_record(c, p.village_id, "patrol_finding", finding_id, "report", "{}", after.ptr);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}

enum result grid_finding_events_mine(struct ctx *c, int limit, struct grid_finding_event **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct db_stmt *st = db_query(c->db, "SELECT f.id, f.patrol_id, f.category, f.note, f.event_id, f.created_at "
					     "FROM patrol_findings f JOIN patrols p ON p.id = f.patrol_id "
					     "WHERE p.user_id = ? AND f.event_id IS NOT NULL "
					     "ORDER BY f.created_at DESC, f.id DESC LIMIT ?",
				      "ii", c->actor->user_id, (int64_t)limit);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取发现");
	struct grid_finding *rows = NULL;
	int cap = 0, rows_n = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(rows = arena_grow(c->arena, rows, &cap, rows_n, sizeof(*rows)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_finding *f = &rows[rows_n++];
		memset(f, 0, sizeof(*f));
		f->id = db_col_int(st, 0);
		f->patrol_id = db_col_int(st, 1);
		f->category = arena_strdup(c->arena, db_col_text(st, 2));
		f->note = arena_strdup(c->arena, db_col_text(st, 3));
		f->event_id = db_col_int(st, 4);
		f->created_at = db_col_int(st, 5);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取发现");
	if (rows_n && !(*out = arena_alloc(c->arena, sizeof(**out) * (size_t)rows_n)))
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < rows_n; i++) {
		struct event *e = arena_alloc(c->arena, sizeof(*e));
		if (!e)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		rc = events_get(c, rows[i].event_id, e);
		if (rc == RC_NOT_FOUND || rc == RC_FORBIDDEN) {
			ctx_clear(c);
			continue;
		}
		if (rc)
			return rc;
		(*out)[*n].finding = rows[i];
		(*out)[(*n)++].event = e;
	}
	return RC_OK;
}

enum result grid_finding_photo(struct ctx *c, int64_t finding_id, int n, char mime[16], const void **data, size_t *len)
{
	struct grid_patrol p;
	struct grid_finding *f = NULL;
	int rc = load_finding(c, finding_id, &p, &f);
	if (rc)
		return rc;
	if (!f || n < 1 || n > f->nphotos)
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	struct file_info fi;
	if ((rc = files_read(c, f->photos[n - 1], &fi, data, len)))
		return rc;
	str_copy(mime, 16, fi.mime);
	return RC_OK;
}
