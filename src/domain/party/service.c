/* The public side of party work: yearly commitments 承诺践诺 with progress and villagers'
 * comments (overdue ones flagged), the service diary 党群服务日记 with its counts per
 * author, and the questions to the secretary 书记会客厅 (public or private, answered
 * within PARTY_ANSWER_DAYS working days, unanswered ones ageing on the board). */
#include "domain/events/events.h"
#include "domain/kernel/calendar.h"
#include "domain/party/internal.h"
#include "util/utf8.h"
#include "domain/voice/voice.h"
#include "util/num.h"

/* The village a list reads: the public page's, a unit named in the query (read by those
 * with business there), or the villager's own. */
static int list_unit(struct ctx *c, int64_t unit_id, int64_t public_village, struct org_unit *u)
{
	if (public_village) {
		int rc = org_find(c, public_village, u);
		if (rc == RC_NOT_FOUND || (!rc && strcmp(u->kind, "village")))
			return ctx_fail(c, RC_NOT_FOUND, "村不存在");
		return rc;
	}
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (unit_id) {
		if (pt_unit(c, unit_id, "unit", u))
			return c->err.code;
		if (!c->system && !access_touches(c, u->path))
			return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
		return RC_OK;
	}
	if (!pt_own_village(c, u))
		return ctx_field(c, "unit", "请选择村");
	return RC_OK;
}

/* ---- commitments ---- */

#define C_SPEC                                                                                  \
	"i:id i:village_id t:village_name i:year t:pledger t:title t:body t:target_date i:progress " \
	"T:done_at T:created_at T:updated_at i:comments p:photos t:video"
#define C_COLS                                                                                  \
	"k.id, k.village_id, v.name, k.year, k.pledger, k.title, k.body, k.target_date, k.progress, " \
	"k.done_at, k.created_at, k.updated_at, (SELECT count(*) FROM party_commitment_notes n WHERE " \
	"n.commitment_id = k.id AND n.kind = 'comment'), k.photos, k.video"

static void c_flags(struct ctx *c, struct party_row *r)
{
	int64_t d;
	bool done = pr_get_int(r, "done_at") != 0;
	bool overdue = !done && !time_parse_date(pr_get_text(r, "target_date"), &d) && d < time_cn_days(c->now);
	pr_text(c, r, "status", done ? "done" : overdue ? "overdue" : "in_progress");
	pr_bool(r, "overdue", overdue);
}

int party_commitments(struct ctx *c, int64_t unit_id, int64_t public_village, int year, bool overdue_only,
		      int limit, int offset, struct party_rows *out)
{
	struct org_unit u;
	int rc = list_unit(c, unit_id, public_village, &u);
	if (rc)
		return rc;
	if (year && (year < 2000 || year > 2100))
		ctx_field(c, "year", "年份应在 2000 到 2100 之间");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 4096);
	buf_adds(&sql, "FROM party_commitments k JOIN org_units v ON v.id = k.village_id WHERE ");
	const char *paths[1] = {u.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &sql, &a);
	if (year) {
		buf_adds(&sql, " AND k.year = ?");
		db_args_int(&a, year);
	}
	if (overdue_only) {
		char today[11];
		time_format_date(c->now, today);
		buf_adds(&sql, " AND k.done_at IS NULL AND k.target_date < ?");
		db_args_text(&a, arena_strdup(c->arena, today));
	}
	rc = pt_page(c, &sql, &a, C_COLS, "k.year DESC, k.target_date, k.id", C_SPEC, limit, offset, out);
	for (int i = 0; !rc && i < out->n; i++)
		c_flags(c, &out->row[i]);
	return rc;
}

static int load_commitment(struct ctx *c, int64_t id, struct party_row *out, char path[ORG_PATH_MAX])
{
	int rc = pr_one(c, db_query(c->db, "SELECT " C_COLS ", v.path FROM party_commitments k JOIN org_units v ON "
					   "v.id = k.village_id WHERE k.id = ?", "i", id),
			C_SPEC " t:path", out, "承诺不存在");
	if (!rc) {
		str_copy(path, ORG_PATH_MAX, pr_get_text(out, "path"));
		c_flags(c, out);
	}
	return rc;
}

