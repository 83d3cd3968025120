/* The village roster import (see roster.h) and the template to fill in. Four passes:
 * read the table and map the header; check every row on its own and across rows
 * (no database writes, nothing held); look up the households, residents and heads
 * already registered and decide what each row does; then, when nothing failed, write
 * it all in one transaction. The lookups run inside that transaction, so what they
 * saw is what gets written. */
#include <unistd.h>
#include <xlsxwriter.h>

#include "domain/grid/grid.h"
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/register/people.h"
#include "domain/register/roster.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/table.h"
#include "util/timeutil.h"
#include "util/utf8.h"

enum col { C_NUMBER, C_GROUP, C_GRID, C_ADDRESS, C_NAME, C_GENDER, C_BIRTH, C_IDCARD, C_RELATION,
	   C_PHONE, C_PARTY, C_TAGS, C_PTAGS, NCOLS };

const char *const roster_columns[] = {"户号", "村民小组", "网格", "住址", "姓名", "性别", "出生日期",
				      "身份证号", "与户主关系", "联系电话", "政治面貌", "标签",
				      "个人标签", NULL};

static const bool col_required[NCOLS] = {[C_NUMBER] = true, [C_NAME] = true, [C_IDCARD] = true,
					 [C_RELATION] = true};

/* The field names people_check_* report, and the column each comes from. */
static const struct {
	const char *field;
	enum col col;
} field_cols[] = {
	{"number", C_NUMBER}, {"address", C_ADDRESS}, {"group_id", C_GROUP}, {"grid_id", C_GRID}, {"name", C_NAME},
	{"gender", C_GENDER}, {"birth_date", C_BIRTH}, {"idcard", C_IDCARD}, {"phone", C_PHONE},
	{"relation", C_RELATION}, {"party_member", C_PARTY},
};

#define HEAD "户主"

/* The template's made-up example people; a row with one of these numbers was left in
 * by mistake. Region, birth date and sequence; the check character is computed. */
static const char *const example_ids[] = {"51112319650312021", "51112319670821046"};

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
	struct resident_input old;
	char mask[IDCARD_LEN + 1];
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
	int64_t *matched;         /* sorted ids of residents matched by a row */
	int nmatched;
	struct id_index *hh_ids;  /* existing households by id, sorted */
	int nhh_ids;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int map_init(struct strmap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < n * 2)
		m->cap <<= 1;
	m->keys = calloc(m->cap, sizeof(*m->keys));
	m->vals = calloc(m->cap, sizeof(*m->vals));
	return m->keys && m->vals ? 0 : -1;
}

static void map_release(struct strmap *m)
{
	free(m->keys);
	free(m->vals);
}

