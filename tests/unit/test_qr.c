/* Unit tests for util/qr: PNGs decoded back by zbarimg (zbar-tools) give the encoded
 * text, Chinese included; SVGs are well-formed XML with one path. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <expat.h>
#include <unistd.h>

#include "util/qr.h"

static bool have_zbarimg(void)
{
	return system("command -v zbarimg >/dev/null 2>&1") == 0;
}

/* Writes the PNG to a temporary file and returns what zbarimg reads from it. */
static void decode_png(const struct buf *png, char *out, size_t outlen)
{
	char path[] = "/tmp/cunzhi-qr-XXXXXX.png";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, png->ptr, png->len), (ssize_t)png->len);
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q %s 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, outlen - 1, p);
	out[n] = 0;
	pclose(p);
	unlink(path);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = 0;
}

static void round_trip(const char *text, int module)
{
	struct buf png;
	buf_init(&png, 8 << 20);
	assert_int_equal(qr_png(text, module, &png), 0);
	assert_true(png.len > 8);
	assert_memory_equal(png.ptr, "\x89PNG\r\n\x1a\n", 8);
	char got[4096];
	decode_png(&png, got, sizeof(got));
	assert_string_equal(got, text);
	buf_release(&png);
}

static void test_png_round_trip(void **state)
{
	if (!have_zbarimg())
		skip();
	round_trip("A1.42.1790000000.0123456789abcdef0123456789abcdef", 4);
	round_trip("H1.7.1790000300.fedcba9876543210fedcba9876543210", 8);
	round_trip("https://cunzhi.example/p/village/12?from=poster&x=1", 3);
	round_trip("村民积分：参加环境整治 +5 分（石门村）", 6);
	round_trip("1234567890", 1 + 1);
}

static void test_png_bounds(void **state)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	assert_int_equal(qr_png("x", 0, &b), -1);
	assert_int_equal(qr_png("x", 33, &b), -1);
	assert_int_equal(qr_png("", 4, &b), -1);
	assert_int_equal(qr_png(NULL, 4, &b), -1);
	/* more than a version-40 symbol holds at level M */
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(qr_png(big, 4, &b), -1);
	buf_release(&b);
	/* the buffer cap is honoured */
	buf_init(&b, 64);
	assert_int_equal(qr_png("hello", 8, &b), -1);
	buf_release(&b);
}

static void XMLCALL on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
	int *counts = data;
	if (!strcmp(name, "svg")) {
		counts[0]++;
		bool viewbox = false;
		for (int i = 0; attrs[i]; i += 2)
			viewbox |= !strcmp(attrs[i], "viewBox");
		if (viewbox)
			counts[3]++;
	} else if (!strcmp(name, "path")) {
		counts[1]++;
	} else if (!strcmp(name, "rect")) {
		counts[2]++;
	}
}

static void test_svg(void **state)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	assert_int_equal(qr_svg("H1.7.1790000300.村民", 4, &b), 0);
	XML_Parser p = XML_ParserCreate("UTF-8");
	int counts[4] = {0};
	XML_SetUserData(p, counts);
	XML_SetStartElementHandler(p, on_start);
	assert_int_equal(XML_Parse(p, b.ptr, (int)b.len, 1), XML_STATUS_OK);
	XML_ParserFree(p);
	assert_int_equal(counts[0], 1);   /* svg */
	assert_int_equal(counts[1], 1);   /* one path */
	assert_int_equal(counts[2], 1);   /* the white background */
	assert_int_equal(counts[3], 1);   /* with a viewBox */
	assert_non_null(strstr(b.ptr, "fill=\"#fff\""));
	buf_reset(&b);
	assert_int_equal(qr_svg("x", 0, &b), -1);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_round_trip),
		cmocka_unit_test(test_png_bounds),
		cmocka_unit_test(test_svg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
