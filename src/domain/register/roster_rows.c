/* The roster import's first two passes: the table read and its header mapped to the
 * columns, then every row checked on its own and across rows (no database writes). */
#include "domain/register/roster_internal.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/utf8.h"

static const bool col_required[NCOLS] = {[C_NUMBER] = true, [C_NAME] = true, [C_IDCARD] = true,
					 [C_RELATION] = true};

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

int ros_map_header(struct run *r)
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
				ros_add_error(r, h->line, "", "第 %zu 列有数据但没有列名", i + 1);
			continue;
		}
		int k = 0;
		while (k < NCOLS && strcmp(roster_columns[k], bare))
			k++;
		if (k == NCOLS) {
			char shown[64];
			utf8_prefix(shown, sizeof(shown), bare, 20);
			ros_add_error(r, h->line, shown, "不认识的列“%s”，请对照模板的列名", shown);
		} else if (r->colidx[k] >= 0) {
			ros_add_error(r, h->line, roster_columns[k], "列“%s”出现了两次", roster_columns[k]);
		} else {
			r->colidx[k] = (int)i;
		}
	}
	for (int k = 0; k < NCOLS; k++)
		if (col_required[k] && r->colidx[k] < 0)
			ros_add_error(r, h->line, roster_columns[k], "缺少必填的列“%s”", roster_columns[k]);
	return RC_OK;
}

/* ---------------------------------------------------------------- pass 2: rows */

int ros_load_divisions(struct run *r, struct divisions *d)
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

int64_t ros_find_division(const struct divisions *d, const char *name)
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
	const char *v = ros_cell(r, tr, col);
	if (!v[0])
		return;
	if (!*value) {
		*value = v;
		*line = tr->line;
	} else if (strcmp(*value, v)) {
		ros_add_error(r, tr->line, roster_columns[col], "同一户（户号 %s）的%s与第 %d 行（%s）不同", number,
			      roster_columns[col], *line, *value);
	}
}

/* The household a row belongs to, created on first sight; checks that the household
 * fields agree with the household's earlier rows. */
static int row_household(struct run *r, const struct table_row *tr, const char *number)
{
	int idx = ros_map_put(&r->hh_map, number, r->nhhs);
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
bool ros_next_tag(const char **p, char *name, size_t size)
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
	const char *cellv = ros_cell(r, tr, col);
	if (!cellv[0] || load_tag_names(r))
		return;
	char name[64];
	for (const char *p = cellv; ros_next_tag(&p, name, sizeof(name));) {
		int found = -1;
		for (int i = 0; i < r->ntag_names && found < 0; i++)
			if (!strcmp(r->tag_names[i], name))
				found = i;
		if (found < 0)
			ros_add_error(r, tr->line, roster_columns[col], "没有名为“%s”的标签", name);
		else if (col == C_PTAGS && !r->tag_person[found])
			ros_add_error(r, tr->line, roster_columns[col], "“%s”是户的标签，不能填在“%s”列（请填在“%s”列）",
				      name, roster_columns[C_PTAGS], roster_columns[C_TAGS]);
	}
}

/* The names of a row's 个人标签 cell, at most PTAGS_MAX, in the context's arena. */
int ros_ptag_names(struct run *r, const struct rrow *row, const char **names)
{
	int n = 0;
	char name[64];
	for (const char *p = row->ptags ? row->ptags : ""; n < PTAGS_MAX && ros_next_tag(&p, name, sizeof(name));)
		if (!(names[n++] = arena_strdup(r->c->arena, name)))
			return -1;
	return n;
}

void ros_check_row(struct run *r, const struct table_row *tr, struct rrow *row)
{
	struct ctx *c = r->c;
	row->line = tr->line;
	row->hh = -1;
	const char *number = ros_cell(r, tr, C_NUMBER);
	const char *group = ros_cell(r, tr, C_GROUP), *address = ros_cell(r, tr, C_ADDRESS);
	struct household_input hin = {.number = number, .address = address};
	people_check_household(c, &hin);
	if (group[0] && !ros_find_division(&r->groups, group))
		unknown_division(r, &r->groups, group);
	const char *grid = ros_cell(r, tr, C_GRID);
	if (grid[0] && !ros_find_division(&r->grids, grid))
		unknown_division(r, &r->grids, grid);

	row->name = ros_cell(r, tr, C_NAME);
	row->relation = ros_cell(r, tr, C_RELATION);
	row->phone = ros_cell(r, tr, C_PHONE);
	const char *gender_s = ros_cell(r, tr, C_GENDER), *birth_s = ros_cell(r, tr, C_BIRTH);
	const char *idcard_s = ros_cell(r, tr, C_IDCARD), *party_s = ros_cell(r, tr, C_PARTY);
	int gender = 0;
	if (!strcmp(gender_s, "男"))
		gender = 1;
	else if (!strcmp(gender_s, "女"))
		gender = 2;
	else if (gender_s[0])
		ctx_field(c, "gender", "性别应为“男”或“女”");
	char birth[11] = "";
	if (birth_s[0] && !ros_parse_date(birth_s, birth))
		ctx_field(c, "birth_date", "出生日期应写成 1980-05-01 或 1980/5/1 的样子");
	if (!row->relation[0])
		ctx_field(c, "relation", "与户主关系不能为空");
	row->party = ros_parse_party(party_s);
	if (row->party < 0) {
		ctx_field(c, "party_member", "政治面貌应为群众、中共党员或中共预备党员（空白视为群众）");
		row->party = 0;
	}
	/* an 18-digit number kept by Excel as a number has only 15 digits left: the
	 * rest became zeros, or the cell shows an exponent */
	size_t idlen = strlen(idcard_s);
	if (strchr(idcard_s, 'E') || strchr(idcard_s, '.') ||
	    (idlen == IDCARD_LEN && ros_all_digits(idcard_s, idlen) && !strcmp(idcard_s + 15, "000") &&
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
	for (size_t i = 0; row->idcard[0] && i < ARRAY_SIZE(ros_example_ids); i++)
		if (!strncmp(row->idcard, ros_example_ids[i], 17))
			ctx_field(c, "idcard", "这是模板里的示例行，请删除");
	ros_harvest_fields(r, tr->line);
	check_tags(r, tr, C_TAGS);
	check_tags(r, tr, C_PTAGS);
	row->ptags = ros_cell(r, tr, C_PTAGS);

	/* across rows */
	if (row->idcard[0]) {
		int first = ros_map_put(&r->id_map, row->idcard, (int)(row - r->rows));
		if (first >= 0)
			ros_add_error(r, tr->line, roster_columns[C_IDCARD], "与第 %d 行的身份证号重复",
				      r->rows[first].line);
	}
	if (number[0]) {
		row->hh = row_household(r, tr, number);
		struct hh *h = &r->hhs[row->hh];
		if (!strcmp(row->relation, HEAD)) {
			if (h->nheads++ == 0)
				h->head_row = (int)(row - r->rows);
			else
				ros_add_error(r, tr->line, roster_columns[C_RELATION],
					      "户号 %s 已有户主（第 %d 行），一户只能有一位户主", number,
					      r->rows[h->head_row].line);
		}
	}
	if (row->idcard[0])
		crypto_keyed_hash_hex(c->keys->lookup, row->idcard, row->hash);
}
