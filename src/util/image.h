/* Photos decoded, not only recognised by their first bytes: JPEG (libjpeg-turbo), PNG
 * (libpng) and WebP (libwebp). An upload is decoded whole (one that does not decode is
 * refused) and stored without its metadata: EXIF (the phone's GPS position, camera and
 * time), XMP, IPTC, comments, text chunks and anything after the picture's end are
 * taken out of the bytes, the picture's coding kept as it was. A JPEG whose EXIF turns
 * it (a phone's portrait photo) and a picture over IMAGE_MAX_SIDE are written again
 * from their pixels instead, upright and smaller, in their own format (a lossless WebP
 * stays lossless). Thumbnails for phone lists are JPEGs of at most IMAGE_THUMB_SIDE on
 * the longer side (transparency over white), upright.
 * Bounded: the declared size is checked before any pixel buffer is made (a small file
 * claiming a huge picture is refused), JPEGs are decoded at a reduced scale when they
 * are larger than needed, a truncated or corrupt picture is refused. */
#ifndef UTIL_IMAGE_H
#define UTIL_IMAGE_H

#include "util/common.h"

#define IMAGE_MAX_SIDE 4096                   /* a stored photo, longer side */
#define IMAGE_THUMB_SIDE 320                  /* a thumbnail, longer side */
#define IMAGE_MAX_DIM 20000                   /* declared width or height beyond: refused */
#define IMAGE_MAX_PIXELS (64 * 1000 * 1000)   /* declared JPEG pixels beyond: refused */
#define IMAGE_MAX_PIXELS_FULL (24 * 1000 * 1000) /* PNG and WebP (decoded whole) */

enum image_status {
	IMAGE_OK = 0,
	IMAGE_UNKNOWN,    /* not a JPEG, PNG or WebP */
	IMAGE_CORRUPT,    /* does not decode (truncated, damaged, a header without a picture) */
	IMAGE_TOO_LARGE,  /* more pixels than allowed */
	IMAGE_UNSUPPORTED, /* an animated WebP */
	IMAGE_NOMEM,
};

struct image_out {
	unsigned char *data;  /* malloc'd; image_free */
	size_t len;
	const char *mime;     /* image/jpeg, image/png or image/webp */
	int width, height;
};

/* The MIME type by the first bytes (image/jpeg, image/png, image/webp) or NULL. */
const char *image_kind(const void *data, size_t len);

/* Decodes the picture and gives it back without its metadata (above); when thumb is not
 * NULL, also its thumbnail. Deterministic: the same bytes give the same output. On
 * failure nothing is allocated. */
enum image_status image_clean(const void *data, size_t len, struct image_out *out, struct image_out *thumb);

/* The thumbnail alone (a JPEG of at most side pixels on the longer side; never larger
 * than the picture). */
enum image_status image_thumb(const void *data, size_t len, int side, struct image_out *out);

/* The orientation (1..8) in a JPEG's EXIF, 1 when none; exposed for the tests. */
int image_jpeg_orientation(const void *data, size_t len);

/* A Chinese sentence for a failure, for the field that carried the picture. */
const char *image_status_text(enum image_status s);

void image_free(struct image_out *o);

#endif
