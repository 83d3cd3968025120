/* The village timeline 大事记: entries with their versions and photos, and the public
 * page of a village's timeline. */
#include "domain/transparency/transparency.h"
#include "http/transparency/transparency.h"

#define ID_MAX (INT64_MAX / 2)

static json_t *entry_json(const struct chronicle_entry *e, bool detail, bool public)
{
	json_t *photos = json_array();
	for (int i = 0; i < e->nphotos; i++)
		json_array_append_new(photos, json_pack("{s:i, s:s}", "n", i + 1, "hash", e->photos[i]));
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:i, s:o, s:s, s:o}", "id", (json_int_t)e->id,
			      "village_id", (json_int_t)e->village_id, "village_name", e->village_name, "happened_on",
			      e->happened_on, "title", e->title, "body", e->body, "version_no", e->version_no, "photos",
			      photos, "status", e->status, "updated_at", json_time(e->updated_at));
	if (!o)
		return NULL;
	if (!public) {
		json_object_set_new(o, "created_at", json_time(e->created_at));
		json_object_set_new(o, "created_by_name", json_string(e->created_by_name));
		json_object_set_new(o, "withdrawn_at", e->withdrawn_at ? json_time(e->withdrawn_at) : json_null());
		json_object_set_new(o, "withdrawn_by_name", e->withdrawn_at ? json_string(e->withdrawn_by_name) : json_null());
		json_object_set_new(o, "withdraw_reason", e->withdrawn_at ? json_string(e->withdraw_reason) : json_null());
		json_object_set_new(o, "can_manage", json_boolean(e->can_manage));
	}
	if (detail) {
		json_t *vs = json_array();
		for (int i = 0; i < e->nversions; i++) {
			const struct chronicle_version *v = &e->versions[i];
			json_array_append_new(vs, json_pack("{s:i, s:s, s:s, s:s, s:i, s:s, s:s, s:o}", "version_no",
							    v->version_no, "happened_on", v->happened_on, "title", v->title,
							    "body", v->body, "nphotos", v->nphotos, "reason", v->reason,
							    "created_by_name", v->created_by_name, "created_at",
							    json_time(v->created_at)));
		}
		json_object_set_new(o, "versions", vs);
	}
	return o;
}

static int entry_reply(struct req *r, int64_t id)
{
	struct chronicle_entry e;
	int rc = chronicle_get(&r->ctx, id, &e);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = entry_json(&e, true, false);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

static int list_reply(struct req *r, int64_t unit, int64_t public_village)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct chronicle_entry *es;
	int n;
	int64_t total;
	if ((rc = chronicle_list(&r->ctx, unit, public_village, req_query(r, "status"), limit, offset, &es, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, entry_json(&es[i], false, public_village != 0));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

int api_chronicle_list(struct req *r)
{
	int64_t unit;
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit);
	return list_reply(r, unit, 0);
}

/* Takes "photos" out of the body: an array of hashes; nphotos -1 when absent. */
static json_t *take_photos(struct req *r, struct chronicle_input *in)
{
	return req_take_hashes(r, "photos", in->photos, DISC_FILES_MAX, &in->nphotos, "应为照片编号（hash）的数组", "张",
			       "照片");
}

int api_chronicle_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX},
		{"happened_on", J_STRING, true, 0, 10},
		{"title", J_STRING, true, 0, CHRONICLE_TITLE_MAX},
		{"body", J_STRING, true, 0, CHRONICLE_BODY_MAX},
		{0},
	};
	struct chronicle_input in = {0};
	json_t *photos = take_photos(r, &in);
	req_check_body(r, spec);
	in.village_id = req_int(r, "village_id", 0);
	in.happened_on = req_str(r, "happened_on");
	in.title = req_str(r, "title");
	in.body = req_str(r, "body");
	if (in.nphotos < 0)
		in.nphotos = 0;
	int64_t id;
	int rc = chronicle_add(&r->ctx, &in, &id);
	json_decref(photos);
	if (rc)
		return rc;
	r->status = 201;
	return entry_reply(r, id);
}

int api_chronicle_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : entry_reply(r, id);
}

int api_chronicle_revise(struct req *r)
{
	static const struct jfield spec[] = {
		{"happened_on", J_STRING, false, 0, 10},
		{"title", J_STRING, false, 0, CHRONICLE_TITLE_MAX},
		{"body", J_STRING, false, 0, CHRONICLE_BODY_MAX},
		{"reason", J_STRING, false, 0, CHRONICLE_REASON_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct chronicle_input in = {0};
	json_t *photos = take_photos(r, &in);
	req_check_body(r, spec);
	in.happened_on = req_str(r, "happened_on");
	in.title = req_str(r, "title");
	in.body = req_str(r, "body");
	in.reason = req_str(r, "reason");
	rc = chronicle_revise(&r->ctx, id, &in);
	json_decref(photos);
	return rc ? rc : entry_reply(r, id);
}

int api_chronicle_withdraw(struct req *r)
{
	int64_t id;
	int rc = req_withdraw(r, CHRONICLE_REASON_MAX, chronicle_withdraw, &id);
	return rc ? rc : entry_reply(r, id);
}

int api_chronicle_photo(struct req *r)
{
	return transparency_reply_file(r, false, chronicle_photo);
}

int api_public_chronicle(struct req *r)
{
	int64_t village;
	int rc = req_path_id(r, "id", &village);
	return rc ? rc : list_reply(r, 0, village);
}

int api_public_chronicle_photo(struct req *r)
{
	return transparency_reply_file(r, true, chronicle_photo);
}
