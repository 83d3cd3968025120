/* Visits 走访 (see grid.h): households whose tags ask for regular visits, the visits
 * grid workers record with their position checked against the household's location,
 * and which households are due or overdue. */
#include "domain/grid/internal.h"
#include "util/num.h"

enum result grid_visit_add(struct ctx *c, const struct grid_visit_input *in, int64_t *id)
{
	struct hh_place pl;
	struct household h;
	int rc = in->household_id ? people_household_place(c, in->household_id, &pl) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (rc == RC_OK && !access_can_read_household(c, HH_PATHS(pl), in->household_id))) {
		ctx_clear(c);
		return ctx_field(c, "household_id", "户不存在");
	}
	if (rc)
		return rc;
	if (!access_can_household(c, P_GRID_WORK, HH_PATHS(pl)) || !c->actor)
		return ctx_fail(c, RC_FORBIDDEN, "只有该户所在网格的网格员可以登记走访");
	if ((rc = people_household_get(c, in->household_id, &h)))
		return rc;
	ctx_check_text(c, "notes", in->notes, GRID_NOTE_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "走访情况");
	if (in->has_location)
		gr_check_position(c, "lat", in->lat_e6, in->lng_e6);
	gr_check_photos(c, in->photos, in->nphotos);
	if (ctx_check_fields(c))
		return RC_INVALID;
	int64_t distance = -1;
	if (in->has_location && h.has_coords)
		distance = (int64_t)(grid_haversine_m(in->lat_e6, in->lng_e6, h.lat_e6, h.lng_e6) + 0.5);
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "visit", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	struct db_args a = {0};
	db_args_int(&a, in->household_id);
	db_args_int(&a, pl.village_id);
	db_args_int(&a, c->actor->user_id);
	db_args_int(&a, c->now);
	if (in->has_location) {
		db_args_int(&a, in->lat_e6);
		db_args_int(&a, in->lng_e6);
	} else {
		db_args_null(&a);
		db_args_null(&a);
	}
	if (distance >= 0)
		db_args_int(&a, distance);
	else
		db_args_null(&a);
	db_args_text(&a, in->notes);
	db_args_int(&a, c->now);
	if (db_get_int_args(c->db, id, "INSERT INTO visits (household_id, village_id, user_id, visited_at, lat_e6, lng_e6, "
				       "distance_m, notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", &a) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "保存走访"));
	for (int i = 0; !rc && i < in->nphotos; i++)
		if (db_run(c->db, "INSERT INTO visit_photos (visit_id, ord, file_hash) VALUES (?, ?, ?)", "iit", *id,
			   (int64_t)(i + 1), in->photos[i]) != DB_OK)
			rc = ctx_db_fail(c, DB_ERROR, "保存照片");
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "household_id", in->household_id);
		audit_snap_int(&after, "distance_m", distance);
		audit_snap_int(&after, "photos", in->nphotos);
		audit_snap_end(&after);
		rc = audit_record(c, pl.village_id, "visit", *id, "create", "{}", after.ptr);
		buf_release(&after);
	}
	if (!rc) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
		rc = idem_store(c, "visit", in->idem, idtext);
	}
	return ctx_end(c, rc);
}

#define VISIT_COLS                                                                                  \
	"v.id, v.household_id, v.village_id, v.user_id, v.visited_at, h.number, " PEOPLE_HEAD_NAME("h.id") \
	", u.name, v.notes, v.lat_e6 IS NOT NULL, COALESCE(v.lat_e6, 0), COALESCE(v.lng_e6, 0), "       \
	"COALESCE(v.distance_m, -1), (SELECT count(*) FROM visit_photos vp WHERE vp.visit_id = v.id) "
#define VISIT_FROM "FROM visits v JOIN households h ON h.id = v.household_id JOIN users u ON u.id = v.user_id "

/* The filter "the actor may read the visit": they made it, or P_GRID_WORK or
 * P_GRID_SUPERVISE covers its household. */
static bool visit_scope(struct ctx *c, struct buf *w, struct db_args *a)
{
	buf_adds(w, " AND (v.user_id = ?");
	db_args_int(a, ctx_actor_id(c));
	struct buf sc;
	buf_init(&sc, 4096);
	int ns = scope_where(c, P_GRID_WORK | P_GRID_SUPERVISE, SCOPE_HOUSEHOLD, &sc, a);
	if (ns) {
		buf_adds(w, " OR ");
		buf_adds(w, sc.ptr);
	}
	buf_release(&sc);
	buf_adds(w, ")");
	return ns > 0;
}

