/* Village finance 村级财务, this folder's main header. The feature owns the chart of
 * accounts for village collectives (shipped as data in its migration), the income and
 * expense entries of each village in 分 with their vouchers, the two-person rule
 * (entered by one, approved by another), the monthly statements and their XLSX
 * exports. It calls the kernel (access, scope, audit, org, files, idem, xlsx), the
 * transparency feature's main header to publish a statement as the month's 财务
 * disclosure, and the shop's main header to read the stock-ins paid from 集体经济.
 *
 * Who may do what (domain/kernel/access.h):
 *   - P_FINANCE_ENTER on the village (its 报账员 accountant, its cadres): enter entries,
 *     correct or withdraw them while not approved;
 *   - P_FINANCE_APPROVE on the village (its cadres): approve or return entries entered
 *     by someone else, publish a month's statement (which needs P_DISCLOSE_WRITE too);
 *   - P_FINANCE_READ (town, county, inspectors) and the two above: every entry and
 *     statement in scope, the exports;
 *   - a villager of the village: the published statements.
 *
 * The ledger: an entry is pending until a second person approves it (an entry is never
 * approved by whoever entered it; the database refuses it too), or returned (rejected)
 * with a reason, then corrected by the enterer and pending again; pending and returned
 * entries may be withdrawn with a reason; approved entries are final. A statement for
 * a month (finance_statement_compute) takes the approved entries dated in it: opening
 * balance (every approved entry before the month), income and expense per category,
 * closing = opening + income − expense, exactly, in 分. Publishing a month freezes it
 * and every month before: an entry dated on or before the last published month is
 * refused (RC_CONFLICT); a correction is an entry of a later month naming the approved
 * entry it corrects (corrects_id) with a reason, of the same kind, whose amount may be
 * negative. Months are published in order, once ended, with no entry left unapproved.
 *
 * The points shop: each stock-in movement of a village's shop paid from 集体经济 becomes
 * one pending expense entry (经营支出, amount quantity × unit cost) in the stock-in's own
 * transaction (finance_shop_stock_in, the stock-in's then), dated the day of the
 * stock-in and entered by whoever recorded it; publishing a statement first brings in
 * any stock-in without its entry (finance_sync_shop); reads never write. The movement's
 * id is unique among entries, so it is never counted twice, and a month cannot be
 * published while one of its stock-ins is not approved, so none is lost. Such entries are approved like the
 * others and are never edited or withdrawn (their money left with the stock-in).
 *
 * Every change is audited on the village's chain. */
#ifndef DOMAIN_FINANCE_H
#define DOMAIN_FINANCE_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/files.h"
#include "domain/kernel/idem.h"
#include "domain/kernel/org.h"
#include "domain/kernel/xlsx.h"

#define FIN_COUNTERPART_MAX 60      /* characters */
#define FIN_SUMMARY_MAX 200
#define FIN_REASON_MAX 200
#define FIN_VOUCHERS_MAX 9
#define FIN_AMOUNT_MAX 100000000000LL   /* 10 亿元 in 分 */
#define FIN_CATEGORIES_MAX 32
#define FIN_SHOP_CATEGORY "541"     /* 经营支出: the shop's stock-in */

struct fin_category {
	char code[8];
	char kind[8];               /* income, expense */
	char name[64];
	char parent[8];             /* "" for a top account */
	int sort;
};

/* The chart of accounts, in its order (anyone logged in). */
enum result finance_categories(struct ctx *c, struct fin_category **out, int *n);

/* ---- the statement's arithmetic (pure) ---- */

struct fin_amount {
	const char *category;       /* a code of the chart */
	const char *kind;           /* income, expense */
	int64_t amount;             /* 分, signed for corrections */
};

struct fin_line {
	char code[8], kind[8], name[64], parent[8];
	int64_t amount;             /* 分 */
	int entries;
};

struct fin_totals {
	int64_t opening, income, expense, closing;   /* 分 */
	int entries;
	int nlines;
	struct fin_line lines[FIN_CATEGORIES_MAX];   /* every category of the chart, in its order */
};

/* Sums the entries of a month by category over the chart (cats, n in its order):
 * income and expense, closing = opening + income − expense. Returns 0, or -1 when an
 * entry names no category of the chart of its kind or a sum would leave ±FIN_AMOUNT_MAX
 * × 1000. */
int finance_statement_compute(int64_t opening, const struct fin_category *cats, int ncats,
			      const struct fin_amount *entries, int n, struct fin_totals *out);

/* ---- entries ---- */

struct fin_entry {
	int64_t id, village_id;
	char village_name[ORG_NAME_MAX * 4 + 1];
	char kind[8];
	char category[8];
	const char *category_name;
	int64_t amount;
	char occurred_on[11];
	const char *counterpart, *summary, *reason;
	int nvouchers;
	char vouchers[FIN_VOUCHERS_MAX][FILES_HASH_LEN + 1];
	const char *status;          /* pending, approved, rejected, withdrawn */
	int64_t corrects_id, shop_move_id;
	int64_t entered_by, entered_at, updated_at, approved_by, approved_at, withdrawn_at;
	const char *entered_by_name, *approved_by_name, *rejected_by_name, *reject_reason;
	const char *withdrawn_by_name, *withdraw_reason;
	bool frozen;                 /* dated in a published month */
	bool can_edit;               /* the actor may correct or withdraw it now */
	bool can_approve;            /* the actor may approve or return it now */
	int64_t corrected_by_id;     /* a later correction of it, 0 = none */
};

