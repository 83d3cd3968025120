/* The database port: one small API over two engines, SQLite (embedded default) and
 * PostgreSQL (libpq). SQL is written once with '?' placeholders; the PostgreSQL backend
 * numbers them. Inserts that need the new id use "RETURNING id" (both engines).
 * A connection belongs to one thread at a time. */
#ifndef DB_DB_H
#define DB_DB_H

#include <stdarg.h>

#include "util/common.h"

enum db_engine { DB_SQLITE, DB_POSTGRES };

/* What the port's calls return; a type of its own, so that the compiler tells a
 * database code from a domain result (enum result). */
enum db_rc {
	DB_OK = 0,
	DB_ROW = 1,          /* db_step: a row is ready */
	DB_DONE = 2,         /* db_step: no more rows */
	DB_ERROR = -1,
	DB_CONSTRAINT = -2,  /* unique or foreign-key violation */
	DB_BUSY = -3,        /* lock timeout or serialization failure: retry the transaction */
};

struct db;
struct db_stmt;

/* url: "postgres://…", "postgresql://…" or a libpq "host=…" string selects PostgreSQL;
 * anything else is a SQLite file path (an optional "sqlite:" prefix is removed). */
enum db_rc db_open(const char *url, struct db **out, char *err, size_t errlen);
void db_close(struct db *db);
enum db_engine db_engine(const struct db *db);
const char *db_errmsg(const struct db *db);

/* A round trip to the database: DB_OK when it answers. */
enum db_rc db_ping(struct db *db);
/* Runs a script of statements without parameters (migrations, pragmas). */
enum db_rc db_exec(struct db *db, const char *sql);

struct db_stmt *db_prepare(struct db *db, const char *sql);
enum db_rc db_bind_int(struct db_stmt *st, int idx, int64_t v);     /* idx from 1 */
enum db_rc db_bind_text(struct db_stmt *st, int idx, const char *s); /* NULL binds NULL */
enum db_rc db_bind_null(struct db_stmt *st, int idx);
enum db_rc db_step(struct db_stmt *st);
enum db_rc db_reset(struct db_stmt *st);   /* ready to bind and run again */
int db_columns(struct db_stmt *st);
bool db_col_null(struct db_stmt *st, int col);              /* col from 0 */
int64_t db_col_int(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);       /* "" for NULL; valid until next step */
void db_finalize(struct db_stmt *st);

/* Write transactions. SQLite takes the write lock at begin (BEGIN IMMEDIATE), so
 * conflicting writers wait instead of failing mid-way: DB_WRITE_WAIT_MS for SQLite's
 * lock, or for their turn in a group (below), then DB_BUSY. The longest transaction is
 * a county's roster import (500,000 residents: its writes take about 20-40 s on a shared
 * 2-CPU machine), which other writers wait out. */
#define DB_WRITE_WAIT_MS 60000
enum db_rc db_begin(struct db *db);
enum db_rc db_commit(struct db *db);
enum db_rc db_rollback(struct db *db);
bool db_in_tx(const struct db *db);

/* Group commit (SQLite; the server's connections). Several durable commits at once cost
 * about one: the write transactions of the connections joined to a group run one after
 * another inside one SQLite transaction on the connection of its first one (the others
 * each in a savepoint), which commits (one fsync) when a transaction ends and no other
 * is waiting for its turn; the others that ended in it wait for that commit. So a write
 * is visible to other connections only once it is durable, and db_commit returns only
 * then (so does db_rollback: the transaction may have read the others' work). One
 * writer at a time commits on its own connection, as without the group. A grouped connection's
 * statements inside a transaction may run on another's connection and must all be
 * finalized before db_commit or db_rollback (a leftover aborts the process: another
 * thread's transaction is using that connection next). Writers in one process no longer
 * wait for SQLite's lock with its sleeps, they queue. A transaction begun after
 * db_bulk_cache (a long one) commits the open batch first and does not join one.
 * Joining a PostgreSQL connection changes nothing (the server has its own group commit). */
struct db_group;
/* A transaction waits at most wait_ms for its turn, then db_begin gives DB_BUSY, as
 * for SQLite's lock (DB_WRITE_WAIT_MS). NULL when out of memory. */
