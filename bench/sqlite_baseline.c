/* The durable-write baseline for bench/run.sh: single-row INSERT transactions on a
 * raw SQLite database with the server's settings (WAL, synchronous=FULL, BEGIN
 * IMMEDIATE ... COMMIT), one after another from one connection, for SECONDS seconds
 * or MAX transactions, whichever comes first. Each commit waits for the WAL fsync,
 * so this is the disk's rate of durable commits as SQLite sees it.
 *
 *   sqlite_baseline FILE SECONDS [MAX]
 *
 * Prints one line: "SQLite <version>: <n> transactions in <s> s: <rate> tx/s". Exit 1 on
 * any error. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "sqlite_baseline: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: sqlite_baseline FILE SECONDS [MAX]\n");
		return 2;
	}
	double seconds = atof(argv[2]);
	long max = argc > 3 ? atol(argv[3]) : 1000000000L;
	sqlite3 *db = NULL;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die(db, "open");
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			 "CREATE TABLE IF NOT EXISTS bench (id INTEGER PRIMARY KEY, "
			 "address TEXT NOT NULL, updated_at INTEGER NOT NULL);",
			 NULL, NULL, NULL) != SQLITE_OK)
		die(db, "set up");
	sqlite3_stmt *begin, *insert, *commit;
	if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO bench (address, updated_at) VALUES (?, ?)", -1, &insert,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK)
		die(db, "prepare");

	double t0 = now(), t = t0;
	long n = 0;
	while (n < max && t - t0 < seconds) {
		if (sqlite3_step(begin) != SQLITE_DONE)
			die(db, "begin");
		sqlite3_reset(begin);
		sqlite3_bind_text(insert, 1, n % 2 ? "青山村第一组 1 号" : "青山村第一组 2 号", -1, SQLITE_STATIC);
		sqlite3_bind_int64(insert, 2, (sqlite3_int64)time(NULL));
		if (sqlite3_step(insert) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(insert);
		if (sqlite3_step(commit) != SQLITE_DONE)
			die(db, "commit");
		sqlite3_reset(commit);
		n++;
		t = now();
	}
	double dt = t - t0;
	printf("SQLite %s: %ld transactions in %.2f s: %.1f tx/s\n", sqlite3_libversion(), n, dt,
	       dt > 0 ? (double)n / dt : 0.0);
	sqlite3_finalize(begin);
	sqlite3_finalize(insert);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	return 0;
}
