/* 公示: approved points records posted publicly for the village's period before they
 * are credited. Any villager of the village may object during the period; an objection
 * ends the posting and sends the record back to review (claims.h), whose decision and
 * reason are shown to the objector. When the period ends without objection the
 * crediting job writes the ledger entry, exactly once. */
#ifndef DOMAIN_PUBLICITY_H
#define DOMAIN_PUBLICITY_H

#include "domain/kernel/ctx.h"

#define PUBLICITY_DAYS_DEFAULT 3
#define PUBLICITY_REASON_MAX 200

struct village_settings {
	int64_t village_id;
	int publicity_days;
	int red_list_size;
	char reset_month_day[6];   /* "MM-DD" or "" */
};

/* Settings of a village (defaults when never set); no access check. */
enum result publicity_settings_get(struct ctx *c, int64_t village_id, struct village_settings *out);
/* The same for a reader: the village must exist and the actor have business there. */
enum result publicity_settings_read(struct ctx *c, int64_t village_id, struct village_settings *out);
/* Changes them (cadre of the village). */
enum result publicity_settings_set(struct ctx *c, const struct village_settings *in);

/* Posts an approved claim, inside the caller's transaction: an open entry from now to
 * now + the village's period. */
enum result publicity_post(struct ctx *c, int64_t village_id, int64_t claim_id, int64_t *publicity_id);

/* The crediting job: every open entry whose period has ended and that has no open
 * objection is credited (publicity → credited, claim → credited, one ledger entry).
 * Each entry is its own transaction; safe to run concurrently and repeatedly. */
enum result publicity_credit_due(struct ctx *c, int64_t *credited);

struct publicity_item {
	int64_t id, claim_id, household_id, village_id;
	const char *masked_name;       /* 张*华 */
	const char *household_number;
	const char *source, *rule_name, *category, *occurred_on, *description, *status;
	int64_t points, starts_at, ends_at;
	int64_t objections;            /* objections raised on this posting */
};

/* What a village has in 公示 now (open entries), for the public page: no login needed,
 * names masked. Also the ledger chain head (entry count and hash). */
enum result publicity_public_list(struct ctx *c, int64_t village_id, struct publicity_item **out, int *n,
			  int64_t *ledger_count, char ledger_hash[65]);

/* A villager of the village objects to an open entry, with a reason. */
enum result publicity_object(struct ctx *c, int64_t publicity_id, const char *reason, int64_t *objection_id);

struct objection {
	int64_t id, publicity_id, claim_id, objector_id, decided_by;
	const char *objector_name, *reason, *status, *decision_reason, *rule_name, *masked_name;
	int64_t points, created_at, decided_at;
};

/* Objections of a village (reviewers in scope), or the actor's own (mine). */
enum result publicity_objections(struct ctx *c, int64_t village_id, bool mine, int limit, int offset,
			 struct objection **out, int *n, int64_t *total);

/* Called by the claim review inside its transaction when a claim that was objected to is
 * decided: open objections of the claim become upheld (rejected) or dismissed
 * (approved again), with the reviewer's reason. */
enum result publicity_decide_objections(struct ctx *c, int64_t claim_id, bool approved, const char *reason);

#endif
