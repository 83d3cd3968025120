/* Chain heads an insider cannot rewrite. The audit chains (audit.h) and the ledger
 * chains (points/ledger.h) are hash chains in the database; whoever can write the
 * database could rewrite an entry and recompute every later hash. Two things stop that:
 *
 * - Each head carries a MAC: a keyed hash of its kind, unit, seq and last hash, with a
 *   key derived from the key file (never stored in the database). A rewritten chain
 *   with recomputed hashes, or a cut tail, no longer matches its head's MAC.
 * - A record of heads outside the database, DATA/chain-heads.log: append-only lines
 *   "kind unit seq hash", each linked to the line before and signed with an Ed25519
 *   key derived from the key file. The public key heads the file, so a printed or
 *   published copy can be checked by anyone. A unit the record knows must still have
 *   its recorded entry, unchanged, in the database: deleting a chain with its head, or
 *   restoring an older database, is caught.
 *
 * The record is written by chain_checkpoint (the scheduler's jobs, `cunzhi tick`,
 * `cunzhi heads`), for heads that moved since their last line. */
#ifndef DOMAIN_CHAIN_H
#define DOMAIN_CHAIN_H

#include "domain/kernel/ctx.h"

#define CHAIN_RECORD_FILE "chain-heads.log"
#define CHAIN_KIND_MAX 8

/* The MAC of a head: kind "audit" or "ledger". */
void chain_head_mac(const struct ctx *c, const char *kind, int64_t unit, int64_t seq, const char *hash,
		    char out[CRYPTO_HASH_HEX]);
/* True when mac (may be NULL) is the head's MAC. */
bool chain_head_mac_ok(const struct ctx *c, const char *kind, int64_t unit, int64_t seq,
		       const char *hash, const char *mac);

/* One recorded head. */
struct chain_mark {
	char kind[CHAIN_KIND_MAX];
	int64_t unit, seq, at;
	char hash[CRYPTO_HASH_HEX];
};

/* The record as read and checked: the latest mark per (kind, unit). ok is false when a
 * line's signature or link does not hold, or the file is missing while the chains are
 * sealed (problem says which). */
struct chain_record {
	bool ok, exists;
	char problem[200];
	char pubkey[CRYPTO_PUBKEY_HEX];
	int64_t lines;
	struct chain_mark *marks;   /* in request memory */
	int n;
};
enum result chain_record_read(struct ctx *c, struct chain_record *out);

/* Appends a signed line for each head (kind "audit" and "ledger", read from both head
 * tables) that differs from its latest line; *written counts them. Needs c->data_dir.
 * The file is locked while it is read and appended, so concurrent runs interleave
 * whole lines. */
enum result chain_checkpoint(struct ctx *c, int64_t *written);

/* Once, after migration 009: recomputes the audit chains' hashes (their snapshots were
 * redacted by the migration), keys every head of both kinds, marks the chains sealed and
 * writes the first record. Does nothing when they are sealed already; refuses (leaving
 * the chains unsealed, which verify reports) when a record file already exists, since
 * resealing over a record is what an insider would do. */
enum result chain_seal(struct ctx *c, bool *sealed_now);

/* Where the chains of one kind live, for chain_check_heads: the kind ("audit",
 * "ledger"), the entries' and heads' tables, their unit column, and what the chain
 * is called in a reason ("审计", "台账"). Fixed names, never input. */
struct chain_tables {
	const char *kind, *entries, *heads, *unit_col, *what;
};

/* The first broken link chain_check_heads found. */
struct chain_break {
	bool broken;
	int64_t unit, seq;
	char reason[160];
};

/* After a kind's entries were checked link by link: each head ends its chain and (once
 * sealed) carries its MAC, every unit with entries has a head, and the record outside
 * the database agrees with the entries it names. RC_OK with out->broken telling. */
enum result chain_check_heads(struct ctx *c, const struct chain_tables *t, struct chain_break *out);

/* The units with a chain of this kind, ascending (arena memory): one index probe per
 * unit (the next id above the last), not a scan of the entries. */
enum result chain_units_list(struct ctx *c, const struct chain_tables *t, int64_t **ids, int *n);

/* The units a verification is limited to: ids sorted ascending. NULL: every unit. */
struct chain_units {
	const int64_t *ids;
	int n;
};
bool chain_units_has(const struct chain_units *only, int64_t unit);
/* chain_check_heads for the chains of the units in only (NULL: all). */
enum result chain_check_heads_in(struct ctx *c, const struct chain_tables *t, const struct chain_units *only,
				 struct chain_break *out);

/* True when the chains have been sealed (chain_seal ran). */
bool chain_sealed(struct ctx *c);

#endif
