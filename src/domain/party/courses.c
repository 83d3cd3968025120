/* Learning 学习教育, courses: the county's and towns' articles with images and an optional
 * audio or video (a file typed by its bytes, or an external link), and the study sessions
 * the phone opens and reports time to (capped here). */
#include "domain/party/internal.h"
#include "domain/points/points.h"
#include "util/num.h"
#include "util/utf8.h"

/* ---- courses ---- */

#define K_SPEC                                                                                       \
	"i:id i:unit_id t:unit_name t:audience t:title i:minutes t:status T:created_at T:updated_at "  \
	"i:photo_count b:has_media"
#define K_COLS                                                                                       \
	"k.id, k.unit_id, u.name, k.audience, k.title, k.minutes, k.status, k.created_at, k.updated_at, " \
	"length(k.photos) , CASE WHEN k.media <> '' THEN 1 ELSE 0 END"

static void photo_count(struct party_row *r)
{
	/* length of "h1,h2": hashes of FILES_HASH_LEN with commas between */
	int64_t len = pr_get_int(r, "photo_count");
	pr_int(r, "photo_count", len > 0 ? (len + 1) / (FILES_HASH_LEN + 1) : 0);
}

int party_courses(struct ctx *c, int64_t unit_id, int limit, int offset, struct party_rows *out)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 4096);
	buf_adds(&sql, "FROM party_courses k JOIN org_units u ON u.id = k.unit_id LEFT JOIN (SELECT course_id, "
		       "sum(seconds) AS secs FROM party_study_sessions WHERE user_id = ? GROUP BY course_id) my ON "
		       "my.course_id = k.id WHERE 1=1");
	db_args_int(&a, ctx_actor_id(c));
	/* the bound arguments point into u and l: they live until the query has run */
	struct learner l;
	struct org_unit u;
	bool none;
	int rc = pl_narrow(c, unit_id, "k", &sql, &a, &u, &l, &none);
	if (rc || none) {
		buf_release(&sql);
		return rc;
	}
	rc = pt_page(c, &sql, &a, K_COLS ", COALESCE(my.secs, 0)", "k.created_at DESC, k.id DESC", K_SPEC " i:my_seconds", limit, offset, out);
	for (int i = 0; !rc && i < out->n; i++)
		photo_count(&out->row[i]);
	return rc;
}

static int load_course(struct ctx *c, int64_t id, struct party_row *out)
{
	return pr_one(c, db_query(c->db, "SELECT " K_COLS ", k.body, k.photos, k.media, k.media_url, "
					 "COALESCE(f.mime, ''), u.path FROM party_courses k JOIN org_units u ON u.id = "
					 "k.unit_id LEFT JOIN files f ON f.hash = k.media AND k.media <> '' WHERE k.id = ?",
				  "i", id),
		      K_SPEC " t:body p:photos t:media t:media_url t:media_mime t:path", out, "课程不存在");
}

/* Whoever's grants touch the publishing unit may read a published course (the
 * learners below it among them); a withdrawn one its publishers only. */
static int course_visible(struct ctx *c, const struct party_row *k, bool *publisher)
{
	const char *path = pr_get_text(k, "path");
	*publisher = access_can(c, P_LEARN_PUBLISH, path);
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!c->system && !access_touches(c, path))
		return ctx_fail(c, RC_NOT_FOUND, "课程不存在");
	if (!*publisher && strcmp(pr_get_text(k, "status"), "published"))
		return ctx_fail(c, RC_NOT_FOUND, "课程不存在");
	return RC_OK;
}

/* The course id as the actor may see it (*publisher: they may change it). */
static int visible_course(struct ctx *c, int64_t id, struct party_row *k, bool *publisher)
{
	int rc = load_course(c, id, k);
	return rc ? rc : course_visible(c, k, publisher);
}

