/* Unit tests for util/table: CSV edge cases, and XLSX files made with libxlsxwriter or
 * assembled part by part with libzip, including broken and hostile ones. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "util/arena.h"
#include "util/table.h"

/* ---------------------------------------------------------------- helpers */

static char err[512];

static const char *cell(const struct table *t, size_t row, size_t col)
{
	assert_true(row < t->nrows);
	assert_true(col < t->rows[row].ncells);
	return t->rows[row].cells[col];
}

static int csv(const char *s, struct table *t)
{
	err[0] = 0;
	return table_read_csv(s, strlen(s), t, err, sizeof(err));
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	char *p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void temp_path(char *path, size_t n)
{
	snprintf(path, n, "/tmp/cunzhi-test-table-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

/* Writes an xlsx with libxlsxwriter; fill() adds the content. */
static char *make_xlsx(void (*fill)(lxw_workbook *), bool constant_memory, size_t *len)
{
	char path[64];
	temp_path(path, sizeof(path));
	lxw_workbook_options opt = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE,
				    .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	assert_non_null(wb);
	fill(wb);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	char *data = slurp(path, len);
	unlink(path);
	return data;
}

/* Builds a zip from NULL-terminated (name, content) pairs. */
static char *make_zip(const char *const *parts, size_t *len)
{
	char path[64];
	int zerr;
	temp_path(path, sizeof(path));
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	assert_non_null(za);
	for (size_t i = 0; parts[i]; i += 2) {
		zip_source_t *src = zip_source_buffer(za, parts[i + 1], strlen(parts[i + 1]), 0);
		assert_non_null(src);
		assert_true(zip_file_add(za, parts[i], src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	char *data = slurp(path, len);
	unlink(path);
	return data;
}

static int xlsx(const char *data, size_t len, struct table *t)
{
	err[0] = 0;
	return table_read_xlsx(data, len, t, err, sizeof(err));
}

#define SHEET_HEAD                                                                         \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"                  \
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"  \
	"<sheetData>"
#define SHEET_TAIL "</sheetData></worksheet>"

/* A sheet1.xml-only package (no workbook.xml) with the given sheet and shared strings. */
static int xlsx_parts(const char *sheet, const char *sst, struct table *t)
{
	const char *parts[] = {"xl/worksheets/sheet1.xml", sheet, sst ? "xl/sharedStrings.xml" : NULL,
			       sst, NULL};
	size_t len;
	char *data = make_zip(parts, &len);
	int rc = xlsx(data, len, t);
	free(data);
	return rc;
}

/* ---------------------------------------------------------------- CSV */

static void test_csv_basic(void **state)
{
	struct table t;
	assert_int_equal(csv("姓名,电话\n张三,13800138000\n李四,13900139000", &t), 0);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(cell(&t, 0, 0), "姓名");
	assert_string_equal(cell(&t, 1, 1), "13800138000");
	assert_string_equal(cell(&t, 2, 0), "李四");
	assert_int_equal(t.rows[2].line, 3);
	assert_int_equal(t.rows[2].ncells, 2);
	table_release(&t);
	assert_int_equal(t.nrows, 0);
	assert_null(t.rows);
}

static void test_csv_quotes(void **state)
{
	struct table t;
	assert_int_equal(csv("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\"\"\r\nnext,\"\" \n", &t),
			 0);
	assert_int_equal(t.nrows, 2);
	assert_int_equal(t.rows[0].ncells, 4);
	assert_string_equal(cell(&t, 0, 0), "a,b");
	assert_string_equal(cell(&t, 0, 1), "say \"hi\"");
	assert_string_equal(cell(&t, 0, 2), "two\nlines");
	assert_string_equal(cell(&t, 0, 3), "\"");
	/* a record with a newline inside quotes is still one spreadsheet row */
	assert_int_equal(t.rows[1].line, 2);
	assert_int_equal(t.rows[1].ncells, 1);
	assert_string_equal(cell(&t, 1, 0), "next");
	table_release(&t);

	/* a quote inside an unquoted field is kept as text */
	assert_int_equal(csv("5\"3,x", &t), 0);
	assert_string_equal(cell(&t, 0, 0), "5\"3");
	table_release(&t);

	/* a quoted field may hold CRLF and commas across many lines */
	assert_int_equal(csv("\"a\r\nb\r\nc\",d\r\ne", &t), 0);
	assert_string_equal(cell(&t, 0, 0), "a\r\nb\r\nc");
	assert_string_equal(cell(&t, 0, 1), "d");
	assert_int_equal(t.rows[1].line, 2);
	table_release(&t);
}

static void test_csv_quote_errors(void **state)
{
	struct table t;
	assert_int_equal(csv("a\nb,\"never closed\n", &t), -1);
	assert_non_null(strstr(err, "第 2 行"));
	assert_non_null(strstr(err, "引号"));
	assert_int_equal(t.nrows, 0);
	assert_null(t.rows);

	assert_int_equal(csv("\"ab\"c,d", &t), -1);
	assert_non_null(strstr(err, "第 1 行"));

	/* spaces after the closing quote are tolerated */
	assert_int_equal(csv("\"ab\"  ,d", &t), 0);
	assert_string_equal(cell(&t, 0, 0), "ab");
	table_release(&t);
}

static void test_csv_line_endings(void **state)
{
	struct table t;
	assert_int_equal(csv("a,1\r\nb,2\nc,3\rd,4\r\n", &t), 0);
	assert_int_equal(t.nrows, 4);
	assert_string_equal(cell(&t, 0, 1), "1");
	assert_string_equal(cell(&t, 1, 0), "b");
	assert_string_equal(cell(&t, 2, 1), "3");
	assert_string_equal(cell(&t, 3, 0), "d");
	assert_int_equal(t.rows[3].line, 4);
	table_release(&t);
}

static void test_csv_bom(void **state)
{
	struct table t;
	assert_int_equal(csv("\xEF\xBB\xBF姓名,性别\n王五,男\n", &t), 0);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 0, 0), "姓名");
	assert_int_equal(t.rows[0].line, 1);
	table_release(&t);

	/* a BOM alone is an empty table */
	assert_int_equal(csv("\xEF\xBB\xBF", &t), 0);
	assert_int_equal(t.nrows, 0);
	table_release(&t);

	/* UTF-16 (Excel's "Unicode text") is refused with advice */
	assert_int_equal(table_read_csv("\xFF\xFE" "a\0,\0", 6, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "UTF-16"));
}

static void test_csv_empty_rows_and_trim(void **state)
{
	struct table t;
	assert_int_equal(csv("a\n\n,,\n  ,\"\" , \t\nb\n\xE3\x80\x80\n", &t), 0);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 0, 0), "a");
	assert_int_equal(t.rows[0].line, 1);
	assert_string_equal(cell(&t, 1, 0), "b");
	assert_int_equal(t.rows[1].line, 5);
	table_release(&t);

	/* surrounding spaces, tabs, the ideographic space and NBSP are trimmed */
	assert_int_equal(csv("  张 三  ,\t1\t,\xE3\x80\x80李四\xE3\x80\x80,\xC2\xA0x\xC2\xA0", &t), 0);
	assert_string_equal(cell(&t, 0, 0), "张 三");
	assert_string_equal(cell(&t, 0, 1), "1");
	assert_string_equal(cell(&t, 0, 2), "李四");
	assert_string_equal(cell(&t, 0, 3), "x");
	table_release(&t);

	/* trailing empty cells are dropped; empty cells in between stay as "" */
	assert_int_equal(csv("a,,b,,\n", &t), 0);
	assert_int_equal(t.rows[0].ncells, 3);
	assert_string_equal(cell(&t, 0, 1), "");
	assert_string_equal(cell(&t, 0, 2), "b");
	table_release(&t);

	assert_int_equal(csv("", &t), 0);
	assert_int_equal(t.nrows, 0);
	table_release(&t);
}

static void test_csv_invalid_utf8(void **state)
{
	struct table t;
	/* "张三" in GBK on the third row */
	assert_int_equal(csv("姓名\n李四\n\xD5\xC5\xC8\xFD\n", &t), -1);
	assert_non_null(strstr(err, "第 3 行"));
	assert_non_null(strstr(err, "UTF-8"));
	assert_int_equal(t.nrows, 0);

	/* truncated sequence at the very end */
	assert_int_equal(csv("a\nb\xE5\xBC", &t), -1);
	assert_non_null(strstr(err, "第 2 行"));

	/* an overlong '/' inside quotes */
	assert_int_equal(csv("\"\xC0\xAF\"", &t), -1);
	assert_non_null(strstr(err, "第 1 行"));

	/* a NUL byte is not text */
	assert_int_equal(table_read_csv("a\nb\0c\n", 6, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "第 2 行"));
}

static void test_csv_limits(void **state)
{
	struct table t;
	char line[1024];
	size_t n = 0;

	/* exactly TABLE_MAX_COLS columns, then trailing empties: fine */
	for (int i = 0; i < TABLE_MAX_COLS; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%sc%d", i ? "," : "", i);
	assert_true(n + 10 < sizeof(line));
	memcpy(line + n, ",,,,\n", 6);
	assert_int_equal(csv(line, &t), 0);
	assert_int_equal(t.rows[0].ncells, TABLE_MAX_COLS);
	assert_string_equal(cell(&t, 0, TABLE_MAX_COLS - 1), "c63");
	table_release(&t);

	/* one more non-empty column is refused, naming row and column */
	memcpy(line + n, ",x\n", 4);
	char two[2048];
	snprintf(two, sizeof(two), "ok\n%s", line);
	assert_int_equal(csv(two, &t), -1);
	assert_non_null(strstr(err, "第 2 行"));
	assert_non_null(strstr(err, "BM")); /* the 65th column */
	assert_non_null(strstr(err, "64"));
	assert_int_equal(t.nrows, 0);

	/* cell size */
	char *big = malloc(TABLE_MAX_CELL + 16);
	assert_non_null(big);
	memset(big, 'a', TABLE_MAX_CELL);
	big[TABLE_MAX_CELL] = 0;
	assert_int_equal(csv(big, &t), 0);
	assert_int_equal(strlen(cell(&t, 0, 0)), TABLE_MAX_CELL);
	table_release(&t);
	big[TABLE_MAX_CELL] = 'a';
	big[TABLE_MAX_CELL + 1] = 0;
	assert_int_equal(csv(big, &t), -1);
	assert_non_null(strstr(err, "过长"));
	free(big);

	/* far too long to buffer: still a clean error */
	size_t hl = (size_t)TABLE_MAX_CELL * 10;
	char *huge = malloc(hl + 3);
	assert_non_null(huge);
	huge[0] = '"';
	memset(huge + 1, 'b', hl);
	huge[hl + 1] = '"';
	huge[hl + 2] = 0;
	assert_int_equal(csv(huge, &t), -1);
	assert_non_null(strstr(err, "过长"));
	free(huge);

	/* row count */
	size_t rl = (size_t)(TABLE_MAX_ROWS + 1) * 2;
	char *rows = malloc(rl + 1);
	assert_non_null(rows);
	for (size_t i = 0; i < rl; i += 2) {
		rows[i] = 'x';
		rows[i + 1] = '\n';
	}
	rows[rl] = 0;
	assert_int_equal(table_read_csv(rows, rl - 2, &t, err, sizeof(err)), 0);
	assert_int_equal(t.nrows, TABLE_MAX_ROWS);
	assert_int_equal(t.rows[TABLE_MAX_ROWS - 1].line, TABLE_MAX_ROWS);
	table_release(&t);
	assert_int_equal(table_read_csv(rows, rl, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "1000000"));
	assert_int_equal(t.nrows, 0);
	free(rows);
}

static void test_read_dispatch(void **state)
{
	struct table t;
	assert_int_equal(table_read("a,b\n", 4, &t, err, sizeof(err)), 0);
	assert_string_equal(cell(&t, 0, 1), "b");
	table_release(&t);

	/* an old .xls (OLE2 compound file) gets advice, not garbage */
	const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
	assert_int_equal(table_read(xls, sizeof(xls) - 1, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ".xlsx"));

	/* a tiny err buffer is respected */
	char small[8];
	assert_int_equal(table_read_csv("\"x", 2, &t, small, sizeof(small)), -1);
	assert_true(strlen(small) < sizeof(small));
	/* and a NULL one is allowed */
	assert_int_equal(table_read_csv("\"x", 2, &t, NULL, 0), -1);
}

/* ---------------------------------------------------------------- XLSX via libxlsxwriter */

static void fill_roster(lxw_workbook *wb)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "花名册");
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 0, 1, "电话", NULL);
	worksheet_write_string(ws, 0, 2, "积分", NULL);
	worksheet_write_string(ws, 0, 3, "备注", NULL);
	worksheet_write_string(ws, 1, 0, "张三", NULL);
	worksheet_write_number(ws, 1, 1, 13800138000.0, NULL);
	worksheet_write_number(ws, 1, 2, 1.5, NULL);
	worksheet_write_string(ws, 1, 3, "  东头第三户  ", NULL);
	/* row 3: column B skipped */
	worksheet_write_string(ws, 2, 0, "李四", NULL);
	worksheet_write_number(ws, 2, 2, 2.0, NULL);
	/* row 4 empty, row 5 has data again; the same string twice shares an entry */
	worksheet_write_string(ws, 4, 0, "张三", NULL);
	worksheet_write_number(ws, 4, 2, -7, NULL);
	worksheet_write_number(ws, 4, 3, 0.1 + 0.2, NULL);
	/* a formatted but empty cell far to the right adds nothing */
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	worksheet_write_blank(ws, 4, 200, bold);
	/* a second sheet is not read */
	lxw_worksheet *ws2 = workbook_add_worksheet(wb, "其他");
	worksheet_write_string(ws2, 0, 0, "不应读取", NULL);
}

