/* Open311 GeoReport v2 (the standard civic-tech clients speak) under /open311/v2/, and
 * the county admin's API keys under /api/v1/open311-keys. Every reply of /open311/v2/
 * is in the format its path ends with (.json or .xml), errors included; the mapping of
 * events to requests is the domain's (domain/events/open311.h). */
#include "domain/events/open311.h"
#include "http/events/events.h"
#include "http/events/open311.h"
#include "util/form.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define ID_MAX (INT64_MAX / 2)
#define CHANGESET "2026-01-01T00:00:00+08:00"   /* when this API's description last changed */
#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"

/* The format of the request's path; false (after a JSON 404 in the standard's shape)
 * when it ends in neither .json nor .xml. */
static bool path_format(struct req *r, enum o311_format *f)
{
	if (o311_format_of(r->u->url_path, f, NULL, 0))
		return true;
	*f = O311_XML;
	o311_error(r, *f, 404, "格式应为 .json 或 .xml");
	return false;
}

/* A path parameter "<value>.<format>": the value (in the arena) and the format. */
static bool param_format(struct req *r, const char *name, enum o311_format *f, const char **value)
{
	const char *p = u_map_get(r->u->map_url, name);
	char base[128];
	if (!p || !o311_format_of(p, f, base, sizeof(base)) || !base[0]) {
		*f = p && o311_format_of(p, f, NULL, 0) ? *f : O311_XML;
		o311_error(r, *f, 404, "没有这个资源");
		return false;
	}
	*value = arena_strdup(r->ctx.arena, base);
	return *value != NULL;
}

/* The jurisdiction of jurisdiction_id (query or form); false after the error reply. */
static bool jurisdiction(struct req *r, enum o311_format f, const char *jid, struct open311_jurisdiction *j)
{
	int rc = open311_jurisdiction(&r->ctx, jid, j);
	if (rc) {
		o311_fail(r, f, rc);
		return false;
	}
	return true;
}

/* "http(s)://host" of this request, for the URLs in replies; a Host header with
 * anything but host characters gives "localhost". */
