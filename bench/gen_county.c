/* The county-scale generator (issue 17, "County scale on one machine"): grows a demo
 * county (`cunzhi demo --scale county`) to HOUSEHOLDS households and writes ENTRIES
 * points records over YEARS years, straight into SQLite with prepared statements, one
 * transaction per village, synchronous=OFF: far faster than the domain layer
 * (gen_points.c, about 2,000 records/s), producing the rows and hash chains the domain
 * layer would leave.
 *
 *   gen_county DATA --households N --entries N [--years 3] [--village-size 550]
 *
 * Units: the demo's 18 villages keep their households; new villages of about
 * VILLAGE_SIZE households (towns of TOWN_VILLAGES villages) are added under the county
 * until the county has N households, each with 1–6 residents (about 3.3 a household,
 * ID-card numbers sealed and keyed with the data directory's keys through
 * people_seal_idcard, as the register stores them), each household and resident created
 * with its audit entry. New villages award under the rules of the demo's first village
 * (their rule_id and snapshot names; the ranking and the ledger do not read the rule's
 * unit).
 *
 * Records: ENTRIES split over the villages by households, then over the days of YEARS
 * years ending today; in each village a fifth fall on 20 busy households. Each record is
 * what claims_insert_approved and the crediting job (publicity_credit_due) leave: a claim
 * by the village cadre (source award, one in 30 a deduction) at a time of 08:00–18:00,
 * its 公示 entry for the village's publicity days, the audit entry "claim create"; when
 * the 公示 has ended (one minute after it ends, as the scheduler would find it), the
 * ledger entry (hash-chained per village with ledger_entry_hash), the claim and the 公示
 * marked credited, and the audit entry "claim credit" (audit_entry_hash), in time order
 * on the village's chains. The chain heads are written with their MACs (chain_head_mac);
 * balances and the period totals of migration 026 are recomputed from the village's
 * entries with the migration's own SQL at the end of the village's transaction. The
 * reply generations follow from the migration's triggers; run `cunzhi dash-daily
 * rebuild` and `cunzhi heads` afterwards (bench/county.sh does), then `cunzhi verify`.
 *
 * Deterministic (fixed seed; the dates follow today). Prints key=value lines. */
#include <malloc.h>
#include <time.h>

#include "db/migrate.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/chain.h"
#include "domain/points/ledger.h"
#include "domain/register/people.h"
#include "util/idcard.h"
#include "util/num.h"
#include "util/timeutil.h"

#define BUSY 20
#define TOWN_VILLAGES 15
#define MAX_RULES 200
#define CADRE_PHONE "13900000003"

#define GEN_SEED 0x636f756e7479ULL   /* "county" */
#include "gen.h"


static struct db *db;
static struct ctx C;

static void die(const char *what)
{
	fprintf(stderr, "gen_county: %s: %s\n", what, C.err.message[0] ? C.err.message : db_errmsg(db));
	exit(1);
}

static int64_t get_int(const char *sql, const char *types, int64_t a)
{
	int64_t v = 0;
	int rc = types[0] ? db_get_int(db, &v, sql, types, a) : db_get_int(db, &v, sql, "");
	if (rc != DB_OK && rc != DB_DONE)
		die(sql);
	return v;
}

static struct db_stmt *prep(const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	if (!st)
		die(sql);
	return st;
}

static void done(struct db_stmt *st, const char *what)
{
	if (db_step(st) != DB_DONE)
		die(what);
	db_reset(st);
}

/* ---- chains kept in memory while a village is written ---- */

struct chain {
	int64_t seq;
	char hash[CRYPTO_HASH_HEX];
};

