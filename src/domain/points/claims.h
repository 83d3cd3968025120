/* Points records (claims 申报) and their review (审核). A villager claims a rule for a
 * member of their household, a grid worker for a household of their grid; reviewers
 * (assessors of the group, or village cadres) approve or reject with a reason; nobody
 * reviews a record of their own household. Cadres' awards and deductions and activity
 * check-ins are records approved at once. Approved records go to 公示 (publicity.h). */
#ifndef DOMAIN_CLAIMS_H
#define DOMAIN_CLAIMS_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/idem.h"
#include "domain/points/rules.h"

#define CLAIM_PHOTOS_MAX 9
#define CLAIM_DESCRIPTION_MAX 500
#define CLAIM_REASON_MAX 200      /* review reasons and award notes, characters */
#define CLAIM_MAX_AGE_DAYS 90     /* how far back occurred_on may lie */
#define AWARD_BATCH_MAX 500

/* Inside the caller's transaction: inserts an approved record (source "award",
 * "deduction" or "activity") and posts it to 公示; no access check. The actor
 * (c->actor, required) is its author, and for awards and deductions its reviewer. */
enum result claims_insert_approved(struct ctx *c, int64_t village_id, int64_t household_id,
			   int64_t resident_id, const char *source, const struct point_rule *rule,
			   const char *occurred_on, const char *description, int64_t activity_id,
			   int64_t *claim_id);

/* A claim by a villager or a grid worker. */
struct claim_input {
	int64_t household_id;      /* 0 = the villager's own household */
	int64_t resident_id;       /* the member who did it (required, of that household) */
	int64_t rule_id;
	const char *occurred_on;   /* YYYY-MM-DD, not in the future, at most 90 days back */
	const char *description;   /* may be NULL */
	const char *photos[CLAIM_PHOTOS_MAX];  /* file hashes uploaded by the actor */
	int nphotos;
	const struct idem *idem;   /* optional: a retry with the same key makes nothing new */
};

/* Creates a pending claim. A villager claims for their own household (the rule must be
 * claimable by self-report); a grid worker (P_POINTS_CLAIM on the household's group or
 * village) for a household in scope (self-report or grid-worker rules). Checks the
 * member, the date, the photos (required by the rule → at least one) and the rule's
 * validity and cap (rules_check_use); every field error at once. Audited. */
enum result claims_create(struct ctx *c, const struct claim_input *in, int64_t *id);
/* The same, telling whether the key replayed an earlier request (*id is its claim). */
enum result claims_create_keyed(struct ctx *c, const struct claim_input *in, int64_t *id, bool *replayed);

struct claim_photo {
	int ord;                   /* 1-based, as served at …/photos/:n */
	char mime[16];
	int64_t size;
};

struct claim_objection {
	int64_t id, publicity_id;
	const char *objector_name;     /* masked (张*华) unless the reader may review */
	const char *reason, *status, *decision_reason, *decided_by_name;
	int64_t created_at, decided_at;
};

struct claim {
	int64_t id, village_id, household_id, resident_id, rule_id, created_by, reviewer_id;
	int64_t activity_id;
	const char *household_number, *resident_name, *source, *rule_name, *category;
	const char *occurred_on, *description, *status, *review_reason, *reviewer_name;
	const char *author_name, *batch_id;     /* batch_id "" when none */
	int64_t points, reviewed_at, created_at, updated_at;
	int photos;                             /* count */
	int64_t publicity_id;                   /* the latest 公示 entry, 0 when none */
	const char *publicity_status;
	int64_t publicity_starts_at, publicity_ends_at;
	/* filled by claims_get only */
	struct claim_photo *photo_list;
	int nphoto_list;
	struct claim_objection *objections;
	int nobjections;
	bool can_review;                        /* the actor may review it now */
};

/* One claim with its photos and objections: for the villager of its household, its
 * author, and readers (P_REGISTER_READ) or reviewers of its household's group or
 * village; RC_NOT_FOUND for anyone else. */
enum result claims_get(struct ctx *c, int64_t id, struct claim *out);

struct claim_query {
	int64_t village_id, household_id;   /* optional filters, 0 = any */
	const char *status;                 /* pending, approved, rejected, credited, cancelled */
	bool mine;                          /* authored by the actor or of their household */
	bool queue;                         /* the review queue: pending claims in the actor's
					       review scope, not of their household or by them */
	int limit, offset;
};

/* Claims visible to the actor (as claims_get), newest first (the queue oldest first). */
enum result claims_list(struct ctx *c, const struct claim_query *q, struct claim **out, int *n,
		int64_t *total);

/* Reviews a pending claim: P_POINTS_REVIEW on its household's group or village; never
 * a claim of the reviewer's own household or one they submitted (RC_FORBIDDEN).
 * Rejecting needs a reason. Approving posts it to 公示; a claim that was objected to
 * has its open objections decided with the same reason. One transaction, audited. */
enum result claims_review(struct ctx *c, int64_t id, bool approve, const char *reason);

/* A photo of a claim (n from 1) for whoever may see the claim (claims_get), else
 * RC_NOT_FOUND. The bytes live in request memory. */
enum result claims_photo(struct ctx *c, int64_t claim_id, int n, char mime[16], const void **data,
		 size_t *len);

struct award_input {
	int64_t rule_id;
	const int64_t *household_ids;   /* 1..AWARD_BATCH_MAX, distinct */
	int nhouseholds;
	int64_t resident_id;            /* only with one household; 0 = none */
	const char *occurred_on;
	const char *note;               /* required, CLAIM_REASON_MAX characters */
	const struct idem *idem;        /* optional: a retry with the same key makes nothing new */
};

struct award_result {
	char batch_id[33];
	const char *source;             /* award, or deduction for a rule with negative points */
	int64_t *claim_ids;             /* in the order of household_ids */
	int n;
	bool replayed;                  /* the key replayed an earlier batch: nothing new */
};

/* Awards (or deducts, for a rule with negative points) for one household or a batch:
 * P_POINTS_ADMIN on the rule's village, every household in that village, the rule
 * usable by a cadre for each (rules_check_use, by "cadre"). All or nothing in one
 * transaction; every record is approved at once, shares one batch_id and goes to 公示. */
enum result claims_award(struct ctx *c, const struct award_input *in, struct award_result *out);

#endif
