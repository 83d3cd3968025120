/* The dashboard of one unit and of its children (see dashboard.h). Every figure comes
 * from the feature's own statistics (for the children, its grouped form), so the
 * dashboard and the feature's pages cannot disagree (tests/api/dashboards.test.js
 * compares each child's row with its own dashboard); only the active users (who signed
 * in) are counted here, as no feature owns them. */
#include "domain/dashboards/internal.h"
#include "domain/dashboards/daily.h"
#include "domain/dashboards/stats.h"
#include "domain/evaluations/evaluations.h"
#include "domain/events/events.h"
#include "domain/grid/grid.h"
#include "domain/kernel/access.h"
#include "domain/kernel/org.h"
#include "domain/lists/lists.h"
#include "domain/party/party.h"
#include "domain/shop/shop.h"
#include "domain/transparency/transparency.h"
#include "domain/kernel/xlsx.h"
#include "util/timeutil.h"
#include "util/workdays.h"

const struct dash_section_def dash_sections[DASH_NSECTIONS] = {
	[DASH_REGISTER] = {"register", "入住率",
			   {"households", "registered", "accounts", "active_day", "active_month", NULL},
			   {"在册户数", "已入住户数", "村民账号", "日活跃用户", "月活跃用户", NULL}, ""},
	[DASH_POINTS] = {"points", "积分",
			 {"issued", "credited_points", "deducted", "spent", "households", "participating", NULL},
			 {"发放积分", "入账积分", "扣减积分", "兑换积分", "在册户数", "参与户数", NULL}, ""},
	[DASH_SHOP] = {"shop", "积分超市",
		       {"receipts", "points", "cost", "low_stock", NULL},
		       {"兑换单数", "兑换积分", "兑换金额（分）", "低库存商品", NULL}, "low_stock"},
	[DASH_EVENTS] = {"events", "民情事件",
			 {"received", "closed", "resolved", "on_time", "rated", "satisfied", "overdue_now", NULL},
			 {"受理数", "办结数", "解决数", "按时办结", "已评价", "满意", "当前超期", NULL}, ""},
	[DASH_GRID] = {"grid", "网格巡查",
		       {"worker_days", "compliant_days", "visits_overdue", NULL},
		       {"应巡人天", "达标人天", "逾期未走访户", NULL}, "worker_days compliant_days"},
	[DASH_LISTS] = {"lists", "清单执行",
			{"started", "closed", "on_time", "overdue_now", NULL},
			{"发起数", "办结数", "按时办结", "当前逾期", NULL}, ""},
	[DASH_DISCLOSURE] = {"disclosure", "三务公开",
			     {"late", "missing", "open_questions", NULL},
			     {"迟公开", "应公开未公开", "未答复提问", NULL}, ""},
	[DASH_PARTY] = {"party", "三会一课",
			{"required", "on_time", "late", "missing", NULL},
			{"应开", "按时召开", "补开", "缺开", NULL}, ""},
	[DASH_EVAL] = {"evaluations", "评选", {"in_progress", NULL}, {"进行中的评选", NULL}, ""},
};

const perm_t dash_section_perms[DASH_NSECTIONS] = {
	[DASH_REGISTER] = P_REGISTER_READ,
	[DASH_POINTS] = P_REGISTER_READ,
	[DASH_SHOP] = P_SHOP_ADMIN | P_AUDIT_READ,
	[DASH_EVENTS] = EVENT_READERS,
	[DASH_GRID] = P_GRID_SUPERVISE,
	[DASH_LISTS] = P_LIST_READ,
	[DASH_DISCLOSURE] = P_DISCLOSE_READ,
	[DASH_PARTY] = P_PARTY_READ,
	[DASH_EVAL] = P_EVAL_ADMIN | P_EVAL_READ,
};


static bool is_grid_level(const struct dash_unit *u)
{
	return !strcmp(u->kind, "grid") || !strcmp(u->kind, "group");
}

static int register_section(struct ctx *c, const struct dash_unit *u, int64_t *v)
{
	struct stats_register s;
	TRY(stats_register(c, u->id, &s));
	v[0] = s.households;
	v[1] = s.registered;
	v[2] = s.accounts;
	/* active users: villager accounts of the unit's households that signed in within a
	 * day and within 30 days (a session begun then) */
	bool grid = !strcmp(u->kind, "grid"), group = !strcmp(u->kind, "group");
	const char *scope = grid ? "h.grid_id = ?" : group ? "h.group_id = ?"
				  : "h.village_id IN (SELECT id FROM org_units WHERE path LIKE ? AND kind = 'village')";
	const char *sql = arena_printf(c->arena,
				       "SELECT count(DISTINCT u.id) FROM users u JOIN residents r ON r.id = u.resident_id "
				       "JOIN households h ON h.id = r.household_id WHERE u.status = 'active' AND %s AND "
				       "EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.created_at >= ?)",
				       scope);
	const char *like = arena_printf(c->arena, "%s%%", u->path);
	if (!sql || !like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < 2; i++) {
		int64_t since = c->now - (i == 0 ? 86400 : 30 * 86400);
		int dbrc = grid || group ? db_get_int(c->db, &v[3 + i], sql, "ii", u->id, since)
					 : db_get_int(c->db, &v[3 + i], sql, "ti", like, since);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "统计活跃用户");
	}
	return RC_OK;
}