static void chain_load(struct chain *ch, const char *table, const char *col, int64_t unit)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT seq, hash FROM %s WHERE %s = ?", table, col);
	ch->seq = 0;
	str_copy(ch->hash, sizeof(ch->hash), AUDIT_GENESIS);
	struct db_stmt *st = db_query(db, sql, "i", unit);
	if (st && db_step(st) == DB_ROW) {
		ch->seq = db_col_int(st, 0);
		str_copy(ch->hash, sizeof(ch->hash), db_col_text(st, 1));
	}
	db_finalize(st);
}

static void chain_store(const struct chain *ch, const char *kind, const char *table, const char *col, int64_t unit)
{
	if (!ch->seq)
		return;
	char sql[200], mac[CRYPTO_HASH_HEX];
	chain_head_mac(&C, kind, unit, ch->seq, ch->hash, mac);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (%s, seq, hash, mac) VALUES (?, ?, ?, ?) ON CONFLICT (%s) DO UPDATE "
		 "SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac", table, col, col);
	if (db_run(db, sql, "iitt", unit, ch->seq, ch->hash, mac) != DB_OK)
		die("chain head");
}

static struct db_stmt *st_audit;
static int64_t audit_id;

static void audit(struct chain *ch, int64_t unit, int64_t actor, int64_t at, const char *type, int64_t object_id,
		  const char *action, const char *after)
{
	char hash[CRYPTO_HASH_HEX];
	int64_t seq = ch->seq + 1;
	audit_entry_hash(unit, seq, actor, at, type, object_id, action, "{}", after, ch->hash, hash);
	struct db_stmt *s = st_audit;
	db_bind_int(s, 1, ++audit_id);
	db_bind_int(s, 2, unit);
	db_bind_int(s, 3, seq);
	db_bind_int(s, 4, actor);   /* audit_record stores 0 for the scheduler */
	db_bind_int(s, 5, at);
	db_bind_text(s, 6, type);
	db_bind_int(s, 7, object_id);
	db_bind_text(s, 8, action);
	db_bind_text(s, 9, "{}");
	db_bind_text(s, 10, after);
	db_bind_text(s, 11, ch->hash);
	db_bind_text(s, 12, hash);
	done(s, "audit entry");
	ch->seq = seq;
	str_copy(ch->hash, sizeof(ch->hash), hash);
}

/* ---- units, households, residents ---- */

struct village {
	int64_t id, town;
	int64_t *hh, *res;   /* households and a resident of each */
	int nhh;
};

static struct village *vil;
static int nvil, capvil;
static int64_t county_id, cadre_id, now_s, reg_at;   /* reg_at: when new households were registered */

static void add_village_row(int64_t id, int64_t town)
{
	if (nvil == capvil) {
		capvil = capvil ? capvil * 2 : 64;
		vil = realloc(vil, sizeof(*vil) * (size_t)capvil);
		if (!vil)
			die("out of memory");
	}
	memset(&vil[nvil], 0, sizeof(vil[nvil]));
	vil[nvil].id = id;
	vil[nvil].town = town;
	nvil++;
}

static int64_t new_unit(int64_t parent, const char *kind, const char *name, const char *code)
{
	char path[256];
	int64_t id = get_int("SELECT COALESCE(max(id), 0) + 1 FROM org_units", "", 0);
	struct db_stmt *st = db_query(db, "SELECT path FROM org_units WHERE id = ?", "i", parent);
	if (!st || db_step(st) != DB_ROW)
		die("parent unit");
	snprintf(path, sizeof(path), "%s%lld/", db_col_text(st, 0), (long long)id);
	db_finalize(st);
	if (db_run(db, "INSERT INTO org_units (id, parent_id, kind, code, name, path, created_at) VALUES "
		       "(?, ?, ?, ?, ?, ?, ?)", "iitttti", id, parent, kind, code, name, path,
		   now_s) != DB_OK)
		die("org unit");
	return id;
}

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
				       "马", "朱", "胡", "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋"};
static const char *const given[] = {"建国", "秀英", "桂兰", "志强", "海燕", "红梅", "德明", "玉兰", "俊杰",
				    "丽娟", "国华", "春生", "晓东", "淑芬", "永福", "雪梅", "文斌", "凤英",
				    "子涵", "浩然", "欣怡", "宇航", "梓萱", "明轩"};

