/* `cunzhi verify` side by side (verify.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "cli/verify.h"
#include "domain/kernel/org.h"

#define JOB_ARENA (64u << 20)

enum job_kind {
	J_DAILY, J_LEDGER_HEADS, J_AUDIT_HEADS, J_SHOP, J_FINANCE, /* one each */
	J_LEDGER_SUMS,     /* the balances and totals of one village's households */
	J_LEDGER_CHAIN,    /* one village's ledger chain */
	J_AUDIT_CHAIN,     /* one unit's audit chain */
};

struct job {
	enum job_kind kind;
	int64_t id;        /* the village or unit */
	int rc;
	char message[256];
	union {
		struct audit_report audit;
		struct ledger_report ledger;
	} r;
};

struct queue {
	struct job *jobs;
	int n;
	atomic_int next;
	struct verify_results *out;
	const struct ctx *proto;   /* keys, data directory, clock */
};

static void run_job(struct ctx *c, struct job *j, struct verify_results *out)
{
	switch (j->kind) {
	case J_DAILY: j->rc = daily_verify(c, &out->daily_report); break;
	case J_SHOP: j->rc = shop_verify(c, &out->shop_report); break;
	case J_FINANCE: j->rc = finance_verify(c, &out->finance_report); break;
	case J_LEDGER_HEADS: j->rc = ledger_verify_heads(c, &j->r.ledger); break;
	case J_AUDIT_HEADS: j->rc = audit_verify_heads(c, NULL, &j->r.audit); break;
	case J_LEDGER_SUMS: j->rc = ledger_verify_sums(c, j->id, &j->r.ledger); break;
	case J_LEDGER_CHAIN: j->rc = ledger_verify_chain(c, j->id, &j->r.ledger); break;
	case J_AUDIT_CHAIN: j->rc = audit_verify_chain(c, j->id, &j->r.audit); break;
	}
	if (j->rc)
		str_copy(j->message, sizeof(j->message), c->err.message);
}

/* Takes jobs from the queue until it is empty, each with a fresh context and arena on
 * the worker's connection. */
static void drain(struct queue *q, struct db *db)
{
	for (;;) {
		int i = atomic_fetch_add(&q->next, 1);
		if (i >= q->n)
			return;
		struct ctx c;
		memset(&c, 0, sizeof(c));
		c.db = db;
		c.keys = q->proto->keys;
		c.system = true;
		c.data_dir = q->proto->data_dir;
		c.now = q->proto->now;
		c.arena = arena_new(JOB_ARENA);
		if (!c.arena) {
			q->jobs[i].rc = RC_INTERNAL;
			str_copy(q->jobs[i].message, sizeof(q->jobs[i].message), "内存不足");
			continue;
		}
		run_job(&c, &q->jobs[i], q->out);
		arena_free(c.arena);
	}
}

struct worker {
	pthread_t thread;
	struct queue *q;
	struct db *db;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	drain(w->q, w->db);
	return NULL;
}

