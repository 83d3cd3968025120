/* Disputes 矛盾纠纷: parties, mediators, mediation sessions, the outcome and the
 * follow-up visit, on top of an event of kind 'dispute' (see disputes.h). */
#include "domain/disputes/internal.h"
#include "domain/kernel/files.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"
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

static int load_row(struct ctx *c, int64_t id, struct dispute *d)
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

static bool is_mediator(struct ctx *c, int64_t id)
{
	if (!c->actor)
		return false;
	int64_t n = 0;
	db_get_int(c->db, &n, "SELECT count(*) FROM dispute_mediators WHERE event_id = ? AND user_id = ?", "ii", id,
		   c->actor->user_id);
	return n > 0;
}

/* Manages: takes events in for the village, or handles it in its department. */
static bool manages(const struct ctx *c, const struct event *e)
{
	return c->system || access_can(c, P_EVENT_INTAKE, e->village_path) ||
	       (e->department_id && e->department_path[0] && access_can(c, P_EVENT_HANDLE, e->department_path));
}

static void fill_can(struct ctx *c, struct dispute *d)
{
	bool manager = manages(c, &d->ev);
	bool mediator = is_mediator(c, d->ev.id);
	bool open = !strcmp(d->ev.state, "handling");
	d->can_manage = manager && strcmp(d->ev.state, "rejected");
	d->can_mediate = (manager || mediator) && open && !d->outcome[0];
	d->can_followup = (manager || mediator) && !strcmp(d->outcome, "mediated") && !d->followup_at &&
			  d->followup_due <= c->now;
}

static int read_parties(struct ctx *c, struct dispute *d, bool full, bool party_view, int64_t own_household)
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

static int read_more(struct ctx *c, struct dispute *d, bool notes)
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
static int load_event(struct ctx *c, int64_t id, struct dispute *d, bool timeline)
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
	return load_row(c, id, d);
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
	int rc = load_event(c, id, out, true);
	if (rc)
		return rc;
	/* a villager who reported it reads it as a party (disputes_mine_get) */
	if (!staff_any(c))
		return ctx_fail(c, RC_NOT_FOUND, "纠纷不存在");
	/* personal data of the parties in full for those who may read it: the village's
	 * cadres (P_PII_READ), the department's handler, the mediators and managers */
	bool full = c->system || access_can(c, P_PII_READ, out->ev.village_path) || manages(c, &out->ev) ||
		    is_mediator(c, id);
	if ((rc = read_parties(c, out, full, false, 0)) || (rc = read_more(c, out, true)))
		return rc;
	fill_can(c, out);
	return RC_OK;
}

int disputes_photo(struct ctx *c, int64_t id, int64_t session_id, int n, char mime[16], const void **data,
		   size_t *len)
{
	struct dispute d;
	int rc = load_event(c, id, &d, false);
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
static int list_where(struct ctx *c, const struct dispute_query *q, struct buf *w, struct db_args *a)
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
		db_args_int(a, c->actor ? c->actor->user_id : 0);
	}
	return w->failed ? ctx_fail(c, RC_INTERNAL, "查询过长") : RC_OK;
}

#define LIST_FROM "FROM events e JOIN disputes dd ON dd.event_id = e.id JOIN org_units v ON v.id = e.village_id " \
		  "LEFT JOIN users ob ON ob.id = dd.outcome_by LEFT JOIN users fb ON fb.id = dd.followup_by "

int disputes_list(struct ctx *c, const struct dispute_query *q, struct dispute **out, int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct db_args a = {0};
	struct buf w;
	buf_init(&w, 32768);
	int rc = list_where(c, q, &w, &a);
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
		fill_can(c, &list[i]);
	}
	*out = list;
	return RC_OK;
}

/* The counts of disputes_stats, each a 0/1 of one dispute (summed per village in SQL,
 * per month in C); the first two take the time "now" (due, overdue). */
static const char *const stat_cols[] = {
	"CASE WHEN dd.outcome IS NULL THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'mediated' THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'failed' THEN 1 ELSE 0 END",
	"CASE WHEN dd.recurring > 0 THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'mediated' AND dd.followup_at IS NULL AND dd.followup_due <= ? THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'mediated' AND dd.followup_at IS NULL AND dd.followup_due < ? THEN 1 ELSE 0 END",
	"CASE WHEN dd.outcome = 'mediated' AND dd.followup_result = 'kept' THEN 1 ELSE 0 END",
};

