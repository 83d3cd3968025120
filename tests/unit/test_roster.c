/* Unit tests for the roster import: a valid CSV and its idempotent re-import, row
 * errors with their rows and columns, checks across rows, moved residents, people
 * registered in another village, XLSX read the same as CSV, the dry run, the
 * template, and a 10,000-row roster with timings. Each test gets a fresh SQLite file. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "domain/register/people.h"
#include "domain/register/roster.h"
#include "testdb.h"
#include "util/buf.h"
#include "util/table.h"
#include "util/timeutil.h"

struct fixture {
	struct testdb t;
	int64_t village, village2, group1, group2;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	struct testdb *t = &f->t;
	testdb_open(t, "roster", time_cn_midnight(time_days_from_civil(2026, 3, 1)) + 10 * 3600);
	int64_t county = testdb_unit(t, 0, "county", "C1", "犍为县");
	int64_t town = testdb_unit(t, county, "town", "T1", "河口镇");
	f->village = testdb_unit(t, town, "village", "V1", "青山村");
	f->village2 = testdb_unit(t, town, "village", "V2", "柳溪村");
	f->group1 = testdb_unit(t, f->village, "group", "V1G1", "第一组");
	f->group2 = testdb_unit(t, f->village, "group", "V1G2", "第二组");
	testdb_unit(t, f->village2, "group", "V2G1", "第一组");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testdb_close(&f->t);
	free(f);
	return 0;
}

static int64_t count(struct fixture *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->t.db, &n, sql, ""), DB_OK);
	return n;
}

#define AUDIT(f) count(f, "SELECT count(*) FROM audit_log")
#define RESIDENTS(f) count(f, "SELECT count(*) FROM residents")
#define HOUSEHOLDS(f) count(f, "SELECT count(*) FROM households")

static int import_into(struct fixture *f, int64_t village, const char *data, size_t len,
		       struct roster_result *res)
{
	memset(&f->t.c.err, 0, sizeof(f->t.c.err));
	return roster_import(&f->t.c, village, data, len, res);
}

static int import_csv(struct fixture *f, const char *csv, struct roster_result *res)
{
	return import_into(f, f->village, csv, strlen(csv), res);
}

/* An ID number from region, birth date and sequence, with its check character; a
 * wrong one when bad. */
static const char *idcard(char out[IDCARD_LEN + 1], const char *region, int y, int m, int d, int seq,
			  bool bad)
{
	snprintf(out, IDCARD_LEN + 1, "%.6s%04d%02d%02d%03d", region, y, m, d, seq % 1000);
	char ch = idcard_check_char(out);
	out[17] = bad ? (ch == '0' ? '1' : '0') : ch;
	out[18] = 0;
	return out;
}

static void assert_counts(const struct roster_result *r, int hc, int hu, int rc, int ru, int un)
{
	assert_int_equal(r->households_created, hc);
	assert_int_equal(r->households_updated, hu);
	assert_int_equal(r->residents_created, rc);
	assert_int_equal(r->residents_updated, ru);
	assert_int_equal(r->unchanged, un);
}

static void print_errors(const struct roster_result *r)
{
	for (int i = 0; i < r->nerrors; i++)
		print_message("  row %d %s: %s\n", r->errors[i].row, r->errors[i].column, r->errors[i].message);
}

/* Two households, five people; dates and party in the forms rosters use. */
static char *small_roster(char *buf, size_t n, const char *phone_a, const char *address1)
{
	char a[19], b[19], c[19], d[19], e[19];
	idcard(a, "511123", 1965, 3, 12, 31, false);
	idcard(b, "511123", 1967, 8, 21, 62, false);
	idcard(c, "511123", 1990, 1, 5, 13, false);
	idcard(d, "511124", 1958, 11, 30, 35, false);
	idcard(e, "511123", 1960, 6, 1, 58, false);
	snprintf(buf, n,
		 "\xEF\xBB\xBF户号,村民小组,住址,姓名,性别,出生日期,身份证号,与户主关系,联系电话,政治面貌\n"
		 "001,第一组,%s,张建国,男,1965/3/12,%s,户主,%s,中共党员\n"
		 "001,,,李秀英,女,1967-08-21,%s,配偶,,\n"
		 "001,第一组,,张伟,,19900105,%s,子,13912345678,群众\n"
		 "002,第二组,第二组 3 号,王德福,男,,%s,户主,,中共预备党员\n"
		 "002,第二组,第二组 3 号,赵桂英,,,%s,配偶,0833-5123456,\n",
		 address1, a, phone_a, b, c, d, e);
	return buf;
}

