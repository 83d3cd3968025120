/* Disputes 矛盾纠纷 and emergencies 应急事件: two kinds of events (domain/events) with
 * rows of their own. Calls the kernel, events (the event's intake, moves and timeline,
 * in one transaction with the rows here) and voice (an emergency's 大喇叭 broadcast).
 *
 * A dispute is an event of kind 'dispute' that goes through events' intake, dispatch
 * and deadlines. It adds:
 *   parties: role 申请人/被申请人/第三人, name and phone (sealed personal data), and a
 *     household of the village if any;
 *   mediators: accounts that may mediate (P_DISPUTE_MEDIATE) whose grant covers the
 *     village or lies inside it, or who handle it in its department; named and removed
 *     by whoever manages it (P_EVENT_INTAKE on the village, or the handler of the
 *     department it is with);
 *   sessions 调解记录 (date, place, notes, photos) and the outcome, by an assigned
 *     mediator or a manager while the event is 办理中: 调解成功 (mediated, with the
 *     agreement's text and/or photo: the event is finished 已解决, and a follow-up visit
 *     falls due the county's followup_days later) or 调解不成 (failed, referred to
 *     司法所/法院/信访/other: finished 无法解决 with the referral as the reason);
 *   the follow-up 回访 from the day it is due: the agreement kept, or broken, which
 *     reopens the event (办理中, counted as recurring) for a new mediation.
 * Outside every grant a dispute does not exist (RC_NOT_FOUND); visible but not allowed
 * is RC_FORBIDDEN; a step the state does not allow, RC_CONFLICT.
 * A party (a villager whose household is a party, or the reporter) reads their own
 * dispute through disputes_mine_*: the steps, sessions' dates and places and the
 * outcome, and of the other parties only their role.
 *
 * An emergency is an event of kind 'emergency' (fire 火灾, flood 汛情, missing person
 * 走失, accident 事故, other) that skips the queue: on creation it is accepted and
 * handled by the village at once, and every duty officer (P_EMERGENCY_DUTY: the village
 * cadres, the town officials, the county admins) whose grant covers the village is
 * alerted (a row per officer; the live push is the HTTP layer's). Each acknowledges
 * their alert (recorded, with the time). It may be broadcast on the 大喇叭 to the
 * village or town in one action. The board lists the open emergencies in scope with
 * who was alerted and who acknowledged. Steps are time-stamped to the second. */
#ifndef DOMAIN_DISPUTES_DISPUTES_H
#define DOMAIN_DISPUTES_DISPUTES_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/idem.h"
#include "domain/kernel/xlsx.h"
#include "domain/events/events.h"
#include "domain/voice/voice.h"

#define DISPUTE_PARTIES_MAX 10
#define DISPUTE_TEXT_MAX 2000        /* agreement, session notes: characters */
#define DISPUTE_PLACE_MAX 50
#define DISPUTE_PHOTOS_MAX 9
#define DISPUTE_FOLLOWUP_DEFAULT 30  /* days, until the county sets its own */
#define DISPUTE_SESSIONS_MAX 100
#define DISPUTE_MEDIATORS_MAX 20

/* ---- disputes ---- */

struct dispute_party_input {
	const char *role;           /* applicant, respondent, third */
	const char *name, *phone;   /* phone optional */
	int64_t household_id;       /* 0 = none; else a household of the village */
};

struct dispute_input {
	struct event_input ev;      /* village, category, description, reporter, idem (kind set here) */
	const char *dispute_type;   /* family, neighbour, land, contract, labour, other */
	int nparties;
	struct dispute_party_input parties[DISPUTE_PARTIES_MAX];
};
/* A dispute reported by the actor (as events_create allows), with its parties: at
 * least one applicant and one respondent. Returns the event id. */
int disputes_create(struct ctx *c, const struct dispute_input *in, int64_t *id);

struct dispute_party {
	int64_t id, household_id;
	const char *role, *name, *phone;   /* as the actor may see them */
	bool self;                         /* the actor's own household */
};

struct dispute_mediator {
	int64_t user_id, assigned_at;
	const char *name, *assigned_by_name;
};

