/* The village's public page 村务公开主页 and its QR code. */
#include "domain/points/points.h"
#include "domain/portal/portal.h"
#include "http/portal/portal.h"
#include "util/qr.h"

#define PORTAL_QR_MODULE 8
#define PORTAL_QR_MAX (256u << 10)

/* The page's address in the villager app (/v/<village>), absolute when the server knows
 * its public address. */
static const char *page_url(struct req *r, int64_t village_id)
{
	const char *base = req_public_base(r);
	return arena_printf(r->ctx.arena, "%s/v/%lld", base ? base : "", (long long)village_id);
}

int api_public_village(struct req *r)
{
	int64_t id;
	struct portal_village p;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = portal_village_get(&r->ctx, id, &p)))
		return rc;
	json_t *rules = json_array();
	for (int i = 0; i < p.nrules; i++)
		json_array_append_new(rules, json_pack("{s:s, s:s, s:I, s:s, s:s}", "category", p.rules[i].category,
						       "name", p.rules[i].name, "points", (json_int_t)p.rules[i].points,
						       "claim_by", p.rules[i].claim_by, "claim_by_label",
						       rules_claim_by_label(p.rules[i].claim_by)));
	json_t *notices = json_array();
	for (int i = 0; i < p.nnotices; i++)
		json_array_append_new(notices,
				      json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)p.notices[i].id,
						"unit_name", p.notices[i].unit_name, "title", p.notices[i].title, "body",
						p.notices[i].body, "importance", p.notices[i].importance, "published_at",
						json_time(p.notices[i].published_at), "ends_at",
						p.notices[i].ends_at ? json_time(p.notices[i].ends_at) : json_null()));
	const char *url = page_url(r, id);
	r->out = json_pack("{s:{s:I, s:s, s:s}, s:o, s:o, s:s}", "village", "id", (json_int_t)p.village.id, "name",
			   p.village.name, "town_name", p.town_name, "rules", rules, "notices", notices, "url",
			   url ? url : "");
	return RC_OK;
}

int api_public_village_qr(struct req *r)
{
	int64_t id;
	struct org_unit v;
	int rc = req_path_id(r, "id", &id);
	if (rc || (rc = org_get(&r->ctx, id, &v)))
		return rc;
	if (strcmp(v.kind, "village"))
		return ctx_fail(&r->ctx, RC_NOT_FOUND, "村不存在");
	const char *url = page_url(r, id);
	if (!url || url[0] == '/')
		return ctx_fail(&r->ctx, RC_INVALID, "无法确定本站的公开地址");
	struct buf b;
	buf_init(&b, PORTAL_QR_MAX);
	if (qr_svg(url, PORTAL_QR_MODULE, &b) || b.failed) {
		buf_release(&b);
		return ctx_fail(&r->ctx, RC_INTERNAL, "生成二维码失败");
	}
	req_reply_bytes(r, 200, "image/svg+xml", NULL, b.ptr, b.len);
	buf_release(&b);
	return RC_OK;
}
