/* Grid work 网格 over HTTP: tags, the county's settings, patrols with tracks and
 * findings, compliance, positions and visits. */
#include "domain/grid/grid.h"
#include "http/grid/grid.h"
#include "util/num.h"
#include "util/timeutil.h"

#define ID_MAX (INT64_MAX / 2)

/* A finding's or a visit's photos (file hashes), taken out before the body is checked:
 * *n 0 when there are none. */
static json_t *grid_take_photos(struct req *r, const char **out, int *n)
{
	json_t *v = req_take_hashes(r, "photos", out, GRID_PHOTOS_MAX, n, "照片应为上传后返回的编号（hash）的数组", "张",
				    "照片");
	*n = *n < 0 ? 0 : *n;
	return v;
}

static json_t *opt_id(int64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static int64_t e6(double v)
{
	return (int64_t)(v * 1e6 + (v >= 0 ? 0.5 : -0.5));
}

static json_t *latlng(bool has, int64_t lat, int64_t lng)
{
	return has ? json_pack("{s:f, s:f}", "lat", (double)lat / 1e6, "lng", (double)lng / 1e6) : json_null();
}

/* lat and lng of a checked body, both or neither. */
static void body_location(struct req *r, bool *has, int64_t *lat, int64_t *lng)
{
	*has = false;
	if (req_has(r, "lat") != req_has(r, "lng")) {
		ctx_field(&r->ctx, req_has(r, "lat") ? "lng" : "lat", "经纬度应同时填写");
	} else if (req_has(r, "lat")) {
		*has = true;
		*lat = e6(req_number(r, "lat", 0));
		*lng = e6(req_number(r, "lng", 0));
	}
}

/* ---- tags ---- */

static json_t *tag_json(const struct grid_tag *t)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:b, s:s, s:b, s:i, s:i, s:b}", "id", (json_int_t)t->id, "county_id",
			 opt_id(t->county_id), "name", t->name, "icon", t->icon, "color", t->color, "sensitive",
			 t->sensitive, "roles", t->roles, "active", t->active, "order", t->ord, "visit_days",
			 t->visit_days, "person", t->person);
}

