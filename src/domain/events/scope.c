/* Events 民情: who sees which events — the actor's scopes cut to the village, the
 * visibility filter as SQL and the list filters shared with the statistics. */
#include "domain/events/internal.h"
#include "util/buf.h"

void ev_cut_to_village(const char *path, char out[ORG_PATH_MAX])
{
	int slashes = 0;
	size_t i = 0;
	for (; path[i] && i < 159; i++) {
		out[i] = path[i];
		if (path[i] == '/' && ++slashes == 4) {
			i++;
			break;
		}
	}
	out[i] = 0;
}

int64_t ev_path_root(const char *path)
{
	int64_t id = 0;
	for (const char *p = path + (path[0] == '/'); *p >= '0' && *p <= '9'; p++)
		id = id * 10 + (*p - '0');
	return id;
}

int ev_scopes(struct ctx *c, perm_t perms, char (*out)[ORG_PATH_MAX], int max)
{
	int n = 0;
	if (!c->actor)
		return 0;
	for (int i = 0; i < c->actor->ngrants && n < max; i++) {
		const struct grant *g = &c->actor->grants[i];
		const struct role_def *r = access_role(g->role);
		if (r && (r->perms & perms))
			ev_cut_to_village(g->path, out[n++]);
	}
	return n;
}

bool ev_can_village(const struct ctx *c, perm_t perms, const char *village_path)
{
	if (c->system)
		return true;
	if (!c->actor)
		return false;
	for (int i = 0; i < c->actor->ngrants; i++) {
		const struct grant *g = &c->actor->grants[i];
		const struct role_def *r = access_role(g->role);
		char cut[ORG_PATH_MAX];
		ev_cut_to_village(g->path, cut);
		if (r && (r->perms & perms) && cut[0] && !strncmp(village_path, cut, strlen(cut)))
			return true;
	}
	return false;
}

bool ev_can_dept(const struct ctx *c, const char *dept_path)
{
	return dept_path && dept_path[0] && access_can(c, P_EVENT_HANDLE, dept_path);
}

const char *ev_visible_sql(struct ctx *c, struct db_args *a)
{
	if (c->system)
		return "1=1";
	struct buf b;
	buf_init(&b, 16384);
	buf_adds(&b, "(e.reporter_id = ?");
	db_args_int(a, ev_actor_id(c));
	char (*scopes)[ORG_PATH_MAX] = arena_alloc(c->arena, sizeof(*scopes) * EV_SCOPES_MAX);
	int n = scopes ? ev_scopes(c, EV_READ_PERMS, scopes, EV_SCOPES_MAX) : 0;
	for (int i = 0; i < n; i++) {
		buf_adds(&b, " OR v.path LIKE ?");
		db_args_text(a, arena_printf(c->arena, "%s%%", scopes[i]));
	}
	const char *hp[CTX_MAX_GRANTS];
	int nh = access_scopes(c, P_EVENT_HANDLE, hp, CTX_MAX_GRANTS);
	for (int i = 0; i < nh; i++) {
		const char *like = arena_printf(c->arena, "%s%%", hp[i]);
		buf_adds(&b, " OR d.path LIKE ? OR EXISTS (SELECT 1 FROM event_steps s JOIN org_units sd ON "
			     "sd.id = s.department_id WHERE s.event_id = e.id AND sd.path LIKE ?)");
		db_args_text(a, like);
		db_args_text(a, like);
	}
	buf_addc(&b, ')');
	const char *out = b.failed ? NULL : arena_strdup(c->arena, b.ptr);
	buf_release(&b);
	if (!out)
		a->failed = true;
	return out ? out : "1=0";
}

int ev_filter(struct ctx *c, int64_t unit_id, int64_t department_id, int64_t category_id, int64_t channel_id,
	      bool check_unit, struct buf *w, struct db_args *a)
{
	if (unit_id) {
		struct org_unit u;
		int rc = org_get(c, unit_id, &u);
		if (rc == RC_NOT_FOUND) {
			ctx_clear(c);
			return ctx_field(c, "unit_id", "单位不存在");
		}
		if (rc)
			return rc;
		if (check_unit && !c->system && !ev_can_village(c, EV_READ_PERMS, u.path) && !access_touches(c, u.path))
			return ctx_fail(c, RC_NOT_FOUND, "单位不存在");
		buf_adds(w, " AND v.path LIKE ?");
		db_args_text(a, arena_printf(c->arena, "%s%%", u.path));
	}
	if (department_id) {
		buf_adds(w, " AND e.department_id = ?");
		db_args_int(a, department_id);
	}
	if (category_id) {
		buf_adds(w, " AND e.category_id = ?");
		db_args_int(a, category_id);
	}
	if (channel_id) {
		buf_adds(w, " AND e.channel_id = ?");
		db_args_int(a, channel_id);
	}
	return RC_OK;
}

const char *events_visible_sql(struct ctx *c, struct db_args *a)
{
	const char *vis = ev_visible_sql(c, a);
	return arena_printf(c->arena, "e.id IN (SELECT e.id FROM events e JOIN org_units v ON v.id = e.village_id "
				      "LEFT JOIN org_units d ON d.id = e.department_id WHERE %s)", vis);
}