int party_course_get(struct ctx *c, int64_t id, struct party_row *out)
{
	bool publisher;
	int rc = visible_course(c, id, out, &publisher);
	if (rc)
		return rc;
	photo_count(out);
	int64_t mine = 0;
	if (c->actor && db_get_int(c->db, &mine, "SELECT COALESCE(sum(seconds), 0) FROM party_study_sessions WHERE "
						 "course_id = ? AND user_id = ?", "ii", id, c->actor->user_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取学习记录");
	pr_int(out, "my_seconds", mine);
	struct learner l;
	if ((rc = pl_learner_of(c, &l)))
		return rc;
	pr_bool(out, "can_study", !strcmp(pr_get_text(out, "status"), "published") &&
					  pl_fits(&l, pr_get_text(out, "path"), pr_get_text(out, "audience")));
	pr_bool(out, "can_manage", publisher);
	return RC_OK;
}

static void course_fields(struct ctx *c, const struct party_course_input *in, bool create)
{
	if (create || in->title) {
		ctx_check_text(c, "title", in->title, PARTY_TEXT_MAX / 2, CTX_TEXT_REQUIRED, "课程标题");
		if (in->title && in->title[0] && utf8_blank(in->title))
			ctx_field(c, "title", "课程标题不能为空");
	}
	if (create || in->body) {
		ctx_check_text(c, "body", in->body, PARTY_COURSE_BODY_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE,
			       "课程正文");
		if (in->body && in->body[0] && utf8_blank(in->body))
			ctx_field(c, "body", "课程正文不能为空");
	}
	if ((create || in->minutes) && (in->minutes < 1 || in->minutes > 180))
		ctx_field(c, "minutes", "学习时长应在 1 到 180 分钟之间");
	if (in->media && in->media[0]) {
		/* the file's type was judged by its bytes when it was stored (util/media.c) */
		struct file_info f;
		if (!files_hash_valid(in->media) || files_info(c, in->media, &f) != RC_OK ||
		    (!c->system && (!c->actor || f.uploaded_by != c->actor->user_id))) {
			ctx_clear(c);
			ctx_field(c, "media", "音视频文件不存在或不是你上传的，请重新上传");
		} else if (strncmp(f.mime, "audio/", 6) && strncmp(f.mime, "video/", 6)) {
			ctx_field(c, "media", "这个文件不是音频或视频（支持 WebM、Ogg、MP4、M4A 或 WAV）");
		}
	}
	if (in->media_url && in->media_url[0]) {
		ctx_check_text(c, "media_url", in->media_url, PARTY_URL_MAX, CTX_TEXT_OPTIONAL, "音视频链接");
		if (strncmp(in->media_url, "https://", 8) && strncmp(in->media_url, "http://", 7))
			ctx_field(c, "media_url", "音视频链接应以 https:// 或 http:// 开头");
		else
			for (const char *p = in->media_url; *p; p++)
				if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '\\') {
					ctx_field(c, "media_url", "音视频链接不能含空格或引号");
					break;
				}
	}
	pl_check_status(c, in->status);
	if (in->nphotos > 0)
		pt_check_photos(c, "photos", in->photos, in->nphotos);
}

int party_course_create(struct ctx *c, const struct party_course_input *in, int64_t *id)
{
	*id = 0;
	struct org_unit u;
	int rc = pl_publisher_unit(c, in->unit_id, &u);
	if (rc && rc != RC_INVALID)
		return rc;
	pl_check_audience(c, in->audience);
	course_fields(c, in, true);
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *ph = pt_join(c, in->photos, in->nphotos > 0 ? in->nphotos : 0);
	if (!ph)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	bool replayed;
	if ((rc = pt_begin_create(c, "party_course", in->idem, id, &replayed)) || replayed)
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO party_courses (unit_id, audience, title, body, photos, media, "
					 "media_url, minutes, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, "
					 "?, ?, ?, ?, COALESCE(?, 'published'), NULLIF(?, 0), ?, ?) RETURNING id",
			      "itttttti" "tiii", u.id, in->audience, in->title, in->body, ph, in->media ? in->media : "",
			      in->media_url ? in->media_url : "", (int64_t)in->minutes, in->status,
			      ctx_actor_id(c), c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存课程"));
	if ((rc = pt_store_created(c, "party_course", in->idem, *id)))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, u.id, "party_course", *id, "create", "title", in->title, "minutes", in->minutes));
}

int party_course_update(struct ctx *c, int64_t id, const struct party_course_input *in)
{
	struct party_row k;
	bool publisher;
	int rc = visible_course(c, id, &k, &publisher);
	if (rc)
		return rc;
	if (!publisher)
		return ctx_fail(c, RC_FORBIDDEN, "只有发布单位的组织部门可以修改课程");
	course_fields(c, in, false);
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *ph = in->nphotos >= 0 ? pt_join(c, in->photos, in->nphotos) : NULL;
	if (in->nphotos >= 0 && !ph)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db, "UPDATE party_courses SET title = COALESCE(?, title), body = COALESCE(?, body), "
				 "media = COALESCE(?, media), media_url = COALESCE(?, media_url), photos = COALESCE(?, "
				 "photos), minutes = CASE WHEN ? > 0 THEN ? ELSE minutes END, status = COALESCE(?, status), "
				 "updated_at = ? WHERE id = ?",
			  "tttttiitii", in->title, in->body, in->media, in->media_url, ph, (int64_t)in->minutes,
			  (int64_t)in->minutes, in->status, c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存课程"));
	const char *status = in->status ? in->status : pr_get_text(&k, "status");
	return ctx_end(c, pt_audit(c, pr_get_int(&k, "unit_id"), "party_course", id, "update", "status", status, NULL,
				   0));
}