static void check_roster(const struct table *t)
{
	assert_int_equal(t->nrows, 4);
	assert_int_equal(t->rows[0].line, 1);
	assert_string_equal(cell(t, 0, 0), "姓名");
	assert_string_equal(cell(t, 0, 3), "备注");
	assert_int_equal(t->rows[1].line, 2);
	assert_string_equal(cell(t, 1, 0), "张三");
	assert_string_equal(cell(t, 1, 1), "13800138000");
	assert_string_equal(cell(t, 1, 2), "1.5");
	assert_string_equal(cell(t, 1, 3), "东头第三户");
	assert_int_equal(t->rows[2].line, 3);
	assert_int_equal(t->rows[2].ncells, 3);
	assert_string_equal(cell(t, 2, 0), "李四");
	assert_string_equal(cell(t, 2, 1), "");
	assert_string_equal(cell(t, 2, 2), "2");
	assert_int_equal(t->rows[3].line, 5);
	assert_int_equal(t->rows[3].ncells, 4);
	assert_string_equal(cell(t, 3, 0), "张三");
	assert_string_equal(cell(t, 3, 2), "-7");
	assert_string_equal(cell(t, 3, 3), "0.3");
}

static void test_xlsx_shared_strings(void **state)
{
	size_t len;
	char *data = make_xlsx(fill_roster, false, &len);
	struct table t;
	assert_int_equal(xlsx(data, len, &t), 0);
	check_roster(&t);
	table_release(&t);
	/* table_read chooses XLSX by the zip signature */
	assert_int_equal(table_read(data, len, &t, err, sizeof(err)), 0);
	check_roster(&t);
	table_release(&t);
	free(data);
}

