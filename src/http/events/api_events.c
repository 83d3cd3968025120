/* Events 民情 over HTTP: the list and intake, one event with its timeline, the moves,
 * 督办, statistics, the county's settings (categories, channels, departments, the
 * holiday calendar) and the public 民情码 form. */
#include "domain/kernel/calendar.h"
#include "domain/events/events.h"
#include "http/events/events.h"
#include "util/num.h"
#include "util/timeutil.h"

#define ID_MAX (INT64_MAX / 2)

static json_t *opt_time(int64_t t)
{
	return t ? json_time(t) : json_null();
}

static json_t *opt_id(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static json_t *opt_str(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

/* The recordings and clips of the report (step 0) or of one step, with their address. */
static json_t *media_json(const struct event *e, int64_t step_id)
{
	json_t *a = json_array();
	for (int i = 0; i < e->nmedia; i++) {
		const struct event_media *m = &e->media[i];
		if (m->step_id != step_id)
			continue;
		char url[96];
		snprintf(url, sizeof(url), "/api/v1/events/%lld/media/%lld", (long long)e->id, (long long)m->id);
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:I, s:o, s:s}", "id", (json_int_t)m->id, "kind", m->kind,
						   "mime", m->mime, "size", (json_int_t)m->size, "duration_ms",
						   m->duration_ms >= 0 ? json_integer((json_int_t)m->duration_ms) : json_null(),
						   "url", url));
	}
	return a;
}

static json_t *event_json(const struct event *e, bool detail, int64_t village_for_photos)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)e->id));
	json_object_set_new(o, "kind", json_string(e->kind ? e->kind : "general"));
	json_object_set_new(o, "village_id", json_integer((json_int_t)e->village_id));
	json_object_set_new(o, "village_name", json_string(e->village_name));
	json_object_set_new(o, "town_name", json_string(e->town_name));
	json_object_set_new(o, "category_id", json_integer((json_int_t)e->category_id));
	json_object_set_new(o, "category_name", json_string(e->category_name));
	json_object_set_new(o, "channel", json_string(e->channel_code));
	json_object_set_new(o, "channel_name", json_string(e->channel_name));
	json_object_set_new(o, "description", json_string(e->description));
	json_object_set_new(o, "address", json_string(e->address));
	json_object_set_new(o, "location", e->has_location ? json_pack("{s:f, s:f}", "lat", (double)e->lat_e6 / 1e6, "lng",
								      (double)e->lng_e6 / 1e6)
							   : json_null());
	json_object_set_new(o, "household_id", opt_id(e->household_id));
	json_object_set_new(o, "reporter", json_pack("{s:s, s:s}", "name", e->reporter_name, "phone", e->reporter_phone));
	json_object_set_new(o, "anonymous", json_boolean(e->anonymous));
	json_object_set_new(o, "state", json_string(e->state));
	json_object_set_new(o, "state_label", json_string(events_state_label(e->state)));
	json_object_set_new(o, "department_id", opt_id(e->department_id));
	json_object_set_new(o, "department_name", opt_str(e->department_name));
	json_object_set_new(o, "village_handled", json_boolean(e->village_handled));
	json_object_set_new(o, "accept_due", json_time(e->accept_due));
	json_object_set_new(o, "finish_due", opt_time(e->finish_due));
	json_object_set_new(o, "accepted_at", opt_time(e->accepted_at));
	json_object_set_new(o, "finished_at", opt_time(e->finished_at));
	json_object_set_new(o, "visited_at", opt_time(e->visited_at));
	json_object_set_new(o, "outcome", opt_str(e->outcome));
	json_object_set_new(o, "outcome_note", json_string(e->outcome_note));
	json_object_set_new(o, "duplicate_of", opt_id(e->duplicate_of));
	json_object_set_new(o, "rating", opt_str(e->rating));
	json_object_set_new(o, "reopened", json_boolean(e->reopened));
	json_object_set_new(o, "warned", json_boolean(e->warned_at != 0));
	json_object_set_new(o, "overdue", json_boolean(e->overdue));
	json_object_set_new(o, "escalation", json_integer(e->escalation));
	json_object_set_new(o, "unanswered_supervisions", json_integer((json_int_t)e->unanswered));
	json_object_set_new(o, "created_at", json_time(e->created_at));
	json_object_set_new(o, "updated_at", json_time(e->updated_at));
	json_t *photos = json_array();
	for (int i = 0; i < e->nphotos; i++) {
		char url[96];
		if (village_for_photos)
			url[0] = 0;
		else
			snprintf(url, sizeof(url), "/api/v1/events/%lld/photos/%d", (long long)e->id, i + 1);
		json_array_append_new(photos, json_pack("{s:i, s:s}", "n", i + 1, "url", url));
	}
	json_object_set_new(o, "photos", photos);
	json_t *can = json_array();
	for (unsigned bit = 1; bit && bit <= EA_REPLY; bit <<= 1)
		if (e->can & bit)
			json_array_append_new(can, json_string(events_action_name(bit)));
	json_object_set_new(o, "actions", can);
	if (detail) {
		json_object_set_new(o, "media", media_json(e, 0));
		json_t *steps = json_array();
		for (int i = 0; i < e->nsteps; i++) {
			const struct event_step *s = &e->steps[i];
			json_array_append_new(steps, json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o}", "id",
							       (json_int_t)s->id, "at", json_time(s->at), "actor_name",
							       s->actor_name, "action", s->action, "from_state", s->from_state,
							       "to_state", s->to_state, "department_id", opt_id(s->department_id),
							       "department_name", opt_str(s->department_name), "note", s->note,
							       "media", media_json(e, s->id)));
		}
		json_object_set_new(o, "timeline", steps);
		json_t *sups = json_array();
		for (int i = 0; i < e->nsupervisions; i++) {
			const struct event_supervision *s = &e->supervisions[i];
			json_array_append_new(sups, json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
							      (json_int_t)s->id, "unit_id", (json_int_t)s->unit_id,
							      "unit_name", s->unit_name, "level", s->level, "note", s->note,
							      "created_by_name", s->created_by_name, "created_at",
							      json_time(s->created_at), "answer", opt_str(s->answer),
							      "answered_by_name", opt_str(s->answered_by_name), "answered_at",
							      opt_time(s->answered_at)));
		}
		json_object_set_new(o, "supervisions", sups);
	}
	return o;
}

