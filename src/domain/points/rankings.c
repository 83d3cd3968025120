/* Rankings and 红黑榜 (see rankings.h): the live ranking computed from the ledger, the
 * published snapshot (JSON text in rankings.data, written here, read back with jansson)
 * and the printable poster. */
#include <jansson.h>

#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/points/ledger.h"
#include "domain/points/publicity.h"
#include "domain/points/rankings.h"
#include "domain/register/register.h"
#include "util/num.h"
#include "util/qr.h"
#include "util/timeutil.h"
#include "util/utf8.h"

/* The sources that count towards a ranking are points earned and lost, and corrections
 * of them (a correction of a redemption changes no honour): claim, award, deduction,
 * activity, correction. ledger_append (ledger.c) adds their honour to the household's
 * stored totals per month, quarter and year, which the live ranking reads. */

#define SNAPSHOT_MAX (8u << 20)   /* the JSON of one published ranking */
#define ROWS_MAX 100000           /* households in one unit */

static const char *const quarter_names[] = {"第一季度", "第二季度", "第三季度", "第四季度"};

/* ---------------------------------------------------------------- periods */

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int rankings_parse_period(const char *text, struct ranking_period *out)
{
	memset(out, 0, sizeof(*out));
	if (!text)
		return -1;
	size_t len = strlen(text);
	if (len != 4 && len != 7)
		return -1;
	int y = digits(text, 4);
	if (y < 2000 || y > 2199)
		return -1;
	int m0, m1;   /* first month, and the first month after (may be 13) */
	if (len == 4) {
		m0 = 1;
		m1 = 13;
		snprintf(out->label, sizeof(out->label), "%d年度", y);
	} else if (text[4] != '-') {
		return -1;
	} else if (text[5] == 'Q') {
		int q = digits(text + 6, 1);
		if (q < 1 || q > 4)
			return -1;
		m0 = 3 * (q - 1) + 1;
		m1 = m0 + 3;
		snprintf(out->label, sizeof(out->label), "%d年%s", y, quarter_names[q - 1]);
	} else {
		m0 = digits(text + 5, 2);
		if (m0 < 1 || m0 > 12)
			return -1;
		m1 = m0 + 1;
		snprintf(out->label, sizeof(out->label), "%d年%d月", y, m0);
	}
	str_copy(out->text, sizeof(out->text), text);
	out->start = time_cn_midnight(time_days_from_civil(y, m0, 1));
	out->end = m1 > 12 ? time_cn_midnight(time_days_from_civil(y + 1, 1, 1))
			   : time_cn_midnight(time_days_from_civil(y, m1, 1));
	return 0;
}

enum result rankings_check_period(struct ctx *c, const char *text, struct ranking_period *out)
{
	if (!text || !text[0])
		return ctx_field(c, "period", "必填：月份 2026-11、季度 2026-Q4 或年度 2026");
	if (rankings_parse_period(text, out))
		return ctx_field(c, "period", "期间格式应为月份 2026-11、季度 2026-Q4 或年度 2026");
	return RC_OK;
}

/* ---------------------------------------------------------------- units and scope */

/* Checks the unit and period a ranking is asked for (every field error at once), then
 * loads the unit (a village, group, grid or town) and its village (for a town: the town
 * again). Field errors name unit_id and period. */
static int load_request(struct ctx *c, int64_t unit_id, const char *period, struct ranking_period *p,
			struct org_unit *unit, struct org_unit *village)
{
	if (unit_id <= 0)
		ctx_field(c, "unit_id", "必填：乡镇、村或村民小组的编号");
	rankings_check_period(c, period, p);
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = org_find(c, unit_id, unit);
	if (rc == RC_NOT_FOUND)
		return ctx_field(c, "unit_id", "单位不存在");
	if (rc)
		return rc;
	if (!strcmp(unit->kind, "village") || !strcmp(unit->kind, "town")) {
		*village = *unit;
		return RC_OK;
	}
	if (!org_in_village(unit))
		return ctx_field(c, "unit_id", "排行榜按乡镇、村、村民小组或网格统计，请选择乡镇、村、村民小组或网格");
	return org_get(c, unit->parent_id, village);
}

/* Who may read a live ranking: a village's (or its group's, grid's) anyone whose scope
 * touches the village; a town's those whose grants cover the town (rankings.h). */
