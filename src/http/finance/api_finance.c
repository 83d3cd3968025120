/* Village finance: the chart of accounts, entries (create with an idempotency key,
 * correct, approve, return, withdraw, vouchers), monthly statements and the exports. */
#include "domain/finance/finance.h"
#include "http/finance/finance.h"

#define ID_MAX (INT64_MAX / 2)

static json_t *totals_json(const struct fin_totals *t)
{
	json_t *lines = json_array();
	for (int i = 0; i < t->nlines; i++) {
		const struct fin_line *l = &t->lines[i];
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:s*, s:I, s:i}", "code", l->code, "kind", l->kind,
						       "name", l->name, "parent", l->parent[0] ? l->parent : NULL,
						       "amount", (json_int_t)l->amount, "entries", l->entries));
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:i, s:o}", "opening", (json_int_t)t->opening, "income",
			 (json_int_t)t->income, "expense", (json_int_t)t->expense, "closing", (json_int_t)t->closing,
			 "entries", t->entries, "lines", lines);
}

static json_t *statement_json(const struct fin_statement *s)
{
	json_t *o = totals_json(&s->t);
	if (!o)
		return NULL;
	json_object_set_new(o, "id", s->id ? json_integer(s->id) : json_null());
	json_object_set_new(o, "village_id", json_integer(s->village_id));
	json_object_set_new(o, "village_name", json_string(s->village_name));
	json_object_set_new(o, "month", json_string(s->month));
	json_object_set_new(o, "status", json_string(s->id ? "published" : "draft"));
	json_object_set_new(o, "disclosure_id", s->disclosure_id ? json_integer(s->disclosure_id) : json_null());
	json_object_set_new(o, "published_at", s->id ? json_time(s->published_at) : json_null());
	json_object_set_new(o, "published_by_name", s->id ? json_string(s->published_by_name) : json_null());
	if (!s->id) {
		json_object_set_new(o, "pending", json_integer(s->pending));
		json_object_set_new(o, "can_publish", json_boolean(s->can_publish));
		json_object_set_new(o, "blocker", s->blocker ? json_string(s->blocker) : json_null());
	}
	return o;
}

static json_t *entry_json(const struct fin_entry *e)
{
	json_t *vs = json_array();
	for (int i = 0; i < e->nvouchers; i++)
		json_array_append_new(vs, json_pack("{s:i, s:s}", "n", i + 1, "hash", e->vouchers[i]));
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:b}", "id",
			      (json_int_t)e->id, "village_id", (json_int_t)e->village_id, "village_name", e->village_name,
			      "kind", e->kind, "category", e->category, "category_name", e->category_name, "amount",
			      (json_int_t)e->amount, "occurred_on", e->occurred_on, "counterpart", e->counterpart,
			      "summary", e->summary, "status", e->status, "vouchers", vs, "frozen", e->frozen, "can_edit",
			      e->can_edit, "can_approve", e->can_approve);
	if (!o)
		return NULL;
	json_object_set_new(o, "corrects_id", e->corrects_id ? json_integer(e->corrects_id) : json_null());
	json_object_set_new(o, "corrected_by_id", e->corrected_by_id ? json_integer(e->corrected_by_id) : json_null());
	json_object_set_new(o, "reason", e->reason[0] ? json_string(e->reason) : json_null());
	json_object_set_new(o, "shop_move_id", e->shop_move_id ? json_integer(e->shop_move_id) : json_null());
	json_object_set_new(o, "entered_by", json_integer(e->entered_by));
	json_object_set_new(o, "entered_by_name", json_string(e->entered_by_name));
	json_object_set_new(o, "entered_at", json_time(e->entered_at));
	json_object_set_new(o, "updated_at", json_time(e->updated_at));
	json_object_set_new(o, "approved_by_name", e->approved_by ? json_string(e->approved_by_name) : json_null());
	json_object_set_new(o, "approved_at", e->approved_at ? json_time(e->approved_at) : json_null());
	json_object_set_new(o, "rejected_by_name", e->rejected_by_name[0] ? json_string(e->rejected_by_name) : json_null());
	json_object_set_new(o, "reject_reason", e->reject_reason[0] ? json_string(e->reject_reason) : json_null());
	json_object_set_new(o, "withdrawn_at", e->withdrawn_at ? json_time(e->withdrawn_at) : json_null());
	json_object_set_new(o, "withdrawn_by_name", e->withdrawn_at ? json_string(e->withdrawn_by_name) : json_null());
	json_object_set_new(o, "withdraw_reason", e->withdrawn_at ? json_string(e->withdraw_reason) : json_null());
	return o;
}

