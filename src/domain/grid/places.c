/* Places on a village's map besides households (see grid.h): danger spots 山洪灾害点,
 * 森林防火点, 危房 and the monitoring points of the county's camera network 雪亮工程,
 * whose address on the external video platform only some roles see. */
#include "domain/grid/internal.h"

static const char *const kinds[] = {"flood", "fire", "house", "camera"};

/* True when the actor holds one of the roles that see the video platform's address. */
static bool camera_allowed(const struct ctx *c)
{
	if (c->system)
		return true;
	if (!c->actor)
		return false;
	for (int i = 0; i < c->actor->ngrants; i++) {
		const char *role = c->actor->grants[i].role, *list = GRID_CAMERA_ROLES;
		size_t len = strlen(role);
		for (const char *p = list; *p;) {
			const char *e = strchr(p, ',');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			if (l == len && !strncmp(p, role, l))
				return true;
			p += l + (e ? 1 : 0);
		}
	}
	return false;
}

enum result gr_map_village(struct ctx *c, int64_t village_id, struct org_unit *v, perm_t perms, const char *what)
{
	int rc = village_id ? org_find(c, village_id, v) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (rc == RC_OK && (strcmp(v->kind, "village") || !access_touches(c, v->path)))) {
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	}
	if (rc)
		return rc;
	if (!access_can(c, perms, v->path) && !c->system) {
		/* a grant on a grid or group of the village reads its map too */
		const char *paths[8];
		int np = access_scopes(c, perms, paths, 8);
		bool inside = false;
		for (int i = 0; perms == GR_MAP_READERS && i < np; i++)
			inside = inside || !strncmp(paths[i], v->path, strlen(v->path));
		if (!inside)
			return ctx_fail(c, access_refusal(c, v->path), "无权%s%s的地图标注", what, v->name);
	}
	return RC_OK;
}

enum result grid_places(struct ctx *c, int64_t village_id, struct grid_place **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct org_unit v;
	int rc = gr_map_village(c, village_id, &v, GR_MAP_READERS, "查看");
	if (rc)
		return rc;
	bool video = camera_allowed(c);
	struct db_stmt *st = db_query(c->db, "SELECT id, village_id, kind, name, note, lat_e6, lng_e6, video_url, created_at "
					     "FROM map_places WHERE village_id = ? AND active = 1 ORDER BY kind, name, id",
				      "i", v.id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取地图标注");
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_place *p = &(*out)[(*n)++];
		p->id = db_col_int(st, 0);
		p->village_id = db_col_int(st, 1);
		p->kind = arena_strdup(c->arena, db_col_text(st, 2));
		p->name = arena_strdup(c->arena, db_col_text(st, 3));
		p->note = arena_strdup(c->arena, db_col_text(st, 4));
		p->lat_e6 = db_col_int(st, 5);
		p->lng_e6 = db_col_int(st, 6);
		const char *url = db_col_text(st, 7);
		p->video_url = video && url[0] ? arena_strdup(c->arena, url) : NULL;
		p->created_at = db_col_int(st, 8);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取地图标注");
}

enum result grid_place_create(struct ctx *c, const struct grid_place *in, int64_t *id)
{
	struct org_unit v;
	int rc = gr_map_village(c, in->village_id, &v, P_ORG_WRITE, "修改");
	if (rc)
		return rc;
	bool kind_ok = false;
	for (size_t i = 0; in->kind && i < ARRAY_SIZE(kinds); i++)
		kind_ok = kind_ok || !strcmp(in->kind, kinds[i]);
	if (!kind_ok)
		ctx_field(c, "kind", "类型应为 山洪灾害点(flood)、森林防火点(fire)、危房(house) 或 监控点(camera)");
	ctx_check_text(c, "name", in->name, GRID_PLACE_NAME_MAX, CTX_TEXT_REQUIRED, "名称");
	ctx_check_text(c, "note", in->note ? in->note : "", GRID_PLACE_NOTE_MAX, CTX_TEXT_MULTILINE, "说明");
	gr_check_position(c, "lat", in->lat_e6, in->lng_e6);
	const char *url = in->video_url ? in->video_url : "";
	if (url[0]) {
		if (kind_ok && strcmp(in->kind, "camera"))
			ctx_field(c, "video_url", "只有监控点有视频地址");
		else if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
			ctx_field(c, "video_url", "视频地址应以 http:// 或 https:// 开头");
		else
			ctx_check_text(c, "video_url", url, GRID_URL_MAX, 0, "视频地址");
		for (const char *p = url; *p; p++)
			if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>') {
				ctx_field(c, "video_url", "视频地址不能含空格或引号");
				break;
			}
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	if (db_get_int(c->db, id, "INSERT INTO map_places (village_id, kind, name, note, lat_e6, lng_e6, video_url, "
				  "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) "
				  "RETURNING id",
		       "itttiitii", v.id, in->kind, in->name, in->note ? in->note : "", in->lat_e6, in->lng_e6, url,
		       ctx_actor_id(c), c->now) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "保存地图标注"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "kind", in->kind);
	audit_snap_str(&after, "name", in->name);
	audit_snap_int(&after, "lat_e6", in->lat_e6);
	audit_snap_int(&after, "lng_e6", in->lng_e6);
	audit_snap_end(&after);
	rc = audit_record(c, v.id, "map_place", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result grid_place_remove(struct ctx *c, int64_t id)
{
	int64_t village = 0, active = 0;
	if (db_get_int(c->db, &village, "SELECT village_id FROM map_places WHERE id = ?", "i", id) != DB_OK || !village)
		return ctx_fail(c, RC_NOT_FOUND, "地图标注不存在");
	struct org_unit v;
	int rc = gr_map_village(c, village, &v, P_ORG_WRITE, "修改");
	if (rc)
		return rc;
	if (db_get_int(c->db, &active, "SELECT active FROM map_places WHERE id = ?", "i", id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取地图标注");
	if (!active)
		return ctx_fail(c, RC_CONFLICT, "这个标注已删除");
	if ((rc = ctx_begin(c)))
		return rc;
	if (db_run(c->db, "UPDATE map_places SET active = 0 WHERE id = ?", "i", id) != DB_OK)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "删除地图标注"));
	rc = audit_record(c, v.id, "map_place", id, "remove", "{\"active\":1}", "{\"active\":0}");
	return ctx_end(c, rc);
}
