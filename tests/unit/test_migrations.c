/* Unit test of the schema the migrations leave on SQLite: every trigger a migration
 * creates is still there after the last one, unless a later migration drops it by
 * name. On SQLite, rebuilding a table (create a copy, move the rows, drop the old one,
 * rename) drops its triggers silently; the reply cache's generations (032) and the
 * dashboards' daily marks (035) hang on such triggers, and would quietly go stale. A
 * migration that rebuilds a watched table must create its triggers again. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "db/db_impl.h"
#include "db/migrate.h"
#include "testdb.h"

#define NAMES_MAX 256
#define NAME_LEN 128

struct names {
	char v[NAMES_MAX][NAME_LEN];
	int n;
};

static int find(const struct names *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return i;
	return -1;
}

static void add(struct names *s, const char *name)
{
	if (find(s, name) >= 0)
		return;
	assert_true(s->n < NAMES_MAX);
	snprintf(s->v[s->n++], NAME_LEN, "%s", name);
}

static void drop(struct names *s, const char *name)
{
	int i = find(s, name);
	if (i >= 0)
		memmove(s->v[i], s->v[i + 1], (size_t)(--s->n - i) * NAME_LEN);
}

/* After "CREATE TRIGGER" or "DROP TRIGGER" at p: skips IF [NOT] EXISTS and reads the
 * name into out. */
static void read_name(const char *p, char out[NAME_LEN])
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!strncasecmp(p, "IF ", 3))
			p += 3;
		else if (!strncasecmp(p, "NOT ", 4))
			p += 4;
		else if (!strncasecmp(p, "EXISTS ", 7))
			p += 7;
		else
			break;
	}
	size_t n = 0;
	while ((isalnum((unsigned char)p[n]) || p[n] == '_') && n + 1 < NAME_LEN)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* The triggers the SQLite parts of every migration leave, in order: a line inside
 * "-- @postgres" … "-- @end" is PostgreSQL's alone. */
static void expected_triggers(struct names *s)
{
	for (const struct migration *m = migrations; m->name; m++) {
		bool pg = false;
		for (const char *line = m->sql; *line;) {
			const char *end = strchr(line, '\n');
			size_t len = end ? (size_t)(end - line) : strlen(line);
			if (!strncmp(line, "-- @postgres", 12))
				pg = true;
			else if (!strncmp(line, "-- @end", 7) || !strncmp(line, "-- @sqlite", 10))
				pg = false;
			for (const char *p = line; !pg && p < line + len; p++) {
				char name[NAME_LEN];
				if (!strncasecmp(p, "CREATE TRIGGER ", 15)) {
					read_name(p + 15, name);
					add(s, name);
				} else if (!strncasecmp(p, "DROP TRIGGER ", 13)) {
					read_name(p + 13, name);
					drop(s, name);
				}
			}
			line = end ? end + 1 : line + len;
		}
	}
}

static void triggers_survive(void **state)
{
	(void)state;
	struct names want = {0}, have = {0};
	expected_triggers(&want);
	assert_true(want.n >= 27);   /* 032's 24 and 035's 3 at least: the parser found them */
	struct testdb t;
	testdb_open(&t, "migrations", 1780000000);
	struct db_stmt *st = db_query(t.db, "SELECT name FROM sqlite_master WHERE type = 'trigger'", "");
	assert_non_null(st);
	while (db_step(st) == DB_ROW)
		add(&have, db_col_text(st, 0));
	db_finalize(st);
	for (int i = 0; i < want.n; i++)
		if (find(&have, want.v[i]) < 0)
			fail_msg("trigger %s, created by a migration, is missing after the last one "
				 "(a table rebuilt without creating its triggers again?)", want.v[i]);
	testdb_close(&t);
}

/* Whether the references of the tables written by sql (run with the writes watched)
 * are broken somewhere. */
static bool breaks(struct db *db, const char *sql)
{
	struct db_written w = {0};
	db_sqlite_watch_writes(db, &w);
	assert_int_equal(db_exec(db, sql), DB_OK);
	db_sqlite_watch_writes(db, NULL);
	bool dangling = true;
	assert_int_equal(db_sqlite_dangling(db, &w, &dangling), DB_OK);
	return dangling;
}

/* After a migration, the references checked are those of the tables it wrote and those
 * to them, not the whole database's (minutes for a county): a row of totals referring to
 * a missing household is found after a statement that writes the totals, or the
 * households, and in a table rebuilt under another name, and not after one that writes only other tables
 * or only makes triggers and indexes. Every table is checked when too many were
 * written to name. */
static void references_checked(void **state)
{
	(void)state;
	struct testdb t;
	testdb_open(&t, "references", 1780000000);
	struct db *db = t.db;
	assert_false(breaks(db, "UPDATE ledger_totals SET entries = entries"));
	assert_int_equal(db_exec(db, "PRAGMA foreign_keys=OFF"), DB_OK);
	assert_int_equal(db_run(db, "INSERT INTO ledger_totals (household_id, period, period_kind, honour, "
				    "spendable, entries) VALUES (999999, '2026', 'year', 1, 1, 1)", ""),
			 DB_OK);
	assert_false(breaks(db, "UPDATE notices SET title = title WHERE id < 0"));
	assert_false(breaks(db, "CREATE INDEX test_totals_entries ON ledger_totals (entries); "
				"CREATE TRIGGER test_totals_t AFTER UPDATE ON households BEGIN "
				"DELETE FROM ledger_totals WHERE household_id = NEW.id; END; "
				"DROP TRIGGER test_totals_t"));
	assert_true(breaks(db, "UPDATE ledger_totals SET entries = entries WHERE household_id < 0"));
	assert_true(breaks(db, "DELETE FROM households WHERE id < 0"));
	/* a rebuild: made under another name, filled, the old one dropped, the new renamed */
	assert_int_equal(db_exec(db, "CREATE TABLE test_marks (id INTEGER PRIMARY KEY, household_id BIGINT "
				     "REFERENCES households(id)); INSERT INTO test_marks VALUES (1, 999999)"),
			 DB_OK);
	assert_true(breaks(db, "CREATE TABLE test_marks_new (id INTEGER PRIMARY KEY, household_id BIGINT "
			       "REFERENCES households(id), note TEXT); INSERT INTO test_marks_new (id, household_id) "
			       "SELECT id, household_id FROM test_marks; DROP TABLE test_marks; "
			       "ALTER TABLE test_marks_new RENAME TO test_marks"));
	assert_int_equal(db_exec(db, "DROP TABLE test_marks"), DB_OK);
	struct db_written all = {.full = true};
	bool dangling = false;
	assert_int_equal(db_sqlite_dangling(db, &all, &dangling), DB_OK);
	assert_true(dangling);
	assert_int_equal(db_run(db, "DELETE FROM ledger_totals WHERE household_id = 999999", ""), DB_OK);
	assert_int_equal(db_sqlite_dangling(db, &all, &dangling), DB_OK);
	assert_false(dangling);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(triggers_survive),
		cmocka_unit_test(references_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