static void valid_then_reimport(void **state)
{
	struct fixture *f = *state;
	char csv[2048];
	struct roster_result r;
	small_roster(csv, sizeof(csv), "13800138000", "第一组 12 号");
	int rc = import_csv(f, csv, &r);
	print_errors(&r);
	assert_int_equal(rc, RC_OK);
	assert_int_equal(r.rows, 5);
	assert_counts(&r, 2, 0, 5, 0, 0);
	assert_int_equal(HOUSEHOLDS(f), 2);
	assert_int_equal(RESIDENTS(f), 5);
	int64_t audit = AUDIT(f);
	assert_int_equal(audit, 7 + 7 /* the org units */);
	assert_int_equal(count(f, "SELECT count(*) FROM households WHERE number = '001' AND address = "
				  "'第一组 12 号' AND group_id IS NOT NULL"), 1);
	assert_int_equal(count(f, "SELECT party_member FROM residents WHERE name = '王德福'"), 2);
	assert_int_equal(count(f, "SELECT party_member FROM residents WHERE name = '张建国'"), 1);
	assert_int_equal(count(f, "SELECT gender FROM residents WHERE name = '赵桂英'"), 2);

	/* the same file again: nothing written */
	rc = import_csv(f, csv, &r);
	assert_int_equal(rc, RC_OK);
	assert_counts(&r, 0, 0, 0, 0, 5);
	assert_int_equal(AUDIT(f), audit);

	/* a new phone and a new address: one household and one resident changed */
	small_roster(csv, sizeof(csv), "13700001111", "第一组 15 号");
	rc = import_csv(f, csv, &r);
	assert_int_equal(rc, RC_OK);
	assert_counts(&r, 0, 1, 0, 1, 4);
	assert_int_equal(AUDIT(f), audit + 2);
	assert_int_equal(count(f, "SELECT count(*) FROM residents WHERE phone = '13700001111'"), 1);

	/* a blank phone keeps the registered one */
	small_roster(csv, sizeof(csv), "", "第一组 15 号");
	rc = import_csv(f, csv, &r);
	assert_int_equal(rc, RC_OK);
	assert_counts(&r, 0, 0, 0, 0, 5);
	assert_int_equal(count(f, "SELECT count(*) FROM residents WHERE phone = '13700001111'"), 1);
}

static void lowercase_x(void **state)
{
	struct fixture *f = *state;
	/* search for a sequence whose check character is X */
	char id[19];
	int seq = 0;
	do
		idcard(id, "511123", 1972, 4, 9, ++seq, false);
	while (id[17] != 'X');
	id[17] = 'x';
	char csv[512];
	snprintf(csv, sizeof(csv), "姓名,身份证号,户号,与户主关系\n刘强,%s,009,户主\n", id);
	struct roster_result r;
	assert_int_equal(import_csv(f, csv, &r), RC_OK);
	assert_counts(&r, 1, 0, 1, 0, 0);
	id[17] = 'X';
	snprintf(csv, sizeof(csv), "姓名,身份证号,户号,与户主关系\n刘强,%s,009,户主\n", id);
	assert_int_equal(import_csv(f, csv, &r), RC_OK);
	assert_counts(&r, 0, 0, 0, 0, 1);
}

