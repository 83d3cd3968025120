/* Dashboard statistics (see stats.h): sums over the ledger of every village in a unit's
 * subtree, grouped by category and source, and participation counted per village and
 * rolled up the tree here. */
#include "domain/access.h"
#include "domain/org.h"
#include "domain/rules.h"
#include "domain/stats.h"

#define STATS_CATEGORIES_MAX 64
#define STATS_UNITS_MAX 20000

static bool is_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static const char *const credited_sources[] = {"claim", "award", "deduction", "activity", NULL};
static const char *const earning_sources[] = {"claim", "award", "activity", NULL};

/* The category's entry, added in catalog order when new. */
static struct stats_points_category *category(struct ctx *c, struct stats_points *out, const char *name)
{
	for (int i = 0; i < out->ncategories; i++)
		if (!strcmp(out->categories[i].category, name))
			return &out->categories[i];
	if (out->ncategories >= STATS_CATEGORIES_MAX)
		return NULL;
	struct stats_points_category *k = &out->categories[out->ncategories++];
	k->category = arena_strdup(c->arena, name);
	return k->category ? k : NULL;
}

static int catalog_rank(const char *name)
{
	for (int i = 0; rules_categories[i]; i++)
		if (!strcmp(rules_categories[i], name))
			return i;
	return 1000;
}

static int category_cmp(const void *pa, const void *pb)
{
	const struct stats_points_category *a = pa, *b = pb;
	int ra = catalog_rank(a->category), rb = catalog_rank(b->category);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(a->category, b->category);
}

static int sums(struct ctx *c, const char *like, struct stats_points *out)
{
	struct db_stmt *st = db_query(
		c->db,
		"SELECT l.category, l.source, count(*), "
		"COALESCE(SUM(CASE WHEN l.honour > 0 THEN l.honour ELSE 0 END), 0), "
		"COALESCE(SUM(CASE WHEN l.honour < 0 THEN l.honour ELSE 0 END), 0), "
		"COALESCE(SUM(l.honour), 0), COALESCE(SUM(l.spendable), 0) "
		"FROM ledger l WHERE l.village_id IN (SELECT id FROM org_units WHERE path LIKE ?) "
		"AND l.at >= ? AND l.at < ? GROUP BY l.category, l.source",
		"tii", like, out->period.start, out->period.end);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计积分");
	int dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		const char *source = db_col_text(st, 1);
		int64_t count = db_col_int(st, 2), pos = db_col_int(st, 3), neg = db_col_int(st, 4);
		int64_t net = db_col_int(st, 5), spendable = db_col_int(st, 6);
		if (!strcmp(source, "redemption") || !strcmp(source, "return")) {
			out->spent -= spendable;
			continue;
		}
		if (!strcmp(source, "correction")) {
			out->corrections += count;
			out->corrected_points += net;
			continue;
		}
		if (!is_one_of(source, credited_sources))
			continue;
		struct stats_points_category *k = category(c, out, db_col_text(st, 0));
		if (!k) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "统计积分：类别过多");
		}
		int64_t issued = is_one_of(source, earning_sources) ? pos : 0;
		int64_t deducted = !strcmp(source, "deduction") ? -neg : 0;
		k->issued += issued;
		k->deducted += deducted;
		k->credited += count;
		k->credited_points += net;
		out->issued += issued;
		out->deducted += deducted;
		out->credited += count;
		out->credited_points += net;
	}
	db_finalize(st);
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "统计积分");
	qsort(out->categories, (size_t)out->ncategories, sizeof(*out->categories), category_cmp);
	return RC_OK;
}

static struct stats_points_unit *find_unit(struct stats_points *out, int64_t id)
{
	for (int i = 0; i < out->nunits; i++)
		if (out->units[i].id == id)
			return &out->units[i];
	return NULL;
}

/* Adds a village's counts to the village, its town and the whole unit. */
static void add_village(struct stats_points *out, int64_t village_id, int64_t households, int64_t participating)
{
	out->households += households;
	out->participating += participating;
	struct stats_points_unit *v = find_unit(out, village_id);
	if (!v)
		return;
	v->households += households;
	v->participating += participating;
	struct stats_points_unit *t = find_unit(out, v->parent_id);
	if (t && t != v) {
		t->households += households;
		t->participating += participating;
	}
}

