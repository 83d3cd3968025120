/* The benchmark's data generator: a year of points in the first demo village, written
 * through the domain layer on a fresh demo county (`cunzhi demo --scale county`).
 *
 *   gen_points DATA [ENTRIES [PENDING [CARDS]]]
 *
 * For each of the last 365 days (Asia/Shanghai, today included) it makes ENTRIES/365
 * records as the village cadre (13900000003) would award them — claims_insert_approved
 * with source award, or deduction for one record in 30, spread over the working hours
 * of the day, one transaction per day — then runs the crediting job
 * (publicity_credit_due) at the end of the day with no actor, as the scheduler does. So
 * every record goes through 公示 and reaches the hash-chained ledger and the balances
 * exactly as in production; the records of the last publicity period stay open.
 * Households are drawn so that a fifth of the records fall on 20 busy households.
 *
 * Then PENDING claims as a grid worker (13900000005) would submit them — pending,
 * audited, in one transaction with consecutive ids — for the approval benchmark.
 *
 * With CARDS (a file name), for the redemption benchmark: a printed household card with
 * PIN BENCH_PIN for every household of the village, issued by the shop clerk
 * (13900000004) through counter_card_issue (audited, one transaction each, as
 * POST /api/v1/households/ID/cards does), written to CARDS one line a household:
 * "household_id spendable card_token", the spendable balance as ledger_balance reads it.
 *
 * The connection runs with synchronous=OFF (the data is thrown away after the run);
 * the server opens its own connections with the normal settings. Deterministic: a fixed
 * seed. Prints key=value lines for bench/run.sh on stdout, progress on stderr. */
#include <malloc.h>
#include <time.h>

#include "db/migrate.h"
#include "domain/kernel/audit.h"
#include "domain/points/claims.h"
#include "domain/points/ledger.h"
#include "domain/points/publicity.h"
#include "domain/points/rules.h"
#include "domain/shop/counter.h"
#include "util/num.h"
#include "util/timeutil.h"

#define DAYS 365
#define RULES_MAX 200
#define BUSY 20
#define CADRE_PHONE "13900000003"
#define GRID_PHONE "13900000005"
#define CLERK_PHONE "13900000004"
#define BENCH_PIN "2468"

#define GEN_SEED 0x63756e7a6869ULL   /* "cunzhi" */
#include "gen.h"


static int fail(struct ctx *c, const char *what)
{
	fprintf(stderr, "gen_points: %s: %s\n", what, c->err.message[0] ? c->err.message : db_errmsg(c->db));
	for (int i = 0; i < c->err.nfields; i++)
		fprintf(stderr, "  %s: %s\n", c->err.fields[i].field, c->err.fields[i].message);
	return 1;
}

struct household {
	int64_t id, resident_id;
};

struct gen {
	struct ctx *c;
	int64_t village;
	struct actor cadre, grid;
	struct point_rule *awards, *deductions, *grid_rules;
	int nawards, ndeductions, ngrid_rules;
	struct household *hh;
	int nhh;
	int busy[BUSY];   /* indexes into hh */
};

static int64_t user_by_phone(struct ctx *c, const char *phone)
{
	int64_t id = 0;
	return db_get_int(c->db, &id, "SELECT id FROM users WHERE phone = ?", "t", phone) == DB_OK ? id : 0;
}

