/* Photos decoded and written again without their metadata (image.h). */
#include "util/image.h"

#include <setjmp.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <webp/decode.h>
#include <webp/encode.h>

#define JPEG_QUALITY 88
#define THUMB_QUALITY 80
#define WEBP_QUALITY 85

/* decoded pixels: 3 (RGB) or 4 (RGBA) bytes each, rows without padding */
struct px {
	int w, h, ch;
	int sw, sh; /* the picture's own size (a JPEG may be decoded smaller) */
	unsigned char *p;
};

static void px_free(struct px *x)
{
	free(x->p);
	x->p = NULL;
}

const char *image_kind(const void *data, size_t len)
{
	const unsigned char *p = data;
	if (!p)
		return NULL;
	if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return "image/webp";
	return NULL;
}

const char *image_status_text(enum image_status s)
{
	switch (s) {
	case IMAGE_OK: return "";
	case IMAGE_UNKNOWN: return "只支持 JPEG、PNG 或 WebP 图片";
	case IMAGE_CORRUPT: return "图片已损坏或不完整，无法打开，请重新拍照或选择其他图片";
	case IMAGE_TOO_LARGE: return "图片像素过多，请缩小后再上传";
	case IMAGE_UNSUPPORTED: return "不支持动图，请上传一张静态图片";
	case IMAGE_NOMEM: return "图片处理失败，请稍后重试";
	}
	return "图片无法处理";
}

void image_free(struct image_out *o)
{
	if (!o)
		return;
	free(o->data);
	o->data = NULL;
	o->len = 0;
}

/* ---- EXIF orientation ---- */

static unsigned rd16(const unsigned char *p, bool le)
{
	return le ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const unsigned char *p, bool le)
{
	return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
		  : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Tag 0x0112 of IFD0 of a TIFF block (the EXIF payload after "Exif\0\0"). */
static int tiff_orientation(const unsigned char *t, size_t n)
{
	if (n < 8)
		return 1;
	bool le;
	if (t[0] == 'I' && t[1] == 'I')
		le = true;
	else if (t[0] == 'M' && t[1] == 'M')
		le = false;
	else
		return 1;
	uint32_t ifd = rd32(t + 4, le);
	if (ifd > n || n - ifd < 2)
		return 1;
	unsigned count = rd16(t + ifd, le);
	size_t at = (size_t)ifd + 2;
	for (unsigned i = 0; i < count && n - at >= 12; i++, at += 12) {
		if (rd16(t + at, le) != 0x0112)
			continue;
		unsigned type = rd16(t + at + 2, le);
		unsigned v = type == 3 ? rd16(t + at + 8, le) : type == 4 ? (unsigned)rd32(t + at + 8, le) : 1;
		return v >= 1 && v <= 8 ? (int)v : 1;
	}
	return 1;
}

int image_jpeg_orientation(const void *data, size_t len)
{
	const unsigned char *p = data;
	if (!p || len < 4 || p[0] != 0xFF || p[1] != 0xD8)
		return 1;
	size_t at = 2;
	while (len - at >= 4) {
		if (p[at] != 0xFF)
			return 1;
		unsigned marker = p[at + 1];
		if (marker == 0xFF) { /* fill byte */
			at++;
			continue;
		}
		if (marker == 0xD9 || marker == 0xDA) /* end of image, start of scan */
			return 1;
		size_t seg = (size_t)p[at + 2] << 8 | p[at + 3];
		if (seg < 2 || seg > len - at - 2)
			return 1;
		const unsigned char *s = p + at + 4;
		size_t sn = seg - 2;
		if (marker == 0xE1 && sn >= 6 && !memcmp(s, "Exif\0\0", 6))
			return tiff_orientation(s + 6, sn - 6);
		at += 2 + seg;
	}
	return 1;
}

/* ---- JPEG ---- */

struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
	bool eof;
};

static void jerr_exit(j_common_ptr c)
{
	longjmp(((struct jerr *)c->err)->jb, 1);
}

static void jerr_emit(j_common_ptr c, int level)
{
	if (level < 0) {
		struct jerr *e = (struct jerr *)c->err;
		if (c->err->msg_code == JWRN_JPEG_EOF)
			e->eof = true;
		c->err->num_warnings++;
	}
}

static void jerr_output(j_common_ptr c)
{
	(void)c;
}

