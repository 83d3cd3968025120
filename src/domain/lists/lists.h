/* Lists 清单制: what a village may do, how, and how long it takes, and the record of
 * every time it did it. This feature owns the county's templates of the three lists
 * (小微权力 micro-powers "power", 村级事务 affairs "affair" in three sections: 依法履职
 * "duty", 协助政府 "assist" and the 负面清单 "negative", 公共服务 services "service"), the
 * versions of a village's lists adopted at a meeting (the items copied into each version,
 * never rewritten by a later version or template edit), the execution records 执行记录
 * with a frozen copy of the item's steps, the step log, attachments, votes and the
 * disclosed outcome, their statistics and overdue board, and the public pages' data.
 * It calls the kernel (access, scope, audit, idempotency keys, files, org units, the
 * holiday calendar, XLSX) and the register's main header (households' heads' names).
 *
 * Who does what (every check here, on the server):
 *   - templates: read by anyone logged in whose grants touch the county; written with
 *     P_LIST_TEMPLATE on the county (county admin), audited on the county's chain;
 *   - a village's lists and versions: read by anyone whose grants touch the village
 *     (and by everyone on the public pages); a new version with P_LIST_WRITE on the
 *     village (its cadres), audited on the village's chain;
 *   - an execution record: started by a cadre of the village (any item), by a villager
 *     for their own household (service items only, via "villager"), or by a grid worker
 *     for a household of their grid (service items only, via "proxy" 代办). Items of the
 *     negative list are refused (RC_CONFLICT, naming the list and the basis). Step n is
 *     completed only when it is the current step (RC_CONFLICT "不能跳过步骤…"), by
 *     someone holding the step's role on a unit covering the village (grid workers and
 *     评议小组 also on a grid or group inside it); steps with role "applicant" by the
 *     applicant's household account or a cadre of the village on their behalf;
 *   - records are read by P_LIST_READ holders in scope (cadres, grid workers for their
 *     households, town and county staff, inspectors — who never write), by the
 *     household that applied and by whoever started them; outside that RC_NOT_FOUND.
 * Deadlines: a step's due date is its limit in working days (holiday calendar) from when
 * it became current; the record's is the item's total limit from its start. Overdue =
 * open and now past either, computed from the clock (no job). */
#ifndef DOMAIN_LISTS_LISTS_H
#define DOMAIN_LISTS_LISTS_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/xlsx.h"

#define LIST_CODE_MAX 20        /* characters */
#define LIST_NAME_MAX 60
#define LIST_BASIS_MAX 1000
#define LIST_LINE_MAX 100       /* one material, risk point or attachment */
#define LIST_LINES_MAX 20
#define LIST_CONTACT_MAX 100
#define LIST_STEPS_MAX 12
#define LIST_DAYS_MAX 120       /* working days of a step or an item */
#define LIST_ITEMS_MAX 300      /* items in one version */
#define LIST_TITLE_MAX 80
#define LIST_NOTE_MAX 1000
#define LIST_PHOTOS_MAX 9
#define LIST_MEETING_MAX 60
#define LIST_VOTES_MAX 100000

struct list_step {
	int n;                   /* from 1 */
	const char *name, *role; /* role: a role name (access.h) or "applicant" */
	int limit_days;
	bool disclose;           /* the step and its note are shown on the public page */
	int nattachments;
	const char *attachments[LIST_LINES_MAX];
};

/* A template (county_id set, template_id 0) or an adopted item (village and version set).
 * Also the input of templates and of items added by a village. */
struct list_item {
	int64_t id, county_id, village_id, version_id, template_id;
	int version;             /* the version's n */
	const char *kind;        /* power, affair, service */
	const char *section;     /* affairs: duty, assist, negative; else NULL */
	const char *code, *name, *basis, *role, *supervise_contact;
	int time_limit_days;
	int nmaterials, nrisks, nsteps;
	const char *materials[LIST_LINES_MAX];
	const char *risk_points[LIST_LINES_MAX];
	struct list_step steps[LIST_STEPS_MAX];
	int64_t updated_at;
};

/* The label of a role as shown ("村两委"; "申请人" for applicant). */
const char *lists_role_label(const char *role);
/* True for the three kinds and the sections. */
bool lists_kind_valid(const char *kind);
/* Checks an item's fields and adds every error, field names prefixed (prefix "" or
 * "items[3]."). */
void lists_check_item(struct ctx *c, const char *prefix, const struct list_item *it);

/* ---- templates ---- */

/* The templates of a county (county_id 0: the actor's), of one kind or all (kind NULL). */
int lists_templates(struct ctx *c, int64_t county_id, const char *kind, struct list_item **out, int *n);
int lists_template_get(struct ctx *c, int64_t id, struct list_item *out);
int lists_template_create(struct ctx *c, const struct list_item *in, int64_t *id);
/* Replaces a template's fields and steps; adopted items keep their copies. */
int lists_template_update(struct ctx *c, int64_t id, const struct list_item *in);

/* ---- a village's adopted lists ---- */

struct list_version {
	int64_t id, village_id, adopted_at, adopted_by;
	int n, attendance, nitems;
	const char *adopted_by_name, *meeting_date, *meeting_title, *meeting_note;
};

/* One item of a new version: a template's copy (template_id), or the village's own. */
struct list_adopt {
	int64_t template_id;     /* 0: item holds the village's own item */
	const struct list_item *item;
};