/* The value stored under key, or -1 after storing val there. */
static int map_put(struct strmap *m, const char *key, int val)
{
	size_t i = (size_t)str_hash(key) & (m->cap - 1);
	while (m->keys[i]) {
		if (!strcmp(m->keys[i], key))
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = key;
	m->vals[i] = val;
	return -1;
}

/* ---------------------------------------------------------------- errors */

static void add_error(struct run *r, int line, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_error(struct run *r, int line, const char *column, const char *fmt, ...)
{
	struct roster_result *out = r->out;
	out->errors_total++;
	if (out->nerrors >= ROSTER_MAX_ERRORS || !out->errors)
		return;
	struct roster_error *e = &out->errors[out->nerrors++];
	e->row = line;
	utf8_prefix(e->column, sizeof(e->column), column ? column : "", SIZE_MAX);
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_prefix(e->message, sizeof(e->message), msg, SIZE_MAX);
}

/* Moves the field errors the row's checks left in c->err into the result. */
static void harvest_fields(struct run *r, int line)
{
	struct ctx *c = r->c;
	for (int i = 0; i < c->err.nfields; i++) {
		const char *column = "";
		for (size_t k = 0; k < ARRAY_SIZE(field_cols); k++)
			if (!strcmp(field_cols[k].field, c->err.fields[i].field))
				column = roster_columns[field_cols[k].col];
		add_error(r, line, column, "%s", c->err.fields[i].message);
	}
	ctx_reset(c);
}

/* Orders errors by row, keeping the order found within a row (a stable insertion
 * sort: the errors come nearly in order already). */
static void sort_errors(struct roster_error *e, int n)
{
	for (int i = 1; i < n; i++) {
		struct roster_error x = e[i];
		int j = i;
		while (j > 0 && e[j - 1].row > x.row) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}
}

/* ---------------------------------------------------------------- cell values */

static const char *cell(const struct run *r, const struct table_row *row, enum col col)
{
	int i = r->colidx[col];
	if (i < 0 || (size_t)i >= row->ncells || !row->cells[i])
		return "";
	return row->cells[i];
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* Reads a run of 1..maxlen digits at *p. */
static bool take_digits(const char **p, int maxlen, int64_t *v)
{
	size_t n = 0;
	while ((*p)[n] >= '0' && (*p)[n] <= '9')
		n++;
	if (n == 0 || n > (size_t)maxlen)
		return false;
	*v = 0;   /* by hand: months and days come with leading zeros */
	for (size_t i = 0; i < n; i++)
		*v = *v * 10 + ((*p)[i] - '0');
	*p += n;
	return true;
}

static bool take_sep(const char **p, const char *const *seps)
{
	for (size_t i = 0; seps[i]; i++) {
		size_t n = strlen(seps[i]);
		if (!strncmp(*p, seps[i], n)) {
			*p += n;
			return true;
		}
	}
	return false;
}

/* A birth date as YYYY-MM-DD, from YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日,
 * YYYYMMDD or an Excel serial day number. */
static bool parse_date(const char *s, char out[11])
{
	size_t n = strlen(s);
	int64_t y, m, d;
	if (all_digits(s, n) && n == 8) {
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		m = (s[4] - '0') * 10 + (s[5] - '0');
		d = (s[6] - '0') * 10 + (s[7] - '0');
	} else if (all_digits(s, n) && n <= 7) {
		/* Excel: day 1 is 1900-01-01 and 60 the 1900-02-29 that never was, so from
		 * day 61 on the day number counts from 1899-12-30 */
		int64_t serial;
		if (num_parse_i64(s, 61, 2958465, &serial))
			return false;
		int yy, mm, dd;
		time_civil_from_days(serial - 25569, &yy, &mm, &dd);
		y = yy, m = mm, d = dd;
	} else {
		static const char *const seps1[] = {"-", "/", ".", "年", NULL};
		static const char *const seps2[] = {"-", "/", ".", "月", NULL};
		const char *p = s;
		if (!take_digits(&p, 4, &y) || p - s != 4 || !take_sep(&p, seps1) ||
		    !take_digits(&p, 2, &m) || !take_sep(&p, seps2) || !take_digits(&p, 2, &d))
			return false;
		if (!strcmp(p, "日"))
			p += strlen("日");
		if (*p)
			return false;
	}
	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", (int)y, (int)m, (int)d);
	if (!time_date_valid(tmp))
		return false;
	memcpy(out, tmp, 11);
	return true;
}

static int parse_party(const char *s)
{
	if (!s[0] || !strcmp(s, "群众"))
		return 0;
	if (!strcmp(s, "中共党员") || !strcmp(s, "党员"))
		return 1;
	if (!strcmp(s, "中共预备党员") || !strcmp(s, "预备党员"))
		return 2;
	return -1;
}

/* ---------------------------------------------------------------- pass 1: header */

/* The header is the first row, or the second when the first is a title alone
 * ("某某村村民花名册") above a row that names the columns, as printed rosters have. */
static int find_header(const struct table *t)
{
	if (t->nrows < 2)
		return 0;
	int filled = 0;
	for (size_t i = 0; i < t->rows[0].ncells; i++)
		filled += t->rows[0].cells[i] && t->rows[0].cells[i][0];
	for (size_t i = 0; filled == 1 && i < t->rows[1].ncells; i++)
		if (t->rows[1].cells[i] && !strcmp(t->rows[1].cells[i], "身份证号"))
			return 1;
	return 0;
}

static int map_header(struct run *r)
{
	r->hdr = find_header(&r->t);
	const struct table_row *h = &r->t.rows[r->hdr];
	r->header_line = h->line;
	for (int k = 0; k < NCOLS; k++)
		r->colidx[k] = -1;
	for (size_t i = 0; i < h->ncells; i++) {
		const char *name = h->cells[i] ? h->cells[i] : "";
		char bare[TABLE_MAX_CELL];
		str_copy(bare, sizeof(bare), name);
		/* "户号*" and "户号（必填）" as some templates mark required columns */
		size_t n = strlen(bare);
		if (n && bare[n - 1] == '*')
			bare[--n] = 0;
		char *paren = strstr(bare, "（必填）");
		if (paren && !paren[strlen("（必填）")])
			*paren = 0;
		if (!bare[0]) {
			/* an empty header over data is an error; over nothing it is harmless */
			bool used = false;
			for (size_t j = (size_t)r->hdr + 1; j < r->t.nrows && !used; j++)
				used = i < r->t.rows[j].ncells && r->t.rows[j].cells[i] && r->t.rows[j].cells[i][0];
			if (used)
				add_error(r, h->line, "", "第 %zu 列有数据但没有列名", i + 1);
			continue;
		}
		int k = 0;
		while (k < NCOLS && strcmp(roster_columns[k], bare))
			k++;
		if (k == NCOLS) {
			char shown[64];
			utf8_prefix(shown, sizeof(shown), bare, 20);
			add_error(r, h->line, shown, "不认识的列“%s”，请对照模板的列名", shown);
		} else if (r->colidx[k] >= 0) {
			add_error(r, h->line, roster_columns[k], "列“%s”出现了两次", roster_columns[k]);
		} else {
			r->colidx[k] = (int)i;
		}
	}
	for (int k = 0; k < NCOLS; k++)
		if (col_required[k] && r->colidx[k] < 0)
			add_error(r, h->line, roster_columns[k], "缺少必填的列“%s”", roster_columns[k]);
	return RC_OK;
}

/* ---------------------------------------------------------------- pass 2: rows */

static int load_divisions(struct run *r, struct divisions *d)
{
	struct db_stmt *st = db_query(r->c->db, "SELECT id, name FROM org_units WHERE parent_id = ? AND "
						"kind = ? ORDER BY code, id", "it", r->village.id, d->kind);
	if (!st)
		return ctx_db_fail(r->c, DB_ERROR, "读取村的划分");
	int rc, cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (d->n == cap) {
			cap = cap ? cap * 2 : 16;
			struct division *g = realloc(d->items, sizeof(*g) * (size_t)cap);
			if (!g) {
				db_finalize(st);
				return ctx_fail(r->c, RC_INTERNAL, "内存不足");
			}
			d->items = g;
		}
		d->items[d->n].id = db_col_int(st, 0);
		str_copy(d->items[d->n].name, sizeof(d->items[0].name), db_col_text(st, 1));
		d->n++;
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(r->c, rc, "读取村的划分");
}

static int64_t find_division(const struct divisions *d, const char *name)
{
	for (int i = 0; i < d->n; i++)
		if (!strcmp(d->items[i].name, name))
			return d->items[i].id;
	return 0;
}

static void unknown_division(struct run *r, const struct divisions *d, const char *name)
{
	struct buf b;
	buf_init(&b, 256);
	for (int i = 0; i < d->n; i++) {
		if (i)
			buf_adds(&b, "、");
		buf_adds(&b, d->items[i].name);
	}
	char shown[64], msg[512], fit[150];
	utf8_prefix(shown, sizeof(shown), name, 12);
	if (d->n)
		snprintf(msg, sizeof(msg), "本村没有%s“%s”（现有：%s）", d->label, shown, b.ptr ? b.ptr : "");
	else
		snprintf(msg, sizeof(msg), "本村还没有建立%s；请先建立，或删去这一列", d->label);
	/* field messages hold 160 bytes: cut at a character, never inside one */
	utf8_prefix(fit, sizeof(fit), msg, SIZE_MAX);
	ctx_field(r->c, d->field, "%s", fit);
	buf_release(&b);
}

/* Keeps the first non-empty value of a household field in the file and reports a row
 * that gives another. */
static void same_for_household(struct run *r, const struct table_row *tr, enum col col, const char *number,
			       const char **value, int *line)
{
	const char *v = cell(r, tr, col);
	if (!v[0])
		return;
	if (!*value) {
		*value = v;
		*line = tr->line;
	} else if (strcmp(*value, v)) {
		add_error(r, tr->line, roster_columns[col], "同一户（户号 %s）的%s与第 %d 行（%s）不同", number,
			  roster_columns[col], *line, *value);
	}
}

/* The household a row belongs to, created on first sight; checks that the household
 * fields agree with the household's earlier rows. */
static int row_household(struct run *r, const struct table_row *tr, const char *number)
{
	int idx = map_put(&r->hh_map, number, r->nhhs);
	if (idx < 0) {
		idx = r->nhhs++;
		struct hh *h = &r->hhs[idx];
		h->number = number;
		h->first_line = tr->line;
		h->head_row = -1;
	}
	struct hh *h = &r->hhs[idx];
	same_for_household(r, tr, C_GROUP, number, &h->group_name, &h->group_line);
	same_for_household(r, tr, C_GRID, number, &h->grid_name, &h->grid_line);
	same_for_household(r, tr, C_ADDRESS, number, &h->address, &h->address_line);
	same_for_household(r, tr, C_TAGS, number, &h->tags, &h->tags_line);
	return idx;
}

/* The next tag name of a 标签 cell ("独居老人、低保户" or with commas, semicolons or
 * spaces between), copied into name; false at the end. */
static bool next_tag(const char **p, char *name, size_t size)
{
	static const char *const seps[] = {"、", "，", ",", "；", ";", " ", "\t", NULL};
	for (;;) {
		bool skipped = false;
		for (int i = 0; seps[i]; i++) {
			size_t l = strlen(seps[i]);
			if (!strncmp(*p, seps[i], l)) {
				*p += l;
				skipped = true;
			}
		}
		if (!skipped)
			break;
	}
	if (!**p)
		return false;
	const char *start = *p;
	while (**p) {
		bool sep = false;
		for (int i = 0; seps[i] && !sep; i++)
			sep = !strncmp(*p, seps[i], strlen(seps[i]));
		if (sep)
			break;
		(*p)++;
	}
	size_t n = (size_t)(*p - start);
	if (n >= size)
		n = size - 1;
	memcpy(name, start, n);
	name[n] = 0;
	return true;
}

/* The county's active tag names (shipped ones and its own), loaded once. */
static int load_tag_names(struct run *r)
{
	if (r->tags_loaded)
		return RC_OK;
	r->tags_loaded = true;
	/* the county: the first id of the village's path "/1/4/17/" */
	int64_t county = 0;
	char head[24] = "";
	size_t k = 0;
	for (const char *p = r->village.path + 1; *p && *p != '/' && k + 1 < sizeof(head); p++)
		head[k++] = *p;
	head[k] = 0;
	if (num_parse_i64(head, 1, INT64_MAX, &county))
		county = 0;
	struct db_stmt *st = db_query(r->c->db, "SELECT name, person FROM tags WHERE active = 1 AND "
						"(county_id IS NULL OR county_id = ?) ORDER BY COALESCE(county_id, 0) DESC",
				      "i", county);
	int rc, cap = 0;
	while (st && (rc = db_step(st)) == DB_ROW) {
		if (r->ntag_names == cap) {
			cap = cap ? cap * 2 : 32;
			char **grown = realloc(r->tag_names, sizeof(*grown) * (size_t)cap);
			if (grown)
				r->tag_names = grown;
			bool *person = grown ? realloc(r->tag_person, sizeof(*person) * (size_t)cap) : NULL;
			if (!person)
				break;
			r->tag_person = person;
		}
		r->tag_person[r->ntag_names] = db_col_int(st, 1) != 0;
		r->tag_names[r->ntag_names++] = arena_strdup(r->c->arena, db_col_text(st, 0));
	}
	db_finalize(st);
	return st ? RC_OK : ctx_db_fail(r->c, DB_ERROR, "读取标签");
}

/* The names of a tags cell: every name a tag of the county; in the 个人标签 column a
 * tag about a person (the county's own of a name before a shipped one). */
static void check_tags(struct run *r, const struct table_row *tr, enum col col)
{
	const char *cellv = cell(r, tr, col);
	if (!cellv[0] || load_tag_names(r))
		return;
	char name[64];
	for (const char *p = cellv; next_tag(&p, name, sizeof(name));) {
		int found = -1;
		for (int i = 0; i < r->ntag_names && found < 0; i++)
			if (!strcmp(r->tag_names[i], name))
				found = i;
		if (found < 0)
			add_error(r, tr->line, roster_columns[col], "没有名为“%s”的标签", name);
		else if (col == C_PTAGS && !r->tag_person[found])
			add_error(r, tr->line, roster_columns[col], "“%s”是户的标签，不能填在“%s”列（请填在“%s”列）",
				  name, roster_columns[C_PTAGS], roster_columns[C_TAGS]);
	}
}

#define PTAGS_MAX 32

/* The names of a row's 个人标签 cell, at most PTAGS_MAX, in the context's arena. */
static int ptag_names(struct run *r, const struct rrow *row, const char **names)
{
	int n = 0;
	char name[64];
	for (const char *p = row->ptags ? row->ptags : ""; n < PTAGS_MAX && next_tag(&p, name, sizeof(name));)
		if (!(names[n++] = arena_strdup(r->c->arena, name)))
			return -1;
	return n;
}

static void check_row(struct run *r, const struct table_row *tr, struct rrow *row)
{
	struct ctx *c = r->c;
	row->line = tr->line;
	row->hh = -1;
	const char *number = cell(r, tr, C_NUMBER);
	const char *group = cell(r, tr, C_GROUP), *address = cell(r, tr, C_ADDRESS);
	struct household_input hin = {.number = number, .address = address};
	people_check_household(c, &hin);
	if (group[0] && !find_division(&r->groups, group))
		unknown_division(r, &r->groups, group);
	const char *grid = cell(r, tr, C_GRID);
	if (grid[0] && !find_division(&r->grids, grid))
		unknown_division(r, &r->grids, grid);

	row->name = cell(r, tr, C_NAME);
	row->relation = cell(r, tr, C_RELATION);
	row->phone = cell(r, tr, C_PHONE);
	const char *gender_s = cell(r, tr, C_GENDER), *birth_s = cell(r, tr, C_BIRTH);
	const char *idcard_s = cell(r, tr, C_IDCARD), *party_s = cell(r, tr, C_PARTY);
	int gender = 0;
	if (!strcmp(gender_s, "男"))
		gender = 1;
	else if (!strcmp(gender_s, "女"))
		gender = 2;
	else if (gender_s[0])
		ctx_field(c, "gender", "性别应为“男”或“女”");
	char birth[11] = "";
	if (birth_s[0] && !parse_date(birth_s, birth))
		ctx_field(c, "birth_date", "出生日期应写成 1980-05-01 或 1980/5/1 的样子");
	if (!row->relation[0])
		ctx_field(c, "relation", "与户主关系不能为空");
	row->party = parse_party(party_s);
	if (row->party < 0) {
		ctx_field(c, "party_member", "政治面貌应为群众、中共党员或中共预备党员（空白视为群众）");
		row->party = 0;
	}
	/* an 18-digit number kept by Excel as a number has only 15 digits left: the
	 * rest became zeros, or the cell shows an exponent */
	size_t idlen = strlen(idcard_s);
	if (strchr(idcard_s, 'E') || strchr(idcard_s, '.') ||
	    (idlen == IDCARD_LEN && all_digits(idcard_s, idlen) && !strcmp(idcard_s + 15, "000") &&
	     !idcard_valid(idcard_s)))
		ctx_field(c, "idcard", "身份证号可能被 Excel 存成了数字，后几位已丢失；请把这一列设为文本后重新填写");
	struct resident_input rin = {
		.name = row->name,
		.gender = gender,
		.birth_date = birth[0] ? birth : NULL,
		.idcard = idcard_s,
		.phone = row->phone,
		.relation = row->relation,
		.party_member = row->party,
	};
	people_check_resident(c, &rin, row->idcard);
	for (size_t i = 0; row->idcard[0] && i < ARRAY_SIZE(example_ids); i++)
		if (!strncmp(row->idcard, example_ids[i], 17))
			ctx_field(c, "idcard", "这是模板里的示例行，请删除");
	harvest_fields(r, tr->line);
	check_tags(r, tr, C_TAGS);
	check_tags(r, tr, C_PTAGS);
	row->ptags = cell(r, tr, C_PTAGS);

	/* across rows */
	if (row->idcard[0]) {
		int first = map_put(&r->id_map, row->idcard, (int)(row - r->rows));
		if (first >= 0)
			add_error(r, tr->line, roster_columns[C_IDCARD], "与第 %d 行的身份证号重复",
				  r->rows[first].line);
	}
	if (number[0]) {
		row->hh = row_household(r, tr, number);
		struct hh *h = &r->hhs[row->hh];
		if (!strcmp(row->relation, HEAD)) {
			if (h->nheads++ == 0)
				h->head_row = (int)(row - r->rows);
			else
				add_error(r, tr->line, roster_columns[C_RELATION],
					  "户号 %s 已有户主（第 %d 行），一户只能有一位户主", number,
					  r->rows[h->head_row].line);
		}
	}
	if (row->idcard[0])
		crypto_keyed_hash_hex(c->keys->lookup, row->idcard, row->hash);
}

/* ---------------------------------------------------------------- pass 3: lookups */

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static bool was_matched(const struct run *r, int64_t id)
{
	return bsearch(&id, r->matched, (size_t)r->nmatched, sizeof(int64_t), cmp_id) != NULL;
}

static char *keep_text(struct run *r, const char *s)
{
	char *p = arena_strdup(r->c->arena, s);
	return p ? p : (char *)"";
}

/* Lookups go by chunks of keys in one IN (…) list, so a roster of thousands of rows
 * costs a few hundred queries, not tens of thousands (round trips matter on
 * PostgreSQL). A statement takes at most 64 parameters (db_impl.h). Unused places in
 * the last chunk are bound to NULL, which matches nothing. */
#define LOOKUP_CHUNK 60

struct keyset {
	int n;
	const char **text;   /* text keys, or */
	int64_t *ints;       /* integer keys */
};

static struct db_stmt *prepare_in(struct run *r, const char *before, const char *after)
{
	struct buf b;
	buf_init(&b, 64 * 1024);
	buf_adds(&b, before);
	buf_adds(&b, " IN (");
	for (int i = 0; i < LOOKUP_CHUNK; i++)
		buf_adds(&b, i ? ", ?" : "?");
	buf_adds(&b, ")");
	buf_adds(&b, after);
	struct db_stmt *st = b.failed ? NULL : db_prepare(r->c->db, b.ptr);
	buf_release(&b);
	return st;
}

/* Runs st for every chunk of keys (after fixed, when not 0) and calls each on every
 * row that comes back. */
static int run_chunks(struct run *r, struct db_stmt *st, int64_t fixed, const struct keyset *k,
		      int (*each)(struct run *, struct db_stmt *), const char *what)
{
	for (int off = 0; off < k->n; off += LOOKUP_CHUNK) {
		db_reset(st);
		int idx = 1;
		if (fixed)
			db_bind_int(st, idx++, fixed);
		for (int j = 0; j < LOOKUP_CHUNK; j++, idx++) {
			int i = off + j;
			if (i >= k->n)
				db_bind_null(st, idx);
			else if (k->text)
				db_bind_text(st, idx, k->text[i]);
			else
				db_bind_int(st, idx, k->ints[i]);
		}
		int dbrc, rc;
		while ((dbrc = db_step(st)) == DB_ROW)
			if ((rc = each(r, st)) != RC_OK)
				return rc;
		if (dbrc != DB_DONE)
			return ctx_db_fail(r->c, dbrc, what);
	}
	return RC_OK;
}

static int map_get(const struct strmap *m, const char *key)
{
	size_t i = (size_t)str_hash(key) & (m->cap - 1);
	while (m->keys[i]) {
		if (!strcmp(m->keys[i], key))
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

static int found_household(struct run *r, struct db_stmt *st)
{
	int i = map_get(&r->hh_map, db_col_text(st, 0));
	if (i < 0)
		return RC_OK;
	struct hh *h = &r->hhs[i];
	h->exists = true;
	h->id = db_col_int(st, 1);
	h->old.group_id = db_col_int(st, 2);
	h->old.number = h->number;
	h->old.address = keep_text(r, db_col_text(st, 3));
	h->old.has_coords = db_col_int(st, 4) != 0;
	h->old.lat_e6 = db_col_int(st, 5);
	h->old.lng_e6 = db_col_int(st, 6);
	h->old.grid_id = db_col_int(st, 7);
	return RC_OK;
}

static int found_resident(struct run *r, struct db_stmt *st)
{
	int i = map_get(&r->hash_map, db_col_text(st, 0));
	if (i < 0)
		return RC_OK;
	struct rrow *row = &r->rows[i];
	if (db_col_int(st, 3) != r->village.id) {
		row->action = A_NONE;
		add_error(r, row->line, roster_columns[C_IDCARD],
			  "此人已登记在%s，不能在两个村登记；请先在原村迁出", db_col_text(st, 4));
		return RC_OK;
	}
	row->id = db_col_int(st, 1);
	r->matched[r->nmatched++] = row->id;
	row->old.household_id = db_col_int(st, 2);
	row->old.name = keep_text(r, db_col_text(st, 5));
	row->old.gender = (int)db_col_int(st, 6);
	row->old.birth_date = keep_text(r, db_col_text(st, 7));
	row->old.phone = keep_text(r, db_col_text(st, 8));
	row->old.relation = keep_text(r, db_col_text(st, 9));
	row->old.party_member = (int)db_col_int(st, 10);
	str_copy(row->mask, sizeof(row->mask), db_col_text(st, 11));
	row->action = A_UPDATE;   /* or unchanged: decided by plan() */
	return RC_OK;
}

static int cmp_id_index(const void *a, const void *b)
{
	const struct id_index *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int found_head(struct run *r, struct db_stmt *st)
{
	struct id_index key = {.id = db_col_int(st, 0)};
	const struct id_index *e = bsearch(&key, r->hh_ids, (size_t)r->nhh_ids, sizeof(key), cmp_id_index);
	if (!e || was_matched(r, db_col_int(st, 1)))
		return RC_OK;   /* a head in this file: the file says what they are */
	struct hh *h = &r->hhs[e->idx];
	if (h->staying++ == 0)
		h->staying_name = keep_text(r, db_col_text(st, 2));
	return RC_OK;
}

static int lookup(struct run *r)
{
	struct ctx *c = r->c;
	int rc = RC_OK;
	struct keyset k = {0};
	struct db_stmt *hst = prepare_in(r, "SELECT number, id, COALESCE(group_id, 0), address, "
					    "lat_e6 IS NOT NULL, COALESCE(lat_e6, 0), COALESCE(lng_e6, 0), "
					    "COALESCE(grid_id, 0) "
					    "FROM households WHERE village_id = ? AND number", "");
	struct db_stmt *rst = prepare_in(r, "SELECT r.idcard_hash, r.id, r.household_id, h.village_id, v.name, "
					    "r.name, r.gender, r.birth_date, COALESCE(r.phone, ''), r.relation, "
					    "r.party_member, r.idcard_mask FROM residents r "
					    "JOIN households h ON h.id = r.household_id "
					    "JOIN org_units v ON v.id = h.village_id WHERE r.idcard_hash", "");
	struct db_stmt *head = prepare_in(r, "SELECT household_id, id, name FROM residents "
					     "WHERE relation = '" HEAD "' AND household_id",
					  " ORDER BY household_id, id");
	k.text = calloc((size_t)r->nrows + 1, sizeof(*k.text));
	r->matched = calloc((size_t)r->nrows + 1, sizeof(*r->matched));
	r->hh_ids = calloc((size_t)r->nhhs + 1, sizeof(*r->hh_ids));
	if (!hst || !rst || !head) {
		rc = ctx_db_fail(c, DB_ERROR, "查找已登记的户籍");
		goto cleanup;
	}
	if (!k.text || !r->matched || !r->hh_ids || map_init(&r->hash_map, (size_t)r->nrows)) {
		rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		goto cleanup;
	}

	/* households by number */
	for (int i = 0; i < r->nhhs; i++) {
		struct hh *h = &r->hhs[i];
		if (h->group_name)
			h->group_id = find_division(&r->groups, h->group_name);
		if (h->grid_name)
			h->grid_id = find_division(&r->grids, h->grid_name);
		k.text[i] = h->number;
	}
	k.n = r->nhhs;
	if ((rc = run_chunks(r, hst, r->village.id, &k, found_household, "查找已登记的户")))
		goto cleanup;

	/* residents by the lookup hash of their ID number, anywhere */
	k.n = 0;
	for (int i = 0; i < r->nrows; i++) {
		struct rrow *row = &r->rows[i];
		if (!row->idcard[0] || map_put(&r->hash_map, row->hash, i) >= 0)
			continue;   /* no number, or the same number again (already an error) */
		row->action = A_CREATE;
		k.text[k.n++] = row->hash;
	}
	if ((rc = run_chunks(r, rst, 0, &k, found_resident, "查找已登记的村民")))
		goto cleanup;
	qsort(r->matched, (size_t)r->nmatched, sizeof(int64_t), cmp_id);

	/* the heads already registered in these households */
	int64_t *ids = calloc((size_t)r->nhhs + 1, sizeof(*ids));
	if (!ids) {
		rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		goto cleanup;
	}
	for (int i = 0; i < r->nhhs; i++)
		if (r->hhs[i].exists) {
			ids[r->nhh_ids] = r->hhs[i].id;
			r->hh_ids[r->nhh_ids].id = r->hhs[i].id;
			r->hh_ids[r->nhh_ids++].idx = i;
		}
	qsort(r->hh_ids, (size_t)r->nhh_ids, sizeof(*r->hh_ids), cmp_id_index);
	struct keyset hk = {.n = r->nhh_ids, .ints = ids};
	rc = run_chunks(r, head, 0, &hk, found_head, "查找户主");
	free(ids);
	if (rc)
		goto cleanup;

	/* one head per household, counting the heads already registered who stay */
	for (int i = 0; i < r->nhhs; i++) {
		struct hh *h = &r->hhs[i];
		if (h->nheads == 0 && h->staying == 0)
			add_error(r, h->first_line, roster_columns[C_RELATION],
				  "户号 %s 没有户主：请在该户的一行填写“户主”", h->number);
		else if (h->nheads > 0 && h->staying > 0)
			add_error(r, r->rows[h->head_row].line, roster_columns[C_RELATION],
				  "户号 %s 在系统中已有户主“%s”（不在本文件中），一户只能有一位户主", h->number,
				  h->staying_name);
	}
cleanup:
	free(k.text);
	db_finalize(hst);
	db_finalize(rst);
	db_finalize(head);
	return rc;
}

/* The tags a dry run would give: as write_all gives them, each named tag a household
 * does not carry yet (a new one carries none), a name repeated in the cell once. */
static int plan_tags(struct run *r)
{
	int rc = RC_OK;
	for (int i = 0; i < r->nhhs && rc == RC_OK; i++) {
		const struct hh *h = &r->hhs[i];
		int64_t seen[32];
		int nseen = 0;
		char name[64];
		for (const char *p = h->tags ? h->tags : ""; rc == RC_OK && next_tag(&p, name, sizeof(name));) {
			int64_t tag_id;
			bool would;
			if ((rc = grid_tag_would_grant(r->c, r->village.path, h->exists ? h->id : 0, name, &tag_id, &would)))
				break;
			bool again = false;
			for (int k = 0; k < nseen && !again; k++)
				again = seen[k] == tag_id;
			if (again)
				continue;
			if (nseen < (int)ARRAY_SIZE(seen))
				seen[nseen++] = tag_id;
			if (would)
				r->out->tags_set++;
		}
	}
	/* and the tags about a person each resident row names, as write_all gives them */
	for (int i = 0; i < r->nrows && rc == RC_OK; i++) {
		const struct rrow *row = &r->rows[i];
		const char *names[PTAGS_MAX];
		int n = ptag_names(r, row, names), would = 0;
		if (n < 0)
			return ctx_fail(r->c, RC_INTERNAL, "内存不足");
		rc = grid_resident_tags_would_add(r->c, r->village.path, row->action == A_CREATE ? 0 : row->id, names, n,
						  &would);
		r->out->resident_tags_set += would;
	}
	return rc;
}

/* What each household and resident row will do; fills the counts. */
static void plan(struct run *r)
{
	struct roster_result *out = r->out;
	for (int i = 0; i < r->nhhs; i++) {
		struct hh *h = &r->hhs[i];
		if (!h->exists) {
			h->write = true;
			out->households_created++;
			continue;
		}
		/* blank household fields keep what is registered */
		bool same = (!h->group_name || h->group_id == h->old.group_id) &&
			    (!h->grid_name || h->grid_id == h->old.grid_id) &&
			    (!h->address || !strcmp(h->address, h->old.address));
		h->write = !same;
		if (!same)
			out->households_updated++;
	}
	for (int i = 0; i < r->nrows; i++) {
		struct rrow *row = &r->rows[i];
		if (row->action == A_CREATE) {
			out->residents_created++;
		} else if (row->action == A_UPDATE) {
			const struct hh *h = &r->hhs[row->hh];
			const struct resident_input *o = &row->old;
			bool same = h->exists && h->id == o->household_id && !strcmp(row->name, o->name) &&
				    !strcmp(row->relation, o->relation) &&
				    (r->colidx[C_PARTY] < 0 || row->party == o->party_member) &&
				    (!row->phone[0] || !strcmp(row->phone, o->phone));
			row->action = same ? A_UNCHANGED : A_UPDATE;
			if (same)
				out->unchanged++;
			else
				out->residents_updated++;
		}
	}
}

/* ---------------------------------------------------------------- pass 4: writes */

static int write_all(struct run *r)
{
	struct ctx *c = r->c;
	int rc = RC_OK;
	bool changed;
	for (int i = 0; i < r->nhhs && rc == RC_OK; i++) {
		struct hh *h = &r->hhs[i];
		if (!h->write)
			continue;
		if (!h->exists) {
			struct household_input in = {.village_id = r->village.id, .group_id = h->group_id,
						     .grid_id = h->grid_id, .number = h->number,
						     .address = h->address ? h->address : ""};
			rc = people_insert_household(c, r->village.id, &in, &h->id);
		} else {
			struct household_input in = h->old;
			if (h->group_name)
				in.group_id = h->group_id;
			if (h->grid_name)
				in.grid_id = h->grid_id;
			if (h->address)
				in.address = h->address;
			rc = people_apply_household(c, r->village.id, h->id, &h->old, &in, &changed);
		}
	}
	/* the tags named in the file are given (those a household has already are kept),
	 * audited as a change of the household's tags when any was added */
	for (int i = 0; i < r->nhhs && rc == RC_OK; i++) {
		struct hh *h = &r->hhs[i];
		char name[64];
		bool added;
		int nadded = 0;
		struct buf before, after;
		audit_snap_begin(&before);
		audit_snap_begin(&after);
		for (const char *p = h->tags ? h->tags : ""; rc == RC_OK && next_tag(&p, name, sizeof(name));)
			if ((rc = grid_tag_grant(c, h->id, name, &added)) == RC_OK && added) {
				r->out->tags_set++;
				nadded++;
				audit_snap_int(&after, name, 1);
			}
		audit_snap_end(&before);
		audit_snap_end(&after);
		if (rc == RC_OK && nadded)
			rc = audit_record(c, r->village.id, "household_tags", h->id, "update", before.ptr, after.ptr);
		buf_release(&before);
		buf_release(&after);
	}
	for (int i = 0; i < r->nrows && rc == RC_OK; i++) {
		struct rrow *row = &r->rows[i];
		if (row->action != A_CREATE && row->action != A_UPDATE)
			continue;
		struct resident_input in = {
			.household_id = r->hhs[row->hh].id,
			.name = row->name,
			.idcard = row->idcard,
			.phone = row->phone,
			.relation = row->relation,
			.party_member = row->party,
		};
		if (row->action == A_CREATE) {
			rc = people_insert_resident(c, r->village.id, &in, row->idcard, &row->id);
		} else {
			if (!row->phone[0])
				in.phone = row->old.phone;
			if (r->colidx[C_PARTY] < 0)
				in.party_member = row->old.party_member;
			rc = people_apply_resident(c, r->village.id, row->id, &row->old, row->mask, &in,
						   &changed);
		}
	}
	/* the 个人标签 named in the file are given to each resident (kept ones stay) */
	for (int i = 0; i < r->nrows && rc == RC_OK; i++) {
		const struct rrow *row = &r->rows[i];
		const char *names[PTAGS_MAX];
		int n = ptag_names(r, row, names), added = 0;
		if (n < 0)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		if (n && (rc = grid_resident_tags_add(c, r->village.path, r->village.id, r->hhs[row->hh].id, row->id, names, n,
						      &added)) == RC_OK)
			r->out->resident_tags_set += added;
	}
	return rc;
}

/* ---------------------------------------------------------------- the import */

static void run_release(struct run *r)
{
	if (r->table_read)
		table_release(&r->t);
	free(r->rows);
	free(r->hhs);
	free(r->matched);
	free(r->groups.items);
	free(r->grids.items);
	map_release(&r->hh_map);
	map_release(&r->id_map);
	map_release(&r->hash_map);
	free(r->hh_ids);
	free(r->tag_names);
	free(r->tag_person);
}

static int fail_rows(struct run *r)
{
	struct roster_result *out = r->out;
	sort_errors(out->errors, out->nerrors);
	out->households_created = out->households_updated = 0;
	out->residents_created = out->residents_updated = out->unchanged = out->tags_set = 0;
	out->resident_tags_set = 0;
	ctx_reset(r->c);
	return ctx_fail(r->c, RC_INVALID, "导入文件有 %d 处错误，未导入任何数据", out->errors_total);
}

static int roster_run(struct ctx *c, int64_t village_id, const char *data, size_t len, bool dry_run,
		      struct roster_result *out)
{
	struct run r = {
		.c = c,
		.out = out,
		.groups = {.kind = "group", .label = "村民小组", .field = "group_id"},
		.grids = {.kind = "grid", .label = "网格", .field = "grid_id"},
	};
	memset(out, 0, sizeof(*out));
	out->errors = arena_alloc(c->arena, sizeof(*out->errors) * ROSTER_MAX_ERRORS);
	if (!out->errors)
		return ctx_fail(c, RC_INTERNAL, "内存不足");

	int rc = org_find(c, village_id, &r.village);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(r.village.kind, "village"))) {
		ctx_reset(c);
		return ctx_field(c, "village_id", "村不存在");
	}
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_WRITE, r.village.path))
		return ctx_fail(c, access_refusal(c, r.village.path), "无权修改%s的户籍", r.village.name);

	char terr[256];
	if (table_read(data, len, &r.t, terr, sizeof(terr))) {
		ctx_field(c, "file", "%s", terr);
		return ctx_fail(c, RC_INVALID, "%s", terr);
	}
	r.table_read = true;
	if (r.t.nrows == 0) {
		ctx_field(c, "file", "文件是空的");
		rc = ctx_fail(c, RC_INVALID, "文件是空的：第一行应为列名，从第二行起每行一位村民");
		goto done;
	}
	if ((rc = map_header(&r)) != RC_OK || (rc = load_divisions(&r, &r.groups)) != RC_OK ||
	    (rc = load_divisions(&r, &r.grids)) != RC_OK)
		goto done;
	r.nrows = (int)(r.t.nrows - (size_t)r.hdr - 1);
	out->rows = r.nrows;
	if (out->errors_total)
		goto finish;
	if (r.nrows == 0) {
		add_error(&r, r.header_line, "", "文件中只有列名，没有村民");
		goto finish;
	}
	r.rows = calloc((size_t)r.nrows, sizeof(*r.rows));
	r.hhs = calloc((size_t)r.nrows, sizeof(*r.hhs));
	if (!r.rows || !r.hhs || map_init(&r.hh_map, (size_t)r.nrows) ||
	    map_init(&r.id_map, (size_t)r.nrows)) {
		rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		goto done;
	}
	ctx_reset(c);
	for (int i = 0; i < r.nrows; i++)
		check_row(&r, &r.t.rows[r.hdr + 1 + i], &r.rows[i]);

	/* the lookups and the writes share one transaction; a dry run, or a file that
	 * already failed, only looks */
	bool tx = !dry_run && out->errors_total == 0;
	if (tx && (rc = ctx_begin(c)) != RC_OK)
		goto done;
	rc = lookup(&r);
	if (rc == RC_OK && out->errors_total == 0) {
		plan(&r);
		if (tx)
			rc = write_all(&r);
		else
			rc = plan_tags(&r);
	}
	if (tx)
		rc = ctx_end(c, rc != RC_OK ? rc : out->errors_total ? RC_INVALID : RC_OK);
	if (rc != RC_OK && rc != RC_INVALID)
		goto done;
finish:
	if (out->errors_total)
		rc = fail_rows(&r);
done:
	if (rc != RC_OK) {
		out->households_created = out->households_updated = 0;
		out->residents_created = out->residents_updated = out->unchanged = out->tags_set = 0;
	out->resident_tags_set = 0;
	}
	run_release(&r);
	return rc;
}

enum result roster_import(struct ctx *c, int64_t village_id, const char *data, size_t len,
		  struct roster_result *out)
{
	return roster_run(c, village_id, data, len, false, out);
}

enum result roster_check(struct ctx *c, int64_t village_id, const char *data, size_t len,
		 struct roster_result *out)
{
	return roster_run(c, village_id, data, len, true, out);
}

/* ---------------------------------------------------------------- the template */

static const char *const column_help[NCOLS][2] = {
	[C_NUMBER] = {"必填", "本村的户号，同一户的每一行填同一个户号；已登记的户按户号对应，再次导入不会重复建户"},
	[C_GROUP] = {"选填", "所在村民小组的名称，须是本村已建立的小组（如“第一组”）；同一户只填一行也可以，留空则不修改已登记的小组"},
	[C_GRID] = {"选填", "所在网格的名称，须是本村已划分的网格（如“东片网格”）；同一户只填一行也可以，留空则不修改已登记的网格"},
	[C_ADDRESS] = {"选填", "家庭住址，最多 100 个字；同一户只填一行也可以，留空则不修改已登记的住址"},
	[C_NAME] = {"必填", "村民姓名，最多 20 个字，可含间隔号（·）"},
	[C_GENDER] = {"选填", "男 或 女；填写时须与身份证号一致"},
	[C_BIRTH] = {"选填", "如 1980-05-01 或 1980/5/1；填写时须与身份证号一致"},
	[C_IDCARD] = {"必填", "18 位居民身份证号，末位可为 X；请把这一列设为文本格式，以免 Excel 把号码改成科学计数法。"
			     "已登记的村民按身份证号对应，再次导入只更新有变化的内容"},
	[C_RELATION] = {"必填", "户主、配偶、子、女、儿媳、女婿、孙子、孙女、父亲、母亲、兄弟姐妹、其他；每户有且只有一位户主"},
	[C_PHONE] = {"选填", "11 位手机号，或“区号-号码”的座机；留空则不修改已登记的电话"},
	[C_PARTY] = {"选填", "群众、中共党员 或 中共预备党员；留空视为群众"},
	[C_TAGS] = {"选填", "户的标签名称，多个用顿号（、）或逗号隔开，如“党员户、独居老人”；须是县里设定的标签，导入时加上，已有的标签不会去掉；同一户只填一行也可以"},
	[C_PTAGS] = {"选填", "这一位村民本人的标签（关于人的标签，如“独居老人、残疾人户、退役军人”），多个用顿号（、）或逗号隔开；"
			     "须是县里设定的关于人的标签，户的标签（如“党员户”）请填在“标签”列；导入时加上，已有的不会去掉"},
};

/* The two example rows: one household, head and spouse. */
struct example {
	const char *cells[NCOLS];
};

static void example_rows(struct example ex[2], char ids[2][IDCARD_LEN + 1])
{
	for (int i = 0; i < 2; i++) {
		memcpy(ids[i], example_ids[i], 17);
		ids[i][17] = idcard_check_char(ids[i]);
		ids[i][18] = 0;
	}
	static const char *const head[NCOLS] = {"001", "第一组", "", "第一组 12 号", "张建国", "男", "1965-03-12",
						NULL, "户主", "13800138000", "中共党员", "党员户、空巢老人", "退役军人"};
	static const char *const spouse[NCOLS] = {"001", "第一组", "", "第一组 12 号", "李秀英", "女", "1967-08-21",
						  NULL, "配偶", "", "群众", "", ""};
	for (int k = 0; k < NCOLS; k++) {
		ex[0].cells[k] = k == C_IDCARD ? ids[0] : head[k];
		ex[1].cells[k] = k == C_IDCARD ? ids[1] : spouse[k];
	}
}

static int template_csv(struct ctx *c, char **data, size_t *len)
{
	struct example ex[2];
	char ids[2][IDCARD_LEN + 1];
	example_rows(ex, ids);
	struct buf b;
	buf_init(&b, 64 * 1024);
	buf_adds(&b, "\xEF\xBB\xBF");
	for (int k = 0; k < NCOLS; k++)
		buf_addf(&b, "%s%s", k ? "," : "", roster_columns[k]);
	buf_adds(&b, "\r\n");
	for (int i = 0; i < 2; i++) {
		for (int k = 0; k < NCOLS; k++)
			buf_addf(&b, "%s%s", k ? "," : "", ex[i].cells[k]);
		buf_adds(&b, "\r\n");
	}
	if (b.failed) {
		buf_release(&b);
		return ctx_fail(c, RC_INTERNAL, "生成模板失败");
	}
	*data = buf_detach(&b, len);
	return RC_OK;
}

static int read_file(const char *path, char **data, size_t *len)
{
	struct buf b;
	buf_init(&b, 16u << 20);
	if (buf_add_file(&b, path)) {
		buf_release(&b);
		return -1;
	}
	*data = buf_detach(&b, len);
	return 0;
}

static void fill_workbook(lxw_workbook *wb)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "村民花名册");
	lxw_worksheet *help = workbook_add_worksheet(wb, "填写说明");
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_border(head, LXW_BORDER_THIN);
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	lxw_format *wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

	static const double widths[NCOLS] = {8, 10, 22, 10, 6, 12, 22, 12, 14, 14};
	for (int k = 0; k < NCOLS; k++) {
		/* text columns, so numbers keep their leading zeros and all 18 digits */
		bool as_text = k == C_NUMBER || k == C_BIRTH || k == C_IDCARD || k == C_PHONE;
		worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, widths[k], as_text ? text : NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)k, roster_columns[k], head);
	}
	struct example ex[2];
	char ids[2][IDCARD_LEN + 1];
	example_rows(ex, ids);
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < NCOLS; k++)
			if (ex[i].cells[k][0])
				worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)k, ex[i].cells[k], text);
	worksheet_freeze_panes(ws, 1, 0);

	/* drop-down lists where the values are fixed */
	static const char *genders[] = {"男", "女", NULL};
	static const char *parties[] = {"群众", "中共党员", "中共预备党员", NULL};
	const char *relations[16];
	int nrel = 0;
	while (people_relations[nrel] && nrel < 15) {
		relations[nrel] = people_relations[nrel];
		nrel++;
	}
	relations[nrel] = NULL;
	struct {
		enum col col;
		const char **list;
	} lists[] = {{C_GENDER, genders}, {C_RELATION, relations}, {C_PARTY, parties}};
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		lxw_data_validation dv = {.validate = LXW_VALIDATION_TYPE_LIST,
					  .value_list = (char **)lists[i].list,
					  .error_title = "请从列表中选择",
					  .error_message = "请从下拉列表中选择一项"};
		worksheet_data_validation_range(ws, 1, (lxw_col_t)lists[i].col, 20000,
						(lxw_col_t)lists[i].col, &dv);
	}

	worksheet_set_column(help, 0, 0, 14, NULL);
	worksheet_set_column(help, 1, 1, 10, NULL);
	worksheet_set_column(help, 2, 2, 80, wrap);
	worksheet_write_string(help, 0, 0, "列名", head);
	worksheet_write_string(help, 0, 1, "是否必填", head);
	worksheet_write_string(help, 0, 2, "说明", head);
	for (int k = 0; k < NCOLS; k++) {
		worksheet_write_string(help, (lxw_row_t)(k + 1), 0, roster_columns[k], NULL);
		worksheet_write_string(help, (lxw_row_t)(k + 1), 1, column_help[k][0], NULL);
		worksheet_write_string(help, (lxw_row_t)(k + 1), 2, column_help[k][1], wrap);
	}
	static const char *const notes[] = {
		"第一行是列名，不要修改；列的顺序可以调整，选填的列可以删去（删去的列不修改已登记的内容）。",
		"从第二行起每行一位村民，同一户的成员填同一个户号。第二、三行是示例，请删除后再填写。",
		"导入前会逐行检查，有任何错误都不会导入，并列出每处错误所在的行和列；改正后重新导入即可。",
		"同一份文件可以重复导入：已登记的户和村民不会重复，只更新有变化的内容。",
		"已在其他村登记的村民不能导入，须先在原村办理迁出。",
	};
	int row = NCOLS + 2;
	worksheet_write_string(help, (lxw_row_t)row++, 0, "注意事项", head);
	for (size_t i = 0; i < ARRAY_SIZE(notes); i++)
		worksheet_write_string(help, (lxw_row_t)row++, 2, notes[i], wrap);
	worksheet_activate(ws);
}

static int template_xlsx(struct ctx *c, char **data, size_t *len)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/cunzhi-template-XXXXXX", dir && dir[0] ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return ctx_fail(c, RC_INTERNAL, "生成模板失败：无法建立临时文件");
	close(fd);
	int rc = RC_OK;
	lxw_workbook *wb = workbook_new(path);
	if (!wb) {
		rc = ctx_fail(c, RC_INTERNAL, "生成模板失败");
		goto cleanup;
	}
	fill_workbook(wb);
	if (workbook_close(wb) != LXW_NO_ERROR || read_file(path, data, len))
		rc = ctx_fail(c, RC_INTERNAL, "生成模板失败");
cleanup:
	unlink(path);
	return rc;
}

enum result roster_template(struct ctx *c, const char *format, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (!format || !strcmp(format, "xlsx"))
		return template_xlsx(c, data, len);
	if (!strcmp(format, "csv"))
		return template_csv(c, data, len);
	return ctx_field(c, "format", "格式应为 xlsx 或 csv");
}