static void jerr_init(struct jerr *e)
{
	memset(e, 0, sizeof(*e));
	jpeg_std_error(&e->pub);
	e->pub.error_exit = jerr_exit;
	e->pub.emit_message = jerr_emit;
	e->pub.output_message = jerr_output;
}

/* Decoded at the smallest DCT scale (1, 1/2, 1/4, 1/8) whose longer side is still at
 * least target. */
static enum image_status decode_jpeg(const unsigned char *data, size_t len, int target, struct px *out)
{
	struct jpeg_decompress_struct d;
	struct jerr e;
	unsigned char *volatile row = NULL;
	memset(out, 0, sizeof(*out));
	jerr_init(&e);
	d.err = &e.pub;
	if (setjmp(e.jb)) {
		jpeg_destroy_decompress(&d);
		free(row);
		px_free(out);
		return IMAGE_CORRUPT;
	}
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, data, (unsigned long)len);
	jpeg_read_header(&d, TRUE);
	if (d.image_width == 0 || d.image_height == 0 || d.image_width > IMAGE_MAX_DIM ||
	    d.image_height > IMAGE_MAX_DIM || (uint64_t)d.image_width * d.image_height > IMAGE_MAX_PIXELS) {
		jpeg_destroy_decompress(&d);
		return IMAGE_TOO_LARGE;
	}
	unsigned longer = d.image_width > d.image_height ? d.image_width : d.image_height;
	unsigned denom = 1;
	while (denom < 8 && longer / (denom * 2) >= (unsigned)target)
		denom *= 2;
	d.scale_num = 1;
	d.scale_denom = denom;
	bool cmyk = d.jpeg_color_space == JCS_CMYK || d.jpeg_color_space == JCS_YCCK;
	d.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	jpeg_start_decompress(&d);
	out->w = (int)d.output_width;
	out->h = (int)d.output_height;
	out->sw = (int)d.image_width;
	out->sh = (int)d.image_height;
	out->ch = 3;
	if (!(out->p = malloc((size_t)out->w * out->h * 3)) || !(row = malloc((size_t)out->w * 4))) {
		jpeg_destroy_decompress(&d);
		free(row);
		px_free(out);
		return IMAGE_NOMEM;
	}
	bool inverted = d.saw_Adobe_marker;
	while (d.output_scanline < d.output_height) {
		unsigned char *dst = out->p + (size_t)d.output_scanline * out->w * 3;
		JSAMPROW r = cmyk ? row : dst;
		if (jpeg_read_scanlines(&d, &r, 1) != 1)
			break;
		if (cmyk)
			for (int x = 0; x < out->w; x++) {
				unsigned c = row[x * 4], m = row[x * 4 + 1], y = row[x * 4 + 2], k = row[x * 4 + 3];
				if (!inverted) {
					c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
				}
				dst[x * 3] = (unsigned char)((c * k + 127) / 255);
				dst[x * 3 + 1] = (unsigned char)((m * k + 127) / 255);
				dst[x * 3 + 2] = (unsigned char)((y * k + 127) / 255);
			}
		if (e.eof)
			break;
	}
	bool complete = d.output_scanline == d.output_height && !e.eof;
	if (complete)
		jpeg_finish_decompress(&d);
	jpeg_destroy_decompress(&d);
	free(row);
	if (!complete || e.eof) {
		px_free(out);
		return IMAGE_CORRUPT;
	}
	return IMAGE_OK;
}

static enum image_status encode_jpeg(const struct px *x, int quality, struct image_out *o)
{
	struct jpeg_compress_struct cc;
	struct jerr e;
	struct {
		unsigned char *mem;
		unsigned long size;
	} m = {NULL, 0};
	jerr_init(&e);
	cc.err = &e.pub;
	if (setjmp(e.jb)) {
		jpeg_destroy_compress(&cc);
		free(m.mem);
		return IMAGE_NOMEM;
	}
	jpeg_create_compress(&cc);
	jpeg_mem_dest(&cc, &m.mem, &m.size);
	cc.image_width = (JDIMENSION)x->w;
	cc.image_height = (JDIMENSION)x->h;
	cc.input_components = 3;
	cc.in_color_space = JCS_RGB;
	jpeg_set_defaults(&cc);
	jpeg_set_quality(&cc, quality, TRUE);
	cc.optimize_coding = TRUE;
	jpeg_start_compress(&cc, TRUE);
	while (cc.next_scanline < cc.image_height) {
		JSAMPROW r = x->p + (size_t)cc.next_scanline * x->w * 3;
		jpeg_write_scanlines(&cc, &r, 1);
	}
	jpeg_finish_compress(&cc);
	jpeg_destroy_compress(&cc);
	o->data = m.mem;
	o->len = m.size;
	o->mime = "image/jpeg";
	o->width = x->w;
	o->height = x->h;
	return IMAGE_OK;
}

