/* Org units and the role list. */
#include "domain/kernel/access.h"
#include "domain/kernel/org.h"
#include "http/kernel/kernel.h"

static json_t *unit_json(const struct org_unit *u)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:I}", "id", (json_int_t)u->id, "parent_id",
			 u->parent_id ? json_integer(u->parent_id) : json_null(), "kind", u->kind, "code",
			 u->code, "name", u->name, "households", (json_int_t)u->households);
}

int api_units_list(struct req *r)
{
	int64_t parent;
	if (req_query_int(r, "parent_id", 0, INT64_MAX / 2, 0, &parent))
		return RC_INVALID;
	struct org_unit *units;
	int n;
	int rc = org_list(&r->ctx, parent, &units, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, unit_json(&units[i]));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_unit_get(struct req *r)
{
	int64_t id;
	struct org_unit u;
	int rc = req_path_id(r, "id", &id);
	if (!rc)
		rc = org_read(&r->ctx, id, &u);
	if (!rc)
		rc = org_households(&r->ctx, &u);
	if (rc)
		return rc;
	r->out = unit_json(&u);
	return RC_OK;
}

int api_unit_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"parent_id", J_INT, true, 1, INT64_MAX / 2},
		{"kind", J_STRING, true, 1, 12},
		{"code", J_STRING, true, 1, ORG_CODE_MAX},
		{"name", J_STRING, true, 1, ORG_NAME_MAX},
		{0},
	};
	if (req_check_body(r, spec))
		return RC_INVALID;
	struct org_input in = {req_int(r, "parent_id", 0), req_str(r, "kind"), req_str(r, "code"),
			       req_str(r, "name")};
	int64_t id;
	int rc = org_create(&r->ctx, &in, &id);
	struct org_unit u;
	if (!rc)
		rc = org_get(&r->ctx, id, &u);
	if (rc)
		return rc;
	r->status = 201;
	r->out = unit_json(&u);
	return RC_OK;
}

int api_unit_update(struct req *r)
{
	static const struct jfield spec[] = {
		{"name", J_STRING, true, 1, ORG_NAME_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)))
		return rc;
	struct org_unit u;
	if ((rc = org_rename(&r->ctx, id, req_str(r, "name"))) || (rc = org_get(&r->ctx, id, &u)))
		return rc;
	r->out = unit_json(&u);
	return RC_OK;
}

int api_roles_list(struct req *r)
{
	json_t *items = json_array();
	for (const struct role_def *d = access_roles(); d->name; d++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "role", d->name, "label", d->label,
						       "unit_kinds", d->unit_kinds));
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}