int party_course_media(struct ctx *c, int64_t id, struct file_info *out)
{
	struct party_row k;
	bool publisher;
	int rc = visible_course(c, id, &k, &publisher);
	if (rc)
		return rc;
	const char *h = pr_get_text(&k, "media");
	if (!h || !h[0])
		return ctx_fail(c, RC_NOT_FOUND, "课程没有音视频文件");
	return files_info(c, h, out);
}

enum result party_course_photo(struct ctx *c, int64_t id, int n, char mime[16], const void **data, size_t *len)
{
	struct party_row k;
	bool publisher;
	int rc = visible_course(c, id, &k, &publisher);
	if (rc)
		return rc;
	char hash[FILES_HASH_LEN + 1];
	if (!pt_nth_hash(pr_get_text(&k, "photos"), n, hash))
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	struct file_info f;
	if ((rc = files_read(c, hash, &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}

/* ---- study sessions ---- */

static int load_session(struct ctx *c, int64_t id, struct party_row *out)
{
	return pr_one(c, db_query(c->db, "SELECT s.id, s.course_id, k.title, s.started_at, s.seconds, s.updated_at, "
					 "s.user_id FROM party_study_sessions s JOIN party_courses k ON k.id = s.course_id "
					 "WHERE s.id = ?", "i", id),
		      "i:id i:course_id t:title T:started_at i:seconds T:updated_at i:user_id", out, "学习记录不存在");
}

int party_study_start(struct ctx *c, int64_t course_id, struct party_row *out)
{
	struct party_row k;
	bool publisher;
	int rc = visible_course(c, course_id, &k, &publisher);
	if (rc)
		return rc;
	struct learner l;
	if ((rc = pl_learner_of(c, &l)))
		return rc;
	if (!pl_fits(&l, pr_get_text(&k, "path"), pr_get_text(&k, "audience")))
		return ctx_fail(c, RC_FORBIDDEN, "%s", l.found && pl_under(l.path, pr_get_text(&k, "path"))
						       ? "这门课程面向党员，请联系党支部登记后学习"
						       : "这门课程不是发给你所在村的");
	if (strcmp(pr_get_text(&k, "status"), "published"))
		return ctx_fail(c, RC_CONFLICT, "课程已撤下");
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t id = 0;
	int dbrc = db_get_int(c->db, &id, "INSERT INTO party_study_sessions (course_id, user_id, member_id, village_id, "
					  "started_at, seconds, updated_at) VALUES (?, ?, NULLIF(?, 0), ?, ?, 0, ?) RETURNING id",
			      "iiiiii", course_id, c->actor->user_id, l.member_id, l.village_id, c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存学习记录"));
	/* the session's start is audited; the time reported to it is a capped counter */
	rc = pt_audit(c, l.village_id, "party_study", id, "start", "title", pr_get_text(&k, "title"), "course_id",
		      course_id);
	if ((rc = ctx_end(c, rc)))
		return rc;
	if ((rc = load_session(c, id, out)))
		return rc;
	pr_int(out, "max_seconds", PARTY_STUDY_SESSION_MAX);
	return RC_OK;
}

int party_study_report(struct ctx *c, int64_t session_id, int64_t seconds, struct party_row *out)
{
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int rc = load_session(c, session_id, out);
	if (rc)
		return rc;
	if (pr_get_int(out, "user_id") != c->actor->user_id)
		return ctx_fail(c, RC_NOT_FOUND, "学习记录不存在");
	if (seconds < 0 || seconds > PARTY_STUDY_SESSION_MAX * 10)
		return ctx_field(c, "seconds", "学习时长应在 0 到 %d 秒之间", PARTY_STUDY_SESSION_MAX * 10);
	int64_t v = party_study_seconds(pr_get_int(out, "started_at"), c->now, pr_get_int(out, "seconds"), seconds);
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db, "UPDATE party_study_sessions SET seconds = ?, updated_at = ? WHERE id = ? AND "
				 "seconds <= ?", "iiii", v, c->now, session_id, v);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存学习时长"));
	if ((rc = ctx_end(c, RC_OK)))
		return rc;
	pr_int(out, "seconds", v);
	pr_int(out, "max_seconds", PARTY_STUDY_SESSION_MAX);
	return RC_OK;
}
