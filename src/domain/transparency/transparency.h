/* Transparency 三务公开 and the village timeline 大事记, this folder's main header. The
 * feature owns the disclosures of the villages (党务, 村务, 财务) with their versions,
 * attachments and villagers' questions, the legal schedule and the late board
 * (`schedule`), the county's schedule settings, and the 大事记 entries (`chronicle`).
 * It calls the kernel only (access, scope, audit, org, files, idem); a later finance
 * module publishes its monthly statement as the month's finance item through
 * transparency_publish with statement_id set.
 *
 * Who may do what (domain/kernel/access.h):
 *   - P_DISCLOSE_WRITE on the village (its cadres): publish, revise, withdraw, answer;
 *   - P_DISCLOSE_READ (cadres, town, county, inspectors): every item in scope, withdrawn
 *     ones included, the questions with the askers' names, the late board;
 *   - anyone whose grants touch the village (its villagers, its staff): the published,
 *     not withdrawn items; a villager of the village asks questions;
 *   - P_DISCLOSE_ADMIN on the county: the schedule settings;
 *   - P_CHRONICLE_WRITE on the village: the 大事记 entries;
 *   - nobody logged in: the public pages, published items and the timeline only, with
 *     the askers masked and no names of staff.
 *
 * The schedule (the legal rhythm, transparency_due): a regular 党务 or 村务 item covers a
 * quarter "2026-Q3" and is due by the 20th of the quarter's following month (the first
 * month of the next quarter: 2026-10-20); finance covers a month "2026-10" (due
 * 2026-11-20) in the villages the county marks busy, else a quarter; a major matter
 * (重大事项) covers its decision date "2026-10-15" and is due major_days after it. A
 * village is late for a (kind, period) when no published, not withdrawn item of that
 * kind and period exists after the due day, or the first one was published after it.
 * Every publication, revision, withdrawal, question, answer and settings change is
 * audited on the village's (settings: the county's) chain. */
#ifndef DOMAIN_TRANSPARENCY_H
#define DOMAIN_TRANSPARENCY_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/files.h"
#include "domain/kernel/idem.h"
#include "domain/kernel/org.h"

#define DISC_TITLE_MAX 60          /* characters */
#define DISC_BODY_MAX 10000
#define DISC_CATEGORY_MAX 20
#define DISC_REASON_MAX 200
#define DISC_QUESTION_MAX 300
#define DISC_ANSWER_MAX 1000
#define DISC_FILES_MAX 9           /* attachments of an item, photos of an entry */
#define DISC_SUMMARY_MAX 80
#define DISC_VERSIONS_MAX 200
#define DISC_QUESTIONS_MAX 200     /* questions read back with an item */
#define DISC_DUE_DAY 20            /* regular items: by the 20th of the following month */
#define DISC_MAJOR_DAYS_DEFAULT 5  /* a major matter: days after the decision */
#define DISC_MAJOR_DAYS_MAX 60
#define DISC_BOARD_DAYS 400        /* the board looks back this many days of due dates */
#define DISC_BOARD_AHEAD 100       /* and shows the periods due this many days ahead */

/* ---- periods and due dates (pure) ---- */

enum disc_period_type { DISC_QUARTER = 'Q', DISC_MONTH = 'M', DISC_DATE = 'D' };

struct disc_period {
	char text[11];          /* as given: 2026-Q3, 2026-10, 2026-10-15 */
	int type;               /* enum disc_period_type */
	int64_t first, last;    /* the days covered (days since 1970-01-01) */
};

/* Parses a period; returns 0, or -1 when malformed. */
int transparency_parse_period(const char *s, struct disc_period *out);
/* The due day of a period: the DISC_DUE_DAY of the month after a quarter or month ends,
 * or major_days after a decision date. */
int64_t transparency_due(const struct disc_period *p, int major_days);
/* The quarter or month containing a day, as a period. */
void transparency_quarter_of(int64_t day, struct disc_period *out);
void transparency_month_of(int64_t day, struct disc_period *out);
/* The period before p of the same type (quarters and months only). */
void transparency_prev(const struct disc_period *p, struct disc_period *out);

/* ---- disclosures ---- */

struct disc_file {
	char hash[FILES_HASH_LEN + 1];
	char mime[16];
	int64_t size;
};

