/* 村民说事: threads of a village's villagers, replies and answers, resolution, the move
 * to an event or to the village's 议事, moderation by hiding with a reason, and the
 * hourly limit of a villager's posts. */
#include "domain/events/events.h"
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/scope.h"
#include "domain/voice/internal.h"
#include "util/num.h"

static const char *const CATEGORIES[] = {"suggestion", "question", "praise", "council", NULL};

#define T_COLS                                                                                         \
	"t.id, t.village_id, v.name, v.path, t.author_id, us.name, t.category, t.title, t.body, t.status, "   \
	"t.created_at, t.last_post_at, COALESCE(t.resolved_at, 0), COALESCE(t.event_id, 0), "                 \
	"COALESCE(t.council_at, 0), COALESCE(t.council_outcome, ''), COALESCE(t.hidden_at, 0), "              \
	"COALESCE(t.hidden_reason, ''), (SELECT COUNT(*) FROM talk_posts p WHERE p.talk_id = t.id) "
#define T_FROM "FROM talks t JOIN org_units v ON v.id = t.village_id JOIN users us ON us.id = t.author_id "

/* What the actor may do with a village's threads. */
struct rights {
	bool villager;   /* a villager of the village */
	bool moderate;   /* P_TALK_MODERATE */
	bool hidden;     /* may read hidden text and reasons */
	bool read;       /* may read the village's threads (staff: moderators, supervisors) */
};

static struct rights rights_in(struct ctx *c, int64_t village_id, const char *path)
{
	struct rights r = {0};
	struct org_unit v;
	r.villager = voice_villager_village(c, &v) && v.id == village_id;
	r.moderate = access_can(c, P_TALK_MODERATE, path);
	r.hidden = r.moderate || access_can(c, P_TALK_READ_HIDDEN, path);
	r.read = r.hidden || access_can(c, P_TALK_READ, path);
	return r;
}

static void read_row(struct ctx *c, struct db_stmt *st, struct talk *t, char *path, size_t pn)
{
	memset(t, 0, sizeof(*t));
	t->id = db_col_int(st, 0);
	t->village_id = db_col_int(st, 1);
	str_copy(t->village_name, sizeof(t->village_name), db_col_text(st, 2));
	str_copy(path, pn, db_col_text(st, 3));
	t->author_id = db_col_int(st, 4);
	t->author_name = arena_strdup(c->arena, db_col_text(st, 5));
	t->category = arena_strdup(c->arena, db_col_text(st, 6));
	t->title = arena_strdup(c->arena, db_col_text(st, 7));
	t->body = arena_strdup(c->arena, db_col_text(st, 8));
	t->status = arena_strdup(c->arena, db_col_text(st, 9));
	t->created_at = db_col_int(st, 10);
	t->last_post_at = db_col_int(st, 11);
	t->resolved_at = db_col_int(st, 12);
	t->event_id = db_col_int(st, 13);
	t->council_at = db_col_int(st, 14);
	t->council_outcome = t->council_at ? arena_strdup(c->arena, db_col_text(st, 15)) : NULL;
	t->hidden_at = db_col_int(st, 16);
	t->hidden_reason = arena_strdup(c->arena, db_col_text(st, 17));
	t->replies = db_col_int(st, 18);
}

/* What the reader sees of a thread: the text of a hidden one only with the right. */
static void shape(struct ctx *c, struct talk *t, const struct rights *r)
{
	t->can_moderate = r->moderate;
	t->mine = c->actor && c->actor->user_id == t->author_id;
	if (t->hidden_at && !r->hidden) {
		t->title = NULL;
		t->body = NULL;
		t->hidden_reason = NULL;
	} else if (!t->hidden_at) {
		t->hidden_reason = NULL;
	}
}

/* Loads a thread the actor may read: 404 outside every grant, 403 when they touch
 * the village without a right to its threads. */
static int load(struct ctx *c, int64_t id, struct talk *t, struct rights *r, char path[ORG_PATH_MAX])
{
	struct db_stmt *st = db_query(c->db, "SELECT " T_COLS T_FROM "WHERE t.id = ?", "i", id);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取说事失败");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_row(c, st, t, path, ORG_PATH_MAX);
	db_finalize(st);
	if (rc != DB_ROW)
		return ctx_fail(c, RC_NOT_FOUND, "说事不存在");
	*r = rights_in(c, t->village_id, path);
	if (!r->villager && !r->read && !c->system)
		return access_refusal(c, path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "说事不存在")
							       : ctx_fail(c, RC_FORBIDDEN, "无权查看这条说事");
	return RC_OK;
}

