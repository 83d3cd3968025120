/* Party building's endpoints: each reads and checks its input, makes one domain call and
 * turns the domain's rows into JSON the same way (row_json). */
#include "domain/party/party.h"
#include "http/party/party.h"
#include "util/timeutil.h"

#define ID_MAX (INT64_MAX / 2)

static json_t *rows_json(const struct party_rows *rows);

static json_t *row_json(const struct party_row *r)
{
	json_t *o = json_object();
	for (int i = 0; o && i < r->n; i++) {
		const struct party_val *v = &r->v[i];
		if (!strcmp(v->name, "path") || !strcmp(v->name, "asked_by") || !strcmp(v->name, "user_id"))
			continue;
		json_t *x;
		switch (v->type) {
		case PV_INT:
			x = json_integer((json_int_t)v->i);
			break;
		case PV_BOOL:
			x = json_boolean(v->i);
			break;
		case PV_TIME:
			x = json_time(v->i);
			break;
		case PV_TEXT:
			x = json_string(v->s ? v->s : "");
			break;
		case PV_PHOTOS: {
			x = json_array();
			const char *s = v->s;
			while (x && s && *s) {
				const char *e = strchr(s, ',');
				size_t len = e ? (size_t)(e - s) : strlen(s);
				json_array_append_new(x, json_stringn(s, len));
				s = e ? e + 1 : NULL;
			}
			break;
		}
		default:
			x = json_null();
		}
		json_object_set_new(o, v->name, x);
	}
	for (int i = 0; o && i < r->nsubs; i++)
		json_object_set_new(o, r->subs[i].name, rows_json(r->subs[i].rows));
	return o;
}

static json_t *rows_json(const struct party_rows *rows)
{
	json_t *a = json_array();
	for (int i = 0; a && rows && i < rows->n; i++)
		json_array_append_new(a, row_json(&rows->row[i]));
	return a;
}

static int reply_row(struct req *r, int rc, const struct party_row *row)
{
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = row_json(row);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

static int reply_items(struct req *r, int rc, const struct party_rows *rows)
{
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = json_pack("{s:o}", "items", rows_json(rows));
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

static int reply_page(struct req *r, int rc, const struct party_rows *rows, int limit, int offset)
{
	if (rc)
		return rc;
	req_reply_page(r, rows_json(rows), rows->total, limit, offset);
	return RC_OK;
}

static int reply_created(struct req *r, int rc, const int64_t *id)
{
	if (rc)
		return rc;
	r->status = 201;
	json_decref(r->out);
	r->out = json_pack("{s:I}", "id", (json_int_t)*id);
	return RC_OK;
}

static int64_t query_id(struct req *r, const char *name)
{
	int64_t v = 0;
	req_query_int(r, name, 1, ID_MAX, 0, &v);
	return v;
}

/* Takes an array of photo hashes out of the body; *n -1 when absent. */
static json_t *take_photos(struct req *r, const char *field, const char **out, int *n)
{
	*n = -1;
	json_t *v = r->body ? json_object_get(r->body, field) : NULL;
	if (!v)
		return NULL;
	json_incref(v);
	json_object_del(r->body, field);
	if (!json_is_array(v))
		ctx_field(&r->ctx, field, "照片应为上传后返回的编号（hash）的数组");
	else if (json_array_size(v) > PARTY_PHOTOS_MAX)
		ctx_field(&r->ctx, field, "最多 %d 张照片", PARTY_PHOTOS_MAX);
	else {
		*n = 0;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (!json_is_string(x)) {
				ctx_field(&r->ctx, field, "第 %zu 张照片应为上传时返回的 hash 文本", i + 1);
				*n = -1;
				break;
			}
			out[(*n)++] = json_string_value(x);
		}
	}
	return v;
}

/* An ISO time field: 0 when absent; a field error when malformed. */
static int64_t body_time(struct req *r, const char *name, const char *label)
{
	const char *s = req_str(r, name);
	int64_t t = 0;
	if (s && time_parse_iso(s, &t)) {
		ctx_field(&r->ctx, name, "%s格式应为 2026-10-15T09:00:00+08:00", label);
		return 0;
	}
	return t;
}

/* ---- branches and members ---- */

int api_party_branches(struct req *r)
{
	struct party_rows rows = {0};
	return reply_items(r, party_branches(&r->ctx, query_id(r, "unit"), &rows), &rows);
}

int api_party_branch_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX}, {"name", J_STRING, true, 0, PARTY_NAME_MAX * 2}, {0}};
	req_check_body(r, spec);
	int64_t id;
	return reply_created(r, party_branch_create(&r->ctx, req_int(r, "village_id", 0), req_str(r, "name"), &id), &id);
}

