/* Engine dispatch and the convenience helpers of the database port. */
#include <pthread.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "db/db_impl.h"

enum db_rc db_open(const char *url, struct db **out, char *err, size_t errlen)
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

/* The connection a statement of db's runs on: the group's during a transaction of a
 * grouped connection (db_group.c), else db. */
static struct db *route(const struct db *db) { return db->via ? db->via : (struct db *)db; }

enum db_engine db_engine(const struct db *db) { return db->engine; }
const char *db_errmsg(const struct db *db) { return route(db)->err; }
enum db_rc db_exec(struct db *db, const char *sql) { db = route(db); return db->ops->exec(db, sql); }

enum db_rc db_bulk_cache(struct db *db, bool on)
{
	if (db->engine != DB_SQLITE)
		return DB_OK;
	db->bulk = on;   /* its transactions do not join a batch (db_group.c) */
	char sql[64];
	/* negative: KiB; -2000 is SQLite's default */
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %d", on ? -DB_BULK_CACHE_MB * 1024 : -2000);
	return db_exec(db, sql);
}
struct db_stmt *db_prepare(struct db *db, const char *sql)
{
	db = route(db);
	struct db_stmt *st = db->ops->prepare(db, sql);
	if (st)
		db->open_stmts++;
	return st;
}
enum db_rc db_bind_int(struct db_stmt *st, int i, int64_t v) { return st->db->ops->bind_int(st, i, v); }
enum db_rc db_bind_text(struct db_stmt *st, int i, const char *s) { return st->db->ops->bind_text(st, i, s); }
enum db_rc db_bind_null(struct db_stmt *st, int i) { return st->db->ops->bind_null(st, i); }
enum db_rc db_step(struct db_stmt *st) { return st->db->ops->step(st); }
enum db_rc db_reset(struct db_stmt *st) { return st->db->ops->reset(st); }
int db_columns(struct db_stmt *st) { return st->db->ops->columns(st); }
bool db_col_null(struct db_stmt *st, int c) { return st->db->ops->col_null(st, c); }
int64_t db_col_int(struct db_stmt *st, int c) { return st->db->ops->col_int(st, c); }
const char *db_col_text(struct db_stmt *st, int c) { return st->db->ops->col_text(st, c); }

void db_finalize(struct db_stmt *st)
{
	if (st) {
		st->db->open_stmts--;
		st->db->ops->finalize(st);
	}
}

enum db_rc db_begin(struct db *db)
{
	if (db->tx)
		return DB_ERROR;
	if (db->group)
		return db_group_begin(db);
	int rc = db->ops->exec(db, db->ops->begin_sql);
	if (rc == DB_OK)
		db->tx = 1;
	return rc;
}

enum db_rc db_commit(struct db *db)
{
	if (db->group && db->tx)
		return db_group_commit(db);
	int rc = db->ops->exec(db, "COMMIT");
	if (rc != DB_OK)
		db->ops->exec(db, "ROLLBACK");
	db->tx = 0;
	return rc;
}

enum db_rc db_rollback(struct db *db)
{
	if (db->group && db->tx)
		return db_group_rollback(db);
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

/* The first column of the first row; the rest of the rows are read to the end. */
static int get_int(struct db_stmt *st, int64_t *out)
{
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

static int run(struct db_stmt *st)
{
	if (!st)
		return DB_ERROR;
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	db_finalize(st);
	return rc == DB_DONE ? DB_OK : rc;
}

enum db_rc db_run(struct db *db, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = db_vquery(db, sql, types, ap);
	va_end(ap);
	return run(st);
}

enum db_rc db_get_int(struct db *db, int64_t *out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = db_vquery(db, sql, types, ap);
	va_end(ap);
	return get_int(st, out);
}

/* ---- collected parameters ---- */

static bool args_room(struct db_args *a)
{
	if (a->n < DB_ARGS_MAX)
		return true;
	a->failed = true;
	return false;
}

void db_args_int(struct db_args *a, int64_t v)
{
	if (args_room(a)) {
		a->kind[a->n] = 'i';
		a->i[a->n++] = v;
	}
}

void db_args_text(struct db_args *a, const char *s)
{
	if (args_room(a)) {
		a->kind[a->n] = s ? 't' : 'n';
		a->t[a->n++] = s;
	}
}

void db_args_null(struct db_args *a)
{
	db_args_text(a, NULL);
}

void db_args_add(struct db_args *a, const struct db_args *src)
{
	a->failed |= src->failed;
	for (int k = 0; k < src->n; k++)
		if (src->kind[k] == 'i')
			db_args_int(a, src->i[k]);
		else
			db_args_text(a, src->t[k]);
}

struct db_stmt *db_query_args(struct db *db, const char *sql, const struct db_args *a)
{
	if (!sql) { /* a query that could not be put together (out of memory) */
		snprintf(db->err, sizeof(db->err), "no query");
		return NULL;
	}
	if (a->failed) {
		snprintf(db->err, sizeof(db->err), "too many parameters for: %.200s", sql);
		return NULL;
	}
	struct db_stmt *st = db_prepare(db, sql);
	int rc = DB_OK, k;
	for (k = 0; st && k < a->n && rc == DB_OK; k++)
		rc = a->kind[k] == 'i' ? db_bind_int(st, k + 1, a->i[k])
		   : a->kind[k] == 't' ? db_bind_text(st, k + 1, a->t[k])
				       : db_bind_null(st, k + 1);
	if (st && rc != DB_OK) {
		snprintf(db->err, sizeof(db->err), "bind %d failed for: %.200s", k, sql);
		db_finalize(st);
		return NULL;
	}
	return st;
}

enum db_rc db_run_args(struct db *db, const char *sql, const struct db_args *a)
{
	return run(db_query_args(db, sql, a));
}

enum db_rc db_get_int_args(struct db *db, int64_t *out, const char *sql, const struct db_args *a)
{
	return get_int(db_query_args(db, sql, a), out);
}

enum db_rc db_ping(struct db *db)
{
	int64_t one = 0;
	return db_get_int(db, &one, "SELECT 1", "");
}

enum db_rc db_lock_try(struct db *db, int64_t key, bool *got)
{
	*got = true;
	if (db->engine != DB_POSTGRES)
		return DB_OK;
	int64_t v = 0;
	enum db_rc rc = db_get_int(db, &v, "SELECT pg_try_advisory_lock(?)", "i", key);
	*got = rc == DB_OK && v;
	return rc;
}

enum db_rc db_lock(struct db *db, int64_t key)
{
	if (db->engine != DB_POSTGRES)
		return DB_OK;
	return db_run(db, "SELECT pg_advisory_lock(?)", "i", key);
}

enum db_rc db_unlock(struct db *db, int64_t key)
{
	if (db->engine != DB_POSTGRES)
		return DB_OK;
	return db_run(db, "SELECT pg_advisory_unlock(?)", "i", key);
}

/* The process's mark on the messages it sends: random, so that servers on different
 * machines with the same pid differ. */
static char origin[17];
static pthread_once_t origin_once = PTHREAD_ONCE_INIT;

static void make_origin(void)
{
	uint64_t r = 0;
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		r = ((uint64_t)getpid() << 32) ^ (uint64_t)t.tv_nsec ^ (uint64_t)t.tv_sec;
	}
	snprintf(origin, sizeof(origin), "%016llx", (unsigned long long)r);
}

enum db_rc db_notify(struct db *db, const char *channel, const char *payload)
{
	if (db->engine != DB_POSTGRES)
		return DB_OK;
	pthread_once(&origin_once, make_origin);
	char text[DB_NOTIFY_MAX + sizeof(origin) + 1];
	int n = snprintf(text, sizeof(text), "%s %s", origin, payload);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		snprintf(db->err, sizeof(db->err), "notification too long");
		return DB_ERROR;
	}
	return db_run(db, "SELECT pg_notify(?, ?)", "tt", channel, text);
}