static int event_reply(struct req *r, int64_t id)
{
	struct event e;
	int rc = events_get(&r->ctx, id, &e);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = event_json(&e, true, 0);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_events_list(struct req *r)
{
	struct event_query q = {0};
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &q.unit_id);
	req_query_flag(r, "on_time", &q.on_time);
	req_query_flag(r, "rated", &q.rated);
	req_query_flag(r, "satisfied", &q.satisfied);
	req_query_int(r, "department_id", 1, ID_MAX, 0, &q.department_id);
	req_query_int(r, "category_id", 1, ID_MAX, 0, &q.category_id);
	req_query_int(r, "channel_id", 1, ID_MAX, 0, &q.channel_id);
	req_query_flag(r, "overdue", &q.overdue);
	req_query_flag(r, "mine", &q.mine);
	req_query_time(r, "from", false, &q.from);
	req_query_time(r, "to", true, &q.to);
	int rc = req_page(r, &q.limit, &q.offset);
	if (rc || ctx_check_fields(&r->ctx))
		return rc ? rc : RC_INVALID;
	q.state = req_query(r, "state");
	q.outcome = req_query(r, "outcome");
	q.rating = req_query(r, "rating");
	q.kind = req_query(r, "kind");
	struct event *list;
	int n;
	int64_t total;
	if ((rc = events_list(&r->ctx, &q, &list, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, event_json(&list[i], false, 0));
	req_reply_page(r, items, total, q.limit, q.offset);
	return RC_OK;
}

#define EVENT_BODY_FIELDS                                                          \
	{"village_id", J_INT, true, 1, ID_MAX},                                    \
	{"category_id", J_INT, true, 1, ID_MAX},                                   \
	{"description", J_STRING, true, 0, EVENT_DESC_MAX},                        \
	{"lat", J_NUMBER, false, -90, 90},                                         \
	{"lng", J_NUMBER, false, -180, 180},                                       \
	{"address", J_STRING, false, 0, EVENT_ADDRESS_MAX},                        \
	{"reporter_name", J_STRING, false, 0, EVENT_NAME_MAX},                     \
	{"reporter_phone", J_STRING, false, 0, 20},                                \
	{"anonymous", J_BOOL, false, 0, 0}

/* a recording's and a clip's hashes and declared lengths (checked by the domain) */
#define EVENT_MEDIA_FIELDS                                                         \
	{"voice", J_STRING, false, 0, 64},                                         \
	{"voice_ms", J_INT, false, 0, 86400000},                                   \
	{"video", J_STRING, false, 0, 64},                                         \
	{"video_ms", J_INT, false, 0, 86400000}

static void media_from_body(struct req *r, struct event_media_input *m)
{
	m->voice = req_str(r, "voice");
	m->video = req_str(r, "video");
	if (m->voice && !m->voice[0])
		m->voice = NULL;
	if (m->video && !m->video[0])
		m->video = NULL;
	m->voice_ms = req_int(r, "voice_ms", 0);
	m->video_ms = req_int(r, "video_ms", 0);
}

static void event_input_from_body(struct req *r, struct event_input *in)
{
	in->village_id = req_int(r, "village_id", 0);
	in->category_id = req_int(r, "category_id", 0);
	in->description = req_str(r, "description");
	in->address = req_str(r, "address");
	in->reporter_name = req_str(r, "reporter_name");
	in->reporter_phone = req_str(r, "reporter_phone");
	in->anonymous = req_bool(r, "anonymous", false);
	if (req_has(r, "lat") != req_has(r, "lng")) {
		ctx_field(&r->ctx, req_has(r, "lat") ? "lng" : "lat", "经纬度应同时填写");
	} else if (req_has(r, "lat")) {
		in->has_location = true;
		in->lat_e6 = (int64_t)(req_number(r, "lat", 0) * 1e6 + (req_number(r, "lat", 0) >= 0 ? 0.5 : -0.5));
		in->lng_e6 = (int64_t)(req_number(r, "lng", 0) * 1e6 + (req_number(r, "lng", 0) >= 0 ? 0.5 : -0.5));
	}
}

int api_events_create(struct req *r)
{
	static const struct jfield spec[] = {
		EVENT_BODY_FIELDS,
		{"channel", J_STRING, false, 0, 24},
		{"household_id", J_INT, false, 1, ID_MAX},
		EVENT_MEDIA_FIELDS,
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);   /* before the photos leave the body: they are part of the request */
	struct event_input in = {.idem = &idem};
	json_t *photos = req_take_hashes(r, "photos", in.photos, EVENT_PHOTOS_MAX, &in.nphotos, "照片应为上传后返回的编号（hash）的数组", "张", "照片");
	in.nphotos = in.nphotos < 0 ? 0 : in.nphotos;
	req_check_body(r, spec);
	event_input_from_body(r, &in);
	/* field errors so far are reported together with the domain's checks */
	in.channel = req_str(r, "channel");
	in.household_id = req_int(r, "household_id", 0);
	media_from_body(r, &in.media);
	int64_t id;
	int rc = events_create(&r->ctx, &in, &id);
	if (!rc) {
		r->status = 201;
		rc = event_reply(r, id);
	}
	json_decref(photos);
	return rc;
}

int api_event_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : event_reply(r, id);
}

int api_event_photo(struct req *r)
{
	return req_reply_photo(r, EVENT_PHOTOS_MAX, events_photo);
}

int api_event_action(struct req *r)
{
	static const struct jfield spec[] = {
		{"note", J_STRING, false, 0, EVENT_NOTE_MAX},
		{"department_id", J_INT, false, 1, ID_MAX},
		{"outcome", J_STRING, false, 0, 20},
		{"duplicate_of", J_INT, false, 1, ID_MAX},
		{"rating", J_STRING, false, 0, 20},
		EVENT_MEDIA_FIELDS,
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct event_move m = {
		.action = u_map_get(r->u->map_url, "action"),
		.note = req_str(r, "note"),
		.department_id = req_int(r, "department_id", 0),
		.outcome = req_str(r, "outcome"),
		.duplicate_of = req_int(r, "duplicate_of", 0),
		.rating = req_str(r, "rating"),
	};
	media_from_body(r, &m.media);
	if ((rc = events_move(&r->ctx, id, &m))) {
		/* an unknown action is an unknown endpoint */
		if (rc == RC_INVALID && r->ctx.err.nfields == 1 && !strcmp(r->ctx.err.fields[0].field, "action"))
			return ctx_fail(&r->ctx, RC_NOT_FOUND, "没有这个操作");
		return rc;
	}
	return event_reply(r, id);
}

int api_event_supervise(struct req *r)
{
	static const struct jfield spec[] = {{"note", J_STRING, true, 1, EVENT_NOTE_MAX}, {0}};
	int64_t id, sid;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = events_supervise(&r->ctx, id, req_str(r, "note"), &sid)))
		return rc;
	r->status = 201;
	return event_reply(r, id);
}