static void test_xlsx_inline_strings(void **state)
{
	/* constant-memory mode writes inline strings instead of shared ones */
	size_t len;
	char *data = make_xlsx(fill_roster, true, &len);
	struct table t;
	assert_int_equal(xlsx(data, len, &t), 0);
	check_roster(&t);
	table_release(&t);
	free(data);
}

static void fill_special(lxw_workbook *wb)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *red = workbook_add_format(wb);
	format_set_font_color(red, LXW_COLOR_RED);
	lxw_rich_string_tuple f1 = {.format = NULL, .string = "村民"};
	lxw_rich_string_tuple f2 = {.format = red, .string = "议事会"};
	lxw_rich_string_tuple *rich[] = {&f1, &f2, NULL};
	worksheet_write_rich_string(ws, 0, 0, rich, NULL);
	worksheet_write_formula_str(ws, 0, 1, "=\"合\"&\"计\"", NULL, "合计");
	worksheet_write_boolean(ws, 0, 2, 1, NULL);
	worksheet_write_string(ws, 0, 3, "多行\n备注", NULL);
	worksheet_write_number(ws, 1, 63, 42, NULL); /* column BL, the last allowed */
}

static void test_xlsx_rich_formula_bool(void **state)
{
	size_t len;
	char *data = make_xlsx(fill_special, false, &len);
	struct table t;
	assert_int_equal(xlsx(data, len, &t), 0);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(cell(&t, 0, 0), "村民议事会");
	assert_string_equal(cell(&t, 0, 1), "合计");
	assert_string_equal(cell(&t, 0, 2), "TRUE");
	assert_string_equal(cell(&t, 0, 3), "多行\n备注");
	assert_int_equal(t.rows[1].ncells, 64);
	assert_string_equal(cell(&t, 1, 63), "42");
	assert_string_equal(cell(&t, 1, 0), "");
	table_release(&t);
	free(data);
}

