/* Unit test of the group commit on SQLite (db.h, db_group_open): transactions that end
 * while another waits for its turn are committed with it, in one commit; nothing of a
 * transaction is visible to other connections before that commit; a transaction rolled
 * back, or whose statement failed, leaves the others' work in the batch; one writer
 * alone commits on its own. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "testdb.h"

struct fixture {
	char path[64];
	struct db_group *g;
	struct db *a, *b, *reader;
};

static struct db *open_db(const char *path)
{
	struct db *db = NULL;
	char err[256];
	assert_int_equal(db_open(path, &db, err, sizeof(err)), DB_OK);
	return db;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/tmp/cunzhi-test-group-XXXXXX");
	int fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	f->reader = open_db(f->path);
	assert_int_equal(db_exec(f->reader, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)"), DB_OK);
	assert_non_null(f->g = db_group_new(DB_WRITE_WAIT_MS));
	f->a = open_db(f->path);
	f->b = open_db(f->path);
	db_group_join(f->a, f->g);
	db_group_join(f->b, f->g);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->a);
	db_close(f->b);
	db_close(f->reader);
	db_group_free(f->g);
	testdb_remove(f->path);
	free(f);
	return 0;
}

static int64_t rows(struct db *db, const char *v)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(db, &n, "SELECT count(*) FROM t WHERE v = ? OR ? IS NULL", "tt", v, v), DB_OK);
	return n;
}

static void wait_for_waiting(struct db_group *g, int n)
{
	for (;;) {   /* a state, not a time: the other thread asks for its turn */
		struct db_group_stats s;
		db_group_stats(g, &s);
		if (s.waiting == n)
			return;
		sched_yield();
	}
}

/* Thread A's part: ends its transaction (commit or rollback) and keeps the result. */
struct ender {
	struct db *db;
	bool commit;
	enum db_rc rc;
};

static void *end_tx(void *arg)
{
	struct ender *e = arg;
	e->rc = e->commit ? db_commit(e->db) : db_rollback(e->db);
	return NULL;
}

/* Thread B's part: begins (waiting for its turn), inserts v, tells the test it is
 * inside, waits to be let go, then commits. */
struct second {
	struct db *db;
	const char *v;
	bool rollback;
	pthread_mutex_t m;
	pthread_cond_t c;
	bool inside, go;
	enum db_rc begin_rc, insert_rc, commit_rc;
};

static void *second_tx(void *arg)
{
	struct second *s = arg;
	s->begin_rc = db_begin(s->db);
	s->insert_rc = db_run(s->db, "INSERT INTO t (v) VALUES (?)", "t", s->v);
	pthread_mutex_lock(&s->m);
	s->inside = true;
	pthread_cond_broadcast(&s->c);
	while (!s->go)
		pthread_cond_wait(&s->c, &s->m);
	pthread_mutex_unlock(&s->m);
	s->commit_rc = s->rollback ? db_rollback(s->db) : db_commit(s->db);
	return NULL;
}

/* A inserts first_v and ends (commit or rollback) while B waits for its turn; B then
 * inserts second_v inside the same batch (or a new one, when A rolled back) and commits
 * or rolls back; returns after both have finished. Checks what the reader sees while B
 * is inside. */