int api_event_answer(struct req *r)
{
	static const struct jfield spec[] = {{"answer", J_STRING, true, 1, EVENT_NOTE_MAX}, {0}};
	int64_t id, sid;
	int rc = req_path_id(r, "id", &id);
	if (!rc)
		rc = req_path_id(r, "sid", &sid);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = events_answer(&r->ctx, id, sid, req_str(r, "answer"))))
		return rc;
	return event_reply(r, id);
}

/* ---- statistics ---- */

static json_t *rate(int64_t num, int64_t den)
{
	return den ? json_real((double)((num * 10000 + den / 2) / den) / 10000.0) : json_null();
}

static json_t *stats_row_json(const struct event_stats_row *s, bool with_key)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "received", (json_int_t)s->received, "accepted",
			      (json_int_t)s->accepted, "closed", (json_int_t)s->closed, "resolved",
			      (json_int_t)s->resolved, "on_time", (json_int_t)s->on_time, "rated",
			      (json_int_t)s->rated, "satisfied", (json_int_t)s->satisfied, "overdue_now",
			      (json_int_t)s->overdue_now);
	json_object_set_new(o, "closure_rate", rate(s->closed, s->accepted));
	json_object_set_new(o, "fix_rate", rate(s->resolved, s->closed));
	json_object_set_new(o, "on_time_rate", rate(s->on_time, s->closed));
	json_object_set_new(o, "satisfaction_rate", rate(s->satisfied, s->rated));
	json_object_set_new(o, "median_close_seconds",
			    s->median_close >= 0 ? json_integer((json_int_t)s->median_close) : json_null());
	if (with_key) {
		json_object_set_new(o, "key", json_integer((json_int_t)s->key));
		json_object_set_new(o, "name", json_string(s->name));
	}
	return o;
}

