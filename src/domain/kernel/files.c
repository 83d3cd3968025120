/* Content-addressed storage of uploaded images, recordings and clips: magic-byte
 * typing, crash-safe writes under DATA/files/ab/<hash>, the files table. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/kernel/audit.h"
#include "domain/kernel/files.h"
#include "domain/kernel/org.h"
#include "util/log.h"
#include "util/image.h"
#include "util/media.h"

#define FILES_PATH_MAX 1024

const char *files_sniff(const void *data, size_t len, int64_t *duration_ms)
{
	const unsigned char *p = data;
	if (duration_ms)
		*duration_ms = -1;
	if (!p)
		return NULL;
	const char *image = image_kind(data, len);
	if (image)
		return image;
	if (len >= 5 && !memcmp(p, "%PDF-", 5))
		return "application/pdf";
	struct media_probe m;
	if (!media_probe(data, len, &m))
		return NULL;
	if (duration_ms)
		*duration_ms = m.duration_ms;
	return m.mime;
}

bool files_hash_valid(const char *hash)
{
	if (!hash || strlen(hash) != FILES_HASH_LEN)
		return false;
	for (const char *p = hash; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* DATA/files/ab and DATA/files/ab/<hash>; false when the data directory is unset or
 * the path does not fit. */
static bool file_paths_as(const struct ctx *c, const char *hash, const char *suffix, char dir[FILES_PATH_MAX],
			  char path[FILES_PATH_MAX])
{
	if (!c->data_dir || !c->data_dir[0])
		return false;
	int n = snprintf(dir, FILES_PATH_MAX, "%s/files/%.2s", c->data_dir, hash);
	if (n < 0 || n >= FILES_PATH_MAX)
		return false;
	n = snprintf(path, FILES_PATH_MAX, "%s/%s%s", dir, hash, suffix);
	return n > 0 && n < FILES_PATH_MAX;
}

static bool file_paths(const struct ctx *c, const char *hash, char dir[FILES_PATH_MAX], char path[FILES_PATH_MAX])
{
	return file_paths_as(c, hash, "", dir, path);
}