static void three_bad_rows(void **state)
{
	struct fixture *f = *state;
	char a[19], b[19], bad[19], c[19], d[19];
	idcard(a, "511123", 1970, 1, 1, 11, false);
	idcard(b, "511123", 1972, 2, 2, 22, false);
	idcard(bad, "511123", 1995, 3, 3, 33, true);
	idcard(c, "511123", 1975, 4, 4, 44, false);
	idcard(d, "511123", 1998, 5, 5, 55, false);
	char csv[2048];
	snprintf(csv, sizeof(csv),
		 "户号,姓名,身份证号,与户主关系\n"
		 "001,张一,%s,户主\n"          /* row 2 */
		 "001,李二,%s,配偶\n"          /* row 3 */
		 "001,张三,%s,子\n"            /* row 4: bad check digit */
		 "002,王四,%s,户主\n"          /* row 5 */
		 "002,王五,%s,表哥\n"          /* row 6: unknown relation */
		 "002,王六,%s,女\n",           /* row 7: the ID of row 3 */
		 a, b, bad, c, d, b);
	struct roster_result r;
	int rc = import_csv(f, csv, &r);
	print_errors(&r);
	assert_int_equal(rc, RC_INVALID);
	assert_int_equal(r.errors_total, 3);
	assert_int_equal(r.nerrors, 3);
	assert_int_equal(r.errors[0].row, 4);
	assert_string_equal(r.errors[0].column, "身份证号");
	assert_non_null(strstr(r.errors[0].message, "校验位"));
	assert_int_equal(r.errors[1].row, 6);
	assert_string_equal(r.errors[1].column, "与户主关系");
	assert_int_equal(r.errors[2].row, 7);
	assert_string_equal(r.errors[2].column, "身份证号");
	assert_non_null(strstr(r.errors[2].message, "第 3 行"));
	assert_non_null(strstr(f->t.c.err.message, "3 处错误"));
	assert_counts(&r, 0, 0, 0, 0, 0);
	assert_int_equal(HOUSEHOLDS(f), 0);
	assert_int_equal(RESIDENTS(f), 0);
	assert_int_equal(AUDIT(f), 7);
}

static bool has_error(const struct roster_result *r, int row, const char *column, const char *part)
{
	for (int i = 0; i < r->nerrors; i++)
		if (r->errors[i].row == row && !strcmp(r->errors[i].column, column) &&
		    (!part || strstr(r->errors[i].message, part)))
			return true;
	return false;
}

static void header_errors(void **state)
{
	struct fixture *f = *state;
	struct roster_result r;
	int rc = import_csv(f, "户号,姓名,与户主关系,民族\n001,张一,户主,汉\n", &r);
	print_errors(&r);
	assert_int_equal(rc, RC_INVALID);
	assert_int_equal(r.errors_total, 2);
	assert_true(has_error(&r, 1, "民族", "不认识"));
	assert_true(has_error(&r, 1, "身份证号", "缺少"));

	rc = import_csv(f, "户号,姓名,身份证号,与户主关系\n", &r);
	assert_int_equal(rc, RC_INVALID);
	assert_true(has_error(&r, 1, "", "没有村民"));

	memset(&f->t.c.err, 0, sizeof(f->t.c.err));
	rc = roster_import(&f->t.c, f->village, "", 0, &r);
	assert_int_equal(rc, RC_INVALID);
	assert_int_equal(r.nerrors, 0);

	/* a title row above the header is skipped */
	char a[19], csv[512];
	idcard(a, "511123", 1970, 1, 1, 11, false);
	snprintf(csv, sizeof(csv), "青山村村民花名册,,,\n户号,姓名,身份证号,与户主关系\n001,张一,%s,户主\n", a);
	rc = import_csv(f, csv, &r);
	print_errors(&r);
	assert_int_equal(rc, RC_OK);
	assert_int_equal(r.rows, 1);
}

