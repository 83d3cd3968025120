/* Unit tests for util/media (audio and video containers by their bytes: WebM, Ogg,
 * MP4/M4A, WAV, with their tracks and length), kernel/files' sniffing of them beside the
 * images, and util/range (one byte range of a Range header). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/kernel/files.h"
#include "util/media.h"
#include "util/range.h"

#define CAP 4096

struct bytes {
	unsigned char p[CAP];
	size_t n;
};

static void put(struct bytes *b, const void *p, size_t n)
{
	assert_true(b->n + n <= CAP);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void put_be(struct bytes *b, uint64_t v, size_t n)
{
	for (size_t i = n; i > 0; i--) {
		unsigned char c = (unsigned char)(v >> (8 * (i - 1)));
		put(b, &c, 1);
	}
}

static void put_zero(struct bytes *b, size_t n)
{
	assert_true(b->n + n <= CAP);
	memset(b->p + b->n, 0, n);
	b->n += n;
}

static void put_le(struct bytes *b, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)(v >> (8 * i));
		put(b, &c, 1);
	}
}

/* an EBML element: id (1–4 bytes as given), an 8-byte size (or unknown), the payload */
static void ebml(struct bytes *b, uint32_t id, const struct bytes *payload, bool unknown)
{
	size_t idlen = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
	put_be(b, id, idlen);
	if (unknown) {
		put_be(b, 0x01FFFFFFFFFFFFFFull, 8);
	} else {
		put_be(b, 0x0100000000000000ull | payload->n, 8);
	}
	put(b, payload->p, payload->n);
}

static void ebml_uint(struct bytes *b, uint32_t id, uint64_t v)
{
	struct bytes x = {0};
	put_be(&x, v, 4);
	ebml(b, id, &x, false);
}

static void ebml_text(struct bytes *b, uint32_t id, const char *s)
{
	struct bytes x = {0};
	put(&x, s, strlen(s));
	ebml(b, id, &x, false);
}

static void block(struct bytes *b, int16_t rel)
{
	struct bytes x = {0};
	unsigned char head[4] = {0x81, (unsigned char)((uint16_t)rel >> 8), (unsigned char)rel, 0x80};
	put(&x, head, 4);
	put(&x, "opus-frame", 10);
	ebml(b, 0xA3, &x, false);
}

/* WebM: a track of type (1 video, 2 audio), blocks every 10 s up to ms, or a Duration */
static void webm(struct bytes *out, int type, int ms, bool duration, bool unknown, const char *doctype)
{
	struct bytes head = {0}, seg = {0}, info = {0}, tracks = {0}, entry = {0};
	ebml_uint(&head, 0x4286, 1);
	ebml_text(&head, 0x4282, doctype);
	ebml(out, 0x1A45DFA3, &head, false);
	ebml_uint(&info, 0x2AD7B1, 1000000);
	if (duration) {
		struct bytes d = {0};
		double v = ms;
		uint64_t u;
		memcpy(&u, &v, 8);
		put_be(&d, u, 8);
		ebml(&info, 0x4489, &d, false);
	}
	ebml(&seg, 0x1549A966, &info, false);
	ebml_uint(&entry, 0xD7, 1);
	ebml_uint(&entry, 0x83, (uint64_t)type);
	ebml(&tracks, 0xAE, &entry, false);
	ebml(&seg, 0x1654AE6B, &tracks, false);
	if (!duration) {
		for (int t = 0; t <= ms; t += 10000) {
			struct bytes cl = {0};
			ebml_uint(&cl, 0xE7, (uint64_t)t);
			block(&cl, 0);
			if (ms - t < 10000 && ms > t)
				block(&cl, (int16_t)(ms - t));
			ebml(&seg, 0x1F43B675, &cl, unknown);
		}
	}
	ebml(out, 0x18538067, &seg, unknown);
}

