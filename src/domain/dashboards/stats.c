/* Dashboard statistics (see stats.h): sums over the ledger of every village in a unit's
 * subtree, grouped by category and source, and participation counted per village and
 * rolled up the tree here. */
#include "domain/dashboards/stats.h"
#include "domain/dashboards/daily.h"
#include "domain/kernel/access.h"
#include "domain/kernel/org.h"
#include "domain/points/rules.h"
#include "util/timeutil.h"

#define STATS_CATEGORIES_MAX 64
#define STATS_UNITS_MAX 20000
/* The towns and villages o below a county or town in tree order: each town (by code)
 * followed by its villages (by code). */
#define TREE_ORDER                                                                                   \
	"(SELECT t.code FROM org_units t WHERE t.id = CASE WHEN o.kind = 'town' THEN o.id "         \
	"ELSE o.parent_id END), CASE WHEN o.kind = 'town' THEN 0 ELSE 1 END, o.code, o.id"

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

static struct stats_points_unit *find_unit(struct stats_points *out, int64_t id)
{
	for (int i = 0; id && i < out->nunits; i++)
		if (out->units[i].id == id)
			return &out->units[i];
	return NULL;
}

/* The village's unit and its town's (either NULL: the unit itself is the village or
 * the town). */
static void village_units(struct stats_points *out, int64_t village_id, struct stats_points_unit *hit[2])
{
	hit[0] = find_unit(out, village_id);
	hit[1] = hit[0] ? find_unit(out, hit[0]->parent_id) : NULL;
	if (hit[1] == hit[0])
		hit[1] = NULL;
}

/* one village's sums of a category and source over the period (daily.h), added to the
 * statistics, to the village and to its town */
static int add_sums(struct ctx *c, const struct daily_row *r, void *arg)
{
	struct stats_points *out = arg;
	struct stats_points_unit *hit[2];
	village_units(out, r->village_id, hit);
	if (!strcmp(r->source, "redemption") || !strcmp(r->source, "return")) {
		out->spent -= r->spendable;
		for (int i = 0; i < 2; i++)
			if (hit[i])
				hit[i]->spent -= r->spendable;
		return RC_OK;
	}
	if (!strcmp(r->source, "correction")) {
		out->corrections += r->n;
		out->corrected_points += r->net;
		return RC_OK;
	}
	if (!is_one_of(r->source, credited_sources))
		return RC_OK;
	struct stats_points_category *k = category(c, out, r->category);
	if (!k)
		return ctx_fail(c, RC_INTERNAL, "统计积分：类别过多");
	int64_t issued = is_one_of(r->source, earning_sources) ? r->pos : 0;
	int64_t deducted = !strcmp(r->source, "deduction") ? -r->neg : 0;
	k->issued += issued;
	k->deducted += deducted;
	k->credited += r->n;
	k->credited_points += r->net;
	out->issued += issued;
	out->deducted += deducted;
	out->credited += r->n;
	out->credited_points += r->net;
	for (int i = 0; i < 2; i++) {
		if (!hit[i])
			continue;
		hit[i]->issued += issued;
		hit[i]->deducted += deducted;
		hit[i]->credited_points += r->net;
	}
	return RC_OK;
}

/* Adds a village's counts to the village, its town and the whole unit. */
static void add_village(struct stats_points *out, int64_t village_id, int64_t households, int64_t participating)
{
	out->households += households;
	out->participating += participating;
	struct stats_points_unit *hit[2];
	village_units(out, village_id, hit);
	for (int i = 0; i < 2; i++) {
		if (!hit[i])
			continue;
		hit[i]->households += households;
		hit[i]->participating += participating;
	}
}

/* The towns and villages below the unit, in tree order. */
static int below(struct ctx *c, const struct org_unit *u, const char *like, struct stats_points *out)
{
	int64_t n = 0;
	if (db_get_int(c->db, &n,
		       "SELECT count(*) FROM org_units WHERE path LIKE ? AND kind IN ('town', 'village') AND id <> ?",
		       "ti", like, u->id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "统计积分");
	if (n > STATS_UNITS_MAX)
		return ctx_fail(c, RC_INTERNAL, "统计积分：单位过多");
	out->units = arena_alloc(c->arena, sizeof(*out->units) * (size_t)(n + 1));
	if (!out->units)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db,
				      "SELECT o.id, COALESCE(o.parent_id, 0), o.kind, o.name FROM org_units o "
				      "WHERE o.path LIKE ? AND o.kind IN ('town', 'village') AND o.id <> ? ORDER BY " TREE_ORDER,
				      "ti", like, u->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计积分");
	int dbrc = DB_DONE;
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
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "统计积分");
}