static int make_dir(const char *path)
{
	return mkdir(path, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Writes the bytes to DATA/files/ab/<hash> unless a file is already there: a temporary
 * file in the same directory, fsync, link to the final name (never replacing one),
 * fsync of the directory. */
static int write_file_as(struct ctx *c, const char *hash, const char *suffix, const void *data, size_t len)
{
	char dir[FILES_PATH_MAX], path[FILES_PATH_MAX], top[FILES_PATH_MAX], tmp[FILES_PATH_MAX];
	if (!file_paths_as(c, hash, suffix, dir, path))
		return ctx_fail(c, RC_INTERNAL, "文件存储目录未配置");
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return RC_OK;
	snprintf(top, sizeof(top), "%s/files", c->data_dir);
	if (make_dir(top) || make_dir(dir))
		goto fail;
	char rnd[CRYPTO_TOKEN_HEX];
	crypto_random_token(rnd);
	int n = snprintf(tmp, sizeof(tmp), "%s/.tmp-%.16s", dir, rnd);
	if (n < 0 || n >= (int)sizeof(tmp))
		goto fail;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		goto fail;
	if (write_all(fd, data, len) || fsync(fd)) {
		close(fd);
		unlink(tmp);
		goto fail;
	}
	if (close(fd)) {
		unlink(tmp);
		goto fail;
	}
	/* link refuses to replace: a concurrent upload of the same bytes may have won */
	if (link(tmp, path) && errno != EEXIST) {
		unlink(tmp);
		goto fail;
	}
	unlink(tmp);
	if (fsync_dir(dir))
		goto fail;
	return RC_OK;
fail:
	log_msg(LOG_ERROR, "cannot store file", "path", path, "error", strerror(errno), NULL);
	return ctx_fail(c, RC_INTERNAL, "保存文件失败，请稍后重试");
}

static int write_file(struct ctx *c, const char *hash, const void *data, size_t len)
{
	return write_file_as(c, hash, "", data, len);
}

/* The audit chain an upload by this actor belongs to: their household's village, else
 * the chain unit of their first role's unit. */
static int actor_chain_unit(struct ctx *c, int64_t *unit)
{
	const struct actor *a = c->actor;
	if (a->household_id) {
		int rc = db_get_int(c->db, unit, "SELECT village_id FROM households WHERE id = ?", "i",
				    a->household_id);
		if (rc == DB_OK)
			return RC_OK;
		if (rc != DB_DONE)
			return ctx_db_fail(c, rc, "读取户");
	}
	if (a->ngrants > 0) {
		struct org_unit u;
		int rc = org_get(c, a->grants[0].unit_id, &u);
		if (rc)
			return rc;
		*unit = org_chain_unit(&u);
		return RC_OK;
	}
	return ctx_fail(c, RC_FORBIDDEN, "当前账号没有所属的村或角色，不能上传文件");
}

static int read_row(struct ctx *c, const char *hash, struct file_info *out)
{
	/* uploaded_by: the actor when they uploaded these bytes too (file_owners), else the
	 * first uploader */
	int64_t me = ctx_actor_id(c);
	struct db_stmt *st = db_query(c->db, "SELECT hash, mime, size, CASE WHEN ? <> 0 AND EXISTS (SELECT 1 FROM "
					     "file_owners o WHERE o.hash = files.hash AND o.user_id = ?) THEN ? "
					     "ELSE COALESCE(uploaded_by, 0) END, created_at, "
					     "COALESCE(duration_ms, -1), kept_at IS NOT NULL FROM files WHERE hash = ?", "iiit", me,
				      me, me, hash);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取文件");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		memset(out, 0, sizeof(*out));
		str_copy(out->hash, sizeof(out->hash), db_col_text(st, 0));
		str_copy(out->mime, sizeof(out->mime), db_col_text(st, 1));
		out->size = db_col_int(st, 2);
		out->uploaded_by = db_col_int(st, 3);
		out->created_at = db_col_int(st, 4);
		out->duration_ms = db_col_int(st, 5);
		out->kept = db_col_int(st, 6) != 0;
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "文件不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取文件");
}

enum result files_info(struct ctx *c, const char *hash, struct file_info *out)
{
	if (!files_hash_valid(hash))
		return ctx_fail(c, RC_NOT_FOUND, "文件不存在");
	int rc = read_row(c, hash, out);
	if (rc || out->kept)
		return rc;
	/* a record is about to refer to it: kept from now on (see files.h); read again, as
	 * the removal may have taken it meanwhile */
	if (db_run(c->db, "UPDATE files SET kept_at = ? WHERE hash = ? AND kept_at IS NULL", "it", c->now, hash) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取文件");
	return read_row(c, hash, out);
}

/* An upload as it will be stored: a photo decoded and written again (image.h), with
 * its thumbnail; anything else as it came. */
struct upload {
	const void *data;
	size_t len;
	const char *mime;
	int64_t duration_ms;
	struct image_out clean, thumb;
};

static void upload_release(struct upload *u)
{
	image_free(&u->clean);
	image_free(&u->thumb);
}

/* The type of the bytes and their limits; RC_OK with u filled (release it). */
static int check_upload(struct ctx *c, const void *data, size_t len, struct upload *u)
{
	memset(u, 0, sizeof(*u));
	u->data = data;
	u->len = len;
	if (!data || len == 0) {
		ctx_fail(c, RC_INVALID, "请上传图片（JPEG、PNG 或 WebP）、录音或视频作为请求体");
		return ctx_field(c, "file", "请上传文件");
	}
	/* the largest kind's limit first: the bytes are not even typed beyond it */
	if (len > FILES_VIDEO_MAX_BYTES) {
		ctx_field(c, "file", "文件最大 %d MB", FILES_VIDEO_MAX_BYTES >> 20);
		return ctx_fail(c, RC_TOO_LARGE, "文件最大 %d MB", FILES_VIDEO_MAX_BYTES >> 20);
	}
	u->mime = files_sniff(data, len, &u->duration_ms);
	if (!u->mime) {
		ctx_fail(c, RC_INVALID, "只支持 JPEG、PNG 或 WebP 图片");
		return ctx_field(c, "file", "只支持 JPEG、PNG 或 WebP 图片（公开附件也可以是 PDF），"
				 "录音和视频只支持 WebM、Ogg、MP4（M4A）或 WAV");
	}
	bool audio = !strncmp(u->mime, "audio/", 6), video = !strncmp(u->mime, "video/", 6);
	int64_t cap = audio ? FILES_AUDIO_MAX_BYTES : video ? FILES_VIDEO_MAX_BYTES : FILES_MAX_BYTES;
	const char *what = audio ? "录音" : video ? "视频" : "图片";
	if ((int64_t)len > cap) {
		ctx_field(c, "file", "%s最大 %lld MB", what, (long long)(cap >> 20));
		return ctx_fail(c, RC_TOO_LARGE, "%s最大 %lld MB", what, (long long)(cap >> 20));
	}
	int64_t max_ms = audio ? FILES_AUDIO_MAX_MS : FILES_VIDEO_MAX_MS;
	if ((audio || video) && u->duration_ms > max_ms) {
		ctx_fail(c, RC_INVALID, "%s太长", what);
		return ctx_field(c, "file", "%s最长 %lld 秒，这段有 %lld 秒", what, (long long)(max_ms / 1000),
				 (long long)((u->duration_ms + 999) / 1000));
	}
	if (!strncmp(u->mime, "image/", 6)) {
		/* decoded whole and written again: a picture that does not decode is refused,
		 * and the EXIF (a phone's GPS position, its camera) is not stored */
		enum image_status s = image_clean(data, len, &u->clean, &u->thumb);
		if (s == IMAGE_NOMEM)
			return ctx_fail(c, RC_INTERNAL, "%s", image_status_text(s));
		if (s) {
			ctx_fail(c, RC_INVALID, "图片无法打开");
			return ctx_field(c, "file", "%s", image_status_text(s));
		}
		u->data = u->clean.data;
		u->len = u->clean.len;
		u->mime = u->clean.mime;
	}
	return RC_OK;
}

int files_quota_check(bool staff, int64_t files_today, int64_t bytes_today, int64_t size)
{
	if (files_today + 1 > (staff ? FILES_QUOTA_STAFF_FILES : FILES_QUOTA_VILLAGER_FILES))
		return 1;
	if (bytes_today + size > (staff ? FILES_QUOTA_STAFF_BYTES : FILES_QUOTA_VILLAGER_BYTES))
		return 2;
	return 0;
}

/* Inside the upload's transaction: RC_TOO_MANY when the actor's uploads of the last 24
 * hours and this one exceed their quota. Bytes already stored for the actor cost
 * nothing. */
static int check_quota(struct ctx *c, int64_t user, const char *hash, int64_t size)
{
	int64_t n = 0, bytes = 0, mine = 0;
	if (db_get_int(c->db, &mine, "SELECT count(*) FROM file_owners WHERE hash = ? AND user_id = ?", "ti", hash,
		       user) != DB_OK ||
	    db_get_int(c->db, &n, "SELECT count(*) FROM file_owners WHERE user_id = ? AND created_at > ?", "ii", user,
		       c->now - FILES_QUOTA_WINDOW) != DB_OK ||
	    db_get_int(c->db, &bytes, "SELECT COALESCE(sum(f.size), 0) FROM file_owners o JOIN files f ON "
				      "f.hash = o.hash WHERE o.user_id = ? AND o.created_at > ?", "ii", user,
		       c->now - FILES_QUOTA_WINDOW) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取上传额度");
	if (mine)
		return RC_OK;
	bool staff = false; /* a role beyond 村民 and 党员 */
	for (int i = 0; c->actor && i < c->actor->ngrants; i++)
		staff = staff || (strcmp(c->actor->grants[i].role, "villager") &&
				  strcmp(c->actor->grants[i].role, "party_member"));
	int over = files_quota_check(staff, n, bytes, size);
	if (!over)
		return RC_OK;
	c->err.retry_after = 3600;
	if (over == 1)
		return ctx_fail(c, RC_TOO_MANY, "24 小时内最多上传 %d 个文件，已达上限，请明天再传",
				staff ? FILES_QUOTA_STAFF_FILES : FILES_QUOTA_VILLAGER_FILES);
	return ctx_fail(c, RC_TOO_MANY, "24 小时内最多上传 %lld MB，已达上限，请明天再传",
			(long long)((staff ? FILES_QUOTA_STAFF_BYTES : FILES_QUOTA_VILLAGER_BYTES) >> 20));
}

/* The sweep below must not remove bytes that an upload of the same bytes has just
 * found on disk: uploads hold this shared, the sweep exclusively. */
static pthread_rwlock_t sweep_lock = PTHREAD_RWLOCK_INITIALIZER;

static enum result store_locked(struct ctx *c, int64_t unit, int64_t uploaded_by, bool quota,
				const struct upload *u, struct file_info *out);

static enum result store(struct ctx *c, int64_t unit, int64_t uploaded_by, bool quota, const struct upload *u,
			 struct file_info *out)
{
	pthread_rwlock_rdlock(&sweep_lock);
	int rc = store_locked(c, unit, uploaded_by, quota, u, out);
	pthread_rwlock_unlock(&sweep_lock);
	return rc;
}

static enum result store_locked(struct ctx *c, int64_t unit, int64_t uploaded_by, bool quota,
				const struct upload *u, struct file_info *out)
{
	char hash[CRYPTO_HASH_HEX];
	crypto_hash_hex(u->data, u->len, hash);
	/* the bytes first: a row never points at a missing file; a file without a row
	 * (a failed insert) is harmless and reused by the next upload of the same bytes */
	int rc = write_file(c, hash, u->data, u->len);
	if (!rc && u->thumb.data)
		rc = write_file_as(c, hash, FILES_THUMB_SUFFIX, u->thumb.data, u->thumb.len);
	if (rc)
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	if (quota && (rc = check_quota(c, uploaded_by, hash, (int64_t)u->len)))
		return ctx_end(c, rc);
	int64_t one;
	int dbrc = db_get_int(c->db, &one, "INSERT INTO files (hash, mime, size, uploaded_by, created_at, duration_ms) "
					   "VALUES (?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, "
					   "NULLIF(CAST(? AS BIGINT), -1)) ON CONFLICT (hash) DO NOTHING RETURNING 1",
			      "ttiiii", hash, u->mime, (int64_t)u->len, uploaded_by, c->now, u->duration_ms);
	if (dbrc == DB_OK) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_str(&after, "hash", hash);
		audit_snap_str(&after, "mime", u->mime);
		audit_snap_int(&after, "size", (int64_t)u->len);
		if (u->duration_ms >= 0)
			audit_snap_int(&after, "duration_ms", u->duration_ms);
		audit_snap_end(&after);
		rc = after.failed ? ctx_fail(c, RC_INTERNAL, "审计记录过长")
				  : audit_record(c, unit, "file", 0, "upload", "{}", after.ptr);
		buf_release(&after);
	} else if (dbrc != DB_DONE) {
		rc = ctx_db_fail(c, dbrc, "保存文件");
	}
	/* uploaded again: the grace before removal starts again */
	if (!rc && db_run(c->db, "INSERT INTO file_owners (hash, user_id, unit_id, created_at) VALUES (?, ?, ?, ?) "
				 "ON CONFLICT (hash, user_id) DO UPDATE SET created_at = excluded.created_at", "tiii", hash,
				 uploaded_by, unit, c->now) != DB_OK)
		rc = ctx_db_fail(c, DB_ERROR, "保存文件");
	if (!rc)
		rc = read_row(c, hash, out);
	return ctx_end(c, rc);
}

static enum result store_for_actor(struct ctx *c, bool quota, const void *data, size_t len, struct file_info *out)
{
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct upload u;
	int64_t unit;
	int rc = check_upload(c, data, len, &u);
	if (!rc)
		rc = actor_chain_unit(c, &unit);
	if (!rc)
		rc = store(c, unit, c->actor->user_id, quota, &u, out);
	upload_release(&u);
	return rc;
}

enum result files_store(struct ctx *c, const void *data, size_t len, struct file_info *out)
{
	return store_for_actor(c, false, data, len, out);
}

enum result files_upload(struct ctx *c, const void *data, size_t len, struct file_info *out)
{
	return store_for_actor(c, true, data, len, out);
}

enum result files_store_anonymous(struct ctx *c, int64_t chain_unit, const void *data, size_t len,
				  struct file_info *out)
{
	struct upload u;
	int rc = check_upload(c, data, len, &u);
	if (!rc)
		rc = store(c, chain_unit, 0, false, &u, out);
	upload_release(&u);
	return rc;
}

/* Reads a whole file at path into request memory; RC_NOT_FOUND when missing. */
static int read_path(struct ctx *c, const char *path, int64_t max, const void **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return RC_NOT_FOUND;
	struct stat st;
	unsigned char *p = NULL;
	size_t got = 0;
	int rc = RC_OK;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > max ||
	    !(p = arena_alloc(c->arena, (size_t)st.st_size + 1))) {
		rc = RC_INTERNAL;
		goto cleanup;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got != (size_t)st.st_size) {
		rc = RC_INTERNAL;
		goto cleanup;
	}
	*data = p;
	*len = got;
cleanup:
	close(fd);
	return rc;
}

bool files_thumb(struct ctx *c, const void *data, size_t len, const void **thumb, size_t *thumb_len)
{
	if (!image_kind(data, len))
		return false;
	char hash[CRYPTO_HASH_HEX], dir[FILES_PATH_MAX], path[FILES_PATH_MAX];
	crypto_hash_hex(data, len, hash);
	if (!file_paths_as(c, hash, FILES_THUMB_SUFFIX, dir, path))
		return false;
	if (read_path(c, path, FILES_MAX_BYTES, thumb, thumb_len) == RC_OK)
		return true;
	/* a photo stored before thumbnails were made: made now, kept beside it */
	struct image_out t;
	if (image_thumb(data, len, IMAGE_THUMB_SIDE, &t))
		return false;
	bool ok = false;
	unsigned char *p = arena_alloc(c->arena, t.len);
	if (p) {
		memcpy(p, t.data, t.len);
		*thumb = p;
		*thumb_len = t.len;
		ok = true;
		/* a thumbnail that cannot be kept is made again next time */
		if (write_file_as(c, hash, FILES_THUMB_SUFFIX, t.data, t.len))
			ctx_clear(c);
	}
	image_free(&t);
	return ok;
}

enum result files_read(struct ctx *c, const char *hash, struct file_info *info, const void **data,
	       size_t *len)
{
	int rc = files_info(c, hash, info);
	if (rc)
		return rc;
	char dir[FILES_PATH_MAX], path[FILES_PATH_MAX];
	if (!file_paths(c, hash, dir, path))
		return ctx_fail(c, RC_INTERNAL, "文件存储目录未配置");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_msg(LOG_ERROR, "stored file missing", "path", path, "error", strerror(errno), NULL);
		return ctx_fail(c, RC_NOT_FOUND, "文件不存在");
	}
	struct stat st;
	unsigned char *p = NULL;
	size_t got = 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > FILES_VIDEO_MAX_BYTES) {
		rc = ctx_fail(c, RC_INTERNAL, "文件已损坏");
		goto cleanup;
	}
	p = arena_alloc(c->arena, (size_t)st.st_size + 1);
	if (!p) {
		rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		goto cleanup;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got != (size_t)st.st_size) {
		rc = ctx_fail(c, RC_INTERNAL, "读取文件失败");
		goto cleanup;
	}
	*data = p;
	*len = got;
