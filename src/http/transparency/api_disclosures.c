/* Disclosures 三务公开: the items with their versions and attachments, villagers'
 * questions and the answers, the county's schedule settings, the late board, and the
 * public pages of a village (no login: published items only, askers masked, no names
 * of staff). */
#include "domain/transparency/transparency.h"
#include "http/transparency/transparency.h"
#include "util/timeutil.h"

#define ID_MAX (INT64_MAX / 2)

static json_t *nullable_time(int64_t t)
{
	return t ? json_time(t) : json_null();
}

static json_t *day_json(int64_t day)
{
	char s[11];
	time_format_date(time_cn_midnight(day) + 3600, s);
	return json_string(s);
}

static json_t *files_json(const struct disc_file *f, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:I}", "n", i + 1, "hash", f[i].hash, "mime",
						   f[i].mime, "size", (json_int_t)f[i].size));
	return a;
}

static json_t *question_json(const struct disc_question *q, bool full)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:b, s:o, s:o, s:o, s:i}", "id", (json_int_t)q->id,
			      "disclosure_id", (json_int_t)q->disclosure_id, "question", q->question, "asker",
			      q->asker_masked, "mine", q->mine, "asked_at", json_time(q->asked_at), "answer",
			      q->answer ? json_string(q->answer) : json_null(), "answered_at",
			      nullable_time(q->answered_at), "age_days", q->age_days);
	if (o && full) {
		json_object_set_new(o, "asker_name", json_string(q->asker_name ? q->asker_name : ""));
		json_object_set_new(o, "answered_by_name",
				    q->answered_at ? json_string(q->answered_by_name) : json_null());
		json_object_set_new(o, "title", json_string(q->title ? q->title : ""));
		json_object_set_new(o, "village_name", json_string(q->village_name));
	}
	return o;
}

/* An item as the caller sees it; public: the public page's view (no staff names). */
static json_t *item_json(const struct disclosure *d, bool detail, bool public)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:b, s:i, s:s, s:s, s:i, s:s, s:o, s:o, s:o, s:i, "
			      "s:i, s:i}",
			      "id", (json_int_t)d->id, "village_id", (json_int_t)d->village_id, "village_name",
			      d->village_name, "kind", d->kind, "category", d->category, "period", d->period, "major",
			      d->major, "version_no", d->version_no, "title", d->title, "summary", d->summary,
			      "nfiles", d->nfiles, "status", d->status, "published_at", json_time(d->published_at),
			      "updated_at", json_time(d->updated_at), "due_on", d->due_day ? day_json(d->due_day) : json_null(),
			      "late_days", d->late_days, "questions", d->nquestions, "open_questions",
			      d->open_questions);
	if (!o)
		return NULL;
	if (!public) {
		json_object_set_new(o, "published_by_name", json_string(d->published_by_name));
		json_object_set_new(o, "withdrawn_at", nullable_time(d->withdrawn_at));
		json_object_set_new(o, "withdrawn_by_name", d->withdrawn_at ? json_string(d->withdrawn_by_name) : json_null());
		json_object_set_new(o, "withdraw_reason", d->withdrawn_at ? json_string(d->withdraw_reason) : json_null());
		json_object_set_new(o, "can_manage", json_boolean(d->can_manage));
		json_object_set_new(o, "can_ask", json_boolean(d->can_ask));
		json_object_set_new(o, "statement_id", d->statement_id ? json_integer(d->statement_id) : json_null());
	}
	if (detail) {
		json_object_set_new(o, "body", json_string(d->body));
		json_object_set_new(o, "files", files_json(d->files, d->nfiles));
		json_t *vs = json_array();
		for (int i = 0; i < d->nversions; i++) {
			const struct disc_version *v = &d->versions[i];
			json_t *x = json_pack("{s:i, s:s, s:s, s:s, s:s, s:o, s:o}", "version_no", v->version_no,
					      "category", v->category, "title", v->title, "body", v->body, "reason",
					      v->reason, "created_at", json_time(v->created_at), "files",
					      files_json(v->files, v->nfiles));
			if (x && !public)
				json_object_set_new(x, "created_by_name", json_string(v->created_by_name));
			json_array_append_new(vs, x);
		}
		json_object_set_new(o, "versions", vs);
		json_t *qs = json_array();
		for (int i = 0; i < d->nquestions; i++)
			json_array_append_new(qs, question_json(&d->questions[i], !public && d->full_names));
		json_object_set_new(o, "question_list", qs);
	}
	return o;
}

