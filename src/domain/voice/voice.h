/* The village's voice, this folder's main header: the 大喇叭 broadcasts with their
 * spoken audio (`broadcasts`) and the loudspeakers that play them (`speakers`). It calls
 * the kernel and the notices' main header: a broadcast is published as a notice of the
 * same unit (importance "important"), so villagers' read receipts and the awareness
 * rate 知晓率 are the notices' own; the broadcast row keeps the notice's id.
 *
 * - Whoever holds P_BROADCAST (and P_NOTICE_WRITE) on a village, town or county sends a
 *   short text (VOICE_TEXT_MAX characters, one line) to it; it reaches every village
 *   below. Broadcasts are never edited; the notice can be withdrawn as notices are.
 * - Who hears a broadcast: villagers whose village lies under its unit, managers
 *   (P_BROADCAST or P_AUDIT_READ) of a unit it touches, and the loudspeakers of the
 *   villages below it.
 * - The audio: a job (voice_audio_job, run by domain/jobs.c and woken by the server right
 *   after a broadcast) speaks the text with espeak-ng's Mandarin voice into
 *   DATA/audio/<id>.wav. Until then audio_state is "pending"; "failed" when espeak-ng
 *   could not make it.
 * - A loudspeaker is registered to a village (P_SPEAKER_ADMIN) with a token shown once
 *   and stored as its hash; it authenticates with the token, fetches the broadcasts it
 *   has not played (since its registration) and acknowledges each it played. Every
 *   contact stamps last_seen_at.
 * - 村民说事 (`talks`): a villager opens a thread in their village in a category
 *   (suggestion 建议, question 问题, praise 表扬, council 议事); villagers of the same
 *   village reply; holders of P_TALK_MODERATE answer (the thread becomes "answered"),
 *   resolve it, turn it into an event (events' main header, channel "talk": the talk
 *   keeps event_id, the event's description names the thread) or record the outcome of
 *   the village's 议事. They hide a thread or a post with a reason, never delete it: the
 *   villagers see that it was hidden, moderators and P_TALK_READ_HIDDEN (inspectors) see
 *   the text and the reason. A villager writes at most TALK_POSTS_PER_HOUR threads and
 *   replies an hour (RC_TOO_MANY with the seconds to wait). Every change is audited on
 *   the village's chain. */
#ifndef DOMAIN_VOICE_H
#define DOMAIN_VOICE_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/idem.h"
#include "domain/kernel/org.h"

#define VOICE_TEXT_MAX 200          /* characters of a broadcast */
#define VOICE_SPEAKER_NAME_MAX 40
#define VOICE_BACKLOG_MAX 50        /* broadcasts sent again to a reconnecting stream */
#define VOICE_AUDIO_BATCH 5         /* audio files one run of the job makes */
#define VOICE_AUDIO_MAX (8u << 20)  /* bytes of one audio file */

struct broadcast {
	int64_t id, unit_id, notice_id;
	char unit_name[ORG_NAME_MAX * 4 + 1];
	char unit_path[ORG_PATH_MAX];
	const char *body;
	const char *created_by_name;
	int64_t created_at;
	const char *audio_state;    /* "pending", "ready" or "failed" */
	int64_t audio_bytes;
};

/* Sends a broadcast to unit_id (a village, town or county in the actor's P_BROADCAST
 * scope): publishes its notice (notices_publish, with the same idempotency key) and
 * records the broadcast. Field errors name unit_id and body. A retry with the same key
 * returns the first broadcast. */
enum result voice_broadcast(struct ctx *c, int64_t unit_id, const char *body, const struct idem *idem,
			    struct broadcast *out);
/* One broadcast the actor hears (RC_NOT_FOUND otherwise). */
enum result voice_broadcast_get(struct ctx *c, int64_t id, struct broadcast *out);

struct broadcast_query {
	int64_t unit_id;            /* heard in this unit; 0 = the actor's own (voice_listen_unit) */
	int64_t after_id;           /* only broadcasts with a larger id (a stream's Last-Event-ID) */
	int limit, offset;
};
/* Broadcasts heard in a unit (sent to it, above it or below it), newest first (oldest
 * first when after_id is set). Villagers: their village only; managers: a unit they
 * touch, with P_BROADCAST or P_AUDIT_READ there. */
enum result voice_broadcasts_list(struct ctx *c, const struct broadcast_query *q, struct broadcast **out,
				  int *n, int64_t *total);
/* The unit whose broadcasts the actor hears live: a villager's village, else the unit
 * of their first grant. */
enum result voice_listen_unit(struct ctx *c, struct org_unit *out);

/* The audio file of a broadcast the actor hears, or that a loudspeaker (speaker_id,
 * authenticated by the caller) plays: its path under data_dir. RC_CONFLICT while it is
 * pending or failed. */
enum result voice_audio_file(struct ctx *c, int64_t id, int64_t speaker_id, char *path, size_t n);
/* The job: makes the audio of up to VOICE_AUDIO_BATCH pending broadcasts. */
enum result voice_audio_job(struct ctx *c, int *made);

/* ---- loudspeakers ---- */
struct speaker {
	int64_t id, village_id;
	char village_name[ORG_NAME_MAX * 4 + 1];
	char village_path[ORG_PATH_MAX];
	const char *name;
	int64_t created_at, last_seen_at, revoked_at;   /* 0 = never, not revoked */
	int64_t played;                                  /* broadcasts acknowledged */
	int64_t last_played_id;
};

