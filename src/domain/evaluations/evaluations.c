/* Evaluations 评选 (see evaluations.h): campaigns with criteria and a named panel,
 * nominations, the panel's scores, the ranking by a trimmed mean, 公示 with objections,
 * and publication that credits the winners through the ledger and tags them. */
#include "domain/evaluations/evaluations.h"
#include "domain/grid/grid.h"
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/files.h"
#include "domain/kernel/org.h"
#include "domain/kernel/scope.h"
#include "domain/points/points.h"
#include "domain/register/register.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#include <stdlib.h>

#define READERS (P_EVAL_ADMIN | P_EVAL_READ)

/* ---- the score (pure) ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int64_t div_round(int64_t num, int64_t den)
{
	if (den <= 0)
		return 0;
	return num >= 0 ? (2 * num + den) / (2 * den) : -((2 * -num + den) / (2 * den));
}

int64_t eval_trimmed_mean(const int64_t *v, int n)
{
	if (n <= 0)
		return 0;
	int64_t s[64];
	int m = n < 64 ? n : 64;
	memcpy(s, v, sizeof(*s) * (size_t)m);
	qsort(s, (size_t)m, sizeof(*s), cmp_i64);
	int from = 0, to = m;
	if (m >= 5) {
		from = 1;
		to = m - 1;
	}
	int64_t sum = 0;
	for (int i = from; i < to; i++)
		sum += s[i];
	return div_round(sum, to - from);
}

int64_t eval_member_total(const int *scores, const int *weights, int n)
{
	int64_t num = 0, den = 0;
	for (int i = 0; i < n; i++) {
		num += (int64_t)scores[i] * weights[i] * 100;
		den += weights[i];
	}
	return div_round(num, den);
}

/* ---- loading ---- */

#define C_COLS                                                                                            \
	"c.id, c.village_id, v.name, v.path, c.kind, c.title, c.period_from, c.period_to, c.status, "        \
	"c.tag_name, c.points, c.winners, c.publicity_days, COALESCE(c.publicity_ends_at, 0), "              \
	"COALESCE(c.published_at, 0), c.created_at, c.updated_at, "                                          \
	"(SELECT count(*) FROM eval_nominations n WHERE n.campaign_id = c.id) "
#define C_FROM "FROM eval_campaigns c JOIN org_units v ON v.id = c.village_id "

static const char *dup(struct ctx *c, struct db_stmt *st, int col)
{
	const char *s = arena_strdup(c->arena, db_col_text(st, col));
	return s ? s : "";
}

static void read_campaign(struct ctx *c, struct db_stmt *st, struct eval_campaign *e)
{
	memset(e, 0, sizeof(*e));
	e->id = db_col_int(st, 0);
	e->village_id = db_col_int(st, 1);
	e->village_name = dup(c, st, 2);
	e->village_path = dup(c, st, 3);
	e->kind = dup(c, st, 4);
	e->title = dup(c, st, 5);
	e->period_from = dup(c, st, 6);
	e->period_to = dup(c, st, 7);
	e->status = dup(c, st, 8);
	e->tag_name = dup(c, st, 9);
	e->points = (int)db_col_int(st, 10);
	e->winners = (int)db_col_int(st, 11);
	e->publicity_days = (int)db_col_int(st, 12);
	e->publicity_ends_at = db_col_int(st, 13);
	e->published_at = db_col_int(st, 14);
	e->created_at = db_col_int(st, 15);
	e->updated_at = db_col_int(st, 16);
	e->nnominations = (int)db_col_int(st, 17);
}

static int load_campaign(struct ctx *c, int64_t id, struct eval_campaign *e)
{
	struct db_stmt *st = db_query(c->db, "SELECT " C_COLS C_FROM "WHERE c.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取评选");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_campaign(c, st, e);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "评选不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取评选");
}

static bool on_panel(struct ctx *c, int64_t campaign_id)
{
	if (!c->actor)
		return false;
	int64_t n = 0;
	return db_get_int(c->db, &n, "SELECT count(*) FROM eval_panel WHERE campaign_id = ? AND user_id = ?", "ii",
			  campaign_id, c->actor->user_id) == DB_OK && n > 0;
}

/* True when the actor may nominate in the village: P_EVAL_NOMINATE on it or on a unit
 * inside it (a grid worker's grid). */
static bool nominator_in(const struct ctx *c, const char *vpath)
{
	if (c->system)
		return true;
	const char *paths[CTX_MAX_GRANTS];
	int n = access_scopes(c, P_EVAL_NOMINATE, paths, CTX_MAX_GRANTS);
	size_t vl = strlen(vpath);
	for (int i = 0; i < n; i++) {
		size_t pl = strlen(paths[i]);
		if (!strncmp(paths[i], vpath, pl < vl ? pl : vl))
			return true;
	}
	return false;
}

/* True when the actor is a villager of the village (objections are the villagers'). */
static bool villager_of(const struct ctx *c, const char *vpath)
{
	if (!c->actor)
		return false;
	for (int i = 0; i < c->actor->ngrants; i++)
		if (!strcmp(c->actor->grants[i].role, "villager") &&
		    !strncmp(c->actor->grants[i].path, vpath, strlen(vpath)))
			return true;
	return false;
}

/* Fills the actor's flags; RC_NOT_FOUND when the actor may not see the campaign. */
static int check_visible(struct ctx *c, struct eval_campaign *e)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	e->can_admin = access_can(c, P_EVAL_ADMIN, e->village_path);
	e->is_panel = on_panel(c, e->id);
	bool reader = access_can(c, READERS, e->village_path);
	bool draft = !strcmp(e->status, "draft");
	if (!reader && !e->is_panel && (draft || !access_touches(c, e->village_path)))
		return ctx_fail(c, RC_NOT_FOUND, "评选不存在");
	if (e->is_panel && draft && !reader)
		return ctx_fail(c, RC_NOT_FOUND, "评选不存在");
	bool nominating = !strcmp(e->status, "nominating");
	e->can_nominate = nominating && nominator_in(c, e->village_path);
	e->can_self_nominate = nominating && c->actor && c->actor->household_id && access_has_role(c, "villager");
	e->can_object = !strcmp(e->status, "publicity") && villager_of(c, e->village_path);
	e->ranking_visible = reader || !strcmp(e->status, "publicity") || !strcmp(e->status, "published");
	return RC_OK;
}

/* A campaign the actor may see (404 otherwise). */
static int load_visible(struct ctx *c, int64_t id, struct eval_campaign *e)
{
	int rc = load_campaign(c, id, e);
	return rc ? rc : check_visible(c, e);
}

/* A campaign the actor manages (P_EVAL_ADMIN): 403 "只有…的干部可以{doing}" when they
 * see it but may not, 404 when they do not see it — with missing as the message when
 * the campaign was reached through one of its records. */
