/* The county's list templates and the versions of a village's lists: checking an item,
 * storing it with its steps, copying templates into a version adopted at a meeting. */
#include "domain/lists/internal.h"
#include "util/timeutil.h"
#include "util/utf8.h"

/* ---- helpers shared by the feature ---- */

int li_split(struct ctx *c, const char *text, const char **out, int max)
{
	int n = 0;
	const char *p = text ? text : "";
	while (*p && n < max) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len)
			out[n++] = arena_strndup(c->arena, p, len);
		if (!end)
			break;
		p = end + 1;
	}
	return n;
}

const char *li_join(struct ctx *c, const char *const *lines, int n)
{
	struct buf b;
	buf_init(&b, (size_t)LIST_LINES_MAX * (LIST_LINE_MAX * 4 + 1) + 1);
	for (int i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, '\n');
		buf_adds(&b, lines[i] ? lines[i] : "");
	}
	const char *out = arena_strdup(c->arena, b.ptr ? b.ptr : "");
	buf_release(&b);
	return out ? out : "";
}

int li_read_steps(struct ctx *c, const char *sql, int64_t arg, struct list_item *items, int nitems)
{
	struct db_stmt *st = db_query(c->db, sql, "i", arg);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取步骤");
	int rc, last = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		int64_t owner = db_col_int(st, 0);
		int k = -1;
		for (int i = 0; i < nitems && k < 0; i++) {
			int j = (last + i) % nitems;
			if (items[j].id == owner)
				k = j;
		}
		if (k < 0 || items[k].nsteps >= LIST_STEPS_MAX)
			continue;
		last = k;
		struct list_step *s = &items[k].steps[items[k].nsteps++];
		s->n = (int)db_col_int(st, 1);
		s->name = arena_strdup(c->arena, db_col_text(st, 2));
		s->role = arena_strdup(c->arena, db_col_text(st, 3));
		s->limit_days = (int)db_col_int(st, 4);
		s->disclose = db_col_int(st, 5) != 0;
		s->nattachments = li_split(c, db_col_text(st, 6), s->attachments, LIST_LINES_MAX);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取步骤");
}

static bool grid_level(const char *role)
{
	return !strcmp(role, "grid_worker") || !strcmp(role, "grid_leader") || !strcmp(role, "assessor");
}

bool li_holds_role(const struct ctx *c, const char *role, const char *village_path)
{
	if (c->system)
		return true;
	if (!c->actor || !village_path || !village_path[0])
		return false;
	size_t vl = strlen(village_path);
	for (int i = 0; i < c->actor->ngrants; i++) {
		const struct grant *g = &c->actor->grants[i];
		if (strcmp(g->role, role) || !g->path[0])
			continue;
		size_t gl = strlen(g->path);
		if (gl <= vl && !strncmp(village_path, g->path, gl))
			return true;   /* the grant covers the village */
		if (grid_level(role) && gl > vl && !strncmp(g->path, village_path, vl))
			return true;   /* a grid or group of the village */
	}
	return false;
}

int64_t li_path_root(const char *path)
{
	int64_t id = 0;
	for (const char *p = path + (path[0] == '/'); *p >= '0' && *p <= '9'; p++)
		id = id * 10 + (*p - '0');
	return id;
}

const char *lists_role_label(const char *role)
{
	if (!role)
		return "";
	if (!strcmp(role, "applicant"))
		return "申请人";
	const struct role_def *r = access_role(role);
	return r ? r->label : role;
}

static const char *const kinds[] = {"power", "affair", "service"};
static const char *const sections[] = {"duty", "assist", "negative"};

static bool in_set(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, set[i]))
			return true;
	return false;
}

bool lists_kind_valid(const char *kind)
{
	return in_set(kind, kinds, ARRAY_SIZE(kinds));
}

/* Roles that may act on a step or answer for an item: staff of the village and above. */
static bool role_valid(const char *role, bool step)
{
	static const char *const ok[] = {"cadre", "town_official", "county_admin", "grid_worker", "grid_leader",
					 "assessor", "clerk"};
	return in_set(role, ok, ARRAY_SIZE(ok)) || (step && role && !strcmp(role, "applicant"));
}

