/* Disputes 矛盾纠纷 over HTTP: list, intake with parties, one dispute with its timeline,
 * parties, mediators, sessions, outcome and follow-up; the statistics; the county's
 * follow-up interval; the parties' own view. */
#include "domain/disputes/disputes.h"
#include "http/disputes/disputes.h"
#include "util/num.h"
#include "util/timeutil.h"

#define ID_MAX (INT64_MAX / 2)

static json_t *opt_time(int64_t t)
{
	return t ? json_time(t) : json_null();
}

static json_t *opt_str(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

/* The stage shown in lists: 调解中, 调解成功 (待回访 / 已回访), 调解不成. */
static const char *stage_label(const struct dispute *d)
{
	if (!strcmp(d->ev.state, "rejected"))
		return "不予受理";
	if (!d->outcome[0])
		return strcmp(d->ev.state, "handling") ? events_state_label(d->ev.state) : "调解中";
	if (!strcmp(d->outcome, "failed"))
		return "调解不成";
	if (!strcmp(d->followup_result, "kept"))
		return "协议已履行";
	return d->followup_overdue ? "回访逾期" : "待回访";
}

json_t *dispute_event_json(const struct event *e, bool party)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)e->id));
	json_object_set_new(o, "village_id", json_integer((json_int_t)e->village_id));
	json_object_set_new(o, "village_name", json_string(e->village_name));
	json_object_set_new(o, "town_name", json_string(e->town_name));
	json_object_set_new(o, "category_id", json_integer((json_int_t)e->category_id));
	json_object_set_new(o, "category_name", json_string(e->category_name));
	json_object_set_new(o, "description", json_string(e->description));
	json_object_set_new(o, "state", json_string(e->state));
	json_object_set_new(o, "state_label", json_string(events_state_label(e->state)));
	json_object_set_new(o, "department_name", opt_str(e->department_name));
	json_object_set_new(o, "village_handled", json_boolean(e->village_handled));
	json_object_set_new(o, "created_at", json_time(e->created_at));
	json_object_set_new(o, "finished_at", opt_time(e->finished_at));
	json_object_set_new(o, "overdue", json_boolean(e->overdue));
	if (!party) {
		json_object_set_new(o, "reporter", json_pack("{s:s, s:s}", "name", e->reporter_name, "phone", e->reporter_phone));
		json_object_set_new(o, "channel_name", json_string(e->channel_name));
		json_object_set_new(o, "finish_due", opt_time(e->finish_due));
		json_t *can = json_array();
		for (unsigned bit = 1; bit && bit <= EA_NOTE; bit <<= 1)
			if (e->can & bit)
				json_array_append_new(can, json_string(events_action_name(bit)));
		json_object_set_new(o, "actions", can);
	}
	json_t *steps = json_array();
	for (int i = 0; i < e->nsteps; i++) {
		const struct event_step *s = &e->steps[i];
		json_array_append_new(steps, json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:o, s:s}", "id", (json_int_t)s->id,
						       "at", json_time(s->at), "actor_name", s->actor_name, "action",
						       s->action, "from_state", s->from_state, "to_state", s->to_state,
						       "department_name", opt_str(s->department_name), "note", s->note));
	}
	json_object_set_new(o, "timeline", steps);
	return o;
}

