/* Unit tests for the small util modules: utf8, num, idcard, timeutil, buf, arena. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/idcard.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

/* ---------------------------------------------------------------- utf8 */

static bool valid(const char *s)
{
	return utf8_valid(s, strlen(s));
}

static void test_utf8_valid(void **state)
{
	assert_true(valid(""));
	assert_true(valid("plain ascii"));
	assert_true(valid("村务公开"));
	assert_true(valid("\xC2\x80"));         /* U+0080, smallest 2-byte */
	assert_true(valid("\xDF\xBF"));         /* U+07FF */
	assert_true(valid("\xE0\xA0\x80"));     /* U+0800, smallest 3-byte */
	assert_true(valid("\xED\x9F\xBF"));     /* U+D7FF, just below surrogates */
	assert_true(valid("\xEE\x80\x80"));     /* U+E000, just above */
	assert_true(valid("\xEF\xBF\xBF"));     /* U+FFFF */
	assert_true(valid("\xF0\x90\x80\x80")); /* U+10000, smallest 4-byte */
	assert_true(valid("\xF0\x9F\x98\x80")); /* an emoji */
	assert_true(valid("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last code point */
	assert_true(utf8_valid("a\0b", 3));     /* NUL is a valid code point */
	assert_true(utf8_valid(NULL, 0));
}

static void test_utf8_invalid(void **state)
{
	/* overlongs */
	assert_false(valid("\xC0\x80"));
	assert_false(valid("\xC0\xAF"));
	assert_false(valid("\xC1\xBF"));
	assert_false(valid("\xE0\x80\x80"));
	assert_false(valid("\xE0\x9F\xBF"));
	assert_false(valid("\xF0\x80\x80\x80"));
	assert_false(valid("\xF0\x8F\xBF\xBF"));
	/* surrogates */
	assert_false(valid("\xED\xA0\x80"));
	assert_false(valid("\xED\xBF\xBF"));
	assert_false(valid("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
	/* beyond U+10FFFF and bytes that never occur */
	assert_false(valid("\xF4\x90\x80\x80"));
	assert_false(valid("\xF5\x80\x80\x80"));
	assert_false(valid("\xF8\x88\x80\x80\x80"));
	assert_false(valid("\xFE"));
	assert_false(valid("\xFF"));
	/* stray continuation bytes */
	assert_false(valid("\x80"));
	assert_false(valid("a\xBF"));
	/* truncated sequences, at the end and before other text */
	assert_false(valid("\xE4\xB8"));
	assert_false(valid("\xE4\xB8" "a"));
	assert_false(valid("\xF0\x9F\x98"));
	assert_false(valid("\xC2"));
	assert_false(valid("ok\xE4"));
	/* a valid string cut by len */
	assert_false(utf8_valid("中", 2));
	assert_true(utf8_valid("中文", 3));
	/* GBK text is not UTF-8 */
	assert_false(valid("\xD5\xC5\xC8\xFD"));
}

static void test_utf8_count(void **state)
{
	assert_int_equal(utf8_count(""), 0);
	assert_int_equal(utf8_count("abc"), 3);
	assert_int_equal(utf8_count("中华人民共和国"), 7);
	assert_int_equal(utf8_count("a中b"), 3);
	assert_int_equal(utf8_count("第3组（东片）"), 7);
	assert_int_equal(utf8_count("\xF0\x9F\x98\x80!"), 2);
}

static void test_utf8_blank(void **state)
{
	assert_true(utf8_blank(NULL));
	assert_true(utf8_blank(""));
	assert_true(utf8_blank(" \t\r\n"));
	assert_true(utf8_blank("　 　"));      /* full-width spaces */
	assert_false(utf8_blank("　改"));
	assert_false(utf8_blank(" a "));
	assert_false(utf8_blank("\xE3\x80"));  /* a cut full-width space is not one */
}

static void test_utf8_controls(void **state)
{
	assert_false(utf8_has_controls("普通文字 text", false));
	assert_true(utf8_has_controls("a\nb", false));
	assert_false(utf8_has_controls("a\nb", true));
	assert_false(utf8_has_controls("a\tb\r\n", true));
	assert_true(utf8_has_controls("a\tb", false));
	assert_true(utf8_has_controls("a\x01", true));
	assert_true(utf8_has_controls("\x1b[31m", true));
	assert_true(utf8_has_controls("del\x7f", true));
}

static void test_utf8_person_name(void **state)
{
	(void)state;
	const char *good[] = {"张三", "欧阳小明", "阿依古丽·买买提", "阿依古丽・买买提", "李〇", "𠀾明", "John Smith", "王 Anna"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(utf8_is_person_name(good[i]));
	const char *bad[] = {"", "张🐉", "张3", "张三!", "张三。", " 张三", "张三 ", "张··三", "·张三", "张  三",
			     "张\t三", "ｚｈａｎｇ", "张-三", "王&#x4e09;"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(utf8_is_person_name(bad[i]));
}

static void test_utf8_prefix(void **state)
{
	char out[32];
	utf8_prefix(out, sizeof(out), "中华人民共和国", 2);
	assert_string_equal(out, "中华");
	utf8_prefix(out, sizeof(out), "ab中", 10);
	assert_string_equal(out, "ab中");
	utf8_prefix(out, sizeof(out), "abc", 0);
	assert_string_equal(out, "");
	/* the buffer is too small for two characters: never cut one in half */
	utf8_prefix(out, 5, "中华人民", 3);
	assert_string_equal(out, "中");
	utf8_prefix(out, 7, "中华人民", 3);
	assert_string_equal(out, "中华");
	utf8_prefix(out, 4, "abcdef", 6);
	assert_string_equal(out, "abc");
	out[0] = 'x';
	utf8_prefix(out, 0, "abc", 1); /* no room: untouched */
	assert_int_equal(out[0], 'x');
}

/* ---------------------------------------------------------------- num */

static void test_num_ok(void **state)
{
	int64_t v = 0;
	assert_int_equal(num_parse_i64("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse_i64("123", 0, 1000, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(num_parse_i64("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	/* bounds are inclusive */
	assert_int_equal(num_parse_i64("10", 1, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(num_parse_i64("1", 1, 10, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(num_parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(num_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MIN);
	/* a length-limited slice of a longer string */
	assert_int_equal(num_parse_i64n("2026-11-23", 4, 0, 9999, &v), 0);
	assert_int_equal(v, 2026);
	assert_int_equal(num_parse_i64n("13800138000", 11, 0, INT64_MAX, &v), 0);
	assert_true(v == 13800138000LL);
}

static void test_num_rejects(void **state)
{
	int64_t v = 77;
	const char *bad[] = {
		"", "-", "+5", "--5", "- 5", " 5", "5 ", "5x", "x5", "1e3", "1.0", "0x10", "1_000",
		"007", "00", "-0", "-007", "１２", /* full-width digits */
		"9223372036854775808", "-9223372036854775809", "18446744073709551616",
		"99999999999999999999", "123456789012345678901", "00000000000000000000001",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (num_parse_i64(bad[i], INT64_MIN, INT64_MAX, &v) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(v, 77); /* untouched on failure */
	}
	assert_int_equal(num_parse_i64(NULL, 0, 1, &v), -1);
	/* out of range */
	assert_int_equal(num_parse_i64("11", 1, 10, &v), -1);
	assert_int_equal(num_parse_i64("0", 1, 10, &v), -1);
	assert_int_equal(num_parse_i64("-1", 0, 10, &v), -1);
	assert_int_equal(num_parse_i64("100", -100, 99, &v), -1);
	assert_int_equal(v, 77);
	/* len 0 and an embedded NUL */
	assert_int_equal(num_parse_i64n("5", 0, 0, 9, &v), -1);
	assert_int_equal(num_parse_i64n("5\0", 2, 0, 9, &v), -1);
}

/* ---------------------------------------------------------------- idcard */

/* GB 11643 written out independently: weight of position i is 2^(17-i) mod 11, and
 * the check value c satisfies (sum + c) mod 11 == 1, with 10 written as X. */
static char ref_check(const char *s17)
{
	int sum = 0, w = 1;
	int weights[17];
	for (int i = 16; i >= 0; i--) {
		w = (w * 2) % 11;
		weights[i] = w;
	}
	for (int i = 0; i < 17; i++)
		sum += (s17[i] - '0') * weights[i];
	int c = (12 - sum % 11) % 11;
	return c == 10 ? 'X' : (char)('0' + c);
}

static void make_id(const char *s17, char out[IDCARD_LEN + 1])
{
	memcpy(out, s17, 17);
	out[17] = ref_check(s17);
	out[18] = 0;
}

static void test_idcard_valid(void **state)
{
	const char *good[] = {
		"11010519491231002X", /* the well-known sample from GB 11643 */
		"11010120000229123X", /* 29 February of a leap year */
		"320106199003074523",
		"510108198001010001",
		"110101190001010014", /* 1900-01-01 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		if (!idcard_valid(good[i]))
			fail_msg("rejected %s", good[i]);
		assert_int_equal(idcard_check_char(good[i]), good[i][17]);
		assert_int_equal(ref_check(good[i]), good[i][17]);
		/* every other check character is wrong */
		char id[IDCARD_LEN + 1];
		memcpy(id, good[i], sizeof(id));
		const char *alts = "0123456789X";
		for (const char *a = alts; *a; a++) {
			if (*a == good[i][17])
				continue;
			id[17] = *a;
			if (idcard_valid(id))
				fail_msg("accepted %s", id);
		}
	}
	assert_true(idcard_valid("11010519491231002x"));
	/* a transposition of two body digits is caught */
	assert_false(idcard_valid("11010519492131002X"));

	/* the table in idcard.c agrees with the formula on many bodies */
	uint32_t seed = 12345;
	for (int n = 0; n < 2000; n++) {
		char body[18];
		for (int i = 0; i < 17; i++) {
			seed = seed * 1103515245u + 12345u;
			body[i] = (char)('0' + (seed >> 16) % 10);
		}
		body[17] = 0;
		assert_int_equal(idcard_check_char(body), ref_check(body));
	}
}

static void test_idcard_invalid(void **state)
{
	char id[IDCARD_LEN + 1];
	/* right check character, impossible birth dates */
	const char *bad_dates[] = {
		"11010119000229001", /* 1900 is not a leap year */
		"11010120230229001", "11010120230230001", "11010120231301001",
		"11010120230001001", "11010120230100001", "11010120230431001",
		"11010118991231001", /* before 1900 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad_dates); i++) {
		make_id(bad_dates[i], id);
		if (idcard_valid(id))
			fail_msg("accepted %s", id);
	}
	make_id("11010120240229001", id);
	assert_true(idcard_valid(id));

	assert_false(idcard_valid(NULL));
	assert_false(idcard_valid(""));
	assert_false(idcard_valid("11010519491231002"));   /* 17 */
	assert_false(idcard_valid("11010519491231002X1")); /* 19 */
	assert_false(idcard_valid("110105194912310 2X"));
	assert_false(idcard_valid("1101051949123100XX"));
	assert_false(idcard_valid("A1010519491231002X"));
	assert_false(idcard_valid(" 11010519491231002X"));
	assert_false(idcard_valid("11010519491231002Y"));
	/* a correct check character but born in 1880: not a living resident */
	assert_int_equal(idcard_check_char("440524188001010014"), '4');
	assert_false(idcard_valid("440524188001010014"));
}

static void test_idcard_helpers(void **state)
{
	char out[IDCARD_LEN + 1];
	assert_true(idcard_normalize("  11010519491231002x ", out));
	assert_string_equal(out, "11010519491231002X");
	assert_true(idcard_valid(out));
	assert_true(idcard_normalize("440524188001010014", out));
	assert_string_equal(out, "440524188001010014");
	assert_false(idcard_normalize("1101051949123100", out));
	assert_false(idcard_normalize("11010519491231002X0", out));
	assert_false(idcard_normalize("   ", out));

	char date[11];
	idcard_birth_date("11010519491231002X", date);
	assert_string_equal(date, "1949-12-31");
	idcard_birth_date("440524188001010014", date);
	assert_string_equal(date, "1880-01-01");

	assert_int_equal(idcard_gender("11010519491231002X"), 2); /* 17th digit 2: female */
	assert_int_equal(idcard_gender("440524188001010014"), 1); /* 1: male */

	idcard_mask("11010519491231002X", out);
	assert_string_equal(out, "1101*************X");
	assert_int_equal(strlen(out), IDCARD_LEN);
	idcard_mask("123", out);
	assert_string_equal(out, "******");
	idcard_mask("", out);
	assert_string_equal(out, "******");
}

/* ---------------------------------------------------------------- timeutil */

static void test_time_days(void **state)
{
	assert_int_equal(time_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(time_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(time_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(time_days_from_civil(2024, 2, 29), 19782);
	assert_int_equal(time_days_from_civil(1600, 3, 1), -135080);
	assert_int_equal(time_days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(time_days_from_civil(1, 1, 1), -719162);
	assert_int_equal(time_days_from_civil(9999, 12, 31), 2932896);

	/* round trips, every day from year 1 to 9999, each the day after the previous */
	int py, pm, pd;
	time_civil_from_days(-719163, &py, &pm, &pd);
	assert_int_equal(py, 0);
	assert_int_equal(pm, 12);
	assert_int_equal(pd, 31);
	for (int64_t d = -719162; d <= 2932896; d++) {
		int y, m, dd;
		time_civil_from_days(d, &y, &m, &dd);
		if (time_days_from_civil(y, m, dd) != d)
			fail_msg("round trip failed at %lld", (long long)d);
		bool next = (y == py && m == pm && dd == pd + 1) ||
			    (y == py && m == pm + 1 && dd == 1) || (y == py + 1 && m == 1 && dd == 1);
		if (!next)
			fail_msg("%d-%d-%d does not follow %d-%d-%d", y, m, dd, py, pm, pd);
		py = y, pm = m, pd = dd;
	}
}

static void test_time_dates(void **state)
{
	const char *ok[] = {"2024-02-29", "2000-02-29", "1900-02-28", "2023-12-31", "1970-01-01",
			    "2023-04-30", "1000-01-01", "9999-12-31"};
	const char *bad[] = {"2023-02-29", "1900-02-29", "2100-02-29", "2024-02-30", "2024-04-31",
			     "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "2024-4-01",
			     "2024-04-1", "24-04-01", "2024/04/01", "2024-04-01x", " 2024-04-01",
			     "0999-12-31", "2024-0a-01", "2024-01-3a", "", "2024-1-001", "+024-01-01",
			     "-024-01-01"};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (!time_date_valid(ok[i]))
			fail_msg("rejected %s", ok[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (time_date_valid(bad[i]))
			fail_msg("accepted %s", bad[i]);
	assert_false(time_date_valid(NULL));

	int64_t d = 0;
	assert_int_equal(time_parse_date("2024-02-29", &d), 0);
	assert_int_equal(d, 19782);
	assert_int_equal(time_parse_date("1969-12-31", &d), 0);
	assert_int_equal(d, -1);
	d = 5;
	assert_int_equal(time_parse_date("2023-02-29", &d), -1);
	assert_int_equal(d, 5);
}

static void test_time_shanghai(void **state)
{
	char iso[26], date[11];
	struct civil c;

	/* 2024-01-01T15:59:59Z is one second before midnight in Shanghai */
	time_format_iso(1704124799, iso);
	assert_string_equal(iso, "2024-01-01T23:59:59+08:00");
	time_format_date(1704124799, date);
	assert_string_equal(date, "2024-01-01");
	time_format_iso(1704124800, iso);
	assert_string_equal(iso, "2024-01-02T00:00:00+08:00");
	assert_int_equal(time_cn_days(1704124799), time_days_from_civil(2024, 1, 1));
	assert_int_equal(time_cn_days(1704124800), time_days_from_civil(2024, 1, 2));
	assert_int_equal(time_cn_days(time_cn_midnight(-3)), -3);
	assert_int_equal(time_cn_days(time_cn_midnight(-3) - 1), -4);
	time_format_date(1704124800, date);
	assert_string_equal(date, "2024-01-02");
	/* UTC midnight is 08:00 the same day */
	time_format_iso(1704067200, iso);
	assert_string_equal(iso, "2024-01-01T08:00:00+08:00");
	/* across a leap day */
	time_format_iso(1709136000, iso);
	assert_string_equal(iso, "2024-02-29T00:00:00+08:00");

	/* before the epoch */
	time_format_iso(0, iso);
	assert_string_equal(iso, "1970-01-01T08:00:00+08:00");
	time_format_iso(-1, iso);
	assert_string_equal(iso, "1970-01-01T07:59:59+08:00");
	time_format_iso(-TIME_CN_OFFSET, iso);
	assert_string_equal(iso, "1970-01-01T00:00:00+08:00");
	time_format_iso(-TIME_CN_OFFSET - 1, iso);
	assert_string_equal(iso, "1969-12-31T23:59:59+08:00");
	time_to_cn(-TIME_CN_OFFSET - 86400 * 365 - 3661, &c);
	assert_int_equal(c.year, 1968);
	assert_int_equal(c.month, 12);
	assert_int_equal(c.day, 31);
	assert_int_equal(c.hour, 22);
	assert_int_equal(c.min, 58);
	assert_int_equal(c.sec, 59);

	time_to_cn(1704124800 + 3 * 3600 + 4 * 60 + 5, &c);
	assert_int_equal(c.year, 2024);
	assert_int_equal(c.month, 1);
	assert_int_equal(c.day, 2);
	assert_int_equal(c.hour, 3);
	assert_int_equal(c.min, 4);
	assert_int_equal(c.sec, 5);

	/* midnight in Shanghai of a date is 16:00 UTC the day before */
	int64_t d;
	assert_int_equal(time_parse_date("2024-01-02", &d), 0);
	assert_int_equal(time_cn_midnight(d), 1704124800);
	time_format_iso(time_cn_midnight(d), iso);
	assert_string_equal(iso, "2024-01-02T00:00:00+08:00");

	assert_true(time_now() > 1577836800); /* after 2020 */
}

static void test_time_parse_iso(void **state)
{
	int64_t t = 0;
	/* 2026-12-06T10:00:00Z */
	const int64_t at = time_days_from_civil(2026, 12, 6) * 86400 + 10 * 3600;
	assert_int_equal(time_parse_iso("2026-12-06T10:00:00Z", &t), 0);
	assert_int_equal(t, at);
	assert_int_equal(time_parse_iso("2026-12-06T10:00Z", &t), 0);
	assert_int_equal(t, at);
	assert_int_equal(time_parse_iso("2026-12-06T18:00:00+08:00", &t), 0);
	assert_int_equal(t, at);
	/* fractional seconds, as JavaScript's toISOString() writes them: truncated */
	assert_int_equal(time_parse_iso("2026-12-06T10:00:00.000Z", &t), 0);
	assert_int_equal(t, at);
	assert_int_equal(time_parse_iso("2026-12-06T10:00:05.999Z", &t), 0);
	assert_int_equal(t, at + 5);
	assert_int_equal(time_parse_iso("2026-12-06T10:00:05.5Z", &t), 0);
	assert_int_equal(t, at + 5);
	assert_int_equal(time_parse_iso("2026-12-06T18:00:05.123456789+08:00", &t), 0);
	assert_int_equal(t, at + 5);
	/* malformed: no digits, too many, a fraction without seconds, no offset, junk after */
	assert_int_equal(time_parse_iso("2026-12-06T10:00:00.Z", &t), -1);
	assert_int_equal(time_parse_iso("2026-12-06T10:00:00.1234567890Z", &t), -1);
	assert_int_equal(time_parse_iso("2026-12-06T10:00.000Z", &t), -1);
	assert_int_equal(time_parse_iso("2026-12-06T10:00:00.000", &t), -1);
	assert_int_equal(time_parse_iso("2026-12-06T10:00:00.0a0Z", &t), -1);
	assert_int_equal(time_parse_iso("2026-12-06T10:00:00.000Zx", &t), -1);
	assert_int_equal(time_parse_iso("2026-12-06T10:00:00,000Z", &t), -1);
	assert_int_equal(time_parse_iso(NULL, &t), -1);
}

static void test_time_age(void **state)
{
	int64_t b;
	/* born 1990-06-15: turns 30 at midnight Shanghai time, 16:00 UTC the day before */
	assert_int_equal(time_parse_date("1990-06-15", &b), 0);
	assert_int_equal(time_age(b, 1592150399), 29);
	assert_int_equal(time_age(b, 1592150400), 30);
	/* born on a leap day: a year later counts from 1 March */
	assert_int_equal(time_parse_date("2000-02-29", &b), 0);
	assert_int_equal(time_age(b, 1519833599), 17); /* 2018-02-28 23:59:59 in Shanghai */
	assert_int_equal(time_age(b, 1519833600), 18); /* 2018-03-01 00:00:00 */
	/* on the day of birth */
	assert_int_equal(time_parse_date("2024-01-02", &b), 0);
	assert_int_equal(time_age(b, 1704124800), 0);
	/* an old person born before the epoch */
	assert_int_equal(time_parse_date("1930-12-31", &b), 0);
	assert_int_equal(time_age(b, 1704124800), 93);
}

/* ---------------------------------------------------------------- buf */

static void test_buf_cap(void **state)
{
	struct buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	assert_int_equal(buf_addc(&b, '6'), 0);
	assert_int_equal(buf_add(&b, "789", 3), 0);
	assert_int_equal(buf_addc(&b, '0'), 0); /* exactly at the cap */
	assert_int_equal(b.len, 10);
	assert_string_equal(b.ptr, "1234567890");
	assert_int_equal(buf_addc(&b, 'x'), -1);
	assert_true(b.failed);
	assert_string_equal(b.ptr, "1234567890"); /* unchanged */
	buf_reset(&b);
	assert_false(b.failed);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.ptr, "");

	/* once failed, small appends are refused too */
	assert_int_equal(buf_adds(&b, "1234"), 0);
	assert_int_equal(buf_adds(&b, "1234567"), -1);
	assert_int_equal(buf_adds(&b, "x"), -1);
	assert_string_equal(b.ptr, "1234");
	buf_release(&b);
	assert_null(b.ptr);
	assert_int_equal(b.max, 10);

	/* formatted appends respect the cap */
	buf_init(&b, 8);
	assert_int_equal(buf_addf(&b, "%d-%s", 42, "ab"), 0);
	assert_string_equal(b.ptr, "42-ab");
	assert_int_equal(buf_addf(&b, "%d", 1234), -1);
	assert_string_equal(b.ptr, "42-ab");
	buf_release(&b);

	/* huge lengths do not wrap around */
	buf_init(&b, 100);
	assert_int_equal(buf_add(&b, "x", SIZE_MAX), -1);
	buf_release(&b);

	/* growth through many reallocations */
	buf_init(&b, 100000);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_addc(&b, (char)('a' + i % 26)), 0);
	assert_int_equal(buf_addc(&b, 'z'), -1);
	assert_int_equal(b.len, 100000);
	assert_int_equal(b.ptr[99999], 'a' + 99999 % 26);
	assert_int_equal(b.ptr[100000], 0);
	size_t len = 0;
	char *p = buf_detach(&b, &len);
	assert_int_equal(len, 100000);
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 100000);
	free(p);

	/* detaching an empty buffer gives an empty string */
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	buf_release(&b);
}

static void test_buf_file(void **state)
{
	char path[] = "/tmp/cunzhi-test-buf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hello\n", 6), 6);
	close(fd);
	struct buf b;
	buf_init(&b, 16);
	assert_int_equal(buf_adds(&b, ">"), 0);
	assert_int_equal(buf_add_file(&b, path), 0);
	assert_string_equal(b.ptr, ">hello\n");
	assert_int_equal(buf_add_file(&b, path), 0);
	assert_int_equal(buf_add_file(&b, path), -1);   /* past the cap */
	assert_true(b.failed);
	buf_release(&b);
	unlink(path);
	buf_init(&b, 16);
	assert_int_equal(buf_add_file(&b, path), -1);   /* gone */
	assert_false(b.failed);
	buf_release(&b);
}

static void test_buf_json(void **state)
{
	struct buf b;
	buf_init(&b, 1000);
	assert_int_equal(buf_add_json_string(&b, "a\"b\\c\nd\re\tf\x01g\x1fh/中文"), 0);
	assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001fh/中文\"");
	buf_reset(&b);
	assert_int_equal(buf_add_json_string(&b, ""), 0);
	assert_string_equal(b.ptr, "\"\"");
	buf_release(&b);

	/* cut off by the cap: an error, never a half-written escape passing as success */
	buf_init(&b, 6);
	assert_int_equal(buf_add_json_string(&b, "abcdef"), -1);
	assert_true(b.failed);
	buf_release(&b);
	buf_init(&b, 4);
	assert_int_equal(buf_add_json_string(&b, "\x01"), -1);
	buf_release(&b);
}

static void test_str_copy(void **state)
{
	char out[4];
	assert_true(str_copy(out, sizeof(out), "abc"));
	assert_string_equal(out, "abc");
	assert_false(str_copy(out, sizeof(out), "abcd"));
	assert_string_equal(out, "abc");
	assert_true(str_copy(out, sizeof(out), ""));
	assert_string_equal(out, "");
	assert_false(str_copy(out, 0, "a"));
}

static void test_str_in(void **state)
{
	static const char *const kinds[] = {"loss", "damage", NULL};
	static const char *const none[] = {NULL};
	assert_true(str_in("loss", kinds));
	assert_true(str_in("damage", kinds));
	assert_false(str_in("los", kinds));
	assert_false(str_in("", kinds));
	assert_false(str_in(NULL, kinds));
	assert_false(str_in("loss", none));
}

/* ---------------------------------------------------------------- arena */

static void test_arena(void **state)
{
	struct arena *a = arena_new(16384);
	assert_non_null(a);

	unsigned char *p = arena_alloc(a, 100);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0xAB, 100);
	unsigned char *q = arena_alloc(a, 1);
	assert_non_null(q);
	assert_int_equal((uintptr_t)q % 16, 0);
	assert_true(q >= p + 100 || q + 16 <= p); /* no overlap */
	assert_int_equal(q[0], 0);
	assert_non_null(arena_alloc(a, 0));

	char *s = arena_strdup(a, "村委会");
	assert_string_equal(s, "村委会");
	assert_null(arena_strdup(a, NULL));
	s = arena_strndup(a, "abcdef", 3);
	assert_string_equal(s, "abc");
	s = arena_printf(a, "%s-%d", "组", 7);
	assert_string_equal(s, "组-7");

	/* the cap: two 8 KiB chunks fit in 16 KiB, a third does not */
	assert_non_null(arena_alloc(a, 8100));
	assert_null(arena_alloc(a, 8100));
	assert_null(arena_alloc(a, 20000));
	/* small requests still fit in the current chunk */
	assert_non_null(arena_alloc(a, 16));
	arena_free(a);

	/* requests that would overflow size arithmetic fail cleanly */
	a = arena_new(1 << 20);
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX - 8));
	assert_null(arena_alloc(a, (size_t)1 << 21));
	assert_null(arena_strndup(a, "x", SIZE_MAX));
	arena_free(a);

	a = arena_new(SIZE_MAX);
	assert_null(arena_alloc(a, SIZE_MAX - 8));
	arena_free(a);

	arena_free(NULL);
}

static void test_arena_grow(void **state)
{
	struct arena *a = arena_new(1 << 16);
	int cap = 0, n = 0;
	int64_t *v = NULL;
	for (int i = 0; i < 100; i++) {
		v = arena_grow(a, v, &cap, n, sizeof(*v));
		assert_non_null(v);
		v[n++] = i;
		assert_true(n <= cap);
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(v[i], i);
	/* room left: the same array back */
	assert_ptr_equal(arena_grow(a, v, &cap, n, sizeof(*v)), v);
	/* past the arena's cap: NULL, and the old array and cap stay */
	int before = cap;
	int64_t *big = NULL;
	int bcap = 1 << 20, bn = 1 << 20;
	assert_null(arena_grow(a, big, &bcap, bn, sizeof(*big)));
	assert_int_equal(bcap, 1 << 20);
	assert_int_equal(cap, before);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_utf8_count),
		cmocka_unit_test(test_utf8_blank),
		cmocka_unit_test(test_utf8_controls),
		cmocka_unit_test(test_utf8_prefix),
		cmocka_unit_test(test_utf8_person_name),
		cmocka_unit_test(test_num_ok),
		cmocka_unit_test(test_num_rejects),
		cmocka_unit_test(test_idcard_valid),
		cmocka_unit_test(test_idcard_invalid),
		cmocka_unit_test(test_idcard_helpers),
		cmocka_unit_test(test_time_days),
		cmocka_unit_test(test_time_dates),
		cmocka_unit_test(test_time_shanghai),
		cmocka_unit_test(test_time_parse_iso),
		cmocka_unit_test(test_time_age),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_file),
		cmocka_unit_test(test_buf_json),
		cmocka_unit_test(test_str_copy),
		cmocka_unit_test(test_str_in),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_arena_grow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