int party_commitment_get(struct ctx *c, int64_t id, struct party_row *out)
{
	char path[ORG_PATH_MAX];
	int rc = load_commitment(c, id, out, path);
	if (rc)
		return rc;
	if (!c->system && !access_touches(c, path))
		return ctx_fail(c, RC_NOT_FOUND, "承诺不存在");
	struct party_rows *notes = pr_new(c);
	if (!notes)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	rc = pr_fetch(c, db_query(c->db, "SELECT id, kind, body, progress, photos, author, created_at FROM "
					 "party_commitment_notes WHERE commitment_id = ? ORDER BY id", "i", id),
		      "i:id t:kind t:body n:progress p:photos t:author T:created_at", notes, 1000);
	pr_sub(out, "notes", notes);
	pr_bool(out, "can_manage", access_can(c, P_PARTY_ADMIN, path));
	return rc;
}

int party_commitment_create(struct ctx *c, const struct party_commitment_input *in, int64_t *id)
{
	*id = 0;
	struct org_unit v;
	int rc = pt_village(c, in->village_id, "village_id", &v);
	if (rc && rc != RC_INVALID)
		return rc;
	if (!rc && !access_can(c, P_PARTY_ADMIN, v.path))
		return pt_refuse(c, v.path, "村", "只有村党组织书记和支委可以发布承诺");
	int cy, cm, cd;
	time_civil_from_days(time_cn_days(c->now), &cy, &cm, &cd);
	if (in->year < cy - 1 || in->year > cy + 1)
		ctx_field(c, "year", "年份应在 %d 到 %d 之间", cy - 1, cy + 1);
	ctx_check_text(c, "pledger", in->pledger, PARTY_NAME_MAX, CTX_TEXT_REQUIRED, "承诺人");
	ctx_check_text(c, "title", in->title, PARTY_TEXT_MAX / 2, CTX_TEXT_REQUIRED, "承诺事项");
	if (in->title && in->title[0] && utf8_blank(in->title))
		ctx_field(c, "title", "承诺事项不能为空");
	ctx_check_text(c, "body", in->body, PARTY_BODY_MAX, CTX_TEXT_MULTILINE, "具体内容");
	int64_t d;
	if (pt_check_date(c, "target_date", in->target_date, true, "完成时限", &d) && d < time_cn_days(c->now))
		ctx_field(c, "target_date", "完成时限不能早于今天");
	pt_check_photos(c, "photos", in->photos, in->nphotos);
	if (in->video && in->video[0])
		pt_check_video(c, "video", in->video);
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *ph = pt_join(c, in->photos, in->nphotos > 0 ? in->nphotos : 0);
	if (!ph)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	bool replayed;
	if ((rc = pt_begin_create(c, "party_commitment", in->idem, id, &replayed)) || replayed)
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO party_commitments (village_id, year, pledger, title, body, "
					 "target_date, photos, video, progress, created_by, created_at, updated_at) VALUES (?, "
					 "?, ?, ?, ?, ?, ?, ?, 0, NULLIF(?, 0), ?, ?) RETURNING id", "iitttttt" "iii", v.id,
			      (int64_t)in->year, in->pledger, in->title, in->body ? in->body : "", in->target_date, ph,
			      in->video ? in->video : "", ctx_actor_id(c), c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存承诺"));
	if ((rc = pt_store_created(c, "party_commitment", in->idem, *id)))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, v.id, "party_commitment", *id, "create", "title", in->title, "year", in->year));
}

