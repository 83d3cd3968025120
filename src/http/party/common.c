/* What party building's endpoints share: the domain's rows as JSON (every value by its
 * type, child rows as arrays), the replies, ids in queries, photo lists and times in
 * bodies, and the one shape most endpoints have: the object named by the path's :id,
 * read (or changed, then read) by a domain call and answered as JSON. */
#include "http/party/internal.h"
#include "util/timeutil.h"


json_t *pa_row_json(const struct party_row *r)
{
	json_t *o = json_object();
	for (int i = 0; o && i < r->n; i++) {
		const struct party_val *v = &r->v[i];
		if (!strcmp(v->name, "path") || !strcmp(v->name, "asked_by") || !strcmp(v->name, "user_id"))
			continue;
		json_t *x;
		switch (v->type) {
		case PV_INT:
			x = json_integer((json_int_t)v->i);
			break;
		case PV_BOOL:
			x = json_boolean(v->i);
			break;
		case PV_TIME:
			x = json_time(v->i);
			break;
		case PV_TEXT:
			x = json_string(v->s ? v->s : "");
			break;
		case PV_PHOTOS: {
			x = json_array();
			const char *s = v->s;
			while (x && s && *s) {
				const char *e = strchr(s, ',');
				size_t len = e ? (size_t)(e - s) : strlen(s);
				json_array_append_new(x, json_stringn(s, len));
				s = e ? e + 1 : NULL;
			}
			break;
		}
		default:
			x = json_null();
		}
		json_object_set_new(o, v->name, x);
	}
	for (int i = 0; o && i < r->nsubs; i++)
		json_object_set_new(o, r->subs[i].name, pa_rows_json(r->subs[i].rows));
	return o;
}

json_t *pa_rows_json(const struct party_rows *rows)
{
	json_t *a = json_array();
	for (int i = 0; a && rows && i < rows->n; i++)
		json_array_append_new(a, pa_row_json(&rows->row[i]));
	return a;
}

int pa_reply_row(struct req *r, int rc, const struct party_row *row)
{
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = pa_row_json(row);
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int pa_reply_items(struct req *r, int rc, const struct party_rows *rows)
{
	if (rc)
		return rc;
	json_decref(r->out);
	r->out = json_pack("{s:o}", "items", pa_rows_json(rows));
	return r->out ? RC_OK : ctx_fail(&r->ctx, RC_INTERNAL, "内存不足");
}

int pa_reply_page(struct req *r, int rc, const struct party_rows *rows, int limit, int offset)
{
	if (rc)
		return rc;
	req_reply_page(r, pa_rows_json(rows), rows->total, limit, offset);
	return RC_OK;
}

int pa_reply_created(struct req *r, int rc, const int64_t *id)
{
	if (rc)
		return rc;
	r->status = 201;
	json_decref(r->out);
	r->out = json_pack("{s:I}", "id", (json_int_t)*id);
	return RC_OK;
}

int64_t pa_query_id(struct req *r, const char *name)
{
	int64_t v = 0;
	req_query_int(r, name, 1, ID_MAX, 0, &v);
	return v;
}

/* Takes an array of photo hashes out of the body; *n -1 when absent. */
json_t *pa_take_photos(struct req *r, const char *field, const char **out, int *n)
{
	return req_take_hashes(r, field, out, PARTY_PHOTOS_MAX, n, "照片应为上传后返回的编号（hash）的数组", "张", "照片");
}

/* An ISO time field: 0 when absent; a field error when malformed. */
int64_t pa_body_time(struct req *r, const char *name, const char *label)
{
	const char *s = req_str(r, name);
	int64_t t = 0;
	if (s && time_parse_iso(s, &t)) {
		ctx_field(&r->ctx, name, "%s格式应为 2026-10-15T09:00:00+08:00", label);
		return 0;
	}
	return t;
}

int pa_reply_after(struct req *r, int rc, int64_t id, pa_row_fn get)
{
	if (rc)
		return rc;
	struct party_row row;
	return pa_reply_row(r, get(&r->ctx, id, &row), &row);
}

int pa_reply_by_id(struct req *r, pa_row_fn get)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	return rc ? rc : pa_reply_after(r, RC_OK, id, get);
}