static int load_for_moderation(struct ctx *c, int64_t id, struct talk *t, char path[ORG_PATH_MAX])
{
	struct rights r;
	int rc = load(c, id, t, &r, path);
	if (rc)
		return rc;
	if (!r.moderate && !c->system)
		return ctx_fail(c, RC_FORBIDDEN, "只有村干部可以处理说事");
	return RC_OK;
}

/* The hourly limit of a villager's threads and replies. */
static int rate_limit(struct ctx *c)
{
	if (!c->actor || c->system)
		return RC_OK;
	int64_t since = c->now - 3600, n = 0, first = 0;
	struct db_stmt *st = db_query(c->db,
				      "SELECT COUNT(*), MIN(created_at) FROM (SELECT created_at FROM talks WHERE author_id = ? "
				      "AND created_at > ? UNION ALL SELECT created_at FROM talk_posts WHERE author_id = ? AND "
				      "created_at > ?) x",
				      "iiii", c->actor->user_id, since, c->actor->user_id, since);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取说事失败");
	if (db_step(st) == DB_ROW) {
		n = db_col_int(st, 0);
		first = db_col_int(st, 1);
	}
	db_finalize(st);
	if (n < TALK_POSTS_PER_HOUR)
		return RC_OK;
	c->err.retry_after = first + 3600 - c->now > 0 ? first + 3600 - c->now : 1;
	return ctx_fail(c, RC_TOO_MANY, "发帖太频繁：每小时最多 %d 条，请 %lld 分钟后再试", TALK_POSTS_PER_HOUR,
			(long long)((c->err.retry_after + 59) / 60));
}

static enum result audit(struct ctx *c, int64_t village_id, int64_t id, const char *action, const char *k1, const char *v1,
		 const char *k2, int64_t v2)
{
	struct buf after;
	audit_snap_begin(&after);
	if (k1)
		audit_snap_str(&after, k1, v1);
	if (k2)
		audit_snap_int(&after, k2, v2);
	audit_snap_end(&after);
	int rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			      : audit_record(c, village_id, "talk", id, action, "{}", after.ptr);
	buf_release(&after);
	return rc;
}

static int insert_talk(struct ctx *c, int64_t village_id, int64_t author, int64_t at, const char *category,
		       const char *title, const char *body, int64_t *id)
{
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO talks (village_id, author_id, category, title, body, created_at, last_post_at) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "iitttii", village_id, author, category, title, body, at, at);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "发布说事");
	return audit(c, village_id, *id, "open", "title", title, NULL, 0);
}