int api_party_group_create(struct req *r)
{
	int64_t branch, id;
	int rc = req_path_id(r, "id", &branch);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{"name", J_STRING, true, 0, PARTY_NAME_MAX * 2}, {0}};
	req_check_body(r, spec);
	return reply_created(r, party_group_create(&r->ctx, branch, req_str(r, "name"), &id), &id);
}

int api_party_members(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_members(&r->ctx, query_id(r, "unit"), query_id(r, "branch"), req_query(r, "status"),
			   req_query(r, "q"), limit, offset, &rows);
	return reply_page(r, rc, &rows, limit, offset);
}

static const struct jfield member_spec[] = {
	{"branch_id", J_INT, false, 1, ID_MAX},
	{"group_id", J_INT, false, 0, ID_MAX},
	{"name", J_STRING, false, 0, PARTY_NAME_MAX},
	{"gender", J_STRING, false, 0, 1},
	{"birth_date", J_STRING, false, 0, 10},
	{"education", J_STRING, false, 0, 10},
	{"kind", J_STRING, false, 0, 12},
	{"join_date", J_STRING, false, 0, 10},
	{"full_date", J_STRING, false, 0, 10},
	{"household_id", J_INT, false, 0, ID_MAX},
	{"resident_id", J_INT, false, 0, ID_MAX},
	{"phone", J_STRING, false, 0, 11},
	{"mobile", J_BOOL, false, 0, 0},
	{"mobile_place", J_STRING, false, 0, PARTY_TEXT_MAX / 4},
	{0},
};

static void member_input(struct req *r, struct party_member_input *in, bool create)
{
	in->branch_id = req_int(r, "branch_id", 0);
	in->group_id = req_has(r, "group_id") ? req_int(r, "group_id", 0) : (create ? 0 : -1);
	in->name = req_str(r, "name");
	in->gender = req_str(r, "gender");
	in->birth_date = req_str(r, "birth_date");
	in->education = req_str(r, "education");
	in->kind = req_str(r, "kind");
	in->join_date = req_str(r, "join_date");
	in->full_date = req_str(r, "full_date");
	in->household_id = req_has(r, "household_id") ? req_int(r, "household_id", 0) : (create ? 0 : -1);
	in->resident_id = req_has(r, "resident_id") ? req_int(r, "resident_id", 0) : (create ? 0 : -1);
	in->phone = req_str(r, "phone");
	in->mobile = req_has(r, "mobile") ? req_bool(r, "mobile", false) : (create ? 0 : -1);
	in->mobile_place = req_str(r, "mobile_place");
}

int api_party_member_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	req_check_body(r, member_spec);
	if (!req_has(r, "branch_id"))
		ctx_field(&r->ctx, "branch_id", "请选择党支部");
	struct party_member_input in = {0};
	member_input(r, &in, true);
	in.idem = &idem;
	int64_t id;
	return reply_created(r, party_member_create(&r->ctx, &in, &id), &id);
}

int api_party_member_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_member_get(&r->ctx, id, &row), &row);
}

int api_party_member_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, member_spec);
	if (req_has(r, "branch_id"))
		ctx_field(&r->ctx, "branch_id", "转到其他支部请办理转出和转入");
	struct party_member_input in = {0};
	member_input(r, &in, false);
	if ((rc = party_member_update(&r->ctx, id, &in)))
		return rc;
	struct party_row row;
	return reply_row(r, party_member_get(&r->ctx, id, &row), &row);
}

int api_party_member_status(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{"action", J_STRING, true, 0, 20},
					     {"day", J_STRING, true, 0, 10},
					     {"note", J_STRING, false, 0, PARTY_TEXT_MAX},
					     {0}};
	req_check_body(r, spec);
	if ((rc = party_member_status(&r->ctx, id, req_str(r, "action"), req_str(r, "day"), req_str(r, "note"))))
		return rc;
	struct party_row row;
	return reply_row(r, party_member_get(&r->ctx, id, &row), &row);
}

int api_party_me(struct req *r)
{
	struct party_row row;
	return reply_row(r, party_me(&r->ctx, &row), &row);
}

int api_party_stats(struct req *r)
{
	struct party_row row;
	return reply_row(r, party_stats(&r->ctx, query_id(r, "unit"), &row), &row);
}

/* ---- meetings ---- */

int api_party_settings_get(struct req *r)
{
	struct party_rows rows = {0};
	return reply_items(r, party_settings(&r->ctx, query_id(r, "county_id"), &rows), &rows);
}

