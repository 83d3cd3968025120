/* The table readers' shared building blocks (table.c for CSV, table_xlsx.c for XLSX):
 * the row being assembled, the table being built with its limits, and the checks every
 * cell passes. Only the two readers include it. */
#ifndef UTIL_TABLE_BUILD_H
#define UTIL_TABLE_BUILD_H

#include "util/common.h"
#include "util/table.h"

/* The table's store (its cells' text and their pointers, table.h): a million rows of
 * the roster's 13 columns fit. */
#define TABLE_MAX_TOTAL ((size_t)256 << 20)

/* One row being assembled; cells[i] is NULL while empty. The text is in the table's
 * store already (a cell written twice leaves its first text there, counted). */
struct row_acc {
	char *cells[TABLE_MAX_COLS];
	size_t n; /* one past the highest column written */
};

struct builder {
	struct table *t;
	size_t cap;   /* allocated rows */
	char *empty;  /* the one "" every empty cell points to */
	char *err;
	size_t errlen;
};

/* 0, or -1 with the message set when the store cannot be made. */
int table_builder_init(struct builder *b, struct table *out, char *err, size_t errlen);
/* Writes the message for the user into the builder's err; returns -1. */
int table_fail(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void table_row_clear(struct row_acc *r);
/* Trims ASCII white space, U+00A0 and U+3000 (the ideographic space) from both ends. */
void table_trim(const char **s, size_t *len);
/* Column number (0-based) as a person sees it: 0 → "A", 27 → "AB". */
void table_col_name(size_t col, char out[8]);
/* Checks one cell's text and stores it at column col of the row (0 or -1). */
int table_put_cell(struct builder *b, struct row_acc *r, int line, size_t col, const char *s, size_t len);
/* Moves a finished row into the table (skipping an empty one); 0 or -1. */
int table_emit_row(struct builder *b, struct row_acc *r, int line);

#endif
