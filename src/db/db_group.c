/* Group commit on SQLite (db.h, db_group_open).
 *
 * The write transactions of the joined connections run one after another on the
 * group's own connection W, each in a savepoint inside one SQLite transaction (the
 * batch). A transaction that ends while others wait for their turn leaves the commit to
 * them and waits; the one that ends with nobody waiting commits the batch: one fsync for
 * all of it. So a write is visible to other connections only once it is durable, and
 * db_commit (or db_rollback: its reads may have seen the batch) returns only then.
 *
 * state, under m: busy (W is someone's: a member's transaction or a commit), waiting
 * (members asking for their turn), open (the batch's BEGIN ran), members (those whose
 * transactions ended inside the open batch, waiting for its commit). */
#include <pthread.h>
#include <sqlite3.h>

#include "db/db_impl.h"
#include "util/log.h"

struct db_member {
	enum db_rc rc;
	bool done;
	struct db_member *next;
};

struct db_group {
	struct db *w;
	pthread_mutex_t m;
	pthread_cond_t turn;
	pthread_cond_t done;
	bool busy, open;
	int waiting;
	struct db_member *members;
	char err[256];            /* why the last batch that failed did */
	uint64_t batches, writes; /* committed batches and the transactions in them */
};

enum db_rc db_group_open(const char *url, struct db_group **out, char *err, size_t errlen)
{
	*out = NULL;
	struct db *w;
	enum db_rc rc = db_open(url, &w, err, errlen);
	if (rc != DB_OK)
		return rc;
	if (w->engine != DB_SQLITE) {
		db_close(w);
		return DB_OK;
	}
	struct db_group *g = calloc(1, sizeof(*g));
	if (!g) {
		db_close(w);
		str_copy(err, errlen, "out of memory");
		return DB_ERROR;
	}
	g->w = w;
	pthread_mutex_init(&g->m, NULL);
	pthread_cond_init(&g->turn, NULL);
	pthread_cond_init(&g->done, NULL);
	*out = g;
	return DB_OK;
}

void db_group_close(struct db_group *g)
{
	if (!g)
		return;
	db_close(g->w);
	pthread_mutex_destroy(&g->m);
	pthread_cond_destroy(&g->turn);
	pthread_cond_destroy(&g->done);
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
 * dropped around the commit itself, busy kept meanwhile so nobody else touches W. */
static void commit_batch(struct db_group *g)
{
	int n = 0;
	for (struct db_member *p = g->members; p; p = p->next)
		n++;
	pthread_mutex_unlock(&g->m);
	enum db_rc rc;
	if (sqlite3_get_autocommit(g->w->handle)) {
		snprintf(g->w->err, sizeof(g->w->err), "the transaction was rolled back by the database");
		rc = DB_ERROR;
	} else if ((rc = db_exec(g->w, "COMMIT")) != DB_OK) {
		log_msg(LOG_ERROR, "group commit failed", "error", g->w->err, NULL);
		db_exec(g->w, "ROLLBACK");
	}
	pthread_mutex_lock(&g->m);
	if (rc != DB_OK)
		str_copy(g->err, sizeof(g->err), g->w->err);
	for (struct db_member *p = g->members; p; p = p->next) {
		p->rc = rc;
		p->done = true;
	}
	if (rc == DB_OK) {
		g->batches++;
		g->writes += (uint64_t)n;
	}
	g->members = NULL;
	g->open = false;
	pthread_cond_broadcast(&g->done);
}

static enum db_rc group_end(struct db *db, bool commit);

enum db_rc db_group_begin(struct db *db)
{
	struct db_group *g = db->group;
	struct db *w = g->w;
	pthread_mutex_lock(&g->m);
	g->waiting++;
	while (g->busy)
		pthread_cond_wait(&g->turn, &g->m);
	g->waiting--;
	g->busy = true;
	/* a long transaction (a roster import) does not keep the batch's members waiting for
	 * it; nor is a batch SQLite gave up on carried on */
	if (g->open && (db->bulk || sqlite3_get_autocommit(w->handle)))
		commit_batch(g);
	enum db_rc rc = DB_OK;
	if (!g->open) {
		pthread_mutex_unlock(&g->m);
		rc = db_exec(w, w->ops->begin_sql);
		pthread_mutex_lock(&g->m);
		g->open = rc == DB_OK;
	}
	if (rc != DB_OK) {
		str_copy(db->err, sizeof(db->err), w->err);
		g->busy = false;
		pthread_cond_signal(&g->turn);
		pthread_mutex_unlock(&g->m);
		return rc;
	}
	pthread_mutex_unlock(&g->m);
	db->via = w;
	db->tx = 1;
	if ((rc = db_exec(w, "SAVEPOINT member")) != DB_OK ||
	    (db->bulk && (rc = db_bulk_pragma(w, true)) != DB_OK)) {
		str_copy(db->err, sizeof(db->err), w->err);
		group_end(db, false);
		return rc;
	}
	return DB_OK;
}

static enum db_rc group_end(struct db *db, bool commit)
{
	struct db_group *g = db->group;
	struct db *w = g->w;
	enum db_rc rc = commit ? db_exec(w, "RELEASE member") : DB_ERROR;
	if (rc != DB_OK) {
		if (commit)
			str_copy(db->err, sizeof(db->err), w->err);
		/* undone; fails harmlessly when SQLite rolled the whole batch back already */
		enum db_rc undo = db_exec(w, "ROLLBACK TO member; RELEASE member");
		if (!commit)
			rc = undo;
	}
	if (db->bulk)
		db_bulk_pragma(w, false);
	if (w->open_stmts) {
		/* a statement of this transaction still open would be stepped on W while
		 * another thread's transaction runs there */
		log_msg(LOG_ERROR, "a statement was left open after its transaction", NULL);
		abort();
	}
	db->via = NULL;
	db->tx = 0;
	struct db_member me = {.rc = DB_OK};
	pthread_mutex_lock(&g->m);
	me.next = g->members;
	g->members = &me;
	if (g->waiting > 0 && !db->bulk) {
		/* the next transaction carries the batch on and commits it, or its successor */
		g->busy = false;
		pthread_cond_signal(&g->turn);
		while (!me.done)
			pthread_cond_wait(&g->done, &g->m);
	} else {
		commit_batch(g);
		g->busy = false;
		pthread_cond_signal(&g->turn);
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