static struct db_stmt *st_hh, *st_res;
static int64_t hh_id, res_id, idcard_seq;

/* One household with 1–6 residents (mean about 3.3), with their audit entries. */
static void add_household(struct village *v, struct chain *audit_chain, int n)
{
	char number[32], addr[96], after[1024], name[64], idcard[IDCARD_LEN + 1], enc[256],
	     hash[CRYPTO_HASH_HEX], mask[IDCARD_LEN + 1], birth[11];
	int64_t h = ++hh_id;
	snprintf(number, sizeof(number), "X%05d", n);
	snprintf(addr, sizeof(addr), "%d组%d号", n / 40 + 1, n % 40 + 1);
	db_bind_int(st_hh, 1, h);
	db_bind_int(st_hh, 2, v->id);
	db_bind_text(st_hh, 3, number);
	db_bind_text(st_hh, 4, addr);
	db_bind_int(st_hh, 5, reg_at);
	db_bind_int(st_hh, 6, reg_at);
	done(st_hh, "household");
	snprintf(after, sizeof(after), "{\"number\":\"%s\",\"address\":\"%s\",\"group_id\":null}", number, addr);
	audit(audit_chain, v->id, cadre_id, reg_at, "household", h, "create", after);
	static const int sizes[] = {1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6};
	int members = sizes[rnd((int)ARRAY_SIZE(sizes))];
	const char *surname = surnames[rnd((int)ARRAY_SIZE(surnames))];
	static const char *const rel[] = {"户主", "配偶", "子", "女", "儿媳", "孙子", "孙女", "父亲", "母亲"};
	for (int m = 0; m < members; m++) {
		int64_t seq = ++idcard_seq;
		int year = m == 0 ? 1950 + rnd(40) : 1940 + rnd(80);
		char s17[32];
		snprintf(s17, sizeof(s17), "%06lld%04d%02d%02d%03lld", 650000 + (long long)(seq / 1000), year,
			 1 + rnd(12), 1 + rnd(28), (long long)(seq % 1000));
		snprintf(idcard, sizeof(idcard), "%.17s%c", s17, idcard_check_char(s17));
		if (people_seal_idcard(&C, idcard, enc, sizeof(enc), hash))
			die("seal idcard");
		idcard_mask(idcard, mask);
		idcard_birth_date(idcard, birth);
		snprintf(name, sizeof(name), "%s%s", surname, given[rnd((int)ARRAY_SIZE(given))]);
		int64_t r = ++res_id;
		if (m == 0) {
			v->hh[v->nhh] = h;
			v->res[v->nhh] = r;
		}
		const char *relation = m == 0 ? "户主" : rel[1 + rnd(8)];
		db_bind_int(st_res, 1, r);
		db_bind_int(st_res, 2, h);
		db_bind_text(st_res, 3, name);
		db_bind_int(st_res, 4, idcard_gender(idcard));
		db_bind_text(st_res, 5, birth);
		db_bind_text(st_res, 6, enc);
		db_bind_text(st_res, 7, hash);
		db_bind_text(st_res, 8, mask);
		db_bind_text(st_res, 9, relation);
		db_bind_int(st_res, 10, reg_at);
		db_bind_int(st_res, 11, reg_at);
		done(st_res, "resident");
		char y[5];
		memcpy(y, birth, 4);
		y[4] = 0;
		snprintf(after, sizeof(after),
			 "{\"household_id\":%lld,\"name\":\"%s\",\"gender\":%d,\"birth_year\":\"%s\",\"idcard\":\"%s\","
			 "\"phone\":\"\",\"relation\":\"%s\",\"party_member\":0}",
			 (long long)h, name, idcard_gender(idcard), y, mask, relation);
		audit(audit_chain, v->id, cadre_id, reg_at, "resident", r, "create", after);
	}
	v->nhh++;
}

