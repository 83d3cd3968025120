/* Emergencies 应急事件: an event of kind 'emergency' that skips the queue, the alerts of
 * the duty officers with their acknowledgements, the board, and the 大喇叭 broadcast
 * (see disputes.h). */
#include "domain/disputes/internal.h"
#include "domain/kernel/push.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/utf8.h"

static const char *const etypes[][2] = {
	{"fire", "火灾"}, {"flood", "汛情"}, {"missing", "人员走失"}, {"accident", "事故"}, {"other", "其他突发事件"},
};

const char *emergencies_type_label(const char *t)
{
	for (size_t i = 0; t && i < ARRAY_SIZE(etypes); i++)
		if (!strcmp(etypes[i][0], t))
			return etypes[i][1];
	return "";
}

/* The roles of duty officers, as a SQL list of fixed role names. */
static const char *duty_roles(struct ctx *c)
{
	struct buf b;
	buf_init(&b, 1024);
	buf_adds(&b, "(");
	int k = 0;
	for (const struct role_def *r = access_roles(); r->name; r++)
		if (r->perms & P_EMERGENCY_DUTY)
			buf_addf(&b, "%s'%s'", k++ ? ", " : "", r->name);
	buf_adds(&b, ")");
	const char *out = b.failed ? "('')" : arena_strdup(c->arena, b.ptr);
	buf_release(&b);
	return out;
}

bool emergencies_on_duty(const struct ctx *c)
{
	if (!c->actor)
		return false;
	for (int i = 0; i < c->actor->ngrants; i++) {
		const struct role_def *r = access_role(c->actor->grants[i].role);
		if (r && (r->perms & P_EMERGENCY_DUTY))
			return true;
	}
	return false;
}

struct create_arg {
	const char *type;
	int64_t *alerted;
	int nalerted;
};

/* Inside the event's creating transaction: the emergency's row, accepted and handled
 * by the village at once, and the alerts of the duty officers over the village. */
static int create_rows(struct ctx *c, int64_t id, void *arg)
{
	struct create_arg *ca = arg;
	int dbrc = db_run(c->db, "INSERT INTO emergencies (event_id, emergency_type, created_at) VALUES (?, ?, ?)", "iti",
			  id, ca->type, c->now);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "登记应急事件");
	struct event_move accept = {.action = "accept", .note = "应急事件，直接受理"};
	struct event_move local = {.action = "handle_locally", .note = "应急处置"};
	int rc = events_move_tx(c, id, &accept, true);
	if (!rc)
		rc = events_move_tx(c, id, &local, true);
	if (rc)
		return rc;
	char vpath[ORG_PATH_MAX] = "";
	int64_t village = 0;
	struct db_stmt *st = db_query(c->db, "SELECT v.id, v.path FROM events e JOIN org_units v ON v.id = e.village_id "
					     "WHERE e.id = ?", "i", id);
	if (st && db_step(st) == DB_ROW) {
		village = db_col_int(st, 0);
		str_copy(vpath, sizeof(vpath), db_col_text(st, 1));
	}
	db_finalize(st);
	char *sql = arena_printf(c->arena, "SELECT DISTINCT u.id FROM role_grants g JOIN users u ON u.id = g.user_id "
					   "JOIN org_units o ON o.id = g.unit_id WHERE u.status = 'active' AND g.role IN %s "
					   "AND substr(?, 1, length(o.path)) = o.path ORDER BY u.id LIMIT ?",
				 duty_roles(c));
	st = db_query(c->db, sql, "ti", vpath, (int64_t)EMERGENCY_ALERTS_MAX);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "查找值班人员");
	ca->alerted = arena_alloc(c->arena, sizeof(int64_t) * EMERGENCY_ALERTS_MAX);
	while (ca->alerted && db_step(st) == DB_ROW)
		ca->alerted[ca->nalerted++] = db_col_int(st, 0);
	db_finalize(st);
	for (int i = 0; i < ca->nalerted; i++)
		if ((dbrc = db_run(c->db, "INSERT INTO emergency_alerts (event_id, user_id, alerted_at) VALUES (?, ?, ?)",
				   "iii", id, ca->alerted[i], c->now)) != DB_OK)
			return ctx_db_fail(c, dbrc, "发出警报");
	if ((rc = events_step_tx(c, id, "alert",
				 arena_printf(c->arena, "%s：已向 %d 名值班人员发出警报", emergencies_type_label(ca->type),
					      ca->nalerted))))
		return rc;
	if (ca->nalerted && (rc = push_alert(c, id))) /* the duty officers' pages on the other servers */
		return rc;
	return dp_audit(c, village, "emergency", id, "create", "emergency_type", ca->type, "alerted", ca->nalerted);
}

/* The county's category for emergencies: the one flagged so (whatever it is called now);
 * a county without one (made after migration 027) gets 应急事件 at its first emergency.
 * 0 when the village is not found (events_create then says so). */