static void fill_too_wide(lxw_workbook *wb)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "a", NULL);
	worksheet_write_string(ws, 6, 64, "too far", NULL);
}

static void test_xlsx_too_wide(void **state)
{
	size_t len;
	char *data = make_xlsx(fill_too_wide, false, &len);
	struct table t;
	assert_int_equal(xlsx(data, len, &t), -1);
	assert_non_null(strstr(err, "第 7 行"));
	assert_non_null(strstr(err, "BM"));
	assert_int_equal(t.nrows, 0);
	assert_null(t.rows);
	free(data);
}

/* ---------------------------------------------------------------- XLSX assembled by hand */

static void test_xlsx_numbers(void **state)
{
	struct table t;
	const char *sheet = SHEET_HEAD
		"<row r=\"1\">"
		"<c r=\"A1\"><v>1.3800138E10</v></c>"
		"<c r=\"B1\"><v>1.0</v></c>"
		"<c r=\"C1\" t=\"n\"><v>1.5</v></c>"
		"<c r=\"D1\"><v>0.30000000000000004</v></c>"
		"<c r=\"E1\"><v>-0</v></c>"
		"<c r=\"F1\"><v>1.5E-3</v></c>"
		"<c r=\"G1\"><v>4.4010519491231E+17</v></c>"
		"<c r=\"H1\"><v>45292</v></c>"
		"<c r=\"I1\"><v>-2.50</v></c>"
		"<c r=\"J1\"><v>0.99999999999999999</v></c>"
		"<c r=\"K1\"><v>1E+400</v></c>"
		"<c r=\"L1\"><v>007</v></c>"
		"<c r=\"M1\"><v>  12  </v></c>"
		"<c r=\"N1\"><v>abc</v></c>"
		"<c r=\"O1\" t=\"e\"><v>#N/A</v></c>"
		"<c r=\"P1\" t=\"b\"><v>0</v></c>"
		"<c r=\"Q1\"><v>123456789012345678</v></c>"
		"</row>" SHEET_TAIL;
	assert_int_equal(xlsx_parts(sheet, NULL, &t), 0);
	assert_int_equal(t.nrows, 1);
	assert_string_equal(cell(&t, 0, 0), "13800138000");
	assert_string_equal(cell(&t, 0, 1), "1");
	assert_string_equal(cell(&t, 0, 2), "1.5");
	assert_string_equal(cell(&t, 0, 3), "0.3");
	assert_string_equal(cell(&t, 0, 4), "0");
	assert_string_equal(cell(&t, 0, 5), "0.0015");
	assert_string_equal(cell(&t, 0, 6), "440105194912310000");
	assert_string_equal(cell(&t, 0, 7), "45292"); /* a date serial stays a number */
	assert_string_equal(cell(&t, 0, 8), "-2.5");
	assert_string_equal(cell(&t, 0, 9), "1");
	assert_string_equal(cell(&t, 0, 10), "1E+400"); /* kept as written */
	assert_string_equal(cell(&t, 0, 11), "7");
	assert_string_equal(cell(&t, 0, 12), "12");
	assert_string_equal(cell(&t, 0, 13), "abc");
	assert_string_equal(cell(&t, 0, 14), "#N/A");
	assert_string_equal(cell(&t, 0, 15), "FALSE");
	assert_string_equal(cell(&t, 0, 16), "123456789012346000"); /* 15 digits, as Excel shows */
	table_release(&t);
}

