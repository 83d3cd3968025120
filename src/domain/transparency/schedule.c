/* The legal rhythm of 三务公开: periods, due days, and the board of villages late to
 * publish, with the questions waiting for an answer. */
#include "domain/kernel/access.h"
#include "domain/transparency/internal.h"
#include "util/num.h"
#include "util/timeutil.h"

/* ---- periods ---- */

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int64_t month_first(int y, int m)
{
	return time_days_from_civil(y, m, 1);
}

/* The last day of month m of year y. */
static int64_t month_last(int y, int m)
{
	return m == 12 ? time_days_from_civil(y + 1, 1, 1) - 1 : time_days_from_civil(y, m + 1, 1) - 1;
}

int transparency_parse_period(const char *s, struct disc_period *out)
{
	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	size_t n = strlen(s);
	int64_t y, m;
	if (n < 7 || !digits(s, 4) || s[4] != '-' || num_parse_i64n(s, 4, 2000, 2100, &y))
		return -1;
	if (n == 7 && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
		int q = s[6] - '0';
		out->type = DISC_QUARTER;
		out->first = month_first((int)y, 3 * q - 2);
		out->last = month_last((int)y, 3 * q);
	} else if (n == 7 && digits(s + 5, 2) && (m = (s[5] - '0') * 10 + (s[6] - '0')) >= 1 && m <= 12) {
		out->type = DISC_MONTH;
		out->first = month_first((int)y, (int)m);
		out->last = month_last((int)y, (int)m);
	} else if (n == 10 && !time_parse_date(s, &out->first)) {
		out->type = DISC_DATE;
		out->last = out->first;
	} else {
		return -1;
	}
	str_copy(out->text, sizeof(out->text), s);
	return 0;
}

int64_t transparency_due(const struct disc_period *p, int major_days)
{
	if (p->type == DISC_DATE)
		return p->first + major_days;
	int y, m, d;
	time_civil_from_days(p->last + 1, &y, &m, &d);   /* the first day of the following month */
	return time_days_from_civil(y, m, DISC_DUE_DAY);
}

void transparency_quarter_of(int64_t day, struct disc_period *out)
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	char s[11];
	snprintf(s, sizeof(s), "%04d-Q%d", y, (m - 1) / 3 + 1);
	transparency_parse_period(s, out);
}

void transparency_month_of(int64_t day, struct disc_period *out)
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	char s[11];
	snprintf(s, sizeof(s), "%04d-%02d", y, m);
	transparency_parse_period(s, out);
}

void transparency_prev(const struct disc_period *p, struct disc_period *out)
{
	if (p->type == DISC_QUARTER)
		transparency_quarter_of(p->first - 1, out);
	else
		transparency_month_of(p->first - 1, out);
}

/* ---- the board ---- */

/* The first published, not withdrawn item of a village for (kind, period). */
static int first_published(struct ctx *c, int64_t village, const char *kind, const char *period, int64_t *id,
			   int64_t *at)
{
	*id = 0;
	*at = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, published_at FROM disclosures WHERE village_id = ? AND kind = ? "
					     "AND period = ? AND withdrawn_at IS NULL ORDER BY published_at, id LIMIT 1",
				      "itt", village, kind, period);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取公开事项");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*at = db_col_int(st, 1);
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取公开事项");
}

static void judge(struct disc_slot *s, int64_t today)
{
	if (s->disclosure_id) {
		int64_t day = time_cn_days(s->published_at);
		s->late_days = day > s->due_day ? (int)(day - s->due_day) : 0;
		s->state = s->late_days ? "late" : "on_time";
	} else if (today > s->due_day) {
		s->late_days = (int)(today - s->due_day);
		s->state = "missing";
	} else {
		s->state = "pending";
	}
}

#define SLOTS_MAX 64

/* The regular slots of a kind: periods of that type due within the window. */
static int regular_slots(struct ctx *c, int64_t village, const char *kind, int type, int64_t from, int64_t to,
			 int64_t today, struct disc_slot *slots, int *n)
{
	struct disc_period p;
	if (type == DISC_QUARTER)
		transparency_quarter_of(to, &p);
	else
		transparency_month_of(to, &p);
	/* walk back from the period containing the window's end */
	for (int guard = 0; guard < 40 && *n < SLOTS_MAX; guard++) {
		int64_t due = transparency_due(&p, 0);
		if (due < from)
			break;
		if (due <= to && p.first <= today) {
			struct disc_slot *s = &slots[(*n)++];
			memset(s, 0, sizeof(*s));
			str_copy(s->kind, sizeof(s->kind), kind);
			str_copy(s->period, sizeof(s->period), p.text);
			s->due_day = due;
			int rc = first_published(c, village, kind, p.text, &s->disclosure_id, &s->published_at);
			if (rc)
				return rc;
			judge(s, today);
		}
		struct disc_period q;
		transparency_prev(&p, &q);
		p = q;
	}
	return RC_OK;
}

