/* Acting as someone in the demo (demo_actor.h). */
#include "cli/demo_actor.h"
#include "util/timeutil.h"

static int load(struct ctx *c, struct actor *a, const char *where, const char *types, const void *arg)
{
	memset(a, 0, sizeof(*a));
	char *sql = arena_printf(c->arena, "SELECT u.id, u.name, u.phone, g.role, g.unit_id, o.kind, o.path, "
					   "COALESCE(u.resident_id, 0), COALESCE(r.household_id, 0) FROM users u "
					   "JOIN role_grants g ON g.user_id = u.id JOIN org_units o ON o.id = g.unit_id "
					   "LEFT JOIN residents r ON r.id = u.resident_id WHERE %s ORDER BY g.id", where);
	if (!sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = types[0] == 'i' ? db_query(c->db, sql, "i", *(const int64_t *)arg)
					     : db_query(c->db, sql, "t", (const char *)arg);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取用户");
	while (db_step(st) == DB_ROW && a->ngrants < CTX_MAX_GRANTS) {
		a->user_id = db_col_int(st, 0);
		str_copy(a->name, sizeof(a->name), db_col_text(st, 1));
		str_copy(a->phone, sizeof(a->phone), db_col_text(st, 2));
		struct grant *g = &a->grants[a->ngrants++];
		str_copy(g->role, sizeof(g->role), db_col_text(st, 3));
		g->unit_id = db_col_int(st, 4);
		str_copy(g->unit_kind, sizeof(g->unit_kind), db_col_text(st, 5));
		str_copy(g->path, sizeof(g->path), db_col_text(st, 6));
		a->resident_id = db_col_int(st, 7);
		a->household_id = db_col_int(st, 8);
	}
	db_finalize(st);
	return a->ngrants ? RC_OK : ctx_fail(c, RC_INTERNAL, "演示数据：用户没有角色");
}

int demo_actor_load(struct ctx *c, int64_t user_id, struct actor *a)
{
	return load(c, a, "u.id = ?", "i", &user_id);
}

int demo_actor_phone(struct ctx *c, const char *phone, struct actor *a)
{
	return load(c, a, "u.phone = ?", "t", phone);
}

int64_t demo_user_with(struct ctx *c, const char *role, int64_t unit_id)
{
	int64_t id = 0;
	if (db_get_int(c->db, &id, "SELECT user_id FROM role_grants WHERE role = ? AND unit_id = ? ORDER BY id LIMIT 1",
		       "ti", role, unit_id) != DB_OK)
		return 0;
	return id;
}

struct ctx demo_as(const struct ctx *c, const struct actor *a, int64_t t)
{
	struct ctx x = *c;
	x.actor = a;
	x.now = t;
	x.system = a == NULL;
	return x;
}

int demo_up(struct ctx *c, const struct ctx *x, int rc)
{
	if (rc)
		c->err = x->err;
	return rc;
}

int64_t demo_at(int64_t day, int hour, int minute)
{
	return time_cn_midnight(day) + hour * 3600 + minute * 60;
}

void demo_bulk_load(struct ctx *c, bool on)
{
	if (db_engine(c->db) == DB_SQLITE)
		db_exec(c->db, on ? "PRAGMA synchronous=NORMAL;" : "PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(FULL);");
	else
		db_exec(c->db, on ? "SET synchronous_commit TO off;" : "SET synchronous_commit TO on;");
}
