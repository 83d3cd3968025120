/* Request helpers: strict JSON body checks, parameters, replies. */
#include "domain/kernel/files.h"
#include "domain/kernel/xlsx.h"
#include "http/req.h"
#include "util/accept.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/range.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static const char *type_label(enum jtype t)
{
	switch (t) {
	case J_STRING: return "文本";
	case J_INT: return "整数";
	case J_BOOL: return "是或否";
	case J_NUMBER: return "数字";
	case J_OBJECT: return "对象";
	}
	return "";
}

int req_check_body(struct req *r, const struct jfield *spec)
{
	struct ctx *c = &r->ctx;
	if (!r->body)
		return ctx_fail(c, RC_INVALID, "请求体应为 JSON 对象");
	const char *key;
	json_t *v;
	json_object_foreach(r->body, key, v) {
		bool known = false;
		for (const struct jfield *f = spec; f->name && !known; f++)
			known = !strcmp(f->name, key);
		if (!known)
			ctx_field(c, key, "未知字段");
	}
	for (const struct jfield *f = spec; f->name; f++) {
		v = json_object_get(r->body, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				ctx_field(c, f->name, "必填");
			continue;
		}
		bool ok = (f->type == J_STRING && json_is_string(v)) ||
			  (f->type == J_INT && json_is_integer(v)) ||
			  (f->type == J_BOOL && json_is_boolean(v)) ||
			  (f->type == J_NUMBER && json_is_number(v)) ||
			  (f->type == J_OBJECT && json_is_object(v));
		if (!ok) {
			ctx_field(c, f->name, "%s应为%s", req_field_label(f->name), type_label(f->type));
			continue;
		}
		if (f->type == J_STRING) {
			const char *s = json_string_value(v);
			size_t n = utf8_count(s);
			if (strlen(s) != json_string_length(v))
				ctx_field(c, f->name, "不能含空字符");
			else if ((int64_t)n < f->min)
				ctx_field(c, f->name, f->min == 1 ? "不能为空" : "至少 %lld 个字", (long long)f->min);
			else if (f->max && (int64_t)n > f->max)
				ctx_field(c, f->name, "最多 %lld 个字", (long long)f->max);
		} else if (f->type == J_INT) {
			json_int_t i = json_integer_value(v);
			if (i < f->min || i > f->max)
				ctx_field(c, f->name, "%s应在 %lld 到 %lld 之间", req_field_label(f->name), (long long)f->min,
					  (long long)f->max);
		} else if (f->type == J_NUMBER) {
			double d = json_number_value(v);
			if (d < (double)f->min || d > (double)f->max)
				ctx_field(c, f->name, "%s应在 %lld 到 %lld 之间", req_field_label(f->name), (long long)f->min,
					  (long long)f->max);
		}
	}
	return ctx_check_fields(c);
}

const char *req_str(struct req *r, const char *name)
{
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t req_int(struct req *r, const char *name, int64_t def)
{
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

bool req_has(struct req *r, const char *name)
{
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;
	return v && !json_is_null(v);
}

bool req_bool(struct req *r, const char *name, bool def)
{
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;
	return json_is_boolean(v) ? json_is_true(v) : def;
}

double req_number(struct req *r, const char *name, double def)
{
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;
	return json_is_number(v) ? json_number_value(v) : def;
}

int req_path_id(struct req *r, const char *name, int64_t *id)
{
	const char *s = u_map_get(r->u->map_url, name);
	if (!s || num_parse_i64(s, 1, INT64_MAX / 2, id))
		return ctx_fail(&r->ctx, RC_NOT_FOUND, "没有这条记录");
	return RC_OK;
}

const char *req_query(struct req *r, const char *name)
{
	const char *s = u_map_get(r->u->map_url, name);
	return s && s[0] ? s : NULL;
}

int req_query_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out)
{
	const char *s = req_query(r, name);
	if (!s) {
		*out = def;
		return RC_OK;
	}
	if (num_parse_i64(s, min, max, out))
		return ctx_field(&r->ctx, name, "%s应为 %lld 到 %lld 之间的整数", req_field_label(name), (long long)min,
				 (long long)max);
	return RC_OK;
}

int req_query_flag(struct req *r, const char *name, bool *out)
{
	int64_t v = 0;
	int rc = req_query_int(r, name, 0, 1, 0, &v);
	*out = v == 1;
	return rc;
}

int req_page(struct req *r, int *limit, int *offset)
{
	int64_t l, o;
	req_query_int(r, "limit", 1, INT32_MAX, REQ_PAGE_DEFAULT, &l);
	req_query_int(r, "offset", 0, 100000000, 0, &o);
	if (ctx_check_fields(&r->ctx))
		return RC_INVALID;
	*limit = l > REQ_PAGE_MAX ? REQ_PAGE_MAX : (int)l;
	*offset = (int)o;
	return RC_OK;
}

void req_reply_page(struct req *r, json_t *items, int64_t total, int limit, int offset)
{
	json_decref(r->out);
	r->out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "limit",
			   limit, "offset", offset);
}

