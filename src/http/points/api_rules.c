/* The rule catalog (积分事项): categories, a unit's rules and versions, new versions. */
#include "domain/points/rules.h"
#include "http/points/points.h"
#include "util/utf8.h"

static json_t *opt_str(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *opt_id(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *rule_json(const struct point_rule *p)
{
	json_t *o = json_pack("{s:I, s:I, s:o, s:s, s:s, s:i, s:b, s:s, s:s, s:i, s:o, s:o, s:o}", "id",
			      (json_int_t)p->id, "unit_id", (json_int_t)p->unit_id, "template_id",
			      opt_id(p->template_id), "category", p->category, "name", p->name, "points",
			      p->points, "photo_required", p->photo_required, "claim_by", p->claim_by,
			      "claim_by_label", rules_claim_by_label(p->claim_by), "cap_count", p->cap_count,
			      "cap_period", opt_str(p->cap_period), "valid_from", opt_str(p->valid_from),
			      "valid_to", opt_str(p->valid_to));
	json_object_set_new(o, "added_version_id", json_integer(p->added_version));
	json_object_set_new(o, "added_version_no", json_integer(p->added_version_no));
	json_object_set_new(o, "retired_version_id", opt_id(p->retired_version));
	json_object_set_new(o, "retired_version_no",
			    p->retired_version ? json_integer(p->retired_version_no) : json_null());
	json_object_set_new(o, "in_force", json_boolean(!p->retired_version));
	return o;
}

static json_t *changes_json(const struct rule_change *ch, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:s, s:i}", "id", (json_int_t)ch[i].rule_id, "name",
						   ch[i].name ? ch[i].name : "", "points", ch[i].points));
	return a;
}

static json_t *version_json(const struct rule_version *v)
{
	return json_pack("{s:I, s:I, s:i, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o}", "id",
			 (json_int_t)v->id, "unit_id", (json_int_t)v->unit_id, "version_no", v->version_no,
			 "meeting_type", v->meeting_type ? v->meeting_type : "", "meeting_date",
			 v->meeting_date ? v->meeting_date : "", "note", v->note ? v->note : "",
			 "created_by", opt_id(v->created_by), "created_by_name",
			 v->created_by_name ? v->created_by_name : "", "created_at", json_time(v->created_at),
			 "added", changes_json(v->added, v->nadded), "retired",
			 changes_json(v->retired, v->nretired));
}

static json_t *str_array(const char *const *list)
{
	json_t *a = json_array();
	for (; list && *list; list++)
		json_array_append_new(a, json_string(*list));
	return a;
}

int api_rule_categories(struct req *r)
{
	json_t *items = json_array();
	for (const char *const *c = rules_categories; *c; c++)
		json_array_append_new(items, json_pack("{s:s, s:b}", "name", *c, "deduction",
						       !strcmp(*c, RULES_DEDUCTION_CATEGORY)));
	json_t *claim_by = json_array();
	static const char *const who[] = {"self", "grid", "cadre"};
	for (size_t i = 0; i < ARRAY_SIZE(who); i++)
		json_array_append_new(claim_by, json_pack("{s:s, s:s}", "value", who[i], "label",
							  rules_claim_by_label(who[i])));
	json_t *periods = json_array();
	static const char *const per[] = {"month", "quarter", "year"};
	for (size_t i = 0; i < ARRAY_SIZE(per); i++)
		json_array_append_new(periods, json_pack("{s:s, s:s}", "value", per[i], "label",
							 rules_period_label(per[i])));
	r->out = json_pack("{s:o, s:{s:o, s:o, s:o}, s:o, s:o}", "items", items, "meeting_types",
			   "village", str_array(rules_meeting_types("village")), "town",
			   str_array(rules_meeting_types("town")), "county",
			   str_array(rules_meeting_types("county")), "claim_by", claim_by, "cap_periods",
			   periods);
	return RC_OK;
}

