/* Unit tests for util/image: pictures are decoded (a header alone, a truncated or
 * damaged picture, a huge declared size are refused), stored without their metadata
 * (EXIF with a GPS position, comments, PNG text, WebP EXIF), turned upright by their
 * EXIF orientation, made smaller over IMAGE_MAX_SIDE, and given a thumbnail. The
 * pictures are made here with the same libraries. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <jpeglib.h>
#include <png.h>
#include <webp/encode.h>
#include <zlib.h>

#include "util/image.h"

/* a w×h RGB gradient as a JPEG (quality 90) */
static unsigned char *make_jpeg(int w, int h, unsigned long *len)
{
	struct jpeg_compress_struct cc;
	struct jpeg_error_mgr e;
	unsigned char *mem = NULL;
	cc.err = jpeg_std_error(&e);
	jpeg_create_compress(&cc);
	jpeg_mem_dest(&cc, &mem, len);
	cc.image_width = (JDIMENSION)w;
	cc.image_height = (JDIMENSION)h;
	cc.input_components = 3;
	cc.in_color_space = JCS_RGB;
	jpeg_set_defaults(&cc);
	jpeg_set_quality(&cc, 90, TRUE);
	jpeg_start_compress(&cc, TRUE);
	unsigned char *row = malloc((size_t)w * 3);
	while (cc.next_scanline < cc.image_height) {
		for (int x = 0; x < w; x++) {
			row[x * 3] = (unsigned char)(x * 255 / w);
			row[x * 3 + 1] = (unsigned char)(cc.next_scanline * 255 / (unsigned)h);
			row[x * 3 + 2] = 90;
		}
		jpeg_write_scanlines(&cc, &row, 1);
	}
	jpeg_finish_compress(&cc);
	jpeg_destroy_compress(&cc);
	free(row);
	return mem;
}

/* An EXIF APP1 segment (marker included): IFD0 with Make "SNOOPCAM", Orientation o and a
 * GPS IFD with latitude 31°14'27"N. Little-endian TIFF. */
static size_t exif_segment(unsigned char *out, int o)
{
	unsigned char t[160];
	memset(t, 0, sizeof(t));
	memcpy(t, "II*\0\x08\0\0\0", 8);
	size_t at = 8;
#define W16(v) (t[at] = (unsigned char)(v), t[at + 1] = (unsigned char)((v) >> 8), at += 2)
#define W32(v) (W16((v) & 0xFFFF), W16((unsigned)(v) >> 16))
	W16(3);
	W16(0x010F); W16(2); W32(9); W32(100);      /* Make */
	W16(0x0112); W16(3); W32(1); W16(o); W16(0); /* Orientation */
	W16(0x8825); W16(4); W32(1); W32(52);       /* GPS IFD */
	W32(0);
	at = 52;
	W16(2);
	W16(0x0001); W16(2); W32(2); W32('N');
	W16(0x0002); W16(5); W32(3); W32(120);
	W32(0);
	memcpy(t + 100, "SNOOPCAM", 9);
	unsigned v[6] = {31, 1, 14, 1, 27, 1};
	for (int i = 0; i < 6; i++) {
		at = 120 + (size_t)i * 4;
		W32(v[i]);
	}
#undef W16
#undef W32
	size_t n = 6 + sizeof(t);
	out[0] = 0xFF;
	out[1] = 0xE1;
	out[2] = (unsigned char)((n + 2) >> 8);
	out[3] = (unsigned char)(n + 2);
	memcpy(out + 4, "Exif\0\0", 6);
	memcpy(out + 10, t, sizeof(t));
	return 4 + n;
}

static bool has(const unsigned char *p, size_t n, const char *needle, size_t nl)
{
	for (size_t i = 0; i + nl <= n; i++)
		if (!memcmp(p + i, needle, nl))
			return true;
	return false;
}

/* the JPEG with an EXIF segment (and a comment) after its SOI */
static unsigned char *with_exif(const unsigned char *j, size_t n, int orientation, size_t *out_n)
{
	unsigned char seg[256];
	size_t sn = exif_segment(seg, orientation);
	static const unsigned char com[] = {0xFF, 0xFE, 0x00, 0x0B, 'h', 'o', 'm', 'e', ' ', 'g', 'a', 't', 'e'};
	unsigned char *p = malloc(n + sn + sizeof(com));
	memcpy(p, j, 2);
	memcpy(p + 2, seg, sn);
	memcpy(p + 2 + sn, com, sizeof(com));
	memcpy(p + 2 + sn + sizeof(com), j + 2, n - 2);
	*out_n = n + sn + sizeof(com);
	return p;
}