static void points_figures(int64_t *v, int64_t issued, int64_t credited_points, int64_t deducted, int64_t spent,
			   int64_t households, int64_t participating)
{
	v[0] = issued;
	v[1] = credited_points;
	v[2] = deducted;
	v[3] = spent;
	v[4] = households;
	v[5] = participating;
}

static int points_section(struct ctx *c, const struct dash_unit *u, const struct ranking_period *p, int64_t *v)
{
	struct stats_points s;
	TRY(stats_points(c, u->id, p->text, &s));
	points_figures(v, s.issued, s.credited_points, s.deducted, s.spent, s.households, s.participating);
	return RC_OK;
}

static int events_section(struct ctx *c, const struct dash_unit *u, const struct ranking_period *p, int64_t *v)
{
	struct event_stats_row *rows, t;
	int n;
	struct event_stats_query q = {.unit_id = u->id, .from = p->start, .to = p->end};
	TRY(events_stats(c, &q, &rows, &n, &t));
	v[0] = t.received;
	v[1] = t.closed;
	v[2] = t.resolved;
	v[3] = t.on_time;
	v[4] = t.rated;
	v[5] = t.satisfied;
	/* overdue now: every open event past its deadline, whenever received (the board) */
	struct event_query eq = {.unit_id = u->id, .overdue = true, .limit = 1};
	struct event *ev;
	return events_list(c, &eq, &ev, &n, &v[6]);
}

static int grid_section(struct ctx *c, const struct dash_unit *u, const char *from, const char *to, int64_t *v)
{
	if (from[0]) {
		struct grid_compliance *g;
		struct grid_settings gs;
		int n;
		TRY(grid_compliance(c, u->id, from, to, &g, &n, &gs));
		v[0] = n;
		for (int i = 0; i < n; i++)
			v[1] += g[i].compliant;
	}
	struct grid_visit_due *d;
	int nd;
	TRY(grid_visits_due(c, u->id, 0, true, &d, &nd));
	v[2] = nd;
	return RC_OK;
}

static int lists_section(struct ctx *c, const struct dash_unit *u, const struct ranking_period *p, int64_t *v)
{
	struct list_stats_row *rows, t;
	int n;
	struct list_stats_query q = {.unit_id = u->id, .from = p->start, .to = p->end};
	TRY(lists_stats(c, &q, &rows, &n, &t));
	v[0] = t.n;
	v[1] = t.closed;
	v[2] = t.on_time;
	/* overdue now: the overdue board's count, whenever started */
	struct list_query lq = {.unit_id = u->id, .board = true, .limit = 1};
	struct list_execution *ex;
	return lists_executions(c, &lq, &ex, &n, &v[3]);
}

static int disclosure_section(struct ctx *c, const struct dash_unit *u, int64_t *v)
{
	struct disc_board b;
	TRY(transparency_board(c, u->id, &b));
	for (int i = 0; i < b.nvillages; i++) {
		v[0] += b.villages[i].late;
		v[1] += b.villages[i].missing;
		v[2] += b.villages[i].open_questions;
	}
	return RC_OK;
}

static int64_t party_int(const struct party_row *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (r->v[i].name && !strcmp(r->v[i].name, name))
			return r->v[i].i;
	return 0;
}

/* the year of the period, no later than this one */
static int party_year(const struct ctx *c, const struct ranking_period *p)
{
	int year = 0, cy, cm, cd;
	time_civil_from_days(time_cn_days(c->now), &cy, &cm, &cd);
	for (const char *s = p->text; *s >= '0' && *s <= '9' && s < p->text + 4; s++)
		year = year * 10 + (*s - '0');
	return year > cy ? cy : year;
}

static int party_section(struct ctx *c, const struct dash_unit *u, const struct ranking_period *p, int64_t *v)
{
	struct party_row r;
	TRY(party_compliance(c, u->id, party_year(c, p), &r));
	v[0] = party_int(&r, "required");
	v[1] = party_int(&r, "on_time");
	v[2] = party_int(&r, "late");
	v[3] = party_int(&r, "missing");
	return RC_OK;
}

