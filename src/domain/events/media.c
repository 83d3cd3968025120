/* Voice recordings and video clips of events: checked against the stored files when
 * linked (their type by bytes, size and length), linked to the report or a timeline
 * step, listed with the event. Serving them (with range requests) is events_media_file
 * in events.c and the http layer. */
#include "domain/events/internal.h"

/* One of the two: which file types and limits a kind takes. */
struct media_kind {
	const char *kind, *field, *label, *prefix;
	int64_t max_bytes, max_ms;
};
static const struct media_kind kinds[] = {
	{"voice", "voice", "录音", "audio/", FILES_AUDIO_MAX_BYTES, FILES_AUDIO_MAX_MS},
	{"video", "video", "视频", "video/", FILES_VIDEO_MAX_BYTES, FILES_VIDEO_MAX_MS},
};

static void check_one(struct ctx *c, const struct media_kind *k, const char *hash, int64_t declared_ms, bool trusted)
{
	if (declared_ms < 0 || declared_ms > k->max_ms) {
		ctx_field(c, k->field, "%s最长 %lld 秒", k->label, (long long)(k->max_ms / 1000));
		return;
	}
	if (!hash)
		return;
	struct file_info f;
	bool ok = files_hash_valid(hash) && files_info(c, hash, &f) == RC_OK &&
		  (trusted || c->system || (c->actor && f.uploaded_by == c->actor->user_id));
	if (!ok) {
		ctx_clear(c);
		ctx_field(c, k->field, "%s不存在或不是你上传的，请重新上传", k->label);
		return;
	}
	if (strncmp(f.mime, k->prefix, strlen(k->prefix)))
		ctx_field(c, k->field, "这个文件不是%s（%s只支持 WebM、Ogg、MP4%s）", k->label, k->label,
			  k->max_ms == FILES_AUDIO_MAX_MS ? "（M4A）或 WAV" : "");
	else if (f.size > k->max_bytes)
		ctx_field(c, k->field, "%s最大 %lld MB", k->label, (long long)(k->max_bytes >> 20));
	else if (f.duration_ms > k->max_ms)
		ctx_field(c, k->field, "%s最长 %lld 秒，这段有 %lld 秒", k->label, (long long)(k->max_ms / 1000),
			  (long long)((f.duration_ms + 999) / 1000));
}

void ev_media_check(struct ctx *c, const struct event_media_input *m, bool trusted)
{
	check_one(c, &kinds[0], m->voice, m->voice_ms, trusted);
	check_one(c, &kinds[1], m->video, m->video_ms, trusted);
}

bool ev_media_any(const struct event_media_input *m)
{
	return m->voice || m->video;
}

static int insert_one(struct ctx *c, int64_t event_id, int64_t step_id, const char *kind, const char *hash,
		      int64_t declared_ms)
{
	struct file_info f;
	int rc = files_info(c, hash, &f);
	if (rc)
		return rc;
	int64_t ms = f.duration_ms >= 0 ? f.duration_ms : declared_ms > 0 ? declared_ms : -1;
	int dbrc = db_run(c->db, "INSERT INTO event_media (event_id, step_id, kind, file_hash, duration_ms, created_by, "
				 "created_at) VALUES (?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, NULLIF(CAST(? AS BIGINT), -1), "
				 "NULLIF(CAST(? AS BIGINT), 0), ?)",
			  "iittiii", event_id, step_id, kind, hash, ms, ev_actor_id(c), c->now);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "保存录音或视频");
}

int ev_media_insert(struct ctx *c, int64_t event_id, int64_t step_id, const struct event_media_input *m)
{
	int rc = RC_OK;
	if (m->voice)
		rc = insert_one(c, event_id, step_id, "voice", m->voice, m->voice_ms);
	if (!rc && m->video)
		rc = insert_one(c, event_id, step_id, "video", m->video, m->video_ms);
	return rc;
}

void ev_media_snap(struct buf *after, const struct event_media_input *m)
{
	if (m->voice)
		audit_snap_str(after, "voice", m->voice);
	if (m->video)
		audit_snap_str(after, "video", m->video);
}

const char *ev_media_label(const struct event_media_input *m)
{
	return m->voice && m->video ? "voice,video" : m->voice ? "voice" : m->video ? "video" : NULL;
}

int ev_media_read(struct ctx *c, struct event *e)
{
	struct db_stmt *st = db_query(c->db, "SELECT m.id, COALESCE(m.step_id, 0), m.kind, f.mime, f.size, "
					     "COALESCE(m.duration_ms, -1) FROM event_media m JOIN files f ON f.hash = m.file_hash "
					     "WHERE m.event_id = ? ORDER BY m.id LIMIT ?", "ii", e->id, (int64_t)EVENT_MEDIA_MAX);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取录音和视频");
	e->nmedia = 0;
	e->media = arena_alloc(c->arena, sizeof(*e->media) * EVENT_MEDIA_MAX);
	int rc;
	while (e->media && (rc = db_step(st)) == DB_ROW) {
		struct event_media *m = &e->media[e->nmedia++];
		m->id = db_col_int(st, 0);
		m->step_id = db_col_int(st, 1);
		m->kind = arena_strdup(c->arena, db_col_text(st, 2));
		m->mime = arena_strdup(c->arena, db_col_text(st, 3));
		m->size = db_col_int(st, 4);
		m->duration_ms = db_col_int(st, 5);
	}
	db_finalize(st);
	return e->media ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

int ev_media_hash(struct ctx *c, int64_t event_id, int64_t media_id, char hash[FILES_HASH_LEN + 1])
{
	struct db_stmt *st = db_query(c->db, "SELECT file_hash FROM event_media WHERE id = ? AND event_id = ?", "ii",
				      media_id, event_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取录音或视频");
	int rc = db_step(st);
	if (rc == DB_ROW)
		str_copy(hash, FILES_HASH_LEN + 1, db_col_text(st, 0));
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "录音或视频不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取录音或视频");
}