struct disc_version {
	int version_no;
	const char *category, *title, *body, *reason, *created_by_name;
	int nfiles;
	struct disc_file files[DISC_FILES_MAX];
	int64_t created_at;
};

struct disc_question {
	int64_t id, disclosure_id;
	const char *question, *answer;   /* answer NULL when open */
	const char *asker_name;          /* full: only for managers (see full_names) */
	char asker_masked[64];           /* 李* */
	bool mine;                       /* asked by the actor */
	int64_t asked_at, answered_at;
	const char *answered_by_name;
	int age_days;                    /* days since asked (open) or until answered */
	const char *title;               /* the item's title, in question lists */
	char village_name[ORG_NAME_MAX * 4 + 1];
};

struct disclosure {
	int64_t id, village_id;
	char village_name[ORG_NAME_MAX * 4 + 1];
	char village_path[ORG_PATH_MAX];
	char kind[12];                   /* party, village, finance */
	const char *category, *period;
	bool major;
	int version_no;
	const char *title, *body, *summary;
	int nfiles;
	struct disc_file files[DISC_FILES_MAX];
	int64_t statement_id;            /* 0 = none */
	int64_t published_by, published_at, updated_at;
	const char *published_by_name;
	int64_t withdrawn_at;
	const char *withdrawn_by_name, *withdraw_reason;
	const char *status;              /* "published" or "withdrawn" */
	int64_t due_day;                 /* the schedule's due day for its period */
	int late_days;                   /* published this many days after it (0 = on time) */
	bool can_manage;                 /* P_DISCLOSE_WRITE on the village */
	bool can_ask;                    /* the actor is a villager of the village and it is published */
	bool full_names;                 /* the actor may see askers' names (P_DISCLOSE_READ) */
	int nquestions, open_questions;
	struct disc_question *questions; /* transparency_get only: oldest first */
	int nversions;
	struct disc_version *versions;   /* transparency_get only: newest first */
};

struct disc_input {
	int64_t village_id;              /* publish */
	const char *kind, *category, *period, *title, *body;
	int nfiles;                      /* -1 = leave as they are (revise) */
	const char *files[DISC_FILES_MAX];
	int64_t statement_id;            /* publish: a finance statement (finance module) */
	const char *reason;              /* revise */
	const struct idem *idem;         /* publish: an optional idempotency key */
};

/* Publishes an item (P_DISCLOSE_WRITE on the village). Field errors name village_id,
 * kind, category, period, title, body, files. *replayed when the key was used before. */
enum result transparency_publish(struct ctx *c, const struct disc_input *in, int64_t *id, bool *replayed);
/* Revises an item not withdrawn: a new version of category, title, body and files (NULL
 * or nfiles -1: as they are) with a reason. Nothing changed is RC_INVALID. */
enum result transparency_revise(struct ctx *c, int64_t id, const struct disc_input *in);
/* Withdraws with a reason; RC_CONFLICT when withdrawn already. */
enum result transparency_withdraw(struct ctx *c, int64_t id, const char *reason);
/* One item with its versions and questions, for a reader (see above); public: the
 * public page's view (village_id must match, published items only). */
enum result transparency_get(struct ctx *c, int64_t id, int64_t public_village, struct disclosure *out);
/* The bytes of the item's attachment n (1-based, current version). */
enum result transparency_file(struct ctx *c, int64_t id, int n, int64_t public_village, char mime[16],
			      const void **data, size_t *len);

struct disc_query {
	int64_t unit_id;          /* a village, town or county; 0 = the villager's village */
	int64_t public_village;   /* the public page of this village (no login) */
	const char *kind;         /* NULL = all */
	const char *period;       /* NULL = all */
	const char *status;       /* "published", "withdrawn", "all"; readers: published only */
	int limit, offset;
};
/* A page of items, newest first. */
enum result transparency_list(struct ctx *c, const struct disc_query *q, struct disclosure **out, int *n,
			      int64_t *total);

/* A villager of the item's village asks a question on a published item. */
enum result transparency_ask(struct ctx *c, int64_t id, const char *question, const struct idem *k,
			     int64_t *qid, bool *replayed);
/* The village answers an open question publicly (P_DISCLOSE_WRITE); RC_CONFLICT when it
 * was answered already. */
enum result transparency_answer(struct ctx *c, int64_t qid, const char *answer);
/* Questions of a unit (P_DISCLOSE_READ): status "open", "answered" or "all", oldest
 * open first. */
