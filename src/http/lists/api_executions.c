/* Execution records over HTTP: the list (and the overdue board), starting one with an
 * idempotency key, one record with its step log and photos, completing a step, closing,
 * and the statistics with their XLSX. */
#include "http/lists/lists.h"
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

static json_t *photos_json(const char *base, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		char url[128];
		snprintf(url, sizeof(url), "%s/%d", base, i + 1);
		json_array_append_new(a, json_pack("{s:i, s:s}", "n", i + 1, "url", url));
	}
	return a;
}

static json_t *strings(const char *const *s, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

json_t *lists_exec_json(const struct list_execution *x, bool detail)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)x->id));
	json_object_set_new(o, "code", json_string(x->code));
	json_object_set_new(o, "item", json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)x->item_id, "code",
						 x->item_code, "name", x->item_name, "kind", x->item_kind, "section",
						 opt_str(x->item_section)));
	json_object_set_new(o, "village", json_pack("{s:I, s:s}", "id", (json_int_t)x->village_id, "name", x->village_name));
	json_object_set_new(o, "town", json_pack("{s:I, s:s}", "id", (json_int_t)x->town_id, "name", x->town_name));
	json_object_set_new(o, "title", json_string(x->title));
	json_object_set_new(o, "applicant", x->household_id ? json_pack("{s:I, s:s}", "household_id",
									(json_int_t)x->household_id, "name",
									x->applicant_name)
							    : json_null());
	json_object_set_new(o, "via", json_string(x->via));
	json_object_set_new(o, "state", json_string(x->state));
	json_object_set_new(o, "current", x->current_n ? json_pack("{s:i, s:s, s:s, s:s, s:o}", "n", x->current_n, "name",
								   x->current_name ? x->current_name : "", "role",
								   x->current_role ? x->current_role : "", "role_label",
								   lists_role_label(x->current_role), "due_at",
								   opt_time(x->current_due))
						       : json_null());
	json_object_set_new(o, "due_at", json_time(x->due_at));
	json_object_set_new(o, "overdue", json_boolean(x->overdue));
	json_object_set_new(o, "started_at", json_time(x->started_at));
	json_object_set_new(o, "closed_at", opt_time(x->closed_at));
	json_object_set_new(o, "outcome", opt_str(x->outcome));
	json_object_set_new(o, "outcome_text", x->outcome ? json_string(x->outcome_text) : json_null());
	json_object_set_new(o, "outcome_public", json_boolean(x->outcome_public));
	if (!detail)
		return o;
	char base[96];
	json_t *steps = json_array();
	for (int i = 0; i < x->nsteps; i++) {
		const struct list_exec_step *s = &x->steps[i];
		snprintf(base, sizeof(base), "/api/v1/executions/%lld/steps/%d/photos", (long long)x->id, s->s.n);
		json_array_append_new(steps, json_pack("{s:i, s:s, s:s, s:s, s:i, s:b, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:b}",
						       "n", s->s.n, "name", s->s.name, "role", s->s.role, "role_label",
						       lists_role_label(s->s.role), "limit_days", s->s.limit_days, "disclose",
						       s->s.disclose, "attachments", strings(s->s.attachments, s->s.nattachments),
						       "started_at", opt_time(s->started_at), "due_at", opt_time(s->due_at),
						       "done_at", opt_time(s->done_at), "done_by",
						       s->done_at ? json_pack("{s:I, s:s}", "id", (json_int_t)s->done_by, "name",
									      s->done_by_name)
								  : json_null(),
						       "note", s->note, "photos", photos_json(base, s->nphotos), "overdue",
						       s->overdue));
	}
	json_object_set_new(o, "steps", steps);
	json_object_set_new(o, "note", json_string(x->note));
	json_object_set_new(o, "materials", strings(x->materials, x->nmaterials));
	snprintf(base, sizeof(base), "/api/v1/executions/%lld/photos", (long long)x->id);
	json_object_set_new(o, "photos", photos_json(base, x->nphotos));
	json_object_set_new(o, "votes", x->has_votes ? json_pack("{s:i, s:i, s:i}", "for", x->votes_for, "against",
								 x->votes_against, "abstain", x->votes_abstain)
						     : json_null());
	json_object_set_new(o, "can", json_pack("{s:b, s:b}", "advance", x->can_advance, "close", x->can_close));
	return o;
}

static int exec_reply(struct req *r, int64_t id)
{
	struct list_execution x;
	int rc = lists_execution_get(&r->ctx, id, &x);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = lists_exec_json(&x, true);
	return RC_OK;
}