cleanup:
	close(fd);
	return rc;
}

enum result files_read_range(struct ctx *c, const char *hash, int64_t first, int64_t count, const void **data)
{
	char dir[FILES_PATH_MAX], path[FILES_PATH_MAX];
	if (!files_hash_valid(hash))
		return ctx_fail(c, RC_NOT_FOUND, "文件不存在");
	if (!file_paths(c, hash, dir, path))
		return ctx_fail(c, RC_INTERNAL, "文件存储目录未配置");
	if (first < 0 || count < 0 || count > FILES_VIDEO_MAX_BYTES)
		return ctx_fail(c, RC_INTERNAL, "读取范围有误");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_msg(LOG_ERROR, "stored file missing", "path", path, "error", strerror(errno), NULL);
		return ctx_fail(c, RC_NOT_FOUND, "文件不存在");
	}
	int rc = RC_OK;
	struct stat st;
	unsigned char *p = NULL;
	size_t got = 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || first > st.st_size || count > st.st_size - first) {
		rc = ctx_fail(c, RC_INTERNAL, "文件已损坏");
		goto cleanup;
	}
	if (!(p = arena_alloc(c->arena, (size_t)count + 1))) {
		rc = ctx_fail(c, RC_INTERNAL, "内存不足");
		goto cleanup;
	}
	while (got < (size_t)count) {
		ssize_t r = pread(fd, p + got, (size_t)count - got, (off_t)(first + (int64_t)got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got != (size_t)count) {
		rc = ctx_fail(c, RC_INTERNAL, "读取文件失败");
		goto cleanup;
	}
	*data = p;
cleanup:
	close(fd);
	return rc;
}

/* ---- removal of files no record refers to ---- */

struct sweep_cand {
	char hash[FILES_HASH_LEN + 1]; /* first: the array is sorted and searched by it */
	bool seen;    /* a record refers to it */
	bool removed;
};

static int cand_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sweep_cand *)a)->hash, ((const struct sweep_cand *)b)->hash);
}

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* Marks every candidate whose hash appears in s: each 64-character window of a run of
 * hexadecimal digits, in either case (a hash inside a longer run counts too). */
