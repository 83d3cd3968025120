/* PostgreSQL backend over libpq: '?' placeholders become $1…$n, parameters are sent
 * as text, results are read as text.
 *
 * Statements kept per connection, as the SQLite backend keeps them: a request runs the
 * same few dozen statements again and again, and parsing, analysing and rewriting each
 * every time is work the server repeats for nothing. A statement is found by its SQL
 * text in the table of db_kept_slot (db_impl.h); the first run of a slot's text prepares
 * it on the server under the slot's name (PQprepare, "cz_<slot>"), later runs only
 * execute it (PQexecPrepared). A slot taken by another text deallocates the old one
 * first. A statement asked for while its kept copy is in use (a query nested in a loop
 * over the same query) and long texts (queries built with a varying list of scopes) run
 * unnamed, with PQexecParams, as before. Prepared statements outlive transactions, a
 * rolled-back one included, and end with the connection.
 *
 * Statements that match a parameter as a LIKE pattern (the unit-scoped reads: path
 * LIKE '/1/2/%', domain/kernel/scope.h) are kept too, their text translated once, but
 * never prepared on the server: they run unnamed (db_like_param, asked when a text is
 * first kept). After five runs of a prepared statement PostgreSQL may switch to a
 * generic plan, planned without the parameters' values, and a generic plan cannot know
 * how much a prefix selects. It guesses one unit in two hundred where a town or the
 * county has hundreds, and joins the big tables as if one unit's rows came out: the
 * county's audit log page went from about a second to over a minute on its sixth
 * request. Unnamed, such a statement is planned for its values every time
 * (bench/README.md, "Generic and custom plans"). Forcing
 * custom plans for every statement of the connection would halve the short pages. */
#include <ctype.h>
#include <libpq-fe.h>
#include <poll.h>
#include <strings.h>
#include <unistd.h>

#include "db/db_impl.h"
#include "util/buf.h"
#include "util/num.h"

struct kept;

struct pg_stmt {
	char *sql;
	int nparams;
	char *params[DB_MAX_PARAMS];
	PGresult *res;
	int row, nrows;
	bool ran;
	struct kept *kept;    /* the slot it is kept in, or NULL */
};

struct kept {
	struct db_kept_key key; /* first: db_kept_slot reads it; the SQL with '?' placeholders */
	bool unnamed;         /* a LIKE parameter (db_like_param): kept here, run unnamed */
	bool prepared;        /* prepared on the server under name */
	char name[16];
	struct pg_stmt p;
	struct db_stmt st;
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
	/* each connection names its process (unless the connection string names itself),
	 * so pg_stat_activity tells which server a session belongs to */
	char name[40];
	snprintf(name, sizeof(name), "cunzhi %ld", (long)getpid());
	const char *const keys[] = {"dbname", "fallback_application_name", NULL};
	const char *const values[] = {conninfo, name, NULL};
	PGconn *c = PQconnectdbParams(keys, values, 1);
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

/* '?' → $n into p->sql; false when there are too many parameters or no memory. */
static bool translate(struct pg_stmt *p, const char *sql)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	bool in_str = false;
	p->nparams = 0;
	for (const char *q = sql; *q; q++) {
		if (*q == '\'')
			in_str = !in_str;
		if (*q == '?' && !in_str) {
			if (p->nparams >= DB_MAX_PARAMS)
				b.failed = true;
			buf_addf(&b, "$%d", ++p->nparams);
		} else {
			buf_addc(&b, *q);
		}
	}
	if (b.failed) {
		buf_release(&b);
		return false;
	}
	p->sql = buf_detach(&b, NULL);
	return p->sql != NULL;
}

static struct db_stmt *fresh(struct db *db, const char *sql)
{
	struct db_stmt *st = calloc(1, sizeof(*st));
	struct pg_stmt *p = calloc(1, sizeof(*p));
	if (!st || !p || !translate(p, sql)) {
		snprintf(db->err, sizeof(db->err), "cannot prepare: %.200s", sql);
		free(st);
		free(p);
		return NULL;
	}
	st->db = db;
	st->handle = p;
	return st;
}

static void pg_clear(struct pg_stmt *p)
{
	PQclear(p->res);
	p->res = NULL;
	p->ran = false;
	for (int i = 0; i < p->nparams; i++) {
		free(p->params[i]);
		p->params[i] = NULL;
	}
}

/* Forgets a slot's statement, on the server too when it was prepared there. */
static void evict(struct db *db, struct kept *k)
{
	if (k->prepared && PQstatus(db->handle) == CONNECTION_OK) {
		char sql[40];
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", k->name);
		PQclear(PQexec(db->handle, sql));
	}
	pg_clear(&k->p);
	free(k->p.sql);
	free(k->key.text);
	k->p.sql = k->key.text = NULL;
	k->prepared = false;
}

bool db_like_param(const char *sql)
{
	bool in_str = false;
	for (const char *q = sql; *q; q++) {
		if (*q == '\'')
			in_str = !in_str;
		if (*q != '?' || in_str)
			continue;
		const char *e = q;
		while (e > sql && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t'))
			e--;
		if (e - sql >= 4 && !strncasecmp(e - 4, "LIKE", 4) &&
		    (e - sql == 4 || !(isalnum((unsigned char)e[-5]) || e[-5] == '_')))
			return true;
	}
	return false;
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql)
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
	/* a DEALLOCATE inside an aborted transaction fails: the slot is left as it is */
	if (k->prepared && PQtransactionStatus(db->handle) == PQTRANS_INERROR)
		return fresh(db, sql);
	char *copy = malloc(len + 1);
	struct pg_stmt p = {0};
	if (!copy || !translate(&p, sql)) {
		free(copy);
		return fresh(db, sql);
	}
	memcpy(copy, sql, len + 1);
	if (k->key.text)
		evict(db, k);
	k->key.text = copy;
	k->key.hash = hash;
	k->unnamed = db_like_param(sql);
	k->p = p;
	k->p.kept = k;
	k->key.in_use = true;
	snprintf(k->name, sizeof(k->name), "cz_%d", i);
	k->st.db = db;
	k->st.handle = &k->p;
	k->st.slot = i + 1;
	return &k->st;
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
		struct kept *k = p->kept;
		if (k && k->unnamed)
			k = NULL;
		if (k && !k->prepared) {
			PGresult *r = PQprepare(st->db->handle, k->name, p->sql, p->nparams, NULL);
			k->prepared = PQresultStatus(r) == PGRES_COMMAND_OK;
			if (!k->prepared) {
				p->res = r;
				return pg_fail(st->db, r);
			}
			PQclear(r);
		}
		if (k)
			p->res = PQexecPrepared(st->db->handle, k->name, p->nparams, (const char *const *)p->params,
						NULL, NULL, 0);
		else
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
	pg_clear(st->handle);
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
	pg_clear(p);
	if (p->kept) {
		p->kept->key.in_use = false;
		return;
	}
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

static void pg_close(struct db *db)
{
	struct kept *kept = db->stmt_cache;
	for (int i = 0; kept && i < DB_KEPT_SLOTS; i++) {
		pg_clear(&kept[i].p);
		free(kept[i].p.sql);
		free(kept[i].key.text);
	}
	free(kept);
	db->stmt_cache = NULL;
	PQfinish(db->handle);
}

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
