/* Reading rosters from XLSX (the first worksheet, via libzip and expat) into a struct
 * table, with limits on decompressed sizes so that a small upload cannot expand without
 * bound, besides the table's own limits (table_build.h). */
#include "util/common.h"

#include <expat.h>
#include <limits.h>
#include <stdarg.h>
#include <zip.h>

#include "util/buf.h"
#include "util/num.h"
#include "util/table.h"
#include "util/table_build.h"
#include "util/utf8.h"

/* Text held from one part (the shared strings). */
#define XLSX_MAX_PART ((size_t)64 << 20)
/* Decompressed size of any one XLSX part, read as a stream: a county's roster of
 * 1,000,000 rows in inline strings is about 450 MB of XML. */
#define XLSX_MAX_STREAM ((size_t)1 << 30)
#define XLSX_MAX_STRINGS ((size_t)4 << 20)
#define XLSX_MAX_SHEETS 256
#define XLSX_MAX_RELS 1024
#define XLSX_MAX_NAME 512
#define XLSX_CHUNK 65536
#define NS_SEP '|'

/* ---------------------------------------------------------------- XLSX helpers */

/* Local part of an expat name "namespace|local". */
static const char *local_name(const char *name)
{
	const char *p = strrchr(name, NS_SEP);
	return p ? p + 1 : name;
}

/* Attribute by local name; with_ns selects namespaced (r:id) or plain ones. */
static const char *attr(const char **atts, const char *name, bool with_ns)
{
	for (size_t i = 0; atts[i]; i += 2) {
		bool has_ns = strchr(atts[i], NS_SEP) != NULL;
		if (has_ns == with_ns && strcmp(local_name(atts[i]), name) == 0)
			return atts[i + 1];
	}
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes OOXML "_xHHHH_" escapes (used for control characters and for a literal
 * "_x") in place; returns the new length. The result is never longer. */
static size_t decode_xstring(char *s, size_t len)
{
	size_t i = 0, o = 0;
	while (i < len) {
		if (s[i] == '_' && len - i >= 7 && s[i + 1] == 'x' && s[i + 6] == '_') {
			int h0 = hexval(s[i + 2]), h1 = hexval(s[i + 3]);
			int h2 = hexval(s[i + 4]), h3 = hexval(s[i + 5]);
			if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
				unsigned cp = (unsigned)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
				if (cp >= 0xD800 && cp <= 0xDFFF) {
					/* not a character: keep the text as written */
				} else {
					if (cp == 0) {
						/* dropped: cells are NUL-terminated */
					} else if (cp < 0x80) {
						s[o++] = (char)cp;
					} else if (cp < 0x800) {
						s[o++] = (char)(0xC0 | cp >> 6);
						s[o++] = (char)(0x80 | (cp & 0x3F));
					} else {
						s[o++] = (char)(0xE0 | cp >> 12);
						s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
						s[o++] = (char)(0x80 | (cp & 0x3F));
					}
					i += 7;
					continue;
				}
			}
		}
		s[o++] = s[i++];
	}
	return o;
}

/* Formats a stored number the way Excel shows it in the General format: rounded to
 * 15 significant digits, no exponent, no trailing zeros ("1.0" → "1",
 * "1.3800138E10" → "13800138000", "0.30000000000000004" → "0.3"). Returns false
 * (out untouched) when s is not a plain number or would print unreasonably long. */
