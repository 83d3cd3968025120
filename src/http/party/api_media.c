/* A course's audio or video, served to whoever may read the course, with range requests
 * (RFC 9110 §14) so that a phone's player can seek: "Accept-Ranges: bytes" always; one
 * range gives 206 with Content-Range; a range past the end gives 416 with
 * "Content-Range: bytes * / size"; no range (or one to ignore) gives the whole. */
#include "domain/party/party.h"
#include "http/party/party.h"
#include "util/num.h"
#include "util/range.h"

/* Replies with the stored file f (its bytes, or the range asked for). */
static int serve(struct req *r, const struct file_info *fi)
{
	struct file_info f = *fi;
	int rc;
	int64_t first = 0, last = f.size - 1;
	enum range_result range = range_parse(u_map_get_case(r->u->map_header, "Range"), f.size, &first, &last);
	if (range == RANGE_UNSATISFIABLE) {
		char cr[48];
		snprintf(cr, sizeof(cr), "bytes */%lld", (long long)f.size);
		static const char msg[] = "{\"error\":{\"code\":\"range_not_satisfiable\","
					  "\"message\":\"请求的范围超出文件大小\",\"fields\":{}}}";
		req_reply_bytes(r, 416, "application/json", NULL, msg, sizeof(msg) - 1);
		u_map_put(r->resp->map_header, "Content-Range", cr);
		u_map_put(r->resp->map_header, "Accept-Ranges", "bytes");
		return RC_OK;
	}
	const void *data = NULL;
	int64_t count = range == RANGE_OK ? last - first + 1 : f.size;
	if ((rc = files_read_range(&r->ctx, f.hash, range == RANGE_OK ? first : 0, count, &data)))
		return rc;
	req_reply_bytes(r, range == RANGE_OK ? 206 : 200, f.mime, NULL, data, (size_t)count);
	u_map_put(r->resp->map_header, "Accept-Ranges", "bytes");
	u_map_put(r->resp->map_header, "X-Content-Type-Options", "nosniff");
	u_map_put(r->resp->map_header, "Content-Disposition", "inline");
	u_map_put(r->resp->map_header, "Cache-Control", "private, max-age=86400");
	if (range == RANGE_OK) {
		char cr[80];
		snprintf(cr, sizeof(cr), "bytes %lld-%lld/%lld", (long long)first, (long long)last, (long long)f.size);
		u_map_put(r->resp->map_header, "Content-Range", cr);
	}
	return RC_OK;
}

int api_party_course_media(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct file_info f;
	if ((rc = party_course_media(&r->ctx, id, &f)))
		return rc;
	return serve(r, &f);
}

/* The photo number :n of the path (from 1); 0 when malformed (nothing matches it). */
static int photo_n(struct req *r)
{
	int64_t n;
	const char *s = u_map_get(r->u->map_url, "n");
	return s && !num_parse_i64(s, 1, 100, &n) ? (int)n : 0;
}

static int meeting_file(struct req *r, bool minutes)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct file_info f;
	if ((rc = party_meeting_file(&r->ctx, id, minutes, photo_n(r), &f)))
		return rc;
	return serve(r, &f);
}

int api_party_meeting_photo(struct req *r)
{
	return meeting_file(r, false);
}

int api_party_meeting_minutes_photo(struct req *r)
{
	return meeting_file(r, true);
}

static int commitment_file(struct req *r, int n)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct file_info f;
	if ((rc = party_commitment_file(&r->ctx, id, n, &f)))
		return rc;
	return serve(r, &f);
}

int api_party_commitment_photo(struct req *r)
{
	int n = photo_n(r);
	return n ? commitment_file(r, n) : (int)ctx_fail(&r->ctx, RC_NOT_FOUND, "照片不存在");
}

int api_party_commitment_video(struct req *r)
{
	return commitment_file(r, 0);
}
