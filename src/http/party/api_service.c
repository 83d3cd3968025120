/* Party building's endpoints of commitments 承诺践诺, the service diary, the questions
 * to the secretary 书记会客厅 and the village's public party page. */
#include "http/party/internal.h"

/* ---- commitments, diary, questions ---- */

int api_party_commitments(struct req *r)
{
	int limit, offset;
	int64_t year = 0;
	int rc = req_page(r, &limit, &offset);
	if (!rc)
		rc = req_query_int(r, "year", 2000, 2100, 0, &year);
	if (rc)
		return rc;
	const char *ov = req_query(r, "overdue");
	struct party_rows rows = {0};
	rc = party_commitments(&r->ctx, pa_query_id(r, "unit"), 0, (int)year, ov && !strcmp(ov, "1"), limit, offset, &rows);
	return pa_reply_page(r, rc, &rows, limit, offset);
}

int api_party_commitment_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX},
		{"year", J_INT, true, 2000, 2100},
		{"pledger", J_STRING, true, 0, PARTY_NAME_MAX},
		{"title", J_STRING, true, 0, PARTY_TEXT_MAX / 2},
		{"body", J_STRING, false, 0, PARTY_BODY_MAX},
		{"target_date", J_STRING, true, 0, 10},
		{"video", J_STRING, false, 0, 80},
		{0},
	};
	struct party_commitment_input in = {0};
	json_t *p = pa_take_photos(r, "photos", in.photos, &in.nphotos);
	req_check_body(r, spec);
	in.village_id = req_int(r, "village_id", 0);
	in.year = (int)req_int(r, "year", 0);
	in.pledger = req_str(r, "pledger");
	in.title = req_str(r, "title");
	in.body = req_str(r, "body");
	in.target_date = req_str(r, "target_date");
	in.video = req_str(r, "video");
	in.idem = &idem;
	int64_t id;
	int rc = party_commitment_create(&r->ctx, &in, &id);
	json_decref(p);
	return pa_reply_created(r, rc, &id);
}

int api_party_commitment_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	static const struct jfield spec[] = {
		{"pledger", J_STRING, false, 0, PARTY_NAME_MAX},
		{"title", J_STRING, false, 0, PARTY_TEXT_MAX / 2},
		{"body", J_STRING, false, 0, PARTY_BODY_MAX},
		{"target_date", J_STRING, false, 0, 10},
		{"video", J_STRING, false, 0, 80},
		{0},
	};
	struct party_commitment_input in = {0};
	json_t *p = pa_take_photos(r, "photos", in.photos, &in.nphotos);
	req_check_body(r, spec);
	in.pledger = req_str(r, "pledger");
	in.title = req_str(r, "title");
	in.body = req_str(r, "body");
	in.target_date = req_str(r, "target_date");
	in.video = req_str(r, "video");
	rc = party_commitment_update(&r->ctx, id, &in);
	json_decref(p);
	return pa_reply_after(r, rc, id, party_commitment_get);
}

int api_party_commitment_get(struct req *r)
{
	return pa_reply_by_id(r, party_commitment_get);
}

static int note(struct req *r, const char *kind)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct idem idem;
	req_idem(r, &idem, false);
	const char *photos[PARTY_PHOTOS_MAX];
	int n;
	json_t *p = pa_take_photos(r, "photos", photos, &n);
	static const struct jfield spec[] = {
		{"body", J_STRING, true, 0, PARTY_BODY_MAX / 4}, {"progress", J_INT, false, 0, 100}, {0}};
	req_check_body(r, spec);
	if (!strcmp(kind, "comment") && req_has(r, "progress"))
		ctx_field(&r->ctx, "progress", "评论不能更新进度");
	int64_t nid;
	rc = party_commitment_note(&r->ctx, id, kind, req_str(r, "body"), (int)req_int(r, "progress", -1), n < 0 ? 0 : n,
				   photos, &idem, &nid);
	json_decref(p);
	return pa_reply_created(r, rc, &nid);
}

int api_party_commitment_progress(struct req *r)
{
	return note(r, "progress");
}

int api_party_commitment_comment(struct req *r)
{
	return note(r, "comment");
}

int api_party_diary(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	return pa_reply_page(r, party_diary(&r->ctx, pa_query_id(r, "unit"), 0, limit, offset, &rows), &rows, limit, offset);
}

