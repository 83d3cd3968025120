/* Shared inside the events module only: scope helpers, bound-argument lists and the
 * row reader. Not for other modules (they include events.h). */
#ifndef DOMAIN_EVENTS_INTERNAL_H
#define DOMAIN_EVENTS_INTERNAL_H

#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/events/events.h"

#define EV_SCOPES_MAX (2 * CTX_MAX_GRANTS)
/* An event still open, or closed, as SQL on events e. Open is the list of open states
 * (not "NOT IN" the closed ones), so that the index on (state, due_at) serves the
 * overdue board. */
#define EV_OPEN_SQL "e.state IN ('pending', 'accepted', 'dispatched', 'handling', 'returned')"
#define EV_CLOSED_SQL "e.state IN ('finished', 'visited')"
/* perms that let a staff member read the events of a village */
#define EV_READ_PERMS (P_EVENT_REPORT | P_EVENT_INTAKE | P_EVENT_DISPATCH | P_EVENT_SUPERVISE | \
		       P_EVENT_READ | P_EVENT_CALL)


/* The village-level prefix of a grant path (county/town/village at most), in out. */
void ev_cut_to_village(const char *path, char out[ORG_PATH_MAX]);
/* Paths (cut to the village) where the actor holds one of perms; returns the count. */
int ev_scopes(struct ctx *c, perm_t perms, char (*out)[ORG_PATH_MAX], int max);
/* True when a grant with one of perms covers the village path or lies inside it. */
bool ev_can_village(const struct ctx *c, perm_t perms, const char *village_path);
/* The first id of a path: the county. */
int64_t ev_path_root(const char *path);
/* The filter "the actor may see e" as SQL (for events e joined with village v and
 * department d), with its arguments appended; "1=1" for the system. */
const char *ev_visible_sql(struct ctx *c, struct db_args *a);

/* Appends the filters events_list and the statistics share to a WHERE being built: the
 * unit (its subtree; with check_unit, a unit the actor cannot read is 404), department,
 * category and channel (0: any). */
int ev_filter(struct ctx *c, int64_t unit_id, int64_t department_id, int64_t category_id, int64_t channel_id,
	      bool check_unit, struct buf *w, struct db_args *a);

/* events_create, and the public form's intake (public: no account, channel
 * public_form, follow_hash stored with the event). */
int ev_create(struct ctx *c, const struct event_input *in, bool public, const char *follow_hash, int64_t *id);

/* Recordings and clips (media.c). ev_media_check adds field errors ("voice", "video")
 * for files that are missing, not the actor's own (unless trusted: the public form's,
 * stored by the intake itself), of the wrong kind, too large or too long, and for a
 * declared length over the limit. ev_media_insert links them to the event (step_id 0:
 * the report) inside the caller's transaction. */
void ev_media_check(struct ctx *c, const struct event_media_input *m, bool trusted);
bool ev_media_any(const struct event_media_input *m);
int ev_media_insert(struct ctx *c, int64_t event_id, int64_t step_id, const struct event_media_input *m);
/* voice and video hashes into an audit snapshot; "voice", "video", "voice,video" or NULL */
void ev_media_snap(struct buf *after, const struct event_media_input *m);
const char *ev_media_label(const struct event_media_input *m);
/* e->media of an event already read */
int ev_media_read(struct ctx *c, struct event *e);
/* the file of media_id on event_id; RC_NOT_FOUND when it is not that event's */
int ev_media_hash(struct ctx *c, int64_t event_id, int64_t media_id, char hash[FILES_HASH_LEN + 1]);

/* ---- shared by the files of events.c's jobs (scope, events, create, moves, supervise,
 * deadlines) ---- */

#define EA_REOPEN (1u << 13)   /* trusted callers only (events_move_tx) */

bool ev_can_dept(const struct ctx *c, const char *dept_path);
/* the outcome and rating names */
#define EV_OUTCOMES 5
#define EV_RATINGS 3
extern const char *const ev_outcomes[EV_OUTCOMES];
extern const char *const ev_ratings[EV_RATINGS];
unsigned ev_action_bit(const char *name);
bool ev_in_list(const char *s, const char *const *list, size_t n);
const char *ev_dup(struct ctx *c, const char *s);
unsigned ev_role_allows(const struct ctx *c, const struct event *e);
unsigned ev_state_allows(const struct event *e);
int ev_load(struct ctx *c, int64_t id, struct event *e, bool show);
const char *ev_actor_name(const struct ctx *c);
int ev_add_step(struct ctx *c, int64_t event_id, const char *action, const char *from, const char *to,
		int64_t department_id, const char *note);
int ev_audit_move(struct ctx *c, const struct event *e, const char *action, const char *to,
		  int64_t department_id, const char *extra_key, const char *extra);
int ev_check_department(struct ctx *c, const struct event *e, int64_t dept_id, struct org_unit *d);
int ev_set_window(struct ctx *c, int64_t id, int64_t start, int64_t due);
int ev_finish_days_of(struct ctx *c, int64_t category_id, int *days);

static inline int64_t ev_actor_id(const struct ctx *c)
{
	return c->actor ? c->actor->user_id : 0;
}

#endif
