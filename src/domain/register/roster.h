/* Import of households and residents from a village roster (CSV or XLSX), as rosters
 * are really kept: one row per resident, households grouped by 户号. Every row is
 * validated first and every error reported with row, column and reason; nothing is
 * imported if any row fails; the import is one transaction; importing the same file
 * again changes nothing (households match by 户号, residents by ID-card number). */
#ifndef DOMAIN_ROSTER_H
#define DOMAIN_ROSTER_H

#include "domain/kernel/ctx.h"

#define ROSTER_MAX_ERRORS 1000   /* errors reported; errors_total counts all */

struct roster_error {
	int row;              /* spreadsheet row number (the header is row 1) */
	char column[32];      /* the column header, e.g. 身份证号 */
	char message[160];
};

/* Counts: rows is the data rows read; a moved resident counts as updated; unchanged
 * counts residents (rows) that needed no change. A blank 村民小组, 住址 or 联系电话 keeps
 * what is registered; a blank 政治面貌 is 群众; a column left out keeps it all. */
struct roster_result {
	int rows;
	int households_created, households_updated;
	int residents_created, residents_updated, unchanged;
	int tags_set;                 /* tags given to households that did not carry them */
	int resident_tags_set;        /* 个人标签 given to residents who did not carry them */
	int nerrors, errors_total;
	struct roster_error *errors;  /* in the context's arena */
};

/* The columns, in template order, ended by NULL. */
extern const char *const roster_columns[];

/* Imports into a village (needs P_REGISTER_WRITE there). RC_OK when imported;
 * RC_INVALID with out->errors when any row fails (nothing changed). */
enum result roster_import(struct ctx *c, int64_t village_id, const char *data, size_t len,
		  struct roster_result *out);

/* The same checks and lookups without writing anything (a dry run): RC_OK with the
 * counts an import would give now, or RC_INVALID with out->errors. */
enum result roster_check(struct ctx *c, int64_t village_id, const char *data, size_t len,
		 struct roster_result *out);

/* A template file to fill in: format "xlsx" or "csv". *data is malloc'ed. */
enum result roster_template(struct ctx *c, const char *format, char **data, size_t *len);

#endif
