/* Learning 学习教育: the county's and towns' courses (an article with images, an optional
 * audio or video file by hash) and quizzes (single and multiple choice with a pass mark),
 * the study sessions the phone opens and reports time to (capped here), the attempts
 * scored here from the choices alone, and each member's study record 一人一册 that the
 * branch, the town and the county read. A passed 趣味学法 quiz (for villagers) earns the
 * points of the village's rule of the quiz's rule name, once per quiz and household, as
 * an approved points record that goes to 公示 within the rule's cap. */
#include "domain/party/internal.h"
#include "domain/points/points.h"
#include "util/num.h"
#include "util/utf8.h"

#define READERS (P_PARTY_ADMIN | P_PARTY_READ)

/* ---- scoring (pure) ---- */

static int bits(int m)
{
	int n = 0;
	for (; m; m &= m - 1)
		n++;
	return n;
}

bool party_quiz_right(const char *kind, int answer, int given)
{
	if (!kind || answer <= 0 || given <= 0)
		return false;
	if (!strcmp(kind, "single"))
		return bits(given) == 1 && given == answer;
	if (!strcmp(kind, "multiple"))
		return given == answer;
	return false;
}

int party_quiz_score(int correct, int total)
{
	if (total <= 0 || correct <= 0)
		return 0;
	if (correct > total)
		correct = total;
	return (int)((int64_t)correct * 100 / total);
}

int64_t party_study_seconds(int64_t started_at, int64_t now, int64_t before, int64_t reported)
{
	int64_t v = reported < 0 ? 0 : reported;
	int64_t elapsed = now - started_at + PARTY_STUDY_SLACK;
	if (v > elapsed)
		v = elapsed;
	if (v > PARTY_STUDY_SESSION_MAX)
		v = PARTY_STUDY_SESSION_MAX;
	if (v < before)
		v = before;
	return v < 0 ? 0 : v;
}

/* ---- who learns ---- */

struct learner {
	bool found, member;
	int64_t member_id, village_id, household_id, resident_id;
	char path[ORG_PATH_MAX];
};

/* The actor as a learner: an active member of a branch (their village), else a resident
 * of a household (its village). */