static void two_in_one(struct fixture *f, const char *first_v, bool first_commits, enum db_rc first_insert,
		       enum db_rc *first_end, const char *second_v, bool second_commits, enum db_rc second_insert)
{
	int64_t before = rows(f->reader, NULL);
	assert_int_equal(db_begin(f->a), DB_OK);
	assert_int_equal(db_run(f->a, "INSERT INTO t (v) VALUES (?)", "t", first_v), first_insert);
	struct second s = {.db = f->b, .v = second_v, .rollback = !second_commits};
	pthread_mutex_init(&s.m, NULL);
	pthread_cond_init(&s.c, NULL);
	pthread_t tb, ta;
	pthread_create(&tb, NULL, second_tx, &s);
	wait_for_waiting(f->g, 1);
	struct ender e = {.db = f->a, .commit = first_commits};
	pthread_create(&ta, NULL, end_tx, &e);
	pthread_mutex_lock(&s.m);
	while (!s.inside)
		pthread_cond_wait(&s.c, &s.m);
	/* A has ended and handed the batch on, B is inside it: nothing is committed yet */
	assert_int_equal(rows(f->reader, NULL), before);
	s.go = true;
	pthread_cond_broadcast(&s.c);
	pthread_mutex_unlock(&s.m);
	pthread_join(tb, NULL);
	pthread_join(ta, NULL);
	assert_int_equal(s.begin_rc, DB_OK);
	assert_int_equal(s.insert_rc, second_insert);
	assert_int_equal(s.commit_rc, DB_OK);
	*first_end = e.rc;
	pthread_mutex_destroy(&s.m);
	pthread_cond_destroy(&s.c);
}

static void two_commits_in_one(void **state)
{
	struct fixture *f = *state;
	enum db_rc end;
	two_in_one(f, "a", true, DB_OK, &end, "b", true, DB_OK);
	assert_int_equal(end, DB_OK);
	assert_int_equal(rows(f->reader, "a"), 1);
	assert_int_equal(rows(f->reader, "b"), 1);
	struct db_group_stats s;
	db_group_stats(f->g, &s);
	assert_int_equal(s.commits, 1);
	assert_int_equal(s.transactions, 2);
	assert_int_equal(s.waiting, 0);
}

static void rollback_leaves_the_other(void **state)
{
	struct fixture *f = *state;
	enum db_rc end;
	/* the first rolls back: the second runs in a batch of its own */
	two_in_one(f, "a", false, DB_OK, &end, "b", true, DB_OK);
	assert_int_equal(end, DB_OK);
	assert_int_equal(rows(f->reader, "a"), 0);
	assert_int_equal(rows(f->reader, "b"), 1);
	/* the second rolls back inside the first's batch: its savepoint alone is undone */
	two_in_one(f, "c", true, DB_OK, &end, "d", false, DB_OK);
	assert_int_equal(end, DB_OK);
	assert_int_equal(rows(f->reader, "c"), 1);
	assert_int_equal(rows(f->reader, "d"), 0);
	struct db_group_stats st;
	db_group_stats(f->g, &st);
	assert_int_equal(st.commits, 2);
	assert_int_equal(st.transactions, 3);   /* b; c with d, rolled back */
}

static void failed_statement_leaves_the_other(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_run(f->reader, "INSERT INTO t (v) VALUES ('taken')", ""), DB_OK);
	enum db_rc end;
	/* A's insert breaks the unique rule; A rolls back as the domain does */
	two_in_one(f, "taken", false, DB_CONSTRAINT, &end, "b", true, DB_OK);
	assert_int_equal(rows(f->reader, "taken"), 1);
	assert_int_equal(rows(f->reader, "b"), 1);
	assert_int_equal(rows(f->reader, NULL), 2);
	/* the same inside another's batch: B's insert fails, B rolls back, A's row stays */
	two_in_one(f, "a", true, DB_OK, &end, "taken", false, DB_CONSTRAINT);
	assert_int_equal(end, DB_OK);
	assert_int_equal(rows(f->reader, "a"), 1);
	assert_int_equal(rows(f->reader, "taken"), 1);
	assert_int_equal(rows(f->reader, NULL), 3);
}

