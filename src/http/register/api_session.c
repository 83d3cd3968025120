/* Login, logout, who am I, password change and activation. */
#include "domain/kernel/access.h"
#include "domain/kernel/org.h"
#include "domain/register/account.h"
#include "http/register/register.h"

static void set_cookie(struct req *r, const char *token, int64_t max_age)
{
	ulfius_add_same_site_cookie_to_response(r->resp, "cz_session", token,
						max_age ? NULL : "Thu, 01 Jan 1970 00:00:00 GMT",
						(unsigned)max_age, NULL, "/", r->secure, 1, U_COOKIE_SAME_SITE_LAX);
}

/* A new session: its cookie, and 201 with the token, the user and the expiry. */
static int session_reply(struct req *r, const struct session *s)
{
	set_cookie(r, s->token, ACCOUNT_SESSION_TTL);
	r->status = 201;
	r->out = json_pack("{s:s, s:I, s:o}", "token", s->token, "user_id", (json_int_t)s->user_id,
			   "expires_at", json_time(s->expires_at));
	return RC_OK;
}

int api_session_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"phone", J_STRING, true, 1, 20},
		{"password", J_STRING, true, 1, ACCOUNT_PASSWORD_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct session s;
	int rc = account_login(&r->ctx, req_str(r, "phone"), req_str(r, "password"), &s);
	return rc ? rc : session_reply(r, &s);
}

int api_session_delete(struct req *r)
{
	int rc = account_logout(&r->ctx, r->token);
	if (rc)
		return rc;
	set_cookie(r, "", 0);
	r->out = json_pack("{s:b}", "ok", 1);
	return RC_OK;
}

json_t *api_grants_json(struct ctx *c, const struct grant *g, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		struct org_unit u;
		const struct role_def *rd = access_role(g[i].role);
		if (org_get(c, g[i].unit_id, &u) != RC_OK)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:s, s:s}", "role", g[i].role,
						     "role_label", rd ? rd->label : g[i].role, "unit_id",
						     (json_int_t)u.id, "unit_name", u.name, "unit_kind", u.kind));
	}
	return arr;
}

int api_session_get(struct req *r)
{
	const struct actor *a = r->ctx.actor;
	r->out = json_pack("{s:I, s:s, s:s, s:I, s:I, s:o}", "user_id", (json_int_t)a->user_id, "name",
			   a->name, "phone", a->phone, "resident_id", (json_int_t)a->resident_id,
			   "household_id", (json_int_t)a->household_id, "grants",
			   api_grants_json(&r->ctx, a->grants, a->ngrants));
	return RC_OK;
}

int api_password_change(struct req *r)
{
	static const struct jfield spec[] = {
		{"old_password", J_STRING, true, 1, ACCOUNT_PASSWORD_MAX},
		{"new_password", J_STRING, true, 1, ACCOUNT_PASSWORD_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	int rc = account_change_password(&r->ctx, req_str(r, "old_password"), req_str(r, "new_password"));
	if (rc)
		return rc;
	r->out = json_pack("{s:b}", "ok", 1);
	return RC_OK;
}

int api_activation_use(struct req *r)
{
	static const struct jfield spec[] = {
		{"phone", J_STRING, true, 1, 20},
		{"code", J_STRING, true, 1, 16},
		{"password", J_STRING, true, 1, ACCOUNT_PASSWORD_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct session s;
	int rc = account_activate(&r->ctx, req_str(r, "phone"), req_str(r, "code"), req_str(r, "password"), &s);
	return rc ? rc : session_reply(r, &s);
}
