/* The points demo's other villages: each with a cadre who awards and deducts over the
 * months and households that activate their accounts (see demo_points_internal.h). */
#include "cli/demo.h"
#include "cli/demo_points_internal.h"
#include "domain/register/account.h"
#include "util/timeutil.h"

/* ---- the other villages: a cadre who awards and deducts ---- */

static const char *const cadre_names[] = {"王德明", "刘建华", "张永福", "陈志强", "杨春林", "赵国平",
					  "黄俊", "周海涛", "吴秀云", "徐建平", "孙红梅", "马卫东",
					  "朱德胜", "胡玉兰", "郭春生", "何志明", "高丽萍", "林永刚"};

int dp_other_cadre(struct ctx *c, int64_t village, int i, struct actor *a)
{
	int64_t uid = demo_user_with(c, "cadre", village);
	if (!uid) {
		char phone[24];
		snprintf(phone, sizeof(phone), "139000010%02d", i + 1);
		int rc = account_user_add(c, phone, cadre_names[i % ARRAY_SIZE(cadre_names)], DEMO_PASSWORD, &uid);
		if (!rc)
			rc = account_grant(c, uid, "cadre", village);
		if (rc)
			return rc;
	}
	return demo_actor_load(c, uid, a);
}

int dp_households_of(struct ctx *c, int64_t village, int64_t *out, int max, int *n)
{
	*n = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id FROM households WHERE village_id = ? ORDER BY id", "i", village);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取住户");
	while (*n < max && db_step(st) == DB_ROW)
		out[(*n)++] = db_col_int(st, 0);
	db_finalize(st);
	return RC_OK;
}

/* The households of another village that activate an account over the months: in each
 * group a share between 5 and 15 % (5–13 % rounded up; the village's own, from a
 * generator of its own, so the rest of the demo is as before), evenly spread over the
 * group's households, each on a day of the history. */
int dp_other_activations(struct ctx *c, struct other *o, int64_t d0)
{
	struct rng r = {0x61637469766174ULL ^ (uint64_t)o->id * 0x9e3779b97f4a7c15ULL};
	o->act_resident = calloc(MAX_HH, sizeof(*o->act_resident));
	o->act_day = calloc(MAX_HH, sizeof(*o->act_day));
	if (!o->act_resident || !o->act_day)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(
		c->db,
		"SELECT COALESCE(h.group_id, 0), (SELECT min(x.id) FROM residents x WHERE x.household_id = h.id AND "
		"x.phone IS NOT NULL AND x.phone <> '' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.resident_id = x.id)) "
		"FROM households h WHERE h.village_id = ? ORDER BY COALESCE(h.group_id, 0), h.id",
		"i", o->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取住户");
	int64_t group = -1;
	int share = 0, k = 0, owed = 0;
	while (o->nact < MAX_HH && db_step(st) == DB_ROW) {
		int64_t g = db_col_int(st, 0), resident = db_col_int(st, 1);
		if (g != group) {
			group = g;
			share = rng_range(&r, 5, 13);
			k = owed = 0;
		}
		/* share% of the group's households, rounded up (the first one in): one without
		 * a phone passes its turn to the next household with one */
		if ((k++ * share) % 100 < share)
			owed++;
		if (!resident || !owed)
			continue;
		owed--;
		o->act_resident[o->nact] = resident;
		o->act_day[o->nact++] = (int)(d0 + rng_range(&r, 1, HISTORY_DAYS - 5));
	}
	db_finalize(st);
	return RC_OK;
}

int dp_other_day(struct ctx *c, struct other *o, struct rng *r, int64_t day, int64_t d0, int64_t today,
		 int64_t *batch)
{
	int y, m, dom;
	time_civil_from_days(day, &y, &m, &dom);
	int rc = RC_OK;
	int64_t uid;
	/* a villager activates: the code handed out in the morning, the phone in the evening */
	for (int i = 0; !rc && i < o->nact; i++)
		if (o->act_day[i] == day)
			rc = dp_activation(c, &o->cadre, o->act_resident[i], demo_at(day, 8, 40), demo_at(day, 20, 10),
					   "10.0.0.2", &uid);
	if (!rc && day == d0 + 12 + (o->id % 5)) {
		int n = dp_some_households(r, o->hh, o->nhh, 20, batch, 0);
		rc = dp_award(c, &o->cadre, dp_rule_named(o->rules, o->nrules, "按时缴纳医保和养老保险"), batch, n, day,
			      demo_at(day, 15, 0), "据镇社保所名单，本户已按时缴纳城乡居民医保和养老保险");
	}
	if (!rc && ((dom == 18 && m % 2) || (dom == 1 && m % 3 == 0))) {
		int n = dp_some_households(r, o->hh, o->nhh, dom == 18 ? 6 : 4, batch, 0);
		rc = dp_award(c, &o->cadre, dp_rule_named(o->rules, o->nrules, dom == 18 ? "参加村民大会" : "参加志愿劳动"), batch, n,
			      day, demo_at(day, 15, 10), dom == 18 ? "参加本月村民大会，会议签到表存档" : "参加村里组织的清扫村道义务劳动");
	}
	if (!rc && (day - d0 + o->id) % 45 == 0 && day < today - 3)
		rc = dp_deduct(c, &o->cadre, o->rules, o->nrules, (int)(o->id + day), o->hh[rng_range(r, 0, o->nhh - 1)], day,
			       demo_at(day, 15, 20));
	if (!rc && dom == 3 && day > d0 + 20)
		rc = dp_publish_month(c, &o->cadre, o->id, day, demo_at(day, 10, 0));
	return rc;
}