static int check_reader(struct ctx *c, const struct org_unit *village)
{
	if (!strcmp(village->kind, "town")) {
		if (!access_can(c, P_REGISTER_READ, village->path))
			return ctx_fail(c, access_refusal(c, village->path), "无权查看%s的全镇排行榜：需要本乡镇或上级的权限",
					village->name);
		return RC_OK;
	}
	if (!access_touches(c, village->path))
		return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的排行榜", village->name);
	return RC_OK;
}

/* ---------------------------------------------------------------- computing */

/* Compares household numbers naturally: runs of digits by value ("2" < "10"). */
static int number_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			const char *ea = a, *eb = b;
			while (*a == '0' && a[1] >= '0' && a[1] <= '9')
				a++;
			while (*b == '0' && b[1] >= '0' && b[1] <= '9')
				b++;
			for (ea = a; *ea >= '0' && *ea <= '9'; ea++)
				;
			for (eb = b; *eb >= '0' && *eb <= '9'; eb++)
				;
			if (ea - a != eb - b)
				return ea - a < eb - b ? -1 : 1;
			int d = strncmp(a, b, (size_t)(ea - a));
			if (d)
				return d;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int row_cmp(const void *pa, const void *pb)
{
	const struct ranking_row *a = pa, *b = pb;
	if (a->points != b->points)
		return a->points > b->points ? -1 : 1;
	int d = number_cmp(a->household_number, b->household_number);
	return d ? d : (a->household_id < b->household_id ? -1 : a->household_id > b->household_id);
}

static int black_cmp(const void *pa, const void *pb)
{
	const struct black_row *a = pa, *b = pb;
	if (a->points != b->points)
		return a->points < b->points ? -1 : 1;
	int d = number_cmp(a->household_number, b->household_number);
	return d ? d : (a->household_id < b->household_id ? -1 : a->household_id > b->household_id);
}

/* Grows an arena array to hold n + 1 items. */
static const char *masked(struct ctx *c, const char *name)
{
	char out[RANKING_MASKED_MAX * 2];
	if (!name[0])
		return "";
	utf8_mask_name(name, out, sizeof(out));
	return arena_strdup(c->arena, out);
}

/* Reads the columns both lists start with: the household's id, number and head's name
 * (masked); false when memory ran out. */
static bool read_household(struct ctx *c, struct db_stmt *st, int64_t *id, const char **number,
			   const char **name)
{
	*id = db_col_int(st, 0);
	*number = arena_strdup(c->arena, db_col_text(st, 1));
	*name = masked(c, db_col_text(st, 2));
	return *number && *name;
}

/* Ranks sorted rows (ties share a rank) and counts the red list. */
static void assign_ranks(struct ranking *r)
{
	qsort(r->rows, (size_t)r->nrows, sizeof(*r->rows), row_cmp);
	r->nred = 0;
	for (int i = 0; i < r->nrows; i++) {
		struct ranking_row *w = &r->rows[i];
		w->rank = i > 0 && r->rows[i - 1].points == w->points ? r->rows[i - 1].rank : i + 1;
		if (w->points > 0 && w->rank <= r->red_list_size)
			r->nred = i + 1;
	}
}

/* A town's villages (id and name), for naming each row's village. */
struct town_villages {
	int64_t *id;
	const char **name;
	int n;
};

#define TOWN_VILLAGES_MAX 1000

