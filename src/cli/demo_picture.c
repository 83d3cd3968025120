/* Pictures for the demo's photos (claims, goods, the 大事记): drawn in memory and stored
 * as PNG through the files store, as an upload would be. */
#include <zlib.h>

#include "cli/demo_picture.h"
#include "cli/demo_rng.h"
#include "util/buf.h"

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8),
	p[3] = (unsigned char)v;
}

static void chunk(struct buf *out, const char type[4], const unsigned char *data, size_t len)
{
	unsigned char hdr[8], crc[4];
	put32(hdr, (uint32_t)len);
	memcpy(hdr + 4, type, 4);
	uLong k = crc32(0L, Z_NULL, 0);
	k = crc32(k, (const Bytef *)type, 4);
	if (len)
		k = crc32(k, data, (uInt)len);
	put32(crc, (uint32_t)k);
	buf_add(out, hdr, sizeof(hdr));
	if (len)
		buf_add(out, data, len);
	buf_add(out, crc, sizeof(crc));
}

void demo_fill(struct demo_picture *p, int x0, int y0, int x1, int y1, uint32_t rgb)
{
	for (int y = y0 < 0 ? 0 : y0; y < y1 && y < p->h; y++)
		for (int x = x0 < 0 ? 0 : x0; x < x1 && x < p->w; x++) {
			unsigned char *q = p->px + ((size_t)y * (size_t)p->w + (size_t)x) * 3;
			q[0] = (unsigned char)(rgb >> 16), q[1] = (unsigned char)(rgb >> 8), q[2] = (unsigned char)rgb;
		}
}

void demo_ellipse(struct demo_picture *p, int cx, int cy, int rx, int ry, uint32_t rgb)
{
	for (int y = cy - ry; y <= cy + ry; y++)
		for (int x = cx - rx; x <= cx + rx; x++) {
			double dx = (double)(x - cx) / rx, dy = (double)(y - cy) / ry;
			if (dx * dx + dy * dy <= 1.0)
				demo_fill(p, x, y, x + 1, y + 1, rgb);
		}
}

static int png(const struct demo_picture *p, struct buf *out)
{
	size_t stride = 1 + (size_t)p->w * 3, rawlen = stride * (size_t)p->h;
	unsigned char *raw = malloc(rawlen);
	uLongf zlen = compressBound((uLong)rawlen);
	unsigned char *z = malloc(zlen);
	int rc = -1;
	if (raw && z) {
		for (int y = 0; y < p->h; y++) {
			raw[(size_t)y * stride] = 0;
			memcpy(raw + (size_t)y * stride + 1, p->px + (size_t)y * (size_t)p->w * 3, (size_t)p->w * 3);
		}
		if (compress2(z, &zlen, raw, (uLong)rawlen, 6) == Z_OK) {
			static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
			unsigned char ihdr[13] = {0};
			put32(ihdr, (uint32_t)p->w);
			put32(ihdr + 4, (uint32_t)p->h);
			ihdr[8] = 8;   /* bit depth */
			ihdr[9] = 2;   /* RGB */
			buf_add(out, sig, sizeof(sig));
			chunk(out, "IHDR", ihdr, sizeof(ihdr));
			chunk(out, "IDAT", z, zlen);
			chunk(out, "IEND", NULL, 0);
			rc = out->failed ? -1 : 0;
		}
	}
	free(raw);
	free(z);
	return rc;
}

/* Stores a picture as the actor of x (POST /api/v1/files does the same). */
int demo_picture_store(struct ctx *x, const struct demo_picture *p, char hash[FILES_HASH_LEN + 1])
{
	struct buf b;
	buf_init(&b, 1 << 20);
	int rc = png(p, &b) ? ctx_fail(x, RC_INTERNAL, "演示数据：生成图片失败") : RC_OK;
	struct file_info fi;
	if (!rc)
		rc = files_store(x, b.ptr, b.len, &fi);
	if (!rc)
		str_copy(hash, FILES_HASH_LEN + 1, fi.hash);
	buf_release(&b);
	return rc;
}

/* A photo somewhere in the village (a claim's, a 大事记 entry's), never twice the same. */
void demo_scene(struct demo_picture *p, uint64_t seed)
{
	struct rng r = {seed * 0x2545f4914f6cdd1dULL + 7};
	p->w = 160, p->h = 120;
	uint32_t sky = 0x9ccbe8 - (uint32_t)rng_range(&r, 0, 0x20) * 0x010101;   /* no channel carries over */
	demo_fill(p, 0, 0, 160, 70, sky);
	demo_fill(p, 0, 70, 160, 120, 0x6f9e4a + (uint32_t)rng_range(&r, 0, 0x18) * 0x000100);
	for (int k = 0; k < 3; k++) {   /* houses */
		int x = rng_range(&r, 0, 130), w = rng_range(&r, 24, 40), h = rng_range(&r, 20, 34);
		demo_fill(p, x, 70 - h, x + w, 72, 0xe8e2d4);
		demo_fill(p, x - 3, 66 - h, x + w + 3, 72 - h, 0x6b4f3a);
	}
	for (int k = 0; k < 4; k++) {   /* people */
		int x = rng_range(&r, 10, 150), y = rng_range(&r, 78, 100);
		demo_ellipse(p, x, y, 4, 4, 0xf1c27d);
		demo_fill(p, x - 4, y + 4, x + 5, y + 18, (uint32_t)rng_next(&r) & 0xffffff);
	}
}