int api_tags_list(struct req *r)
{
	int64_t county = 0;
	int rc = req_query_int(r, "county_id", 1, ID_MAX, 0, &county);
	if (rc)
		return rc;
	struct grid_tag *tags;
	int n;
	if ((rc = grid_tags(&r->ctx, county, &tags, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, tag_json(&tags[i]));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

#define TAG_FIELDS                                                                                  \
	{"name", J_STRING, false, 0, GRID_TAG_NAME_MAX}, {"icon", J_STRING, false, 0, GRID_TAG_ICON_MAX}, \
	{"color", J_STRING, false, 0, 7}, {"roles", J_STRING, false, 0, 200},                           \
	{"sensitive", J_BOOL, false, 0, 0}, {"active", J_BOOL, false, 0, 0}, {"person", J_BOOL, false, 0, 0}

static int tag_reply(struct req *r, int64_t id)
{
	struct grid_tag *tags;
	int n;
	int rc = grid_tags(&r->ctx, 0, &tags, &n);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		if (tags[i].id == id) {
			r->out = tag_json(&tags[i]);
			return RC_OK;
		}
	r->out = json_pack("{s:I}", "id", (json_int_t)id);
	return RC_OK;
}

int api_tag_create(struct req *r)
{
	static const struct jfield spec[] = {{"county_id", J_INT, false, 1, ID_MAX}, TAG_FIELDS, {0}};
	req_check_body(r, spec);   /* reported together with the domain's checks */
	struct grid_tag_input in = {
		.county_id = req_int(r, "county_id", 0), .name = req_str(r, "name"), .icon = req_str(r, "icon"),
		.color = req_str(r, "color"), .roles = req_str(r, "roles"),
		.sensitive = req_has(r, "sensitive") ? req_bool(r, "sensitive", false) : -1, .active = -1,
		.person = req_has(r, "person") ? req_bool(r, "person", false) : -1,
	};
	int64_t id;
	int rc = grid_tag_create(&r->ctx, &in, &id);
	if (rc)
		return rc;
	r->status = 201;
	return tag_reply(r, id);
}

int api_tag_update(struct req *r)
{
	static const struct jfield spec[] = {TAG_FIELDS, {0}};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct grid_tag_input in = {
		.name = req_str(r, "name"), .icon = req_str(r, "icon"), .color = req_str(r, "color"),
		.roles = req_str(r, "roles"),
		.sensitive = req_has(r, "sensitive") ? req_bool(r, "sensitive", false) : -1,
		.active = req_has(r, "active") ? req_bool(r, "active", true) : -1,
		.person = req_has(r, "person") ? req_bool(r, "person", false) : -1,
	};
	if ((rc = grid_tag_update(&r->ctx, id, &in)))
		return rc;
	return tag_reply(r, id);
}

static json_t *tags_json(const struct grid_tag *tags, const int64_t *set_at, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = tag_json(&tags[i]);
		json_object_set_new(o, "set_at", json_time(set_at[i]));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *history_json(const struct grid_tag_change *h, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:o}", "tag_id", (json_int_t)h[i].tag_id, "tag_name",
						   h[i].tag_name, "action", h[i].action, "actor_name", h[i].actor_name, "at",
						   json_time(h[i].at)));
	return a;
}

static int household_tags_reply(struct req *r, int64_t id)
{
	struct grid_household_tags t;
	int rc = grid_household_tags(&r->ctx, id, &t);
	if (rc)
		return rc;
	json_t *residents = json_array();
	for (int i = 0; i < t.nresidents; i++) {
		const struct grid_resident_tags *p = &t.residents[i];
		json_array_append_new(residents, json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)p->resident_id,
							   "name", p->name, "relation", p->relation, "tags",
							   tags_json(p->tags, p->set_at, p->n), "history",
							   history_json(p->history, p->nhistory)));
	}
	json_decref(r->out);
	r->out = json_pack("{s:I, s:o, s:o, s:b, s:o}", "household_id", (json_int_t)id, "tags",
			   tags_json(t.tags, t.set_at, t.n), "history", history_json(t.history, t.nhistory), "can_edit",
			   t.can_edit, "residents", residents);
	return RC_OK;
}

int api_household_tags_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : household_tags_reply(r, id);
}

/* The body's tag_ids, checked (field errors in the context). */
static int body_tag_ids(struct req *r, int64_t *list, int *n)
{
	*n = 0;
	json_t *ids = req_take(r, "tag_ids");
	static const struct jfield spec[] = {{0}};
	req_check_body(r, spec);
	if (!ids || !json_is_array(ids))
		ctx_field(&r->ctx, "tag_ids", "标签应为编号的数组");
	else if (json_array_size(ids) > GRID_TAGS_MAX)
		ctx_field(&r->ctx, "tag_ids", "最多 %d 个标签", GRID_TAGS_MAX);
	else {
		size_t i;
		json_t *v;
		json_array_foreach(ids, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 1) {
				ctx_field(&r->ctx, "tag_ids", "第 %zu 个标签编号无效", i + 1);
				break;
			}
			list[(*n)++] = json_integer_value(v);
		}
	}
	json_decref(ids);
	return ctx_check_fields(&r->ctx) ? RC_INVALID : RC_OK;
}

int api_household_tags_put(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	int64_t list[GRID_TAGS_MAX];
	int n;
	if ((rc = body_tag_ids(r, list, &n)) || (rc = grid_household_tags_set(&r->ctx, id, list, n)))
		return rc;
	return household_tags_reply(r, id);
}

