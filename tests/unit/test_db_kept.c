/* Unit tests for the prepared statements a connection keeps (db_kept_slot, db_impl.h):
 * statements whose texts fall in one set are all kept up to the set's size, the least
 * recently used gives way to a new one, a query nested in a loop over the same query
 * gets a statement of its own, and every kept statement still answers with its own
 * bindings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db/db_impl.h"
#include "domain/kernel/scope.h"
#include "testdb.h"

#define SETS (DB_KEPT_SLOTS / DB_KEPT_WAYS)

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* n texts "SELECT ? + k" whose hashes pick the same set */
static void same_set(char texts[][40], int n)
{
	int found = 0;
	uint64_t set = 0;
	for (int k = 0; found < n; k++) {
		char sql[40];
		snprintf(sql, sizeof(sql), "SELECT ? + %d", k);
		uint64_t s = fnv(sql) % SETS;
		if (found == 0)
			set = s;
		if (s == set)
			memcpy(texts[found++], sql, sizeof(sql));
	}
}

/* the statement's handle after binding and reading one row: checks the answer */
static void *run(struct db *db, const char *sql, int64_t v)
{
	int k = 0;
	sscanf(sql, "SELECT ? + %d", &k);
	struct db_stmt *st = db_query(db, sql, "i", v);
	assert_non_null(st);
	void *handle = st->handle;
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), v + k);
	db_finalize(st);
	return handle;
}

static void set_keeps_its_ways(void **state)
{
	(void)state;
	struct testdb t;
	testdb_open(&t, "kept", 1700000000);
	char texts[DB_KEPT_WAYS + 1][40];
	same_set(texts, DB_KEPT_WAYS + 1);
	void *first[DB_KEPT_WAYS];
	for (int i = 0; i < DB_KEPT_WAYS; i++)
		first[i] = run(t.db, texts[i], i);
	/* in turn, again and again: every one still the statement prepared first */
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < DB_KEPT_WAYS; i++)
			assert_ptr_equal(run(t.db, texts[i], 100 * round + i), first[i]);
	/* text 1 least recently used once 0, 2, 3 are read again: the new text takes it */
	run(t.db, texts[0], 1);
	run(t.db, texts[2], 1);
	run(t.db, texts[3], 1);
	run(t.db, texts[DB_KEPT_WAYS], 7);
	assert_ptr_equal(run(t.db, texts[0], 2), first[0]);
	assert_ptr_equal(run(t.db, texts[2], 2), first[2]);
	assert_ptr_equal(run(t.db, texts[3], 2), first[3]);
	run(t.db, texts[1], 9); /* prepared again (its answer checked): and kept again */
	void *again = run(t.db, texts[1], 10);
	assert_ptr_equal(run(t.db, texts[1], 11), again);
	testdb_close(&t);
}

static void nested_same_query(void **state)
{
	(void)state;
	struct testdb t;
	testdb_open(&t, "kept-nested", 1700000000);
	assert_int_equal(db_exec(t.db, "CREATE TABLE n (v INTEGER)"), DB_OK);
	for (int i = 1; i <= 3; i++)
		assert_int_equal(db_run(t.db, "INSERT INTO n (v) VALUES (?)", "i", (int64_t)i), DB_OK);
	const char *sql = "SELECT v FROM n WHERE v >= ? ORDER BY v";
	struct db_stmt *outer = db_query(t.db, sql, "i", (int64_t)1);
	assert_non_null(outer);
	int64_t sum = 0;
	while (db_step(outer) == DB_ROW) {
		struct db_stmt *inner = db_query(t.db, sql, "i", db_col_int(outer, 0));
		assert_non_null(inner);
		assert_ptr_not_equal(inner->handle, outer->handle);
		while (db_step(inner) == DB_ROW)
			sum += db_col_int(inner, 0);
		db_finalize(inner);
	}
	db_finalize(outer);
	assert_int_equal(sum, (1 + 2 + 3) + (2 + 3) + 3);
	testdb_close(&t);
}

static void more_texts_than_slots(void **state)
{
	(void)state;
	struct testdb t;
	testdb_open(&t, "kept-many", 1700000000);
	/* three times the table: each answer right, whether kept, replaced or evicted */
	for (int round = 0; round < 2; round++)
		for (int k = 0; k < 3 * DB_KEPT_SLOTS; k++) {
			char sql[40];
			snprintf(sql, sizeof(sql), "SELECT ? + %d", k);
			run(t.db, sql, round * 1000 + k);
		}
	testdb_close(&t);
}

/* statements matching a parameter as a LIKE pattern run unnamed on PostgreSQL, planned
 * for the pattern every time (db_pg.c): the unit scopes of scope.h, the audit log's,
 * the searches' with ESCAPE; not a parameter tested against a column's pattern, a
 * literal pattern, or a '?' inside a string */
static void like_parameters(void **state)
{
	(void)state;
	assert_true(db_like_param("SELECT 1 FROM org_units u WHERE " SCOPE_UNIT("u")));
	assert_true(db_like_param("SELECT count(*) FROM households h WHERE " SCOPE_HOUSEHOLD));
	assert_true(db_like_param("SELECT 1 FROM audit_log a JOIN org_units o ON o.id = a.unit_id WHERE o.path LIKE ? "
				  "AND (CAST(? AS TEXT) = '' OR a.object_type = ?)"));
	assert_true(db_like_param("SELECT 1 FROM households h WHERE h.number like\n\t? ESCAPE '\\'"));
	assert_false(db_like_param("SELECT b.id FROM broadcasts b JOIN org_units u ON u.id = b.unit_id "
				   "WHERE ? LIKE u.path || '%'"));
	assert_false(db_like_param("SELECT id FROM files WHERE mime LIKE 'image/%' AND id = ?"));
	assert_false(db_like_param("SELECT id FROM notes WHERE body = 'LIKE ?' AND id = ?"));
	assert_false(db_like_param("SELECT id FROM t WHERE unlike ? = 1"));
	assert_false(db_like_param("SELECT id FROM org_units WHERE path = ?"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_keeps_its_ways),
		cmocka_unit_test(nested_same_query),
		cmocka_unit_test(more_texts_than_slots),
		cmocka_unit_test(like_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