static void check_lines(struct ctx *c, const char *field, const char *const *lines, int n, const char *label)
{
	if (n < 0 || n > LIST_LINES_MAX) {
		ctx_field(c, field, "%s最多 %d 项", label, LIST_LINES_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (!lines[i] || !lines[i][0]) {
			ctx_field(c, field, "%s第 %d 项不能为空", label, i + 1);
			return;
		}
		size_t before = (size_t)c->err.nfields;
		ctx_check_text(c, field, lines[i], LIST_LINE_MAX, CTX_TEXT_REQUIRED, label);
		if ((size_t)c->err.nfields != before)
			return;
	}
}

void lists_check_item(struct ctx *c, const char *prefix, const struct list_item *it)
{
	char f[48];
#define FIELD(name) (snprintf(f, sizeof(f), "%s%s", prefix, name), f)
	bool negative = it->section && !strcmp(it->section, "negative");
	if (!lists_kind_valid(it->kind))
		ctx_field(c, FIELD("kind"), "清单类别应为 power（小微权力）、affair（村级事务）或 service（公共服务）");
	else if (!strcmp(it->kind, "affair") && !in_set(it->section, sections, ARRAY_SIZE(sections)))
		ctx_field(c, FIELD("section"), "村级事务应注明分类：duty（依法履职）、assist（协助政府）或 negative（负面清单）");
	else if (strcmp(it->kind, "affair") && it->section && it->section[0])
		ctx_field(c, FIELD("section"), "只有村级事务分类");
	ctx_check_text(c, FIELD("code"), it->code, LIST_CODE_MAX, CTX_TEXT_REQUIRED, "编号");
	ctx_check_text(c, FIELD("name"), it->name, LIST_NAME_MAX, CTX_TEXT_REQUIRED, "事项名称");
	ctx_check_text(c, FIELD("basis"), it->basis, LIST_BASIS_MAX, CTX_TEXT_MULTILINE, "依据");
	ctx_check_text(c, FIELD("supervise_contact"), it->supervise_contact, LIST_CONTACT_MAX, 0, "监督联系方式");
	if (!role_valid(it->role, false))
		ctx_field(c, FIELD("role"), "责任主体应为 cadre、town_official、county_admin、grid_worker、grid_leader、assessor 或 clerk");
	if (it->time_limit_days < 1 || it->time_limit_days > LIST_DAYS_MAX)
		ctx_field(c, FIELD("time_limit_days"), "总时限应为 1 到 %d 个工作日", LIST_DAYS_MAX);
	check_lines(c, FIELD("materials"), it->materials, it->nmaterials, "所需材料");
	check_lines(c, FIELD("risk_points"), it->risk_points, it->nrisks, "廉政风险点");
	if (it->nsteps < (negative ? 0 : 1) || it->nsteps > LIST_STEPS_MAX) {
		ctx_field(c, FIELD("steps"), "办理步骤应为 1 到 %d 步", LIST_STEPS_MAX);
		return;
	}
	for (int i = 0; i < it->nsteps; i++) {
		const struct list_step *s = &it->steps[i];
		char sp[48];
		snprintf(sp, sizeof(sp), "%ssteps[%d].", prefix, i);
#define SFIELD(name) (snprintf(f, sizeof(f), "%s%s", sp, name), f)
		ctx_check_text(c, SFIELD("name"), s->name, LIST_NAME_MAX, CTX_TEXT_REQUIRED, "步骤名称");
		if (!role_valid(s->role, true))
			ctx_field(c, SFIELD("role"), "第 %d 步的办理角色无效", i + 1);
		if (s->limit_days < 1 || s->limit_days > LIST_DAYS_MAX)
			ctx_field(c, SFIELD("limit_days"), "第 %d 步时限应为 1 到 %d 个工作日", i + 1, LIST_DAYS_MAX);
		check_lines(c, SFIELD("attachments"), s->attachments, s->nattachments, "所需附件");
#undef SFIELD
	}
#undef FIELD
}

/* ---- templates ---- */

#define TPL_COLS                                                                                   \
	"t.id, t.county_id, t.kind, COALESCE(t.section, ''), t.code, t.name, t.basis, t.role, "       \
	"t.time_limit_days, t.materials, t.risk_points, t.supervise_contact, t.updated_at "

static void read_template(struct ctx *c, struct db_stmt *st, struct list_item *t)
{
	memset(t, 0, sizeof(*t));
	t->id = db_col_int(st, 0);
	t->county_id = db_col_int(st, 1);
	t->kind = arena_strdup(c->arena, db_col_text(st, 2));
	t->section = db_col_text(st, 3)[0] ? arena_strdup(c->arena, db_col_text(st, 3)) : NULL;
	t->code = arena_strdup(c->arena, db_col_text(st, 4));
	t->name = arena_strdup(c->arena, db_col_text(st, 5));
	t->basis = arena_strdup(c->arena, db_col_text(st, 6));
	t->role = arena_strdup(c->arena, db_col_text(st, 7));
	t->time_limit_days = (int)db_col_int(st, 8);
	t->nmaterials = li_split(c, db_col_text(st, 9), t->materials, LIST_LINES_MAX);
	t->nrisks = li_split(c, db_col_text(st, 10), t->risk_points, LIST_LINES_MAX);
	t->supervise_contact = arena_strdup(c->arena, db_col_text(st, 11));
	t->updated_at = db_col_int(st, 12);
}

/* The county the actor works in: the root of their first grant (or of their household's
 * village for a villager). */
static int64_t actor_county(const struct ctx *c)
{
	if (!c->actor)
		return 0;
	for (int i = 0; i < c->actor->ngrants; i++)
		if (c->actor->grants[i].path[0])
			return li_path_root(c->actor->grants[i].path);
	return 0;
}

static int county_of(struct ctx *c, int64_t county_id, struct org_unit *u)
{
	if (!county_id)
		county_id = actor_county(c);
	int rc = org_find(c, county_id, u);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(u->kind, "county")) || (!rc && !access_touches(c, u->path)))
		return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
	return rc;
}

