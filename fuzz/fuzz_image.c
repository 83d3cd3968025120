/* Fuzz target: an uploaded picture through util/image.c, as kernel/files.c takes it:
 * decoded (JPEG, PNG, WebP), its metadata taken out or the picture written again, its
 * thumbnail made. What comes back must itself decode again, be of the same kind, carry
 * no EXIF orientation other than upright, and fit the limits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct image_out o, t;
	enum image_status s = image_clean(copy, size, &o, &t);
	if (s == IMAGE_OK) {
		const char *kind = image_kind(copy, size);
		if (!kind || !o.data || !t.data || strcmp(o.mime, kind) || strcmp(t.mime, "image/jpeg"))
			abort();
		if (o.width < 1 || o.height < 1 || o.width > IMAGE_MAX_SIDE || o.height > IMAGE_MAX_SIDE)
			abort();
		if (t.width > IMAGE_THUMB_SIDE || t.height > IMAGE_THUMB_SIDE)
			abort();
		if (!strcmp(o.mime, "image/jpeg") && image_jpeg_orientation(o.data, o.len) != 1)
			abort();
		struct image_out again;
		if (image_clean(o.data, o.len, &again, NULL) != IMAGE_OK)
			abort();
		if (again.width != o.width || again.height != o.height)
			abort();
		image_free(&again);
		image_free(&o);
		image_free(&t);
	} else if (o.data || t.data) {
		abort();
	}
	free(copy);
	return 0;
}
