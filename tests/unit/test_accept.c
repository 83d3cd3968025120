/* Unit tests for util/accept: choosing a content coding from Accept-Encoding
 * (RFC 9110 §12.5.3) and gzip. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <zlib.h>

#include "util/accept.h"

#define BOTH (CODING_BIT(CODING_GZIP) | CODING_BIT(CODING_BR))
#define GZ CODING_BIT(CODING_GZIP)

static void test_accept_prefers_by_q(void **state)
{
	(void)state;
	assert_int_equal(accept_coding("gzip, deflate, br", BOTH), CODING_BR);
	assert_int_equal(accept_coding("gzip, deflate, br", GZ), CODING_GZIP);
	assert_int_equal(accept_coding("gzip;q=1, br;q=0.9", BOTH), CODING_GZIP);
	assert_int_equal(accept_coding("gzip;q=0.5, br;q=0.5", BOTH), CODING_BR);
	assert_int_equal(accept_coding("br;q=0.001", BOTH), CODING_BR);
	assert_int_equal(accept_coding("x-gzip", BOTH), CODING_GZIP);
	assert_int_equal(accept_coding("GZip ; Q=0.8 ,\tBR;q=0.7", BOTH), CODING_GZIP);
	assert_int_equal(accept_coding("*", BOTH), CODING_BR);
	assert_int_equal(accept_coding("*;q=0.3, br;q=0.2", BOTH), CODING_GZIP);
	/* a parameter other than q is allowed and ignored */
	assert_int_equal(accept_coding("gzip;level=9;q=0.4", GZ), CODING_GZIP);
}

static void test_accept_refusals_fall_back_to_identity(void **state)
{
	(void)state;
	assert_int_equal(accept_coding(NULL, BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding("", BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding("identity", BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding("deflate, compress", BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding("br;q=0, gzip;q=0", BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding("br;q=0.000, gzip", BOTH), CODING_GZIP);
	assert_int_equal(accept_coding("*;q=0", BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding("identity;q=0, *;q=0", BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding("br", GZ), CODING_IDENTITY);
	assert_int_equal(accept_coding("gzip, br", 0), CODING_IDENTITY);
	/* malformed elements are ignored, the others still count */
	assert_int_equal(accept_coding("gzip;q=2", BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding("gzip;q=1.0001", BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding("gzip;q=0.5x, br;q=0.1", BOTH), CODING_BR);
	assert_int_equal(accept_coding("gzip;q, br;", BOTH), CODING_IDENTITY);
	assert_int_equal(accept_coding(",,, ;q=1, gzip", BOTH), CODING_GZIP);
	/* the last mention of a coding counts */
	assert_int_equal(accept_coding("gzip, gzip;q=0", GZ), CODING_IDENTITY);
	assert_string_equal(coding_name(CODING_BR), "br");
	assert_string_equal(coding_name(CODING_IDENTITY), "");
}

static void test_gzip_round_trip(void **state)
{
	(void)state;
	char text[8192];
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = "村治积分{\"id\":1}"[i % 20];
	struct buf z;
	buf_init(&z, 1 << 20);
	assert_int_equal(gzip_compress(text, sizeof(text), 5, &z), 0);
	assert_true(z.len < sizeof(text) / 4);
	assert_int_equal((unsigned char)z.ptr[0], 0x1f);
	assert_int_equal((unsigned char)z.ptr[1], 0x8b);
	char back[sizeof(text)];
	z_stream s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = (Bytef *)z.ptr;
	s.avail_in = (uInt)z.len;
	s.next_out = (Bytef *)back;
	s.avail_out = sizeof(back);
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, sizeof(text));
	assert_memory_equal(back, text, sizeof(text));
	inflateEnd(&s);
	buf_release(&z);

	/* a buffer too small for the result: refused, not truncated */
	struct buf tiny;
	buf_init(&tiny, 8);
	assert_int_equal(gzip_compress(text, sizeof(text), 5, &tiny), -1);
	buf_release(&tiny);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_prefers_by_q),
		cmocka_unit_test(test_accept_refusals_fall_back_to_identity),
		cmocka_unit_test(test_gzip_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