int api_party_diary_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	struct party_diary_input in = {0};
	json_t *p = pa_take_photos(r, "photos", in.photos, &in.nphotos);
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX},
		{"day", J_STRING, true, 0, 10},
		{"body", J_STRING, true, 0, PARTY_BODY_MAX / 2},
		{"beneficiary", J_STRING, false, 0, PARTY_NAME_MAX * 2},
		{0},
	};
	req_check_body(r, spec);
	in.village_id = req_int(r, "village_id", 0);
	in.day = req_str(r, "day");
	in.body = req_str(r, "body");
	in.beneficiary = req_str(r, "beneficiary");
	in.idem = &idem;
	if (in.nphotos < 0)
		in.nphotos = 0;
	int64_t id;
	int rc = party_diary_create(&r->ctx, &in, &id);
	json_decref(p);
	return pa_reply_created(r, rc, &id);
}

int api_party_diary_stats(struct req *r)
{
	struct party_rows rows = {0};
	return pa_reply_items(r, party_diary_stats(&r->ctx, pa_query_id(r, "unit"), &rows), &rows);
}

int api_party_questions(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	const char *mine = req_query(r, "mine");
	struct party_rows rows = {0};
	rc = party_questions(&r->ctx, pa_query_id(r, "unit"), 0, req_query(r, "status"), mine && !strcmp(mine, "1"), limit,
			     offset, &rows);
	return pa_reply_page(r, rc, &rows, limit, offset);
}

int api_party_question_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	struct party_question_input in = {0};
	json_t *p = pa_take_photos(r, "photos", in.photos, &in.nphotos);
	static const struct jfield spec[] = {
		{"village_id", J_INT, false, 1, ID_MAX},
		{"body", J_STRING, true, 0, PARTY_BODY_MAX / 4},
		{"private", J_BOOL, false, 0, 0},
		{0},
	};
	req_check_body(r, spec);
	in.village_id = req_int(r, "village_id", 0);
	in.body = req_str(r, "body");
	in.private_q = req_bool(r, "private", false);
	in.idem = &idem;
	if (in.nphotos < 0)
		in.nphotos = 0;
	int64_t id;
	int rc = party_question_create(&r->ctx, &in, &id);
	json_decref(p);
	return pa_reply_created(r, rc, &id);
}

int api_party_question_answer(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{"answer", J_STRING, true, 0, PARTY_BODY_MAX / 2}, {0}};
	req_check_body(r, spec);
	if ((rc = party_question_answer(&r->ctx, id, req_str(r, "answer"))))
		return rc;
	json_decref(r->out);
	r->out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "answered");
	return RC_OK;
}

int api_party_question_convert(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{"to", J_STRING, true, 0, 10},
					     {"category_id", J_INT, false, 1, ID_MAX},
					     {"title", J_STRING, false, 0, 200},
					     {"category", J_STRING, false, 0, 20},
					     {0}};
	req_check_body(r, spec);
	struct party_convert_input in = {.to = req_str(r, "to"), .category_id = req_int(r, "category_id", 0),
					 .title = req_str(r, "title"), .category = req_str(r, "category")};
	int64_t made;
	if ((rc = party_question_convert(&r->ctx, id, &in, &made)))
		return rc;
	json_decref(r->out);
	bool event = !strcmp(in.to, "event");
	r->out = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)id, "converted_to", event ? "event" : "talk",
			   event ? "event_id" : "talk_id", (json_int_t)made);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_public_party(struct req *r)
{
	int64_t v;
	int rc = req_path_id(r, "id", &v);
	if (rc)
		return rc;
	struct party_rows cm = {0}, di = {0}, qs = {0};
	if ((rc = party_commitments(&r->ctx, 0, v, 0, false, 50, 0, &cm)) ||
	    (rc = party_diary(&r->ctx, 0, v, 30, 0, &di)) ||
	    (rc = party_questions(&r->ctx, 0, v, "answered", false, 20, 0, &qs)))
		return rc;
	json_decref(r->out);
	r->out = json_pack("{s:o, s:o, s:o}", "commitments", pa_rows_json(&cm), "diary", pa_rows_json(&di), "questions",
			   pa_rows_json(&qs));
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}
