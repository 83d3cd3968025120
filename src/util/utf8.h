/* UTF-8 validation and counting. Text limits in Cunzhi count code points. */
#ifndef UTIL_UTF8_H
#define UTIL_UTF8_H

#include "util/common.h"

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool utf8_valid(const char *s, size_t len);
/* Number of code points in a valid, NUL-terminated string. */
size_t utf8_count(const char *s);
/* True when s is nothing but spaces (the full-width 　 of a Chinese input method too),
 * tabs and line breaks: "", and NULL, too. */
bool utf8_blank(const char *s);
/* True when s has control characters other than tab/newline (or any when !multiline). */
bool utf8_has_controls(const char *s, bool multiline);
/* Copies the first n code points of s into the arena-free buffer dst of size cap. */
void utf8_prefix(char *dst, size_t cap, const char *s, size_t n);
/* True when a valid string is written as a person's legal name is: Chinese characters
 * (the CJK ideographs and their extensions, 〇), Latin letters, and single spaces or
 * middle dots (· of minority names, also ・) between them. 张🐉, 张3 and 张三! are not. */
bool utf8_is_person_name(const char *s);
/* A name masked for public lists (公示, rankings, receipts): the first and, from three
 * code points on, the last kept. 张三 → 张*, 张三丰 → 张*丰, 欧阳小明 → 欧**明. */
void utf8_mask_name(const char *name, char *out, size_t outlen);

#endif
