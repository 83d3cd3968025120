/* Evaluations 评选: campaigns, nominations, scores, objections and the public results. */
#include "domain/evaluations/evaluations.h"
#include "http/evaluations/evaluations.h"

#define ID_MAX (INT64_MAX / 2)

/* An int from a body integer already checked (or not) for its range: out of int's
 * range becomes a value every range check refuses. */
static int clamp_int(int64_t v)
{
	return v < -1 ? -1 : v > 1000000 ? 1000000 : (int)v;
}

static json_t *score_num(int64_t x100)
{
	return json_real((double)x100 / 100.0);
}

static json_t *campaign_json(const struct eval_campaign *e, bool detail, bool public)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:o, s:i}", "id",
			      (json_int_t)e->id, "village_id", (json_int_t)e->village_id, "village_name", e->village_name,
			      "kind", e->kind, "title", e->title, "period_from", e->period_from, "period_to", e->period_to,
			      "status", e->status, "tag_name", e->tag_name, "points", e->points, "winners", e->winners,
			      "publicity_days", e->publicity_days, "publicity_ends_at",
			      e->publicity_ends_at ? json_time(e->publicity_ends_at) : json_null(), "published_at",
			      e->published_at ? json_time(e->published_at) : json_null(), "nominations_count",
			      e->nnominations);
	if (!o)
		return NULL;
	if (!public) {
		json_object_set_new(o, "created_at", json_time(e->created_at));
		json_object_set_new(o, "can_admin", json_boolean(e->can_admin));
		json_object_set_new(o, "is_panel", json_boolean(e->is_panel));
	}
	if (!detail)
		return o;
	json_t *crit = json_array();
	for (int i = 0; i < e->ncriteria; i++)
		json_array_append_new(crit, json_pack("{s:I, s:s, s:i, s:i, s:i}", "id", (json_int_t)e->criteria[i].id, "name",
						      e->criteria[i].name, "weight", e->criteria[i].weight, "min_score",
						      e->criteria[i].min_score, "max_score", e->criteria[i].max_score));
	json_object_set_new(o, "criteria", crit);
	if (!public) {
		json_t *panel = json_array();
		for (int i = 0; i < e->npanel; i++)
			json_array_append_new(panel, json_pack("{s:I, s:s, s:s, s:i}", "user_id", (json_int_t)e->panel[i].user_id,
							       "name", e->panel[i].name, "label", e->panel[i].label, "scored",
							       e->panel[i].scored));
		json_object_set_new(o, "panel", panel);
		json_object_set_new(o, "can_nominate", json_boolean(e->can_nominate));
		json_object_set_new(o, "can_self_nominate", json_boolean(e->can_self_nominate));
		json_object_set_new(o, "can_object", json_boolean(e->can_object));
	}
	json_object_set_new(o, "ranking_visible", json_boolean(e->ranking_visible));
	json_t *noms = json_array();
	for (int i = 0; i < e->nnoms; i++) {
		const struct eval_nomination *m = &e->nominations[i];
		json_t *n = json_pack("{s:I, s:I, s:s, s:s, s:i, s:o, s:o, s:b}", "id", (json_int_t)m->id, "household_id",
				      (json_int_t)m->household_id, "household_number", m->household_number, "head_name",
				      m->head_name, "scores_count", m->nscores, "final_score",
				      e->ranking_visible ? score_num(m->final_x100) : json_null(), "rank",
				      e->ranking_visible && m->rank ? json_integer(m->rank) : json_null(), "winner",
				      e->ranking_visible && m->winner);
		if (!public) {
			json_object_set_new(n, "how", json_string(m->how));
			json_object_set_new(n, "note", json_string(m->note));
			json_object_set_new(n, "nominated_by_name", json_string(m->nominated_by_name));
			json_object_set_new(n, "created_at", json_time(m->created_at));
			json_object_set_new(n, "mean_score", e->ranking_visible ? score_num(m->mean_x100) : json_null());
			json_object_set_new(n, "credited", json_boolean(m->credited));
			json_object_set_new(n, "mine", json_boolean(m->mine));
			json_object_set_new(n, "my_scored", json_boolean(m->my_scored));
			json_object_set_new(n, "own_household", json_boolean(m->own_household));
			json_t *scores = json_array();
			for (int j = 0; j < m->nscores_listed; j++) {
				const struct eval_score *s = &m->scores[j];
				json_t *items = json_array(), *photos = json_array();
				for (int k = 0; k < s->nitems; k++)
					json_array_append_new(items, json_integer(s->items[k]));
				for (int k = 0; k < s->nphotos; k++)
					json_array_append_new(photos, json_pack("{s:i, s:s}", "n", k + 1, "hash", s->photos[k]));
				json_array_append_new(scores, json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:s, s:o}", "id",
									(json_int_t)s->id, "member_id", (json_int_t)s->member_id,
									"member_name", s->member_name, "total",
									score_num(s->total_x100), "items", items, "photos", photos,
									"note", s->note, "updated_at", json_time(s->updated_at)));
			}
			json_object_set_new(n, "scores", scores);
		}
		json_array_append_new(noms, n);
	}
	json_object_set_new(o, "nominations", noms);
	if (!public) {
		json_t *objs = json_array();
		for (int i = 0; i < e->nobjections; i++) {
			const struct eval_objection *x = &e->objections[i];
			json_array_append_new(objs, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)x->id,
							      "objector_name", x->objector_name, "reason", x->reason, "status",
							      x->status, "decision", x->decision, "created_at",
							      json_time(x->created_at), "decided_at",
							      x->decided_at ? json_time(x->decided_at) : json_null()));
		}
		json_object_set_new(o, "objections", objs);
	}
	return o;
}

