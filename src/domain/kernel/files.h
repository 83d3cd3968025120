/* Uploaded files (claim photos, receipts, voice recordings and video clips): stored once by content hash (BLAKE2b-256,
 * hex) under DATA/files/ab/<hash>, written crash-safely (temporary file, fsync, link
 * into place, fsync of the directory; an existing file is never rewritten), typed by
 * their magic bytes only, at most FILES_MAX_BYTES each, with a row in table files.
 * This module knows nothing of who may see a file: the module that refers to it (the
 * claims for their photos) checks access before calling files_read. */
#ifndef DOMAIN_FILES_H
#define DOMAIN_FILES_H

#include "domain/kernel/ctx.h"

#define FILES_MAX_BYTES (8 << 20)      /* images and PDF documents */
#define FILES_AUDIO_MAX_BYTES (2 << 20) /* a voice recording, a call's recording */
#define FILES_AUDIO_MAX_MS 120000
#define FILES_VIDEO_MAX_BYTES (16 << 20) /* a short video clip (the upload limit of a request) */
#define FILES_VIDEO_MAX_MS 180000
#define FILES_HASH_LEN 64
#define FILES_THUMB_SUFFIX ".thumb" /* DATA/files/ab/<hash>.thumb: a photo's thumbnail */

struct file_info {
	char hash[FILES_HASH_LEN + 1];
	char mime[16];            /* image/jpeg, image/png, image/webp, application/pdf,
				     audio/webm, audio/ogg, audio/mp4, audio/wav, video/webm, video/mp4 */
	int64_t size;
	int64_t duration_ms;      /* audio and video: as the container says; -1 when it does not */
	int64_t uploaded_by;      /* 0 when unknown */
	int64_t created_at;
};

/* The MIME type of an image judged by its first bytes (JPEG FF D8 FF, PNG 89 50 4E 47
 * 0D 0A 1A 0A, WebP RIFF....WEBP), of a PDF document ("%PDF-", for the attachments
 * of disclosures), or of a recording or clip (WebM 1A 45 DF A3, Ogg "OggS", MP4/M4A
 * with an "ftyp" box, WAV RIFF....WAVE; the container is read by util/media.c, which
 * also gives the length in *duration_ms, -1 when unknown; duration_ms may be NULL), or
 * NULL for anything else. Modules that take only photos check that the stored type
 * starts with "image/", voice "audio/", video "video/". */
const char *files_sniff(const void *data, size_t len, int64_t *duration_ms);
/* True for 64 lowercase hexadecimal characters. */
bool files_hash_valid(const char *hash);

/* Stores an uploaded file for the logged-in actor. A photo is decoded and written again
 * (util/image.h): one that does not decode is RC_INVALID on field "file"; what is stored
 * (and hashed) is the picture without its EXIF (GPS position, camera), orientation
 * applied, with a thumbnail beside it. Otherwise: RC_TOO_LARGE over FILES_MAX_BYTES,
 * RC_INVALID (field "file") when empty or not JPEG, PNG, WebP, PDF, audio or video.
 * Audio over FILES_AUDIO_MAX_BYTES and video over FILES_VIDEO_MAX_BYTES are RC_TOO_LARGE
 * with field "file"; a length over FILES_AUDIO_MAX_MS / FILES_VIDEO_MAX_MS, RC_INVALID. Storing bytes that
 * are already stored changes nothing and returns the existing row. A new file is
 * audited (object "file") in the chain of the actor's village (their household's, or
 * that of their first role's unit). Its own transaction. */
enum result files_store(struct ctx *c, const void *data, size_t len, struct file_info *out);

/* The same for bytes that arrive without an account (the public 民情码 form's voice):
 * uploaded_by stays empty, the audit entry goes to chain_unit. */
enum result files_store_anonymous(struct ctx *c, int64_t chain_unit, const void *data, size_t len,
				  struct file_info *out);

/* The thumbnail (a JPEG, IMAGE_THUMB_SIDE on the longer side) of a stored photo whose
 * bytes are data, in request memory: the one kept beside it, else made now and kept.
 * False when data is not a photo or cannot be decoded (the caller serves the photo). */
bool files_thumb(struct ctx *c, const void *data, size_t len, const void **thumb, size_t *thumb_len);

/* The row of a stored file, no access check; RC_NOT_FOUND when unknown. */
enum result files_info(struct ctx *c, const char *hash, struct file_info *out);

/* Reads a stored file into request memory (c->arena), no access check: the caller
 * decides who may see it. RC_NOT_FOUND when the row or the bytes are missing. */
enum result files_read(struct ctx *c, const char *hash, struct file_info *info, const void **data,
	       size_t *len);

/* Reads bytes [first, first + count) of a stored file into request memory, no access
 * check (for range requests of video clips). RC_NOT_FOUND when missing; the range must
 * lie inside the file. */
enum result files_read_range(struct ctx *c, const char *hash, int64_t first, int64_t count, const void **data);

#endif
