/* Display tokens for the command-centre screen (see display.h). */
#include "domain/dashboards/display.h"
#include "domain/grid/grid.h"
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "util/buf.h"
#include "util/utf8.h"

#define LIST_MAX 500
#define SHAPES_MAX 5000

static enum result audit_token(struct ctx *c, const struct org_unit *u, int64_t id, const char *action, const char *name)
{
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "name", name);
	audit_snap_int(&after, "unit_id", u->id);
	audit_snap_end(&after);
	enum result rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			      : audit_record(c, org_chain_unit(u), "display_token", id, action,
					     strcmp(action, "issue") ? after.ptr : "{}", strcmp(action, "issue") ? "{}" : after.ptr);
	buf_release(&after);
	return rc;
}

enum result display_token_create(struct ctx *c, int64_t unit_id, const char *name, char token[65], int64_t *id)
{
	token[0] = 0;
	*id = 0;
	ctx_check_text(c, "name", name, DISPLAY_NAME_MAX, CTX_TEXT_REQUIRED, "名称");
	struct org_unit u;
	int rc = unit_id > 0 ? org_find(c, unit_id, &u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND) {
		ctx_field(c, "unit_id", "单位不存在，请选择区县、乡镇或村");
		return ctx_check_fields(c);
	}
	if (rc)
		return rc;
	if (!access_touches(c, u.path))
		return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
	if (strcmp(u.kind, "county") && strcmp(u.kind, "town") && strcmp(u.kind, "village"))
		ctx_field(c, "unit_id", "大屏按区县、乡镇或村发放，请选择其中之一");
	if (!c->err.nfields && !access_can(c, P_DISPLAY_ADMIN, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权为%s发放大屏令牌", u.name);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	crypto_random_token(token);
	char hash[CRYPTO_HASH_HEX];
	crypto_hash_hex(token, strlen(token), hash);
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO display_tokens (unit_id, name, token_hash, created_by, created_at) "
			      "VALUES (?, ?, ?, ?, ?) RETURNING id",
			      "ittii", u.id, name, hash, ctx_actor_id(c), c->now);
	rc = dbrc != DB_OK ? ctx_db_fail(c, dbrc, "发放大屏令牌") : audit_token(c, &u, *id, "issue", name);
	rc = ctx_end(c, rc);
	if (rc)
		token[0] = 0;
	return rc;
}

#define T_COLS                                                                                                 \
	"t.id, t.unit_id, o.name, o.kind, t.name, COALESCE(u.name, ''), t.created_at, COALESCE(t.revoked_at, 0), o.path "
#define T_FROM "FROM display_tokens t JOIN org_units o ON o.id = t.unit_id LEFT JOIN users u ON u.id = t.created_by "

static void read_row(struct ctx *c, struct db_stmt *st, struct display_token *t)
{
	t->id = db_col_int(st, 0);
	t->unit_id = db_col_int(st, 1);
	t->unit_name = arena_strdup(c->arena, db_col_text(st, 2));
	t->unit_kind = arena_strdup(c->arena, db_col_text(st, 3));
	t->name = arena_strdup(c->arena, db_col_text(st, 4));
	t->created_by_name = arena_strdup(c->arena, db_col_text(st, 5));
	t->created_at = db_col_int(st, 6);
	t->revoked_at = db_col_int(st, 7);
}

enum result display_tokens_list(struct ctx *c, struct display_token **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	const char *paths[CTX_MAX_GRANTS];
	int np = access_scopes(c, P_DISPLAY_ADMIN, paths, CTX_MAX_GRANTS);
	if (!np)
		return ctx_fail(c, RC_FORBIDDEN, "无权管理大屏令牌");
	*out = arena_alloc(c->arena, sizeof(**out) * LIST_MAX);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT " T_COLS T_FROM "ORDER BY t.id DESC", "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取大屏令牌");
	int dbrc;
	while (*n < LIST_MAX && (dbrc = db_step(st)) == DB_ROW) {
		if (!access_can(c, P_DISPLAY_ADMIN, db_col_text(st, 8)))
			continue;
		read_row(c, st, &(*out)[(*n)++]);
	}
	db_finalize(st);
	return RC_OK;
}

static int load(struct ctx *c, const char *where, const char *types, const void *key, struct display_token *t,
		char path[ORG_PATH_MAX])
{
	const char *sql = arena_printf(c->arena, "SELECT " T_COLS T_FROM "WHERE %s", where);
	if (!sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = types[0] == 'i' ? db_query(c->db, sql, "i", *(const int64_t *)key)
					     : db_query(c->db, sql, "t", (const char *)key);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取大屏令牌");
	int dbrc = db_step(st);
	if (dbrc == DB_ROW) {
		read_row(c, st, t);
		snprintf(path, ORG_PATH_MAX, "%s", db_col_text(st, 8));
	}
	db_finalize(st);
	return dbrc == DB_ROW ? RC_OK : dbrc == DB_DONE ? RC_NOT_FOUND : ctx_db_fail(c, dbrc, "读取大屏令牌");
}

enum result display_token_revoke(struct ctx *c, int64_t id)
{
	struct display_token t;
	char path[ORG_PATH_MAX];
	int rc = load(c, "t.id = ?", "i", &id, &t, path);
	if (rc == RC_NOT_FOUND || (!rc && !access_touches(c, path)))
		return ctx_fail(c, RC_NOT_FOUND, "大屏令牌不存在");
	if (rc)
		return rc;
	if (!access_can(c, P_DISPLAY_ADMIN, path))
		return ctx_fail(c, access_refusal(c, path), "无权收回这个大屏令牌");
	if (t.revoked_at)
		return ctx_fail(c, RC_CONFLICT, "这个大屏令牌已经收回");
	struct org_unit u;
	if ((rc = org_find(c, t.unit_id, &u)))
		return rc;
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t changed = 0;
	int dbrc = db_get_int(c->db, &changed,
			      "UPDATE display_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL "
			      "RETURNING id",
			      "iii", c->now, ctx_actor_id(c), id);
	rc = dbrc != DB_OK ? ctx_db_fail(c, dbrc, "收回大屏令牌") : audit_token(c, &u, id, "revoke", t.name);
	return ctx_end(c, rc);
}

enum result display_open(struct ctx *c, const char *token, struct display_token *out, struct actor *actor)
{
	memset(actor, 0, sizeof(*actor));
	size_t len = token ? strlen(token) : 0;
	if (len != CRYPTO_TOKEN_HEX - 1)
		return ctx_fail(c, RC_NOT_FOUND, "大屏链接无效，请向区县管理员索取新的链接");
	char hash[CRYPTO_HASH_HEX], path[ORG_PATH_MAX];
	crypto_hash_hex(token, len, hash);
	int rc = load(c, "t.token_hash = ?", "t", hash, out, path);
	if (rc == RC_NOT_FOUND)
		return ctx_fail(c, RC_NOT_FOUND, "大屏链接无效，请向区县管理员索取新的链接");
	if (rc)
		return rc;
	if (out->revoked_at)
		return ctx_fail(c, RC_NOT_FOUND, "此大屏链接已被收回，请向区县管理员索取新的链接");
	/* one read-only grant on the unit: the inspector's, the role that may change nothing */
	snprintf(actor->name, sizeof(actor->name), "大屏");
	actor->ngrants = 1;
	snprintf(actor->grants[0].role, sizeof(actor->grants[0].role), "inspector");
	actor->grants[0].unit_id = out->unit_id;
	snprintf(actor->grants[0].unit_kind, sizeof(actor->grants[0].unit_kind), "%s", out->unit_kind);
	snprintf(actor->grants[0].path, sizeof(actor->grants[0].path), "%s", path);
	return RC_OK;
}

enum result display_shapes(struct ctx *c, int64_t unit_id, struct display_shape **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct org_unit u;
	int rc = org_read(c, unit_id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_REGISTER_READ, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "无权查看%s的地图", u.name);
	*out = arena_alloc(c->arena, sizeof(**out) * SHAPES_MAX);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db,
				      "SELECT v.id, g.unit_id, v.name, g.boundary, COALESCE(v.parent_id, 0) FROM grids g "
				      "JOIN org_units o ON o.id = g.unit_id JOIN org_units v ON v.id = o.parent_id "
				      "WHERE v.kind = 'village' AND v.path LIKE ? AND g.boundary IS NOT NULL ORDER BY v.code, o.code",
				      "t", arena_printf(c->arena, "%s%%", u.path));
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取地图");
	int dbrc;
	while (*n < SHAPES_MAX && (dbrc = db_step(st)) == DB_ROW) {
		struct display_shape *x = &(*out)[(*n)++];
		x->village_id = db_col_int(st, 0);
		x->grid_id = db_col_int(st, 1);
		x->village_name = arena_strdup(c->arena, db_col_text(st, 2));
		x->geometry = arena_strdup(c->arena, db_col_text(st, 3));
		x->town_id = db_col_int(st, 4);
	}
	db_finalize(st);
	return RC_OK;
}

enum result display_tiles(struct ctx *c, int64_t unit_id, const char **url, const char **attribution)
{
	*url = "";
	*attribution = "";
	struct org_unit u;
	int rc = org_get(c, unit_id, &u);
	if (rc)
		return rc;
	struct grid_settings gs;
	if ((rc = grid_settings_for_unit(c, u.path, &gs)))
		return rc;
	*url = gs.tile_url ? gs.tile_url : "";
	*attribution = gs.tile_attribution ? gs.tile_attribution : "";
	return RC_OK;
}
