/* Notices 通知: publishing, revising and withdrawing, villagers' lists and read
 * receipts, the awareness rate 知晓率 and the households that have not read. */
#include <math.h>

#include "domain/notices/notices.h"
#include "http/notices/notices.h"

static json_t *nullable_time(int64_t t)
{
	return t ? json_time(t) : json_null();
}

static json_t *ends_on_json(int64_t ends_at)
{
	char day[11];
	notices_ends_on(ends_at, day);
	return day[0] ? json_string(day) : json_null();
}

static json_t *stats_json(const struct notice_stats *s)
{
	/* the share, rounded to four places (0.0033 = 0.33%) */
	double rate = s->households > 0 ? round((double)s->read_households / (double)s->households * 10000.0) / 10000.0
					: 0.0;
	return json_pack("{s:I, s:s, s:I, s:I, s:I, s:f}", "unit_id", (json_int_t)s->unit_id, "unit_name",
			 s->unit_name, "households", (json_int_t)s->households, "read_households",
			 (json_int_t)s->read_households, "readers", (json_int_t)s->readers, "rate", rate);
}

static json_t *notice_json(const struct notice *n, bool detail)
{
	json_t *o = json_pack(
		"{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:b}", "id",
		(json_int_t)n->id, "unit_id", (json_int_t)n->unit_id, "unit_name", n->unit_name, "unit_kind",
		n->unit_kind, "title", n->title, "summary", n->summary, "importance", n->importance, "version_no",
		n->version_no, "status", n->status, "ends_on", ends_on_json(n->ends_at), "published_at",
		json_time(n->published_at), "published_by_name", n->published_by_name, "updated_at",
		json_time(n->updated_at), "withdrawn_at", nullable_time(n->withdrawn_at), "withdrawn_by_name",
		n->withdrawn_at ? json_string(n->withdrawn_by_name) : json_null(), "withdraw_reason",
		n->withdrawn_at ? json_string(n->withdraw_reason) : json_null(), "can_manage", n->can_manage);
	if (!o)
		return NULL;
	json_object_set_new(o, "mine",
			    n->villager ? json_pack("{s:b, s:o, s:b}", "read", n->read_at != 0, "read_at",
						    nullable_time(n->read_at), "updated_since_read",
						    n->read_at && n->version_read < n->version_no)
					: json_null());
	json_object_set_new(o, "stats", n->has_stats ? stats_json(&n->stats) : json_null());
	if (detail) {
		json_object_set_new(o, "body", json_string(n->body));
		json_t *vs = json_array();
		for (int i = 0; i < n->nversions; i++) {
			const struct notice_version *v = &n->versions[i];
			json_array_append_new(vs, json_pack("{s:i, s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "version_no",
							    v->version_no, "title", v->title, "body", v->body,
							    "importance", v->importance, "ends_on",
							    ends_on_json(v->ends_at), "reason", v->reason,
							    "created_by_name", v->created_by_name, "created_at",
							    json_time(v->created_at)));
		}
		json_object_set_new(o, "versions", vs);
	}
	return o;
}

/* Replies with the notice as the caller sees it (measured where unit_id says). */
static int notice_reply(struct req *r, int64_t id, int64_t unit_id)
{
	struct notice n;
	int rc = notices_get(&r->ctx, id, unit_id, &n);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = notice_json(&n, true);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_notices_list(struct req *r)
{
	int64_t unit;
	int limit, offset;
	req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit);
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct notice_query q = {.unit_id = unit, .status = req_query(r, "status"), .limit = limit, .offset = offset};
	struct notice *ns;
	int n;
	int64_t total, unread;
	if ((rc = notices_list(&r->ctx, &q, &ns, &n, &total, &unread)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, notice_json(&ns[i], false));
	req_reply_page(r, items, total, limit, offset);
	if (!unit)
		json_object_set_new(r->out, "unread", json_integer((json_int_t)unread));
	return RC_OK;
}

static const struct jfield notice_fields[] = {
	{"unit_id", J_INT, true, 1, INT64_MAX / 2},
	{"title", J_STRING, true, 0, NOTICE_TITLE_MAX},
	{"body", J_STRING, true, 0, NOTICE_BODY_MAX},
	{"importance", J_STRING, false, 0, 16},
	{"ends_on", J_STRING, false, 0, 10},
	{0},
};

int api_notice_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	req_check_body(r, notice_fields); /* reported together with the domain's checks */
	struct notice_input in = {
		.idem = &idem,
		.unit_id = req_int(r, "unit_id", 0),
		.title = req_str(r, "title"),
		.body = req_str(r, "body"),
		.importance = req_str(r, "importance"),
		.ends_on = req_str(r, "ends_on"),
	};
	int64_t id;
	int rc = notices_publish(&r->ctx, &in, &id);
	if (rc)
		return rc;
	r->status = 201;
	return notice_reply(r, id, 0);
}

int api_notice_get(struct req *r)
{
	int64_t id, unit;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	return notice_reply(r, id, unit);
}

int api_notice_revise(struct req *r)
{
	static const struct jfield spec[] = {
		{"title", J_STRING, false, 0, NOTICE_TITLE_MAX},
		{"body", J_STRING, false, 0, NOTICE_BODY_MAX},
		{"importance", J_STRING, false, 0, 16},
		{"ends_on", J_STRING, false, 0, 10},
		{"reason", J_STRING, false, 0, NOTICE_REASON_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, spec);
	struct notice_input in = {
		.title = req_str(r, "title"),
		.body = req_str(r, "body"),
		.importance = req_str(r, "importance"),
		.ends_on = req_str(r, "ends_on"),
		.reason = req_str(r, "reason"),
	};
	if ((rc = notices_revise(&r->ctx, id, &in)))
		return rc;
	return notice_reply(r, id, 0);
}

int api_notice_withdraw(struct req *r)
{
	int64_t id;
	int rc = req_withdraw(r, NOTICE_REASON_MAX, notices_withdraw, &id);
	return rc ? rc : notice_reply(r, id, 0);
}

int api_notice_read(struct req *r)
{
	int64_t id, read_at;
	bool first;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = notices_read(&r->ctx, id, &first, &read_at)))
		return rc;
	r->status = first ? 201 : 200;
	r->out = json_pack("{s:I, s:b, s:o}", "notice_id", (json_int_t)id, "first", first, "read_at",
			   json_time(read_at));
	return RC_OK;
}

int api_notice_unread(struct req *r)
{
	int64_t id, unit;
	int limit, offset;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit);
	if ((rc = req_page(r, &limit, &offset)))
		return rc;
	struct notice_household *hs;
	struct notice_stats stats;
	int n;
	int64_t total;
	if ((rc = notices_unread(&r->ctx, id, unit, limit, offset, &hs, &n, &total, &stats)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id",
						       (json_int_t)hs[i].household_id, "number", hs[i].number,
						       "village_name", hs[i].village_name, "group_name",
						       hs[i].group_name, "address", hs[i].address, "head_name",
						       hs[i].head_name, "phone", hs[i].phone));
	req_reply_page(r, items, total, limit, offset);
	json_object_set_new(r->out, "stats", stats_json(&stats));
	return RC_OK;
}