enum result transparency_questions(struct ctx *c, int64_t unit_id, const char *status, int limit, int offset,
				   struct disc_question **out, int *n, int64_t *total);

/* ---- the county's settings and the board ---- */

struct disc_settings {
	int64_t county_id;
	int major_days;
	char starts_on[11];       /* periods due before this day are not counted */
	int nbusy;
	int64_t *busy;            /* villages with monthly finance */
};
/* The settings of the county above unit (anyone whose grants touch it). */
enum result transparency_settings_get(struct ctx *c, int64_t county_id, struct disc_settings *out);
/* Changes them (P_DISCLOSE_ADMIN on the county): major_days -1, starts_on NULL, nbusy -1
 * leave a field as it is. Field errors: major_days, starts_on, busy_village_ids. */
enum result transparency_settings_put(struct ctx *c, int64_t county_id, int major_days, const char *starts_on,
				      int nbusy, const int64_t *busy);

struct disc_slot {
	char kind[12];
	char period[11];
	bool major;
	int64_t due_day;
	const char *state;        /* "on_time", "late" (published late), "missing" (due, not
				   * published), "pending" (not due yet) */
	int late_days;            /* late: days after the due day; missing: days overdue */
	int64_t disclosure_id;    /* the first item published for it, 0 = none */
	int64_t published_at;
};

struct disc_village_board {
	int64_t village_id;
	char village_name[ORG_NAME_MAX * 4 + 1];
	bool busy;
	int nslots;
	struct disc_slot *slots;  /* by due day */
	int late, missing;        /* slots late and missing */
	int max_late_days;
	int open_questions;
	int oldest_question_days;
};

struct disc_board {
	struct org_unit unit;
	int64_t today;            /* days, Asia/Shanghai */
	int major_days;
	char starts_on[11];
	int nvillages;
	struct disc_village_board *villages;
	int nopen;                /* open questions listed (the oldest first) */
	struct disc_question *open;
};
/* The schedule and lateness of the villages of a unit (P_DISCLOSE_READ on it). */
enum result transparency_board(struct ctx *c, int64_t unit_id, struct disc_board *out);

/* ---- 大事记 ---- */

#define CHRONICLE_TITLE_MAX 60
#define CHRONICLE_BODY_MAX 3000
#define CHRONICLE_REASON_MAX 200

struct chronicle_version {
	int version_no;
	const char *happened_on, *title, *body, *reason, *created_by_name;
	int nphotos;
	int64_t created_at;
};

struct chronicle_entry {
	int64_t id, village_id;
	char village_name[ORG_NAME_MAX * 4 + 1];
	char village_path[ORG_PATH_MAX];
	int version_no;
	const char *happened_on, *title, *body;
	int nphotos;
	char photos[DISC_FILES_MAX][FILES_HASH_LEN + 1];
	int64_t created_at, updated_at;
	const char *created_by_name;
	int64_t withdrawn_at;
	const char *withdrawn_by_name, *withdraw_reason;
	const char *status;       /* "published" or "withdrawn" */
	bool can_manage;
	int nversions;
	struct chronicle_version *versions;   /* chronicle_get only, newest first */
};

struct chronicle_input {
	int64_t village_id;
	const char *happened_on, *title, *body;
	int nphotos;              /* -1 = as they are (revise) */
	const char *photos[DISC_FILES_MAX];
	const char *reason;       /* revise */
};

enum result chronicle_add(struct ctx *c, const struct chronicle_input *in, int64_t *id);
enum result chronicle_revise(struct ctx *c, int64_t id, const struct chronicle_input *in);
enum result chronicle_withdraw(struct ctx *c, int64_t id, const char *reason);
enum result chronicle_get(struct ctx *c, int64_t id, struct chronicle_entry *out);
/* The timeline of a village, latest first: unit_id 0 = the villager's village;
 * public_village for the public page; status "published" (default), "withdrawn" or
 * "all" (the latter two for managers). */
enum result chronicle_list(struct ctx *c, int64_t unit_id, int64_t public_village, const char *status, int limit,
			   int offset, struct chronicle_entry **out, int *n, int64_t *total);
enum result chronicle_photo(struct ctx *c, int64_t id, int n, int64_t public_village, char mime[16],
			    const void **data, size_t *len);

#endif