static void test_xlsx_layout(void **state)
{
	struct table t;
	/* cells and rows without r, skipped columns, prefixed namespace, phonetic runs,
	 * _xHHHH_ escapes, a formula whose text must not leak into the value */
	const char *sst =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		"<x:sst xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<x:si><x:t>甲</x:t></x:si>"
		"<x:si><x:r><x:t>乙</x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t xml:space=\"preserve\"> 丙</x:t></x:r>"
		"<x:rPh sb=\"0\" eb=\"1\"><x:t>ヨミ</x:t></x:rPh></x:si>"
		"<x:si><x:t>第一行_x000D_\n第二行_x005F_x0041_</x:t></x:si>"
		"<x:si/>"
		"</x:sst>";
	const char *sheet =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		"<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<x:dimension ref=\"A1:E9\"/><x:sheetData>"
		"<x:row r=\"2\"><x:c r=\"A2\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"E2\" t=\"s\"><x:v>1</x:v></x:c></x:row>"
		"<x:row><x:c t=\"s\"><x:v>2</x:v></x:c><x:c t=\"inlineStr\"><x:is><x:r><x:t>内</x:t></x:r><x:r><x:t>联</x:t></x:r></x:is></x:c>"
		"<x:c t=\"str\"><x:f>A1&amp;B1</x:f><x:v>公式</x:v></x:c></x:row>"
		"<x:row r=\"9\"><x:c r=\"B9\" t=\"s\"><x:v>3</x:v></x:c><x:c r=\"C9\" s=\"1\"/></x:row>"
		"<x:row r=\"10\"><x:c r=\"C10\" t=\"inlineStr\"><x:is><x:t>&lt;&amp;&gt;</x:t></x:is></x:c></x:row>"
		"</x:sheetData><x:mergeCells count=\"0\"/></x:worksheet>";
	assert_int_equal(xlsx_parts(sheet, sst, &t), 0);
	assert_int_equal(t.nrows, 3);
	assert_int_equal(t.rows[0].line, 2);
	assert_int_equal(t.rows[0].ncells, 5);
	assert_string_equal(cell(&t, 0, 0), "甲");
	assert_string_equal(cell(&t, 0, 1), "");
	assert_string_equal(cell(&t, 0, 4), "乙 丙");
	assert_int_equal(t.rows[1].line, 3);
	assert_string_equal(cell(&t, 1, 0), "第一行\r\n第二行_x0041_");
	assert_string_equal(cell(&t, 1, 1), "内联");
	assert_string_equal(cell(&t, 1, 2), "公式");
	/* row 9 has only an empty shared string and a styled blank: skipped */
	assert_int_equal(t.rows[2].line, 10);
	assert_string_equal(cell(&t, 2, 2), "<&>");
	table_release(&t);
}

