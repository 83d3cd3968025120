/* Helpers the grid module shares (internal.h): paths, the visibility of a tag to a
 * role, the checks of photos and positions, a grid loaded for a change. */
#include "domain/grid/internal.h"

int64_t gr_path_root(const char *path)
{
	int64_t id = 0;
	const char *p = path && path[0] == '/' ? path + 1 : path;
	while (p && *p >= '0' && *p <= '9' && id < INT64_MAX / 10)
		id = id * 10 + (*p++ - '0');
	return id;
}

int64_t gr_actor_county(const struct ctx *c)
{
	if (!c->actor)
		return 0;
	for (int i = 0; i < c->actor->ngrants; i++) {
		int64_t id = gr_path_root(c->actor->grants[i].path);
		if (id)
			return id;
	}
	return 0;
}

static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *k = list; k && *k;) {
		const char *end = strchr(k, ',');
		size_t len = end ? (size_t)(end - k) : strlen(k);
		if (len == n && !strncmp(k, word, n))
			return true;
		if (!end)
			break;
		k = end + 1;
	}
	return false;
}

bool gr_tag_visible(const struct ctx *c, bool sensitive, const char *roles)
{
	if (!sensitive || c->system)
		return true;
	if (!c->actor)
		return false;
	for (int i = 0; i < c->actor->ngrants; i++) {
		const char *r = c->actor->grants[i].role;
		if (strcmp(r, "villager") && in_list(roles, r))
			return true;
	}
	return false;
}

void gr_check_photos(struct ctx *c, const char *const *photos, int n)
{
	if (n < 0 || n > GRID_PHOTOS_MAX) {
		ctx_field(c, "photos", "最多 %d 张照片", GRID_PHOTOS_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct file_info f;
		bool ok = files_hash_valid(photos[i]) && files_info(c, photos[i], &f) == RC_OK &&
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, "photos", "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
			return;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(photos[i], photos[j])) {
				ctx_field(c, "photos", "第 %d 张照片与第 %d 张重复", i + 1, j + 1);
				return;
			}
	}
}

void gr_check_position(struct ctx *c, const char *field, int64_t lat_e6, int64_t lng_e6)
{
	/* China's extent, as the register checks households */
	if (lat_e6 < 3000000 || lat_e6 > 54000000 || lng_e6 < 73000000 || lng_e6 > 136000000)
		ctx_field(c, field, "位置不在中国境内，请检查定位");
}

enum result gr_load_grid(struct ctx *c, int64_t grid_id, struct gr_grid *out)
{
	memset(out, 0, sizeof(*out));
	int rc = org_get(c, grid_id, &out->unit);
	if (rc == RC_OK && strcmp(out->unit.kind, "grid")) {
		ctx_reset(c);
		return ctx_fail(c, RC_NOT_FOUND, "网格不存在");
	}
	if (rc)
		return rc;
	if ((rc = org_get(c, out->unit.parent_id, &out->village)))
		return rc;
	struct db_stmt *st = db_query(c->db, "SELECT boundary FROM grids WHERE unit_id = ?", "i", grid_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取网格");
	if (db_step(st) == DB_ROW && !db_col_null(st, 0))
		out->boundary = arena_strdup(c->arena, db_col_text(st, 0));
	db_finalize(st);
	return RC_OK;
}

/* A county the actor's scope touches (0: the actor's own); field errors name county_id. */
enum result gr_readable_county(struct ctx *c, int64_t *county_id, struct org_unit *u)
{
	if (!*county_id)
		*county_id = gr_actor_county(c);
	int rc = *county_id ? org_find(c, *county_id, u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(u->kind, "county")) ||
	    (rc == RC_OK && !access_touches(c, u->path)))
		return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
	return rc;
}

/* The county for a change by its administrator: 404 outside the scope, 403 without the
 * right ("无权修改<county>的<what>"). */
enum result gr_county_admin(struct ctx *c, int64_t county_id, struct org_unit *u, const char *what)
{
	int rc = gr_readable_county(c, &county_id, u);
	if (rc)
		return rc;
	if (!access_can(c, P_ORG_WRITE, u->path))
		return ctx_fail(c, access_refusal(c, u->path), "无权修改%s的%s", u->name, what);
	return RC_OK;
}
