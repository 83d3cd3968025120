/* The county's grid settings (see grid.h): patrol norms, position retention and the
 * optional tile server of every map, read for a unit and changed by the county admin.
 */
#include "domain/grid/internal.h"

#include <ctype.h>

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
	int rc = gr_readable_county(c, &county_id, &u);
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
	int rc = gr_county_admin(c, county_id, &u, "网格设置");
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
	if ((rc = gr_county_tags(c, county_id, &all, &nall)))
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
				      ctx_actor_id(c), c->now, in->tile_url, in->tile_attribution);
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
