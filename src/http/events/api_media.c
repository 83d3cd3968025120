/* A recording or clip of an event, served to those who may read the event, with range
 * requests so that a phone's player can seek in a video (req_reply_media). */
#include "domain/events/events.h"
#include "http/events/events.h"
#include "util/num.h"

static int media_id(struct req *r, int64_t *mid)
{
	const char *ms = u_map_get(r->u->map_url, "mid");
	if (!ms || num_parse_i64(ms, 1, INT64_MAX / 2, mid))
		return ctx_fail(&r->ctx, RC_NOT_FOUND, "录音或视频不存在");
	return RC_OK;
}

int api_event_media(struct req *r)
{
	int64_t id, mid;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = media_id(r, &mid)))
		return rc;
	struct file_info f;
	if ((rc = events_media_file(&r->ctx, id, mid, &f)))
		return rc;
	return req_reply_media(r, &f);
}

int api_public_event_media(struct req *r)
{
	int64_t village, mid;
	int rc = req_path_id(r, "id", &village);
	if (rc || (rc = media_id(r, &mid)))
		return rc;
	struct file_info f;
	if ((rc = events_public_media(&r->ctx, village, u_map_get(r->u->map_url, "code"), mid, &f)))
		return rc;
	return req_reply_media(r, &f);
}
