/* SQLite backend: WAL, synchronous=FULL, foreign keys, busy timeout. */
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include <strings.h>

#include "db/db_impl.h"

static int map_rc(struct db *db, int rc)
{
	if (rc == SQLITE_OK)
		return DB_OK;
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	snprintf(db->err, sizeof(db->err), "%s", sqlite3_errmsg(db->handle));
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return DB_BUSY;
	default: return DB_ERROR;
	}
}

/* A savepoint keeps the original of every page changed inside it in a statement
 * journal, which SQLite moves to a temporary file past 64 KiB by default: a counter
 * redemption inside another's batch (db_group.c) changes about 30 pages, and wrote
 * them to such a file each time. Up to 4 MiB stay in memory. */
static pthread_once_t configured = PTHREAD_ONCE_INIT;
static void configure(void)
{
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 4 << 20);
	/* no count of SQLite's memory: kept, every allocation of every connection took one
	 * process-wide lock, which the server's threads queued on */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int db_sqlite_open(const char *path, struct db *db)
{
	pthread_once(&configured, configure);
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					   SQLITE_OPEN_NOMUTEX, NULL);
	db->handle = h;
	if (rc != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "%s: %s", path, h ? sqlite3_errmsg(h) : "cannot open");
		return DB_ERROR;
	}
	/* one file has one writer at a time: a writer of another process waits this long
	 * for the lock before failing (db.h) */
	sqlite3_busy_timeout(h, DB_WRITE_WAIT_MS);
	return db_sqlite_ops.exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				      "PRAGMA foreign_keys=ON;");
}

static bool written(const struct db_written *w, const char *table);

static void note_written(struct db_written *w, const char *table)
{
	if (!table || !strncmp(table, "sqlite_", 7) || w->full || written(w, table))
		return;
	size_t len = strlen(table);
	if (w->n == DB_WRITTEN_MAX || len >= DB_WRITTEN_NAME) {
		w->full = true;
		return;
	}
	memcpy(w->names[w->n++], table, len + 1);
}

static int authorize(void *arg, int action, const char *a, const char *b, const char *dbname, const char *trigger)
{
	(void)dbname;
	(void)trigger;
	struct db_written *w = arg;
	switch (action) {
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
	case SQLITE_CREATE_TABLE:
	case SQLITE_DROP_TABLE:
		note_written(w, a);
		break;
	case SQLITE_ALTER_TABLE:   /* a: the schema, b: the table */
		note_written(w, b);
		break;
	default:
		break;
	}
	return SQLITE_OK;
}

void db_sqlite_watch_writes(struct db *db, struct db_written *w)
{
	sqlite3_set_authorizer(db->handle, w ? authorize : NULL, w);
}

static bool written(const struct db_written *w, const char *table)
{
	for (int i = 0; i < w->n; i++)
		if (!strcasecmp(w->names[i], table))
			return true;
	return false;
}

int db_sqlite_dangling(struct db *db, const struct db_written *w, bool *dangling)
{
	*dangling = false;
	/* each table once: its name, then the parent of each of its references (NULL for a
	 * table without any), in order of name */
	struct db_stmt *st = db_query(db, w->full ? "PRAGMA foreign_key_check"
						  : "SELECT m.name, f.\"table\" FROM sqlite_schema m LEFT JOIN "
						    "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name",
				      "");
	if (!st)
		return DB_ERROR;
	if (w->full) {
		int rc = db_step(st);
		db_finalize(st);
		*dangling = rc == DB_ROW;
		return rc == DB_ROW || rc == DB_DONE ? DB_OK : rc;
	}
	char last[DB_WRITTEN_NAME] = "";
	int rc = DB_DONE;
	while (!*dangling && (rc = db_step(st)) == DB_ROW) {
		const char *table = db_col_text(st, 0);
		if (!strcasecmp(table, last) || !(written(w, table) || written(w, db_col_text(st, 1))))
			continue;
		if (!str_copy(last, sizeof(last), table))
			last[0] = '\0';   /* a longer name: checked again on its next row, harmlessly */
		int64_t found = 0;
		/* the check runs on a statement of its own while st is open */
		if ((rc = db_get_int(db, &found, "SELECT EXISTS (SELECT 1 FROM pragma_foreign_key_check(?))", "t",
				     table)) != DB_OK)
			break;
		*dangling = found != 0;
		rc = DB_DONE;
	}
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
}

static int lite_exec(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->handle, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int r = map_rc(db, rc);
		if (msg)
			snprintf(db->err, sizeof(db->err), "%s", msg);
		sqlite3_free(msg);
		return r;
	}
	return DB_OK;
}

