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

/* Upload quotas of POST /api/v1/files, per account in any 24 hours (new bytes only: bytes
 * the account uploaded before cost nothing). Villagers (no role beyond 村民 or 党员) have
 * the lower one;
 * staff upload rectification photos, vouchers and course media for a whole village. */
#define FILES_QUOTA_WINDOW (24 * 3600)
#define FILES_QUOTA_VILLAGER_FILES 60
#define FILES_QUOTA_VILLAGER_BYTES ((int64_t)200 << 20)
#define FILES_QUOTA_STAFF_FILES 600
#define FILES_QUOTA_STAFF_BYTES ((int64_t)2 << 30)

/* Removal of files no record refers to: a file uploaded more than FILES_SWEEP_GRACE ago
 * (and not uploaded again since) whose hash appears in no text column of any table (the
 * audit log's own entries about files aside) is removed with its bytes; one found
 * referred to is marked kept and not looked at again. At most FILES_SWEEP_MAX files a
 * run, a run at most every FILES_SWEEP_EVERY seconds (it reads every text column, outside
 * any transaction: writes go on meanwhile; the removal itself is a short transaction). */
#define FILES_SWEEP_GRACE (24 * 3600)
#define FILES_SWEEP_EVERY 3600
#define FILES_SWEEP_MAX 1000

struct file_info {
	char hash[FILES_HASH_LEN + 1];
	char mime[16];            /* image/jpeg, image/png, image/webp, application/pdf,
				     audio/webm, audio/ogg, audio/mp4, audio/wav, video/webm, video/mp4 */
	int64_t size;
	int64_t duration_ms;      /* audio and video: as the container says; -1 when it does not */
	int64_t uploaded_by;      /* the actor when they uploaded these bytes too (every uploader
				     of the same bytes owns them), else the first uploader; 0 when unknown */
	int64_t created_at;
	bool kept;                /* marked kept: the removal below never takes it */
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

/* files_store with the account's daily quota (FILES_QUOTA_*), for POST /api/v1/files:
 * RC_TOO_MANY with a message naming the limit when this upload would exceed it. */
enum result files_upload(struct ctx *c, const void *data, size_t len, struct file_info *out);

/* The quota rule: 0 when one more file of size bytes fits after files_today files of
 * bytes_today bytes, 1 when the number of files is over, 2 when the bytes are. */
int files_quota_check(bool staff, int64_t files_today, int64_t bytes_today, int64_t size);

/* The scheduled removal of files never attached (above); *removed: how many. Own
 * transaction; the bytes are removed after it commits. */
enum result files_sweep_due(struct ctx *c, int64_t *removed);

/* The same for bytes that arrive without an account (the public 民情码 form's voice):
 * uploaded_by stays empty, the audit entry goes to chain_unit. */
enum result files_store_anonymous(struct ctx *c, int64_t chain_unit, const void *data, size_t len,
				  struct file_info *out);

/* The thumbnail (a JPEG, IMAGE_THUMB_SIDE on the longer side) of a stored photo whose
 * bytes are data, in request memory: the one kept beside it, else made now and kept.
 * False when data is not a photo or cannot be decoded (the caller serves the photo). */
bool files_thumb(struct ctx *c, const void *data, size_t len, const void **thumb, size_t *thumb_len);

/* The row of a stored file, no access check; RC_NOT_FOUND when unknown. Every module
 * checks a file with it before a record refers to it (and when it serves a record's
 * file), so it also marks the file kept, once: the removal of unattached files, which
 * locks and checks the mark again just before it deletes, can then not remove a file
 * between an attach's check and its commit, whether the check ran inside the attach's
 * transaction (the mark commits or rolls back with it; on PostgreSQL the removal
 * waits for it) or before it (the mark is committed at once). A file checked before
 * a transaction by an attach that was then refused stays kept. */
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
