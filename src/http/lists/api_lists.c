/* Lists 清单制 over HTTP: templates, a village's adopted lists and versions, and the
 * public pages' data. Items travel as JSON objects with arrays of texts and steps. */
#include "domain/kernel/org.h"
#include "http/lists/lists.h"
#include "util/timeutil.h"

#define ID_MAX (INT64_MAX / 2)

/* ---- JSON out ---- */

static json_t *strings(const char *const *s, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

static json_t *opt_str(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *step_json(const struct list_step *s)
{
	return json_pack("{s:i, s:s, s:s, s:s, s:i, s:b, s:o}", "n", s->n, "name", s->name, "role", s->role, "role_label",
			 lists_role_label(s->role), "limit_days", s->limit_days, "disclose", s->disclose, "attachments",
			 strings(s->attachments, s->nattachments));
}

json_t *lists_item_json(const struct list_item *it)
{
	json_t *steps = json_array();
	for (int i = 0; i < it->nsteps; i++)
		json_array_append_new(steps, step_json(&it->steps[i]));
	json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:s, s:o}", "id",
			      (json_int_t)it->id, "kind", it->kind, "section", opt_str(it->section), "code", it->code,
			      "name", it->name, "basis", it->basis ? it->basis : "", "role", it->role, "role_label",
			      lists_role_label(it->role), "time_limit_days", it->time_limit_days, "materials",
			      strings(it->materials, it->nmaterials), "risk_points", strings(it->risk_points, it->nrisks),
			      "supervise_contact", it->supervise_contact ? it->supervise_contact : "", "steps", steps);
	if (it->village_id) {
		json_object_set_new(o, "template_id", it->template_id ? json_integer((json_int_t)it->template_id) : json_null());
		json_object_set_new(o, "version", json_integer(it->version));
	} else {
		json_object_set_new(o, "county_id", json_integer((json_int_t)it->county_id));
	}
	json_object_set_new(o, "updated_at", json_time(it->updated_at));
	return o;
}

json_t *lists_version_json(const struct list_version *v)
{
	return json_pack("{s:I, s:i, s:o, s:{s:I, s:s}, s:{s:s, s:s, s:i, s:s}, s:i}", "id", (json_int_t)v->id, "n", v->n,
			 "adopted_at", json_time(v->adopted_at), "adopted_by", "id", (json_int_t)v->adopted_by, "name",
			 v->adopted_by_name, "meeting", "date", v->meeting_date, "title", v->meeting_title, "attendance",
			 v->attendance, "note", v->meeting_note, "nitems", v->nitems);
}

/* ---- JSON in ---- */

static void field_name(char *f, size_t n, const char *prefix, const char *name)
{
	snprintf(f, n, "%s%s", prefix, name);
}

static const char *get_str(struct req *r, json_t *o, const char *prefix, const char *name, bool *bad)
{
	json_t *v = json_object_get(o, name);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		char f[48];
		field_name(f, sizeof(f), prefix, name);
		ctx_field(&r->ctx, f, "%s应为文本", req_field_label(name));
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

static int get_int(struct req *r, json_t *o, const char *prefix, const char *name, int def)
{
	json_t *v = json_object_get(o, name);
	if (!v || json_is_null(v))
		return def;
	if (!json_is_integer(v) || json_integer_value(v) < -1000000 || json_integer_value(v) > 1000000) {
		char f[48];
		field_name(f, sizeof(f), prefix, name);
		ctx_field(&r->ctx, f, "%s应为整数", req_field_label(name));
		return def;
	}
	return (int)json_integer_value(v);
}

static int get_lines(struct req *r, json_t *o, const char *prefix, const char *name, const char **out)
{
	json_t *v = json_object_get(o, name);
	if (!v || json_is_null(v))
		return 0;
	char f[48];
	field_name(f, sizeof(f), prefix, name);
	if (!json_is_array(v)) {
		ctx_field(&r->ctx, f, "应为文本的数组");
		return 0;
	}
	if (json_array_size(v) > LIST_LINES_MAX) {
		ctx_field(&r->ctx, f, "最多 %d 项", LIST_LINES_MAX);
		return 0;
	}
	int n = 0;
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			ctx_field(&r->ctx, f, "第 %zu 项应为文本", i + 1);
			return 0;
		}
		out[n++] = json_string_value(e);
	}
	return n;
}