static int entry_reply(struct req *r, int64_t id)
{
	struct fin_entry e;
	int rc = finance_entry_get(&r->ctx, id, &e);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = entry_json(&e);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_finance_categories(struct req *r)
{
	struct fin_category *cats;
	int n;
	int rc = finance_categories(&r->ctx, &cats, &n);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		bool leaf = true;
		for (int j = 0; j < n; j++)
			if (!strcmp(cats[j].parent, cats[i].code))
				leaf = false;
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s*, s:b}", "code", cats[i].code, "kind",
						       cats[i].kind, "name", cats[i].name, "parent",
						       cats[i].parent[0] ? cats[i].parent : NULL, "leaf", leaf));
	}
	json_decref(r->out);
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_finance_entries_list(struct req *r)
{
	int limit, offset;
	int64_t village;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	if ((rc = req_query_int(r, "village_id", 1, ID_MAX, 0, &village)))
		return rc;
	if (!village)
		return ctx_field(&r->ctx, "village_id", "请选择村");
	struct fin_query q = {.village_id = village, .month = req_query(r, "month"), .status = req_query(r, "status"),
			      .kind = req_query(r, "kind"), .limit = limit, .offset = offset};
	struct fin_entry *es;
	int n;
	int64_t total;
	if ((rc = finance_entries(&r->ctx, &q, &es, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, entry_json(&es[i]));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

/* Takes "vouchers" out of the body: an array of hashes; nvouchers -1 when absent. */
static json_t *take_vouchers(struct req *r, struct fin_entry_input *in)
{
	return req_take_hashes(r, "vouchers", in->vouchers, FIN_VOUCHERS_MAX, &in->nvouchers,
			       "应为凭证文件编号（hash）的数组", "张", "凭证");
}

static void take_fields(struct req *r, struct fin_entry_input *in)
{
	in->kind = req_str(r, "kind");
	in->category = req_str(r, "category");
	in->occurred_on = req_str(r, "occurred_on");
	in->counterpart = req_str(r, "counterpart");
	in->summary = req_str(r, "summary");
	in->reason = req_str(r, "reason");
	in->has_amount = req_has(r, "amount");
	in->amount = req_int(r, "amount", 0);
}

int api_finance_entry_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX},
		{"kind", J_STRING, true, 0, 10},
		{"category", J_STRING, true, 0, 10},
		{"amount", J_INT, true, -FIN_AMOUNT_MAX * 10, FIN_AMOUNT_MAX * 10},
		{"occurred_on", J_STRING, true, 0, 10},
		{"counterpart", J_STRING, true, 0, FIN_COUNTERPART_MAX},
		{"summary", J_STRING, true, 0, FIN_SUMMARY_MAX},
		{"corrects_id", J_INT, false, 1, ID_MAX},
		{"reason", J_STRING, false, 0, FIN_REASON_MAX},
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);   /* before the vouchers leave the body: they are part of the request */
	struct fin_entry_input in = {0};
	json_t *vouchers = take_vouchers(r, &in);
	req_check_body(r, spec);
	in.village_id = req_int(r, "village_id", 0);
	in.corrects_id = req_int(r, "corrects_id", 0);
	take_fields(r, &in);
	if (in.nvouchers < 0)
		in.nvouchers = 0;
	in.idem = &idem;
	int64_t id;
	bool replayed;
	int rc = finance_entry_create(&r->ctx, &in, &id, &replayed);
	json_decref(vouchers);
	if (rc)
		return rc;
	r->status = replayed ? 200 : 201;
	return entry_reply(r, id);
}

int api_finance_entry_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : entry_reply(r, id);
}