int api_party_settings_put(struct req *r)
{
	json_t *items = r->body ? json_object_get(r->body, "kinds") : NULL;
	const char *kinds[16], *freqs[16];
	int n = 0;
	if (!json_is_array(items) || json_array_size(items) > 16)
		ctx_field(&r->ctx, "kinds", "应为 [{kind, frequency}] 数组");
	else {
		size_t i;
		json_t *x;
		json_array_foreach(items, i, x) {
			kinds[n] = json_string_value(json_object_get(x, "kind"));
			freqs[n++] = json_string_value(json_object_get(x, "frequency"));
		}
	}
	int64_t county = r->body ? json_integer_value(json_object_get(r->body, "county_id")) : 0;
	if (county <= 0)
		ctx_field(&r->ctx, "county_id", "请选择区县");
	if (r->ctx.err.nfields)
		return RC_INVALID;
	int rc = party_settings_put(&r->ctx, county, n, kinds, freqs);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	return reply_items(r, party_settings(&r->ctx, county, &rows), &rows);
}

int api_party_meetings(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_meetings(&r->ctx, query_id(r, "unit"), query_id(r, "branch"), req_query(r, "kind"),
			    req_query(r, "period"), limit, offset, &rows);
	return reply_page(r, rc, &rows, limit, offset);
}

static const struct jfield meeting_spec[] = {
	{"branch_id", J_INT, false, 1, ID_MAX},
	{"group_id", J_INT, false, 0, ID_MAX},
	{"kind", J_STRING, false, 0, 20},
	{"topic", J_STRING, false, 0, PARTY_TEXT_MAX / 2},
	{"place", J_STRING, false, 0, PARTY_TEXT_MAX / 4},
	{"remote", J_BOOL, false, 0, 0},
	{"join_url", J_STRING, false, 0, PARTY_URL_MAX},
	{"starts_at", J_STRING, false, 0, 40},
	{"ends_at", J_STRING, false, 0, 40},
	{"period", J_STRING, false, 0, 10},
	{"minutes", J_STRING, false, 0, PARTY_BODY_MAX * 5},
	{0},
};

static void meeting_input(struct req *r, struct party_meeting_input *in, bool create)
{
	in->branch_id = req_int(r, "branch_id", 0);
	in->group_id = req_int(r, "group_id", 0);
	in->kind = req_str(r, "kind");
	in->topic = req_str(r, "topic");
	in->place = req_str(r, "place");
	in->join_url = req_str(r, "join_url");
	in->period = req_str(r, "period");
	in->minutes = req_str(r, "minutes");
	in->remote = req_has(r, "remote") ? req_bool(r, "remote", false) : (create ? 0 : -1);
	in->starts_at = body_time(r, "starts_at", "开始时间");
	in->ends_at = body_time(r, "ends_at", "结束时间");
}

int api_party_meeting_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	struct party_meeting_input in = {0};
	json_t *p1 = take_photos(r, "photos", in.photos, &in.nphotos);
	json_t *p2 = take_photos(r, "minutes_photos", in.minutes_photos, &in.nminutes_photos);
	req_check_body(r, meeting_spec);
	if (!req_has(r, "branch_id"))
		ctx_field(&r->ctx, "branch_id", "请选择党支部");
	meeting_input(r, &in, true);
	in.idem = &idem;
	int64_t id;
	int rc = party_meeting_create(&r->ctx, &in, &id);
	json_decref(p1);
	json_decref(p2);
	if (rc)
		return rc;
	r->status = 201;
	struct party_row row;
	return reply_row(r, party_meeting_get(&r->ctx, id, &row), &row);
}

int api_party_meeting_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_meeting_get(&r->ctx, id, &row), &row);
}

int api_party_meeting_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_meeting_input in = {0};
	json_t *p1 = take_photos(r, "photos", in.photos, &in.nphotos);
	json_t *p2 = take_photos(r, "minutes_photos", in.minutes_photos, &in.nminutes_photos);
	req_check_body(r, meeting_spec);
	if (req_has(r, "branch_id") || req_has(r, "kind") || req_has(r, "group_id") || req_has(r, "period"))
		ctx_field(&r->ctx, "kind", "会议的支部、类别和期间不能修改");
	meeting_input(r, &in, false);
	rc = party_meeting_update(&r->ctx, id, &in);
	json_decref(p1);
	json_decref(p2);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_meeting_get(&r->ctx, id, &row), &row);
}

