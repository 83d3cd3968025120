/* The grid workers' monthly allowance 网格员津贴 (see grid.h): the county's rule, each
 * worker's month computed from the records the server holds (the days the patrol
 * target was met, from grid_compliance; visits on time or late; events reported and
 * accepted), reviewed and approved by the town, and the XLSX file for payment. */
#include "domain/grid/internal.h"
#include "domain/kernel/calendar.h"
#include "domain/kernel/xlsx.h"

#define ALLOWANCE_COLS                                                                                       \
	"a.id, a.town_id, a.user_id, a.month, tu.name, us.name, a.unit_name, a.status, "                        \
	"COALESCE((SELECT ap.name FROM users ap WHERE ap.id = a.approved_by), ''), a.days_counted, "           \
	"a.compliant_days, a.missed_days, a.visits_on_time, a.visits_late, a.events, a.base_fen, "              \
	"a.patrol_day_fen, a.missed_day_fen, a.visit_fen, a.late_visit_fen, a.event_fen, a.max_fen, "          \
	"a.total_fen, a.computed_at, COALESCE(a.approved_at, 0) "                                              \
	"FROM allowances a JOIN org_units tu ON tu.id = a.town_id JOIN users us ON us.id = a.user_id "

static void read_allowance(struct ctx *c, struct db_stmt *st, struct grid_allowance *a)
{
	memset(a, 0, sizeof(*a));
	a->id = db_col_int(st, 0);
	a->town_id = db_col_int(st, 1);
	a->user_id = db_col_int(st, 2);
	a->month = arena_strdup(c->arena, db_col_text(st, 3));
	a->town_name = arena_strdup(c->arena, db_col_text(st, 4));
	a->user_name = arena_strdup(c->arena, db_col_text(st, 5));
	a->unit_name = arena_strdup(c->arena, db_col_text(st, 6));
	a->status = arena_strdup(c->arena, db_col_text(st, 7));
	a->approved_by = arena_strdup(c->arena, db_col_text(st, 8));
	a->days_counted = (int)db_col_int(st, 9);
	a->compliant_days = (int)db_col_int(st, 10);
	a->missed_days = (int)db_col_int(st, 11);
	a->visits_on_time = (int)db_col_int(st, 12);
	a->visits_late = (int)db_col_int(st, 13);
	a->events = (int)db_col_int(st, 14);
	a->rule.set = true;
	a->rule.base_fen = db_col_int(st, 15);
	a->rule.patrol_day_fen = db_col_int(st, 16);
	a->rule.missed_day_fen = db_col_int(st, 17);
	a->rule.visit_fen = db_col_int(st, 18);
	a->rule.late_visit_fen = db_col_int(st, 19);
	a->rule.event_fen = db_col_int(st, 20);
	a->rule.max_fen = db_col_int(st, 21);
	grid_allowance_sum(a);
	a->total_fen = db_col_int(st, 22);   /* as stored */
	a->computed_at = db_col_int(st, 23);
	a->approved_at = db_col_int(st, 24);
}

static enum result read_allowances(struct ctx *c, struct db_stmt *st, struct grid_allowance **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取津贴");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		read_allowance(c, st, &(*out)[(*n)++]);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取津贴");
}

void grid_allowance_sum(struct grid_allowance *a)
{
	const struct grid_allowance_rule *r = &a->rule;
	a->patrol_total = (int64_t)a->compliant_days * r->patrol_day_fen;
	a->missed_total = (int64_t)a->missed_days * r->missed_day_fen;
	a->visit_total = (int64_t)a->visits_on_time * r->visit_fen;
	a->late_total = (int64_t)a->visits_late * r->late_visit_fen;
	a->event_total = (int64_t)a->events * r->event_fen;
	int64_t t = r->base_fen + a->patrol_total - a->missed_total + a->visit_total - a->late_total + a->event_total;
	a->capped = false;
	if (t < 0) {
		t = 0;
		a->capped = true;
	}
	if (r->max_fen > 0 && t > r->max_fen) {
		t = r->max_fen;
		a->capped = true;
	}
	a->total_fen = t;
}

/* ---- the rule ---- */

static enum result find_county(struct ctx *c, int64_t county_id, struct org_unit *u)
{
	if (!county_id)
		county_id = gr_actor_county(c);
	int rc = county_id ? org_find(c, county_id, u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (rc == RC_OK && (strcmp(u->kind, "county") || !access_touches(c, u->path))))
		return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
	return rc;
}