/* Prepared statements kept per connection (one connection per worker thread): a request
 * runs the same few dozen statements again and again, and parsing and planning them
 * each time was a tenth of a durable write's CPU and more of a short read's. A statement
 * is found by its SQL text in the table of db_kept_slot (db_impl.h); finalizing a kept
 * one resets it and clears its bindings instead. A statement that is not to be kept (its
 * slot's statement in use, a long text) is prepared afresh and finalized. */
struct kept {
	struct db_kept_key key; /* first: db_kept_slot reads it */
	sqlite3_stmt *h;
	struct db_stmt st;
};

static struct db_stmt *fresh(struct db *db, const char *sql)
{
	sqlite3_stmt *h;
	if (sqlite3_prepare_v2(db->handle, sql, -1, &h, NULL) != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "%s in: %.200s", sqlite3_errmsg(db->handle), sql);
		return NULL;
	}
	struct db_stmt *st = calloc(1, sizeof(*st));
	if (!st) {
		sqlite3_finalize(h);
		return NULL;
	}
	st->db = db;
	st->handle = h;
	return st;
}

static struct db_stmt *lite_prepare(struct db *db, const char *sql)
{
	size_t len;
	uint64_t hash;
	int i;
	bool hit;
	struct kept *k = (struct kept *)db_kept_slot(db, sizeof(struct kept), sql, &len, &hash, &i, &hit);
	if (!k)
		return fresh(db, sql);
	if (hit)
		return &k->st;
	sqlite3_stmt *h;
	if (sqlite3_prepare_v2(db->handle, sql, -1, &h, NULL) != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "%s in: %.200s", sqlite3_errmsg(db->handle), sql);
		return NULL;
	}
	char *copy = malloc(len + 1);
	if (!copy) {
		sqlite3_finalize(h);
		return fresh(db, sql);
	}
	memcpy(copy, sql, len + 1);
	if (k->h)
		sqlite3_finalize(k->h);
	free(k->key.text);
	k->key.text = copy;
	k->key.hash = hash;
	k->key.in_use = true;
	k->h = h;
	k->st.db = db;
	k->st.handle = h;
	k->st.slot = i + 1;
	return &k->st;
}

static int lite_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return map_rc(st->db, sqlite3_bind_int64(st->handle, i, v));
}

static int lite_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (!s)
		return map_rc(st->db, sqlite3_bind_null(st->handle, i));
	return map_rc(st->db, sqlite3_bind_text(st->handle, i, s, -1, SQLITE_TRANSIENT));
}

static int lite_bind_null(struct db_stmt *st, int i)
{
	return map_rc(st->db, sqlite3_bind_null(st->handle, i));
}

static int lite_step(struct db_stmt *st) { return map_rc(st->db, sqlite3_step(st->handle)); }

static int lite_reset(struct db_stmt *st)
{
	sqlite3_reset(st->handle);
	return map_rc(st->db, sqlite3_clear_bindings(st->handle));
}

static int lite_columns(struct db_stmt *st) { return sqlite3_column_count(st->handle); }

static bool lite_col_null(struct db_stmt *st, int c)
{
	return sqlite3_column_type(st->handle, c) == SQLITE_NULL;
}

static int64_t lite_col_int(struct db_stmt *st, int c) { return sqlite3_column_int64(st->handle, c); }

static const char *lite_col_text(struct db_stmt *st, int c)
{
	const unsigned char *t = sqlite3_column_text(st->handle, c);
	return t ? (const char *)t : "";
}

static void lite_finalize(struct db_stmt *st)
{
	if (st->slot) {
		struct kept *k = (struct kept *)st->db->stmt_cache + (st->slot - 1);
		sqlite3_reset(k->h);
		sqlite3_clear_bindings(k->h);
		k->key.in_use = false;
		return;
	}
	sqlite3_finalize(st->handle);
	free(st);
}

static void lite_close(struct db *db)
{
	struct kept *kept = db->stmt_cache;
	for (int i = 0; kept && i < DB_KEPT_SLOTS; i++) {
		if (kept[i].h)
			sqlite3_finalize(kept[i].h);
		free(kept[i].key.text);
	}
	free(kept);
	db->stmt_cache = NULL;
	sqlite3_close_v2(db->handle);
}

const struct db_ops db_sqlite_ops = {
	.exec = lite_exec,
	.prepare = lite_prepare,
	.bind_int = lite_bind_int,
	.bind_text = lite_bind_text,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.reset = lite_reset,
	.columns = lite_columns,
	.col_null = lite_col_null,
	.col_int = lite_col_int,
	.col_text = lite_col_text,
	.finalize = lite_finalize,
	.close = lite_close,
	.begin_sql = "BEGIN IMMEDIATE",
};
