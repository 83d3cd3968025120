/* Households and residents. */
#include <math.h>

#include "domain/kernel/access.h"
#include "domain/kernel/replygen.h"
#include "domain/register/account.h"
#include "domain/register/people.h"
#include "http/register/register.h"
#include "http/reply_cache.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static json_t *household_json(const struct household *h)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:o, s:o, s:s, s:s, s:I, s:s, s:o, s:o}", "id",
			      (json_int_t)h->id, "village_id", (json_int_t)h->village_id, "village_name",
			      h->village_name, "group_id", h->group_id ? json_integer(h->group_id) : json_null(),
			      "group_name", h->group_id ? json_string(h->group_name) : json_null(), "number",
			      h->number, "address", h->address, "residents", (json_int_t)h->residents,
			      "head_name", h->head_name, "created_at", json_time(h->created_at), "updated_at",
			      json_time(h->updated_at));
	json_object_set_new(o, "grid_id", h->grid_id ? json_integer(h->grid_id) : json_null());
	json_object_set_new(o, "grid_name", h->grid_id ? json_string(h->grid_name) : json_null());
	json_object_set_new(o, "lat", h->has_coords ? json_real((double)h->lat_e6 / 1e6) : json_null());
	json_object_set_new(o, "lng", h->has_coords ? json_real((double)h->lng_e6 / 1e6) : json_null());
	return o;
}

static json_t *resident_json(const struct resident *p)
{
	/* birth_date is null for readers without the PII permission: they get the age */
	return json_pack("{s:I, s:I, s:s, s:i, s:o, s:i, s:s, s:b, s:b, s:s, s:s, s:i, s:s, s:o, s:s}", "id",
			 (json_int_t)p->id, "household_id", (json_int_t)p->household_id, "name", p->name,
			 "gender", p->gender, "birth_date",
			 p->birth_date[0] ? json_string(p->birth_date) : json_null(), "age", p->age, "idcard", p->idcard,
			 "idcard_full", p->idcard_full, "idcard_revealable", p->idcard_revealable, "phone", p->phone, "relation", p->relation,
			 "party_member", p->party_member, "party_label", people_party_labels[p->party_member],
			 "user_id", p->user_id ? json_integer(p->user_id) : json_null(), "account_status",
			 p->account_status);
}

int api_households_list(struct req *r)
{
	int64_t unit;
	bool registered;
	int limit, offset;
	req_query_int(r, "unit_id", 1, INT64_MAX / 2, 0, &unit);
	req_query_flag(r, "registered", &registered);
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	const char *q = req_query(r, "q");
	if (q && utf8_count(q) > 80)
		return ctx_field(&r->ctx, "q", "搜索词过长");
	/* a unit's list is the same for every reader allowed to see it: kept per unit, search
	 * and page when the unit lies in one village (a list over the caller's own grants,
	 * or above a village, is built each time) */
	char key[REPLY_KEY_MAX];
	int64_t gen = -1;
	bool keyed = false;
	if (unit > 0 && !ctx_check_fields(&r->ctx)) {
		int64_t village;
		if ((rc = people_household_list_village(&r->ctx, unit, &village)))
			return rc;
		if (village > 0) {
			gen = replygen_get(&r->ctx, village);
			keyed = reply_cache_key(key, "households|%lld|%d|%d|%d|%zu:%s", (long long)unit, registered != 0, limit, offset,
						q ? strlen(q) : 0, q ? q : "");
			if (keyed && reply_cache_serve(r, key, gen))
				return RC_OK;
		}
	}
	struct household_query hq = {.unit_id = unit, .q = q, .registered = registered, .limit = limit, .offset = offset};
	struct household *hs;
	int n;
	int64_t total;
	if ((rc = people_household_list(&r->ctx, &hq, &hs, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, household_json(&hs[i]));
	req_reply_page(r, items, total, limit, offset);
	if (keyed)
		reply_cache_keep(r, key, gen);
	return RC_OK;
}

static void page_reply(struct req *r, const struct household_page *p)
{
	json_t *o = household_json(&p->h);
	json_t *arr = json_array();
	for (int i = 0; i < p->nmembers; i++)
		json_array_append_new(arr, resident_json(&p->members[i]));
	json_object_set_new(o, "members", arr);
	arr = json_array();
	for (int i = 0; i < p->nworkers; i++) {
		const struct grid_contact *g = &p->workers[i];
		const struct role_def *d = access_role(g->role);
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s}", "user_id", (json_int_t)g->user_id,
						     "name", g->name, "phone", g->phone, "role", g->role,
						     "role_label", d ? d->label : g->role));
	}
	json_object_set_new(o, "grid_workers", arr);
	r->out = o;
}

static int household_reply(struct req *r, int64_t id)
{
	struct household_page p;
	int rc = people_household_page(&r->ctx, id, &p);
	if (!rc)
		page_reply(r, &p);
	return rc;
}

/* The household's page, kept per household, reading class and day: readers with the
 * PII permission see birth dates, the others ages only, and ages move with the day. */
int api_household_get(struct req *r)
{
	int64_t id, village;
	bool pii;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = people_household_reader(&r->ctx, id, &village, &pii)))
		return rc;
	char key[REPLY_KEY_MAX];
	int64_t gen = replygen_get(&r->ctx, village);
	bool keyed = reply_cache_key(key, "household|%lld|pii=%d|day=%lld", (long long)id, pii ? 1 : 0,
				     (long long)time_cn_days(r->ctx.now));
	if (keyed && reply_cache_serve(r, key, gen))
		return RC_OK;
	if ((rc = household_reply(r, id)))
		return rc;
	if (keyed)
		reply_cache_keep(r, key, gen);
	return RC_OK;
}

