/* Engine dispatch and the convenience helpers of the database port. */
#include "db/db_impl.h"

int db_open(const char *url, struct db **out, char *err, size_t errlen)
{
	struct db *db = calloc(1, sizeof(*db));
	if (!db) {
		str_copy(err, errlen, "out of memory");
		return DB_ERROR;
	}
	int rc;
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13) ||
	    strstr(url, "host=") || strstr(url, "dbname=")) {
		db->engine = DB_POSTGRES;
		db->ops = &db_pg_ops;
		rc = db_pg_open(url, db);
	} else {
		if (!strncmp(url, "sqlite:", 7))
			url += 7;
		db->engine = DB_SQLITE;
		db->ops = &db_sqlite_ops;
		rc = db_sqlite_open(url, db);
	}
	if (rc != DB_OK) {
		str_copy(err, errlen, db->err);
		if (db->handle)
			db->ops->close(db);
		free(db);
		return rc;
	}
	*out = db;
	return DB_OK;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->tx)
		db_rollback(db);
	db->ops->close(db);
	free(db);
}

enum db_engine db_engine(const struct db *db) { return db->engine; }
const char *db_errmsg(const struct db *db) { return db->err; }
int db_exec(struct db *db, const char *sql) { return db->ops->exec(db, sql); }
struct db_stmt *db_prepare(struct db *db, const char *sql) { return db->ops->prepare(db, sql); }
int db_bind_int(struct db_stmt *st, int i, int64_t v) { return st->db->ops->bind_int(st, i, v); }
int db_bind_text(struct db_stmt *st, int i, const char *s) { return st->db->ops->bind_text(st, i, s); }
int db_bind_null(struct db_stmt *st, int i) { return st->db->ops->bind_null(st, i); }
int db_step(struct db_stmt *st) { return st->db->ops->step(st); }
int db_reset(struct db_stmt *st) { return st->db->ops->reset(st); }
int db_columns(struct db_stmt *st) { return st->db->ops->columns(st); }
bool db_col_null(struct db_stmt *st, int c) { return st->db->ops->col_null(st, c); }
int64_t db_col_int(struct db_stmt *st, int c) { return st->db->ops->col_int(st, c); }
const char *db_col_text(struct db_stmt *st, int c) { return st->db->ops->col_text(st, c); }

void db_finalize(struct db_stmt *st)
{
	if (st)
		st->db->ops->finalize(st);
}

int db_begin(struct db *db)
{
	if (db->tx)
		return DB_ERROR;
	int rc = db->ops->exec(db, db->ops->begin_sql);
	if (rc == DB_OK)
		db->tx = 1;
	return rc;
}

int db_commit(struct db *db)
{
	int rc = db->ops->exec(db, "COMMIT");
	if (rc != DB_OK)
		db->ops->exec(db, "ROLLBACK");
	db->tx = 0;
	return rc;
}

int db_rollback(struct db *db)
{
	db->tx = 0;
	return db->ops->exec(db, "ROLLBACK");
}

bool db_in_tx(const struct db *db) { return db->tx != 0; }

struct db_stmt *db_vquery(struct db *db, const char *sql, const char *types, va_list ap)
{
	struct db_stmt *st = db_prepare(db, sql);
	if (!st)
		return NULL;
	int idx = 1, rc = DB_OK;
	for (const char *t = types; *t && rc == DB_OK; t++, idx++) {
		switch (*t) {
		case 'i': rc = db_bind_int(st, idx, va_arg(ap, int64_t)); break;
		case 't': rc = db_bind_text(st, idx, va_arg(ap, const char *)); break;
		case 'n': rc = db_bind_null(st, idx); break;
		default: rc = DB_ERROR;
		}
	}
	if (rc != DB_OK) {
		snprintf(db->err, sizeof(db->err), "bind %d failed for: %.200s", idx - 1, sql);
		db_finalize(st);
		return NULL;
	}
	return st;
}

struct db_stmt *db_query(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = db_vquery(db, sql, types, ap);
	va_end(ap);
	return st;
}

int db_run(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = db_vquery(db, sql, types, ap);
	va_end(ap);
	if (!st)
		return DB_ERROR;
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	db_finalize(st);
	return rc == DB_DONE ? DB_OK : rc;
}

int db_get_int(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = db_vquery(db, sql, types, ap);
	va_end(ap);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = db_col_int(st, 0);
		while ((rc = db_step(st)) == DB_ROW)
			;
		rc = rc == DB_DONE ? DB_OK : rc;
	}
	db_finalize(st);
	return rc;
}

int db_ping(struct db *db)
{
	int64_t one = 0;
	return db_get_int(db, &one, "SELECT 1", "");
}
