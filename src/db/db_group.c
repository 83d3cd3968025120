/* Group commit on SQLite (db.h, db_group_new).
 *
 * The write transactions of the joined connections run one after another inside one
 * SQLite transaction (the batch), on the connection of the batch's first transaction
 * (its owner: a writer alone keeps using its own connection and its page cache, as
 * without the group), each of the others in a savepoint. A transaction that ends while
 * others wait for their turn leaves the commit to them and waits; the one that ends with
 * nobody waiting commits the batch: one fsync for all of it. So a write is visible to
 * other connections only once it is durable, and db_commit (or db_rollback: its reads may
 * have seen the batch) returns only then. The owner's thread is waiting meanwhile, so
 * its connection is used by one thread at a time.
 *
 * state, under m: busy (the owner's connection is someone's: a member's transaction or a
 * commit), waiting (members asking for their turn), owner (the open batch's connection,
 * NULL when none is open), members (those whose transactions ended inside the open
 * batch, waiting for its commit). */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "db/db_impl.h"
#include "util/log.h"

struct db_member {
	enum db_rc rc;
	bool done;
	struct db_member *next;
};

struct db_group {
	pthread_mutex_t m;
	pthread_cond_t turn;      /* the connection is free (monotonic clock) */
	pthread_cond_t done;
	pthread_cond_t arrive;    /* a transaction asks for its turn (monotonic clock) */
	bool busy;
	int waiting;
	struct db *owner;
	struct db_member *members;
	char err[256];            /* why the last batch that failed did */
	uint64_t batches, writes; /* committed batches and the transactions in them */
	int size;                 /* transactions ended in the open batch */
	int last_size;            /* transactions in the last batch */
	int64_t commit_ns;        /* a commit's duration, smoothed */
	int64_t wait_ns;          /* the longest a transaction waits for its turn */
};

/* The longest a transaction that would commit waits for another to arrive, when the last
 * batch held more transactions than this one so far (the writers came together): half a
 * commit's duration, so that on a disk whose sync takes milliseconds the writers of a
 * busy moment share it, and on one that syncs in a tenth of a millisecond nobody waits
 * longer than that. */
#define GROUP_WAIT_MAX_NS 2000000

static int64_t mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct timespec mono_at(int64_t ns)
{
	return (struct timespec){.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
}

struct db_group *db_group_new(int wait_ms)
{
	struct db_group *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->wait_ns = (int64_t)wait_ms * 1000000;
	pthread_mutex_init(&g->m, NULL);
	pthread_cond_init(&g->done, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->turn, &ca);
	pthread_cond_init(&g->arrive, &ca);
	pthread_condattr_destroy(&ca);
	return g;
}

void db_group_free(struct db_group *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->m);
	pthread_cond_destroy(&g->turn);
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->arrive);
	free(g);
}

void db_group_join(struct db *db, struct db_group *g)
{
	if (g && db->engine == DB_SQLITE)
		db->group = g;
}

void db_group_stats(struct db_group *g, struct db_group_stats *out)
{
	pthread_mutex_lock(&g->m);
	*out = (struct db_group_stats){.commits = g->batches, .transactions = g->writes, .waiting = g->waiting};
	pthread_mutex_unlock(&g->m);
}

/* Commits the open batch (or finds it lost: SQLite rolls a whole transaction back on
 * some errors, a full disk among them) and tells its members; m held on entry and exit,
 * dropped around the commit itself, busy kept meanwhile so nobody else touches the
 * owner's connection. */
static void commit_batch(struct db_group *g)
{
	int n = g->size;
	struct db *w = g->owner;
	pthread_mutex_unlock(&g->m);
	enum db_rc rc;
	int64_t t0 = mono_ns();
	if (sqlite3_get_autocommit(w->handle)) {
		snprintf(w->err, sizeof(w->err), "the transaction was rolled back by the database");
		rc = DB_ERROR;
	} else if ((rc = db_run(w, "COMMIT", "")) != DB_OK) {
		log_msg(LOG_ERROR, "group commit failed", "error", w->err, NULL);
		db_exec(w, "ROLLBACK");
	}
	pthread_mutex_lock(&g->m);
	if (rc != DB_OK)
		str_copy(g->err, sizeof(g->err), w->err);
	for (struct db_member *p = g->members; p; p = p->next) {
		p->rc = rc;
		p->done = true;
	}
	if (rc == DB_OK) {
		g->batches++;
		g->writes += (uint64_t)n;
		int64_t took = mono_ns() - t0;
		g->commit_ns = g->commit_ns ? (g->commit_ns * 7 + took) / 8 : took;
	}
	g->last_size = n;
	g->size = 0;
	g->members = NULL;
	g->owner = NULL;
	pthread_cond_broadcast(&g->done);
}

static enum db_rc group_end(struct db *db, bool commit);

/* The connection is free: the next waiting transaction may take its turn (m held). */
static void release_turn(struct db_group *g)
{
	g->busy = false;
	pthread_cond_signal(&g->turn);
}