static int learner_of(struct ctx *c, struct learner *l)
{
	memset(l, 0, sizeof(*l));
	if (!c->actor)
		return RC_OK;
	struct db_stmt *st = db_query(c->db, "SELECT m.id, m.village_id, v.path, COALESCE(m.household_id, 0) FROM "
					     "party_members m JOIN org_units v ON v.id = m.village_id WHERE m.status = "
					     "'active' AND (m.user_id = ? OR (m.resident_id = ? AND m.resident_id > 0)) "
					     "ORDER BY m.id LIMIT 1",
				      "ii", c->actor->user_id, c->actor->resident_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取党员");
	if (db_step(st) == DB_ROW) {
		l->found = l->member = true;
		l->member_id = db_col_int(st, 0);
		l->village_id = db_col_int(st, 1);
		str_copy(l->path, sizeof(l->path), db_col_text(st, 2));
		l->household_id = db_col_int(st, 3);
	}
	db_finalize(st);
	if (c->actor->household_id) {
		l->household_id = c->actor->household_id;
		l->resident_id = c->actor->resident_id;
	}
	struct org_unit v;
	if (!l->found && pt_own_village(c, &v)) {
		l->found = true;
		l->village_id = v.id;
		str_copy(l->path, sizeof(l->path), v.path);
	}
	return RC_OK;
}

static bool under(const char *path, const char *unit_path)
{
	size_t n = strlen(unit_path);
	return n && !strncmp(path, unit_path, n);
}

/* May the learner study what a unit published for the audience? */
static bool fits(const struct learner *l, const char *unit_path, const char *audience)
{
	return l->found && under(l->path, unit_path) && (l->member || !strcmp(audience, "villager"));
}

/* The county or town a course or quiz is published for, checked for P_LEARN_PUBLISH. */
static int publisher_unit(struct ctx *c, int64_t unit_id, struct org_unit *u)
{
	int rc = unit_id > 0 ? org_find(c, unit_id, u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (!rc && strcmp(u->kind, "town") && strcmp(u->kind, "county")))
		return ctx_field(c, "unit_id", "请选择发布的区县或乡镇");
	if (rc)
		return rc;
	if (!access_can(c, P_LEARN_PUBLISH, u->path))
		return pt_refuse(c, u->path, "单位", "只有区县和乡镇的组织部门可以发布学习内容");
	return RC_OK;
}

static void check_audience(struct ctx *c, const char *audience)
{
	if (!audience || (strcmp(audience, "member") && strcmp(audience, "villager")))
		ctx_field(c, "audience", "应为 member（党员学习）或 villager（趣味学法，面向村民）");
}

static void check_status(struct ctx *c, const char *status)
{
	if (status && strcmp(status, "published") && strcmp(status, "withdrawn"))
		ctx_field(c, "status", "应为 published（发布）或 withdrawn（撤下）");
}

/* Appends the filter of a console list: units above or below u. */
static void near_unit(struct buf *sql, struct db_args *a, const struct org_unit *u)
{
	buf_adds(sql, " AND (substr(CAST(? AS TEXT), 1, length(u.path)) = u.path OR "
		      "substr(u.path, 1, length(CAST(? AS TEXT))) = CAST(? AS TEXT))");
	db_args_text(a, u->path);
	db_args_text(a, u->path);
	db_args_text(a, u->path);
}

/* Appends the filter of what a learner may study. */
static void for_learner(struct buf *sql, struct db_args *a, const struct learner *l, const char *alias)
{
	buf_adds(sql, " AND substr(CAST(? AS TEXT), 1, length(u.path)) = u.path AND ");
	buf_adds(sql, alias);
	buf_adds(sql, l->member ? ".status = 'published'" : ".status = 'published' AND ");
	if (!l->member) {
		buf_adds(sql, alias);
		buf_adds(sql, ".audience = 'villager'");
	}
	db_args_text(a, l->path);
}

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
	db_args_int(&a, c->actor ? c->actor->user_id : 0);
	struct learner l;
	int rc;
	if (unit_id) {
		struct org_unit u;
		if ((rc = pt_unit(c, unit_id, "unit", &u)) || (!c->system && !access_touches(c, u.path))) {
			buf_release(&sql);
			return rc ? rc : (int)ctx_fail(c, RC_NOT_FOUND, "单位不存在");
		}
		near_unit(&sql, &a, &u);
	} else {
		if ((rc = learner_of(c, &l))) {
			buf_release(&sql);
			return rc;
		}
		if (!l.found) {
			buf_release(&sql);
			return RC_OK;
		}
		for_learner(&sql, &a, &l, "k");
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

int party_course_get(struct ctx *c, int64_t id, struct party_row *out)
{
	int rc = load_course(c, id, out);
	bool publisher;
	if (rc || (rc = course_visible(c, out, &publisher)))
		return rc;
	photo_count(out);
	int64_t mine = 0;
	if (c->actor && db_get_int(c->db, &mine, "SELECT COALESCE(sum(seconds), 0) FROM party_study_sessions WHERE "
						 "course_id = ? AND user_id = ?", "ii", id, c->actor->user_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取学习记录");
	pr_int(out, "my_seconds", mine);
	struct learner l;
	if ((rc = learner_of(c, &l)))
		return rc;
	pr_bool(out, "can_study", !strcmp(pr_get_text(out, "status"), "published") &&
					  fits(&l, pr_get_text(out, "path"), pr_get_text(out, "audience")));
	pr_bool(out, "can_manage", publisher);
	return RC_OK;
}

static void course_fields(struct ctx *c, const struct party_course_input *in, bool create)
{
	if (create || in->title) {
		ctx_check_text(c, "title", in->title, PARTY_TEXT_MAX / 2, CTX_TEXT_REQUIRED, "课程标题");
		if (in->title && in->title[0] && pt_blank(in->title))
			ctx_field(c, "title", "课程标题不能为空");
	}
	if (create || in->body) {
		ctx_check_text(c, "body", in->body, PARTY_COURSE_BODY_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE,
			       "课程正文");
		if (in->body && in->body[0] && pt_blank(in->body))
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
	check_status(c, in->status);
	if (in->nphotos > 0)
		pt_check_photos(c, "photos", in->photos, in->nphotos);
}

int party_course_create(struct ctx *c, const struct party_course_input *in, int64_t *id)
{
	*id = 0;
	struct org_unit u;
	int rc = publisher_unit(c, in->unit_id, &u);
	if (rc && rc != RC_INVALID)
		return rc;
	check_audience(c, in->audience);
	course_fields(c, in, true);
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *ph = pt_join(c, in->photos, in->nphotos > 0 ? in->nphotos : 0);
	if (!ph)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "party_course", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		if (num_parse_i64(replay, 1, INT64_MAX, id))
			return ctx_end(c, ctx_fail(c, RC_INTERNAL, "幂等键"));
		return ctx_end(c, RC_OK);
	}
	int dbrc = db_get_int(c->db, id, "INSERT INTO party_courses (unit_id, audience, title, body, photos, media, "
					 "media_url, minutes, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, "
					 "?, ?, ?, ?, COALESCE(?, 'published'), NULLIF(?, 0), ?, ?) RETURNING id",
			      "itttttti" "tiii", u.id, in->audience, in->title, in->body, ph, in->media ? in->media : "",
			      in->media_url ? in->media_url : "", (int64_t)in->minutes, in->status,
			      c->actor ? c->actor->user_id : 0, c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存课程"));
	char idtxt[24];
	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)*id);
	if ((rc = idem_store(c, "party_course", in->idem, idtxt)))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, u.id, "party_course", *id, "create", "title", in->title, "minutes", in->minutes));
}

int party_course_update(struct ctx *c, int64_t id, const struct party_course_input *in)
{
	struct party_row k;
	int rc = load_course(c, id, &k);
	bool publisher;
	if (rc || (rc = course_visible(c, &k, &publisher)))
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
	int rc = load_course(c, id, &k);
	bool publisher;
	if (rc || (rc = course_visible(c, &k, &publisher)))
		return rc;
	const char *h = pr_get_text(&k, "media");
	if (!h || !h[0])
		return ctx_fail(c, RC_NOT_FOUND, "课程没有音视频文件");
	return files_info(c, h, out);
}

int party_course_photo(struct ctx *c, int64_t id, int n, char mime[16], const void **data, size_t *len)
{
	struct party_row k;
	int rc = load_course(c, id, &k);
	bool publisher;
	if (rc || (rc = course_visible(c, &k, &publisher)))
		return rc;
	const char *s = pr_get_text(&k, "photos");
	for (int i = 1; s && *s; i++) {
		const char *e = strchr(s, ',');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (i == n) {
			char hash[FILES_HASH_LEN + 1];
			if (l != FILES_HASH_LEN)
				break;
			memcpy(hash, s, l);
			hash[l] = 0;
			struct file_info f;
			if ((rc = files_read(c, hash, &f, data, len)))
				return rc;
			str_copy(mime, 16, f.mime);
			return RC_OK;
		}
		s = e ? e + 1 : NULL;
	}
	return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
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
	int rc = load_course(c, course_id, &k);
	bool publisher;
	if (rc || (rc = course_visible(c, &k, &publisher)))
		return rc;
	struct learner l;
	if ((rc = learner_of(c, &l)))
		return rc;
	if (!fits(&l, pr_get_text(&k, "path"), pr_get_text(&k, "audience")))
		return ctx_fail(c, RC_FORBIDDEN, "%s", l.found && under(l.path, pr_get_text(&k, "path"))
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

/* ---- quizzes ---- */

#define Q_SPEC                                                                                         \
	"i:id i:unit_id t:unit_name t:audience t:title t:intro i:pass_score t:rule_name t:status "      \
	"T:created_at T:updated_at i:questions"
#define Q_COLS                                                                                         \
	"q.id, q.unit_id, u.name, q.audience, q.title, q.intro, q.pass_score, q.rule_name, q.status, "   \
	"q.created_at, q.updated_at, (SELECT count(*) FROM party_quiz_questions x WHERE x.quiz_id = q.id)"

int party_quizzes(struct ctx *c, int64_t unit_id, int limit, int offset, struct party_rows *out)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 4096);
	buf_adds(&sql, "FROM party_quizzes q JOIN org_units u ON u.id = q.unit_id LEFT JOIN (SELECT quiz_id, count(*) "
		       "AS n, max(score) AS best FROM party_quiz_attempts WHERE user_id = ? GROUP BY quiz_id) my ON "
		       "my.quiz_id = q.id WHERE 1=1");
	db_args_int(&a, c->actor ? c->actor->user_id : 0);
	int rc;
	if (unit_id) {
		struct org_unit u;
		if ((rc = pt_unit(c, unit_id, "unit", &u)) || (!c->system && !access_touches(c, u.path))) {
			buf_release(&sql);
			return rc ? rc : (int)ctx_fail(c, RC_NOT_FOUND, "单位不存在");
		}
		near_unit(&sql, &a, &u);
	} else {
		struct learner l;
		if ((rc = learner_of(c, &l))) {
			buf_release(&sql);
			return rc;
		}
		if (!l.found) {
			buf_release(&sql);
			return RC_OK;
		}
		for_learner(&sql, &a, &l, "q");
	}
	rc = pt_page(c, &sql, &a,
		     Q_COLS ", COALESCE(my.n, 0), COALESCE(my.best, -1), (SELECT count(*) FROM party_quiz_attempts t "
			    "WHERE t.quiz_id = q.id)",
		     "q.created_at DESC, q.id DESC",
		     Q_SPEC " i:my_attempts i:my_best i:attempts", limit, offset, out);
	for (int i = 0; !rc && i < out->n; i++) {
		struct party_row *r = &out->row[i];
		pr_bool(r, "my_passed", pr_get_int(r, "my_best") >= pr_get_int(r, "pass_score"));
	}
	return rc;
}

static int load_quiz(struct ctx *c, int64_t id, struct party_row *out)
{
	return pr_one(c, db_query(c->db, "SELECT " Q_COLS ", u.path FROM party_quizzes q JOIN org_units u ON "
					 "u.id = q.unit_id WHERE q.id = ?", "i", id),
		      Q_SPEC " t:path", out, "答题不存在");
}

/* The options of a question ("a\nb\nc") as rows {n, text}. */
static struct party_rows *options_rows(struct ctx *c, const char *s)
{
	struct party_rows *rows = pr_new(c);
	for (int i = 0; rows && s && *s && i < PARTY_QUIZ_OPTIONS_MAX; i++) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		struct party_row *r = pr_add(c, rows);
		char *t = arena_alloc(c->arena, len + 1);
		if (!r || !t)
			return NULL;
		memcpy(t, s, len);
		t[len] = 0;
		pr_int(r, "n", i);
		pr_text(c, r, "text", t);
		s = e ? e + 1 : NULL;
	}
	return rows;
}