int api_resident_tags_put(struct req *r)
{
	int64_t id, household;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	int64_t list[GRID_TAGS_MAX];
	int n;
	if ((rc = body_tag_ids(r, list, &n)) || (rc = grid_resident_tags_set(&r->ctx, id, list, n, &household)))
		return rc;
	return household_tags_reply(r, household);
}

int api_household_locate(struct req *r)
{
	static const struct jfield spec[] = {{"lat", J_NUMBER, true, -90, 90}, {"lng", J_NUMBER, true, -180, 180}, {0}};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	int64_t lat = e6(req_number(r, "lat", 0)), lng = e6(req_number(r, "lng", 0));
	if ((rc = grid_household_locate(&r->ctx, id, lat, lng)))
		return rc;
	r->out = json_pack("{s:I, s:f, s:f}", "household_id", (json_int_t)id, "lat", (double)lat / 1e6, "lng", (double)lng / 1e6);
	return RC_OK;
}

int api_village_tagged(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	struct grid_map_household *hh;
	int n;
	if (rc || (rc = grid_village_households(&r->ctx, id, &hh, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *tags = json_array(), *rtags = json_array();
		for (int k = 0; k < hh[i].ntags; k++)
			json_array_append_new(tags, json_integer(hh[i].tag_ids[k]));
		for (int k = 0; k < hh[i].nresident_tags; k++)
			json_array_append_new(rtags, json_integer(hh[i].resident_tag_ids[k]));
		bool has = hh[i].has_coords;
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)hh[i].id,
						       "number", hh[i].number, "head_name", hh[i].head_name, "lat",
						       has ? json_real((double)hh[i].lat_e6 / 1e6) : json_null(), "lng",
						       has ? json_real((double)hh[i].lng_e6 / 1e6) : json_null(),
						       "grid_id", opt_id(hh[i].grid_id), "tag_ids", tags, "resident_tag_ids",
						       rtags));
	}
	r->out = json_pack("{s:o}", "households", items);
	return RC_OK;
}

/* ---- settings ---- */

static json_t *settings_json(const struct grid_settings *s)
{
	return json_pack("{s:I, s:i, s:i, s:i, s:i, s:i, s:s, s:s}", "county_id", (json_int_t)s->county_id,
			 "patrols_per_day", s->patrols_per_day, "min_minutes", s->min_minutes, "min_metres",
			 s->min_metres, "min_inside_pct", s->min_inside_pct, "retention_days", s->retention_days,
			 "tile_url", s->tile_url ? s->tile_url : "", "tile_attribution",
			 s->tile_attribution ? s->tile_attribution : "");
}

static int settings_reply(struct req *r, int64_t county)
{
	struct grid_settings s;
	struct grid_visit_rule *rules;
	int n;
	int rc = grid_settings_get(&r->ctx, county, &s, &rules, &n);
	if (rc)
		return rc;
	json_t *o = settings_json(&s), *vr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(vr, json_pack("{s:I, s:i}", "tag_id", (json_int_t)rules[i].tag_id, "days", rules[i].days));
	json_object_set_new(o, "visit_rules", vr);
	json_decref(r->out);
	r->out = o;
	return RC_OK;
}

int api_grid_settings_get(struct req *r)
{
	int64_t county = 0;
	int rc = req_query_int(r, "county_id", 1, ID_MAX, 0, &county);
	return rc ? rc : settings_reply(r, county);
}