int party_commitment_update(struct ctx *c, int64_t id, const struct party_commitment_input *in)
{
	struct party_row k;
	char path[ORG_PATH_MAX];
	int rc = load_commitment(c, id, &k, path);
	if (rc)
		return rc;
	if (!c->system && !access_can(c, P_PARTY_ADMIN, path))
		return pt_refuse(c, path, "承诺", "只有村党组织书记和支委可以修改承诺");
	if (in->pledger)
		ctx_check_text(c, "pledger", in->pledger, PARTY_NAME_MAX, CTX_TEXT_REQUIRED, "承诺人");
	if (in->title) {
		ctx_check_text(c, "title", in->title, PARTY_TEXT_MAX / 2, CTX_TEXT_REQUIRED, "承诺事项");
		if (in->title[0] && utf8_blank(in->title))
			ctx_field(c, "title", "承诺事项不能为空");
	}
	if (in->body)
		ctx_check_text(c, "body", in->body, PARTY_BODY_MAX, CTX_TEXT_MULTILINE, "具体内容");
	int64_t d;
	if (in->target_date && strcmp(in->target_date, pr_get_text(&k, "target_date")) &&
	    pt_check_date(c, "target_date", in->target_date, true, "完成时限", &d) && d < time_cn_days(c->now))
		ctx_field(c, "target_date", "完成时限不能早于今天");
	if (in->nphotos > 0)
		pt_check_photos(c, "photos", in->photos, in->nphotos);
	if (in->video && in->video[0] && strcmp(in->video, pr_get_text(&k, "video")))
		pt_check_video(c, "video", in->video);
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *ph = in->nphotos >= 0 ? pt_join(c, in->photos, in->nphotos) : NULL;
	if (in->nphotos >= 0 && !ph)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	/* the history: what changed, on the village's chain */
	struct buf after;
	audit_snap_begin(&after);
	if (in->title && strcmp(in->title, pr_get_text(&k, "title")))
		audit_snap_str(&after, "title", in->title);
	if (in->target_date && strcmp(in->target_date, pr_get_text(&k, "target_date")))
		audit_snap_str(&after, "target_date", in->target_date);
	if (ph && strcmp(ph, pr_get_text(&k, "photos")))
		audit_snap_str(&after, "photos", ph);
	if (in->video && strcmp(in->video, pr_get_text(&k, "video")))
		audit_snap_str(&after, "video", in->video);
	if (in->body && strcmp(in->body, pr_get_text(&k, "body")))
		audit_snap_str(&after, "body", in->body);
	audit_snap_end(&after);
	if (after.failed) {
		buf_release(&after);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	if ((rc = ctx_begin(c))) {
		buf_release(&after);
		return rc;
	}
	int dbrc = db_run(c->db, "UPDATE party_commitments SET pledger = COALESCE(?, pledger), title = COALESCE(?, title), "
				 "body = COALESCE(?, body), target_date = COALESCE(?, target_date), photos = COALESCE(?, "
				 "photos), video = COALESCE(?, video), updated_at = ? WHERE id = ?",
			  "tttttt" "ii", in->pledger, in->title, in->body, in->target_date, ph, in->video, c->now, id);
	rc = dbrc != DB_OK ? ctx_db_fail(c, dbrc, "修改承诺")
			   : audit_record(c, pr_get_int(&k, "village_id"), "party_commitment", id, "update", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

int party_commitment_file(struct ctx *c, int64_t id, int n, struct file_info *out)
{
	struct party_row k;
	char path[ORG_PATH_MAX];
	int rc = load_commitment(c, id, &k, path);
	if (rc)
		return rc;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!c->system && !access_touches(c, path))
		return ctx_fail(c, RC_NOT_FOUND, "承诺不存在");
	char hash[FILES_HASH_LEN + 1];
	if (n == 0) {
		const char *v = pr_get_text(&k, "video");
		if (!v[0])
			return ctx_fail(c, RC_NOT_FOUND, "承诺没有视频");
		str_copy(hash, sizeof(hash), v);
	} else if (!pt_nth_hash(pr_get_text(&k, "photos"), n, hash))
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	return files_info(c, hash, out);
}

int party_commitment_note(struct ctx *c, int64_t id, const char *kind, const char *body, int progress, int nphotos,
			  const char *const *photos, const struct idem *idem, int64_t *note_id)
{
	*note_id = 0;
	struct party_row k;
	char path[ORG_PATH_MAX];
	int rc = load_commitment(c, id, &k, path);
	if (rc)
		return rc;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	bool progress_note = !strcmp(kind, "progress");
	if (!c->system && !access_touches(c, path))
		return ctx_fail(c, RC_NOT_FOUND, "承诺不存在");
	if (progress_note && !access_can(c, P_PARTY_ADMIN, path))
		return ctx_fail(c, RC_FORBIDDEN, "只有村党组织书记和支委可以更新承诺进展");
	ctx_check_text(c, "body", body, PARTY_BODY_MAX / 4, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE,
		       progress_note ? "进展" : "评论");
	if (body && body[0] && utf8_blank(body))
		ctx_field(c, "body", "%s不能为空", progress_note ? "进展" : "评论");
	if (progress_note && (progress < -1 || progress > 100))
		ctx_field(c, "progress", "进度应在 0 到 100 之间");
	pt_check_photos(c, "photos", photos, nphotos);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (progress_note && pr_get_int(&k, "done_at"))
		return ctx_fail(c, RC_CONFLICT, "承诺已完成");
	char *ph = pt_join(c, photos, nphotos > 0 ? nphotos : 0);
	if (!ph)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *scope = progress_note ? "party_progress" : "party_comment";
	const char *replay = NULL;
	if ((rc = idem_begin(c, scope, idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		if (num_parse_i64(replay, 1, INT64_MAX, note_id))
			return ctx_end(c, ctx_fail(c, RC_INTERNAL, "幂等键"));
		return ctx_end(c, RC_OK);
	}
	int64_t pct = progress_note ? (progress >= 0 ? progress : pr_get_int(&k, "progress")) : 0;
	int dbrc = db_get_int(c->db, note_id, progress_note
			      ? "INSERT INTO party_commitment_notes (commitment_id, kind, body, progress, photos, author, "
				"created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id"
			      : "INSERT INTO party_commitment_notes (commitment_id, kind, body, progress, photos, author, "
				"created_by, created_at) VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, NULLIF(?, 0), ?) RETURNING id",
			      "ittittii", id, kind, body, pct, ph, pt_actor_name(c), ctx_actor_id(c),
			      c->now);
	if (dbrc == DB_OK && progress_note)
		dbrc = db_run(c->db, "UPDATE party_commitments SET progress = ?, done_at = NULLIF(?, 0), updated_at = ? "
				     "WHERE id = ?", "iiii", pct, pct == 100 ? c->now : (int64_t)0, c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存承诺进展"));
	char idtxt[24];
	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)*note_id);
	if ((rc = idem_store(c, scope, idem, idtxt)))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, pr_get_int(&k, "village_id"), "party_commitment", id, kind, "body", body,
				   "progress", pct));
}

/* ---- the service diary ---- */

int party_diary(struct ctx *c, int64_t unit_id, int64_t public_village, int limit, int offset, struct party_rows *out)
{
	struct org_unit u;
	int rc = list_unit(c, unit_id, public_village, &u);
	if (rc)
		return rc;
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 4096);
	buf_adds(&sql, "FROM party_diary d JOIN org_units v ON v.id = d.village_id WHERE ");
	const char *paths[1] = {u.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &sql, &a);
	return pt_page(c, &sql, &a, "d.id, d.village_id, v.name, d.day, d.body, d.beneficiary, d.photos, d.author, d.created_at",
		    "d.day DESC, d.id DESC", "i:id i:village_id t:village_name t:day t:body t:beneficiary p:photos t:author "
					      "T:created_at", limit, offset, out);
}