static int list_reply(struct req *r, struct list_query *q)
{
	struct list_execution *x;
	int n;
	int64_t total;
	int rc = lists_executions(&r->ctx, q, &x, &n, &total);
	if (rc)
		return rc;
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, lists_exec_json(&x[i], false));
	req_reply_page(r, a, total, q->limit, q->offset);
	return RC_OK;
}

int api_executions_list(struct req *r)
{
	struct list_query q = {0};
	req_query_int(r, "village", 1, ID_MAX, 0, &q.unit_id);
	if (!q.unit_id)
		req_query_int(r, "unit", 1, ID_MAX, 0, &q.unit_id);
	if (!q.unit_id)
		req_query_int(r, "unit_id", 1, ID_MAX, 0, &q.unit_id);
	req_query_flag(r, "on_time", &q.on_time);
	req_query_time(r, "from", false, &q.from);
	req_query_time(r, "to", true, &q.to);
	req_query_int(r, "item", 1, ID_MAX, 0, &q.item_id);
	req_query_flag(r, "mine", &q.mine);
	int rc = req_page(r, &q.limit, &q.offset);
	if (rc || ctx_check_fields(&r->ctx))
		return rc ? rc : RC_INVALID;
	q.kind = req_query(r, "kind");
	q.state = req_query(r, "state");
	return list_reply(r, &q);
}

int api_list_board(struct req *r)
{
	struct list_query q = {.board = true};
	req_query_int(r, "unit", 1, ID_MAX, 0, &q.unit_id);
	if (!q.unit_id)
		req_query_int(r, "unit_id", 1, ID_MAX, 0, &q.unit_id);
	int rc = req_page(r, &q.limit, &q.offset);
	if (rc || ctx_check_fields(&r->ctx))
		return rc ? rc : RC_INVALID;
	return list_reply(r, &q);
}

/* photos: an array of uploaded files' hashes, taken out of the body; *held keeps them
 * alive until the caller's json_decref. */
static int take_photos(struct req *r, const char **out, int *n, json_t **held)
{
	*held = req_take_hashes(r, "photos", out, LIST_PHOTOS_MAX, n, "照片应为上传后返回的编号（hash）的数组", "张",
				"照片");
	bool wrong = *held && *n < 0;
	*n = *n < 0 ? 0 : *n;
	return wrong ? RC_INVALID : RC_OK;
}

int api_execution_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"item_id", J_INT, true, 1, ID_MAX},
		{"title", J_STRING, true, 0, LIST_TITLE_MAX},
		{"note", J_STRING, false, 0, LIST_NOTE_MAX},
		{"household_id", J_INT, false, 1, ID_MAX},
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);   /* before the photos leave the body: they are part of the request */
	struct list_start in = {.idem = &idem};
	json_t *held;
	take_photos(r, in.photos, &in.nphotos, &held);
	req_check_body(r, spec);
	if (ctx_check_fields(&r->ctx)) {
		json_decref(held);
		return RC_INVALID;
	}
	in.item_id = req_int(r, "item_id", 0);
	in.title = req_str(r, "title");
	in.note = req_str(r, "note");
	in.household_id = req_int(r, "household_id", 0);
	int64_t id;
	bool replayed;
	int rc = lists_start(&r->ctx, &in, &id, &replayed);
	json_decref(held);
	if (rc)
		return rc;
	r->status = replayed ? 200 : 201;
	return exec_reply(r, id);
}

int api_execution_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : exec_reply(r, id);
}

static int photo_reply(struct req *r, int step)
{
	int64_t id;
	int n;
	char mime[16];
	const void *data;
	size_t len;
	int rc = req_path_photo(r, LIST_PHOTOS_MAX, &id, &n);
	if (!rc)
		rc = lists_photo(&r->ctx, id, step, n, mime, &data, &len);
	if (!rc)
		req_reply_image(r, mime, data, len);
	return rc;
}

int api_execution_photo(struct req *r)
{
	return photo_reply(r, 0);
}

static int step_param(struct req *r, int *step)
{
	const char *s = u_map_get(r->u->map_url, "step");
	int v = 0;
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p < '0' || *p > '9' || v > LIST_STEPS_MAX)
			return ctx_fail(&r->ctx, RC_NOT_FOUND, "没有这个步骤");
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v > LIST_STEPS_MAX)
		return ctx_fail(&r->ctx, RC_NOT_FOUND, "没有这个步骤");
	*step = v;
	return RC_OK;
}

int api_execution_step_photo(struct req *r)
{
	int step;
	int rc = step_param(r, &step);
	return rc ? rc : photo_reply(r, step);
}

static int vote(struct req *r, json_t *v, const char *name, int *out)
{
	json_t *x = json_object_get(v, name);
	if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > LIST_VOTES_MAX) {
		char f[24];
		snprintf(f, sizeof(f), "votes.%s", name);
		return ctx_field(&r->ctx, f, "票数应为 0 到 %d 的整数", LIST_VOTES_MAX);
	}
	*out = (int)json_integer_value(x);
	return RC_OK;
}