int api_event_stats(struct req *r)
{
	struct event_stats_query q = {0};
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &q.unit_id);
	req_query_int(r, "department_id", 1, ID_MAX, 0, &q.department_id);
	req_query_int(r, "category_id", 1, ID_MAX, 0, &q.category_id);
	req_query_int(r, "channel_id", 1, ID_MAX, 0, &q.channel_id);
	req_query_time(r, "from", false, &q.from);
	req_query_time(r, "to", true, &q.to);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	q.group_by = req_query(r, "group_by");
	struct event_stats_row *rows, total;
	int n;
	int rc = events_stats(&r->ctx, &q, &rows, &n, &total);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, stats_row_json(&rows[i], true));
	r->out = json_pack("{s:o, s:o, s:o, s:o, s:o}", "group_by", opt_str(q.group_by), "from", opt_time(q.from), "to",
			   opt_time(q.to), "total", stats_row_json(&total, false), "groups", items);
	return RC_OK;
}

/* ---- settings ---- */

static json_t *category_json(const struct event_category *k)
{
	return json_pack("{s:I, s:I, s:s, s:o, s:o, s:i, s:i, s:b, s:b, s:i, s:i}", "id", (json_int_t)k->id, "county_id",
			 (json_int_t)k->county_id, "name", k->name, "department_id", opt_id(k->department_id),
			 "department_name", opt_str(k->department_name), "accept_hours", k->accept_hours,
			 "finish_days", k->finish_days, "photo_required", k->photo_required, "active", k->active,
			 "warn_count", k->warn_count, "warn_days", k->warn_days);
}