static const char *base_url(struct req *r)
{
	const char *host = u_map_get_case(r->u->map_header, "Host");
	bool ok = host && host[0] && strlen(host) < 256;
	for (const char *p = host; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		     *p == '-' || *p == ':' || *p == '[' || *p == ']';
	const char *proto = u_map_get_case(r->u->map_header, "X-Forwarded-Proto");
	bool https = proto && !strcmp(proto, "https");
	return arena_printf(r->ctx.arena, "%s://%s", https ? "https" : "http", ok ? host : "localhost");
}

static json_t *time_or_null(int64_t t)
{
	return t ? json_time(t) : json_null();
}

static json_t *id_string(int64_t id)
{
	char s[24];
	snprintf(s, sizeof(s), "%lld", (long long)id);
	return json_string(s);
}

/* ---- discovery and services ---- */

int api_open311_discovery(struct req *r)
{
	enum o311_format f;
	if (!path_format(r, &f))
		return RC_OK;
	json_t *formats = json_pack("[s, s]", "text/xml", "application/json");
	json_t *endpoint = json_pack("{s:s, s:s, s:s, s:s, s:o}", "specification", SPEC_URL, "url",
				     arena_printf(r->ctx.arena, "%s/open311/v2", base_url(r)), "changeset", CHANGESET,
				     "type", "production", "formats", formats);
	json_t *doc = json_pack("{s:s, s:s, s:s, s:[o]}", "changeset", CHANGESET, "contact",
				"请联系区县民情通办中心", "key_service", "API 密钥由区县管理员发放（/api/v1/open311-keys）",
				"endpoints", endpoint);
	return o311_reply(r, 200, f, doc, "discovery", NULL);
}

static json_t *service_json(const struct event_category *k)
{
	char desc[200];
	snprintf(desc, sizeof(desc), "%d 小时内受理，受理后 %d 个工作日内办结%s", k->accept_hours, k->finish_days,
		 k->photo_required ? "；需要照片" : "");
	return json_pack("{s:o, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code", id_string(k->id), "service_name",
			 k->name, "description", desc, "metadata", 1, "type", "realtime", "keywords", "", "group",
			 k->department_name[0] ? k->department_name : "村级办理");
}

int api_open311_services(struct req *r)
{
	enum o311_format f;
	struct open311_jurisdiction j;
	if (!path_format(r, &f) || !jurisdiction(r, f, req_query(r, "jurisdiction_id"), &j))
		return RC_OK;
	struct event_category *list;
	int n;
	int rc = events_categories(&r->ctx, j.county_id, true, &list, &n);
	if (rc)
		return o311_fail(r, f, rc);
	json_t *doc = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(doc, service_json(&list[i]));
	return o311_reply(r, 200, f, doc, "services", "service");
}

/* The category of a service_code in the jurisdiction; false after the 404 reply. */
static bool service_of(struct req *r, enum o311_format f, const struct open311_jurisdiction *j, const char *code,
		       struct event_category *k)
{
	int64_t id;
	if (num_parse_i64(code, 1, ID_MAX, &id) || events_category_get(&r->ctx, id, k) || k->county_id != j->county_id ||
	    !k->active) {
		o311_error(r, f, 404, "没有这个服务（service_code）");
		return false;
	}
	return true;
}

int api_open311_service(struct req *r)
{
	enum o311_format f;
	const char *code;
	struct open311_jurisdiction j;
	struct event_category k;
	if (!param_format(r, "service_code", &f, &code) || !jurisdiction(r, f, req_query(r, "jurisdiction_id"), &j) ||
	    !service_of(r, f, &j, code, &k))
		return RC_OK;
	struct open311_village *villages;
	int n;
	int rc = open311_villages(&r->ctx, j.county_id, &villages, &n);
	if (rc)
		return o311_fail(r, f, rc);
	json_t *values = json_array();
	for (int i = 0; i < n; i++) {
		const char *name = villages[i].town_name[0]
				 ? arena_printf(r->ctx.arena, "%s（%s）", villages[i].name, villages[i].town_name)
				 : villages[i].name;
		json_array_append_new(values, json_pack("{s:o, s:s}", "key", id_string(villages[i].id), "name",
							name ? name : villages[i].name));
	}
	json_t *attr = json_pack("{s:b, s:s, s:s, s:b, s:s, s:i, s:s, s:o}", "variable", 1, "code", "village",
				 "datatype", "singlevaluelist", "required", 1, "datatype_description",
				 "从列表中选一个村（key）", "order", 1, "description", "问题所在的村", "values", values);
	json_t *doc = json_pack("{s:o, s:[o]}", "service_code", id_string(k.id), "attributes", attr);
	return o311_reply(r, 200, f, doc, "service_definition", NULL);
}

/* ---- requests ---- */

static json_t *request_json(struct req *r, const struct open311_request *q)
{
	const char *media = q->nphotos ? arena_printf(r->ctx.arena, "%s/open311/v2/requests/%lld/media/1",
						       base_url(r), (long long)q->id)
				       : "";
	json_t *o = json_object();
	json_object_set_new(o, "service_request_id", id_string(q->id));
	json_object_set_new(o, "status", json_string(q->status));
	json_object_set_new(o, "status_notes", json_string(q->status_notes));
	json_object_set_new(o, "service_name", json_string(q->service_name));
	json_object_set_new(o, "service_code", id_string(q->service_code));
	json_object_set_new(o, "description", json_string(q->description));
	json_object_set_new(o, "agency_responsible", json_string(q->agency_responsible));
	json_object_set_new(o, "service_notice", json_string(""));
	json_object_set_new(o, "requested_datetime", time_or_null(q->requested));
	json_object_set_new(o, "updated_datetime", time_or_null(q->updated));
	json_object_set_new(o, "expected_datetime", time_or_null(q->expected));
	json_object_set_new(o, "address", json_string(q->address));
	json_object_set_new(o, "address_id", json_string(""));
	json_object_set_new(o, "zipcode", json_string(""));
	json_object_set_new(o, "lat", q->has_location ? json_real((double)q->lat_e6 / 1e6) : json_null());
	json_object_set_new(o, "long", q->has_location ? json_real((double)q->lng_e6 / 1e6) : json_null());
	json_object_set_new(o, "media_url", json_string(media ? media : ""));
	return o;
}

/* A comma-separated list of ids into out (at most max); field error when malformed. */
static void id_list(struct req *r, const char *field, const char *s, int64_t *out, int *n, int max)
{
	*n = 0;
	if (!s || !s[0])
		return;
	for (const char *p = s;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (*n >= max) {
			ctx_field(&r->ctx, field, "最多 %d 个", max);
			return;
		}
		if (num_parse_i64n(p, len, 1, ID_MAX, &out[*n])) {
			ctx_field(&r->ctx, field, "应为以逗号分隔的编号");
			return;
		}
		(*n)++;
		if (!comma)
			return;
		p = comma + 1;
	}
}

static void query_datetime(struct req *r, const char *name, int64_t *out)
{
	const char *s = req_query(r, name);
	*out = 0;
	if (s && s[0] && (strlen(s) > 40 || time_parse_iso(s, out)))
		ctx_field(&r->ctx, name, "时间应为带时区的 W3C 格式，如 2026-01-01T00:00:00+08:00");
}

static int requests_get(struct req *r, enum o311_format f)
{
	struct open311_jurisdiction j;
	if (!jurisdiction(r, f, req_query(r, "jurisdiction_id"), &j))
		return RC_OK;
	struct open311_query q = {.county_id = j.county_id};
	id_list(r, "service_request_id", req_query(r, "service_request_id"), q.ids, &q.nids, OPEN311_IDS_MAX);
	id_list(r, "service_code", req_query(r, "service_code"), q.codes, &q.ncodes, OPEN311_IDS_MAX);
	query_datetime(r, "start_date", &q.start);
	query_datetime(r, "end_date", &q.end);
	if (q.start && q.end && q.end < q.start)
		ctx_field(&r->ctx, "end_date", "结束时间早于开始时间");
	const char *status = req_query(r, "status");
	if (status && status[0]) {
		if (!strcmp(status, "open") || !strcmp(status, "closed"))
			q.status = status;
		else if (strcmp(status, "open,closed") && strcmp(status, "closed,open"))
			ctx_field(&r->ctx, "status", "状态应为 open 或 closed");
	}
	int rc = ctx_check_fields(&r->ctx);
	struct open311_request *list = NULL;
	int n = 0;
	if (!rc)
		rc = open311_requests(&r->ctx, &q, &list, &n);
	if (rc)
		return o311_fail(r, f, rc);
	json_t *doc = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(doc, request_json(r, &list[i]));
	return o311_reply(r, 200, f, doc, "service_requests", "request");
}

/* A coordinate in decimal degrees into microdegrees (rounded), within ±max. */
static bool parse_degrees(const char *s, int64_t max, int64_t *e6)
{
	if (!s || !s[0] || strlen(s) > 24)
		return false;
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	int64_t whole = 0, frac = 0;
	int digits = 0, fdigits = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if (digits < 4)
			whole = whole * 10 + (*s - '0');
	if (digits == 0 || digits > 3)
		return false;
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++, fdigits++)
			if (fdigits < 7)
				frac = frac * 10 + (*s - '0');
		if (fdigits == 0)
			return false;
		for (int k = fdigits; k < 7; k++)
			frac *= 10;
	}
	if (*s)
		return false;
	int64_t v = whole * 1000000 + (frac + 5) / 10;
	if (v > max * 1000000)
		return false;
	*e6 = neg ? -v : v;
	return true;
}