int api_execution_step(struct req *r)
{
	static const struct jfield spec[] = {{"note", J_STRING, false, 0, LIST_NOTE_MAX}, {0}};
	int64_t id;
	int step;
	int rc = req_path_id(r, "id", &id);
	if (!rc)
		rc = step_param(r, &step);
	if (rc)
		return rc;
	struct list_advance in = {0};
	json_t *held;
	take_photos(r, in.photos, &in.nphotos, &held);
	json_t *votes = json_object_get(r->body, "votes");
	if (votes && !json_is_null(votes)) {
		if (!json_is_object(votes)) {
			ctx_field(&r->ctx, "votes", "票数应为 {for, against, abstain}");
		} else {
			in.has_votes = true;
			vote(r, votes, "for", &in.votes_for);
			vote(r, votes, "against", &in.votes_against);
			vote(r, votes, "abstain", &in.votes_abstain);
		}
	}
	json_object_del(r->body, "votes");
	req_check_body(r, spec);
	if (ctx_check_fields(&r->ctx)) {
		json_decref(held);
		return RC_INVALID;
	}
	in.note = req_str(r, "note");
	rc = lists_advance(&r->ctx, id, step, &in);
	json_decref(held);
	if (rc)
		return rc;
	return exec_reply(r, id);
}

int api_execution_close(struct req *r)
{
	static const struct jfield spec[] = {
		{"outcome", J_STRING, true, 1, 20},
		{"outcome_text", J_STRING, false, 0, LIST_NOTE_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = lists_close(&r->ctx, id, req_str(r, "outcome"), req_str(r, "outcome_text"))))
		return rc;
	return exec_reply(r, id);
}

/* ---- statistics ---- */

/* from/to: "YYYY-MM-DD" (Asia/Shanghai; to is inclusive). */
static void query_day(struct req *r, const char *name, bool end, int64_t *out)
{
	*out = 0;
	const char *s = req_query(r, name);
	int64_t days;
	if (!s || !s[0])
		return;
	if (time_parse_date(s, &days))
		ctx_field(&r->ctx, name, "日期应为 YYYY-MM-DD");
	else
		*out = time_cn_midnight(days + (end ? 1 : 0));
}

static json_t *rate(int64_t num, int64_t den)
{
	return den ? json_real((double)((num * 10000 + den / 2) / den) / 10000.0) : json_null();
}

static json_t *row_json(const struct list_stats_row *s)
{
	json_t *o = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I}", "key", (json_int_t)s->key, "name", s->name ? s->name : "",
			      "n", (json_int_t)s->n, "closed", (json_int_t)s->closed, "on_time", (json_int_t)s->on_time,
			      "overdue_now", (json_int_t)s->overdue_now, "late", (json_int_t)s->late);
	json_object_set_new(o, "on_time_rate", rate(s->on_time, s->closed));
	json_object_set_new(o, "median_days", s->median_seconds >= 0
						      ? json_real((double)((s->median_seconds * 10 + 43200) / 86400) / 10.0)
						      : json_null());
	return o;
}

int api_list_stats(struct req *r)
{
	struct list_stats_query q = {0};
	req_query_int(r, "unit", 1, ID_MAX, 0, &q.unit_id);
	query_day(r, "from", false, &q.from);
	query_day(r, "to", true, &q.to);
	const char *format = req_query(r, "format");
	if (format && format[0] && strcmp(format, "xlsx") && strcmp(format, "json"))
		ctx_field(&r->ctx, "format", "格式应为 json 或 xlsx");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	q.group_by = req_query(r, "group_by");
	if (format && !strcmp(format, "xlsx")) {
		struct export_file f = {0};
		return req_reply_export(r, lists_stats_xlsx(&r->ctx, &q, &f), &f);
	}
	struct list_stats_row *rows, total;
	int n;
	int rc = lists_stats(&r->ctx, &q, &rows, &n, &total);
	if (rc)
		return rc;
	json_t *groups = json_array(), *late = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(groups, row_json(&rows[i]));
		if (rows[i].late && !(q.group_by && !strcmp(q.group_by, "item")))
			json_array_append_new(late, json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)rows[i].key, "name",
							      rows[i].name, "overdue_now", (json_int_t)rows[i].overdue_now,
							      "late", (json_int_t)rows[i].late));
	}
	r->out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "group_by",
			   q.group_by && !strcmp(q.group_by, "item") ? "item" : "village", "from", opt_time(q.from), "to",
			   opt_time(q.to), "total", row_json(&total), "groups", groups, "late_villages", late);
	return RC_OK;
}