static enum result load_rule(struct ctx *c, int64_t county_id, struct grid_allowance_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->county_id = county_id;
	struct db_stmt *st = db_query(c->db, "SELECT base_fen, patrol_day_fen, missed_day_fen, visit_fen, late_visit_fen, "
					     "event_fen, max_fen, updated_at FROM allowance_rules WHERE county_id = ?",
				      "i", county_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取津贴规则");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->set = true;
		out->base_fen = db_col_int(st, 0);
		out->patrol_day_fen = db_col_int(st, 1);
		out->missed_day_fen = db_col_int(st, 2);
		out->visit_fen = db_col_int(st, 3);
		out->late_visit_fen = db_col_int(st, 4);
		out->event_fen = db_col_int(st, 5);
		out->max_fen = db_col_int(st, 6);
		out->updated_at = db_col_int(st, 7);
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取津贴规则");
}

enum result grid_allowance_rule_get(struct ctx *c, int64_t county_id, struct grid_allowance_rule *out)
{
	struct org_unit u;
	int rc = find_county(c, county_id, &u);
	if (rc)
		return rc;
	return load_rule(c, u.id, out);
}

static void check_amount(struct ctx *c, const char *field, const char *label, int64_t v, int64_t max)
{
	if (v < 0 || v > max)
		ctx_field(c, field, "%s应在 0 到 %lld 元之间", label, (long long)(max / 100));
}

enum result grid_allowance_rule_put(struct ctx *c, int64_t county_id, const struct grid_allowance_rule *in)
{
	struct org_unit u;
	int rc = find_county(c, county_id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_ORG_WRITE, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权修改%s的津贴规则", u.name);
	check_amount(c, "base_fen", "基本津贴", in->base_fen, GRID_FEN_MAX);
	check_amount(c, "patrol_day_fen", "每个巡查达标日的金额", in->patrol_day_fen, GRID_FEN_MAX / 100);
	check_amount(c, "missed_day_fen", "每个未达标工作日的扣减", in->missed_day_fen, GRID_FEN_MAX / 100);
	check_amount(c, "visit_fen", "每次按时走访的金额", in->visit_fen, GRID_FEN_MAX / 100);
	check_amount(c, "late_visit_fen", "每次逾期走访的扣减", in->late_visit_fen, GRID_FEN_MAX / 100);
	check_amount(c, "event_fen", "每件受理事件的金额", in->event_fen, GRID_FEN_MAX / 100);
	check_amount(c, "max_fen", "月度上限", in->max_fen, GRID_FEN_MAX);
	if (in->max_fen > 0 && in->max_fen >= 0 && in->base_fen >= 0 && in->max_fen < in->base_fen)
		ctx_field(c, "max_fen", "月度上限不能低于基本津贴（不设上限填 0）");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct grid_allowance_rule old;
	if ((rc = load_rule(c, u.id, &old)))
		return rc;
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_begin(&after);
	const struct grid_allowance_rule *rs[2] = {&old, in};
	struct buf *bs[2] = {&before, &after};
	for (int k = 0; k < 2; k++) {
		if (k == 0 && !old.set)
			continue;
		audit_snap_int(bs[k], "base_fen", rs[k]->base_fen);
		audit_snap_int(bs[k], "patrol_day_fen", rs[k]->patrol_day_fen);
		audit_snap_int(bs[k], "missed_day_fen", rs[k]->missed_day_fen);
		audit_snap_int(bs[k], "visit_fen", rs[k]->visit_fen);
		audit_snap_int(bs[k], "late_visit_fen", rs[k]->late_visit_fen);
		audit_snap_int(bs[k], "event_fen", rs[k]->event_fen);
		audit_snap_int(bs[k], "max_fen", rs[k]->max_fen);
	}
	audit_snap_end(&before);
	audit_snap_end(&after);
	if ((rc = ctx_begin(c)) == RC_OK) {
		int dbrc = db_run(c->db, "DELETE FROM allowance_rules WHERE county_id = ?", "i", u.id);
		if (dbrc == DB_OK)
			dbrc = db_run(c->db, "INSERT INTO allowance_rules (county_id, base_fen, patrol_day_fen, missed_day_fen, "
					     "visit_fen, late_visit_fen, event_fen, max_fen, updated_by, updated_at) "
					     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
				      "iiiiiiiiii", u.id, in->base_fen, in->patrol_day_fen, in->missed_day_fen, in->visit_fen,
				      in->late_visit_fen, in->event_fen, in->max_fen, ctx_actor_id(c), c->now);
		rc = dbrc == DB_OK ? audit_record(c, u.id, "allowance_rule", u.id, old.set ? "update" : "create",
						  before.ptr, after.ptr)
				   : ctx_db_fail(c, dbrc, "保存津贴规则");
		rc = ctx_end(c, rc);
	}
	buf_release(&before);
	buf_release(&after);
	return rc;
}

/* ---- computing a month ---- */

/* "YYYY-MM" into the days (since the epoch) of its first and last day. */
static bool parse_month(const char *s, int64_t *first, int64_t *last)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < 2000 || y > 2100 || m < 1 || m > 12)
		return false;
	*first = time_days_from_civil(y, m, 1);
	*last = (m == 12 ? time_days_from_civil(y + 1, 1, 1) : time_days_from_civil(y, m + 1, 1)) - 1;
	return true;
}

