/* What the modules of the party feature share among themselves: result rows filled from
 * statements, the village a branch or object lies in, scope over a unit, file lists and
 * the audit of a change. Not for other features (they include party.h). */
#ifndef DOMAIN_PARTY_INTERNAL_H
#define DOMAIN_PARTY_INTERNAL_H

#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/files.h"
#include "domain/kernel/org.h"
#include "domain/kernel/scope.h"
#include "domain/party/party.h"
#include "util/buf.h"
#include "util/timeutil.h"

/* Reads every row of st into out by spec: space-separated "type:name" per column, type
 * i (integer), t (text), b (0/1 as a boolean), T (time, 0 = null), p (photos "h1,h2"),
 * n (integer, 0 = null). Finalizes st. */
int pr_fetch(struct ctx *c, struct db_stmt *st, const char *spec, struct party_rows *out, int max);
/* One row by spec; RC_NOT_FOUND with message when none. */
int pr_one(struct ctx *c, struct db_stmt *st, const char *spec, struct party_row *out, const char *missing);
void pr_int(struct party_row *r, const char *name, int64_t v);
void pr_text(struct ctx *c, struct party_row *r, const char *name, const char *v);
void pr_bool(struct party_row *r, const char *name, bool v);
void pr_time(struct party_row *r, const char *name, int64_t v);
void pr_sub(struct party_row *r, const char *name, struct party_rows *rows);
int64_t pr_get_int(const struct party_row *r, const char *name);
const char *pr_get_text(const struct party_row *r, const char *name);
struct party_row *pr_add(struct ctx *c, struct party_rows *rows);
struct party_rows *pr_new(struct ctx *c);

/* The village behind a unit id given by a field: RC_INVALID (field error) when it is no
 * village. */
int pt_village(struct ctx *c, int64_t id, const char *field, struct org_unit *v);
/* A unit (county, town or village) named by a query: RC_INVALID when missing or wrong. */
int pt_unit(struct ctx *c, int64_t id, const char *field, struct org_unit *u);
/* The refusal for an operation under path: 404 (with "<what>不存在") or 403 (msg). */
int pt_refuse(struct ctx *c, const char *path, const char *what, const char *msg);
/* Appends " AND (<scope>)" limiting rows whose village (alias v) lies under u and in the
 * actor's grants holding perms. RC_OK; else the refusal (nothing in scope). */
int pt_scope(struct ctx *c, perm_t perms, const struct org_unit *u, struct buf *sql, struct db_args *a,
	     const char *what);
/* The village of the actor when they are a resident with a household. */
bool pt_own_village(struct ctx *c, struct org_unit *v);
/* Checks photo hashes (stored, uploaded by the actor, images, not repeated). */
void pt_check_photos(struct ctx *c, const char *field, const char *const *photos, int n);
char *pt_join(struct ctx *c, const char *const *photos, int n);
/* Checks a short video's hash (stored, uploaded by the actor, typed video/ by its bytes
 * at upload through util/media.c, within FILES_VIDEO_MAX_BYTES and FILES_VIDEO_MAX_MS). */
void pt_check_video(struct ctx *c, const char *field, const char *hash);
/* The n-th (from 1) hash of a "h1,h2" list into hash; false when there is none. */
bool pt_nth_hash(const char *list, int n, char hash[FILES_HASH_LEN + 1]);
/* Checks a 'YYYY-MM-DD' field; days out. */
bool pt_check_date(struct ctx *c, const char *field, const char *value, bool required, const char *label,
		   int64_t *days);
/* One page of rows: FROM/WHERE in sql (released here) with its arguments a; the total
 * into out->total, then cols ordered by order, limit from offset, read by spec. */
int pt_page(struct ctx *c, struct buf *sql, struct db_args *a, const char *cols, const char *order, const char *spec,
	    int limit, int offset, struct party_rows *out);
/* Opens the transaction of a create a phone may retry (kernel/idem.h under kind): RC_OK
 * and *replayed false to go on; on a retry of a done request *replayed and *id the
 * object the first one made, the transaction ended (the caller returns rc). */
int pt_begin_create(struct ctx *c, const char *kind, const struct idem *idem, int64_t *id, bool *replayed);
/* Keeps id as the answer to the idempotency key (inside the transaction). */
int pt_store_created(struct ctx *c, const char *kind, const struct idem *idem, int64_t id);
/* audit_record of one change with a one-line summary as the after snapshot. */
int pt_audit(struct ctx *c, int64_t village_id, const char *type, int64_t id, const char *action, const char *k1,
	     const char *v1, const char *k2, int64_t v2);
/* The name the actor is shown by. */
const char *pt_actor_name(struct ctx *c);
/* The branch with its village: RC_NOT_FOUND when missing (as "党支部不存在"). */
int pt_branch(struct ctx *c, int64_t id, int64_t *village_id, char path[ORG_PATH_MAX], char *name, size_t nlen);

/* ---- learning's modules share (learning.c): who learns and what they may study ---- */

#define PL_READERS (P_PARTY_ADMIN | P_PARTY_READ)
/* The actor as a learner: an active member of a branch (their village), else a resident
 * of a household (its village). */
struct learner {
	bool found, member;
	int64_t member_id, village_id, household_id, resident_id;
	char path[ORG_PATH_MAX];
};
int pl_learner_of(struct ctx *c, struct learner *l);
/* Is path the unit_path or below it? */
bool pl_under(const char *path, const char *unit_path);
/* The number of options a choice mask names. */
int pl_bits(int m);
/* May the learner study what a unit published for the audience? */
bool pl_fits(const struct learner *l, const char *unit_path, const char *audience);
/* The county or town a course or quiz is published for, checked for P_LEARN_PUBLISH. */
int pl_publisher_unit(struct ctx *c, int64_t unit_id, struct org_unit *u);
void pl_check_audience(struct ctx *c, const char *audience);
void pl_check_status(struct ctx *c, const char *status);
/* Appends the filter of a console list: units above or below u (alias u). */
void pl_near_unit(struct buf *sql, struct db_args *a, const struct org_unit *u);
/* Appends the filter of what a learner may study (the unit alias u, the object alias). */
void pl_for_learner(struct buf *sql, struct db_args *a, const struct learner *l, const char *alias);
/* A course or quiz list narrowed to a unit or to the caller as a learner (learning.c). */
int pl_narrow(struct ctx *c, int64_t unit_id, const char *alias, struct buf *sql, struct db_args *a,
	      struct org_unit *u, struct learner *l, bool *none);

#endif