static void test_xlsx_workbook_rels(void **state)
{
	/* the first sheet lives in data.xml, the rels list a chartsheet first, and
	 * sheet1.xml exists but is not the first sheet */
	const char *parts[] = {
		"[Content_Types].xml", "<Types/>",
		"xl/workbook.xml",
		"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
		"<sheets><sheet name=\"图\" sheetId=\"3\" r:id=\"rId3\"/>"
		"<sheet name=\"名单\" sheetId=\"1\" r:id=\"rId7\"/>"
		"<sheet name=\"旧\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>",
		"xl/_rels/workbook.xml.rels",
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"/xl/worksheets/data.xml\"/>"
		"</Relationships>",
		"xl/worksheets/sheet1.xml", SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>" SHEET_TAIL,
		"xl/worksheets/data.xml", SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>2</v></c></row>" SHEET_TAIL,
		NULL};
	size_t len;
	char *data = make_zip(parts, &len);
	struct table t;
	assert_int_equal(xlsx(data, len, &t), 0);
	assert_int_equal(t.nrows, 1);
	assert_string_equal(cell(&t, 0, 0), "2");
	table_release(&t);
	free(data);
}

static void test_xlsx_errors(void **state)
{
	struct table t;

	/* not a zip */
	assert_int_equal(xlsx("hello, world", 12, &t), -1);
	assert_true(strlen(err) > 0);
	assert_int_equal(t.nrows, 0);
	assert_int_equal(xlsx("PK\3\4garbage garbage garbage", 27, &t), -1);
	assert_true(strlen(err) > 0);
	assert_int_equal(xlsx("", 0, &t), -1);

	size_t len;
	char *data = make_xlsx(fill_roster, false, &len);

	/* truncated: the central directory is gone */
	assert_int_equal(xlsx(data, len / 2, &t), -1);
	assert_true(strlen(err) > 0);
	assert_int_equal(t.nrows, 0);

	/* corrupted compressed data: every member damaged in the middle */
	char *bad = malloc(len);
	assert_non_null(bad);
	memcpy(bad, data, len);
	for (size_t i = 200; i + 400 < len; i += 97)
		bad[i] = (char)(bad[i] ^ 0x5A);
	assert_int_equal(xlsx(bad, len, &t), -1);
	assert_true(strlen(err) > 0);
	assert_int_equal(t.nrows, 0);
	assert_null(t.rows);
	free(bad);
	free(data);

	/* a zip without any worksheet */
	const char *parts[] = {"hello.txt", "hi", NULL};
	data = make_zip(parts, &len);
	assert_int_equal(xlsx(data, len, &t), -1);
	assert_non_null(strstr(err, "工作表"));
	free(data);

	/* malformed XML */
	assert_int_equal(xlsx_parts(SHEET_HEAD "<row><c><v>1</c></row>" SHEET_TAIL, NULL, &t), -1);
	assert_true(strlen(err) > 0);

	/* a document type declaration (entity tricks) is refused */
	assert_int_equal(
		xlsx_parts("<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaa\">]>"
			   "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&a;</t></is></c></row>"
			   "</sheetData></worksheet>",
			   NULL, &t),
		-1);
	assert_true(strlen(err) > 0);

	/* a shared string index out of range */
	assert_int_equal(xlsx_parts(SHEET_HEAD "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>5</v></c></row>" SHEET_TAIL,
				    "<sst><si><t>a</t></si></sst>", &t),
			 -1);
	assert_non_null(strstr(err, "第 4 行"));

	/* a bad cell reference */
	assert_int_equal(xlsx_parts(SHEET_HEAD "<row r=\"1\"><c r=\"1A\"><v>5</v></c></row>" SHEET_TAIL,
				    NULL, &t),
			 -1);
	assert_true(strlen(err) > 0);

	/* a cell over the size limit */
	size_t bl = TABLE_MAX_CELL + 200;
	char *bigsheet = malloc(bl + 200);
	assert_non_null(bigsheet);
	int n = snprintf(bigsheet, bl + 200, "%s<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>",
			 SHEET_HEAD);
	memset(bigsheet + n, 'z', TABLE_MAX_CELL + 1);
	snprintf(bigsheet + n + TABLE_MAX_CELL + 1, 100, "</t></is></c></row>%s", SHEET_TAIL);
	assert_int_equal(xlsx_parts(bigsheet, NULL, &t), -1);
	assert_non_null(strstr(err, "第 3 行"));
	assert_non_null(strstr(err, "过长"));
	free(bigsheet);
}