static int eval_section(struct ctx *c, const struct dash_unit *u, int64_t *v)
{
	static const char *const running[] = {"nominating", "scoring", "publicity"};
	bool village = !strcmp(u->kind, "village");
	for (size_t s = 0; s < ARRAY_SIZE(running); s++) {
		for (int offset = 0;; offset += 500) {
			struct eval_query q = {.village_id = village ? u->id : 0, .status = running[s], .limit = 500,
					       .offset = offset};
			struct eval_campaign *e;
			int n;
			int64_t total;
			TRY(eval_campaign_list(c, &q, &e, &n, &total));
			for (int i = 0; i < n; i++)
				if (e[i].village_path && !strncmp(e[i].village_path, u->path, strlen(u->path)))
					v[0]++;
			if (n < 500)
				break;
		}
	}
	return RC_OK;
}

/* The days of the period patrol compliance covers: up to today, at most the last 93. */
static void grid_days(const struct ctx *c, const struct ranking_period *p, char from[11], char to[11])
{
	int64_t d0 = time_cn_days(p->start), d1 = time_cn_days(p->end - 1), today = time_cn_days(c->now);
	if (d1 > today)
		d1 = today;
	if (d1 - d0 > 92)
		d0 = d1 - 92;
	from[0] = to[0] = 0;
	if (d1 < d0)
		return;
	time_format_date(time_cn_midnight(d0), from);
	time_format_date(time_cn_midnight(d1), to);
}

/* Which sections the reader may see on the unit (a grid or group shows only its
 * households and patrols). */
static void set_present(const struct ctx *c, struct dash_unit *u)
{
	bool grid_level = is_grid_level(u);
	for (int s = 0; s < DASH_NSECTIONS; s++)
		u->present[s] = access_can(c, dash_section_perms[s], u->path) &&
				(!grid_level || s == DASH_REGISTER || s == DASH_GRID);
}

static int shop_figures(struct ctx *c, const struct ranking_period *p, struct dash_unit *u,
			struct dash_unit *children, int nchildren);

static int fill_section(struct ctx *c, struct dashboard *d, struct dash_unit *u, int s)
{
	int64_t *v = u->v[s];
	switch (s) {
	case DASH_REGISTER: return register_section(c, u, v);
	case DASH_POINTS: return points_section(c, u, &d->period, v);
	case DASH_SHOP: return shop_figures(c, &d->period, u, NULL, 0);
	case DASH_EVENTS: return events_section(c, u, &d->period, v);
	case DASH_GRID: return grid_section(c, u, d->grid_from, d->grid_to, v);
	case DASH_LISTS: return lists_section(c, u, &d->period, v);
	case DASH_DISCLOSURE: return disclosure_section(c, u, v);
	case DASH_PARTY: return party_section(c, u, &d->period, v);
	case DASH_EVAL: return eval_section(c, u, v);
	default: return RC_OK;
	}
}

/* The unit's own figures, but for the sections in `grouped` (filled with its children's). */
static int fill(struct ctx *c, struct dashboard *d, struct dash_unit *u, unsigned grouped)
{
	set_present(c, u);
	for (int s = 0; s < DASH_NSECTIONS; s++)
		if (u->present[s] && !(grouped & (1u << s)))
			TRY(fill_section(c, d, u, s));
	return RC_OK;
}

