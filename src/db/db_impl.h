/* Internal interface between db.c and its two engine backends. */
#ifndef DB_IMPL_H
#define DB_IMPL_H

#include "db/db.h"

#define DB_MAX_PARAMS 64

struct db_ops {
	int (*exec)(struct db *db, const char *sql);
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	int (*bind_int)(struct db_stmt *st, int idx, int64_t v);
	int (*bind_text)(struct db_stmt *st, int idx, const char *s);
	int (*bind_null)(struct db_stmt *st, int idx);
	int (*step)(struct db_stmt *st);
	int (*reset)(struct db_stmt *st);
	int (*columns)(struct db_stmt *st);
	bool (*col_null)(struct db_stmt *st, int col);
	int64_t (*col_int)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	void (*finalize)(struct db_stmt *st);
	void (*close)(struct db *db);
	const char *begin_sql;
};

struct db {
	enum db_engine engine;
	const struct db_ops *ops;
	void *handle;
	void *stmt_cache;   /* the backend's prepared statements kept for reuse, or NULL */
	uint64_t kept_clock; /* counts the statements handed out of stmt_cache, for its LRU */
	int tx;
	int open_stmts;     /* prepared and not yet finalized */
	struct db_group *group; /* joined to one (db_group_join), or NULL */
	struct db *via;     /* in a grouped transaction: the batch's connection when another's */
	int own_stmts;      /* in a grouped transaction: the batch connection's open_stmts at its start */
	bool bulk;          /* db_bulk_cache on: a grouped transaction does not join a batch */
	char err[512];
};

struct db_stmt {
	struct db *db;
	void *handle;
	int slot;           /* 1 + its place in db->stmt_cache when kept there, else 0 */
};

/* Both engines keep prepared statements per connection for reuse, found by their SQL
 * text in a table of DB_KEPT_SLOTS slots (db->stmt_cache) in sets of DB_KEPT_WAYS: a
 * text's hash picks its set, and a text new to a full set takes the place of the set's
 * least recently used statement. (Direct-mapped, one slot per hash, two statements of
 * one request that shared a slot were prepared afresh each time: a counter redemption
 * prepared four of its statements on every request.) Texts longer than DB_KEPT_SQL_MAX
 * (queries built with a varying list of scopes) are not kept, they would only churn the
 * table. Each engine's slot begins with this key. */
#define DB_KEPT_SLOTS 256
#define DB_KEPT_WAYS 4
#define DB_KEPT_SQL_MAX 4096
struct db_kept_key {
	char *text;         /* the SQL as asked for, or NULL while the slot is empty */
	uint64_t hash;
	uint64_t used;      /* db->kept_clock when last handed out */
	bool in_use;        /* handed out and not yet finalized */
};
/* The slot for sql in db's table (slots of elem bytes), the table made on first use.
 * NULL when sql is not to be kept: too long, no memory, sql's own statement in use (a
 * query nested in a loop over the same query) or every slot of its set in use. Otherwise
 * *hit says whether the slot holds sql already, else it is the slot to replace (empty or
 * the set's least recently used); either way it is marked used now. *len, *hash are sql's
 * length and hash, *index the slot's place. */
struct db_kept_key *db_kept_slot(struct db *db, size_t elem, const char *sql, size_t *len, uint64_t *hash,
				 int *index, bool *hit);

/* Whether sql matches a parameter as a LIKE pattern ("path LIKE ?", "LIKE ? ESCAPE"), '?'
 * inside string literals aside: PostgreSQL runs such statements unnamed (db_pg.c). */
bool db_like_param(const char *sql);

/* db_begin, db_commit and db_rollback of a grouped connection (db_group.c). */
enum db_rc db_group_begin(struct db *db);
enum db_rc db_group_commit(struct db *db);
enum db_rc db_group_rollback(struct db *db);

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

int db_sqlite_open(const char *path, struct db *db);

/* The tables SQLite statements wrote while watched (inserted, updated or deleted rows,
 * created, dropped or altered the table), sqlite_* tables aside; full when more than
 * DB_WRITTEN_MAX tables were, or one had a longer name, and then unknown. */
#define DB_WRITTEN_MAX 64
#define DB_WRITTEN_NAME 64
struct db_written {
	char names[DB_WRITTEN_MAX][DB_WRITTEN_NAME];
	int n;
	bool full;
};
/* Notes into w the tables every statement prepared on db from now writes; NULL stops. */
void db_sqlite_watch_writes(struct db *db, struct db_written *w);
/* Whether some row of a table in w, or of a table with a foreign key to one of them,
 * refers to a missing parent (PRAGMA foreign_key_check of those tables alone): the
 * references a run of statements may have broken. Every table is checked when w is
 * full. DB_OK and *dangling, or the error. */
int db_sqlite_dangling(struct db *db, const struct db_written *w, bool *dangling);
int db_pg_open(const char *conninfo, struct db *db);
/* Waits up to ms for notifications and calls fn(payload, arg) for each (db_wait_notify). */
int db_pg_wait_notify(struct db *db, int ms, void (*fn)(const char *payload, void *arg), void *arg);

#endif
