/* Shared inside the roster import only (roster.c and roster_*.c): the columns, the
 * import's state and the passes each file provides. Other modules include roster.h. */
#ifndef DOMAIN_REGISTER_ROSTER_INTERNAL_H
#define DOMAIN_REGISTER_ROSTER_INTERNAL_H

#include "domain/kernel/org.h"
#include "domain/register/people.h"
#include "domain/register/roster.h"
#include "util/table.h"

enum col { C_NUMBER, C_GROUP, C_GRID, C_ADDRESS, C_NAME, C_GENDER, C_BIRTH, C_IDCARD, C_RELATION,
	   C_PHONE, C_PARTY, C_TAGS, C_PTAGS, NCOLS };

#define HEAD "户主"

/* ---------------------------------------------------------------- the import's state */

struct hh {
	const char *number;
	int first_line;
	const char *group_name;   /* first non-empty value in the file, or NULL */
	int group_line;
	int64_t group_id;
	const char *grid_name;    /* likewise */
	int grid_line;
	int64_t grid_id;
	const char *address;      /* likewise */
	int address_line;
	const char *tags;         /* likewise: tag names the household is given */
	int tags_line;
	int nheads;
	int head_row;             /* index of the row naming the head, or -1 */
	int staying;              /* registered heads not named in the file */
	const char *staying_name;
	/* found in the database */
	bool exists;
	int64_t id;
	struct household_input old;
	bool write;               /* create or change */
};

enum action { A_NONE, A_CREATE, A_UPDATE, A_UNCHANGED };

/* What is registered of a resident a row matches (kept apart: a county's roster has
 * 500,000 rows, most of them new). */
struct rrow_old {
	struct resident_input in;
	char mask[IDCARD_LEN + 1];
};

struct rrow {
	int line;
	int hh;
	const char *name, *phone, *relation;
	const char *ptags;        /* the 个人标签 cell: tags about this person */
	int party;
	char idcard[IDCARD_LEN + 1];
	char hash[CRYPTO_HASH_HEX];
	/* found in the database */
	int64_t id;
	struct rrow_old *old;     /* in run.olds; NULL for a new resident */
	enum action action;
};

/* Open addressing over text keys, values are indexes (>= 0). */
struct strmap {
	size_t cap;
	const char **keys;
	int *vals;
};

struct id_index {
	int64_t id;
	int idx;
};

/* A unit dividing the village: a group or a grid. */
struct division {
	int64_t id;
	char name[ORG_NAME_MAX * 4 + 1];
};

struct divisions {
	const char *kind;         /* "group" or "grid" */
	const char *label;        /* 村民小组, 网格 */
	const char *field;        /* group_id, grid_id */
	struct division *items;
	int n;
};

struct run {
	struct ctx *c;
	struct org_unit village;
	struct roster_result *out;
	struct table t;
	bool table_read;
	int colidx[NCOLS];        /* cell index of each column, -1 when absent */
	int hdr;                  /* index of the header row in t */
	int header_line;
	struct divisions groups, grids;   /* the village's */
	struct rrow *rows;
	int nrows;
	struct hh *hhs;
	int nhhs;
	struct strmap hh_map, id_map, hash_map;
	char **tag_names;         /* the county's active tags, for the 标签 column */
	bool *tag_person;         /* and whether each is about a person (个人标签) */
	int ntag_names;
	bool tags_loaded;
	struct rrow_old *olds;    /* one a row at most, used as they are found */
	int nolds;
	int64_t *matched;         /* sorted ids of residents matched by a row */
	int nmatched;
	struct id_index *hh_ids;  /* existing households by id, sorted */
	int nhh_ids;
};

#define PTAGS_MAX 32

/* the template's made-up example ID-card numbers (without the check character) */
extern const char *const ros_example_ids[2];
int ros_map_init(struct strmap *m, size_t n);
int ros_map_put(struct strmap *m, const char *key, int val);
void ros_add_error(struct run *r, int line, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ros_harvest_fields(struct run *r, int line);
const char *ros_cell(const struct run *r, const struct table_row *row, enum col col);
bool ros_all_digits(const char *s, size_t n);
bool ros_parse_date(const char *s, char out[11]);
int ros_parse_party(const char *s);
int ros_map_get(const struct strmap *m, const char *key);
int ros_map_header(struct run *r);
int ros_load_divisions(struct run *r, struct divisions *d);
int64_t ros_find_division(const struct divisions *d, const char *name);
bool ros_next_tag(const char **p, char *name, size_t size);
int ros_ptag_names(struct run *r, const struct rrow *row, const char **names);
void ros_check_row(struct run *r, const struct table_row *tr, struct rrow *row);
int ros_lookup(struct run *r);
int ros_plan_tags(struct run *r);
void ros_plan(struct run *r);
int ros_write_all(struct run *r);

#endif