struct dispute_session {
	int64_t id, held_at, created_at;
	const char *place, *notes, *created_by_name;
	int nphotos;
	const char *photos[DISPUTE_PHOTOS_MAX];
};

struct dispute {
	struct event ev;                  /* the event, with its timeline (get only) */
	const char *dispute_type;
	const char *outcome;              /* "", mediated, failed */
	const char *agreement, *agreement_photo, *referred_to, *referred_note;
	int64_t outcome_at, followup_due, followup_at;
	const char *outcome_by_name, *followup_result, *followup_note, *followup_by_name;
	int recurring;
	int64_t followup_notified_at;     /* when the mediators were told the follow-up fell due (0: not yet) */
	bool followup_overdue;            /* mediated, not visited, past due */
	int nparties, nmediators, nsessions;
	struct dispute_party *parties;
	struct dispute_mediator *mediators;
	struct dispute_session *sessions;
	/* what the actor may do: */
	bool can_manage, can_mediate, can_followup;
};

/* One dispute with everything, for staff who may see the event. */
int disputes_get(struct ctx *c, int64_t id, struct dispute *out);
/* Photo n (from 1) of a session, or the agreement's photo (session_id 0, n 1). */
int disputes_photo(struct ctx *c, int64_t id, int64_t session_id, int n, char mime[16], const void **data,
		   size_t *len);

struct dispute_query {
	int64_t unit_id;            /* county, town or village; 0 = everything in scope */
	int64_t from, to;           /* received in [from, to) */
	const char *stage;          /* mediating (no outcome), mediated, referred; NULL = all */
	const char *dispute_type;
	bool recurring;             /* broken at least once */
	bool followup_overdue;      /* mediated, follow-up past due and not done */
	bool followup_due;          /* mediated, follow-up due now (overdue included) */
	bool mine;                  /* the actor is an assigned mediator */
	int limit, offset;
};
/* A page of disputes the actor may see, newest first (no timeline, parties or
 * sessions: the list's columns). */
int disputes_list(struct ctx *c, const struct dispute_query *q, struct dispute **out, int *n, int64_t *total);

struct dispute_stats_row {
	int64_t unit_id;
	const char *unit_name;
	int64_t received, mediating, mediated, referred, recurring, followups_due, followups_overdue, kept;
};
/* For the disputes received in [from, to) under unit_id (in scope): one row per village
 * (group_by_village) and the total. Each count is the total of disputes_list with the
 * same filters and: stage mediating / mediated / referred, recurring, followup_due,
 * followup_overdue; kept = followed up and kept. */
int disputes_stats(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, struct dispute_stats_row **rows,
		   int *n, struct dispute_stats_row *total);

#define DISPUTE_SERIES_MONTHS 12
/* The same counts by the month received (Asia/Shanghai; the periods of the events'
 * time series, events_stats_bucket) for the 12 months ending with the current one,
 * oldest first, every month present (zeros included): unit_id is the month's key
 * (year*100 + month) and unit_name "2026-01". Each month's counts are disputes_stats's
 * for that month; total is their sum. */
int disputes_stats_months(struct ctx *c, int64_t unit_id, struct dispute_stats_row **rows, int *n,
			  struct dispute_stats_row *total);
/* Both in one XLSX: a sheet 按村 for [from, to), a sheet 近12个月, and a 说明 sheet. */
int disputes_stats_xlsx(struct ctx *c, int64_t unit_id, int64_t from, int64_t to, struct export_file *out);

/* The accounts that may be named mediators of the dispute. */
int disputes_mediator_candidates(struct ctx *c, int64_t id, struct dispute_mediator **out, int *n);
int disputes_mediator_add(struct ctx *c, int64_t id, int64_t user_id);
int disputes_mediator_remove(struct ctx *c, int64_t id, int64_t user_id);

struct dispute_session_input {
	int64_t held_at;
	const char *place, *notes;
	int nphotos;
	const char *photos[DISPUTE_PHOTOS_MAX];
	const struct idem *idem;
};
int disputes_session_add(struct ctx *c, int64_t id, const struct dispute_session_input *in, int64_t *sid);