enum result grid_visits(struct ctx *c, const struct grid_visit_query *q, struct grid_visit **out, int *n,
			int64_t *total)
{
	*n = 0;
	*total = 0;
	*out = NULL;
	struct buf w;
	struct db_args a = {0};
	buf_init(&w, 8192);
	buf_adds(&w, "WHERE 1=1");
	if (q->unit_id) {
		struct org_unit u;
		int rc = org_read(c, q->unit_id, &u);
		if (rc) {
			buf_release(&w);
			return rc;
		}
		buf_adds(&w, " AND " SCOPE_HOUSEHOLD);
		const char *like = arena_printf(c->arena, "%s%%", u.path);
		db_args_text(&a, like);
		db_args_text(&a, like);
		db_args_text(&a, like);
	}
	if (q->household_id) {
		struct hh_place pl;
		int rc = people_household_place(c, q->household_id, &pl);
		if (rc == RC_OK && !access_can_read_household(c, HH_PATHS(pl), q->household_id))
			rc = ctx_fail(c, RC_NOT_FOUND, "户不存在");
		if (rc) {
			buf_release(&w);
			return rc;
		}
		buf_adds(&w, " AND v.household_id = ?");
		db_args_int(&a, q->household_id);
	}
	bool staff = visit_scope(c, &w, &a);
	if (!staff && !access_scopes(c, P_GRID_WORK, (const char *[1]){0}, 1)) {
		buf_release(&w);
		return ctx_fail(c, RC_FORBIDDEN, "无权查看走访记录");
	}
	if (w.failed) {
		buf_release(&w);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	if (db_get_int_args(c->db, total, arena_printf(c->arena, "SELECT count(*) " VISIT_FROM "%s", w.ptr), &a) != DB_OK) {
		buf_release(&w);
		return ctx_db_fail(c, DB_ERROR, "读取走访");
	}
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	struct db_stmt *st = db_query_args(c->db, arena_printf(c->arena, "SELECT " VISIT_COLS VISIT_FROM
								       "%s ORDER BY v.visited_at DESC, v.id DESC LIMIT ? OFFSET ?",
								       w.ptr), &a);
	buf_release(&w);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取走访");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_visit *v = &(*out)[(*n)++];
		v->id = db_col_int(st, 0);
		v->household_id = db_col_int(st, 1);
		v->village_id = db_col_int(st, 2);
		v->user_id = db_col_int(st, 3);
		v->visited_at = db_col_int(st, 4);
		v->household_number = arena_strdup(c->arena, db_col_text(st, 5));
		v->head_name = arena_strdup(c->arena, db_col_text(st, 6));
		v->user_name = arena_strdup(c->arena, db_col_text(st, 7));
		v->notes = arena_strdup(c->arena, db_col_text(st, 8));
		v->has_location = db_col_int(st, 9) != 0;
		v->lat_e6 = db_col_int(st, 10);
		v->lng_e6 = db_col_int(st, 11);
		v->distance_m = db_col_int(st, 12);
		v->nphotos = (int)db_col_int(st, 13);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取走访");
}

enum result grid_visit_photo(struct ctx *c, int64_t visit_id, int n, char mime[16], const void **data, size_t *len)
{
	int64_t hh = 0, user = 0;
	if (db_get_int(c->db, &hh, "SELECT household_id FROM visits WHERE id = ?", "i", visit_id) != DB_OK ||
	    db_get_int(c->db, &user, "SELECT user_id FROM visits WHERE id = ?", "i", visit_id) != DB_OK)
		return ctx_fail(c, RC_NOT_FOUND, "走访记录不存在");
	struct hh_place pl;
	int rc = people_household_place(c, hh, &pl);
	if (rc)
		return rc;
	if (!(c->actor && c->actor->user_id == user) && !access_can_household(c, P_GRID_WORK, HH_PATHS(pl)) &&
	    !access_can_household(c, P_GRID_SUPERVISE, HH_PATHS(pl)))
		return ctx_fail(c, access_refusal(c, pl.village), "无权查看走访照片");
	struct db_stmt *st = db_query(c->db, "SELECT file_hash FROM visit_photos WHERE visit_id = ? AND ord = ?", "ii",
				      visit_id, (int64_t)n);
	char hash[FILES_HASH_LEN + 1] = "";
	if (st && db_step(st) == DB_ROW)
		str_copy(hash, sizeof(hash), db_col_text(st, 0));
	db_finalize(st);
	if (!hash[0])
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	struct file_info fi;
	if ((rc = files_read(c, hash, &fi, data, len)))
		return rc;
	str_copy(mime, 16, fi.mime);
	return RC_OK;
}

enum result grid_visits_due(struct ctx *c, int64_t unit_id, int64_t within, bool overdue_only,
			    struct grid_visit_due **out, int *n)
{
	*n = 0;
	*out = NULL;
	struct org_unit u;
	int rc = org_read(c, unit_id, &u);
	if (rc)
		return rc;
	int64_t county = gr_path_root(u.path);
	/* households under the unit with a tag that has a frequency, in the actor's scope */
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 16384);
	buf_adds(&sql, "SELECT h.id, COALESCE(h.grid_id, 0), h.number, " PEOPLE_HEAD_NAME("h.id") ", t.name, t.sensitive, "
		       "t.roles, r.days, ht.set_at, "
		       "COALESCE((SELECT max(v.visited_at) FROM visits v WHERE v.household_id = h.id), 0), h.village_id "
		       "FROM household_tags ht JOIN households h ON h.id = ht.household_id "
		       "JOIN tags t ON t.id = ht.tag_id JOIN visit_rules r ON r.tag_id = t.id AND r.county_id = ? "
		       "WHERE t.active = 1 AND ");
	db_args_int(&a, county);
	const char *like = arena_printf(c->arena, "%s%%", u.path);
	buf_adds(&sql, SCOPE_HOUSEHOLD " AND ");
	db_args_text(&a, like);
	db_args_text(&a, like);
	db_args_text(&a, like);
	if (!scope_where(c, P_GRID_WORK | P_GRID_SUPERVISE, SCOPE_HOUSEHOLD, &sql, &a)) {
		buf_release(&sql);
		return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的走访", u.name);
	}
	buf_adds(&sql, " ORDER BY h.id, r.days");
	struct db_stmt *st = sql.failed ? NULL : db_query_args(c->db, sql.ptr, &a);
	buf_release(&sql);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取走访");
	int cap = 0;
	struct grid_visit_due *cur = NULL;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!gr_tag_visible(c, db_col_int(st, 5) != 0, db_col_text(st, 6)))
			continue;
		int64_t hid = db_col_int(st, 0);
		int days = (int)db_col_int(st, 7);
		int64_t set_at = db_col_int(st, 8), last = db_col_int(st, 9);
		/* due: a frequency after the last visit, or after the tag was set when never visited */
		int64_t due = (last ? last : set_at) + (int64_t)days * 86400;
		if (cur && cur->household_id == hid) {
			cur->tags = arena_printf(c->arena, "%s、%s", cur->tags, db_col_text(st, 4));
			if (due < cur->due_at) {
				cur->due_at = due;
				cur->days = days;
			}
			continue;
		}
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		cur = &(*out)[(*n)++];
		cur->household_id = hid;
		cur->grid_id = db_col_int(st, 1);
		cur->number = arena_strdup(c->arena, db_col_text(st, 2));
		cur->head_name = arena_strdup(c->arena, db_col_text(st, 3));
		cur->tags = arena_strdup(c->arena, db_col_text(st, 4));
		cur->days = days;
		cur->last_visit = last;
		cur->due_at = due;
		cur->village_id = db_col_int(st, 10);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取走访");
	/* keep those due within the window, by due date */
	int k = 0;
	for (int i = 0; i < *n; i++) {
		struct grid_visit_due d = (*out)[i];
		d.overdue = d.due_at < c->now;
		if (overdue_only ? !d.overdue : d.due_at > c->now + within)
			continue;
		int j = k++;
		while (j > 0 && (*out)[j - 1].due_at > d.due_at) {
			(*out)[j] = (*out)[j - 1];
			j--;
		}
		(*out)[j] = d;
	}
	*n = k;
	return RC_OK;
}