/* Every reply body of a route goes out here: the JSON replies, and the files and
 * images a handler sends itself. A text one (JSON, SVG, CSV, …) of REQ_GZIP_MIN bytes
 * or more is gzipped when the client accepts gzip (a village's ranking is ~85 KB of
 * JSON, a household's QR code SVG a few KB); smaller ones are not worth it, and the
 * binary formats (images, XLSX, PDF) are compressed already. Event streams (sse.c) do
 * not pass here, so nothing buffers or compresses them. */
#define REQ_GZIP_MIN 1024

static bool text_type(const char *type)
{
	return !strncmp(type, "application/json", 16) || !strncmp(type, "image/svg+xml", 13) ||
	       !strncmp(type, "text/", 5);
}

void req_send(const struct _u_request *u, struct _u_response *resp, int status, const char *type,
	      const void *data, size_t len)
{
	u_map_put(resp->map_header, "Content-Type", type);
	if (len >= REQ_GZIP_MIN && text_type(type)) {
		u_map_put(resp->map_header, "Vary", "Accept-Encoding");
		const char *accept = u_map_get_case(u->map_header, "Accept-Encoding");
		if (accept_coding(accept, CODING_BIT(CODING_GZIP)) == CODING_GZIP) {
			struct buf z;
			buf_init(&z, len + 1024);
			int rc = gzip_compress(data, len, 5, &z);
			if (rc == 0) {
				ulfius_set_binary_body_response(resp, (unsigned int)status, z.ptr, z.len);
				u_map_put(resp->map_header, "Content-Encoding", "gzip");
			}
			buf_release(&z);
			if (rc == 0)
				return;
		}
	}
	ulfius_set_binary_body_response(resp, (unsigned int)status, data, len);
}

void req_reply_bytes(struct req *r, int status, const char *type, const char *filename,
		     const void *data, size_t len)
{
	req_send(r->u, r->resp, status, type, data, len);
	if (filename) {
		char disp[256];
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
		u_map_put(r->resp->map_header, "Content-Disposition", disp);
	}
	r->replied = true;
}

int req_status_for(enum result code)
{
	switch (code) {
	case RC_OK: return 200;
	case RC_INVALID: return 400;
	case RC_UNAUTHENTICATED: return 401;
	case RC_FORBIDDEN: return 403;
	case RC_NOT_FOUND: return 404;
	case RC_CONFLICT: return 409;
	case RC_TOO_MANY: return 429;
	case RC_TOO_LARGE: return 413;
	case RC_INTERNAL: return 500;
	}
	return 500;
}

const char *req_code_for(enum result code)
{
	switch (code) {
	case RC_OK: return "ok";
	case RC_INVALID: return "invalid";
	case RC_UNAUTHENTICATED: return "unauthenticated";
	case RC_FORBIDDEN: return "forbidden";
	case RC_NOT_FOUND: return "not_found";
	case RC_CONFLICT: return "conflict";
	case RC_TOO_MANY: return "too_many_requests";
	case RC_TOO_LARGE: return "too_large";
	case RC_INTERNAL: return "internal";
	}
	return "internal";
}

void req_reply_image(struct req *r, const char *mime, const void *data, size_t len)
{
	/* ?size=thumb: the photo's small JPEG for phone lists (the photo itself when none
	 * can be made) */
	const char *size = u_map_get(r->u->map_url, "size");
	const void *thumb;
	size_t thumb_len;
	if (size && !strcmp(size, "thumb") && files_thumb(&r->ctx, data, len, &thumb, &thumb_len)) {
		mime = "image/jpeg";
		data = thumb;
		len = thumb_len;
	}
	req_reply_bytes(r, 200, mime, NULL, data, len);
	u_map_put(r->resp->map_header, "X-Content-Type-Options", "nosniff");
	u_map_put(r->resp->map_header, "Content-Disposition", "inline");
}