static int load_town_villages(struct ctx *c, int64_t town_id, struct town_villages *tv)
{
	memset(tv, 0, sizeof(*tv));
	struct db_stmt *st = db_query(c->db, "SELECT id, name FROM org_units WHERE parent_id = ? AND kind = 'village'",
				      "i", town_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取乡镇的村");
	int cap = 0, ncap = 0, dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		if (tv->n >= TOWN_VILLAGES_MAX ||
		    !(tv->id = arena_grow(c->arena, tv->id, &cap, tv->n, sizeof(*tv->id))) ||
		    !(tv->name = arena_grow(c->arena, tv->name, &ncap, tv->n, sizeof(*tv->name))) ||
		    !(tv->name[tv->n] = arena_strdup(c->arena, db_col_text(st, 1)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "读取乡镇的村：村数过多或内存不足");
		}
		tv->id[tv->n++] = db_col_int(st, 0);
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取乡镇的村");
}

static const char *village_name_of(const struct town_villages *tv, int64_t id)
{
	for (int i = 0; i < tv->n; i++)
		if (tv->id[i] == id)
			return tv->name[i];
	return "";
}

/* The two lists' queries, completed by the conditions that pick the households of a
 * village (group, grid) or of a town's villages: every household with its points in the
 * period (the stored total of the ranking's sources, kept by ledger_append with each
 * entry); the households with deductions in the period that were not reversed. */
#define TOWN_VILLAGES_SQL "(SELECT v.id FROM org_units v WHERE v.parent_id = ? AND v.kind = 'village')"
#define ROWS_SELECT "SELECT h.id, h.number, " PEOPLE_HEAD_NAME("h.id") ", COALESCE(t.honour, 0), h.village_id " \
	"FROM households h LEFT JOIN ledger_totals t ON t.household_id = h.id AND t.period = ? WHERE "
#define BLACK_SELECT "SELECT h.id, h.number, " PEOPLE_HEAD_NAME("h.id") ", count(*), SUM(l.honour), h.village_id " \
	"FROM ledger l JOIN households h ON h.id = l.household_id " \
	"WHERE l.at >= ? AND l.at < ? AND l.source = 'deduction' AND "
#define CORRECTED "x.source = 'correction' AND x.ref_id IS NOT NULL"
#define BLACK_GROUP " GROUP BY h.id, h.number, h.village_id"

static int compute(struct ctx *c, const struct org_unit *unit, const struct org_unit *village,
		   const struct ranking_period *p, struct ranking *out)
{
	memset(out, 0, sizeof(*out));
	bool town = !strcmp(unit->kind, "town");
	out->village_id = town ? 0 : village->id;
	out->unit_id = unit->id;
	out->village_name = town ? NULL : arena_strdup(c->arena, village->name);
	out->unit_name = arena_strdup(c->arena, unit->name);
	out->unit_kind = arena_strdup(c->arena, unit->kind);
	out->period = *p;
	out->computed_at = c->now;
	int64_t group = strcmp(unit->kind, "group") ? 0 : unit->id;
	int64_t grid = strcmp(unit->kind, "grid") ? 0 : unit->id;

	int rc;
	struct town_villages tv = {0};
	if (town) {
		out->red_list_size = TOWN_RED_LIST_SIZE;
		if ((rc = load_town_villages(c, unit->id, &tv)))
			return rc;
	} else {
		struct village_settings vs;
		if ((rc = publicity_settings_get(c, village->id, &vs)))
			return rc;
		out->red_list_size = vs.red_list_size > 0 ? vs.red_list_size : 10;
		if ((rc = ledger_head(c, village->id, &out->ledger_count, out->ledger_hash)))
			return rc;
		if (!out->village_name)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	if (!out->unit_name || !out->unit_kind)
		return ctx_fail(c, RC_INTERNAL, "内存不足");

	/* every household of the unit with its points in the period */
	struct db_stmt *st = town
		? db_query(c->db, ROWS_SELECT "h.village_id IN " TOWN_VILLAGES_SQL, "ti", p->text, unit->id)
		: db_query(c->db, ROWS_SELECT "h.village_id = ? AND (CAST(? AS BIGINT) = 0 OR h.group_id = ?) "
			   "AND (CAST(? AS BIGINT) = 0 OR h.grid_id = ?)",
			   "tiiiii", p->text, village->id, group, group, grid, grid);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计排行榜");
	int cap = 0, dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		if (out->nrows >= ROWS_MAX || !(out->rows = arena_grow(c->arena, out->rows, &cap, out->nrows, sizeof(*out->rows)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "统计排行榜：户数过多或内存不足");
		}
		struct ranking_row *w = &out->rows[out->nrows++];
		w->points = db_col_int(st, 3);
		if (town) {
			w->village_id = db_col_int(st, 4);
			w->village_name = village_name_of(&tv, w->village_id);
		}
		if (!read_household(c, st, &w->household_id, &w->household_number, &w->name)) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	db_finalize(st);
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "统计排行榜");
	assign_ranks(out);

	/* the black list: deductions in the period that were not reversed */
	st = town
		? db_query(c->db, BLACK_SELECT "l.village_id IN " TOWN_VILLAGES_SQL " AND l.id NOT IN (SELECT x.ref_id "
			   "FROM ledger x WHERE x.village_id IN " TOWN_VILLAGES_SQL " AND " CORRECTED ")" BLACK_GROUP,
			   "iiii", p->start, p->end, unit->id, unit->id)
		: db_query(c->db, BLACK_SELECT "l.village_id = ? AND (CAST(? AS BIGINT) = 0 OR h.group_id = ?) "
			   "AND (CAST(? AS BIGINT) = 0 OR h.grid_id = ?) AND l.id NOT IN (SELECT x.ref_id "
			   "FROM ledger x WHERE x.village_id = ? AND " CORRECTED ")" BLACK_GROUP,
			   "iiiiiiii", p->start, p->end, village->id, group, group, grid, grid, village->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计黑榜");
	cap = 0;
	while ((dbrc = db_step(st)) == DB_ROW) {
		if (out->nblack >= ROWS_MAX || !(out->black = arena_grow(c->arena, out->black, &cap, out->nblack, sizeof(*out->black)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "统计黑榜：内存不足");
		}
		struct black_row *b = &out->black[out->nblack++];
		b->deductions = db_col_int(st, 3);
		b->points = db_col_int(st, 4);
		if (town) {
			b->village_id = db_col_int(st, 5);
			b->village_name = village_name_of(&tv, b->village_id);
		}
		if (!read_household(c, st, &b->household_id, &b->household_number, &b->name)) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	db_finalize(st);
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "统计黑榜");
	if (out->nblack > 1)
		qsort(out->black, (size_t)out->nblack, sizeof(*out->black), black_cmp);
	return RC_OK;
}

/* The published snapshot of a unit and period, or 0 (and its publication time). */
static int published_id(struct ctx *c, int64_t unit_id, const char *period, int64_t *id, int64_t *at)
{
	*id = 0;
	*at = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, published_at FROM rankings WHERE unit_id = ? AND period = ?",
				      "it", unit_id, period);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取已发布的排行榜");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*at = db_col_int(st, 1);
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取已发布的排行榜");
}

enum result rankings_live(struct ctx *c, int64_t unit_id, const char *period, struct ranking *out)
{
	memset(out, 0, sizeof(*out));
	struct ranking_period p;
	struct org_unit unit, village;
	int rc = load_request(c, unit_id, period, &p, &unit, &village);
	if (rc || (rc = check_reader(c, &village)))
		return rc;
	if ((rc = compute(c, &unit, &village, &p, out)))
		return rc;
	if (!strcmp(unit.kind, "town"))
		return RC_OK;
	int64_t at;
	return published_id(c, unit_id, p.text, &out->published_id, &at);
}

enum result rankings_live_village(struct ctx *c, int64_t unit_id, const char *period, int64_t *village_id,
				  int64_t *town_id)
{
	struct ranking_period p;
	struct org_unit unit, village;
	*village_id = 0;
	*town_id = 0;
	int rc = load_request(c, unit_id, period, &p, &unit, &village);
	if (rc || (rc = check_reader(c, &village)))
		return rc;
	*(strcmp(village.kind, "town") ? village_id : town_id) = village.id;
	return RC_OK;
}

/* ---------------------------------------------------------------- the snapshot as JSON */

static void snapshot_json(const struct ranking *r, struct buf *b)
{
	buf_adds(b, "{\"v\":1,\"village_name\":");
	buf_add_json_string(b, r->village_name);
	buf_adds(b, ",\"unit_name\":");
	buf_add_json_string(b, r->unit_name);
	buf_adds(b, ",\"unit_kind\":");
	buf_add_json_string(b, r->unit_kind);
	buf_addf(b, ",\"red_list_size\":%d,\"nred\":%d,\"ledger_count\":%lld,\"ledger_hash\":", r->red_list_size,
		 r->nred, (long long)r->ledger_count);
	buf_add_json_string(b, r->ledger_hash);
	buf_adds(b, ",\"rows\":[");
	for (int i = 0; i < r->nrows; i++) {
		const struct ranking_row *w = &r->rows[i];
		buf_addf(b, "%s{\"rank\":%d,\"household_id\":%lld,\"number\":", i ? "," : "", w->rank,
			 (long long)w->household_id);
		buf_add_json_string(b, w->household_number);
		buf_adds(b, ",\"name\":");
		buf_add_json_string(b, w->name);
		buf_addf(b, ",\"points\":%lld}", (long long)w->points);
	}
	buf_adds(b, "],\"black\":[");
	for (int i = 0; i < r->nblack; i++) {
		const struct black_row *w = &r->black[i];
		buf_addf(b, "%s{\"household_id\":%lld,\"number\":", i ? "," : "", (long long)w->household_id);
		buf_add_json_string(b, w->household_number);
		buf_adds(b, ",\"name\":");
		buf_add_json_string(b, w->name);
		buf_addf(b, ",\"deductions\":%lld,\"points\":%lld}", (long long)w->deductions, (long long)w->points);
	}
	buf_adds(b, "]}");
}

/* The snapshot read back (jansson): every field checked, the texts copied to the arena. */
static const char *snap_str(struct ctx *c, const json_t *o, const char *key, bool *bad)
{
	const char *v = json_string_value(json_object_get(o, key));
	const char *copy = v ? arena_strdup(c->arena, v) : NULL;
	if (!copy)
		*bad = true;
	return copy;
}

static int64_t snap_int(const json_t *o, const char *key, bool *bad)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v)) {
		*bad = true;
		return 0;
	}
	return (int64_t)json_integer_value(v);
}

static int snapshot_read(struct ctx *c, const char *text, struct ranking *r)
{
	json_error_t err;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	const json_t *rows = json_object_get(o, "rows"), *black = json_object_get(o, "black");
	bool bad = !json_is_object(o) || !json_is_array(rows) || !json_is_array(black) ||
		   json_array_size(rows) > ROWS_MAX || json_array_size(black) > ROWS_MAX;
	if (!bad) {
		r->village_name = snap_str(c, o, "village_name", &bad);
		r->unit_name = snap_str(c, o, "unit_name", &bad);
		r->unit_kind = snap_str(c, o, "unit_kind", &bad);
		r->nred = (int)snap_int(o, "nred", &bad);
		r->ledger_count = snap_int(o, "ledger_count", &bad);
		const char *hash = json_string_value(json_object_get(o, "ledger_hash"));
		str_copy(r->ledger_hash, sizeof(r->ledger_hash), hash ? hash : "");
		r->nrows = (int)json_array_size(rows);
		r->nblack = (int)json_array_size(black);
		r->rows = arena_alloc(c->arena, sizeof(*r->rows) * (size_t)(r->nrows + 1));
		r->black = arena_alloc(c->arena, sizeof(*r->black) * (size_t)(r->nblack + 1));
		bad = bad || !r->rows || !r->black;
	}
	for (int i = 0; !bad && i < r->nrows; i++) {
		const json_t *x = json_array_get(rows, (size_t)i);
		struct ranking_row *w = &r->rows[i];
		memset(w, 0, sizeof(*w));
		w->rank = (int)snap_int(x, "rank", &bad);
		w->household_id = snap_int(x, "household_id", &bad);
		w->household_number = snap_str(c, x, "number", &bad);
		w->name = snap_str(c, x, "name", &bad);
		w->points = snap_int(x, "points", &bad);
	}
	for (int i = 0; !bad && i < r->nblack; i++) {
		const json_t *x = json_array_get(black, (size_t)i);
		struct black_row *w = &r->black[i];
		memset(w, 0, sizeof(*w));
		w->household_id = snap_int(x, "household_id", &bad);
		w->household_number = snap_str(c, x, "number", &bad);
		w->name = snap_str(c, x, "name", &bad);
		w->deductions = snap_int(x, "deductions", &bad);
		w->points = snap_int(x, "points", &bad);
	}
	json_decref(o);
	if (bad || r->nred < 0 || r->nred > r->nrows)
		return ctx_fail(c, RC_INTERNAL, "已发布的排行榜数据损坏");
	return RC_OK;
}

/* ---------------------------------------------------------------- publishing */

enum result rankings_publish(struct ctx *c, int64_t unit_id, const char *period, int64_t *id)
{
	*id = 0;
	struct ranking_period p;
	struct org_unit unit, village;
	int rc = load_request(c, unit_id, period, &p, &unit, &village);
	if (rc)
		return rc;
	if (!strcmp(unit.kind, "town"))
		return ctx_field(c, "unit_id", "全镇排行榜不发布，请按村、村民小组或网格发布");
	if (!access_can(c, P_POINTS_ADMIN, village.path))
		return ctx_fail(c, access_refusal(c, village.path), "无权发布%s的排行榜：需要本村村两委的权限", village.name);
	if (p.end > c->now)
		return ctx_fail(c, RC_CONFLICT, "%s尚未结束，期满后才能发布红黑榜", p.label);

	const char *title = !org_in_village(&unit)
		? arena_strdup(c->arena, village.name)
		: arena_printf(c->arena, "%s%s", village.name, unit.name);
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t existing, at;
	if ((rc = published_id(c, unit_id, p.text, &existing, &at)))
		return ctx_end(c, rc);
	if (existing) {
		char day[11];
		time_format_date(at, day);
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "%s %s的红黑榜已于 %s 发布，不能重复发布",
					   title ? title : "", p.label, day));
	}
	struct ranking r;
	if ((rc = compute(c, &unit, &village, &p, &r)))
		return ctx_end(c, rc);
	struct buf data;
	buf_init(&data, SNAPSHOT_MAX);
	snapshot_json(&r, &data);
	if (data.failed) {
		buf_release(&data);
		return ctx_end(c, ctx_fail(c, RC_INTERNAL, "排行榜数据过大"));
	}
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO rankings (village_id, unit_id, period, period_start, period_end, "
			      "red_list_size, data, published_by, published_at) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "iitiiitii", village.id, unit.id, p.text, p.start, p.end, (int64_t)r.red_list_size,
			      data.ptr, ctx_actor_id(c), c->now);
	buf_release(&data);
	if (dbrc == DB_CONSTRAINT)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "%s %s的红黑榜已经发布，不能重复发布",
					   title ? title : "", p.label));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "发布排行榜"));

	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "unit_id", unit.id);
	audit_snap_str(&after, "period", p.text);
	audit_snap_int(&after, "households", r.nrows);
	audit_snap_int(&after, "red_list", r.nred);
	audit_snap_int(&after, "black_list", r.nblack);
	audit_snap_int(&after, "ledger_count", r.ledger_count);
	audit_snap_str(&after, "ledger_hash", r.ledger_hash);
	audit_snap_end(&after);
	rc = audit_record(c, village.id, "ranking", *id, "publish", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* ---------------------------------------------------------------- published rankings */

enum result rankings_get(struct ctx *c, int64_t id, struct ranking *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_query(c->db,
				      "SELECT id, village_id, unit_id, period, period_start, period_end, "
				      "red_list_size, data, published_by, published_at FROM rankings WHERE id = ?",
				      "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取排行榜");
	int dbrc = db_step(st);
	if (dbrc != DB_ROW) {
		db_finalize(st);
		return dbrc == DB_DONE ? ctx_fail(c, RC_NOT_FOUND, "排行榜不存在或尚未发布")
				       : ctx_db_fail(c, dbrc, "读取排行榜");
	}
	out->id = db_col_int(st, 0);
	out->village_id = db_col_int(st, 1);
	out->unit_id = db_col_int(st, 2);
	int perr = rankings_parse_period(db_col_text(st, 3), &out->period);
	out->period.start = db_col_int(st, 4);
	out->period.end = db_col_int(st, 5);
	out->red_list_size = (int)db_col_int(st, 6);
	const char *data = arena_strdup(c->arena, db_col_text(st, 7));
	out->published_by = db_col_int(st, 8);
	out->published_at = db_col_int(st, 9);
	out->computed_at = out->published_at;
	out->published_id = out->id;
	db_finalize(st);
	if (perr || !data)
		return ctx_fail(c, RC_INTERNAL, "已发布的排行榜数据损坏");
	return snapshot_read(c, data, out);
}

enum result rankings_published_list(struct ctx *c, int64_t village_id, int limit, int offset,
			    struct ranking_summary **out, int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct org_unit v;
	int rc = org_get(c, village_id, &v);
	if (rc == RC_OK && strcmp(v.kind, "village"))
		rc = ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if (rc)
		return rc;
	if (db_get_int(c->db, total, "SELECT count(*) FROM rankings WHERE village_id = ?", "i", village_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取排行榜");
	struct db_stmt *st = db_query(c->db,
				      "SELECT r.id, r.unit_id, o.name, o.kind, r.period, r.period_start, r.period_end, "
				      "r.published_at FROM rankings r JOIN org_units o ON o.id = r.unit_id "
				      "WHERE r.village_id = ? ORDER BY r.period_start DESC, r.period_end DESC, "
				      "CASE WHEN o.kind = 'village' THEN 0 ELSE 1 END, o.code, r.id LIMIT ? OFFSET ?",
				      "iii", village_id, (int64_t)limit, (int64_t)offset);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取排行榜");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit > 0 ? limit : 1));
	int dbrc;
	while (*out && *n < limit && (dbrc = db_step(st)) == DB_ROW) {
		struct ranking_summary *s = &(*out)[(*n)++];
		struct ranking_period p;
		s->id = db_col_int(st, 0);
		s->unit_id = db_col_int(st, 1);
		s->unit_name = arena_strdup(c->arena, db_col_text(st, 2));
		s->unit_kind = arena_strdup(c->arena, db_col_text(st, 3));
		s->period = arena_strdup(c->arena, db_col_text(st, 4));
		rankings_parse_period(s->period ? s->period : "", &p);
		s->period_label = arena_strdup(c->arena, p.label);
		s->period_start = db_col_int(st, 5);
		s->period_end = db_col_int(st, 6);
		s->published_at = db_col_int(st, 7);
		if (!s->unit_name || !s->unit_kind || !s->period || !s->period_label)
			break;
	}
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return RC_OK;
}

/* ---------------------------------------------------------------- the poster */

static void html_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_addc(b, *s);
		}
	}
}