/* ---- points ---- */

struct rule {
	int64_t id, points;
	char name[256], category[64];
};
static struct rule awards[MAX_RULES], deductions[MAX_RULES];
static int nawards, ndeductions;

static struct db_stmt *st_claim, *st_pub, *st_ledger;
static int64_t claim_id, pub_id, ledger_id;

struct pending {
	int64_t claim, pub, household, resident, points, credit_at;
	const struct rule *rule;
	bool deduct;
};

static void credit(int64_t village, struct chain *lc, struct chain *ac, const struct pending *p)
{
	struct ledger_input in = {
		.village_id = village, .household_id = p->household, .resident_id = p->resident,
		.source = p->deduct ? "deduction" : "award", .claim_id = p->claim, .rule_id = p->rule->id,
		.rule_name = p->rule->name, .category = p->rule->category, .spendable = p->points,
		.honour = p->points, .note = "",
	};
	char hash[CRYPTO_HASH_HEX];
	int64_t seq = lc->seq + 1;
	ledger_entry_hash(village, seq, &in, 0, p->credit_at, lc->hash, hash);
	int64_t id = ++ledger_id;
	struct db_stmt *s = st_ledger;
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, village);
	db_bind_int(s, 3, seq);
	db_bind_int(s, 4, p->household);
	db_bind_int(s, 5, p->resident);
	db_bind_text(s, 6, in.source);
	db_bind_int(s, 7, p->claim);
	db_bind_int(s, 8, p->rule->id);
	db_bind_text(s, 9, p->rule->name);
	db_bind_text(s, 10, p->rule->category);
	db_bind_int(s, 11, p->points);
	db_bind_int(s, 12, p->points);
	db_bind_int(s, 13, p->credit_at);
	db_bind_text(s, 14, lc->hash);
	db_bind_text(s, 15, hash);
	done(s, "ledger entry");
	lc->seq = seq;
	str_copy(lc->hash, sizeof(lc->hash), hash);
	char after[160];
	snprintf(after, sizeof(after), "{\"publicity_id\":%lld,\"ledger_entry\":%lld,\"points\":%lld}",
		 (long long)p->pub, (long long)id, (long long)p->points);
	audit(ac, village, 0, p->credit_at, "claim", p->claim, "credit", after);
}

static void json_str(char *out, size_t n, const char *s)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_add_json_string(&b, s);
	str_copy(out, n, b.ptr ? b.ptr : "\"\"");
	buf_release(&b);
}