static void stats_add(struct dispute_stats_row *r, struct dispute_stats_row *total, struct db_stmt *st, int col0,
		      int64_t received)
{
	int64_t *f[] = {&r->mediating, &r->mediated, &r->referred, &r->recurring, &r->followups_due,
			&r->followups_overdue, &r->kept};
	int64_t *t[] = {&total->mediating, &total->mediated, &total->referred, &total->recurring,
			&total->followups_due, &total->followups_overdue, &total->kept};
	r->received += received;
	total->received += received;
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		int64_t v = db_col_int(st, col0 + (int)i);
		*f[i] += v;
		*t[i] += v;
	}
}

/* by_month: rows are the nmonths months (given, zeros) keyed as events_stats_bucket's;
 * otherwise one row per village found. */
static int stats_run(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, bool by_month,
		     struct dispute_stats_row **rows, int *n, struct dispute_stats_row *total)
{
	struct dispute_query q = {.unit_id = unit_id, .from = from, .to = to};
	struct db_args a = {0};
	db_args_int(&a, c->now);
	db_args_int(&a, c->now);
	struct buf w, sql;
	buf_init(&w, 32768);
	int rc = list_where(c, &q, &w, &a);
	if (rc) {
		buf_release(&w);
		return rc;
	}
	buf_init(&sql, 65536);
	buf_adds(&sql, by_month ? "SELECT e.created_at, '', 1" : "SELECT v.id, v.name, count(*)");
	for (size_t i = 0; i < ARRAY_SIZE(stat_cols); i++)
		buf_addf(&sql, by_month ? ", %s" : ", SUM(%s)", stat_cols[i]);
	buf_addf(&sql, " " LIST_FROM "%s %s", w.ptr,
		 by_month ? "ORDER BY e.created_at" : "GROUP BY v.id, v.name ORDER BY v.name");
	buf_release(&w);
	if (sql.failed) {
		buf_release(&sql);
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	}
	struct db_stmt *st = db_query_args(c->db, sql.ptr, &a);
	buf_release(&sql);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "统计纠纷");
	int cap = 0, dbrc;
	while ((dbrc = db_step(st)) == DB_ROW) {
		struct dispute_stats_row *r = NULL;
		if (by_month) {
			int64_t k = events_stats_bucket(EVENTS_SERIES_MONTH, db_col_int(st, 0));
			for (int i = 0; i < *n && !r; i++)
				if ((*rows)[i].unit_id == k)
					r = &(*rows)[i];
			if (!r)
				continue;   /* outside the months (cannot happen: from/to are theirs) */
		} else {
			struct dispute_stats_row *grown = arena_grow(c->arena, *rows, &cap, *n, sizeof(**rows));
			if (!grown) {
				db_finalize(st);
				return ctx_fail(c, RC_INTERNAL, "内存不足");
			}
			*rows = grown;
			r = &(*rows)[(*n)++];
			memset(r, 0, sizeof(*r));
			r->unit_id = db_col_int(st, 0);
			r->unit_name = dp_dup(c, db_col_text(st, 1));
		}
		stats_add(r, total, st, 3, db_col_int(st, 2));
	}
	db_finalize(st);
	return dbrc == DB_DONE ? RC_OK : ctx_db_fail(c, dbrc, "统计纠纷");
}

int disputes_stats(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, struct dispute_stats_row **rows,
		   int *n, struct dispute_stats_row *total)
{
	*rows = NULL;
	*n = 0;
	memset(total, 0, sizeof(*total));
	total->unit_name = "合计";
	if (from && to && to <= from)
		return ctx_field(c, "to", "结束时间应晚于开始时间");
	return stats_run(c, unit_id, from, to, false, rows, n, total);
}

int disputes_stats_months(struct ctx *c, int64_t unit_id, struct dispute_stats_row **rows, int *n,
			  struct dispute_stats_row *total)
{
	*n = 0;
	memset(total, 0, sizeof(*total));
	total->unit_name = "合计";
	*rows = arena_alloc(c->arena, sizeof(**rows) * DISPUTE_SERIES_MONTHS);
	if (!*rows)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t now = events_stats_bucket(EVENTS_SERIES_MONTH, c->now);
	for (int i = 0; i < DISPUTE_SERIES_MONTHS; i++) {
		struct dispute_stats_row *r = &(*rows)[i];
		memset(r, 0, sizeof(*r));
		r->unit_id = events_stats_month_add(now, i - (DISPUTE_SERIES_MONTHS - 1));
		r->unit_name = events_stats_bucket_name(c, EVENTS_SERIES_MONTH, r->unit_id);
	}
	*n = DISPUTE_SERIES_MONTHS;
	int64_t from = events_stats_month_start((*rows)[0].unit_id);
	int64_t to = events_stats_month_start(events_stats_month_add(now, 1));
	int rc = stats_run(c, unit_id, from, to, true, rows, n, total);
	if (rc)
		*n = 0;
	return rc;
}

