/* Party building's endpoints of learning 学习教育: courses, study sessions, quizzes and
 * attempts, study records. */
#include "http/party/internal.h"

/* ---- learning 学习教育 ---- */

int api_party_courses(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_courses(&r->ctx, pa_query_id(r, "unit"), limit, offset, &rows);
	return pa_reply_page(r, rc, &rows, limit, offset);
}

static const struct jfield course_spec[] = {
	{"unit_id", J_INT, false, 1, ID_MAX},
	{"audience", J_STRING, false, 0, 20},
	{"title", J_STRING, false, 0, PARTY_TEXT_MAX},
	{"body", J_STRING, false, 0, PARTY_COURSE_BODY_MAX * 2},
	{"media", J_STRING, false, 0, 80},
	{"media_url", J_STRING, false, 0, PARTY_URL_MAX * 4},
	{"minutes", J_INT, false, 0, 100000},
	{"status", J_STRING, false, 0, 20},
	{0},
};

static void course_input(struct req *r, struct party_course_input *in)
{
	in->unit_id = req_int(r, "unit_id", 0);
	in->audience = req_str(r, "audience");
	in->title = req_str(r, "title");
	in->body = req_str(r, "body");
	in->media = req_str(r, "media");
	in->media_url = req_str(r, "media_url");
	in->minutes = (int)req_int(r, "minutes", 0);
	in->status = req_str(r, "status");
}

int api_party_course_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	struct party_course_input in = {0};
	json_t *p = pa_take_photos(r, "photos", in.photos, &in.nphotos);
	req_check_body(r, course_spec);
	if (!req_has(r, "unit_id"))
		ctx_field(&r->ctx, "unit_id", "请选择发布的区县或乡镇");
	course_input(r, &in);
	in.idem = &idem;
	int64_t id;
	int rc = party_course_create(&r->ctx, &in, &id);
	json_decref(p);
	if (rc)
		return rc;
	r->status = 201;
	struct party_row row;
	return pa_reply_row(r, party_course_get(&r->ctx, id, &row), &row);
}

int api_party_course_get(struct req *r)
{
	return pa_reply_by_id(r, party_course_get);
}

int api_party_course_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_course_input in = {0};
	json_t *p = pa_take_photos(r, "photos", in.photos, &in.nphotos);
	req_check_body(r, course_spec);
	if (req_has(r, "unit_id") || req_has(r, "audience"))
		ctx_field(&r->ctx, "unit_id", "课程的发布单位和对象不能修改");
	course_input(r, &in);
	rc = party_course_update(&r->ctx, id, &in);
	json_decref(p);
	return pa_reply_after(r, rc, id, party_course_get);
}

int api_party_course_photo(struct req *r)
{
	return req_reply_photo(r, PARTY_PHOTOS_MAX, party_course_photo);
}

int api_party_study_start(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{0}};
	req_check_body(r, spec);
	if (r->ctx.err.nfields)
		return RC_INVALID;
	struct party_row row;
	rc = party_study_start(&r->ctx, id, &row);
	if (!rc)
		r->status = 201;
	return pa_reply_row(r, rc, &row);
}

int api_party_study_report(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{"seconds", J_INT, true, 0, PARTY_STUDY_SESSION_MAX * 10}, {0}};
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct party_row row;
	return pa_reply_row(r, party_study_report(&r->ctx, id, req_int(r, "seconds", 0), &row), &row);
}

int api_party_quizzes(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_quizzes(&r->ctx, pa_query_id(r, "unit"), limit, offset, &rows);
	return pa_reply_page(r, rc, &rows, limit, offset);
}

static const struct jfield quiz_spec[] = {
	{"unit_id", J_INT, false, 1, ID_MAX},
	{"audience", J_STRING, false, 0, 20},
	{"title", J_STRING, false, 0, PARTY_TEXT_MAX},
	{"intro", J_STRING, false, 0, PARTY_BODY_MAX},
	{"pass_score", J_INT, false, 0, 1000},
	{"rule_name", J_STRING, false, 0, 200},
	{"status", J_STRING, false, 0, 20},
	{0},
};

/* A choice as the list of chosen options' numbers (from 0) into a mask; -1 when it is
 * no such list. */
static int choice_mask(json_t *v)
{
	if (!json_is_array(v) || json_array_size(v) > PARTY_QUIZ_OPTIONS_MAX)
		return -1;
	int m = 0;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) >= 8)
			return -1;
		m |= 1 << json_integer_value(x);
	}
	return m;
}

