/* Events 民情: the concerns of the villagers from every channel, followed to the end.
 *
 * Channels: the public 民情码 form (no login), the villager app, grid workers, the
 * hotline (the caller's name and phone kept sealed as personal data), 村民说事 and a
 * cadre entering one on someone's behalf; the county admin adds more. Categories are
 * county settings (default department, hours to accept, working days to finish, photo
 * required). Departments are org units of kind "department" under the county or a
 * town; role "handler" is granted on them.
 *
 * States and who moves them (every move one transaction, one timeline step, one audit
 * entry on the village's chain):
 *   pending 待受理 → accepted 已受理 (accept) | rejected 不予受理 (reject, reason)
 *     by P_EVENT_INTAKE on the village (cadre, town, county);
 *   accepted | returned → dispatched 已派单 (dispatch, a department whose parent covers
 *     the village) by P_EVENT_DISPATCH; or → handling 办理中 by the village itself
 *     (handle_locally, P_EVENT_INTAKE);
 *   dispatched → handling (take) by the department's handler; dispatched | handling →
 *     returned 退回 (give_back, reason) or → dispatched to another department
 *     (transfer 转派, reason) by the handler, or transfer by P_EVENT_DISPATCH;
 *   handling → finished 已办结 (finish, outcome: resolved 已解决, explained 已解释,
 *     unresolvable 无法解决 (reason), duplicate 重复 (linked to another event),
 *     not_responsible 非本级职责 (reason)) by whoever handles it;
 *   an open event: note (a progress note 进展, text and/or a recording or clip) by
 *     whoever handles it while handling; reply 补充 (the reporter answering a question,
 *     text and/or a recording or clip) by the reporter's account until it is finished;
 *   finished → visited 已回访 (visit, rating satisfied 满意 / basic 基本满意 /
 *     unsatisfied 不满意) by the reporter, or for events without an account by
 *     P_EVENT_CALL or P_EVENT_INTAKE; the first 不满意 reopens it: back to handling by
 *     the same department (or village) with a new deadline.
 * Outside every grant the event does not exist (RC_NOT_FOUND); visible but the move
 * not allowed gives RC_FORBIDDEN; a move the state does not allow, RC_CONFLICT.
 *
 * Deadlines: accept_due = received + category.accept_hours; finish_due = accepted +
 * category.finish_days working days (holiday calendar), renewed on reopening. The
 * deadline job (events_deadlines_due) flags warnings at 80 % of the window, overdue
 * events, and escalates 督办 to the town at the deadline and to the county
 * EVENTS_COUNTY_AFTER working days later, each with a supervision note the handling
 * side must answer. Towns and the county add notes of their own.
 *
 * Reporter: shown in full to the reporter, handlers of the event's department, the
 * hotline and P_PII_READ holders; masked (张*, 138****5678) to others; when the
 * reporter asked to stay anonymous, the village (cadre, grid workers) sees "匿名". */
#ifndef DOMAIN_EVENTS_EVENTS_H
#define DOMAIN_EVENTS_EVENTS_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/files.h"
#include "domain/kernel/idem.h"
#include "domain/kernel/org.h"

#define EVENT_DESC_MAX 1000          /* characters */
#define EVENT_NOTE_MAX 500
#define EVENT_PHOTOS_MAX 9
#define EVENT_NAME_MAX 20
#define EVENT_ADDRESS_MAX 100
#define EVENT_CATEGORY_NAME_MAX 30
#define EVENT_CHANNEL_NAME_MAX 20
#define EVENT_COUNTY_AFTER 3         /* working days overdue before the county is involved */
#define EVENT_STEPS_MAX 200
#define EVENT_MEDIA_MAX 100          /* recordings and clips listed with one event */

/* A voice recording 语音 (audio/…, at most FILES_AUDIO_MAX_BYTES and
 * FILES_AUDIO_MAX_MS) and a video clip 视频 (video/…, FILES_VIDEO_MAX_BYTES,
 * FILES_VIDEO_MAX_MS), both stored files the actor uploaded (kernel/files.h; the
 * public form sends its recording's bytes with the report). *_ms is the length the
 * recorder declares (0: none): refused over the limit, and kept when the container does
 * not tell its own length. */