int api_party_attendance(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	json_t *items = r->body ? json_object_get(r->body, "items") : NULL;
	struct party_attendance_input in[500];
	int n = 0;
	if (!json_is_array(items) || json_array_size(items) > 500)
		ctx_field(&r->ctx, "items", "应为 [{member_id, status, reason}] 数组，最多 500 项");
	else {
		size_t i;
		json_t *x;
		json_array_foreach(items, i, x) {
			json_t *mid = json_object_get(x, "member_id");
			in[n].member_id = json_is_integer(mid) ? json_integer_value(mid) : 0;
			in[n].status = json_string_value(json_object_get(x, "status"));
			in[n].reason = json_string_value(json_object_get(x, "reason"));
			n++;
		}
	}
	if (r->ctx.err.nfields) {
		/* still answer 404/403 first for a meeting the caller may not touch */
		struct party_row row;
		struct err keep = r->ctx.err;
		ctx_reset(&r->ctx);
		int vis = party_meeting_get(&r->ctx, id, &row);
		if (vis == RC_NOT_FOUND || vis == RC_UNAUTHENTICATED)
			return vis;
		ctx_reset(&r->ctx);
		r->ctx.err = keep;
		return RC_INVALID;
	}
	if ((rc = party_attendance_put(&r->ctx, id, n, in)))
		return rc;
	struct party_row row;
	return reply_row(r, party_meeting_get(&r->ctx, id, &row), &row);
}

int api_party_checkin(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{0}};
	if ((rc = req_check_body(r, spec)))
		return rc;
	struct party_row row;
	return reply_row(r, party_checkin(&r->ctx, id, &row), &row);
}

int api_party_compliance(struct req *r)
{
	int64_t year = 0;
	int rc = req_query_int(r, "year", 2000, 2100, 0, &year);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_compliance(&r->ctx, query_id(r, "unit"), (int)year, &row), &row);
}

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
	rc = party_commitments(&r->ctx, query_id(r, "unit"), 0, (int)year, ov && !strcmp(ov, "1"), limit, offset, &rows);
	return reply_page(r, rc, &rows, limit, offset);
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
	json_t *p = take_photos(r, "photos", in.photos, &in.nphotos);
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
	return reply_created(r, rc, &id);
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
	json_t *p = take_photos(r, "photos", in.photos, &in.nphotos);
	req_check_body(r, spec);
	in.pledger = req_str(r, "pledger");
	in.title = req_str(r, "title");
	in.body = req_str(r, "body");
	in.target_date = req_str(r, "target_date");
	in.video = req_str(r, "video");
	rc = party_commitment_update(&r->ctx, id, &in);
	json_decref(p);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_commitment_get(&r->ctx, id, &row), &row);
}

int api_party_commitment_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_commitment_get(&r->ctx, id, &row), &row);
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
	json_t *p = take_photos(r, "photos", photos, &n);
	static const struct jfield spec[] = {
		{"body", J_STRING, true, 0, PARTY_BODY_MAX / 4}, {"progress", J_INT, false, 0, 100}, {0}};
	req_check_body(r, spec);
	if (!strcmp(kind, "comment") && req_has(r, "progress"))
		ctx_field(&r->ctx, "progress", "评论不能更新进度");
	int64_t nid;
	rc = party_commitment_note(&r->ctx, id, kind, req_str(r, "body"), (int)req_int(r, "progress", -1), n < 0 ? 0 : n,
				   photos, &idem, &nid);
	json_decref(p);
	return reply_created(r, rc, &nid);
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
	return reply_page(r, party_diary(&r->ctx, query_id(r, "unit"), 0, limit, offset, &rows), &rows, limit, offset);
}

int api_party_diary_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	struct party_diary_input in = {0};
	json_t *p = take_photos(r, "photos", in.photos, &in.nphotos);
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
	return reply_created(r, rc, &id);
}

int api_party_diary_stats(struct req *r)
{
	struct party_rows rows = {0};
	return reply_items(r, party_diary_stats(&r->ctx, query_id(r, "unit"), &rows), &rows);
}

int api_party_questions(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	const char *mine = req_query(r, "mine");
	struct party_rows rows = {0};
	rc = party_questions(&r->ctx, query_id(r, "unit"), 0, req_query(r, "status"), mine && !strcmp(mine, "1"), limit,
			     offset, &rows);
	return reply_page(r, rc, &rows, limit, offset);
}

int api_party_question_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	struct party_question_input in = {0};
	json_t *p = take_photos(r, "photos", in.photos, &in.nphotos);
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
	return reply_created(r, rc, &id);
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
	r->out = json_pack("{s:o, s:o, s:o}", "commitments", rows_json(&cm), "diary", rows_json(&di), "questions",
			   rows_json(&qs));
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

/* ---- learning 学习教育 ---- */