static void test_webm(void **state)
{
	(void)state;
	struct media_probe m;
	struct bytes b = {0};
	webm(&b, 2, 4200, false, true, "webm");
	assert_true(media_probe(b.p, b.n, &m));
	assert_string_equal(m.mime, "audio/webm");
	assert_true(m.has_audio && !m.has_video);
	assert_int_equal(m.duration_ms, 4200);
	/* sized segment and clusters: the same */
	memset(&b, 0, sizeof(b));
	webm(&b, 2, 35000, false, false, "webm");
	assert_true(media_probe(b.p, b.n, &m));
	assert_int_equal(m.duration_ms, 35000);
	/* a Duration in the Info, a video track */
	memset(&b, 0, sizeof(b));
	webm(&b, 1, 9000, true, false, "webm");
	assert_true(media_probe(b.p, b.n, &m));
	assert_string_equal(m.mime, "video/webm");
	assert_int_equal(m.duration_ms, 9000);
	/* Matroska is not WebM; no track at all is not a recording */
	memset(&b, 0, sizeof(b));
	webm(&b, 2, 1000, false, true, "matroska");
	assert_false(media_probe(b.p, b.n, &m));
	memset(&b, 0, sizeof(b));
	webm(&b, 3, 1000, false, true, "webm");
	assert_false(media_probe(b.p, b.n, &m));
	/* cut anywhere: never read past the end, whatever comes out */
	memset(&b, 0, sizeof(b));
	webm(&b, 2, 4200, false, true, "webm");
	for (size_t n = 0; n < b.n; n++) {
		unsigned char *copy = malloc(n ? n : 1);
		memcpy(copy, b.p, n);
		if (media_probe(copy, n, &m))
			assert_true(m.duration_ms >= -1 && m.duration_ms <= 4200);
		free(copy);
	}
}

static void ogg_page(struct bytes *b, uint64_t granule, uint32_t seq, const void *body, size_t n)
{
	put(b, "OggS", 4);
	put_le(b, 0, 1);
	put_le(b, seq == 0 ? 2 : 0, 1);
	put_le(b, granule, 8);
	put_le(b, 77, 4);
	put_le(b, seq, 4);
	put_le(b, 0, 4);
	put_le(b, 1, 1);
	put_le(b, n, 1);
	put(b, body, n);
}

static void test_ogg(void **state)
{
	(void)state;
	struct bytes b = {0};
	unsigned char head[19] = "OpusHead";
	head[8] = 1;
	head[9] = 1;
	head[10] = 0x38; /* pre-skip 312 */
	head[11] = 0x01;
	ogg_page(&b, 0, 0, head, sizeof(head));
	ogg_page(&b, 0, 1, "OpusTags\0\0\0\0\0\0\0\0", 16);
	ogg_page(&b, UINT64_MAX, 2, "frames", 6);   /* no granule on this page */
	ogg_page(&b, 312 + 6500 * 48, 3, "frames", 6);
	struct media_probe m;
	assert_true(media_probe(b.p, b.n, &m));
	assert_string_equal(m.mime, "audio/ogg");
	assert_int_equal(m.duration_ms, 6500);
	/* Ogg of something else (Theora, say): refused */
	struct bytes t = {0};
	ogg_page(&t, 0, 0, "\x80theora-header-here", 19);
	assert_false(media_probe(t.p, t.n, &m));
}

static void box(struct bytes *b, const char *type, const struct bytes *payload)
{
	put_be(b, 8 + payload->n, 4);
	put(b, type, 4);
	put(b, payload->p, payload->n);
}

static void mp4(struct bytes *out, const char *handler, uint32_t timescale, uint32_t duration)
{
	struct bytes ftyp = {0}, mvhd = {0}, hdlr = {0}, mdia = {0}, trak = {0}, moov = {0}, mdat = {0};
	put(&ftyp, "M4A \0\0\0\0isom", 12);
	box(out, "ftyp", &ftyp);
	put_zero(&mvhd, 12);
	put_be(&mvhd, timescale, 4);
	put_be(&mvhd, duration, 4);
	put_zero(&mvhd, 80);
	box(&moov, "mvhd", &mvhd);
	put_zero(&hdlr, 8);
	put(&hdlr, handler, 4);
	put_zero(&hdlr, 13);
	box(&mdia, "hdlr", &hdlr);
	box(&trak, "mdia", &mdia);
	box(&moov, "trak", &trak);
	box(out, "moov", &moov);
	put(&mdat, "data", 4);
	box(out, "mdat", &mdat);
}