static const char *form_text(const struct form *fm, const char *name)
{
	const char *v = form_get(fm, name);
	return v ? v : "";
}

static int requests_post(struct req *r, enum o311_format f)
{
	const struct _u_request *u = r->u;
	const char *type = u_map_get_case(u->map_header, "Content-Type");
	if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33))
		return o311_error(r, f, 415, "请求体应为 application/x-www-form-urlencoded");
	if (u->binary_body_length > FORM_BODY_MAX)
		return o311_error(r, f, 413, "请求体过大");
	struct form fm;
	const char *bad = NULL;
	enum form_error fe = form_parse(r->ctx.arena, u->binary_body ? u->binary_body : "", u->binary_body_length, &fm, &bad);
	if (fe) {
		const char *msg = bad && utf8_valid(bad, strlen(bad))
				? arena_printf(r->ctx.arena, "%s: %s", bad, form_error_text(fe))
				: form_error_text(fe);
		return o311_error(r, f, fe == FORM_TOO_LARGE ? 413 : 400, msg ? msg : form_error_text(fe));
	}
	struct open311_jurisdiction j;
	const char *jid = form_get(&fm, "jurisdiction_id");
	if (!jurisdiction(r, f, jid ? jid : req_query(r, "jurisdiction_id"), &j))
		return RC_OK;
	struct open311_submission in = {.county_id = j.county_id};
	in.api_key = form_get(&fm, "api_key");
	const char *code = form_text(&fm, "service_code");
	if (!code[0])
		ctx_field(&r->ctx, "service_code", "缺少 service_code");
	else if (num_parse_i64(code, 1, ID_MAX, &in.service_code))
		ctx_field(&r->ctx, "service_code", "没有这个服务");
	const char *village = form_text(&fm, "attribute[village]");
	if (!village[0])
		ctx_field(&r->ctx, "attribute[village]", "请选择问题所在的村");
	else if (num_parse_i64(village, 1, ID_MAX, &in.village_id))
		ctx_field(&r->ctx, "attribute[village]", "没有这个村");
	const char *lat = form_get(&fm, "lat"), *lng = form_get(&fm, "long");
	if ((lat && lat[0]) || (lng && lng[0])) {
		if (!parse_degrees(lat, 90, &in.lat_e6))
			ctx_field(&r->ctx, "lat", "纬度应为 -90 到 90 之间的小数");
		if (!parse_degrees(lng, 180, &in.lng_e6))
			ctx_field(&r->ctx, "long", "经度应为 -180 到 180 之间的小数");
		in.has_location = true;
	}
	in.description = form_text(&fm, "description");
	in.address = form_text(&fm, "address_string");
	const char *first = form_text(&fm, "first_name"), *last = form_text(&fm, "last_name");
	/* Chinese names: family name (last_name) first, no space */
	const char *name = arena_printf(r->ctx.arena, "%s%s", last, first);
	in.name = name ? name : "";
	in.phone = form_text(&fm, "phone");
	/* the key first: without a valid one, nothing else is looked at */
	struct err fields = r->ctx.err;
	ctx_reset(&r->ctx);
	int rc = open311_key_check(&r->ctx, j.county_id, in.api_key);
	if (rc)
		return o311_fail(r, f, rc);
	r->ctx.err = fields;
	rc = ctx_check_fields(&r->ctx);
	int64_t id = 0;
	char token[OPEN311_TOKEN_LEN + 1] = "";
	if (!rc)
		rc = open311_submit(&r->ctx, &in, &id, token);
	if (rc)
		return o311_fail(r, f, rc);
	const char *media = form_get(&fm, "media_url");
	/* the link is not fetched (no request leaves the server on a stranger's word) and no
	 * page lets a reporter without an account add a photo later: the reply says just that */
	const char *notice = media && media[0] ? "已登记，等待受理；本系统不下载照片链接，登记的事件不含照片" : "已登记，等待受理";
	json_t *doc = json_array();
	json_array_append_new(doc, json_pack("{s:o, s:s, s:s, s:n}", "service_request_id", id_string(id), "token", token,
					     "service_notice", notice, "account_id"));
	return o311_reply(r, 201, f, doc, "service_requests", "request");
}