static int add_taking_part(struct ctx *c, int64_t village_id, int64_t households, void *arg)
{
	(void)c;
	add_village(arg, village_id, 0, households);
	return RC_OK;
}

/* The households of every village of the unit, and those that took part in the period,
 * in one grouped query each; for a calendar month from the households kept for it as
 * the ledger is written (participation.h), when they are. */
static int participation(struct ctx *c, const char *like, struct stats_points *out)
{
	int64_t month = time_cn_days(out->period.start), next;
	int y, m, d;
	time_civil_from_days(month, &y, &m, &d);
	next = m == 12 ? time_days_from_civil(y + 1, 1, 1) : time_days_from_civil(y, m + 1, 1);
	bool kept = false;
	if (d == 1 && out->period.start == time_cn_midnight(month) && out->period.end == time_cn_midnight(next)) {
		int rc = participation_month(c, like, month, &kept, add_taking_part, out);
		if (rc)
			return rc;
	}
	for (int pass = 0; pass < (kept ? 1 : 2); pass++) {
		struct db_stmt *st = pass == 0
			? db_query(c->db,
				   "SELECT c.village_id, SUM(c.households) FROM household_counts c WHERE c.village_id IN "
				   "(SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village') "
				   "GROUP BY c.village_id",
				   "t", like)
			: db_query(c->db,
				   "SELECT l.village_id, count(DISTINCT l.household_id) FROM ledger l "
				   "WHERE l.village_id IN (SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village') "
				   "AND l.at >= ? AND l.at < ? AND l.source IN ('claim', 'award', 'activity') "
				   "GROUP BY l.village_id",
				   "tii", like, out->period.start, out->period.end);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "统计参与率");
		int dbrc;
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

enum result stats_points(struct ctx *c, int64_t unit_id, const char *period, struct stats_points *out)
{
	memset(out, 0, sizeof(*out));
	if (unit_id <= 0)
		ctx_field(c, "unit_id", "必填：村、乡镇或区县的编号");
	rankings_check_period(c, period, &out->period);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct org_unit u;
	int rc = org_find(c, unit_id, &u);
	if (rc == RC_NOT_FOUND)
		return ctx_field(c, "unit_id", "单位不存在");
	if (rc)
		return rc;
	if (org_in_village(&u))
		return ctx_field(c, "unit_id", "统计按村、乡镇或区县汇总，请选择村、乡镇或区县");
	if (!access_can(c, P_REGISTER_READ, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权查看%s的统计", u.name);
	out->unit_id = u.id;
	out->unit_kind = arena_strdup(c->arena, u.kind);
	out->unit_name = arena_strdup(c->arena, u.name);
	out->categories = arena_alloc(c->arena, sizeof(*out->categories) * STATS_CATEGORIES_MAX);
	const char *like = arena_printf(c->arena, "%s%%", u.path);
	if (!out->unit_kind || !out->unit_name || !out->categories || !like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = below(c, &u, like, out)) ||
	    (rc = daily_points(c, like, out->period.start, out->period.end, true, add_sums, out)) ||
	    (rc = participation(c, like, out)))
		return rc;
	qsort(out->categories, (size_t)out->ncategories, sizeof(*out->categories), category_cmp);
	return RC_OK;
}

/* ---- the register: registered share ---- */

static struct stats_register_unit *register_unit(struct stats_register *out, int64_t id)
{
	for (int i = 0; id && i < out->nunits; i++)
		if (out->units[i].id == id)
			return &out->units[i];
	return NULL;
}

/* Adds the counts of one village (or of one group of it) to the units they belong to:
 * the whole unit, the village, its town, and the group when the groups are listed. */
static void register_add(struct stats_register *out, int64_t village_id, int64_t group_id, int64_t households,
			 int64_t registered, int64_t accounts)
{
	out->households += households;
	out->registered += registered;
	out->accounts += accounts;
	struct stats_register_unit *hit[3] = {register_unit(out, village_id), NULL, register_unit(out, group_id)};
	if (hit[0])
		hit[1] = register_unit(out, hit[0]->parent_id);
	for (int i = 0; i < 3; i++) {
		if (!hit[i] || (i == 1 && hit[1] == hit[0]))
			continue;
		hit[i]->households += households;
		hit[i]->registered += registered;
		hit[i]->accounts += accounts;
	}
}

/* The towns and villages below a county or town, or the groups of a village (a group or
 * grid has none). */
static int register_units(struct ctx *c, const struct org_unit *u, const char *like, struct stats_register *out)
{
	bool village = !strcmp(u->kind, "village");
	if (org_in_village(u))
		return RC_OK;
	const char *where = village ? "FROM org_units o WHERE o.parent_id = ? AND o.kind = 'group'"
				    : "FROM org_units o WHERE o.path LIKE ? AND o.kind IN ('town', 'village') AND o.id <> ?";
	int64_t n = 0;
	int dbrc = village ? db_get_int(c->db, &n, arena_printf(c->arena, "SELECT count(*) %s", where), "i", u->id)
			   : db_get_int(c->db, &n, arena_printf(c->arena, "SELECT count(*) %s", where), "ti", like,
					u->id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "统计入住率");
	if (n > STATS_UNITS_MAX)
		return ctx_fail(c, RC_INTERNAL, "统计入住率：单位过多");
	out->units = arena_alloc(c->arena, sizeof(*out->units) * (size_t)(n + 1));
	const char *sql = arena_printf(c->arena, "SELECT o.id, COALESCE(o.parent_id, 0), o.kind, o.name %s ORDER BY %s",
				       where, village ? "o.code, o.id" : TREE_ORDER);
	if (!out->units || !sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = village ? db_query(c->db, sql, "i", u->id) : db_query(c->db, sql, "ti", like, u->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计入住率");
	dbrc = DB_DONE;
	while (out->nunits < n && (dbrc = db_step(st)) == DB_ROW) {
		struct stats_register_unit *x = &out->units[out->nunits++];
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
	return dbrc == DB_ROW || dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "统计入住率");
}

enum result stats_register(struct ctx *c, int64_t unit_id, struct stats_register *out)
{
	memset(out, 0, sizeof(*out));
	if (unit_id <= 0)
		return ctx_field(c, "unit_id", "必填：村、乡镇、区县或村民小组的编号");
	struct org_unit u;
	int rc = org_find(c, unit_id, &u);
	if (rc == RC_NOT_FOUND)
		return ctx_field(c, "unit_id", "单位不存在");
	if (rc)
		return rc;
	bool group = org_in_village(&u);   /* a group or a grid: its own households */
	if (!group && strcmp(u.kind, "village") && strcmp(u.kind, "town") && strcmp(u.kind, "county"))
		return ctx_field(c, "unit_id", "入住率按区县、乡镇、村、村民小组或网格统计，请选择其中之一");
	if (!access_can(c, P_REGISTER_READ, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权查看%s的统计", u.name);
	out->unit_id = u.id;
	out->unit_kind = arena_strdup(c->arena, u.kind);
	out->unit_name = arena_strdup(c->arena, u.name);
	const char *like = arena_printf(c->arena, "%s%%", u.path);
	if (!out->unit_kind || !out->unit_name || !like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = register_units(c, &u, like, out)))
		return rc;

	/* the households of the unit: a group's or grid's own, or those of the villages below */
	const char *scope = !strcmp(u.kind, "grid") ? "h.grid_id = ?"
			  : group ? "h.group_id = ?"
				  : "h.village_id IN (SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village')";
	/* the registered residents: a town's or county's found from the users (SQLite keeps
	 * the CROSS JOIN's order: from the households it read every resident of the county,
	 * 160 ms at a million), a village's or group's from its households */
	bool wide = !strcmp(u.kind, "town") || !strcmp(u.kind, "county");
	for (int pass = 0; pass < 2; pass++) {
		const char *sql =
			pass == 0 && !group
				/* a village's, town's or county's from the counts kept (migration 042) */
				? "SELECT c.village_id, c.group_id, c.households, 0 FROM household_counts c "
				  "WHERE c.households <> 0 AND c.village_id IN "
				  "(SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village')"
			: pass == 0
				? arena_printf(c->arena,
					       "SELECT h.village_id, COALESCE(h.group_id, 0), count(*), 0 FROM households h "
					       "WHERE %s GROUP BY h.village_id, h.group_id",
					       scope)
				: arena_printf(c->arena,
					       "SELECT h.village_id, COALESCE(h.group_id, 0), count(DISTINCT h.id), count(*) "
					       "FROM %s WHERE r.household_id = h.id AND u.resident_id = r.id "
					       "AND u.status = 'active' AND %s GROUP BY h.village_id, h.group_id",
					       wide ? "users u CROSS JOIN residents r CROSS JOIN households h"
						    : "households h CROSS JOIN residents r CROSS JOIN users u",
					       scope);
		if (!sql)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		struct db_stmt *st = group ? db_query(c->db, sql, "i", u.id) : db_query(c->db, sql, "t", like);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "统计入住率");
		int dbrc;
		while ((dbrc = db_step(st)) == DB_ROW) {
			int64_t n = db_col_int(st, 2), k = db_col_int(st, 3);
			register_add(out, db_col_int(st, 0), db_col_int(st, 1), pass == 0 ? n : 0, pass == 1 ? n : 0,
				     pass == 1 ? k : 0);
		}
		db_finalize(st);
		if (dbrc != DB_DONE)
			return ctx_db_fail(c, dbrc, "统计入住率");
	}
	return RC_OK;
}
