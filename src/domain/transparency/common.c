/* What the transparency feature's modules share (internal.h): units, the villager's
 * village, lists of stored files and status filters. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/scope.h"
#include "domain/transparency/internal.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

int tr_read_unit(struct ctx *c, int64_t id, const char *field, struct org_unit *u)
{
	int rc = org_find(c, id, u);
	if (rc == RC_NOT_FOUND)
		return ctx_field(c, field, "单位不存在");
	if (rc)
		return rc;
	if (strcmp(u->kind, "village") && strcmp(u->kind, "town") && strcmp(u->kind, "county"))
		return ctx_field(c, field, "请选择村、乡镇或区县");
	return RC_OK;
}

bool tr_villager_village(struct ctx *c, int64_t *village_id, char path[ORG_PATH_MAX])
{
	path[0] = 0;
	*village_id = 0;
	if (!c->actor || !c->actor->household_id || !access_has_role(c, "villager"))
		return false;
	struct db_stmt *st = db_query(c->db, "SELECT v.id, v.path FROM households h JOIN org_units v "
					     "ON v.id = h.village_id WHERE h.id = ?", "i", c->actor->household_id);
	bool found = st && db_step(st) == DB_ROW;
	if (found) {
		*village_id = db_col_int(st, 0);
		str_copy(path, ORG_PATH_MAX, db_col_text(st, 1));
	}
	db_finalize(st);
	return found && path[0];
}

void tr_check_files(struct ctx *c, const char *field, const char *const *files, int n, bool images_only,
		    const char *what)
{
	if (n < 0)
		return;
	if (n > DISC_FILES_MAX) {
		ctx_field(c, field, "最多 %d 个%s", DISC_FILES_MAX, what);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct file_info f;
		bool ok = files_hash_valid(files[i]) && files_info(c, files[i], &f) == RC_OK &&
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, field, "第 %d 个%s不存在或不是你上传的，请重新上传", i + 1, what);
			return;
		}
		if (images_only && strncmp(f.mime, "image/", 6)) {
			ctx_field(c, field, "第 %d 个%s不是图片", i + 1, what);
			return;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(files[i], files[j])) {
				ctx_field(c, field, "第 %d 个%s与第 %d 个重复", i + 1, what, j + 1);
				return;
			}
	}
}

char *tr_join(struct ctx *c, const char *const *files, int n)
{
	struct buf b;
	buf_init(&b, (FILES_HASH_LEN + 1) * DISC_FILES_MAX + 1);
	buf_adds(&b, "");
	for (int i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, ',');
		buf_adds(&b, files[i]);
	}
	char *s = b.failed ? NULL : arena_strdup(c->arena, b.ptr ? b.ptr : "");
	buf_release(&b);
	return s;
}

int tr_split(const char *s, char out[][FILES_HASH_LEN + 1], int max)
{
	int n = 0;
	while (s && *s && n < max) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == FILES_HASH_LEN) {
			memcpy(out[n], s, len);
			out[n++][len] = 0;
		}
		s = e ? e + 1 : NULL;
	}
	return n;
}

const char *tr_status_where(const char *status, const char *alias_withdrawn)
{
	(void)alias_withdrawn;
	if (!strcmp(status, "published"))
		return " AND withdrawn_at IS NULL";
	if (!strcmp(status, "withdrawn"))
		return " AND withdrawn_at IS NOT NULL";
	if (!strcmp(status, "all"))
		return "";
	return NULL;
}

/* The county id at the root of a path "/1/…". */
