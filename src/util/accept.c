/* Accept-Encoding negotiation and gzip. */
#include <limits.h>
#include <strings.h>
#include <zlib.h>

#include "util/accept.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool name_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && !strncasecmp(s, name, n);
}

/* A qvalue: "0", "0.ddd", "1" or "1.000" (at most three decimals); -1 when it does not
 * parse. In thousandths. */
static int parse_q(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

/* One element "coding *( OWS ; OWS param )" of s[0..n): its name and q (1000 when
 * absent); false when it does not parse. */
static bool parse_element(const char *s, size_t n, const char **name, size_t *name_len, int *q)
{
	size_t i = 0;
	while (i < n && is_space(s[i]))
		i++;
	size_t start = i;
	while (i < n && !is_space(s[i]) && s[i] != ';')
		i++;
	*name = s + start;
	*name_len = i - start;
	*q = 1000;
	if (*name_len == 0)
		return false;
	while (i < n) {
		while (i < n && is_space(s[i]))
			i++;
		if (i == n)
			break;
		if (s[i] != ';')
			return false;
		i++;
		while (i < n && is_space(s[i]))
			i++;
		size_t ps = i;
		while (i < n && s[i] != ';' && s[i] != '=' && !is_space(s[i]))
			i++;
		size_t pn = i - ps;
		while (i < n && is_space(s[i]))
			i++;
		if (i == n || s[i] != '=')
			return false;
		i++;
		while (i < n && is_space(s[i]))
			i++;
		size_t vs = i;
		while (i < n && s[i] != ';' && !is_space(s[i]))
			i++;
		if (name_is(s + ps, pn, "q")) {
			*q = parse_q(s + vs, i - vs);
			if (*q < 0)
				return false;
		}
	}
	return true;
}

enum coding accept_coding(const char *header, unsigned offered)
{
	if (!header)
		return CODING_IDENTITY;
	/* q per coding as named: -1 not named */
	int q_gzip = -1, q_br = -1, q_star = -1;
	const char *p = header;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *name;
		size_t len;
		int q;
		if (parse_element(p, n, &name, &len, &q)) {
			if (name_is(name, len, "gzip") || name_is(name, len, "x-gzip"))
				q_gzip = q;
			else if (name_is(name, len, "br"))
				q_br = q;
			else if (name_is(name, len, "*"))
				q_star = q;
		}
		if (!end)
			break;
		p = end + 1;
	}
	if (q_gzip < 0)
		q_gzip = q_star;
	if (q_br < 0)
		q_br = q_star;
	if (!(offered & CODING_BIT(CODING_GZIP)))
		q_gzip = -1;
	if (!(offered & CODING_BIT(CODING_BR)))
		q_br = -1;
	if (q_br > 0 && q_br >= q_gzip)
		return CODING_BR;
	if (q_gzip > 0)
		return CODING_GZIP;
	return CODING_IDENTITY;
}

const char *coding_name(enum coding c)
{
	switch (c) {
	case CODING_GZIP: return "gzip";
	case CODING_BR: return "br";
	case CODING_IDENTITY: break;
	}
	return "";
}

int gzip_compress(const void *data, size_t len, int level, struct buf *out)
{
	if (len > UINT_MAX)
		return -1;
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	unsigned char chunk[16384];
	int zr;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = deflate(&z, Z_FINISH);
		if (zr == Z_STREAM_ERROR)
			break;
		if (buf_add(out, chunk, sizeof(chunk) - z.avail_out)) {
			zr = Z_STREAM_ERROR;
			break;
		}
	} while (zr != Z_STREAM_END);
	deflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : -1;
}