static json_t *dispute_json(const struct dispute *d, bool detail, bool party)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)d->ev.id));
	json_object_set_new(o, "event", dispute_event_json(&d->ev, party));
	json_object_set_new(o, "dispute_type", json_string(d->dispute_type));
	json_object_set_new(o, "dispute_type_label", json_string(disputes_type_label(d->dispute_type)));
	json_object_set_new(o, "stage_label", json_string(stage_label(d)));
	json_object_set_new(o, "outcome", opt_str(d->outcome));
	json_object_set_new(o, "outcome_label", json_string(!strcmp(d->outcome, "mediated") ? "调解成功"
							    : !strcmp(d->outcome, "failed") ? "调解不成" : ""));
	json_object_set_new(o, "referred_to", opt_str(d->referred_to));
	json_object_set_new(o, "referred_label", json_string(disputes_referral_label(d->referred_to)));
	json_object_set_new(o, "outcome_at", opt_time(d->outcome_at));
	json_object_set_new(o, "followup_due", opt_time(d->followup_due));
	json_object_set_new(o, "followup_at", opt_time(d->followup_at));
	json_object_set_new(o, "followup_result", opt_str(d->followup_result));
	json_object_set_new(o, "followup_overdue", json_boolean(d->followup_overdue));
	json_object_set_new(o, "followup_notified_at", opt_time(d->followup_notified_at));
	json_object_set_new(o, "recurring", json_integer(d->recurring));
	if (!party) {
		json_object_set_new(o, "agreement", json_string(d->agreement));
		json_object_set_new(o, "agreement_photo_url", json_null());
		if (d->agreement_photo[0]) {
			char url[80];
			snprintf(url, sizeof(url), "/api/v1/disputes/%lld/agreement-photo", (long long)d->ev.id);
			json_object_set_new(o, "agreement_photo_url", json_string(url));
		}
		json_object_set_new(o, "referred_note", json_string(d->referred_note));
		json_object_set_new(o, "outcome_by_name", opt_str(d->outcome_by_name));
		json_object_set_new(o, "followup_note", json_string(d->followup_note));
		json_object_set_new(o, "followup_by_name", opt_str(d->followup_by_name));
		json_t *can = json_array();
		if (d->can_manage)
			json_array_append_new(can, json_string("manage"));
		if (d->can_mediate)
			json_array_append_new(can, json_string("mediate"));
		if (d->can_followup)
			json_array_append_new(can, json_string("followup"));
		json_object_set_new(o, "can", can);
	}
	if (detail) {
		json_t *parties = json_array();
		for (int i = 0; i < d->nparties; i++) {
			const struct dispute_party *p = &d->parties[i];
			json_t *po = json_pack("{s:s, s:s, s:b}", "role", p->role, "role_label", disputes_role_label(p->role),
					       "self", p->self);
			if (!party || p->self) {
				json_object_set_new(po, "name", json_string(p->name));
				json_object_set_new(po, "phone", json_string(p->phone));
				json_object_set_new(po, "household_id",
						    p->household_id ? json_integer((json_int_t)p->household_id) : json_null());
			}
			json_array_append_new(parties, po);
		}
		json_object_set_new(o, "parties", parties);
		json_t *ms = json_array();
		for (int i = 0; i < d->nmediators; i++)
			json_array_append_new(ms, party ? json_pack("{s:s}", "name", d->mediators[i].name)
							: json_pack("{s:I, s:s, s:o, s:s}", "user_id",
								    (json_int_t)d->mediators[i].user_id, "name",
								    d->mediators[i].name, "assigned_at",
								    json_time(d->mediators[i].assigned_at),
								    "assigned_by_name", d->mediators[i].assigned_by_name));
		json_object_set_new(o, "mediators", ms);
		json_t *ss = json_array();
		for (int i = 0; i < d->nsessions; i++) {
			const struct dispute_session *s = &d->sessions[i];
			json_t *so = json_pack("{s:I, s:o, s:s}", "id", (json_int_t)s->id, "held_at", json_time(s->held_at),
					       "place", s->place);
			if (!party) {
				json_object_set_new(so, "notes", json_string(s->notes));
				json_object_set_new(so, "created_by_name", json_string(s->created_by_name));
				json_t *ph = json_array();
				for (int k = 0; k < s->nphotos; k++) {
					char url[120];
					snprintf(url, sizeof(url), "/api/v1/disputes/%lld/sessions/%lld/photos/%d",
						 (long long)d->ev.id, (long long)s->id, k + 1);
					json_array_append_new(ph, json_string(url));
				}
				json_object_set_new(so, "photos", ph);
			}
			json_array_append_new(ss, so);
		}
		json_object_set_new(o, "sessions", ss);
	}
	return o;
}

