/* 大喇叭 broadcasts (history, sending, the live stream, the audio with Range) and the
 * loudspeakers (console: list, register, revoke; device: its stream and acknowledgements). */
#include "domain/voice/voice.h"
#include "http/server.h"
#include "http/sse.h"
#include "http/voice/voice.h"
#include "util/buf.h"
#include "util/num.h"

static json_t *broadcast_json(const struct broadcast *b)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:o, s:s, s:I}", "id", (json_int_t)b->id, "unit_id",
			 (json_int_t)b->unit_id, "unit_name", b->unit_name, "notice_id", (json_int_t)b->notice_id, "body",
			 b->body, "created_by_name", b->created_by_name, "created_at", json_time(b->created_at),
			 "audio_state", b->audio_state, "audio_bytes", (json_int_t)b->audio_bytes);
}

/* One broadcast as an event of a stream: "id:", "event: broadcast", "data:" (JSON on
 * one line). */
static void add_event(struct buf *out, const struct broadcast *b)
{
	json_t *o = broadcast_json(b);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text)
		buf_addf(out, "id: %lld\nevent: broadcast\ndata: %s\n\n", (long long)b->id, text);
	free(text);
}

void api_broadcast_publish(const struct broadcast *b)
{
	/* live to the villagers' pages and the loudspeakers under the unit */
	struct buf ev;
	buf_init(&ev, 16384);
	add_event(&ev, b);
	if (!ev.failed && ev.len) {
		char topic[SSE_TOPIC_MAX + 2];
		snprintf(topic, sizeof(topic), "v%s", b->unit_path);
		sse_publish(topic, ev.ptr, ev.len);
		topic[0] = 's';
		sse_publish(topic, ev.ptr, ev.len);
	}
	buf_release(&ev);
	server_wake_jobs(); /* the audio */
}

int api_broadcasts_list(struct req *r)
{
	struct broadcast_query q = {0};
	int64_t after = 0;
	int rc;
	if ((rc = req_query_int(r, "unit_id", 1, INT64_MAX, 0, &q.unit_id)) ||
	    (rc = req_query_int(r, "after_id", 0, INT64_MAX, 0, &after)) || (rc = req_page(r, &q.limit, &q.offset)))
		return rc;
	q.after_id = after;
	struct broadcast *items;
	int n;
	int64_t total;
	if ((rc = voice_broadcasts_list(&r->ctx, &q, &items, &n, &total)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, broadcast_json(&items[i]));
	req_reply_page(r, arr, total, q.limit, q.offset);
	return RC_OK;
}

int api_broadcast_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"unit_id", J_INT, true, 1, INT64_MAX},
		{"body", J_STRING, true, 0, VOICE_TEXT_MAX},
		{0},
	};
	struct idem k;
	req_idem(r, &k, false);
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct broadcast b;
	int rc = voice_broadcast(&r->ctx, req_int(r, "unit_id", 0), req_str(r, "body"), &k, &b);
	if (rc)
		return rc;
	api_broadcast_publish(&b);
	r->out = broadcast_json(&b);
	r->status = 201;
	return RC_OK;
}

/* The id a reconnecting EventSource sends (Last-Event-ID, or ?last_event_id=). */
static int64_t last_event_id(struct req *r)
{
	const char *h = u_map_get_case(r->u->map_header, "Last-Event-ID");
	if (!h)
		h = req_query(r, "last_event_id");
	int64_t id = 0;
	if (!h || num_parse_i64(h, 0, INT64_MAX, &id))
		return 0;
	return id;
}

int api_broadcasts_stream(struct req *r)
{
	struct org_unit u;
	int rc = voice_listen_unit(&r->ctx, &u);
	if (rc)
		return rc;
	struct buf first;
	buf_init(&first, SSE_QUEUE_MAX / 2);
	buf_adds(&first, "retry: 5000\n: connected\n\n");
	int64_t last = last_event_id(r);
	if (last) {
		struct broadcast_query q = {.unit_id = u.id, .after_id = last, .limit = VOICE_BACKLOG_MAX};
		struct broadcast *items;
		int n;
		int64_t total;
		if ((rc = voice_broadcasts_list(&r->ctx, &q, &items, &n, &total))) {
			buf_release(&first);
			return rc;
		}
		for (int i = 0; i < n; i++)
			add_event(&first, &items[i]);
	}
	char topic[SSE_TOPIC_MAX + 2];
	snprintf(topic, sizeof(topic), "v%s", u.path);
	rc = first.failed ? (int)ctx_fail(&r->ctx, RC_INTERNAL, "内存不足") : sse_open(r, topic, first.ptr, first.len);
	buf_release(&first);
	return rc;
}

/* The loudspeaker presenting "Authorization: Bearer <token>", or 401. */
static int device(struct req *r, struct speaker *s)
{
	const char *auth = u_map_get_case(r->u->map_header, "Authorization");
	if (!auth || strncasecmp(auth, "Bearer ", 7))
		return ctx_fail(&r->ctx, RC_UNAUTHENTICATED, "请提供音箱令牌");
	return voice_speaker_auth(&r->ctx, auth + 7, s);
}

/* Parses "bytes=a-b", "bytes=a-" or "bytes=-n" against size; false when unsatisfiable
 * or malformed. */