static bool format_number(const char *s, size_t len, char *out, size_t outlen)
{
	char dig[32];
	size_t nd = 0, i = 0;
	long point = 0; /* digits before the decimal point, relative to dig[0] */
	bool neg = false, seen_digit = false, seen_point = false;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < len; i++) {
		char c = s[i];
		if (c == '.') {
			if (seen_point)
				return false;
			seen_point = true;
		} else if (c >= '0' && c <= '9') {
			seen_digit = true;
			if (nd == 0 && c == '0') {
				if (seen_point)
					point--; /* a zero between the point and the first digit */
				continue;
			}
			if (!seen_point)
				point++;
			if (nd < sizeof(dig))
				dig[nd++] = c; /* digits past these cannot change rounding to 15 */
		} else {
			break;
		}
	}
	if (!seen_digit)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		bool eneg = false;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		if (i >= len)
			return false;
		long e = 0;
		for (; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return false;
			if (e < 100000)
				e = e * 10 + (s[i] - '0');
		}
		point += eneg ? -e : e;
	}
	if (i != len)
		return false;

	/* round to 15 significant digits */
	if (nd > 15) {
		bool up = dig[15] >= '5';
		nd = 15;
		for (size_t k = nd; up && k-- > 0;) {
			if (dig[k] == '9') {
				dig[k] = '0';
			} else {
				dig[k]++;
				up = false;
			}
		}
		if (up) { /* 999… rounded to 1000… */
			dig[0] = '1';
			nd = 1;
			point++;
		}
	}
	while (nd > 0 && dig[nd - 1] == '0')
		nd--;
	if (nd == 0) {
		if (outlen < 2)
			return false;
		out[0] = '0';
		out[1] = 0;
		return true;
	}
	if (point > 40 || point < -20)
		return false;

	struct buf b;
	buf_init(&b, outlen ? outlen - 1 : 0);
	if (neg)
		buf_addc(&b, '-');
	if (point <= 0) {
		buf_adds(&b, "0.");
		for (long k = 0; k < -point; k++)
			buf_addc(&b, '0');
		buf_add(&b, dig, nd);
	} else if ((size_t)point >= nd) {
		buf_add(&b, dig, nd);
		for (long k = (long)nd; k < point; k++)
			buf_addc(&b, '0');
	} else {
		buf_add(&b, dig, (size_t)point);
		buf_addc(&b, '.');
		buf_add(&b, dig + point, nd - (size_t)point);
	}
	bool ok = !b.failed && b.ptr;
	if (ok)
		memcpy(out, b.ptr, b.len + 1);
	buf_release(&b);
	return ok;
}

/* ---------------------------------------------------------------- XLSX parts */

struct rel {
	char id[64];
	char target[XLSX_MAX_NAME];
	bool worksheet;
};

struct xlsx {
	struct builder *b;
	XML_Parser p;
	const char *part; /* for messages */
	bool failed;      /* err already set */

	/* workbook.xml */
	char sheet_ids[XLSX_MAX_SHEETS][64];
	size_t nsheets;
	/* workbook.xml.rels */
	struct rel *rels;
	size_t nrels;

	/* sharedStrings.xml: all strings back to back, each NUL-terminated */
	struct buf strings;
	uint32_t *str_off;
	size_t nstr, str_cap;
	bool in_si;
	size_t si_start;
	int rph; /* depth inside <rPh> (phonetic hints, not cell text) */
	bool in_t;

	/* sheet */
	bool in_data;
	int row;       /* current row number */
	bool in_row;
	struct row_acc acc;
	bool in_c, in_v, in_is;
	size_t col;    /* current cell column */
	long last_col; /* last column seen in this row, -1 before the first */
	char ctype[16];
	struct buf val;
};

static void x_fail(struct xlsx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void x_fail(struct xlsx *x, const char *fmt, ...)
{
	if (!x->failed && x->b->err && x->b->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(x->b->err, x->b->errlen, fmt, ap);
		va_end(ap);
	}
	x->failed = true;
	XML_StopParser(x->p, XML_FALSE);
}

/* XLSX files have no document type declarations; refusing them rules out entity
 * expansion tricks. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal)
{
	struct xlsx *x = ud;
	x_fail(x, "XLSX 文件格式错误：%s 含有不允许的文档类型声明", x->part);
}

/* workbook.xml: <sheets><sheet name=".." sheetId="1" r:id="rId1"/> in order. */
static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	if (strcmp(local_name(name), "sheet") != 0 || x->nsheets >= XLSX_MAX_SHEETS)
		return;
	const char *id = attr(atts, "id", true);
	if (id && str_copy(x->sheet_ids[x->nsheets], sizeof(x->sheet_ids[0]), id))
		x->nsheets++;
}

/* workbook.xml.rels: <Relationship Id="rId1" Type="…/worksheet" Target="worksheets/sheet1.xml"/> */
static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	if (strcmp(local_name(name), "Relationship") != 0 || x->nrels >= XLSX_MAX_RELS)
		return;
	const char *id = attr(atts, "Id", false);
	const char *target = attr(atts, "Target", false);
	const char *type = attr(atts, "Type", false);
	const char *mode = attr(atts, "TargetMode", false);
	if (!id || !target || (mode && strcmp(mode, "External") == 0))
		return;
	struct rel *r = &x->rels[x->nrels];
	if (!str_copy(r->id, sizeof(r->id), id) || !str_copy(r->target, sizeof(r->target), target))
		return;
	size_t tl = type ? strlen(type) : 0;
	r->worksheet = tl >= 10 && strcmp(type + tl - 10, "/worksheet") == 0;
	x->nrels++;
}