enum result voice_talk_open(struct ctx *c, const struct talk_input *in, int64_t *id)
{
	if (!in->category || !str_in(in->category, CATEGORIES))
		ctx_field(c, "category", "请选择类别：建议、问题、表扬或议事");
	ctx_check_text(c, "title", in->title, TALK_TITLE_MAX, CTX_TEXT_REQUIRED, "标题");
	ctx_check_text(c, "body", in->body, TALK_BODY_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "内容");
	struct org_unit v;
	if (!voice_villager_village(c, &v)) {
		ctx_reset(c);
		return ctx_fail(c, RC_FORBIDDEN, "只有本村村民可以发起说事");
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "talk", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	if (!(rc = rate_limit(c)) &&
	    !(rc = insert_talk(c, v.id, c->actor->user_id, c->now, in->category, in->title, in->body, id))) {
		char t[24];
		snprintf(t, sizeof(t), "%lld", (long long)*id);
		rc = idem_store(c, "talk", in->idem, t);
	}
	return ctx_end(c, rc);
}

enum result voice_talk_open_for(struct ctx *c, int64_t author_id, const struct talk_input *in,
				int (*then)(struct ctx *c, int64_t id, void *arg), void *arg, int64_t *id)
{
	*id = 0;
	char path[ORG_PATH_MAX] = "";
	int64_t vid = 0;
	struct db_stmt *st = db_query(c->db,
				      "SELECT h.village_id, v.path FROM users u JOIN residents r ON r.id = u.resident_id JOIN "
				      "households h ON h.id = r.household_id JOIN org_units v ON v.id = h.village_id WHERE u.id = ?",
				      "i", author_id);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取村民失败");
	if (db_step(st) == DB_ROW) {
		vid = db_col_int(st, 0);
		str_copy(path, sizeof(path), db_col_text(st, 1));
	}
	db_finalize(st);
	if (!vid)
		return ctx_fail(c, RC_CONFLICT, "提问人不是有户籍账号的本村村民，不能以其名义发起说事");
	if (!c->system && !access_can(c, P_TALK_MODERATE, path))
		return access_refusal(c, path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "村不存在")
							       : ctx_fail(c, RC_FORBIDDEN, "只有村干部可以发起代村民的说事");
	if (!in->category || !str_in(in->category, CATEGORIES))
		ctx_field(c, "category", "请选择类别：建议、问题、表扬或议事");
	ctx_check_text(c, "title", in->title, TALK_TITLE_MAX, CTX_TEXT_REQUIRED, "标题");
	ctx_check_text(c, "body", in->body, TALK_BODY_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "内容");
	if (ctx_check_fields(c))
		return RC_INVALID;
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "talk", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	if (!(rc = insert_talk(c, vid, author_id, c->now, in->category, in->title, in->body, id)) && then)
		rc = then(c, *id, arg);
	if (!rc) {
		char t[24];
		snprintf(t, sizeof(t), "%lld", (long long)*id);
		rc = idem_store(c, "talk", in->idem, t);
	}
	return ctx_end(c, rc);
}

static int insert_post(struct ctx *c, const struct talk *t, int64_t author, int64_t at, const char *kind,
		       const char *body, int64_t *post_id)
{
	int dbrc = db_get_int(c->db, post_id,
			      "INSERT INTO talk_posts (talk_id, author_id, kind, body, created_at) VALUES (?, ?, ?, ?, ?) "
			      "RETURNING id",
			      "iitti", t->id, author, kind, body, at);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db,
			      "UPDATE talks SET last_post_at = ?, status = CASE WHEN ? = 'answer' AND status = 'open' "
			      "THEN 'answered' ELSE status END WHERE id = ?",
			      "iti", at, kind, t->id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "回复说事");
	return audit(c, t->village_id, t->id, kind, "body", body, "post_id", *post_id);
}

enum result voice_talk_reply(struct ctx *c, int64_t id, const char *body, const struct idem *idem, int64_t *post_id)
{
	ctx_check_text(c, "body", body, TALK_BODY_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "内容");
	struct talk t;
	struct rights r;
	char path[ORG_PATH_MAX];
	int rc = load(c, id, &t, &r, path);
	if (rc)
		return rc;
	if (!r.villager && !r.moderate)
		return ctx_fail(c, RC_FORBIDDEN, "只有本村村民和村干部可以回复");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (t.hidden_at)
		return ctx_fail(c, RC_CONFLICT, "这条说事已被隐藏，不能回复");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "talk-reply", idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, post_id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	if (!(rc = r.moderate ? RC_OK : rate_limit(c)) &&
	    !(rc = insert_post(c, &t, c->actor->user_id, c->now, r.moderate ? "answer" : "reply", body, post_id))) {
		char s[24];
		snprintf(s, sizeof(s), "%lld", (long long)*post_id);
		rc = idem_store(c, "talk-reply", idem, s);
	}
	return ctx_end(c, rc);
}

enum result voice_talk_resolve(struct ctx *c, int64_t id)
{
	struct talk t;
	char path[ORG_PATH_MAX];
	int rc = load_for_moderation(c, id, &t, path);
	if (rc)
		return rc;
	if (!strcmp(t.status, "resolved"))
		return ctx_fail(c, RC_CONFLICT, "这条说事已办结");
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db, "UPDATE talks SET status = 'resolved', resolved_at = ?, resolved_by = ? WHERE id = ?",
			  "iii", c->now, ctx_actor_id(c), id);
	rc = dbrc != DB_OK ? ctx_db_fail(c, dbrc, "办结说事") : audit(c, t.village_id, id, "resolve", NULL, NULL, NULL, 0);
	return ctx_end(c, rc);
}