static void jpeg_dims(const unsigned char *p, size_t n, int *w, int *h)
{
	struct jpeg_decompress_struct d;
	struct jpeg_error_mgr e;
	d.err = jpeg_std_error(&e);
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, p, (unsigned long)n);
	assert_int_equal(jpeg_read_header(&d, TRUE), JPEG_HEADER_OK);
	*w = (int)d.image_width;
	*h = (int)d.image_height;
	jpeg_destroy_decompress(&d);
}

static void test_jpeg_exif_removed(void **state)
{
	unsigned long n;
	unsigned char *j = make_jpeg(200, 100, &n);
	size_t xn;
	unsigned char *x = with_exif(j, n, 1, &xn);
	assert_int_equal(image_jpeg_orientation(x, xn), 1);
	assert_true(has(x, xn, "SNOOPCAM", 8));

	struct image_out o, t;
	assert_int_equal(image_clean(x, xn, &o, &t), IMAGE_OK);
	assert_string_equal(o.mime, "image/jpeg");
	assert_false(has(o.data, o.len, "Exif", 4));
	assert_false(has(o.data, o.len, "SNOOPCAM", 8));
	assert_false(has(o.data, o.len, "home gate", 9));
	/* upright and small: the same coding, only the metadata gone */
	assert_int_equal(o.len, n);
	assert_memory_equal(o.data, j, n);
	/* the thumbnail: at most 320 wide, never larger than the picture */
	int w, h;
	jpeg_dims(t.data, t.len, &w, &h);
	assert_int_equal(w, 200);
	assert_int_equal(h, 100);
	image_free(&o);
	image_free(&t);
	free(x);
	free(j);
}

static void test_jpeg_orientation(void **state)
{
	unsigned long n;
	unsigned char *j = make_jpeg(640, 320, &n);
	size_t xn;
	unsigned char *x = with_exif(j, n, 6, &xn);
	assert_int_equal(image_jpeg_orientation(x, xn), 6);
	struct image_out o, t;
	assert_int_equal(image_clean(x, xn, &o, &t), IMAGE_OK);
	int w, h;
	jpeg_dims(o.data, o.len, &w, &h);
	assert_int_equal(w, 320); /* turned a quarter: portrait */
	assert_int_equal(h, 640);
	assert_false(has(o.data, o.len, "SNOOPCAM", 8));
	assert_int_equal(image_jpeg_orientation(o.data, o.len), 1);
	jpeg_dims(t.data, t.len, &w, &h);
	assert_int_equal(w, 160);
	assert_int_equal(h, 320);
	/* the same bytes give the same output */
	struct image_out o2;
	assert_int_equal(image_clean(x, xn, &o2, NULL), IMAGE_OK);
	assert_int_equal(o2.len, o.len);
	assert_memory_equal(o2.data, o.data, o.len);
	image_free(&o);
	image_free(&o2);
	image_free(&t);
	free(x);
	free(j);
}

static void test_large_made_smaller(void **state)
{
	unsigned long n;
	unsigned char *j = make_jpeg(5000, 1000, &n);
	struct image_out o, t;
	assert_int_equal(image_clean(j, n, &o, &t), IMAGE_OK);
	int w, h;
	jpeg_dims(o.data, o.len, &w, &h);
	assert_int_equal(w, IMAGE_MAX_SIDE);
	assert_true(h >= 818 && h <= 820);
	image_free(&o);
	image_free(&t);
	struct image_out th;
	assert_int_equal(image_thumb(j, n, 320, &th), IMAGE_OK);
	jpeg_dims(th.data, th.len, &w, &h);
	assert_int_equal(w, 320);
	assert_int_equal(h, 64);
	image_free(&th);
	free(j);
	/* twice the limit: decoded at half scale, still written again, not kept whole */
	j = make_jpeg(IMAGE_MAX_SIDE * 2 + 8, 64, &n);
	assert_int_equal(image_clean(j, n, &o, NULL), IMAGE_OK);
	jpeg_dims(o.data, o.len, &w, &h);
	assert_true(w <= IMAGE_MAX_SIDE);
	assert_int_equal(o.width, w);
	assert_int_equal(o.height, h);
	image_free(&o);
	free(j);
}