static void look_for(struct sweep_cand *v, int n, const char *s)
{
	size_t run = 0;
	for (size_t i = 0; s[i]; i++) {
		if (!is_hex(s[i])) {
			run = 0;
			continue;
		}
		if (++run < FILES_HASH_LEN)
			continue;
		struct sweep_cand key;
		for (int k = 0; k < FILES_HASH_LEN; k++) {
			char ch = s[i + 1 - FILES_HASH_LEN + (size_t)k];
			key.hash[k] = ch >= 'A' && ch <= 'F' ? (char)(ch - 'A' + 'a') : ch;
		}
		key.hash[FILES_HASH_LEN] = 0;
		struct sweep_cand *hit = bsearch(&key, v, (size_t)n, sizeof(*v), cand_cmp);
		if (hit)
			hit->seen = true;
	}
}

static bool plain_name(const char *s)
{
	if (!s[0] || strlen(s) > 63)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* Every text column of every table (from the schema itself, so a table added later is
 * searched too) but the files' own tables, and the audit log but its entries about
 * files (every upload is audited with its hash). RC_OK with the candidates marked. */
static enum result scan_references(struct ctx *c, struct sweep_cand *v, int n)
{
	bool pg = db_engine(c->db) == DB_POSTGRES;
	struct db_stmt *cols = db_query(c->db, pg ?
		"SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c "
		"JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
		"WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.data_type NOT IN "
		"('bigint', 'integer', 'smallint', 'boolean', 'double precision', 'real', 'numeric') ORDER BY 1, 2" :
		"SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' "
		"AND m.name NOT LIKE 'sqlite_%' AND upper(p.type) NOT LIKE '%INT%' AND upper(p.type) NOT LIKE '%REAL%' "
		"AND upper(p.type) NOT LIKE '%DOUB%' AND upper(p.type) NOT LIKE '%FLOA%' ORDER BY 1, 2", "");
	if (!cols)
		return ctx_db_fail(c, DB_ERROR, "清理文件");
	struct {
		char table[64], column[64];
	} *list = NULL;
	int nlist = 0, cap = 0, rc;
	bool odd = false;
	while ((rc = db_step(cols)) == DB_ROW) {
		const char *t = db_col_text(cols, 0), *col = db_col_text(cols, 1);
		if (!plain_name(t) || !plain_name(col)) {
			odd = true; /* never quoted into SQL: nothing is removed this time */
			continue;
		}
		if (!strcmp(t, "files") || !strcmp(t, "file_owners"))
			continue;
		if (nlist == cap) {
			cap = cap ? cap * 2 : 256;
			void *grown = arena_alloc(c->arena, (size_t)cap * sizeof(*list));
			if (!grown) {
				db_finalize(cols);
				return ctx_fail(c, RC_INTERNAL, "内存不足");
			}
			if (nlist)
				memcpy(grown, list, (size_t)nlist * sizeof(*list));
			list = grown;
		}
		str_copy(list[nlist].table, sizeof(list[nlist].table), t);
		str_copy(list[nlist].column, sizeof(list[nlist].column), col);
		nlist++;
	}
	db_finalize(cols);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "清理文件");
	if (odd) {
		for (int i = 0; i < n; i++)
			v[i].seen = true;
		log_msg(LOG_WARN, "file sweep: a table or column with an unusual name, nothing removed", NULL);
		return RC_OK;
	}
	for (int i = 0; i < nlist; i++) {
		const char *t = list[i].table, *col = list[i].column;
		char *sql = arena_printf(c->arena, "SELECT \"%s\"%s FROM \"%s\" WHERE length(\"%s\"%s) >= %d%s", col,
					 pg ? "::text" : "", t, col, pg ? "::text" : "", FILES_HASH_LEN,
					 !strcmp(t, "audit_log") ? " AND object_type <> 'file'" : "");
		struct db_stmt *st = sql ? db_query(c->db, sql, "") : NULL;
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "清理文件");
		while ((rc = db_step(st)) == DB_ROW)
			look_for(v, n, db_col_text(st, 0));
		db_finalize(st);
		if (rc != DB_DONE)
			return ctx_db_fail(c, rc, "清理文件");
	}
	return RC_OK;
}