static void cn_date(int64_t t, char *out, size_t len)
{
	struct civil cv;
	time_to_cn(t, &cv);
	snprintf(out, len, "%d年%d月%d日", cv.year, cv.month, cv.day);
}

static const char poster_style[] =
	"@page{size:A4 portrait;margin:14mm 15mm}"
	"*{box-sizing:border-box}"
	"html{background:#e8e8e8}"
	"body{margin:0;color:#222;font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"Songti SC\","
	"SimSun,serif;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	".sheet{width:210mm;min-height:297mm;margin:8mm auto;padding:14mm 15mm;background:#fff;"
	"box-shadow:0 1mm 4mm rgba(0,0,0,.2)}"
	"h1{margin:0 0 3mm;text-align:center;font-size:30pt;letter-spacing:2pt;color:#b71c1c}"
	".sub{margin:0 0 7mm;text-align:center;font-size:12pt;color:#444}"
	"h2{margin:6mm 0 0;padding:2mm 4mm;font-size:16pt;color:#fff}"
	"h2.red{background:#c62828}h2.black{background:#263238}"
	"table{width:100%;border-collapse:collapse;font-size:12pt;page-break-inside:auto}"
	"tr{page-break-inside:avoid}thead{display:table-header-group}"
	"th,td{border:1px solid #9e9e9e;padding:1.6mm 2mm;text-align:center}"
	"th{background:#f5f5f5;font-weight:bold}"
	"td.pts{font-weight:bold}.red-list td.pts{color:#b71c1c}"
	".none{color:#777;font-style:italic}"
	".foot{display:flex;justify-content:space-between;align-items:flex-end;gap:6mm;margin-top:9mm;"
	"font-size:9.5pt;color:#333;page-break-inside:avoid}"
	".foot p{margin:1mm 0}"
	".hash{font-family:monospace;font-size:8pt;word-break:break-all}"
	".qr{text-align:center;font-size:8pt;flex:none}"
	".qr svg{display:block;width:34mm;height:34mm;margin:0 auto 1mm}"
	".url{font-family:monospace;font-size:7pt;word-break:break-all;max-width:60mm}"
	".noprint{text-align:center;font-size:10pt;color:#555;margin:4mm 0 0}"
	"@media screen and (max-width:820px){.sheet{width:auto;min-height:0;margin:0;padding:5mm;"
	"box-shadow:none}h1{font-size:20pt}.sub{font-size:10pt}h2{font-size:13pt}table{font-size:11pt}"
	".foot{flex-direction:column;align-items:center}}"
	"@media print{html{background:#fff}.sheet{width:auto;min-height:0;margin:0;padding:0;"
	"box-shadow:none}.noprint{display:none}}";

/* The poster's title: the village (and group or grid), the period. */
static void poster_title(struct buf *b, const struct ranking *r)
{
	html_text(b, r->village_name);
	if (strcmp(r->unit_kind, "village"))
		html_text(b, r->unit_name);
	buf_adds(b, " ");
	html_text(b, r->period.label);
	buf_adds(b, " 红黑榜");
}

/* The SVG element of a QR code of text, without any XML prolog; false when it failed. */
static bool qr_inline(const char *text, struct buf *out)
{
	struct buf svg;
	buf_init(&svg, 1u << 20);
	bool ok = qr_svg(text, 4, &svg) == 0 && !svg.failed && svg.ptr;
	const char *start = ok ? strstr(svg.ptr, "<svg") : NULL;
	if (start)
		buf_adds(out, start);
	buf_release(&svg);
	return start != NULL;
}

enum result rankings_poster_html(struct ctx *c, int64_t id, const char *url, struct buf *out)
{
	struct ranking r;
	int rc = rankings_get(c, id, &r);
	if (rc)
		return rc;
	char from[11], to[11], published[40];
	time_format_date(r.period.start, from);
	time_format_date(r.period.end - 1, to);
	cn_date(r.published_at, published, sizeof(published));

	struct buf *b = out;
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	poster_title(b, &r);
	buf_adds(b, "</title><style>");
	buf_adds(b, poster_style);
	buf_adds(b, "</style></head>\n<body><main class=\"sheet\">\n<h1>");
	poster_title(b, &r);
	buf_adds(b, "</h1>\n<p class=\"sub\">");
	html_text(b, r.village_name);
	if (strcmp(r.unit_kind, "village")) {
		buf_adds(b, " · ");
		html_text(b, r.unit_name);
	}
	buf_addf(b, " · 统计期间 %s 至 %s · 按期间内获得的累计积分排名 · 共 %d 户</p>\n", from, to, r.nrows);

	buf_addf(b, "<section class=\"red-list\"><h2 class=\"red\">红榜（前 %d 名）</h2>\n", r.red_list_size);
	buf_adds(b, "<table><thead><tr><th>名次</th><th>户号</th><th>户主</th><th>积分</th></tr></thead><tbody>\n");
	for (int i = 0; i < r.nred; i++) {
		const struct ranking_row *w = &r.rows[i];
		buf_addf(b, "<tr><td>%d</td><td>", w->rank);
		html_text(b, w->household_number);
		buf_adds(b, "</td><td>");
		html_text(b, w->name[0] ? w->name : "—");
		buf_addf(b, "</td><td class=\"pts\">%lld</td></tr>\n", (long long)w->points);
	}
	if (!r.nred)
		buf_adds(b, "<tr><td colspan=\"4\" class=\"none\">本期无</td></tr>\n");
	buf_adds(b, "</tbody></table></section>\n");

	buf_adds(b, "<section class=\"black-list\"><h2 class=\"black\">黑榜（本期有扣分的户）</h2>\n");
	buf_adds(b, "<table><thead><tr><th>户号</th><th>户主</th><th>扣分次数</th><th>扣分</th></tr></thead><tbody>\n");
	for (int i = 0; i < r.nblack; i++) {
		const struct black_row *w = &r.black[i];
		buf_adds(b, "<tr><td>");
		html_text(b, w->household_number);
		buf_adds(b, "</td><td>");
		html_text(b, w->name[0] ? w->name : "—");
		buf_addf(b, "</td><td>%lld</td><td class=\"pts\">%lld</td></tr>\n", (long long)w->deductions,
			 (long long)w->points);
	}
	if (!r.nblack)
		buf_adds(b, "<tr><td colspan=\"4\" class=\"none\">本期无</td></tr>\n");
	buf_adds(b, "</tbody></table></section>\n");

	buf_adds(b, "<div class=\"foot\"><div>");
	buf_adds(b, "<p>发布单位：");
	html_text(b, r.village_name);
	buf_adds(b, "</p><p>发布日期：");
	html_text(b, published);
	buf_addf(b, "</p><p>发布时积分台账共 %lld 条，链头哈希：</p><p class=\"hash\">", (long long)r.ledger_count);
	html_text(b, r.ledger_hash[0] ? r.ledger_hash : "—");
	buf_adds(b, "</p><p>扫描右侧二维码查看线上版本，可与村积分台账核对。</p></div>\n<div class=\"qr\">");
	if (url && url[0] && qr_inline(url, b)) {
		buf_adds(b, "<div class=\"url\">");
		html_text(b, url);
		buf_adds(b, "</div>");
	}
	buf_adds(b, "</div></div>\n<p class=\"noprint\">打印：使用浏览器的“打印”，纸张 A4 纵向。</p>\n");
	buf_adds(b, "</main></body></html>\n");
	if (b->failed)
		return ctx_fail(c, RC_INTERNAL, "生成海报失败");
	return RC_OK;
}