static int item_reply(struct req *r, int64_t id, int64_t public_village)
{
	struct disclosure d;
	int rc = transparency_get(&r->ctx, id, public_village, &d);
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = item_json(&d, true, public_village != 0);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

static int list_reply(struct req *r, int64_t unit, int64_t public_village)
{
	int limit, offset;
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	struct disc_query q = {.unit_id = unit, .public_village = public_village, .kind = req_query(r, "kind"),
			       .period = req_query(r, "period"), .status = req_query(r, "status"), .limit = limit,
			       .offset = offset};
	struct disclosure *ds;
	int n;
	int64_t total;
	if ((rc = transparency_list(&r->ctx, &q, &ds, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, item_json(&ds[i], false, public_village != 0));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

int api_disclosures_list(struct req *r)
{
	int64_t unit;
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit);
	return list_reply(r, unit, 0);
}

/* Takes "files" out of the body: an array of hashes; nfiles -1 when absent. */
static json_t *take_files(struct req *r, struct disc_input *in)
{
	return req_take_hashes(r, "files", in->files, DISC_FILES_MAX, &in->nfiles, "应为上传后返回的编号（hash）的数组",
			       "个", "附件");
}

int api_disclosure_create(struct req *r)
{
	static const struct jfield spec[] = {
		{"village_id", J_INT, true, 1, ID_MAX},
		{"kind", J_STRING, true, 0, 16},
		{"category", J_STRING, true, 0, DISC_CATEGORY_MAX},
		{"period", J_STRING, true, 0, 10},
		{"title", J_STRING, true, 0, DISC_TITLE_MAX},
		{"body", J_STRING, true, 0, DISC_BODY_MAX},
		{0},
	};
	struct idem idem;
	req_idem(r, &idem, false);
	struct disc_input in = {.idem = &idem};
	json_t *files = take_files(r, &in);
	req_check_body(r, spec);
	in.village_id = req_int(r, "village_id", 0);
	in.kind = req_str(r, "kind");
	in.category = req_str(r, "category");
	in.period = req_str(r, "period");
	in.title = req_str(r, "title");
	in.body = req_str(r, "body");
	if (in.nfiles < 0)
		in.nfiles = 0;
	int64_t id;
	bool replayed;
	int rc = transparency_publish(&r->ctx, &in, &id, &replayed);
	json_decref(files);
	if (rc)
		return rc;
	r->status = replayed ? 200 : 201;
	return item_reply(r, id, 0);
}

int api_disclosure_get(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : item_reply(r, id, 0);
}

int api_disclosure_revise(struct req *r)
{
	static const struct jfield spec[] = {
		{"category", J_STRING, false, 0, DISC_CATEGORY_MAX},
		{"title", J_STRING, false, 0, DISC_TITLE_MAX},
		{"body", J_STRING, false, 0, DISC_BODY_MAX},
		{"reason", J_STRING, false, 0, DISC_REASON_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct disc_input in = {0};
	json_t *files = take_files(r, &in);
	req_check_body(r, spec);
	in.category = req_str(r, "category");
	in.title = req_str(r, "title");
	in.body = req_str(r, "body");
	in.reason = req_str(r, "reason");
	rc = transparency_revise(&r->ctx, id, &in);
	json_decref(files);
	return rc ? rc : item_reply(r, id, 0);
}

int api_disclosure_withdraw(struct req *r)
{
	int64_t id;
	int rc = req_withdraw(r, DISC_REASON_MAX, transparency_withdraw, &id);
	return rc ? rc : item_reply(r, id, 0);
}

int api_disclosure_file(struct req *r)
{
	return transparency_reply_file(r, false, transparency_file);
}

int api_disclosure_ask(struct req *r)
{
	static const struct jfield spec[] = {
		{"question", J_STRING, false, 0, DISC_QUESTION_MAX},
		{0},
	};
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct idem idem;
	req_idem(r, &idem, false);
	req_check_body(r, spec);
	int64_t qid;
	bool replayed;
	if ((rc = transparency_ask(&r->ctx, id, req_str(r, "question"), &idem, &qid, &replayed)))
		return rc;
	r->status = replayed ? 200 : 201;
	return item_reply(r, id, 0);
}

int api_disclosure_questions(struct req *r)
{
	int64_t unit;
	int limit, offset;
	req_query_int(r, "unit_id", 1, ID_MAX, 0, &unit);
	int rc = req_page(r, &limit, &offset);
	if (rc)
		return rc;
	if (!unit && !ctx_check_fields(&r->ctx))
		ctx_field(&r->ctx, "unit_id", "请选择村、乡镇或区县");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct disc_question *qs;
	int n;
	int64_t total;
	if ((rc = transparency_questions(&r->ctx, unit, req_query(r, "status"), limit, offset, &qs, &n, &total)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, question_json(&qs[i], true));
	req_reply_page(r, items, total, limit, offset);
	return RC_OK;
}

int api_disclosure_answer(struct req *r)
{
	static const struct jfield spec[] = {
		{"answer", J_STRING, false, 0, DISC_ANSWER_MAX},
		{0},
	};
	int64_t qid;
	int rc = req_path_id(r, "id", &qid);
	if (rc)
		return rc;
	req_check_body(r, spec);
	if ((rc = transparency_answer(&r->ctx, qid, req_str(r, "answer"))))
		return rc;
	r->out = json_pack("{s:I, s:b}", "id", (json_int_t)qid, "answered", 1);
	return RC_OK;
}

int api_disclosure_board(struct req *r)
{
	int64_t unit;
	req_query_int(r, "unit", 1, ID_MAX, 0, &unit);
	if (!unit && !ctx_check_fields(&r->ctx))
		ctx_field(&r->ctx, "unit", "请选择村、乡镇或区县");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct disc_board b;
	int rc = transparency_board(&r->ctx, unit, &b);
	if (rc)
		return rc;
	json_t *vs = json_array();
	for (int i = 0; i < b.nvillages; i++) {
		const struct disc_village_board *v = &b.villages[i];
		json_t *slots = json_array();
		for (int k = 0; k < v->nslots; k++) {
			const struct disc_slot *s = &v->slots[k];
			json_array_append_new(slots, json_pack("{s:s, s:s, s:b, s:o, s:s, s:i, s:o, s:o}", "kind", s->kind,
							       "period", s->period, "major", s->major, "due_on",
							       day_json(s->due_day), "state", s->state, "late_days",
							       s->late_days, "disclosure_id",
							       s->disclosure_id ? json_integer(s->disclosure_id) : json_null(),
							       "published_at", nullable_time(s->published_at)));
		}
		json_array_append_new(vs, json_pack("{s:I, s:s, s:b, s:i, s:i, s:i, s:i, s:i, s:o}", "village_id",
						    (json_int_t)v->village_id, "village_name", v->village_name, "busy",
						    v->busy, "late", v->late, "missing", v->missing, "max_late_days",
						    v->max_late_days, "open_questions", v->open_questions,
						    "oldest_question_days", v->oldest_question_days, "slots", slots));
	}
	json_t *open = json_array();
	for (int i = 0; i < b.nopen; i++)
		json_array_append_new(open, question_json(&b.open[i], true));
	r->out = json_pack("{s:I, s:s, s:s, s:o, s:i, s:s, s:o, s:o}", "unit_id", (json_int_t)b.unit.id, "unit_name",
			   b.unit.name, "unit_kind", b.unit.kind, "today", day_json(b.today), "major_days", b.major_days,
			   "starts_on", b.starts_on, "villages", vs, "open_questions", open);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

static json_t *settings_json(const struct disc_settings *s)
{
	json_t *busy = json_array();
	for (int i = 0; i < s->nbusy; i++)
		json_array_append_new(busy, json_integer(s->busy[i]));
	return json_pack("{s:I, s:i, s:s, s:i, s:o}", "county_id", (json_int_t)s->county_id, "major_days",
			 s->major_days, "starts_on", s->starts_on, "due_day", DISC_DUE_DAY, "busy_village_ids", busy);
}

int api_disclosure_settings_get(struct req *r)
{
	int64_t county;
	req_query_int(r, "county_id", 1, ID_MAX, 0, &county);
	if (!county && !ctx_check_fields(&r->ctx))
		ctx_field(&r->ctx, "county_id", "请选择区县");
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	struct disc_settings s;
	int rc = transparency_settings_get(&r->ctx, county, &s);
	if (rc)
		return rc;
	r->out = settings_json(&s);
	return RC_OK;
}

#define BUSY_MAX 500

int api_disclosure_settings_put(struct req *r)
{
	static const struct jfield spec[] = {
		{"county_id", J_INT, true, 1, ID_MAX},
		{"major_days", J_INT, false, 0, DISC_MAJOR_DAYS_MAX},
		{"starts_on", J_STRING, false, 10, 10},
		{0},
	};
	int64_t *busy = arena_alloc(r->ctx.arena, sizeof(*busy) * BUSY_MAX);
	int nbusy = -1;
	json_t *v = req_take(r, "busy_village_ids");
	if (v) {
		if (!json_is_array(v) || json_array_size(v) > BUSY_MAX) {
			ctx_field(&r->ctx, "busy_village_ids", "应为村编号的数组（最多 %d 个）", BUSY_MAX);
		} else {
			nbusy = 0;
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x) {
				if (!json_is_integer(x) || json_integer_value(x) < 1) {
					ctx_field(&r->ctx, "busy_village_ids", "第 %zu 个应为村的编号", i + 1);
					nbusy = -1;
					break;
				}
				if (busy)
					busy[nbusy++] = (int64_t)json_integer_value(x);
			}
		}
		json_decref(v);
	}
	req_check_body(r, spec);
	if (!busy)
		return ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
	int64_t county = req_int(r, "county_id", 0);
	int major = req_has(r, "major_days") ? (int)req_int(r, "major_days", 0) : -1;
	if (ctx_check_fields(&r->ctx) && !county)
		return RC_INVALID;
	int rc = transparency_settings_put(&r->ctx, county, major, req_str(r, "starts_on"), nbusy, busy);
	if (rc)
		return rc;
	struct disc_settings s;
	if ((rc = transparency_settings_get(&r->ctx, county, &s)))
		return rc;
	r->out = settings_json(&s);
	return RC_OK;
}

/* ---- public pages ---- */

static int public_ids(struct req *r, int64_t *village, int64_t *item)
{
	int rc = req_path_id(r, "id", village);
	if (!rc && item)
		rc = req_path_id(r, "item", item);
	return rc;
}

int api_public_disclosures(struct req *r)
{
	int64_t village;
	int rc = public_ids(r, &village, NULL);
	return rc ? rc : list_reply(r, 0, village);
}

int api_public_disclosure_get(struct req *r)
{
	int64_t village, item;
	int rc = public_ids(r, &village, &item);
	return rc ? rc : item_reply(r, item, village);
}

int api_public_disclosure_file(struct req *r)
{
	return transparency_reply_file(r, true, transparency_file);
}