static int set_unit(struct ctx *c, struct dash_unit *x, const struct org_unit *u)
{
	x->id = u->id;
	x->parent_id = u->parent_id;
	x->kind = arena_strdup(c->arena, u->kind);
	x->name = arena_strdup(c->arena, u->name);
	x->path = arena_strdup(c->arena, u->path);
	return x->kind && x->name && x->path ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

bool dash_any_section(const struct ctx *c, const char *path)
{
	for (int s = 0; s < DASH_NSECTIONS; s++)
		if (access_can(c, dash_section_perms[s], path))
			return true;
	return false;
}

/* ---- the children's figures, one query per section for all of them ----
 * The sections below are filled for a county's towns or a town's villages (and for the
 * unit itself, the sum over them) from one grouped query each, instead of one call per
 * child; each child's figures are those its own dashboard shows (tests/api/dashboards.
 * test.js compares them). A section the reader may not read on the unit itself is
 * filled child by child. */
#define DASH_GROUPED                                                                                       \
	((1u << DASH_EVENTS) | (1u << DASH_REGISTER) | (1u << DASH_POINTS) | (1u << DASH_GRID) | (1u << DASH_SHOP) | \
	 (1u << DASH_DISCLOSURE) | (1u << DASH_EVAL) | (1u << DASH_LISTS) | (1u << DASH_PARTY))

static struct dash_unit *child_of(struct dashboard *d, int64_t id)
{
	for (int i = 0; i < d->nchildren; i++)
		if (d->children[i].id == id)
			return &d->children[i];
	return NULL;
}

static int events_grouped(struct ctx *c, struct dashboard *d, const char *child_kind)
{
	struct event_stats_row *rows, t;
	int n;
	TRY(events_children_stats(c, d->unit.id, child_kind, d->period.start, d->period.end, &rows, &n, &t));
	for (int r = 0; r <= n; r++) {
		const struct event_stats_row *e = r < n ? &rows[r] : &t;
		struct dash_unit *x = r < n ? child_of(d, e->key) : &d->unit;
		if (!x || !x->present[DASH_EVENTS])
			continue;
		int64_t *v = x->v[DASH_EVENTS];
		v[0] = e->received;
		v[1] = e->closed;
		v[2] = e->resolved;
		v[3] = e->on_time;
		v[4] = e->rated;
		v[5] = e->satisfied;
		v[6] = e->overdue_now;
	}
	return RC_OK;
}

/* The points statistics of the unit, which sum every town and village below it from the
 * daily aggregates grouped by village and count the households taking part by village. */
static int points_grouped(struct ctx *c, struct dashboard *d, const char *child_kind)
{
	struct stats_points s;
	TRY(stats_points(c, d->unit.id, d->period.text, &s));
	points_figures(d->unit.v[DASH_POINTS], s.issued, s.credited_points, s.deducted, s.spent, s.households,
		       s.participating);
	for (int i = 0; i < s.nunits; i++) {
		const struct stats_points_unit *k = &s.units[i];
		struct dash_unit *x = child_of(d, k->id);
		if (!x || !x->present[DASH_POINTS] || strcmp(x->kind, child_kind))
			continue;
		points_figures(x->v[DASH_POINTS], k->issued, k->credited_points, k->deducted, k->spent, k->households,
			       k->participating);
	}
	return RC_OK;
}

/* The registered share from the unit's statistics, which count every town and village
 * below it; the active users counted by child in one query each (day, month). */
static int register_grouped(struct ctx *c, struct dashboard *d, const char *child_kind)
{
	struct stats_register s;
	TRY(stats_register(c, d->unit.id, &s));
	int64_t *pv = d->unit.v[DASH_REGISTER];
	pv[0] = s.households;
	pv[1] = s.registered;
	pv[2] = s.accounts;
	for (int i = 0; i < s.nunits; i++) {
		struct dash_unit *x = child_of(d, s.units[i].id);
		if (!x || !x->present[DASH_REGISTER] || strcmp(x->kind, child_kind))
			continue;
		x->v[DASH_REGISTER][0] = s.units[i].households;
		x->v[DASH_REGISTER][1] = s.units[i].registered;
		x->v[DASH_REGISTER][2] = s.units[i].accounts;
	}
	const char *key = !strcmp(child_kind, "village") ? "h.village_id" : "v.parent_id";
	const char *sql = arena_printf(c->arena,
				       "SELECT %s, count(DISTINCT u.id) FROM users u JOIN residents r ON r.id = u.resident_id "
				       "JOIN households h ON h.id = r.household_id JOIN org_units v ON v.id = h.village_id "
				       "WHERE u.status = 'active' AND v.path LIKE ? AND v.kind = 'village' AND "
				       "EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.created_at >= ?) GROUP BY %s",
				       key, key);
	const char *like = arena_printf(c->arena, "%s%%", d->unit.path);
	if (!sql || !like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int k = 0; k < 2; k++) {
		int64_t since = c->now - (k == 0 ? 86400 : 30 * 86400);
		struct db_stmt *st = db_query(c->db, sql, "ti", like, since);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "统计活跃用户");
		int dbrc;
		while ((dbrc = db_step(st)) == DB_ROW) {
			int64_t cnt = db_col_int(st, 1);
			pv[3 + k] += cnt;   /* a user belongs to one household, so to one child */
			struct dash_unit *x = child_of(d, db_col_int(st, 0));
			if (x && x->present[DASH_REGISTER])
				x->v[DASH_REGISTER][3 + k] = cnt;
		}
		db_finalize(st);
		if (dbrc != DB_DONE)
			return ctx_db_fail(c, dbrc, "统计活跃用户");
	}
	return RC_OK;
}

static int grid_grouped(struct ctx *c, struct dashboard *d, const char *child_kind)
{
	struct grid_unit_figures *g;
	int n;
	TRY(grid_unit_figures(c, d->unit.id, child_kind, d->grid_from, d->grid_to, &g, &n));
	for (int i = 0; i < n; i++) {
		struct dash_unit *x = i == 0 ? &d->unit : child_of(d, g[i].unit_id);
		if (!x || !x->present[DASH_GRID])
			continue;
		x->v[DASH_GRID][0] = g[i].worker_days;
		x->v[DASH_GRID][1] = g[i].compliant_days;
		x->v[DASH_GRID][2] = g[i].visits_overdue;
	}
	return RC_OK;
}

/* The child a path lies in (NULL: none shown, or the unit itself). */
static struct dash_unit *child_in(struct dash_unit *children, int n, const char *path)
{
	for (int i = 0; path && i < n; i++)
		if (!strncmp(path, children[i].path, strlen(children[i].path)))
			return &children[i];
	return NULL;
}

static struct dash_unit *child_at(struct dashboard *d, const char *path)
{
	return child_in(d->children, d->nchildren, path);
}