/* ---- the follow-up falling due ---- */

struct due_dispute {
	int64_t id, village_id, due;
};

/* One dispute whose follow-up fell due: stamped (once: a second run finds it stamped),
 * with a step naming its mediators on the event's timeline and an audit record. */
static int notify_followup(struct ctx *c, const struct due_dispute *d, int64_t *count)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t got;
	int dbrc = db_get_int(c->db, &got, "UPDATE disputes SET followup_notified_at = ? WHERE event_id = ? AND "
				       "followup_notified_at IS NULL AND followup_at IS NULL AND outcome = 'mediated' "
				       "RETURNING event_id", "ii", c->now, d->id);
	if (dbrc == DB_DONE)
		return ctx_end(c, RC_OK);   /* done by another run, or visited meanwhile */
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "回访提醒"));
	struct buf names;
	buf_init(&names, 4096);
	struct db_stmt *st = db_query(c->db, "SELECT u.name FROM dispute_mediators m JOIN users u ON u.id = m.user_id "
					     "WHERE m.event_id = ? ORDER BY m.assigned_at, u.id", "i", d->id);
	int n = 0;
	while (st && db_step(st) == DB_ROW)
		buf_addf(&names, "%s%s", n++ ? "、" : "", db_col_text(st, 0));
	db_finalize(st);
	if (!st || names.failed) {
		buf_release(&names);
		return ctx_end(c, ctx_fail(c, RC_INTERNAL, "读取调解员"));
	}
	char day[11];
	time_format_date(d->due, day);
	const char *who = dp_dup(c, names.ptr);
	buf_release(&names);
	const char *note = n ? arena_printf(c->arena, "回访已到期（%s），请调解员%s回访，查看协议是否履行", day, who)
			     : arena_printf(c->arena, "回访已到期（%s），尚未指定调解员，请指定调解员回访", day);
	rc = events_step_tx(c, d->id, "followup_due", note);
	if (!rc)
		rc = dp_audit(c, d->village_id, "dispute", d->id, "followup_notice", "mediators", who, "followup_due", d->due);
	if (!rc)
		(*count)++;
	return ctx_end(c, rc);
}

int disputes_followups_due(struct ctx *c, int64_t *notified)
{
	*notified = 0;
	enum { BATCH = 200 };
	struct due_dispute rows[BATCH];
	for (;;) {
		struct db_stmt *st = db_query(c->db, "SELECT dd.event_id, e.village_id, dd.followup_due FROM disputes dd "
						     "JOIN events e ON e.id = dd.event_id WHERE dd.outcome = 'mediated' AND "
						     "dd.followup_at IS NULL AND dd.followup_notified_at IS NULL AND "
						     "dd.followup_due <= ? ORDER BY dd.event_id LIMIT 200", "i", c->now);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取到期回访");
		int n = 0, dbrc = DB_DONE;
		while (n < BATCH && (dbrc = db_step(st)) == DB_ROW) {
			rows[n].id = db_col_int(st, 0);
			rows[n].village_id = db_col_int(st, 1);
			rows[n].due = db_col_int(st, 2);
			n++;
		}
		db_finalize(st);
		if (n < BATCH && dbrc != DB_DONE)
			return ctx_db_fail(c, dbrc, "读取到期回访");
		for (int i = 0; i < n; i++) {
			int rc = notify_followup(c, &rows[i], notified);
			if (rc)
				return rc;
		}
		if (n < BATCH)
			return RC_OK;
	}
}

/* ---- mediators ---- */

/* The roles that may mediate, as a SQL list "('a', 'b')" (role names are fixed words). */
static const char *mediator_roles(struct ctx *c)
{
	struct buf b;
	buf_init(&b, 1024);
	buf_adds(&b, "(");
	int k = 0;
	for (const struct role_def *r = access_roles(); r->name; r++)
		if (r->perms & P_DISPUTE_MEDIATE)
			buf_addf(&b, "%s'%s'", k++ ? ", " : "", r->name);
	buf_adds(&b, ")");
	const char *out = b.failed ? "('')" : arena_strdup(c->arena, b.ptr);
	buf_release(&b);
	return out;
}

