/* The points ledger (积分台账): append-only, one hash chain per village, and the two
 * balances per household kept in step with it: spendable (可兑换; spending subtracts,
 * an optional yearly reset) and honour (累计; never reduced by spending, deductions
 * reduce both). Corrections are reversing entries with a reason, never edits. */
#ifndef DOMAIN_LEDGER_H
#define DOMAIN_LEDGER_H

#include "domain/kernel/ctx.h"

struct ledger_input {
	int64_t village_id, household_id, resident_id;  /* resident may be 0 */
	const char *source;     /* claim, award, deduction, activity, redemption, return, correction, reset */
	int64_t claim_id;       /* credited claim (unique: a claim is credited once), or 0 */
	int64_t ref_id;         /* receipt, corrected entry …, or 0 */
	int64_t rule_id;        /* or 0 */
	const char *rule_name, *category;  /* snapshots, may be "" */
	int64_t spendable, honour;         /* the changes */
	const char *note;
};

/* An entry being made from a stored record (a claim credited, an entry corrected): the
 * input, and room for the text it points to. */
struct ledger_draft {
	struct ledger_input in;
	char source[16], rule_name[256], category[64];
};

/* Fills d->in from a row whose first seven columns are village_id, household_id,
 * resident_id (0 for none), source, rule_id, rule_name and category; in.source,
 * in.rule_name and in.category point into d. The other fields are left as they are. */
void ledger_draft_read(struct ledger_draft *d, struct db_stmt *st);

/* The hash of entry seq of a village's chain from its content, actor, time and the
 * previous entry's hash, as ledger_append writes it and ledger_verify recomputes it
 * (also for bulk loads: bench/gen_county.c). */
void ledger_entry_hash(int64_t village, int64_t seq, const struct ledger_input *in, int64_t actor,
		       int64_t at, const char *prev, char out[CRYPTO_HASH_HEX]);

/* Appends one entry inside the caller's transaction and updates the household's
 * balances. A second credit of the same claim fails with RC_CONFLICT. A change that
 * would make the spendable balance negative fails with RC_CONFLICT (积分不足). */
enum result ledger_append(struct ctx *c, const struct ledger_input *in, int64_t *entry_id);

/* Balances without access checks (0, 0 for a household with no entries). */
enum result ledger_balance(struct ctx *c, int64_t household_id, int64_t *spendable, int64_t *honour);

struct ledger_entry {
	int64_t id, village_id, seq, household_id, resident_id, claim_id, ref_id, rule_id;
	const char *household_number, *resident_name, *source, *rule_name, *category, *note, *actor_name;
	int64_t spendable, honour, actor_id, at;
	const char *hash;
};

struct ledger_query {
	int64_t household_id;   /* one household, or 0 with village_id for the village */
	int64_t village_id;
	int64_t from, to;       /* time range [from, to), 0 = open */
	const char *source;     /* optional filter */
	int limit, offset;
};

/* Entries newest first. A household's ledger: the villager of that household or anyone
 * with P_REGISTER_READ on its village; a village's ledger: P_REGISTER_READ there. */
enum result ledger_list(struct ctx *c, const struct ledger_query *q, struct ledger_entry **out, int *n,
		int64_t *total);
/* The checks of ledger_list for a household's ledger alone (the same errors) and the
 * household's village, for a reply kept from an earlier request (http/reply_cache.h). */
enum result ledger_household_village(struct ctx *c, int64_t household_id, int64_t *village_id);

/* Reverses one entry with a reason (cadre of the village): a new entry with the
 * opposite changes, source "correction", ref_id = the corrected entry. An entry is
 * corrected at most once; corrections and resets are not corrected, nor are
 * redemptions and returns (RC_CONFLICT: a return at the counter undoes a sale, and a
 * correction beside it would refund twice). A reversal that adds points (of a
 * deduction) is not written at once: it becomes a request that a second cadre of the
 * village decides (ledger_correction_decide), out->pending and out->request_id; the
 * command line's system context writes it at once. */
struct ledger_correction {
	bool pending;
	int64_t entry_id;     /* the correction entry, when written */
	int64_t request_id;   /* the request, when pending */
};
enum result ledger_correct(struct ctx *c, int64_t entry_id, const char *reason, struct ledger_correction *out);

/* Decides a pending correction: P_POINTS_ADMIN on its village, never the cadre who
 * asked (RC_FORBIDDEN). Approving writes the correction (*new_id); rejecting needs a
 * reason. A request is decided once (RC_CONFLICT). */
enum result ledger_correction_decide(struct ctx *c, int64_t request_id, bool approve, const char *reason,
				     int64_t *new_id);

struct ledger_correction_request {
	int64_t id, entry_id, requested_by, requested_at, decided_by, decided_at, ledger_id;
	const char *reason, *requested_by_name, *status, *decided_by_name, *decision;
	const char *household_number, *source, *rule_name;   /* of the entry to reverse */
	int64_t spendable, honour;                            /* the changes the correction makes */
};
/* A village's correction requests, newest first (at most 200), optionally of one
 * status: cadres of the village. */
enum result ledger_correction_list(struct ctx *c, int64_t village_id, const char *status,
				   struct ledger_correction_request **out, int *n);

/* The chain head of a village: the number of entries and the last hash. */
enum result ledger_head(struct ctx *c, int64_t village_id, int64_t *count, char hash[65]);

/* The yearly reset job: for each village whose reset date (MM-DD, Asia/Shanghai) has
 * come this year and has not run, writes a "reset" entry bringing each household's
 * spendable balance to 0 (honour unchanged). Idempotent. */
enum result ledger_reset_due(struct ctx *c, int64_t *entries);

/* What ledger_verify checks, in the order a problem is reported. */
enum ledger_verify_stage {
	LEDGER_VERIFY_LINKS = 1,   /* a village's chain, link by link */
	LEDGER_VERIFY_HEADS,       /* the chain heads (chain.h) */
	LEDGER_VERIFY_BALANCES,    /* a household's balances against its entries */
	LEDGER_VERIFY_TOTALS,      /* a household's stored period totals against its entries */
};

struct ledger_report {
	int64_t chains, entries, households;
	bool broken;
	enum ledger_verify_stage stage;          /* of the first problem */
	int64_t village_id, seq, household_id;   /* first problem */
	char reason[160];
};

/* Recomputes every village chain and checks each household's balances, and its stored
 * month, quarter and year totals (ledger_totals, kept by ledger_append), against the
 * sums of its entries. */
enum result ledger_verify(struct ctx *c, struct ledger_report *r);

/* The parts of ledger_verify, for running them side by side on several connections
 * (cli/verify.c); together they check the same and report the same first problem:
 *   - the villages with a chain, ascending (arena memory);
 *   - one village's chain link by link (chains 1 and its entries);
 *   - the chain heads;
 *   - the balances and stored totals of the households of one village (0: every one).
 * ledger_report_first tells whether a is reported before b; ledger_report_take copies
 * the problem of from (if any) into into. */
enum result ledger_verify_villages(struct ctx *c, int64_t **ids, int *n);
enum result ledger_verify_chain(struct ctx *c, int64_t village_id, struct ledger_report *r);
enum result ledger_verify_heads(struct ctx *c, struct ledger_report *r);
enum result ledger_verify_sums(struct ctx *c, int64_t village_id, struct ledger_report *r);
bool ledger_report_first(const struct ledger_report *a, const struct ledger_report *b);
void ledger_report_take(struct ledger_report *into, const struct ledger_report *from);

#endif
