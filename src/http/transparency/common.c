/* What the endpoints of disclosures and of the chronicle share (transparency.h). */
#include "domain/transparency/transparency.h"
#include "http/transparency/transparency.h"

int transparency_reply_file(struct req *r, bool public, transparency_file_loader load)
{
	int64_t id, item = 0;
	int n;
	int rc = public ? req_path_id(r, "item", &item) : RC_OK;
	if (!rc)
		rc = req_path_photo(r, DISC_FILES_MAX, &id, &n);
	char mime[16];
	const void *data;
	size_t len;
	if (!rc)
		rc = public ? load(&r->ctx, item, n, id, mime, &data, &len) : load(&r->ctx, id, n, 0, mime, &data, &len);
	if (!rc)
		req_reply_image(r, mime, data, len);
	return rc;
}
