/* Disputes 矛盾纠纷: parties, mediators, mediation sessions, the outcome and the
 * follow-up visit, on top of an event of kind 'dispute' (see disputes.h). One file per
 * job: this one holds the names, the helpers the others share, creation and reading;
 * stats.c the statistics, followups.c the follow-up job, mediators.c the mediators,
 * sessions.c the sessions, outcome and follow-up, settings.c the county's settings,
 * mine.c the party's own view; what they share in internal.h. */
#include "domain/disputes/internal.h"
#include "util/utf8.h"

static const char *const types[][2] = {
	{"family", "婚恋家庭"}, {"neighbour", "邻里纠纷"}, {"land", "征地拆迁"},
	{"contract", "土地承包"}, {"labour", "劳资纠纷"}, {"other", "其他纠纷"},
};
static const char *const roles[][2] = {{"applicant", "申请人"}, {"respondent", "被申请人"}, {"third", "第三人"}};
static const char *const referrals[][2] = {
	{"judicial", "司法所"}, {"court", "法院"}, {"petition", "信访部门"}, {"other", "其他"},
};

static const char *label_of(const char *const (*list)[2], size_t n, const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (!strcmp(list[i][0], key))
			return list[i][1];
	return "";
}

const char *disputes_type_label(const char *t) { return label_of(types, ARRAY_SIZE(types), t); }
const char *disputes_role_label(const char *r) { return label_of(roles, ARRAY_SIZE(roles), r); }
const char *disputes_referral_label(const char *t) { return label_of(referrals, ARRAY_SIZE(referrals), t); }

const char *dp_dup(struct ctx *c, const char *s)
{
	return arena_strdup(c->arena, s ? s : "");
}

int dp_audit(struct ctx *c, int64_t village_id, const char *type, int64_t id, const char *action, const char *k1,
	     const char *v1, const char *k2, int64_t v2)
{
	struct buf after;
	audit_snap_begin(&after);
	if (k1)
		audit_snap_str(&after, k1, v1 ? v1 : "");
	if (k2)
		audit_snap_int(&after, k2, v2);
	audit_snap_end(&after);
	int rc = audit_record(c, village_id, type, id, action, "{}", after.ptr);
	buf_release(&after);
	return rc;
}

/* ---- creation ---- */

struct create_arg {
	const struct dispute_input *in;
	const char *names[DISPUTE_PARTIES_MAX], *phones[DISPUTE_PARTIES_MAX];
};

static int create_rows(struct ctx *c, int64_t id, void *arg)
{
	struct create_arg *ca = arg;
	const struct dispute_input *in = ca->in;
	int dbrc = db_run(c->db, "INSERT INTO disputes (event_id, dispute_type, created_at, updated_at) VALUES (?, ?, ?, ?)",
			  "itii", id, in->dispute_type, c->now, c->now);
	for (int i = 0; dbrc == DB_OK && i < in->nparties; i++) {
		const struct dispute_party_input *p = &in->parties[i];
		dbrc = db_run(c->db, "INSERT INTO dispute_parties (event_id, ord, role, name, phone, household_id) VALUES "
				     "(?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0))",
			      "iittti", id, (int64_t)(i + 1), p->role, ca->names[i], ca->phones[i], p->household_id);
	}
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存纠纷当事人");
	int64_t village = 0;
	db_get_int(c->db, &village, "SELECT village_id FROM events WHERE id = ?", "i", id);
	return dp_audit(c, village, "dispute", id, "create", "dispute_type", in->dispute_type, "parties", in->nparties);
}

static bool phone_ok(const char *p)
{
	size_t n = strlen(p);
	if (n < 7 || n > 20)
		return false;
	for (const char *s = p; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s == '-' && s != p)))
			return false;
	return true;
}

