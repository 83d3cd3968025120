/* Results, field checks and transactions for domain calls. */
#include <stdarg.h>

#include "domain/kernel/ctx.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/utf8.h"

enum result ctx_fail(struct ctx *c, enum result code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err.message, sizeof(c->err.message), fmt, ap);
	va_end(ap);
	c->err.code = code;
	return code;
}

enum result ctx_field(struct ctx *c, const char *field, const char *fmt, ...)
{
	c->err.code = RC_INVALID;
	if (!c->err.message[0])
		str_copy(c->err.message, sizeof(c->err.message), "输入有误，请检查标出的字段");
	if (c->err.nfields >= CTX_MAX_FIELDS)
		return RC_INVALID;
	for (int i = 0; i < c->err.nfields; i++)
		if (!strcmp(c->err.fields[i].field, field))
			return RC_INVALID; /* first error per field wins */
	struct field_error *f = &c->err.fields[c->err.nfields++];
	str_copy(f->field, sizeof(f->field), field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	return RC_INVALID;
}

enum result ctx_check_fields(struct ctx *c)
{
	return c->err.nfields ? RC_INVALID : RC_OK;
}

void ctx_clear(struct ctx *c)
{
	c->err.code = RC_OK;
	c->err.message[0] = 0;
}

void ctx_reset(struct ctx *c)
{
	memset(&c->err, 0, sizeof(c->err));
}

void ctx_check_text(struct ctx *c, const char *field, const char *value, size_t max, int flags,
		    const char *label)
{
	if (!value || !value[0] || ((flags & CTX_TEXT_REQUIRED) && utf8_blank(value))) {
		if (flags & CTX_TEXT_REQUIRED)
			ctx_field(c, field, "%s不能为空", label);
	} else if (utf8_count(value) > max) {
		ctx_field(c, field, "%s最多 %zu 个字", label, max);
	} else if (utf8_has_controls(value, flags & CTX_TEXT_MULTILINE)) {
		ctx_field(c, field, "%s不能含控制字符", label);
	}
}

enum result ctx_db_fail(struct ctx *c, enum db_rc dbrc, const char *what)
{
	if (dbrc == DB_CONSTRAINT)
		return ctx_fail(c, RC_CONFLICT, "%s：与已有记录冲突", what);
	log_msg(LOG_ERROR, "database error", "what", what, "error", db_errmsg(c->db), NULL);
	if (dbrc == DB_BUSY)
		return ctx_fail(c, RC_INTERNAL, "系统繁忙，请稍后重试");
	return ctx_fail(c, RC_INTERNAL, "数据库错误，请稍后重试");
}

enum result ctx_begin(struct ctx *c)
{
	int rc = db_begin(c->db);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "开始事务");
}

enum result ctx_end(struct ctx *c, int rc)
{
	if (rc != RC_OK) {
		db_rollback(c->db);
		return rc;
	}
	int dbrc = db_commit(c->db);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "提交事务");
}

enum result ctx_lock_row(struct ctx *c, const char *sql, int64_t id)
{
	if (db_engine(c->db) != DB_POSTGRES)
		return RC_OK;
	struct db_stmt *st = db_query(c->db, sql, "i", id);
	int rc = st ? db_step(st) : DB_ERROR;
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "锁定记录");
}

/* ---- personal data ---- */

enum result ctx_seal_pii(struct ctx *c, const char *plain, const char **out)
{
	*out = "";
	if (!plain || !plain[0])
		return RC_OK;
	size_t n = 2 * (24 + 16 + strlen(plain)) + 1;
	char *hex = arena_alloc(c->arena, n);
	if (!hex || !c->keys || crypto_seal_hex(c->keys->pii, plain, hex, n))
		return ctx_fail(c, RC_INTERNAL, "无法保存个人信息");
	*out = hex;
	return RC_OK;
}

const char *ctx_open_pii(struct ctx *c, const char *hex)
{
	if (!hex || !hex[0] || !c->keys)
		return "";
	char plain[128];
	if (crypto_open_hex(c->keys->pii, hex, plain, sizeof(plain)))
		return "";
	return arena_strdup(c->arena, plain);
}

const char *ctx_mask_name(struct ctx *c, const char *name)
{
	if (!name || !name[0])
		return "";
	size_t first = 1;
	while (name[first] && ((unsigned char)name[first] & 0xC0) == 0x80)
		first++;
	return arena_printf(c->arena, "%.*s*", (int)first, name);
}

const char *ctx_mask_phone(struct ctx *c, const char *phone)
{
	size_t n = phone ? strlen(phone) : 0;
	if (n < 7)
		return n ? "****" : "";
	return arena_printf(c->arena, "%.3s****%s", phone, phone + n - 4);
}
