/* 村民说事: threads, replies and answers, resolution, the move to an event or to 议事,
 * and moderation. */
#include "domain/voice/voice.h"
#include "http/voice/voice.h"

static json_t *opt_time(int64_t t)
{
	return t ? json_time(t) : json_null();
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *talk_json(const struct talk *t)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:I, s:b, s:b}",
			      "id", (json_int_t)t->id, "village_id", (json_int_t)t->village_id, "village_name",
			      t->village_name, "author_name", t->author_name, "category", t->category, "title",
			      opt_str(t->title), "body", opt_str(t->body), "status", t->status, "created_at",
			      json_time(t->created_at), "last_post_at", json_time(t->last_post_at), "resolved_at",
			      opt_time(t->resolved_at), "event_id", t->event_id ? json_integer(t->event_id) : json_null(),
			      "council_outcome", opt_str(t->council_outcome), "council_at", opt_time(t->council_at),
			      "hidden", t->hidden_at != 0, "hidden_reason", opt_str(t->hidden_reason), "replies",
			      (json_int_t)t->replies, "can_moderate", t->can_moderate, "mine", t->mine);
	if (o && t->posts) {
		json_t *arr = json_array();
		for (int i = 0; i < t->nposts; i++) {
			const struct talk_post *p = &t->posts[i];
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:o}", "id", (json_int_t)p->id,
							     "author_name", p->author_name, "kind", p->kind, "body",
							     opt_str(p->body), "created_at", json_time(p->created_at),
							     "hidden", p->hidden_at != 0, "hidden_reason",
							     opt_str(p->hidden_reason)));
		}
		json_object_set_new(o, "posts", arr);
	} else if (o) {
		json_object_set_new(o, "posts", json_array());
	}
	return o;
}

static int reply_talk(struct req *r, int64_t id, int status)
{
	struct talk t;
	int rc = voice_talk_get(&r->ctx, id, &t);
	if (rc)
		return rc;
	r->out = talk_json(&t);
	r->status = status;
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_talks_list(struct req *r)
{
	struct talk_query q = {.category = req_query(r, "category"), .status = req_query(r, "status")};
	int rc;
	if ((rc = req_query_int(r, "unit_id", 1, INT64_MAX, 0, &q.unit_id)) || (rc = req_page(r, &q.limit, &q.offset)))
		return rc;
	struct talk *items;
	int n;
	int64_t total;
	if ((rc = voice_talks_list(&r->ctx, &q, &items, &n, &total)))
		return rc;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, talk_json(&items[i]));
	req_reply_page(r, arr, total, q.limit, q.offset);
	return RC_OK;
}

int api_talk_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"category", J_STRING, true, 0, 20},
		{"title", J_STRING, true, 0, TALK_TITLE_MAX},
		{"body", J_STRING, true, 0, TALK_BODY_MAX},
		{0},
	};
	struct idem k;
	req_idem(r, &k, false);
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct talk_input in = {.category = req_str(r, "category"), .title = req_str(r, "title"),
				.body = req_str(r, "body"), .idem = &k};
	int64_t id;
	int rc = voice_talk_open(&r->ctx, &in, &id);
	return rc ? rc : reply_talk(r, id, 201);
}

int api_talk_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : reply_talk(r, id, 200);
}

int api_talk_reply(struct req *r)
{
	static const struct jfield spec[] = {
		{"body", J_STRING, true, 0, TALK_BODY_MAX},
		{0},
	};
	int64_t id, post;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct idem k;
	req_idem(r, &k, false);
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = voice_talk_reply(&r->ctx, id, req_str(r, "body"), &k, &post)))
		return rc;
	return reply_talk(r, id, 201);
}

int api_talk_resolve(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = voice_talk_resolve(&r->ctx, id)))
		return rc;
	return reply_talk(r, id, 200);
}

int api_talk_hide(struct req *r)
{
	static const struct jfield spec[] = {
		{"reason", J_STRING, true, 0, TALK_REASON_MAX},
		{"post_id", J_INT, false, 1, INT64_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = voice_talk_hide(&r->ctx, id, req_int(r, "post_id", 0), req_str(r, "reason"))))
		return rc;
	return reply_talk(r, id, 200);
}

int api_talk_event(struct req *r)
{
	static const struct jfield spec[] = {
		{"category_id", J_INT, true, 1, INT64_MAX},
		{0},
	};
	int64_t id, event_id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = voice_talk_to_event(&r->ctx, id, req_int(r, "category_id", 0), &event_id)))
		return rc;
	return reply_talk(r, id, 201);
}

int api_talk_council(struct req *r)
{
	static const struct jfield spec[] = {
		{"outcome", J_STRING, true, 0, TALK_BODY_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = voice_talk_council(&r->ctx, id, req_str(r, "outcome"))))
		return rc;
	return reply_talk(r, id, 200);
}
