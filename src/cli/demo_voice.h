/* Demo data of the village's voice (demo_voice.c), called once from demo_create. */
#ifndef CLI_DEMO_VOICE_H
#define CLI_DEMO_VOICE_H

#include "domain/kernel/ctx.h"

/* A broadcast history in the first village (its cadre; one from the town), two
 * loudspeakers with recent contact, 村民说事 threads over months (answered, one turned
 * into an event, one 议事 with its outcome, one reply hidden with a reason, the newest
 * still open); one broadcast in each other village. The audio: voice_demo_speak.
 * Needs a system context; the accounts must exist. */
int voice_seed_demo(struct ctx *c, int64_t town_id, const int64_t *villages, int n);

/* The audio of every broadcast the demo made (the modules' broadcasts included), spoken
 * by the job the server runs (voice_audio_job) until none is waiting, so the demo's
 * broadcasts play rather than all showing 语音生成中. Without espeak-ng they stay
 * waiting, as on a server without it. Called last. */
int voice_demo_speak(struct ctx *c);

#endif
