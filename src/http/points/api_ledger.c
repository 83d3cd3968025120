/* The points ledger of a household or a village, and corrections. */
#include "domain/kernel/replygen.h"
#include "domain/points/ledger.h"
#include "http/points/points.h"
#include "http/reply_cache.h"
#include "util/timeutil.h"

static json_t *entry_json(const struct ledger_entry *e)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:o, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:o, s:o, s:o, s:s}",
			 "id", (json_int_t)e->id, "seq", (json_int_t)e->seq, "household_id",
			 (json_int_t)e->household_id, "household_number", e->household_number, "resident_id",
			 e->resident_id ? json_integer(e->resident_id) : json_null(), "resident_name",
			 e->resident_name, "source", e->source, "rule_name", e->rule_name, "category",
			 e->category, "spendable", (json_int_t)e->spendable, "honour", (json_int_t)e->honour,
			 "note", e->note, "claim_id", e->claim_id ? json_integer(e->claim_id) : json_null(),
			 "ref_id", e->ref_id ? json_integer(e->ref_id) : json_null(), "at", json_time(e->at),
			 "actor_name", e->actor_name);
}

/* from/to as YYYY-MM-DD (Asia/Shanghai days, to inclusive). */
static int date_range(struct req *r, int64_t *from, int64_t *to)
{
	int64_t d;
	const char *f = req_query(r, "from"), *t = req_query(r, "to");
	*from = *to = 0;
	if (f && time_parse_date(f, &d) == 0)
		*from = time_cn_midnight(d);
	else if (f)
		ctx_field(&r->ctx, "from", "日期应为 YYYY-MM-DD");
	if (t && time_parse_date(t, &d) == 0)
		*to = time_cn_midnight(d + 1);
	else if (t)
		ctx_field(&r->ctx, "to", "日期应为 YYYY-MM-DD");
	return ctx_check_fields(&r->ctx);
}

static int list(struct req *r, bool household)
{
	int64_t id;
	int limit, offset;
	struct ledger_query q = {0};
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = date_range(r, &q.from, &q.to)) || (rc = req_page(r, &limit, &offset)))
		return rc;
	if (household)
		q.household_id = id;
	else
		q.village_id = id;
	q.source = req_query(r, "source");
	q.limit = limit;
	q.offset = offset;
	/* a household's ledger page is the same for every reader allowed to see it: kept per
	 * household, filter and page */
	char key[REPLY_KEY_MAX];
	int64_t gen = -1;
	bool keyed = false;
	if (household) {
		int64_t village;
		if ((rc = ledger_household_village(&r->ctx, id, &village)))
			return rc;
		gen = replygen_get(&r->ctx, village);
		keyed = reply_cache_key(key, "ledger|%lld|%lld|%lld|%d|%d|%zu:%s", (long long)id, (long long)q.from,
					(long long)q.to, limit, offset, q.source ? strlen(q.source) : 0,
					q.source ? q.source : "");
		if (keyed && reply_cache_serve(r, key, gen))
			return RC_OK;
	}
	struct ledger_entry *e;
	int n;
	int64_t total;
	if ((rc = ledger_list(&r->ctx, &q, &e, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, entry_json(&e[i]));
	req_reply_page(r, items, total, limit, offset);
	if (household) {
		int64_t spendable, honour;
		if ((rc = ledger_balance(&r->ctx, id, &spendable, &honour)))
			return rc;
		json_object_set_new(r->out, "balances", json_pack("{s:I, s:I}", "spendable", (json_int_t)spendable,
								  "honour", (json_int_t)honour));
	}
	if (keyed)
		reply_cache_keep(r, key, gen);
	return RC_OK;
}

int api_household_ledger(struct req *r) { return list(r, true); }
int api_village_ledger(struct req *r) { return list(r, false); }

int api_ledger_correct(struct req *r)
{
	static const struct jfield spec[] = {
		{"reason", J_STRING, true, 1, 200},
		{0},
	};
	int64_t id;
	struct ledger_correction out;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)) ||
	    (rc = ledger_correct(&r->ctx, id, req_str(r, "reason"), &out)))
		return rc;
	if (out.pending) {
		/* points added: waits for a second cadre */
		r->status = 202;
		r->out = json_pack("{s:I, s:I, s:s}", "request_id", (json_int_t)out.request_id, "corrects",
				   (json_int_t)id, "status", "pending");
		return RC_OK;
	}
	r->status = 201;
	r->out = json_pack("{s:I, s:I}", "id", (json_int_t)out.entry_id, "corrects", (json_int_t)id);
	return RC_OK;
}

int api_ledger_corrections_list(struct req *r)
{
	int64_t village;
	int rc = req_path_id(r, "id", &village);
	if (rc)
		return rc;
	const char *status = req_query(r, "status");
	if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected"))
		return ctx_field(&r->ctx, "status", "状态应为 pending、approved 或 rejected");
	struct ledger_correction_request *q;
	int n;
	if ((rc = ledger_correction_list(&r->ctx, village, status, &q, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:I, s:s, s:o, s:s, s:o, s:s, s:o}",
			"id", (json_int_t)q[i].id, "entry_id", (json_int_t)q[i].entry_id, "household_number",
			q[i].household_number, "source", q[i].source, "rule_name", q[i].rule_name, "spendable",
			(json_int_t)q[i].spendable, "honour", (json_int_t)q[i].honour, "reason", q[i].reason,
			"requested_by", (json_int_t)q[i].requested_by, "requested_by_name", q[i].requested_by_name,
			"requested_at", json_time(q[i].requested_at), "status", q[i].status, "decided_at",
			q[i].decided_at ? json_time(q[i].decided_at) : json_null(), "decided_by_name",
			q[i].decided_by_name, "ledger_id", q[i].ledger_id ? json_integer(q[i].ledger_id) : json_null());
		json_object_set_new(o, "decision", json_string(q[i].decision));
		json_array_append_new(items, o);
	}
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_ledger_correction_decide(struct req *r)
{
	static const struct jfield spec[] = {
		{"approve", J_BOOL, true, 0, 0},
		{"reason", J_STRING, false, 0, 200},
		{0},
	};
	int64_t id, new_id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)))
		return rc;
	bool approve = req_bool(r, "approve", false);
	if ((rc = ledger_correction_decide(&r->ctx, id, approve, req_str(r, "reason"), &new_id)))
		return rc;
	r->status = approve ? 201 : 200;
	r->out = approve ? json_pack("{s:I, s:I, s:s}", "id", (json_int_t)new_id, "request_id", (json_int_t)id,
				     "status", "approved")
			 : json_pack("{s:I, s:s}", "request_id", (json_int_t)id, "status", "rejected");
	return RC_OK;
}