int api_grid_settings_put(struct req *r)
{
	static const struct jfield spec[] = {
		{"county_id", J_INT, false, 1, ID_MAX},
		{"patrols_per_day", J_INT, true, 0, 10},
		{"min_minutes", J_INT, true, 0, 600},
		{"min_metres", J_INT, true, 0, 50000},
		{"min_inside_pct", J_INT, true, 0, 100},
		{"retention_days", J_INT, true, 2, 3650},
		{"tile_url", J_STRING, false, 0, 2000},
		{"tile_attribution", J_STRING, false, 0, 1000},
		{0},
	};
	json_t *rules = req_take(r, "visit_rules");
	req_check_body(r, spec);
	struct grid_visit_rule list[GRID_TAGS_MAX];
	int n = 0;
	if (rules && (!json_is_array(rules) || json_array_size(rules) > GRID_TAGS_MAX)) {
		ctx_field(&r->ctx, "visit_rules", "走访频次应为数组，最多 %d 条", GRID_TAGS_MAX);
	} else if (rules) {
		size_t i;
		json_t *v;
		json_array_foreach(rules, i, v) {
			json_t *t = json_object_get(v, "tag_id"), *d = json_object_get(v, "days");
			if (!json_is_integer(t) || !json_is_integer(d) || json_integer_value(d) < 1 ||
			    json_integer_value(d) > 366) {
				ctx_field(&r->ctx, "visit_rules", "第 %zu 条应为 {tag_id, days}，天数 1 到 366", i + 1);
				break;
			}
			list[n++] = (struct grid_visit_rule){json_integer_value(t), (int)json_integer_value(d)};
		}
	}
	bool set_rules = rules != NULL;
	json_decref(rules);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct grid_settings s = {
		.patrols_per_day = (int)req_int(r, "patrols_per_day", 0), .min_minutes = (int)req_int(r, "min_minutes", 0),
		.min_metres = (int)req_int(r, "min_metres", 0), .min_inside_pct = (int)req_int(r, "min_inside_pct", 0),
		.retention_days = (int)req_int(r, "retention_days", 0), .tile_url = req_str(r, "tile_url"),
		.tile_attribution = req_str(r, "tile_attribution"),
	};
	int64_t county = req_int(r, "county_id", 0);
	int rc = grid_settings_put(&r->ctx, county, &s, list, n, set_rules);
	return rc ? rc : settings_reply(r, county);
}

/* ---- patrols ---- */

static json_t *stats_json(const struct grid_patrol *p)
{
	return json_pack("{s:i, s:i, s:I, s:I, s:i}", "points", p->stats.points, "inside_points", p->stats.inside,
			 "length_m", (json_int_t)p->stats.length_m, "duration_s", (json_int_t)p->stats.duration_s,
			 "inside_pct", p->stats.points ? p->stats.inside * 100 / p->stats.points : 0);
}

static json_t *patrol_json(const struct grid_patrol *p)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:s, s:I, s:s, s:s, s:o, s:o, s:b, s:b}", "id", (json_int_t)p->id,
			      "grid_id", (json_int_t)p->grid_id, "grid_name", p->grid_name, "village_id",
			      (json_int_t)p->village_id, "village_name", p->village_name, "user_id",
			      (json_int_t)p->user_id, "user_name", p->user_name, "day", p->day, "started_at",
			      json_time(p->started_at), "ended_at", p->ended_at ? json_time(p->ended_at) : json_null(),
			      "open", p->ended_at == 0, "qualified", p->qualified);
	json_object_set_new(o, "stats", stats_json(p));
	return o;
}