struct event_media_input {
	const char *voice, *video;       /* file hashes, or NULL */
	int64_t voice_ms, video_ms;
};

/* ---- settings: channels, categories, departments ---- */

struct event_channel {
	int64_t id;
	const char *code, *name;
	bool builtin;
};
int events_channels(struct ctx *c, struct event_channel **out, int *n);
/* A new channel (P_EVENT_ADMIN): code [a-z0-9_], 2–24 characters; name. */
int events_channel_create(struct ctx *c, const char *code, const char *name, int64_t *id);

struct event_category {
	int64_t id, county_id, department_id;    /* 0 = handled by the village */
	const char *name, *department_name;
	int accept_hours, finish_days;
	bool photo_required, active;
	int warn_count, warn_days;               /* 预警: N events in one village within M days; 0 = none */
};
struct event_category_input {
	int64_t county_id;         /* create only */
	const char *name;
	int64_t department_id;     /* -1 = leave as is (update); 0 = the village */
	int accept_hours, finish_days;   /* 0 = leave as is (update) */
	int photo_required, active;      /* -1 = leave as is */
	bool set_warn;                   /* create: always; update: change the warning */
	int warn_count, warn_days;       /* 0 = no warning; else 2..100 events within 1..365 days */
	bool emergency;                  /* create: the county's category for emergencies (an emergency
					    that names no category takes it, whatever its name) */
};
/* The categories of a county (of the actor's county when county_id is 0). Anyone may
 * read them (the public form lists them). */
int events_categories(struct ctx *c, int64_t county_id, bool active_only, struct event_category **out, int *n);
int events_category_get(struct ctx *c, int64_t id, struct event_category *out);
int events_category_create(struct ctx *c, const struct event_category_input *in, int64_t *id);
int events_category_update(struct ctx *c, int64_t id, const struct event_category_input *in);

/* An early warning 预警: a village with at least its category's warn_count events within
 * warn_days days, with the events behind it (newest first, at most EVENT_WARNING_IDS). */
#define EVENT_WARNING_IDS 50
struct event_warning {
	int64_t village_id, category_id;
	const char *village_name, *town_name, *category_name;
	int warn_count, warn_days, count;
	int64_t first_at, last_at;
	int nids;
	int64_t ids[EVENT_WARNING_IDS];
};
/* The warnings now among the events the actor may read under unit_id (0: all of them),
 * most events first. */
int events_warnings(struct ctx *c, int64_t unit_id, struct event_warning **out, int *n);

struct event_department {
	int64_t id, parent_id;
	const char *name, *code, *parent_name, *path;
	int64_t handlers;
};
/* Departments under units the actor touches (parent 0 = all of them in scope). */
int events_departments(struct ctx *c, struct event_department **out, int *n);
/* A department under a county or town (P_EVENT_ADMIN on it). */
int events_department_create(struct ctx *c, int64_t parent_id, const char *code, const char *name, int64_t *id);

/* ---- events ---- */

struct event_input {
	int64_t village_id, category_id;
	const char *channel;             /* code; default by role (app, grid, cadre) */
	const char *description;
	int nphotos;
	const char *photos[EVENT_PHOTOS_MAX];   /* file hashes (files module) */
	bool has_location;
	int64_t lat_e6, lng_e6;
	int64_t household_id;            /* 0 = none */
	const char *address;
	const char *reporter_name, *reporter_phone;  /* hotline, cadre on behalf, public form */
	bool anonymous;
	struct event_media_input media;  /* a voice recording and a video clip with the report */
	const void *voice_data;          /* the public form: the recording's bytes (files_store_anonymous) */
	size_t voice_len;
	int64_t open311_key_id;          /* set by the Open311 intake only (open311.h): the key that filed it */
	const struct idem *idem;         /* a phone's retry key (kernel/idem.h), or NULL */
	const char *kind;                /* "dispute" or "emergency" (features built on events); NULL = general */
	/* Run inside the creating transaction after the event and its first step are written
	 * (not on an idempotent replay): a feature built on events adds its own rows, so the
	 * event and they are one change. Non-zero rolls everything back. */
	int (*then)(struct ctx *c, int64_t id, void *arg);
	void *then_arg;
};

