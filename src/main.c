/* cunzhi: the command table. `cunzhi help` lists the commands; `cunzhi CMD --help`
 * describes one. Exit codes: 0 success, 1 failure, 2 usage error, 3 verification
 * found a problem. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/demo.h"
#include "cli/verify.h"
#include "db/migrate.h"
#include "domain/kernel/calendar.h"
#include "domain/finance/finance.h"
#include "domain/jobs.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/chain.h"
#include "domain/kernel/org.h"
#include "domain/points/ledger.h"
#include "domain/register/account.h"
#include "domain/register/roster.h"
#include "domain/shop/shop.h"
#include "domain/dashboards/daily.h"
#include "http/server.h"
#include "util/buf.h"
#include "util/num.h"
#include "util/timeutil.h"

#define EXIT_USAGE 2
#define EXIT_VERIFY 3

/* Options shared by every command. */
struct opts {
	const char *data;
	const char *db;
	const char *listen;
	const char *ui;
	const char *scale;
	const char *village;
	const char *phone, *name, *password, *role, *unit;
	int threads;
	int jobs;               /* verify: worker threads */
	const char *trusted[SERVER_TRUSTED_MAX];
	int ntrusted;
	int request_deadline, upload_deadline;
	bool test_clock;
	int64_t clock_offset;
	char db_buf[1024];
	char key_path[1024];
};

struct command {
	const char *name;
	int (*run)(struct opts *o, int argc, char **argv);
	const char *usage;
	const char *help;
};

static int cmd_help(struct opts *o, int argc, char **argv);

/* ---- shared set-up ---- */

static void resolve_paths(struct opts *o)
{
	snprintf(o->key_path, sizeof(o->key_path), "%s/keys", o->data);
	if (!o->db) {
		snprintf(o->db_buf, sizeof(o->db_buf), "%s/cunzhi.db", o->data);
		o->db = o->db_buf;
	}
}

static int ensure_data_dir(struct opts *o)
{
	if (mkdir(o->data, 0700) && errno != EEXIST) {
		fprintf(stderr, "cunzhi: cannot create data directory %s: %s\n", o->data, strerror(errno));
		return 1;
	}
	return 0;
}

/* Opens the database and applies missing migrations. */
static int open_db(struct opts *o, struct db **db)
{
	char err[512];
	if (db_open(o->db, db, err, sizeof(err)) != DB_OK) {
		fprintf(stderr, "cunzhi: cannot open database: %s\n", err);
		return 1;
	}
	int applied;
	if (migrate_apply(*db, &applied, err, sizeof(err)) != DB_OK) {
		fprintf(stderr, "cunzhi: %s\n", err);
		db_close(*db);
		return 1;
	}
	if (applied)
		fprintf(stderr, "cunzhi: applied %d migration(s), schema version %d\n", applied,
			migrate_version(*db));
	if (calendar_seed(*db, time_now()) != DB_OK) {
		fprintf(stderr, "cunzhi: cannot seed the holiday calendar: %s\n", db_errmsg(*db));
		db_close(*db);
		return 1;
	}
	return 0;
}