static int patrol_reply(struct req *r, int64_t id)
{
	struct grid_patrol p;
	int rc = grid_patrol_get(&r->ctx, id, &p);
	if (rc)
		return rc;
	json_t *o = patrol_json(&p), *track = json_array(), *findings = json_array();
	for (int i = 0; i < p.ntrack; i++)
		json_array_append_new(track, json_pack("{s:I, s:o, s:f, s:f, s:b}", "seq", (json_int_t)p.track[i].seq, "at",
						       json_time(p.track[i].at), "lat", (double)p.track[i].lat_e6 / 1e6,
						       "lng", (double)p.track[i].lng_e6 / 1e6, "inside", p.track[i].inside));
	for (int i = 0; i < p.nfindings; i++) {
		const struct grid_finding *f = &p.findings[i];
		json_t *photos = json_array();
		for (int k = 0; k < f->nphotos; k++) {
			char url[96];
			snprintf(url, sizeof(url), "/api/v1/patrol-findings/%lld/photos/%d", (long long)f->id, k + 1);
			json_array_append_new(photos, json_pack("{s:i, s:s}", "n", k + 1, "url", url));
		}
		json_array_append_new(findings, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)f->id,
							  "category", f->category, "note", f->note, "location",
							  latlng(f->has_location, f->lat_e6, f->lng_e6), "event_id",
							  opt_id(f->event_id), "created_at", json_time(f->created_at),
							  "photos", photos));
	}
	json_object_set_new(o, "track", track);
	json_object_set_new(o, "findings", findings);
	json_t *b = p.boundary ? json_loads(p.boundary, 0, NULL) : NULL;
	json_object_set_new(o, "boundary", b ? b : json_null());
	json_decref(r->out);
	r->out = o;
	return RC_OK;
}

int api_patrols_list(struct req *r)
{
	struct grid_patrol_query q = {0};
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &q.unit_id);
	req_query_int(r, "user_id", 1, ID_MAX, 0, &q.user_id);
	q.day = req_query(r, "day");
	if (q.day && !time_date_valid(q.day))
		ctx_field(&r->ctx, "day", "日期应为 YYYY-MM-DD");
	int rc = req_page(r, &q.limit, &q.offset);
	if (rc || ctx_check_fields(&r->ctx))
		return rc ? rc : RC_INVALID;
	struct grid_patrol *list;
	int n;
	int64_t total;
	if ((rc = grid_patrols(&r->ctx, &q, &list, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, patrol_json(&list[i]));
	req_reply_page(r, items, total, q.limit, q.offset);
	return RC_OK;
}

int api_patrol_start(struct req *r)
{
	static const struct jfield spec[] = {{"grid_id", J_INT, false, 1, ID_MAX}, {0}};
	struct idem idem;
	req_idem(r, &idem, false);
	req_check_body(r, spec);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	int64_t id;
	int rc = grid_patrol_start(&r->ctx, req_int(r, "grid_id", 0), &idem, &id);
	if (rc)
		return rc;
	r->status = 201;
	return patrol_reply(r, id);
}

int api_patrol_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : patrol_reply(r, id);
}

/* A JSON number as an integer in range, for the points of a batch. */
static bool num_in(json_t *v, double lo, double hi, double *out)
{
	if (!json_is_number(v))
		return false;
	*out = json_number_value(v);
	return *out >= lo && *out <= hi;
}

int api_patrol_points(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	json_t *pts = req_take(r, "points");
	static const struct jfield spec[] = {{0}};
	req_check_body(r, spec);
	struct track_point *list = NULL;
	int n = 0;
	if (!pts || !json_is_array(pts) || json_array_size(pts) < 1 || json_array_size(pts) > GRID_BATCH_MAX) {
		ctx_field(&r->ctx, "points", "轨迹点应为数组，每批 1 到 %d 个", GRID_BATCH_MAX);
	} else {
		list = arena_alloc(r->ctx.arena, sizeof(*list) * json_array_size(pts));
		size_t i;
		json_t *v;
		json_array_foreach(pts, i, v) {
			double seq, at, lat, lng;
			if (!json_is_object(v) || !num_in(json_object_get(v, "seq"), 0, INT32_MAX, &seq) ||
			    !num_in(json_object_get(v, "at"), 0, 4102444800.0, &at) ||
			    !num_in(json_object_get(v, "lat"), -90, 90, &lat) ||
			    !num_in(json_object_get(v, "lng"), -180, 180, &lng)) {
				ctx_field(&r->ctx, "points", "第 %zu 个点应为 {seq, at（秒）, lat, lng}", i + 1);
				break;
			}
			list[n++] = (struct track_point){(int64_t)seq, (int64_t)at, e6(lat), e6(lng), false};
		}
	}
	json_decref(pts);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	int added;
	if ((rc = grid_patrol_points(&r->ctx, id, list, n, &added)))
		return rc;
	struct grid_patrol p;
	if ((rc = grid_patrol_get(&r->ctx, id, &p)))
		return rc;
	r->out = json_pack("{s:i, s:o, s:b}", "added", added, "stats", stats_json(&p), "qualified", p.qualified);
	return RC_OK;
}