int lists_templates(struct ctx *c, int64_t county_id, const char *kind, struct list_item **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (kind && kind[0] && !lists_kind_valid(kind))
		return ctx_field(c, "kind", "清单类别应为 power、affair 或 service");
	struct org_unit u;
	int rc = county_of(c, county_id, &u);
	if (rc)
		return rc;
	bool all = !kind || !kind[0];
	struct db_stmt *st = db_query(c->db, "SELECT " TPL_COLS "FROM list_templates t WHERE t.county_id = ? "
					     "AND (? = 1 OR t.kind = ?) ORDER BY t.kind, t.code, t.id",
				      "iit", u.id, (int64_t)all, all ? "" : kind);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取清单模板");
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct list_item *g = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!g) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = g;
		read_template(c, st, &g[(*n)++]);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取清单模板");
	if (!*n)
		return RC_OK;
	return li_read_steps(c, "SELECT s.template_id, s.n, s.name, s.role, s.limit_days, s.disclose, s.attachments "
				"FROM list_template_steps s JOIN list_templates t ON t.id = s.template_id "
				"WHERE t.county_id = ? ORDER BY s.template_id, s.n",
			     u.id, *out, *n);
}

static int template_load(struct ctx *c, int64_t id, struct list_item *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " TPL_COLS "FROM list_templates t WHERE t.id = ?", "i", id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		read_template(c, st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "清单模板不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取清单模板");
	return li_read_steps(c, "SELECT template_id, n, name, role, limit_days, disclose, attachments "
				"FROM list_template_steps WHERE template_id = ? ORDER BY n", id, out, 1);
}

int lists_template_get(struct ctx *c, int64_t id, struct list_item *out)
{
	int rc = template_load(c, id, out);
	if (rc)
		return rc;
	struct org_unit u;
	if (org_get(c, out->county_id, &u) || !access_touches(c, u.path)) {
		ctx_reset(c);
		return ctx_fail(c, RC_NOT_FOUND, "清单模板不存在");
	}
	return RC_OK;
}