int api_event_categories(struct req *r)
{
	int64_t county;
	bool all;
	req_query_int(r, "county_id", 1, ID_MAX, 0, &county);
	req_query_flag(r, "all", &all);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct event_category *list;
	int n;
	int rc = events_categories(&r->ctx, county, !all, &list, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, category_json(&list[i]));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

static const struct jfield category_fields[] = {
	{"county_id", J_INT, false, 1, ID_MAX},
	{"name", J_STRING, false, 0, EVENT_CATEGORY_NAME_MAX},
	{"department_id", J_INT, false, 0, ID_MAX},
	{"accept_hours", J_INT, false, 1, 720},
	{"finish_days", J_INT, false, 1, 365},
	{"photo_required", J_BOOL, false, 0, 0},
	{"active", J_BOOL, false, 0, 0},
	{"warn_count", J_INT, false, 0, 100},
	{"warn_days", J_INT, false, 0, 365},
	{0},
};

static void category_input(struct req *r, struct event_category_input *in, bool create)
{
	*in = (struct event_category_input){0}; /* the emergency flag is not the API's to set */
	in->county_id = req_int(r, "county_id", 0);
	in->name = req_str(r, "name");
	in->department_id = req_has(r, "department_id") ? req_int(r, "department_id", 0) : (create ? 0 : -1);
	in->accept_hours = (int)req_int(r, "accept_hours", 0);
	in->finish_days = (int)req_int(r, "finish_days", 0);
	in->photo_required = req_has(r, "photo_required") ? req_bool(r, "photo_required", false) : (create ? 0 : -1);
	in->active = req_has(r, "active") ? req_bool(r, "active", true) : -1;
	in->set_warn = create || req_has(r, "warn_count") || req_has(r, "warn_days");
	in->warn_count = (int)req_int(r, "warn_count", 0);
	in->warn_days = (int)req_int(r, "warn_days", 0);
}

int api_event_warnings(struct req *r)
{
	int64_t unit;
	if (req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit))
		return RC_INVALID;
	struct event_warning *list;
	int n;
	int rc = events_warnings(&r->ctx, unit, &list, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		const struct event_warning *x = &list[i];
		json_t *ids = json_array();
		for (int k = 0; k < x->nids; k++)
			json_array_append_new(ids, json_integer((json_int_t)x->ids[k]));
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:I, s:s, s:i, s:i, s:i, s:o, s:o, s:o}",
						       "village_id", (json_int_t)x->village_id, "village_name",
						       x->village_name, "town_name", x->town_name, "category_id",
						       (json_int_t)x->category_id, "category_name", x->category_name,
						       "warn_count", x->warn_count, "warn_days", x->warn_days, "count",
						       x->count, "first_at", json_time(x->first_at), "last_at",
						       json_time(x->last_at), "event_ids", ids));
	}
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_event_category_create(struct req *r)
{
	if (req_check_body(r, category_fields))
		return RC_INVALID;
	struct event_category_input in;
	category_input(r, &in, true);
	int64_t id;
	int rc = events_category_create(&r->ctx, &in, &id);
	struct event_category k;
	if (!rc)
		rc = events_category_get(&r->ctx, id, &k);
	if (rc)
		return rc;
	r->status = 201;
	r->out = category_json(&k);
	return RC_OK;
}

int api_event_category_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, category_fields))
		return RC_INVALID;
	if (req_has(r, "county_id"))
		return ctx_field(&r->ctx, "county_id", "类别所属区县不能修改");
	struct event_category_input in;
	category_input(r, &in, false);
	struct event_category k;
	if ((rc = events_category_update(&r->ctx, id, &in)) || (rc = events_category_get(&r->ctx, id, &k)))
		return rc;
	r->out = category_json(&k);
	return RC_OK;
}