static void test_xlsx_zip_bomb(void **state)
{
	/* a shared-strings part whose text inflates past what is held of it (64 MB) */
	size_t big = ((size_t)65 << 20);
	char *sst = malloc(big + 32);
	assert_non_null(sst);
	memcpy(sst, "<sst><si><t>", 12);
	memset(sst + 12, ' ', big);
	memcpy(sst + 12 + big, "</t></si></sst>", 16);
	struct table t;
	assert_int_equal(xlsx_parts(SHEET_HEAD SHEET_TAIL, sst, &t), -1);
	assert_non_null(strstr(err, "过大"));
	assert_int_equal(t.nrows, 0);
	free(sst);
}

/* ---------------------------------------------------------------- county size */

/* A county's roster in one file: 300,000 rows of the benchmark's 7 columns. The store
 * holds the text and one pointer per cell, nothing per cell besides (no allocation of
 * its own), and every empty cell is the one "". */
static void test_compact_store(void **state)
{
	const size_t nrows = 300000;
	size_t cap = nrows * 120 + 64, len = 0, text = 0;
	char *data = malloc(cap);
	assert_non_null(data);
	len += (size_t)snprintf(data + len, cap - len, "户号,住址,姓名,性别,出生日期,身份证号,与户主关系\n");
	for (size_t i = 0; i < nrows; i++) {
		/* the address left empty on every other row */
		int n = snprintf(data + len, cap - len, "QS%06zu,%s,王%zu,男,1980-05-01,70%016zu,户主\n", i / 3,
				 i % 2 ? "" : "青山村一组", i, i);
		assert_true(n > 0 && (size_t)n < cap - len);
		len += (size_t)n;
	}
	struct table t;
	assert_int_equal(table_read_csv(data, len, &t, err, sizeof(err)), 0);
	assert_int_equal(t.nrows, nrows + 1);
	const char *empty = t.rows[2].cells[1];
	assert_string_equal(empty, "");
	for (size_t i = 0; i < t.nrows; i++) {
		assert_int_equal(t.rows[i].ncells, 7);
		for (size_t j = 0; j < 7; j++) {
			const char *c = t.rows[i].cells[j];
			if (!c[0])
				assert_ptr_equal(c, empty);
			text += strlen(c) + 1;
		}
	}
	assert_string_equal(cell(&t, nrows, 0), "QS099999");
	assert_string_equal(cell(&t, nrows, 2), "王299999");
	assert_string_equal(cell(&t, nrows, 5), "700000000000299999");
	assert_int_equal(t.rows[nrows].line, (int)nrows + 1);
	/* the text packed, the 7 pointers of a row rounded to 64 bytes, and the chunks'
	 * unused ends: within 5 % of that */
	size_t need = text + t.nrows * 64;
	assert_true(arena_used(t.store) >= need - text / 2);
	assert_true(arena_used(t.store) <= need + need / 20);
	table_release(&t);
	assert_null(t.store);
	assert_int_equal(t.nrows, 0);
	free(data);
}