/* ---- PNG ---- */

static enum image_status decode_png(const unsigned char *data, size_t len, struct px *out)
{
	png_image img;
	memset(out, 0, sizeof(*out));
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len))
		return IMAGE_CORRUPT;
	if (img.width == 0 || img.height == 0 || img.width > IMAGE_MAX_DIM || img.height > IMAGE_MAX_DIM ||
	    (uint64_t)img.width * img.height > IMAGE_MAX_PIXELS_FULL) {
		png_image_free(&img);
		return IMAGE_TOO_LARGE;
	}
	bool alpha = img.format & PNG_FORMAT_FLAG_ALPHA;
	img.format = alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
	out->w = out->sw = (int)img.width;
	out->h = out->sh = (int)img.height;
	out->ch = alpha ? 4 : 3;
	if (!(out->p = malloc(PNG_IMAGE_SIZE(img)))) {
		png_image_free(&img);
		return IMAGE_NOMEM;
	}
	if (!png_image_finish_read(&img, NULL, out->p, 0, NULL)) {
		png_image_free(&img);
		px_free(out);
		return IMAGE_CORRUPT;
	}
	png_image_free(&img);
	return IMAGE_OK;
}

static enum image_status encode_png(const struct px *x, struct image_out *o)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)x->w;
	img.height = (png_uint_32)x->h;
	img.format = x->ch == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
	png_alloc_size_t size = 0;
	if (!png_image_write_to_memory(&img, NULL, &size, 0, x->p, 0, NULL) || size == 0)
		return IMAGE_NOMEM;
	unsigned char *mem = malloc(size);
	if (!mem)
		return IMAGE_NOMEM;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)x->w;
	img.height = (png_uint_32)x->h;
	img.format = x->ch == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
	if (!png_image_write_to_memory(&img, mem, &size, 0, x->p, 0, NULL)) {
		free(mem);
		return IMAGE_NOMEM;
	}
	o->data = mem;
	o->len = size;
	o->mime = "image/png";
	o->width = x->w;
	o->height = x->h;
	return IMAGE_OK;
}

/* ---- WebP ---- */

static enum image_status decode_webp(const unsigned char *data, size_t len, struct px *out, bool *lossless)
{
	WebPBitstreamFeatures f;
	memset(out, 0, sizeof(*out));
	if (WebPGetFeatures(data, len, &f) != VP8_STATUS_OK)
		return IMAGE_CORRUPT;
	if (f.has_animation)
		return IMAGE_UNSUPPORTED;
	if (f.width <= 0 || f.height <= 0 || f.width > IMAGE_MAX_DIM || f.height > IMAGE_MAX_DIM ||
	    (uint64_t)f.width * (uint64_t)f.height > IMAGE_MAX_PIXELS_FULL)
		return IMAGE_TOO_LARGE;
	*lossless = f.format == 2;
	out->w = out->sw = f.width;
	out->h = out->sh = f.height;
	out->ch = f.has_alpha ? 4 : 3;
	size_t stride = (size_t)out->w * out->ch, size = stride * out->h;
	if (!(out->p = malloc(size)))
		return IMAGE_NOMEM;
	uint8_t *ok = f.has_alpha ? WebPDecodeRGBAInto(data, len, out->p, size, (int)stride)
				  : WebPDecodeRGBInto(data, len, out->p, size, (int)stride);
	if (!ok) {
		px_free(out);
		return IMAGE_CORRUPT;
	}
	return IMAGE_OK;
}

