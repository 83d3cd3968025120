/* The 大喇叭 broadcasts: sending (as a notice of the same unit), who hears them, the
 * history, and the job that speaks them into WAV files with espeak-ng. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/push.h"
#include "domain/kernel/scope.h"
#include "domain/notices/notices.h"
#include "domain/voice/internal.h"
#include "util/log.h"
#include "util/num.h"
#include "util/utf8.h"

extern char **environ;

#define B_COLS                                                                                        \
	"b.id, b.unit_id, b.notice_id, u.name, u.path, b.body, us.name, b.created_at, " \
	"b.audio_state, b.audio_bytes "
#define B_FROM                                                                                        \
	"FROM broadcasts b JOIN org_units u ON u.id = b.unit_id JOIN users us ON us.id = b.created_by "

static void read_row(struct ctx *c, struct db_stmt *st, struct broadcast *b)
{
	memset(b, 0, sizeof(*b));
	b->id = db_col_int(st, 0);
	b->unit_id = db_col_int(st, 1);
	b->notice_id = db_col_int(st, 2);
	str_copy(b->unit_name, sizeof(b->unit_name), db_col_text(st, 3));
	str_copy(b->unit_path, sizeof(b->unit_path), db_col_text(st, 4));
	b->body = arena_strdup(c->arena, db_col_text(st, 5));
	b->created_by_name = arena_strdup(c->arena, db_col_text(st, 6));
	b->created_at = db_col_int(st, 7);
	b->audio_state = arena_strdup(c->arena, db_col_text(st, 8));
	b->audio_bytes = db_col_int(st, 9);
}

/* Reads a broadcast by id; no access check. */
int voice_load(struct ctx *c, int64_t id, struct broadcast *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " B_COLS B_FROM "WHERE b.id = ?", "i", id);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取广播失败");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_row(c, st, out);
	db_finalize(st);
	return rc == DB_ROW ? RC_OK : ctx_fail(c, RC_NOT_FOUND, "广播不存在");
}

bool voice_villager_village(struct ctx *c, struct org_unit *out)
{
	if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
		return false;
	int64_t vid = 0;
	if (db_get_int(c->db, &vid, "SELECT village_id FROM households WHERE id = ?", "i", c->actor->household_id) !=
		    DB_OK ||
	    !vid)
		return false;
	if (org_get(c, vid, out)) {
		ctx_reset(c);
		return false;
	}
	return true;
}

static bool manages(const struct ctx *c, const char *path)
{
	return access_can(c, P_BROADCAST, path) || access_can(c, P_AUDIT_READ, path);
}

/* True when a broadcast sent to bpath is heard in the unit upath: one lies under the
 * other. */
static bool heard_in(const char *bpath, const char *upath)
{
	size_t bl = strlen(bpath), ul = strlen(upath);
	return !strncmp(bpath, upath, bl < ul ? bl : ul);
}

/* Whether the actor hears the broadcast: a villager of a village under it, or a
 * manager of a unit it touches. */
static bool hears(struct ctx *c, const struct broadcast *b)
{
	if (c->system)
		return true;
	struct org_unit v;
	if (voice_villager_village(c, &v) && !strncmp(v.path, b->unit_path, strlen(b->unit_path)))
		return true;
	if (!c->actor)
		return false;
	for (int i = 0; i < c->actor->ngrants; i++) {
		const char *g = c->actor->grants[i].path;
		if (heard_in(b->unit_path, g) && manages(c, strncmp(g, b->unit_path, strlen(g)) ? b->unit_path : g))
			return true;
	}
	return false;
}

enum result voice_broadcast_get(struct ctx *c, int64_t id, struct broadcast *out)
{
	int rc = voice_load(c, id, out);
	if (rc)
		return rc;
	if (hears(c, out))
		return RC_OK;
	return access_refusal(c, out->unit_path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "广播不存在")
								 : ctx_fail(c, RC_FORBIDDEN, "无权收听这条广播");
}

