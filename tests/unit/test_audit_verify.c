/* Unit tests for the verification of the audit chains from the API: limited to the
 * units under the caller's P_AUDIT_VERIFY grants, refused to other roles, one at a
 * time; and the upload quota's rule (kernel/files.h). */
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "db/db.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/files.h"
#include "domain/kernel/org.h"
#include "testdb.h"

static void grant(struct testdb *t, struct actor *a, const char *role, int64_t unit)
{
	struct org_unit u;
	assert_int_equal(org_get(&t->c, unit, &u), RC_OK);
	struct grant *g = &a->grants[a->ngrants++];
	memset(g, 0, sizeof(*g));
	str_copy(g->role, sizeof(g->role), role);
	g->unit_id = unit;
	str_copy(g->unit_kind, sizeof(g->unit_kind), u.kind);
	str_copy(g->path, sizeof(g->path), u.path);
}

static void record(struct testdb *t, int64_t unit, int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(ctx_begin(&t->c), RC_OK);
		assert_int_equal(ctx_end(&t->c, audit_record(&t->c, unit, "household", i + 1, "update", "{}",
							     "{\"n\":1}")),
				 RC_OK);
	}
}

static enum result verify_as(struct testdb *t, struct actor *a, struct audit_report *r)
{
	struct ctx c = t->c;
	c.system = false;
	c.actor = a;
	memset(&c.err, 0, sizeof(c.err));
	int rc = audit_verify_scoped(&c, r);
	t->c.err = c.err;
	return rc;
}

static void scoped_to_grants(void **state)
{
	struct testdb t;
	testdb_open(&t, "auditverify", 1760000000);
	int64_t county = testdb_unit(&t, 0, "county", "C", "县");
	int64_t town = testdb_unit(&t, county, "town", "T", "镇");
	int64_t va = testdb_unit(&t, town, "village", "VA", "甲村");
	int64_t vb = testdb_unit(&t, town, "village", "VB", "乙村");
	record(&t, va, 3);
	record(&t, vb, 2);

	struct actor admin = {.user_id = 1}, insp = {.user_id = 2}, cadre = {.user_id = 3}, town_off = {.user_id = 4};
	grant(&t, &admin, "county_admin", county);
	grant(&t, &insp, "inspector", va);
	grant(&t, &cadre, "cadre", va);
	grant(&t, &town_off, "town_official", town);
	struct audit_report all, a;
	assert_int_equal(verify_as(&t, &admin, &all), RC_OK);
	assert_false(all.broken);
	assert_int_equal(verify_as(&t, &insp, &a), RC_OK);
	assert_false(a.broken);
	int64_t in_a = 0, total = 0;
	assert_int_equal(db_get_int(t.db, &in_a, "SELECT count(*) FROM audit_log WHERE unit_id = ?", "i", va), DB_OK);
	assert_int_equal(db_get_int(t.db, &total, "SELECT count(*) FROM audit_log", ""), DB_OK);
	assert_int_equal(a.chains, 1);
	assert_int_equal(a.entries, in_a);
	assert_true(in_a >= 3);
	assert_true(all.chains >= 2);
	assert_int_equal(all.entries, total);

	/* neither a village cadre nor a town official verifies */
	assert_int_equal(verify_as(&t, &cadre, &a), RC_FORBIDDEN);
	assert_int_equal(verify_as(&t, &town_off, &a), RC_FORBIDDEN);
	testdb_reset(&t);

	/* an entry of village B rewritten: the county sees it, the inspector of A is not shown B */
	assert_int_equal(db_run(t.db, "UPDATE audit_log SET after_data = '{\"n\":2}' WHERE unit_id = ? AND seq = 1", "i",
				vb),
			 DB_OK);
	assert_int_equal(verify_as(&t, &admin, &all), RC_OK);
	assert_true(all.broken);
	assert_int_equal(all.unit_id, vb);
	assert_int_equal(verify_as(&t, &insp, &a), RC_OK);
	assert_false(a.broken);
	testdb_close(&t);
}

static void one_at_a_time(void **state)
{
	struct testdb t;
	testdb_open(&t, "auditbusy", 1760000000);
	int64_t county = testdb_unit(&t, 0, "county", "C", "县");
	struct actor admin = {.user_id = 1};
	grant(&t, &admin, "county_admin", county);
	struct audit_report r;
	/* a verification running */
	assert_true(audit_verify_claim());
	assert_false(audit_verify_claim());
	assert_int_equal(verify_as(&t, &admin, &r), RC_TOO_MANY);
	assert_non_null(strstr(t.c.err.message, "正在进行"));
	audit_verify_release();
	testdb_reset(&t);
	assert_int_equal(verify_as(&t, &admin, &r), RC_OK);
	/* and released after it */
	assert_true(audit_verify_claim());
	audit_verify_release();
	testdb_close(&t);
}

static void upload_quota(void **state)
{
	assert_int_equal(files_quota_check(false, 0, 0, 1000), 0);
	assert_int_equal(files_quota_check(false, FILES_QUOTA_VILLAGER_FILES - 1, 0, 1000), 0);
	assert_int_equal(files_quota_check(false, FILES_QUOTA_VILLAGER_FILES, 0, 1000), 1);
	assert_int_equal(files_quota_check(true, FILES_QUOTA_VILLAGER_FILES, 0, 1000), 0);
	assert_int_equal(files_quota_check(true, FILES_QUOTA_STAFF_FILES, 0, 1000), 1);
	/* bytes: exactly the limit fits, one byte more does not */
	assert_int_equal(files_quota_check(false, 3, FILES_QUOTA_VILLAGER_BYTES - 1000, 1000), 0);
	assert_int_equal(files_quota_check(false, 3, FILES_QUOTA_VILLAGER_BYTES - 1000, 1001), 2);
	assert_int_equal(files_quota_check(true, 3, FILES_QUOTA_VILLAGER_BYTES, 8 << 20), 0);
	assert_int_equal(files_quota_check(true, 3, FILES_QUOTA_STAFF_BYTES, 1), 2);
	assert_true(FILES_QUOTA_VILLAGER_FILES < FILES_QUOTA_STAFF_FILES);
	assert_true(FILES_QUOTA_VILLAGER_BYTES < FILES_QUOTA_STAFF_BYTES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scoped_to_grants),
		cmocka_unit_test(one_at_a_time),
		cmocka_unit_test(upload_quota),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
