/* Accounts and role grants. */
#include "domain/register/account.h"
#include "http/register/register.h"

static json_t *user_json(struct req *r, const struct user_info *u)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)u->id, "phone", u->phone,
			 "name", u->name, "status", u->status, "resident_id",
			 u->resident_id ? json_integer(u->resident_id) : json_null(), "household_id",
			 u->household_id ? json_integer(u->household_id) : json_null(), "grants",
			 api_grants_json(&r->ctx, u->grants, u->ngrants));
}

int api_users_list(struct req *r)
{
	int64_t unit;
	int limit, offset;
	req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit);
	if (!req_query(r, "unit_id"))
		ctx_field(&r->ctx, "unit_id", "必填");
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct user_info *users;
	int n;
	int64_t total;
	if ((rc = account_user_list(&r->ctx, unit, limit, offset, &users, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, user_json(r, &users[i]));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

static int user_reply(struct req *r, int64_t id)
{
	struct user_info u;
	int rc = account_user_get(&r->ctx, id, &u);
	if (rc)
		return rc;
	r->out = user_json(r, &u);
	return RC_OK;
}

int api_user_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : user_reply(r, id);
}

int api_user_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"phone", J_STRING, true, 1, 20},
		{"name", J_STRING, true, 1, 20},
		{"password", J_STRING, true, 1, ACCOUNT_PASSWORD_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	int64_t id;
	int rc = account_user_add(&r->ctx, req_str(r, "phone"), req_str(r, "name"), req_str(r, "password"), &id);
	if (rc)
		return rc;
	r->status = 201;
	return user_reply(r, id);
}

static int grant_change(struct req *r, bool add)
{
	static const struct jfield spec[] = {
		{"role", J_STRING, true, 1, 24},
		{"unit_id", J_INT, true, 1, INT64_MAX / 2},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)))
		return rc;
	rc = add ? account_grant(&r->ctx, id, req_str(r, "role"), req_int(r, "unit_id", 0))
		 : account_revoke(&r->ctx, id, req_str(r, "role"), req_int(r, "unit_id", 0));
	return rc ? rc : user_reply(r, id);
}

int api_user_grant(struct req *r) { return grant_change(r, true); }
int api_user_revoke(struct req *r) { return grant_change(r, false); }