int api_patrol_end(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{0}};
	if (req_check_body(r, spec))
		return RC_INVALID;
	if ((rc = grid_patrol_end(&r->ctx, id)))
		return rc;
	return patrol_reply(r, id);
}

int api_patrol_finding(struct req *r)
{
	static const struct jfield spec[] = {
		{"category", J_STRING, true, 0, GRID_CATEGORY_MAX},
		{"note", J_STRING, true, 0, GRID_NOTE_MAX},
		{"lat", J_NUMBER, false, -90, 90},
		{"lng", J_NUMBER, false, -180, 180},
		{"event_category_id", J_INT, false, 1, ID_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct idem idem;
	req_idem(r, &idem, false);
	struct grid_finding_input in = {.idem = &idem};
	json_t *photos = grid_take_photos(r, in.photos, &in.nphotos);
	req_check_body(r, spec);
	body_location(r, &in.has_location, &in.lat_e6, &in.lng_e6);
	in.category = req_str(r, "category");
	in.note = req_str(r, "note");
	in.event_category_id = req_int(r, "event_category_id", 0);
	int64_t fid;
	/* field errors so far are reported together with the domain's checks */
	rc = grid_finding_add(&r->ctx, id, &in, &fid);
	json_decref(photos);
	if (rc)
		return rc;
	struct grid_patrol p;
	if ((rc = grid_patrol_get(&r->ctx, id, &p)))
		return rc;
	int64_t event_id = 0;
	for (int i = 0; i < p.nfindings; i++)
		if (p.findings[i].id == fid)
			event_id = p.findings[i].event_id;
	r->status = 201;
	r->out = json_pack("{s:I, s:I, s:o}", "id", (json_int_t)fid, "patrol_id", (json_int_t)id, "event_id",
			   opt_id(event_id));
	return RC_OK;
}

int api_finding_event(struct req *r)
{
	static const struct jfield spec[] = {{"category_id", J_INT, true, 1, ID_MAX}, {0}};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	if (req_check_body(r, spec))
		return RC_INVALID;
	int64_t event_id;
	if ((rc = grid_finding_to_event(&r->ctx, id, req_int(r, "category_id", 0), &event_id)))
		return rc;
	r->status = 201;
	r->out = json_pack("{s:I, s:I}", "id", (json_int_t)id, "event_id", (json_int_t)event_id);
	return RC_OK;
}

int api_finding_photo(struct req *r)
{
	return req_reply_photo(r, GRID_PHOTOS_MAX, grid_finding_photo);
}

int api_patrol_compliance(struct req *r)
{
	int64_t unit = 0;
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit);
	if (!unit)
		ctx_field(&r->ctx, "unit_id", "请指定单位");
	char today[11];
	time_format_date(r->ctx.now, today);
	const char *from = req_query(r, "from"), *to = req_query(r, "to");
	if (!to || !to[0])
		to = today;
	if (!from || !from[0])
		from = to;
	bool compliant = false;   /* only the workers and days that met the target */
	req_query_flag(r, "compliant", &compliant);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct grid_compliance *rows;
	struct grid_settings s;
	int n;
	int rc = grid_compliance(&r->ctx, unit, from, to, &rows, &n, &s);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		if (compliant && !rows[i].compliant)
			continue;
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:i, s:i, s:I, s:I, s:o, s:b}", "user_id",
						       (json_int_t)rows[i].user_id, "user_name", rows[i].user_name,
						       "unit_name", rows[i].unit_name, "day", rows[i].day, "patrols",
						       rows[i].patrols, "qualified", rows[i].qualified, "length_m",
						       (json_int_t)rows[i].length_m, "duration_s", (json_int_t)rows[i].duration_s,
						       "inside_pct", rows[i].inside_pct >= 0 ? json_integer(rows[i].inside_pct)
											  : json_null(),
						       "compliant", rows[i].compliant));
	}
	r->out = json_pack("{s:o, s:o}", "items", items, "target", settings_json(&s));
	return RC_OK;
}

