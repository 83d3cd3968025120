/* Notices 通知, this folder's main header (the feature is this one module). It calls
 * the kernel, and the register's main header for the households' heads.
 *
 * A village cadre publishes to the village, a town official to the town (or
 * a village in it), the county admin to the county (or any unit in it): whoever holds
 * P_NOTICE_WRITE on the target unit. Villagers see the notices whose target unit covers
 * their village; opening one records a read receipt.
 *
 * - A notice has a title (NOTICE_TITLE_MAX characters, one line), a body
 *   (NOTICE_BODY_MAX, multiline), an importance ("normal" or "important") and an
 *   optional last day ends_on (Asia/Shanghai date, inclusive): from the next day on it
 *   is no longer current ("ended").
 * - Published notices are never edited in place. A revision adds a version (the old
 *   text stays readable in the history) and needs a reason; a withdrawal keeps the text
 *   and records who withdrew it, when and why. Publication, revisions and withdrawals
 *   are audited on the target unit's chain, object "notice".
 * - A read receipt is one per user and notice (repeated reads change nothing but the
 *   latest version seen). Only villagers whose village the notice covers record one.
 * - The awareness rate 知晓率 of a notice, measured in a unit: the households of that
 *   unit with at least one member who read it, over the households of that unit. A
 *   manager measures in the deeper of the notice's unit and their own (a cadre sees a
 *   county notice's rate in their village), and may list the households that have not
 *   read it, to go and tell them.
 * Managers are those holding P_NOTICE_WRITE or P_AUDIT_READ (inspectors) on a unit
 * that covers the notice's unit or lies inside it. */
#ifndef DOMAIN_NOTICES_H
#define DOMAIN_NOTICES_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/idem.h"
#include "domain/kernel/org.h"

#define NOTICE_TITLE_MAX 60        /* characters */
#define NOTICE_BODY_MAX 5000
#define NOTICE_REASON_MAX 200
#define NOTICE_SUMMARY_MAX 80      /* the start of the body shown in lists */
#define NOTICE_ENDS_MAX_DAYS 730   /* ends_on at most two years ahead */
#define NOTICE_VERSIONS_MAX 500    /* versions read back for the history */

struct notice_stats {
	int64_t unit_id;                      /* where it was measured */
	char unit_name[ORG_NAME_MAX * 4 + 1];
	int64_t households;                   /* households of that unit */
	int64_t read_households;              /* of which some member read the notice */
	int64_t readers;                      /* users who read it, in that unit */
};

struct notice_version {
	int version_no;
	const char *title, *body, *importance, *reason, *created_by_name;
	int64_t ends_at, created_at;
};

struct notice {
	int64_t id, unit_id;
	char unit_name[ORG_NAME_MAX * 4 + 1];
	char unit_kind[12];
	char unit_path[ORG_PATH_MAX];
	int version_no;
	const char *title, *body, *importance;
	const char *summary;                  /* the body's start on one line */
	int64_t ends_at;                      /* 0 = open; the first instant it is no longer current */
	int64_t published_by, published_at, updated_at;
	const char *published_by_name;
	int64_t withdrawn_at, withdrawn_by;   /* 0 = not withdrawn */
	const char *withdrawn_by_name, *withdraw_reason;
	const char *status;                   /* "current", "ended" or "withdrawn" */
	bool can_manage;                      /* P_NOTICE_WRITE on the notice's unit */
	/* the actor as a reader: their receipt (read_at 0 = not read) */
	bool villager;                        /* the notice covers the actor's village */
	int64_t read_at;
	int version_read;
	/* for managers */
	bool has_stats;
	struct notice_stats stats;
	/* notices_get only: every version, newest first */
	int nversions;
	struct notice_version *versions;
};

/* Input of notices_publish and notices_revise. On a revision, NULL fields are left as
 * they are, and ends_on "" removes the last day. */
struct notice_input {
	int64_t unit_id;            /* publish: the village, town or county */
	const char *title, *body;
	const char *importance;     /* "normal" (default on publish) or "important" */
	const char *ends_on;        /* "YYYY-MM-DD", today or later; NULL or "" = none */
	const char *reason;         /* revise: why, required */
	const struct idem *idem;    /* publish: the retry key (kernel/idem.h), or NULL */
};

/* Publishes a notice (P_NOTICE_WRITE on the unit). Field errors name unit_id, title,
 * body, importance, ends_on. A retry with the same idempotency key returns the id of
 * the notice the first request published. */
enum result notices_publish(struct ctx *c, const struct notice_input *in, int64_t *id);
/* Revises a notice that is not withdrawn (P_NOTICE_WRITE on its unit): a new version
 * with the changed fields and the reason. Nothing changed is refused (RC_INVALID). */
enum result notices_revise(struct ctx *c, int64_t id, const struct notice_input *in);
/* Withdraws a notice (P_NOTICE_WRITE on its unit) with a reason; RC_CONFLICT when it
 * was withdrawn already. */
enum result notices_withdraw(struct ctx *c, int64_t id, const char *reason);

/* Records the actor's read receipt (a villager whose village the notice covers);
 * *first tells whether this was the first read. */
enum result notices_read(struct ctx *c, int64_t id, bool *first, int64_t *read_at);

/* One notice with its versions, for a villager it covers or a manager. measure_unit:
 * where to measure the awareness rate (0 = the deeper of the notice's unit and the
 * manager's first related grant). RC_NOT_FOUND when the actor may not see it. */
enum result notices_get(struct ctx *c, int64_t id, int64_t measure_unit, struct notice *out);

struct notice_query {
	int64_t unit_id;      /* manager: notices of this unit, above it and below it, with
			       * stats measured in it; 0 = the villager's own notices */
	const char *status;   /* "current", "ended", "withdrawn" or "all"; NULL = "current"
			       * for a villager, "all" for a manager */
	int limit, offset;
};

/* A page of notices, newest first. *unread: for a villager, their current notices not
 * read yet (else 0). */
enum result notices_list(struct ctx *c, const struct notice_query *q, struct notice **out, int *n,
		 int64_t *total, int64_t *unread);

struct notice_household {
	int64_t household_id;
	const char *number, *village_name, *group_name, *address, *head_name, *phone;
};

/* The households of the measuring unit (as notices_get) where nobody read the notice,
 * by village and number. Needs P_REGISTER_READ there. */
enum result notices_unread(struct ctx *c, int64_t id, int64_t measure_unit, int limit, int offset,
		   struct notice_household **out, int *n, int64_t *total, struct notice_stats *stats);

/* The last day ("YYYY-MM-DD") of a notice that stops being current at ends_at, or ""
 * when it has no end. */
void notices_ends_on(int64_t ends_at, char out[11]);

/* Seeding for the demo generator: notices of a village, some of them revised, published
 * at different times before now by author (0 = the village's cadre, else a town official
 * or county admin above it); each body is signed by the village committee. One
 * transaction. System context. */
struct notice_seed {
	int days_ago;             /* published */
	int ends_in_days;         /* 0 = open */
	const char *importance;
	const char *title;
	const char *body;         /* signed by the village committee when published */
	/* an optional revision, days ago, with its reason and new body */
	int revised_days_ago;
	const char *revise_reason;
	const char *revised_body;
};

enum result notices_seed(struct ctx *c, int64_t village_id, int64_t author_id, const struct notice_seed *seeds,
		 size_t nseeds);

#endif
