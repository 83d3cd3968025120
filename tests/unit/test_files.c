/* Unit tests of the removal of files never attached against the attaches that race it:
 * a module checks a file for a record (files_info), the hourly removal runs, and only
 * then is the record committed. The file it checked is kept, row and bytes; a file no
 * one checked is removed by the same run, and so is one checked inside an attach's
 * transaction that was refused (the mark rolled back with it). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain/kernel/files.h"
#include "testdb.h"

static void store_pdf(struct testdb *t, int64_t unit, const char *text, struct file_info *f)
{
	char body[128];
	int n = snprintf(body, sizeof(body), "%%PDF-1.4\n%% %s\n%%%%EOF\n", text);
	testdb_reset(t);
	assert_int_equal(files_store_anonymous(&t->c, unit, body, (size_t)n, f), RC_OK);
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static void check_then_removal_then_commit(void **state)
{
	(void)state;
	const int64_t t0 = 1767225600; /* 2026-01-01 00:00 UTC */
	struct testdb t;
	testdb_open(&t, "files", t0);
	char dir[] = "/tmp/cunzhi-test-files-data-XXXXXX";
	assert_non_null(mkdtemp(dir));
	t.c.data_dir = dir;
	int64_t county = testdb_unit(&t, 0, "county", "FC", "测试县");
	int64_t town = testdb_unit(&t, county, "town", "FT", "测试镇");
	int64_t village = testdb_unit(&t, town, "village", "FV", "测试村");

	struct file_info checked, loose, refused, f;
	store_pdf(&t, village, "checked", &checked);
	store_pdf(&t, village, "loose", &loose);
	store_pdf(&t, village, "refused", &refused);

	/* past the grace: an attach checks its file before its transaction begins... */
	t.c.now = t0 + FILES_SWEEP_GRACE + 60;
	testdb_reset(&t);
	assert_int_equal(files_info(&t.c, checked.hash, &f), RC_OK);
	assert_true(f.kept);
	/* ...another checks its file inside its transaction and is refused... */
	testdb_reset(&t);
	assert_int_equal(ctx_begin(&t.c), RC_OK);
	assert_int_equal(files_info(&t.c, refused.hash, &f), RC_OK);
	assert_int_equal(ctx_end(&t.c, ctx_fail(&t.c, RC_INVALID, "拒绝")), RC_INVALID);

	/* ...the hourly removal runs... */
	testdb_reset(&t);
	int64_t removed = -1;
	assert_int_equal(files_sweep_due(&t.c, &removed), RC_OK);
	assert_int_equal(removed, 2);

	/* ...and the first attach commits: its file is there, row and bytes */
	testdb_reset(&t);
	const void *data = NULL;
	size_t len = 0;
	assert_int_equal(files_read(&t.c, checked.hash, &f, &data, &len), RC_OK);
	assert_int_equal((int64_t)len, checked.size);
	/* the one no one checked and the refused one's are gone */
	testdb_reset(&t);
	assert_int_equal(files_info(&t.c, loose.hash, &f), RC_NOT_FOUND);
	testdb_reset(&t);
	assert_int_equal(files_info(&t.c, refused.hash, &f), RC_NOT_FOUND);

	testdb_close(&t);
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_then_removal_then_commit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
