/* One HTTP request as handlers see it: the domain context (with arena, db connection,
 * actor and clock), the parsed and checked JSON body, and the reply being built.
 * Handlers return a result (domain/ctx.h); RC_OK sends req->out (or what a reply_*
 * call set), anything else sends the error envelope
 * {"error":{"code","message","fields"}} with the status mapped in one place. */
#ifndef HTTP_REQ_H
#define HTTP_REQ_H

#include <jansson.h>
#include <ulfius.h>

#include "domain/kernel/ctx.h"
#include "domain/kernel/idem.h"

#define REQ_JSON_MAX (1 << 20)        /* JSON bodies */
#define REQ_UPLOAD_MAX (16 << 20)     /* file uploads: photos, media, the party roster */
#define REQ_IMPORT_MAX (64 << 20)     /* a county's roster in one file (routes with RF_IMPORT) */
#define REQ_PAGE_MAX 200
/* the Content-Security-Policy of every reply */
#define REQ_CSP_IMG "img-src 'self' data: blob:"
#define REQ_CSP_REST                                                                                \
	"media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; " \
	"base-uri 'self'; form-action 'self'"
#define REQ_CSP "default-src 'self'; " REQ_CSP_IMG "; " REQ_CSP_REST
#define REQ_PAGE_DEFAULT 50

enum jtype { J_STRING, J_INT, J_BOOL, J_NUMBER, J_OBJECT };

/* One field of a JSON body: name, type, required, and bounds (characters for strings,
 * value for numbers). */
struct jfield {
	const char *name;
	enum jtype type;
	bool required;
	int64_t min, max;
};

struct req {
	const struct _u_request *u;
	struct _u_response *resp;
	struct ctx ctx;
	struct actor actor;
	char request_id[17];
	char remote[64];
	json_t *body;          /* the parsed object, when the route takes JSON */
	json_t *out;           /* reply body (owned) */
	int status;            /* reply status on success, default 200 */
	bool replied;          /* a reply_* call already set the response */
	const char *token;     /* the session token presented, if any */
	bool secure;           /* the session cookie gets Secure (server.c) */
};

/* The idempotency key of a creating request (domain/kernel/idem.h): the body's
 * "idempotency_key" (taken out of the body, so req_check_body does not see it) or the
 * Idempotency-Key header, with a fingerprint of the method, path and the rest of the
 * body. Call it before taking other fields out of the body. A malformed key is a field
 * error; required makes a missing one an error too. */
void req_idem(struct req *r, struct idem *out, bool required);

/* Checks body against spec: every field error at once (missing, unknown, wrong type,
 * out of range). Returns RC_OK or RC_INVALID. */
int req_check_body(struct req *r, const struct jfield *spec);
/* The Chinese name of a body field or query parameter checked by name ("household_id" →
 * 农户), for the errors that name their field; "" when it has none (src/http/field_names.c). */
const char *req_field_label(const char *name);
/* Getters for checked bodies: NULL/absent gives the default. */
const char *req_str(struct req *r, const char *name);
int64_t req_int(struct req *r, const char *name, int64_t def);
bool req_has(struct req *r, const char *name);
bool req_bool(struct req *r, const char *name, bool def);
double req_number(struct req *r, const char *name, double def);

/* The :id style path parameter as a positive id; RC_NOT_FOUND when malformed. */
int req_path_id(struct req *r, const char *name, int64_t *id);
/* A query parameter as an integer within bounds (def when absent); RC_INVALID when bad. */
int req_query_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out);
const char *req_query(struct req *r, const char *name);
/* A 0/1 query flag (false when absent); the same field error as req_query_int when bad. */
int req_query_flag(struct req *r, const char *name, bool *out);
/* A from/to query parameter: "YYYY-MM-DD" (Asia/Shanghai; with end, the next midnight, so
 * a "to" date is inclusive) or an ISO instant; *out 0 when absent. A field error else. */