int req_path_photo(struct req *r, int max, int64_t *id, int *n)
{
	int rc = req_path_id(r, "id", id);
	if (rc)
		return rc;
	const char *ns = u_map_get(r->u->map_url, "n");
	int64_t v;
	if (!ns || num_parse_i64(ns, 1, max, &v))
		return ctx_fail(&r->ctx, RC_NOT_FOUND, "照片不存在");
	*n = (int)v;
	return RC_OK;
}

int req_reply_photo(struct req *r, int max, req_photo_loader load)
{
	int64_t id;
	int n;
	char mime[16];
	const void *data;
	size_t len;
	int rc = req_path_photo(r, max, &id, &n);
	if (!rc)
		rc = load(&r->ctx, id, n, mime, &data, &len);
	if (!rc)
		req_reply_image(r, mime, data, len);
	return rc;
}

json_t *req_take(struct req *r, const char *name)
{
	json_t *v = r->body ? json_object_get(r->body, name) : NULL;
	if (!v)
		return NULL;
	json_incref(v);
	json_object_del(r->body, name);
	if (json_is_null(v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

json_t *req_take_hashes(struct req *r, const char *name, const char **out, int max, int *n, const char *not_array,
			const char *unit, const char *what)
{
	*n = -1;
	json_t *v = req_take(r, name);
	if (!v)
		return NULL;
	if (!json_is_array(v)) {
		ctx_field(&r->ctx, name, "%s", not_array);
	} else if (json_array_size(v) > (size_t)max) {
		ctx_field(&r->ctx, name, "最多 %d %s%s", max, unit, what);
	} else {
		*n = 0;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (!json_is_string(x)) {
				ctx_field(&r->ctx, name, "第 %zu %s%s应为上传时返回的 hash 文本", i + 1, unit, what);
				*n = -1;
				break;
			}
			out[(*n)++] = json_string_value(x);
		}
	}
	return v;
}

int req_withdraw(struct req *r, int64_t reason_max, req_withdrawer withdraw, int64_t *id)
{
	const struct jfield spec[] = {
		{"reason", J_STRING, false, 0, reason_max},
		{0},
	};
	int rc = req_path_id(r, "id", id);
	if (rc)
		return rc;
	req_check_body(r, spec);
	return withdraw(&r->ctx, *id, req_str(r, "reason"));
}

int req_reply_media(struct req *r, const struct file_info *f)
{
	int64_t first = 0, last = f->size - 1;
	enum range_result range = range_parse(u_map_get_case(r->u->map_header, "Range"), f->size, &first, &last);
	if (range == RANGE_UNSATISFIABLE) {
		char cr[48];
		snprintf(cr, sizeof(cr), "bytes */%lld", (long long)f->size);
		static const char msg[] = "{\"error\":{\"code\":\"range_not_satisfiable\","
					  "\"message\":\"请求的范围超出文件大小\",\"fields\":{}}}";
		req_reply_bytes(r, 416, "application/json", NULL, msg, sizeof(msg) - 1);
		u_map_put(r->resp->map_header, "Content-Range", cr);
		u_map_put(r->resp->map_header, "Accept-Ranges", "bytes");
		return RC_OK;
	}
	const void *data = NULL;
	int64_t count = range == RANGE_OK ? last - first + 1 : f->size;
	int rc = files_read_range(&r->ctx, f->hash, range == RANGE_OK ? first : 0, count, &data);
	if (rc)
		return rc;
	req_reply_bytes(r, range == RANGE_OK ? 206 : 200, f->mime, NULL, data, (size_t)count);
	u_map_put(r->resp->map_header, "Accept-Ranges", "bytes");
	u_map_put(r->resp->map_header, "X-Content-Type-Options", "nosniff");
	u_map_put(r->resp->map_header, "Content-Disposition", "inline");
	/* the bytes of a hash never change (content-addressed): a player may keep them */
	u_map_put(r->resp->map_header, "Cache-Control", "private, max-age=86400");
	if (range == RANGE_OK) {
		char cr[80];
		snprintf(cr, sizeof(cr), "bytes %lld-%lld/%lld", (long long)first, (long long)last, (long long)f->size);
		u_map_put(r->resp->map_header, "Content-Range", cr);
	}
	return RC_OK;
}

void req_security_headers(struct _u_response *resp)
{
	u_map_put(resp->map_header, "X-Content-Type-Options", "nosniff");
	u_map_put(resp->map_header, "X-Frame-Options", "DENY");
	u_map_put(resp->map_header, "Referrer-Policy", "same-origin");
	u_map_put(resp->map_header, "Content-Security-Policy", REQ_CSP);
}

void req_csp_images(struct _u_response *resp, const char *origins)
{
	char csp[2048];
	int n = snprintf(csp, sizeof(csp), "default-src 'self'; " REQ_CSP_IMG " %s; " REQ_CSP_REST, origins);
	if (n > 0 && (size_t)n < sizeof(csp))
		u_map_put(resp->map_header, "Content-Security-Policy", csp);
}

json_t *json_time(int64_t t)
{
	char s[26];
	if (!t)
		return json_null();
	time_format_iso(t, s);
	return json_string(s);
}

/* Percent-encodes a UTF-8 file name for filename* (RFC 5987). */
static const char *encode_filename(struct req *r, const char *name)
{
	struct buf b;
	buf_init(&b, 2048);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~')
			buf_addc(&b, (char)*p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	const char *out = b.failed || !b.ptr ? NULL : arena_strdup(r->ctx.arena, b.ptr);
	buf_release(&b);
	return out;
}

int req_reply_export(struct req *r, int rc, struct export_file *f)
{
	if (rc) {
		free(f->data);
		return rc;
	}
	req_reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", NULL, f->data, f->len);
	free(f->data);
	const char *enc = encode_filename(r, f->name);
	char *disp = enc ? arena_printf(r->ctx.arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
					f->ascii_name, enc)
			 : arena_printf(r->ctx.arena, "attachment; filename=\"%s\"", f->ascii_name);
	if (disp)
		u_map_put(r->resp->map_header, "Content-Disposition", disp);
	return RC_OK;
}

void req_idem(struct req *r, struct idem *out, bool required)
{
	memset(out, 0, sizeof(*out));
	json_t *v = r->body ? json_object_get(r->body, "idempotency_key") : NULL;
	if (v && json_is_string(v)) {
		out->key = arena_strdup(r->ctx.arena, json_string_value(v));
		json_object_del(r->body, "idempotency_key");
	} else if (v && !json_is_null(v)) {
		ctx_field(&r->ctx, "idempotency_key", "幂等键应为文本");
		json_object_del(r->body, "idempotency_key");
	} else {
		if (v)
			json_object_del(r->body, "idempotency_key");
		const char *h = u_map_get_case(r->u->map_header, "Idempotency-Key");
		if (h)
			out->key = arena_strdup(r->ctx.arena, h);
	}
	idem_check_key(&r->ctx, "idempotency_key", out->key, required);
	char *body = r->body ? json_dumps(r->body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *text = arena_printf(r->ctx.arena, "%s %s\n%s", r->u->http_verb, r->u->http_url, body ? body : "");
	free(body);
	if (text)
		crypto_hash_hex(text, strlen(text), out->fingerprint);
}

/* The public address of this server: CUNZHI_PUBLIC_URL when set (e.g. behind a proxy),
 * else the scheme and the request's Host header; NULL when the Host is unusable. */
const char *req_public_base(struct req *r)
{
	const char *env = getenv("CUNZHI_PUBLIC_URL");
	if (env && env[0]) {
		size_t n = strlen(env);
		while (n > 0 && env[n - 1] == '/')
			n--;
		return arena_strndup(r->ctx.arena, env, n);
	}
	const char *host = u_map_get_case(r->u->map_header, "Host");
	if (!host || !host[0] || strlen(host) > 255)
		return NULL;
	for (const char *p = host; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']'))
			return NULL;
	const char *proto = u_map_get_case(r->u->map_header, "X-Forwarded-Proto");
	bool https = proto && !strcmp(proto, "https");
	return arena_printf(r->ctx.arena, "%s://%s", https ? "https" : "http", host);
}

int req_query_time(struct req *r, const char *name, bool end, int64_t *out)
{
	*out = 0;
	const char *s = req_query(r, name);
	if (!s || !s[0])
		return RC_OK;
	int64_t days;
	if (strlen(s) == 10 && time_parse_date(s, &days) == 0) {
		*out = time_cn_midnight(days + (end ? 1 : 0));
		return RC_OK;
	}
	if (time_parse_iso(s, out) == 0)
		return RC_OK;
	return ctx_field(&r->ctx, name, "时间应为 YYYY-MM-DD 或带时区的 ISO 时间");
}
