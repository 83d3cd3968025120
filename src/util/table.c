/* Reading rosters from CSV (RFC 4180) into a struct table, and choosing between CSV and
 * XLSX (table_xlsx.c) by content, with limits on rows, columns, cell size and total
 * text; the building blocks both readers share. The cells go into the table's one
 * arena as they are read, packed (table.h). */
#include "util/common.h"

#include <limits.h>
#include <stdarg.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/table.h"
#include "util/table_build.h"
#include "util/utf8.h"
/* ---------------------------------------------------------------- building */


int table_fail(struct builder *b, const char *fmt, ...)
{
	if (b->err && b->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(b->err, b->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

void table_row_clear(struct row_acc *r)
{
	for (size_t i = 0; i < r->n; i++)
		r->cells[i] = NULL;
	r->n = 0;
}

/* Trims ASCII white space, U+00A0 and U+3000 (the ideographic space) from both ends. */
void table_trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;
	for (;;) {
		if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) {
			p++, n--;
		} else if (n >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
			p += 2, n -= 2;
		} else if (n >= 3 && memcmp(p, "\xE3\x80\x80", 3) == 0) {
			p += 3, n -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		char c = n ? p[n - 1] : 0;
		if (n >= 1 && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
			n--;
		} else if (n >= 2 && (unsigned char)p[n - 2] == 0xC2 &&
			   (unsigned char)p[n - 1] == 0xA0) {
			n -= 2;
		} else if (n >= 3 && memcmp(p + n - 3, "\xE3\x80\x80", 3) == 0) {
			n -= 3;
		} else {
			break;
		}
	}
	*s = p;
	*len = n;
}

/* Column number (0-based) as a person sees it: 0 → "A", 27 → "AB". */
void table_col_name(size_t col, char out[8])
{
	char tmp[8];
	size_t n = 0;
	col++;
	while (col > 0 && n < sizeof(tmp) - 1) {
		col--;
		tmp[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
}

/* The store is full (TABLE_MAX_TOTAL) or memory ran out. */
static int fail_full(struct builder *b)
{
	if (arena_used(b->t->store) + 65536 < TABLE_MAX_TOTAL)
		return table_fail(b, "内存不足，无法读取表格");
	return table_fail(b, "表格内容过多（最多 %zu MB），请拆分成几个文件分别导入", TABLE_MAX_TOTAL >> 20);
}

/* Checks one cell's text and stores it at column col of the row. Empty text past the
 * column limit is dropped (spreadsheets often carry empty columns far to the right). */
int table_put_cell(struct builder *b, struct row_acc *r, int line, size_t col, const char *s,
		    size_t len)
{
	char cname[8];
	table_trim(&s, &len);
	if (len == 0) {
		if (col < TABLE_MAX_COLS && col < r->n)
			r->cells[col] = NULL;
		return 0;
	}
	table_col_name(col, cname);
	if (col >= TABLE_MAX_COLS)
		return table_fail(b, "第 %d 行第 %s 列超出范围：表格最多 %d 列", line, cname,
			    TABLE_MAX_COLS);
	if (len > TABLE_MAX_CELL)
		return table_fail(b, "第 %d 行第 %s 列内容过长（最多 %d 字节）", line, cname,
			    TABLE_MAX_CELL);
	if (memchr(s, 0, len) || !utf8_valid(s, len))
		return table_fail(b,
			    "第 %d 行含有无效的文字编码：文件不是 UTF-8 编码，"
			    "请用 Excel 另存为“CSV UTF-8”格式后再导入",
			    line);
	char *p = arena_text(b->t->store, s, len);
	if (!p)
		return fail_full(b);
	while (r->n <= col)
		r->cells[r->n++] = NULL;
	r->cells[col] = p;
	return 0;
}

/* Moves a finished row into the table (skipping it when all cells are empty) and
 * leaves the accumulator empty. */
int table_emit_row(struct builder *b, struct row_acc *r, int line)
{
	size_t n = r->n;
	while (n > 0 && !r->cells[n - 1])
		n--;
	if (n == 0) {
		table_row_clear(r);
		return 0;
	}
	struct table *t = b->t;
	if (t->nrows >= TABLE_MAX_ROWS) {
		table_row_clear(r);
		return table_fail(b, "表格行数过多（最多 %d 行），请拆分成几个文件分别导入",
			    TABLE_MAX_ROWS);
	}
	if (t->nrows == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		if (cap > TABLE_MAX_ROWS)
			cap = TABLE_MAX_ROWS;
		struct table_row *rows = realloc(t->rows, cap * sizeof(*rows));
		if (!rows) {
			table_row_clear(r);
			return table_fail(b, "内存不足，无法读取表格");
		}
		t->rows = rows;
		b->cap = cap;
	}
	char **cells = arena_alloc(t->store, n * sizeof(*cells));
	if (!cells) {
		table_row_clear(r);
		return fail_full(b);
	}
	for (size_t i = 0; i < n; i++)
		cells[i] = r->cells[i] ? r->cells[i] : b->empty;
	table_row_clear(r);
	struct table_row *row = &t->rows[t->nrows++];
	row->line = line;
	row->ncells = n;
	row->cells = cells;
	return 0;
}

void table_release(struct table *t)
{
	if (!t)
		return;
	arena_free(t->store);
	free(t->rows);
	t->store = NULL;
	t->rows = NULL;
	t->nrows = 0;
}

int table_builder_init(struct builder *b, struct table *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	memset(b, 0, sizeof(*b));
	b->t = out;
	b->err = err;
	b->errlen = errlen;
	if (err && errlen)
		err[0] = 0;
	out->store = arena_new(TABLE_MAX_TOTAL);
	b->empty = out->store ? arena_text(out->store, "", 0) : NULL;
	return b->empty ? 0 : table_fail(b, "内存不足，无法读取表格");
}

/* ---------------------------------------------------------------- CSV */

int table_read_csv(const char *data, size_t len, struct table *out, char *err, size_t errlen)
{
	struct builder b;
	struct row_acc r = {0};
	struct buf field;
	int rc = -1;
	size_t i = 0;
	int line = 1;

	buf_init(&field, 4 * TABLE_MAX_CELL);
	if (table_builder_init(&b, out, err, errlen))
		goto cleanup;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	else if (len >= 2 && (memcmp(data, "\xFF\xFE", 2) == 0 || memcmp(data, "\xFE\xFF", 2) == 0)) {
		table_fail(&b, "文件是 UTF-16 编码，请用 Excel 另存为“CSV UTF-8”格式后再导入");
		goto cleanup;
	}

	while (i < len) {
		size_t col = 0;
		for (;;) { /* one field per pass */
			char cname[8];
			buf_reset(&field);
			table_col_name(col, cname);
			if (i < len && data[i] == '"') {
				i++;
				for (;;) {
					const char *q = memchr(data + i, '"', len - i);
					if (!q) {
						table_fail(&b, "第 %d 行第 %s 列的引号没有闭合", line, cname);
						goto cleanup;
					}
					buf_add(&field, data + i, (size_t)(q - (data + i)));
					i = (size_t)(q - data) + 1;
					if (i < len && data[i] == '"') {
						buf_addc(&field, '"');
						i++;
						continue;
					}
					break;
				}
				while (i < len && (data[i] == ' ' || data[i] == '\t'))
					i++;
				if (i < len && data[i] != ',' && data[i] != '\r' && data[i] != '\n') {
					table_fail(&b, "第 %d 行第 %s 列格式错误：引号后面不能再有其他文字", line,
					     cname);
					goto cleanup;
				}
			} else {
				size_t start = i;
				while (i < len && data[i] != ',' && data[i] != '\r' && data[i] != '\n')
					i++;
				buf_add(&field, data + start, i - start);
			}
			if (field.failed) {
				table_fail(&b, "第 %d 行第 %s 列内容过长（最多 %d 字节）", line, cname,
				     TABLE_MAX_CELL);
				goto cleanup;
			}
			if (table_put_cell(&b, &r, line, col, field.ptr ? field.ptr : "", field.len))
				goto cleanup;
			col++;
			if (i < len && data[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		if (table_emit_row(&b, &r, line))
			goto cleanup;
		if (i < len && data[i] == '\r')
			i++;
		if (i < len && data[i] == '\n')
			i++;
		if (line == INT_MAX) {
			table_fail(&b, "表格行数过多");
			goto cleanup;
		}
		line++;
	}
	rc = 0;
cleanup:
	table_row_clear(&r);
	buf_release(&field);
	if (rc)
		table_release(out);
	return rc;
}

/* ---------------------------------------------------------------- either */

int table_read(const char *data, size_t len, struct table *out, char *err, size_t errlen)
{
	if (len >= 4 && memcmp(data, "PK\3\4", 4) == 0)
		return table_read_xlsx(data, len, out, err, errlen);
	if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
		memset(out, 0, sizeof(*out));
		if (err && errlen)
			snprintf(err, errlen,
				 "不支持旧版 .xls 或加密的表格文件，请用 Excel 另存为 .xlsx 或 CSV 后再导入");
		return -1;
	}
	return table_read_csv(data, len, out, err, errlen);
}