/* Accounts that may mediate the event: a mediating role granted on a unit whose path
 * covers the village, lies inside it, or is the event's department. */
#define CANDIDATES_SQL                                                                            \
	"FROM role_grants g JOIN users u ON u.id = g.user_id JOIN org_units o ON o.id = g.unit_id "  \
	"WHERE u.status = 'active' AND g.role IN %s AND (substr(?, 1, length(o.path)) = o.path OR "  \
	"o.path LIKE ? OR o.id = ?)"

int disputes_mediator_candidates(struct ctx *c, int64_t id, struct dispute_mediator **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct dispute d;
	int rc = load_event(c, id, &d, false);
	if (rc)
		return rc;
	if (!manages(c, &d.ev))
		return ctx_fail(c, RC_FORBIDDEN, "无权指定调解员");
	char *sql = arena_printf(c->arena, "SELECT DISTINCT u.id, u.name " CANDIDATES_SQL " ORDER BY u.name, u.id LIMIT 200",
				 mediator_roles(c));
	struct db_stmt *st = db_query(c->db, sql, "tti", d.ev.village_path,
				      arena_printf(c->arena, "%s%%", d.ev.village_path), d.ev.department_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取调解员");
	int cap = 0;
	while (db_step(st) == DB_ROW) {
		struct dispute_mediator *grown = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!grown)
			break;
		*out = grown;
		struct dispute_mediator *m = &(*out)[(*n)++];
		memset(m, 0, sizeof(*m));
		m->user_id = db_col_int(st, 0);
		m->name = dp_dup(c, db_col_text(st, 1));
	}
	db_finalize(st);
	return RC_OK;
}

static int load_for_change(struct ctx *c, int64_t id, struct dispute *d)
{
	int rc = load_event(c, id, d, false);
	if (rc)
		return rc;
	fill_can(c, d);
	return RC_OK;
}

int disputes_mediator_add(struct ctx *c, int64_t id, int64_t user_id)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	struct dispute d;
	if ((rc = load_for_change(c, id, &d)))
		return ctx_end(c, rc);
	if (!manages(c, &d.ev))
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "无权指定调解员"));
	if (!strcmp(d.ev.state, "rejected") || !strcmp(d.ev.state, "visited") ||
	    (d.outcome[0] && !strcmp(d.ev.state, "finished")))
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "纠纷已办结，不能再指定调解员"));
	char *sql = arena_printf(c->arena, "SELECT u.name " CANDIDATES_SQL " AND u.id = ? LIMIT 1", mediator_roles(c));
	struct db_stmt *st = db_query(c->db, sql, "ttii", d.ev.village_path,
				      arena_printf(c->arena, "%s%%", d.ev.village_path), d.ev.department_id, user_id);
	int dbrc = st ? db_step(st) : DB_ERROR;
	const char *name = dbrc == DB_ROW ? dp_dup(c, db_col_text(st, 0)) : NULL;
	db_finalize(st);
	if (dbrc != DB_ROW && dbrc != DB_DONE)
		return ctx_end(c, ctx_db_fail(c, dbrc, "读取调解员"));
	if (!name)
		return ctx_end(c, ctx_field(c, "user_id", "该账号不能调解这起纠纷（应为本村、本镇或承办部门的调解人员）"));
	int64_t have = 0;
	db_get_int(c->db, &have, "SELECT count(*) FROM dispute_mediators WHERE event_id = ?", "i", id);
	if (have >= DISPUTE_MEDIATORS_MAX)
		return ctx_end(c, ctx_field(c, "user_id", "调解员最多 %d 人", DISPUTE_MEDIATORS_MAX));
	if (is_mediator_user(c, id, user_id))
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "%s已是调解员", name));
	dbrc = db_run(c->db, "INSERT INTO dispute_mediators (event_id, user_id, assigned_by, assigned_at) VALUES "
			     "(?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
		      "iiii", id, user_id, c->actor ? c->actor->user_id : 0, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "指定调解员"));
	rc = events_step_tx(c, id, "mediator_add", arena_printf(c->arena, "指定调解员：%s", name));
	if (!rc)
		rc = dp_audit(c, d.ev.village_id, "dispute", id, "mediator_add", "name", name, "user_id", user_id);
	return ctx_end(c, rc);
}

bool is_mediator_user(struct ctx *c, int64_t id, int64_t user_id)
{
	int64_t n = 0;
	db_get_int(c->db, &n, "SELECT count(*) FROM dispute_mediators WHERE event_id = ? AND user_id = ?", "ii", id,
		   user_id);
	return n > 0;
}