/* A village's records: entries over days [first_day, today], credited in time order. */
static int64_t village_points(struct village *v, int64_t entries, int64_t first_day, int64_t today,
			      struct chain *ac, int64_t *open_out)
{
	struct chain lc;
	chain_load(&lc, "ledger_heads", "village_id", v->id);
	int64_t pdays = get_int("SELECT COALESCE((SELECT publicity_days FROM village_settings WHERE village_id = ?), 3)",
				"i", v->id);
	int busy[BUSY];
	for (int i = 0; i < BUSY; i++)
		busy[i] = (int)(((int64_t)i * v->nhh / BUSY + 3) % v->nhh);
	int64_t ndays = today - first_day + 1, credited = 0;
	struct pending *q = malloc(sizeof(*q) * (size_t)(entries + 1));
	if (!q)
		die("out of memory");
	int64_t qh = 0, qt = 0;
	char after[1024], date[11], jname[600];
	for (int64_t d = 0; d < ndays; d++) {
		int64_t day = first_day + d;
		int64_t count = entries * (d + 1) / ndays - entries * d / ndays;
		int64_t midnight = time_cn_midnight(day);
		time_format_date(midnight, date);
		for (int64_t i = 0; i < count; i++) {
			int64_t t = midnight + 8 * 3600 + i * 10 * 3600 / (count > 0 ? count : 1);
			if (t > now_s)
				t = now_s;
			while (qh < qt && q[qh].credit_at <= t)
				credit(v->id, &lc, ac, &q[qh++]), credited++;
			int k = rnd(5) == 0 ? busy[rnd(BUSY)] : rnd(v->nhh);
			bool deduct = rnd(30) == 0;
			const struct rule *r = deduct ? &deductions[rnd(ndeductions)] : &awards[rnd(nawards)];
			int64_t ends = t + pdays * 86400, credit_at = ends + 60;
			bool will = credit_at <= now_s;
			int64_t cid = ++claim_id, pid = ++pub_id;
			struct db_stmt *s = st_claim;
			db_bind_int(s, 1, cid);
			db_bind_int(s, 2, v->id);
			db_bind_int(s, 3, v->hh[k]);
			db_bind_int(s, 4, v->res[k]);
			db_bind_text(s, 5, deduct ? "deduction" : "award");
			db_bind_int(s, 6, r->id);
			db_bind_text(s, 7, r->name);
			db_bind_text(s, 8, r->category);
			db_bind_int(s, 9, r->points);
			db_bind_text(s, 10, date);
			db_bind_int(s, 11, cadre_id);
			db_bind_text(s, 12, will ? "credited" : "approved");
			db_bind_int(s, 13, cadre_id);
			db_bind_int(s, 14, t);
			db_bind_int(s, 15, t);
			db_bind_int(s, 16, will ? credit_at : t);
			done(s, "claim");
			s = st_pub;
			db_bind_int(s, 1, pid);
			db_bind_int(s, 2, v->id);
			db_bind_int(s, 3, cid);
			db_bind_int(s, 4, t);
			db_bind_int(s, 5, ends);
			db_bind_text(s, 6, will ? "credited" : "open");
			db_bind_int(s, 7, t);
			done(s, "publicity");
			json_str(jname, sizeof(jname), r->name);
			snprintf(after, sizeof(after),
				 "{\"source\":\"%s\",\"household_id\":%lld,\"resident_id\":%lld,\"rule_id\":%lld,"
				 "\"rule_name\":%s,\"points\":%lld,\"occurred_on\":\"%s\",\"status\":\"approved\","
				 "\"publicity_id\":%lld}",
				 deduct ? "deduction" : "award", (long long)v->hh[k], (long long)v->res[k],
				 (long long)r->id, jname, (long long)r->points, date, (long long)pid);
			audit(ac, v->id, cadre_id, t, "claim", cid, "create", after);
			if (will)
				q[qt++] = (struct pending){cid, pid, v->hh[k], v->res[k], r->points, credit_at, r, deduct};
			else
				(*open_out)++;
		}
	}
	while (qh < qt)
		credit(v->id, &lc, ac, &q[qh++]), credited++;
	free(q);
	chain_store(&lc, "ledger", "ledger_heads", "village_id", v->id);
	return credited;
}