static int write_steps(struct ctx *c, const char *table, const char *owner_col, int64_t owner,
		       const struct list_item *in)
{
	char *sql = arena_printf(c->arena, "INSERT INTO %s (%s, n, name, role, limit_days, disclose, attachments) "
					   "VALUES (?, ?, ?, ?, ?, ?, ?)", table, owner_col);
	for (int i = 0; i < in->nsteps; i++) {
		const struct list_step *s = &in->steps[i];
		int dbrc = db_run(c->db, sql, "iittiit", owner, (int64_t)(i + 1), s->name, s->role,
				  (int64_t)s->limit_days, (int64_t)s->disclose,
				  li_join(c, s->attachments, s->nattachments));
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "保存步骤");
	}
	return RC_OK;
}

static const char *section_or_null(const struct list_item *in)
{
	return in->kind && !strcmp(in->kind, "affair") && in->section && in->section[0] ? in->section : NULL;
}

static void snap_item(struct buf *b, const struct list_item *in)
{
	audit_snap_begin(b);
	audit_snap_str(b, "kind", in->kind);
	audit_snap_str(b, "code", in->code);
	audit_snap_str(b, "name", in->name);
	audit_snap_str(b, "role", in->role);
	audit_snap_int(b, "time_limit_days", in->time_limit_days);
	audit_snap_int(b, "steps", in->nsteps);
	audit_snap_end(b);
}

static bool template_code_taken(struct ctx *c, int64_t county, const char *code, int64_t except)
{
	int64_t n = 0;
	db_get_int(c->db, &n, "SELECT count(*) FROM list_templates WHERE county_id = ? AND code = ? AND id <> ?", "iti",
		   county, code ? code : "", except);
	return n > 0;
}