/* Adds a field error for every key of o not in the NULL-ended allowed. */
static void check_keys(struct req *r, json_t *o, const char *prefix, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = !strcmp(k, *a);
		if (!ok) {
			char f[48];
			snprintf(f, sizeof(f), "%s%.24s", prefix, k);
			ctx_field(&r->ctx, f, "未知字段");
		}
	}
}

/* Reads an item object into it (fields absent keep what it holds: a PATCH merges). */
static void item_from_json(struct req *r, json_t *o, const char *prefix, struct list_item *it)
{
	static const char *const keys[] = {"county_id", "kind", "section", "code", "name", "basis", "role",
					   "time_limit_days", "materials", "risk_points", "supervise_contact", "steps",
					   NULL};
	static const char *const step_keys[] = {"name", "role", "limit_days", "disclose", "attachments", NULL};
	check_keys(r, o, prefix, keys);
	bool bad = false;
	const char *s;
#define STR(name, dst)                                              \
	if (json_object_get(o, name))                               \
		(dst) = (s = get_str(r, o, prefix, name, &bad)) ? s : NULL;
	STR("kind", it->kind);
	STR("section", it->section);
	STR("code", it->code);
	STR("name", it->name);
	STR("basis", it->basis);
	STR("role", it->role);
	STR("supervise_contact", it->supervise_contact);
#undef STR
	it->time_limit_days = get_int(r, o, prefix, "time_limit_days", it->time_limit_days);
	if (json_object_get(o, "materials"))
		it->nmaterials = get_lines(r, o, prefix, "materials", it->materials);
	if (json_object_get(o, "risk_points"))
		it->nrisks = get_lines(r, o, prefix, "risk_points", it->risk_points);
	json_t *steps = json_object_get(o, "steps");
	if (!steps)
		return;
	char f[48];
	field_name(f, sizeof(f), prefix, "steps");
	if (!json_is_array(steps)) {
		ctx_field(&r->ctx, f, "应为步骤的数组");
		return;
	}
	if (json_array_size(steps) > LIST_STEPS_MAX) {
		ctx_field(&r->ctx, f, "最多 %d 步", LIST_STEPS_MAX);
		return;
	}
	it->nsteps = 0;
	size_t i;
	json_t *e;
	json_array_foreach(steps, i, e) {
		char sp[48];
		snprintf(sp, sizeof(sp), "%ssteps[%zu].", prefix, i);
		struct list_step *st = &it->steps[it->nsteps++];
		memset(st, 0, sizeof(*st));
		st->n = (int)i + 1;
		if (!json_is_object(e)) {
			ctx_field(&r->ctx, f, "第 %zu 步应为对象", i + 1);
			continue;
		}
		check_keys(r, e, sp, step_keys);
		st->name = get_str(r, e, sp, "name", &bad);
		st->role = get_str(r, e, sp, "role", &bad);
		st->limit_days = get_int(r, e, sp, "limit_days", 0);
		json_t *d = json_object_get(e, "disclose");
		if (d && !json_is_boolean(d)) {
			char df[48];
			field_name(df, sizeof(df), sp, "disclose");
			ctx_field(&r->ctx, df, "%s应为是或否", req_field_label("disclose"));
		}
		st->disclose = d && json_is_true(d);
		st->nattachments = get_lines(r, e, sp, "attachments", st->attachments);
	}
}

/* ---- templates ---- */

int api_list_templates(struct req *r)
{
	int64_t county;
	if (req_query_int(r, "county", 1, ID_MAX, 0, &county))
		return RC_INVALID;
	struct list_item *items;
	int n;
	int rc = lists_templates(&r->ctx, county, req_query(r, "kind"), &items, &n);
	if (rc)
		return rc;
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, lists_item_json(&items[i]));
	r->out = json_pack("{s:o}", "items", a);
	return RC_OK;
}

static int template_reply(struct req *r, int64_t id)
{
	struct list_item t;
	int rc = lists_template_get(&r->ctx, id, &t);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = lists_item_json(&t);
	return RC_OK;
}