int party_diary_create(struct ctx *c, const struct party_diary_input *in, int64_t *id)
{
	*id = 0;
	struct org_unit v;
	int rc = pt_village(c, in->village_id, "village_id", &v);
	if (rc && rc != RC_INVALID)
		return rc;
	if (!rc && !access_can(c, P_PARTY_ADMIN | P_PARTY_MEMBER, v.path))
		return pt_refuse(c, v.path, "村", "只有村干部和党员可以记服务日记");
	int64_t d;
	if (pt_check_date(c, "day", in->day, true, "日期", &d) && d > time_cn_days(c->now))
		ctx_field(c, "day", "日期不能晚于今天");
	ctx_check_text(c, "body", in->body, PARTY_BODY_MAX / 2, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "服务内容");
	if (in->body && in->body[0] && utf8_blank(in->body))
		ctx_field(c, "body", "服务内容不能为空");
	ctx_check_text(c, "beneficiary", in->beneficiary, PARTY_NAME_MAX * 2, CTX_TEXT_OPTIONAL, "服务对象");
	pt_check_photos(c, "photos", in->photos, in->nphotos);
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *ph = pt_join(c, in->photos, in->nphotos > 0 ? in->nphotos : 0);
	if (!ph)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	bool replayed;
	if ((rc = pt_begin_create(c, "party_diary", in->idem, id, &replayed)) || replayed)
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO party_diary (village_id, day, body, beneficiary, photos, author, "
					 "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id",
			      "itttttii", v.id, in->day, in->body, in->beneficiary ? in->beneficiary : "", ph,
			      pt_actor_name(c), ctx_actor_id(c), c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存服务日记"));
	if ((rc = pt_store_created(c, "party_diary", in->idem, *id)))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, v.id, "party_diary", *id, "create", "day", in->day, NULL, 0));
}