/* The questions of a quiz, the right answers and notes only when with_answers. */
static int quiz_questions(struct ctx *c, int64_t quiz_id, bool with_answers, struct party_rows *qs)
{
	int rc = pr_fetch(c, db_query(c->db, "SELECT id, ord, kind, body, options, answer, note FROM "
					     "party_quiz_questions WHERE quiz_id = ? ORDER BY ord", "i", quiz_id),
			  "i:id i:ord t:kind t:body t:options i:answer t:note", qs, PARTY_QUIZ_QUESTIONS_MAX);
	for (int i = 0; !rc && i < qs->n; i++) {
		struct party_row *r = &qs->row[i];
		struct party_rows *opts = options_rows(c, pr_get_text(r, "options"));
		if (!opts)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		pr_sub(r, "options", opts);
		pr_text(c, r, "options", NULL);
		if (!with_answers) {
			pr_text(c, r, "answer", NULL);
			pr_text(c, r, "note", NULL);
		}
	}
	return rc;
}

static int quiz_visible(struct ctx *c, const struct party_row *q, bool *publisher)
{
	const char *path = pr_get_text(q, "path");
	*publisher = access_can(c, P_LEARN_PUBLISH, path);
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!c->system && !access_touches(c, path))
		return ctx_fail(c, RC_NOT_FOUND, "答题不存在");
	if (!*publisher && strcmp(pr_get_text(q, "status"), "published"))
		return ctx_fail(c, RC_NOT_FOUND, "答题不存在");
	return RC_OK;
}