/* Loads the key file; creates it when create is set and it does not exist yet. */
static int load_keys(struct opts *o, struct keys *k, bool create)
{
	if (create && access(o->key_path, F_OK) != 0) {
		if (crypto_keys_create(o->key_path)) {
			fprintf(stderr, "cunzhi: cannot create key file %s: %s\n", o->key_path, strerror(errno));
			return 1;
		}
		fprintf(stderr, "cunzhi: created key file %s (back it up: without it ID numbers cannot be read)\n",
			o->key_path);
	}
	/* the key decrypts every ID number: refuse to run where other users can read it */
	struct stat st;
	if (stat(o->data, &st) == 0 && (st.st_mode & S_IRWXO)) {
		fprintf(stderr, "cunzhi: the data directory %s is open to other users of this machine; "
				"run `chmod 700 %s` first\n", o->data, o->data);
		return 1;
	}
	if (stat(o->key_path, &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		fprintf(stderr, "cunzhi: the key file %s is readable by other users; run `chmod 600 %s` first\n",
			o->key_path, o->key_path);
		return 1;
	}
	if (crypto_keys_load(o->key_path, k)) {
		fprintf(stderr, "cunzhi: cannot read key file %s (run `cunzhi init` first)\n", o->key_path);
		return 1;
	}
	return 0;
}

static void teardown(struct db *db, struct ctx *c);
static int report(struct ctx *c, int rc);

/* A system context for maintenance commands. */
static int setup(struct opts *o, struct db **db, struct keys *k, struct ctx *c, bool create)
{
	resolve_paths(o);
	if (create && ensure_data_dir(o))
		return 1;
	if (load_keys(o, k, create) || open_db(o, db))
		return 1;
	memset(c, 0, sizeof(*c));
	c->db = *db;
	c->keys = k;
	c->system = true;
	c->data_dir = o->data;
	c->now = time_now() + o->clock_offset;
	c->arena = arena_new(512u << 20);
	/* once, after migration 009: key the chain heads and start the record outside the
	 * database */
	bool sealed_now;
	if (report(c, chain_seal(c, &sealed_now))) {
		teardown(*db, c);
		return 1;
	}
	if (sealed_now)
		fprintf(stderr, "cunzhi: chain heads keyed; their record is %s/%s\n", o->data, CHAIN_RECORD_FILE);
	return 0;
}

static void teardown(struct db *db, struct ctx *c)
{
	arena_free(c->arena);
	db_close(db);
}

static int report(struct ctx *c, int rc)
{
	if (rc == RC_OK)
		return 0;
	fprintf(stderr, "cunzhi: %s\n", c->err.message);
	for (int i = 0; i < c->err.nfields; i++)
		fprintf(stderr, "  %s: %s\n", c->err.fields[i].field, c->err.fields[i].message);
	return 1;
}

/* ---- commands ---- */

static int cmd_init(struct opts *o, int argc, char **argv)
{
	struct db *db;
	struct keys k;
	struct ctx c;
	if (setup(o, &db, &k, &c, true))
		return 1;
	printf("initialised: data %s, database %s, schema version %d\n", o->data, o->db, migrate_version(db));
	teardown(db, &c);
	return 0;
}

/* Prints s padded to a terminal width (CJK characters take two columns). */
static void print_padded(const char *s, int width)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			w += *p < 0x80 ? 1 : 2;
	printf("%s%*s", s, width > w ? width - w : 0, "");
}

static void print_logins(const struct demo_logins *l)
{
	for (int i = 0; i < l->n; i++) {
		printf("  ");
		print_padded(l->logins[i].role_label, 12);
		print_padded(l->logins[i].unit_name, 16);
		print_padded(l->logins[i].name, 8);
		printf("%s / %s\n", l->logins[i].phone, l->logins[i].password);
	}
}

static int cmd_demo(struct opts *o, int argc, char **argv)
{
	enum demo_scale scale;
	if (demo_scale_parse(o->scale ? o->scale : "county", &scale)) {
		fprintf(stderr, "cunzhi demo: --scale is village or county\n");
		return EXIT_USAGE;
	}
	struct db *db;
	struct keys k;
	struct ctx c;
	if (setup(o, &db, &k, &c, true))
		return 1;
	int rc = 0;
	if (demo_exists(&c)) {
		printf("demo: the database already has a county; nothing created\n");
	} else {
		struct demo_logins l;
		memset(&l, 0, sizeof(l));
		int64_t t0 = time_now();
		rc = report(&c, demo_create(&c, scale, &l));
		if (!rc) {
			printf("demo: created %lld units, %lld households, %lld residents in %llds\n",
			       (long long)l.units, (long long)l.households, (long long)l.residents,
			       (long long)(time_now() - t0));
			printf("logins (phone / password):\n");
			print_logins(&l);
		}
	}
	teardown(db, &c);
	return rc;
}