int api_list_template_create(struct req *r)
{
	struct list_item *it = arena_alloc(r->ctx.arena, sizeof(*it));
	if (!it)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	it->county_id = json_is_integer(json_object_get(r->body, "county_id"))
				? (int64_t)json_integer_value(json_object_get(r->body, "county_id"))
				: 0;
	item_from_json(r, r->body, "", it);
	int64_t id;
	int rc = lists_template_create(&r->ctx, it, &id);
	if (rc)
		return rc;
	r->status = 201;
	return template_reply(r, id);
}

int api_list_template_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct list_item *it = arena_alloc(r->ctx.arena, sizeof(*it));
	if (!it)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	if ((rc = lists_template_get(&r->ctx, id, it)))
		return rc;
	item_from_json(r, r->body, "", it);
	if ((rc = lists_template_update(&r->ctx, id, it)))
		return rc;
	return template_reply(r, id);
}

/* ---- a village's lists ---- */

static int village_param(struct req *r, int64_t *village)
{
	int rc = req_query_int(r, "village", 1, ID_MAX, 0, village);
	if (rc)
		return rc;
	if (!*village)
		return ctx_field(&r->ctx, "village", "请选择村");
	return RC_OK;
}

static json_t *current_json(int64_t village_id, const char *village_name, const struct list_version *v, bool found,
			    const struct list_item *items, int n, bool public)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, lists_item_json(&items[i]));
	json_t *ver = json_null();
	if (found) {
		ver = lists_version_json(v);
		if (public) {
			json_object_del(ver, "adopted_by");
			json_object_del(ver, "id");
		}
	}
	return json_pack("{s:{s:I, s:s}, s:o, s:o}", "village", "id", (json_int_t)village_id, "name", village_name,
			 "version", ver, "items", a);
}

static int current(struct req *r, int64_t village, bool public)
{
	struct list_version v;
	bool found;
	struct list_item *items;
	int n;
	int rc = lists_current(&r->ctx, village, req_query(r, "kind"), public, &v, &found, &items, &n);
	if (rc)
		return rc;
	struct org_unit u;
	if ((rc = org_get(&r->ctx, village, &u)))
		return rc;
	r->out = current_json(village, u.name, &v, found, items, n, public);
	return RC_OK;
}

int api_lists_current(struct req *r)
{
	int64_t village;
	int rc = village_param(r, &village);
	return rc ? rc : current(r, village, false);
}

int api_list_item_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct list_item it;
	if ((rc = lists_item_get(&r->ctx, id, &it)))
		return rc;
	r->out = lists_item_json(&it);
	return RC_OK;
}

int api_list_versions(struct req *r)
{
	int64_t village;
	int rc = village_param(r, &village);
	if (rc)
		return rc;
	struct list_version *v;
	int n;
	if ((rc = lists_versions(&r->ctx, village, &v, &n)))
		return rc;
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, lists_version_json(&v[i]));
	r->out = json_pack("{s:o}", "items", a);
	return RC_OK;
}