static bool parse_range(const char *h, size_t size, size_t *from, size_t *to)
{
	if (strncmp(h, "bytes=", 6) || !size)
		return false;
	h += 6;
	const char *dash = strchr(h, '-');
	if (!dash || strchr(h, ','))
		return false;
	char a[24] = "", b[24] = "";
	size_t al = (size_t)(dash - h), bl = strlen(dash + 1);
	if (al >= sizeof(a) || bl >= sizeof(b))
		return false;
	memcpy(a, h, al);
	memcpy(b, dash + 1, bl);
	int64_t x = 0, y = 0;
	if (!al) {
		if (num_parse_i64(b, 1, INT64_MAX, &y))
			return false;
		*from = (size_t)y >= size ? 0 : size - (size_t)y;
		*to = size - 1;
		return true;
	}
	if (num_parse_i64(a, 0, INT64_MAX, &x) || (size_t)x >= size)
		return false;
	*from = (size_t)x;
	if (!bl) {
		*to = size - 1;
		return true;
	}
	if (num_parse_i64(b, 0, INT64_MAX, &y) || y < x)
		return false;
	*to = (size_t)y >= size ? size - 1 : (size_t)y;
	return true;
}

int api_broadcast_audio(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	int64_t speaker_id = 0;
	if (!r->ctx.actor) {
		struct speaker s;
		if ((rc = device(r, &s)))
			return rc;
		speaker_id = s.id;
	}
	char path[512];
	if ((rc = voice_audio_file(&r->ctx, id, speaker_id, path, sizeof(path))))
		return rc;
	struct buf f;
	buf_init(&f, VOICE_AUDIO_MAX);
	if (buf_add_file(&f, path) < 0) {
		buf_release(&f);
		return ctx_fail(&r->ctx, RC_INTERNAL, "读取语音失败");
	}
	const char *range = u_map_get_case(r->u->map_header, "Range");
	size_t from = 0, to = f.len ? f.len - 1 : 0;
	char cr[80];
	if (range && !parse_range(range, f.len, &from, &to)) {
		snprintf(cr, sizeof(cr), "bytes */%zu", f.len);
		static const char msg[] =
			"{\"error\":{\"code\":\"range\",\"message\":\"请求的范围超出语音文件\",\"fields\":{}}}";
		req_reply_bytes(r, 416, "application/json", NULL, msg, sizeof(msg) - 1);
		u_map_put(r->resp->map_header, "Content-Range", cr);
	} else if (range) {
		req_reply_bytes(r, 206, "audio/wav", NULL, f.ptr + from, to - from + 1);
		snprintf(cr, sizeof(cr), "bytes %zu-%zu/%zu", from, to, f.len);
		u_map_put(r->resp->map_header, "Content-Range", cr);
	} else {
		req_reply_bytes(r, 200, "audio/wav", NULL, f.ptr, f.len);
	}
	u_map_put(r->resp->map_header, "Accept-Ranges", "bytes");
	u_map_put(r->resp->map_header, "Cache-Control", "private, max-age=3600");
	buf_release(&f);
	return RC_OK;
}

static json_t *speaker_json(const struct speaker *s)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:I}", "id", (json_int_t)s->id, "village_id",
			 (json_int_t)s->village_id, "village_name", s->village_name, "name", s->name, "created_at",
			 json_time(s->created_at), "last_seen_at", s->last_seen_at ? json_time(s->last_seen_at) : json_null(),
			 "revoked_at", s->revoked_at ? json_time(s->revoked_at) : json_null(), "played",
			 (json_int_t)s->played, "last_played_id", (json_int_t)s->last_played_id);
}

int api_speakers_list(struct req *r)
{
	int64_t unit = 0;
	int rc = req_query_int(r, "unit_id", 1, INT64_MAX, 0, &unit);
	if (rc)
		return rc;
	struct speaker *items;
	int n;
	if ((rc = voice_speakers_list(&r->ctx, unit, &items, &n)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, speaker_json(&items[i]));
	r->out = json_pack("{s:o}", "items", arr);
	return RC_OK;
}

int api_speaker_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, INT64_MAX},
		{"name", J_STRING, true, 0, VOICE_SPEAKER_NAME_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct speaker s;
	char token[CRYPTO_TOKEN_HEX];
	int rc = voice_speaker_register(&r->ctx, req_int(r, "village_id", 0), req_str(r, "name"), &s, token);
	if (rc)
		return rc;
	r->out = speaker_json(&s);
	json_object_set_new(r->out, "token", json_string(token));
	r->status = 201;
	return RC_OK;
}

int api_speaker_revoke(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = voice_speaker_revoke(&r->ctx, id)))
		return rc;
	r->out = json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1);
	return RC_OK;
}

int api_speaker_stream(struct req *r)
{
	struct speaker s;
	int rc = device(r, &s);
	if (rc)
		return rc;
	struct broadcast *items;
	int n;
	if ((rc = voice_speaker_queue(&r->ctx, &s, &items, &n)))
		return rc;
	struct buf first;
	buf_init(&first, SSE_QUEUE_MAX / 2);
	buf_adds(&first, "retry: 5000\n: connected\n\n");
	for (int i = 0; i < n; i++)
		add_event(&first, &items[i]);
	char topic[SSE_TOPIC_MAX + 2];
	snprintf(topic, sizeof(topic), "s%s", s.village_path);
	rc = first.failed ? (int)ctx_fail(&r->ctx, RC_INTERNAL, "内存不足") : sse_open(r, topic, first.ptr, first.len);
	buf_release(&first);
	return rc;
}

int api_speaker_ack(struct req *r)
{
	static const struct jfield spec[] = {
		{"broadcast_id", J_INT, true, 1, INT64_MAX},
		{0},
	};
	struct speaker s;
	int rc = device(r, &s);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	int64_t bid = req_int(r, "broadcast_id", 0);
	if ((rc = voice_speaker_ack(&r->ctx, &s, bid)))
		return rc;
	r->out = json_pack("{s:I, s:I, s:b}", "speaker_id", (json_int_t)s.id, "broadcast_id", (json_int_t)bid, "played",
			   1);
	return RC_OK;
}