static enum image_status encode_webp(const struct px *x, bool lossless, struct image_out *o)
{
	uint8_t *mem = NULL;
	int stride = x->w * x->ch;
	size_t n;
	if (x->ch == 4)
		n = lossless ? WebPEncodeLosslessRGBA(x->p, x->w, x->h, stride, &mem)
			     : WebPEncodeRGBA(x->p, x->w, x->h, stride, WEBP_QUALITY, &mem);
	else
		n = lossless ? WebPEncodeLosslessRGB(x->p, x->w, x->h, stride, &mem)
			     : WebPEncodeRGB(x->p, x->w, x->h, stride, WEBP_QUALITY, &mem);
	if (!n || !mem) {
		WebPFree(mem);
		return IMAGE_NOMEM;
	}
	/* copied so that every output is released with free() */
	if (!(o->data = malloc(n))) {
		WebPFree(mem);
		return IMAGE_NOMEM;
	}
	memcpy(o->data, mem, n);
	WebPFree(mem);
	o->len = n;
	o->mime = "image/webp";
	o->width = x->w;
	o->height = x->h;
	return IMAGE_OK;
}

/* ---- metadata removed from the bytes, the picture kept as it was coded ---- */

static bool out_alloc(struct image_out *o, size_t cap)
{
	o->data = malloc(cap ? cap : 1);
	o->len = 0;
	return o->data != NULL;
}

static void out_put(struct image_out *o, const unsigned char *p, size_t n)
{
	memcpy(o->data + o->len, p, n);
	o->len += n;
}

/* A JPEG without its APP1..APP15 segments (EXIF, XMP, Photoshop/IPTC, maker notes)
 * but ICC profiles (APP2) and Adobe's colour transform (APP14), without comments, and
 * without anything after its end marker. False when the walk fails. */
