/* The audit log: every change of state records actor, time, object and before/after,
 * appended to a hash chain per village (or per town/county for changes above the
 * villages). Each entry's hash covers the previous entry's hash, so an entry changed
 * or removed in the database breaks the chain at that point. */
#ifndef DOMAIN_AUDIT_H
#define DOMAIN_AUDIT_H

#include "domain/kernel/ctx.h"
#include "util/buf.h"

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Snapshots are small JSON objects built with these: audit_snap_begin, then fields,
 * then audit_snap_end. A NULL text value is written as null. */
void audit_snap_begin(struct buf *b);
void audit_snap_str(struct buf *b, const char *key, const char *value);
void audit_snap_int(struct buf *b, const char *key, int64_t value);
void audit_snap_end(struct buf *b);

/* Appends one entry to unit_id's chain. Call inside the change's transaction. before
 * and after are snapshots ("{}" for none). */
enum result audit_record(struct ctx *c, int64_t unit_id, const char *object_type, int64_t object_id,
		 const char *action, const char *before, const char *after);

/* Many entries on one unit's chain in one transaction (a roster import of a county's
 * size): audit_batch_begin reads and locks the unit's head once (the UPDATE takes its
 * row lock on PostgreSQL; SQLite holds the write lock already); while the batch is open,
 * audit_record for that unit appends with one INSERT each and keeps the head in memory;
 * audit_batch_end writes the head and its MAC once. The entries and their hashes are
 * those audit_record writes one at a time. On failure the transaction is rolled back
 * and audit_batch_end is called all the same (it then writes nothing). */
struct audit_batch {
	int64_t unit_id;
	int64_t seq, first_seq;
	char hash[CRYPTO_HASH_HEX];
};

enum result audit_batch_begin(struct ctx *c, struct audit_batch *b, int64_t unit_id);
enum result audit_batch_end(struct ctx *c, struct audit_batch *b, int rc);

/* The hash of one entry from its content and the previous entry's hash, as audit_record
 * writes it and audit_verify recomputes it (also for bulk loads: bench/gen_county.c). */
void audit_entry_hash(int64_t unit, int64_t seq, int64_t actor, int64_t at, const char *type,
		      int64_t object_id, const char *action, const char *before, const char *after,
		      const char *prev, char out[CRYPTO_HASH_HEX]);

struct audit_report {
	int64_t chains, entries;
	bool broken;
	int64_t unit_id, seq;      /* the first broken link */
	char reason[160];
};

/* Recomputes every chain and checks each head: its MAC (chain.h), that it ends its
 * chain, that every unit with entries has one, and that the record of heads outside
 * the database (chain.h) agrees. RC_OK with report->broken telling the outcome. */
enum result audit_verify(struct ctx *c, struct audit_report *report);

/* The parts of audit_verify, for running them side by side on several connections
 * (cli/verify.c): the units with a chain, ascending (arena memory); one unit's chain
 * link by link (chains 1 and its entries); the heads of the chains of the units in only
 * (NULL: every one). audit_report_add adds from's counts to into and takes from's
 * problem when into has none: adding the chains in ascending order, then the heads,
 * reports the same first problem as audit_verify. */
struct chain_units;
enum result audit_verify_units(struct ctx *c, int64_t **ids, int *n);
enum result audit_verify_chain(struct ctx *c, int64_t unit, struct audit_report *r);
enum result audit_verify_heads(struct ctx *c, const struct chain_units *only, struct audit_report *r);
void audit_report_add(struct audit_report *into, const struct audit_report *from);

/* audit_verify for the actor (GET /audit/verify): the chains of the units under their
 * P_AUDIT_VERIFY grants (RC_FORBIDDEN without one), every chain for a grant covering
 * every unit. One at a time in the process: while one runs, RC_TOO_MANY. */
enum result audit_verify_scoped(struct ctx *c, struct audit_report *report);
/* The one-at-a-time token of audit_verify_scoped: true when taken (release it). */
bool audit_verify_claim(void);
void audit_verify_release(void);

/* Inside the caller's transaction: recomputes every entry's prev_hash and hash from its
 * stored content, and the heads' hashes (not their MACs). Only for chain_seal, once,
 * after a migration rewrote snapshots. */
enum result audit_rehash(struct ctx *c);


#endif