static void across_rows(void **state)
{
	struct fixture *f = *state;
	char id[8][19];
	for (int i = 0; i < 8; i++)
		idcard(id[i], "511123", 1960 + i, 1 + i, 1 + i, 100 + i, false);
	char csv[4096];
	snprintf(csv, sizeof(csv),
		 "户号,村民小组,住址,姓名,身份证号,与户主关系,性别,出生日期,联系电话\n"
		 "001,第一组,一号,张一,%s,户主,,,\n"             /* 2 */
		 "001,第二组,一号,张二,%s,子,,,\n"               /* 3: other group */
		 "001,,二号,张三,%s,户主,,,\n"                   /* 4: other address, second head */
		 "002,第九组,,王一,%s,配偶,,,\n"                 /* 5: unknown group; 002 has no head */
		 "003,,,李一,%s,户主,男,,\n"                     /* 6: gender does not match */
		 "003,,,李二,%s,子,,1999-13-01,\n"               /* 7: bad date */
		 "003,,,李三,%s,女,,1966/7/8,12345\n"            /* 8: date differs, bad phone */
		 ",,,赵一,%s,户主,,,\n",                         /* 9: no household number */
		 id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]);
	struct roster_result r;
	int rc = import_csv(f, csv, &r);
	print_errors(&r);
	assert_int_equal(rc, RC_INVALID);
	assert_true(has_error(&r, 3, "村民小组", "第 2 行"));
	assert_true(has_error(&r, 4, "住址", "第 2 行"));
	assert_true(has_error(&r, 4, "与户主关系", "已有户主"));
	assert_true(has_error(&r, 5, "村民小组", "第九组"));
	assert_true(has_error(&r, 5, "与户主关系", "没有户主"));
	assert_true(has_error(&r, 6, "性别", NULL));
	assert_true(has_error(&r, 7, "出生日期", NULL));
	assert_true(has_error(&r, 8, "出生日期", "1966-07-07"));
	assert_true(has_error(&r, 8, "联系电话", NULL));
	assert_true(has_error(&r, 9, "户号", NULL));
	assert_int_equal(r.errors_total, 10);
	/* sorted by row */
	for (int i = 1; i < r.nerrors; i++)
		assert_true(r.errors[i - 1].row <= r.errors[i].row);
	assert_int_equal(RESIDENTS(f), 0);
}

static void moved_and_elsewhere(void **state)
{
	struct fixture *f = *state;
	char a[19], b[19], c[19], d[19], csv[1024];
	idcard(a, "511123", 1960, 1, 1, 11, false);
	idcard(b, "511123", 1962, 2, 2, 22, false);
	idcard(c, "511123", 1964, 3, 3, 33, false);
	idcard(d, "511123", 1966, 4, 4, 44, false);
	snprintf(csv, sizeof(csv),
		 "户号,姓名,身份证号,与户主关系\n001,张一,%s,户主\n001,李二,%s,配偶\n002,王三,%s,户主\n", a, b, c);
	struct roster_result r;
	assert_int_equal(import_csv(f, csv, &r), RC_OK);
	int64_t audit = AUDIT(f);
	int64_t hh2 = count(f, "SELECT id FROM households WHERE number = '002'");

	/* 李二 marries into 002 */
	snprintf(csv, sizeof(csv), "户号,姓名,身份证号,与户主关系\n002,王三,%s,户主\n002,李二,%s,配偶\n", c, b);
	int rc = import_csv(f, csv, &r);
	print_errors(&r);
	assert_int_equal(rc, RC_OK);
	assert_counts(&r, 0, 0, 0, 1, 1);
	assert_int_equal(count(f, "SELECT household_id FROM residents WHERE name = '李二'"), hh2);
	assert_int_equal(AUDIT(f), audit + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE object_type = 'resident' AND "
				  "action = 'move'"), 1);

	/* 001 still has its head, who is not in this file: a member may be added alone */
	snprintf(csv, sizeof(csv), "户号,姓名,身份证号,与户主关系\n001,张四,%s,子\n", d);
	assert_int_equal(import_csv(f, csv, &r), RC_OK);
	assert_counts(&r, 0, 0, 1, 0, 0);

	/* but not a second head */
	char e[19];
	idcard(e, "511123", 1968, 5, 5, 55, false);
	snprintf(csv, sizeof(csv), "户号,姓名,身份证号,与户主关系\n001,张五,%s,户主\n", e);
	rc = import_csv(f, csv, &r);
	assert_int_equal(rc, RC_INVALID);
	assert_true(has_error(&r, 2, "与户主关系", "张一"));

	/* 张一 cannot be imported into 柳溪村 */
	snprintf(csv, sizeof(csv), "户号,姓名,身份证号,与户主关系\n101,张一,%s,户主\n", a);
	rc = import_into(f, f->village2, csv, strlen(csv), &r);
	print_errors(&r);
	assert_int_equal(rc, RC_INVALID);
	assert_true(has_error(&r, 2, "身份证号", "青山村"));
	assert_int_equal(count(f, "SELECT count(*) FROM households WHERE number = '101'"), 0);
}

