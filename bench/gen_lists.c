/* The benchmark's lists generator: execution records 执行记录 for the whole demo county
 * (`cunzhi demo --scale county`: 18 villages in 2 towns, each with its adopted lists),
 * written straight into the SQLite database with prepared statements.
 *
 *   gen_lists DATA [RECORDS [DAYS]]        (defaults 100000 and 730)
 *
 * Each record is one exercise of an item of its village's current version (not the
 * negative list): started at a time of day between 08:00 and 18:00 on a day of the
 * period (weekdays 1.0, weekends 0.3), by the cadre (service items for a household of
 * the village); then its frozen steps, each done between two hours and 1.3 times its
 * limit (8 % of the steps late, up to twice the limit), cut at the present: the step
 * not done by now is the current one with its due date, the record closed a few hours
 * after its last step (done 93 %, rejected 5 %, withdrawn 2 %; its outcome public when
 * a step is disclosed). 0.3 % of the records stall at a step and stay open, the long
 * overdue ones. Due dates are the server's: a step's limit in working days from when
 * it became current, the record's total limit from its start, on the holiday calendar
 * of the database (util/workdays.c, as calendar_deadline computes them). Not written:
 * photos, votes, and the audit entries of these historical records (no measured
 * request reads them). One transaction per 5,000 records, synchronous=OFF.
 * Deterministic (fixed seed; the dates follow today). Prints key=value lines. */
#include <sqlite3.h>
#include <time.h>

#include "util/num.h"
#include "util/timeutil.h"
#include "util/workdays.h"

#define MAXV 64
#define MAXI 128
#define MAXS 12

#define GEN_SEED 0x71696e67646e6121ULL
#include "gen.h"


static sqlite3 *db;