int party_diary_stats(struct ctx *c, int64_t unit_id, struct party_rows *out)
{
	struct org_unit u;
	if (pt_unit(c, unit_id, "unit", &u))
		return c->err.code;
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 8192);
	buf_adds(&sql, "SELECT v.id, v.name, d.author, count(*), MAX(d.day) FROM party_diary d JOIN org_units v ON "
		       "v.id = d.village_id WHERE 1=1");
	int rc = pt_scope(c, P_PARTY_READ | P_PARTY_ADMIN, &u, &sql, &a, "单位");
	if (!rc) {
		buf_adds(&sql, " GROUP BY v.id, v.name, d.author ORDER BY 4 DESC, 1, 3");
		rc = sql.failed ? (int)ctx_fail(c, RC_INTERNAL, "内存不足")
				: pr_fetch(c, db_query_args(c->db, sql.ptr, &a),
					   "i:village_id t:village_name t:author i:entries t:last_day", out, 5000);
	}
	buf_release(&sql);
	return rc;
}

/* ---- 书记会客厅 ---- */

#define Q_SPEC                                                                                 \
	"i:id i:village_id t:village_name t:asker t:body p:photos b:private T:due_at t:answer "     \
	"t:answerer T:answered_at T:created_at i:asked_by n:event_id n:talk_id T:converted_at t:converter"
#define Q_COLS                                                                                 \
	"q.id, q.village_id, v.name, q.asker, q.body, q.photos, q.private, q.due_at, q.answer, "    \
	"q.answerer, q.answered_at, q.created_at, q.asked_by, q.event_id, q.talk_id, q.converted_at, q.converter"

