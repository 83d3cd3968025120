/* Activities with sign-up and QR check-in, and the household code 户码 with its QR
 * images. Times in the API are ISO 8601 with an offset ("2026-11-23T09:00:00+08:00"). */
#include "domain/points/activities.h"
#include "domain/register/register.h"
#include "http/points/points.h"
#include "util/qr.h"
#include "util/timeutil.h"

#define QR_MODULE 8                 /* pixels per module of the served images */
#define QR_IMAGE_MAX (4u << 20)

static const char *activity_status(int64_t now, const struct activity *a)
{
	return now < a->starts_at ? "upcoming" : now <= a->ends_at ? "ongoing" : "ended";
}

static json_t *activity_json(struct req *r, const struct activity *a)
{
	int64_t now = r->ctx.now;
	json_t *o = json_pack(
		"{s:I, s:I, s:s, s:I, s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:i, s:I, s:I, s:I, s:s, s:o, "
		"s:o, s:o, s:b, s:s, s:b}",
		"id", (json_int_t)a->id, "village_id", (json_int_t)a->village_id, "village_name",
		a->village_name, "rule_id", (json_int_t)a->rule_id, "rule_name", a->rule_name, "category",
		a->category, "points", a->points, "title", a->title, "place", a->place, "starts_at",
		json_time(a->starts_at), "ends_at", json_time(a->ends_at), "capacity", a->capacity,
		"signups", (json_int_t)a->signups, "checked_in", (json_int_t)a->checked_in, "places_left",
		(json_int_t)(a->capacity > a->signups ? a->capacity - a->signups : 0), "created_by_name",
		a->created_by_name, "created_at", json_time(a->created_at), "checkin_opens_at",
		json_time(a->starts_at - ACTIVITY_CHECKIN_EARLY), "checkin_closes_at",
		json_time(a->ends_at + ACTIVITY_CHECKIN_LATE), "checkin_open",
		now >= a->starts_at - ACTIVITY_CHECKIN_EARLY && now <= a->ends_at + ACTIVITY_CHECKIN_LATE,
		"status", activity_status(now, a), "can_manage", a->can_manage);
	json_object_set_new(o, "mine",
			    a->villager ? json_pack("{s:b, s:b, s:o, s:o}", "signed_up", a->mine_signed_up,
						    "checked_in", a->mine_checked_in, "resident_id",
						    a->mine_resident_id ? json_integer(a->mine_resident_id)
									: json_null(),
						    "claim_id", a->mine_claim_id ? json_integer(a->mine_claim_id)
										 : json_null())
					: json_null());
	return o;
}

/* The activity, with its sign-up list for those who may read it. */
static int activity_reply(struct req *r, int64_t id)
{
	struct activity a;
	int rc = activities_get(&r->ctx, id, &a);
	if (rc)
		return rc;
	json_t *o = activity_json(r, &a);
	struct activity_signup *s;
	int n;
	if (activities_signups(&r->ctx, id, &s, &n) == RC_OK) {
		json_t *arr = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(
				arr, json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:o}", "household_id",
					       (json_int_t)s[i].household_id, "household_number",
					       s[i].household_number, "head_name", s[i].head_name, "resident_id",
					       s[i].resident_id ? json_integer(s[i].resident_id) : json_null(),
					       "resident_name", s[i].resident_name, "signed_at",
					       json_time(s[i].signed_at), "checked_in_at",
					       json_time(s[i].checked_in_at), "claim_id",
					       s[i].claim_id ? json_integer(s[i].claim_id) : json_null()));
		json_object_set_new(o, "signup_list", arr);
	} else {
		ctx_reset(&r->ctx);  /* villagers see counts only */
	}
	json_decref(r->out);
	r->out = o;
	return RC_OK;
}

static int time_field(struct req *r, const char *name, int64_t *out)
{
	const char *s = req_str(r, name);
	*out = 0;
	if (s && time_parse_iso(s, out))
		return ctx_field(&r->ctx, name, "时间格式应为 2026-11-23T09:00:00+08:00");
	return RC_OK;
}

int api_activity_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, INT64_MAX / 2},
		{"rule_id", J_INT, true, 1, INT64_MAX / 2},
		{"title", J_STRING, true, 1, ACTIVITY_TITLE_MAX},
		{"place", J_STRING, false, 0, ACTIVITY_PLACE_MAX},
		{"starts_at", J_STRING, true, 1, 25},
		{"ends_at", J_STRING, true, 1, 25},
		{"capacity", J_INT, true, 1, ACTIVITY_CAPACITY_MAX},
		{0},
	};
	req_check_body(r, spec); /* its errors are reported with the ones below */
	struct activity_input in = {
		.village_id = req_int(r, "village_id", 0),
		.rule_id = req_int(r, "rule_id", 0),
		.title = req_str(r, "title"),
		.place = req_str(r, "place"),
		.capacity = req_int(r, "capacity", 0),
	};
	time_field(r, "starts_at", &in.starts_at);
	time_field(r, "ends_at", &in.ends_at);
	int64_t id;   /* the domain adds its field errors to these, and refuses if any */
	int rc = activities_create(&r->ctx, &in, &id);
	if (rc)
		return rc;
	r->status = 201;
	return activity_reply(r, id);
}