/* Takes "questions" out of the body into qs; *n -1 when absent. */
static json_t *take_questions(struct req *r, struct party_quiz_question_input *qs, int *n)
{
	*n = -1;
	json_t *v = req_take(r, "questions");
	if (!v)
		return NULL;
	if (!json_is_array(v) || json_array_size(v) > PARTY_QUIZ_QUESTIONS_MAX) {
		ctx_field(&r->ctx, "questions", "题目应为最多 %d 道题的数组", PARTY_QUIZ_QUESTIONS_MAX);
		return v;
	}
	*n = 0;
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		struct party_quiz_question_input *q = &qs[(*n)++];
		memset(q, 0, sizeof(*q));
		q->kind = json_string_value(json_object_get(x, "kind"));
		q->body = json_string_value(json_object_get(x, "body"));
		q->note = json_string_value(json_object_get(x, "note"));
		json_t *o = json_object_get(x, "options");
		if (json_is_array(o) && json_array_size(o) <= PARTY_QUIZ_OPTIONS_MAX) {
			size_t j;
			json_t *y;
			json_array_foreach(o, j, y) q->options[q->noptions++] = json_string_value(y);
		} else if (o)
			q->noptions = -1;
		json_t *a = json_object_get(x, "answer");
		q->answer = a ? choice_mask(a) : 0;
		if (q->answer < 0) {
			ctx_field(&r->ctx, arena_printf(r->ctx.arena, "questions[%zu].answer", i),
				  "正确答案应为选项序号（从 0 开始）的数组");
			q->answer = 0;
		}
	}
	return v;
}

int api_party_quiz_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	struct party_quiz_question_input *qs = arena_alloc(r->ctx.arena, sizeof(*qs) * PARTY_QUIZ_QUESTIONS_MAX);
	if (!qs)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	struct party_quiz_input in = {0};
	json_t *q = take_questions(r, qs, &in.nquestions);
	req_check_body(r, quiz_spec);
	if (!req_has(r, "unit_id"))
		ctx_field(&r->ctx, "unit_id", "请选择发布的区县或乡镇");
	in.unit_id = req_int(r, "unit_id", 0);
	in.audience = req_str(r, "audience");
	in.title = req_str(r, "title");
	in.intro = req_str(r, "intro");
	in.pass_score = (int)req_int(r, "pass_score", 0);
	in.rule_name = req_str(r, "rule_name");
	in.status = req_str(r, "status");
	in.questions = qs;
	in.idem = &idem;
	int64_t id;
	int rc = party_quiz_create(&r->ctx, &in, &id);
	if (rc) {
		json_decref(q);
		return rc;
	}
	r->status = 201;
	struct party_row row;
	rc = party_quiz_get(&r->ctx, id, &row);
	json_decref(q);
	return pa_reply_row(r, rc, &row);
}

int api_party_quiz_get(struct req *r)
{
	return pa_reply_by_id(r, party_quiz_get);
}

int api_party_quiz_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_quiz_question_input *qs = arena_alloc(r->ctx.arena, sizeof(*qs) * PARTY_QUIZ_QUESTIONS_MAX);
	if (!qs)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	struct party_quiz_input in = {0};
	json_t *q = take_questions(r, qs, &in.nquestions);
	req_check_body(r, quiz_spec);
	if (req_has(r, "unit_id") || req_has(r, "audience"))
		ctx_field(&r->ctx, "unit_id", "答题的发布单位和对象不能修改");
	in.title = req_str(r, "title");
	in.intro = req_str(r, "intro");
	in.pass_score = req_has(r, "pass_score") ? (int)req_int(r, "pass_score", 0) : -1;
	in.rule_name = req_str(r, "rule_name");
	in.status = req_str(r, "status");
	in.questions = qs;
	rc = party_quiz_update(&r->ctx, id, &in);
	json_decref(q);
	return pa_reply_after(r, rc, id, party_quiz_get);
}

int api_party_quiz_attempt(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct idem idem;
	req_idem(r, &idem, false);
	json_t *v = r->body ? json_object_get(r->body, "answers") : NULL;
	int given[PARTY_QUIZ_QUESTIONS_MAX];
	int n = 0;
	if (!json_is_array(v) || json_array_size(v) > PARTY_QUIZ_QUESTIONS_MAX)
		ctx_field(&r->ctx, "answers", "答案应为每道题所选选项序号的数组");
	else {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			given[n] = choice_mask(x);
			if (given[n] < 0) {
				ctx_field(&r->ctx, arena_printf(r->ctx.arena, "answers[%zu]", i),
					  "第 %zu 题的答案应为所选选项序号（从 0 开始）的数组", i + 1);
				given[n] = -1;   /* reported here; the domain reports the others */
			}
			n++;
		}
	}
	if (r->body) {
		json_incref(v);
		json_object_del(r->body, "answers");
	}
	static const struct jfield spec[] = {{0}};
	req_check_body(r, spec);
	struct party_row row;
	rc = party_quiz_attempt(&r->ctx, id, n, given, &idem, &row);
	json_decref(v);
	if (!rc)
		r->status = 201;
	return pa_reply_row(r, rc, &row);
}

int api_party_study_records(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_study_records(&r->ctx, pa_query_id(r, "unit"), pa_query_id(r, "branch"), limit, offset, &rows);
	return pa_reply_page(r, rc, &rows, limit, offset);
}

int api_party_member_study(struct req *r)
{
	return pa_reply_by_id(r, party_study_record);
}

int api_party_my_study(struct req *r)
{
	struct party_row row;
	return pa_reply_row(r, party_study_record(&r->ctx, 0, &row), &row);
}