struct db_group *db_group_new(int wait_ms);
void db_group_free(struct db_group *g);
void db_group_join(struct db *db, struct db_group *g);
/* The commits so far, the transactions they held and the transactions waiting now for
 * their turn. */
struct db_group_stats {
	uint64_t commits, transactions;
	int waiting;
};
void db_group_stats(struct db_group *g, struct db_group_stats *out);

/* Around one large write transaction (a roster import of a county's size): on SQLite
 * the connection keeps up to DB_BULK_CACHE_MB of pages instead of its default 2 MB, so
 * the transaction's index pages are not spilled to the WAL and read back over and over;
 * off returns to the default and frees them. Nothing on PostgreSQL (its cache is the
 * server's). */
#define DB_BULK_CACHE_MB 64
enum db_rc db_bulk_cache(struct db *db, bool on);

/* A lock shared by every server on one database, held by this connection until
 * db_unlock or its close (PostgreSQL's session advisory locks; on SQLite, where one
 * file has one writer at a time, it is always granted at once). db_lock_try sets *got
 * and never waits; db_lock waits for it. */
enum db_rc db_lock_try(struct db *db, int64_t key, bool *got);
enum db_rc db_lock(struct db *db, int64_t key);
enum db_rc db_unlock(struct db *db, int64_t key);

/* Messages between the servers on one database (PostgreSQL's LISTEN/NOTIFY; on SQLite,
 * one server per file, nothing is sent). db_notify sends payload (at most
 * DB_NOTIFY_MAX bytes) on channel from inside the caller's transaction: it is delivered
 * when the transaction commits, never when it rolls back. A listening connection
 * (db_listen) gets the messages of every other process; db_wait_notify waits up to ms
 * for them and calls fn with each payload, the process's own messages left out. It
 * returns DB_ERROR when the connection is lost (the caller opens a new one). */
#define DB_NOTIFY_MAX 512
enum db_rc db_notify(struct db *db, const char *channel, const char *payload);
enum db_rc db_listen(struct db *db, const char *channel);
enum db_rc db_wait_notify(struct db *db, int ms, void (*fn)(const char *payload, void *arg), void *arg);

/* Conveniences. types is a string of bind kinds, one per argument: 'i' int64_t,
 * 't' const char * (NULL binds NULL), 'n' no argument, binds NULL. */
struct db_stmt *db_query(struct db *db, const char *sql, const char *types, ...);
struct db_stmt *db_vquery(struct db *db, const char *sql, const char *types, va_list ap);
/* Runs a statement to completion; returns DB_OK or an error code. */
enum db_rc db_run(struct db *db, const char *sql, const char *types, ...);
/* Runs a statement that returns one integer (e.g. "… RETURNING id", "SELECT count(*)").
 * Returns DB_OK, DB_DONE when no row came back, or an error code. */
enum db_rc db_get_int(struct db *db, int64_t *out, const char *sql, const char *types, ...);

/* Bound parameters collected while a query is put together, for queries whose list of
 * parameters varies (filters, scopes): add them in the order of their '?' in the SQL.
 * Past DB_ARGS_MAX the set is marked failed and the queries below return errors. */
#define DB_ARGS_MAX 256

struct db_args {
	int n;
	bool failed;
	char kind[DB_ARGS_MAX];          /* 'i' integer, 't' text, 'n' NULL */
	int64_t i[DB_ARGS_MAX];
	const char *t[DB_ARGS_MAX];
};

void db_args_int(struct db_args *a, int64_t v);
void db_args_text(struct db_args *a, const char *s);      /* NULL binds NULL */
void db_args_null(struct db_args *a);
/* Appends every parameter of src to a. */
void db_args_add(struct db_args *a, const struct db_args *src);
/* db_query, db_run and db_get_int with collected parameters. */
struct db_stmt *db_query_args(struct db *db, const char *sql, const struct db_args *a);
enum db_rc db_run_args(struct db *db, const char *sql, const struct db_args *a);
enum db_rc db_get_int_args(struct db *db, int64_t *out, const char *sql, const struct db_args *a);

#endif