/* The paths of the villages under the unit, for placing a feature's per-village rows. */
struct vpath {
	int64_t id;
	const char *path;
};

static int village_paths(struct ctx *c, const struct dash_unit *u, struct vpath **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, path FROM org_units WHERE kind = 'village' AND path LIKE ?", "t",
				      arena_printf(c->arena, "%s%%", u->path));
	int cap = 0, dbrc = DB_ERROR;
	while (st && (dbrc = db_step(st)) == DB_ROW) {
		struct vpath *g = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!g)
			break;
		*out = g;
		g[*n].id = db_col_int(st, 0);
		g[(*n)++].path = arena_strdup(c->arena, db_col_text(st, 1));
	}
	db_finalize(st);
	if (dbrc == DB_ROW)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "读取村");
}

static const char *path_of(const struct vpath *v, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (v[i].id == id)
			return v[i].path;
	return NULL;
}

/* The shops of the unit or serving a village below it: the sales of the period (a shop
 * may serve several villages: each village's share is counted where it lives) and the
 * goods low in stock of the shops in the unit, each added to the unit and to the child
 * it lies in (children: none for a unit alone). One report per shop serves all. */
static int shop_figures(struct ctx *c, const struct ranking_period *p, struct dash_unit *u,
			struct dash_unit *children, int nchildren)
{
	const char *like = arena_printf(c->arena, "%s%%", u->path);
	struct vpath *vp;
	int nv;
	TRY(village_paths(c, u, &vp, &nv));
	if (!like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db,
				      "SELECT DISTINCT s.id, CASE WHEN o.path LIKE ? THEN 1 ELSE 0 END, o.path FROM shops s "
				      "JOIN org_units o ON o.id = s.unit_id WHERE o.path LIKE ? OR s.id IN "
				      "(SELECT sv.shop_id FROM shop_villages sv JOIN org_units v ON v.id = sv.village_id "
				      "WHERE v.path LIKE ?) ORDER BY s.id",
				      "ttt", like, like, like);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计超市");
	int64_t ids[256];
	bool inside[256];
	const char *paths[256];
	int n = 0, dbrc;
	while ((dbrc = db_step(st)) == DB_ROW && n < 256) {
		ids[n] = db_col_int(st, 0);
		inside[n] = db_col_int(st, 1) != 0;
		paths[n++] = arena_strdup(c->arena, db_col_text(st, 2));
	}
	db_finalize(st);
	if (dbrc != DB_DONE && dbrc != DB_ROW)
		return ctx_db_fail(c, dbrc, "统计超市");
	char from[11], to[11];
	time_format_date(p->start, from);
	time_format_date(p->end - 1, to);
	for (int i = 0; i < n; i++) {
		struct shop_sales s;
		int rc = shop_sales_report(c, ids[i], from, to, &s);
		if (rc == RC_NOT_FOUND || rc == RC_FORBIDDEN) {   /* a shop the reader may not audit */
			ctx_reset(c);
			s.nvillages = 0;   /* its low stock is still counted, as the goods page lists it */
		} else if (rc) {
			return rc;
		}
		for (int k = 0; k < s.nvillages; k++) {
			const char *vpath = path_of(vp, nv, s.villages[k].village_id);
			if (!vpath)
				continue;   /* a village outside the unit */
			struct dash_unit *x[2] = {u, child_in(children, nchildren, vpath)};
			for (int j = 0; j < 2; j++) {
				if (!x[j] || !x[j]->present[DASH_SHOP])
					continue;
				x[j]->v[DASH_SHOP][0] += s.villages[k].receipts;
				x[j]->v[DASH_SHOP][1] += s.villages[k].points;
				x[j]->v[DASH_SHOP][2] += s.villages[k].cost;
			}
		}
		if (inside[i]) {
			struct goods_info *g;
			int ng;
			if (!shop_low_stock(c, ids[i], &g, &ng)) {
				struct dash_unit *x[2] = {u, child_in(children, nchildren, paths[i])};
				for (int j = 0; j < 2; j++)
					if (x[j] && x[j]->present[DASH_SHOP])
						x[j]->v[DASH_SHOP][3] += ng;
			} else {
				ctx_reset(c);
			}
		}
	}
	return RC_OK;
}

/* The disclosure board of the unit lists each village: a child's figures are the sum
 * of its villages' rows (the schedule is the county's, the same for all). */
static int disclosure_grouped(struct ctx *c, struct dashboard *d)
{
	struct disc_board b;
	TRY(transparency_board(c, d->unit.id, &b));
	struct vpath *vp;
	int nv;
	TRY(village_paths(c, &d->unit, &vp, &nv));
	for (int i = 0; i < b.nvillages; i++) {
		struct dash_unit *x[2] = {&d->unit, child_at(d, path_of(vp, nv, b.villages[i].village_id))};
		for (int j = 0; j < 2; j++) {
			if (!x[j] || !x[j]->present[DASH_DISCLOSURE])
				continue;
			x[j]->v[DASH_DISCLOSURE][0] += b.villages[i].late;
			x[j]->v[DASH_DISCLOSURE][1] += b.villages[i].missing;
			x[j]->v[DASH_DISCLOSURE][2] += b.villages[i].open_questions;
		}
	}
	return RC_OK;
}