enum result voice_talk_hide(struct ctx *c, int64_t id, int64_t post_id, const char *reason)
{
	ctx_check_text(c, "reason", reason, TALK_REASON_MAX, CTX_TEXT_REQUIRED, "隐藏原因");
	struct talk t;
	char path[ORG_PATH_MAX];
	int rc = load_for_moderation(c, id, &t, path);
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	int64_t hidden = 0;
	if (post_id) {
		int dbrc = db_get_int(c->db, &hidden, "SELECT COALESCE(hidden_at, 0) FROM talk_posts WHERE id = ? AND talk_id = ?",
				      "ii", post_id, id);
		if (dbrc == DB_DONE)
			return ctx_field(c, "post_id", "这条说事没有这个回复");
	} else {
		hidden = t.hidden_at;
	}
	if (hidden)
		return ctx_fail(c, RC_CONFLICT, "已经隐藏");
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t by = ctx_actor_id(c);
	int dbrc = post_id ? db_run(c->db, "UPDATE talk_posts SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?",
				    "iiti", c->now, by, reason, post_id)
			   : db_run(c->db, "UPDATE talks SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?",
				    "iiti", c->now, by, reason, id);
	rc = dbrc != DB_OK ? ctx_db_fail(c, dbrc, "隐藏")
			   : audit(c, t.village_id, id, "hide", "reason", reason, "post_id", post_id);
	return ctx_end(c, rc);
}

enum result voice_talk_to_event(struct ctx *c, int64_t id, int64_t category_id, int64_t *event_id)
{
	struct talk t;
	char path[ORG_PATH_MAX];
	int rc = load_for_moderation(c, id, &t, path);
	if (rc)
		return rc;
	if (category_id <= 0)
		return ctx_field(c, "category_id", "请选择事件类别");
	if (t.event_id)
		return ctx_fail(c, RC_CONFLICT, "这条说事已转为事件 #%lld", (long long)t.event_id);
	/* the event first (its own transaction), with a key of this thread: a retry after a
	 * failure below finds the same event */
	struct idem k = {.key = arena_printf(c->arena, "talk-event-%lld", (long long)id)};
	crypto_hash_hex(k.key, strlen(k.key), k.fingerprint);
	char *desc = arena_printf(c->arena, "【村民说事 #%lld】%s：%s", (long long)id, t.title, t.body);
	if (!k.key || !desc)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct event_input in = {.village_id = t.village_id, .category_id = category_id, .channel = "talk",
				 .description = desc, .idem = &k};
	if ((rc = events_create(c, &in, event_id)))
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db, "UPDATE talks SET event_id = ? WHERE id = ?", "ii", *event_id, id);
	rc = dbrc != DB_OK ? ctx_db_fail(c, dbrc, "关联事件")
			   : audit(c, t.village_id, id, "to_event", NULL, NULL, "event_id", *event_id);
	return ctx_end(c, rc);
}

enum result voice_talk_council(struct ctx *c, int64_t id, const char *outcome)
{
	ctx_check_text(c, "outcome", outcome, TALK_BODY_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "议事结果");
	struct talk t;
	char path[ORG_PATH_MAX];
	int rc = load_for_moderation(c, id, &t, path);
	if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (t.council_at)
		return ctx_fail(c, RC_CONFLICT, "已记录议事结果");
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db,
			  "UPDATE talks SET council_outcome = ?, council_at = ?, status = 'resolved', "
			  "resolved_at = COALESCE(resolved_at, ?), resolved_by = COALESCE(resolved_by, ?) WHERE id = ?",
			  "tiiii", outcome, c->now, c->now, ctx_actor_id(c), id);
	rc = dbrc != DB_OK ? ctx_db_fail(c, dbrc, "记录议事") : audit(c, t.village_id, id, "council", "outcome", outcome, NULL, 0);
	return ctx_end(c, rc);
}

enum result voice_talk_get(struct ctx *c, int64_t id, struct talk *out)
{
	struct rights r;
	char path[ORG_PATH_MAX];
	int rc = load(c, id, out, &r, path);
	if (rc)
		return rc;
	shape(c, out, &r);
	struct db_stmt *st = db_query(c->db,
				      "SELECT p.id, p.author_id, us.name, p.kind, p.body, p.created_at, COALESCE(p.hidden_at, 0), "
				      "COALESCE(p.hidden_reason, '') FROM talk_posts p JOIN users us ON us.id = p.author_id "
				      "WHERE p.talk_id = ? ORDER BY p.id LIMIT ?",
				      "ii", id, (int64_t)TALK_POSTS_MAX);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取回复失败");
	int cap = 0;
	while (db_step(st) == DB_ROW) {
		out->posts = arena_grow(c->arena, out->posts, &cap, out->nposts + 1, sizeof(*out->posts));
		if (!out->posts)
			break;
		struct talk_post *p = &out->posts[out->nposts++];
		p->id = db_col_int(st, 0);
		p->author_id = db_col_int(st, 1);
		p->author_name = arena_strdup(c->arena, db_col_text(st, 2));
		p->kind = arena_strdup(c->arena, db_col_text(st, 3));
		p->created_at = db_col_int(st, 5);
		p->hidden_at = db_col_int(st, 6);
		bool show = !p->hidden_at || r.hidden;
		p->body = show ? arena_strdup(c->arena, db_col_text(st, 4)) : NULL;
		p->hidden_reason = p->hidden_at && r.hidden ? arena_strdup(c->arena, db_col_text(st, 7)) : NULL;
	}
	db_finalize(st);
	return RC_OK;
}

