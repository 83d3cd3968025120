/* Photo uploads, points claims and their review, awards and deductions. */
#include "domain/kernel/files.h"
#include "domain/points/claims.h"
#include "http/points/points.h"
#include "util/num.h"

#define ID_MAX (INT64_MAX / 2)

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *claim_json(const struct claim *cl)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(cl->id));
	json_object_set_new(o, "village_id", json_integer(cl->village_id));
	json_object_set_new(o, "household_id", json_integer(cl->household_id));
	json_object_set_new(o, "household_number", json_string(cl->household_number));
	json_object_set_new(o, "resident_id", id_or_null(cl->resident_id));
	json_object_set_new(o, "resident_name", str_or_null(cl->resident_name));
	json_object_set_new(o, "source", json_string(cl->source));
	json_object_set_new(o, "rule_id", json_integer(cl->rule_id));
	json_object_set_new(o, "rule_name", json_string(cl->rule_name));
	json_object_set_new(o, "category", json_string(cl->category));
	json_object_set_new(o, "points", json_integer(cl->points));
	json_object_set_new(o, "occurred_on", json_string(cl->occurred_on));
	json_object_set_new(o, "description", json_string(cl->description));
	json_object_set_new(o, "status", json_string(cl->status));
	json_object_set_new(o, "review_reason", json_string(cl->review_reason));
	json_object_set_new(o, "reviewer_name", str_or_null(cl->reviewer_name));
	json_object_set_new(o, "reviewed_at", json_time(cl->reviewed_at));
	json_object_set_new(o, "created_by", json_integer(cl->created_by));
	json_object_set_new(o, "author_name", json_string(cl->author_name));
	json_object_set_new(o, "batch_id", str_or_null(cl->batch_id));
	json_object_set_new(o, "activity_id", id_or_null(cl->activity_id));
	json_object_set_new(o, "created_at", json_time(cl->created_at));
	json_object_set_new(o, "updated_at", json_time(cl->updated_at));
	json_object_set_new(o, "photos", json_integer(cl->photos));
	json_object_set_new(o, "publicity",
			    cl->publicity_id
				    ? json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)cl->publicity_id, "status",
						cl->publicity_status, "starts_at", json_time(cl->publicity_starts_at),
						"ends_at", json_time(cl->publicity_ends_at))
				    : json_null());
	json_object_set_new(o, "can_review", json_boolean(cl->can_review));
	return o;
}

static int claim_reply(struct req *r, int64_t id)
{
	struct claim cl;
	int rc = claims_get(&r->ctx, id, &cl);
	if (rc)
		return rc;
	json_t *o = claim_json(&cl);
	json_t *photos = json_array();
	for (int i = 0; i < cl.nphoto_list; i++) {
		const struct claim_photo *p = &cl.photo_list[i];
		char url[96];
		snprintf(url, sizeof(url), "/api/v1/claims/%lld/photos/%d", (long long)cl.id, p->ord);
		json_array_append_new(photos, json_pack("{s:i, s:s, s:I, s:s}", "n", p->ord, "mime", p->mime,
							"size", (json_int_t)p->size, "url", url));
	}
	json_object_set_new(o, "photo_list", photos);
	json_t *objs = json_array();
	for (int i = 0; i < cl.nobjections; i++) {
		const struct claim_objection *x = &cl.objections[i];
		json_array_append_new(objs, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
						      (json_int_t)x->id, "publicity_id", (json_int_t)x->publicity_id,
						      "objector_name", x->objector_name, "reason", x->reason,
						      "status", x->status, "decision_reason", x->decision_reason,
						      "decided_by_name", str_or_null(x->decided_by_name),
						      "created_at", json_time(x->created_at), "decided_at",
						      json_time(x->decided_at)));
	}
	json_object_set_new(o, "objections", objs);
	json_decref(r->out);
	r->out = o;
	return RC_OK;
}

int api_file_upload(struct req *r)
{
	struct file_info fi;
	int rc = files_upload(&r->ctx, r->u->binary_body, r->u->binary_body_length, &fi);
	if (rc)
		return rc;
	r->status = 201;
	r->out = json_pack("{s:s, s:s, s:I}", "hash", fi.hash, "mime", fi.mime, "size", (json_int_t)fi.size);
	return RC_OK;
}

int api_claim_photo(struct req *r)
{
	return req_reply_photo(r, CLAIM_PHOTOS_MAX, claims_photo);
}

