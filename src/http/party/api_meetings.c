/* Party building's endpoints of the meeting kinds' frequencies, meetings 三会一课 with
 * attendance and check-in, and compliance. */
#include "http/party/internal.h"

/* ---- meetings ---- */

int api_party_settings_get(struct req *r)
{
	struct party_rows rows = {0};
	return pa_reply_items(r, party_settings(&r->ctx, pa_query_id(r, "county_id"), &rows), &rows);
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
	return pa_reply_items(r, party_settings(&r->ctx, county, &rows), &rows);
}

int api_party_meetings(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_meetings(&r->ctx, pa_query_id(r, "unit"), pa_query_id(r, "branch"), req_query(r, "kind"),
			    req_query(r, "period"), limit, offset, &rows);
	return pa_reply_page(r, rc, &rows, limit, offset);
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
	in->starts_at = pa_body_time(r, "starts_at", "开始时间");
	in->ends_at = pa_body_time(r, "ends_at", "结束时间");
}

int api_party_meeting_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	struct party_meeting_input in = {0};
	json_t *p1 = pa_take_photos(r, "photos", in.photos, &in.nphotos);
	json_t *p2 = pa_take_photos(r, "minutes_photos", in.minutes_photos, &in.nminutes_photos);
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
	return pa_reply_row(r, party_meeting_get(&r->ctx, id, &row), &row);
}

int api_party_meeting_get(struct req *r)
{
	return pa_reply_by_id(r, party_meeting_get);
}

int api_party_meeting_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct party_meeting_input in = {0};
	json_t *p1 = pa_take_photos(r, "photos", in.photos, &in.nphotos);
	json_t *p2 = pa_take_photos(r, "minutes_photos", in.minutes_photos, &in.nminutes_photos);
	req_check_body(r, meeting_spec);
	if (req_has(r, "branch_id") || req_has(r, "kind") || req_has(r, "group_id") || req_has(r, "period"))
		ctx_field(&r->ctx, "kind", "会议的支部、类别和期间不能修改");
	meeting_input(r, &in, false);
	rc = party_meeting_update(&r->ctx, id, &in);
	json_decref(p1);
	json_decref(p2);
	return pa_reply_after(r, rc, id, party_meeting_get);
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
	return pa_reply_after(r, party_attendance_put(&r->ctx, id, n, in), id, party_meeting_get);
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
	return pa_reply_row(r, party_checkin(&r->ctx, id, &row), &row);
}

int api_party_compliance(struct req *r)
{
	int64_t year = 0;
	int rc = req_query_int(r, "year", 2000, 2100, 0, &year);
	if (rc)
		return rc;
	struct party_row row;
	return pa_reply_row(r, party_compliance(&r->ctx, pa_query_id(r, "unit"), (int)year, &row), &row);
}