/* An event reported by the actor: a villager in their own village, or P_EVENT_REPORT
 * on (or inside) the village. Returns the id; a retry with the same idempotency key
 * returns the id of the event the first request made, and makes nothing. */
int events_create(struct ctx *c, const struct event_input *in, int64_t *id);

struct event_step {
	int64_t id, at, actor_id, department_id;
	const char *actor_name, *action, *from_state, *to_state, *department_name, *note;
};

/* A recording or clip: with the report (step_id 0) or with a step of the timeline. */
struct event_media {
	int64_t id, step_id, duration_ms, size;   /* duration_ms -1: unknown */
	const char *kind, *mime;                  /* voice, video */
};

struct event_supervision {
	int64_t id, unit_id, created_by, created_at, answered_at;
	int level;
	const char *unit_name, *note, *created_by_name, *answer, *answered_by_name;
};

struct event {
	int64_t id, village_id, category_id, channel_id, household_id, reporter_id;
	const char *kind;              /* general, dispute, emergency */
	const char *village_name, *town_name, *category_name, *channel_code, *channel_name;
	const char *description, *address;
	bool has_location;
	int64_t lat_e6, lng_e6;
	const char *reporter_name, *reporter_phone;   /* as the actor may see them */
	bool anonymous;
	const char *state;
	int64_t department_id;
	const char *department_name;
	bool village_handled;
	int64_t accept_due, finish_due, accepted_at, finished_at, visited_at;
	const char *outcome, *outcome_note, *rating;
	int64_t duplicate_of;
	bool reopened;
	int64_t warned_at, overdue_at;
	int escalation;
	bool overdue;                  /* open and past its current deadline, now */
	int64_t created_at, updated_at;
	int nphotos;
	const char *photos[EVENT_PHOTOS_MAX];
	int64_t unanswered;            /* 督办 notes not answered yet */
	char village_path[ORG_PATH_MAX], department_path[ORG_PATH_MAX];
	/* what the actor may do now: accept, reject, dispatch, handle_locally, take, give_back,
	 * transfer, finish, visit, supervise, answer */
	unsigned can;
	/* events_get only */
	int nsteps;
	struct event_step *steps;
	int nsupervisions;
	struct event_supervision *supervisions;
	int nmedia;
	struct event_media *media;
};

enum event_action {
	EA_ACCEPT = 1 << 0, EA_REJECT = 1 << 1, EA_DISPATCH = 1 << 2, EA_LOCAL = 1 << 3,
	EA_TAKE = 1 << 4, EA_GIVE_BACK = 1 << 5, EA_TRANSFER = 1 << 6, EA_FINISH = 1 << 7,
	EA_VISIT = 1 << 8, EA_SUPERVISE = 1 << 9, EA_ANSWER = 1 << 10, EA_NOTE = 1 << 11,
	EA_REPLY = 1 << 12,
};
/* The Chinese label of a state ("handling" → 办理中); the state itself when unknown. */
const char *events_state_label(const char *state);
/* The name of one action bit ("accept"), or NULL. */
const char *events_action_name(unsigned bit);

int events_get(struct ctx *c, int64_t id, struct event *out);
/* Photo n (from 1) of an event the actor may see, read into request memory. */
enum result events_photo(struct ctx *c, int64_t id, int n, char mime[16], const void **data, size_t *len);
/* The stored file of recording or clip media_id of an event the actor may see (the same
 * 404/403 as the event itself); the bytes are read with files_read_range. */
int events_media_file(struct ctx *c, int64_t id, int64_t media_id, struct file_info *out);

struct event_query {
	int64_t unit_id;            /* a county, town or village; 0 = everything in scope */
	int64_t department_id, category_id, channel_id;
	const char *state;          /* one state, "open" (not rejected, finished or visited) */
	const char *outcome, *rating;
	bool overdue, mine;         /* overdue now; reported by the actor */
	bool on_time, rated, satisfied; /* closed by the deadline; visited and rated; rated
				       satisfied or basic (the statistics' counts) */
	const char *kind;           /* general, dispute or emergency; NULL = every kind */
	int64_t from, to;           /* received in [from, to); 0 = open */
	int limit, offset;
};
/* A page of events visible to the actor, newest first. */
int events_list(struct ctx *c, const struct event_query *q, struct event **out, int *n, int64_t *total);

