/* Emergencies 应急事件 over HTTP: intake (alerting the duty officers live), the board,
 * one emergency with its timeline to the second, acknowledgement, the 大喇叭 broadcast,
 * and the duty officer's alert stream. A stream listens on the topic "a<user id>#" (the
 * '#' ends the id, so that user 1 does not hear user 12's alerts). */
#include "domain/disputes/disputes.h"
#include "http/disputes/disputes.h"
#include "http/sse.h"
#include "http/voice/voice.h"
#include "util/buf.h"

#define ID_MAX (INT64_MAX / 2)

static json_t *emergency_json(const struct emergency *e, bool detail)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)e->ev.id));
	json_object_set_new(o, "event", dispute_event_json(&e->ev, false));
	json_object_set_new(o, "emergency_type", json_string(e->emergency_type));
	json_object_set_new(o, "emergency_type_label", json_string(emergencies_type_label(e->emergency_type)));
	json_object_set_new(o, "broadcast_id", e->broadcast_id ? json_integer((json_int_t)e->broadcast_id) : json_null());
	json_object_set_new(o, "broadcast_at", e->broadcast_at ? json_time(e->broadcast_at) : json_null());
	json_object_set_new(o, "acked", json_boolean(e->acked));
	json_object_set_new(o, "can_ack", json_boolean(e->can_ack));
	json_object_set_new(o, "can_broadcast", json_boolean(e->can_broadcast));
	int acked = 0;
	json_t *alerts = json_array();
	for (int i = 0; i < e->nalerts; i++) {
		const struct emergency_alert *a = &e->alerts[i];
		acked += a->acked_at != 0;
		json_array_append_new(alerts, json_pack("{s:I, s:s, s:o, s:o}", "user_id", (json_int_t)a->user_id, "name",
							a->user_name, "alerted_at", json_time(a->alerted_at), "acked_at",
							a->acked_at ? json_time(a->acked_at) : json_null()));
	}
	json_object_set_new(o, "alerts", alerts);
	json_object_set_new(o, "alerted_count", json_integer(e->nalerts));
	json_object_set_new(o, "acked_count", json_integer(acked));
	(void)detail;
	return o;
}

/* One alert as an event of a stream: "event: emergency", data a short JSON. */
static void add_alert(struct buf *out, const struct emergency *e)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)e->ev.id, "emergency_type",
			      e->emergency_type, "emergency_type_label", emergencies_type_label(e->emergency_type),
			      "village_name", e->ev.village_name, "town_name", e->ev.town_name, "description",
			      e->ev.description, "created_at", json_time(e->ev.created_at));
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text)
		buf_addf(out, "id: %lld\nevent: emergency\ndata: %s\n\n", (long long)e->ev.id, text);
	free(text);
}