struct fin_entry_input {
	int64_t village_id;          /* create */
	const char *kind, *category, *occurred_on, *counterpart, *summary;
	int64_t amount;              /* 分 */
	bool has_amount;
	int nvouchers;               /* -1: as they are (correct) */
	const char *vouchers[FIN_VOUCHERS_MAX];
	int64_t corrects_id;         /* create: a correction of this approved entry */
	const char *reason;          /* a correction's reason */
	const struct idem *idem;     /* create */
};

/* Enters an entry, pending (P_FINANCE_ENTER). Field errors: village_id, kind, category,
 * amount, occurred_on, counterpart, summary, vouchers, corrects_id, reason. RC_CONFLICT
 * when occurred_on falls in a published month. *replayed when the key was used before. */
enum result finance_entry_create(struct ctx *c, const struct fin_entry_input *in, int64_t *id, bool *replayed);
/* Corrects a pending or returned entry (P_FINANCE_ENTER): the given fields (NULL, no
 * amount, nvouchers -1: as they are); a returned entry becomes pending again. */
enum result finance_entry_update(struct ctx *c, int64_t id, const struct fin_entry_input *in);
/* Approves a pending entry (P_FINANCE_APPROVE, not its enterer). */
enum result finance_entry_approve(struct ctx *c, int64_t id);
/* Returns a pending entry to its enterer with a reason (P_FINANCE_APPROVE, not its enterer). */
enum result finance_entry_reject(struct ctx *c, int64_t id, const char *reason);
/* Withdraws a pending or returned entry with a reason (P_FINANCE_ENTER). */
enum result finance_entry_withdraw(struct ctx *c, int64_t id, const char *reason);
enum result finance_entry_get(struct ctx *c, int64_t id, struct fin_entry *out);
/* The bytes of voucher n (1-based). */
enum result finance_voucher(struct ctx *c, int64_t id, int n, char mime[16], const void **data, size_t *len);

struct fin_query {
	int64_t village_id;          /* required */
	const char *month;           /* YYYY-MM or NULL */
	const char *status;          /* pending, approved, rejected, withdrawn, open (pending
					and returned), or NULL: all */
	const char *kind;            /* income, expense or NULL */
	int limit, offset;
};
/* The entries of a village, latest date first. */
enum result finance_entries(struct ctx *c, const struct fin_query *q, struct fin_entry **out, int *n, int64_t *total);
/* Inside no transaction: records the village shops' stock-ins paid from 集体经济 not yet
 * entered (dated up to c->now) as pending expense entries; *added how many. */
enum result finance_sync_shop(struct ctx *c, int64_t village_id, int *added);
/* The shop's stock-in hook (struct stock_in_input's then), inside the stock-in's
 * transaction: a stock-in paid from 集体经济 at a village's shop becomes that village's
 * pending expense entry, audited; any other stock-in books nothing. */
int finance_shop_stock_in(struct ctx *c, int64_t move_id, void *arg);

/* ---- statements ---- */

struct fin_statement {
	int64_t id;                  /* 0: a draft, not published */
	int64_t village_id;
	char village_name[ORG_NAME_MAX * 4 + 1];
	char month[8];
	struct fin_totals t;
	int pending;                 /* drafts: entries of the month not approved yet */
	int64_t disclosure_id, published_by, published_at;
	const char *published_by_name;
	bool can_publish;            /* drafts: the actor may publish it now */
	const char *blocker;         /* drafts: why it cannot be published now, or NULL */
};

/* The statement of a month: the published one, or a draft computed now from the
 * approved entries (staff only). village_id 0: the villager's village. */
enum result finance_statement_get(struct ctx *c, int64_t village_id, const char *month, struct fin_statement *out);
enum result finance_statement_by_id(struct ctx *c, int64_t id, struct fin_statement *out);
/* The published statements of a village, newest first (villagers of the village and
 * staff); year 0 = all. */
enum result finance_statements(struct ctx *c, int64_t village_id, int year, struct fin_statement **out, int *n);
/* Publishes a month (P_FINANCE_APPROVE and P_DISCLOSE_WRITE): freezes it and publishes
 * it as the month's 财务 disclosure. RC_CONFLICT when published already, not ended, an
 * earlier month with entries is not published, or an entry of it is not approved. */
enum result finance_statement_publish(struct ctx *c, int64_t village_id, const char *month, int64_t *id);

/* For `cunzhi verify`: every published statement still equals its month computed from
 * the approved entries (opening, income, expense, closing, count and every category's
 * line): a published month is frozen, so nothing may have moved under it. RC_OK with
 * r->broken naming the first statement that disagrees. */
struct fin_verify_report {
	int64_t statements, entries;
	bool broken;
	int64_t village_id;
	char month[8];
	char reason[160];
};
enum result finance_verify(struct ctx *c, struct fin_verify_report *r);

/* ---- exports (P_FINANCE_ENTER, P_FINANCE_APPROVE or P_FINANCE_READ) ---- */

enum result finance_export_entries(struct ctx *c, int64_t village_id, const char *from, const char *to,
				   struct export_file *out);
enum result finance_export_statements(struct ctx *c, int64_t village_id, int year, struct export_file *out);

#endif