static void unlink_bytes(struct ctx *c, const char *hash)
{
	char dir[FILES_PATH_MAX], path[FILES_PATH_MAX];
	if (file_paths(c, hash, dir, path) && unlink(path) && errno != ENOENT)
		log_msg(LOG_WARN, "file sweep: cannot remove", "path", path, "error", strerror(errno), NULL);
	if (file_paths_as(c, hash, FILES_THUMB_SUFFIX, dir, path) && unlink(path) && errno != ENOENT)
		log_msg(LOG_WARN, "file sweep: cannot remove", "path", path, "error", strerror(errno), NULL);
}

/* The candidates and the search for references are reads outside any transaction (on
 * a large database the search reads for minutes, and a write transaction around it
 * would stop every other write); only the removal is a transaction, short, under the
 * in-process lock that uploads take for reading, and it checks each file again: still
 * not kept (an attach since the search marked it, files_info) and not uploaded again. */
static enum result sweep(struct ctx *c, int64_t *removed)
{
	int64_t before = c->now - FILES_SWEEP_GRACE;
	int rc;
	struct sweep_cand *v = arena_alloc(c->arena, FILES_SWEEP_MAX * sizeof(*v));
	int n = 0;
	if (!v)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	/* uploaded before the grace, and not uploaded again since by anyone */
	struct db_stmt *st = db_query(c->db, "SELECT hash FROM files WHERE kept_at IS NULL AND created_at < ? AND "
					     "NOT EXISTS (SELECT 1 FROM file_owners o WHERE o.hash = files.hash AND "
					     "o.created_at >= ?) ORDER BY created_at, hash LIMIT ?", "iii", before, before,
				      (int64_t)FILES_SWEEP_MAX);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "清理文件");
	while ((rc = db_step(st)) == DB_ROW && n < FILES_SWEEP_MAX)
		if (files_hash_valid(db_col_text(st, 0))) {
			str_copy(v[n].hash, sizeof(v[n].hash), db_col_text(st, 0));
			v[n].seen = v[n].removed = false;
			n++;
		}
	db_finalize(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ctx_db_fail(c, rc, "清理文件");
	if (!n)
		return RC_OK;
	qsort(v, (size_t)n, sizeof(*v), cand_cmp);
	if ((rc = scan_references(c, v, n)))
		return rc;
	pthread_rwlock_wrlock(&sweep_lock);
	if ((rc = ctx_begin(c))) {
		pthread_rwlock_unlock(&sweep_lock);
		return rc;
	}
	int64_t gone = 0;
	for (int i = 0; !rc && i < n; i++) {
		if (v[i].seen) {
			if (db_run(c->db, "UPDATE files SET kept_at = ? WHERE hash = ?", "it", c->now, v[i].hash) != DB_OK)
				rc = ctx_db_fail(c, DB_ERROR, "清理文件");
			continue;
		}
		/* checked again under the row's lock: a module may have marked it kept since
		 * the candidates were chosen (files_info), or be about to commit the mark */
		struct db_stmt *lk = db_query(c->db, db_engine(c->db) == DB_POSTGRES ?
			"SELECT hash FROM files WHERE hash = ? AND kept_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
			"file_owners o WHERE o.hash = files.hash AND o.created_at >= ?) FOR UPDATE" :
			"SELECT hash FROM files WHERE hash = ? AND kept_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
			"file_owners o WHERE o.hash = files.hash AND o.created_at >= ?)", "ti", v[i].hash, before);
		int step = lk ? db_step(lk) : DB_ERROR;
		db_finalize(lk);
		if (step == DB_DONE)
			continue;
		if (step != DB_ROW) {
			rc = ctx_db_fail(c, step, "清理文件");
			break;
		}
		struct file_info f;
		int64_t unit = 0;
		if ((rc = read_row(c, v[i].hash, &f)))
			break;
		if (db_get_int(c->db, &unit, "SELECT COALESCE(min(unit_id), 0) FROM file_owners WHERE hash = ?", "t",
			       v[i].hash) != DB_OK ||
		    db_run(c->db, "DELETE FROM file_owners WHERE hash = ?", "t", v[i].hash) != DB_OK ||
		    db_run(c->db, "DELETE FROM files WHERE hash = ?", "t", v[i].hash) != DB_OK) {
			rc = ctx_db_fail(c, DB_ERROR, "清理文件");
			break;
		}
		if (unit) { /* files stored before owners were kept have no known chain */
			struct buf snap;
			audit_snap_begin(&snap);
			audit_snap_str(&snap, "hash", f.hash);
			audit_snap_str(&snap, "mime", f.mime);
			audit_snap_int(&snap, "size", f.size);
			audit_snap_str(&snap, "reason", "上传后未被任何记录使用");
			audit_snap_end(&snap);
			rc = snap.failed ? ctx_fail(c, RC_INTERNAL, "审计记录过长")
					 : audit_record(c, unit, "file", 0, "remove", snap.ptr, "{}");
			buf_release(&snap);
		}
		v[i].removed = !rc;
		gone++;
	}
	if (!(rc = ctx_end(c, rc))) {
		/* the rows are gone for good: now the bytes (an upload of the same bytes waits
		 * for the lock and writes them again) */
		for (int i = 0; i < n; i++)
			if (v[i].removed)
				unlink_bytes(c, v[i].hash);
		*removed = gone;
	}
	pthread_rwlock_unlock(&sweep_lock);
	return rc;
}

static _Atomic int64_t last_sweep = INT64_MIN;

enum result files_sweep_due(struct ctx *c, int64_t *removed)
{
	*removed = 0;
	int64_t last = atomic_load(&last_sweep);
	if (last != INT64_MIN && c->now - last < FILES_SWEEP_EVERY && c->now >= last)
		return RC_OK;
	atomic_store(&last_sweep, c->now);
	return sweep(c, removed);
}
