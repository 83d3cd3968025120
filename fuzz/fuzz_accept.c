/* Fuzz target: the Accept-Encoding header (util/accept.c), as a request brings it, and
 * the gzip of a reply body, which must inflate back to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/accept.h"

static void roundtrip(const uint8_t *data, size_t size)
{
	struct buf z;
	buf_init(&z, 2 * size + 1024);
	if (gzip_compress(data, size, 1, &z))
		abort();
	unsigned char *back = malloc(size + 1);
	z_stream s;
	memset(&s, 0, sizeof(s));
	if (!back || inflateInit2(&s, 15 + 16) != Z_OK)
		abort();
	s.next_in = (Bytef *)z.ptr;
	s.avail_in = (uInt)z.len;
	s.next_out = back;
	s.avail_out = (uInt)size + 1;
	if (inflate(&s, Z_FINISH) != Z_STREAM_END || s.total_out != size || memcmp(back, data, size))
		abort();
	inflateEnd(&s);
	free(back);
	buf_release(&z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size + 1);
	if (!h)
		return 0;
	memcpy(h, data, size);
	h[size] = 0;
	for (unsigned offered = 0; offered < 8; offered++) {
		enum coding c = accept_coding(h, offered);
		/* only an offered coding, or identity, ever comes back */
		if (c != CODING_IDENTITY && !(offered & CODING_BIT(c)))
			abort();
	}
	free(h);
	roundtrip(data, size);
	return 0;
}
