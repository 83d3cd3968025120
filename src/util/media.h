/* Audio and video containers judged by their bytes, never by a name or a declared type:
 * WebM (EBML, DocType "webm"), Ogg (Opus or Vorbis), MP4/M4A (an "ftyp" box first) and
 * WAV (RIFF/WAVE, for recordings of calls). Reads what the tracks are and, where the
 * container tells, how long it plays: WebM from the Duration of its Info or else from
 * the last block's time (what a browser's MediaRecorder writes has no Duration), Ogg
 * from the granule position of its last page, MP4 from the movie header, WAV from the
 * data chunk and the byte rate. Nothing is decoded. Bounded: every step moves forward,
 * nesting is capped, a truncated file ends the walk with what was read so far. */
#ifndef UTIL_MEDIA_H
#define UTIL_MEDIA_H

#include "util/common.h"

struct media_probe {
	const char *mime;      /* audio/webm, video/webm, audio/ogg, audio/mp4, video/mp4, audio/wav */
	int64_t duration_ms;   /* -1 when the container does not say */
	bool has_audio, has_video;
};

/* True and *out filled when the bytes are one of the containers above with at least
 * one audio or video track (a video track makes it video/…); false otherwise. */
bool media_probe(const void *data, size_t len, struct media_probe *out);

#endif