int api_finance_entry_update(struct req *r)
{
	static const struct jfield spec[] = {
		{"kind", J_STRING, false, 0, 10},
		{"category", J_STRING, false, 0, 10},
		{"amount", J_INT, false, -FIN_AMOUNT_MAX * 10, FIN_AMOUNT_MAX * 10},
		{"occurred_on", J_STRING, false, 0, 10},
		{"counterpart", J_STRING, false, 0, FIN_COUNTERPART_MAX},
		{"summary", J_STRING, false, 0, FIN_SUMMARY_MAX},
		{"reason", J_STRING, false, 0, FIN_REASON_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct fin_entry_input in = {0};
	json_t *vouchers = take_vouchers(r, &in);
	req_check_body(r, spec);
	take_fields(r, &in);
	rc = finance_entry_update(&r->ctx, id, &in);
	json_decref(vouchers);
	return rc ? rc : entry_reply(r, id);
}

static int decide(struct req *r, int what)
{
	static const struct jfield none[] = {{0}};
	static const struct jfield with_reason[] = {
		{"reason", J_STRING, false, 0, FIN_REASON_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	req_check_body(r, what ? with_reason : none);
	if (r->ctx.err.nfields)
		return RC_INVALID;
	rc = what == 0 ? finance_entry_approve(&r->ctx, id)
	     : what == 1 ? finance_entry_reject(&r->ctx, id, req_str(r, "reason"))
			 : finance_entry_withdraw(&r->ctx, id, req_str(r, "reason"));
	return rc ? rc : entry_reply(r, id);
}

int api_finance_entry_approve(struct req *r) { return decide(r, 0); }
int api_finance_entry_reject(struct req *r) { return decide(r, 1); }
int api_finance_entry_withdraw(struct req *r) { return decide(r, 2); }

int api_finance_voucher(struct req *r)
{
	return req_reply_photo(r, FIN_VOUCHERS_MAX, finance_voucher);
}

int api_finance_statements_list(struct req *r)
{
	int64_t village, year;
	int rc = req_query_int(r, "village_id", 1, ID_MAX, 0, &village);
	if (!rc)
		rc = req_query_int(r, "year", 2000, 2100, 0, &year);
	if (rc)
		return rc;
	struct fin_statement *ss;
	int n;
	if ((rc = finance_statements(&r->ctx, village, (int)year, &ss, &n)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, statement_json(&ss[i]));
	json_decref(r->out);
	r->out = json_pack("{s:o}", "items", items);
	return RC_OK;
}

int api_finance_statement_month(struct req *r)
{
	int64_t village;
	int rc = req_query_int(r, "village_id", 1, ID_MAX, 0, &village);
	if (rc)
		return rc;
	struct fin_statement s;
	if ((rc = finance_statement_get(&r->ctx, village, req_query(r, "month"), &s)))
		return rc;
	json_decref(r->out);
	r->out = statement_json(&s);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_finance_statement_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct fin_statement s;
	if ((rc = finance_statement_by_id(&r->ctx, id, &s)))
		return rc;
	json_decref(r->out);
	r->out = statement_json(&s);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_finance_statement_publish(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX},
		{"month", J_STRING, true, 0, 7},
		{0},
	};
	req_check_body(r, spec);
	int64_t id;
	int rc = finance_statement_publish(&r->ctx, req_int(r, "village_id", 0), req_str(r, "month"), &id);
	if (rc)
		return rc;
	struct fin_statement s;
	if ((rc = finance_statement_by_id(&r->ctx, id, &s)))
		return rc;
	r->status = 201;
	json_decref(r->out);
	r->out = statement_json(&s);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int api_finance_export_entries(struct req *r)
{
	int64_t village;
	int rc = req_query_int(r, "village_id", 1, ID_MAX, 0, &village);
	if (rc)
		return rc;
	struct export_file f = {0};
	return req_reply_export(r, finance_export_entries(&r->ctx, village, req_query(r, "from"), req_query(r, "to"), &f),
				&f);
}

int api_finance_export_statements(struct req *r)
{
	int64_t village, year;
	int rc = req_query_int(r, "village_id", 1, ID_MAX, 0, &village);
	if (!rc)
		rc = req_query_int(r, "year", 2000, 2100, 0, &year);
	if (rc)
		return rc;
	struct export_file f = {0};
	return req_reply_export(r, finance_export_statements(&r->ctx, village, (int)year, &f), &f);
}