int disputes_create(struct ctx *c, const struct dispute_input *in, int64_t *id)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!label_of(types, ARRAY_SIZE(types), in->dispute_type)[0])
		ctx_field(c, "dispute_type", "纠纷类型应为 family、neighbour、land、contract、labour 或 other");
	bool applicant = false, respondent = false;
	struct create_arg ca = {.in = in};
	if (in->nparties < 2 || in->nparties > DISPUTE_PARTIES_MAX)
		ctx_field(c, "parties", "当事人应为 2 到 %d 人", DISPUTE_PARTIES_MAX);
	for (int i = 0; i < in->nparties && i < DISPUTE_PARTIES_MAX; i++) {
		const struct dispute_party_input *p = &in->parties[i];
		const char *field = arena_printf(c->arena, "parties[%d]", i);
		if (!label_of(roles, ARRAY_SIZE(roles), p->role)[0]) {
			ctx_field(c, field, "第 %d 位当事人的身份应为 applicant（申请人）、respondent（被申请人）或 third（第三人）", i + 1);
			continue;
		}
		applicant |= !strcmp(p->role, "applicant");
		respondent |= !strcmp(p->role, "respondent");
		if (!p->name || !p->name[0] || utf8_count(p->name) > EVENT_NAME_MAX || !utf8_valid(p->name, strlen(p->name)))
			ctx_field(c, field, "第 %d 位当事人的姓名应为 1 到 %d 个字", i + 1, EVENT_NAME_MAX);
		else if (p->phone && p->phone[0] && !phone_ok(p->phone))
			ctx_field(c, field, "第 %d 位当事人的电话应为 7 到 20 位数字", i + 1);
		if (p->household_id) {
			int64_t hv = 0;
			if (db_get_int(c->db, &hv, "SELECT village_id FROM households WHERE id = ?", "i", p->household_id) !=
				    DB_OK ||
			    hv != in->ev.village_id)
				ctx_field(c, field, "第 %d 位当事人的户不在本村", i + 1);
		}
		if (ctx_seal_pii(c, p->name, &ca.names[i]) || ctx_seal_pii(c, p->phone, &ca.phones[i]))
			return RC_INTERNAL;
	}
	if (in->nparties >= 2 && (!applicant || !respondent))
		ctx_field(c, "parties", "至少应有一位申请人和一位被申请人");
	/* the event's own checks add their field errors to these, all reported at once */
	struct event_input ev = in->ev;
	ev.kind = "dispute";
	ev.then = create_rows;
	ev.then_arg = &ca;
	return events_create(c, &ev, id);
}

/* ---- reading ---- */

#define DP_COLS                                                                                             \
	"dd.dispute_type, COALESCE(dd.outcome, ''), dd.agreement, COALESCE(dd.agreement_photo, ''), "        \
	"COALESCE(dd.referred_to, ''), dd.referred_note, COALESCE(dd.outcome_at, 0), COALESCE(ob.name, ''), "  \
	"COALESCE(dd.followup_due, 0), COALESCE(dd.followup_at, 0), COALESCE(dd.followup_result, ''), "      \
	"dd.followup_note, COALESCE(fb.name, ''), dd.recurring, COALESCE(dd.followup_notified_at, 0) "
#define DP_FROM \
	"FROM disputes dd LEFT JOIN users ob ON ob.id = dd.outcome_by LEFT JOIN users fb ON fb.id = dd.followup_by "

static void read_dispute(struct ctx *c, struct db_stmt *st, int o, struct dispute *d)
{
	d->dispute_type = dp_dup(c, db_col_text(st, o + 0));
	d->outcome = dp_dup(c, db_col_text(st, o + 1));
	d->agreement = dp_dup(c, db_col_text(st, o + 2));
	d->agreement_photo = dp_dup(c, db_col_text(st, o + 3));
	d->referred_to = dp_dup(c, db_col_text(st, o + 4));
	d->referred_note = dp_dup(c, db_col_text(st, o + 5));
	d->outcome_at = db_col_int(st, o + 6);
	d->outcome_by_name = dp_dup(c, db_col_text(st, o + 7));
	d->followup_due = db_col_int(st, o + 8);
	d->followup_at = db_col_int(st, o + 9);
	d->followup_result = dp_dup(c, db_col_text(st, o + 10));
	d->followup_note = dp_dup(c, db_col_text(st, o + 11));
	d->followup_by_name = dp_dup(c, db_col_text(st, o + 12));
	d->recurring = (int)db_col_int(st, o + 13);
	d->followup_notified_at = db_col_int(st, o + 14);
	d->followup_overdue = !strcmp(d->outcome, "mediated") && !d->followup_at && d->followup_due &&
			      d->followup_due < c->now;
}

int dp_load_row(struct ctx *c, int64_t id, struct dispute *d)
{
	struct db_stmt *st = db_query(c->db, "SELECT " DP_COLS DP_FROM "WHERE dd.event_id = ?", "i", id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		read_dispute(c, st, 0, d);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "纠纷不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取纠纷");
}

bool dp_is_mediator(struct ctx *c, int64_t id)
{
	if (!c->actor)
		return false;
	int64_t n = 0;
	db_get_int(c->db, &n, "SELECT count(*) FROM dispute_mediators WHERE event_id = ? AND user_id = ?", "ii", id,
		   c->actor->user_id);
	return n > 0;
}