int api_activities_list(struct req *r)
{
	int64_t village;
	int limit, offset;
	req_query_int(r, "village_id", 1, INT64_MAX / 2, 0, &village);
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct activity *as;
	int n;
	int64_t total;
	if ((rc = activities_list(&r->ctx, village, limit, offset, &as, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, activity_json(r, &as[i]));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

int api_activity_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : activity_reply(r, id);
}

int api_activity_signup(struct req *r)
{
	static const struct jfield spec[] = {
		{"resident_id", J_INT, false, 1, INT64_MAX / 2},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)))
		return rc;
	if ((rc = activities_signup(&r->ctx, id, req_int(r, "resident_id", 0))))
		return rc;
	r->status = 201;
	return activity_reply(r, id);
}

int api_activity_cancel(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = activities_cancel(&r->ctx, id)))
		return rc;
	return activity_reply(r, id);
}

/* The domain call that issues the signed code of an activity or a household. */
typedef enum result (*code_issuer)(struct ctx *c, int64_t id, char token[QRTOKEN_MAX], int64_t *expires);

/* Issues the code of the path's id and replies {id_key, code_key, expires_at}. */
static int code_reply(struct req *r, code_issuer issue, const char *id_key, const char *code_key)
{
	int64_t id, expires;
	char code[QRTOKEN_MAX];
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = issue(&r->ctx, id, code, &expires)))
		return rc;
	r->out = json_pack("{s:I, s:s, s:o}", id_key, (json_int_t)id, code_key, code, "expires_at",
			   json_time(expires));
	return RC_OK;
}

/* Issues the code of the path's id and replies with its QR code as SVG or PNG, never
 * cached. */
static int code_image(struct req *r, code_issuer issue, bool png)
{
	int64_t id, expires;
	char code[QRTOKEN_MAX];
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = issue(&r->ctx, id, code, &expires)))
		return rc;
	struct buf b;
	buf_init(&b, QR_IMAGE_MAX);
	if (png ? qr_png(code, QR_MODULE, &b) : qr_svg(code, QR_MODULE, &b)) {
		buf_release(&b);
		return ctx_fail(&r->ctx, RC_INTERNAL, "生成二维码失败");
	}
	req_reply_bytes(r, 200, png ? "image/png" : "image/svg+xml", NULL, b.ptr, b.len);
	u_map_put(r->resp->map_header, "Cache-Control", "no-store");
	buf_release(&b);
	return RC_OK;
}

int api_activity_code(struct req *r)
{
	return code_reply(r, activities_checkin_code, "activity_id", "token");
}

int api_activity_code_svg(struct req *r)
{
	return code_image(r, activities_checkin_code, false);
}

int api_activity_code_png(struct req *r)
{
	return code_image(r, activities_checkin_code, true);
}

int api_household_code(struct req *r)
{
	return code_reply(r, hhcode_issue, "household_id", "code");
}

int api_household_code_svg(struct req *r)
{
	return code_image(r, hhcode_issue, false);
}

int api_household_code_png(struct req *r)
{
	return code_image(r, hhcode_issue, true);
}

static int checkin_reply(struct req *r, int64_t activity_id, int64_t household_id, int64_t claim_id)
{
	int rc = activity_reply(r, activity_id);
	if (rc)
		return rc;
	json_t *activity = r->out;
	r->out = json_pack("{s:I, s:I, s:I, s:o}", "activity_id", (json_int_t)activity_id, "household_id",
			   (json_int_t)household_id, "claim_id", (json_int_t)claim_id, "activity", activity);
	r->status = 201;
	return RC_OK;
}

int api_activity_checkin_token(struct req *r)
{
	static const struct jfield spec[] = {
		{"token", J_STRING, true, 1, QRTOKEN_MAX - 1},
		{0},
	};
	int rc = req_check_body(r, spec);
	if (rc)
		return rc;
	int64_t activity, household, claim;
	if ((rc = activities_checkin_token(&r->ctx, req_str(r, "token"), &activity, &household, &claim)))
		return rc;
	return checkin_reply(r, activity, household, claim);
}

int api_activity_checkin_household(struct req *r)
{
	static const struct jfield spec[] = {
		{"household_code", J_STRING, true, 1, QRTOKEN_MAX - 1},
		{"resident_id", J_INT, false, 1, INT64_MAX / 2},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)))
		return rc;
	int64_t household, claim;
	if ((rc = activities_checkin_household(&r->ctx, id, req_str(r, "household_code"),
					       req_int(r, "resident_id", 0), &household, &claim)))
		return rc;
	return checkin_reply(r, id, household, claim);
}