int api_emergencies_list(struct req *r)
{
	bool all;
	int rc = req_query_flag(r, "all", &all);
	if (rc)
		return rc;
	struct emergency *list;
	int n;
	if ((rc = emergencies_list(&r->ctx, !all, &list, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, emergency_json(&list[i], false));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

static int emergency_reply(struct req *r, int64_t id)
{
	struct emergency e;
	int rc = emergencies_get(&r->ctx, id, &e);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = emergency_json(&e, true);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

void api_emergency_publish_alert(const struct ctx *c, int64_t id)
{
	struct emergency e;
	struct ctx sys = *c;
	sys.system = true;
	sys.actor = NULL;
	if (emergencies_get(&sys, id, &e) != RC_OK)
		return;
	struct buf ev;
	buf_init(&ev, 16384);
	add_alert(&ev, &e);
	for (int i = 0; !ev.failed && i < e.nalerts; i++) {
		char topic[32];
		snprintf(topic, sizeof(topic), "a%lld#", (long long)e.alerts[i].user_id);
		sse_publish(topic, ev.ptr, ev.len);
	}
	buf_release(&ev);
}

void api_emergency_publish_ack(int64_t user_id, int64_t id)
{
	char topic[32], text[96];
	snprintf(topic, sizeof(topic), "a%lld#", (long long)user_id);
	int len = snprintf(text, sizeof(text), "event: ack\ndata: {\"id\":%lld}\n\n", (long long)id);
	sse_publish(topic, text, (size_t)len);
}

int api_emergencies_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX},
		{"category_id", J_INT, false, 1, ID_MAX},
		{"emergency_type", J_STRING, true, 1, 20},
		{"description", J_STRING, true, 0, EVENT_DESC_MAX},
		{"address", J_STRING, false, 0, EVENT_ADDRESS_MAX},
		{"lat", J_NUMBER, false, -90, 90},
		{"lng", J_NUMBER, false, -180, 180},
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);
	req_check_body(r, spec);
	struct emergency_input in = {0};
	in.ev.idem = &idem;
	in.ev.village_id = req_int(r, "village_id", 0);
	in.ev.category_id = req_int(r, "category_id", 0);
	in.ev.description = req_str(r, "description");
	in.ev.address = req_str(r, "address");
	in.emergency_type = req_str(r, "emergency_type");
	if (req_has(r, "lat") != req_has(r, "lng")) {
		ctx_field(&r->ctx, req_has(r, "lat") ? "lng" : "lat", "经纬度应同时填写");
	} else if (req_has(r, "lat")) {
		double lat = req_number(r, "lat", 0), lng = req_number(r, "lng", 0);
		in.ev.has_location = true;
		in.ev.lat_e6 = (int64_t)(lat * 1e6 + (lat >= 0 ? 0.5 : -0.5));
		in.ev.lng_e6 = (int64_t)(lng * 1e6 + (lng >= 0 ? 0.5 : -0.5));
	}
	int64_t id, *alerted;
	int nalerted;
	int rc = emergencies_create(&r->ctx, &in, &id, &alerted, &nalerted);
	if (rc)
		return rc;
	/* at once to every duty officer's open console page */
	if (nalerted)
		api_emergency_publish_alert(&r->ctx, id);
	r->status = 201;
	return emergency_reply(r, id);
}

int api_emergency_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : emergency_reply(r, id);
}

int api_emergency_ack(struct req *r)
{
	static const struct jfield spec[] = {{0}};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = emergencies_ack(&r->ctx, id)))
		return rc;
	/* the other pages of the same officer drop the banner */
	api_emergency_publish_ack(r->ctx.actor->user_id, id);
	return emergency_reply(r, id);
}

int api_emergency_broadcast(struct req *r)
{
	static const struct jfield spec[] = {
		{"unit_id", J_INT, false, 1, ID_MAX},
		{"body", J_STRING, false, 0, VOICE_TEXT_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct idem idem;
	req_idem(r, &idem, false);
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct broadcast b;
	if ((rc = emergencies_broadcast(&r->ctx, id, req_int(r, "unit_id", 0), req_str(r, "body"), &idem, &b)))
		return rc;
	api_broadcast_publish(&b);
	r->status = 201;
	return emergency_reply(r, id);
}

int api_emergency_alerts(struct req *r)
{
	struct emergency *list;
	int n;
	int rc = emergencies_unacked(&r->ctx, &list, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, emergency_json(&list[i], false));
	r->out = json_pack("{s:o, s:b}", "items", items, "on_duty", emergencies_on_duty(&r->ctx));
	return RC_OK;
}

int api_emergency_stream(struct req *r)
{
	if (!r->ctx.actor)
		return ctx_fail(&r->ctx, RC_UNAUTHENTICATED, "请先登录");
	if (!emergencies_on_duty(&r->ctx))
		return ctx_fail(&r->ctx, RC_FORBIDDEN, "只有值班人员可以接收应急警报");
	struct emergency *list;
	int n;
	int rc = emergencies_unacked(&r->ctx, &list, &n);
	if (rc)
		return rc;
	struct buf first;
	buf_init(&first, SSE_QUEUE_MAX / 2);
	buf_adds(&first, "retry: 5000\n: connected\n\n");
	for (int i = 0; i < n; i++)
		add_alert(&first, &list[i]);
	char topic[32];
	snprintf(topic, sizeof(topic), "a%lld#", (long long)r->ctx.actor->user_id);
	rc = first.failed ? (int)ctx_fail(&r->ctx, RC_INTERNAL, "内存不足") : sse_open(r, topic, first.ptr, first.len);
	buf_release(&first);
	return rc;
}