static void day_text(int64_t day, char out[11])
{
	time_format_date(time_cn_midnight(day) + 43200, out);
}

/* Reading allowances: those who compute and approve them, and the read-only roles. */
#define ALLOWANCE_READ (P_GRID_ALLOWANCE | P_GRID_ALLOWANCE_READ)

/* A town the actor may compute (town_only, P_GRID_ALLOWANCE) or read allowances of
 * (field errors name unit_id). */
static enum result allowance_unit(struct ctx *c, int64_t unit_id, struct org_unit *u, bool town_only)
{
	perm_t need = town_only ? P_GRID_ALLOWANCE : ALLOWANCE_READ;
	int rc = unit_id ? org_find(c, unit_id, u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (rc == RC_OK && !access_touches(c, u->path))) {
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
	}
	if (rc)
		return rc;
	if (!access_can(c, need, u->path))
		return ctx_fail(c, access_refusal(c, u->path), town_only ? "无权计算%s的网格员津贴" : "无权查看%s的网格员津贴",
				u->name);
	if (town_only && strcmp(u->kind, "town"))
		return ctx_field(c, "unit_id", "请选择一个乡镇");
	if (!town_only && strcmp(u->kind, "town") && strcmp(u->kind, "county"))
		return ctx_field(c, "unit_id", "请选择乡镇或区县");
	return RC_OK;
}

struct counts {
	int64_t user_id;
	const char *name, *unit_name;
	int compliant, missed, on_time, late, events;
};

