/* The village's voice endpoints (domain/voice): the 大喇叭 broadcasts with their history,
 * the live event stream of the villagers' pages and the spoken audio, and the
 * loudspeakers with their device API (the device authenticates with its token as a
 * Bearer; the routes are public to the session check and check the token), and the
 * 村民说事 threads with their moderation. Live streams
 * are held by http/sse.h without a worker thread each. */
#ifndef HTTP_VOICE_VOICE_H
#define HTTP_VOICE_VOICE_H

#include "http/api.h"

extern const struct route voice_routes[];
extern const size_t voice_routes_n;

struct broadcast;
/* Pushes a new broadcast live to the villagers' pages and the loudspeakers under its
 * unit, and wakes the audio job (also for broadcasts sent from other features). */
void api_broadcast_publish(const struct broadcast *b);

int api_broadcasts_list(struct req *r);
int api_broadcast_create(struct req *r);
int api_broadcasts_stream(struct req *r);
int api_broadcast_audio(struct req *r);
int api_speakers_list(struct req *r);
int api_speaker_create(struct req *r);
int api_speaker_revoke(struct req *r);
int api_speaker_stream(struct req *r);
int api_speaker_ack(struct req *r);
int api_talks_list(struct req *r);
int api_talk_create(struct req *r);
int api_talk_get(struct req *r);
int api_talk_reply(struct req *r);
int api_talk_resolve(struct req *r);
int api_talk_hide(struct req *r);
int api_talk_event(struct req *r);
int api_talk_council(struct req *r);

#endif