enum result voice_listen_unit(struct ctx *c, struct org_unit *out)
{
	if (voice_villager_village(c, out))
		return RC_OK;
	if (!c->actor || !c->actor->ngrants)
		return ctx_fail(c, RC_NOT_FOUND, "没有可收听的单位");
	return org_get(c, c->actor->grants[0].unit_id, out);
}

enum result voice_broadcast(struct ctx *c, int64_t unit_id, const char *body, const struct idem *idem,
			    struct broadcast *out)
{
	ctx_check_text(c, "body", body, VOICE_TEXT_MAX, CTX_TEXT_REQUIRED, "广播内容");
	struct org_unit u;
	bool unit_ok = false;
	if (unit_id <= 0) {
		ctx_field(c, "unit_id", "请选择广播的村、乡镇或区县");
	} else if (org_find(c, unit_id, &u)) {
		ctx_clear(c);
		ctx_field(c, "unit_id", "单位不存在");
	} else if (strcmp(u.kind, "village") && strcmp(u.kind, "town") && strcmp(u.kind, "county")) {
		ctx_field(c, "unit_id", "广播只能发给村、乡镇或区县");
	} else {
		unit_ok = true;
	}
	if (unit_ok && !access_can(c, P_BROADCAST, u.path)) {
		ctx_reset(c);
		return access_refusal(c, u.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "单位不存在")
								   : ctx_fail(c, RC_FORBIDDEN, "无权向%s广播", u.name);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	/* the notice first, in its own transaction, with the request's key: a retry after a
	 * failure below finds the same notice and completes the broadcast */
	char head[40 * 4 + 1], title[NOTICE_TITLE_MAX * 4 + 1];
	utf8_prefix(head, sizeof(head), body, 40);
	int n = snprintf(title, sizeof(title), "大喇叭：%s%s", head, utf8_count(body) > 40 ? "…" : "");
	if (n < 0 || (size_t)n >= sizeof(title))
		return ctx_fail(c, RC_INTERNAL, "标题过长");
	struct notice_input ni = {.unit_id = unit_id, .title = title, .body = body, .importance = "important",
				  .idem = idem};
	int64_t notice_id;
	int rc = notices_publish(c, &ni, &notice_id);
	if (rc)
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t id = 0;
	int dbrc = db_get_int(c->db, &id, "SELECT id FROM broadcasts WHERE notice_id = ?", "i", notice_id);
	if (dbrc == DB_DONE) {
		dbrc = db_get_int(c->db, &id,
				  "INSERT INTO broadcasts (unit_id, notice_id, body, created_by, created_at) "
				  "VALUES (?, ?, ?, ?, ?) RETURNING id",
				  "iitii", unit_id, notice_id, body, ctx_actor_id(c), c->now);
		if (dbrc != DB_OK) {
			rc = ctx_db_fail(c, dbrc, "记录广播");
		} else {
			struct buf after;
			audit_snap_begin(&after);
			audit_snap_int(&after, "unit_id", unit_id);
			audit_snap_int(&after, "notice_id", notice_id);
			audit_snap_str(&after, "body", body);
			audit_snap_end(&after);
			rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
					  : audit_record(c, org_chain_unit(&u), "broadcast", id, "broadcast", "{}",
							 after.ptr);
			buf_release(&after);
			if (!rc)
				rc = push_broadcast(c, id); /* the streams open on the other servers */
		}
	} else if (dbrc != DB_OK) {
		rc = ctx_db_fail(c, dbrc, "读取广播");
	}
	if ((rc = ctx_end(c, rc)))
		return rc;
	return voice_load(c, id, out);
}

enum result voice_broadcasts_list(struct ctx *c, const struct broadcast_query *q, struct broadcast **out,
				  int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	struct org_unit u;
	int rc;
	if (q->unit_id) {
		struct org_unit v;
		bool villager = voice_villager_village(c, &v) && v.id == q->unit_id;
		if ((rc = org_get(c, q->unit_id, &u)))
			return rc;
		if (!villager && !c->system && !manages(c, u.path)) {
			/* a manager of a unit below may read what reaches it */
			bool below = false;
			for (int i = 0; c->actor && i < c->actor->ngrants; i++)
				below |= !strncmp(c->actor->grants[i].path, u.path, strlen(u.path)) &&
					 manages(c, c->actor->grants[i].path);
			if (!below)
				return access_refusal(c, u.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "单位不存在")
										 : ctx_fail(c, RC_FORBIDDEN, "无权查看%s的广播", u.name);
		}
	} else if ((rc = voice_listen_unit(c, &u))) {
		return rc;
	}
	/* heard in u: sent to u or a unit above it (u's path starts with it), or below u */
	struct buf where;
	buf_init(&where, 4096);
	struct db_args a = {0};
	buf_adds(&where, "WHERE (? LIKE u.path || '%' OR ");
	db_args_text(&a, u.path);
	const char *paths[1] = {u.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("u"), &where, &a);
	buf_adds(&where, ")");
	if (q->after_id) {
		buf_adds(&where, " AND b.id > ?");
		db_args_int(&a, q->after_id);
	}
	if (where.failed) {
		buf_release(&where);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	char *sql = arena_printf(c->arena, "SELECT COUNT(*) FROM broadcasts b JOIN org_units u ON u.id = b.unit_id %s",
				 where.ptr);
	int dbrc = db_get_int_args(c->db, total, sql, &a);
	if (dbrc != DB_OK) {
		buf_release(&where);
		return ctx_db_fail(c, dbrc, "统计广播");
	}
	db_args_int(&a, q->limit);
	db_args_int(&a, q->offset);
	/* the history by time; a resuming stream in the order they were sent */
	sql = arena_printf(c->arena, "SELECT " B_COLS B_FROM "%s ORDER BY %s LIMIT ? OFFSET ?", where.ptr,
			   q->after_id ? "b.id ASC" : "b.created_at DESC, b.id DESC");
	buf_release(&where);
	struct db_stmt *st = db_query_args(c->db, sql, &a);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取广播失败");
	int cap = 0;
	while (db_step(st) == DB_ROW) {
		*out = arena_grow(c->arena, *out, &cap, *n + 1, sizeof(**out));
		if (!*out)
			break;
		read_row(c, st, &(*out)[(*n)++]);
	}
	db_finalize(st);
	return *out || !*n ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

enum result voice_audio_file(struct ctx *c, int64_t id, int64_t speaker_id, char *path, size_t n)
{
	struct broadcast b;
	int rc = speaker_id ? voice_load(c, id, &b) : (int)voice_broadcast_get(c, id, &b);
	if (rc)
		return rc;
	if (speaker_id) {
		int64_t ok = 0;
		db_get_int(c->db, &ok,
			   "SELECT 1 FROM speakers s JOIN org_units v ON v.id = s.village_id WHERE s.id = ? "
			   "AND v.path LIKE ? || '%'",
			   "it", speaker_id, b.unit_path);
		if (!ok)
			return ctx_fail(c, RC_NOT_FOUND, "广播不存在");
	}
	if (!strcmp(b.audio_state, "pending"))
		return ctx_fail(c, RC_CONFLICT, "语音正在生成，请稍后再试");
	if (strcmp(b.audio_state, "ready"))
		return ctx_fail(c, RC_CONFLICT, "这条广播没有语音");
	int w = snprintf(path, n, "%s/audio/%lld.wav", c->data_dir ? c->data_dir : ".", (long long)id);
	return w > 0 && (size_t)w < n ? RC_OK : ctx_fail(c, RC_INTERNAL, "路径过长");
}

/* Speaks text into path with espeak-ng's Mandarin voice; true when a file came out. */
static bool speak(struct ctx *c, const char *text, const char *dir, int64_t id, char *path, size_t n)
{
	char txt[512], tmp[512];
	if (snprintf(txt, sizeof(txt), "%s/%lld.%d.txt", dir, (long long)id, (int)getpid()) >= (int)sizeof(txt) ||
	    snprintf(tmp, sizeof(tmp), "%s/%lld.%d.%lx.tmp", dir, (long long)id, (int)getpid(),
		     (unsigned long)(uintptr_t)&txt) >= (int)sizeof(tmp) ||
	    snprintf(path, n, "%s/%lld.wav", dir, (long long)id) >= (int)n)
		return false;
	int fd = open(txt, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	size_t len = strlen(text);
	bool wrote = write(fd, text, len) == (ssize_t)len;
	close(fd);
	bool ok = false;
	if (wrote) {
		char *argv[] = {"espeak-ng", "-v", "cmn", "-s", "150", "-w", tmp, "-f", txt, NULL};
		pid_t pid;
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
		int st = 0;
		if (posix_spawnp(&pid, "espeak-ng", &fa, NULL, argv, environ) == 0) {
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			struct stat sb;
			ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && stat(tmp, &sb) == 0 && sb.st_size > 44 &&
			     (size_t)sb.st_size <= VOICE_AUDIO_MAX && rename(tmp, path) == 0;
		} else {
			log_msg(LOG_WARN, "espeak-ng cannot be started", NULL);
		}
		posix_spawn_file_actions_destroy(&fa);
	}
	unlink(txt);
	unlink(tmp);
	(void)c;
	return ok;
}

enum result voice_audio_job(struct ctx *c, int *made)
{
	*made = 0;
	int64_t ids[VOICE_AUDIO_BATCH];
	const char *texts[VOICE_AUDIO_BATCH];
	int k = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, body FROM broadcasts WHERE audio_state = 'pending' ORDER BY id DESC "
					     "LIMIT ?", "i", (int64_t)VOICE_AUDIO_BATCH);
	if (!st)
		return ctx_fail(c, RC_INTERNAL, "读取广播失败");
	while (k < VOICE_AUDIO_BATCH && db_step(st) == DB_ROW) {
		ids[k] = db_col_int(st, 0);
		texts[k] = arena_strdup(c->arena, db_col_text(st, 1));
		k++;
	}
	db_finalize(st);
	if (!k)
		return RC_OK;
	char dir[400];
	if (snprintf(dir, sizeof(dir), "%s/audio", c->data_dir ? c->data_dir : ".") >= (int)sizeof(dir))
		return ctx_fail(c, RC_INTERNAL, "路径过长");
	mkdir(dir, 0700);
	for (int i = 0; i < k; i++) {
		char path[512];
		bool ok = texts[i] && speak(c, texts[i], dir, ids[i], path, sizeof(path));
		struct stat sb;
		int64_t bytes = ok && stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
		int rc = ctx_begin(c);
		if (rc)
			return rc;
		int dbrc = db_run(c->db, "UPDATE broadcasts SET audio_state = ?, audio_bytes = ?, audio_at = ? "
					 "WHERE id = ? AND audio_state = 'pending'",
				  "tiii", ok ? "ready" : "failed", bytes, c->now, ids[i]);
		if ((rc = ctx_end(c, dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "记录语音"))))
			return rc;
		if (ok)
			(*made)++;
	}
	return RC_OK;
}

enum result voice_seed_broadcast(struct ctx *c, int64_t unit_id, int64_t author_id, int64_t at,
				 const char *body, int64_t *id)
{
	struct actor a = {.user_id = author_id};
	struct ctx s = *c;
	s.actor = &a;
	s.system = true;
	s.now = at;
	struct broadcast b;
	int rc = voice_broadcast(&s, unit_id, body, NULL, &b);
	c->err = s.err;
	if (!rc)
		*id = b.id;
	return rc;
}