int api_event_channels(struct req *r)
{
	struct event_channel *list;
	int n;
	int rc = events_channels(&r->ctx, &list, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)list[i].id, "code",
						       list[i].code, "name", list[i].name, "builtin", list[i].builtin));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_event_channel_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"code", J_STRING, true, 1, 24},
		{"name", J_STRING, true, 1, EVENT_CHANNEL_NAME_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	int64_t id;
	int rc = events_channel_create(&r->ctx, req_str(r, "code"), req_str(r, "name"), &id);
	if (rc)
		return rc;
	r->status = 201;
	r->out = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)id, "code", req_str(r, "code"), "name",
			   req_str(r, "name"), "builtin", 0);
	return RC_OK;
}

int api_event_departments(struct req *r)
{
	struct event_department *list;
	int n;
	int rc = events_departments(&r->ctx, &list, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)list[i].id,
						       "parent_id", (json_int_t)list[i].parent_id, "name", list[i].name,
						       "code", list[i].code, "parent_name", list[i].parent_name,
						       "handlers", (json_int_t)list[i].handlers));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_event_department_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"parent_id", J_INT, true, 1, ID_MAX},
		{"code", J_STRING, true, 1, ORG_CODE_MAX},
		{"name", J_STRING, true, 1, ORG_NAME_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	int64_t id;
	int rc = events_department_create(&r->ctx, req_int(r, "parent_id", 0), req_str(r, "code"), req_str(r, "name"), &id);
	if (rc)
		return rc;
	r->status = 201;
	r->out = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "parent_id",
			   (json_int_t)req_int(r, "parent_id", 0), "kind", "department", "code", req_str(r, "code"), "name",
			   req_str(r, "name"));
	return RC_OK;
}

int api_holidays_list(struct req *r)
{
	int64_t year;
	struct civil now;
	time_to_cn(r->ctx.now, &now);
	req_query_int(r, "year", 2000, 2100, now.year, &year);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct calendar_day *days;
	int n;
	int rc = calendar_list(&r->ctx, (int)year, &days, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:o}", "day", days[i].day, "kind", days[i].kind,
						       "name", days[i].name, "source", days[i].source, "updated_at",
						       json_time(days[i].updated_at)));
	r->out = json_pack("{s:I, s:o}", "year", (json_int_t)year, "items", items);
	return RC_OK;
}

int api_holiday_put(struct req *r)
{
	static const struct jfield spec[] = {
		{"kind", J_STRING, true, 1, 10},
		{"name", J_STRING, false, 0, CALENDAR_NAME_MAX},
		{0},
	};
	const char *day = u_map_get(r->u->map_url, "day");
	if (req_check_body(r, spec))
		return RC_INVALID;
	int rc = calendar_set(&r->ctx, day, req_str(r, "kind"), req_str(r, "name"));
	if (rc)
		return rc;
	r->out = json_pack("{s:s, s:s, s:s, s:s}", "day", day, "kind", req_str(r, "kind"), "name",
			   req_str(r, "name") ? req_str(r, "name") : "", "source", "admin");
	return RC_OK;
}

/* ---- the public 民情码 form ---- */

int api_public_event_form(struct req *r)
{
	int64_t village;
	int rc = req_path_id(r, "id", &village);
	if (rc)
		return rc;
	struct org_unit v;
	if ((rc = org_get(&r->ctx, village, &v)))
		return rc;
	if (strcmp(v.kind, "village"))
		return ctx_fail(&r->ctx, RC_NOT_FOUND, "村不存在");
	struct event_challenge ch;
	if ((rc = events_public_challenge(&r->ctx, village, &ch)))
		return rc;
	struct event_category *cats;
	int n;
	int64_t county = 0;   /* the first id of the village's path */
	for (const char *p = v.path + 1; *p >= '0' && *p <= '9'; p++)
		county = county * 10 + (*p - '0');
	if ((rc = events_categories(&r->ctx, county, true, &cats, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)cats[i].id, "name", cats[i].name,
						       "photo_required", cats[i].photo_required));
	r->out = json_pack("{s:I, s:s, s:o, s:{s:s, s:i, s:o}}", "village_id", (json_int_t)village, "village_name", v.name,
			   "categories", items, "challenge", "token", ch.challenge, "bits", ch.bits, "expires_at",
			   json_time(ch.expires_at));
	return RC_OK;
}