static void q_flags(struct ctx *c, struct party_row *r, bool public)
{
	int64_t at = pr_get_int(r, "answered_at");
	int64_t created = pr_get_int(r, "created_at"), due = pr_get_int(r, "due_at");
	pr_text(c, r, "status", at ? "answered" : "open");
	pr_int(r, "age_days", ((at ? at : c->now) - created) / 86400);
	pr_bool(r, "overdue", at ? at > due : c->now > due);
	pr_bool(r, "mine", c->actor && pr_get_int(r, "asked_by") == c->actor->user_id);
	pr_text(c, r, "converted_to", pr_get_int(r, "event_id") ? "event" : pr_get_int(r, "talk_id") ? "talk" : NULL);
	if (public) {
		pr_text(c, r, "event_id", NULL);
		pr_text(c, r, "converter", NULL);
		/* the asker's name masked on the public page */
		const char *a = pr_get_text(r, "asker");
		char masked[16] = "村民";
		if (a[0]) {
			size_t n = (a[0] & 0x80) ? ((a[0] & 0xE0) == 0xC0 ? 2 : (a[0] & 0xF0) == 0xE0 ? 3 : 4) : 1;
			if (n < sizeof(masked) - 4) {
				memcpy(masked, a, n);
				memcpy(masked + n, "**", 3);
			}
		}
		pr_text(c, r, "asker", masked);
	}
}

int party_questions(struct ctx *c, int64_t unit_id, int64_t public_village, const char *status, bool mine, int limit,
		    int offset, struct party_rows *out)
{
	struct org_unit u;
	int rc = list_unit(c, unit_id, public_village, &u);
	if (rc)
		return rc;
	const char *st = status ? status : "all";
	if (strcmp(st, "open") && strcmp(st, "answered") && strcmp(st, "all"))
		ctx_field(c, "status", "应为 open（待答复）、answered（已答复）或 all（全部）");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 8192);
	buf_adds(&sql, "FROM party_questions q JOIN org_units v ON v.id = q.village_id WHERE ");
	const char *paths[1] = {u.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &sql, &a);
	/* private questions: the asker's own, and those of villages the actor answers for */
	buf_adds(&sql, " AND (q.private = 0");
	if (c->actor && !public_village) {
		buf_adds(&sql, " OR q.asked_by = ?");
		db_args_int(&a, c->actor->user_id);
		struct buf sc;
		struct db_args sa = {0};
		buf_init(&sc, 4096);
		if (scope_where(c, P_PARTY_ANSWER | P_PARTY_ADMIN, SCOPE_UNIT("v"), &sc, &sa) > 0 && sc.ptr) {
			buf_adds(&sql, " OR ");
			buf_adds(&sql, sc.ptr);
			db_args_add(&a, &sa);
		}
		buf_release(&sc);
	} else if (c->system)
		buf_adds(&sql, " OR 1=1");
	buf_adds(&sql, ")");
	if (mine) {
		buf_adds(&sql, " AND q.asked_by = ?");
		db_args_int(&a, c->actor ? c->actor->user_id : -1);
	}
	if (!strcmp(st, "open"))
		buf_adds(&sql, " AND q.answered_at IS NULL");
	else if (!strcmp(st, "answered"))
		buf_adds(&sql, " AND q.answered_at IS NOT NULL");
	rc = pt_page(c, &sql, &a, Q_COLS, !strcmp(st, "open") ? "q.created_at, q.id" : "q.created_at DESC, q.id DESC", Q_SPEC,
		  limit, offset, out);
	for (int i = 0; !rc && i < out->n; i++) {
		struct party_row *r = &out->row[i];
		q_flags(c, r, public_village != 0);
		pr_bool(r, "can_answer", !public_village &&
						 access_can(c, P_PARTY_ANSWER, arena_printf(c->arena, "%s", u.path)));
	}
	return rc;
}

