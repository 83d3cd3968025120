/* XLSX plumbing shared by the exports (see xlsx.h). libxlsxwriter writes to a file, so
 * each export goes through a temporary file that is read back and removed. */
#include <unistd.h>
#include <xlsxwriter.h>

#include "domain/kernel/xlsx.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define XLSX_MAX (256u << 20)

void export_minute(int64_t t, char out[17])
{
	struct civil cv;
	time_to_cn(t, &cv);
	snprintf(out, 17, "%04d-%02d-%02d %02d:%02d", cv.year, cv.month, cv.day, cv.hour, cv.min);
}

enum result xlsx_open(struct ctx *c, struct xlsx *x, bool big)
{
	memset(x, 0, sizeof(*x));
	const char *dir = getenv("TMPDIR");
	if (!dir || !dir[0])
		dir = "/tmp";
	snprintf(x->path, sizeof(x->path), "%s/cunzhi-export-XXXXXX", dir);
	int fd = mkstemp(x->path);
	if (fd < 0)
		return ctx_fail(c, RC_INTERNAL, "导出失败：无法建立临时文件");
	close(fd);
	/* big sheets are written row by row through temporary files, not held in memory */
	lxw_workbook_options opt = {.constant_memory = big ? LXW_TRUE : LXW_FALSE, .tmpdir = (char *)dir};
	x->wb = workbook_new_opt(x->path, &opt);
	if (!x->wb) {
		unlink(x->path);
		return ctx_fail(c, RC_INTERNAL, "导出失败");
	}
	x->head = workbook_add_format(x->wb);
	format_set_bold(x->head);
	format_set_bg_color(x->head, 0xDDEBF7);
	format_set_border(x->head, LXW_BORDER_THIN);
	x->text = workbook_add_format(x->wb);
	format_set_num_format(x->text, "@");
	x->num = workbook_add_format(x->wb);
	format_set_num_format(x->num, "0");
	return RC_OK;
}

/* Closes the workbook and reads the file back into out. */
enum result xlsx_finish(struct ctx *c, struct xlsx *x, struct export_file *out)
{
	int rc = RC_OK;
	if (workbook_close(x->wb) != LXW_NO_ERROR) {
		rc = ctx_fail(c, RC_INTERNAL, "导出失败");
		goto cleanup;
	}
	struct buf b;
	buf_init(&b, XLSX_MAX);
	if (buf_add_file(&b, x->path)) {
		rc = ctx_fail(c, RC_INTERNAL, b.failed ? "导出失败：文件过大" : "导出失败");
		buf_release(&b);
		goto cleanup;
	}
	out->data = buf_detach(&b, &out->len);
cleanup:
	unlink(x->path);
	return rc;
}

/* Abandons a workbook after an error (the file is written, then removed). */
void xlsx_abort(struct xlsx *x)
{
	workbook_close(x->wb);
	unlink(x->path);
}

void xlsx_header_row(struct xlsx *x, lxw_worksheet *ws, const char *const *cols, const double *widths)
{
	for (int k = 0; cols[k]; k++) {
		worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, widths[k], NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)k, cols[k], x->head);
	}
	worksheet_freeze_panes(ws, 1, 0);
}

/* The 说明 sheet: one label and value per row. */
void xlsx_info_sheet(struct xlsx *x, const char *const (*lines)[2], size_t n)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, "说明");
	worksheet_set_column(ws, 0, 0, 16, NULL);
	worksheet_set_column(ws, 1, 1, 70, NULL);
	for (size_t i = 0; i < n; i++) {
		worksheet_write_string(ws, (lxw_row_t)i, 0, lines[i][0], x->head);
		worksheet_write_string(ws, (lxw_row_t)i, 1, lines[i][1], x->text);
	}
}

void export_period_text(char *out, size_t len, const char *from, const char *to)
{
	bool f = from && from[0], t = to && to[0];
	if (f && t)
		snprintf(out, len, "%s 至 %s", from, to);
	else if (f)
		snprintf(out, len, "%s 起", from);
	else if (t)
		snprintf(out, len, "截至 %s", to);
	else
		snprintf(out, len, "全部");
}

/* Parses the optional dates into [start, end) instants; field errors name from and to. */
enum result export_period_bounds(struct ctx *c, const char *from, const char *to, bool required, int64_t *start,
			 int64_t *end)
{
	int64_t fd = 0, td = 0;
	*start = 0;
	*end = 0;
	if (from && from[0] && time_parse_date(from, &fd))
		ctx_field(c, "from", "开始日期格式应为 YYYY-MM-DD");
	else if (required && (!from || !from[0]))
		ctx_field(c, "from", "必填：开始日期 YYYY-MM-DD");
	if (to && to[0] && time_parse_date(to, &td))
		ctx_field(c, "to", "结束日期格式应为 YYYY-MM-DD");
	else if (required && (!to || !to[0]))
		ctx_field(c, "to", "必填：结束日期 YYYY-MM-DD");
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (from && from[0] && to && to[0] && td < fd)
		return ctx_field(c, "to", "结束日期不能早于开始日期");
	if (from && from[0])
		*start = time_cn_midnight(fd);
	if (to && to[0])
		*end = time_cn_midnight(td + 1);
	return RC_OK;
}

void export_date_suffix(char *out, size_t len, const char *from, const char *to)
{
	bool f = from && from[0], t = to && to[0];
	if (f && t)
		snprintf(out, len, "_%s至%s", from, to);
	else if (f)
		snprintf(out, len, "_%s起", from);
	else if (t)
		snprintf(out, len, "_截至%s", to);
	else
		out[0] = 0;
}