/* The village, the actors, the rules in force and the households with one member each. */
static int load(struct gen *g)
{
	struct ctx *c = g->c;
	g->cadre.user_id = user_by_phone(c, CADRE_PHONE);
	g->grid.user_id = user_by_phone(c, GRID_PHONE);
	if (!g->cadre.user_id || !g->grid.user_id) {
		fprintf(stderr, "gen_points: no demo staff (%s, %s): run `cunzhi demo --scale county` first\n",
			CADRE_PHONE, GRID_PHONE);
		return 1;
	}
	if (db_get_int(c->db, &g->village, "SELECT g.unit_id FROM role_grants g JOIN org_units u ON u.id = g.unit_id "
					   "WHERE g.user_id = ? AND g.role = 'cadre' AND u.kind = 'village' "
					   "ORDER BY g.unit_id LIMIT 1", "i", g->cadre.user_id) != DB_OK)
		return fprintf(stderr, "gen_points: the cadre %s has no village\n", CADRE_PHONE), 1;

	int64_t ids[RULES_MAX];
	int n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id FROM point_rules WHERE unit_id = ? AND retired_version IS NULL "
					     "ORDER BY id", "i", g->village);
	while (st && n < RULES_MAX && db_step(st) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_finalize(st);
	g->awards = calloc((size_t)n + 1, sizeof(*g->awards));
	g->deductions = calloc((size_t)n + 1, sizeof(*g->deductions));
	g->grid_rules = calloc((size_t)n + 1, sizeof(*g->grid_rules));
	if (!g->awards || !g->deductions || !g->grid_rules)
		return fprintf(stderr, "gen_points: out of memory\n"), 1;
	for (int i = 0; i < n; i++) {
		struct point_rule r;
		if (rules_get(c, ids[i], &r))
			return fail(c, "rules_get");
		if (r.points < 0)
			g->deductions[g->ndeductions++] = r;
		else
			g->awards[g->nawards++] = r;
		if (r.points > 0 && strcmp(r.claim_by, "cadre"))
			g->grid_rules[g->ngrid_rules++] = r;
	}
	if (!g->nawards || !g->ndeductions || !g->ngrid_rules)
		return fprintf(stderr, "gen_points: village %lld has no usable rules\n", (long long)g->village), 1;

	int64_t nhh = 0;
	db_get_int(c->db, &nhh, "SELECT count(*) FROM households WHERE village_id = ?", "i", g->village);
	g->hh = calloc((size_t)nhh + 1, sizeof(*g->hh));
	if (!g->hh)
		return fprintf(stderr, "gen_points: out of memory\n"), 1;
	st = db_query(c->db, "SELECT h.id, (SELECT min(r.id) FROM residents r WHERE r.household_id = h.id) "
			     "FROM households h WHERE h.village_id = ? ORDER BY h.id", "i", g->village);
	while (st && g->nhh < nhh && db_step(st) == DB_ROW) {
		if (db_col_null(st, 1))
			continue;
		g->hh[g->nhh].id = db_col_int(st, 0);
		g->hh[g->nhh].resident_id = db_col_int(st, 1);
		g->nhh++;
	}
	db_finalize(st);
	if (g->nhh < BUSY)
		return fprintf(stderr, "gen_points: village %lld has too few households\n", (long long)g->village), 1;
	for (int i = 0; i < BUSY; i++)
		g->busy[i] = (int)(((int64_t)i * g->nhh / BUSY + 3) % g->nhh);
	return 0;
}

static const struct household *pick_household(struct gen *g)
{
	if (rnd(5) == 0)
		return &g->hh[g->busy[rnd(BUSY)]];
	return &g->hh[rnd(g->nhh)];
}

/* One day's records, in one transaction, at times spread over 08:00–18:00 of the day
 * (never later than now). */
static int award_day(struct gen *g, int64_t day, int count, int64_t real_now)
{
	struct ctx *c = g->c;
	char date[11];
	int64_t midnight = time_cn_midnight(day);
	time_format_date(midnight, date);
	c->actor = &g->cadre;
	c->now = midnight + 8 * 3600;
	if (c->now > real_now)
		c->now = real_now;
	if (ctx_begin(c))
		return fail(c, "begin");
	int rc = RC_OK;
	for (int i = 0; i < count && rc == RC_OK; i++) {
		int64_t t = midnight + 8 * 3600 + (int64_t)i * 10 * 3600 / (count > 0 ? count : 1);
		c->now = t < real_now ? t : real_now;
		const struct household *h = pick_household(g);
		bool deduct = rnd(30) == 0;
		const struct point_rule *r = deduct ? &g->deductions[rnd(g->ndeductions)] : &g->awards[rnd(g->nawards)];
		int64_t claim;
		rc = claims_insert_approved(c, g->village, h->id, h->resident_id, deduct ? "deduction" : "award", r,
					    date, "基准测试数据", 0, &claim);
	}
	if ((rc = ctx_end(c, rc)))
		return fail(c, "award");
	return 0;
}

/* The crediting job at instant t, as the scheduler runs it (no actor). */
static int credit(struct gen *g, int64_t t, int64_t *credited)
{
	struct ctx *c = g->c;
	c->actor = NULL;
	c->now = t;
	int64_t n = 0;
	if (publicity_credit_due(c, &n))
		return fail(c, "publicity_credit_due");
	*credited += n;
	return 0;
}