struct db_kept_key *db_kept_slot(struct db *db, size_t elem, const char *sql, size_t *len, uint64_t *hash,
				 int *index, bool *hit)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	const char *p = sql;
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	*len = (size_t)(p - sql);
	*hash = h;
	if (*len > DB_KEPT_SQL_MAX)
		return NULL;
	if (!db->stmt_cache && !(db->stmt_cache = calloc(DB_KEPT_SLOTS, elem)))
		return NULL;
	int set = (int)(h % (DB_KEPT_SLOTS / DB_KEPT_WAYS)) * DB_KEPT_WAYS;
	struct db_kept_key *victim = NULL;
	for (int w = 0; w < DB_KEPT_WAYS; w++) {
		struct db_kept_key *k = (struct db_kept_key *)((char *)db->stmt_cache + (size_t)(set + w) * elem);
		if (k->text && k->hash == h && !strcmp(k->text, sql)) {
			if (k->in_use)
				return NULL;
			*hit = true;
			*index = set + w;
			k->in_use = true;
			k->used = ++db->kept_clock;
			return k;
		}
		if (!k->in_use && (!victim || (victim->text && (!k->text || k->used < victim->used)))) {
			victim = k;
			*index = set + w;
		}
	}
	*hit = false;
	if (victim)
		victim->used = ++db->kept_clock;
	return victim;
}

enum db_rc db_listen(struct db *db, const char *channel)
{
	if (db->engine != DB_POSTGRES)
		return DB_OK;
	/* a channel is an identifier: letters, digits and '_' only */
	char sql[160];
	size_t i = 0;
	for (; channel[i]; i++)
		if (!((channel[i] >= 'a' && channel[i] <= 'z') || (channel[i] >= '0' && channel[i] <= '9') ||
		      channel[i] == '_') || i > 60) {
			snprintf(db->err, sizeof(db->err), "bad channel name");
			return DB_ERROR;
		}
	/* named after its process and channel, so pg_stat_activity shows which listens */
	snprintf(sql, sizeof(sql), "SET application_name = 'cunzhi %ld listen:%s'", (long)getpid(), channel);
	enum db_rc rc = db_exec(db, sql);
	if (rc != DB_OK)
		return rc;
	snprintf(sql, sizeof(sql), "LISTEN %s", channel);
	return db_exec(db, sql);
}

struct own_filter {
	void (*fn)(const char *payload, void *arg);
	void *arg;
};

static void skip_own(const char *payload, void *arg)
{
	struct own_filter *f = arg;
	size_t k = sizeof(origin) - 1;
	if (strlen(payload) <= k || payload[k] != ' ')
		return;
	if (!strncmp(payload, origin, k))
		return;
	f->fn(payload + k + 1, f->arg);
}

enum db_rc db_wait_notify(struct db *db, int ms, void (*fn)(const char *payload, void *arg), void *arg)
{
	if (db->engine != DB_POSTGRES) {
		usleep((useconds_t)ms * 1000);
		return DB_OK;
	}
	pthread_once(&origin_once, make_origin);
	struct own_filter f = {fn, arg};
	return db_pg_wait_notify(db, ms, skip_own, &f);
}
