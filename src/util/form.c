/* The urlencoded form parser (form.h): percent-decoding into arena copies, with every
 * bound checked before a byte is written. */
#include "util/form.h"
#include "util/utf8.h"

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into a new arena string; *outlen is its length. */
static enum form_error decode(struct arena *a, const char *s, size_t n, char **out, size_t *outlen)
{
	char *d = arena_alloc(a, n + 1);
	if (!d)
		return FORM_NO_MEMORY;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			d[k++] = ' ';
		} else if (s[i] == '%') {
			if (n - i < 3)
				return FORM_BAD_ESCAPE;
			int hi = hexval(s[i + 1]);
			int lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return FORM_BAD_ESCAPE;
			d[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			d[k++] = s[i];
		}
	}
	d[k] = 0;
	if (memchr(d, 0, k) || !utf8_valid(d, k))
		return FORM_BAD_TEXT;
	*out = d;
	*outlen = k;
	return FORM_OK;
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > FORM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		      ch == '.' || ch == '-' || ch == '[' || ch == ']'))
			return false;
	}
	return true;
}

enum form_error form_parse(struct arena *a, const char *body, size_t len, struct form *out, const char **bad)
{
	out->n = 0;
	if (bad)
		*bad = NULL;
	if (len > FORM_BODY_MAX)
		return FORM_TOO_LARGE;
	size_t pos = 0;
	while (pos < len) {
		const char *amp = memchr(body + pos, '&', len - pos);
		size_t end = amp ? (size_t)(amp - body) : len;
		const char *pair = body + pos;
		size_t plen = end - pos;
		pos = end + 1;
		if (plen == 0)
			continue; /* "a=1&&b=2" and a trailing '&' */
		const char *eq = memchr(pair, '=', plen);
		size_t nlen = eq ? (size_t)(eq - pair) : plen;
		char *name, *value = "";
		size_t dn, dv = 0;
		enum form_error e = decode(a, pair, nlen, &name, &dn);
		if (e == FORM_OK && !name_ok(name, dn))
			e = FORM_BAD_NAME;
		if (e != FORM_OK) {
			if (e != FORM_NO_MEMORY && bad && nlen <= FORM_NAME_MAX)
				*bad = arena_strndup(a, pair, nlen);
			return e;
		}
		if (eq) {
			size_t vlen = plen - nlen - 1;
			/* a value never grows when decoded: bound it before copying */
			if (vlen > 3 * (size_t)FORM_VALUE_MAX) {
				if (bad)
					*bad = name;
				return FORM_VALUE_TOO_LONG;
			}
			e = decode(a, eq + 1, vlen, &value, &dv);
			if (e == FORM_OK && dv > FORM_VALUE_MAX)
				e = FORM_VALUE_TOO_LONG;
			if (e != FORM_OK) {
				if (bad)
					*bad = name;
				return e;
			}
		}
		if (form_get(out, name)) {
			if (bad)
				*bad = name;
			return FORM_DUPLICATE;
		}
		if (out->n >= FORM_FIELDS_MAX)
			return FORM_TOO_MANY;
		out->fields[out->n].name = name;
		out->fields[out->n].value = value;
		out->n++;
	}
	return FORM_OK;
}

const char *form_get(const struct form *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->fields[i].name, name))
			return f->fields[i].value;
	return NULL;
}

const char *form_error_text(enum form_error e)
{
	switch (e) {
	case FORM_OK:
		return "";
	case FORM_TOO_LARGE:
		return "请求体过大";
	case FORM_TOO_MANY:
		return "字段过多";
	case FORM_BAD_NAME:
		return "字段名无效";
	case FORM_BAD_ESCAPE:
		return "百分号编码无效";
	case FORM_BAD_TEXT:
		return "内容不是有效的 UTF-8 文本";
	case FORM_VALUE_TOO_LONG:
		return "字段值过长";
	case FORM_DUPLICATE:
		return "字段重复";
	case FORM_NO_MEMORY:
		return "内存不足";
	}
	return "请求体无效";
}