int api_unit_rules_list(struct req *r)
{
	int64_t id;
	bool retired;
	int limit, offset;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_query_flag(r, "include_retired", &retired);
	if ((rc = req_page(r, &limit, &offset)))
		return rc;
	struct rule_query q = {.unit_id = id, .include_retired = retired, .limit = limit,
			       .offset = offset};
	struct point_rule *rules;
	int n;
	int64_t total;
	if ((rc = rules_list(&r->ctx, &q, &rules, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, rule_json(&rules[i]));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

int api_rule_get(struct req *r)
{
	int64_t id;
	struct point_rule p;
	int rc = req_path_id(r, "id", &id);
	if (!rc)
		rc = rules_read(&r->ctx, id, &p);
	if (rc)
		return rc;
	r->out = rule_json(&p);
	return RC_OK;
}

int api_unit_rule_versions_list(struct req *r)
{
	int64_t id;
	int limit, offset;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_page(r, &limit, &offset)))
		return rc;
	struct rule_version *vs;
	int n;
	int64_t total;
	if ((rc = rules_versions(&r->ctx, id, limit, offset, &vs, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, version_json(&vs[i]));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

/* ---- the body of a new version ---- */

static const char *item_field(struct req *r, const char *prefix, const char *name)
{
	const char *s = name ? arena_printf(r->ctx.arena, "%s.%s", prefix, name)
			     : arena_strdup(r->ctx.arena, prefix);
	return s ? s : prefix;
}

/* Checks one value against a field spec, naming it field. */
static void check_value(struct req *r, const char *field, const struct jfield *f, json_t *v)
{
	struct ctx *c = &r->ctx;
	bool ok = (f->type == J_STRING && json_is_string(v)) || (f->type == J_INT && json_is_integer(v)) ||
		  (f->type == J_BOOL && json_is_boolean(v)) || (f->type == J_NUMBER && json_is_number(v));
	if (!ok) {
		ctx_field(c, field, "%s应为%s", req_field_label(f->name), f->type == J_STRING ? "文本"
									 : f->type == J_INT  ? "整数"
									 : f->type == J_BOOL ? "是或否"
											     : "数字");
		return;
	}
	if (f->type == J_STRING) {
		const char *s = json_string_value(v);
		int64_t n = (int64_t)utf8_count(s);
		if (strlen(s) != json_string_length(v))
			ctx_field(c, field, "不能含空字符");
		else if (n < f->min)
			ctx_field(c, field, f->min == 1 ? "不能为空" : "至少 %lld 个字", (long long)f->min);
		else if (f->max && n > f->max)
			ctx_field(c, field, "最多 %lld 个字", (long long)f->max);
	} else if (f->type == J_INT) {
		json_int_t i = json_integer_value(v);
		if (i < f->min || i > f->max)
			ctx_field(c, field, "%s应在 %lld 到 %lld 之间", req_field_label(f->name), (long long)f->min,
				  (long long)f->max);
	}
}

/* Checks an array item that must be an object: unknown, missing and ill-typed fields,
 * each named "<prefix>.<field>". Returns false when the item is not an object. */
static bool check_item(struct req *r, const char *prefix, json_t *item, const struct jfield *spec)
{
	if (!json_is_object(item)) {
		ctx_field(&r->ctx, prefix, "应为对象");
		return false;
	}
	const char *key;
	json_t *v;
	json_object_foreach(item, key, v) {
		bool known = false;
		for (const struct jfield *f = spec; f->name && !known; f++)
			known = !strcmp(f->name, key);
		if (!known)
			ctx_field(&r->ctx, item_field(r, prefix, key), "未知字段");
	}
	for (const struct jfield *f = spec; f->name; f++) {
		v = json_object_get(item, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				ctx_field(&r->ctx, item_field(r, prefix, f->name), "必填");
			continue;
		}
		check_value(r, item_field(r, prefix, f->name), f, v);
	}
	return true;
}

static const char *item_str(json_t *item, const char *name)
{
	json_t *v = json_object_get(item, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t item_int(json_t *item, const char *name, int64_t def)
{
	json_t *v = json_object_get(item, name);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

static bool item_has(json_t *item, const char *name)
{
	json_t *v = json_object_get(item, name);
	return v && !json_is_null(v);
}

/* The array named name of the body, or NULL (absent, null, or not an array: reported). */
static json_t *body_array(struct req *r, const char *name)
{
	json_t *v = json_object_get(r->body, name);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		ctx_field(&r->ctx, name, "应为数组");
		return NULL;
	}
	if (json_array_size(v) > RULE_VERSION_CHANGES_MAX) {
		ctx_field(&r->ctx, name, "最多 %d 项", RULE_VERSION_CHANGES_MAX);
		return NULL;
	}
	return v;
}

static const struct jfield add_spec[] = {
	{"category", J_STRING, true, 1, 16},
	{"name", J_STRING, true, 1, RULE_NAME_MAX},
	{"points", J_INT, true, -RULE_POINTS_MAX, RULE_POINTS_MAX},
	{"photo_required", J_BOOL, false, 0, 0},
	{"claim_by", J_STRING, true, 1, 8},
	{"cap_count", J_INT, false, 0, RULE_CAP_MAX},
	{"cap_period", J_STRING, false, 1, 8},
	{"valid_from", J_STRING, false, 10, 10},
	{"valid_to", J_STRING, false, 10, 10},
	{0},
};

static const struct jfield adopt_spec[] = {
	{"template_id", J_INT, true, 1, INT64_MAX / 2},
	{"points", J_INT, false, -RULE_POINTS_MAX, RULE_POINTS_MAX},
	{"cap_count", J_INT, false, 0, RULE_CAP_MAX},
	{"cap_period", J_STRING, false, 1, 8},
	{0},
};

static const struct jfield retire_spec = {"retire", J_INT, true, 1, INT64_MAX / 2};

int api_unit_rule_version_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"meeting_type", J_STRING, true, 1, 20},
		{"meeting_date", J_STRING, true, 10, 10},
		{"note", J_STRING, false, 0, RULE_NOTE_MAX},
		{0},
	};
	static const char *const arrays[] = {"add", "retire", "adopt"};
	int64_t unit_id;
	int rc = req_path_id(r, "id", &unit_id);
	if (rc)
		return rc;
	if (!json_is_object(r->body))
		return req_check_body(r, spec);
	/* the scalar fields strictly, the arrays item by item below */
	json_t *full = r->body, *top = json_copy(full);
	if (!top)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	for (size_t i = 0; i < ARRAY_SIZE(arrays); i++)
		json_object_del(top, arrays[i]);
	r->body = top;
	req_check_body(r, spec);   /* its errors are reported with the ones below */
	r->body = full;
	json_decref(top);

	struct arena *a = r->ctx.arena;
	json_t *add = body_array(r, "add"), *retire = body_array(r, "retire"),
	       *adopt = body_array(r, "adopt");
	struct rule_version_input in = {
		.unit_id = unit_id,
		.meeting_type = req_str(r, "meeting_type"),
		.meeting_date = req_str(r, "meeting_date"),
		.note = req_str(r, "note"),
		.nadd = (int)json_array_size(add),
		.nretire = (int)json_array_size(retire),
		.nadopt = (int)json_array_size(adopt),
	};
	struct rule_input *adds = arena_alloc(a, sizeof(*adds) * (size_t)(in.nadd + 1));
	int64_t *retires = arena_alloc(a, sizeof(*retires) * (size_t)(in.nretire + 1));
	struct rule_adopt *adopts = arena_alloc(a, sizeof(*adopts) * (size_t)(in.nadopt + 1));
	if (!adds || !retires || !adopts)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	for (int i = 0; i < in.nadd; i++) {
		json_t *it = json_array_get(add, (size_t)i);
		if (!check_item(r, arena_printf(a, "add[%d]", i), it, add_spec))
			continue;
		adds[i] = (struct rule_input){
			.category = item_str(it, "category"),
			.name = item_str(it, "name"),
			.points = (int)item_int(it, "points", 0),
			.photo_required = json_is_true(json_object_get(it, "photo_required")),
			.claim_by = item_str(it, "claim_by"),
			.cap_count = (int)item_int(it, "cap_count", 0),
			.cap_period = item_str(it, "cap_period"),
			.valid_from = item_str(it, "valid_from"),
			.valid_to = item_str(it, "valid_to"),
		};
	}
	for (int i = 0; i < in.nretire; i++) {
		json_t *it = json_array_get(retire, (size_t)i);
		check_value(r, arena_printf(a, "retire[%d]", i), &retire_spec, it);
		retires[i] = json_is_integer(it) ? (int64_t)json_integer_value(it) : 0;
	}
	for (int i = 0; i < in.nadopt; i++) {
		json_t *it = json_array_get(adopt, (size_t)i);
		if (!check_item(r, arena_printf(a, "adopt[%d]", i), it, adopt_spec))
			continue;
		adopts[i] = (struct rule_adopt){
			.template_id = item_int(it, "template_id", 0),
			.set_points = item_has(it, "points"),
			.points = (int)item_int(it, "points", 0),
			.set_cap_count = item_has(it, "cap_count"),
			.cap_count = (int)item_int(it, "cap_count", 0),
			.set_cap_period = item_has(it, "cap_period"),
			.cap_period = item_str(it, "cap_period"),
		};
	}
	in.add = adds;
	in.retire = retires;
	in.adopt = adopts;

	int64_t version_id;
	rc = rules_version_create(&r->ctx, &in, &version_id);
	if (rc && rc != RC_INVALID)
		r->ctx.err.nfields = 0;   /* refused before the fields mattered */
	if (rc)
		return rc;
	struct rule_version v;
	if ((rc = rules_version_get(&r->ctx, version_id, &v)))
		return rc;
	r->status = 201;
	r->out = version_json(&v);
	return RC_OK;
}
