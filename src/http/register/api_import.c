/* Roster import over HTTP: the file as the raw request body, every row error in the
 * reply, and the template to fill in. */
#include "domain/register/roster.h"
#include "http/register/register.h"

/* 400 with the standard envelope plus the row errors. */
static void reply_row_errors(struct req *r, const struct roster_result *res)
{
	json_t *rows = json_array();
	for (int i = 0; i < res->nerrors; i++)
		json_array_append_new(rows, json_pack("{s:i, s:s, s:s}", "row", res->errors[i].row,
						       "column", res->errors[i].column, "message",
						       res->errors[i].message));
	json_t *body = json_pack("{s:{s:s, s:s, s:{}, s:o, s:i}}", "error", "code", req_code_for(RC_INVALID),
				 "message", r->ctx.err.message, "fields", "rows", rows, "errors_total",
				 res->errors_total);
	ulfius_set_json_body_response(r->resp, 400, body);
	json_decref(body);
	r->replied = true;
}

int api_import_households(struct req *r)
{
	int64_t village;
	bool dry;
	req_query_int(r, "village_id", 1, INT64_MAX / 2, 0, &village);
	req_query_flag(r, "dry_run", &dry);
	if (!village)
		ctx_field(&r->ctx, "village_id", "必填");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	const char *data = r->u->binary_body;
	size_t len = r->u->binary_body_length;
	if (!data || len == 0)
		return ctx_fail(&r->ctx, RC_INVALID, "请上传花名册文件（CSV 或 XLSX）作为请求体");

	struct roster_result res;
	int rc = dry ? roster_check(&r->ctx, village, data, len, &res)
		     : roster_import(&r->ctx, village, data, len, &res);
	if (rc == RC_INVALID && res.nerrors > 0) {
		reply_row_errors(r, &res);
		return RC_OK;
	}
	if (rc)
		return rc;
	r->out = json_pack("{s:b, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "imported", !dry, "dry_run",
			   dry, "rows", res.rows, "households_created", res.households_created,
			   "households_updated", res.households_updated, "residents_created",
			   res.residents_created, "residents_updated", res.residents_updated, "unchanged",
			   res.unchanged, "tags_set", res.tags_set, "resident_tags_set", res.resident_tags_set);
	return RC_OK;
}

int api_import_template(struct req *r)
{
	const char *format = req_query(r, "format");
	if (!format)
		format = "xlsx";
	char *data;
	size_t len;
	int rc = roster_template(&r->ctx, format, &data, &len);
	if (rc)
		return rc;
	bool xlsx = !strcmp(format, "xlsx");
	req_reply_bytes(r, 200,
			xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			     : "text/csv; charset=utf-8",
			NULL, data, len);
	free(data);
	/* an ASCII name for old clients, the Chinese one (RFC 6266 / 5987) for the rest:
	 * 村民花名册模板 percent-encoded */
	u_map_put(r->resp->map_header, "Content-Disposition",
		  xlsx ? "attachment; filename=\"roster-template.xlsx\"; filename*=UTF-8''"
			 "%E6%9D%91%E6%B0%91%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
		       : "attachment; filename=\"roster-template.csv\"; filename*=UTF-8''"
			 "%E6%9D%91%E6%B0%91%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.csv");
	return RC_OK;
}