static enum result count_visits(struct ctx *c, const char *like, int64_t county, int64_t t0, int64_t t1,
				struct counts *w)
{
	struct db_stmt *st = db_query(
		c->db,
		"SELECT v.visited_at, COALESCE((SELECT max(p.visited_at) FROM visits p WHERE p.household_id = v.household_id "
		"AND p.visited_at < v.visited_at), 0), COALESCE((SELECT min(r.days) FROM household_tags ht "
		"JOIN tags t ON t.id = ht.tag_id AND t.active = 1 JOIN visit_rules r ON r.tag_id = ht.tag_id AND "
		"r.county_id = ? WHERE ht.household_id = v.household_id), 0) "
		"FROM visits v JOIN org_units vu ON vu.id = v.village_id "
		"WHERE v.user_id = ? AND v.visited_at >= ? AND v.visited_at < ? AND vu.path LIKE ?",
		"iiiit", county, w->user_id, t0, t1, like);
	int rc;
	while (st && (rc = db_step(st)) == DB_ROW) {
		int64_t at = db_col_int(st, 0), prev = db_col_int(st, 1), days = db_col_int(st, 2);
		/* on time: the first visit, a household without a frequency, or within it
		 * (counted in calendar days: the day it was due is still on time) */
		if (!prev || !days || time_cn_days(at) - time_cn_days(prev) <= days)
			w->on_time++;
		else
			w->late++;
	}
	db_finalize(st);
	if (!st || rc != DB_DONE)
		return ctx_db_fail(c, DB_ERROR, "读取走访");
	int64_t ev = 0;
	if (db_get_int(c->db, &ev, "SELECT count(*) FROM events e JOIN org_units vu ON vu.id = e.village_id "
				   "WHERE (e.reporter_id = ? OR e.created_by = ?) AND e.created_at >= ? AND e.created_at < ? "
				   "AND e.state NOT IN ('pending', 'rejected') AND vu.path LIKE ?",
		       "iiiit", w->user_id, w->user_id, t0, t1, like) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取事件");
	w->events = (int)ev;
	return RC_OK;
}

enum result grid_allowance_compute(struct ctx *c, int64_t town_id, const char *month, int *n)
{
	*n = 0;
	struct org_unit u;
	int rc = allowance_unit(c, town_id, &u, true);
	if (rc)
		return rc;
	int64_t first, last, today = time_cn_days(c->now);
	if (!parse_month(month, &first, &last))
		return ctx_field(c, "month", "月份应为 YYYY-MM");
	if (first > today)
		return ctx_field(c, "month", "不能计算还没开始的月份");
	int64_t county = gr_path_root(u.path);
	struct grid_allowance_rule rule;
	if ((rc = load_rule(c, county, &rule)))
		return rc;
	if (!rule.set)
		return ctx_fail(c, RC_CONFLICT, "区县尚未设置网格员津贴规则");
	int64_t approved = 0;
	if (db_get_int(c->db, &approved, "SELECT count(*) FROM allowances WHERE town_id = ? AND month = ? AND "
					 "status = 'approved'", "it", u.id, month) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取津贴");
	if (approved)
		return ctx_fail(c, RC_CONFLICT, "%s %s 的津贴已有审核通过的，不能重新计算", u.name, month);
	/* the days counted: the month up to yesterday */
	int64_t end = last < today ? last : today - 1;
	int days = end >= first ? (int)(end - first + 1) : 0;
	const char *like = arena_printf(c->arena, "%s%%", u.path);
	struct counts *ws = NULL;
	int nw = 0;
	if (days > 0) {
		char from[11], to[11];
		day_text(first, from);
		day_text(end, to);
		struct grid_compliance *rows;
		int nrows;
		struct grid_settings s;
		if ((rc = grid_compliance(c, u.id, from, to, &rows, &nrows, &s)))
			return rc;
		bool working[31];
		for (int d = 0; d < days; d++)
			if ((rc = calendar_is_working(c, first + d, &working[d])))
				return rc;
		ws = arena_alloc(c->arena, sizeof(*ws) * (size_t)(nrows ? nrows : 1));
		if (!ws)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		for (int i = 0; i < nrows; i++) {
			int64_t d;
			if (time_parse_date(rows[i].day, &d) || d < first || d > end)
				continue;
			int k = 0;
			while (k < nw && ws[k].user_id != rows[i].user_id)
				k++;
			if (k == nw)
				ws[nw++] = (struct counts){.user_id = rows[i].user_id, .name = rows[i].user_name,
							   .unit_name = rows[i].unit_name};
			if (rows[i].compliant)
				ws[k].compliant++;
			else if (working[d - first])
				ws[k].missed++;
		}
	}
	int64_t t0 = time_cn_midnight(first), t1 = time_cn_midnight(end + 1);
	for (int i = 0; i < nw; i++)
		if ((rc = count_visits(c, like, county, t0, t1, &ws[i])))
			return rc;
	int64_t sum = 0;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db, "DELETE FROM allowances WHERE town_id = ? AND month = ?", "it", u.id, month);
	for (int i = 0; dbrc == DB_OK && i < nw; i++) {
		struct grid_allowance a = {.compliant_days = ws[i].compliant, .missed_days = ws[i].missed,
					   .visits_on_time = ws[i].on_time, .visits_late = ws[i].late,
					   .events = ws[i].events, .rule = rule};
		grid_allowance_sum(&a);
		sum += a.total_fen;
		struct db_args q = {0};
		db_args_int(&q, u.id);
		db_args_int(&q, ws[i].user_id);
		db_args_text(&q, month);
		db_args_text(&q, ws[i].unit_name);
		db_args_int(&q, days);
		db_args_int(&q, ws[i].compliant);
		db_args_int(&q, ws[i].missed);
		db_args_int(&q, ws[i].on_time);
		db_args_int(&q, ws[i].late);
		db_args_int(&q, ws[i].events);
		db_args_int(&q, rule.base_fen);
		db_args_int(&q, rule.patrol_day_fen);
		db_args_int(&q, rule.missed_day_fen);
		db_args_int(&q, rule.visit_fen);
		db_args_int(&q, rule.late_visit_fen);
		db_args_int(&q, rule.event_fen);
		db_args_int(&q, rule.max_fen);
		db_args_int(&q, a.total_fen);
		if (c->actor)
			db_args_int(&q, c->actor->user_id);
		else
			db_args_null(&q);
		db_args_int(&q, c->now);
		dbrc = db_run_args(c->db, "INSERT INTO allowances (town_id, user_id, month, unit_name, days_counted, "
					  "compliant_days, missed_days, visits_on_time, visits_late, events, base_fen, "
					  "patrol_day_fen, missed_day_fen, visit_fen, late_visit_fen, event_fen, max_fen, "
					  "total_fen, status, computed_by, computed_at) "
					  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'computed', ?, ?)",
				   &q);
	}
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存津贴"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "month", month);
	audit_snap_int(&after, "workers", nw);
	audit_snap_int(&after, "days", days);
	audit_snap_int(&after, "total_fen", sum);
	audit_snap_end(&after);
	rc = audit_record(c, u.id, "allowance", u.id, "compute", "{}", after.ptr);
	buf_release(&after);
	*n = nw;
	return ctx_end(c, rc);
}