/* Manages: takes events in for the village, or handles it in its department. */
bool dp_manages(const struct ctx *c, const struct event *e)
{
	return c->system || access_can(c, P_EVENT_INTAKE, e->village_path) ||
	       (e->department_id && e->department_path[0] && access_can(c, P_EVENT_HANDLE, e->department_path));
}

void dp_fill_can(struct ctx *c, struct dispute *d)
{
	bool manager = dp_manages(c, &d->ev);
	bool mediator = dp_is_mediator(c, d->ev.id);
	bool open = !strcmp(d->ev.state, "handling");
	d->can_manage = manager && strcmp(d->ev.state, "rejected");
	d->can_mediate = (manager || mediator) && open && !d->outcome[0];
	d->can_followup = (manager || mediator) && !strcmp(d->outcome, "mediated") && !d->followup_at &&
			  d->followup_due <= c->now;
}

int dp_read_parties(struct ctx *c, struct dispute *d, bool full, bool party_view, int64_t own_household)
{
	struct db_stmt *st = db_query(c->db, "SELECT id, role, name, phone, COALESCE(household_id, 0) FROM dispute_parties "
					     "WHERE event_id = ? ORDER BY ord", "i", d->ev.id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取当事人");
	d->parties = arena_alloc(c->arena, sizeof(*d->parties) * DISPUTE_PARTIES_MAX);
	while (d->parties && d->nparties < DISPUTE_PARTIES_MAX && db_step(st) == DB_ROW) {
		struct dispute_party *p = &d->parties[d->nparties++];
		memset(p, 0, sizeof(*p));
		p->id = db_col_int(st, 0);
		p->role = dp_dup(c, db_col_text(st, 1));
		const char *name = ctx_open_pii(c, db_col_text(st, 2));
		const char *phone = ctx_open_pii(c, db_col_text(st, 3));
		int64_t hh = db_col_int(st, 4);
		p->self = own_household && hh == own_household;
		if (full || p->self) {
			p->name = name;
			p->phone = phone;
			p->household_id = hh;
		} else if (!party_view) {
			/* staff who may not read personal data in full */
			p->name = ctx_mask_name(c, name);
			p->phone = ctx_mask_phone(c, phone);
			p->household_id = hh;
		} else {
			/* another party, seen by a party: the role only */
			p->name = "";
			p->phone = "";
		}
	}
	db_finalize(st);
	return RC_OK;
}

int dp_read_more(struct ctx *c, struct dispute *d, bool notes)
{
	struct db_stmt *st = db_query(c->db, "SELECT m.user_id, u.name, m.assigned_at, COALESCE(b.name, '') FROM "
					     "dispute_mediators m JOIN users u ON u.id = m.user_id LEFT JOIN users b ON "
					     "b.id = m.assigned_by WHERE m.event_id = ? ORDER BY m.assigned_at, m.user_id",
				      "i", d->ev.id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取调解员");
	d->mediators = arena_alloc(c->arena, sizeof(*d->mediators) * DISPUTE_MEDIATORS_MAX);
	while (d->mediators && d->nmediators < DISPUTE_MEDIATORS_MAX && db_step(st) == DB_ROW) {
		struct dispute_mediator *m = &d->mediators[d->nmediators++];
		m->user_id = db_col_int(st, 0);
		m->name = dp_dup(c, db_col_text(st, 1));
		m->assigned_at = db_col_int(st, 2);
		m->assigned_by_name = dp_dup(c, db_col_text(st, 3));
	}
	db_finalize(st);
	st = db_query(c->db, "SELECT s.id, s.held_at, s.place, s.notes, COALESCE(u.name, ''), s.created_at FROM "
			     "dispute_sessions s LEFT JOIN users u ON u.id = s.created_by WHERE s.event_id = ? "
			     "ORDER BY s.held_at, s.id LIMIT ?", "ii", d->ev.id, (int64_t)DISPUTE_SESSIONS_MAX);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取调解记录");
	d->sessions = arena_alloc(c->arena, sizeof(*d->sessions) * DISPUTE_SESSIONS_MAX);
	while (d->sessions && db_step(st) == DB_ROW) {
		struct dispute_session *s = &d->sessions[d->nsessions++];
		memset(s, 0, sizeof(*s));
		s->id = db_col_int(st, 0);
		s->held_at = db_col_int(st, 1);
		s->place = dp_dup(c, db_col_text(st, 2));
		s->notes = notes ? dp_dup(c, db_col_text(st, 3)) : "";
		s->created_by_name = dp_dup(c, db_col_text(st, 4));
		s->created_at = db_col_int(st, 5);
	}
	db_finalize(st);
	for (int i = 0; notes && i < d->nsessions; i++) {
		struct dispute_session *s = &d->sessions[i];
		struct db_stmt *ps = db_query(c->db, "SELECT file_hash FROM dispute_session_photos WHERE session_id = ? "
						     "ORDER BY ord", "i", s->id);
		while (ps && s->nphotos < DISPUTE_PHOTOS_MAX && db_step(ps) == DB_ROW)
			s->photos[s->nphotos++] = dp_dup(c, db_col_text(ps, 0));
		db_finalize(ps);
	}
	return RC_OK;
}

/* The event as the actor may see it, and that it is a dispute (RC_NOT_FOUND if not). */
int dp_load_event(struct ctx *c, int64_t id, struct dispute *d, bool timeline)
{
	memset(d, 0, sizeof(*d));
	int rc = events_get(c, id, &d->ev);
	if (rc == RC_NOT_FOUND)
		return ctx_fail(c, RC_NOT_FOUND, "纠纷不存在");
	if (rc)
		return rc;
	if (strcmp(d->ev.kind, "dispute"))
		return ctx_fail(c, RC_NOT_FOUND, "纠纷不存在");
	if (!timeline) {
		d->ev.nsteps = 0;
		d->ev.nsupervisions = 0;
	}
	return dp_load_row(c, id, d);
}

/* Staff who see events in a village, handle them in a department, or mediate. */
#define DP_STAFF_PERMS (P_EVENT_REPORT | P_EVENT_INTAKE | P_EVENT_DISPATCH | P_EVENT_SUPERVISE | P_EVENT_READ | \
			P_EVENT_CALL | P_EVENT_HANDLE | P_DISPUTE_MEDIATE)

static bool staff_any(const struct ctx *c)
{
	const char *paths[CTX_MAX_GRANTS];
	return c->system || access_scopes(c, DP_STAFF_PERMS, paths, CTX_MAX_GRANTS) > 0;
}

int disputes_get(struct ctx *c, int64_t id, struct dispute *out)
{
	int rc = dp_load_event(c, id, out, true);
	if (rc)
		return rc;
	/* a villager who reported it reads it as a party (disputes_mine_get) */
	if (!staff_any(c))
		return ctx_fail(c, RC_NOT_FOUND, "纠纷不存在");
	/* personal data of the parties in full for those who may read it: the village's
	 * cadres (P_PII_READ), the department's handler, the mediators and managers */
	bool full = c->system || access_can(c, P_PII_READ, out->ev.village_path) || dp_manages(c, &out->ev) ||
		    dp_is_mediator(c, id);
	if ((rc = dp_read_parties(c, out, full, false, 0)) || (rc = dp_read_more(c, out, true)))
		return rc;
	dp_fill_can(c, out);
	return RC_OK;
}

int disputes_photo(struct ctx *c, int64_t id, int64_t session_id, int n, char mime[16], const void **data,
		   size_t *len)
{
	struct dispute d;
	int rc = dp_load_event(c, id, &d, false);
	if (rc)
		return rc;
	if (!staff_any(c))
		return ctx_fail(c, RC_NOT_FOUND, "纠纷不存在");
	char *hash = NULL;
	if (!session_id) {
		if (n != 1 || !d.agreement_photo[0])
			return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
		hash = arena_strdup(c->arena, d.agreement_photo);
	} else {
		struct db_stmt *st = db_query(c->db, "SELECT p.file_hash FROM dispute_session_photos p JOIN dispute_sessions s "
						     "ON s.id = p.session_id WHERE s.event_id = ? AND s.id = ? AND p.ord = ?",
					      "iii", id, session_id, (int64_t)n);
		if (st && db_step(st) == DB_ROW)
			hash = arena_strdup(c->arena, db_col_text(st, 0));
		db_finalize(st);
		if (!hash)
			return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	}
	struct file_info f;
	if ((rc = files_read(c, hash, &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}

/* The list's WHERE over events e (joined with v, the village) and disputes dd. */
int dp_list_where(struct ctx *c, const struct dispute_query *q, struct buf *w, struct db_args *a)
{
	if (!staff_any(c))
		return ctx_fail(c, RC_FORBIDDEN, "村民请在「我的纠纷」中查看");
	buf_adds(w, "WHERE e.kind = 'dispute' AND ");
	buf_adds(w, events_visible_sql(c, a));
	if (q->unit_id) {
		struct org_unit u;
		int rc = org_get(c, q->unit_id, &u);
		if (rc == RC_NOT_FOUND) {
			ctx_clear(c);
			return ctx_field(c, "unit_id", "单位不存在");
		}
		if (rc)
			return rc;
		if (!c->system && !access_touches(c, u.path))
			return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
		buf_adds(w, " AND v.path LIKE ?");
		db_args_text(a, arena_printf(c->arena, "%s%%", u.path));
	}
	if (q->from) {
		buf_adds(w, " AND e.created_at >= ?");
		db_args_int(a, q->from);
	}
	if (q->to) {
		buf_adds(w, " AND e.created_at < ?");
		db_args_int(a, q->to);
	}
	if (q->stage && q->stage[0]) {
		if (!strcmp(q->stage, "mediating"))
			buf_adds(w, " AND dd.outcome IS NULL");
		else if (!strcmp(q->stage, "mediated"))
			buf_adds(w, " AND dd.outcome = 'mediated'");
		else if (!strcmp(q->stage, "referred"))
			buf_adds(w, " AND dd.outcome = 'failed'");
		else if (!strcmp(q->stage, "kept"))
			buf_adds(w, " AND dd.outcome = 'mediated' AND dd.followup_result = 'kept'");
		else
			return ctx_field(c, "stage", "阶段应为 mediating、mediated、referred 或 kept");
	}
	if (q->dispute_type && q->dispute_type[0]) {
		if (!label_of(types, ARRAY_SIZE(types), q->dispute_type)[0])
			return ctx_field(c, "dispute_type", "纠纷类型应为 family、neighbour、land、contract、labour 或 other");
		buf_adds(w, " AND dd.dispute_type = ?");
		db_args_text(a, q->dispute_type);
	}
	if (q->recurring)
		buf_adds(w, " AND dd.recurring > 0");
	if (q->followup_due || q->followup_overdue) {
		buf_adds(w, q->followup_overdue ? " AND dd.followup_due < ?" : " AND dd.followup_due <= ?");
		buf_adds(w, " AND dd.outcome = 'mediated' AND dd.followup_at IS NULL");
		db_args_int(a, c->now);
	}
	if (q->mine) {
		buf_adds(w, " AND EXISTS (SELECT 1 FROM dispute_mediators m WHERE m.event_id = e.id AND m.user_id = ?)");
		db_args_int(a, ctx_actor_id(c));
	}
	return w->failed ? ctx_fail(c, RC_INTERNAL, "查询过长") : RC_OK;
}

int disputes_list(struct ctx *c, const struct dispute_query *q, struct dispute **out, int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct db_args a = {0};
	struct buf w;
	buf_init(&w, 32768);
	int rc = dp_list_where(c, q, &w, &a);
	if (rc) {
		buf_release(&w);
		return rc;
	}
	char *sql = arena_printf(c->arena, "SELECT count(*) " LIST_FROM "%s", w.ptr);
	struct db_stmt *st = db_query_args(c->db, sql, &a);
	int dbrc = st ? db_step(st) : DB_ERROR;
	if (dbrc == DB_ROW)
		*total = db_col_int(st, 0);
	db_finalize(st);
	if (dbrc != DB_ROW) {
		buf_release(&w);
		return ctx_db_fail(c, dbrc, "统计纠纷");
	}
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	sql = arena_printf(c->arena, "SELECT e.id, " DP_COLS LIST_FROM "%s ORDER BY e.created_at DESC, e.id DESC LIMIT ? OFFSET ?",
			   w.ptr);
	buf_release(&w);
	st = db_query_args(c->db, sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取纠纷");
	int cap = 0;
	struct dispute *list = NULL;
	while ((dbrc = db_step(st)) == DB_ROW) {
		struct dispute *grown = arena_grow(c->arena, list, &cap, *n, sizeof(*list));
		if (!grown) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		list = grown;
		memset(&list[*n], 0, sizeof(list[*n]));
		list[*n].ev.id = db_col_int(st, 0);
		read_dispute(c, st, 1, &list[*n]);
		(*n)++;
	}
	db_finalize(st);
	/* the events as the actor sees them (masked reporter, actions) */
	for (int i = 0; i < *n; i++) {
		if ((rc = events_get(c, list[i].ev.id, &list[i].ev)))
			return rc;
		list[i].ev.nsteps = 0;
		list[i].ev.nsupervisions = 0;
		dp_fill_can(c, &list[i]);
	}
	*out = list;
	return RC_OK;
}

/* The counts of disputes_stats, each a 0/1 of one dispute (summed per village in SQL,
 * per month in C); the first two take the time "now" (due, overdue). */
