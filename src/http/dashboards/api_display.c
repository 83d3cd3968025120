/* Display tokens 大屏令牌 and the command-centre screen's data: GET /api/v1/display/{token}
 * answers without a login, with the unit's dashboard, its twelve months and the
 * villages' boundaries for the map. The token is accepted here only: anywhere else it is
 * no session, so it can change nothing. */
#include "domain/dashboards/dashboard.h"
#include "domain/dashboards/display.h"
#include "http/dashboards/dashboards.h"

static json_t *token_json(const struct display_token *t)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)t->id, "unit_id",
			 (json_int_t)t->unit_id, "unit_name", t->unit_name, "unit_kind", t->unit_kind, "name", t->name,
			 "created_by_name", t->created_by_name, "created_at", json_time(t->created_at), "revoked_at",
			 t->revoked_at ? json_time(t->revoked_at) : json_null());
}

int api_display_tokens_list(struct req *r)
{
	struct display_token *t;
	int n;
	int rc = display_tokens_list(&r->ctx, &t, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, token_json(&t[i]));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_display_token_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"unit_id", J_INT, true, 1, INT64_MAX / 2},
		{"name", J_STRING, true, 0, DISPLAY_NAME_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	char token[CRYPTO_TOKEN_HEX];
	int64_t id;
	int rc = display_token_create(&r->ctx, req_int(r, "unit_id", 0), req_str(r, "name"), token, &id);
	if (rc)
		return rc;
	r->out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "token", token, "path",
			   arena_printf(r->ctx.arena, "/admin/screen/%s", token));
	r->status = 201;
	return RC_OK;
}

int api_display_token_revoke(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = display_token_revoke(&r->ctx, id)))
		return rc;
	r->out = json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1);
	return RC_OK;
}

int api_display_get(struct req *r)
{
	struct display_token t;
	int rc = display_open(&r->ctx, u_map_get(r->u->map_url, "token"), &t, &r->actor);
	if (rc)
		return rc;
	r->ctx.actor = &r->actor;   /* read-only, for this request only */
	struct dashboard d;
	if ((rc = dashboard_get(&r->ctx, t.unit_id, req_query(r, "period"), &d)))
		return rc;
	struct dash_series *s = arena_alloc(r->ctx.arena, sizeof(*s));
	if (!s)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	if ((rc = dashboard_series(&r->ctx, t.unit_id, d.period.text, s)))
		return rc;
	struct display_shape *sh;
	int nsh;
	if ((rc = display_shapes(&r->ctx, t.unit_id, &sh, &nsh)))
		return rc;
	json_t *shapes = json_array();
	for (int i = 0; i < nsh; i++) {
		json_t *g = json_loads(sh[i].geometry, 0, NULL);
		if (!g)
			continue;   /* a boundary that is not JSON is left off the map */
		json_array_append_new(shapes, json_pack("{s:I, s:I, s:I, s:s, s:o}", "village_id",
							(json_int_t)sh[i].village_id, "town_id", (json_int_t)sh[i].town_id,
							"grid_id", (json_int_t)sh[i].grid_id, "village_name",
							sh[i].village_name, "geometry", g));
	}
	const char *tile_url, *tile_attribution;
	if ((rc = display_tiles(&r->ctx, t.unit_id, &tile_url, &tile_attribution))) {
		json_decref(shapes);
		return rc;
	}
	r->out = json_pack("{s:s, s:o, s:o, s:o, s:o, s:{s:s, s:s}}", "name", t.name, "dashboard", dashboard_json(&d),
			   "series", dashboard_series_json(r, s), "shapes", shapes, "now", json_time(r->ctx.now), "tiles",
			   "url", tile_url, "attribution", tile_attribution);
	return RC_OK;
}