static int dispute_reply(struct req *r, int64_t id)
{
	struct dispute d;
	int rc = disputes_get(&r->ctx, id, &d);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = dispute_json(&d, true, false);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_disputes_list(struct req *r)
{
	struct dispute_query q = {0};
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &q.unit_id);
	req_query_flag(r, "recurring", &q.recurring);
	req_query_flag(r, "followup_overdue", &q.followup_overdue);
	req_query_flag(r, "followup_due", &q.followup_due);
	req_query_flag(r, "mine", &q.mine);
	req_query_time(r, "from", false, &q.from);
	req_query_time(r, "to", true, &q.to);
	int rc = req_page(r, &q.limit, &q.offset);
	if (rc || ctx_check_fields(&r->ctx))
		return rc ? rc : RC_INVALID;
	q.stage = req_query(r, "stage");
	q.dispute_type = req_query(r, "dispute_type");
	struct dispute *list;
	int n;
	int64_t total;
	if ((rc = disputes_list(&r->ctx, &q, &list, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, dispute_json(&list[i], false, false));
	req_reply_page(r, items, total, q.limit, q.offset);
	return RC_OK;
}

int api_disputes_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX},
		{"category_id", J_INT, true, 1, ID_MAX},
		{"dispute_type", J_STRING, true, 1, 20},
		{"description", J_STRING, true, 0, EVENT_DESC_MAX},
		{"reporter_name", J_STRING, false, 0, EVENT_NAME_MAX},
		{"reporter_phone", J_STRING, false, 0, 20},
		{"household_id", J_INT, false, 1, ID_MAX},
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);
	json_t *parties = req_take(r, "parties");
	req_check_body(r, spec);
	struct dispute_input in = {0};
	in.ev.idem = &idem;
	in.ev.village_id = req_int(r, "village_id", 0);
	in.ev.category_id = req_int(r, "category_id", 0);
	in.ev.description = req_str(r, "description");
	in.ev.reporter_name = req_str(r, "reporter_name");
	in.ev.reporter_phone = req_str(r, "reporter_phone");
	in.ev.household_id = req_int(r, "household_id", 0);
	in.dispute_type = req_str(r, "dispute_type");
	if (!parties || !json_is_array(parties)) {
		ctx_field(&r->ctx, "parties", "请填写当事人（数组：role、name、phone、household_id）");
	} else if (json_array_size(parties) > DISPUTE_PARTIES_MAX) {
		ctx_field(&r->ctx, "parties", "当事人最多 %d 人", DISPUTE_PARTIES_MAX);
	} else {
		size_t i;
		json_t *p;
		json_array_foreach(parties, i, p) {
			struct dispute_party_input *pi = &in.parties[in.nparties++];
			json_t *hh = json_object_get(p, "household_id");
			if (!json_is_object(p) || !json_is_string(json_object_get(p, "role")) ||
			    !json_is_string(json_object_get(p, "name")) ||
			    (json_object_get(p, "phone") && !json_is_null(json_object_get(p, "phone")) &&
			     !json_is_string(json_object_get(p, "phone"))) ||
			    (hh && !json_is_null(hh) && (!json_is_integer(hh) || json_integer_value(hh) < 1))) {
				ctx_field(&r->ctx, arena_printf(r->ctx.arena, "parties[%zu]", i),
					  "第 %zu 位当事人应有 role、name（文本），可选 phone（文本）、household_id（编号）", i + 1);
				pi->role = "";
				pi->name = "";
				continue;
			}
			pi->role = json_string_value(json_object_get(p, "role"));
			pi->name = json_string_value(json_object_get(p, "name"));
			pi->phone = json_string_value(json_object_get(p, "phone"));
			pi->household_id = hh && json_is_integer(hh) ? (int64_t)json_integer_value(hh) : 0;
		}
	}
	int64_t id;
	int rc = disputes_create(&r->ctx, &in, &id);
	json_decref(parties);
	if (rc)
		return rc;
	r->status = 201;
	struct dispute d;
	if (disputes_get(&r->ctx, id, &d) == RC_OK) {
		r->out = dispute_json(&d, true, false);
		return RC_OK;
	}
	/* a villager reporting their own dispute: their view as a party */
	ctx_reset(&r->ctx);
	if ((rc = disputes_mine_get(&r->ctx, id, &d)))
		return rc;
	r->out = dispute_json(&d, true, true);
	return RC_OK;
}

int api_dispute_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : dispute_reply(r, id);
}