static void dry_run(void **state)
{
	struct fixture *f = *state;
	char csv[2048];
	struct roster_result r;
	small_roster(csv, sizeof(csv), "13800138000", "一号");
	int64_t audit = AUDIT(f);
	memset(&f->t.c.err, 0, sizeof(f->t.c.err));
	assert_int_equal(roster_check(&f->t.c, f->village, csv, strlen(csv), &r), RC_OK);
	assert_counts(&r, 2, 0, 5, 0, 0);
	assert_int_equal(RESIDENTS(f), 0);
	assert_int_equal(AUDIT(f), audit);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	struct buf b;
	buf_init(&b, 64u << 20);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), 0);
	fclose(fp);
	return buf_detach(&b, len);
}

static void xlsx_like_csv(void **state)
{
	struct fixture *f = *state;
	char csv[2048];
	small_roster(csv, sizeof(csv), "13800138000", "第一组 12 号");
	struct table t;
	char err[256];
	assert_int_equal(table_read_csv(csv, strlen(csv), &t, err, sizeof(err)), 0);

	char path[64];
	snprintf(path, sizeof(path), "/tmp/cunzhi-test-roster-xlsx-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "花名册");
	for (size_t i = 0; i < t.nrows; i++)
		for (size_t k = 0; k < t.rows[i].ncells; k++) {
			const char *v = t.rows[i].cells[k];
			if (!v || !v[0])
				continue;
			/* as villages type them: birth dates as Excel dates, phones as numbers */
			if (i > 0 && k == 5 && !strcmp(v, "1967-08-21"))
				worksheet_write_number(ws, (lxw_row_t)i, (lxw_col_t)k, 24705, NULL);
			else if (i > 0 && k == 8 && v[0] == '1')
				worksheet_write_number(ws, (lxw_row_t)i, (lxw_col_t)k, 13800138000.0, NULL);
			else
				worksheet_write_string(ws, (lxw_row_t)i, (lxw_col_t)k, v, NULL);
		}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	table_release(&t);
	size_t len;
	char *xlsx = slurp(path, &len);
	unlink(path);

	/* 24705 is 1967-08-21; the phone of 张伟 becomes 13800138000 */
	struct roster_result r;
	int rc = import_into(f, f->village, xlsx, len, &r);
	print_errors(&r);
	assert_int_equal(rc, RC_OK);
	assert_counts(&r, 2, 0, 5, 0, 0);
	free(xlsx);
	/* the CSV with 张伟's phone as in the xlsx reads as the same roster */
	char *p = strstr(csv, "13912345678");
	assert_non_null(p);
	memcpy(p, "13800138000", 11);
	assert_int_equal(import_csv(f, csv, &r), RC_OK);
	assert_counts(&r, 0, 0, 0, 0, 5);
}

static void template(void **state)
{
	struct fixture *f = *state;
	char *data;
	size_t len;
	struct table t;
	char err[256];
	memset(&f->t.c.err, 0, sizeof(f->t.c.err));
	assert_int_equal(roster_template(&f->t.c, "xlsx", &data, &len), RC_OK);
	assert_true(len > 1000);
	assert_memory_equal(data, "PK\3\4", 4);
	assert_int_equal(table_read(data, len, &t, err, sizeof(err)), 0);
	assert_int_equal(t.nrows, 3);
	for (int k = 0; roster_columns[k]; k++)
		assert_string_equal(t.rows[0].cells[k], roster_columns[k]);
	table_release(&t);
	/* the example rows are valid except for being examples */
	struct roster_result r;
	int rc = import_into(f, f->village, data, len, &r);
	print_errors(&r);
	assert_int_equal(rc, RC_INVALID);
	assert_int_equal(r.errors_total, 2);
	assert_true(has_error(&r, 2, "身份证号", "示例"));
	assert_true(has_error(&r, 3, "身份证号", "示例"));
	free(data);

	assert_int_equal(roster_template(&f->t.c, "csv", &data, &len), RC_OK);
	assert_memory_equal(data, "\xEF\xBB\xBF户号,", strlen("\xEF\xBB\xBF户号,"));
	assert_int_equal(table_read(data, len, &t, err, sizeof(err)), 0);
	assert_int_equal(t.nrows, 3);
	table_release(&t);
	free(data);
	assert_int_equal(roster_template(&f->t.c, "pdf", &data, &len), RC_INVALID);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void ten_thousand(void **state)
{
	struct fixture *f = *state;
	static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵"};
	static const char *const given[] = {"建国", "秀英", "志强", "丽", "浩", "婷", "德福", "桂兰"};
	static const char *const rel[] = {"户主", "配偶", "子", "女"};
	struct buf b;
	buf_init(&b, 16u << 20);
	buf_adds(&b, "户号,村民小组,住址,姓名,性别,出生日期,身份证号,与户主关系,联系电话,政治面貌\n");
	int n = 10000;
	for (int i = 0; i < n; i++) {
		int hh = i / 4, member = i % 4;
		char id[19], birth[11];
		int y = member < 2 ? 1950 + i % 30 : 1985 + i % 20;
		idcard(id, "511123", y, 1 + i % 12, 1 + i % 28, i, false);
		idcard_birth_date(id, birth);
		buf_addf(&b, "%05d,%s,第%d号,%s%s,%s,%s,%s,%s,%s,%s\n", hh, hh % 2 ? "第二组" : "第一组", hh,
			 surnames[hh % 8], given[i % 8], idcard_gender(id) == 1 ? "男" : "女", birth, id,
			 rel[member], member == 0 ? "13800138000" : "", member == 0 && hh % 5 == 0 ? "中共党员" : "");
	}
	assert_false(b.failed);
	struct roster_result r;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = import_into(f, f->village, b.ptr, b.len, &r);
	double first = seconds_since(&t0);
	print_errors(&r);
	assert_int_equal(rc, RC_OK);
	assert_counts(&r, n / 4, 0, n, 0, 0);
	int64_t audit = AUDIT(f);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = import_into(f, f->village, b.ptr, b.len, &r);
	double again = seconds_since(&t0);
	assert_int_equal(rc, RC_OK);
	assert_counts(&r, 0, 0, 0, 0, n);
	assert_int_equal(AUDIT(f), audit);

	memset(&f->t.c.err, 0, sizeof(f->t.c.err));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = roster_check(&f->t.c, f->village, b.ptr, b.len, &r);
	double check = seconds_since(&t0);
	assert_int_equal(rc, RC_OK);
	print_message("10,000 rows: import %.2f s, re-import %.2f s, dry run %.2f s\n", first, again, check);
	buf_release(&b);
}

/* The optional 网格 column: a grid of the village by name, the same for every row of a
 * household; a blank keeps what is registered. */
static void grid_column(void **state)
{
	struct fixture *f = *state;
	int64_t east = testdb_unit(&f->t, f->village, "grid", "V1W1", "东片网格");
	testdb_unit(&f->t, f->village2, "grid", "V2W1", "北片网格");
	char id[4][19];
	for (int i = 0; i < 4; i++)
		idcard(id[i], "511123", 1970 + i, 2 + i, 3 + i, 200 + i, false);
	char csv[2048];
	snprintf(csv, sizeof(csv),
		 "户号,网格,姓名,身份证号,与户主关系\n"
		 "101,东片网格,周一,%s,户主\n"
		 "101,北片网格,周二,%s,配偶\n"     /* 3: another grid for the same household */
		 "102,北片网格,吴一,%s,户主\n",    /* 4: a grid of another village */
		 id[0], id[1], id[2]);
	struct roster_result r;
	assert_int_equal(import_csv(f, csv, &r), RC_INVALID);
	print_errors(&r);
	assert_true(has_error(&r, 3, "网格", "第 2 行"));
	assert_true(has_error(&r, 4, "网格", "本村没有网格“北片网格”（现有：东片网格）"));
	assert_int_equal(HOUSEHOLDS(f), 0);

	snprintf(csv, sizeof(csv),
		 "户号,网格,姓名,身份证号,与户主关系\n"
		 "101,东片网格,周一,%s,户主\n"
		 "101,,周二,%s,配偶\n"
		 "102,,吴一,%s,户主\n",
		 id[0], id[1], id[2]);
	assert_int_equal(import_csv(f, csv, &r), RC_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM households WHERE number = '101' AND grid_id IS NOT NULL"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM households WHERE number = '102' AND grid_id IS NULL"), 1);
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT grid_id FROM households WHERE number = '101'");
	assert_int_equal(count(f, sql), east);

	/* a file without the column leaves the grid alone; a blank cell too */
	snprintf(csv, sizeof(csv), "户号,住址,姓名,身份证号,与户主关系\n101,东街 1 号,周一,%s,户主\n", id[0]);
	assert_int_equal(import_csv(f, csv, &r), RC_OK);
	assert_int_equal(r.households_updated, 1);
	assert_int_equal(count(f, sql), east);
}

/* The dry run counts the tags of the 标签 column as the import gives them: every named
 * tag a household does not carry yet, a name repeated in one cell once; unknown names
 * are the same row errors in both. */
static void tags_dry_run(void **state)
{
	struct fixture *f = *state;
	char id[3][19];
	for (int i = 0; i < 3; i++)
		idcard(id[i], "511123", 1950 + i, 2 + i, 3 + i, 300 + i, false);
	char csv[2048];
	snprintf(csv, sizeof(csv),
		 "户号,姓名,身份证号,与户主关系,标签\n"
		 "201,钱一,%s,户主,独居老人、低保户、独居老人\n"
		 "202,钱二,%s,户主,留守儿童；没有的标签\n",
		 id[0], id[1]);
	struct roster_result r, d;
	memset(&f->t.c.err, 0, sizeof(f->t.c.err));
	assert_int_equal(roster_check(&f->t.c, f->village, csv, strlen(csv), &d), RC_INVALID);
	assert_int_equal(import_csv(f, csv, &r), RC_INVALID);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(r.nerrors, 1);
	assert_true(has_error(&d, 3, "标签", "没有的标签"));
	assert_true(has_error(&r, 3, "标签", "没有的标签"));
	assert_int_equal(d.tags_set, 0);

	snprintf(csv, sizeof(csv),
		 "户号,姓名,身份证号,与户主关系,标签\n"
		 "201,钱一,%s,户主,独居老人、低保户、独居老人\n"
		 "202,钱二,%s,户主,留守儿童\n",
		 id[0], id[1]);
	memset(&f->t.c.err, 0, sizeof(f->t.c.err));
	assert_int_equal(roster_check(&f->t.c, f->village, csv, strlen(csv), &d), RC_OK);
	assert_int_equal(d.tags_set, 3);
	assert_int_equal(count(f, "SELECT count(*) FROM household_tags"), 0);
	assert_int_equal(import_csv(f, csv, &r), RC_OK);
	assert_int_equal(r.tags_set, d.tags_set);
	assert_int_equal(count(f, "SELECT count(*) FROM household_tags"), 3);

	/* again: nothing to set; one more tag on a registered household and a new one */
	memset(&f->t.c.err, 0, sizeof(f->t.c.err));
	assert_int_equal(roster_check(&f->t.c, f->village, csv, strlen(csv), &d), RC_OK);
	assert_int_equal(d.tags_set, 0);
	snprintf(csv, sizeof(csv),
		 "户号,姓名,身份证号,与户主关系,标签\n"
		 "201,钱一,%s,户主,独居老人、空巢老人\n"
		 "203,钱三,%s,户主,志愿者\n",
		 id[0], id[2]);
	memset(&f->t.c.err, 0, sizeof(f->t.c.err));
	assert_int_equal(roster_check(&f->t.c, f->village, csv, strlen(csv), &d), RC_OK);
	assert_int_equal(d.tags_set, 2);
	assert_int_equal(import_csv(f, csv, &r), RC_OK);
	assert_int_equal(r.tags_set, 2);
	assert_int_equal(count(f, "SELECT count(*) FROM household_tags"), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(valid_then_reimport, setup, teardown),
		cmocka_unit_test_setup_teardown(lowercase_x, setup, teardown),
		cmocka_unit_test_setup_teardown(three_bad_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(header_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(across_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(grid_column, setup, teardown),
		cmocka_unit_test_setup_teardown(tags_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(moved_and_elsewhere, setup, teardown),
		cmocka_unit_test_setup_teardown(dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(xlsx_like_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(template, setup, teardown),
		cmocka_unit_test_setup_teardown(ten_thousand, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
