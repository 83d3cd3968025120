/* A course's audio or video, a meeting's or a commitment's photo or video, served to
 * whoever may read the record, with range requests so that a phone's player can seek
 * (req_reply_media). */
#include "domain/party/party.h"
#include "http/party/party.h"
#include "util/num.h"

int api_party_course_media(struct req *r)
{
	int64_t id;
	int rc = req_path_id(r, "id", &id);
	if (rc)
		return rc;
	struct file_info f;
	if ((rc = party_course_media(&r->ctx, id, &f)))
		return rc;
	return req_reply_media(r, &f);
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
	return req_reply_media(r, &f);
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
	return req_reply_media(r, &f);
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