int api_open311_requests(struct req *r)
{
	enum o311_format f;
	if (!path_format(r, &f))
		return RC_OK;
	return strcmp(r->u->http_verb, "POST") ? requests_get(r, f) : requests_post(r, f);
}

int api_open311_request(struct req *r)
{
	enum o311_format f;
	const char *idtext;
	struct open311_jurisdiction j;
	if (!param_format(r, "service_request_id", &f, &idtext) ||
	    !jurisdiction(r, f, req_query(r, "jurisdiction_id"), &j))
		return RC_OK;
	int64_t id;
	struct open311_request q;
	if (num_parse_i64(idtext, 1, ID_MAX, &id))
		return o311_error(r, f, 404, "服务请求不存在");
	int rc = open311_request_get(&r->ctx, j.county_id, id, &q);
	if (rc)
		return o311_fail(r, f, rc);
	json_t *doc = json_array();
	json_array_append_new(doc, request_json(r, &q));
	return o311_reply(r, 200, f, doc, "service_requests", "request");
}

int api_open311_media(struct req *r)
{
	struct open311_jurisdiction j;
	int64_t id, n;
	if (req_path_id(r, "service_request_id", &id) || req_path_id(r, "n", &n) || n > EVENT_PHOTOS_MAX)
		return o311_error(r, O311_JSON, 404, "照片不存在");
	if (!jurisdiction(r, O311_JSON, req_query(r, "jurisdiction_id"), &j))
		return RC_OK;
	char mime[16];
	const void *data;
	size_t len;
	int rc = open311_media(&r->ctx, j.county_id, id, (int)n, mime, &data, &len);
	if (rc)
		return o311_fail(r, O311_JSON, rc);
	req_reply_bytes(r, 200, mime, NULL, data, len);
	return RC_OK;
}