int api_claims_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"household_id", J_INT, false, 1, ID_MAX},
		{"resident_id", J_INT, true, 1, ID_MAX},
		{"rule_id", J_INT, true, 1, ID_MAX},
		{"occurred_on", J_STRING, true, 10, 10},
		{"description", J_STRING, false, 0, CLAIM_DESCRIPTION_MAX},
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);   /* before the photos leave the body: they are part of the request */
	struct claim_input in = {.idem = &idem};
	json_t *photos = req_take_hashes(r, "photos", in.photos, CLAIM_PHOTOS_MAX, &in.nphotos, "应为照片编号（hash）的数组",
					 "张", "照片");
	in.nphotos = in.nphotos < 0 ? 0 : in.nphotos;
	req_check_body(r, spec); /* its errors are reported with the ones above */
	if (ctx_check_fields(&r->ctx)) {
		json_decref(photos);
		return RC_INVALID;
	}
	in.household_id = req_int(r, "household_id", 0);
	in.resident_id = req_int(r, "resident_id", 0);
	in.rule_id = req_int(r, "rule_id", 0);
	in.occurred_on = req_str(r, "occurred_on");
	in.description = req_str(r, "description");
	int64_t id;
	bool replayed;
	int rc = claims_create_keyed(&r->ctx, &in, &id, &replayed);
	json_decref(photos);
	if (rc)
		return rc;
	r->status = replayed ? 200 : 201;
	return claim_reply(r, id);
}

int api_claims_list(struct req *r)
{
	int64_t village, household;
	bool mine, queue;
	int limit, offset;
	req_query_int(r, "village_id", 1, ID_MAX, 0, &village);
	req_query_int(r, "household_id", 1, ID_MAX, 0, &household);
	req_query_flag(r, "mine", &mine);
	req_query_flag(r, "queue", &queue);
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct claim_query q = {.village_id = village, .household_id = household, .status = req_query(r, "status"),
				.mine = mine, .queue = queue, .limit = limit, .offset = offset};
	struct claim *items;
	int n;
	int64_t total;
	if ((rc = claims_list(&r->ctx, &q, &items, &n, &total)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, claim_json(&items[i]));
	req_reply_page(r, arr, total, limit, offset);
	return RC_OK;
}

int api_claim_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : claim_reply(r, id);
}

int api_claim_review(struct req *r)
{
	static const struct jfield spec[] = {
		{"decision", J_STRING, true, 1, 10},
		{"reason", J_STRING, false, 0, CLAIM_REASON_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)))
		return rc;
	const char *d = req_str(r, "decision");
	bool approve = !strcmp(d, "approve");
	if (!approve && strcmp(d, "reject"))
		return ctx_field(&r->ctx, "decision", "应为 approve（通过）或 reject（驳回）");
	if ((rc = claims_review(&r->ctx, id, approve, req_str(r, "reason"))))
		return rc;
	return claim_reply(r, id);
}

int api_awards_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"rule_id", J_INT, true, 1, ID_MAX},
		{"resident_id", J_INT, false, 1, ID_MAX},
		{"occurred_on", J_STRING, true, 10, 10},
		{"note", J_STRING, true, 1, CLAIM_REASON_MAX},
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);   /* before the households leave the body */
	json_t *hs = req_take(r, "household_ids");
	req_check_body(r, spec); /* its errors are reported with the ones below */
	int64_t *ids = NULL;
	int n = 0;
	if (!hs) {
		ctx_field(&r->ctx, "household_ids", "必填");
	} else if (!json_is_array(hs)) {
		ctx_field(&r->ctx, "household_ids", "应为户 id 的数组");
	} else if (json_array_size(hs) < 1 || json_array_size(hs) > AWARD_BATCH_MAX) {
		ctx_field(&r->ctx, "household_ids", "请选择 1 到 %d 户", AWARD_BATCH_MAX);
	} else {
		ids = arena_alloc(r->ctx.arena, sizeof(int64_t) * json_array_size(hs));
		size_t i;
		json_t *v;
		json_array_foreach(hs, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > ID_MAX) {
				ctx_field(&r->ctx, "household_ids", "第 %zu 项应为户 id（正整数）", i + 1);
				break;
			}
			if (ids)
				ids[n++] = (int64_t)json_integer_value(v);
		}
		if (!ids)
			ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	}
	json_decref(hs);
	if (r->ctx.err.code)
		return r->ctx.err.code;
	struct award_input in = {.rule_id = req_int(r, "rule_id", 0), .household_ids = ids, .nhouseholds = n,
				 .resident_id = req_int(r, "resident_id", 0),
				 .occurred_on = req_str(r, "occurred_on"), .note = req_str(r, "note"), .idem = &idem};
	struct award_result res;
	int rc = claims_award(&r->ctx, &in, &res);
	if (rc)
		return rc;
	json_t *claim_ids = json_array();
	for (int i = 0; i < res.n; i++)
		json_array_append_new(claim_ids, json_integer(res.claim_ids[i]));
	r->status = res.replayed ? 200 : 201;
	r->out = json_pack("{s:s, s:o, s:s, s:b}", "batch_id", res.batch_id, "claim_ids", claim_ids, "source",
			   res.source, "replayed", res.replayed);
	return RC_OK;
}