/* ---- reading, approving ---- */

enum result grid_allowances(struct ctx *c, int64_t unit_id, const char *month, struct grid_allowance **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct org_unit u;
	int rc = allowance_unit(c, unit_id, &u, false);
	if (rc)
		return rc;
	int64_t a0, a1;
	if (month && month[0] && !parse_month(month, &a0, &a1))
		return ctx_field(c, "month", "月份应为 YYYY-MM");
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT " ALLOWANCE_COLS "WHERE tu.path LIKE ? AND ");
	db_args_text(&a, arena_printf(c->arena, "%s%%", u.path));
	if (month && month[0]) {
		buf_adds(&sql, "a.month = ? AND ");
		db_args_text(&a, month);
	}
	scope_where(c, ALLOWANCE_READ, SCOPE_UNIT("tu"), &sql, &a);
	buf_adds(&sql, " ORDER BY a.month DESC, tu.name, us.name, a.id LIMIT 5000");
	struct db_stmt *st = sql.failed ? NULL : db_query_args(c->db, sql.ptr, &a);
	buf_release(&sql);
	return read_allowances(c, st, out, n);
}

static enum result load_allowance(struct ctx *c, int64_t id, struct grid_allowance *out, struct org_unit *town)
{
	struct db_stmt *st = db_query(c->db, "SELECT " ALLOWANCE_COLS "WHERE a.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取津贴");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_allowance(c, st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "津贴记录不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取津贴");
	return org_get(c, out->town_id, town);
}

enum result grid_allowance_get(struct ctx *c, int64_t id, struct grid_allowance *out)
{
	struct org_unit town;
	int rc = load_allowance(c, id, out, &town);
	if (rc)
		return rc;
	if (c->actor && c->actor->user_id == out->user_id)
		return RC_OK;
	if (access_can(c, ALLOWANCE_READ, town.path))
		return RC_OK;
	ctx_clear(c);
	enum result refusal = access_refusal(c, town.path);
	return ctx_fail(c, refusal, refusal == RC_NOT_FOUND ? "津贴记录不存在" : "无权查看这条津贴记录");
}