static void test_refused(void **state)
{
	struct image_out o, t;
	assert_int_equal(image_clean("\x89PNG\r\n\x1a\n", 8, &o, &t), IMAGE_CORRUPT);
	assert_null(o.data);
	assert_null(t.data);
	assert_int_equal(image_clean("\xFF\xD8\xFF\xE0", 4, &o, &t), IMAGE_CORRUPT);
	assert_int_equal(image_clean("RIFF\x10\0\0\0WEBPVP8 \0\0\0\0", 20, &o, &t), IMAGE_CORRUPT);
	assert_int_equal(image_clean("GIF89a", 6, &o, &t), IMAGE_UNKNOWN);
	assert_int_equal(image_clean(NULL, 0, &o, &t), IMAGE_UNKNOWN);
	unsigned long n;
	unsigned char *j = make_jpeg(64, 64, &n);
	/* truncated in its data */
	assert_int_equal(image_clean(j, n - 50, &o, &t), IMAGE_CORRUPT);
	/* a huge declared size: refused before any pixel buffer */
	for (size_t i = 2; i + 9 < n; i++)
		if (j[i] == 0xFF && j[i + 1] == 0xC0) {
			j[i + 5] = 0x75, j[i + 6] = 0x30, j[i + 7] = 0x75, j[i + 8] = 0x30; /* 30000 × 30000 */
			break;
		}
	assert_int_equal(image_clean(j, n, &o, &t), IMAGE_TOO_LARGE);
	free(j);
	assert_string_not_equal(image_status_text(IMAGE_CORRUPT), "");
}

static void test_png_text_removed(void **state)
{
	unsigned char px[16 * 8 * 4];
	for (size_t i = 0; i < sizeof(px); i++)
		px[i] = (unsigned char)(i * 7);
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = 16;
	img.height = 8;
	img.format = PNG_FORMAT_RGBA;
	png_alloc_size_t n = 0;
	assert_true(png_image_write_to_memory(&img, NULL, &n, 0, px, 0, NULL));
	unsigned char *p = malloc(n + 64);
	assert_true(png_image_write_to_memory(&img, p, &n, 0, px, 0, NULL));
	/* a tEXt chunk after IHDR (8 + 25 bytes) naming a place; its CRC is not checked
	 * for an ancillary chunk by the strip, and libpng ignores a bad one on read */
	static const char text[] = "Location\0QingshanVillage";
	unsigned char chunk[12 + sizeof(text) - 1];
	size_t tl = sizeof(text) - 1;
	chunk[0] = 0, chunk[1] = 0, chunk[2] = 0, chunk[3] = (unsigned char)tl;
	memcpy(chunk + 4, "tEXt", 4);
	memcpy(chunk + 8, text, tl);
	uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), chunk + 4, (unsigned)(tl + 4));
	chunk[8 + tl] = (unsigned char)(crc >> 24), chunk[9 + tl] = (unsigned char)(crc >> 16);
	chunk[10 + tl] = (unsigned char)(crc >> 8), chunk[11 + tl] = (unsigned char)crc;
	size_t total = n + sizeof(chunk);
	unsigned char *q = malloc(total);
	memcpy(q, p, 33);
	memcpy(q + 33, chunk, sizeof(chunk));
	memcpy(q + 33 + sizeof(chunk), p + 33, n - 33);
	assert_true(has(q, total, "QingshanVillage", 15));
	struct image_out o, t;
	assert_int_equal(image_clean(q, total, &o, &t), IMAGE_OK);
	assert_string_equal(o.mime, "image/png");
	assert_false(has(o.data, o.len, "QingshanVillage", 15));
	assert_int_equal(o.len, n);
	assert_memory_equal(o.data, p, n);
	image_free(&o);
	image_free(&t);
	free(p);
	free(q);
}

static void test_webp(void **state)
{
	unsigned char px[32 * 16 * 3];
	for (size_t i = 0; i < sizeof(px); i++)
		px[i] = (unsigned char)(i * 13);
	uint8_t *w = NULL;
	size_t n = WebPEncodeRGB(px, 32, 16, 32 * 3, 80, &w);
	assert_true(n > 0);
	struct image_out o, t;
	assert_int_equal(image_clean(w, n, &o, &t), IMAGE_OK);
	assert_string_equal(o.mime, "image/webp");
	assert_int_equal(o.len, n);
	assert_int_equal(o.width, 32);
	image_free(&o);
	image_free(&t);
	/* damaged in its data */
	assert_int_equal(image_clean(w, n / 2, &o, &t), IMAGE_CORRUPT);
	WebPFree(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jpeg_exif_removed),
		cmocka_unit_test(test_jpeg_orientation),
		cmocka_unit_test(test_large_made_smaller),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_png_text_removed),
		cmocka_unit_test(test_webp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
