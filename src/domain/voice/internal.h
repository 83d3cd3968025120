/* Shared inside domain/voice only. */
#ifndef DOMAIN_VOICE_INTERNAL_H
#define DOMAIN_VOICE_INTERNAL_H

#include "domain/voice/voice.h"

/* Reads a broadcast by id; no access check. */
int voice_load(struct ctx *c, int64_t id, struct broadcast *out);
/* The villager's village, when the actor is a villager with a household. */
bool voice_villager_village(struct ctx *c, struct org_unit *out);

#endif