enum result grid_allowance_approve(struct ctx *c, int64_t id)
{
	struct grid_allowance a;
	struct org_unit town;
	int rc = load_allowance(c, id, &a, &town);
	if (rc)
		return rc;
	if (!access_can(c, P_GRID_ALLOWANCE, town.path)) {
		enum result refusal = access_refusal(c, town.path);
		return ctx_fail(c, refusal, refusal == RC_NOT_FOUND ? "津贴记录不存在" : "无权审核网格员津贴");
	}
	if (!strcmp(a.status, "approved"))
		return ctx_fail(c, RC_CONFLICT, "这条津贴已审核通过");
	int64_t first, last;
	if (!parse_month(a.month, &first, &last))
		return ctx_fail(c, RC_INTERNAL, "月份有误");
	if (last >= time_cn_days(c->now))
		return ctx_fail(c, RC_CONFLICT, "%s 还没有结束，月底后重新计算再审核", a.month);
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db, "UPDATE allowances SET status = 'approved', approved_by = NULLIF(CAST(? AS BIGINT), 0), "
				 "approved_at = ? WHERE id = ? AND status = 'computed'",
			  "iii", ctx_actor_id(c), c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "审核津贴"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "status", "computed");
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_str(&after, "status", "approved");
	audit_snap_int(&after, "user_id", a.user_id);
	audit_snap_str(&after, "month", a.month);
	audit_snap_int(&after, "total_fen", a.total_fen);
	audit_snap_end(&after);
	rc = audit_record(c, town.id, "allowance", id, "approve", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result grid_allowances_mine(struct ctx *c, struct grid_allowance **out, int *n)
{
	struct db_stmt *st = db_query(c->db, "SELECT " ALLOWANCE_COLS "WHERE a.user_id = ? ORDER BY a.month DESC, a.id LIMIT 36",
				      "i", ctx_actor_id(c));
	return read_allowances(c, st, out, n);
}

/* ---- the file for payment ---- */

enum result grid_allowance_xlsx(struct ctx *c, int64_t unit_id, const char *month, struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	int64_t a0, a1;
	if (!month || !parse_month(month, &a0, &a1))
		return ctx_field(c, "month", "月份应为 YYYY-MM");
	struct org_unit u;
	int rc = allowance_unit(c, unit_id, &u, false);
	struct grid_allowance *rows;
	int n;
	if (rc || (rc = grid_allowances(c, unit_id, month, &rows, &n)))
		return rc;
	int k = 0;
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].status, "approved"))
			rows[k++] = rows[i];
	if (!k)
		return ctx_fail(c, RC_CONFLICT, "%s %s 没有审核通过的津贴", u.name, month);
	struct xlsx x;
	if ((rc = xlsx_open(c, &x, false)))
		return rc;
	lxw_format *money = workbook_add_format(x.wb);
	format_set_num_format(money, "0.00");
	lxw_worksheet *ws = workbook_add_worksheet(x.wb, "津贴发放");
	static const char *const cols[] = {"序号", "乡镇", "姓名", "网格", "月份", "巡查达标天数", "未达标工作日",
					   "按时走访", "逾期走访", "受理事件", "基本（元）", "巡查（元）", "扣减（元）",
					   "走访（元）", "事件（元）", "应发（元）", "审核人", "审核时间", NULL};
	static const double widths[] = {6, 12, 10, 14, 9, 12, 12, 9, 9, 9, 10, 10, 10, 10, 10, 10, 10, 17};
	xlsx_header_row(&x, ws, cols, widths);
	int64_t sum = 0;
	for (int i = 0; i < k; i++) {
		const struct grid_allowance *a = &rows[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		char at[17];
		export_minute(a->approved_at, at);
		worksheet_write_number(ws, row, 0, i + 1, x.num);
		worksheet_write_string(ws, row, 1, a->town_name, NULL);
		worksheet_write_string(ws, row, 2, a->user_name, NULL);
		worksheet_write_string(ws, row, 3, a->unit_name, NULL);
		worksheet_write_string(ws, row, 4, a->month, x.text);
		worksheet_write_number(ws, row, 5, a->compliant_days, x.num);
		worksheet_write_number(ws, row, 6, a->missed_days, x.num);
		worksheet_write_number(ws, row, 7, a->visits_on_time, x.num);
		worksheet_write_number(ws, row, 8, a->visits_late, x.num);
		worksheet_write_number(ws, row, 9, a->events, x.num);
		worksheet_write_number(ws, row, 10, (double)a->rule.base_fen / 100.0, money);
		worksheet_write_number(ws, row, 11, (double)a->patrol_total / 100.0, money);
		worksheet_write_number(ws, row, 12, (double)(a->missed_total + a->late_total) / 100.0, money);
		worksheet_write_number(ws, row, 13, (double)a->visit_total / 100.0, money);
		worksheet_write_number(ws, row, 14, (double)a->event_total / 100.0, money);
		worksheet_write_number(ws, row, 15, (double)a->total_fen / 100.0, money);
		worksheet_write_string(ws, row, 16, a->approved_by, NULL);
		worksheet_write_string(ws, row, 17, at, x.text);
		sum += a->total_fen;
	}
	worksheet_write_string(ws, (lxw_row_t)(k + 1), 1, "合计", NULL);
	worksheet_write_number(ws, (lxw_row_t)(k + 1), 15, (double)sum / 100.0, money);
	char total[32], count[16];
	snprintf(total, sizeof(total), "%lld.%02lld 元", (long long)(sum / 100), (long long)(sum % 100));
	snprintf(count, sizeof(count), "%d 人", k);
	const char *const info[][2] = {{"单位", u.name}, {"月份", month}, {"人数", count}, {"应发合计", total},
				       {"说明", "只含审核通过的月份；扣减为未达标工作日与逾期走访的合计"}};
	xlsx_info_sheet(&x, info, ARRAY_SIZE(info));
	if ((rc = xlsx_finish(c, &x, out)))
		return rc;
	snprintf(out->name, sizeof(out->name), "%s网格员津贴_%s.xlsx", u.name, month);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "grid-allowance-%lld-%s.xlsx", (long long)u.id, month);
	return RC_OK;
}