int api_public_event_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"category_id", J_INT, true, 1, ID_MAX},
		{"description", J_STRING, true, 0, EVENT_DESC_MAX},
		{"lat", J_NUMBER, false, -90, 90},
		{"lng", J_NUMBER, false, -180, 180},
		{"address", J_STRING, false, 0, EVENT_ADDRESS_MAX},
		{"reporter_name", J_STRING, true, 0, EVENT_NAME_MAX},
		{"reporter_phone", J_STRING, true, 0, 20},
		{"anonymous", J_BOOL, false, 0, 0},
		{"challenge", J_STRING, true, 1, 200},
		{"nonce", J_STRING, true, 1, 64},
		{"voice_data", J_STRING, false, 0, (EVENTS_PUBLIC_VOICE_MAX / 3 + 1) * 4},
		{"voice_ms", J_INT, false, 0, 86400000},
		{0},
	};
	int64_t village;
	int rc = req_path_id(r, "id", &village);
	if (rc)
		return rc;
	if (req_has(r, "photos"))
		return ctx_field(&r->ctx, "photos", "扫码表单暂不支持上传照片，请在村民APP中上传");
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct event_public_input in = {.challenge = req_str(r, "challenge"), .nonce = req_str(r, "nonce")};
	json_object_set_new(r->body, "village_id", json_integer((json_int_t)village));
	event_input_from_body(r, &in.ev);
	const char *b64 = req_str(r, "voice_data");
	if (b64 && b64[0]) {
		size_t max = EVENTS_PUBLIC_VOICE_MAX, n = 0;
		unsigned char *bytes = arena_alloc(r->ctx.arena, max);
		if (!bytes)
			return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
		if (crypto_base64_decode(b64, strlen(b64), bytes, max, &n) || n == 0)
			ctx_field(&r->ctx, "voice_data", "录音应为 base64 编码的录音文件");
		in.ev.voice_data = bytes;
		in.ev.voice_len = n;
		in.ev.media.voice_ms = req_int(r, "voice_ms", 0);
	}
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	int64_t id;
	char code[EVENTS_FOLLOW_LEN + 1];
	if ((rc = events_public_create(&r->ctx, &in, &id, code)))
		return rc;
	r->status = 201;
	r->out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "code", code, "message",
			   "请保存查询码，凭码查看办理进度");
	return RC_OK;
}

static void public_media_urls(struct req *r, json_t *list, int64_t village, const char *code)
{
	json_t *m;
	size_t j;
	json_array_foreach(list, j, m) {
		const char *url = arena_printf(r->ctx.arena, "/api/v1/public/villages/%lld/events/%s/media/%lld",
					       (long long)village, code,
					       (long long)json_integer_value(json_object_get(m, "id")));
		json_object_set_new(m, "url", json_string(url));
	}
}

int api_public_event_get(struct req *r)
{
	int64_t village;
	int rc = req_path_id(r, "id", &village);
	if (rc)
		return rc;
	struct event e;
	if ((rc = events_public_get(&r->ctx, village, u_map_get(r->u->map_url, "code"), &e)))
		return rc;
	json_t *o = event_json(&e, true, village);
	/* the public view: no staff, no personal data but the reporter's masked name */
	json_object_del(o, "reporter");
	json_object_del(o, "supervisions");
	json_object_del(o, "household_id");
	json_object_del(o, "photos");
	/* the recordings it keeps are played from the follow-up code's own address */
	const char *code = u_map_get(r->u->map_url, "code");
	public_media_urls(r, json_object_get(o, "media"), village, code);
	json_t *st;
	size_t i;
	json_array_foreach(json_object_get(o, "timeline"), i, st)
		public_media_urls(r, json_object_get(st, "media"), village, code);
	r->out = o;
	return RC_OK;
}
