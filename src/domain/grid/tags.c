/* Household attribute tags (see grid.h): the county's tag set, the tags of a household
 * and of its residents with their history, and the tags other modules grant or plan. */
#include "domain/grid/internal.h"

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
enum result gr_county_tags(struct ctx *c, int64_t county_id, struct grid_tag **out, int *n)
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


enum result grid_tags(struct ctx *c, int64_t county_id, struct grid_tag **out, int *n)
{
	struct org_unit u;
	int rc = gr_readable_county(c, &county_id, &u);
	if (rc)
		return rc;
	struct grid_tag *all;
	int nall;
	if ((rc = gr_county_tags(c, county_id, &all, &nall)))
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


enum result grid_tag_create(struct ctx *c, const struct grid_tag_input *in, int64_t *id)
{
	struct org_unit u;
	int rc = gr_county_admin(c, in->county_id, &u, "标签");
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
	int rc = gr_county_admin(c, county, &u, "标签");
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
	if ((rc = gr_county_tags(c, county, &all, &nall)))
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
	int64_t actor_id = ctx_actor_id(c);
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
	int64_t actor_id = ctx_actor_id(c);
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
	int64_t actor_id = ctx_actor_id(c);
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
