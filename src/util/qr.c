/* QR codes with libqrencode, drawn as SVG (one path of the dark modules) or as a
 * 1-bit grayscale PNG written here with zlib's compress2 and crc32. */
#include <qrencode.h>
#include <zlib.h>

#include "util/qr.h"

#define QR_QUIET 4

static QRcode *encode(const char *text, int module)
{
	if (!text || !text[0] || module < 1 || module > 32)
		return NULL;
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

static bool dark(const QRcode *q, int x, int y)
{
	return (q->data[y * q->width + x] & 1) != 0;
}

int qr_svg(const char *text, int module, struct buf *out)
{
	QRcode *q = encode(text, module);
	if (!q)
		return -1;
	int w = q->width + 2 * QR_QUIET;
	buf_addf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		      "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
		      "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		 w * module, w * module, w, w, w, w);
	/* each horizontal run of dark modules is one rectangle of the path */
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			if (!dark(q, x, y)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < q->width && dark(q, x + run, y))
				run++;
			buf_addf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	buf_adds(out, "\"/></svg>\n");
	QRcode_free(q);
	return out->failed ? -1 : 0;
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* One PNG chunk: length, type, data, CRC of type and data. */
static void png_chunk(struct buf *out, const char type[4], const unsigned char *data, size_t len)
{
	unsigned char hdr[8], crc[4];
	put_u32(hdr, (uint32_t)len);
	memcpy(hdr + 4, type, 4);
	uLong c = crc32(0L, Z_NULL, 0);
	c = crc32(c, (const Bytef *)type, 4);
	if (len)
		c = crc32(c, data, (uInt)len);
	put_u32(crc, (uint32_t)c);
	buf_add(out, hdr, sizeof(hdr));
	if (len)
		buf_add(out, data, len);
	buf_add(out, crc, sizeof(crc));
}

int qr_png(const char *text, int module, struct buf *out)
{
	QRcode *q = encode(text, module);
	if (!q)
		return -1;
	int rc = -1;
	unsigned char *raw = NULL, *z = NULL;
	size_t px = (size_t)(q->width + 2 * QR_QUIET) * (size_t)module;
	size_t stride = 1 + (px + 7) / 8;   /* filter byte + packed bits */
	size_t rawlen = stride * px;
	raw = malloc(rawlen);
	if (!raw)
		goto cleanup;
	/* 1-bit grayscale: 1 is white, 0 is black */
	for (size_t y = 0; y < px; y++) {
		unsigned char *row = raw + y * stride;
		memset(row, 0, stride);
		long my = (long)(y / (size_t)module) - QR_QUIET;
		for (size_t x = 0; x < px; x++) {
			long mx = (long)(x / (size_t)module) - QR_QUIET;
			bool black = my >= 0 && mx >= 0 && my < q->width && mx < q->width &&
				     dark(q, (int)mx, (int)my);
			if (!black)
				row[1 + x / 8] |= (unsigned char)(0x80 >> (x % 8));
		}
	}
	uLongf zlen = compressBound((uLong)rawlen);
	z = malloc(zlen);
	if (!z || compress2(z, &zlen, raw, (uLong)rawlen, Z_BEST_COMPRESSION) != Z_OK)
		goto cleanup;

	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char ihdr[13];
	put_u32(ihdr, (uint32_t)px);
	put_u32(ihdr + 4, (uint32_t)px);
	ihdr[8] = 1;    /* bit depth */
	ihdr[9] = 0;    /* grayscale */
	ihdr[10] = 0;   /* deflate */
	ihdr[11] = 0;   /* adaptive filtering (each row's filter byte is 0: none) */
	ihdr[12] = 0;   /* no interlace */
	buf_add(out, sig, sizeof(sig));
	png_chunk(out, "IHDR", ihdr, sizeof(ihdr));
	png_chunk(out, "IDAT", z, zlen);
	png_chunk(out, "IEND", NULL, 0);
	rc = out->failed ? -1 : 0;
cleanup:
	free(raw);
	free(z);
	QRcode_free(q);
	return rc;
}