/* Balances and the period totals of migration 026 from the village's entries. */
static void village_sums(int64_t village)
{
	static const char *const sql[] = {
		"DELETE FROM ledger_totals WHERE household_id IN (SELECT id FROM households WHERE village_id = ?1)",
		"INSERT OR REPLACE INTO balances (household_id, spendable, honour, updated_at) "
		"SELECT household_id, SUM(spendable), SUM(honour), max(at) FROM ledger WHERE village_id = ?1 "
		"GROUP BY household_id",
		"INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries) "
		"SELECT household_id, strftime('%Y-%m', at + 28800, 'unixepoch'), 'month', "
		"SUM(CASE WHEN source IN ('claim', 'award', 'deduction', 'activity', 'correction') THEN honour ELSE 0 END), "
		"SUM(spendable), count(*) FROM ledger WHERE village_id = ?1 "
		"GROUP BY household_id, strftime('%Y-%m', at + 28800, 'unixepoch')",
		"INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries) "
		"SELECT household_id, strftime('%Y', at + 28800, 'unixepoch') || '-Q' || "
		"((CAST(strftime('%m', at + 28800, 'unixepoch') AS INTEGER) + 2) / 3), 'quarter', "
		"SUM(CASE WHEN source IN ('claim', 'award', 'deduction', 'activity', 'correction') THEN honour ELSE 0 END), "
		"SUM(spendable), count(*) FROM ledger WHERE village_id = ?1 "
		"GROUP BY household_id, strftime('%Y', at + 28800, 'unixepoch') || '-Q' || "
		"((CAST(strftime('%m', at + 28800, 'unixepoch') AS INTEGER) + 2) / 3)",
		"INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries) "
		"SELECT household_id, strftime('%Y', at + 28800, 'unixepoch'), 'year', "
		"SUM(CASE WHEN source IN ('claim', 'award', 'deduction', 'activity', 'correction') THEN honour ELSE 0 END), "
		"SUM(spendable), count(*) FROM ledger WHERE village_id = ?1 "
		"GROUP BY household_id, strftime('%Y', at + 28800, 'unixepoch')",
	};
	for (size_t i = 0; i < ARRAY_SIZE(sql); i++)
		if (db_run(db, sql[i], "i", village) != DB_OK)
			die(sql[i]);
}

static void load_rules(int64_t village)
{
	struct db_stmt *st = db_query(db, "SELECT id, points, name, category FROM point_rules WHERE unit_id = ? "
					  "AND retired_version IS NULL ORDER BY id", "i", village);
	while (st && db_step(st) == DB_ROW) {
		struct rule *r = db_col_int(st, 1) < 0 ? (ndeductions < MAX_RULES ? &deductions[ndeductions++] : NULL)
						       : (nawards < MAX_RULES ? &awards[nawards++] : NULL);
		if (!r)
			continue;
		r->id = db_col_int(st, 0);
		r->points = db_col_int(st, 1);
		str_copy(r->name, sizeof(r->name), db_col_text(st, 2));
		str_copy(r->category, sizeof(r->category), db_col_text(st, 3));
	}
	db_finalize(st);
	if (!nawards || !ndeductions)
		die("the first village has no award and deduction rules");
}

