/* Audio and video containers by their bytes: WebM, Ogg, MP4/M4A, WAV (see media.h). */
#include <math.h>

#include "util/media.h"

#define MEDIA_MAX_ELEMENTS 2000000   /* elements, pages or boxes walked at most */
#define MP4_MAX_DEPTH 8

static uint64_t be(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t le(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

/* ms from a count of ticks at rate per second, -1 when it does not make sense */
static int64_t ticks_ms(uint64_t ticks, uint64_t rate)
{
	if (!rate)
		return -1;
	double ms = (double)ticks * 1000.0 / (double)rate;
	return ms >= 0 && ms < 1e15 ? (int64_t)ms : -1;
}

/* ---- WebM (EBML) ---- */

#define EBML_UNKNOWN UINT64_MAX

/* An element ID (marker bits kept, 1–4 bytes); 0 when malformed or cut. */
static size_t ebml_id(const unsigned char *p, size_t len, uint32_t *id)
{
	if (len < 1 || !p[0])
		return 0;
	size_t n = 1;
	while (n <= 4 && !(p[0] & (0x80 >> (n - 1))))
		n++;
	if (n > 4 || n > len)
		return 0;
	*id = (uint32_t)be(p, n);
	return n;
}

/* An element size (1–8 bytes, marker bit removed); all ones is "unknown". */
static size_t ebml_size(const unsigned char *p, size_t len, uint64_t *size)
{
	if (len < 1 || !p[0])
		return 0;
	size_t n = 1;
	while (n <= 8 && !(p[0] & (0x80 >> (n - 1))))
		n++;
	if (n > 8 || n > len)
		return 0;
	uint64_t v = p[0] & (0xFF >> n);
	bool ones = v == (0xFFu >> n);
	for (size_t i = 1; i < n; i++) {
		v = (v << 8) | p[i];
		ones = ones && p[i] == 0xFF;
	}
	*size = ones ? EBML_UNKNOWN : v;
	return n;
}

static double ebml_float(const unsigned char *p, size_t n)
{
	if (n == 4) {
		uint32_t u = (uint32_t)be(p, 4);
		float f;
		memcpy(&f, &u, 4);
		return f;
	}
	if (n == 8) {
		uint64_t u = be(p, 8);
		double d;
		memcpy(&d, &u, 8);
		return d;
	}
	return NAN;
}

enum {
	EBML_HEADER = 0x1A45DFA3, EBML_DOCTYPE = 0x4282, MKV_SEGMENT = 0x18538067, MKV_INFO = 0x1549A966,
	MKV_SCALE = 0x2AD7B1, MKV_DURATION = 0x4489, MKV_TRACKS = 0x1654AE6B, MKV_TRACK = 0xAE,
	MKV_TRACK_TYPE = 0x83, MKV_CLUSTER = 0x1F43B675, MKV_TIMECODE = 0xE7, MKV_SIMPLE_BLOCK = 0xA3,
	MKV_BLOCK_GROUP = 0xA0, MKV_BLOCK = 0xA1,
};

static bool probe_webm(const unsigned char *p, size_t len, struct media_probe *out)
{
	uint32_t id;
	uint64_t size;
	size_t a = ebml_id(p, len, &id);
	if (a == 0 || id != EBML_HEADER)
		return false;
	size_t b = ebml_size(p + a, len - a, &size);
	if (b == 0 || size == EBML_UNKNOWN || size > len - a - b)
		return false;
	/* the header's DocType must be "webm" */
	bool webm = false;
	size_t header_end = a + b + (size_t)size;
	for (size_t q = a + b, end = header_end; q < end;) {
		size_t i = ebml_id(p + q, end - q, &id);
		size_t s = i ? ebml_size(p + q + i, end - q - i, &size) : 0;
		if (!s || size == EBML_UNKNOWN || size > end - q - i - s)
			return false;
		if (id == EBML_DOCTYPE)
			webm = size == 4 && !memcmp(p + q + i + s, "webm", 4);
		q += i + s + (size_t)size;
	}
	if (!webm)
		return false;
	uint64_t scale = 1000000, cluster = 0, last = 0;
	double duration = -1;
	bool blocks = false;
	size_t pos = header_end;
	for (long steps = 0; pos < len && steps < MEDIA_MAX_ELEMENTS; steps++) {
		size_t i = ebml_id(p + pos, len - pos, &id);
		size_t s = i ? ebml_size(p + pos + i, len - pos - i, &size) : 0;
		if (!s)
			break;
		size_t body = pos + i + s;
		/* the masters that hold what is read are walked into, whatever their size (a
		 * recorder streams the segment and its clusters with an unknown size) */
		if (id == MKV_SEGMENT || id == MKV_INFO || id == MKV_TRACKS || id == MKV_TRACK || id == MKV_CLUSTER ||
		    id == MKV_BLOCK_GROUP) {
			pos = body;
			continue;
		}
		if (size == EBML_UNKNOWN || size > len - body)
			break;
		const unsigned char *v = p + body;
		size_t n = (size_t)size;
		if (id == MKV_SCALE && n >= 1 && n <= 8) {
			scale = be(v, n);
		} else if (id == MKV_DURATION) {
			double d = ebml_float(v, n);
			if (isfinite(d) && d >= 0)
				duration = d;
		} else if (id == MKV_TRACK_TYPE && n >= 1 && n <= 8) {
			uint64_t t = be(v, n);
			out->has_video |= t == 1;
			out->has_audio |= t == 2;
		} else if (id == MKV_TIMECODE && n <= 8) {
			cluster = be(v, n);
		} else if (id == MKV_SIMPLE_BLOCK || id == MKV_BLOCK) {
			uint64_t track;
			size_t t = ebml_size(v, n, &track);
			if (t && n >= t + 2) {
				int16_t rel = (int16_t)be(v + t, 2);
				int64_t at = (int64_t)(cluster > INT64_MAX / 2 ? INT64_MAX / 2 : cluster) + rel;
				if (at > 0 && (uint64_t)at > last)
					last = (uint64_t)at;
				blocks = true;
			}
		}
		pos = body + n;
	}
	if (!out->has_audio && !out->has_video)
		return false;
	out->mime = out->has_video ? "video/webm" : "audio/webm";
	out->duration_ms = -1;
	if (scale && scale <= 1000000000000ull && (duration >= 0 || blocks)) {
		double ms = (duration >= 0 ? duration : (double)last) * (double)scale / 1e6;
		if (ms >= 0 && ms < 1e15)
			out->duration_ms = (int64_t)ms;
	}
	return true;
}

/* ---- Ogg ---- */

static bool probe_ogg(const unsigned char *p, size_t len, struct media_probe *out)
{
	uint32_t serial = 0;
	uint64_t rate = 0, skip = 0, granule = 0;
	bool first = true, have = false;
	size_t pos = 0;
	for (long steps = 0; pos + 27 <= len && steps < MEDIA_MAX_ELEMENTS; steps++) {
		const unsigned char *h = p + pos;
		if (memcmp(h, "OggS", 4) || h[4] != 0)
			break;
		size_t nseg = h[26];
		if (pos + 27 + nseg > len)
			break;
		size_t body = 0;
		for (size_t i = 0; i < nseg; i++)
			body += h[27 + i];
		size_t start = pos + 27 + nseg;
		if (body > len - start)
			break;
		const unsigned char *b = p + start;
		uint32_t ser = (uint32_t)le(h + 14, 4);
		if (first) {
			serial = ser;
			if (body >= 19 && !memcmp(b, "OpusHead", 8)) {
				rate = 48000;   /* Opus granules always count 48 kHz samples */
				skip = le(b + 10, 2);
				out->has_audio = true;
			} else if (body >= 16 && !memcmp(b, "\x01vorbis", 7)) {
				rate = le(b + 12, 4);
				out->has_audio = true;
			} else {
				return false;
			}
			first = false;
		} else if (ser == serial) {
			uint64_t g = le(h + 6, 8);
			if (g != UINT64_MAX) {
				granule = g;
				have = true;
			}
		}
		pos = start + body;
	}
	if (first)
		return false;
	out->mime = "audio/ogg";
	out->duration_ms = have && rate ? ticks_ms(granule > skip ? granule - skip : 0, rate) : -1;
	return true;
}

/* ---- MP4 / M4A ---- */

struct mp4_state {
	uint64_t timescale, duration;
	bool have_duration;
	long steps;
};

static void mp4_walk(const unsigned char *p, size_t len, int depth, struct mp4_state *st, struct media_probe *out)
{
	size_t pos = 0;
	while (pos + 8 <= len && st->steps++ < MEDIA_MAX_ELEMENTS) {
		uint64_t size = be(p + pos, 4);
		const unsigned char *type = p + pos + 4;
		size_t head = 8;
		if (size == 1) {
			if (pos + 16 > len)
				return;
			size = be(p + pos + 8, 8);
			head = 16;
		} else if (size == 0) {
			size = len - pos;
		}
		if (size < head || size > len - pos)
			return;
		const unsigned char *v = p + pos + head;
		size_t n = (size_t)size - head;
		if (depth < MP4_MAX_DEPTH && (!memcmp(type, "moov", 4) || !memcmp(type, "trak", 4) ||
					      !memcmp(type, "mdia", 4))) {
			mp4_walk(v, n, depth + 1, st, out);
		} else if (!memcmp(type, "mvhd", 4) && n >= 20) {
			if (v[0] == 1 && n >= 32) {
				st->timescale = be(v + 20, 4);
				st->duration = be(v + 24, 8);
				st->have_duration = true;
			} else if (v[0] == 0) {
				st->timescale = be(v + 12, 4);
				st->duration = be(v + 16, 4);
				st->have_duration = st->duration != 0xFFFFFFFFu;
			}
		} else if (!memcmp(type, "hdlr", 4) && n >= 12) {
			out->has_video |= !memcmp(v + 8, "vide", 4);
			out->has_audio |= !memcmp(v + 8, "soun", 4);
		}
		pos += (size_t)size;
	}
}

static bool probe_mp4(const unsigned char *p, size_t len, struct media_probe *out)
{
	if (len < 16 || memcmp(p + 4, "ftyp", 4))
		return false;
	struct mp4_state st = {0};
	mp4_walk(p, len, 0, &st, out);
	if (!out->has_audio && !out->has_video)
		return false;
	out->mime = out->has_video ? "video/mp4" : "audio/mp4";
	/* a fragmented file (a recorder's) leaves the movie's duration at 0 */
	out->duration_ms = st.have_duration && st.duration ? ticks_ms(st.duration, st.timescale) : -1;
	return true;
}

/* ---- WAV ---- */

static bool probe_wav(const unsigned char *p, size_t len, struct media_probe *out)
{
	if (len < 12 || memcmp(p, "RIFF", 4) || memcmp(p + 8, "WAVE", 4))
		return false;
	uint64_t rate = 0, data = 0;
	bool fmt = false, have = false;
	size_t pos = 12;
	for (long steps = 0; pos + 8 <= len && steps < MEDIA_MAX_ELEMENTS; steps++) {
		uint64_t size = le(p + pos + 4, 4);
		if (!memcmp(p + pos, "fmt ", 4) && size >= 16 && pos + 8 + 16 <= len) {
			rate = le(p + pos + 8 + 8, 4);   /* bytes per second */
			fmt = true;
		} else if (!memcmp(p + pos, "data", 4)) {
			data = size > len - pos - 8 ? len - pos - 8 : size;
			have = true;
			break;
		}
		if (size > len - pos - 8)
			break;
		pos += 8 + (size_t)size + (size & 1);
	}
	if (!fmt)
		return false;
	out->has_audio = true;
	out->mime = "audio/wav";
	out->duration_ms = have ? ticks_ms(data, rate) : -1;
	return true;
}

bool media_probe(const void *data, size_t len, struct media_probe *out)
{
	memset(out, 0, sizeof(*out));
	out->duration_ms = -1;
	const unsigned char *p = data;
	if (!p || len < 4)
		return false;
	bool ok = false;
	if (p[0] == 0x1A && p[1] == 0x45 && p[2] == 0xDF && p[3] == 0xA3)
		ok = probe_webm(p, len, out);
	else if (!memcmp(p, "OggS", 4))
		ok = probe_ogg(p, len, out);
	else if (len >= 8 && !memcmp(p + 4, "ftyp", 4))
		ok = probe_mp4(p, len, out);
	else if (!memcmp(p, "RIFF", 4))
		ok = probe_wav(p, len, out);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		out->duration_ms = -1;
	}
	return ok;
}