static int campaign_reply(struct req *r, int64_t id)
{
	struct eval_campaign e;
	int rc = eval_campaign_get(&r->ctx, id, &e);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = campaign_json(&e, true, false);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_eval_campaigns_list(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct eval_query q = {.status = req_query(r, "status"), .limit = limit, .offset = offset};
	if ((rc = req_query_int(r, "village_id", 1, ID_MAX, 0, &q.village_id)) ||
	    (rc = req_query_int(r, "unit_id", 1, ID_MAX, 0, &q.unit_id)))
		return rc;
	const char *panel = req_query(r, "panel");
	if (panel && strcmp(panel, "1") && strcmp(panel, "0"))
		return ctx_field(&r->ctx, "panel", "应为 1 或 0");
	q.panel = panel && !strcmp(panel, "1");
	struct eval_campaign *es;
	int n;
	int64_t total;
	if ((rc = eval_campaign_list(&r->ctx, &q, &es, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, campaign_json(&es[i], false, false));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

static void parse_criteria(struct req *r, json_t *v, struct eval_campaign_input *in)
{
	if (!v) {
		ctx_field(&r->ctx, "criteria", "请填写评分项");
		return;
	}
	if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > EVAL_CRITERIA_MAX) {
		ctx_field(&r->ctx, "criteria", "评分项应为 1–%d 项的数组", EVAL_CRITERIA_MAX);
		return;
	}
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		json_t *name = json_object_get(x, "name"), *w = json_object_get(x, "weight"),
		       *lo = json_object_get(x, "min_score"), *hi = json_object_get(x, "max_score");
		if (!json_is_object(x) || !json_is_string(name) || !json_is_integer(w) || !json_is_integer(hi) ||
		    (lo && !json_is_integer(lo))) {
			ctx_field(&r->ctx, "criteria", "第 %zu 个评分项应有名称 name、权重 weight 和最高分 max_score（整数）",
				  i + 1);
			return;
		}
		struct eval_criterion_input *k = &in->criteria[in->ncriteria++];
		k->name = json_string_value(name);
		json_int_t wv = json_integer_value(w), lv = lo ? json_integer_value(lo) : 0, hv = json_integer_value(hi);
		k->weight = wv < -1 || wv > 1000 ? -1 : (int)wv;
		k->min_score = lv < -1 || lv > 1000 ? -1 : (int)lv;
		k->max_score = hv < -1 || hv > 1000 ? 1001 : (int)hv;
	}
}

static void parse_panel(struct req *r, json_t *v, struct eval_campaign_input *in)
{
	if (!v) {
		ctx_field(&r->ctx, "panel", "请选择评分小组成员");
		return;
	}
	if (!json_is_array(v) || json_array_size(v) < 1 || json_array_size(v) > EVAL_PANEL_MAX) {
		ctx_field(&r->ctx, "panel", "评分小组应为 1–%d 人的数组", EVAL_PANEL_MAX);
		return;
	}
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		json_t *uid = json_is_object(x) ? json_object_get(x, "user_id") : x;
		json_t *label = json_is_object(x) ? json_object_get(x, "label") : NULL;
		if (!json_is_integer(uid) || json_integer_value(uid) < 1 || (label && !json_is_string(label))) {
			ctx_field(&r->ctx, "panel", "第 %zu 位评委应为用户编号 user_id（可带身份 label）", i + 1);
			return;
		}
		in->panel[in->npanel].user_id = json_integer_value(uid);
		in->panel[in->npanel++].label = label ? json_string_value(label) : "";
	}
}

int api_eval_campaign_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX},
		{"kind", J_STRING, true, 0, EVAL_KIND_MAX},
		{"title", J_STRING, true, 0, EVAL_TITLE_MAX},
		{"period_from", J_STRING, true, 0, 10},
		{"period_to", J_STRING, true, 0, 10},
		{"points", J_INT, true, 0, EVAL_POINTS_MAX},
		{"winners", J_INT, true, 1, EVAL_NOMINEES_MAX},
		{"publicity_days", J_INT, false, 1, EVAL_DAYS_MAX},
		{"tag_name", J_STRING, false, 0, 12},
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);
	json_t *crit = req_take(r, "criteria"), *panel = req_take(r, "panel");
	struct eval_campaign_input in = {.idem = &idem};
	parse_criteria(r, crit, &in);
	parse_panel(r, panel, &in);
	req_check_body(r, spec);
	/* the domain adds its own field errors to the body's: every one at once */
	in.village_id = req_int(r, "village_id", 0);
	in.kind = req_str(r, "kind");
	in.title = req_str(r, "title");
	in.period_from = req_str(r, "period_from");
	in.period_to = req_str(r, "period_to");
	in.points = req_has(r, "points") ? clamp_int(req_int(r, "points", 0)) : -1;
	in.winners = clamp_int(req_int(r, "winners", 0));
	in.publicity_days = clamp_int(req_int(r, "publicity_days", 5));
	in.tag_name = req_str(r, "tag_name");
	int64_t id;
	bool replayed;
	int rc = eval_campaign_create(&r->ctx, &in, &id, &replayed);
	if (!rc) {
		r->status = replayed ? 200 : 201;
		rc = campaign_reply(r, id);
	}
	json_decref(crit);
	json_decref(panel);
	return rc;
}

