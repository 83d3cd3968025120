/* The village's public page: its rules in force and its current notices. */
#include "domain/portal/portal.h"
#include "util/timeutil.h"

static const char *dup(struct ctx *c, const char *s)
{
	return arena_strndup(c->arena, s, strlen(s));
}

static enum result read_rules(struct ctx *c, const struct org_unit *v, struct portal_village *out)
{
	char today[11];
	time_format_date(c->now, today);
	/* the village's own catalogue (adopted templates are copied into it), awards first */
	struct db_stmt *st = db_query(c->db,
				      "SELECT category, name, points, claim_by FROM point_rules WHERE unit_id = ? "
				      "AND retired_version IS NULL AND (valid_from IS NULL OR valid_from <= ?) "
				      "AND (valid_to IS NULL OR valid_to >= ?) "
				      "ORDER BY CASE WHEN points < 0 THEN 1 ELSE 0 END, category, points DESC, id",
				      "itt", v->id, today, today);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取积分事项");
	out->rules = arena_alloc(c->arena, sizeof(*out->rules) * PORTAL_RULES_MAX);
	while (out->rules && out->nrules < PORTAL_RULES_MAX && db_step(st) == DB_ROW) {
		struct portal_rule *r = &out->rules[out->nrules++];
		r->category = dup(c, db_col_text(st, 0));
		r->name = dup(c, db_col_text(st, 1));
		r->points = db_col_int(st, 2);
		r->claim_by = dup(c, db_col_text(st, 3));
	}
	db_finalize(st);
	return out->rules ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

static enum result read_notices(struct ctx *c, const struct org_unit *v, struct portal_village *out)
{
	/* notices to the village, its town or its county: the units whose path starts the
	 * village's path */
	struct db_stmt *st = db_query(c->db,
				      "SELECT n.id, u.name, n.title, n.body, n.importance, n.published_at, "
				      "COALESCE(n.ends_at, 0) FROM notices n JOIN org_units u ON u.id = n.unit_id "
				      "WHERE substr(?, 1, length(u.path)) = u.path AND n.withdrawn_at IS NULL "
				      "AND (n.ends_at IS NULL OR n.ends_at > ?) "
				      "ORDER BY CASE WHEN n.importance = 'important' THEN 0 ELSE 1 END, n.published_at DESC, n.id DESC "
				      "LIMIT ?",
				      "tii", v->path, c->now, (int64_t)PORTAL_NOTICES_MAX);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取通知");
	out->notices = arena_alloc(c->arena, sizeof(*out->notices) * PORTAL_NOTICES_MAX);
	while (out->notices && out->nnotices < PORTAL_NOTICES_MAX && db_step(st) == DB_ROW) {
		struct portal_notice *n = &out->notices[out->nnotices++];
		n->id = db_col_int(st, 0);
		n->unit_name = dup(c, db_col_text(st, 1));
		n->title = dup(c, db_col_text(st, 2));
		n->body = dup(c, db_col_text(st, 3));
		n->importance = dup(c, db_col_text(st, 4));
		n->published_at = db_col_int(st, 5);
		n->ends_at = db_col_int(st, 6);
	}
	db_finalize(st);
	return out->notices ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}

enum result portal_village_get(struct ctx *c, int64_t village_id, struct portal_village *out)
{
	memset(out, 0, sizeof(*out));
	int rc = org_get(c, village_id, &out->village);
	if (rc == RC_OK && strcmp(out->village.kind, "village"))
		rc = ctx_fail(c, RC_NOT_FOUND, "村不存在");
	if (rc)
		return rc;
	struct org_unit town;
	if (out->village.parent_id && org_get(c, out->village.parent_id, &town) == RC_OK)
		str_copy(out->town_name, sizeof(out->town_name), town.name);
	if ((rc = read_rules(c, &out->village, out)))
		return rc;
	return read_notices(c, &out->village, out);
}
