/* UTF-8 helpers. */
#include "util/buf.h"
#include "util/utf8.h"

/* The code point at *p of a valid string; *p moves past it. */
static uint32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t cp;
	int n;
	if (s[0] < 0x80)
		return *p += 1, s[0];
	if (s[0] < 0xE0)
		cp = s[0] & 0x1F, n = 1;
	else if (s[0] < 0xF0)
		cp = s[0] & 0x0F, n = 2;
	else
		cp = s[0] & 0x07, n = 3;
	for (int k = 1; k <= n && s[k]; k++)
		cp = (cp << 6) | (s[k] & 0x3F);
	*p += n + 1;
	return cp;
}

bool utf8_is_person_name(const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	bool prev_sep = true; /* no separator first */
	if (!*p)
		return false;
	while (*p) {
		uint32_t cp = next_cp(&p);
		bool sep = cp == ' ' || cp == 0xB7 || cp == 0x30FB;
		bool letter = (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == 0x3007 ||
			      (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
			      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x323AF);
		if (!(letter || (sep && !prev_sep)))
			return false;
		prev_sep = sep;
	}
	return !prev_sep;
}

bool utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

size_t utf8_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool utf8_has_controls(const char *s, bool multiline)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == 0x7F)
			return true;
		if (c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r')))
			return true;
	}
	return false;
}

void utf8_prefix(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i = 0, count = 0;
	if (cap == 0)
		return;
	while (s[i]) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (count == n)
				break;
			count++;
		}
		i++;
	}
	/* back off to a character boundary if the buffer is too small */
	if (i >= cap) {
		i = cap - 1;
		while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
			i--;
	}
	memcpy(dst, s, i);
	dst[i] = 0;
}

void utf8_mask_name(const char *name, char *out, size_t outlen)
{
	size_t n = utf8_count(name);
	struct buf b;
	buf_init(&b, 256);
	const char *p = name;
	for (size_t i = 0; i < n && *p; i++) {
		const char *q = p + 1;
		while (*q && ((unsigned char)*q & 0xC0) == 0x80)
			q++;
		bool keep = i == 0 || (n > 2 && i == n - 1);
		if (keep)
			buf_add(&b, p, (size_t)(q - p));
		else
			buf_addc(&b, '*');
		p = q;
	}
	str_copy(out, outlen, b.ptr ? b.ptr : "");
	buf_release(&b);
}

bool utf8_blank(const char *s)
{
	while (s && *s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		else if (!strncmp(s, "\xE3\x80\x80", 3))
			s += 3;
		else
			return false;
	}
	return true;
}