/* The running evaluations of the unit, each counted in the child its village lies in. */
static int eval_grouped(struct ctx *c, struct dashboard *d)
{
	static const char *const running[] = {"nominating", "scoring", "publicity"};
	for (size_t s = 0; s < ARRAY_SIZE(running); s++) {
		for (int offset = 0;; offset += 500) {
			struct eval_query q = {.status = running[s], .limit = 500, .offset = offset};
			struct eval_campaign *e;
			int n;
			int64_t total;
			TRY(eval_campaign_list(c, &q, &e, &n, &total));
			for (int i = 0; i < n; i++) {
				if (!e[i].village_path || strncmp(e[i].village_path, d->unit.path, strlen(d->unit.path)))
					continue;
				struct dash_unit *x[2] = {&d->unit, child_at(d, e[i].village_path)};
				for (int j = 0; j < 2; j++)
					if (x[j] && x[j]->present[DASH_EVAL])
						x[j]->v[DASH_EVAL][0]++;
			}
			if (n < 500)
				break;
		}
	}
	return RC_OK;
}

/* The list records of every village under the unit in one query, each village's row
 * added to the unit and to the child it lies in. */
static int lists_grouped(struct ctx *c, struct dashboard *d)
{
	struct list_stats_row *rows;
	int n;
	TRY(lists_village_figures(c, d->unit.id, d->period.start, d->period.end, &rows, &n));
	struct vpath *vp;
	int nv;
	TRY(village_paths(c, &d->unit, &vp, &nv));
	for (int i = 0; i < n; i++) {
		const char *path = path_of(vp, nv, rows[i].key);
		if (!path)
			continue;
		struct dash_unit *x[2] = {&d->unit, child_at(d, path)};
		for (int j = 0; j < 2; j++) {
			if (!x[j] || !x[j]->present[DASH_LISTS])
				continue;
			x[j]->v[DASH_LISTS][0] += rows[i].n;
			x[j]->v[DASH_LISTS][1] += rows[i].closed;
			x[j]->v[DASH_LISTS][2] += rows[i].on_time;
			x[j]->v[DASH_LISTS][3] += rows[i].overdue_now;
		}
	}
	return RC_OK;
}

/* The party compliance of the unit lists each branch with its village: a child's
 * figures are the sum of its branches' (the frequencies are the county's). */
static int party_grouped(struct ctx *c, struct dashboard *d)
{
	struct party_row r;
	TRY(party_compliance(c, d->unit.id, party_year(c, &d->period), &r));
	int64_t *pv = d->unit.v[DASH_PARTY];
	pv[0] = party_int(&r, "required");
	pv[1] = party_int(&r, "on_time");
	pv[2] = party_int(&r, "late");
	pv[3] = party_int(&r, "missing");
	const struct party_rows *br = NULL;
	for (int i = 0; i < r.nsubs; i++)
		if (r.subs[i].name && !strcmp(r.subs[i].name, "branches"))
			br = r.subs[i].rows;
	if (!br || !d->nchildren)
		return RC_OK;
	struct vpath *vp;
	int nv;
	TRY(village_paths(c, &d->unit, &vp, &nv));
	for (int i = 0; i < br->n; i++) {
		struct dash_unit *x = child_at(d, path_of(vp, nv, party_int(&br->row[i], "village_id")));
		if (!x || !x->present[DASH_PARTY])
			continue;
		x->v[DASH_PARTY][0] += party_int(&br->row[i], "required");
		x->v[DASH_PARTY][1] += party_int(&br->row[i], "on_time");
		x->v[DASH_PARTY][2] += party_int(&br->row[i], "late");
		x->v[DASH_PARTY][3] += party_int(&br->row[i], "missing");
	}
	return RC_OK;
}

static int grouped_sections(struct ctx *c, struct dashboard *d, const char *child_kind, unsigned grouped)
{
	for (int s = 0; s < DASH_NSECTIONS; s++) {
		if (!(grouped & (1u << s)))
			continue;
		if (d->unit.present[s]) {
			if (s == DASH_EVENTS)
				TRY(events_grouped(c, d, child_kind));
			else if (s == DASH_REGISTER)
				TRY(register_grouped(c, d, child_kind));
			else if (s == DASH_POINTS)
				TRY(points_grouped(c, d, child_kind));
			else if (s == DASH_GRID)
				TRY(grid_grouped(c, d, child_kind));
			else if (s == DASH_SHOP)
				TRY(shop_figures(c, &d->period, &d->unit, d->children, d->nchildren));
			else if (s == DASH_DISCLOSURE)
				TRY(disclosure_grouped(c, d));
			else if (s == DASH_EVAL)
				TRY(eval_grouped(c, d));
			else if (s == DASH_LISTS)
				TRY(lists_grouped(c, d));
			else if (s == DASH_PARTY)
				TRY(party_grouped(c, d));
			continue;
		}
		/* not readable on the unit itself: each child that shows it, by its own call */
		for (int i = 0; i < d->nchildren; i++)
			if (d->children[i].present[s])
				TRY(fill_section(c, d, &d->children[i], s));
	}
	return RC_OK;
}