static int cmd_serve(struct opts *o, int argc, char **argv)
{
	struct db *db;
	struct keys k;
	struct ctx c;
	if (setup(o, &db, &k, &c, true))
		return 1;
	teardown(db, &c);
	char host[64] = "127.0.0.1";
	int64_t port = 8080;
	const char *colon = strrchr(o->listen, ':');
	if (colon) {
		if ((size_t)(colon - o->listen) >= sizeof(host) ||
		    num_parse_i64(colon + 1, 1, 65535, &port)) {
			fprintf(stderr, "cunzhi serve: --listen is ADDRESS:PORT\n");
			return EXIT_USAGE;
		}
		if (colon > o->listen) {
			memcpy(host, o->listen, (size_t)(colon - o->listen));
			host[colon - o->listen] = 0;
		}
	} else if (num_parse_i64(o->listen, 1, 65535, &port)) {
		fprintf(stderr, "cunzhi serve: --listen is ADDRESS:PORT\n");
		return EXIT_USAGE;
	}
	struct server_config cfg = {
		.address = host,
		.port = (int)port,
		.db_url = o->db,
		.data_dir = o->data,
		.ui_dir = o->ui,
		.keys = &k,
		.threads = o->threads,
		.test_clock = o->test_clock,
		.clock_offset = o->clock_offset,
		.ntrusted = o->ntrusted,
		.request_deadline = o->request_deadline,
		.upload_deadline = o->upload_deadline,
	};
	for (int i = 0; i < o->ntrusted; i++)
		cfg.trusted[i] = o->trusted[i];
	return server_run(&cfg);
}

static int read_whole(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cunzhi: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n)) {
			fprintf(stderr, "cunzhi: %s is too large\n", path);
			fclose(f);
			return 1;
		}
	fclose(f);
	return 0;
}

static int cmd_import(struct opts *o, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[0], "households") || !o->village) {
		fprintf(stderr, "usage: cunzhi import households FILE --village CODE\n");
		return EXIT_USAGE;
	}
	struct db *db;
	struct keys k;
	struct ctx c;
	struct buf file;
	buf_init(&file, 64u << 20);
	if (read_whole(argv[1], &file))
		return 1;
	if (setup(o, &db, &k, &c, false)) {
		buf_release(&file);
		return 1;
	}
	struct org_unit v;
	int rc = report(&c, org_get_by_code(&c, o->village, &v));
	if (!rc) {
		struct roster_result res;
		memset(&res, 0, sizeof(res));
		int r = roster_import(&c, v.id, file.ptr, file.len, &res);
		if (r == RC_OK) {
			printf("imported %d rows into %s: households %d new, %d changed; residents %d new, "
			       "%d changed; %d unchanged\n", res.rows, v.name, res.households_created,
			       res.households_updated, res.residents_created, res.residents_updated, res.unchanged);
		} else if (res.nerrors) {
			fprintf(stderr, "导入失败，共 %d 处错误，未导入任何数据：\n", res.errors_total);
			for (int i = 0; i < res.nerrors; i++)
				fprintf(stderr, "  第 %d 行 %s：%s\n", res.errors[i].row, res.errors[i].column,
					res.errors[i].message);
			rc = 1;
		} else {
			rc = report(&c, r);
		}
	}
	buf_release(&file);
	teardown(db, &c);
	return rc;
}

static int cmd_user(struct opts *o, int argc, char **argv)
{
	if (argc < 1 || (strcmp(argv[0], "add") && strcmp(argv[0], "grant") && strcmp(argv[0], "revoke"))) {
		fprintf(stderr, "usage: cunzhi user add|grant|revoke --phone P [--name N --password P] "
				"[--role R --unit CODE]\n");
		return EXIT_USAGE;
	}
	if (!o->phone) {
		fprintf(stderr, "cunzhi user: --phone is required\n");
		return EXIT_USAGE;
	}
	struct db *db;
	struct keys k;
	struct ctx c;
	if (setup(o, &db, &k, &c, false))
		return 1;
	int rc;
	int64_t id = 0;
	if (!strcmp(argv[0], "add")) {
		const char *pw = o->password ? o->password : getenv("CUNZHI_PASSWORD");
		rc = report(&c, account_user_add(&c, o->phone, o->name, pw, &id));
		if (!rc)
			printf("user %lld created: %s\n", (long long)id, o->phone);
	} else {
		struct org_unit u;
		rc = report(&c, account_user_find_phone(&c, o->phone, &id));
		if (!rc && (!o->role || !o->unit)) {
			fprintf(stderr, "cunzhi user %s: --role and --unit are required\n", argv[0]);
			rc = EXIT_USAGE;
		}
		if (!rc)
			rc = report(&c, org_get_by_code(&c, o->unit, &u));
		if (!rc)
			rc = report(&c, !strcmp(argv[0], "grant") ? account_grant(&c, id, o->role, u.id)
								  : account_revoke(&c, id, o->role, u.id));
		if (!rc)
			printf("%s: %s %s on %s\n", argv[0], o->phone, o->role, u.name);
	}
	teardown(db, &c);
	return rc;
}

