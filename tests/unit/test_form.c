/* Unit tests for util/form (the Open311 POST body) and the Open311 XML writer. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/events/open311.h"
#include "util/form.h"

static enum form_error parse(struct arena *a, const char *body, struct form *f, const char **bad)
{
	return form_parse(a, body, strlen(body), f, bad);
}

static void test_form_decodes(void **state)
{
	struct arena *a = arena_new(1 << 20);
	struct form f;
	const char *bad;
	assert_int_equal(parse(a, "a=1&b=x+y%20z&attribute%5Bvillage%5D=3&&empty=&flag&c=%E6%A1%A5", &f, &bad), FORM_OK);
	assert_int_equal(f.n, 6);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "x y z");
	assert_string_equal(form_get(&f, "attribute[village]"), "3");
	assert_string_equal(form_get(&f, "empty"), "");
	assert_string_equal(form_get(&f, "flag"), "");
	assert_string_equal(form_get(&f, "c"), "桥");
	assert_null(form_get(&f, "missing"));
	assert_int_equal(parse(a, "", &f, &bad), FORM_OK);
	assert_int_equal(f.n, 0);
	/* the body need not be terminated: only len bytes are read */
	assert_int_equal(form_parse(a, "a=12345", 3, &f, &bad), FORM_OK);
	assert_string_equal(form_get(&f, "a"), "1");
	arena_free(a);
}

static void test_form_refuses(void **state)
{
	struct arena *a = arena_new(4 << 20);
	struct form f;
	const char *bad;
	assert_int_equal(parse(a, "a=%zz", &f, &bad), FORM_BAD_ESCAPE);
	assert_string_equal(bad, "a");
	assert_int_equal(parse(a, "a=%4", &f, &bad), FORM_BAD_ESCAPE);
	assert_int_equal(parse(a, "a=%", &f, &bad), FORM_BAD_ESCAPE);
	assert_int_equal(parse(a, "a=%00", &f, &bad), FORM_BAD_TEXT);
	assert_int_equal(parse(a, "a=%C0%AF", &f, &bad), FORM_BAD_TEXT);   /* overlong */
	assert_int_equal(parse(a, "a=%ED%A0%80", &f, &bad), FORM_BAD_TEXT); /* surrogate */
	assert_int_equal(parse(a, "=1", &f, &bad), FORM_BAD_NAME);
	assert_int_equal(parse(a, "a b=1", &f, &bad), FORM_BAD_NAME);
	assert_int_equal(parse(a, "a%3Cb=1", &f, &bad), FORM_BAD_NAME);
	assert_int_equal(parse(a, "a=1&a=2", &f, &bad), FORM_DUPLICATE);
	assert_string_equal(bad, "a");
	char name[FORM_NAME_MAX + 4];
	memset(name, 'n', sizeof(name) - 3);
	memcpy(name + sizeof(name) - 3, "=1", 3);
	assert_int_equal(parse(a, name, &f, &bad), FORM_BAD_NAME);
	char body[70 * 8];
	size_t k = 0;
	for (int i = 0; i < FORM_FIELDS_MAX + 1; i++)
		k += (size_t)snprintf(body + k, sizeof(body) - k, "f%d=1&", i);
	assert_int_equal(parse(a, body, &f, &bad), FORM_TOO_MANY);
	size_t big = FORM_VALUE_MAX + 10;
	char *v = malloc(big + 3);
	memcpy(v, "a=", 2);
	memset(v + 2, 'x', big);
	v[big + 2] = 0;
	assert_int_equal(parse(a, v, &f, &bad), FORM_VALUE_TOO_LONG);
	assert_int_equal(form_parse(a, v, FORM_BODY_MAX + 1, &f, &bad), FORM_TOO_LARGE);
	free(v);
	arena_free(a);
}

static void test_o311_xml(void **state)
{
	json_t *doc = json_pack("[{s:s, s:i, s:b, s:n, s:f, s:[s, s]}]", "description", "a <b> & \"桥\"", "n", 3, "ok", 1,
				"none", "lat", 30.5, "formats", "text/xml", "application/json");
	size_t len;
	char *x = o311_xml(doc, "service_requests", "request", &len);
	assert_non_null(x);
	assert_string_equal(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<service_requests><request>"
			       "<description>a &lt;b&gt; &amp; &quot;桥&quot;</description><n>3</n><ok>true</ok><none/>"
			       "<lat>30.500000</lat><formats><format>text/xml</format><format>application/json</format>"
			       "</formats></request></service_requests>\n");
	free(x);
	json_decref(doc);
	enum o311_format f;
	char base[16];
	assert_true(o311_format_of("12.json", &f, base, sizeof(base)));
	assert_int_equal(f, O311_JSON);
	assert_string_equal(base, "12");
	assert_true(o311_format_of("/open311/v2/services.xml", &f, NULL, 0));
	assert_int_equal(f, O311_XML);
	assert_false(o311_format_of("12.csv", &f, base, sizeof(base)));
	assert_false(o311_format_of(".json", &f, base, 1) && base[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_decodes),
		cmocka_unit_test(test_form_refuses),
		cmocka_unit_test(test_o311_xml),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