int api_party_courses(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_courses(&r->ctx, query_id(r, "unit"), limit, offset, &rows);
	return reply_page(r, rc, &rows, limit, offset);
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
	json_t *p = take_photos(r, "photos", in.photos, &in.nphotos);
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
	return reply_row(r, party_course_get(&r->ctx, id, &row), &row);
}

int api_party_course_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_course_get(&r->ctx, id, &row), &row);
}

int api_party_course_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_course_input in = {0};
	json_t *p = take_photos(r, "photos", in.photos, &in.nphotos);
	req_check_body(r, course_spec);
	if (req_has(r, "unit_id") || req_has(r, "audience"))
		ctx_field(&r->ctx, "unit_id", "课程的发布单位和对象不能修改");
	course_input(r, &in);
	rc = party_course_update(&r->ctx, id, &in);
	json_decref(p);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_course_get(&r->ctx, id, &row), &row);
}

int api_party_course_photo(struct req *r)
{
	int64_t id;
	int n;
	char mime[16];
	const void *data;
	size_t len;
	int rc = req_path_photo(r, PARTY_PHOTOS_MAX, &id, &n);
	if (!rc)
		rc = party_course_photo(&r->ctx, id, n, mime, &data, &len);
	if (!rc)
		req_reply_image(r, mime, data, len);
	return rc;
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
	return reply_row(r, rc, &row);
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
	return reply_row(r, party_study_report(&r->ctx, id, req_int(r, "seconds", 0), &row), &row);
}

int api_party_quizzes(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_quizzes(&r->ctx, query_id(r, "unit"), limit, offset, &rows);
	return reply_page(r, rc, &rows, limit, offset);
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
	json_t *v = r->body ? json_object_get(r->body, "questions") : NULL;
	if (!v)
		return NULL;
	json_incref(v);
	json_object_del(r->body, "questions");
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
	return reply_row(r, rc, &row);
}

int api_party_quiz_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_quiz_get(&r->ctx, id, &row), &row);
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
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_quiz_get(&r->ctx, id, &row), &row);
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
	return reply_row(r, rc, &row);
}

int api_party_study_records(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_study_records(&r->ctx, query_id(r, "unit"), query_id(r, "branch"), limit, offset, &rows);
	return reply_page(r, rc, &rows, limit, offset);
}

int api_party_member_study(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_row row;
	return reply_row(r, party_study_record(&r->ctx, id, &row), &row);
}

int api_party_my_study(struct req *r)
{
	struct party_row row;
	return reply_row(r, party_study_record(&r->ctx, 0, &row), &row);
}

/* ---- the member roster import ---- */

int api_party_member_import(struct req *r)
{
	int64_t branch = 0, dry = 0;
	req_query_int(r, "branch", 1, ID_MAX, 0, &branch);
	req_query_int(r, "dry_run", 0, 1, 0, &dry);
	if (!branch)
		ctx_field(&r->ctx, "branch", "请选择党支部");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct party_import_result res;
	int rc = party_member_import(&r->ctx, branch, r->u->binary_body, r->u->binary_body_length, dry != 0, &res);
	if (rc == RC_INVALID && res.nerrors > 0) {
		/* 400 with the standard envelope and every row's errors */
		json_t *rows = json_array();
		for (int i = 0; i < res.nerrors; i++)
			json_array_append_new(rows, json_pack("{s:i, s:s, s:s}", "row", res.errors[i].row, "column",
							       res.errors[i].column, "message", res.errors[i].message));
		json_t *body = json_pack("{s:{s:s, s:s, s:{}, s:o, s:i}}", "error", "code", req_code_for(RC_INVALID),
					 "message", r->ctx.err.message, "fields", "rows", rows, "errors_total",
					 res.errors_total);
		ulfius_set_json_body_response(r->resp, 400, body);
		json_decref(body);
		r->replied = true;
		return RC_OK;
	}
	if (rc)
		return rc;
	r->out = json_pack("{s:b, s:b, s:i, s:i}", "imported", !dry, "dry_run", dry != 0, "rows", res.rows, "created",
			   res.created);
	return RC_OK;
}

int api_party_member_template(struct req *r)
{
	char *data;
	size_t len;
	if (!r->ctx.actor)
		return ctx_fail(&r->ctx, RC_UNAUTHENTICATED, "请先登录");
	int rc = party_member_template(&r->ctx, &data, &len);
	if (rc)
		return rc;
	req_reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", NULL, data, len);
	free(data);
	/* 党员名册模板.xlsx, percent-encoded (RFC 5987), with an ASCII name for old clients */
	u_map_put(r->resp->map_header, "Content-Disposition",
		  "attachment; filename=\"party-members-template.xlsx\"; filename*=UTF-8''"
		  "%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx");
	return RC_OK;
}