/* A worker's connection for verify_run: the database as configured, no migration
 * (the main connection applied them). */
static int open_worker_db(void *arg, struct db **db)
{
	struct opts *o = arg;
	char err[512];
	if (db_open(o->db, db, err, sizeof(err)) != DB_OK) {
		fprintf(stderr, "cunzhi: cannot open database: %s\n", err);
		return 1;
	}
	return 0;
}

/* A part's failure, as report() prints one. */
static int part_failed(const struct verify_part *p)
{
	if (!p->rc)
		return 0;
	fprintf(stderr, "cunzhi: %s\n", p->message);
	return 1;
}

static int cmd_verify(struct opts *o, int argc, char **argv)
{
	struct db *db;
	struct keys k;
	struct ctx c;
	if (setup(o, &db, &k, &c, false))
		return 1;
	/* default: a worker per online CPU */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = o->jobs ? o->jobs : cpus < 1 ? 1 : cpus > VERIFY_JOBS_MAX ? VERIFY_JOBS_MAX : (int)cpus;
	struct verify_results *v = arena_alloc(c.arena, sizeof(*v));
	int rc = !v ? 1 : verify_run(&c, jobs, open_worker_db, o, v);
	if (!rc)
		rc = part_failed(&v->audit);
	if (!rc) {
		const struct audit_report *rep = &v->audit_report;
		if (rep->broken) {
			struct org_unit u;
			printf("audit: BROKEN in chain of unit %lld (%s) at entry %lld: %s\n",
			       (long long)rep->unit_id, org_get(&c, rep->unit_id, &u) ? "?" : u.name,
			       (long long)rep->seq, rep->reason);
			rc = EXIT_VERIFY;
		} else {
			printf("audit: ok, %lld chains, %lld entries\n", (long long)rep->chains, (long long)rep->entries);
		}
		const struct ledger_report *lr = &v->ledger_report;
		int lrc = part_failed(&v->ledger);
		if (lrc) {
			rc = lrc;
		} else if (lr->broken) {
			printf("ledger: BROKEN in village %lld at entry %lld (household %lld): %s\n",
			       (long long)lr->village_id, (long long)lr->seq, (long long)lr->household_id, lr->reason);
			rc = EXIT_VERIFY;
		} else {
			printf("ledger: ok, %lld chains, %lld entries, %lld households' balances match\n",
			       (long long)lr->chains, (long long)lr->entries, (long long)lr->households);
		}
		const struct shop_report *sr = &v->shop_report;
		int src = part_failed(&v->shop);
		if (src) {
			rc = src;
		} else if (sr->broken) {
			printf("shop: BROKEN at goods %lld (shop %lld, movement %lld): %s\n", (long long)sr->goods_id,
			       (long long)sr->shop_id, (long long)sr->move_id, sr->reason);
			rc = EXIT_VERIFY;
		} else {
			printf("shop: ok, %lld goods, %lld stock movements add up\n", (long long)sr->goods,
			       (long long)sr->moves);
		}
		const struct daily_report *dr = &v->daily_report;
		int drc = part_failed(&v->daily);
		if (drc) {
			rc = drc;
		} else if (dr->differences) {
			char day[11];
			time_format_date(time_cn_midnight(dr->day), day);
			printf("dashboards: BROKEN: %lld daily points figures differ from the ledger, the first in village "
			       "%lld on %s (cunzhi dash-daily rebuild recomputes them)\n",
			       (long long)dr->differences, (long long)dr->village_id, day);
			rc = EXIT_VERIFY;
		} else {
			printf("dashboards: ok, %lld days of daily points figures equal the ledger\n", (long long)dr->days);
		}
		if (!drc && dr->unit_differences) {
			char day[11];
			time_format_date(time_cn_midnight(dr->unit_day), day);
			printf("dashboards: BROKEN: %lld daily figures of towns and counties differ from their villages', "
			       "the first of unit %lld on %s (cunzhi dash-daily rebuild recomputes them)\n",
			       (long long)dr->unit_differences, (long long)dr->unit_id, day);
			rc = EXIT_VERIFY;
		}
		if (!drc && dr->count_differences) {
			printf("dashboards: BROKEN: %lld households counts by village and group differ from the households, the "
			       "first in village %lld (cunzhi dash-daily rebuild recounts them)\n",
			       (long long)dr->count_differences, (long long)dr->count_village_id);
			rc = EXIT_VERIFY;
		}
		if (!drc && dr->event_differences) {
			char day[11];
			time_format_date(time_cn_midnight(dr->event_day), day);
			printf("dashboards: BROKEN: %lld daily events figures differ from the events, the first in village "
			       "%lld on %s (cunzhi dash-daily rebuild recomputes them)\n",
			       (long long)dr->event_differences, (long long)dr->event_village_id, day);
			rc = EXIT_VERIFY;
		} else if (!drc) {
			printf("dashboards: ok, %lld days of daily events figures equal the events\n", (long long)dr->event_days);
		}
		const struct participation_report *pr = &dr->participation;
		if (!drc && pr->differences) {
			char day[11];
			time_format_date(time_cn_midnight(pr->start_day), day);
			printf("dashboards: BROKEN: %lld participation figures differ from the ledger, the first in village "
			       "%lld, the %s from %s (cunzhi dash-daily rebuild recomputes them)\n",
			       (long long)pr->differences, (long long)pr->village_id,
			       pr->kept ? "households kept for the month" : pr->week ? "week" : "month", day);
			rc = EXIT_VERIFY;
		} else if (!drc) {
			printf("dashboards: ok, %lld months and weeks of participation and %lld months of households "
			       "taking part equal the ledger\n",
			       (long long)pr->periods, (long long)pr->months);
		}
		const struct fin_verify_report *fr = &v->finance_report;
		int frc = part_failed(&v->finance);
		if (frc) {
			rc = frc;
		} else if (fr->broken) {
			printf("finance: BROKEN in village %lld, month %s: %s\n", (long long)fr->village_id, fr->month,
			       fr->reason);
			rc = EXIT_VERIFY;
		} else {
			printf("finance: ok, %lld published statements of %lld entries add up\n",
			       (long long)fr->statements, (long long)fr->entries);
		}
	}
	teardown(db, &c);
	return rc;
}