static int load_to_manage(struct ctx *c, int64_t id, struct eval_campaign *e, const char *missing, const char *doing)
{
	int rc = load_campaign(c, id, e);
	if (rc || c->system || access_can(c, P_EVAL_ADMIN, e->village_path))
		return rc;
	if (check_visible(c, e)) {
		if (!missing)
			return c->err.code;
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "%s", missing);
	}
	return ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以%s", e->village_name, doing);
}

static int load_details(struct ctx *c, struct eval_campaign *e)
{
	int cap = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, name, weight, min_score, max_score FROM eval_criteria "
					     "WHERE campaign_id = ? ORDER BY ord", "i", e->id);
	while (st && db_step(st) == DB_ROW) {
		if (!(e->criteria = arena_grow(c->arena, e->criteria, &cap, e->ncriteria, sizeof(*e->criteria))))
			break;
		struct eval_criterion *k = &e->criteria[e->ncriteria++];
		k->id = db_col_int(st, 0);
		k->name = dup(c, st, 1);
		k->weight = (int)db_col_int(st, 2);
		k->min_score = (int)db_col_int(st, 3);
		k->max_score = (int)db_col_int(st, 4);
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取评分项");
	cap = 0;
	st = db_query(c->db, "SELECT p.user_id, u.name, p.label, (SELECT count(*) FROM eval_scores s JOIN eval_nominations n "
			     "ON n.id = s.nomination_id WHERE n.campaign_id = p.campaign_id AND s.member_id = p.user_id) "
			     "FROM eval_panel p JOIN users u ON u.id = p.user_id WHERE p.campaign_id = ? ORDER BY p.user_id",
		      "i", e->id);
	while (st && db_step(st) == DB_ROW) {
		if (!(e->panel = arena_grow(c->arena, e->panel, &cap, e->npanel, sizeof(*e->panel))))
			break;
		struct eval_member *m = &e->panel[e->npanel++];
		m->user_id = db_col_int(st, 0);
		m->name = dup(c, st, 1);
		m->label = dup(c, st, 2);
		m->scored = (int)db_col_int(st, 3);
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取评分小组");
	return RC_OK;
}

/* The ranking order (see evaluations.h): final, then scores, then untrimmed mean, then
 * the earlier nomination. */
static int cmp_rank(const void *a, const void *b)
{
	const struct eval_nomination *x = a, *y = b;
	if (x->final_x100 != y->final_x100)
		return x->final_x100 > y->final_x100 ? -1 : 1;
	if (x->nscores != y->nscores)
		return x->nscores > y->nscores ? -1 : 1;
	if (x->mean_x100 != y->mean_x100)
		return x->mean_x100 > y->mean_x100 ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Nominations with their scores; computes the final scores and ranks (stored ones when
 * the ranking is fixed). Scores are listed for readers, and a member's own. */
static int load_nominations(struct ctx *c, struct eval_campaign *e, bool with_scores)
{
	bool fixed = !strcmp(e->status, "publicity") || !strcmp(e->status, "published");
	int cap = 0;
	struct db_stmt *st = db_query(c->db, "SELECT n.id, n.household_id, h.number, COALESCE(" PEOPLE_HEAD_NAME("n.household_id")
					     ", ''), n.how, n.note, COALESCE(u.name, ''), n.created_at, "
					     "COALESCE(n.final_x100, 0), COALESCE(n.nscores, 0), COALESCE(n.rank_no, 0), n.winner, "
					     "COALESCE(n.ledger_id, 0) FROM eval_nominations n JOIN households h ON h.id = n.household_id "
					     "LEFT JOIN users u ON u.id = n.nominated_by WHERE n.campaign_id = ? ORDER BY n.id",
				      "i", e->id);
	while (st && db_step(st) == DB_ROW) {
		if (!(e->nominations = arena_grow(c->arena, e->nominations, &cap, e->nnoms, sizeof(*e->nominations))))
			break;
		struct eval_nomination *m = &e->nominations[e->nnoms++];
		memset(m, 0, sizeof(*m));
		m->id = db_col_int(st, 0);
		m->household_id = db_col_int(st, 1);
		m->household_number = dup(c, st, 2);
		m->head_name = dup(c, st, 3);
		m->how = dup(c, st, 4);
		m->note = dup(c, st, 5);
		m->nominated_by_name = dup(c, st, 6);
		m->created_at = db_col_int(st, 7);
		if (fixed) {
			m->final_x100 = db_col_int(st, 8);
			m->nscores = (int)db_col_int(st, 9);
			m->rank = (int)db_col_int(st, 10);
		}
		m->winner = fixed && db_col_int(st, 11);
		m->credited = db_col_int(st, 12) != 0;
		m->mine = c->actor && c->actor->household_id == m->household_id;
		m->own_household = m->mine;
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取提名");
	bool reader = c->system || access_can(c, READERS, e->village_path);
	int64_t me = c->actor ? c->actor->user_id : 0;
	st = db_query(c->db, "SELECT s.id, s.nomination_id, s.member_id, u.name, s.total_x100, s.items, s.photos, s.note, "
			     "s.updated_at FROM eval_scores s JOIN eval_nominations n ON n.id = s.nomination_id "
			     "JOIN users u ON u.id = s.member_id WHERE n.campaign_id = ? ORDER BY s.nomination_id, s.id",
		      "i", e->id);
	/* per nomination: totals for the computation */
	int64_t *totals = arena_alloc(c->arena, sizeof(int64_t) * 64 * (size_t)(e->nnoms ? e->nnoms : 1));
	int *ntot = arena_alloc(c->arena, sizeof(int) * (size_t)(e->nnoms ? e->nnoms : 1));
	int *caps = arena_alloc(c->arena, sizeof(int) * (size_t)(e->nnoms ? e->nnoms : 1));
	if (!totals || !ntot || !caps) {
		db_finalize(st);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	int k = 0;
	while (st && db_step(st) == DB_ROW) {
		int64_t nid = db_col_int(st, 1);
		while (k < e->nnoms && e->nominations[k].id != nid)
			k++;
		if (k == e->nnoms)
			break;
		struct eval_nomination *m = &e->nominations[k];
		int64_t member = db_col_int(st, 2);
		if (ntot[k] < 64)
			totals[k * 64 + ntot[k]++] = db_col_int(st, 4);
		if (member == me)
			m->my_scored = true;
		if (!with_scores || (!reader && member != me))
			continue;
		if (!(m->scores = arena_grow(c->arena, m->scores, &caps[k], m->nscores_listed, sizeof(*m->scores))))
			break;
		struct eval_score *s = &m->scores[m->nscores_listed++];
		memset(s, 0, sizeof(*s));
		s->id = db_col_int(st, 0);
		s->member_id = member;
		s->member_name = dup(c, st, 3);
		s->total_x100 = db_col_int(st, 4);
		const char *items = db_col_text(st, 5);
		for (const char *p = items; p && *p && s->nitems < EVAL_CRITERIA_MAX;) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			int64_t v = 0;
			num_parse_i64n(p, len, 0, EVAL_SCORE_MAX, &v);
			s->items[s->nitems++] = (int)v;
			if (!end)
				break;
			p = end + 1;
		}
		const char *photos = dup(c, st, 6);
		for (const char *p = photos; *p && s->nphotos < EVAL_PHOTOS_MAX;) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			char *h = arena_alloc(c->arena, len + 1);
			if (!h)
				break;
			memcpy(h, p, len);
			s->photos[s->nphotos++] = h;
			if (!end)
				break;
			p = end + 1;
		}
		s->note = dup(c, st, 7);
		s->updated_at = db_col_int(st, 8);
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取评分");
	for (int i = 0; i < e->nnoms; i++) {
		struct eval_nomination *m = &e->nominations[i];
		int64_t sum = 0;
		for (int j = 0; j < ntot[i]; j++)
			sum += totals[i * 64 + j];
		m->mean_x100 = ntot[i] ? div_round(sum, ntot[i]) : 0;
		if (!fixed) {
			m->nscores = ntot[i];
			m->final_x100 = eval_trimmed_mean(&totals[i * 64], ntot[i]);
		}
	}
	if (e->ranking_visible || c->system) {
		if (e->nnoms > 1)
			qsort(e->nominations, (size_t)e->nnoms, sizeof(*e->nominations), cmp_rank);
		if (!fixed)
			for (int i = 0; i < e->nnoms; i++) {
				e->nominations[i].rank = i + 1;
				e->nominations[i].winner = i < e->winners && e->nominations[i].nscores > 0;
			}
	} else {
		for (int i = 0; i < e->nnoms; i++) {
			e->nominations[i].final_x100 = 0;
			e->nominations[i].mean_x100 = 0;
			e->nominations[i].rank = 0;
		}
	}
	return RC_OK;
}

static int load_objections(struct ctx *c, struct eval_campaign *e, bool names)
{
	int cap = 0;
	struct db_stmt *st = db_query(c->db, "SELECT o.id, u.name, o.reason, o.status, o.decision, o.created_at, "
					     "COALESCE(o.decided_at, 0) FROM eval_objections o JOIN users u ON u.id = o.user_id "
					     "WHERE o.campaign_id = ? ORDER BY o.id", "i", e->id);
	while (st && db_step(st) == DB_ROW) {
		if (!(e->objections = arena_grow(c->arena, e->objections, &cap, e->nobjections, sizeof(*e->objections))))
			break;
		struct eval_objection *o = &e->objections[e->nobjections++];
		o->id = db_col_int(st, 0);
		const char *name = dup(c, st, 1);
		o->objector_name = names ? name : "村民";
		o->reason = dup(c, st, 2);
		o->status = dup(c, st, 3);
		o->decision = dup(c, st, 4);
		o->created_at = db_col_int(st, 5);
		o->decided_at = db_col_int(st, 6);
	}
	db_finalize(st);
	return st ? RC_OK : ctx_db_fail(c, DB_ERROR, "读取异议");
}

enum result eval_campaign_get(struct ctx *c, int64_t id, struct eval_campaign *out)
{
	int rc = load_visible(c, id, out);
	if (!rc)
		rc = load_details(c, out);
	if (!rc)
		rc = load_nominations(c, out, true);
	if (!rc)
		rc = load_objections(c, out, c->system || access_can(c, READERS, out->village_path));
	return rc;
}

enum result eval_campaign_public(struct ctx *c, int64_t id, struct eval_campaign *out)
{
	int rc = load_campaign(c, id, out);
	if (rc)
		return rc;
	if (strcmp(out->status, "published") && strcmp(out->status, "publicity"))
		return ctx_fail(c, RC_NOT_FOUND, "评选不存在");
	out->ranking_visible = true;
	rc = load_details(c, out);
	if (!rc)
		rc = load_nominations(c, out, false);
	for (int i = 0; i < out->npanel; i++)
		out->panel[i].name = "";
	/* a public page shows heads' names masked (张*华), as the public rankings do */
	for (int i = 0; !rc && i < out->nnoms; i++) {
		char masked[128];
		utf8_mask_name(out->nominations[i].head_name, masked, sizeof(masked));
		const char *m = arena_strdup(c->arena, masked);
		out->nominations[i].head_name = m ? m : "";
		out->nominations[i].mine = out->nominations[i].own_household = false;
	}
	return rc;
}

enum result eval_campaign_list(struct ctx *c, const struct eval_query *q, struct eval_campaign **out, int *n,
			       int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	static const char *const statuses[] = {"draft", "nominating", "scoring", "publicity", "published", NULL};
	bool running = q->status && !strcmp(q->status, "running");
	bool ok = !q->status || running;
	for (int i = 0; !ok && statuses[i]; i++)
		ok = !strcmp(q->status, statuses[i]);
	if (!ok)
		ctx_field(c, "status", "应为 draft、nominating、scoring、publicity、published 或 running（进行中）");
	struct org_unit u = {0}, scope_unit = {0};
	if (q->unit_id) {
		int rc = org_find(c, q->unit_id, &scope_unit);
		if (rc == RC_NOT_FOUND || (!rc && !access_touches(c, scope_unit.path)))
			return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
		if (rc)
			return rc;
	}
	if (q->village_id) {
		int rc = org_find(c, q->village_id, &u);
		if (rc == RC_NOT_FOUND || (!rc && strcmp(u.kind, "village")))
			ctx_field(c, "village_id", "请选择村");
		else if (rc)
			return rc;
		else if (!access_touches(c, u.path))
			return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct buf where;
	struct db_args a = {0};
	buf_init(&where, 2048);
	buf_adds(&where, "WHERE ((0 = 1)");
	/* readers: everything in their scope */
	struct buf sc;
	buf_init(&sc, 1024);
	if (scope_where(c, READERS, SCOPE_UNIT("v"), &sc, &a) > 0) {
		buf_adds(&where, " OR ");
		buf_adds(&where, sc.ptr ? sc.ptr : "(0 = 1)");
	}
	buf_release(&sc);
	/* everyone else: past draft, in a village their grants touch, or on the panel */
	const char *vpaths[CTX_MAX_GRANTS];
	int nv = 0;
	for (int i = 0; c->actor && i < c->actor->ngrants && nv < CTX_MAX_GRANTS; i++) {
		const struct grant *g = &c->actor->grants[i];
		if (!strcmp(g->unit_kind, "village")) {
			vpaths[nv++] = g->path;
		} else if (!strcmp(g->unit_kind, "group") || !strcmp(g->unit_kind, "grid")) {
			struct db_stmt *st = db_query(c->db, "SELECT path FROM org_units WHERE kind = 'village' AND ? LIKE path || '%'",
						      "t", g->path);
			if (st && db_step(st) == DB_ROW)
				vpaths[nv++] = dup(c, st, 0);
			db_finalize(st);
		}
	}
	buf_adds(&where, " OR (c.status <> 'draft' AND (c.id IN (SELECT campaign_id FROM eval_panel WHERE user_id = ?)");
	db_args_int(&a, c->actor ? c->actor->user_id : 0);
	if (nv) {
		buf_adds(&where, " OR ");
		scope_where_paths(c, vpaths, nv, SCOPE_UNIT("v"), &where, &a);
	}
	buf_adds(&where, ")))");
	if (q->village_id) {
		buf_adds(&where, " AND c.village_id = ?");
		db_args_int(&a, q->village_id);
	}
	if (q->unit_id) {
		buf_adds(&where, " AND v.path LIKE ?");
		db_args_text(&a, arena_printf(c->arena, "%s%%", scope_unit.path));
	}
	if (running) {
		buf_adds(&where, " AND c.status IN ('nominating', 'scoring', 'publicity')");
	} else if (q->status) {
		buf_adds(&where, " AND c.status = ?");
		db_args_text(&a, q->status);
	}
	if (q->panel) {
		buf_adds(&where, " AND c.id IN (SELECT campaign_id FROM eval_panel WHERE user_id = ?)");
		db_args_int(&a, c->actor ? c->actor->user_id : 0);
	}
	char *count_sql = arena_printf(c->arena, "SELECT count(*) " C_FROM "%s", where.ptr ? where.ptr : "");
	char *page_sql = arena_printf(c->arena, "SELECT " C_COLS C_FROM "%s ORDER BY c.created_at DESC, c.id DESC "
						"LIMIT ? OFFSET ?", where.ptr ? where.ptr : "");
	bool failed = where.failed || a.failed;
	buf_release(&where);
	if (failed || !count_sql || !page_sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int dbrc = db_get_int_args(c->db, total, count_sql, &a);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取评选");
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	struct db_stmt *st = db_query_args(c->db, page_sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取评选");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(q->limit > 0 ? q->limit : 1));
	while (*out && *n < q->limit && db_step(st) == DB_ROW) {
		struct eval_campaign *e = &(*out)[(*n)++];
		read_campaign(c, st, e);
		e->can_admin = access_can(c, P_EVAL_ADMIN, e->village_path);
		e->is_panel = on_panel(c, e->id);
	}
	db_finalize(st);
	return *out ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

/* ---- campaigns ---- */

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* True when the user belongs to the village: a resident of one of its households, or
 * a grant on the village or a unit inside it. */
static bool user_of_village(struct ctx *c, int64_t user_id, const char *vpath)
{
	int64_t n = 0;
	int rc = db_get_int(c->db, &n, "SELECT (SELECT count(*) FROM users u JOIN residents r ON r.id = u.resident_id "
				       "JOIN households h ON h.id = r.household_id JOIN org_units v ON v.id = h.village_id "
				       "WHERE u.id = ? AND u.status = 'active' AND v.path = ?) + (SELECT count(*) FROM role_grants g "
				       "JOIN org_units x ON x.id = g.unit_id JOIN users u ON u.id = g.user_id WHERE g.user_id = ? "
				       "AND u.status = 'active' AND x.path LIKE ?)",
			    "itit", user_id, vpath, user_id, arena_printf(c->arena, "%s%%", vpath));
	return rc == DB_OK && n > 0;
}

static void check_campaign(struct ctx *c, const struct eval_campaign_input *in, const char *vpath)
{
	ctx_check_text(c, "kind", in->kind, EVAL_KIND_MAX, CTX_TEXT_REQUIRED, "评选类别");
	if (in->kind && in->kind[0] && blank(in->kind))
		ctx_field(c, "kind", "评选类别不能为空");
	ctx_check_text(c, "title", in->title, EVAL_TITLE_MAX, CTX_TEXT_REQUIRED, "标题");
	if (in->title && in->title[0] && blank(in->title))
		ctx_field(c, "title", "标题不能为空");
	int64_t from = 0, to = 0;
	bool fok = in->period_from && !time_parse_date(in->period_from, &from);
	bool tok = in->period_to && !time_parse_date(in->period_to, &to);
	if (!fok)
		ctx_field(c, "period_from", "开始日期格式应为 2026-01-01");
	if (!tok)
		ctx_field(c, "period_to", "结束日期格式应为 2026-06-30");
	if (fok && tok && to < from)
		ctx_field(c, "period_to", "结束日期不能早于开始日期");
	if (in->points < 0 || in->points > EVAL_POINTS_MAX)
		ctx_field(c, "points", "积分应在 0–%d 之间", EVAL_POINTS_MAX);
	if (in->winners < 1 || in->winners > EVAL_NOMINEES_MAX)
		ctx_field(c, "winners", "获评户数应在 1–%d 之间", EVAL_NOMINEES_MAX);
	if (in->publicity_days < 1 || in->publicity_days > EVAL_DAYS_MAX)
		ctx_field(c, "publicity_days", "公示天数应在 1–%d 天之间", EVAL_DAYS_MAX);
	ctx_check_text(c, "tag_name", in->tag_name, 12, CTX_TEXT_OPTIONAL, "标签");
	if (in->tag_name && in->tag_name[0]) {
		int64_t n = 0;
		if (db_get_int(c->db, &n, "SELECT count(*) FROM tags WHERE name = ? AND active = 1", "t", in->tag_name) != DB_OK ||
		    !n)
			ctx_field(c, "tag_name", "标签“%s”不存在", in->tag_name);
	}
	if (in->ncriteria < 1 || in->ncriteria > EVAL_CRITERIA_MAX)
		ctx_field(c, "criteria", "评分项应有 1–%d 项", EVAL_CRITERIA_MAX);
	for (int i = 0; i < in->ncriteria && i < EVAL_CRITERIA_MAX; i++) {
		const struct eval_criterion_input *k = &in->criteria[i];
		char field[32];
		snprintf(field, sizeof(field), "criteria[%d]", i);
		if (!k->name || !k->name[0] || blank(k->name))
			ctx_field(c, field, "第 %d 个评分项的名称不能为空", i + 1);
		else
			ctx_check_text(c, field, k->name, EVAL_CRITERION_MAX, CTX_TEXT_REQUIRED, "评分项名称");
		if (k->weight < 1 || k->weight > EVAL_WEIGHT_MAX)
			ctx_field(c, field, "第 %d 个评分项的权重应在 1–%d 之间", i + 1, EVAL_WEIGHT_MAX);
		if (k->min_score < 0 || k->max_score > EVAL_SCORE_MAX || k->min_score >= k->max_score)
			ctx_field(c, field, "第 %d 个评分项的分值范围应在 0–%d 之间且最低分小于最高分", i + 1, EVAL_SCORE_MAX);
		for (int j = 0; j < i; j++)
			if (k->name && in->criteria[j].name && !strcmp(k->name, in->criteria[j].name))
				ctx_field(c, field, "第 %d 个评分项与第 %d 个重名", i + 1, j + 1);
	}
	if (in->npanel < 1 || in->npanel > EVAL_PANEL_MAX)
		ctx_field(c, "panel", "评分小组应有 1–%d 人", EVAL_PANEL_MAX);
	for (int i = 0; i < in->npanel && i < EVAL_PANEL_MAX; i++) {
		char field[32];
		snprintf(field, sizeof(field), "panel[%d]", i);
		ctx_check_text(c, field, in->panel[i].label, EVAL_LABEL_MAX, CTX_TEXT_OPTIONAL, "身份");
		for (int j = 0; j < i; j++)
			if (in->panel[j].user_id == in->panel[i].user_id)
				ctx_field(c, field, "第 %d 位评委与第 %d 位重复", i + 1, j + 1);
		if (vpath && !user_of_village(c, in->panel[i].user_id, vpath))
			ctx_field(c, field, "第 %d 位评委不是本村的用户", i + 1);
	}
}

static void snap_campaign(struct buf *b, const struct eval_campaign *e, const char *status)
{
	audit_snap_begin(b);
	audit_snap_str(b, "title", e->title);
	audit_snap_str(b, "status", status);
}

enum result eval_campaign_create(struct ctx *c, const struct eval_campaign_input *in, int64_t *id, bool *replayed)
{
	*id = 0;
	*replayed = false;
	struct org_unit v;
	int rc = org_find(c, in->village_id, &v);
	bool ok = false;
	if (rc == RC_NOT_FOUND || (!rc && strcmp(v.kind, "village")))
		ctx_field(c, "village_id", "请选择村");
	else if (rc)
		return rc;
	else
		ok = true;
	if (ok && !access_can(c, P_EVAL_ADMIN, v.path))
		return access_refusal(c, v.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "村不存在")
								 : ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以发起评选", v.name);
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	check_campaign(c, in, ok ? v.path : NULL);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "eval_campaign", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	int dbrc = db_get_int(c->db, id, "INSERT INTO eval_campaigns (village_id, kind, title, period_from, period_to, status, "
					 "points, winners, tag_name, publicity_days, created_by, created_at, updated_at) "
					 "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?) RETURNING id",
			      "itttt" "iiti" "iii", v.id, in->kind, in->title, in->period_from, in->period_to,
			      (int64_t)in->points, (int64_t)in->winners, in->tag_name ? in->tag_name : "",
			      (int64_t)in->publicity_days, c->actor ? c->actor->user_id : 0, c->now, c->now);
	for (int i = 0; dbrc == DB_OK && i < in->ncriteria; i++)
		dbrc = db_run(c->db, "INSERT INTO eval_criteria (campaign_id, ord, name, weight, min_score, max_score) "
				     "VALUES (?, ?, ?, ?, ?, ?)", "iitiii", *id, (int64_t)i + 1, in->criteria[i].name,
			      (int64_t)in->criteria[i].weight, (int64_t)in->criteria[i].min_score,
			      (int64_t)in->criteria[i].max_score);
	for (int i = 0; dbrc == DB_OK && i < in->npanel; i++)
		dbrc = db_run(c->db, "INSERT INTO eval_panel (campaign_id, user_id, label) VALUES (?, ?, ?)", "iit", *id,
			      in->panel[i].user_id, in->panel[i].label ? in->panel[i].label : "");
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存评选"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "kind", in->kind);
	audit_snap_str(&after, "title", in->title);
	audit_snap_str(&after, "period_from", in->period_from);
	audit_snap_str(&after, "period_to", in->period_to);
	audit_snap_int(&after, "points", in->points);
	audit_snap_int(&after, "winners", in->winners);
	audit_snap_int(&after, "criteria", in->ncriteria);
	audit_snap_int(&after, "panel", in->npanel);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, v.id, "eval_campaign", *id, "create", "{}", after.ptr);
	buf_release(&after);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
	if (!rc)
		rc = idem_store(c, "eval_campaign", in->idem, idtext);
	return ctx_end(c, rc);
}

static int set_status(struct ctx *c, const struct eval_campaign *e, const char *status, const char *action,
		      const char *extra_key, int64_t extra)
{
	int dbrc = db_run(c->db, "UPDATE eval_campaigns SET status = ?, updated_at = ? WHERE id = ?", "tii", status, c->now,
			  e->id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存评选");
	struct buf before, after;
	snap_campaign(&before, e, e->status);
	audit_snap_end(&before);
	snap_campaign(&after, e, status);
	if (extra_key)
		audit_snap_int(&after, extra_key, extra);
	audit_snap_end(&after);
	int rc = before.failed || after.failed
			 ? ctx_fail(c, RC_INTERNAL, "内存不足")
			 : audit_record(c, e->village_id, "eval_campaign", e->id, action, before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return rc;
}

static int publicize(struct ctx *c, struct eval_campaign *e)
{
	e->ranking_visible = true;
	int rc = load_nominations(c, e, false);
	if (rc)
		return rc;
	if (!e->nnoms)
		return ctx_fail(c, RC_CONFLICT, "还没有提名，不能公示");
	for (int i = 0; i < e->nnoms; i++)
		if (!e->nominations[i].nscores)
			return ctx_fail(c, RC_CONFLICT, "%s户还没有评分，不能公示", e->nominations[i].household_number);
	for (int i = 0; i < e->nnoms; i++) {
		const struct eval_nomination *m = &e->nominations[i];
		int dbrc = db_run(c->db, "UPDATE eval_nominations SET final_x100 = ?, nscores = ?, rank_no = ?, winner = ? "
					 "WHERE id = ?", "iiiii", m->final_x100, (int64_t)m->nscores, (int64_t)m->rank,
				  (int64_t)(m->winner ? 1 : 0), m->id);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "保存排名");
	}
	int64_t ends = c->now + (int64_t)e->publicity_days * 86400;
	int dbrc = db_run(c->db, "UPDATE eval_campaigns SET publicity_ends_at = ? WHERE id = ?", "ii", ends, e->id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存评选");
	return set_status(c, e, "publicity", "publicize", "publicity_ends_at", ends);
}

static int publish(struct ctx *c, struct eval_campaign *e)
{
	if (c->now < e->publicity_ends_at) {
		char day[11];
		time_format_date(e->publicity_ends_at, day);
		return ctx_fail(c, RC_CONFLICT, "公示期到 %s 才结束，结束后才能发布", day);
	}
	int64_t open = 0;
	if (db_get_int(c->db, &open, "SELECT count(*) FROM eval_objections WHERE campaign_id = ? AND status = 'open'", "i",
		       e->id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取异议");
	if (open)
		return ctx_fail(c, RC_CONFLICT, "还有 %lld 条异议没有处理，处理后才能发布", (long long)open);
	struct db_stmt *st = db_query(c->db, "SELECT id, household_id FROM eval_nominations WHERE campaign_id = ? AND "
					     "winner = 1 AND ledger_id IS NULL ORDER BY rank_no", "i", e->id);
	int64_t ids[EVAL_NOMINEES_MAX], hhs[EVAL_NOMINEES_MAX];
	int n = 0;
	while (st && n < EVAL_NOMINEES_MAX && db_step(st) == DB_ROW) {
		ids[n] = db_col_int(st, 0);
		hhs[n++] = db_col_int(st, 1);
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取获评户");
	int tagged = 0;
	for (int i = 0; i < n; i++) {
		if (e->points > 0) {
			struct ledger_input li = {
				.village_id = e->village_id,
				.household_id = hhs[i],
				.source = "award",
				.ref_id = e->id,
				.rule_name = e->title,
				.category = "评选",
				.spendable = e->points,
				.honour = e->points,
				.note = arena_printf(c->arena, "%s获评", e->title),
			};
			int64_t entry = 0;
			int rc = ledger_append(c, &li, &entry);
			if (rc)
				return rc;
			int dbrc = db_run(c->db, "UPDATE eval_nominations SET ledger_id = ? WHERE id = ? AND ledger_id IS NULL",
					  "ii", entry, ids[i]);
			if (dbrc != DB_OK)
				return ctx_db_fail(c, dbrc, "记录积分");
		}
		if (e->tag_name[0]) {
			bool added = false;
			int rc = grid_tag_grant(c, hhs[i], e->tag_name, &added);
			if (rc)
				return rc;
			tagged += added;
		}
	}
	int dbrc = db_run(c->db, "UPDATE eval_campaigns SET published_at = ? WHERE id = ?", "ii", c->now, e->id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存评选");
	return set_status(c, e, "published", "publish", "credited", n);
}

enum result eval_campaign_action(struct ctx *c, int64_t id, const char *action)
{
	struct eval_campaign e;
	int rc = load_to_manage(c, id, &e, NULL, "管理评选");
	if (rc)
		return rc;
	static const struct {
		const char *action, *from, *to;
	} moves[] = {
		{"open", "draft", "nominating"},
		{"score", "nominating", "scoring"},
		{"publicize", "scoring", "publicity"},
		{"publish", "publicity", "published"},
	};
	int k = -1;
	for (int i = 0; i < 4; i++)
		if (!strcmp(action, moves[i].action))
			k = i;
	if (k < 0)
		return ctx_fail(c, RC_NOT_FOUND, "没有这个操作");
	if (strcmp(e.status, moves[k].from)) {
		if (!strcmp(e.status, "published"))
			return ctx_fail(c, RC_CONFLICT, "评选结果已发布");
		return ctx_fail(c, RC_CONFLICT, "评选当前的状态不能进行这个操作");
	}
	if ((rc = ctx_begin(c)))
		return rc;
	if (k == 0) {
		rc = set_status(c, &e, "nominating", "open", NULL, 0);
	} else if (k == 1) {
		if (e.nnominations)
			rc = set_status(c, &e, "scoring", "score", "nominations", e.nnominations);
		else
			rc = ctx_fail(c, RC_CONFLICT, "还没有提名，不能开始评分");
	} else if (k == 2) {
		rc = publicize(c, &e);
	} else {
		/* serialises concurrent publications: the second finds the status changed */
		int64_t changed = 0;
		if (db_get_int(c->db, &changed, "UPDATE eval_campaigns SET updated_at = ? WHERE id = ? AND status = 'publicity' "
						"RETURNING id", "ii", c->now, e.id) != DB_OK || !changed)
			rc = ctx_fail(c, RC_CONFLICT, "评选结果已发布");
		else
			rc = publish(c, &e);
	}
	return ctx_end(c, rc);
}

/* ---- nominations ---- */

enum result eval_nominate(struct ctx *c, int64_t campaign_id, const struct eval_nomination_input *in, int64_t *id,
			  bool *replayed)
{
	*id = 0;
	*replayed = false;
	struct eval_campaign e;
	int rc = load_visible(c, campaign_id, &e);
	if (rc)
		return rc;
	if (!nominator_in(c, e.village_path) && !(c->actor && c->actor->household_id && villager_of(c, e.village_path)))
		return ctx_fail(c, RC_FORBIDDEN, "村民可以提名自己家，网格员和村干部可以提名本村的户");
	ctx_check_text(c, "note", in->note, EVAL_NOTE_MAX, CTX_TEXT_OPTIONAL | CTX_TEXT_MULTILINE, "推荐理由");
	int64_t hh = in->household_id ? in->household_id : (c->actor ? c->actor->household_id : 0);
	if (!hh)
		ctx_field(c, "household_id", "请选择被提名的户");
	if (ctx_check_fields(c))
		return RC_INVALID;
	const char *how = NULL;
	struct hh_place pl;
	rc = people_household_place(c, hh, &pl);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		return ctx_field(c, "household_id", "户不存在");
	}
	if (rc)
		return rc;
	bool own = c->actor && c->actor->household_id == hh && access_has_role(c, "villager");
	if (access_can_household(c, P_EVAL_NOMINATE, HH_PATHS(pl)))
		how = access_can(c, P_EVAL_ADMIN, pl.village) ? "cadre" : "grid";
	else if (own)
		how = "self";
	else if (!access_can_read_household(c, HH_PATHS(pl), hh) && pl.village_id != e.village_id)
		return ctx_field(c, "household_id", "户不存在");
	else
		return ctx_fail(c, RC_FORBIDDEN, "村民只能提名自己家；网格员和村干部可以提名本村的户");
	if (pl.village_id != e.village_id)
		return ctx_field(c, "household_id", "该户不在%s，不能参加这次评选", e.village_name);
	if (strcmp(e.status, "nominating"))
		return ctx_fail(c, RC_CONFLICT, "评选现在不接受提名");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "eval_nomination", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	int64_t dupl = 0;
	if (db_get_int(c->db, &dupl, "SELECT count(*) FROM eval_nominations WHERE campaign_id = ? AND household_id = ?", "ii",
		       e.id, hh) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "读取提名"));
	if (dupl)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "该户已被提名"));
	int dbrc = db_get_int(c->db, id, "INSERT INTO eval_nominations (campaign_id, household_id, how, note, nominated_by, "
					 "created_at) VALUES (?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
			      "iitti" "i", e.id, hh, how, in->note ? in->note : "", c->actor ? c->actor->user_id : 0, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存提名"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "campaign_id", e.id);
	audit_snap_int(&after, "household_id", hh);
	audit_snap_str(&after, "how", how);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, e.village_id, "eval_nomination", *id, "create", "{}", after.ptr);
	buf_release(&after);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
	if (!rc)
		rc = idem_store(c, "eval_nomination", in->idem, idtext);
	return ctx_end(c, rc);
}

/* ---- scores ---- */

static int nomination_campaign(struct ctx *c, int64_t nomination_id, int64_t *household_id, struct eval_campaign *e)
{
	int64_t cid = 0;
	struct db_stmt *st = db_query(c->db, "SELECT campaign_id, household_id FROM eval_nominations WHERE id = ?", "i",
				      nomination_id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		cid = db_col_int(st, 0);
		*household_id = db_col_int(st, 1);
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "提名不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, DB_ERROR, "读取提名");
	if ((rc = load_campaign(c, cid, e)))
		return rc;
	if (check_visible(c, e)) {
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "提名不存在");
	}
	return RC_OK;
}

enum result eval_score(struct ctx *c, int64_t nomination_id, const struct eval_score_input *in, int64_t *id,
		       bool *replayed)
{
	*id = 0;
	*replayed = false;
	struct eval_campaign e;
	int64_t hh = 0;
	int rc = nomination_campaign(c, nomination_id, &hh, &e);
	if (rc)
		return rc;
	if (!e.is_panel)
		return ctx_fail(c, RC_FORBIDDEN, "只有评分小组成员可以评分");
	if (c->actor && c->actor->household_id == hh)
		return ctx_fail(c, RC_FORBIDDEN, "你是该户成员，不能为本户评分（回避）");
	if ((rc = load_details(c, &e)))
		return rc;
	if (in->nitems != e.ncriteria) {
		ctx_field(c, "items", "应为 %d 个评分项各打一个分", e.ncriteria);
	} else {
		for (int i = 0; i < in->nitems; i++) {
			const struct eval_criterion *k = &e.criteria[i];
			if (in->items[i] < k->min_score || in->items[i] > k->max_score)
				ctx_field(c, "items", "“%s”的分数应在 %d–%d 分之间", k->name, k->min_score, k->max_score);
		}
	}
	ctx_check_text(c, "note", in->note, EVAL_NOTE_MAX, CTX_TEXT_OPTIONAL | CTX_TEXT_MULTILINE, "备注");
	if (in->nphotos < 0 || in->nphotos > EVAL_PHOTOS_MAX)
		ctx_field(c, "photos", "最多 %d 张照片", EVAL_PHOTOS_MAX);
	for (int i = 0; i < in->nphotos && i < EVAL_PHOTOS_MAX; i++) {
		struct file_info f;
		bool ok = files_hash_valid(in->photos[i]) && files_info(c, in->photos[i], &f) == RC_OK &&
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, "photos", "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
			break;
		}
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (strcmp(e.status, "scoring"))
		return ctx_fail(c, RC_CONFLICT, "评选现在不在评分阶段");
	int weights[EVAL_CRITERIA_MAX];
	for (int i = 0; i < e.ncriteria; i++)
		weights[i] = e.criteria[i].weight;
	int64_t total = eval_member_total(in->items, weights, in->nitems);
	struct buf items, photos;
	buf_init(&items, 64);
	buf_init(&photos, 256);
	for (int i = 0; i < in->nitems; i++) {
		char n[16];
		snprintf(n, sizeof(n), "%s%d", i ? "," : "", in->items[i]);
		buf_adds(&items, n);
	}
	for (int i = 0; i < in->nphotos; i++) {
		buf_adds(&photos, i ? "," : "");
		buf_adds(&photos, in->photos[i]);
	}
	const char *items_s = arena_strdup(c->arena, items.ptr ? items.ptr : "");
	const char *photos_s = arena_strdup(c->arena, photos.ptr ? photos.ptr : "");
	buf_release(&items);
	buf_release(&photos);
	if (!items_s || !photos_s)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "eval_score", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	int64_t prev = 0, prev_total = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, total_x100 FROM eval_scores WHERE nomination_id = ? AND member_id = ?",
				      "ii", nomination_id, c->actor->user_id);
	if (st && db_step(st) == DB_ROW) {
		prev = db_col_int(st, 0);
		prev_total = db_col_int(st, 1);
	}
	db_finalize(st);
	int dbrc;
	if (prev) {
		*id = prev;
		dbrc = db_run(c->db, "UPDATE eval_scores SET total_x100 = ?, items = ?, photos = ?, note = ?, updated_at = ? "
				     "WHERE id = ?", "itttii", total, items_s, photos_s, in->note ? in->note : "", c->now, prev);
	} else {
		dbrc = db_get_int(c->db, id, "INSERT INTO eval_scores (nomination_id, member_id, total_x100, items, photos, note, "
					     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  "iiitttii", nomination_id, c->actor->user_id, total, items_s, photos_s,
				  in->note ? in->note : "", c->now, c->now);
	}
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存评分"));
	struct buf before, after;
	audit_snap_begin(&before);
	if (prev)
		audit_snap_int(&before, "total_x100", prev_total);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_int(&after, "nomination_id", nomination_id);
	audit_snap_str(&after, "items", items_s);
	audit_snap_int(&after, "total_x100", total);
	audit_snap_int(&after, "photos", in->nphotos);
	audit_snap_end(&after);
	rc = before.failed || after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
					   : audit_record(c, e.village_id, "eval_score", *id, prev ? "update" : "create",
							  before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
	if (!rc)
		rc = idem_store(c, "eval_score", in->idem, idtext);
	return ctx_end(c, rc);
}

enum result eval_score_photo(struct ctx *c, int64_t score_id, int n, char mime[16], const void **data, size_t *len)
{
	int64_t nid = 0, member = 0;
	char hashes[EVAL_PHOTOS_MAX * 72 + 1] = "";
	struct db_stmt *st = db_query(c->db, "SELECT nomination_id, member_id, photos FROM eval_scores WHERE id = ?", "i",
				      score_id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		nid = db_col_int(st, 0);
		member = db_col_int(st, 1);
		str_copy(hashes, sizeof(hashes), db_col_text(st, 2));
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "评分不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, DB_ERROR, "读取评分");
	struct eval_campaign e;
	int64_t hh;
	if ((rc = nomination_campaign(c, nid, &hh, &e)))
		return rc;
	if (!access_can(c, READERS, e.village_path) && !(c->actor && c->actor->user_id == member))
		return ctx_fail(c, RC_NOT_FOUND, "评分不存在");
	const char *p = hashes;
	for (int i = 1; i < n && p; i++) {
		p = strchr(p, ',');
		if (p)
			p++;
	}
	if (n < 1 || !p || !*p)
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	char hash[80];
	size_t l = strcspn(p, ",");
	if (l >= sizeof(hash))
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	memcpy(hash, p, l);
	hash[l] = 0;
	struct file_info f;
	if ((rc = files_read(c, hash, &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}

/* ---- 公示 and objections ---- */

enum result eval_object(struct ctx *c, int64_t campaign_id, const char *reason, const struct idem *idem, int64_t *id,
			bool *replayed)
{
	*id = 0;
	*replayed = false;
	struct eval_campaign e;
	int rc = load_visible(c, campaign_id, &e);
	if (rc)
		return rc;
	if (!villager_of(c, e.village_path))
		return ctx_fail(c, RC_FORBIDDEN, "只有%s的村民可以提出异议", e.village_name);
	ctx_check_text(c, "reason", reason, EVAL_REASON_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "异议理由");
	if (reason && reason[0] && blank(reason))
		ctx_field(c, "reason", "异议理由不能为空");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (strcmp(e.status, "publicity"))
		return ctx_fail(c, RC_CONFLICT, "评选结果不在公示期，不能提出异议");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "eval_objection", idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	int dbrc = db_get_int(c->db, id, "INSERT INTO eval_objections (campaign_id, user_id, reason, status, created_at) "
					 "VALUES (?, ?, ?, 'open', ?) RETURNING id", "iiti", e.id, c->actor->user_id, reason,
			      c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存异议"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "campaign_id", e.id);
	audit_snap_str(&after, "reason", reason);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, e.village_id, "eval_objection", *id, "create", "{}", after.ptr);
	buf_release(&after);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
	if (!rc)
		rc = idem_store(c, "eval_objection", idem, idtext);
	return ctx_end(c, rc);
}

enum result eval_objection_decide(struct ctx *c, int64_t objection_id, bool uphold, const char *reason)
{
	int64_t cid = 0;
	char status[16] = "";
	struct db_stmt *st = db_query(c->db, "SELECT campaign_id, status FROM eval_objections WHERE id = ?", "i", objection_id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		cid = db_col_int(st, 0);
		str_copy(status, sizeof(status), db_col_text(st, 1));
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "异议不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, DB_ERROR, "读取异议");
	struct eval_campaign e;
	if ((rc = load_to_manage(c, cid, &e, "异议不存在", "处理异议")))
		return rc;
	ctx_check_text(c, "reason", reason, EVAL_REASON_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "处理意见");
	if (reason && reason[0] && blank(reason))
		ctx_field(c, "reason", "处理意见不能为空");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (strcmp(status, "open") || strcmp(e.status, "publicity"))
		return ctx_fail(c, RC_CONFLICT, "这条异议已经处理过");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *decided = uphold ? "upheld" : "dismissed";
	int dbrc = db_run(c->db, "UPDATE eval_objections SET status = ?, decision = ?, decided_by = NULLIF(CAST(? AS BIGINT), 0), "
				 "decided_at = ? WHERE id = ? AND status = 'open'", "ttiii", decided, reason,
			  c->actor ? c->actor->user_id : 0, c->now, objection_id);
	if (dbrc == DB_OK && uphold)
		/* back to scoring: the ranking is computed again when the panel has corrected it */
		dbrc = db_run(c->db, "UPDATE eval_nominations SET final_x100 = NULL, nscores = NULL, rank_no = NULL, winner = 0 "
				     "WHERE campaign_id = ?", "i", e.id);
	if (dbrc == DB_OK && uphold)
		dbrc = db_run(c->db, "UPDATE eval_campaigns SET publicity_ends_at = NULL WHERE id = ?", "i", e.id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存异议"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "status", "open");
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_str(&after, "status", decided);
	audit_snap_str(&after, "decision", reason);
	audit_snap_end(&after);
	rc = before.failed || after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
					   : audit_record(c, e.village_id, "eval_objection", objection_id, "decide", before.ptr,
							  after.ptr);
	buf_release(&before);
	buf_release(&after);
	if (!rc && uphold)
		rc = set_status(c, &e, "scoring", "reopen", "objection_id", objection_id);
	return ctx_end(c, rc);
}

enum result eval_candidates(struct ctx *c, int64_t village_id, struct eval_candidate **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct org_unit v;
	int rc = org_find(c, village_id, &v);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(v.kind, "village"))) {
		ctx_clear(c);
		return ctx_field(c, "village_id", "请选择村");
	}
	if (rc)
		return rc;
	if (!access_can(c, P_EVAL_ADMIN, v.path))
		return access_refusal(c, v.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "村不存在")
								 : ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以组织评分小组", v.name);
	char *like = arena_printf(c->arena, "%s%%", v.path);
	if (!like)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db,
		"SELECT u.id, u.name, COALESCE((SELECT h.number FROM residents r JOIN households h ON h.id = r.household_id "
		"WHERE r.id = u.resident_id AND h.village_id = ?), '') FROM users u WHERE u.status = 'active' AND ("
		"u.resident_id IN (SELECT r.id FROM residents r JOIN households h ON h.id = r.household_id WHERE h.village_id = ?) "
		"OR u.id IN (SELECT g.user_id FROM role_grants g JOIN org_units x ON x.id = g.unit_id WHERE x.path LIKE ?)) "
		"ORDER BY u.name, u.id LIMIT 500", "iit", v.id, v.id, like);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取用户");
	int cap = 0;
	while (db_step(st) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out))))
			break;
		struct eval_candidate *k = &(*out)[(*n)++];
		k->user_id = db_col_int(st, 0);
		k->name = dup(c, st, 1);
		k->household_number = dup(c, st, 2);
		k->roles = "";
	}
	db_finalize(st);
	for (int i = 0; i < *n; i++) {
		struct buf b;
		buf_init(&b, 64);
		st = db_query(c->db, "SELECT DISTINCT g.role FROM role_grants g JOIN org_units x ON x.id = g.unit_id "
				     "WHERE g.user_id = ? AND x.path LIKE ? ORDER BY g.role", "it", (*out)[i].user_id, like);
		while (st && db_step(st) == DB_ROW) {
			const struct role_def *r = access_role(db_col_text(st, 0));
			if (b.len)
				buf_adds(&b, "、");
			buf_adds(&b, r ? r->label : db_col_text(st, 0));
		}
		db_finalize(st);
		const char *roles = arena_strdup(c->arena, b.ptr ? b.ptr : "");
		(*out)[i].roles = roles ? roles : "";
		buf_release(&b);
	}
	return RC_OK;
}