/* The moves (see the top of this file). note: a reason or remark (required for
 * reject, give_back, transfer, and for the outcomes unresolvable and
 * not_responsible). */
struct event_move {
	const char *action;         /* accept, reject, dispatch, handle_locally, take, give_back,
				       transfer, finish, visit, note, reply */
	const char *note;
	int64_t department_id;      /* dispatch, transfer: 0 = the category's default */
	const char *outcome;        /* finish */
	int64_t duplicate_of;       /* finish with outcome duplicate */
	const char *rating;         /* visit */
	struct event_media_input media;   /* note (the handler's progress), reply (the reporter's) */
};
int events_move(struct ctx *c, int64_t id, const struct event_move *m);

/* For features built on events (disputes, emergencies), inside the caller's transaction
 * (no begin or commit):
 * events_move_tx: a move as events_move makes it; with trusted, the caller has checked
 *   the actor's right to it and only the state is checked. The action "reopen" (trusted
 *   only) moves a finished or visited event back to handling with a new deadline.
 * events_step_tx: a step of the feature's own on the event's timeline (the state does
 *   not change), e.g. a mediation session; note is shown to whoever reads the timeline.
 * events_visible_sql: "e.id IN (…events the actor may see…)" for a query of the
 *   feature's own over events e, its arguments appended to a. */
int events_move_tx(struct ctx *c, int64_t id, const struct event_move *m, bool trusted);
int events_step_tx(struct ctx *c, int64_t id, const char *action, const char *note);
const char *events_visible_sql(struct ctx *c, struct db_args *a);

/* 督办: a note from a town or county (P_EVENT_SUPERVISE on the village) on an open
 * event; answered by the handling side (events_answer). */
int events_supervise(struct ctx *c, int64_t id, const char *note, int64_t *sid);
int events_answer(struct ctx *c, int64_t id, int64_t sid, const char *answer);

/* The deadline job: warnings, overdue flags and escalations. Idempotent. System
 * context. */
int events_deadlines_due(struct ctx *c, int64_t *warned, int64_t *overdue, int64_t *escalated);

/* ---- statistics ---- */

struct event_stats_row {
	int64_t key;                /* the unit, department, category or channel id (0 = none) */
	const char *name;
	int64_t received, accepted, closed, resolved, on_time, rated, satisfied, overdue_now;
	int64_t median_close;       /* seconds from received to 办结, over closed; -1 when none */
};

struct event_stats_query {
	int64_t unit_id;            /* county, town or village in the actor's read scope */
	int64_t department_id, category_id, channel_id;
	int64_t from, to;           /* received in [from, to) */
	const char *group_by;       /* village, town, department, category, channel, or NULL;
				       week or month (Asia/Shanghai) for a time series */
};
/* Statistics of the events received in the period: received; accepted (ever accepted);
 * closed (finished or visited now); resolved (closed with outcome resolved); on_time
 * (closed no later than finish_due); rated and satisfied (visited with a rating,
 * satisfied or basic); overdue_now (open and past the current deadline). Counts are of
 * the same events events_list returns for the same filters. total is the sum. */
int events_stats(struct ctx *c, const struct event_stats_query *q, struct event_stats_row **rows, int *n,
		 struct event_stats_row *total);

/* The dashboard's figures of every child of a unit, in one query grouped by child: the
 * villages of a town or the towns of a county (child_kind "village" or "town"). Over
 * the events received in [from, to) the counts events_stats gives (received, closed,
 * resolved, on_time, rated, satisfied); over every event whenever received, overdue_now
 * as events_list's overdue filter counts it (open and past its deadline now). Only the
 * children with events appear; total sums every row (the unit's own figures). */
int events_children_stats(struct ctx *c, int64_t unit_id, const char *child_kind, int64_t from, int64_t to,
			  struct event_stats_row **rows, int *n, struct event_stats_row *total);