int api_eval_campaign_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : campaign_reply(r, id);
}

int api_eval_campaign_action(struct req *r)
{
	static const struct jfield spec[] = {{0}};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = eval_campaign_action(&r->ctx, id, u_map_get(r->u->map_url, "action"))))
		return rc;
	return campaign_reply(r, id);
}

int api_eval_candidates(struct req *r)
{
	int64_t village;
	int rc = req_query_int(r, "village_id", 1, ID_MAX, 0, &village);
	if (rc)
		return rc;
	if (!village)
		return ctx_field(&r->ctx, "village_id", "请选择村");
	struct eval_candidate *k;
	int n;
	if ((rc = eval_candidates(&r->ctx, village, &k, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s}", "user_id", (json_int_t)k[i].user_id, "name",
						       k[i].name, "roles", k[i].roles, "household_number",
						       k[i].household_number));
	json_decref(r->out);
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_eval_nominate(struct req *r)
{
	static const struct jfield spec[] = {
		{"household_id", J_INT, false, 1, ID_MAX},
		{"note", J_STRING, false, 0, EVAL_NOTE_MAX},
		{0},
	};
	int64_t cid;
	int rc = req_path_id(r, "id", &cid);
	if (rc)
		return rc;
	struct idem idem;
	req_idem(r, &idem, false);
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct eval_nomination_input in = {
		.household_id = req_int(r, "household_id", 0), .note = req_str(r, "note"), .idem = &idem};
	int64_t id;
	bool replayed;
	if ((rc = eval_nominate(&r->ctx, cid, &in, &id, &replayed)))
		return rc;
	r->status = replayed ? 200 : 201;
	json_decref(r->out);
	r->out = json_pack("{s:I, s:I, s:b}", "id", (json_int_t)id, "campaign_id", (json_int_t)cid, "replayed", replayed);
	return RC_OK;
}

int api_eval_score(struct req *r)
{
	static const struct jfield spec[] = {{"note", J_STRING, false, 0, EVAL_NOTE_MAX}, {0}};
	int64_t nid;
	int rc = req_path_id(r, "id", &nid);
	if (rc)
		return rc;
	struct idem idem;
	req_idem(r, &idem, false);
	json_t *items = req_take(r, "items"), *photos = req_take(r, "photos");
	struct eval_score_input in = {.idem = &idem};
	if (!items) {
		ctx_field(&r->ctx, "items", "请为每个评分项打分");
	} else if (!json_is_array(items) || json_array_size(items) > EVAL_CRITERIA_MAX) {
		ctx_field(&r->ctx, "items", "评分应为每个评分项一个整数的数组");
	} else {
		size_t i;
		json_t *x;
		json_array_foreach(items, i, x) {
			json_t *v = json_is_object(x) ? json_object_get(x, "score") : x;
			if (!json_is_integer(v)) {
				ctx_field(&r->ctx, "items", "第 %zu 项的分数应为整数", i + 1);
				break;
			}
			json_int_t s = json_integer_value(v);
			in.items[in.nitems++] = s < -1 ? -1 : s > 1000 ? 1001 : (int)s;
		}
	}
	if (photos) {
		if (!json_is_array(photos) || json_array_size(photos) > EVAL_PHOTOS_MAX) {
			ctx_field(&r->ctx, "photos", "照片应为上传后返回的编号（hash）的数组，最多 %d 张", EVAL_PHOTOS_MAX);
		} else {
			size_t i;
			json_t *x;
			json_array_foreach(photos, i, x) {
				if (!json_is_string(x)) {
					ctx_field(&r->ctx, "photos", "第 %zu 张照片应为上传时返回的 hash 文本", i + 1);
					break;
				}
				in.photos[in.nphotos++] = json_string_value(x);
			}
		}
	}
	req_check_body(r, spec);
	in.note = req_str(r, "note");
	int64_t id = 0;
	bool replayed = false;
	if (ctx_check_fields(&r->ctx))
		rc = RC_INVALID;
	else
		rc = eval_score(&r->ctx, nid, &in, &id, &replayed);
	json_decref(items);
	json_decref(photos);
	if (rc)
		return rc;
	r->status = replayed ? 200 : 201;
	json_decref(r->out);
	r->out = json_pack("{s:I, s:I, s:b}", "id", (json_int_t)id, "nomination_id", (json_int_t)nid, "replayed", replayed);
	return RC_OK;
}

int api_eval_score_photo(struct req *r)
{
	return req_reply_photo(r, EVAL_PHOTOS_MAX, eval_score_photo);
}

int api_eval_object(struct req *r)
{
	static const struct jfield spec[] = {{"reason", J_STRING, true, 0, EVAL_REASON_MAX}, {0}};
	int64_t cid;
	int rc = req_path_id(r, "id", &cid);
	if (rc)
		return rc;
	struct idem idem;
	req_idem(r, &idem, false);
	if (req_check_body(r, spec))
		return RC_INVALID;
	int64_t id;
	bool replayed;
	if ((rc = eval_object(&r->ctx, cid, req_str(r, "reason"), &idem, &id, &replayed)))
		return rc;
	r->status = replayed ? 200 : 201;
	json_decref(r->out);
	r->out = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "campaign_id", (json_int_t)cid, "status", "open");
	return RC_OK;
}

int api_eval_objection_decide(struct req *r)
{
	static const struct jfield spec[] = {
		{"uphold", J_BOOL, true, 0, 0},
		{"reason", J_STRING, true, 0, EVAL_REASON_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	bool uphold = req_bool(r, "uphold", false);
	if ((rc = eval_objection_decide(&r->ctx, id, uphold, req_str(r, "reason"))))
		return rc;
	json_decref(r->out);
	r->out = json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", uphold ? "upheld" : "dismissed");
	return RC_OK;
}

int api_eval_public(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct eval_campaign e;
	if ((rc = eval_campaign_public(&r->ctx, id, &e)))
		return rc;
	json_decref(r->out);
	r->out = campaign_json(&e, true, true);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}