int req_query_time(struct req *r, const char *name, bool end, int64_t *out);
/* limit and offset (limit capped at REQ_PAGE_MAX). */
int req_page(struct req *r, int *limit, int *offset);
/* A page reply: {"items": items, "total": n, "limit", "offset"}. Takes items. */
void req_reply_page(struct req *r, json_t *items, int64_t total, int limit, int offset);

/* Sends bytes with a content type and optional download file name. */
/* Sends a reply body of the given type: gzipped when it is text of 1 KiB or more and
 * the request accepts gzip (see req.c). */
void req_send(const struct _u_request *u, struct _u_response *resp, int status, const char *type,
	      const void *data, size_t len);
void req_reply_bytes(struct req *r, int status, const char *type, const char *filename,
		     const void *data, size_t len);
/* Sends an image stored by the server (type from its magic bytes) inline, never sniffed;
 * with ?size=thumb in the URL, its thumbnail (kernel/files.h files_thumb). */
void req_reply_image(struct req *r, const char *mime, const void *data, size_t len);
/* The path's ":id" and photo number ":n" (1..max); a number out of range is 404. */
int req_path_photo(struct req *r, int max, int64_t *id, int *n);
/* A record's photo getter: loads record id under the caller's grants and reads its
 * photo n (from 1), or fails (404 for a photo it does not have). */
typedef enum result (*req_photo_loader)(struct ctx *c, int64_t id, int n, char mime[16], const void **data,
					size_t *len);
/* The photo handler's whole path: ":id" and ":n" (1..max) from the path, the record's
 * photo through load, sent as req_reply_image (?size=thumb honoured). */
int req_reply_photo(struct req *r, int max, req_photo_loader load);
/* Takes field name out of the body, for a value req_check_body does not check (an array
 * or an object): a new reference, NULL when absent or null. */
json_t *req_take(struct req *r, const char *name);
/* Takes an array of uploaded files' hashes out of the body (so that req_check_body does
 * not see it): out gets them (at most max), *n their number, or -1 when absent (or null) or wrong
 * with the error on name: not_array, "最多 <max> <unit><what>", "第 i <unit><what>应为
 * 上传时返回的 hash 文本" (unit "张", what "照片"). Returns the value taken out, to
 * json_decref once out is no longer read. */
json_t *req_take_hashes(struct req *r, const char *name, const char **out, int max, int *n, const char *not_array,
			const char *unit, const char *what);
/* A published document's withdrawal (notices, disclosures, the chronicle): withdraws
 * record id with the reason, or fails. */
typedef enum result (*req_withdrawer)(struct ctx *c, int64_t id, const char *reason);
/* The withdraw handler but its reply: ":id" from the path (in *id), the body
 * {"reason"} (text of at most reason_max characters), then withdraw. */
int req_withdraw(struct req *r, int64_t reason_max, req_withdrawer withdraw, int64_t *id);
/* Sends a stored audio or video file whole, or the one byte range the request asks for
 * (RFC 9110 §14, so that a phone's player can seek): "Accept-Ranges: bytes" always; one
 * range gives 206 with Content-Range; a range past the end 416 with "Content-Range:
 * bytes * / size"; no range (or one to ignore) the whole file. */
struct file_info;
int req_reply_media(struct req *r, const struct file_info *f);
/* Sends an XLSX export as a download (Chinese file name with an ASCII fallback), or
 * passes on rc when the export failed; frees f->data either way. */
struct export_file;
int req_reply_export(struct req *r, int rc, struct export_file *f);
/* Status and reply for a result code. */
int req_status_for(enum result code);
const char *req_code_for(enum result code);
/* Sets the standard security headers on a response. */
void req_security_headers(struct _u_response *resp);
/* Replaces the policy of a page with one whose images may also come from origins (the
 * counties' map tile servers, space-separated, already checked). */
void req_csp_images(struct _u_response *resp, const char *origins);

/* Times and helpers for JSON replies. */
/* The public address of this server: CUNZHI_PUBLIC_URL when set (e.g. behind a proxy),
 * else the scheme and the request's Host header; NULL when the Host is unusable. */
const char *req_public_base(struct req *r);
json_t *json_time(int64_t t);

#endif