/* ---- positions ---- */

static json_t *position_json(const struct grid_position *p, int64_t now)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:I, s:f, s:f, s:i}", "user_id", (json_int_t)p->user_id, "user_name",
			 p->user_name, "unit_name", p->unit_name, "at", json_time(p->at), "age_s",
			 (json_int_t)(now - p->at), "lat", (double)p->lat_e6 / 1e6, "lng", (double)p->lng_e6 / 1e6,
			 "accuracy_m", p->accuracy_m);
}

int api_positions_add(struct req *r)
{
	json_t *pts = req_take(r, "points");
	static const struct jfield spec[] = {{0}};
	req_check_body(r, spec);
	struct grid_position *list = NULL;
	int n = 0;
	if (!pts || !json_is_array(pts) || json_array_size(pts) < 1 || json_array_size(pts) > GRID_BATCH_MAX) {
		ctx_field(&r->ctx, "points", "位置应为数组，每批 1 到 %d 个", GRID_BATCH_MAX);
	} else {
		list = arena_alloc(r->ctx.arena, sizeof(*list) * json_array_size(pts));
		size_t i;
		json_t *v;
		json_array_foreach(pts, i, v) {
			double at, lat, lng, acc = 0;
			json_t *a = json_is_object(v) ? json_object_get(v, "accuracy") : NULL;
			if (!json_is_object(v) || !num_in(json_object_get(v, "at"), 0, 4102444800.0, &at) ||
			    !num_in(json_object_get(v, "lat"), -90, 90, &lat) ||
			    !num_in(json_object_get(v, "lng"), -180, 180, &lng) || (a && !num_in(a, 0, 100000, &acc))) {
				ctx_field(&r->ctx, "points", "第 %zu 个位置应为 {at（秒）, lat, lng, accuracy}", i + 1);
				break;
			}
			list[n++] = (struct grid_position){.at = (int64_t)at, .lat_e6 = e6(lat), .lng_e6 = e6(lng),
							   .accuracy_m = (int)acc};
		}
	}
	json_decref(pts);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	int added;
	int rc = grid_positions_add(&r->ctx, list, n, &added);
	if (rc)
		return rc;
	r->status = 201;
	r->out = json_pack("{s:i}", "added", added);
	return RC_OK;
}