enum result voice_talks_list(struct ctx *c, const struct talk_query *q, struct talk **out, int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct org_unit v;
	int rc;
	if (q->unit_id) {
		if ((rc = org_get(c, q->unit_id, &v)))
			return rc;
	} else if (!voice_villager_village(c, &v)) {
		return ctx_fail(c, RC_INVALID, "请选择村");
	}
	struct rights r = rights_in(c, v.id, v.path);
	if (!r.villager && !r.read && !c->system)
		return access_refusal(c, v.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "单位不存在")
								 : ctx_fail(c, RC_FORBIDDEN, "无权查看%s的说事", v.name);
	if (q->category && !str_in(q->category, CATEGORIES))
		return ctx_field(c, "category", "类别无效");
	static const char *const STATUSES[] = {"open", "answered", "resolved", "hidden", "all", NULL};
	if (q->status && !str_in(q->status, STATUSES))
		return ctx_field(c, "status", "状态无效");
	struct buf where;
	buf_init(&where, 4096);
	struct db_args a = {0};
	buf_adds(&where, "WHERE ");
	const char *paths[1] = {v.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &where, &a);
	if (q->category) {
		buf_adds(&where, " AND t.category = ?");
		db_args_text(&a, q->category);
	}
	if (q->status && !strcmp(q->status, "hidden")) {
		buf_adds(&where, " AND t.hidden_at IS NOT NULL");
	} else if (q->status && strcmp(q->status, "all")) {
		buf_adds(&where, " AND t.status = ?");
		db_args_text(&a, q->status);
	}
	if (where.failed) {
		buf_release(&where);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	char *sql = arena_printf(c->arena, "SELECT COUNT(*) FROM talks t JOIN org_units v ON v.id = t.village_id %s", where.ptr);
	int dbrc = db_get_int_args(c->db, total, sql, &a);
	if (dbrc != DB_OK) {
		buf_release(&where);
		return ctx_db_fail(c, dbrc, "统计说事");
	}
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	sql = arena_printf(c->arena, "SELECT " T_COLS T_FROM "%s ORDER BY t.last_post_at DESC, t.id DESC LIMIT ? OFFSET ?",
			   where.ptr);
	buf_release(&where);
	struct db_stmt *st = db_query_args(c->db, sql, &a);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取说事失败");
	int cap = 0;
	while (db_step(st) == DB_ROW) {
		*out = arena_grow(c->arena, *out, &cap, *n + 1, sizeof(**out));
		if (!*out)
			break;
		char path[ORG_PATH_MAX];
		struct talk *t = &(*out)[(*n)++];
		read_row(c, st, t, path, sizeof(path));
		shape(c, t, &r);
	}
	db_finalize(st);
	return RC_OK;
}

enum result voice_seed_talk(struct ctx *c, int64_t author_id, int64_t at, const char *category, const char *title,
			    const char *body, int64_t *id)
{
	int64_t vid = 0;
	int dbrc = db_get_int(c->db, &vid,
			      "SELECT h.village_id FROM users u JOIN residents r ON r.id = u.resident_id JOIN households h "
			      "ON h.id = r.household_id WHERE u.id = ?",
			      "i", author_id);
	if (dbrc != DB_OK)
		return ctx_fail(c, RC_NOT_FOUND, "村民不存在");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	rc = insert_talk(c, vid, author_id, at, category, title, body, id);
	return ctx_end(c, rc);
}

enum result voice_seed_post(struct ctx *c, int64_t talk_id, int64_t user_id, int64_t at, const char *body)
{
	struct talk t;
	char path[ORG_PATH_MAX];
	struct rights r;
	int rc = load(c, talk_id, &t, &r, path);
	if (rc)
		return rc;
	int64_t moderator = 0;
	db_get_int(c->db, &moderator, "SELECT 1 FROM role_grants WHERE user_id = ? AND role = 'cadre'", "i", user_id);
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t pid;
	rc = insert_post(c, &t, user_id, at, moderator ? "answer" : "reply", body, &pid);
	return ctx_end(c, rc);
}
