/* The database fixture of the unit tests that need one: a fresh SQLite file with the
 * migrations applied and a system context on it (fixed test keys, an arena, a clock the
 * test sets), plus helpers that make org units, households and users. Its functions
 * fail the running cmocka test on any error. */
#ifndef TESTS_UNIT_TESTDB_H
#define TESTS_UNIT_TESTDB_H

#include "domain/kernel/ctx.h"

struct testdb {
	char path[64];        /* the database file */
	struct db *db;
	struct keys keys;     /* pii 0x11…, lookup 0x22…, sign 0x33… */
	struct ctx c;         /* system context: db, keys, arena (256 MiB cap), now */
};

/* Creates /tmp/cunzhi-test-<name>-XXXXXX, migrates it and sets up t->c with the clock
 * at now. */
void testdb_open(struct testdb *t, const char *name, int64_t now);
/* Frees the arena, closes the database and removes its files (-wal and -shm too). */
void testdb_close(struct testdb *t);
/* Removes a SQLite file with its -wal and -shm. */
void testdb_remove(const char *path);
/* Clears the context's error before the next domain call. */
void testdb_reset(struct testdb *t);

/* Makes an org unit (org_create as the system); returns its id. */
int64_t testdb_unit(struct testdb *t, int64_t parent, const char *kind, const char *code, const char *name);
/* Inserts a household of a village (group 0 = none) without audit; returns its id. */
int64_t testdb_household(struct testdb *t, int64_t village, int64_t group, const char *number);
/* Inserts an active user without password or roles; returns its id. */
int64_t testdb_user(struct testdb *t, const char *phone, const char *name);

#endif