/* Pending claims by the grid worker, consecutive ids, one transaction. */
static int pending_claims(struct gen *g, int count, int64_t real_now, int64_t *first, int64_t *last)
{
	struct ctx *c = g->c;
	c->actor = &g->grid;
	c->now = real_now;
	int64_t today = time_cn_days(real_now);
	*first = *last = 0;
	if (ctx_begin(c))
		return fail(c, "begin");
	int rc = RC_OK;
	for (int i = 0; i < count && rc == RC_OK; i++) {
		const struct household *h = &g->hh[rnd(g->nhh)];
		const struct point_rule *r = &g->grid_rules[rnd(g->ngrid_rules)];
		char date[11];
		time_format_date(time_cn_midnight(today - rnd(30)), date);
		int64_t id;
		int dbrc = db_get_int(c->db, &id,
			"INSERT INTO claims (village_id, household_id, resident_id, source, rule_id, rule_name, "
			"category, points, occurred_on, description, created_by, status, created_at, updated_at) "
			"VALUES (?, ?, ?, 'claim', ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
			"iiiittittiii", g->village, h->id, h->resident_id, r->id, r->name, r->category,
			(int64_t)r->points, date, "基准测试：待审核", g->grid.user_id, c->now, c->now);
		if (dbrc != DB_OK) {
			rc = ctx_db_fail(c, dbrc, "pending claim");
			break;
		}
		if (i == 0)
			*first = id;
		else if (id != *last + 1)
			rc = ctx_fail(c, RC_INTERNAL, "claim ids are not consecutive (%lld after %lld)",
				      (long long)id, (long long)*last);
		*last = id;
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_str(&after, "source", "claim");
		audit_snap_int(&after, "household_id", h->id);
		audit_snap_int(&after, "resident_id", h->resident_id);
		audit_snap_int(&after, "rule_id", r->id);
		audit_snap_str(&after, "rule_name", r->name);
		audit_snap_int(&after, "points", r->points);
		audit_snap_str(&after, "occurred_on", date);
		audit_snap_str(&after, "status", "pending");
		audit_snap_str(&after, "by", "grid");
		audit_snap_int(&after, "photos", 0);
		audit_snap_end(&after);
		if (rc == RC_OK)
			rc = after.failed ? ctx_fail(c, RC_INTERNAL, "audit snapshot too long")
					  : audit_record(c, g->village, "claim", id, "create", "{}", after.ptr);
		buf_release(&after);
	}
	if ((rc = ctx_end(c, rc)))
		return fail(c, "pending claims");
	return 0;
}

/* A printed card for every household of the village, issued by the clerk, with the
 * household's spendable balance: "household_id spendable token" lines in path. */
static int cards(struct gen *g, const char *path, int64_t real_now, int64_t *ncards, int64_t *points)
{
	struct ctx *c = g->c;
	struct actor clerk;
	memset(&clerk, 0, sizeof(clerk));
	if (!(clerk.user_id = user_by_phone(c, CLERK_PHONE)))
		return fprintf(stderr, "gen_points: no demo clerk %s\n", CLERK_PHONE), 1;
	str_copy(clerk.name, sizeof(clerk.name), "超市管理员");
	c->actor = &clerk;
	c->now = real_now;
	FILE *f = fopen(path, "w");
	if (!f)
		return fprintf(stderr, "gen_points: cannot write %s\n", path), 1;
	*ncards = *points = 0;
	for (int i = 0; i < g->nhh; i++) {
		struct card k;
		int64_t spendable = 0, honour = 0;
		if (counter_card_issue(c, g->hh[i].id, BENCH_PIN, &k))
			return fclose(f), fail(c, "counter_card_issue");
		if (ledger_balance(c, g->hh[i].id, &spendable, &honour))
			return fclose(f), fail(c, "ledger_balance");
		fprintf(f, "%lld %lld %s\n", (long long)g->hh[i].id, (long long)spendable, k.token);
		(*ncards)++;
		*points += spendable;
	}
	return fclose(f) ? fprintf(stderr, "gen_points: cannot write %s\n", path), 1 : 0;
}