static int cmd_backup(struct opts *o, int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: cunzhi backup FILE\n");
		return EXIT_USAGE;
	}
	resolve_paths(o);
	if (strstr(o->db, "postgres") == o->db || strstr(o->db, "host=")) {
		fprintf(stderr, "cunzhi backup: the database is PostgreSQL; use its own tools, e.g.\n"
				"  pg_dump --format=custom --file=%s '%s'\n"
				"and keep a copy of the key file %s with it.\n", argv[0], o->db, o->key_path);
		return 1;
	}
	/* the record of chain heads first: every head it names is then in the copy taken
	 * after it, so the restored database and this record agree (a record newer than
	 * the database reads as a cut chain to `cunzhi verify`) */
	char heads[1024], heads_copy[1100];
	snprintf(heads, sizeof(heads), "%s/%s", o->data, CHAIN_RECORD_FILE);
	snprintf(heads_copy, sizeof(heads_copy), "%s.heads", argv[0]);
	FILE *hin = fopen(heads, "rb");
	bool have_heads = hin != NULL;
	if (hin) {
		FILE *hout = fopen(heads_copy, "wb");
		char chunk[8192];
		size_t n;
		bool ok = hout != NULL;
		while (ok && (n = fread(chunk, 1, sizeof(chunk), hin)) > 0)
			ok = fwrite(chunk, 1, n, hout) == n;
		ok = ok && !ferror(hin) && fflush(hout) == 0 && fsync(fileno(hout)) == 0;
		if (hout && fclose(hout))
			ok = false;
		fclose(hin);
		if (!ok) {
			fprintf(stderr, "cunzhi backup: cannot copy %s to %s\n", heads, heads_copy);
			return 1;
		}
	}
	sqlite3 *src = NULL, *dst = NULL;
	int rc = 1;
	if (sqlite3_open_v2(o->db, &src, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_open(argv[0], &dst) == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
		if (b) {
			/* every page in one step: one read transaction, so the copy is the snapshot
			 * of one moment while the server goes on writing (stepping a few pages at a
			 * time restarts at each of its commits, and under steady writes never ends) */
			int s;
			while ((s = sqlite3_backup_step(b, -1)) == SQLITE_OK || s == SQLITE_BUSY || s == SQLITE_LOCKED)
				sqlite3_sleep(10);
			rc = sqlite3_backup_finish(b) == SQLITE_OK && s == SQLITE_DONE ? 0 : 1;
		}
	}
	if (rc)
		fprintf(stderr, "cunzhi backup: %s\n", dst ? sqlite3_errmsg(dst) : "cannot open");
	else
		printf("backup written to %s%s%s (keep a copy of the key file %s and of %s/files with it).\n"
		       "To restore into a new data directory DIR: copy the backup to DIR/cunzhi.db%s%s, the key "
		       "file to DIR/keys and the files to DIR/files, then run `cunzhi verify --data DIR`.\n",
		       argv[0], have_heads ? " and " : "", have_heads ? heads_copy : "", o->key_path, o->data,
		       have_heads ? ", " : "", have_heads ? "the .heads file to DIR/chain-heads.log" : "");
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc;
}

