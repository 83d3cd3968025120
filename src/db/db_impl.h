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
	int tx;
	char err[512];
};

struct db_stmt {
	struct db *db;
	void *handle;
	int slot;           /* 1 + its place in db->stmt_cache when kept there, else 0 */
};

/* Both engines keep prepared statements per connection for reuse, found by their SQL
 * text in a direct-mapped table of DB_KEPT_SLOTS slots (db->stmt_cache); texts longer
 * than DB_KEPT_SQL_MAX (queries built with a varying list of scopes) are not kept, they
 * would only churn the table. Each engine's slot begins with this key. */
#define DB_KEPT_SLOTS 256
#define DB_KEPT_SQL_MAX 4096
struct db_kept_key {
	char *text;         /* the SQL as asked for, or NULL while the slot is empty */
	uint64_t hash;
	bool in_use;        /* handed out and not yet finalized */
};
/* The slot for sql in db's table (slots of elem bytes), the table made on first use.
 * NULL when sql is not to be kept: too long, no memory, or the slot's statement in use
 * (a query nested in a loop over another of the same slot). Otherwise *hit says whether
 * the slot holds sql already (it is then marked in use); *len, *hash are sql's length
 * and hash, *index the slot's place. */
struct db_kept_key *db_kept_slot(struct db *db, size_t elem, const char *sql, size_t *len, uint64_t *hash,
				 int *index, bool *hit);

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

int db_sqlite_open(const char *path, struct db *db);
int db_pg_open(const char *conninfo, struct db *db);
/* Waits up to ms for notifications and calls fn(payload, arg) for each (db_wait_notify). */
int db_pg_wait_notify(struct db *db, int ms, void (*fn)(const char *payload, void *arg), void *arg);

#endif
