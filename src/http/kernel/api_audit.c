/* The audit log viewer and chain verification. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/audit_log.h"
#include "domain/kernel/org.h"
#include "http/kernel/kernel.h"

static json_t *parsed_or_text(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	return j ? j : json_string(s);
}

int api_audit_list(struct req *r)
{
	int64_t unit, object_id, from, to;
	int limit, offset;
	req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit);
	req_query_int(r, "object_id", 0, INT64_MAX / 2, 0, &object_id);
	req_query_int(r, "from", 0, INT64_MAX / 2, 0, &from);
	req_query_int(r, "to", 0, INT64_MAX / 2, 0, &to);
	if (!unit)
		ctx_field(&r->ctx, "unit_id", "必填");
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct audit_query q = {.unit_id = unit, .object_type = req_query(r, "object_type"),
				.object_id = object_id, .from = from, .to = to, .limit = limit,
				.offset = offset};
	struct audit_entry *e;
	int n;
	int64_t total;
	if ((rc = audit_list(&r->ctx, &q, &e, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, json_pack(
			"{s:I, s:I, s:s, s:I, s:I, s:s, s:o, s:s, s:I, s:s, s:o, s:o, s:s}", "id",
			(json_int_t)e[i].id, "unit_id", (json_int_t)e[i].unit_id, "unit_name", e[i].unit_name,
			"seq", (json_int_t)e[i].seq, "actor_id", (json_int_t)e[i].actor_id, "actor_name",
			e[i].actor_name, "at", json_time(e[i].at), "object_type", e[i].object_type,
			"object_id", (json_int_t)e[i].object_id, "action", e[i].action, "before",
			parsed_or_text(e[i].before), "after", parsed_or_text(e[i].after), "hash", e[i].hash));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

int api_audit_verify(struct req *r)
{
	struct audit_report rep;
	int rc = audit_verify_scoped(&r->ctx, &rep);
	if (rc)
		return rc;
	json_t *o = json_pack("{s:b, s:I, s:I}", "ok", !rep.broken, "chains", (json_int_t)rep.chains,
			      "entries", (json_int_t)rep.entries);
	if (rep.broken) {
		struct org_unit u;
		json_object_set_new(o, "broken", json_pack("{s:I, s:s, s:I, s:s}", "unit_id",
							   (json_int_t)rep.unit_id, "unit_name",
							   org_get(&r->ctx, rep.unit_id, &u) ? "" : u.name,
							   "seq", (json_int_t)rep.seq, "reason", rep.reason));
	}
	r->out = o;
	return RC_OK;
}
