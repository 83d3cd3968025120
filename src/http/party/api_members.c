/* Party building's endpoints of branches, party groups, members (with their status
 * changes), the member's own record, statistics and the roster import. */
#include "http/party/internal.h"

/* ---- branches and members ---- */

int api_party_branches(struct req *r)
{
	struct party_rows rows = {0};
	return pa_reply_items(r, party_branches(&r->ctx, pa_query_id(r, "unit"), &rows), &rows);
}

int api_party_branch_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX}, {"name", J_STRING, true, 0, PARTY_NAME_MAX * 2}, {0}};
	req_check_body(r, spec);
	int64_t id;
	return pa_reply_created(r, party_branch_create(&r->ctx, req_int(r, "village_id", 0), req_str(r, "name"), &id), &id);
}

int api_party_group_create(struct req *r)
{
	int64_t branch, id;
	int rc = req_path_id(r, "id", &branch);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{"name", J_STRING, true, 0, PARTY_NAME_MAX * 2}, {0}};
	req_check_body(r, spec);
	return pa_reply_created(r, party_group_create(&r->ctx, branch, req_str(r, "name"), &id), &id);
}

int api_party_members(struct req *r)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct party_rows rows = {0};
	rc = party_members(&r->ctx, pa_query_id(r, "unit"), pa_query_id(r, "branch"), req_query(r, "status"),
			   req_query(r, "q"), limit, offset, &rows);
	return pa_reply_page(r, rc, &rows, limit, offset);
}

static const struct jfield member_spec[] = {
	{"branch_id", J_INT, false, 1, ID_MAX},
	{"group_id", J_INT, false, 0, ID_MAX},
	{"name", J_STRING, false, 0, PARTY_NAME_MAX},
	{"gender", J_STRING, false, 0, 1},
	{"birth_date", J_STRING, false, 0, 10},
	{"education", J_STRING, false, 0, 10},
	{"kind", J_STRING, false, 0, 12},
	{"join_date", J_STRING, false, 0, 10},
	{"full_date", J_STRING, false, 0, 10},
	{"household_id", J_INT, false, 0, ID_MAX},
	{"resident_id", J_INT, false, 0, ID_MAX},
	{"phone", J_STRING, false, 0, 11},
	{"mobile", J_BOOL, false, 0, 0},
	{"mobile_place", J_STRING, false, 0, PARTY_TEXT_MAX / 4},
	{0},
};

static void member_input(struct req *r, struct party_member_input *in, bool create)
{
	in->branch_id = req_int(r, "branch_id", 0);
	in->group_id = req_has(r, "group_id") ? req_int(r, "group_id", 0) : (create ? 0 : -1);
	in->name = req_str(r, "name");
	in->gender = req_str(r, "gender");
	in->birth_date = req_str(r, "birth_date");
	in->education = req_str(r, "education");
	in->kind = req_str(r, "kind");
	in->join_date = req_str(r, "join_date");
	in->full_date = req_str(r, "full_date");
	in->household_id = req_has(r, "household_id") ? req_int(r, "household_id", 0) : (create ? 0 : -1);
	in->resident_id = req_has(r, "resident_id") ? req_int(r, "resident_id", 0) : (create ? 0 : -1);
	in->phone = req_str(r, "phone");
	in->mobile = req_has(r, "mobile") ? req_bool(r, "mobile", false) : (create ? 0 : -1);
	in->mobile_place = req_str(r, "mobile_place");
}

int api_party_member_create(struct req *r)
{
	struct idem idem;
	req_idem(r, &idem, false);
	req_check_body(r, member_spec);
	if (!req_has(r, "branch_id"))
		ctx_field(&r->ctx, "branch_id", "请选择党支部");
	struct party_member_input in = {0};
	member_input(r, &in, true);
	in.idem = &idem;
	int64_t id;
	return pa_reply_created(r, party_member_create(&r->ctx, &in, &id), &id);
}

int api_party_member_get(struct req *r)
{
	return pa_reply_by_id(r, party_member_get);
}

int api_party_member_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, member_spec);
	if (req_has(r, "branch_id"))
		ctx_field(&r->ctx, "branch_id", "转到其他支部请办理转出和转入");
	struct party_member_input in = {0};
	member_input(r, &in, false);
	return pa_reply_after(r, party_member_update(&r->ctx, id, &in), id, party_member_get);
}

int api_party_member_status(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	static const struct jfield spec[] = {{"action", J_STRING, true, 0, 20},
					     {"day", J_STRING, true, 0, 10},
					     {"note", J_STRING, false, 0, PARTY_TEXT_MAX},
					     {0}};
	req_check_body(r, spec);
	return pa_reply_after(r, party_member_status(&r->ctx, id, req_str(r, "action"), req_str(r, "day"), req_str(r, "note")), id, party_member_get);
}

int api_party_me(struct req *r)
{
	struct party_row row;
	return pa_reply_row(r, party_me(&r->ctx, &row), &row);
}

int api_party_stats(struct req *r)
{
	struct party_row row;
	return pa_reply_row(r, party_stats(&r->ctx, pa_query_id(r, "unit"), &row), &row);
}

/* ---- the member roster import ---- */

int api_party_member_import(struct req *r)
{
	int64_t branch = 0;
	bool dry;
	req_query_int(r, "branch", 1, ID_MAX, 0, &branch);
	req_query_flag(r, "dry_run", &dry);
	if (!branch)
		ctx_field(&r->ctx, "branch", "请选择党支部");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct party_import_result res;
	int rc = party_member_import(&r->ctx, branch, r->u->binary_body, r->u->binary_body_length, dry, &res);
	if (rc == RC_INVALID && res.nerrors > 0) {
		/* 400 with the standard envelope and every row's errors */
		json_t *rows = json_array();
		for (int i = 0; i < res.nerrors; i++)
			json_array_append_new(rows, json_pack("{s:i, s:s, s:s}", "row", res.errors[i].row, "column",
							       res.errors[i].column, "message", res.errors[i].message));
		json_t *body = json_pack("{s:{s:s, s:s, s:{}, s:o, s:i}}", "error", "code", req_code_for(RC_INVALID),
					 "message", r->ctx.err.message, "fields", "rows", rows, "errors_total",
					 res.errors_total);
		ulfius_set_json_body_response(r->resp, 400, body);
		json_decref(body);
		r->replied = true;
		return RC_OK;
	}
	if (rc)
		return rc;
	r->out = json_pack("{s:b, s:b, s:i, s:i}", "imported", !dry, "dry_run", dry != 0, "rows", res.rows, "created",
			   res.created);
	return RC_OK;
}

int api_party_member_template(struct req *r)
{
	char *data;
	size_t len;
	if (!r->ctx.actor)
		return ctx_fail(&r->ctx, RC_UNAUTHENTICATED, "请先登录");
	int rc = party_member_template(&r->ctx, &data, &len);
	if (rc)
		return rc;
	req_reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", NULL, data, len);
	free(data);
	/* 党员名册模板.xlsx, percent-encoded (RFC 5987), with an ASCII name for old clients */
	u_map_put(r->resp->map_header, "Content-Disposition",
		  "attachment; filename=\"party-members-template.xlsx\"; filename*=UTF-8''"
		  "%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx");
	return RC_OK;
}