static int send_photo(struct req *r, int64_t id, int64_t sid, int n)
{
	char mime[16];
	const void *data;
	size_t len;
	int rc = disputes_photo(&r->ctx, id, sid, n, mime, &data, &len);
	if (!rc)
		req_reply_image(r, mime, data, len);
	return rc;
}

int api_dispute_agreement_photo(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : send_photo(r, id, 0, 1);
}

int api_dispute_session_photo(struct req *r)
{
	int64_t id, sid;
	int n;
	int rc = req_path_photo(r, DISPUTE_PHOTOS_MAX, &id, &n);
	if (!rc)
		rc = req_path_id(r, "sid", &sid);
	return rc ? rc : send_photo(r, id, sid, n);
}

int api_dispute_candidates(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct dispute_mediator *list;
	int n;
	if ((rc = disputes_mediator_candidates(&r->ctx, id, &list, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s}", "user_id", (json_int_t)list[i].user_id, "name",
						       list[i].name));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_dispute_mediator_add(struct req *r)
{
	static const struct jfield spec[] = {{"user_id", J_INT, true, 1, ID_MAX}, {0}};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = disputes_mediator_add(&r->ctx, id, req_int(r, "user_id", 0))))
		return rc;
	r->status = 201;
	return dispute_reply(r, id);
}

int api_dispute_mediator_remove(struct req *r)
{
	int64_t id, uid;
	int rc = req_path_id(r, "id", &id);
	if (!rc)
		rc = req_path_id(r, "user_id", &uid);
	if (rc || (rc = disputes_mediator_remove(&r->ctx, id, uid)))
		return rc;
	return dispute_reply(r, id);
}