static void die(const char *what)
{
	fprintf(stderr, "gen_lists: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(sql);
	return st;
}

static void exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

static int64_t one_int(const char *sql, int64_t arg)
{
	sqlite3_stmt *st = prep(sql);
	sqlite3_bind_int64(st, 1, arg);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

struct step {
	char name[200], role[24], attachments[400];
	int limit;
	int disclose;
};

struct item {
	int64_t id;
	int service, days, nsteps, disclosed;
	struct step steps[MAXS];
};

struct village {
	int64_t id, cadre, first_hh;
	int nhh, nitems;
	struct item *items;
	int seq[4];          /* codes per year, from the first year of the period */
};

static struct village vs[MAXV];
static int nv;
static struct workdays cal;

static void load(void)
{
	sqlite3_stmt *st = prep("SELECT id FROM org_units WHERE kind = 'village' ORDER BY id");
	while (sqlite3_step(st) == SQLITE_ROW && nv < MAXV)
		vs[nv++].id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (!nv)
		die("no villages (run `cunzhi demo --scale county` first)");
	for (int v = 0; v < nv; v++) {
		struct village *x = &vs[v];
		x->cadre = one_int("SELECT user_id FROM role_grants WHERE role = 'cadre' AND unit_id = ? ORDER BY id LIMIT 1", x->id);
		x->first_hh = one_int("SELECT min(id) FROM households WHERE village_id = ?", x->id);
		x->nhh = (int)one_int("SELECT count(*) FROM households WHERE village_id = ?", x->id);
		int64_t version = one_int("SELECT id FROM list_versions WHERE village_id = ? ORDER BY n DESC LIMIT 1", x->id);
		if (!version)
			die("a village without adopted lists");
		x->items = calloc(MAXI, sizeof(*x->items));
		sqlite3_stmt *q = prep("SELECT id, kind, time_limit_days FROM list_items WHERE version_id = ? "
				       "AND COALESCE(section, '') <> 'negative' ORDER BY ord");
		sqlite3_bind_int64(q, 1, version);
		while (sqlite3_step(q) == SQLITE_ROW && x->nitems < MAXI) {
			struct item *it = &x->items[x->nitems++];
			it->id = sqlite3_column_int64(q, 0);
			it->service = !strcmp((const char *)sqlite3_column_text(q, 1), "service");
			it->days = sqlite3_column_int(q, 2);
		}
		sqlite3_finalize(q);
		for (int i = 0; i < x->nitems; i++) {
			struct item *it = &x->items[i];
			q = prep("SELECT name, role, limit_days, disclose, attachments FROM list_item_steps WHERE item_id = ? ORDER BY n");
			sqlite3_bind_int64(q, 1, it->id);
			while (sqlite3_step(q) == SQLITE_ROW && it->nsteps < MAXS) {
				struct step *s = &it->steps[it->nsteps++];
				snprintf(s->name, sizeof(s->name), "%s", (const char *)sqlite3_column_text(q, 0));
				snprintf(s->role, sizeof(s->role), "%s", (const char *)sqlite3_column_text(q, 1));
				s->limit = sqlite3_column_int(q, 2);
				s->disclose = sqlite3_column_int(q, 3);
				snprintf(s->attachments, sizeof(s->attachments), "%s", (const char *)sqlite3_column_text(q, 4));
				it->disclosed |= s->disclose;
			}
			sqlite3_finalize(q);
		}
	}
	/* the holiday calendar, as calendar_deadline reads it */
	static int64_t off[4096], on[4096];
	st = prep("SELECT day, kind FROM holiday_calendar WHERE kind <> 'normal' ORDER BY day");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t d;
		if (time_parse_date((const char *)sqlite3_column_text(st, 0), &d))
			continue;
		if (!strcmp((const char *)sqlite3_column_text(st, 1), "workday")) {
			if (cal.non < 4096)
				on[cal.non++] = d;
		} else if (cal.noff < 4096) {
			off[cal.noff++] = d;
		}
	}
	sqlite3_finalize(st);
	cal.off = off;
	cal.on = on;
}

static sqlite3_stmt *ins_x, *ins_s;
static int64_t now_t;
static struct {
	int64_t records, steps, open, closed, overdue, late_steps;
} S;

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void record(struct village *v, int64_t t0, int year_index, int year)
{
	struct item *it = &v->items[rnd(v->nitems)];
	if (!it->nsteps)
		return;
	int64_t hh = it->service && v->nhh ? v->first_hh + rnd(v->nhh) : 0;
	int64_t due = workdays_deadline(&cal, t0, it->days);
	bool stall = rnd(1000) < 3;
	int stall_at = stall ? rnd(it->nsteps) : -1;
	int64_t started[MAXS] = {0}, sdue[MAXS] = {0}, done[MAXS] = {0};
	int64_t t = t0;
	int current = 0, late = 0;
	for (int n = 0; n < it->nsteps; n++) {
		started[n] = t;
		sdue[n] = workdays_deadline(&cal, t, it->steps[n].limit);
		int64_t span = (int64_t)it->steps[n].limit * 86400;
		int64_t d = rnd(100) < 8 ? span + rnd((int)span + 1) : 7200 + rnd((int)(span * 13 / 10));
		if (n == 0 && !strcmp(it->steps[0].role, "applicant"))
			d = 0;   /* submitting is done by starting */
		if (n == stall_at || t + d >= now_t) {
			current = n + 1;
			break;
		}
		t += d;
		done[n] = t;
		late += t > sdue[n];
	}
	int64_t closed = 0;
	const char *outcome = NULL;
	if (!current) {
		closed = t + 3600 + rnd(20 * 3600);
		if (closed >= now_t) {
			closed = 0;
		} else {
			int r = rnd(100);
			outcome = r < 93 ? "done" : r < 98 ? "rejected" : "withdrawn";
		}
	}
	int64_t cdue = current ? sdue[current - 1] : 0;
	int64_t alarm = current && cdue < due ? cdue : due;
	char code[24];
	snprintf(code, sizeof(code), "QD-%04d-%04d", year, ++v->seq[year_index]);
	char title[64];
	snprintf(title, sizeof(title), "基准记录 %lld", (long long)(S.records + 1));
	sqlite3_stmt *st = ins_x;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, v->id);
	sqlite3_bind_int64(st, 2, it->id);
	sqlite3_bind_text(st, 3, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, title, -1, SQLITE_TRANSIENT);
	bind_opt(st, 5, hh);
	sqlite3_bind_text(st, 6, closed ? "closed" : "open", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, current);
	bind_opt(st, 8, closed ? 0 : cdue);
	sqlite3_bind_int64(st, 9, due);
	sqlite3_bind_int64(st, 10, alarm);
	sqlite3_bind_int(st, 11, late);
	sqlite3_bind_int64(st, 12, t0);
	bind_opt(st, 13, closed);
	if (outcome)
		sqlite3_bind_text(st, 14, outcome, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 14);
	sqlite3_bind_text(st, 15, outcome ? "已按程序办结" : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 16, outcome && strcmp(outcome, "withdrawn") && it->disclosed);
	bind_opt(st, 17, v->cadre);
	sqlite3_bind_int64(st, 18, closed ? closed : t);
	if (sqlite3_step(st) != SQLITE_DONE)
		die("insert list_executions");
	int64_t id = sqlite3_last_insert_rowid(db);
	for (int n = 0; n < it->nsteps; n++) {
		const struct step *s = &it->steps[n];
		st = ins_s;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, n + 1);
		sqlite3_bind_text(st, 3, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, s->role, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, s->limit);
		sqlite3_bind_int(st, 6, s->disclose);
		sqlite3_bind_text(st, 7, s->attachments, -1, SQLITE_STATIC);
		bind_opt(st, 8, started[n]);
		bind_opt(st, 9, sdue[n]);
		bind_opt(st, 10, done[n]);
		bind_opt(st, 11, done[n] ? v->cadre : 0);
		sqlite3_bind_text(st, 12, done[n] ? "村干部" : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 13, done[n] ? "已按规定办理" : "", -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("insert list_execution_steps");
		S.steps++;
	}
	S.records++;
	S.late_steps += late;
	if (closed) {
		S.closed++;
	} else {
		S.open++;
		S.overdue += alarm < now_t;
	}
}