enum result dashboard_get(struct ctx *c, int64_t unit_id, const char *period, struct dashboard *out)
{
	memset(out, 0, sizeof(*out));
	if (unit_id <= 0)
		ctx_field(c, "unit_id", "必填：区县、乡镇、村或网格的编号");
	if (period && period[0]) {
		rankings_check_period(c, period, &out->period);
	} else {
		struct civil cv;
		time_to_cn(c->now, &cv);
		char text[8];
		snprintf(text, sizeof(text), "%04d-%02d", cv.year, cv.month);
		rankings_check_period(c, text, &out->period);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct org_unit u;
	int rc = org_read(c, unit_id, &u);
	if (rc)
		return rc;
	if (strcmp(u.kind, "county") && strcmp(u.kind, "town") && strcmp(u.kind, "village") && strcmp(u.kind, "grid") &&
	    strcmp(u.kind, "group"))
		return ctx_field(c, "unit_id", "看板按区县、乡镇、村或网格查看，请选择其中之一");
	if (!dash_any_section(c, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权查看%s的看板", u.name);
	grid_days(c, &out->period, out->grid_from, out->grid_to);
	TRY(set_unit(c, &out->unit, &u));
	unsigned grouped = !strcmp(u.kind, "county") || !strcmp(u.kind, "town") ? DASH_GROUPED : 0;
	TRY(fill(c, out, &out->unit, grouped));

	/* the children: the towns of a county, the villages of a town */
	const char *child_kind = !strcmp(u.kind, "county") ? "town" : !strcmp(u.kind, "town") ? "village" : NULL;
	if (!child_kind)
		return RC_OK;
	struct db_stmt *st = db_query(c->db,
				      "SELECT id FROM org_units WHERE parent_id = ? AND kind = ? ORDER BY code, id", "it",
				      u.id, child_kind);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取下级单位");
	int64_t ids[DASH_CHILDREN_MAX];
	int n = 0, dbrc;
	while (n < DASH_CHILDREN_MAX && (dbrc = db_step(st)) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_finalize(st);
	if (dbrc != DB_DONE && dbrc != DB_ROW)
		return ctx_db_fail(c, dbrc, "读取下级单位");
	out->children = arena_alloc(c->arena, sizeof(*out->children) * (size_t)(n + 1));
	if (!out->children)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < n; i++) {
		struct org_unit cu;
		TRY(org_find(c, ids[i], &cu));
		if (!access_touches(c, cu.path))
			continue;
		struct dash_unit *x = &out->children[out->nchildren++];
		TRY(set_unit(c, x, &cu));
		TRY(fill(c, out, x, grouped));
	}
	return grouped_sections(c, out, child_kind, grouped);
}

enum result dashboard_xlsx(struct ctx *c, int64_t unit_id, const char *period, struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	struct dashboard d;
	int rc = dashboard_get(c, unit_id, period, &d);
	if (rc)
		return rc;
	struct xlsx x;
	if ((rc = xlsx_open(c, &x, false)))
		return rc;
	const char *const info[][2] = {{"单位", d.unit.name}, {"统计期", d.period.label},
				       {"说明", "每个数字由各模块自己的统计得出；当前超期、逾期、迟公开为导出时的状态"}};
	xlsx_info_sheet(&x, info, ARRAY_SIZE(info));
	for (int s = 0; s < DASH_NSECTIONS; s++) {
		if (!d.unit.present[s])
			continue;
		const struct dash_section_def *def = &dash_sections[s];
		const char *cols[DASH_FIGS_MAX + 2] = {"单位"};
		double widths[DASH_FIGS_MAX + 2] = {20};
		int nf = 0;
		for (; def->figures[nf]; nf++) {
			cols[nf + 1] = def->labels[nf];
			widths[nf + 1] = 14;
		}
		cols[nf + 1] = NULL;
		lxw_worksheet *ws = workbook_add_worksheet(x.wb, def->title);
		xlsx_header_row(&x, ws, cols, widths);
		for (int r = 0; r <= d.nchildren; r++) {
			const struct dash_unit *u = r == 0 ? &d.unit : &d.children[r - 1];
			worksheet_write_string(ws, (lxw_row_t)(r + 1), 0, u->name, NULL);
			for (int f = 0; f < nf; f++)
				worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)(f + 1), (double)u->v[s][f], x.num);
		}
	}
	if ((rc = xlsx_finish(c, &x, out)))
		return rc;
	snprintf(out->name, sizeof(out->name), "%s看板_%s.xlsx", d.unit.name, d.period.text);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "dashboard-%lld-%s.xlsx", (long long)d.unit.id, d.period.text);
	return RC_OK;
}