int api_dispute_session_add(struct req *r)
{
	static const struct jfield spec[] = {
		{"held_at", J_STRING, true, 1, 40},
		{"place", J_STRING, true, 0, DISPUTE_PLACE_MAX},
		{"notes", J_STRING, true, 0, DISPUTE_TEXT_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct idem idem;
	req_idem(r, &idem, false);
	struct dispute_session_input in = {.idem = &idem};
	json_t *photos = req_take_hashes(r, "photos", in.photos, DISPUTE_PHOTOS_MAX, &in.nphotos,
					 "照片应为上传后返回的编号（hash）的数组", "张", "照片");
	in.nphotos = in.nphotos < 0 ? 0 : in.nphotos;
	req_check_body(r, spec);
	in.place = req_str(r, "place");
	in.notes = req_str(r, "notes");
	const char *held = req_str(r, "held_at");
	if (held && held[0] && time_parse_iso(held, &in.held_at)) {
		ctx_field(&r->ctx, "held_at", "调解时间应为带时区的 ISO 时间");
		in.held_at = -1;   /* reported */
	}
	/* field errors so far are reported together with the domain's checks */
	int64_t sid;
	rc = disputes_session_add(&r->ctx, id, &in, &sid);
	json_decref(photos);
	if (rc)
		return rc;
	r->status = 201;
	return dispute_reply(r, id);
}

int api_dispute_outcome(struct req *r)
{
	static const struct jfield spec[] = {
		{"outcome", J_STRING, true, 1, 20},
		{"agreement", J_STRING, false, 0, DISPUTE_TEXT_MAX},
		{"agreement_photo", J_STRING, false, 0, 128},
		{"referred_to", J_STRING, false, 0, 20},
		{"note", J_STRING, false, 0, EVENT_NOTE_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct dispute_outcome_input in = {
		.outcome = req_str(r, "outcome"), .agreement = req_str(r, "agreement"),
		.agreement_photo = req_str(r, "agreement_photo"), .referred_to = req_str(r, "referred_to"),
		.note = req_str(r, "note"),
	};
	if ((rc = disputes_outcome(&r->ctx, id, &in)))
		return rc;
	return dispute_reply(r, id);
}

int api_dispute_followup(struct req *r)
{
	static const struct jfield spec[] = {
		{"result", J_STRING, true, 1, 20},
		{"note", J_STRING, false, 0, EVENT_NOTE_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = disputes_followup(&r->ctx, id, req_str(r, "result"), req_str(r, "note"))))
		return rc;
	return dispute_reply(r, id);
}

static json_t *stats_json(const struct dispute_stats_row *s)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "received", (json_int_t)s->received,
			      "mediating", (json_int_t)s->mediating, "mediated", (json_int_t)s->mediated, "referred",
			      (json_int_t)s->referred, "recurring", (json_int_t)s->recurring, "followups_due",
			      (json_int_t)s->followups_due, "followups_overdue", (json_int_t)s->followups_overdue, "kept",
			      (json_int_t)s->kept);
	/* the share resolved by mediation among those with an outcome */
	int64_t decided = s->mediated + s->referred;
	json_object_set_new(o, "mediation_rate", decided ? json_real((double)s->mediated / (double)decided) : json_null());
	return o;
}

int api_dispute_stats(struct req *r)
{
	int64_t unit = 0, from = 0, to = 0;
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit);
	req_query_time(r, "from", false, &from);
	req_query_time(r, "to", true, &to);
	const char *format = req_query(r, "format"), *group = req_query(r, "group_by");
	if (format && format[0] && strcmp(format, "xlsx") && strcmp(format, "json"))
		ctx_field(&r->ctx, "format", "格式应为 json 或 xlsx");
	bool by_month = group && !strcmp(group, "month");
	if (group && group[0] && !by_month && strcmp(group, "village"))
		ctx_field(&r->ctx, "group_by", "分组应为 village（按村）或 month（近 12 个月按月）");
	if (by_month && (from || to))
		ctx_field(&r->ctx, "group_by", "按月统计固定为最近 12 个月，不能另设起止时间");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	if (format && !strcmp(format, "xlsx")) {
		struct export_file f = {0};
		return req_reply_export(r, disputes_stats_xlsx(&r->ctx, unit, from, to, &f), &f);
	}
	struct dispute_stats_row *rows, total;
	int n;
	int rc = by_month ? disputes_stats_months(&r->ctx, unit, &rows, &n, &total)
			  : disputes_stats(&r->ctx, unit, from, to, &rows, &n, &total);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = stats_json(&rows[i]);
		if (by_month) {
			json_object_set_new(o, "month", json_string(rows[i].unit_name));
		} else {
			json_object_set_new(o, "village_id", json_integer((json_int_t)rows[i].unit_id));
			json_object_set_new(o, "village_name", json_string(rows[i].unit_name));
		}
		json_array_append_new(arr, o);
	}
	r->out = json_pack("{s:o, s:o}", "total", stats_json(&total), by_month ? "months" : "villages", arr);
	return RC_OK;
}

int api_dispute_settings_get(struct req *r)
{
	int64_t county = 0, out = 0;
	int days = 0;
	int rc = req_query_int(r, "county_id", 1, ID_MAX, 0, &county);
	if (rc || (rc = disputes_settings_get(&r->ctx, county, &out, &days)))
		return rc;
	r->out = json_pack("{s:I, s:i}", "county_id", (json_int_t)out, "followup_days", days);
	return RC_OK;
}

int api_dispute_settings_put(struct req *r)
{
	static const struct jfield spec[] = {
		{"county_id", J_INT, false, 1, ID_MAX},
		/* the range is the domain's rule, with its message naming the interval */
		{"followup_days", J_INT, true, INT32_MIN, INT32_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	int rc = disputes_settings_set(&r->ctx, req_int(r, "county_id", 0), (int)req_int(r, "followup_days", 0));
	if (rc)
		return rc;
	int64_t county = 0;
	int days = 0;
	if ((rc = disputes_settings_get(&r->ctx, req_int(r, "county_id", 0), &county, &days)))
		return rc;
	r->out = json_pack("{s:I, s:i}", "county_id", (json_int_t)county, "followup_days", days);
	return RC_OK;
}

int api_my_disputes(struct req *r)
{
	struct dispute *list;
	int n;
	int rc = disputes_mine_list(&r->ctx, &list, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, dispute_json(&list[i], false, true));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_my_dispute(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct dispute d;
	if ((rc = disputes_mine_get(&r->ctx, id, &d)))
		return rc;
	r->out = dispute_json(&d, true, true);
	return RC_OK;
}