static int emergency_category(struct ctx *c, int64_t village_id, int64_t *cat)
{
	*cat = 0;
	struct org_unit v;
	if (org_find(c, village_id, &v) != RC_OK)
		return RC_OK;
	int64_t county = dp_root(v.path);
	int dbrc = db_get_int(c->db, cat, "SELECT id FROM event_categories WHERE county_id = ? AND emergency = 1 "
					  "ORDER BY active DESC, id LIMIT 1", "i", county);
	if (dbrc == DB_OK)
		return RC_OK;
	if (dbrc != DB_DONE)
		return ctx_db_fail(c, dbrc, "读取应急事件类别");
	struct ctx sys = *c;
	sys.system = true;
	sys.actor = NULL;
	static const char *const names[] = {"应急事件", "突发应急事件"};   /* the second if the first is taken */
	int rc = RC_INVALID;
	for (size_t i = 0; i < ARRAY_SIZE(names) && rc == RC_INVALID; i++) {
		ctx_reset(&sys);
		struct event_category_input k = {.county_id = county, .name = names[i], .accept_hours = 1, .finish_days = 1,
						 .active = 1, .set_warn = true, .emergency = true};
		rc = events_category_create(&sys, &k, cat);
	}
	if (rc)
		c->err = sys.err;
	return rc;
}

int emergencies_create(struct ctx *c, const struct emergency_input *in, int64_t *id, int64_t **alerted,
		       int *nalerted)
{
	*alerted = NULL;
	*nalerted = 0;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!emergencies_type_label(in->emergency_type)[0])
		ctx_field(c, "emergency_type", "应急类型应为 fire（火灾）、flood（汛情）、missing（人员走失）、accident（事故）或 other");
	struct event_input ev = in->ev;
	if (!ev.category_id && ev.village_id > 0) {
		int rc = emergency_category(c, ev.village_id, &ev.category_id);
		if (rc)
			return rc;
	}
	struct create_arg ca = {.type = in->emergency_type};
	ev.kind = "emergency";
	ev.then = create_rows;
	ev.then_arg = &ca;
	int rc = events_create(c, &ev, id);
	if (rc)
		return rc;
	*alerted = ca.alerted;
	*nalerted = ca.nalerted;
	return RC_OK;
}

static int read_alerts(struct ctx *c, struct emergency *e)
{
	struct db_stmt *st = db_query(c->db, "SELECT a.user_id, u.name, a.alerted_at, COALESCE(a.acked_at, 0) FROM "
					     "emergency_alerts a JOIN users u ON u.id = a.user_id WHERE a.event_id = ? "
					     "ORDER BY a.acked_at IS NULL, a.acked_at, u.name LIMIT ?",
				      "ii", e->ev.id, (int64_t)EMERGENCY_ALERTS_MAX);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取警报");
	e->alerts = arena_alloc(c->arena, sizeof(*e->alerts) * EMERGENCY_ALERTS_MAX);
	while (e->alerts && db_step(st) == DB_ROW) {
		struct emergency_alert *a = &e->alerts[e->nalerts++];
		a->event_id = e->ev.id;
		a->user_id = db_col_int(st, 0);
		a->user_name = dp_dup(c, db_col_text(st, 1));
		a->alerted_at = db_col_int(st, 2);
		a->acked_at = db_col_int(st, 3);
		if (c->actor && a->user_id == c->actor->user_id) {
			e->acked = a->acked_at != 0;
			e->can_ack = a->acked_at == 0;
		}
	}
	db_finalize(st);
	return RC_OK;
}

static int load(struct ctx *c, int64_t id, struct emergency *e, bool timeline)
{
	memset(e, 0, sizeof(*e));
	int rc = events_get(c, id, &e->ev);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(e->ev.kind, "emergency")))
		return ctx_fail(c, RC_NOT_FOUND, "应急事件不存在");
	if (rc)
		return rc;
	if (!timeline)
		e->ev.nsteps = e->ev.nsupervisions = 0;
	struct db_stmt *st = db_query(c->db, "SELECT emergency_type, COALESCE(broadcast_id, 0), COALESCE(broadcast_at, 0) "
					     "FROM emergencies WHERE event_id = ?", "i", id);
	int dbrc = st ? db_step(st) : DB_ERROR;
	if (dbrc == DB_ROW) {
		e->emergency_type = dp_dup(c, db_col_text(st, 0));
		e->broadcast_id = db_col_int(st, 1);
		e->broadcast_at = db_col_int(st, 2);
	}
	db_finalize(st);
	if (dbrc != DB_ROW)
		return ctx_db_fail(c, dbrc == DB_DONE ? DB_ERROR : dbrc, "读取应急事件");
	e->can_broadcast = access_can(c, P_BROADCAST, e->ev.village_path) && access_can(c, P_NOTICE_WRITE, e->ev.village_path);
	return read_alerts(c, e);
}

int emergencies_get(struct ctx *c, int64_t id, struct emergency *out)
{
	return load(c, id, out, true);
}