int party_quiz_get(struct ctx *c, int64_t id, struct party_row *out)
{
	int rc = load_quiz(c, id, out);
	bool publisher;
	if (rc || (rc = quiz_visible(c, out, &publisher)))
		return rc;
	struct party_rows *qs = pr_new(c);
	if (!qs)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = quiz_questions(c, id, publisher, qs)))
		return rc;
	pr_sub(out, "items", qs);
	struct learner l;
	if ((rc = learner_of(c, &l)))
		return rc;
	pr_bool(out, "can_take", !strcmp(pr_get_text(out, "status"), "published") &&
					 fits(&l, pr_get_text(out, "path"), pr_get_text(out, "audience")));
	pr_bool(out, "can_manage", publisher);
	struct party_rows *mine = pr_new(c);
	if (!mine)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	rc = pr_fetch(c, db_query(c->db, "SELECT id, score, passed, points, created_at FROM party_quiz_attempts WHERE "
					 "quiz_id = ? AND user_id = ? ORDER BY id DESC LIMIT 20",
				  "ii", id, c->actor ? c->actor->user_id : 0),
		      "i:id i:score b:passed i:points T:created_at", mine, 20);
	pr_sub(out, "my_attempts", mine);
	return rc;
}

static const char *item_field(struct ctx *c, int i, const char *name)
{
	const char *s = arena_printf(c->arena, "questions[%d]%s", i, name);
	return s ? s : "questions";
}

/* Checks every question; a question's options one per line. */
static void check_questions(struct ctx *c, int n, const struct party_quiz_question_input *qs)
{
	if (n < 1 || n > PARTY_QUIZ_QUESTIONS_MAX) {
		ctx_field(c, "questions", "题目应有 1 到 %d 道", PARTY_QUIZ_QUESTIONS_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct party_quiz_question_input *q = &qs[i];
		bool single = q->kind && !strcmp(q->kind, "single");
		if (!q->kind || (!single && strcmp(q->kind, "multiple")))
			ctx_field(c, item_field(c, i, ".kind"), "第 %d 题的题型应为 single（单选）或 multiple（多选）",
				  i + 1);
		ctx_check_text(c, item_field(c, i, ".body"), q->body, PARTY_TEXT_MAX, CTX_TEXT_REQUIRED, "题目");
		ctx_check_text(c, item_field(c, i, ".note"), q->note, PARTY_TEXT_MAX, CTX_TEXT_MULTILINE, "解析");
		if (q->noptions < 2 || q->noptions > PARTY_QUIZ_OPTIONS_MAX) {
			ctx_field(c, item_field(c, i, ".options"), "第 %d 题应有 2 到 %d 个选项", i + 1,
				  PARTY_QUIZ_OPTIONS_MAX);
			continue;
		}
		for (int j = 0; j < q->noptions; j++) {
			const char *f = item_field(c, i, arena_printf(c->arena, ".options[%d]", j));
			ctx_check_text(c, f, q->options[j], PARTY_OPTION_MAX, CTX_TEXT_REQUIRED, "选项");
			for (int k = 0; k < j; k++)
				if (q->options[j] && q->options[k] && !strcmp(q->options[j], q->options[k]))
					ctx_field(c, f, "第 %d 题的选项 %d 与选项 %d 相同", i + 1, j + 1, k + 1);
		}
		int all = (1 << q->noptions) - 1;
		if (q->answer <= 0 || (q->answer & ~all))
			ctx_field(c, item_field(c, i, ".answer"), "请为第 %d 题选出正确答案", i + 1);
		else if (single && bits(q->answer) != 1)
			ctx_field(c, item_field(c, i, ".answer"), "第 %d 题是单选题，只能有一个正确答案", i + 1);
		else if (!single && bits(q->answer) < 2)
			ctx_field(c, item_field(c, i, ".answer"), "第 %d 题是多选题，至少要有两个正确答案", i + 1);
	}
}

static void quiz_fields(struct ctx *c, const struct party_quiz_input *in, const char *audience, bool create)
{
	if (create || in->title) {
		ctx_check_text(c, "title", in->title, PARTY_TEXT_MAX / 2, CTX_TEXT_REQUIRED, "答题标题");
		if (in->title && in->title[0] && pt_blank(in->title))
			ctx_field(c, "title", "答题标题不能为空");
	}
	ctx_check_text(c, "intro", in->intro, PARTY_BODY_MAX / 2, CTX_TEXT_MULTILINE, "说明");
	if ((create || in->pass_score >= 0) && (in->pass_score < 1 || in->pass_score > 100))
		ctx_field(c, "pass_score", "及格分应在 1 到 100 之间");
	ctx_check_text(c, "rule_name", in->rule_name, RULE_NAME_MAX, CTX_TEXT_OPTIONAL, "积分事项");
	if (in->rule_name && in->rule_name[0] && audience && !strcmp(audience, "member"))
		ctx_field(c, "rule_name", "只有面向村民的趣味学法答题可以加积分");
	check_status(c, in->status);
	if (create || in->nquestions >= 0)
		check_questions(c, in->nquestions, in->questions);
}

static int insert_questions(struct ctx *c, int64_t quiz_id, int n, const struct party_quiz_question_input *qs)
{
	for (int i = 0; i < n; i++) {
		struct buf opts;
		buf_init(&opts, PARTY_QUIZ_OPTIONS_MAX * (PARTY_OPTION_MAX * 4 + 1) + 1);
		buf_adds(&opts, "");
		for (int j = 0; j < qs[i].noptions; j++) {
			if (j)
				buf_addc(&opts, '\n');
			buf_adds(&opts, qs[i].options[j]);
		}
		int dbrc = opts.failed ? DB_ERROR
				       : db_run(c->db, "INSERT INTO party_quiz_questions (quiz_id, ord, kind, body, options, "
						       "answer, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
						"iitttit", quiz_id, (int64_t)i + 1, qs[i].kind, qs[i].body, opts.ptr,
						(int64_t)qs[i].answer, qs[i].note ? qs[i].note : "");
		buf_release(&opts);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "保存题目");
	}
	return RC_OK;
}

