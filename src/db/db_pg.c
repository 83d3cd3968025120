/* PostgreSQL backend over libpq: '?' placeholders become $1…$n, parameters are sent
 * as text, results are read as text. */
#include <libpq-fe.h>
#include <poll.h>

#include "db/db_impl.h"
#include "util/buf.h"
#include "util/num.h"

struct pg_stmt {
	char *sql;
	int nparams;
	char *params[DB_MAX_PARAMS];
	PGresult *res;
	int row, nrows;
	bool ran;
};

static int pg_fail(struct db *db, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(db->err, sizeof(db->err), "%s", PQerrorMessage(db->handle));
	if (state && !strncmp(state, "23", 2))
		return DB_CONSTRAINT;
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")))
		return DB_BUSY;
	return DB_ERROR;
}

int db_pg_open(const char *conninfo, struct db *db)
{
	PGconn *c = PQconnectdb(conninfo);
	db->handle = c;
	if (!c || PQstatus(c) != CONNECTION_OK) {
		snprintf(db->err, sizeof(db->err), "%s", c ? PQerrorMessage(c) : "cannot connect");
		return DB_ERROR;
	}
	return db_pg_ops.exec(db, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
}

static int pg_exec(struct db *db, const char *sql)
{
	PGresult *r = PQexec(db->handle, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? DB_OK : pg_fail(db, r);
	PQclear(r);
	return rc;
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql)
{
	struct db_stmt *st = calloc(1, sizeof(*st));
	struct pg_stmt *p = calloc(1, sizeof(*p));
	struct buf b;
	buf_init(&b, 1 << 20);
	bool in_str = false;
	for (const char *s = sql; *s; s++) {
		if (*s == '\'')
			in_str = !in_str;
		if (*s == '?' && !in_str) {
			if (p->nparams >= DB_MAX_PARAMS)
				b.failed = true;
			buf_addf(&b, "$%d", ++p->nparams);
		} else {
			buf_addc(&b, *s);
		}
	}
	if (!st || !p || b.failed) {
		snprintf(db->err, sizeof(db->err), "cannot prepare: %.200s", sql);
		buf_release(&b);
		free(st);
		free(p);
		return NULL;
	}
	p->sql = buf_detach(&b, NULL);
	st->db = db;
	st->handle = p;
	return st;
}

static int pg_set(struct db_stmt *st, int i, char *v)
{
	struct pg_stmt *p = st->handle;
	if (i < 1 || i > p->nparams) {
		free(v);
		snprintf(st->db->err, sizeof(st->db->err), "parameter %d out of range", i);
		return DB_ERROR;
	}
	free(p->params[i - 1]);
	p->params[i - 1] = v;
	return DB_OK;
}

static int pg_bind_int(struct db_stmt *st, int i, int64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	return pg_set(st, i, strdup(tmp));
}

static int pg_bind_text(struct db_stmt *st, int i, const char *s)
{
	return pg_set(st, i, s ? strdup(s) : NULL);
}

static int pg_bind_null(struct db_stmt *st, int i) { return pg_set(st, i, NULL); }

static int pg_step(struct db_stmt *st)
{
	struct pg_stmt *p = st->handle;
	if (!p->ran) {
		p->ran = true;
		p->res = PQexecParams(st->db->handle, p->sql, p->nparams, NULL,
				      (const char *const *)p->params, NULL, NULL, 0);
		ExecStatusType s = PQresultStatus(p->res);
		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
			return pg_fail(st->db, p->res);
		p->nrows = PQntuples(p->res);
		p->row = -1;
	}
	if (!p->res || PQresultStatus(p->res) == PGRES_FATAL_ERROR)
		return DB_ERROR;
	if (p->row + 1 < p->nrows) {
		p->row++;
		return DB_ROW;
	}
	return DB_DONE;
}

static int pg_reset(struct db_stmt *st)
{
	struct pg_stmt *p = st->handle;
	PQclear(p->res);
	p->res = NULL;
	p->ran = false;
	for (int i = 0; i < p->nparams; i++) {
		free(p->params[i]);
		p->params[i] = NULL;
	}
	return DB_OK;
}

static int pg_columns(struct db_stmt *st)
{
	struct pg_stmt *p = st->handle;
	return p->res ? PQnfields(p->res) : 0;
}

static bool pg_col_null(struct db_stmt *st, int c)
{
	struct pg_stmt *p = st->handle;
	return PQgetisnull(p->res, p->row, c);
}

static const char *pg_col_text(struct db_stmt *st, int c)
{
	struct pg_stmt *p = st->handle;
	return PQgetvalue(p->res, p->row, c);
}

static int64_t pg_col_int(struct db_stmt *st, int c)
{
	const char *s = pg_col_text(st, c);
	int64_t v = 0;
	if (!strcmp(s, "t"))
		return 1;
	num_parse_i64(s, INT64_MIN, INT64_MAX, &v);
	return v;
}

static void pg_finalize(struct db_stmt *st)
{
	struct pg_stmt *p = st->handle;
	pg_reset(st);
	free(p->sql);
	free(p);
	free(st);
}

/* Notifications that came in during queries are queued by libpq: handled first, then
 * the socket is watched for more. */
int db_pg_wait_notify(struct db *db, int ms, void (*fn)(const char *payload, void *arg), void *arg)
{
	PGconn *c = db->handle;
	for (int round = 0; round < 2; round++) {
		PGnotify *n;
		int seen = 0;
		while ((n = PQnotifies(c))) {
			fn(n->extra, arg);
			PQfreemem(n);
			seen++;
		}
		if (seen || round)
			break;
		struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
		if (p.fd < 0)
			break;
		int r = poll(&p, 1, ms);
		if (r < 0)
			return DB_OK; /* a signal: the caller looks again */
		if (r == 0)
			return DB_OK;
		if (!PQconsumeInput(c))
			break;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(db->err, sizeof(db->err), "%s", PQerrorMessage(c));
		return DB_ERROR;
	}
	return DB_OK;
}

static void pg_close(struct db *db) { PQfinish(db->handle); }

const struct db_ops db_pg_ops = {
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.reset = pg_reset,
	.columns = pg_columns,
	.col_null = pg_col_null,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.finalize = pg_finalize,
	.close = pg_close,
	.begin_sql = "BEGIN ISOLATION LEVEL READ COMMITTED",
};