/* ---- the monthly report ---- */

/* "YYYY-MM" of the month dm months from y-m */
static void month_text(int y, int m, int dm, char out[8])
{
	int k = y * 12 + (m - 1) + dm;
	snprintf(out, 8, "%04d-%02d", k / 12, k % 12 + 1);
}

static const struct dash_unit *same_unit(const struct dashboard *d, int64_t id)
{
	if (d->unit.id == id)
		return &d->unit;
	for (int i = 0; i < d->nchildren; i++)
		if (d->children[i].id == id)
			return &d->children[i];
	return NULL;
}

enum result dashboard_report_xlsx(struct ctx *c, int64_t unit_id, const char *period, struct export_file *out)
{
	memset(out, 0, sizeof(*out));
	char month[8];
	if (period && period[0]) {
		bool ok = strlen(period) == 7 && period[4] == '-';
		for (int i = 0; ok && i < 7; i++)
			ok = i == 4 || (period[i] >= '0' && period[i] <= '9');
		if (!ok)
			return ctx_field(c, "period", "月报按月编制，请写成 YYYY-MM，例如 2026-11");
		snprintf(month, sizeof(month), "%s", period);
	} else {
		struct civil cv;
		time_to_cn(c->now, &cv);
		snprintf(month, sizeof(month), "%04d-%02d", cv.year, cv.month);
	}
	struct dashboard *d = arena_alloc(c->arena, sizeof(*d) * 3);
	if (!d)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	TRY(dashboard_get(c, unit_id, month, &d[0]));
	int y = (month[0] - '0') * 1000 + (month[1] - '0') * 100 + (month[2] - '0') * 10 + (month[3] - '0');
	int m = (month[5] - '0') * 10 + (month[6] - '0');
	char prev[8], last[8];
	month_text(y, m, -1, prev);
	month_text(y, m, -12, last);
	TRY(dashboard_get(c, unit_id, prev, &d[1]));
	TRY(dashboard_get(c, unit_id, last, &d[2]));
	struct xlsx x;
	int rc;
	if ((rc = xlsx_open(c, &x, false)))
		return rc;
	const char *const info[][2] = {
		{"单位", d[0].unit.name}, {"月份", d[0].period.label}, {"上月", d[1].period.label}, {"去年同月", d[2].period.label},
		{"说明", "每个数字由各模块自己的统计得出，与看板相同；当前超期、逾期、迟公开等为导出时的状态，三个月份相同"}};
	xlsx_info_sheet(&x, info, ARRAY_SIZE(info));
	for (int s = 0; s < DASH_NSECTIONS; s++) {
		if (!d[0].unit.present[s])
			continue;
		const struct dash_section_def *def = &dash_sections[s];
		int nf = 0;
		while (def->figures[nf])
			nf++;
		const char *cols[1 + 3 * DASH_FIGS_MAX + 1] = {"单位"};
		double widths[1 + 3 * DASH_FIGS_MAX + 1] = {16};
		static const char *const which[3] = {"本月", "上月", "去年同月"};
		for (int f = 0; f < nf; f++)
			for (int k = 0; k < 3; k++) {
				cols[1 + 3 * f + k] = arena_printf(c->arena, "%s（%s）", def->labels[f], which[k]);
				widths[1 + 3 * f + k] = 14;
			}
		cols[1 + 3 * nf] = NULL;
		lxw_worksheet *ws = workbook_add_worksheet(x.wb, def->title);
		xlsx_header_row(&x, ws, cols, widths);
		for (int r = 0; r <= d[0].nchildren; r++) {
			const struct dash_unit *u = r == 0 ? &d[0].unit : &d[0].children[r - 1];
			worksheet_write_string(ws, (lxw_row_t)(r + 1), 0, u->name, NULL);
			for (int k = 0; k < 3; k++) {
				const struct dash_unit *v = same_unit(&d[k], u->id);
				for (int f = 0; v && v->present[s] && f < nf; f++)
					worksheet_write_number(ws, (lxw_row_t)(r + 1), (lxw_col_t)(1 + 3 * f + k), (double)v->v[s][f], x.num);
			}
		}
	}
	if ((rc = xlsx_finish(c, &x, out)))
		return rc;
	snprintf(out->name, sizeof(out->name), "%s月报_%s.xlsx", d[0].unit.name, month);
	snprintf(out->ascii_name, sizeof(out->ascii_name), "monthly-report-%lld-%s.xlsx", (long long)d[0].unit.id, month);
	return RC_OK;
}