int party_question_create(struct ctx *c, const struct party_question_input *in, int64_t *id)
{
	*id = 0;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct org_unit v;
	int rc;
	if (in->village_id) {
		rc = pt_village(c, in->village_id, "village_id", &v);
		if (rc && rc != RC_INVALID)
			return rc;
		if (!rc && !access_touches(c, v.path))
			return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	} else if (!pt_own_village(c, &v))
		ctx_field(c, "village_id", "请选择村");
	ctx_check_text(c, "body", in->body, PARTY_BODY_MAX / 4, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "问题");
	if (in->body && in->body[0] && utf8_blank(in->body))
		ctx_field(c, "body", "问题不能为空");
	pt_check_photos(c, "photos", in->photos, in->nphotos);
	if (ctx_check_fields(c))
		return RC_INVALID;
	int64_t due;
	if ((rc = calendar_deadline(c, c->now, PARTY_ANSWER_DAYS, &due)))
		return rc;
	char *ph = pt_join(c, in->photos, in->nphotos > 0 ? in->nphotos : 0);
	if (!ph)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	bool replayed;
	if ((rc = pt_begin_create(c, "party_question", in->idem, id, &replayed)) || replayed)
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO party_questions (village_id, asked_by, asker, body, photos, private, "
					 "due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", "iitttiii",
			      v.id, c->actor->user_id, pt_actor_name(c), in->body, ph, (int64_t)in->private_q, due, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存问题"));
	if ((rc = pt_store_created(c, "party_question", in->idem, *id)))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, v.id, "party_question", *id, "ask", "private", in->private_q ? "1" : "0", NULL, 0));
}

int party_question_answer(struct ctx *c, int64_t id, const char *answer)
{
	struct party_row q;
	int rc = pr_one(c, db_query(c->db, "SELECT " Q_COLS ", v.path FROM party_questions q JOIN org_units v ON "
					   "v.id = q.village_id WHERE q.id = ?", "i", id),
			Q_SPEC " t:path", &q, "问题不存在");
	if (rc)
		return rc;
	const char *path = pr_get_text(&q, "path");
	bool asker = c->actor && pr_get_int(&q, "asked_by") == c->actor->user_id;
	if (!access_can(c, P_PARTY_ANSWER, path)) {
		bool visible = access_touches(c, path) &&
			       (!pr_get_int(&q, "private") || asker || access_can(c, P_PARTY_ADMIN, path));
		if (!c->actor && !c->system)
			return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
		return visible ? ctx_fail(c, RC_FORBIDDEN, "只有村党组织书记可以答复")
			       : ctx_fail(c, RC_NOT_FOUND, "问题不存在");
	}
	ctx_check_text(c, "answer", answer, PARTY_BODY_MAX / 2, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "答复");
	if (answer && answer[0] && utf8_blank(answer))
		ctx_field(c, "answer", "答复不能为空");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (pr_get_int(&q, "answered_at"))
		return ctx_fail(c, RC_CONFLICT, "问题已答复");
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t got;
	int dbrc = db_get_int(c->db, &got, "UPDATE party_questions SET answer = ?, answered_by = NULLIF(?, 0), answerer = ?, "
					   "answered_at = ? WHERE id = ? AND answered_at IS NULL RETURNING id", "titii", answer,
			      ctx_actor_id(c), pt_actor_name(c), c->now, id);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "问题已答复"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答复"));
	return ctx_end(c, pt_audit(c, pr_get_int(&q, "village_id"), "party_question", id, "answer", "answer", answer, NULL,
				   0));
}

/* ---- a question becomes an event or a 说事 thread ---- */

struct q_link {
	int64_t question_id, village_id;
	const char *kind;        /* "event" or "talk" */
};

/* Inside the transaction that made the event or the thread: the question keeps the link,
 * once (a concurrent turn finds it taken and rolls its own back). */
static int q_link_then(struct ctx *c, int64_t made, void *arg)
{
	const struct q_link *l = arg;
	bool event = !strcmp(l->kind, "event");
	int64_t got;
	int dbrc = db_get_int(c->db, &got,
			      event ? "UPDATE party_questions SET event_id = ?, converted_at = ?, converted_by = NULLIF(?, 0), "
				      "converter = ? WHERE id = ? AND event_id IS NULL AND talk_id IS NULL RETURNING id"
				    : "UPDATE party_questions SET talk_id = ?, converted_at = ?, converted_by = NULLIF(?, 0), "
				      "converter = ? WHERE id = ? AND event_id IS NULL AND talk_id IS NULL RETURNING id",
			      "iiiti", made, c->now, ctx_actor_id(c), pt_actor_name(c), l->question_id);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_CONFLICT, "问题已转办");
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "关联问题");
	return pt_audit(c, l->village_id, "party_question", l->question_id, event ? "to_event" : "to_talk", NULL, NULL,
			event ? "event_id" : "talk_id", made);
}