int api_list_version_create(struct req *r)
{
	json_t *b = r->body;
	struct list_version_input in = {0};
	static const char *const keys[] = {"village", "meeting", "items", NULL};
	static const char *const meeting_keys[] = {"date", "title", "attendance", "note", NULL};
	check_keys(r, b, "", keys);
	json_t *vv = json_object_get(b, "village");
	if (!json_is_integer(vv) || json_integer_value(vv) < 1)
		ctx_field(&r->ctx, "village", "请选择村");
	else
		in.village_id = (int64_t)json_integer_value(vv);
	json_t *m = json_object_get(b, "meeting");
	if (!json_is_object(m)) {
		ctx_field(&r->ctx, "meeting", "请填写通过清单的会议");
	} else {
		bool bad = false;
		check_keys(r, m, "meeting.", meeting_keys);
		in.meeting_date = get_str(r, m, "meeting.", "date", &bad);
		in.meeting_title = get_str(r, m, "meeting.", "title", &bad);
		in.meeting_note = get_str(r, m, "meeting.", "note", &bad);
		in.attendance = get_int(r, m, "meeting.", "attendance", 0);
	}
	json_t *items = json_object_get(b, "items");
	if (!json_is_array(items)) {
		ctx_field(&r->ctx, "items", "应为事项的数组");
	} else if (json_array_size(items) > LIST_ITEMS_MAX) {
		ctx_field(&r->ctx, "items", "最多 %d 个事项", LIST_ITEMS_MAX);
	} else {
		size_t n = json_array_size(items);
		struct list_adopt *ad = arena_alloc(r->ctx.arena, sizeof(*ad) * (n ? n : 1));
		if (!ad)
			return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
		size_t i;
		json_t *e;
		json_array_foreach(items, i, e) {
			char f[48];
			snprintf(f, sizeof(f), "items[%zu]", i);
			if (!json_is_object(e)) {
				ctx_field(&r->ctx, f, "第 %zu 项应为对象", i + 1);
				continue;
			}
			json_t *t = json_object_get(e, "template_id");
			if (t && !json_is_null(t)) {
				static const char *const tkeys[] = {"template_id", NULL};
				snprintf(f, sizeof(f), "items[%zu].", i);
				check_keys(r, e, f, tkeys);
				if (!json_is_integer(t) || json_integer_value(t) < 1) {
					snprintf(f, sizeof(f), "items[%zu].template_id", i);
					ctx_field(&r->ctx, f, "第 %zu 项的模板编号无效", i + 1);
				} else {
					ad[i].template_id = (int64_t)json_integer_value(t);
				}
				continue;
			}
			struct list_item *it = arena_alloc(r->ctx.arena, sizeof(*it));
			if (!it)
				return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
			char prefix[32];
			snprintf(prefix, sizeof(prefix), "items[%zu].", i);
			item_from_json(r, e, prefix, it);
			ad[i].item = it;
		}
		in.items = ad;
		in.nitems = (int)n;
	}
	int64_t vid;
	int rc = lists_adopt(&r->ctx, &in, &vid);
	if (rc)
		return rc;
	struct list_version v;
	bool found;
	struct list_item *list;
	int n;
	if ((rc = lists_current(&r->ctx, in.village_id, NULL, false, &v, &found, &list, &n)))
		return rc;
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, lists_item_json(&list[i]));
	r->out = json_pack("{s:o, s:o}", "version", lists_version_json(&v), "items", a);
	r->status = 201;
	return RC_OK;
}

/* ---- public ---- */

int api_public_lists(struct req *r)
{
	int64_t village;
	int rc = req_path_id(r, "id", &village);
	return rc ? rc : current(r, village, true);
}

int api_public_list_outcomes(struct req *r)
{
	int64_t village;
	int limit, offset;
	int rc = req_path_id(r, "id", &village);
	if (!rc)
		rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct list_execution *x;
	int n;
	int64_t total;
	if ((rc = lists_public_outcomes(&r->ctx, village, limit, offset, &x, &n, &total)))
		return rc;
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		const struct list_execution *e = &x[i];
		json_t *steps = json_array();
		for (int k = 0; k < e->nsteps; k++)
			json_array_append_new(steps, json_pack("{s:i, s:s, s:o, s:s}", "n", e->steps[k].s.n, "name",
							       e->steps[k].s.name, "done_at",
							       e->steps[k].done_at ? json_time(e->steps[k].done_at) : json_null(),
							       "note", e->steps[k].note));
		json_t *votes = e->has_votes ? json_pack("{s:i, s:i, s:i}", "for", e->votes_for, "against", e->votes_against,
							 "abstain", e->votes_abstain)
					     : json_null();
		json_array_append_new(a, json_pack("{s:s, s:{s:s, s:s, s:o}, s:s, s:o, s:s, s:s, s:o, s:o}", "code", e->code,
						   "item", "name", e->item_name, "kind", e->item_kind, "section",
						   opt_str(e->item_section), "title", e->title, "closed_at",
						   json_time(e->closed_at), "outcome", e->outcome ? e->outcome : "",
						   "outcome_text", e->outcome_text, "votes", votes, "steps", steps));
	}
	req_reply_page(r, a, total, limit, offset);
	return RC_OK;
}
