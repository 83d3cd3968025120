/* Unit tests for the domain context's helpers: field errors (the first per field wins),
 * the shared text check with its flags and messages, and clearing a failure. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/kernel/ctx.h"

static const char *message(const struct ctx *c, const char *field)
{
	for (int i = 0; i < c->err.nfields; i++)
		if (!strcmp(c->err.fields[i].field, field))
			return c->err.fields[i].message;
	return NULL;
}

static void check_text(void **state)
{
	struct ctx c = {0};
	ctx_check_text(&c, "a", NULL, 5, CTX_TEXT_OPTIONAL, "地点");
	ctx_check_text(&c, "b", "", 5, CTX_TEXT_MULTILINE, "说明");
	ctx_check_text(&c, "c", "五个汉字啊", 5, CTX_TEXT_REQUIRED, "名称");   /* 5 characters, 15 bytes */
	ctx_check_text(&c, "d", "第一行\n第二行", 20, CTX_TEXT_MULTILINE, "说明");
	assert_int_equal(ctx_check_fields(&c), RC_OK);
	assert_int_equal(c.err.code, RC_OK);

	ctx_check_text(&c, "e", NULL, 5, CTX_TEXT_REQUIRED, "户号");
	ctx_check_text(&c, "f", "", 5, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "说明");
	ctx_check_text(&c, "g", "六个汉字啊啊", 5, CTX_TEXT_OPTIONAL, "住址");
	ctx_check_text(&c, "h", "第一行\n第二行", 20, CTX_TEXT_REQUIRED, "名称");
	ctx_check_text(&c, "i", "a\x01", 20, CTX_TEXT_MULTILINE, "说明");
	ctx_check_text(&c, "j", "toolong", 3, CTX_TEXT_OPTIONAL, "");
	ctx_check_text(&c, "k", " \t\n", 20, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "正文");
	ctx_check_text(&c, "l", "　 　", 20, CTX_TEXT_REQUIRED, "理由");   /* full-width spaces */
	ctx_check_text(&c, "m", "　改", 20, CTX_TEXT_REQUIRED, "理由");
	assert_int_equal(ctx_check_fields(&c), RC_INVALID);
	assert_int_equal(c.err.code, RC_INVALID);
	assert_int_equal(c.err.nfields, 8);
	assert_string_equal(message(&c, "k"), "正文不能为空");
	assert_string_equal(message(&c, "l"), "理由不能为空");
	assert_null(message(&c, "m"));
	assert_string_equal(message(&c, "e"), "户号不能为空");
	assert_string_equal(message(&c, "f"), "说明不能为空");
	assert_string_equal(message(&c, "g"), "住址最多 5 个字");
	assert_string_equal(message(&c, "h"), "名称不能含控制字符");
	assert_string_equal(message(&c, "i"), "说明不能含控制字符");
	assert_string_equal(message(&c, "j"), "最多 3 个字");
	assert_string_equal(c.err.message, "输入有误，请检查标出的字段");

	/* a second error on a field is dropped */
	ctx_check_text(&c, "e", "much too long", 3, CTX_TEXT_OPTIONAL, "户号");
	assert_string_equal(message(&c, "e"), "户号不能为空");
}

static void clear(void **state)
{
	struct ctx c = {0};
	assert_int_equal(ctx_fail(&c, RC_NOT_FOUND, "村不存在"), RC_NOT_FOUND);
	ctx_clear(&c);
	assert_int_equal(c.err.code, RC_OK);
	assert_string_equal(c.err.message, "");
	assert_int_equal(ctx_field(&c, "village_id", "村不存在"), RC_INVALID);
	assert_string_equal(c.err.message, "输入有误，请检查标出的字段");
	ctx_clear(&c);   /* field errors stay */
	assert_int_equal(ctx_check_fields(&c), RC_INVALID);
	assert_string_equal(message(&c, "village_id"), "村不存在");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_text),
		cmocka_unit_test(clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