static int participation(struct ctx *c, const struct org_unit *u, const char *like, struct stats_points *out)
{
	/* the towns and villages below the unit */
	int64_t n = 0;
	if (db_get_int(c->db, &n,
		       "SELECT count(*) FROM org_units WHERE path LIKE ? AND kind IN ('town', 'village') AND id <> ?",
		       "ti", like, u->id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "统计参与率");
	if (n > STATS_UNITS_MAX)
		return ctx_fail(c, RC_INTERNAL, "统计参与率：单位过多");
	out->units = arena_alloc(c->arena, sizeof(*out->units) * (size_t)(n + 1));
	if (!out->units)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db,
				      "SELECT id, COALESCE(parent_id, 0), kind, name FROM org_units "
				      "WHERE path LIKE ? AND kind IN ('town', 'village') AND id <> ? ORDER BY path",
				      "ti", like, u->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计参与率");
	int dbrc;
	while (out->nunits < n && (dbrc = db_step(st)) == DB_ROW) {
		struct stats_points_unit *x = &out->units[out->nunits++];
		x->id = db_col_int(st, 0);
		x->parent_id = db_col_int(st, 1);
		x->kind = arena_strdup(c->arena, db_col_text(st, 2));
		x->name = arena_strdup(c->arena, db_col_text(st, 3));
		if (!x->kind || !x->name) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	db_finalize(st);

	/* households per village, then the households that took part */
	for (int pass = 0; pass < 2; pass++) {
		st = pass == 0
			? db_query(c->db,
				   "SELECT h.village_id, count(*) FROM households h WHERE h.village_id IN "
				   "(SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village') "
				   "GROUP BY h.village_id",
				   "t", like)
			: db_query(c->db,
				   "SELECT l.village_id, count(DISTINCT l.household_id) FROM ledger l "
				   "WHERE l.village_id IN (SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village') "
				   "AND l.at >= ? AND l.at < ? AND l.source IN ('claim', 'award', 'activity') "
				   "GROUP BY l.village_id",
				   "tii", like, out->period.start, out->period.end);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "统计参与率");
		while ((dbrc = db_step(st)) == DB_ROW) {
			int64_t vid = db_col_int(st, 0), count = db_col_int(st, 1);
			add_village(out, vid, pass == 0 ? count : 0, pass == 1 ? count : 0);
		}
		db_finalize(st);
		if (dbrc != DB_DONE)
			return ctx_db_fail(c, dbrc, "统计参与率");
	}
	return RC_OK;
}

int stats_points(struct ctx *c, int64_t unit_id, const char *period, struct stats_points *out)
{
	memset(out, 0, sizeof(*out));
	if (unit_id <= 0)
		ctx_field(c, "unit_id", "必填：村、乡镇或区县的编号");
	rankings_check_period(c, period, &out->period);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct org_unit u;
	int rc = org_get(c, unit_id, &u);
	if (rc == RC_NOT_FOUND) {
		memset(&c->err, 0, sizeof(c->err));
		return ctx_field(c, "unit_id", "单位不存在");
	}
	if (rc)
		return rc;
	if (!strcmp(u.kind, "group"))
		return ctx_field(c, "unit_id", "统计按村、乡镇或区县汇总，请选择村、乡镇或区县");
	if (!access_can(c, P_REGISTER_READ, u.path))
		return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的统计", u.name);
	out->unit_id = u.id;
	out->unit_kind = arena_strdup(c->arena, u.kind);
	out->unit_name = arena_strdup(c->arena, u.name);
	out->categories = arena_alloc(c->arena, sizeof(*out->categories) * STATS_CATEGORIES_MAX);
	const char *like = arena_printf(c->arena, "%s%%", u.path);
	if (!out->unit_kind || !out->unit_name || !out->categories || !like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = sums(c, like, out)))
		return rc;
	return participation(c, &u, like, out);
}