int api_open311_token(struct req *r)
{
	enum o311_format f;
	const char *token;
	struct open311_jurisdiction j;
	if (!param_format(r, "token", &f, &token) || !jurisdiction(r, f, req_query(r, "jurisdiction_id"), &j))
		return RC_OK;
	int64_t id;
	int rc = open311_token(&r->ctx, j.county_id, token, &id);
	if (rc)
		return o311_fail(r, f, rc);
	json_t *doc = json_array();
	json_array_append_new(doc, json_pack("{s:o, s:s}", "service_request_id", id_string(id), "token", token));
	return o311_reply(r, 200, f, doc, "service_requests", "request");
}

/* ---- API keys ---- */

static json_t *key_json(const struct open311_key *k)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:I}", "id", (json_int_t)k->id, "county_id",
			 (json_int_t)k->county_id, "name", k->name, "prefix", k->prefix, "created_by_name",
			 k->created_by_name, "created_at", json_time(k->created_at), "revoked_at",
			 time_or_null(k->revoked_at), "active", !k->revoked_at, "requests", (json_int_t)k->requests);
}

int api_open311_keys(struct req *r)
{
	struct open311_key *list;
	int n;
	int rc = open311_keys(&r->ctx, &list, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, key_json(&list[i]));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_open311_key_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"name", J_STRING, true, 1, OPEN311_KEY_NAME_MAX},
		{"county_id", J_INT, false, 1, ID_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	int64_t id;
	char key[OPEN311_KEY_LEN + 1];
	int rc = open311_key_create(&r->ctx, req_int(r, "county_id", 0), req_str(r, "name"), &id, key);
	if (rc)
		return rc;
	struct open311_key k;
	if ((rc = open311_key_get(&r->ctx, id, &k)))
		return rc;
	r->out = key_json(&k);
	json_object_set_new(r->out, "key", json_string(key));
	r->status = 201;
	return RC_OK;
}

int api_open311_key_revoke(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if ((rc = open311_key_revoke(&r->ctx, id)))
		return rc;
	struct open311_key k;
	if ((rc = open311_key_get(&r->ctx, id, &k)))
		return rc;
	r->out = key_json(&k);
	return RC_OK;
}
