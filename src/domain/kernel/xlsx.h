/* XLSX files (libxlsxwriter) for every feature's exports: the file handed to the HTTP
 * layer, a workbook written through a temporary file, the house formats (Chinese
 * headers, points as numbers, times as text "YYYY-MM-DD HH:MM" in Asia/Shanghai) and
 * the period helpers that exports share. */
#ifndef DOMAIN_XLSX_H
#define DOMAIN_XLSX_H

#include <xlsxwriter.h>

#include "domain/kernel/ctx.h"

#define EXPORT_ROWS_MAX 500000   /* ledger entries in one file */

struct export_file {
	char *data;              /* the XLSX bytes, malloc'ed: the caller frees */
	size_t len;
	char name[256];          /* a Chinese file name: 青山村积分台账_2026-01-01至2026-03-31.xlsx */
	char ascii_name[80];     /* the same for old clients: ledger-village-12.xlsx */
};

/* A workbook is written to a temporary file (xlsx_open), filled through libxlsxwriter
 * with the formats below, and read back into an export_file (xlsx_finish) or dropped
 * (xlsx_abort). */

struct xlsx {
	char path[512];
	lxw_workbook *wb;
	lxw_format *head, *text, *num;   /* header cells, text ("@"), whole numbers ("0") */
};

/* big: write row by row through temporary files (constant memory). */
enum result xlsx_open(struct ctx *c, struct xlsx *x, bool big);
/* Closes the workbook and reads the file back into out; the file is removed. */
enum result xlsx_finish(struct ctx *c, struct xlsx *x, struct export_file *out);
/* Abandons a workbook after an error (the file is written, then removed). */
void xlsx_abort(struct xlsx *x);
/* Row 0 of ws: the NULL-ended column titles, with widths; the row is frozen. */
void xlsx_header_row(struct xlsx *x, lxw_worksheet *ws, const char *const *cols, const double *widths);
/* A 说明 sheet: one label and value per row. */
void xlsx_info_sheet(struct xlsx *x, const char *const (*lines)[2], size_t n);

/* "YYYY-MM-DD HH:MM" in Asia/Shanghai. */
void export_minute(int64_t t, char out[17]);
/* Parses the optional dates from and to (YYYY-MM-DD, Asia/Shanghai, both included) into
 * the instants [start, end); 0 for an open end. Field errors name "from" and "to". */
enum result export_period_bounds(struct ctx *c, const char *from, const char *to, bool required, int64_t *start,
			 int64_t *end);
/* "2026-01-01 至 2026-03-31", "… 起", "截至 …" or "全部". */
void export_period_text(char *out, size_t len, const char *from, const char *to);
/* "_2026-01-01至2026-03-31" (or shorter, or "") for file names. */
void export_date_suffix(char *out, size_t len, const char *from, const char *to);

#endif