static bool strip_jpeg(const unsigned char *p, size_t len, struct image_out *o)
{
	if (len < 4 || !out_alloc(o, len))
		return false;
	out_put(o, p, 2);
	size_t at = 2;
	bool scan = false;
	while (at < len) {
		if (scan) {
			/* entropy-coded data: up to a marker other than a stuffed 00 or a restart */
			size_t start = at;
			while (at + 1 < len && !(p[at] == 0xFF && p[at + 1] != 0x00 &&
						  !(p[at + 1] >= 0xD0 && p[at + 1] <= 0xD7)))
				at++;
			if (at + 1 >= len)
				return false;
			out_put(o, p + start, at - start);
			scan = false;
			continue;
		}
		if (len - at < 2 || p[at] != 0xFF)
			return false;
		unsigned m = p[at + 1];
		if (m == 0xFF) {
			at++;
			continue;
		}
		if (m == 0xD9) {
			out_put(o, p + at, 2);
			return true;
		}
		if (len - at < 4)
			return false;
		size_t seg = (size_t)p[at + 2] << 8 | p[at + 3];
		if (seg < 2 || seg > len - at - 2)
			return false;
		bool drop = (m >= 0xE1 && m <= 0xEF && m != 0xE2 && m != 0xEE) || m == 0xFE;
		if (!drop)
			out_put(o, p + at, 2 + seg);
		at += 2 + seg;
		if (m == 0xDA)
			scan = true;
	}
	return false;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A PNG with only the chunks that make the picture (IHDR, PLTE, tRNS, IDAT, IEND)
 * and its colours (gAMA, cHRM, sRGB, iCCP, sBIT): no eXIf, text or time. */
static bool strip_png(const unsigned char *p, size_t len, struct image_out *o)
{
	static const char keep[][5] = {"IHDR", "PLTE", "tRNS", "IDAT", "IEND", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT"};
	if (len < 8 || !out_alloc(o, len))
		return false;
	out_put(o, p, 8);
	size_t at = 8;
	while (len - at >= 12) {
		uint32_t n = be32(p + at);
		if (n > len - at - 12)
			return false;
		bool kept = false;
		for (size_t i = 0; i < ARRAY_SIZE(keep) && !kept; i++)
			kept = !memcmp(p + at + 4, keep[i], 4);
		if (kept)
			out_put(o, p + at, 12 + (size_t)n);
		bool end = !memcmp(p + at + 4, "IEND", 4);
		at += 12 + (size_t)n;
		if (end)
			return true;
	}
	return false;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A WebP without its EXIF and XMP chunks (the flags of VP8X cleared to match) and
 * without anything after the RIFF's declared size. */
static bool strip_webp(const unsigned char *p, size_t len, struct image_out *o)
{
	if (len < 12)
		return false;
	uint32_t riff = le32(p + 4);
	if (riff < 4 || riff > len - 8)
		return false;
	len = (size_t)riff + 8;
	if (!out_alloc(o, len))
		return false;
	out_put(o, p, 12);
	size_t at = 12, flags_at = 0;
	while (len - at >= 8) {
		uint32_t n = le32(p + at + 4);
		size_t whole = 8 + (size_t)n + (n & 1);
		if (n > len - at - 8 || whole > len - at)
			return false;
		bool drop = !memcmp(p + at, "EXIF", 4) || !memcmp(p + at, "XMP ", 4);
		if (!drop) {
			if (!memcmp(p + at, "VP8X", 4) && n >= 4)
				flags_at = o->len + 8;
			out_put(o, p + at, whole);
		}
		at += whole;
	}
	if (at != len)
		return false;
	if (flags_at)
		o->data[flags_at] &= (unsigned char)~0x0C; /* EXIF 0x08, XMP 0x04 */
	uint32_t size = (uint32_t)(o->len - 8);
	o->data[4] = (unsigned char)size;
	o->data[5] = (unsigned char)(size >> 8);
	o->data[6] = (unsigned char)(size >> 16);
	o->data[7] = (unsigned char)(size >> 24);
	return true;
}

/* ---- pixels ---- */

/* The pixels turned as EXIF orientation o says (2..8), into a new buffer. */
static enum image_status orient(struct px *x, int o)
{
	if (o < 2 || o > 8)
		return IMAGE_OK;
	bool swap = o >= 5;
	int w = x->w, h = x->h, ch = x->ch, dw = swap ? h : w, dh = swap ? w : h;
	unsigned char *p = malloc((size_t)w * h * ch);
	if (!p)
		return IMAGE_NOMEM;
	for (int y = 0; y < dh; y++)
		for (int xx = 0; xx < dw; xx++) {
			int sx, sy;
			switch (o) {
			case 2: sx = w - 1 - xx, sy = y; break;
			case 3: sx = w - 1 - xx, sy = h - 1 - y; break;
			case 4: sx = xx, sy = h - 1 - y; break;
			case 5: sx = y, sy = xx; break;
			case 6: sx = y, sy = h - 1 - xx; break;
			case 7: sx = w - 1 - y, sy = h - 1 - xx; break;
			default: sx = w - 1 - y, sy = xx; break; /* 8 */
			}
			memcpy(p + ((size_t)y * dw + xx) * ch, x->p + ((size_t)sy * w + sx) * ch, (size_t)ch);
		}
	free(x->p);
	x->p = p;
	x->w = dw;
	x->h = dh;
	return IMAGE_OK;
}

/* Made smaller by averaging (a box filter) to at most side on the longer side; a
 * picture already that small is left alone. */
static enum image_status fit(struct px *x, int side)
{
	int w = x->w, h = x->h, ch = x->ch;
	if (w <= side && h <= side)
		return IMAGE_OK;
	int tw = w >= h ? side : (int)(((int64_t)w * side + h / 2) / h);
	int th = w >= h ? (int)(((int64_t)h * side + w / 2) / w) : side;
	if (tw < 1)
		tw = 1;
	if (th < 1)
		th = 1;
	unsigned char *p = malloc((size_t)tw * th * ch);
	if (!p)
		return IMAGE_NOMEM;
	for (int y = 0; y < th; y++) {
		int y0 = (int)((int64_t)y * h / th), y1 = (int)((int64_t)(y + 1) * h / th);
		if (y1 <= y0)
			y1 = y0 + 1;
		for (int xx = 0; xx < tw; xx++) {
			int x0 = (int)((int64_t)xx * w / tw), x1 = (int)((int64_t)(xx + 1) * w / tw);
			if (x1 <= x0)
				x1 = x0 + 1;
			uint64_t sum[4] = {0, 0, 0, 0};
			for (int sy = y0; sy < y1; sy++) {
				const unsigned char *s = x->p + ((size_t)sy * w + x0) * ch;
				for (int sx = x0; sx < x1; sx++, s += ch)
					for (int k = 0; k < ch; k++)
						sum[k] += s[k];
			}
			uint64_t n = (uint64_t)(y1 - y0) * (uint64_t)(x1 - x0);
			for (int k = 0; k < ch; k++)
				p[((size_t)y * tw + xx) * ch + k] = (unsigned char)((sum[k] + n / 2) / n);
		}
	}
	free(x->p);
	x->p = p;
	x->w = tw;
	x->h = th;
	return IMAGE_OK;
}

/* RGBA over a white ground, as RGB (for a JPEG). */
static void flatten(struct px *x)
{
	if (x->ch != 4)
		return;
	size_t n = (size_t)x->w * x->h;
	for (size_t i = 0; i < n; i++) {
		unsigned a = x->p[i * 4 + 3];
		for (int k = 0; k < 3; k++)
			x->p[i * 3 + k] = (unsigned char)((x->p[i * 4 + k] * a + 255 * (255 - a) + 127) / 255);
	}
	x->ch = 3;
}

static enum image_status decode(const void *data, size_t len, int target, struct px *x, const char **kind,
				bool *lossless)
{
	*lossless = false;
	*kind = image_kind(data, len);
	if (!*kind)
		return IMAGE_UNKNOWN;
	enum image_status s;
	if (!strcmp(*kind, "image/jpeg")) {
		s = decode_jpeg(data, len, target, x);
		if (!s)
			s = orient(x, image_jpeg_orientation(data, len));
	} else if (!strcmp(*kind, "image/png")) {
		s = decode_png(data, len, x);
	} else {
		s = decode_webp(data, len, x, lossless);
	}
	if (s)
		px_free(x);
	return s;
}

static enum image_status make_thumb(struct px *x, int side, struct image_out *out)
{
	enum image_status s = fit(x, side);
	if (s)
		return s;
	flatten(x);
	return encode_jpeg(x, THUMB_QUALITY, out);
}

static bool strip(const char *kind, const void *data, size_t len, struct image_out *o)
{
	bool ok = !strcmp(kind, "image/jpeg") ? strip_jpeg(data, len, o)
		  : !strcmp(kind, "image/png") ? strip_png(data, len, o)
					       : strip_webp(data, len, o);
	if (!ok)
		image_free(o);
	return ok;
}

enum image_status image_clean(const void *data, size_t len, struct image_out *out, struct image_out *thumb)
{
	memset(out, 0, sizeof(*out));
	if (thumb)
		memset(thumb, 0, sizeof(*thumb));
	const char *kind = image_kind(data, len);
	if (!kind)
		return IMAGE_UNKNOWN;
	bool jpeg = !strcmp(kind, "image/jpeg"), png = !strcmp(kind, "image/png");
	/* A picture upright and not too large keeps its coding: only the metadata is taken
	 * out of the bytes (no second loss of quality). What is decoded is then the stripped
	 * bytes themselves, so what is stored is known to decode (a decoder may have read
	 * past a chunk's declared end in the original). Else, or when the stripped bytes do
	 * not decode, the original is decoded and written again from its pixels. */
	struct px x = {0};
	const char *k;
	bool lossless;
	enum image_status s = IMAGE_CORRUPT;
	struct image_out kept = {0};
	if ((!jpeg || image_jpeg_orientation(data, len) == 1) && strip(kind, data, len, &kept) &&
	    (s = decode(kept.data, kept.len, IMAGE_MAX_SIDE, &x, &k, &lossless)) == IMAGE_OK &&
	    x.sw <= IMAGE_MAX_SIDE && x.sh <= IMAGE_MAX_SIDE && !strcmp(k, kind)) {
		*out = kept;
		out->mime = kind;
		out->width = x.w;
		out->height = x.h;
	} else {
		image_free(&kept);
		if (s != IMAGE_OK)
			s = decode(data, len, IMAGE_MAX_SIDE, &x, &k, &lossless);
		if (s == IMAGE_OK && !(s = fit(&x, IMAGE_MAX_SIDE))) {
			if (jpeg)
				s = encode_jpeg(&x, JPEG_QUALITY, out);
			else if (png)
				s = encode_png(&x, out);
			else
				s = encode_webp(&x, lossless, out);
		}
	}
	if (!s && thumb && (s = make_thumb(&x, IMAGE_THUMB_SIDE, thumb)))
		image_free(out);
	px_free(&x);
	return s;
}

enum image_status image_thumb(const void *data, size_t len, int side, struct image_out *out)
{
	memset(out, 0, sizeof(*out));
	if (side < 1)
		side = IMAGE_THUMB_SIDE;
	struct px x;
	const char *kind;
	bool lossless;
	enum image_status s = decode(data, len, side, &x, &kind, &lossless);
	if (s)
		return s;
	s = make_thumb(&x, side, out);
	px_free(&x);
	return s;
}