int main(int argc, char **argv)
{
	int64_t entries = 50000, pending = 3000;
	if (argc < 2 || argc > 5 || (argc > 2 && num_parse_i64(argv[2], DAYS, 10000000, &entries)) ||
	    (argc > 3 && num_parse_i64(argv[3], 0, 1000000, &pending))) {
		fprintf(stderr, "usage: gen_points DATA [ENTRIES (>= %d, default 50000) [PENDING (default 3000) "
				"[CARDS (file)]]]\n", DAYS);
		return 2;
	}
	/* glibc trims the heap after each large free; on a VM every trim is a TLB shootdown,
	 * which cost a third of the run. Keep the memory. */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	const char *data = argv[1];
	char key_path[1024], db_path[1024], err[512];
	snprintf(key_path, sizeof(key_path), "%s/keys", data);
	snprintf(db_path, sizeof(db_path), "%s/cunzhi.db", data);

	struct keys keys;
	struct db *db = NULL;
	int applied;
	if (crypto_init() || crypto_keys_load(key_path, &keys)) {
		fprintf(stderr, "gen_points: cannot read %s (run `cunzhi demo --data %s` first)\n", key_path, data);
		return 1;
	}
	if (db_open(db_path, &db, err, sizeof(err)) != DB_OK || migrate_apply(db, &applied, err, sizeof(err)) != DB_OK) {
		fprintf(stderr, "gen_points: %s: %s\n", db_path, err);
		return 1;
	}
	if (db_engine(db) != DB_SQLITE || db_exec(db, "PRAGMA synchronous=OFF") != DB_OK) {
		fprintf(stderr, "gen_points: needs a SQLite database\n");
		return 1;
	}
	struct ctx c;
	memset(&c, 0, sizeof(c));
	c.db = db;
	c.keys = &keys;
	c.system = true;
	c.data_dir = data;
	int64_t real_now = time_now();
	c.now = real_now;

	struct gen g;
	memset(&g, 0, sizeof(g));
	g.c = &c;
	if (!(c.arena = arena_new(64u << 20)) || load(&g))
		return 1;
	/* the county demo gives every village half a year of points (claims, 公示, the
	 * counter); the year generated here comes on top of it */
	double t0 = mono();
	int64_t today = time_cn_days(real_now), credited = 0;
	for (int d = 0; d < DAYS; d++) {
		int64_t day = today - (DAYS - 1) + d;
		int count = (int)(entries * (d + 1) / DAYS - entries * d / DAYS);
		arena_free(c.arena);
		if (!(c.arena = arena_new(64u << 20)))
			return fprintf(stderr, "gen_points: out of memory\n"), 1;
		if (award_day(&g, day, count, real_now))
			return 1;
		int64_t evening = time_cn_midnight(day) + 20 * 3600;
		if (credit(&g, evening < real_now ? evening : real_now, &credited))
			return 1;
		if ((d + 1) % 73 == 0)
			fprintf(stderr, "gen_points: %d days, %lld credited, %.1f s\n", d + 1, (long long)credited,
				mono() - t0);
	}
	if (credit(&g, real_now, &credited))
		return 1;
	int64_t first = 0, last = 0;
	if (pending > 0 && pending_claims(&g, (int)pending, real_now, &first, &last))
		return 1;

	int64_t ncards = 0, card_points = 0;
	if (argc > 4 && cards(&g, argv[4], real_now, &ncards, &card_points))
		return 1;

	int64_t open = 0, busy = 0, busy_entries = 0, ledger_entries = 0;
	db_get_int(db, &open, "SELECT count(*) FROM publicity WHERE village_id = ? AND status = 'open'", "i", g.village);
	db_get_int(db, &ledger_entries, "SELECT count(*) FROM ledger WHERE village_id = ?", "i", g.village);
	struct db_stmt *st = db_query(db, "SELECT household_id, count(*) FROM ledger WHERE village_id = ? "
					  "GROUP BY household_id ORDER BY count(*) DESC, household_id LIMIT 1",
				      "i", g.village);
	if (st && db_step(st) == DB_ROW) {
		busy = db_col_int(st, 0);
		busy_entries = db_col_int(st, 1);
	}
	db_finalize(st);
	if (db_exec(db, "PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);") != DB_OK)
		return fprintf(stderr, "gen_points: checkpoint: %s\n", db_errmsg(db)), 1;

	printf("village=%lld\nhouseholds=%d\nrecords=%lld\ncredited=%lld\nledger_entries=%lld\nopen=%lld\n"
	       "busy_household=%lld\nbusy_entries=%lld\npending_first=%lld\npending_last=%lld\ncards=%lld\n"
	       "card_points=%lld\ncard_pin=%s\nseconds=%.1f\n",
	       (long long)g.village, g.nhh, (long long)entries, (long long)credited, (long long)ledger_entries,
	       (long long)open, (long long)busy, (long long)busy_entries, (long long)first, (long long)last,
	       (long long)ncards, (long long)card_points, BENCH_PIN, mono() - t0);
	arena_free(c.arena);
	db_close(db);
	free(g.awards);
	free(g.deductions);
	free(g.grid_rules);
	free(g.hh);
	return 0;
}
