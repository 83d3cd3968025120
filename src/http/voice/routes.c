/* The route table of the voice feature; src/http/routes.c joins the tables. */
#include "http/voice/voice.h"

const struct route voice_routes[] = {
	{"GET", "/api/v1/broadcasts", api_broadcasts_list, 0},
	{"POST", "/api/v1/broadcasts", api_broadcast_create, RF_JSON},
	{"GET", "/api/v1/broadcasts/stream", api_broadcasts_stream, 0},
	{"GET", "/api/v1/broadcasts/:id/audio", api_broadcast_audio, RF_PUBLIC},
	{"GET", "/api/v1/speakers", api_speakers_list, 0},
	{"POST", "/api/v1/speakers", api_speaker_create, RF_JSON},
	{"POST", "/api/v1/speakers/:id/revoke", api_speaker_revoke, 0},
	{"GET", "/api/v1/speakers/stream", api_speaker_stream, RF_PUBLIC},
	{"POST", "/api/v1/speakers/ack", api_speaker_ack, RF_PUBLIC | RF_JSON},
	{"GET", "/api/v1/talks", api_talks_list, 0},
	{"POST", "/api/v1/talks", api_talk_create, RF_JSON},
	{"GET", "/api/v1/talks/:id", api_talk_get, 0},
	{"POST", "/api/v1/talks/:id/replies", api_talk_reply, RF_JSON},
	{"POST", "/api/v1/talks/:id/resolve", api_talk_resolve, 0},
	{"POST", "/api/v1/talks/:id/hide", api_talk_hide, RF_JSON},
	{"POST", "/api/v1/talks/:id/event", api_talk_event, RF_JSON},
	{"POST", "/api/v1/talks/:id/council", api_talk_council, RF_JSON},
};

const size_t voice_routes_n = ARRAY_SIZE(voice_routes);