struct dispute_outcome_input {
	const char *outcome;        /* mediated, failed */
	const char *agreement;      /* mediated: text and/or photo */
	const char *agreement_photo;
	const char *referred_to;    /* failed: judicial 司法所, court 法院, petition 信访, other */
	const char *note;           /* failed: required with other */
};
int disputes_outcome(struct ctx *c, int64_t id, const struct dispute_outcome_input *in);

/* The follow-up visit: result kept or broken (broken reopens the dispute). */
int disputes_followup(struct ctx *c, int64_t id, const char *result, const char *note);

/* The daily job: every mediated dispute whose follow-up fell due and was not visited is
 * told to its mediators once — stamped, with a step on the event's timeline naming them
 * (seen by whoever reads the dispute; the mediators' list shows the disputes due) and an
 * audit record. Idempotent: a later run finds it stamped. System context. */
int disputes_followups_due(struct ctx *c, int64_t *notified);

/* The county's follow-up interval (anyone in the county may read it; P_EVENT_ADMIN sets
 * it, 1–365 days). county_id 0 = the actor's county. */
int disputes_settings_get(struct ctx *c, int64_t county_id, int64_t *county_out, int *followup_days);
int disputes_settings_set(struct ctx *c, int64_t county_id, int followup_days);

/* The party's view: the disputes where the actor's household is a party or the actor
 * reported it; and one of them (RC_NOT_FOUND otherwise) with other parties reduced to
 * their role and the description shown only to its reporter. */
int disputes_mine_list(struct ctx *c, struct dispute **out, int *n);
int disputes_mine_get(struct ctx *c, int64_t id, struct dispute *out);

/* Labels: 婚恋家庭 for family, 申请人 for applicant… ("" when unknown). */
const char *disputes_type_label(const char *type);
const char *disputes_role_label(const char *role);
const char *disputes_referral_label(const char *to);

/* ---- emergencies ---- */

#define EMERGENCY_ALERTS_MAX 200

struct emergency_input {
	struct event_input ev;      /* village, description, location… (category: the county's 应急事件 when 0) */
	const char *emergency_type; /* fire, flood, missing, accident, other */
};

struct emergency_alert {
	int64_t event_id, user_id, alerted_at, acked_at;
	const char *user_name;
};

/* Creates an emergency: the event (accepted and handled by the village at once) and an
 * alert for every duty officer of the village, town and county; the alerted user ids
 * are returned (for the live push) in *alerted (request memory). */
int emergencies_create(struct ctx *c, const struct emergency_input *in, int64_t *id, int64_t **alerted,
		       int *nalerted);

struct emergency {
	struct event ev;
	const char *emergency_type;
	int64_t broadcast_id, broadcast_at;
	int nalerts;
	struct emergency_alert *alerts;
	bool can_ack, can_broadcast;
	bool acked;                        /* by the actor */
};
int emergencies_get(struct ctx *c, int64_t id, struct emergency *out);
/* The open emergencies (board) or all of them, newest first, in scope. */
int emergencies_list(struct ctx *c, bool open_only, struct emergency **out, int *n);
/* Acknowledges the actor's alert (once; again is RC_CONFLICT). */
int emergencies_ack(struct ctx *c, int64_t id);
/* The actor's alerts not acknowledged yet (the console's banner on connecting). */
int emergencies_unacked(struct ctx *c, struct emergency **out, int *n);
/* True when the actor is a duty officer somewhere (may open the alert stream). */
bool emergencies_on_duty(const struct ctx *c);
/* Broadcasts the emergency on the 大喇叭 to unit_id (its village or town; 0 = the
 * village) with body (default: a text made from the emergency): voice_broadcast, then
 * the emergency records it and a step. Returns the broadcast (to be pushed live). */
int emergencies_broadcast(struct ctx *c, int64_t id, int64_t unit_id, const char *body, const struct idem *idem,
			  struct broadcast *out);
const char *emergencies_type_label(const char *type);

#endif