/* The dashboards' daily aggregates: rebuild clears and recomputes them, otherwise
 * the days missing are stored (as the scheduler does). */
static int cmd_dash_daily(struct opts *o, int argc, char **argv)
{
	bool rebuild = argc > 0 && !strcmp(argv[0], "rebuild");
	if (argc > (rebuild ? 1 : 0)) {
		fprintf(stderr, "usage: cunzhi dash-daily [rebuild]\n");
		return EXIT_USAGE;
	}
	struct db *db;
	struct keys k;
	struct ctx c;
	if (setup(o, &db, &k, &c, false))
		return 1;
	int64_t days = 0;
	int rc = report(&c, rebuild ? daily_rebuild(&c, &days) : daily_fill(&c, &days));
	if (!rc)
		printf("dash-daily: %lld days stored\n", (long long)days);
	teardown(db, &c);
	return rc;
}

static int cmd_tick(struct opts *o, int argc, char **argv)
{
	struct db *db;
	struct keys k;
	struct ctx c;
	if (setup(o, &db, &k, &c, false))
		return 1;
	struct jobs_report r;
	int rc = report(&c, jobs_run_report(&c, &r));
	if (!rc)
		printf("tick: %lld expired sessions removed, %lld stale login counters cleared, "
		       "%lld 公示 entries credited, %lld yearly reset entries, %lld pre-orders lapsed, "
		       "%lld chain heads recorded\n",
		       (long long)r.sessions_expired, (long long)r.failures_cleared, (long long)r.credited,
		       (long long)r.reset_entries, (long long)r.preorders_lapsed, (long long)r.heads_recorded);
	teardown(db, &c);
	return rc;
}

/* Records the heads that moved, then prints the record: one line per chain, for
 * printing or publishing beside the public key that checks its signatures. */