static void alone_commits_at_once(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 3; i++) {
		char v[8];
		snprintf(v, sizeof(v), "x%d", i);
		assert_int_equal(db_begin(f->a), DB_OK);
		assert_true(db_in_tx(f->a));
		assert_int_equal(db_run(f->a, "INSERT INTO t (v) VALUES (?)", "t", v), DB_OK);
		/* inside, its own statements see its row; the others do not yet */
		assert_int_equal(rows(f->a, v), 1);
		assert_int_equal(rows(f->reader, v), 0);
		assert_int_equal(db_commit(f->a), DB_OK);
		assert_false(db_in_tx(f->a));
		assert_int_equal(rows(f->reader, v), 1);
		assert_int_equal(rows(f->b, v), 1);
	}
	struct db_group_stats s;
	db_group_stats(f->g, &s);
	assert_int_equal(s.commits, 3);
	assert_int_equal(s.transactions, 3);
	/* a commit outside a transaction is an error, as without the group */
	assert_int_not_equal(db_commit(f->a), DB_OK);
}

/* A transaction that holds its turn past the group's limit makes the next begin give
 * DB_BUSY (nothing else waits forever); once it ends, the next begins. */
static void busy_after_the_limit(void **state)
{
	struct fixture *f = *state;
	struct db_group *g = db_group_new(50);
	assert_non_null(g);
	struct db *a = open_db(f->path), *b = open_db(f->path);
	db_group_join(a, g);
	db_group_join(b, g);
	assert_int_equal(db_begin(a), DB_OK);
	assert_int_equal(db_run(a, "INSERT INTO t (v) VALUES ('held')", ""), DB_OK);
	assert_int_equal(db_begin(b), DB_BUSY);
	assert_false(db_in_tx(b));
	assert_non_null(strstr(db_errmsg(b), "waited"));
	assert_int_equal(db_commit(a), DB_OK);
	assert_int_equal(db_begin(b), DB_OK);
	assert_int_equal(db_run(b, "INSERT INTO t (v) VALUES ('next')", ""), DB_OK);
	assert_int_equal(db_commit(b), DB_OK);
	assert_int_equal(rows(f->reader, NULL), 2);
	struct db_group_stats st;
	db_group_stats(g, &st);
	assert_int_equal(st.waiting, 0);
	db_close(a);
	db_close(b);
	db_group_free(g);
}

/* Many writers at once: every write lands, in fewer commits than writes. */
#define WRITERS 6
#define WRITES 200

struct writer {
	const char *path;
	struct db_group *g;
	int k;
	int failed;
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	struct db *db = NULL;
	char err[256];
	if (db_open(w->path, &db, err, sizeof(err)) != DB_OK) {
		w->failed = WRITES;
		return NULL;
	}
	db_group_join(db, w->g);
	for (int i = 0; i < WRITES; i++) {
		char v[32];
		snprintf(v, sizeof(v), "w%d-%d", w->k, i);
		if (db_begin(db) != DB_OK) {
			w->failed++;
			continue;
		}
		enum db_rc rc = db_run(db, "INSERT INTO t (v) VALUES (?)", "t", v);
		if (rc != DB_OK) {
			db_rollback(db);
			w->failed++;
		} else if (db_commit(db) != DB_OK) {
			w->failed++;
		}
	}
	db_close(db);
	return NULL;
}

static void many_writers(void **state)
{
	struct fixture *f = *state;
	struct writer w[WRITERS];
	pthread_t t[WRITERS];
	for (int k = 0; k < WRITERS; k++) {
		w[k] = (struct writer){.path = f->path, .g = f->g, .k = k};
		pthread_create(&t[k], NULL, write_many, &w[k]);
	}
	for (int k = 0; k < WRITERS; k++) {
		pthread_join(t[k], NULL);
		assert_int_equal(w[k].failed, 0);
	}
	assert_int_equal(rows(f->reader, NULL), WRITERS * WRITES);
	struct db_group_stats s;
	db_group_stats(f->g, &s);
	assert_int_equal(s.transactions, WRITERS * WRITES);
	assert_true(s.commits <= s.transactions);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(two_commits_in_one, setup, teardown),
		cmocka_unit_test_setup_teardown(rollback_leaves_the_other, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_statement_leaves_the_other, setup, teardown),
		cmocka_unit_test_setup_teardown(alone_commits_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(busy_after_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(many_writers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