/* The villages (every one, for the households' sums), ascending. */
static int villages(struct ctx *c, int64_t **ids, int *n)
{
	*ids = NULL;
	*n = 0;
	int cap = 0, rc;
	struct db_stmt *st = db_query(c->db, "SELECT id FROM org_units WHERE kind = 'village' ORDER BY id", "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取村");
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*ids = arena_grow(c->arena, *ids, &cap, *n, sizeof(**ids)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		(*ids)[(*n)++] = db_col_int(st, 0);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取村");
}

/* A part's failure: the first failed job's, in the queue's order. */
static void part_fail(struct verify_part *p, const struct job *j)
{
	if (j->rc && !p->rc) {
		p->rc = j->rc;
		str_copy(p->message, sizeof(p->message), j->message);
	}
}

/* Merges the jobs' results into out, in the order the checks run one after another:
 * the chains in ascending order, then the heads, then the households' sums. */
static void merge(const struct job *jobs, int n, struct verify_results *out)
{
	struct ledger_report *lr = &out->ledger_report;
	const struct job *lheads = NULL, *aheads = NULL;
	for (int i = 0; i < n; i++) {
		const struct job *j = &jobs[i];
		switch (j->kind) {
		case J_DAILY: part_fail(&out->daily, j); break;
		case J_SHOP: part_fail(&out->shop, j); break;
		case J_FINANCE: part_fail(&out->finance, j); break;
		case J_AUDIT_HEADS: aheads = j; break;
		case J_LEDGER_HEADS: lheads = j; break;
		case J_AUDIT_CHAIN:
			part_fail(&out->audit, j);
			audit_report_add(&out->audit_report, &j->r.audit);
			break;
		case J_LEDGER_CHAIN:
			part_fail(&out->ledger, j);
			lr->chains++;
			lr->entries += j->r.ledger.entries;
			if (ledger_report_first(&j->r.ledger, lr))
				ledger_report_take(lr, &j->r.ledger);
			break;
		case J_LEDGER_SUMS: break;
		}
	}
	if (aheads) {
		part_fail(&out->audit, aheads);
		if (!out->audit_report.broken)
			audit_report_add(&out->audit_report, &aheads->r.audit);
	}
	if (lheads) {
		part_fail(&out->ledger, lheads);
		if (!lr->broken)
			ledger_report_take(lr, &lheads->r.ledger);
	}
	for (int i = 0; i < n; i++) {
		const struct job *j = &jobs[i];
		if (j->kind != J_LEDGER_SUMS)
			continue;
		part_fail(&out->ledger, j);
		lr->households += j->r.ledger.households;
		if (ledger_report_first(&j->r.ledger, lr))
			ledger_report_take(lr, &j->r.ledger);
	}
}

int verify_run(struct ctx *c, int jobs, int (*open_db)(void *arg, struct db **db), void *arg,
	       struct verify_results *out)
{
	memset(out, 0, sizeof(*out));
	int64_t *units, *chains, *vills;
	int nunits, nchains, nvills;
	if (audit_verify_units(c, &units, &nunits) || ledger_verify_villages(c, &chains, &nchains) ||
	    villages(c, &vills, &nvills)) {
		fprintf(stderr, "cunzhi: %s\n", c->err.message);
		return 1;
	}
	/* the single checks first (the longest to run), then the villages' sums and the
	 * chains, so that no worker is left with a long job at the end */
	int n = 5 + nvills + nchains + nunits;
	struct job *list = arena_alloc(c->arena, sizeof(*list) * (size_t)n);
	if (!list) {
		fprintf(stderr, "cunzhi: 内存不足\n");
		return 1;
	}
	int k = 0;
	static const enum job_kind singles[] = {J_DAILY, J_LEDGER_HEADS, J_AUDIT_HEADS, J_SHOP, J_FINANCE};
	for (size_t i = 0; i < sizeof(singles) / sizeof(*singles); i++)
		list[k++].kind = singles[i];
	for (int i = 0; i < nvills; i++)
		list[k++] = (struct job){.kind = J_LEDGER_SUMS, .id = vills[i]};
	for (int i = 0; i < nchains; i++)
		list[k++] = (struct job){.kind = J_LEDGER_CHAIN, .id = chains[i]};
	for (int i = 0; i < nunits; i++)
		list[k++] = (struct job){.kind = J_AUDIT_CHAIN, .id = units[i]};

	struct queue q = {.jobs = list, .n = n, .out = out, .proto = c};
	atomic_init(&q.next, 0);
	if (jobs <= 1) {
		drain(&q, c->db);
	} else {
		struct worker w[VERIFY_JOBS_MAX];
		int started = 0, rc = 0;
		for (int i = 0; i < jobs && i < VERIFY_JOBS_MAX; i++) {
			w[i] = (struct worker){.q = &q};
			if (open_db(arg, &w[i].db)) {
				rc = 1;
				break;
			}
			if (pthread_create(&w[i].thread, NULL, work, &w[i])) {
				fprintf(stderr, "cunzhi: cannot start a verify worker\n");
				db_close(w[i].db);
				rc = 1;
				break;
			}
			started++;
		}
		if (rc) /* close the queue: the workers started stop after their job */
			atomic_store(&q.next, n);
		for (int i = 0; i < started; i++) {
			pthread_join(w[i].thread, NULL);
			db_close(w[i].db);
		}
		if (rc)
			return rc;
	}
	merge(list, n, out);
	return 0;
}
