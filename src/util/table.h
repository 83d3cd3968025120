/* A rectangular table of text cells read from a CSV or XLSX file, as village rosters
 * are kept. Cells are NUL-terminated, valid UTF-8 (the readers reject other text),
 * with surrounding spaces trimmed. Row numbers are those a person sees in the
 * spreadsheet (first row is 1). */
#ifndef UTIL_TABLE_H
#define UTIL_TABLE_H

#include "util/common.h"

/* A county's roster (150,000 households, about 500,000 residents) fits one file. */
#define TABLE_MAX_ROWS 1000000
#define TABLE_MAX_COLS 64
#define TABLE_MAX_CELL 4096   /* bytes */

struct arena;

struct table_row {
	int line;          /* row number in the file, 1-based */
	size_t ncells;
	char **cells;      /* an empty cell is "" */
};

/* Compact: the cells' text and each row's cell pointers are packed in one arena per
 * table (no allocation per cell), freed at once by table_release. */
struct table {
	size_t nrows;
	struct table_row *rows;
	struct arena *store;
};

/* Each returns 0, or -1 with a Chinese message for the user in err. Empty rows (all
 * cells empty) are skipped. A UTF-8 byte-order mark is ignored. XLSX: the first
 * worksheet; shared strings, inline strings and numbers (integers shown without a
 * decimal point) are read; dates stored as serial numbers stay numbers. */
int table_read_csv(const char *data, size_t len, struct table *out, char *err, size_t errlen);
int table_read_xlsx(const char *data, size_t len, struct table *out, char *err, size_t errlen);
/* Chooses by content: XLSX starts with "PK\3\4". */
int table_read(const char *data, size_t len, struct table *out, char *err, size_t errlen);
void table_release(struct table *t);

#endif