static int cmd_heads(struct opts *o, int argc, char **argv)
{
	struct db *db;
	struct keys k;
	struct ctx c;
	if (setup(o, &db, &k, &c, false))
		return 1;
	int64_t written;
	int rc = report(&c, chain_checkpoint(&c, &written));
	struct chain_record rec;
	if (!rc)
		rc = report(&c, chain_record_read(&c, &rec));
	if (!rc) {
		printf("村治 chain heads (%s/%s): %lld new line(s), %lld in all\n", o->data, CHAIN_RECORD_FILE,
		       (long long)written, (long long)rec.lines);
		printf("public key (Ed25519): %s\n", rec.pubkey);
		for (int i = 0; i < rec.n; i++) {
			struct org_unit u;
			const struct chain_mark *m = &rec.marks[i];
			char when[26];
			time_format_iso(m->at, when);
			printf("%-6s %6lld %-16s seq %-8lld %s  %s\n", m->kind, (long long)m->unit,
			       org_get(&c, m->unit, &u) ? "?" : u.name, (long long)m->seq, m->hash, when);
			ctx_reset(&c);
		}
		if (!rec.ok) {
			printf("record: BROKEN: %s\n", rec.problem);
			rc = EXIT_VERIFY;
		}
	}
	teardown(db, &c);
	return rc;
}

static const struct command commands[] = {
	{"serve", cmd_serve, "serve [--listen ADDR:PORT] [--data DIR] [--db URL] [--ui DIR] [--threads N] [--trusted-proxy ADDR]…\n"
		  "              [--request-deadline S] [--upload-deadline S]",
	 "Start the HTTP server (creates the data directory, key file and schema if missing)."},
	{"init", cmd_init, "init [--data DIR] [--db URL]",
	 "Create the data directory and key file, and apply database migrations."},
	{"demo", cmd_demo, "demo [--scale village|county] [--data DIR] [--db URL]",
	 "Create the deterministic demo county (once) and print one login per role."},
	{"import", cmd_import, "import households FILE --village CODE [--data DIR] [--db URL]",
	 "Import a village roster (CSV or XLSX); nothing is imported if any row has an error."},
	{"user", cmd_user, "user add --phone P --name N [--password P | env CUNZHI_PASSWORD]\n"
			   "       cunzhi user grant|revoke --phone P --role ROLE --unit CODE",
	 "Create accounts and grant or revoke roles on org units."},
	{"verify", cmd_verify, "verify [--data DIR] [--db URL] [--jobs N]",
	 "Check every audit and ledger hash chain, every balance and every good's stock; exit 3 and name the first problem.\n"
	 "The chains and villages are checked by N workers side by side, each on its own database connection\n"
	 "(default: one per online CPU); the report is the same for any N."},
	{"backup", cmd_backup, "backup FILE [--data DIR]",
	 "Write a consistent copy of the SQLite database while the server runs."},
	{"heads", cmd_heads, "heads [--data DIR] [--db URL]",
	 "Record the chain heads that moved in DATA/chain-heads.log (signed, append-only) and print the record."},
	{"tick", cmd_tick, "tick [--data DIR] [--db URL]", "Run the scheduled jobs once."},
	{"dash-daily", cmd_dash_daily, "dash-daily [rebuild] [--data DIR] [--db URL]",
	 "Store the dashboards' daily points figures of the days that are over; rebuild recomputes them all."},
	{"help", cmd_help, "help", "List the commands."},
	{0, 0, 0, 0},
};