static void usage(void)
{
	fprintf(stderr, "usage: gen_county DATA --households N --entries N [--years 3] [--village-size 550]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int64_t households = 0, entries = 0, years = 3, vsize = 550;
	if (argc < 2)
		usage();
	for (int i = 2; i < argc; i++) {
		int64_t *dst = !strcmp(argv[i], "--households") ? &households : !strcmp(argv[i], "--entries") ? &entries
			     : !strcmp(argv[i], "--years") ? &years : !strcmp(argv[i], "--village-size") ? &vsize : NULL;
		if (!dst || i + 1 >= argc || num_parse_i64(argv[i + 1], 0, 100000000, dst))
			usage();
		i++;
	}
	if (years < 1 || years > 10 || vsize < 50)
		usage();
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	const char *data = argv[1];
	char key_path[1024], db_path[1024], err[512];
	snprintf(key_path, sizeof(key_path), "%s/keys", data);
	snprintf(db_path, sizeof(db_path), "%s/cunzhi.db", data);
	struct keys keys;
	int applied;
	if (crypto_init() || crypto_keys_load(key_path, &keys))
		return fprintf(stderr, "gen_county: cannot read %s (run `cunzhi demo --data %s` first)\n", key_path,
			       data), 1;
	if (db_open(db_path, &db, err, sizeof(err)) != DB_OK || migrate_apply(db, &applied, err, sizeof(err)) != DB_OK)
		return fprintf(stderr, "gen_county: %s: %s\n", db_path, err), 1;
	if (db_engine(db) != DB_SQLITE ||
	    db_exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY") != DB_OK)
		return fprintf(stderr, "gen_county: needs a SQLite database\n"), 1;
	memset(&C, 0, sizeof(C));
	C.db = db;
	C.keys = &keys;
	C.system = true;
	C.data_dir = data;
	if (!(C.arena = arena_new(16u << 20)))
		die("out of memory");
	now_s = time_now();
	C.now = now_s;
	double t0 = mono();

	if (!(cadre_id = get_int("SELECT id FROM users WHERE phone = '" CADRE_PHONE "'", "", 0)))
		die("no demo cadre (run `cunzhi demo --scale county` first)");
	county_id = get_int("SELECT id FROM org_units WHERE kind = 'county' ORDER BY id LIMIT 1", "", 0);
	struct db_stmt *st = db_query(db, "SELECT id, parent_id FROM org_units WHERE kind = 'village' ORDER BY id", "");
	while (st && db_step(st) == DB_ROW)
		add_village_row(db_col_int(st, 0), db_col_int(st, 1));
	db_finalize(st);
	if (!nvil)
		die("no villages");
	load_rules(vil[0].id);
	int64_t existing = get_int("SELECT count(*) FROM households", "", 0);
	int64_t demo_villages = nvil;

	hh_id = get_int("SELECT COALESCE(max(id), 0) FROM households", "", 0);
	res_id = get_int("SELECT COALESCE(max(id), 0) FROM residents", "", 0);
	claim_id = get_int("SELECT COALESCE(max(id), 0) FROM claims", "", 0);
	pub_id = get_int("SELECT COALESCE(max(id), 0) FROM publicity", "", 0);
	ledger_id = get_int("SELECT COALESCE(max(id), 0) FROM ledger", "", 0);
	audit_id = get_int("SELECT COALESCE(max(id), 0) FROM audit_log", "", 0);
	st_audit = prep("INSERT INTO audit_log (id, unit_id, seq, actor_id, at, object_type, object_id, action, "
			"before_data, after_data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	st_hh = prep("INSERT INTO households (id, village_id, number, address, created_at, updated_at) "
		     "VALUES (?, ?, ?, ?, ?, ?)");
	st_res = prep("INSERT INTO residents (id, household_id, name, gender, birth_date, idcard_enc, idcard_hash, "
		      "idcard_mask, relation, party_member, created_at, updated_at) "
		      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)");
	st_claim = prep("INSERT INTO claims (id, village_id, household_id, resident_id, source, rule_id, rule_name, "
			"category, points, occurred_on, description, created_by, status, reviewer_id, reviewed_at, "
			"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?)");
	st_pub = prep("INSERT INTO publicity (id, village_id, claim_id, starts_at, ends_at, status, created_at) "
		      "VALUES (?, ?, ?, ?, ?, ?, ?)");
	st_ledger = prep("INSERT INTO ledger (id, village_id, seq, household_id, resident_id, source, claim_id, "
			 "ref_id, rule_id, rule_name, category, spendable, honour, note, actor_id, at, prev_hash, hash) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, '', NULL, ?, ?, ?)");

	/* the new towns and villages, in one transaction */
	int64_t need = households > existing ? households - existing : 0;
	int64_t new_villages = (need + vsize - 1) / vsize;
	if (db_begin(db) != DB_OK)
		die("begin");
	int64_t town = 0;
	for (int64_t i = 0; i < new_villages; i++) {
		char name[64], code[32];
		if (i % TOWN_VILLAGES == 0) {
			snprintf(name, sizeof(name), "新建第%lld镇", (long long)(i / TOWN_VILLAGES + 1));
			snprintf(code, sizeof(code), "GENT%04lld", (long long)(i / TOWN_VILLAGES + 1));
			town = new_unit(county_id, "town", name, code);
		}
		snprintf(name, sizeof(name), "新建第%lld村", (long long)(i + 1));
		snprintf(code, sizeof(code), "GENV%05lld", (long long)(i + 1));
		add_village_row(new_unit(town, "village", name, code), town);
	}
	if (db_commit(db) != DB_OK)
		die("commit units");

	/* households of every village, for the points */
	for (int i = 0; i < nvil; i++) {
		struct village *v = &vil[i];
		int64_t n = i < demo_villages ? get_int("SELECT count(*) FROM households WHERE village_id = ?", "i", v->id)
					      : need * (i - demo_villages + 1) / new_villages - need * (i - demo_villages) / new_villages;
		v->hh = malloc(sizeof(int64_t) * (size_t)(n + 1));
		v->res = malloc(sizeof(int64_t) * (size_t)(n + 1));
		if (!v->hh || !v->res)
			die("out of memory");
		if (i < demo_villages) {
			st = db_query(db, "SELECT h.id, (SELECT min(r.id) FROM residents r WHERE r.household_id = h.id) "
					  "FROM households h WHERE h.village_id = ? ORDER BY h.id", "i", v->id);
			while (st && v->nhh < n && db_step(st) == DB_ROW) {
				if (db_col_null(st, 1))
					continue;
				v->hh[v->nhh] = db_col_int(st, 0);
				v->res[v->nhh++] = db_col_int(st, 1);
			}
			db_finalize(st);
		} else {
			v->nhh = (int)n;   /* the count to make; add_household fills them */
		}
	}

	int64_t total_hh = 0;
	for (int i = 0; i < nvil; i++)
		total_hh += vil[i].nhh;
	int64_t today = time_cn_days(now_s), first_day = today - years * 365 + 1;
	int64_t credited = 0, open = 0, given = 0;
	reg_at = time_cn_midnight(first_day) - 86400 + 9 * 3600;
	for (int i = 0; i < nvil; i++) {
		struct village *v = &vil[i];
		if (db_begin(db) != DB_OK)
			die("begin");
		struct chain ac;
		chain_load(&ac, "audit_heads", "unit_id", v->id);
		if (i >= demo_villages) {
			int make = v->nhh;
			v->nhh = 0;
			for (int k = 0; k < make; k++)
				add_household(v, &ac, k + 1);
		}
		int64_t share = v->nhh ? entries * (int64_t)v->nhh / total_hh : 0;
		if (i == nvil - 1)
			share = entries - given;
		given += share;
		if (v->nhh >= BUSY && share > 0)
			credited += village_points(v, share, first_day, today, &ac, &open);
		chain_store(&ac, "audit", "audit_heads", "unit_id", v->id);
		village_sums(v->id);
		if (db_commit(db) != DB_OK)
			die("commit village");
		if ((i + 1) % 10 == 0 || i == nvil - 1)
			fprintf(stderr, "gen_county: %d/%d villages, %lld records, %.1f s\n", i + 1, nvil, (long long)given,
				mono() - t0);
		free(v->hh);
		free(v->res);
		v->hh = v->res = NULL;
	}
	if (db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") != DB_OK)
		die("checkpoint");
	printf("villages=%d\nnew_villages=%lld\nhouseholds=%lld\nresidents=%lld\nrecords=%lld\ncredited=%lld\nopen=%lld\n"
	       "ledger_entries=%lld\naudit_entries=%lld\nseconds=%.1f\n",
	       nvil, (long long)new_villages, (long long)get_int("SELECT count(*) FROM households", "", 0),
	       (long long)get_int("SELECT count(*) FROM residents", "", 0), (long long)given, (long long)credited,
	       (long long)open, (long long)get_int("SELECT count(*) FROM ledger", "", 0),
	       (long long)get_int("SELECT count(*) FROM audit_log", "", 0), mono() - t0);
	db_finalize(st_audit);
	db_finalize(st_hh);
	db_finalize(st_res);
	db_finalize(st_claim);
	db_finalize(st_pub);
	db_finalize(st_ledger);
	db_close(db);
	return 0;
}