int disputes_mediator_remove(struct ctx *c, int64_t id, int64_t user_id)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	struct dispute d;
	if ((rc = load_for_change(c, id, &d)))
		return ctx_end(c, rc);
	if (!manages(c, &d.ev))
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "无权撤换调解员"));
	const char *name = NULL;
	struct db_stmt *st = db_query(c->db, "SELECT u.name FROM dispute_mediators m JOIN users u ON u.id = m.user_id "
					     "WHERE m.event_id = ? AND m.user_id = ?", "ii", id, user_id);
	if (st && db_step(st) == DB_ROW)
		name = dp_dup(c, db_col_text(st, 0));
	db_finalize(st);
	if (!name)
		return ctx_end(c, ctx_field(c, "user_id", "该账号不是这起纠纷的调解员"));
	int dbrc = db_run(c->db, "DELETE FROM dispute_mediators WHERE event_id = ? AND user_id = ?", "ii", id, user_id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "撤换调解员"));
	rc = events_step_tx(c, id, "mediator_remove", arena_printf(c->arena, "撤换调解员：%s", name));
	if (!rc)
		rc = dp_audit(c, d.ev.village_id, "dispute", id, "mediator_remove", "name", name, "user_id", user_id);
	return ctx_end(c, rc);
}

/* ---- sessions, outcome, follow-up ---- */

/* Before the content is checked: the dispute exists for the actor (404) and the actor
 * may mediate it (403), so that a refusal by scope or role never depends on the body. */
static int may_mediate(struct ctx *c, int64_t id)
{
	struct dispute d;
	int rc = load_event(c, id, &d, false);
	if (rc)
		return rc;
	if (!manages(c, &d.ev) && !is_mediator(c, id))
		return ctx_fail(c, RC_FORBIDDEN, "只有指定的调解员或受理、承办人员可以调解或回访");
	return RC_OK;
}

/* The refusal for a mediator's step: 403 (the actor sees it) with the reason. */
static int mediate_check(struct ctx *c, struct dispute *d)
{
	if (!manages(c, &d->ev) && !is_mediator(c, d->ev.id))
		return ctx_fail(c, RC_FORBIDDEN, "只有指定的调解员或受理、承办人员可以调解");
	if (strcmp(d->ev.state, "handling") || d->outcome[0])
		return ctx_fail(c, RC_CONFLICT, "纠纷应在「办理中」且尚无调解结果时记录调解");
	return RC_OK;
}

