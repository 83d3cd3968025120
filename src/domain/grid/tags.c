/* Household attribute tags (see grid.h): the county's tag set, the tags of a household
 * with their history, the village map's households with their tags, the county's grid
 * settings, and the helpers the module shares (internal.h). */
#include "domain/grid/internal.h"
#include "util/num.h"
#include "util/utf8.h"

#include <ctype.h>

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

/* ---- the tag set ---- */

#define TAG_COLS                                                                                    \
	"t.id, COALESCE(t.county_id, 0), t.name, t.icon, t.color, t.sensitive, t.roles, t.ord, t.active, " \
	"COALESCE((SELECT r.days FROM visit_rules r WHERE r.county_id = ? AND r.tag_id = t.id), 0), t.person "

static void read_tag(struct ctx *c, struct db_stmt *st, struct grid_tag *t)
{
	t->id = db_col_int(st, 0);
	t->county_id = db_col_int(st, 1);
	t->name = arena_strdup(c->arena, db_col_text(st, 2));
	t->icon = arena_strdup(c->arena, db_col_text(st, 3));
	t->color = arena_strdup(c->arena, db_col_text(st, 4));
	t->sensitive = db_col_int(st, 5) != 0;
	t->roles = arena_strdup(c->arena, db_col_text(st, 6));
	t->ord = (int)db_col_int(st, 7);
	t->active = db_col_int(st, 8) != 0;
	t->visit_days = (int)db_col_int(st, 9);
	t->person = db_col_int(st, 10) != 0;
}

/* Every tag of the county (shipped and its own), visible or not. */
static enum result county_tags(struct ctx *c, int64_t county_id, struct grid_tag **out, int *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT " TAG_COLS "FROM tags t WHERE t.county_id IS NULL OR "
					     "t.county_id = ? ORDER BY t.ord, t.id",
				      "ii", county_id, county_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	int cap = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		read_tag(c, st, &(*out)[(*n)++]);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取标签");
}

/* A county the actor's scope touches (0: the actor's own); field errors name county_id. */
static enum result readable_county(struct ctx *c, int64_t *county_id, struct org_unit *u)
{
	if (!*county_id)
		*county_id = gr_actor_county(c);
	int rc = *county_id ? org_find(c, *county_id, u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(u->kind, "county")) ||
	    (rc == RC_OK && !access_touches(c, u->path)))
		return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
	return rc;
}

enum result grid_tags(struct ctx *c, int64_t county_id, struct grid_tag **out, int *n)
{
	struct org_unit u;
	int rc = readable_county(c, &county_id, &u);
	if (rc)
		return rc;
	struct grid_tag *all;
	int nall;
	if ((rc = county_tags(c, county_id, &all, &nall)))
		return rc;
	/* whoever manages the county's tag set sees every definition (which households carry
	 * a sensitive tag stays for the roles it names) */
	bool admin = c->system || access_can(c, P_ORG_WRITE, u.path);
	*n = 0;
	*out = all;
	for (int i = 0; i < nall; i++)
		if (admin || gr_tag_visible(c, all[i].sensitive, all[i].roles))
			(*out)[(*n)++] = all[i];
	return RC_OK;
}

