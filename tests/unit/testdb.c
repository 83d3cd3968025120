/* The unit tests' database fixture (see testdb.h). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <unistd.h>

#include "db/migrate.h"
#include "domain/kernel/org.h"
#include "testdb.h"

void testdb_open(struct testdb *t, const char *name, int64_t now)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "/tmp/cunzhi-test-%s-XXXXXX", name);
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	close(fd);
	char err[256];
	assert_int_equal(db_open(t->path, &t->db, err, sizeof(err)), DB_OK);
	int applied;
	assert_int_equal(migrate_apply(t->db, &applied, err, sizeof(err)), DB_OK);
	assert_int_equal(crypto_init(), 0);
	memset(t->keys.pii, 0x11, sizeof(t->keys.pii));
	memset(t->keys.lookup, 0x22, sizeof(t->keys.lookup));
	memset(t->keys.sign, 0x33, sizeof(t->keys.sign));
	t->c.db = t->db;
	t->c.keys = &t->keys;
	t->c.system = true;
	t->c.arena = arena_new(256u << 20);
	assert_non_null(t->c.arena);
	t->c.now = now;
}

void testdb_remove(const char *path)
{
	char side[PATH_MAX];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

void testdb_close(struct testdb *t)
{
	arena_free(t->c.arena);
	db_close(t->db);
	testdb_remove(t->path);
}

void testdb_reset(struct testdb *t)
{
	memset(&t->c.err, 0, sizeof(t->c.err));
}

int64_t testdb_unit(struct testdb *t, int64_t parent, const char *kind, const char *code, const char *name)
{
	struct org_input in = {.parent_id = parent, .kind = kind, .code = code, .name = name};
	int64_t id = 0;
	testdb_reset(t);
	assert_int_equal(org_create(&t->c, &in, &id), RC_OK);
	return id;
}

int64_t testdb_household(struct testdb *t, int64_t village, int64_t group, const char *number)
{
	int64_t id = 0;
	assert_int_equal(db_get_int(t->db, &id,
				    "INSERT INTO households (village_id, group_id, number, created_at, updated_at) "
				    "VALUES (?, NULLIF(CAST(? AS BIGINT), 0), ?, 0, 0) RETURNING id",
				    "iit", village, group, number),
			 DB_OK);
	return id;
}

int64_t testdb_user(struct testdb *t, const char *phone, const char *name)
{
	int64_t id = 0;
	assert_int_equal(db_get_int(t->db, &id,
				    "INSERT INTO users (phone, name, status, created_at, updated_at) "
				    "VALUES (?, ?, 'active', 0, 0) RETURNING id", "tt", phone, name),
			 DB_OK);
	return id;
}