static int photo_check(struct ctx *c, const char *field, const char *hash, int i)
{
	struct file_info f;
	bool ok = files_hash_valid(hash) && files_info(c, hash, &f) == RC_OK && !strncmp(f.mime, "image/", 6) &&
		  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
	if (!ok) {
		ctx_clear(c);
		return ctx_field(c, field, "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
	}
	return RC_OK;
}

int disputes_session_add(struct ctx *c, int64_t id, const struct dispute_session_input *in, int64_t *sid)
{
	int prc = may_mediate(c, id);
	if (prc)
		return prc;
	ctx_check_text(c, "place", in->place, DISPUTE_PLACE_MAX, CTX_TEXT_REQUIRED, "调解地点");
	ctx_check_text(c, "notes", in->notes, DISPUTE_TEXT_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "调解情况");
	if (in->held_at == 0)
		ctx_field(c, "held_at", "请填写调解时间");
	else if (in->held_at < 0)
		;   /* reported by the caller */
	else if (in->held_at > c->now + 600)
		ctx_field(c, "held_at", "调解时间不能晚于现在");
	if (in->nphotos < 0 || in->nphotos > DISPUTE_PHOTOS_MAX)
		ctx_field(c, "photos", "最多 %d 张照片", DISPUTE_PHOTOS_MAX);
	for (int i = 0; i < in->nphotos && i < DISPUTE_PHOTOS_MAX; i++)
		if (photo_check(c, "photos", in->photos[i], i))
			break;
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	struct dispute d;
	if ((rc = load_for_change(c, id, &d)) || (rc = mediate_check(c, &d)))
		return ctx_end(c, rc);
	const char *replay = NULL;
	if ((rc = idem_begin(c, "dispute_session", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, sid) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	if (in->held_at < d.ev.created_at - 86400 * 30) {
		return ctx_end(c, ctx_field(c, "held_at", "调解时间不能早于纠纷登记"));
	}
	int dbrc = db_get_int(c->db, sid, "INSERT INTO dispute_sessions (event_id, held_at, place, notes, created_by, "
					  "created_at) VALUES (?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
			      "iittii", id, in->held_at, in->place, in->notes, c->actor ? c->actor->user_id : 0, c->now);
	for (int i = 0; dbrc == DB_OK && i < in->nphotos; i++)
		dbrc = db_run(c->db, "INSERT INTO dispute_session_photos (session_id, ord, file_hash) VALUES (?, ?, ?)", "iit",
			      *sid, (int64_t)(i + 1), in->photos[i]);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存调解记录"));
	rc = events_step_tx(c, id, "mediation", arena_printf(c->arena, "调解（%s）", in->place));
	if (!rc)
		rc = dp_audit(c, d.ev.village_id, "dispute", id, "session", "place", in->place, "session_id", *sid);
	if (!rc) {
		char t[24];
		snprintf(t, sizeof(t), "%lld", (long long)*sid);
		rc = idem_store(c, "dispute_session", in->idem, t);
	}
	return ctx_end(c, rc);
}

int dp_followup_days(struct ctx *c, int64_t county_id, int *days)
{
	int64_t d = 0;
	int dbrc = db_get_int(c->db, &d, "SELECT followup_days FROM dispute_settings WHERE county_id = ?", "i", county_id);
	if (dbrc == DB_DONE) {
		*days = DISPUTE_FOLLOWUP_DEFAULT;
		return RC_OK;
	}
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取回访间隔");
	*days = (int)d;
	return RC_OK;
}

int disputes_outcome(struct ctx *c, int64_t id, const struct dispute_outcome_input *in)
{
	int prc = may_mediate(c, id);
	if (prc)
		return prc;
	bool mediated = in->outcome && !strcmp(in->outcome, "mediated");
	bool failed = in->outcome && !strcmp(in->outcome, "failed");
	if (!mediated && !failed)
		ctx_field(c, "outcome", "调解结果应为 mediated（调解成功）或 failed（调解不成）");
	ctx_check_text(c, "agreement", in->agreement, DISPUTE_TEXT_MAX, CTX_TEXT_MULTILINE, "协议内容");
	ctx_check_text(c, "note", in->note, EVENT_NOTE_MAX, CTX_TEXT_MULTILINE, "说明");
	if (mediated && (!in->agreement || !in->agreement[0]) && (!in->agreement_photo || !in->agreement_photo[0]))
		ctx_field(c, "agreement", "调解成功应填写协议内容或上传协议照片");
	if (mediated && in->agreement_photo && in->agreement_photo[0])
		photo_check(c, "agreement_photo", in->agreement_photo, 0);
	if (failed && !label_of(referrals, ARRAY_SIZE(referrals), in->referred_to)[0])
		ctx_field(c, "referred_to", "调解不成应选择移交去向：judicial（司法所）、court（法院）、petition（信访部门）或 other");
	if (failed && in->referred_to && !strcmp(in->referred_to, "other") && (!in->note || !in->note[0]))
		ctx_field(c, "note", "移交其他去向时请说明");
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	struct dispute d;
	if ((rc = load_for_change(c, id, &d)) || (rc = mediate_check(c, &d)))
		return ctx_end(c, rc);
	int days = 0;
	if ((rc = dp_followup_days(c, dp_root(d.ev.village_path), &days)))
		return ctx_end(c, rc);
	int64_t due = mediated ? c->now + (int64_t)days * 86400 : 0;
	const char *step_note;
	if (mediated)
		step_note = "调解成功，达成协议";
	else
		step_note = arena_printf(c->arena, "调解不成，移交%s%s%s", disputes_referral_label(in->referred_to),
					 in->note && in->note[0] ? "：" : "", in->note ? in->note : "");
	int dbrc = db_run(c->db, "UPDATE disputes SET outcome = ?, agreement = ?, agreement_photo = NULLIF(?, ''), "
				 "referred_to = NULLIF(?, ''), referred_note = ?, outcome_at = ?, outcome_by = "
				 "NULLIF(CAST(? AS BIGINT), 0), followup_due = NULLIF(CAST(? AS BIGINT), 0), followup_at = NULL, "
				 "followup_by = NULL, followup_result = NULL, followup_note = '', followup_notified_at = NULL, "
				 "updated_at = ? WHERE event_id = ?",
			  "tttttiiiii", in->outcome, mediated && in->agreement ? in->agreement : "",
			  mediated && in->agreement_photo ? in->agreement_photo : "", failed ? in->referred_to : "",
			  failed && in->note ? in->note : "", c->now, c->actor ? c->actor->user_id : 0, due, c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存调解结果"));
	struct event_move m = {.action = "finish", .outcome = mediated ? "resolved" : "unresolvable", .note = step_note};
	if ((rc = events_move_tx(c, id, &m, true)))
		return ctx_end(c, rc);
	rc = dp_audit(c, d.ev.village_id, "dispute", id, "outcome", "outcome", in->outcome, "followup_due", due);
	return ctx_end(c, rc);
}

int disputes_followup(struct ctx *c, int64_t id, const char *result, const char *note)
{
	int prc = may_mediate(c, id);
	if (prc)
		return prc;
	bool kept = result && !strcmp(result, "kept");
	bool broken = result && !strcmp(result, "broken");
	if (!kept && !broken)
		ctx_field(c, "result", "回访结果应为 kept（协议已履行）或 broken（协议未履行）");
	ctx_check_text(c, "note", note, EVENT_NOTE_MAX, (broken ? CTX_TEXT_REQUIRED : 0) | CTX_TEXT_MULTILINE,
		       "回访情况");
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	struct dispute d;
	if ((rc = load_for_change(c, id, &d)))
		return ctx_end(c, rc);
	if (!manages(c, &d.ev) && !is_mediator(c, id))
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "只有调解员或受理、承办人员可以回访"));
	if (strcmp(d.outcome, "mediated") || d.followup_at)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "只有调解成功且尚未回访的纠纷可以回访"));
	if (d.followup_due > c->now)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "还未到回访时间"));
	int dbrc;
	if (kept)
		dbrc = db_run(c->db, "UPDATE disputes SET followup_at = ?, followup_by = NULLIF(CAST(? AS BIGINT), 0), "
				     "followup_result = 'kept', followup_note = ?, updated_at = ? WHERE event_id = ?",
			      "iitii", c->now, c->actor ? c->actor->user_id : 0, note ? note : "", c->now, id);
	else
		/* broken: the dispute is open again, counted as recurring; the outcome of the
		 * first mediation stays in the timeline and the audit chain */
		dbrc = db_run(c->db, "UPDATE disputes SET outcome = NULL, agreement = '', agreement_photo = NULL, "
				     "referred_to = NULL, referred_note = '', outcome_at = NULL, outcome_by = NULL, "
				     "followup_due = NULL, followup_at = NULL, followup_by = NULL, followup_result = NULL, "
				     "followup_note = '', recurring = recurring + 1, updated_at = ? WHERE event_id = ?",
			      "ii", c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存回访"));
	if (kept) {
		rc = events_step_tx(c, id, "followup",
				    arena_printf(c->arena, "回访：协议已履行%s%s", note && note[0] ? "。" : "", note ? note : ""));
	} else {
		rc = events_step_tx(c, id, "followup", arena_printf(c->arena, "回访：协议未履行。%s", note));
		struct event_move m = {.action = "reopen", .note = "协议未履行，重新调解"};
		if (!rc)
			rc = events_move_tx(c, id, &m, true);
	}
	if (!rc)
		rc = dp_audit(c, d.ev.village_id, "dispute", id, "followup", "result", result, NULL, 0);
	return ctx_end(c, rc);
}