/* Registers a loudspeaker to a village (P_SPEAKER_ADMIN there); token receives the
 * device's token, which is stored only as its hash. Field errors: village_id, name. */
enum result voice_speaker_register(struct ctx *c, int64_t village_id, const char *name, struct speaker *out,
				   char token[CRYPTO_TOKEN_HEX]);
/* Revokes a loudspeaker: its token stops working. */
enum result voice_speaker_revoke(struct ctx *c, int64_t id);
/* The loudspeakers of the villages under a unit (0 = the actor's scope) for managers
 * (P_SPEAKER_ADMIN, P_BROADCAST or P_AUDIT_READ), by village and name. */
enum result voice_speakers_list(struct ctx *c, int64_t unit_id, struct speaker **out, int *n);
/* A device's contact: finds the live loudspeaker with this token and stamps its last
 * contact; RC_UNAUTHENTICATED for an unknown or revoked token. */
enum result voice_speaker_auth(struct ctx *c, const char *token, struct speaker *out);
/* The broadcasts a loudspeaker has not acknowledged, heard in its village and sent
 * since its registration, oldest first (at most VOICE_BACKLOG_MAX). */
enum result voice_speaker_queue(struct ctx *c, const struct speaker *s, struct broadcast **out, int *n);
/* Acknowledges that the loudspeaker played a broadcast of its queue (again is fine). */
enum result voice_speaker_ack(struct ctx *c, const struct speaker *s, int64_t broadcast_id);

/* ---- 村民说事 ---- */
#define TALK_TITLE_MAX 40
#define TALK_BODY_MAX 1000
#define TALK_REASON_MAX 200
#define TALK_POSTS_PER_HOUR 10
#define TALK_POSTS_MAX 500        /* posts read back with a thread */

struct talk_post {
	int64_t id, author_id;
	const char *author_name, *kind, *body;   /* body NULL when hidden from the reader */
	int64_t created_at, hidden_at;
	const char *hidden_reason;                /* NULL unless the reader may see it */
};

struct talk {
	int64_t id, village_id, author_id;
	char village_name[ORG_NAME_MAX * 4 + 1];
	const char *author_name, *category, *title, *body, *status;  /* title/body NULL when hidden */
	int64_t created_at, last_post_at, resolved_at, event_id, council_at, hidden_at;
	const char *council_outcome, *hidden_reason;
	int64_t replies;
	bool can_moderate, mine;
	int nposts;
	struct talk_post *posts;                  /* voice_talk_get only */
};

struct talk_input {
	const char *category, *title, *body;
	const struct idem *idem;
};
/* Opens a thread in the villager's own village. Field errors: category, title, body. */
enum result voice_talk_open(struct ctx *c, const struct talk_input *in, int64_t *id);
/* P_TALK_MODERATE on the village of author_id (a villager with an account there): opens
 * a thread in that villager's name, e.g. the public question they put to the secretary
 * made a thread for the whole village. then runs inside the same transaction after the
 * thread is written (non-zero rolls it back). 404/403 as for reading the village. */
enum result voice_talk_open_for(struct ctx *c, int64_t author_id, const struct talk_input *in,
				int (*then)(struct ctx *c, int64_t id, void *arg), void *arg, int64_t *id);
/* Replies (a villager of the village) or answers (P_TALK_MODERATE) in a thread that is
 * not hidden. */
enum result voice_talk_reply(struct ctx *c, int64_t id, const char *body, const struct idem *idem, int64_t *post_id);
/* P_TALK_MODERATE: marks resolved (RC_CONFLICT when it is already). */
enum result voice_talk_resolve(struct ctx *c, int64_t id);
/* P_TALK_MODERATE: hides the thread (post_id 0) or one of its posts with a reason. */
enum result voice_talk_hide(struct ctx *c, int64_t id, int64_t post_id, const char *reason);
/* P_TALK_MODERATE (and the right to enter events there): makes an event of category
 * category_id through the events feature, channel "talk"; RC_CONFLICT when it has one. */
enum result voice_talk_to_event(struct ctx *c, int64_t id, int64_t category_id, int64_t *event_id);
/* P_TALK_MODERATE: records the outcome of the village's 议事 on the thread; resolves it. */
enum result voice_talk_council(struct ctx *c, int64_t id, const char *outcome);
enum result voice_talk_get(struct ctx *c, int64_t id, struct talk *out);
struct talk_query {
	int64_t unit_id;            /* the village; 0 = the villager's own */
	const char *category, *status;
	int limit, offset;
};
enum result voice_talks_list(struct ctx *c, const struct talk_query *q, struct talk **out, int *n, int64_t *total);

/* Seeding for the demo generator (system context): a broadcast of unit by author,
 * days_ago before now, audio left pending; and a loudspeaker with its last contact
 * minutes_ago (its token is thrown away). */
enum result voice_seed_broadcast(struct ctx *c, int64_t unit_id, int64_t author_id, int64_t at,
				 const char *body, int64_t *id);
enum result voice_seed_speaker(struct ctx *c, int64_t village_id, int64_t author_id, const char *name,
			       int64_t last_seen_at);
/* A thread by a villager (author) at a time, with its id. */
enum result voice_seed_talk(struct ctx *c, int64_t author_id, int64_t at, const char *category, const char *title,
			    const char *body, int64_t *id);
/* A post in a thread by user at a time; moderator: an answer. */
enum result voice_seed_post(struct ctx *c, int64_t talk_id, int64_t user_id, int64_t at, const char *body);

#endif
