/* `cunzhi verify` side by side: the checks of every chain and figure, split into jobs
 * (one audit chain, one village's ledger chain, one village's balances and totals, the
 * heads, the shop, the dashboards' figures, the finance statements) that worker
 * threads take from one queue, each on its own database connection; the results are
 * merged so that the report names the same first problem, in the same words, as the
 * checks run one after another. */
#ifndef CLI_VERIFY_H
#define CLI_VERIFY_H

#include "db/db.h"
#include "domain/dashboards/daily.h"
#include "domain/finance/finance.h"
#include "domain/kernel/audit.h"
#include "domain/points/ledger.h"
#include "domain/shop/shop.h"

#define VERIFY_JOBS_MAX 64

/* What was checked: each part's result (0 or the failure of the first job of it that
 * failed, with its message) and its report. */
struct verify_part {
	int rc;
	char message[256];
};

struct verify_results {
	struct verify_part audit, ledger, shop, daily, finance;
	struct audit_report audit_report;
	struct ledger_report ledger_report;
	struct shop_report shop_report;
	struct daily_report daily_report;
	struct fin_verify_report finance_report;
};

/* Runs every check with jobs workers (1: one after another on c's connection; more:
 * each worker on a connection opened by open_db(arg), closed afterwards). c is a system
 * context (its keys, data directory and clock are the workers'). Returns 0, or 1 when
 * the list of chains could not be read or a connection not opened (a message on
 * stderr); each part's own failure is in out. */
int verify_run(struct ctx *c, int jobs, int (*open_db)(void *arg, struct db **db), void *arg,
	       struct verify_results *out);

#endif