/* The dashboards' daily aggregates of the events (migration 037): a query giving, for
 * the events received in [?, ?) (two bound times), a row per village and day received
 * (Asia/Shanghai days since 1970) with the counts events_stats gives over them:
 * village_id, day, received, closed, resolved, on_time, rated, satisfied. Every event
 * counts (no reader's scope: the caller checks the unit). */
const char *events_daily_sql(void);

/* The periods of the statistics' time series (Asia/Shanghai), shared with the
 * statistics of other event kinds (disputes): the key of an instant's period (a week:
 * its Monday as days since epoch; a month: year*100 + month), the period's name
 * ("2026-11-23", the week's Monday, or "2026-11") in request memory; for months the
 * instant the month starts and the key months later (negative: earlier). */
enum { EVENTS_SERIES_WEEK = 1, EVENTS_SERIES_MONTH = 2 };
int64_t events_stats_bucket(int series, int64_t t);
const char *events_stats_bucket_name(struct ctx *c, int series, int64_t key);
int64_t events_stats_month_start(int64_t key);
int64_t events_stats_month_add(int64_t key, int months);

/* ---- the public 民情码 form ---- */

#define EVENTS_POW_BITS 16           /* leading zero bits of the proof of work */
#define EVENTS_CHALLENGE_TTL 600     /* seconds */
#define EVENTS_IP_LIMIT 5            /* reports per address per hour */
#define EVENTS_PHONE_LIMIT 3         /* reports per phone per day */
#define EVENTS_FOLLOW_LEN 12
#define EVENTS_PUBLIC_VOICE_MAX (600 << 10)   /* the form's recording travels in its JSON body */

struct event_challenge {
	char challenge[160];         /* "v1.<village>.<expires>.<nonce>.<mac>" */
	int bits;
	int64_t expires_at;
};
/* A challenge for a village's form: the page finds a nonce such that SHA-256 of
 * "<challenge>:<nonce>" starts with `bits` zero bits. */
int events_public_challenge(struct ctx *c, int64_t village_id, struct event_challenge *out);
/* Checks a challenge and its nonce as the form sends them: the signature, the village,
 * the expiry and the work; RC_OK, or RC_INVALID with field errors (challenge, nonce).
 * Reads no database (replays are refused by events_public_create). */
int events_challenge_check(struct ctx *c, int64_t village_id, const char *challenge, const char *nonce);

struct event_public_input {
	struct event_input ev;       /* village_id, category_id, description, location, name, phone, anonymous */
	const char *challenge, *nonce;
};
/* Files a report from the public form: checks the challenge (once only), the limits per
 * address and phone (RC_TOO_MANY with retry_after), then creates the event on channel
 * public_form. Returns the id and the follow-up code (shown once). */
int events_public_create(struct ctx *c, const struct event_public_input *in, int64_t *id,
			 char code[EVENTS_FOLLOW_LEN + 1]);
/* The event of a follow-up code on that village's form: state, timeline steps (no
 * names of staff), deadline, outcome; RC_NOT_FOUND for any other code. */
int events_public_get(struct ctx *c, int64_t village_id, const char *code, struct event *out);
/* A recording or clip of that event as the follow-up page shows it: the report's own
 * and those of the steps whose note it shows (reject, finish, visit); RC_NOT_FOUND for
 * any other. The bytes are read with files_read_range. */
int events_public_media(struct ctx *c, int64_t village_id, const char *code, int64_t media_id, struct file_info *out);

/* Demo data: the departments (under the county, one under town_id) and categories of
 * the county; *first_dept (县住建局) is where the demo handler works, *town_dept the
 * town's 镇综治办. System context. */
int events_seed_settings(struct ctx *c, int64_t county_id, int64_t town_id, int64_t *first_dept, int64_t *town_dept);
/* Demo data: events over the last five months in every state, walked through the real
 * transitions by the demo staff (handler_user at 县住建局). System context. */
int events_seed_demo(struct ctx *c, int64_t county_id, const int64_t *towns, int ntowns,
		     const int64_t *villages, int nvillages, int64_t handler_user);
/* Demo data: reports with a voice note in village_id (spoken with espeak-ng: the demo
 * villager's, and calls with their recording taken by the hotline operator); nothing
 * when espeak-ng is missing. */
int events_seed_media_demo(struct ctx *c, int64_t county_id, int64_t village_id);

#endif