int lists_template_create(struct ctx *c, const struct list_item *in, int64_t *id)
{
	struct org_unit u;
	int rc = county_of(c, in->county_id, &u);
	if (rc)
		return rc;
	if (!access_can(c, P_LIST_TEMPLATE, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "只有区县管理员可以编制清单模板");
	lists_check_item(c, "", in);
	if (in->code && template_code_taken(c, u.id, in->code, 0))
		ctx_field(c, "code", "编号 %s 已被使用", in->code);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_get_int(c->db, id,
		"INSERT INTO list_templates (county_id, kind, section, code, name, basis, role, time_limit_days, "
		"materials, risk_points, supervise_contact, created_by, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?) RETURNING id",
		"ittttttitttiii", u.id, in->kind, section_or_null(in), in->code, in->name, in->basis ? in->basis : "",
		in->role, (int64_t)in->time_limit_days, li_join(c, in->materials, in->nmaterials),
		li_join(c, in->risk_points, in->nrisks), in->supervise_contact ? in->supervise_contact : "",
		li_actor_id(c), c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存清单模板"));
	rc = write_steps(c, "list_template_steps", "template_id", *id, in);
	if (!rc) {
		struct buf after;
		snap_item(&after, in);
		rc = audit_record(c, u.id, "list_template", *id, "create", "{}", after.ptr);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}

int lists_template_update(struct ctx *c, int64_t id, const struct list_item *in)
{
	struct list_item old;
	int rc = lists_template_get(c, id, &old);
	if (rc)
		return rc;
	struct org_unit u;
	if ((rc = org_get(c, old.county_id, &u)))
		return rc;
	if (!access_can(c, P_LIST_TEMPLATE, u.path))
		return ctx_fail(c, access_refusal(c, u.path), "只有区县管理员可以修改清单模板");
	lists_check_item(c, "", in);
	if (in->code && template_code_taken(c, u.id, in->code, id))
		ctx_field(c, "code", "编号 %s 已被使用", in->code);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	int dbrc = db_run(c->db,
		"UPDATE list_templates SET kind = ?, section = ?, code = ?, name = ?, basis = ?, role = ?, "
		"time_limit_days = ?, materials = ?, risk_points = ?, supervise_contact = ?, updated_at = ? WHERE id = ?",
		"ttttttitttii", in->kind, section_or_null(in), in->code, in->name, in->basis ? in->basis : "", in->role,
		(int64_t)in->time_limit_days, li_join(c, in->materials, in->nmaterials),
		li_join(c, in->risk_points, in->nrisks), in->supervise_contact ? in->supervise_contact : "", c->now, id);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "DELETE FROM list_template_steps WHERE template_id = ?", "i", id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存清单模板"));
	rc = write_steps(c, "list_template_steps", "template_id", id, in);
	if (!rc) {
		struct buf before, after;
		snap_item(&before, &old);
		snap_item(&after, in);
		rc = audit_record(c, u.id, "list_template", id, "update", before.ptr, after.ptr);
		buf_release(&before);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}

/* ---- versions and items ---- */

#define ITEM_COLS                                                                                  \
	"i.id, i.village_id, i.version_id, COALESCE(i.template_id, 0), v.n, i.kind, COALESCE(i.section, ''), " \
	"i.code, i.name, i.basis, i.role, i.time_limit_days, i.materials, i.risk_points, i.supervise_contact, " \
	"v.adopted_at "
#define ITEM_FROM "FROM list_items i JOIN list_versions v ON v.id = i.version_id "

static void read_item(struct ctx *c, struct db_stmt *st, struct list_item *t)
{
	memset(t, 0, sizeof(*t));
	t->id = db_col_int(st, 0);
	t->village_id = db_col_int(st, 1);
	t->version_id = db_col_int(st, 2);
	t->template_id = db_col_int(st, 3);
	t->version = (int)db_col_int(st, 4);
	t->kind = arena_strdup(c->arena, db_col_text(st, 5));
	t->section = db_col_text(st, 6)[0] ? arena_strdup(c->arena, db_col_text(st, 6)) : NULL;
	t->code = arena_strdup(c->arena, db_col_text(st, 7));
	t->name = arena_strdup(c->arena, db_col_text(st, 8));
	t->basis = arena_strdup(c->arena, db_col_text(st, 9));
	t->role = arena_strdup(c->arena, db_col_text(st, 10));
	t->time_limit_days = (int)db_col_int(st, 11);
	t->nmaterials = li_split(c, db_col_text(st, 12), t->materials, LIST_LINES_MAX);
	t->nrisks = li_split(c, db_col_text(st, 13), t->risk_points, LIST_LINES_MAX);
	t->supervise_contact = arena_strdup(c->arena, db_col_text(st, 14));
	t->updated_at = db_col_int(st, 15);
}

int li_item_load(struct ctx *c, int64_t id, struct list_item *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " ITEM_COLS ITEM_FROM "WHERE i.id = ?", "i", id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		read_item(c, st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "清单事项不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取清单事项");
	return li_read_steps(c, "SELECT item_id, n, name, role, limit_days, disclose, attachments "
				"FROM list_item_steps WHERE item_id = ? ORDER BY n", id, out, 1);
}

/* The village for a reader: 404 outside every grant (unless public), field error when
 * the unit is not a village. */
static int village_for(struct ctx *c, int64_t village_id, bool public, struct org_unit *v)
{
	int rc = org_find(c, village_id, v);
	if (rc == RC_NOT_FOUND || (!rc && !public && !access_touches(c, v->path)))
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if (rc)
		return rc;
	if (strcmp(v->kind, "village"))
		return ctx_fail(c, RC_NOT_FOUND, "村不存在");
	return RC_OK;
}

int lists_item_get(struct ctx *c, int64_t id, struct list_item *out)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int rc = li_item_load(c, id, out);
	if (rc)
		return rc;
	struct org_unit v;
	if (village_for(c, out->village_id, false, &v)) {
		ctx_reset(c);
		return ctx_fail(c, RC_NOT_FOUND, "清单事项不存在");
	}
	return RC_OK;
}

#define VERSION_COLS                                                                               \
	"v.id, v.village_id, v.n, v.meeting_date, v.meeting_title, v.attendance, v.meeting_note, "    \
	"COALESCE(v.adopted_by, 0), v.adopted_by_name, v.adopted_at, "                                \
	"(SELECT count(*) FROM list_items i WHERE i.version_id = v.id) "

static void read_version(struct ctx *c, struct db_stmt *st, struct list_version *v)
{
	memset(v, 0, sizeof(*v));
	v->id = db_col_int(st, 0);
	v->village_id = db_col_int(st, 1);
	v->n = (int)db_col_int(st, 2);
	v->meeting_date = arena_strdup(c->arena, db_col_text(st, 3));
	v->meeting_title = arena_strdup(c->arena, db_col_text(st, 4));
	v->attendance = (int)db_col_int(st, 5);
	v->meeting_note = arena_strdup(c->arena, db_col_text(st, 6));
	v->adopted_by = db_col_int(st, 7);
	v->adopted_by_name = arena_strdup(c->arena, db_col_text(st, 8));
	v->adopted_at = db_col_int(st, 9);
	v->nitems = (int)db_col_int(st, 10);
}

int lists_current(struct ctx *c, int64_t village_id, const char *kind, bool public, struct list_version *ver,
		  bool *found, struct list_item **items, int *n)
{
	*found = false;
	*items = NULL;
	*n = 0;
	if (!public && !c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (kind && kind[0] && !lists_kind_valid(kind))
		return ctx_field(c, "kind", "清单类别应为 power、affair 或 service");
	struct org_unit v;
	int rc = village_for(c, village_id, public, &v);
	if (rc)
		return rc;
	struct db_stmt *st = db_query(c->db, "SELECT " VERSION_COLS "FROM list_versions v WHERE v.village_id = ? "
					     "ORDER BY v.n DESC LIMIT 1", "i", village_id);
	rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW)
		read_version(c, st, ver);
	db_finalize(st);
	if (rc == DB_DONE)
		return RC_OK;
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取清单版本");
	*found = true;
	bool all = !kind || !kind[0];
	st = db_query(c->db, "SELECT " ITEM_COLS ITEM_FROM "WHERE i.version_id = ? AND (? = 1 OR i.kind = ?) "
			     "ORDER BY i.ord, i.id", "iit", ver->id, (int64_t)all, all ? "" : kind);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取清单事项");
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct list_item *g = arena_grow(c->arena, *items, &cap, *n, sizeof(**items));
		if (!g) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*items = g;
		read_item(c, st, &g[(*n)++]);
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "读取清单事项");
	if (!*n)
		return RC_OK;
	return li_read_steps(c, "SELECT s.item_id, s.n, s.name, s.role, s.limit_days, s.disclose, s.attachments "
				"FROM list_item_steps s JOIN list_items i ON i.id = s.item_id "
				"WHERE i.version_id = ? ORDER BY s.item_id, s.n",
			     ver->id, *items, *n);
}

int lists_versions(struct ctx *c, int64_t village_id, struct list_version **out, int *n)
{
	*out = NULL;
	*n = 0;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct org_unit v;
	int rc = village_for(c, village_id, false, &v);
	if (rc)
		return rc;
	struct db_stmt *st = db_query(c->db, "SELECT " VERSION_COLS "FROM list_versions v WHERE v.village_id = ? "
					     "ORDER BY v.n DESC", "i", village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取清单版本");
	int cap = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct list_version *g = arena_grow(c->arena, *out, &cap, *n, sizeof(**out));
		if (!g) {
			db_finalize(st);
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		}
		*out = g;
		read_version(c, st, &g[(*n)++]);
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "读取清单版本");
}

static int insert_item(struct ctx *c, int64_t version_id, int64_t village_id, int64_t template_id,
		       const struct list_item *in, int ord)
{
	int64_t id = 0;
	int dbrc = db_get_int(c->db, &id,
		"INSERT INTO list_items (version_id, village_id, template_id, kind, section, code, name, basis, role, "
		"time_limit_days, materials, risk_points, supervise_contact, ord) "
		"VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"iiitttttti" "ttti", version_id, village_id, template_id, in->kind, section_or_null(in), in->code, in->name,
		in->basis ? in->basis : "", in->role, (int64_t)in->time_limit_days,
		li_join(c, in->materials, in->nmaterials), li_join(c, in->risk_points, in->nrisks),
		in->supervise_contact ? in->supervise_contact : "", (int64_t)ord);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存清单事项");
	return write_steps(c, "list_item_steps", "item_id", id, in);
}

int lists_adopt(struct ctx *c, const struct list_version_input *in, int64_t *version_id)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct org_unit v;
	int rc = org_find(c, in->village_id, &v);
	if (rc == RC_NOT_FOUND || (!rc && strcmp(v.kind, "village"))) {
		ctx_clear(c);
		return ctx_field(c, "village", "村不存在");
	}
	if (rc)
		return rc;
	if (!access_can(c, P_LIST_WRITE, v.path))
		return ctx_fail(c, access_refusal(c, v.path), "只有本村村两委可以通过清单版本");
	int64_t today = time_cn_days(c->now), day = 0;
	if (!in->meeting_date || time_parse_date(in->meeting_date, &day))
		ctx_field(c, "meeting.date", "会议日期应为 YYYY-MM-DD");
	else if (day > today)
		ctx_field(c, "meeting.date", "会议日期不能晚于今天");
	ctx_check_text(c, "meeting.title", in->meeting_title, LIST_MEETING_MAX, CTX_TEXT_REQUIRED, "会议名称");
	ctx_check_text(c, "meeting.note", in->meeting_note, LIST_NOTE_MAX, CTX_TEXT_MULTILINE, "会议记录");
	if (in->attendance < 1 || in->attendance > 10000)
		ctx_field(c, "meeting.attendance", "到会人数应为 1 到 10000");
	if (in->nitems < 1 || in->nitems > LIST_ITEMS_MAX)
		ctx_field(c, "items", "清单应有 1 到 %d 个事项", LIST_ITEMS_MAX);
	int n = in->nitems > 0 && in->nitems <= LIST_ITEMS_MAX ? in->nitems : 0;
	const struct list_item **resolved = arena_alloc(c->arena, sizeof(*resolved) * (size_t)(n ? n : 1));
	if (!resolved)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t county = li_path_root(v.path);
	for (int i = 0; i < n; i++) {
		char f[48];
		if (in->items[i].template_id) {
			struct list_item *t = arena_alloc(c->arena, sizeof(*t));
			if (!t)
				return ctx_fail(c, RC_INTERNAL, "内存不足");
			int trc = template_load(c, in->items[i].template_id, t);
			if (trc == RC_NOT_FOUND || (!trc && t->county_id != county)) {
				ctx_clear(c);
				snprintf(f, sizeof(f), "items[%d].template_id", i);
				ctx_field(c, f, "第 %d 项的模板不存在", i + 1);
				continue;
			}
			if (trc)
				return trc;
			resolved[i] = t;
			for (int j = 0; j < i; j++)
				if (in->items[j].template_id == in->items[i].template_id) {
					snprintf(f, sizeof(f), "items[%d].template_id", i);
					ctx_field(c, f, "第 %d 项与第 %d 项是同一模板", i + 1, j + 1);
					break;
				}
		} else if (in->items[i].item) {
			snprintf(f, sizeof(f), "items[%d].", i);
			lists_check_item(c, f, in->items[i].item);
			resolved[i] = in->items[i].item;
		}
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i && resolved[i] && resolved[i]->code; j++)
			if (resolved[j] && resolved[j]->code && !strcmp(resolved[i]->code, resolved[j]->code)) {
				char f[48];
				snprintf(f, sizeof(f), "items[%d].code", i);
				ctx_field(c, f, "第 %d 项的编号 %s 与第 %d 项重复", i + 1, resolved[i]->code, j + 1);
				break;
			}
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	int64_t last = 0;
	int dbrc = db_get_int(c->db, &last, "SELECT COALESCE(max(n), 0) FROM list_versions WHERE village_id = ?", "i",
			      v.id);
	if (dbrc == DB_OK)
		dbrc = db_get_int(c->db, version_id,
			"INSERT INTO list_versions (village_id, n, meeting_date, meeting_title, attendance, meeting_note, "
			"adopted_by, adopted_by_name, adopted_at) VALUES (?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?) "
			"RETURNING id",
			"iittititi", v.id, last + 1, in->meeting_date, in->meeting_title, (int64_t)in->attendance,
			in->meeting_note ? in->meeting_note : "", li_actor_id(c), c->actor ? c->actor->name : "系统",
			c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存清单版本"));
	for (int i = 0; !rc && i < n; i++)
		rc = insert_item(c, *version_id, v.id, in->items[i].template_id, resolved[i], i + 1);
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "n", last + 1);
		audit_snap_int(&after, "items", n);
		audit_snap_str(&after, "meeting_date", in->meeting_date);
		audit_snap_str(&after, "meeting_title", in->meeting_title);
		audit_snap_end(&after);
		rc = audit_record(c, v.id, "list_version", *version_id, "adopt", "{}", after.ptr);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}