static void test_mp4_wav(void **state)
{
	(void)state;
	struct media_probe m;
	struct bytes b = {0};
	mp4(&b, "soun", 44100, 44100 * 7);
	assert_true(media_probe(b.p, b.n, &m));
	assert_string_equal(m.mime, "audio/mp4");
	assert_int_equal(m.duration_ms, 7000);
	memset(&b, 0, sizeof(b));
	mp4(&b, "vide", 600, 600 * 12);
	assert_true(media_probe(b.p, b.n, &m));
	assert_string_equal(m.mime, "video/mp4");
	assert_int_equal(m.duration_ms, 12000);
	/* a fragmented recording leaves the length to the declared one */
	memset(&b, 0, sizeof(b));
	mp4(&b, "soun", 48000, 0);
	assert_true(media_probe(b.p, b.n, &m));
	assert_int_equal(m.duration_ms, -1);
	/* a box claiming more than there is */
	memset(&b, 0, sizeof(b));
	mp4(&b, "soun", 48000, 48000);
	b.p[b.n - 12] = 0x7F;
	assert_true(media_probe(b.p, b.n, &m));
	/* WAV: 8 kHz 16-bit mono, 2.5 s */
	struct bytes w = {0};
	put(&w, "RIFF", 4);
	put_le(&w, 36 + 40000, 4);
	put(&w, "WAVEfmt ", 8);
	put_le(&w, 16, 4);
	put_le(&w, 1, 2);
	put_le(&w, 1, 2);
	put_le(&w, 8000, 4);
	put_le(&w, 16000, 4);
	put_le(&w, 2, 2);
	put_le(&w, 16, 2);
	put(&w, "data", 4);
	put_le(&w, 40000, 4);
	put_zero(&w, 1000);   /* the rest of the samples are not here: the declared size counts up to the end */
	assert_true(media_probe(w.p, w.n, &m));
	assert_string_equal(m.mime, "audio/wav");
	assert_int_equal(m.duration_ms, 1000 * 1000 / 16000);
}

static void test_sniff(void **state)
{
	(void)state;
	int64_t ms;
	assert_string_equal(files_sniff("\xFF\xD8\xFF\xE0", 4, &ms), "image/jpeg");
	assert_int_equal(ms, -1);
	assert_string_equal(files_sniff("RIFF\0\0\0\0WEBPVP8 ", 16, NULL), "image/webp");
	struct bytes b = {0};
	webm(&b, 2, 3000, false, true, "webm");
	assert_string_equal(files_sniff(b.p, b.n, &ms), "audio/webm");
	assert_int_equal(ms, 3000);
	assert_null(files_sniff("OggS", 4, &ms));
	assert_null(files_sniff("ID3\x03", 4, &ms));
	assert_null(files_sniff("\x1A\x45\xDF\xA3", 4, &ms));
	assert_null(files_sniff(NULL, 0, &ms));
}

static void test_range(void **state)
{
	(void)state;
	int64_t a = -7, z = -7;
	assert_int_equal(range_parse(NULL, 100, &a, &z), RANGE_NONE);
	assert_int_equal(range_parse("bytes=0-9", 100, &a, &z), RANGE_OK);
	assert_true(a == 0 && z == 9);
	assert_int_equal(range_parse("bytes=10-", 100, &a, &z), RANGE_OK);
	assert_true(a == 10 && z == 99);
	assert_int_equal(range_parse("bytes=-30", 100, &a, &z), RANGE_OK);
	assert_true(a == 70 && z == 99);
	assert_int_equal(range_parse("bytes=-300", 100, &a, &z), RANGE_OK);
	assert_true(a == 0 && z == 99);
	assert_int_equal(range_parse("bytes=90-1000", 100, &a, &z), RANGE_OK);
	assert_true(a == 90 && z == 99);
	assert_int_equal(range_parse(" BYTES = 5-5 ", 100, &a, &z), RANGE_OK);
	assert_true(a == 5 && z == 5);
	/* unsatisfiable */
	assert_int_equal(range_parse("bytes=100-", 100, &a, &z), RANGE_UNSATISFIABLE);
	assert_int_equal(range_parse("bytes=200-300", 100, &a, &z), RANGE_UNSATISFIABLE);
	assert_int_equal(range_parse("bytes=-0", 100, &a, &z), RANGE_UNSATISFIABLE);
	assert_int_equal(range_parse("bytes=0-", 0, &a, &z), RANGE_UNSATISFIABLE);
	/* ignored: the whole is sent */
	const char *ignored[] = {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-3", "bytes=0-1,3-4", "items=0-1",
				 "bytes=0-1x", "bytes=1234567890123456789-", "bytes=--1", "bytes=+1-2", "bytes 0-1"};
	for (size_t i = 0; i < ARRAY_SIZE(ignored); i++)
		assert_int_equal(range_parse(ignored[i], 100, &a, &z), RANGE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_webm),
		cmocka_unit_test(test_ogg),
		cmocka_unit_test(test_mp4_wav),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