/* A statement of db's transaction still open would be stepped on w while another
 * thread's transaction runs there. */
static void group_check_stmts(const struct db *db, const struct db *w)
{
	if (w->open_stmts != db->own_stmts) {
		log_msg(LOG_ERROR, "a statement was left open after its transaction", NULL);
		abort();
	}
}

enum db_rc db_group_begin(struct db *db)
{
	struct db_group *g = db->group;
	pthread_mutex_lock(&g->m);
	g->waiting++;
	pthread_cond_signal(&g->arrive);
	struct timespec until = mono_at(mono_ns() + g->wait_ns);
	while (g->busy)
		if (pthread_cond_timedwait(&g->turn, &g->m, &until) == ETIMEDOUT && g->busy) {
			/* another transaction has held the turn this long: busy, as SQLite's
			 * lock timeout was */
			g->waiting--;
			pthread_mutex_unlock(&g->m);
			snprintf(db->err, sizeof(db->err), "waited %lld ms for the other writers",
				 (long long)(g->wait_ns / 1000000));
			return DB_BUSY;
		}
	g->waiting--;
	g->busy = true;
	/* a long transaction (a roster import) does not keep the batch's members waiting for
	 * it; nor is a batch SQLite gave up on carried on */
	if (g->owner && (db->bulk || sqlite3_get_autocommit(g->owner->handle)))
		commit_batch(g);
	enum db_rc rc = DB_OK;
	if (!g->owner) {
		pthread_mutex_unlock(&g->m);
		rc = db_run(db, db->ops->begin_sql, "");
		pthread_mutex_lock(&g->m);
		if (rc == DB_OK)
			g->owner = db;
	}
	if (rc != DB_OK) {
		release_turn(g);
		pthread_mutex_unlock(&g->m);
		return rc;
	}
	struct db *w = g->owner;
	pthread_mutex_unlock(&g->m);
	db->via = w == db ? NULL : w;
	db->tx = 1;
	db->own_stmts = w->open_stmts;
	/* the batch's first transaction is alone in it: its rollback is the batch's, no
	 * savepoint needed (a savepoint keeps the original of every page it changes) */
	if (w != db && (rc = db_run(w, "SAVEPOINT member", "")) != DB_OK) {
		str_copy(db->err, sizeof(db->err), w->err);
		group_end(db, false);
		return rc;
	}
	return DB_OK;
}

static enum db_rc group_end(struct db *db, bool commit)
{
	struct db_group *g = db->group;
	struct db *w = g->owner;   /* ours while busy */
	if (w == db && !commit) {
		/* the batch's first transaction, alone in it: the batch ends here */
		enum db_rc rc = db_exec(w, "ROLLBACK");
		group_check_stmts(db, w);
		db->tx = 0;
		pthread_mutex_lock(&g->m);
		g->owner = NULL;
		release_turn(g);
		pthread_mutex_unlock(&g->m);
		return rc;
	}
	enum db_rc rc = commit ? (w == db ? DB_OK : db_run(w, "RELEASE member", "")) : DB_ERROR;
	if (rc != DB_OK) {
		if (commit)
			str_copy(db->err, sizeof(db->err), w->err);
		/* undone; fails harmlessly when SQLite rolled the whole batch back already */
		enum db_rc undo = db_run(w, "ROLLBACK TO member", "");
		if (undo == DB_OK)
			undo = db_run(w, "RELEASE member", "");
		if (!commit)
			rc = undo;
	}
	group_check_stmts(db, w);
	db->via = NULL;
	db->tx = 0;
	struct db_member me = {.rc = DB_OK};
	pthread_mutex_lock(&g->m);
	me.next = g->members;
	g->members = &me;
	g->size++;
	if (g->waiting == 0 && !db->bulk && g->size < g->last_size) {
		/* the last batch held more: its writers may come, wait a little for the next */
		int64_t wait = g->commit_ns / 2 < GROUP_WAIT_MAX_NS ? g->commit_ns / 2 : GROUP_WAIT_MAX_NS;
		struct timespec ts = mono_at(mono_ns() + wait);
		while (g->waiting == 0 && pthread_cond_timedwait(&g->arrive, &g->m, &ts) == 0)
			;
	}
	if (g->waiting > 0 && !db->bulk) {
		/* the next transaction carries the batch on and commits it, or its successor */
		release_turn(g);
		while (!me.done)
			pthread_cond_wait(&g->done, &g->m);
	} else {
		commit_batch(g);
		release_turn(g);
	}
	if (rc == DB_OK && me.rc != DB_OK) {
		str_copy(db->err, sizeof(db->err), g->err);
		rc = me.rc;
	}
	pthread_mutex_unlock(&g->m);
	return rc;
}

enum db_rc db_group_commit(struct db *db) { return group_end(db, true); }
enum db_rc db_group_rollback(struct db *db) { return group_end(db, false); }