/* sharedStrings.xml: <si><t>text</t></si> or <si><r><t>a</t></r><r><t>b</t></r></si>. */
static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *n = local_name(name);
	if (strcmp(n, "si") == 0) {
		x->in_si = true;
		x->si_start = x->strings.len;
		x->rph = 0;
	} else if (strcmp(n, "rPh") == 0) {
		x->rph++;
	} else if (strcmp(n, "t") == 0 && x->in_si && x->rph == 0) {
		x->in_t = true;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *n = local_name(name);
	if (strcmp(n, "t") == 0) {
		x->in_t = false;
	} else if (strcmp(n, "rPh") == 0) {
		if (x->rph > 0)
			x->rph--;
	} else if (strcmp(n, "si") == 0 && x->in_si) {
		x->in_si = false;
		if (x->nstr >= XLSX_MAX_STRINGS) {
			x_fail(x, "XLSX 文件中的文字条目过多");
			return;
		}
		if (x->nstr == x->str_cap) {
			size_t cap = x->str_cap ? x->str_cap * 2 : 1024;
			uint32_t *o = realloc(x->str_off, cap * sizeof(*o));
			if (!o) {
				x_fail(x, "内存不足，无法读取表格");
				return;
			}
			x->str_off = o;
			x->str_cap = cap;
		}
		if (x->strings.failed) {
			x_fail(x, "XLSX 文件过大，无法读取");
			return;
		}
		size_t l = x->strings.len - x->si_start;
		if (l) {
			l = decode_xstring(x->strings.ptr + x->si_start, l);
			x->strings.len = x->si_start + l;
		}
		if (buf_addc(&x->strings, 0)) {
			x_fail(x, "XLSX 文件过大，无法读取");
			return;
		}
		x->str_off[x->nstr++] = (uint32_t)x->si_start;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;
	if (x->in_t && len > 0 && buf_add(&x->strings, s, (size_t)len))
		x_fail(x, "XLSX 文件过大，无法读取");
}

/* "B3" → column 1, row 3. Returns false when malformed. */
static bool parse_ref(const char *r, size_t *col, long *row)
{
	size_t c = 0, i = 0;
	while (r[i] >= 'A' && r[i] <= 'Z') {
		if (c > 100000)
			return false;
		c = c * 26 + (size_t)(r[i] - 'A' + 1);
		i++;
	}
	if (i == 0 || c == 0)
		return false;
	int64_t v;
	if (r[i] && num_parse_i64(r + i, 1, 10000000, &v) == 0)
		*row = (long)v;
	else if (r[i])
		return false;
	*col = c - 1;
	return true;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx *x = ud;
	const char *n = local_name(name);
	if (!x->in_data) {
		if (strcmp(n, "sheetData") == 0)
			x->in_data = true;
		return;
	}
	if (strcmp(n, "row") == 0) {
		const char *r = attr(atts, "r", false);
		int64_t v;
		if (r) {
			if (num_parse_i64(r, 1, INT_MAX, &v)) {
				x_fail(x, "XLSX 文件格式错误：行号 “%.20s” 无效", r);
				return;
			}
			x->row = (int)v;
		} else if (x->row < INT_MAX) {
			x->row++;
		}
		x->in_row = true;
		x->last_col = -1;
		table_row_clear(&x->acc);
	} else if (strcmp(n, "c") == 0 && x->in_row) {
		const char *r = attr(atts, "r", false);
		const char *t = attr(atts, "t", false);
		size_t col;
		long row = x->row;
		if (r) {
			if (!parse_ref(r, &col, &row)) {
				x_fail(x, "XLSX 文件格式错误：单元格位置 “%.20s” 无效", r);
				return;
			}
		} else {
			col = (size_t)(x->last_col + 1);
		}
		if (col > 100000) {
			x_fail(x, "XLSX 文件格式错误：第 %d 行的列号无效", x->row);
			return;
		}
		x->col = col;
		x->last_col = (long)col;
		if (!t || !str_copy(x->ctype, sizeof(x->ctype), t))
			str_copy(x->ctype, sizeof(x->ctype), "n");
		x->in_c = true;
		x->in_is = false;
		x->rph = 0;
		buf_reset(&x->val);
	} else if (x->in_c) {
		if (strcmp(n, "v") == 0)
			x->in_v = true;
		else if (strcmp(n, "is") == 0)
			x->in_is = true;
		else if (strcmp(n, "rPh") == 0)
			x->rph++;
		else if (strcmp(n, "t") == 0 && x->in_is && x->rph == 0)
			x->in_t = true;
	}
}

/* The finished text of the current cell, by its type. */
static void finish_cell(struct xlsx *x)
{
	const char *s = x->val.ptr ? x->val.ptr : "";
	size_t len = x->val.len;
	char num[64];

	if (x->val.failed) {
		char cname[8];
		table_col_name(x->col, cname);
		x_fail(x, "第 %d 行第 %s 列内容过长（最多 %d 字节）", x->row, cname, TABLE_MAX_CELL);
		return;
	}
	if (strcmp(x->ctype, "s") == 0) {
		const char *t = s;
		size_t tl = len;
		int64_t idx;
		table_trim(&t, &tl);
		if (tl == 0)
			return;
		if (num_parse_i64n(t, tl, 0, (int64_t)x->nstr - 1, &idx)) {
			x_fail(x, "XLSX 文件已损坏：第 %d 行引用了不存在的文字条目", x->row);
			return;
		}
		s = x->strings.ptr + x->str_off[idx];
		len = strlen(s);
	} else if (strcmp(x->ctype, "inlineStr") == 0 || strcmp(x->ctype, "str") == 0) {
		if (len)
			len = decode_xstring(x->val.ptr, len);
	} else if (strcmp(x->ctype, "b") == 0) {
		const char *t = s;
		size_t tl = len;
		table_trim(&t, &tl);
		if (tl == 1 && t[0] == '1')
			s = "TRUE", len = 4;
		else if (tl == 1 && t[0] == '0')
			s = "FALSE", len = 5;
	} else if (strcmp(x->ctype, "n") == 0) {
		const char *t = s;
		size_t tl = len;
		table_trim(&t, &tl);
		if (tl && format_number(t, tl, num, sizeof(num)))
			s = num, len = strlen(num);
	}
	/* "e" (error such as #N/A) and "d" (ISO date) are kept as written */
	if (table_put_cell(x->b, &x->acc, x->row, x->col, s, len)) {
		x->failed = true;
		XML_StopParser(x->p, XML_FALSE);
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx *x = ud;
	const char *n = local_name(name);
	if (!x->in_data)
		return;
	if (strcmp(n, "sheetData") == 0) {
		x->in_data = false;
	} else if (strcmp(n, "row") == 0 && x->in_row) {
		x->in_row = false;
		if (table_emit_row(x->b, &x->acc, x->row)) {
			x->failed = true;
			XML_StopParser(x->p, XML_FALSE);
		}
	} else if (strcmp(n, "c") == 0 && x->in_c) {
		x->in_c = x->in_v = x->in_t = x->in_is = false;
		finish_cell(x);
	} else if (strcmp(n, "v") == 0) {
		x->in_v = false;
	} else if (strcmp(n, "t") == 0) {
		x->in_t = false;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = false;
	} else if (strcmp(n, "rPh") == 0 && x->rph > 0) {
		x->rph--;
	}
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx *x = ud;
	if ((x->in_v || x->in_t) && len > 0)
		buf_add(&x->val, s, (size_t)len); /* overflow reported at </c> */
}

/* Streams one zip member through a fresh expat parser with the given handlers.
 * Returns 0, 1 when the member does not exist, or -1 with the message set. */
static int parse_part(zip_t *za, const char *name, struct xlsx *x, XML_StartElementHandler start,
		      XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	zip_int64_t idx = zip_name_locate(za, name, ZIP_FL_NOCASE);
	if (idx < 0)
		return 1;
	int rc = -1;
	char *chunk = NULL;
	zip_file_t *zf = NULL;
	XML_Parser p = XML_ParserCreateNS(NULL, NS_SEP);
	if (!p) {
		table_fail(x->b, "内存不足，无法读取表格");
		return -1;
	}
	x->p = p;
	x->part = name;
	x->failed = false;
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	if (text)
		XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);

	chunk = malloc(XLSX_CHUNK);
	if (!chunk) {
		table_fail(x->b, "内存不足，无法读取表格");
		goto cleanup;
	}
	zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
	if (!zf) {
		table_fail(x->b, "XLSX 文件已损坏或已加密，无法读取 %s", name);
		goto cleanup;
	}
	size_t total = 0;
	for (;;) {
		zip_int64_t n = zip_fread(zf, chunk, XLSX_CHUNK);
		if (n < 0) {
			table_fail(x->b, "XLSX 文件已损坏，无法读取 %s", name);
			goto cleanup;
		}
		total += (size_t)n;
		if (total > XLSX_MAX_STREAM) {
			table_fail(x->b, "XLSX 文件解压后过大（%s 超过 %zu MB），请拆分后再导入", name,
			     XLSX_MAX_STREAM >> 20);
			goto cleanup;
		}
		if (XML_Parse(p, chunk, (int)n, n == 0) != XML_STATUS_OK) {
			if (!x->failed)
				table_fail(x->b, "XLSX 文件已损坏：%s 不是有效的 XML（第 %lu 行）", name,
				     (unsigned long)XML_GetCurrentLineNumber(p));
			goto cleanup;
		}
		if (n == 0)
			break;
	}
	rc = x->failed ? -1 : 0;
cleanup:
	if (zf)
		zip_fclose(zf);
	free(chunk);
	XML_ParserFree(p);
	x->p = NULL;
	return rc;
}

/* Part name of a relationship target, relative to xl/ unless absolute. */
static bool resolve_target(const char *target, char *out, size_t outlen)
{
	if (target[0] == '/')
		return str_copy(out, outlen, target + 1);
	if (strncmp(target, "../", 3) == 0)
		return str_copy(out, outlen, target + 3);
	return snprintf(out, outlen, "xl/%s", target) < (int)outlen;
}

int table_read_xlsx(const char *data, size_t len, struct table *out, char *err, size_t errlen)
{
	struct builder b;
	struct xlsx *x = NULL;
	zip_source_t *src = NULL;
	zip_t *za = NULL;
	zip_error_t zerr;
	char sheet[XLSX_MAX_NAME];
	int rc = -1, r;

	zip_error_init(&zerr);
	if (table_builder_init(&b, out, err, errlen))
		goto cleanup;
	if (len < 4 || memcmp(data, "PK\3\4", 4) != 0) {
		table_fail(&b, "文件不是有效的 XLSX 表格");
		goto cleanup;
	}
	src = zip_source_buffer_create(data, len, 0, &zerr);
	if (!src) {
		table_fail(&b, "内存不足，无法读取表格");
		goto cleanup;
	}
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!za) {
		zip_source_free(src);
		table_fail(&b, "XLSX 文件已损坏，无法打开");
		goto cleanup;
	}

	x = calloc(1, sizeof(*x));
	if (!x || !(x->rels = calloc(XLSX_MAX_RELS, sizeof(*x->rels)))) {
		table_fail(&b, "内存不足，无法读取表格");
		goto cleanup;
	}
	x->b = &b;
	buf_init(&x->strings, XLSX_MAX_PART);
	buf_init(&x->val, 4 * TABLE_MAX_CELL);

	/* Find the first worksheet through the workbook and its relationships. */
	sheet[0] = 0;
	r = parse_part(za, "xl/workbook.xml", x, wb_start, NULL, NULL);
	if (r < 0)
		goto cleanup;
	if (r == 0 && x->nsheets > 0) {
		r = parse_part(za, "xl/_rels/workbook.xml.rels", x, rels_start, NULL, NULL);
		if (r < 0)
			goto cleanup;
		for (size_t i = 0; i < x->nsheets && !sheet[0]; i++)
			for (size_t k = 0; k < x->nrels; k++)
				if (x->rels[k].worksheet && strcmp(x->rels[k].id, x->sheet_ids[i]) == 0 &&
				    resolve_target(x->rels[k].target, sheet, sizeof(sheet))) {
					if (zip_name_locate(za, sheet, ZIP_FL_NOCASE) < 0)
						sheet[0] = 0;
					break;
				}
	}
	if (!sheet[0])
		str_copy(sheet, sizeof(sheet), "xl/worksheets/sheet1.xml");

	r = parse_part(za, "xl/sharedStrings.xml", x, sst_start, sst_end, sst_text);
	if (r < 0)
		goto cleanup;

	x->row = 0;
	r = parse_part(za, sheet, x, sheet_start, sheet_end, sheet_text);
	if (r < 0)
		goto cleanup;
	if (r == 1) {
		table_fail(&b, "XLSX 文件中没有找到工作表");
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (x) {
		table_row_clear(&x->acc);
		buf_release(&x->strings);
		buf_release(&x->val);
		free(x->str_off);
		free(x->rels);
		free(x);
	}
	if (za)
		zip_discard(za);
	zip_error_fini(&zerr);
	if (rc)
		table_release(out);
	return rc;
}