int party_quiz_create(struct ctx *c, const struct party_quiz_input *in, int64_t *id)
{
	*id = 0;
	struct org_unit u;
	int rc = publisher_unit(c, in->unit_id, &u);
	if (rc && rc != RC_INVALID)
		return rc;
	check_audience(c, in->audience);
	quiz_fields(c, in, in->audience, true);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "party_quiz", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		if (num_parse_i64(replay, 1, INT64_MAX, id))
			return ctx_end(c, ctx_fail(c, RC_INTERNAL, "幂等键"));
		return ctx_end(c, RC_OK);
	}
	int dbrc = db_get_int(c->db, id, "INSERT INTO party_quizzes (unit_id, audience, title, intro, pass_score, "
					 "rule_name, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
					 "COALESCE(?, 'published'), NULLIF(?, 0), ?, ?) RETURNING id",
			      "ittti" "ttiii", u.id, in->audience, in->title, in->intro ? in->intro : "",
			      (int64_t)in->pass_score, in->rule_name ? in->rule_name : "", in->status,
			      c->actor ? c->actor->user_id : 0, c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答题"));
	if ((rc = insert_questions(c, *id, in->nquestions, in->questions)))
		return ctx_end(c, rc);
	char idtxt[24];
	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)*id);
	if ((rc = idem_store(c, "party_quiz", in->idem, idtxt)))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, u.id, "party_quiz", *id, "create", "title", in->title, "questions",
				   in->nquestions));
}

int party_quiz_update(struct ctx *c, int64_t id, const struct party_quiz_input *in)
{
	struct party_row q;
	int rc = load_quiz(c, id, &q);
	bool publisher;
	if (rc || (rc = quiz_visible(c, &q, &publisher)))
		return rc;
	if (!publisher)
		return ctx_fail(c, RC_FORBIDDEN, "只有发布单位的组织部门可以修改答题");
	quiz_fields(c, in, pr_get_text(&q, "audience"), false);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	if (in->nquestions >= 0) {
		int64_t taken = 0;
		if (db_get_int(c->db, &taken, "SELECT count(*) FROM party_quiz_attempts WHERE quiz_id = ?", "i", id) !=
		    DB_OK)
			return ctx_end(c, ctx_db_fail(c, DB_ERROR, "读取答题记录"));
		if (taken)
			return ctx_end(c, ctx_fail(c, RC_CONFLICT, "已有 %lld 人次答过这份题，题目不能再改；"
							       "请撤下后另发一份", (long long)taken));
		int dbrc = db_run(c->db, "DELETE FROM party_quiz_questions WHERE quiz_id = ?", "i", id);
		if (dbrc != DB_OK)
			return ctx_end(c, ctx_db_fail(c, dbrc, "保存题目"));
		if ((rc = insert_questions(c, id, in->nquestions, in->questions)))
			return ctx_end(c, rc);
	}
	int dbrc = db_run(c->db, "UPDATE party_quizzes SET title = COALESCE(?, title), intro = COALESCE(?, intro), "
				 "pass_score = CASE WHEN ? >= 0 THEN ? ELSE pass_score END, rule_name = COALESCE(?, "
				 "rule_name), status = COALESCE(?, status), updated_at = ? WHERE id = ?",
			  "ttiittii", in->title, in->intro, (int64_t)in->pass_score, (int64_t)in->pass_score,
			  in->rule_name, in->status, c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答题"));
	const char *status = in->status ? in->status : pr_get_text(&q, "status");
	return ctx_end(c, pt_audit(c, pr_get_int(&q, "unit_id"), "party_quiz", id, "update", "status", status,
				   "pass_score", in->pass_score >= 0 ? in->pass_score : pr_get_int(&q, "pass_score")));
}

/* The attempt with each question, the taker's choice and the right one. */
static int load_attempt(struct ctx *c, int64_t id, struct party_row *out)
{
	int rc = pr_one(c, db_query(c->db, "SELECT a.id, a.quiz_id, q.title, q.pass_score, a.answers, a.correct, "
					   "a.total, a.score, a.passed, a.points, a.points_note, COALESCE(a.claim_id, 0), "
					   "a.created_at FROM party_quiz_attempts a JOIN party_quizzes q ON q.id = a.quiz_id "
					   "WHERE a.id = ?", "i", id),
			"i:id i:quiz_id t:title i:pass_score t:answers i:correct i:total i:score b:passed i:points "
			"t:points_note n:claim_id T:created_at",
			out, "答题记录不存在");
	if (rc)
		return rc;
	struct party_rows *qs = pr_new(c);
	if (!qs)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = quiz_questions(c, pr_get_int(out, "quiz_id"), true, qs)))
		return rc;
	const char *s = pr_get_text(out, "answers");
	for (int i = 0; i < qs->n; i++) {
		struct party_row *r = &qs->row[i];
		int64_t given = 0;
		const char *e = s ? strchr(s, ',') : NULL;
		if (s && *s) {
			char tmp[8];
			size_t len = e ? (size_t)(e - s) : strlen(s);
			if (len < sizeof(tmp)) {
				memcpy(tmp, s, len);
				tmp[len] = 0;
				if (num_parse_i64(tmp, 0, 255, &given))
					given = 0;
			}
		}
		s = e ? e + 1 : NULL;
		int answer = (int)pr_get_int(r, "answer");
		pr_int(r, "given", given);
		pr_bool(r, "right", party_quiz_right(pr_get_text(r, "kind"), answer, (int)given));
	}
	pr_text(c, out, "answers", NULL);
	pr_sub(out, "items", qs);
	return RC_OK;
}

