/* Fuzz target: what an upload or a request brings from outside for recordings and clips:
 * the container walk of util/media.c over any bytes (a length only from what was read,
 * never a read past the end), and the Range header of util/range.c (a range it returns
 * always lies inside the representation). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/media.h"
#include "util/range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the bytes as a file, in a buffer of exactly their size */
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct media_probe m;
	if (media_probe(copy, size, &m)) {
		if (!m.mime || (!m.has_audio && !m.has_video) || m.duration_ms < -1)
			abort();
		if (m.has_video != !strncmp(m.mime, "video/", 6))
			abort();
	} else if (m.mime || m.duration_ms != -1) {
		abort();
	}
	free(copy);

	/* the bytes as a Range header, against a few sizes */
	char *h = malloc(size + 1);
	if (!h)
		return 0;
	memcpy(h, data, size);
	h[size] = 0;
	static const int64_t sizes[] = {0, 1, 100, 4096, 16 << 20};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int64_t first = -1, last = -1;
		enum range_result r = range_parse(h, sizes[i], &first, &last);
		if (r == RANGE_OK && !(first >= 0 && first <= last && last < sizes[i]))
			abort();
	}
	free(h);
	return 0;
}