int api_positions_last(struct req *r)
{
	int64_t unit = 0;
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit);
	if (!unit)
		ctx_field(&r->ctx, "unit_id", "请指定单位");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct grid_position *list;
	int n;
	int rc = grid_positions_last(&r->ctx, unit, &list, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, position_json(&list[i], r->ctx.now));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_positions_mine(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct grid_position *list;
	int n;
	int64_t total;
	if ((rc = grid_positions_mine(&r->ctx, limit, &list, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, position_json(&list[i], r->ctx.now));
	req_reply_page(r, items, total, limit, 0);
	return RC_OK;
}

/* ---- visits ---- */

int api_visits_list(struct req *r)
{
	struct grid_visit_query q = {0};
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &q.unit_id);
	req_query_int(r, "household_id", 1, ID_MAX, 0, &q.household_id);
	int rc = req_page(r, &q.limit, &q.offset);
	if (rc || ctx_check_fields(&r->ctx))
		return rc ? rc : RC_INVALID;
	struct grid_visit *list;
	int n;
	int64_t total;
	if ((rc = grid_visits(&r->ctx, &q, &list, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		const struct grid_visit *v = &list[i];
		json_t *photos = json_array();
		for (int k = 0; k < v->nphotos; k++) {
			char url[96];
			snprintf(url, sizeof(url), "/api/v1/visits/%lld/photos/%d", (long long)v->id, k + 1);
			json_array_append_new(photos, json_pack("{s:i, s:s}", "n", k + 1, "url", url));
		}
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:o, s:s, s:o, s:o, s:o}", "id",
						       (json_int_t)v->id, "household_id", (json_int_t)v->household_id,
						       "household_number", v->household_number, "head_name", v->head_name,
						       "user_id", (json_int_t)v->user_id, "user_name", v->user_name,
						       "visited_at", json_time(v->visited_at), "notes", v->notes,
						       "location", latlng(v->has_location, v->lat_e6, v->lng_e6),
						       "distance_m", v->distance_m >= 0 ? json_integer(v->distance_m) : json_null(),
						       "photos", photos));
	}
	req_reply_page(r, items, total, q.limit, q.offset);
	return RC_OK;
}

int api_visit_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"household_id", J_INT, true, 1, ID_MAX},
		{"notes", J_STRING, true, 0, GRID_NOTE_MAX},
		{"lat", J_NUMBER, false, -90, 90},
		{"lng", J_NUMBER, false, -180, 180},
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);
	struct grid_visit_input in = {.idem = &idem};
	json_t *photos = grid_take_photos(r, in.photos, &in.nphotos);
	req_check_body(r, spec);
	body_location(r, &in.has_location, &in.lat_e6, &in.lng_e6);
	in.household_id = req_int(r, "household_id", 0);
	in.notes = req_str(r, "notes");
	int64_t id;
	int rc = grid_visit_add(&r->ctx, &in, &id);
	json_decref(photos);
	if (rc)
		return rc;
	struct grid_visit_query q = {.household_id = in.household_id, .limit = 1};
	struct grid_visit *list;
	int n;
	int64_t total;
	if ((rc = grid_visits(&r->ctx, &q, &list, &n, &total)))
		return rc;
	r->status = 201;
	r->out = json_pack("{s:I, s:I, s:o}", "id", (json_int_t)id, "household_id", (json_int_t)in.household_id,
			   "distance_m", n && list[0].id == id && list[0].distance_m >= 0 ? json_integer(list[0].distance_m)
										 : json_null());
	return RC_OK;
}

int api_visits_due(struct req *r)
{
	int64_t unit = 0, within = 7;
	bool overdue;
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit);
	req_query_int(r, "within_days", 0, 366, 7, &within);
	req_query_flag(r, "overdue", &overdue);
	if (!unit)
		ctx_field(&r->ctx, "unit_id", "请指定单位");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct grid_visit_due *list;
	int n;
	int rc = grid_visits_due(&r->ctx, unit, within * 86400, overdue, &list, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	int overdue_n = 0;
	for (int i = 0; i < n; i++) {
		overdue_n += list[i].overdue;
		json_array_append_new(items, json_pack("{s:I, s:o, s:s, s:s, s:s, s:i, s:o, s:o, s:b}", "household_id",
						       (json_int_t)list[i].household_id, "grid_id", opt_id(list[i].grid_id),
						       "number", list[i].number, "head_name", list[i].head_name, "tags",
						       list[i].tags, "days", list[i].days, "last_visit",
						       list[i].last_visit ? json_time(list[i].last_visit) : json_null(),
						       "due_at", json_time(list[i].due_at), "overdue", list[i].overdue));
	}
	r->out = json_pack("{s:o, s:i}", "items", items, "overdue", overdue_n);
	return RC_OK;
}

int api_visit_photo(struct req *r)
{
	return req_reply_photo(r, GRID_PHOTOS_MAX, grid_visit_photo);
}
