/* Evaluations 评选 (see evaluations.h): campaigns with criteria and a named panel,
 * nominations, the panel's scores, the ranking by a trimmed mean, 公示 with objections,
 * and publication that credits the winners through the ledger and tags them.
 *
 * One file per job: this one holds the score's arithmetic and reading (a campaign
 * with its nominations, scores and objections, the list); campaigns.c creating and
 * moving a campaign; nominations.c nominating and the candidates; scores.c the
 * panel's scores; objections.c 公示 and objections; what they share in internal.h. */
#include "domain/evaluations/internal.h"
#include "domain/kernel/org.h"
#include "domain/kernel/scope.h"
#include "domain/register/register.h"
#include "util/num.h"
#include "util/utf8.h"

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

const char *evl_dup(struct ctx *c, struct db_stmt *st, int col)
{
	const char *s = arena_strdup(c->arena, db_col_text(st, col));
	return s ? s : "";
}

static void read_campaign(struct ctx *c, struct db_stmt *st, struct eval_campaign *e)
{
	memset(e, 0, sizeof(*e));
	e->id = db_col_int(st, 0);
	e->village_id = db_col_int(st, 1);
	e->village_name = evl_dup(c, st, 2);
	e->village_path = evl_dup(c, st, 3);
	e->kind = evl_dup(c, st, 4);
	e->title = evl_dup(c, st, 5);
	e->period_from = evl_dup(c, st, 6);
	e->period_to = evl_dup(c, st, 7);
	e->status = evl_dup(c, st, 8);
	e->tag_name = evl_dup(c, st, 9);
	e->points = (int)db_col_int(st, 10);
	e->winners = (int)db_col_int(st, 11);
	e->publicity_days = (int)db_col_int(st, 12);
	e->publicity_ends_at = db_col_int(st, 13);
	e->published_at = db_col_int(st, 14);
	e->created_at = db_col_int(st, 15);
	e->updated_at = db_col_int(st, 16);
	e->nnominations = (int)db_col_int(st, 17);
}

int evl_load_campaign(struct ctx *c, int64_t id, struct eval_campaign *e)
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
bool evl_nominator_in(const struct ctx *c, const char *vpath)
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
bool evl_villager_of(const struct ctx *c, const char *vpath)
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
int evl_check_visible(struct ctx *c, struct eval_campaign *e)
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
	e->can_nominate = nominating && evl_nominator_in(c, e->village_path);
	e->can_self_nominate = nominating && c->actor && c->actor->household_id && access_has_role(c, "villager");
	e->can_object = !strcmp(e->status, "publicity") && evl_villager_of(c, e->village_path);
	e->ranking_visible = reader || !strcmp(e->status, "publicity") || !strcmp(e->status, "published");
	return RC_OK;
}

/* A campaign the actor may see (404 otherwise). */
int evl_load_visible(struct ctx *c, int64_t id, struct eval_campaign *e)
{
	int rc = evl_load_campaign(c, id, e);
	return rc ? rc : evl_check_visible(c, e);
}

/* A campaign the actor manages (P_EVAL_ADMIN): 403 "只有…的干部可以{doing}" when they
 * see it but may not, 404 when they do not see it — with missing as the message when
 * the campaign was reached through one of its records. */
int evl_load_to_manage(struct ctx *c, int64_t id, struct eval_campaign *e, const char *missing, const char *doing)
{
	int rc = evl_load_campaign(c, id, e);
	if (rc || c->system || access_can(c, P_EVAL_ADMIN, e->village_path))
		return rc;
	if (evl_check_visible(c, e)) {
		if (!missing)
			return c->err.code;
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "%s", missing);
	}
	return ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以%s", e->village_name, doing);
}

int evl_load_details(struct ctx *c, struct eval_campaign *e)
{
	int cap = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, name, weight, min_score, max_score FROM eval_criteria "
					     "WHERE campaign_id = ? ORDER BY ord", "i", e->id);
	while (st && db_step(st) == DB_ROW) {
		if (!(e->criteria = arena_grow(c->arena, e->criteria, &cap, e->ncriteria, sizeof(*e->criteria))))
			break;
		struct eval_criterion *k = &e->criteria[e->ncriteria++];
		k->id = db_col_int(st, 0);
		k->name = evl_dup(c, st, 1);
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
		m->name = evl_dup(c, st, 1);
		m->label = evl_dup(c, st, 2);
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
int evl_load_nominations(struct ctx *c, struct eval_campaign *e, bool with_scores)
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
		m->household_number = evl_dup(c, st, 2);
		m->head_name = evl_dup(c, st, 3);
		m->how = evl_dup(c, st, 4);
		m->note = evl_dup(c, st, 5);
		m->nominated_by_name = evl_dup(c, st, 6);
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
	int64_t me = ctx_actor_id(c);
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
		s->member_name = evl_dup(c, st, 3);
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
		const char *photos = evl_dup(c, st, 6);
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
		s->note = evl_dup(c, st, 7);
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
		const char *name = evl_dup(c, st, 1);
		o->objector_name = names ? name : "村民";
		o->reason = evl_dup(c, st, 2);
		o->status = evl_dup(c, st, 3);
		o->decision = evl_dup(c, st, 4);
		o->created_at = db_col_int(st, 5);
		o->decided_at = db_col_int(st, 6);
	}
	db_finalize(st);
	return st ? RC_OK : ctx_db_fail(c, DB_ERROR, "读取异议");
}

enum result eval_campaign_get(struct ctx *c, int64_t id, struct eval_campaign *out)
{
	int rc = evl_load_visible(c, id, out);
	if (!rc)
		rc = evl_load_details(c, out);
	if (!rc)
		rc = evl_load_nominations(c, out, true);
	if (!rc)
		rc = load_objections(c, out, c->system || access_can(c, READERS, out->village_path));
	return rc;
}

enum result eval_campaign_public(struct ctx *c, int64_t id, struct eval_campaign *out)
{
	int rc = evl_load_campaign(c, id, out);
	if (rc)
		return rc;
	if (strcmp(out->status, "published") && strcmp(out->status, "publicity"))
		return ctx_fail(c, RC_NOT_FOUND, "评选不存在");
	out->ranking_visible = true;
	rc = evl_load_details(c, out);
	if (!rc)
		rc = evl_load_nominations(c, out, false);
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
				vpaths[nv++] = evl_dup(c, st, 0);
			db_finalize(st);
		}
	}
	buf_adds(&where, " OR (c.status <> 'draft' AND (c.id IN (SELECT campaign_id FROM eval_panel WHERE user_id = ?)");
	db_args_int(&a, ctx_actor_id(c));
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
		db_args_int(&a, ctx_actor_id(c));
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