/* ---- settings ---- */

static int county_of_actor(struct ctx *c, int64_t county_id, int64_t *out)
{
	if (county_id) {
		struct org_unit u;
		int rc = org_get(c, county_id, &u);
		if (rc == RC_NOT_FOUND || (!rc && strcmp(u.kind, "county"))) {
			ctx_clear(c);
			return ctx_field(c, "county_id", "区县不存在");
		}
		if (rc)
			return rc;
		if (!c->system && !access_touches(c, u.path))
			return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
		*out = u.id;
		return RC_OK;
	}
	if (!c->actor || !c->actor->ngrants)
		return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
	*out = dp_root(c->actor->grants[0].path);
	return RC_OK;
}

int disputes_settings_get(struct ctx *c, int64_t county_id, int64_t *county_out, int *followup_days)
{
	int rc = county_of_actor(c, county_id, county_out);
	return rc ? rc : dp_followup_days(c, *county_out, followup_days);
}

int disputes_settings_set(struct ctx *c, int64_t county_id, int followup_days)
{
	int64_t county = 0;
	int rc = county_of_actor(c, county_id, &county);
	if (rc)
		return rc;
	if (followup_days < 1 || followup_days > 365)
		return ctx_field(c, "followup_days", "回访间隔应为 1 到 365 天");
	struct org_unit u;
	if ((rc = org_get(c, county, &u)))
		return rc;
	if (!access_can(c, P_EVENT_ADMIN, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "只有区县管理员可以设置回访间隔");
	if ((rc = ctx_begin(c)))
		return rc;
	int old = 0;
	if ((rc = dp_followup_days(c, county, &old)))
		return ctx_end(c, rc);
	int dbrc = db_run(c->db, "DELETE FROM dispute_settings WHERE county_id = ?", "i", county);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "INSERT INTO dispute_settings (county_id, followup_days, updated_by, updated_at) VALUES "
				     "(?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
			      "iiii", county, (int64_t)followup_days, c->actor ? c->actor->user_id : 0, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存回访间隔"));
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_int(&before, "followup_days", old);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_int(&after, "followup_days", followup_days);
	audit_snap_end(&after);
	rc = audit_record(c, county, "dispute_settings", county, "update", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* ---- the party's view ---- */

static int64_t own_household(const struct ctx *c)
{
	return c->actor ? c->actor->household_id : 0;
}

int disputes_mine_list(struct ctx *c, struct dispute **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct db_stmt *st = db_query(c->db, "SELECT e.id FROM events e WHERE e.kind = 'dispute' AND (e.reporter_id = ? OR "
					     "EXISTS (SELECT 1 FROM dispute_parties p WHERE p.event_id = e.id AND "
					     "p.household_id = ?)) ORDER BY e.created_at DESC, e.id DESC LIMIT 50",
				      "ii", c->actor->user_id, own_household(c) ? own_household(c) : -1);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取纠纷");
	int64_t ids[50];
	int k = 0;
	while (k < 50 && db_step(st) == DB_ROW)
		ids[k++] = db_col_int(st, 0);
	db_finalize(st);
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(k ? k : 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < k; i++) {
		int rc = disputes_mine_get(c, ids[i], &(*out)[i]);
		if (rc)
			return rc;
		(*out)[i].ev.nsteps = 0;
		(*n)++;
	}
	return RC_OK;
}

int disputes_mine_get(struct ctx *c, int64_t id, struct dispute *out)
{
	memset(out, 0, sizeof(*out));
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int64_t reporter = 0, party = 0;
	struct db_stmt *st = db_query(c->db, "SELECT COALESCE(e.reporter_id, 0), (SELECT count(*) FROM dispute_parties p "
					     "WHERE p.event_id = e.id AND p.household_id = ?) FROM events e WHERE e.id = ? "
					     "AND e.kind = 'dispute'",
				      "ii", own_household(c) ? own_household(c) : -1, id);
	int dbrc = st ? db_step(st) : DB_ERROR;
	if (dbrc == DB_ROW) {
		reporter = db_col_int(st, 0);
		party = db_col_int(st, 1);
	}
	db_finalize(st);
	if (dbrc != DB_ROW && dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取纠纷");
	bool self_reported = reporter && reporter == c->actor->user_id;
	if (dbrc == DB_DONE || (!self_reported && !party))
		return ctx_fail(c, RC_NOT_FOUND, "纠纷不存在");
	/* the event read as the system (the party need not be its reporter), then trimmed
	 * to what a party may see */
	struct ctx sys = *c;
	sys.system = true;
	sys.actor = NULL;
	int rc = events_get(&sys, id, &out->ev);
	if (rc) {
		c->err = sys.err;
		return rc;
	}
	if ((rc = load_row(c, id, out)))
		return rc;
	if (!self_reported) {
		out->ev.description = "";
		out->ev.reporter_name = "";
		out->ev.reporter_phone = "";
	} else if (out->ev.anonymous) {
		out->ev.reporter_name = c->actor->name;
	}
	out->ev.address = "";
	out->ev.nphotos = 0;
	out->ev.nsupervisions = 0;
	out->ev.can = 0;
	/* the agreement's text stays with the mediators (it names the parties) */
	out->agreement = "";
	out->agreement_photo = "";
	out->followup_note = "";
	out->referred_note = "";
	/* steps: staff names are shown (as to any reporter); the notes of progress and of
	 * the follow-up may speak of the other parties, so they are left out */
	for (int i = 0; i < out->ev.nsteps; i++)
		if (!strcmp(out->ev.steps[i].action, "note") || !strcmp(out->ev.steps[i].action, "followup") ||
		    !strcmp(out->ev.steps[i].action, "create"))
			out->ev.steps[i].note = "";
	if ((rc = read_parties(c, out, false, true, own_household(c))) ||
	    (rc = read_more(c, out, false)))
		return rc;
	return RC_OK;
}