static int cmd_help(struct opts *o, int argc, char **argv)
{
	printf("村治 Cunzhi: village governance platform\n\nusage: cunzhi COMMAND [options]\n\n");
	for (const struct command *c = commands; c->name; c++)
		printf("  %-8s %s\n", c->name, c->help);
	printf("\nCommon options: --data DIR (default ./data), --db URL (default DIR/cunzhi.db;\n"
	       "postgres://… or host=… for PostgreSQL). `cunzhi COMMAND --help` for details.\n"
	       "Exit codes: 0 success, 1 failure, 2 usage error, 3 verification found a problem.\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (crypto_init()) {
		fprintf(stderr, "cunzhi: cannot initialise libsodium\n");
		return 1;
	}
	if (argc < 2)
		return cmd_help(NULL, 0, NULL), EXIT_USAGE;
	const struct command *cmd = NULL;
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			cmd = c;
	if (!cmd) {
		fprintf(stderr, "cunzhi: unknown command '%s' (see `cunzhi help`)\n", argv[1]);
		return EXIT_USAGE;
	}
	struct opts o = {.data = getenv("CUNZHI_DATA") ? getenv("CUNZHI_DATA") : "data",
			 .db = getenv("CUNZHI_DB"), .listen = "127.0.0.1:8080", .ui = "ui/dist", .threads = 8};
	static const struct option longopts[] = {
		{"data", required_argument, 0, 'd'},   {"db", required_argument, 0, 'b'},
		{"listen", required_argument, 0, 'l'}, {"ui", required_argument, 0, 'u'},
		{"threads", required_argument, 0, 't'}, {"scale", required_argument, 0, 's'},
		{"village", required_argument, 0, 'v'}, {"phone", required_argument, 0, 'p'},
		{"name", required_argument, 0, 'n'},   {"password", required_argument, 0, 'w'},
		{"role", required_argument, 0, 'r'},   {"unit", required_argument, 0, 'U'},
		{"test-clock", no_argument, 0, 'T'},   {"clock-offset", required_argument, 0, 'C'},
		{"trusted-proxy", required_argument, 0, 'P'},
		{"request-deadline", required_argument, 0, 'R'}, {"upload-deadline", required_argument, 0, 'L'},
		{"jobs", required_argument, 0, 'j'},
		{"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
	};
	int ch;
	int64_t v;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': o.data = optarg; break;
		case 'b': o.db = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'u': o.ui = optarg; break;
		case 's': o.scale = optarg; break;
		case 'v': o.village = optarg; break;
		case 'p': o.phone = optarg; break;
		case 'n': o.name = optarg; break;
		case 'w': o.password = optarg; break;
		case 'r': o.role = optarg; break;
		case 'U': o.unit = optarg; break;
		case 'T': o.test_clock = true; break;
		case 'P': {
			unsigned char a[16];
			if (o.ntrusted >= SERVER_TRUSTED_MAX ||
			    (inet_pton(AF_INET, optarg, a) != 1 && inet_pton(AF_INET6, optarg, a) != 1)) {
				fprintf(stderr, "cunzhi: --trusted-proxy is an IPv4 or IPv6 address (at most %d)\n",
					SERVER_TRUSTED_MAX);
				return EXIT_USAGE;
			}
			o.trusted[o.ntrusted++] = optarg;
			break;
		}
		case 't':
			if (num_parse_i64(optarg, 1, 256, &v)) {
				fprintf(stderr, "cunzhi: --threads is 1 to 256\n");
				return EXIT_USAGE;
			}
			o.threads = (int)v;
			break;
		case 'j':
			if (num_parse_i64(optarg, 1, VERIFY_JOBS_MAX, &v)) {
				fprintf(stderr, "cunzhi: --jobs is 1 to %d\n", VERIFY_JOBS_MAX);
				return EXIT_USAGE;
			}
			o.jobs = (int)v;
			break;
		case 'R':
		case 'L':
			if (num_parse_i64(optarg, 1, SERVER_DEADLINE_MAX, &v)) {
				fprintf(stderr, "cunzhi: --%s-deadline is seconds, 1 to %d\n", ch == 'R' ? "request" : "upload",
					SERVER_DEADLINE_MAX);
				return EXIT_USAGE;
			}
			*(ch == 'R' ? &o.request_deadline : &o.upload_deadline) = (int)v;
			break;
		case 'C':
			if (num_parse_i64(optarg, -100LL * 365 * 86400, 100LL * 365 * 86400, &o.clock_offset)) {
				fprintf(stderr, "cunzhi: --clock-offset is seconds\n");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: cunzhi %s\n\n%s\n", cmd->usage, cmd->help);
			return 0;
		default:
			fprintf(stderr, "usage: cunzhi %s\n", cmd->usage);
			return EXIT_USAGE;
		}
	}
	return cmd->run(&o, argc - optind, argv + optind);
}