int party_question_convert(struct ctx *c, int64_t id, const struct party_convert_input *in, int64_t *made_id)
{
	*made_id = 0;
	struct party_row q;
	int rc = pr_one(c, db_query(c->db, "SELECT " Q_COLS ", v.path FROM party_questions q JOIN org_units v ON "
					   "v.id = q.village_id WHERE q.id = ?", "i", id),
			Q_SPEC " t:path", &q, "问题不存在");
	if (rc)
		return rc;
	const char *path = pr_get_text(&q, "path");
	if (!access_can(c, P_PARTY_ANSWER, path)) {
		bool asker = c->actor && pr_get_int(&q, "asked_by") == c->actor->user_id;
		bool visible = access_touches(c, path) &&
			       (!pr_get_int(&q, "private") || asker || access_can(c, P_PARTY_ADMIN, path));
		if (!c->actor && !c->system)
			return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
		return visible ? ctx_fail(c, RC_FORBIDDEN, "只有村党组织书记可以转办问题")
			       : ctx_fail(c, RC_NOT_FOUND, "问题不存在");
	}
	const char *to = in->to ? in->to : "";
	bool event = !strcmp(to, "event"), talk = !strcmp(to, "talk");
	if (!event && !talk)
		ctx_field(c, "to", "应为 event（民情事件）或 talk（村民说事）");
	if (event && in->category_id <= 0)
		ctx_field(c, "category_id", "请选择事件类别");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (pr_get_int(&q, "event_id"))
		return ctx_fail(c, RC_CONFLICT, "问题已转为民情事件 #%lld", (long long)pr_get_int(&q, "event_id"));
	if (pr_get_int(&q, "talk_id"))
		return ctx_fail(c, RC_CONFLICT, "问题已转为村民说事 #%lld", (long long)pr_get_int(&q, "talk_id"));
	if (talk && pr_get_int(&q, "private"))
		return ctx_fail(c, RC_CONFLICT, "私密问题不能转为全村可见的村民说事，可转为民情事件");
	struct q_link link = {.question_id = id, .village_id = pr_get_int(&q, "village_id"), .kind = event ? "event" : "talk"};
	const char *photos = pr_get_text(&q, "photos");
	int nphotos = 0;
	for (const char *p = photos; p && *p; p++)
		if (p == photos || p[-1] == ',')
			nphotos++;
	if (event && !c->system && !access_can(c, P_EVENT_REPORT, path))
		return ctx_fail(c, RC_FORBIDDEN, "登记民情事件需要本村村两委的权限");
	if (event) {
		/* the question's photos stay with it (they are the asker's uploads); the event
		 * names the question */
		char *desc = nphotos ? arena_printf(c->arena, "【书记会客厅 #%lld】%s（提问附照片 %d 张，见该问题）", (long long)id,
						    pr_get_text(&q, "body"), nphotos)
				     : arena_printf(c->arena, "【书记会客厅 #%lld】%s", (long long)id, pr_get_text(&q, "body"));
		if (!desc)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		struct event_input ev = {.village_id = link.village_id, .category_id = in->category_id,
					 .channel = "party_question", .description = desc,
					 .reporter_name = pr_get_text(&q, "asker"), .then = q_link_then, .then_arg = &link};
		return events_create(c, &ev, made_id);
	}
	char *body = arena_printf(c->arena, "【书记会客厅 #%lld】%s", (long long)id, pr_get_text(&q, "body"));
	if (!body)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct talk_input t = {.category = in->category && in->category[0] ? in->category : "question",
			       .title = in->title, .body = body};
	return voice_talk_open_for(c, pr_get_int(&q, "asked_by"), &t, q_link_then, &link, made_id);
}