/* Points for a passed 趣味学法 quiz: the village's rule of the quiz's rule name, once per
 * quiz and household, within the rule's cap. Inside the attempt's transaction; a reason
 * for no points goes into *note. */
static int quiz_points(struct ctx *c, const struct party_row *q, const struct learner *l, int64_t attempt_id,
		       int *points, const char **note)
{
	*points = 0;
	*note = "";
	const char *rule_name = pr_get_text(q, "rule_name");
	if (!rule_name[0] || strcmp(pr_get_text(q, "audience"), "villager"))
		return RC_OK;
	if (!l->household_id) {
		*note = "没有登记户籍，答题不计积分";
		return RC_OK;
	}
	int64_t hh_village = 0, earned = 0, rule_id = 0;
	if (db_get_int(c->db, &hh_village, "SELECT village_id FROM households WHERE id = ?", "i", l->household_id) !=
		    DB_OK ||
	    db_get_int(c->db, &earned, "SELECT count(*) FROM party_quiz_attempts WHERE quiz_id = ? AND household_id = ? "
					"AND claim_id IS NOT NULL", "ii", pr_get_int(q, "id"), l->household_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取积分记录");
	if (earned) {
		*note = "本户已因这份答题得过积分，不再重复加分";
		return RC_OK;
	}
	int dbrc = db_get_int(c->db, &rule_id, "SELECT id FROM point_rules WHERE unit_id = ? AND name = ? AND "
					       "retired_version IS NULL ORDER BY id LIMIT 1", "it", hh_village, rule_name);
	if (dbrc == DB_DONE) {
		*note = arena_printf(c->arena, "本村积分事项清单中没有「%s」，答题不计积分", rule_name);
		return RC_OK;
	}
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取积分事项");
	struct point_rule rule;
	int rc = rules_get(c, rule_id, &rule);
	if (rc)
		return rc;
	char today[11];
	time_format_date(c->now, today);
	rc = rules_check_use(c, &rule, hh_village, l->household_id, today, "cadre");
	if (rc == RC_INVALID) {
		char why[200];
		str_copy(why, sizeof(why), c->err.nfields ? c->err.fields[0].message : c->err.message);
		ctx_reset(c);
		*note = arena_printf(c->arena, "答题通过，但不能加分：%s", why);
		return RC_OK;
	}
	if (rc)
		return rc;
	int64_t claim = 0;
	const char *desc = arena_printf(c->arena, "趣味学法答题「%s」通过", pr_get_text(q, "title"));
	if ((rc = claims_insert_approved(c, hh_village, l->household_id, l->resident_id, "activity", &rule, today, desc,
					 0, &claim)))
		return rc;
	dbrc = db_run(c->db, "UPDATE party_quiz_attempts SET claim_id = ?, household_id = ? WHERE id = ?", "iii", claim,
		      l->household_id, attempt_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存答题");
	*points = rule.points;
	*note = arena_printf(c->arena, "「%s」%d 分已进入公示，公示期满后计入积分", rule.name, rule.points);
	return RC_OK;
}

int party_quiz_attempt(struct ctx *c, int64_t quiz_id, int n, const int *given, const struct idem *idem,
		       struct party_row *out)
{
	struct party_row q;
	int rc = load_quiz(c, quiz_id, &q);
	bool publisher;
	if (rc || (rc = quiz_visible(c, &q, &publisher)))
		return rc;
	struct learner l;
	if ((rc = learner_of(c, &l)))
		return rc;
	if (!fits(&l, pr_get_text(&q, "path"), pr_get_text(&q, "audience")))
		return ctx_fail(c, RC_FORBIDDEN, "%s", l.found && under(l.path, pr_get_text(&q, "path"))
						       ? "这份答题面向党员"
						       : "这份答题不是发给你所在村的");
	if (strcmp(pr_get_text(&q, "status"), "published"))
		return ctx_fail(c, RC_CONFLICT, "答题已撤下");
	struct party_rows qs = {0};
	if ((rc = pr_fetch(c, db_query(c->db, "SELECT kind, options, answer FROM party_quiz_questions WHERE quiz_id = ? "
					      "ORDER BY ord", "i", quiz_id),
			   "t:kind t:options i:answer", &qs, PARTY_QUIZ_QUESTIONS_MAX)))
		return rc;
	if (n != qs.n)
		ctx_field(c, "answers", "请回答全部 %d 道题", qs.n);
	for (int i = 0; i < n && i < qs.n; i++) {
		const char *opts = pr_get_text(&qs.row[i], "options");
		int nopt = 1;
		for (const char *p = opts; *p; p++)
			nopt += *p == '\n';
		const char *f = arena_printf(c->arena, "answers[%d]", i);
		if (given[i] < 0)
			continue;   /* no list of options: reported by the caller */
		if (given[i] == 0)
			ctx_field(c, f ? f : "answers", "第 %d 题还没有选择", i + 1);
		else if (given[i] & ~((1 << nopt) - 1))
			ctx_field(c, f ? f : "answers", "第 %d 题的选项不存在", i + 1);
		else if (!strcmp(pr_get_text(&qs.row[i], "kind"), "single") && bits(given[i]) != 1)
			ctx_field(c, f ? f : "answers", "第 %d 题是单选题，只能选一个", i + 1);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	int correct = 0;
	struct buf ans;
	buf_init(&ans, (size_t)n * 4 + 2);
	buf_adds(&ans, "");
	for (int i = 0; i < n; i++) {
		correct += party_quiz_right(pr_get_text(&qs.row[i], "kind"), (int)pr_get_int(&qs.row[i], "answer"),
					    given[i]);
		buf_addf(&ans, i ? ",%d" : "%d", given[i]);
	}
	char *answers = ans.failed ? NULL : arena_strdup(c->arena, ans.ptr);
	buf_release(&ans);
	if (!answers)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int score = party_quiz_score(correct, n);
	bool passed = score >= pr_get_int(&q, "pass_score");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	int64_t id = 0;
	if ((rc = idem_begin(c, "party_quiz_attempt", idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		if (num_parse_i64(replay, 1, INT64_MAX, &id))
			return ctx_end(c, ctx_fail(c, RC_INTERNAL, "幂等键"));
		if ((rc = ctx_end(c, RC_OK)))
			return rc;
		return load_attempt(c, id, out);
	}
	int dbrc = db_get_int(c->db, &id, "INSERT INTO party_quiz_attempts (quiz_id, user_id, member_id, household_id, "
					  "village_id, answers, correct, total, score, passed, created_at) VALUES (?, ?, "
					  "NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "iiiiit" "iiiii", quiz_id, c->actor->user_id, l.member_id, l.household_id, l.village_id,
			      answers, (int64_t)correct, (int64_t)n, (int64_t)score, (int64_t)passed, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答题"));
	int points = 0;
	const char *note = "";
	if (passed && (rc = quiz_points(c, &q, &l, id, &points, &note)))
		return ctx_end(c, rc);
	dbrc = db_run(c->db, "UPDATE party_quiz_attempts SET points = ?, points_note = ? WHERE id = ?", "iti",
		      (int64_t)points, note, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答题"));
	char idtxt[24];
	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)id);
	if ((rc = idem_store(c, "party_quiz_attempt", idem, idtxt)))
		return ctx_end(c, rc);
	rc = pt_audit(c, l.village_id, "party_quiz_attempt", id, "create", "title", pr_get_text(&q, "title"), "score",
		      score);
	if ((rc = ctx_end(c, rc)))
		return rc;
	return load_attempt(c, id, out);
}

/* ---- the study record 一人一册 ---- */

static int record_lists(struct ctx *c, const char *who, int64_t key, struct party_row *out)
{
	struct party_rows *ss = pr_new(c), *as = pr_new(c);
	if (!ss || !as)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	char *q1 = arena_printf(c->arena, "SELECT s.id, s.course_id, k.title, s.started_at, s.seconds FROM "
					  "party_study_sessions s JOIN party_courses k ON k.id = s.course_id WHERE s.%s = ? "
					  "ORDER BY s.started_at DESC, s.id DESC LIMIT 500", who);
	char *q2 = arena_printf(c->arena, "SELECT a.id, a.quiz_id, q.title, a.created_at, a.score, a.passed, a.points "
					  "FROM party_quiz_attempts a JOIN party_quizzes q ON q.id = a.quiz_id WHERE a.%s = ? "
					  "ORDER BY a.created_at DESC, a.id DESC LIMIT 500", who);
	char *q3 = arena_printf(c->arena, "SELECT count(*), COALESCE(sum(seconds), 0), count(DISTINCT course_id) FROM "
					  "party_study_sessions WHERE %s = ?", who);
	char *q4 = arena_printf(c->arena, "SELECT count(DISTINCT quiz_id), count(DISTINCT CASE WHEN passed = 1 THEN "
					  "quiz_id END), COALESCE(sum(points), 0) FROM party_quiz_attempts WHERE %s = ?", who);
	if (!q1 || !q2 || !q3 || !q4)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int rc = pr_fetch(c, db_query(c->db, q1, "i", key), "i:id i:course_id t:title T:started_at i:seconds", ss, 500);
	if (!rc)
		rc = pr_fetch(c, db_query(c->db, q2, "i", key),
			      "i:id i:quiz_id t:title T:created_at i:score b:passed i:points", as, 500);
	if (rc)
		return rc;
	struct party_rows t1 = {0}, t2 = {0};
	if ((rc = pr_fetch(c, db_query(c->db, q3, "i", key), "i:sessions i:seconds i:courses", &t1, 1)) ||
	    (rc = pr_fetch(c, db_query(c->db, q4, "i", key), "i:quizzes i:passed i:points", &t2, 1)))
		return rc;
	if (t1.n) {
		pr_int(out, "sessions", pr_get_int(&t1.row[0], "sessions"));
		pr_int(out, "seconds", pr_get_int(&t1.row[0], "seconds"));
		pr_int(out, "courses", pr_get_int(&t1.row[0], "courses"));
	}
	if (t2.n) {
		pr_int(out, "quizzes", pr_get_int(&t2.row[0], "quizzes"));
		pr_int(out, "quizzes_passed", pr_get_int(&t2.row[0], "passed"));
		pr_int(out, "quiz_points", pr_get_int(&t2.row[0], "points"));
	}
	pr_sub(out, "study", ss);
	pr_sub(out, "attempts", as);
	return RC_OK;
}

int party_study_record(struct ctx *c, int64_t member_id, struct party_row *out)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	memset(out, 0, sizeof(*out));
	int rc;
	if (!member_id) {
		struct learner l;
		if ((rc = learner_of(c, &l)))
			return rc;
		if (!l.member) {
			pr_text(c, out, "name", c->actor ? c->actor->name : "");
			pr_bool(out, "member", false);
			return record_lists(c, "user_id", c->actor ? c->actor->user_id : 0, out);
		}
		member_id = l.member_id;
	}
	rc = pr_one(c, db_query(c->db, "SELECT m.id, m.name, b.name, v.name, m.mobile, m.mobile_place, v.path, "
				       "COALESCE(m.user_id, 0), COALESCE(m.resident_id, 0) FROM party_members m JOIN "
				       "party_branches b ON b.id = m.branch_id JOIN org_units v ON v.id = m.village_id "
				       "WHERE m.id = ?", "i", member_id),
		    "i:member_id t:name t:branch_name t:village_name b:mobile t:mobile_place t:path i:user_id "
		    "i:resident_id", out, "党员不存在");
	if (rc)
		return rc;
	bool me = c->actor && ((pr_get_int(out, "user_id") && pr_get_int(out, "user_id") == c->actor->user_id) ||
			       (c->actor->resident_id && pr_get_int(out, "resident_id") == c->actor->resident_id));
	if (!me && !access_can(c, READERS, pr_get_text(out, "path")))
		return pt_refuse(c, pr_get_text(out, "path"), "党员", "学习档案只对本人、党支部和组织部门开放");
	pr_text(c, out, "resident_id", NULL);
	pr_bool(out, "member", true);
	return record_lists(c, "member_id", member_id, out);
}

int party_study_records(struct ctx *c, int64_t unit_id, int64_t branch_id, int limit, int offset,
			struct party_rows *out)
{
	struct org_unit u;
	if (pt_unit(c, unit_id, "unit", &u))
		return c->err.code;
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 8192);
	buf_adds(&sql, "FROM party_members m JOIN party_branches b ON b.id = m.branch_id JOIN org_units v ON "
		       "v.id = m.village_id WHERE m.status = 'active'");
	int rc = pt_scope(c, READERS, &u, &sql, &a, "单位");
	if (rc) {
		buf_release(&sql);
		return rc;
	}
	if (branch_id) {
		buf_adds(&sql, " AND m.branch_id = ?");
		db_args_int(&a, branch_id);
	}
	return pt_page(c, &sql, &a,
		       "m.id, m.name, b.id, b.name, v.name, m.mobile, "
		       "(SELECT count(*) FROM party_study_sessions s WHERE s.member_id = m.id), "
		       "(SELECT COALESCE(sum(s.seconds), 0) FROM party_study_sessions s WHERE s.member_id = m.id), "
		       "(SELECT max(s.started_at) FROM party_study_sessions s WHERE s.member_id = m.id), "
		       "(SELECT count(DISTINCT t.quiz_id) FROM party_quiz_attempts t WHERE t.member_id = m.id), "
		       "(SELECT count(DISTINCT t.quiz_id) FROM party_quiz_attempts t WHERE t.member_id = m.id AND "
		       "t.passed = 1), (SELECT COALESCE(max(t.score), -1) FROM party_quiz_attempts t WHERE "
		       "t.member_id = m.id)",
		       "m.branch_id, m.id",
		       "i:id t:name i:branch_id t:branch_name t:village_name b:mobile i:sessions i:seconds T:last_study "
		       "i:quizzes i:quizzes_passed i:best_score",
		       limit, offset, out);
}