int main(int argc, char **argv)
{
	int64_t nrecords = 100000, ndays = 730;
	if (argc < 2 || argc > 4 || (argc > 2 && num_parse_i64(argv[2], 1, 10000000, &nrecords)) ||
	    (argc > 3 && num_parse_i64(argv[3], 30, 1000, &ndays))) {
		fprintf(stderr, "usage: gen_lists DATA [RECORDS (default 100000) [DAYS (default 730)]]\n");
		return 2;
	}
	char path[1024];
	snprintf(path, sizeof(path), "%s/cunzhi.db", argv[1]);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die(path);
	sqlite3_busy_timeout(db, 10000);
	exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON; PRAGMA cache_size=-200000;");
	double t_start = mono();
	now_t = (int64_t)time(NULL);
	load();
	int64_t existing = one_int("SELECT count(*) FROM list_executions WHERE id > ?", 0);
	/* the codes continue each village's numbering of the year */
	int64_t today = time_cn_days(now_t), first = today - ndays;
	int y0, m, d;
	time_civil_from_days(first, &y0, &m, &d);
	for (int v = 0; v < nv; v++)
		for (int k = 0; k < 4; k++) {
			char like[16];
			snprintf(like, sizeof(like), "QD-%04d-%%", y0 + k);
			sqlite3_stmt *q = prep("SELECT count(*) FROM list_executions WHERE village_id = ? AND code LIKE ?");
			sqlite3_bind_int64(q, 1, vs[v].id);
			sqlite3_bind_text(q, 2, like, -1, SQLITE_TRANSIENT);
			vs[v].seq[k] = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
			sqlite3_finalize(q);
		}
	ins_x = prep("INSERT INTO list_executions (village_id, item_id, code, title, note, household_id, via, state, "
		     "current_n, current_due, due_at, alarm_at, late_steps, started_at, closed_at, outcome, outcome_text, "
		     "outcome_public, created_by, updated_at) VALUES (?1, ?2, ?3, ?4, '', ?5, 'cadre', ?6, ?7, ?8, ?9, ?10, "
		     "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
	ins_s = prep("INSERT INTO list_execution_steps (execution_id, n, name, role, limit_days, disclose, attachments, "
		     "started_at, due_at, done_at, done_by, done_by_name, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	/* spread over the days by weight, oldest first (codes in order within a year) */
	double total_w = 0;
	for (int64_t day = first; day < today; day++)
		total_w += workdays_weekday(day) >= 5 ? 0.3 : 1.0;
	exec("BEGIN");
	double acc = 0;
	int64_t made = 0;
	for (int64_t day = first; day < today && made < nrecords; day++) {
		acc += (workdays_weekday(day) >= 5 ? 0.3 : 1.0) * (double)nrecords / total_w;
		int y, mm, dd;
		time_civil_from_days(day, &y, &mm, &dd);
		int yi = y - y0 < 4 ? y - y0 : 3;
		while (acc >= 1.0 && made < nrecords) {
			acc -= 1.0;
			int64_t t0 = time_cn_midnight(day) + 8 * 3600 + rnd(10 * 3600);
			record(&vs[rnd(nv)], t0, yi, y);
			if (++made % 5000 == 0) {
				exec("COMMIT");
				exec("BEGIN");
			}
		}
	}
	exec("COMMIT");
	exec("PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);");
	printf("records=%lld\ngenerated=%lld\nexisting=%lld\nsteps=%lld\nopen=%lld\nclosed=%lld\noverdue_now=%lld\n"
	       "late_steps=%lld\ncounty=%lld\nvillage=%lld\nseconds=%.1f\n",
	       (long long)(S.records + existing), (long long)S.records, (long long)existing, (long long)S.steps,
	       (long long)S.open, (long long)S.closed, (long long)S.overdue, (long long)S.late_steps,
	       (long long)one_int("SELECT id FROM org_units WHERE kind = 'county' AND id > ? ORDER BY id LIMIT 1", 0),
	       (long long)vs[0].id, mono() - t_start);
	sqlite3_close(db);
	return 0;
}
