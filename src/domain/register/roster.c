/* The village roster import (see roster.h). Four passes: read the table and map the
 * header; check every row on its own and across rows (no database writes, nothing
 * held); look up the households, residents and heads already registered and decide
 * what each row does; then, when nothing failed, write it all in one transaction. The
 * lookups run inside that transaction, so what they saw is what gets written.
 *
 * One file per job: this one holds the columns, the helpers every pass uses (text
 * maps, errors, cell values) and the run of the passes; the passes are in
 * roster_rows.c (1 and 2), roster_lookup.c (3) and roster_write.c (4); the template to
 * fill in is in roster_template.c; what they share in roster_internal.h. */
#include "domain/kernel/access.h"
#include "domain/register/roster_internal.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

const char *const roster_columns[] = {"户号", "村民小组", "网格", "住址", "姓名", "性别", "出生日期",
				      "身份证号", "与户主关系", "联系电话", "政治面貌", "标签",
				      "个人标签", NULL};

/* The field names people_check_* report, and the column each comes from. */
static const struct {
	const char *field;
	enum col col;
} field_cols[] = {
	{"number", C_NUMBER}, {"address", C_ADDRESS}, {"group_id", C_GROUP}, {"grid_id", C_GRID}, {"name", C_NAME},
	{"gender", C_GENDER}, {"birth_date", C_BIRTH}, {"idcard", C_IDCARD}, {"phone", C_PHONE},
	{"relation", C_RELATION}, {"party_member", C_PARTY},
};

/* The template's made-up example people; a row with one of these numbers was left in
 * by mistake. Region, birth date and sequence; the check character is computed. */
const char *const ros_example_ids[2] = {"51112319650312021", "51112319670821046"};
static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

int ros_map_init(struct strmap *m, size_t n)
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
int ros_map_put(struct strmap *m, const char *key, int val)
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

void ros_add_error(struct run *r, int line, const char *column, const char *fmt, ...)
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
void ros_harvest_fields(struct run *r, int line)
{
	struct ctx *c = r->c;
	for (int i = 0; i < c->err.nfields; i++) {
		const char *column = "";
		for (size_t k = 0; k < ARRAY_SIZE(field_cols); k++)
			if (!strcmp(field_cols[k].field, c->err.fields[i].field))
				column = roster_columns[field_cols[k].col];
		ros_add_error(r, line, column, "%s", c->err.fields[i].message);
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

const char *ros_cell(const struct run *r, const struct table_row *row, enum col col)
{
	int i = r->colidx[col];
	if (i < 0 || (size_t)i >= row->ncells || !row->cells[i])
		return "";
	return row->cells[i];
}

bool ros_all_digits(const char *s, size_t n)
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
bool ros_parse_date(const char *s, char out[11])
{
	size_t n = strlen(s);
	int64_t y, m, d;
	if (ros_all_digits(s, n) && n == 8) {
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		m = (s[4] - '0') * 10 + (s[5] - '0');
		d = (s[6] - '0') * 10 + (s[7] - '0');
	} else if (ros_all_digits(s, n) && n <= 7) {
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

int ros_parse_party(const char *s)
{
	if (!s[0] || !strcmp(s, "群众"))
		return 0;
	if (!strcmp(s, "中共党员") || !strcmp(s, "党员"))
		return 1;
	if (!strcmp(s, "中共预备党员") || !strcmp(s, "预备党员"))
		return 2;
	return -1;
}

int ros_map_get(const struct strmap *m, const char *key)
{
	size_t i = (size_t)str_hash(key) & (m->cap - 1);
	while (m->keys[i]) {
		if (!strcmp(m->keys[i], key))
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

/* ---------------------------------------------------------------- the import */

static void run_release(struct run *r)
{
	if (r->table_read)
		table_release(&r->t);
	free(r->rows);
	free(r->hhs);
	free(r->matched);
	free(r->olds);
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
	if ((rc = ros_map_header(&r)) != RC_OK || (rc = ros_load_divisions(&r, &r.groups)) != RC_OK ||
	    (rc = ros_load_divisions(&r, &r.grids)) != RC_OK)
		goto done;
	r.nrows = (int)(r.t.nrows - (size_t)r.hdr - 1);
	out->rows = r.nrows;
	if (out->errors_total)
		goto finish;
	if (r.nrows == 0) {
		ros_add_error(&r, r.header_line, "", "文件中只有列名，没有村民");
		goto finish;
	}
	r.rows = calloc((size_t)r.nrows, sizeof(*r.rows));
	r.hhs = calloc((size_t)r.nrows, sizeof(*r.hhs));
	if (!r.rows || !r.hhs || ros_map_init(&r.hh_map, (size_t)r.nrows) ||
	    ros_map_init(&r.id_map, (size_t)r.nrows)) {
		rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		goto done;
	}
	ctx_reset(c);
	for (int i = 0; i < r.nrows; i++)
		ros_check_row(&r, &r.t.rows[r.hdr + 1 + i], &r.rows[i]);

	/* the lookups and the writes share one transaction; a dry run, or a file that
	 * already failed, only looks */
	bool tx = !dry_run && out->errors_total == 0;
	if (tx) {
		db_bulk_cache(c->db, true);   /* only faster: the import runs without it too */
		if ((rc = ctx_begin(c)) != RC_OK) {
			db_bulk_cache(c->db, false);
			goto done;
		}
	}
	rc = ros_lookup(&r);
	if (rc == RC_OK && out->errors_total == 0) {
		ros_plan(&r);
		if (tx)
			rc = ros_write_all(&r);
		else
			rc = ros_plan_tags(&r);
	}
	if (tx) {
		rc = ctx_end(c, rc != RC_OK ? rc : out->errors_total ? RC_INVALID : RC_OK);
		db_bulk_cache(c->db, false);
	}
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