static bool valid_color(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

static void check_tag(struct ctx *c, const struct grid_tag_input *in, bool create)
{
	ctx_check_text(c, "name", in->name, GRID_TAG_NAME_MAX, create ? CTX_TEXT_REQUIRED : 0, "名称");
	ctx_check_text(c, "icon", in->icon, GRID_TAG_ICON_MAX, create ? CTX_TEXT_REQUIRED : 0, "图标");
	if ((create || in->color) && (!in->color || !valid_color(in->color)))
		ctx_field(c, "color", "颜色应为 #RRGGBB，例如 #1989FA");
	if (in->roles) {
		size_t len = strlen(in->roles);
		if (len > 200)
			ctx_field(c, "roles", "角色列表过长");
		for (const char *k = in->roles; len <= 200 && *k;) {
			const char *end = strchr(k, ',');
			char name[24];
			size_t l = end ? (size_t)(end - k) : strlen(k);
			if (l >= sizeof(name)) {
				ctx_field(c, "roles", "角色名称无效");
				break;
			}
			memcpy(name, k, l);
			name[l] = 0;
			if (!access_role(name) || !strcmp(name, "villager")) {
				ctx_field(c, "roles", "角色“%s”不存在或不能查看敏感标签", name);
				break;
			}
			if (!end)
				break;
			k = end + 1;
		}
	}
}

static void tag_snap(struct buf *b, const char *name, const char *icon, const char *color, const char *roles,
		     int sensitive, int active, int person)
{
	audit_snap_begin(b);
	audit_snap_str(b, "name", name);
	audit_snap_str(b, "icon", icon);
	audit_snap_str(b, "color", color);
	audit_snap_int(b, "sensitive", sensitive);
	audit_snap_str(b, "roles", roles);
	audit_snap_int(b, "active", active);
	audit_snap_int(b, "person", person);
	audit_snap_end(b);
}

static enum result county_admin(struct ctx *c, int64_t county_id, struct org_unit *u, const char *what)
{
	int rc = readable_county(c, &county_id, u);
	if (rc)
		return rc;
	if (!access_can(c, P_ORG_WRITE, u->path))
		return ctx_fail(c, access_refusal(c, u->path), "无权修改%s的%s", u->name, what);
	return RC_OK;
}

enum result grid_tag_create(struct ctx *c, const struct grid_tag_input *in, int64_t *id)
{
	struct org_unit u;
	int rc = county_admin(c, in->county_id, &u, "标签");
	if (rc)
		return rc;
	check_tag(c, in, true);
	if (ctx_check_fields(c))
		return RC_INVALID;
	int64_t exists = 0, count = 0;
	if (db_get_int(c->db, &exists, "SELECT count(*) FROM tags WHERE (county_id IS NULL OR county_id = ?) AND name = ?",
		       "it", u.id, in->name) != DB_OK ||
	    db_get_int(c->db, &count, "SELECT count(*) FROM tags WHERE county_id IS NULL OR county_id = ?", "i",
		       u.id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	if (exists)
		return ctx_field(c, "name", "已有名为“%s”的标签", in->name);
	if (count >= GRID_TAGS_MAX)
		return ctx_fail(c, RC_CONFLICT, "标签最多 %d 个", GRID_TAGS_MAX);
	int sensitive = in->sensitive > 0, person = in->person > 0;
	const char *roles = in->roles ? in->roles : "";
	if ((rc = ctx_begin(c)))
		return rc;
	struct db_stmt *st = db_query(c->db, "INSERT INTO tags (county_id, name, icon, color, sensitive, roles, ord, "
					     "active, person, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) "
					     "RETURNING id",
				      "itttitiiii", u.id, in->name, in->icon, in->color, (int64_t)sensitive, roles,
				      count + 1, (int64_t)person, c->now, c->now);
	int dbrc = st ? db_step(st) : DB_ERROR;
	if (dbrc == DB_ROW)
		*id = db_col_int(st, 0);
	db_finalize(st);
	if (dbrc != DB_ROW)
		return ctx_end(c, ctx_db_fail(c, dbrc, "新增标签"));
	struct buf after;
	tag_snap(&after, in->name, in->icon, in->color, roles, sensitive, 1, person);
	rc = audit_record(c, u.id, "tag", *id, "create", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result grid_tag_update(struct ctx *c, int64_t id, const struct grid_tag_input *in)
{
	int64_t county = gr_actor_county(c);
	struct db_stmt *st = db_query(c->db, "SELECT " TAG_COLS "FROM tags t WHERE t.id = ?", "ii", county, id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	struct grid_tag t = {0};
	int dbrc = db_step(st);
	if (dbrc == DB_ROW)
		read_tag(c, st, &t);
	db_finalize(st);
	if (dbrc != DB_ROW || (t.county_id && t.county_id != county) || !county)
		return ctx_fail(c, RC_NOT_FOUND, "标签不存在");
	struct org_unit u;
	int rc = county_admin(c, county, &u, "标签");
	if (rc)
		return rc;
	check_tag(c, in, false);
	if (ctx_check_fields(c))
		return RC_INVALID;
	const char *name = in->name ? in->name : t.name, *icon = in->icon ? in->icon : t.icon;
	const char *color = in->color ? in->color : t.color, *roles = in->roles ? in->roles : t.roles;
	int sensitive = in->sensitive >= 0 ? in->sensitive : t.sensitive;
	int active = in->active >= 0 ? in->active : t.active;
	int person = in->person >= 0 ? in->person : t.person;
	int64_t clash = 0;
	if (db_get_int(c->db, &clash,
		       "SELECT count(*) FROM tags WHERE (county_id IS NULL OR county_id = ?) AND name = ? AND id <> ?",
		       "iti", county, name, id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	if (clash)
		return ctx_field(c, "name", "已有名为“%s”的标签", name);
	struct buf before, after;
	tag_snap(&before, t.name, t.icon, t.color, t.roles, t.sensitive, t.active, t.person);
	tag_snap(&after, name, icon, color, roles, sensitive, active, person);
	if ((rc = ctx_begin(c)) == RC_OK) {
		dbrc = db_run(c->db, "UPDATE tags SET name = ?, icon = ?, color = ?, roles = ?, sensitive = ?, active = ?, "
				     "person = ?, updated_at = ? WHERE id = ?",
			      "ttttiiiii", name, icon, color, roles, (int64_t)sensitive, (int64_t)active, (int64_t)person,
			      c->now, id);
		rc = dbrc == DB_OK ? audit_record(c, u.id, "tag", id, "update", before.ptr, after.ptr)
				   : ctx_db_fail(c, dbrc, "修改标签");
		rc = ctx_end(c, rc);
	}
	buf_release(&before);
	buf_release(&after);
	return rc;
}

/* ---- a household's tags ---- */

static struct grid_resident_tags *find_resident(struct grid_household_tags *out, int64_t id)
{
	for (int i = 0; i < out->nresidents; i++)
		if (out->residents[i].resident_id == id)
			return &out->residents[i];
	return NULL;
}

/* The household card's residents with their visible tags and history. */
static enum result resident_tags(struct ctx *c, int64_t household_id, int64_t county, struct grid_household_tags *out)
{
	struct resident *rs;
	int nr;
	int rc = people_household_residents(c, household_id, &rs, &nr);
	if (rc)
		return rc;
	if (nr && !(out->residents = arena_alloc(c->arena, sizeof(*out->residents) * (size_t)nr)))
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < nr; i++) {
		struct grid_resident_tags *r = &out->residents[i];
		memset(r, 0, sizeof(*r));
		r->resident_id = rs[i].id;
		r->name = arena_strdup(c->arena, rs[i].name);
		r->relation = arena_strdup(c->arena, rs[i].relation);
	}
	out->nresidents = nr;
	struct db_stmt *st = db_query(c->db, "SELECT " TAG_COLS ", rt.set_at, rt.resident_id FROM resident_tags rt "
					     "JOIN tags t ON t.id = rt.tag_id WHERE rt.resident_id IN "
					     "(SELECT r.id FROM residents r WHERE r.household_id = ?) "
					     "ORDER BY rt.resident_id, t.ord, t.id",
				      "ii", county, household_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	while ((rc = db_step(st)) == DB_ROW) {
		struct grid_tag t;
		read_tag(c, st, &t);
		struct grid_resident_tags *r = find_resident(out, db_col_int(st, 12));
		if (!r || !gr_tag_visible(c, t.sensitive, t.roles))
			continue;
		int cap = r->n, cap1 = r->n;
		if (!(r->tags = arena_grow(c->arena, r->tags, &cap, r->n, sizeof(*r->tags))) ||
		    !(r->set_at = arena_grow(c->arena, r->set_at, &cap1, r->n, sizeof(*r->set_at)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		r->set_at[r->n] = db_col_int(st, 11);
		r->tags[r->n++] = t;
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取标签");
	st = db_query(c->db, "SELECT t.id, t.name, t.sensitive, t.roles, h.action, COALESCE(u.name, ''), h.at, h.resident_id "
			     "FROM resident_tag_history h JOIN tags t ON t.id = h.tag_id "
			     "LEFT JOIN users u ON u.id = h.actor_id WHERE h.resident_id IN "
			     "(SELECT r.id FROM residents r WHERE r.household_id = ?) "
			     "ORDER BY h.at DESC, h.id DESC LIMIT 400",
		      "i", household_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签记录");
	while ((rc = db_step(st)) == DB_ROW) {
		struct grid_resident_tags *r = find_resident(out, db_col_int(st, 7));
		if (!r || !gr_tag_visible(c, db_col_int(st, 2) != 0, db_col_text(st, 3)))
			continue;
		int cap = r->nhistory;
		if (!(r->history = arena_grow(c->arena, r->history, &cap, r->nhistory, sizeof(*r->history)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_tag_change *ch = &r->history[r->nhistory++];
		ch->tag_id = db_col_int(st, 0);
		ch->tag_name = arena_strdup(c->arena, db_col_text(st, 1));
		ch->action = arena_strdup(c->arena, db_col_text(st, 4));
		ch->actor_name = arena_strdup(c->arena, db_col_text(st, 5));
		ch->at = db_col_int(st, 6);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取标签记录");
}

enum result grid_household_tags(struct ctx *c, int64_t household_id, struct grid_household_tags *out)
{
	memset(out, 0, sizeof(*out));
	out->household_id = household_id;
	struct household h;
	struct hh_place pl;
	int rc = people_household_get(c, household_id, &h);
	if (!rc)
		rc = people_household_place(c, household_id, &pl);
	if (rc)
		return rc;
	out->can_edit = access_can_household(c, P_REGISTER_WRITE, HH_PATHS(pl)) ||
			access_can_household(c, P_GRID_WORK, HH_PATHS(pl));
	int64_t county = gr_path_root(pl.village);
	struct db_stmt *st = db_query(c->db, "SELECT " TAG_COLS ", ht.set_at FROM household_tags ht "
					     "JOIN tags t ON t.id = ht.tag_id WHERE ht.household_id = ? ORDER BY t.ord, t.id",
				      "ii", county, household_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	int cap = 0, cap2 = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct grid_tag t;
		read_tag(c, st, &t);
		if (!gr_tag_visible(c, t.sensitive, t.roles))
			continue;
		int cap1 = cap;
		if (!(out->tags = arena_grow(c->arena, out->tags, &cap, out->n, sizeof(*out->tags))) ||
		    !(out->set_at = arena_grow(c->arena, out->set_at, &cap1, out->n, sizeof(*out->set_at)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		out->set_at[out->n] = db_col_int(st, 11);
		out->tags[out->n++] = t;
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取标签");
	st = db_query(c->db, "SELECT t.id, t.name, t.sensitive, t.roles, h.action, COALESCE(u.name, ''), h.at "
			     "FROM household_tag_history h JOIN tags t ON t.id = h.tag_id "
			     "LEFT JOIN users u ON u.id = h.actor_id WHERE h.household_id = ? "
			     "ORDER BY h.at DESC, h.id DESC LIMIT 200",
		      "i", household_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签记录");
	while ((rc = db_step(st)) == DB_ROW) {
		if (!gr_tag_visible(c, db_col_int(st, 2) != 0, db_col_text(st, 3)))
			continue;
		if (!(out->history = arena_grow(c->arena, out->history, &cap2, out->nhistory, sizeof(*out->history)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_tag_change *ch = &out->history[out->nhistory++];
		ch->tag_id = db_col_int(st, 0);
		ch->tag_name = arena_strdup(c->arena, db_col_text(st, 1));
		ch->action = arena_strdup(c->arena, db_col_text(st, 4));
		ch->actor_name = arena_strdup(c->arena, db_col_text(st, 5));
		ch->at = db_col_int(st, 6);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取标签记录");
	return resident_tags(c, household_id, county, out);
}

static bool has_id(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Where a set of tags is kept: a household's, or a resident's. */
struct tag_owner {
	const char *what;          /* in messages: 户 or 人 */
	const char *current;       /* SELECT tag_id … WHERE owner = ? */
	const char *insert;        /* (owner, tag, set_by, set_at) */
	const char *remove;        /* (owner, tag) */
	const char *history;       /* (owner, tag, action, actor, at) */
	bool person_only;          /* a resident's (audited as resident_tags): only tags about a person */
};

static const struct tag_owner household_owner = {
	"户",
	"SELECT tag_id FROM household_tags WHERE household_id = ?",
	"INSERT INTO household_tags (household_id, tag_id, set_by, set_at) VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
	"DELETE FROM household_tags WHERE household_id = ? AND tag_id = ?",
	"INSERT INTO household_tag_history (household_id, tag_id, action, actor_id, at) "
	"VALUES (?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
	false,
};
static const struct tag_owner resident_owner = {
	"人",
	"SELECT tag_id FROM resident_tags WHERE resident_id = ?",
	"INSERT INTO resident_tags (resident_id, tag_id, set_by, set_at) VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
	"DELETE FROM resident_tags WHERE resident_id = ? AND tag_id = ?",
	"INSERT INTO resident_tag_history (resident_id, tag_id, action, actor_id, at) "
	"VALUES (?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)",
	true,
};

/* Makes the visible tags of an owner (a household, or a resident of it) exactly
 * tag_ids, after the household's access checks. */
static enum result tags_set(struct ctx *c, const struct tag_owner *ow, int64_t owner_id, int64_t household_id,
			    const int64_t *tag_ids, int n)
{
	struct hh_place pl;
	int rc = people_household_place(c, household_id, &pl);
	if (rc)
		return rc;
	if (!access_can_read_household(c, HH_PATHS(pl), household_id))
		return ctx_fail(c, RC_NOT_FOUND, ow->person_only ? "村民不存在" : "户不存在");
	if (!access_can_household(c, P_REGISTER_WRITE, HH_PATHS(pl)) &&
	    !access_can_household(c, P_GRID_WORK, HH_PATHS(pl)))
		return ctx_fail(c, RC_FORBIDDEN, "无权修改该%s的标签", ow->what);
	int64_t county = gr_path_root(pl.village);
	struct grid_tag *all;
	int nall;
	if ((rc = county_tags(c, county, &all, &nall)))
		return rc;
	for (int i = 0; i < n; i++) {
		const struct grid_tag *found = NULL;
		for (int k = 0; k < nall; k++)
			if (all[k].id == tag_ids[i] && all[k].active && gr_tag_visible(c, all[k].sensitive, all[k].roles))
				found = &all[k];
		if (!found) {
			ctx_field(c, "tag_ids", "第 %d 个标签不存在或已停用", i + 1);
			break;
		}
		if (ow->person_only && !found->person) {
			ctx_field(c, "tag_ids", "“%s”是户的标签，不能标在人身上", found->name);
			break;
		}
		if (has_id(tag_ids, i, tag_ids[i])) {
			ctx_field(c, "tag_ids", "第 %d 个标签重复", i + 1);
			break;
		}
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	/* the current tags */
	int64_t *cur = NULL;
	int ncur = 0, cap = 0;
	struct db_stmt *st = db_query(c->db, ow->current, "i", owner_id);
	while (st && db_step(st) == DB_ROW) {
		if (!(cur = arena_grow(c->arena, cur, &cap, ncur, sizeof(*cur))))
			break;
		cur[ncur++] = db_col_int(st, 0);
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	if ((rc = ctx_begin(c)))
		return rc;
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_begin(&after);
	int changes = 0;
	int64_t actor_id = c->actor ? c->actor->user_id : 0;
	for (int k = 0; !rc && k < nall; k++) {
		const struct grid_tag *t = &all[k];
		if (!gr_tag_visible(c, t->sensitive, t->roles))
			continue;
		bool had = has_id(cur, ncur, t->id), want = has_id(tag_ids, n, t->id);
		if (had == want)
			continue;
		changes++;
		int dbrc = want ? db_run(c->db, ow->insert, "iiii", owner_id, t->id, actor_id, c->now)
				: db_run(c->db, ow->remove, "ii", owner_id, t->id);
		if (dbrc == DB_OK)
			dbrc = db_run(c->db, ow->history, "iitii", owner_id, t->id, want ? "set" : "remove", actor_id, c->now);
		if (dbrc != DB_OK)
			rc = ctx_db_fail(c, dbrc, "修改标签");
		audit_snap_int(want ? &after : &before, t->name, 1);
	}
	if (ow->person_only) {
		audit_snap_int(&before, "household_id", household_id);
		audit_snap_int(&after, "household_id", household_id);
	}
	audit_snap_end(&before);
	audit_snap_end(&after);
	if (!rc && changes)
		rc = audit_record(c, pl.village_id, ow->person_only ? "resident_tags" : "household_tags", owner_id, "update",
				  before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result grid_household_tags_set(struct ctx *c, int64_t household_id, const int64_t *tag_ids, int n)
{
	return tags_set(c, &household_owner, household_id, household_id, tag_ids, n);
}

enum result grid_resident_tags_set(struct ctx *c, int64_t resident_id, const int64_t *tag_ids, int n,
				   int64_t *household_id)
{
	struct resident r;
	int rc = people_resident_get(c, resident_id, &r);
	if (rc)
		return rc;
	*household_id = r.household_id;
	return tags_set(c, &resident_owner, resident_id, r.household_id, tag_ids, n);
}

enum result grid_household_locate(struct ctx *c, int64_t household_id, int64_t lat_e6, int64_t lng_e6)
{
	struct hh_place pl;
	int rc = people_household_place(c, household_id, &pl);
	if (rc)
		return rc;
	if (!access_can_read_household(c, HH_PATHS(pl), household_id))
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	if (!access_can_household(c, P_REGISTER_WRITE, HH_PATHS(pl)) &&
	    !access_can_household(c, P_GRID_WORK, HH_PATHS(pl)))
		return ctx_fail(c, RC_FORBIDDEN, "无权设置该户的位置");
	gr_check_position(c, "lat", lat_e6, lng_e6);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct household h;
	if ((rc = people_household_get(c, household_id, &h)))
		return rc;
	struct household_input old = {.village_id = h.village_id, .group_id = h.group_id, .grid_id = h.grid_id,
				      .number = h.number, .address = h.address, .has_coords = h.has_coords,
				      .lat_e6 = h.lat_e6, .lng_e6 = h.lng_e6};
	struct household_input in = old;
	in.has_coords = true;
	in.lat_e6 = lat_e6;
	in.lng_e6 = lng_e6;
	if ((rc = ctx_begin(c)))
		return rc;
	bool changed;
	return ctx_end(c, people_apply_household(c, h.village_id, household_id, &old, &in, &changed));
}

enum result grid_village_households(struct ctx *c, int64_t village_id, struct grid_map_household **out, int *n)
{
	*n = 0;
	*out = NULL;
	struct org_unit v;
	int rc = org_find(c, village_id, &v);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && strcmp(v.kind, "village")) ||
	    (rc == RC_OK && !access_touches(c, v.path)))
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if (rc)
		return rc;
	struct grid_tag *all;
	int nall;
	if ((rc = county_tags(c, gr_path_root(v.path), &all, &nall)))
		return rc;
	struct buf sql;
	struct db_args args = {0};
	buf_init(&sql, 16384);
	buf_adds(&sql, "SELECT h.id, COALESCE(h.grid_id, 0), h.number, COALESCE(h.lat_e6, 0), COALESCE(h.lng_e6, 0), "
		       PEOPLE_HEAD_NAME("h.id") ", h.lat_e6 IS NOT NULL AND h.lng_e6 IS NOT NULL "
		       "FROM households h WHERE h.village_id = ? AND ");
	db_args_int(&args, village_id);
	if (!scope_where(c, P_REGISTER_READ, SCOPE_HOUSEHOLD, &sql, &args)) {
		buf_release(&sql);
		return ctx_fail(c, RC_FORBIDDEN, "无权查看%s的住户", v.name);
	}
	buf_adds(&sql, " ORDER BY h.id");
	struct db_stmt *st = sql.failed ? NULL : db_query_args(c->db, sql.ptr, &args);
	buf_release(&sql);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取住户");
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (!(*out = arena_grow(c->arena, *out, &cap, *n, sizeof(**out)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		struct grid_map_household *m = &(*out)[(*n)++];
		memset(m, 0, sizeof(*m));
		m->id = db_col_int(st, 0);
		m->grid_id = db_col_int(st, 1);
		m->number = arena_strdup(c->arena, db_col_text(st, 2));
		m->lat_e6 = db_col_int(st, 3);
		m->lng_e6 = db_col_int(st, 4);
		m->head_name = arena_strdup(c->arena, db_col_text(st, 5));
		m->has_coords = db_col_int(st, 6) != 0;
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取住户");
	/* the tags of the village's households, matched to the rows above (both by id) */
	st = db_query(c->db, "SELECT ht.household_id, ht.tag_id FROM household_tags ht WHERE ht.household_id IN "
			     "(SELECT h.id FROM households h WHERE h.village_id = ?) ORDER BY ht.household_id, ht.tag_id",
		      "i", village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	int at = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t hid = db_col_int(st, 0), tid = db_col_int(st, 1);
		while (at < *n && (*out)[at].id < hid)
			at++;
		if (at >= *n || (*out)[at].id != hid)
			continue;
		bool visible = false;
		for (int k = 0; k < nall; k++)
			if (all[k].id == tid)
				visible = all[k].active && gr_tag_visible(c, all[k].sensitive, all[k].roles);
		if (!visible)
			continue;
		struct grid_map_household *m = &(*out)[at];
		int tcap = m->ntags;
		if (!(m->tag_ids = arena_grow(c->arena, m->tag_ids, &tcap, m->ntags, sizeof(*m->tag_ids)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		m->tag_ids[m->ntags++] = tid;
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取标签");
	/* the tags its residents carry, for the filter "a household with a person who …" */
	st = db_query(c->db, "SELECT DISTINCT r.household_id, rt.tag_id FROM resident_tags rt "
			     "JOIN residents r ON r.id = rt.resident_id WHERE r.household_id IN "
			     "(SELECT h.id FROM households h WHERE h.village_id = ?) ORDER BY r.household_id, rt.tag_id",
		      "i", village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	at = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t hid = db_col_int(st, 0), tid = db_col_int(st, 1);
		while (at < *n && (*out)[at].id < hid)
			at++;
		if (at >= *n || (*out)[at].id != hid)
			continue;
		bool visible = false;
		for (int k = 0; k < nall; k++)
			if (all[k].id == tid)
				visible = all[k].active && gr_tag_visible(c, all[k].sensitive, all[k].roles);
		if (!visible)
			continue;
		struct grid_map_household *m = &(*out)[at];
		int tcap = m->nresident_tags;
		if (!(m->resident_tag_ids = arena_grow(c->arena, m->resident_tag_ids, &tcap, m->nresident_tags,
						       sizeof(*m->resident_tag_ids)))) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		m->resident_tag_ids[m->nresident_tags++] = tid;
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取标签");
}

/* ---- settings ---- */

static const struct grid_settings defaults = {
	.patrols_per_day = 3, .min_minutes = 20, .min_metres = 1000, .min_inside_pct = 80, .retention_days = 90,
};

/* A tile server's URL template: http or https, a host (a leading {s}. for the
 * subdomains a tile server spreads over), {z} {x} {y} in the path, nothing that could
 * break out of the pages' Content-Security-Policy. "" clears it. */
static void check_tile_url(struct ctx *c, const char *url)
{
	if (!url[0])
		return;
	int before = c->err.nfields;
	ctx_check_text(c, "tile_url", url, GRID_URL_MAX, 0, "地图瓦片地址");
	if (c->err.nfields != before)
		return;
	const char *host = !strncmp(url, "https://", 8) ? url + 8 : !strncmp(url, "http://", 7) ? url + 7 : NULL;
	if (!host) {
		ctx_field(c, "tile_url", "地图瓦片地址应以 http:// 或 https:// 开头");
		return;
	}
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"'<>;,\\`", *p)) {
			ctx_field(c, "tile_url", "地图瓦片地址不能含空格、引号、分号或逗号");
			return;
		}
	if (!strncmp(host, "{s}.", 4))
		host += 4;
	size_t hl = strcspn(host, "/");
	bool host_ok = hl > 0 && host[hl] == '/';
	for (size_t i = 0; host_ok && i < hl; i++)
		host_ok = isalnum((unsigned char)host[i]) || strchr(".-:[]", host[i]);
	if (!host_ok) {
		ctx_field(c, "tile_url", "地图瓦片地址的主机名不正确（只能以 {s}. 开头表示子域名）");
		return;
	}
	if (!strstr(url, "{z}") || !strstr(url, "{x}") || !strstr(url, "{y}"))
		ctx_field(c, "tile_url", "地图瓦片地址应含 {z}、{x} 和 {y}，例如 https://tiles.example.cn/{z}/{x}/{y}.png");
}

enum result grid_tile_origins(struct ctx *c, char *out, size_t n)
{
	out[0] = 0;
	struct db_stmt *st = db_query(c->db, "SELECT DISTINCT tile_url FROM grid_settings WHERE tile_url <> '' "
					     "ORDER BY tile_url LIMIT 20", "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取网格设置");
	size_t len = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *url = db_col_text(st, 0), *host = strstr(url, "://");
		if (!host)
			continue;
		host += 3;
		bool sub = !strncmp(host, "{s}.", 4);
		size_t scheme = (size_t)(host - url), hl = strcspn(sub ? host + 4 : host, "/");
		char origin[GRID_URL_MAX + 8];
		int k = snprintf(origin, sizeof(origin), "%.*s%s%.*s", (int)scheme, url, sub ? "*." : "", (int)hl,
				 sub ? host + 4 : host);
		if (k <= 0 || (size_t)k >= sizeof(origin) || strstr(out, origin) || len + (size_t)k + 2 > n)
			continue;
		len += (size_t)snprintf(out + len, n - len, "%s%s", len ? " " : "", origin);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取网格设置");
}

enum result grid_settings_for_unit(struct ctx *c, const char *unit_path, struct grid_settings *out)
{
	*out = defaults;
	out->tile_url = "";
	out->tile_attribution = "";
	out->county_id = gr_path_root(unit_path);
	struct db_stmt *st = db_query(c->db, "SELECT patrols_per_day, min_minutes, min_metres, min_inside_pct, "
					     "retention_days, updated_at, tile_url, tile_attribution FROM grid_settings "
					     "WHERE county_id = ?",
				      "i", out->county_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取网格设置");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		out->patrols_per_day = (int)db_col_int(st, 0);
		out->min_minutes = (int)db_col_int(st, 1);
		out->min_metres = (int)db_col_int(st, 2);
		out->min_inside_pct = (int)db_col_int(st, 3);
		out->retention_days = (int)db_col_int(st, 4);
		out->updated_at = db_col_int(st, 5);
		out->tile_url = arena_strdup(c->arena, db_col_text(st, 6));
		out->tile_attribution = arena_strdup(c->arena, db_col_text(st, 7));
		if (!out->tile_url || !out->tile_attribution) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取网格设置");
}

enum result grid_settings_get(struct ctx *c, int64_t county_id, struct grid_settings *out,
			      struct grid_visit_rule **rules, int *nrules)
{
	struct org_unit u;
	int rc = readable_county(c, &county_id, &u);
	if (!rc)
		rc = grid_settings_for_unit(c, u.path, out);
	struct grid_tag *tags;
	int ntags;
	if (!rc)
		rc = grid_tags(c, county_id, &tags, &ntags);
	if (rc)
		return rc;
	*nrules = 0;
	*rules = arena_alloc(c->arena, sizeof(**rules) * (size_t)(ntags ? ntags : 1));
	if (!*rules)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < ntags; i++)
		if (tags[i].visit_days)
			(*rules)[(*nrules)++] = (struct grid_visit_rule){tags[i].id, tags[i].visit_days};
	return RC_OK;
}

enum result grid_settings_put(struct ctx *c, int64_t county_id, const struct grid_settings *in,
			      const struct grid_visit_rule *rules, int nrules, bool set_rules)
{
	struct org_unit u;
	int rc = county_admin(c, county_id, &u, "网格设置");
	if (rc)
		return rc;
	county_id = u.id;
	if (in->patrols_per_day < 0 || in->patrols_per_day > 10)
		ctx_field(c, "patrols_per_day", "每日巡查次数应在 0 到 10 之间");
	if (in->min_minutes < 0 || in->min_minutes > 600)
		ctx_field(c, "min_minutes", "每次最少分钟数应在 0 到 600 之间");
	if (in->min_metres < 0 || in->min_metres > 50000)
		ctx_field(c, "min_metres", "每次最少米数应在 0 到 50000 之间");
	if (in->min_inside_pct < 0 || in->min_inside_pct > 100)
		ctx_field(c, "min_inside_pct", "网格内轨迹比例应在 0 到 100 之间");
	if (in->retention_days < 2 || in->retention_days > 3650)
		ctx_field(c, "retention_days", "位置保留天数应在 2 到 3650 之间");
	if (in->tile_url)
		check_tile_url(c, in->tile_url);
	if (in->tile_attribution)
		ctx_check_text(c, "tile_attribution", in->tile_attribution, GRID_TILE_ATTRIBUTION_MAX, 0, "地图来源说明");
	struct grid_tag *all;
	int nall;
	if ((rc = county_tags(c, county_id, &all, &nall)))
		return rc;
	for (int i = 0; set_rules && i < nrules; i++) {
		bool ok = false;
		for (int k = 0; k < nall; k++)
			ok = ok || all[k].id == rules[i].tag_id;
		if (!ok || rules[i].days < 1 || rules[i].days > 366) {
			ctx_field(c, "visit_rules", "第 %d 条：标签不存在或天数不在 1 到 366 之间", i + 1);
			break;
		}
		for (int j = 0; j < i; j++)
			if (rules[j].tag_id == rules[i].tag_id) {
				ctx_field(c, "visit_rules", "第 %d 条与第 %d 条是同一个标签", i + 1, j + 1);
				break;
			}
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct grid_settings old;
	if ((rc = grid_settings_for_unit(c, u.path, &old)))
		return rc;
	struct grid_settings next = *in;
	if (!next.tile_url)
		next.tile_url = old.tile_url;
	if (!next.tile_attribution)
		next.tile_attribution = old.tile_attribution;
	in = &next;
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_begin(&after);
	const struct grid_settings *ss[2] = {&old, in};
	struct buf *bs[2] = {&before, &after};
	for (int k = 0; k < 2; k++) {
		audit_snap_int(bs[k], "patrols_per_day", ss[k]->patrols_per_day);
		audit_snap_int(bs[k], "min_minutes", ss[k]->min_minutes);
		audit_snap_int(bs[k], "min_metres", ss[k]->min_metres);
		audit_snap_int(bs[k], "min_inside_pct", ss[k]->min_inside_pct);
		audit_snap_int(bs[k], "retention_days", ss[k]->retention_days);
		audit_snap_str(bs[k], "tile_url", ss[k]->tile_url);
		audit_snap_str(bs[k], "tile_attribution", ss[k]->tile_attribution);
	}
	for (int k = 0; k < nall; k++)
		if (all[k].visit_days)
			audit_snap_int(&before, all[k].name, all[k].visit_days);
	for (int i = 0; set_rules && i < nrules; i++)
		for (int k = 0; k < nall; k++)
			if (all[k].id == rules[i].tag_id)
				audit_snap_int(&after, all[k].name, rules[i].days);
	audit_snap_end(&before);
	audit_snap_end(&after);
	if ((rc = ctx_begin(c)) == RC_OK) {
		int dbrc = db_run(c->db, "DELETE FROM grid_settings WHERE county_id = ?", "i", county_id);
		if (dbrc == DB_OK)
			dbrc = db_run(c->db, "INSERT INTO grid_settings (county_id, patrols_per_day, min_minutes, "
					     "min_metres, min_inside_pct, retention_days, updated_by, updated_at, tile_url, "
					     "tile_attribution) VALUES (?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?)",
				      "iiiiiiiitt", county_id, (int64_t)in->patrols_per_day, (int64_t)in->min_minutes,
				      (int64_t)in->min_metres, (int64_t)in->min_inside_pct, (int64_t)in->retention_days,
				      c->actor ? c->actor->user_id : 0, c->now, in->tile_url, in->tile_attribution);
		if (dbrc == DB_OK && set_rules)
			dbrc = db_run(c->db, "DELETE FROM visit_rules WHERE county_id = ?", "i", county_id);
		for (int i = 0; dbrc == DB_OK && set_rules && i < nrules; i++)
			dbrc = db_run(c->db, "INSERT INTO visit_rules (county_id, tag_id, days) VALUES (?, ?, ?)", "iii",
				      county_id, rules[i].tag_id, (int64_t)rules[i].days);
		rc = dbrc == DB_OK ? audit_record(c, county_id, "grid_settings", county_id, "update", before.ptr, after.ptr)
				   : ctx_db_fail(c, dbrc, "保存网格设置");
		rc = ctx_end(c, rc);
	}
	buf_release(&before);
	buf_release(&after);
	return rc;
}

/* Sets (on) or removes a named tag of a household's county, with a history row; the
 * caller's transaction and audit. */
/* The active tag of a name for a household of the village at village_path (the
 * county's own before a shipped one), and whether the household carries it now
 * (household_id 0: none yet). */
static int tag_state(struct ctx *c, const char *village_path, int64_t household_id, const char *tag_name,
		     int64_t *tag_id, bool *has)
{
	*tag_id = 0;
	*has = false;
	int dbrc = db_get_int(c->db, tag_id, "SELECT id FROM tags WHERE name = ? AND active = 1 AND "
					     "(county_id IS NULL OR county_id = ?) ORDER BY COALESCE(county_id, 0) DESC LIMIT 1",
			      "ti", tag_name, gr_path_root(village_path));
	if (dbrc == DB_DONE || (dbrc == DB_OK && !*tag_id))
		return ctx_fail(c, RC_NOT_FOUND, "标签“%s”不存在", tag_name);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取标签");
	int64_t n = 0;
	if (household_id && db_get_int(c->db, &n, "SELECT count(*) FROM household_tags WHERE household_id = ? AND tag_id = ?",
				       "ii", household_id, *tag_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取标签");
	*has = n != 0;
	return RC_OK;
}

enum result grid_tag_would_grant(struct ctx *c, const char *village_path, int64_t household_id, const char *tag_name,
				 int64_t *tag_id, bool *would_add)
{
	bool has;
	int rc = tag_state(c, village_path, household_id, tag_name, tag_id, &has);
	*would_add = !rc && !has;
	return rc;
}

static int tag_mark(struct ctx *c, int64_t household_id, const char *tag_name, bool on, bool *changed)
{
	*changed = false;
	struct hh_place pl;
	int rc = people_household_place(c, household_id, &pl);
	if (rc)
		return rc;
	int64_t tag_id;
	bool has;
	if ((rc = tag_state(c, pl.village, household_id, tag_name, &tag_id, &has)))
		return rc;
	if (has == on)
		return RC_OK;
	int dbrc;
	int64_t actor_id = c->actor ? c->actor->user_id : 0;
	dbrc = on ? db_run(c->db, "INSERT INTO household_tags (household_id, tag_id, set_by, set_at) "
				  "VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)", "iiii", household_id, tag_id, actor_id, c->now)
		  : db_run(c->db, "DELETE FROM household_tags WHERE household_id = ? AND tag_id = ?", "ii", household_id,
			   tag_id);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "INSERT INTO household_tag_history (household_id, tag_id, action, actor_id, at) "
				     "VALUES (?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?)", "iitii", household_id, tag_id,
			      on ? "set" : "remove", actor_id, c->now);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "设置标签");
	*changed = true;
	return RC_OK;
}

enum result grid_tag_grant(struct ctx *c, int64_t household_id, const char *tag_name, bool *added)
{
	return tag_mark(c, household_id, tag_name, true, added);
}

enum result grid_tag_revoke(struct ctx *c, int64_t household_id, const char *tag_name, bool *removed)
{
	return tag_mark(c, household_id, tag_name, false, removed);
}

/* The person tags a resident would be given of names (the county's own before a shipped
 * one, each once), those they carry already left out: ids and names in ids/got. */
static int resident_tags_plan(struct ctx *c, const char *village_path, int64_t resident_id, const char *const *names,
			      int n, int64_t *ids, const char **got, int *nids)
{
	*nids = 0;
	for (int i = 0; i < n; i++) {
		struct db_stmt *st = db_query(c->db, "SELECT id, person FROM tags WHERE name = ? AND active = 1 AND "
						     "(county_id IS NULL OR county_id = ?) ORDER BY COALESCE(county_id, 0) DESC LIMIT 1",
					      "ti", names[i], gr_path_root(village_path));
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取标签");
		int dbrc = db_step(st);
		int64_t id = dbrc == DB_ROW ? db_col_int(st, 0) : 0;
		bool person = dbrc == DB_ROW && db_col_int(st, 1) != 0;
		db_finalize(st);
		if (dbrc != DB_ROW && dbrc != DB_DONE)
			return ctx_db_fail(c, dbrc, "读取标签");
		if (!id)
			return ctx_fail(c, RC_NOT_FOUND, "标签“%s”不存在", names[i]);
		if (!person)
			return ctx_fail(c, RC_INVALID, "“%s”是户的标签，不能标在人身上", names[i]);
		bool again = false;
		for (int k = 0; k < *nids && !again; k++)
			again = ids[k] == id;
		int64_t has = 0;
		if (!again && resident_id &&
		    db_get_int(c->db, &has, "SELECT count(*) FROM resident_tags WHERE resident_id = ? AND tag_id = ?", "ii",
			       resident_id, id) != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "读取标签");
		if (again || has)
			continue;
		ids[*nids] = id;
		got[(*nids)++] = names[i];
	}
	return RC_OK;
}

enum result grid_resident_tags_would_add(struct ctx *c, const char *village_path, int64_t resident_id,
					 const char *const *names, int n, int *would_add)
{
	*would_add = 0;
	if (n <= 0)
		return RC_OK;
	int64_t *ids = arena_alloc(c->arena, sizeof(*ids) * (size_t)n);
	const char **got = arena_alloc(c->arena, sizeof(*got) * (size_t)n);
	if (!ids || !got)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return resident_tags_plan(c, village_path, resident_id, names, n, ids, got, would_add);
}

enum result grid_resident_tags_add(struct ctx *c, const char *village_path, int64_t village_id, int64_t household_id,
				   int64_t resident_id, const char *const *names, int n, int *added)
{
	*added = 0;
	if (n <= 0)
		return RC_OK;
	int64_t *ids = arena_alloc(c->arena, sizeof(*ids) * (size_t)n);
	const char **got = arena_alloc(c->arena, sizeof(*got) * (size_t)n);
	if (!ids || !got)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int nids;
	int rc = resident_tags_plan(c, village_path, resident_id, names, n, ids, got, &nids);
	if (rc || !nids)
		return rc;
	int64_t actor_id = c->actor ? c->actor->user_id : 0;
	for (int i = 0; i < nids; i++) {
		int dbrc = db_run(c->db, resident_owner.insert, "iiii", resident_id, ids[i], actor_id, c->now);
		if (dbrc == DB_OK)
			dbrc = db_run(c->db, resident_owner.history, "iitii", resident_id, ids[i], "set", actor_id, c->now);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "设置标签");
	}
	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_begin(&after);
	for (int i = 0; i < nids; i++)
		audit_snap_int(&after, got[i], 1);
	audit_snap_int(&before, "household_id", household_id);
	audit_snap_int(&after, "household_id", household_id);
	audit_snap_end(&before);
	audit_snap_end(&after);
	rc = audit_record(c, village_id, "resident_tags", resident_id, "update", before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	if (!rc)
		*added = nids;
	return rc;
}