static const struct jfield household_spec[] = {
	{"village_id", J_INT, false, 1, INT64_MAX / 2},
	{"group_id", J_INT, false, 0, INT64_MAX / 2},
	{"grid_id", J_INT, false, 0, INT64_MAX / 2},
	{"number", J_STRING, false, 1, PEOPLE_NUMBER_MAX},
	{"address", J_STRING, false, 0, PEOPLE_ADDRESS_MAX},
	{"lat", J_NUMBER, false, -90, 90},
	{"lng", J_NUMBER, false, -180, 180},
	{0},
};

static void household_input(struct req *r, struct household_input *in)
{
	in->village_id = req_int(r, "village_id", 0);
	in->group_id = req_int(r, "group_id", -1);
	/* null or 0 takes the household out of its grid */
	in->grid_id = json_is_null(json_object_get(r->body, "grid_id")) ? 0 : req_int(r, "grid_id", -1);
	in->number = req_str(r, "number");
	in->address = req_str(r, "address");
	if (req_has(r, "lat") != req_has(r, "lng"))
		ctx_field(&r->ctx, req_has(r, "lat") ? "lng" : "lat", "经纬度要一起填写");
	in->has_coords = req_has(r, "lat") && req_has(r, "lng");
	in->clear_coords = json_is_null(json_object_get(r->body, "lat")) &&
			   json_is_null(json_object_get(r->body, "lng"));
	in->lat_e6 = (int64_t)llround(req_number(r, "lat", 0) * 1e6);
	in->lng_e6 = (int64_t)llround(req_number(r, "lng", 0) * 1e6);
}

int api_household_create(struct req *r)
{
	req_check_body(r, household_spec); /* its errors are reported with the ones below */
	struct household_input in;
	household_input(r, &in);
	if (!req_has(r, "village_id"))
		ctx_field(&r->ctx, "village_id", "必填");
	if (!req_has(r, "number"))
		ctx_field(&r->ctx, "number", "必填");
	if (in.group_id < 0)
		in.group_id = 0;
	if (in.grid_id < 0)
		in.grid_id = 0;
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	int64_t id;
	int rc = people_household_create(&r->ctx, &in, &id);
	if (rc)
		return rc;
	r->status = 201;
	return household_reply(r, id);
}

int api_household_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, household_spec)))
		return rc;
	if (req_has(r, "village_id"))
		return ctx_field(&r->ctx, "village_id", "不能改到其他村：请在新村建户后迁移成员");
	struct household_input in;
	household_input(r, &in);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct household_page p;
	if ((rc = people_household_update(&r->ctx, id, &in, &p)))
		return rc;
	page_reply(r, &p);
	return RC_OK;
}

static const struct jfield resident_spec[] = {
	{"household_id", J_INT, false, 1, INT64_MAX / 2},
	{"name", J_STRING, false, 1, PEOPLE_NAME_MAX},
	{"gender", J_INT, false, 1, 2},
	{"birth_date", J_STRING, false, 10, 10},
	{"idcard", J_STRING, false, 1, 20},
	{"phone", J_STRING, false, 0, 20},
	{"relation", J_STRING, false, 1, 8},
	{"party_member", J_INT, false, 0, 2},
	{0},
};

static void resident_input(struct req *r, struct resident_input *in, int party_default)
{
	in->household_id = req_int(r, "household_id", 0);
	in->name = req_str(r, "name");
	in->gender = (int)req_int(r, "gender", 0);
	in->birth_date = req_str(r, "birth_date");
	in->idcard = req_str(r, "idcard");
	in->phone = req_str(r, "phone");
	in->relation = req_str(r, "relation");
	in->party_member = (int)req_int(r, "party_member", party_default);
}

static int resident_reply(struct req *r, int64_t id)
{
	struct resident p;
	int rc = people_resident_get(&r->ctx, id, &p);
	if (rc)
		return rc;
	r->out = resident_json(&p);
	return RC_OK;
}

int api_resident_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : resident_reply(r, id);
}

/* The full ID-card number, revealed on request and audited (replies elsewhere carry
 * only the masked form). */
int api_resident_idcard(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	char idcard[IDCARD_LEN + 1], name[PEOPLE_NAME_MAX * 4 + 1];
	if ((rc = people_resident_idcard(&r->ctx, id, idcard, name)))
		return rc;
	r->out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "idcard", idcard);
	return RC_OK;
}

int api_resident_create(struct req *r)
{
	req_check_body(r, resident_spec); /* its errors are reported with the ones below */
	static const char *const required[] = {"household_id", "name", "idcard", "relation"};
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!req_has(r, required[i]))
			ctx_field(&r->ctx, required[i], "必填");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct resident_input in;
	resident_input(r, &in, 0);
	int64_t id;
	int rc = people_resident_create(&r->ctx, &in, &id);
	if (rc)
		return rc;
	r->status = 201;
	return resident_reply(r, id);
}

int api_resident_update(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, resident_spec)))
		return rc;
	struct resident_input in;
	resident_input(r, &in, -1);
	if ((rc = people_resident_update(&r->ctx, id, &in)))
		return rc;
	return resident_reply(r, id);
}

int api_resident_activation(struct req *r)
{
	static const struct jfield spec[] = {{0}};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = req_check_body(r, spec)))
		return rc;
	char code[ACCOUNT_CODE_LEN + 1];
	int64_t expires, user_id;
	if ((rc = account_issue_activation(&r->ctx, id, code, &expires, &user_id)))
		return rc;
	struct resident p;
	if ((rc = people_resident_get(&r->ctx, id, &p)))
		return rc;
	r->status = 201;
	r->out = json_pack("{s:s, s:o, s:I, s:s, s:s}", "code", code, "expires_at", json_time(expires),
			   "user_id", (json_int_t)user_id, "phone", p.phone, "name", p.name);
	return RC_OK;
}
