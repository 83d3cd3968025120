/* 公示 (public page), objections and the village's points settings. */
#include "domain/kernel/org.h"
#include "domain/points/publicity.h"
#include "http/points/points.h"

int api_public_publicity(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	struct publicity_item *items;
	int n;
	int64_t count;
	char head[65];
	struct org_unit v;
	if (rc || (rc = org_get(&r->ctx, id, &v)) ||
	    (rc = publicity_public_list(&r->ctx, id, &items, &n, &count, head)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack(
			"{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:I}", "id", (json_int_t)items[i].id,
			"name", items[i].masked_name, "household_id", (json_int_t)items[i].household_id,
			"household_number", items[i].household_number, "source",
			items[i].source, "rule_name", items[i].rule_name, "category", items[i].category, "points",
			(json_int_t)items[i].points, "occurred_on", items[i].occurred_on, "description",
			items[i].description, "starts_at", json_time(items[i].starts_at), "ends_at",
			json_time(items[i].ends_at), "objections", (json_int_t)items[i].objections));
	r->out = json_pack("{s:{s:I, s:s}, s:o, s:{s:I, s:s}}", "village", "id", (json_int_t)v.id, "name",
			   v.name, "items", arr, "ledger", "entries", (json_int_t)count, "head", head);
	return RC_OK;
}

int api_objection_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"reason", J_STRING, true, 1, PUBLICITY_REASON_MAX},
		{0},
	};
	int64_t id, objection;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)) ||
	    (rc = publicity_object(&r->ctx, id, req_str(r, "reason"), &objection)))
		return rc;
	r->status = 201;
	r->out = json_pack("{s:I, s:s}", "id", (json_int_t)objection, "status", "open");
	return RC_OK;
}

int api_objections_list(struct req *r)
{
	int64_t village;
	bool mine;
	int limit, offset;
	req_query_int(r, "village_id", 1, INT64_MAX / 2, 0, &village);
	req_query_flag(r, "mine", &mine);
	if (!village && !mine)
		ctx_field(&r->ctx, "village_id", "必填（或用 mine=1 查看自己的异议）");
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct objection *o;
	int n;
	int64_t total;
	if ((rc = publicity_objections(&r->ctx, village, mine, limit, offset, &o, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack(
			"{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o}", "id", (json_int_t)o[i].id,
			"publicity_id", (json_int_t)o[i].publicity_id, "claim_id", (json_int_t)o[i].claim_id,
			"objector_name", o[i].objector_name, "reason", o[i].reason, "status", o[i].status,
			"decision_reason", o[i].decision_reason, "rule_name", o[i].rule_name, "name",
			o[i].masked_name, "points", (json_int_t)o[i].points, "created_at",
			json_time(o[i].created_at), "decided_at", json_time(o[i].decided_at)));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

static json_t *settings_json(const struct village_settings *s)
{
	return json_pack("{s:I, s:i, s:i, s:o}", "village_id", (json_int_t)s->village_id, "publicity_days",
			 s->publicity_days, "red_list_size", s->red_list_size, "reset_month_day",
			 s->reset_month_day[0] ? json_string(s->reset_month_day) : json_null());
}

int api_points_settings_get(struct req *r)
{
	int64_t id;
	struct village_settings s;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = publicity_settings_read(&r->ctx, id, &s)))
		return rc;
	r->out = settings_json(&s);
	return RC_OK;
}

int api_points_settings_put(struct req *r)
{
	static const struct jfield spec[] = {
		{"publicity_days", J_INT, true, 0, 30},
		{"red_list_size", J_INT, true, 1, 100},
		{"reset_month_day", J_STRING, false, 0, 5},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, spec); /* reported together with the domain's checks below */
	struct village_settings s = {.village_id = id,
				     .publicity_days = (int)req_int(r, "publicity_days", 3),
				     .red_list_size = (int)req_int(r, "red_list_size", 10)};
	const char *reset = req_str(r, "reset_month_day");
	str_copy(s.reset_month_day, sizeof(s.reset_month_day), reset ? reset : "");
	if ((rc = publicity_settings_set(&r->ctx, &s)) || (rc = publicity_settings_get(&r->ctx, id, &s)))
		return rc;
	r->out = settings_json(&s);
	return RC_OK;
}