/* An XLSX sheet of more XML than the old 64 MB part limit is read as a stream. */
static void test_xlsx_large_sheet(void **state)
{
	const size_t nrows = 160000;
	size_t cap = strlen(SHEET_HEAD SHEET_TAIL) + nrows * 480 + 1, len = 0;
	char *sheet = malloc(cap);
	assert_non_null(sheet);
	len += (size_t)snprintf(sheet, cap, "%s", SHEET_HEAD);
	for (size_t r = 1; r <= nrows; r++) {
		len += (size_t)snprintf(sheet + len, cap - len, "<row r=\"%zu\">", r);
		for (char c = 'A'; c <= 'G'; c++)
			len += (size_t)snprintf(sheet + len, cap - len,
						"<c r=\"%c%zu\" t=\"inlineStr\"><is><t>村民%c%zu</t></is></c>", c, r, c, r);
		len += (size_t)snprintf(sheet + len, cap - len, "</row>");
		assert_true(len < cap);
	}
	len += (size_t)snprintf(sheet + len, cap - len, "%s", SHEET_TAIL);
	assert_true(len > ((size_t)64 << 20));
	struct table t;
	assert_int_equal(xlsx_parts(sheet, NULL, &t), 0);
	assert_int_equal(t.nrows, nrows);
	assert_string_equal(cell(&t, nrows - 1, 6), "村民G160000");
	table_release(&t);
	free(sheet);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_basic),
		cmocka_unit_test(test_csv_quotes),
		cmocka_unit_test(test_csv_quote_errors),
		cmocka_unit_test(test_csv_line_endings),
		cmocka_unit_test(test_csv_bom),
		cmocka_unit_test(test_csv_empty_rows_and_trim),
		cmocka_unit_test(test_csv_invalid_utf8),
		cmocka_unit_test(test_csv_limits),
		cmocka_unit_test(test_read_dispatch),
		cmocka_unit_test(test_xlsx_shared_strings),
		cmocka_unit_test(test_xlsx_inline_strings),
		cmocka_unit_test(test_xlsx_rich_formula_bool),
		cmocka_unit_test(test_xlsx_too_wide),
		cmocka_unit_test(test_xlsx_numbers),
		cmocka_unit_test(test_xlsx_layout),
		cmocka_unit_test(test_xlsx_workbook_rels),
		cmocka_unit_test(test_xlsx_errors),
		cmocka_unit_test(test_xlsx_zip_bomb),
		cmocka_unit_test(test_compact_store),
		cmocka_unit_test(test_xlsx_large_sheet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