int emergencies_list(struct ctx *c, bool open_only, struct emergency **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct db_args a = {0};
	const char *vis = events_visible_sql(c, &a);
	char *sql = arena_printf(c->arena, "SELECT e.id FROM events e WHERE e.kind = 'emergency' AND %s%s "
					   "ORDER BY e.created_at DESC, e.id DESC LIMIT 100",
				 vis, open_only ? " AND e.state IN ('pending', 'accepted', 'dispatched', 'handling', 'returned')"
						: "");
	struct db_stmt *st = db_query_args(c->db, sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取应急事件");
	int64_t ids[100];
	int k = 0;
	while (k < 100 && db_step(st) == DB_ROW)
		ids[k++] = db_col_int(st, 0);
	db_finalize(st);
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(k ? k : 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < k; i++) {
		int rc = load(c, ids[i], &(*out)[i], false);
		if (rc)
			return rc;
		(*n)++;
	}
	return RC_OK;
}

int emergencies_unacked(struct ctx *c, struct emergency **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!c->actor)
		return RC_OK;
	struct db_stmt *st = db_query(c->db, "SELECT a.event_id FROM emergency_alerts a JOIN events e ON e.id = a.event_id "
					     "WHERE a.user_id = ? AND a.acked_at IS NULL AND e.state IN ('pending', "
					     "'accepted', 'dispatched', 'handling', 'returned') ORDER BY a.alerted_at LIMIT 20",
				      "i", c->actor->user_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取警报");
	int64_t ids[20];
	int k = 0;
	while (k < 20 && db_step(st) == DB_ROW)
		ids[k++] = db_col_int(st, 0);
	db_finalize(st);
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(k ? k : 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < k; i++) {
		int rc = load(c, ids[i], &(*out)[*n], false);
		if (rc == RC_NOT_FOUND) {   /* a grant since withdrawn */
			ctx_reset(c);
			continue;
		}
		if (rc)
			return rc;
		(*n)++;
	}
	return RC_OK;
}

int emergencies_ack(struct ctx *c, int64_t id)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	struct emergency e;
	if ((rc = load(c, id, &e, false)))
		return ctx_end(c, rc);
	bool alerted = false;
	for (int i = 0; i < e.nalerts; i++)
		alerted |= c->actor && e.alerts[i].user_id == c->actor->user_id;
	if (!alerted)
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "你不是这起应急事件的值班接警人员"));
	if (e.acked)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "已确认接警"));
	int dbrc = db_run(c->db, "UPDATE emergency_alerts SET acked_at = ? WHERE event_id = ? AND user_id = ? AND "
				 "acked_at IS NULL", "iii", c->now, id, c->actor->user_id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "确认接警"));
	rc = events_step_tx(c, id, "ack", "确认接警");
	if (!rc)
		rc = dp_audit(c, e.ev.village_id, "emergency", id, "ack", NULL, NULL, "user_id", c->actor->user_id);
	if (!rc)
		rc = push_ack(c, c->actor->user_id, id);
	return ctx_end(c, rc);
}

int emergencies_broadcast(struct ctx *c, int64_t id, int64_t unit_id, const char *body, const struct idem *idem,
			  struct broadcast *out)
{
	struct emergency e;
	int rc = load(c, id, &e, false);
	if (rc)
		return rc;
	if (!e.can_broadcast)
		return ctx_fail(c, RC_FORBIDDEN, "无权用大喇叭广播");
	if (!unit_id)
		unit_id = e.ev.village_id;
	struct org_unit u;
	rc = org_get(c, unit_id, &u);
	if (rc == RC_NOT_FOUND || (!rc && strncmp(e.ev.village_path, u.path, strlen(u.path)))) {
		ctx_clear(c);
		return ctx_field(c, "unit_id", "只能广播到事发村或其所在乡镇、区县");
	}
	if (rc)
		return rc;
	if (!body || !body[0]) {
		/* a default text cut to the broadcast's limit */
		char *text = arena_printf(c->arena, "紧急通知：%s发生%s。%s", e.ev.village_name,
					  emergencies_type_label(e.emergency_type), e.ev.description);
		size_t chars = 0, i = 0;
		while (text && text[i] && chars < VOICE_TEXT_MAX) {
			i++;
			while (((unsigned char)text[i] & 0xC0) == 0x80)
				i++;
			chars++;
		}
		if (text)
			text[i] = 0;
		/* one line */
		for (char *p = text; p && *p; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		body = text;
	}
	struct broadcast b;
	if ((rc = voice_broadcast(c, unit_id, body, idem, &b)))
		return rc;
	*out = b;
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t had = 0;
	db_get_int(c->db, &had, "SELECT COALESCE(broadcast_id, 0) FROM emergencies WHERE event_id = ?", "i", id);
	if (had == b.id)   /* a retry of the same request */
		return ctx_end(c, RC_OK);
	int dbrc = db_run(c->db, "UPDATE emergencies SET broadcast_id = ?, broadcast_at = ? WHERE event_id = ?", "iii", b.id,
			  c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "记录广播"));
	rc = events_step_tx(c, id, "broadcast", arena_printf(c->arena, "大喇叭广播到%s：%s", u.name, body));
	if (!rc)
		rc = dp_audit(c, e.ev.village_id, "emergency", id, "broadcast", "unit", u.name, "broadcast_id", b.id);
	return ctx_end(c, rc);
}