struct list_version_input {
	int64_t village_id;
	const char *meeting_date, *meeting_title, *meeting_note;
	int attendance;
	int nitems;
	const struct list_adopt *items;
};

/* The village's current version (found false when none) and its items (of one kind, or
 * all when kind is NULL), in list order. Anyone whose grants touch the village; public
 * for the public pages (no login). */
int lists_current(struct ctx *c, int64_t village_id, const char *kind, bool public, struct list_version *v,
		  bool *found, struct list_item **items, int *n);
int lists_item_get(struct ctx *c, int64_t id, struct list_item *out);
int lists_versions(struct ctx *c, int64_t village_id, struct list_version **out, int *n);
/* A new version that is exactly this set of items (P_LIST_WRITE on the village). */
int lists_adopt(struct ctx *c, const struct list_version_input *in, int64_t *version_id);

/* ---- execution records ---- */

struct list_exec_step {
	struct list_step s;
	int64_t started_at, due_at, done_at, done_by;
	const char *done_by_name, *note;
	int nphotos;
	const char *photos[LIST_PHOTOS_MAX];
	bool overdue;            /* current, or done after its due date */
};

struct list_execution {
	int64_t id, village_id, item_id, household_id, town_id;
	const char *code, *village_name, *town_name, *village_path;
	const char *item_name, *item_kind, *item_section, *item_code;
	const char *title, *note, *via, *state, *outcome, *outcome_text;
	const char *applicant_name;      /* the household head's, masked unless the actor may see it */
	bool outcome_public, overdue, has_votes;
	int votes_for, votes_against, votes_abstain;
	int current_n;                   /* 0 when every step is done */
	const char *current_name, *current_role;
	int64_t current_due, due_at, started_at, closed_at;
	int nsteps;
	struct list_exec_step *steps;    /* lists_execution_get only */
	int nmaterials;
	const char *materials[LIST_LINES_MAX];
	int nphotos;
	const char *photos[LIST_PHOTOS_MAX];
	bool can_advance, can_close;
};

struct list_start {
	int64_t item_id, household_id;   /* household: 0 = the villager's own, or none */
	const char *title, *note;
	int nphotos;
	const char *photos[LIST_PHOTOS_MAX];
	const struct idem *idem;
};
/* Starts a record (see the top of this file); *replayed when the idempotency key was
 * used for the same request before (nothing changed). */
int lists_start(struct ctx *c, const struct list_start *in, int64_t *id, bool *replayed);

struct list_advance {
	const char *note;
	int nphotos;
	const char *photos[LIST_PHOTOS_MAX];
	bool has_votes;
	int votes_for, votes_against, votes_abstain;
};
/* Completes step n of a record. */
int lists_advance(struct ctx *c, int64_t id, int n, const struct list_advance *in);
/* Closes a record: done (after the last step), rejected (with the reason) or withdrawn
 * (by the applicant or a cadre). */
int lists_close(struct ctx *c, int64_t id, const char *outcome, const char *text);

int lists_execution_get(struct ctx *c, int64_t id, struct list_execution *out);
/* Photo n of step (0 = the applicant's materials) of a record the actor may read. */
int lists_photo(struct ctx *c, int64_t id, int step, int n, char mime[16], const void **data, size_t *len);

struct list_query {
	int64_t unit_id, item_id;        /* unit: county, town or village; 0 = all in scope */
	const char *kind, *state;        /* state: open, closed, overdue */
	bool mine;                       /* the actor's household's requests */
	bool board;                      /* overdue now, oldest alarm first */
	bool on_time;                    /* closed done on time (as the statistics count it) */
	int64_t from, to;                /* started in [from, to), 0 = open */
	int limit, offset;
};
int lists_executions(struct ctx *c, const struct list_query *q, struct list_execution **out, int *n,
		     int64_t *total);

/* ---- statistics ---- */

struct list_stats_row {
	int64_t key;
	const char *name;
	int64_t n, closed, on_time, overdue_now, late;   /* late: overdue now or closed late */
	int64_t median_seconds;                          /* start to close over closed, -1: none */
};
struct list_stats_query {
	int64_t unit_id;                 /* required: P_LIST_READ covering it */
	int64_t from, to;                /* started in [from, to), 0 = open */
	const char *group_by;            /* village (default) or item */
};
/* The records started in the period: counts, on time (closed, no step late and not
 * after the record's deadline), overdue now, median duration, per group and total. */
int lists_stats(struct ctx *c, const struct list_stats_query *q, struct list_stats_row **rows, int *n,
		struct list_stats_row *total);
/* The same as an XLSX workbook (by village, by item, and the overdue records). */
int lists_stats_xlsx(struct ctx *c, const struct list_stats_query *q, struct export_file *out);

/* The dashboard's figures of every village under a unit in one query grouped by
 * village: of the records started in [from, to) those lists_stats counts (n, closed,
 * on_time), and overdue_now as the overdue board (lists_executions with board) counts
 * it, whenever started. key = the village. Needs P_LIST_READ on the unit. */
int lists_village_figures(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, struct list_stats_row **rows,
			  int *n);

/* ---- public pages ---- */

/* Closed records of the village whose outcome is public, newest first, with only the
 * disclosed steps (no names of people). */
int lists_public_outcomes(struct ctx *c, int64_t village_id, int limit, int offset, struct list_execution **out,
			  int *n, int64_t *total);

#endif