/* Major matters published in the window: late when published after their due day. */
static int major_slots(struct ctx *c, int64_t village, int major_days, int64_t from, int64_t today,
		       struct disc_slot *slots, int *n)
{
	struct db_stmt *st = db_query(c->db, "SELECT kind, period, min(published_at), min(id) FROM disclosures "
					     "WHERE village_id = ? AND major = 1 AND withdrawn_at IS NULL "
					     "GROUP BY kind, period ORDER BY period", "i", village);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取重大事项");
	int rc;
	while (*n < SLOTS_MAX && (rc = db_step(st)) == DB_ROW) {
		struct disc_period p;
		if (transparency_parse_period(db_col_text(st, 1), &p))
			continue;
		int64_t due = transparency_due(&p, major_days);
		if (due < from)
			continue;
		struct disc_slot *s = &slots[(*n)++];
		memset(s, 0, sizeof(*s));
		str_copy(s->kind, sizeof(s->kind), db_col_text(st, 0));
		str_copy(s->period, sizeof(s->period), p.text);
		s->major = true;
		s->due_day = due;
		s->published_at = db_col_int(st, 2);
		s->disclosure_id = db_col_int(st, 3);
		judge(s, today);
	}
	db_finalize(st);
	return RC_OK;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct disc_slot *x = a, *y = b;
	if (x->due_day != y->due_day)
		return x->due_day < y->due_day ? -1 : 1;
	return strcmp(x->kind, y->kind);
}

static int village_board(struct ctx *c, const struct disc_settings *set, int64_t today, struct disc_village_board *v)
{
	int64_t starts;
	if (time_parse_date(set->starts_on, &starts))
		starts = 0;
	int64_t from = today - DISC_BOARD_DAYS > starts ? today - DISC_BOARD_DAYS : starts;
	int64_t to = today + DISC_BOARD_AHEAD;
	v->busy = false;
	for (int i = 0; i < set->nbusy; i++)
		if (set->busy[i] == v->village_id)
			v->busy = true;
	v->slots = arena_alloc(c->arena, sizeof(*v->slots) * SLOTS_MAX);
	if (!v->slots)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	v->nslots = 0;
	int rc = regular_slots(c, v->village_id, "party", DISC_QUARTER, from, to, today, v->slots, &v->nslots);
	if (!rc)
		rc = regular_slots(c, v->village_id, "village", DISC_QUARTER, from, to, today, v->slots, &v->nslots);
	if (!rc)
		rc = regular_slots(c, v->village_id, "finance", v->busy ? DISC_MONTH : DISC_QUARTER, from, to, today,
				   v->slots, &v->nslots);
	if (!rc)
		rc = major_slots(c, v->village_id, set->major_days, from, today, v->slots, &v->nslots);
	if (rc)
		return rc;
	qsort(v->slots, (size_t)v->nslots, sizeof(*v->slots), slot_cmp);
	for (int i = 0; i < v->nslots; i++) {
		const struct disc_slot *s = &v->slots[i];
		if (!strcmp(s->state, "late"))
			v->late++;
		if (!strcmp(s->state, "missing"))
			v->missing++;
		if (s->late_days > v->max_late_days)
			v->max_late_days = s->late_days;
	}
	int64_t oldest = 0;
	struct db_stmt *st = db_query(c->db, "SELECT count(*), COALESCE(min(asked_at), 0) FROM disclosure_questions "
					     "WHERE village_id = ? AND answered_at IS NULL", "i", v->village_id);
	if (st && db_step(st) == DB_ROW) {
		v->open_questions = (int)db_col_int(st, 0);
		oldest = db_col_int(st, 1);
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取提问");
	v->oldest_question_days = oldest ? (int)(today - time_cn_days(oldest)) : 0;
	return RC_OK;
}

#define BOARD_VILLAGES_MAX 500
#define BOARD_OPEN_MAX 50

enum result transparency_board(struct ctx *c, int64_t unit_id, struct disc_board *out)
{
	memset(out, 0, sizeof(*out));
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int rc = tr_read_unit(c, unit_id, "unit", &out->unit);
	if (rc)
		return rc;
	if (!access_can(c, P_DISCLOSE_READ, out->unit.path))
		return access_refusal(c, out->unit.path) == RC_NOT_FOUND
			       ? ctx_fail(c, RC_NOT_FOUND, "单位不存在")
			       : ctx_fail(c, RC_FORBIDDEN, "无权查看%s的公开进度", out->unit.name);
	struct disc_settings set;
	if ((rc = tr_settings_of(c, out->unit.path, &set)))
		return rc;
	out->today = time_cn_days(c->now);
	out->major_days = set.major_days;
	str_copy(out->starts_on, sizeof(out->starts_on), set.starts_on);
	char *like = arena_printf(c->arena, "%s%%", out->unit.path);
	struct db_stmt *st = like ? db_query(c->db, "SELECT id, name FROM org_units WHERE kind = 'village' AND path LIKE ? "
						   "ORDER BY path", "t", like)
				  : NULL;
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取村");
	out->villages = arena_alloc(c->arena, sizeof(*out->villages) * BOARD_VILLAGES_MAX);
	while (out->villages && out->nvillages < BOARD_VILLAGES_MAX && db_step(st) == DB_ROW) {
		struct disc_village_board *v = &out->villages[out->nvillages++];
		memset(v, 0, sizeof(*v));
		v->village_id = db_col_int(st, 0);
		str_copy(v->village_name, sizeof(v->village_name), db_col_text(st, 1));
	}
	db_finalize(st);
	if (!out->villages)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < out->nvillages; i++)
		if ((rc = village_board(c, &set, out->today, &out->villages[i])))
			return rc;
	int64_t total;
	return transparency_questions(c, unit_id, "open", BOARD_OPEN_MAX, 0, &out->open, &out->nopen, &total);
}
