/* The demo county generator: deterministic org units, households, residents and one
 * login per role (see demo.h), and the order the other demo files' data is added in.
 * All randomness comes from a seeded splitmix64 (demo_people.h). The households and
 * residents are made in demo_people.c, the rule catalog, shop and notices in
 * demo_seed.c. */
#include "cli/demo_people.h"
#include "cli/demo_actor.h"
#include "cli/demo_disputes.h"
#include "cli/demo_finance.h"
#include "cli/demo_party.h"
#include "cli/demo_points.h"
#include "cli/demo_evaluations.h"
#include "cli/demo_transparency.h"
#include "cli/demo_voice.h"
#include "domain/events/events.h"
#include "domain/finance/finance.h"
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/notices/notices.h"
#include "domain/points/rules.h"
#include "domain/register/grids.h"
#include "domain/shop/shop.h"
#include "util/crypto.h"
#include "util/timeutil.h"

/* ---- the county ---- */

static const char *const town_names[] = {"河口镇", "石桥镇"};
#define VILLAGES_PER_TOWN 9

static const struct village_spec village_specs[] = {
	{"青山村", 0, 1, -62}, {"柳溪村", 5, 3, 41},  {"桃园村", 2, 14, -17}, {"石门村", 4, 19, 58},
	{"杨柳村", 5, 0, -33}, {"龙泉村", 9, 7, 12},  {"白果村", 3, 10, 74},  {"新华村", 1, 16, -51},
	{"双河村", 11, 4, -8}, {"红岩村", 6, 12, 27}, {"金竹村", 8, 2, -44},  {"三合村", 13, 0, 66},
	{"凤凰村", 7, 18, -25}, {"槐树村", 15, 1, 3}, {"水井村", 10, 5, 49},  {"清水村", 17, 3, -70},
	{"松林村", 12, 9, 19}, {"团结村", 0, 20, -29},
};

#define COUNTY_HOUSEHOLDS 10000
#define COUNTY_AVERAGE 555
#define VILLAGE_SCALE_HOUSEHOLDS 300

/* The county seat; villages lie on a 6 × 3 grid around it (microdegrees). */
#define BASE_LAT_E6 29150000
#define BASE_LNG_E6 103880000

/* ---- the staff accounts ---- */

enum staff_unit { U_COUNTY, U_TOWN1, U_VILLAGE1, U_VILLAGE2, U_GRID1, U_DEPT1 };

struct staff {
	const char *role;
	enum staff_unit unit;
	const char *phone;
	const char *name;
};

static const struct staff staff[] = {
	{"county_admin", U_COUNTY, "13900000001", "何建平"},
	{"town_official", U_TOWN1, "13900000002", "孙丽华"},
	{"cadre", U_VILLAGE1, "13900000003", "李国华"},
	{"cadre", U_VILLAGE2, "13900000013", "陈建军"},
	{"clerk", U_VILLAGE1, "13900000004", "王芳"},
	{"grid_worker", U_VILLAGE1, "13900000005", "刘强"},
	{"grid_worker", U_GRID1, "13900000009", "赵磊"},
	{"assessor", U_VILLAGE1, "13900000006", "张秀兰"},
	{"handler", U_DEPT1, "13900000007", "黄明"},
	{"inspector", U_COUNTY, "13900000008", "吴静"},
	{"operator", U_COUNTY, "13900000010", "周敏"},
};

/* ---- org units and accounts ---- */

static int make_unit(struct ctx *c, struct demo_logins *out, int64_t parent, const char *kind,
		     const char *code, const char *name, int64_t *id)
{
	struct org_input in = {.parent_id = parent, .kind = kind, .code = code, .name = name};
	int rc = org_create(c, &in, id);
	if (rc == RC_OK)
		out->units++;
	return rc;
}

static int add_login(struct ctx *c, struct demo_logins *out, const char *role, int64_t unit_id,
		     const char *unit_name, const char *phone, const char *name, int64_t *user_id)
{
	const struct role_def *def = access_role(role);
	if (!def || out->n >= DEMO_LOGINS_MAX)
		return ctx_fail(c, RC_INTERNAL, "演示数据：角色 %s 有误", role);
	int rc = account_user_add(c, phone, name, DEMO_PASSWORD, user_id);
	if (!rc)
		rc = account_grant(c, *user_id, role, unit_id);
	if (rc)
		return rc;
	struct demo_login *l = &out->logins[out->n++];
	str_copy(l->role, sizeof(l->role), role);
	str_copy(l->role_label, sizeof(l->role_label), def->label);
	str_copy(l->unit_name, sizeof(l->unit_name), unit_name);
	str_copy(l->name, sizeof(l->name), name);
	str_copy(l->phone, sizeof(l->phone), phone);
	str_copy(l->password, sizeof(l->password), DEMO_PASSWORD);
	return RC_OK;
}

/* Lists an account a module made (the 报账员) among the logins, before the villager's,
 * which stays last. */
static int list_login(struct ctx *c, struct demo_logins *out, const char *phone, const char *unit_name)
{
	struct actor a;
	int rc = demo_actor_phone(c, phone, &a);
	if (rc || out->n < 1 || out->n >= DEMO_LOGINS_MAX)
		return rc;
	const struct role_def *def = access_role(a.grants[0].role);
	out->logins[out->n] = out->logins[out->n - 1];
	struct demo_login *l = &out->logins[out->n - 1];
	out->n++;
	str_copy(l->role, sizeof(l->role), a.grants[0].role);
	str_copy(l->role_label, sizeof(l->role_label), def ? def->label : a.grants[0].role);
	str_copy(l->unit_name, sizeof(l->unit_name), unit_name);
	str_copy(l->name, sizeof(l->name), a.name);
	str_copy(l->phone, sizeof(l->phone), a.phone);
	str_copy(l->password, sizeof(l->password), DEMO_PASSWORD);
	return RC_OK;
}

/* Links the villager's account to their resident record, in the village's audit chain. */
static int link_resident(struct ctx *c, int64_t village_id, int64_t user_id, int64_t resident_id)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int dbrc = db_run(c->db, "UPDATE users SET resident_id = ?, updated_at = ? WHERE id = ?", "iii",
			  resident_id, c->now, user_id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "关联村民账号"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "resident_id", resident_id);
	audit_snap_end(&after);
	rc = audit_record(c, village_id, "user", user_id, "link_resident", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* ---- grids ---- */

#define DEMO_GRIDS 3
static const char *const grid_names[DEMO_GRIDS] = {"东片网格", "中片网格", "西片网格"};

/* Divides the village into DEMO_GRIDS strips from east to west over its households'
 * coordinates, draws each as a rectangle and places the households inside. */
static int make_grids(struct ctx *c, struct demo_logins *out, struct village *v, const char *vcode,
		      int64_t *first)
{
	int64_t lat0, lat1, lng0, lng1;
	if (db_get_int(c->db, &lat0, "SELECT min(lat_e6) FROM households WHERE village_id = ?", "i", v->id) ||
	    db_get_int(c->db, &lat1, "SELECT max(lat_e6) FROM households WHERE village_id = ?", "i", v->id) ||
	    db_get_int(c->db, &lng0, "SELECT min(lng_e6) FROM households WHERE village_id = ?", "i", v->id) ||
	    db_get_int(c->db, &lng1, "SELECT max(lng_e6) FROM households WHERE village_id = ?", "i", v->id))
		return ctx_db_fail(c, DB_ERROR, "读取住户位置");
	lat0 -= 500, lat1 += 500, lng0 -= 500, lng1 += 500;
	for (int k = 0; k < DEMO_GRIDS; k++) {
		char code[ORG_CODE_MAX + 1];
		snprintf(code, sizeof(code), "%s-W%d", vcode, k + 1);
		int64_t id, assigned;
		int rc = make_unit(c, out, v->id, "grid", code, grid_names[k], &id);
		if (rc)
			return rc;
		if (k == 0)
			*first = id;
		/* east first: the strips run from the largest longitude down */
		double e = (double)(lng1 - (lng1 - lng0) * k / DEMO_GRIDS) / 1e6;
		double w = (double)(lng1 - (lng1 - lng0) * (k + 1) / DEMO_GRIDS) / 1e6;
		double s = (double)lat0 / 1e6, n = (double)lat1 / 1e6;
		json_t *shape = json_pack("{s:s, s:[[[f,f],[f,f],[f,f],[f,f],[f,f]]]}", "type", "Polygon", "coordinates",
					  w, s, e, s, e, n, w, n, w, s);
		struct grid_input in = {.boundary = shape};
		rc = shape ? grids_update(c, id, &in) : ctx_fail(c, RC_INTERNAL, "内存不足");
		json_decref(shape);
		if (!rc)
			rc = grids_assign(c, id, &assigned);
		if (rc)
			return rc;
	}
	return RC_OK;
}

/* A few notices 通知 in every village, by its cadre (or the town or county above it). */
static int seed_notices(struct ctx *c, const struct village *villages, int n)
{
	int rc = RC_OK;
	for (int i = 0; !rc && i < n; i++)
		rc = notices_seed_demo(c, villages[i].id, 0);
	return rc;
}

/* ---- the API ---- */

int demo_scale_parse(const char *s, enum demo_scale *out)
{
	if (s && !strcmp(s, "county"))
		*out = DEMO_SCALE_COUNTY;
	else if (s && !strcmp(s, "village"))
		*out = DEMO_SCALE_VILLAGE;
	else
		return -1;
	return 0;
}

bool demo_exists(struct ctx *c)
{
	int64_t n = 0;
	return db_get_int(c->db, &n, "SELECT count(*) FROM org_units WHERE kind = 'county'", "") == DB_OK &&
	       n > 0;
}

int demo_create(struct ctx *c, enum demo_scale scale, struct demo_logins *out)
{
	memset(out, 0, sizeof(*out));
	if (!c->system)
		return ctx_fail(c, RC_FORBIDDEN, "演示数据只能从命令行生成");
	if (!c->keys)
		return ctx_fail(c, RC_INTERNAL, "演示数据：缺少密钥");
	int64_t n = 0;
	if (db_get_int(c->db, &n, "SELECT count(*) FROM org_units WHERE kind = 'county'", "") != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取单位");
	if (n > 0)
		return ctx_fail(c, RC_CONFLICT, "数据库中已有区县，不再生成演示数据");

	bool county = scale == DEMO_SCALE_COUNTY;
	int ntowns = county ? 2 : 1;
	int nvillages = county ? (int)ARRAY_SIZE(village_specs) : 1;
	struct village villages[ARRAY_SIZE(village_specs)];
	int64_t county_id = 0, town_ids[ARRAY_SIZE(town_names)] = {0};

	/* ages count to 2026-01-01, or to today when the clock is earlier */
	struct gen g = {.c = c, .out = out};
	g.ref_days = time_days_from_civil(2026, 1, 1);
	int64_t today = time_cn_days(c->now);
	if (today - 1 < g.ref_days)
		g.ref_days = today - 1;
	g.min_days = time_days_from_civil(1900, 1, 1);
	g.nseq = (g.ref_days - g.min_days + 1) * 2;
	g.seq = calloc((size_t)g.nseq, sizeof(*g.seq));
	if (!g.seq)
		return ctx_fail(c, RC_INTERNAL, "内存不足");

	demo_bulk_load(c, true);
	crypto_password_reuse(true); /* every demo account has the published demo password */
	int rc = make_unit(c, out, 0, "county", "DEMO", "青川县", &county_id);
	for (int t = 0; !rc && t < ntowns; t++) {
		char code[ORG_CODE_MAX + 1];
		snprintf(code, sizeof(code), "DEMO-T%d", t + 1);
		rc = make_unit(c, out, county_id, "town", code, town_names[t], &town_ids[t]);
	}
	for (int i = 0; !rc && i < nvillages; i++) {
		struct village *v = &villages[i];
		int t = i / VILLAGES_PER_TOWN;
		memset(v, 0, sizeof(*v));
		v->spec = &village_specs[i];
		v->r.s = 0x43756e7a68693230ULL ^ ((uint64_t)(i + 1) * 0x9e3779b97f4a7c15ULL);
		v->ngroups = rng_range(&v->r, 4, MAX_GROUPS);
		v->households = county ? COUNTY_AVERAGE + v->spec->offset : VILLAGE_SCALE_HOUSEHOLDS;
		v->lat_e6 = BASE_LAT_E6 + (i / 6) * 35000;
		v->lng_e6 = BASE_LNG_E6 + (i % 6) * 40000;
		char code[ORG_CODE_MAX + 1];
		snprintf(code, sizeof(code), "DEMO-T%d-V%02d", t + 1, i % VILLAGES_PER_TOWN + 1);
		rc = make_unit(c, out, town_ids[t], "village", code, v->spec->name, &v->id);
		for (int k = 0; !rc && k < v->ngroups; k++) {
			char gcode[ORG_CODE_MAX + 1];
			snprintf(gcode, sizeof(gcode), "DEMO-T%d-V%02d-G%d", t + 1, i % VILLAGES_PER_TOWN + 1,
				 k + 1);
			rc = make_unit(c, out, v->id, "group", gcode, demo_group_names[k], &v->groups[k]);
		}
	}
	/* the points rule catalog: the county template, adopted by every village */
	if (!rc)
		rc = rules_seed_demo(c, county_id);
	if (rc)
		goto cleanup;
	if (county) {
		/* the last village takes up the rest, so the county has exactly 10,000 */
		int sum = 0;
		for (int i = 0; i < nvillages - 1; i++)
			sum += villages[i].households;
		villages[nvillages - 1].households = COUNTY_HOUSEHOLDS - sum;
	}

	/* the register: one transaction for all households and residents */
	if ((rc = ctx_begin(c)))
		goto cleanup;
	for (int i = 0; !rc && i < nvillages; i++)
		rc = demo_fill_village(&g, &villages[i]);
	if ((rc = ctx_end(c, rc)))
		goto cleanup;
	int64_t grid1 = 0;
	for (int i = 0; !rc && i < nvillages; i++) {
		struct org_unit vu;
		rc = org_get(c, villages[i].id, &vu);
		int64_t first = 0;
		if (!rc)
			rc = make_grids(c, out, &villages[i], vu.code, &first);
		if (i == 0)
			grid1 = first;
	}
	if (rc)
		goto cleanup;

	/* the events settings: departments (where the handler works) and categories */
	int64_t dept1 = 0, town_dept = 0;
	if ((rc = events_seed_settings(c, county_id, town_ids[0], &dept1, &town_dept)))
		goto cleanup;

	/* the logins */
	int64_t clerk_id = 0, handler_id = 0;
	for (size_t i = 0; !rc && i < ARRAY_SIZE(staff); i++) {
		const struct staff *s = &staff[i];
		if (s->unit == U_VILLAGE2 && nvillages < 2)
			continue;
		int64_t unit = s->unit == U_COUNTY ? county_id
			     : s->unit == U_TOWN1  ? town_ids[0]
			     : s->unit == U_VILLAGE1 ? villages[0].id
			     : s->unit == U_GRID1 ? grid1
			     : s->unit == U_DEPT1 ? dept1
						     : villages[1].id;
		char grid_name[80];
		snprintf(grid_name, sizeof(grid_name), "%s%s", villages[0].spec->name, grid_names[0]);
		const char *unit_name = s->unit == U_COUNTY ? "青川县"
				      : s->unit == U_TOWN1  ? town_names[0]
				      : s->unit == U_GRID1  ? grid_name
				      : s->unit == U_DEPT1  ? "县住建局"
							    : villages[s->unit == U_VILLAGE1 ? 0 : 1].spec->name;
		int64_t uid;
		rc = add_login(c, out, s->role, unit, unit_name, s->phone, s->name, &uid);
		if (!rc && !strcmp(s->role, "clerk"))
			clerk_id = uid;
		if (!rc && !strcmp(s->role, "handler"))
			handler_id = uid;
	}
	if (!rc) {
		int64_t uid;
		rc = add_login(c, out, "villager", villages[0].id, villages[0].spec->name, g.villager_phone,
			       g.villager_name, &uid);
		if (!rc)
			rc = link_resident(c, villages[0].id, uid, g.villager_resident);
	}
	/* the points shop of village 1, stocked by its clerk (at county scale half a year
	   before the points history begins) */
	if (!rc) {
		int64_t saved_now = c->now;
		if (county)
			c->now -= 200 * 86400LL;
		rc = shop_seed_demo(c, villages[0].id, clerk_id);
		c->now = saved_now;
	}
	if (!rc)
		rc = seed_notices(c, villages, nvillages);
	/* 积分制: half a year of claims, 公示, rankings and the counter (county scale only) */
	if (!rc && county) {
		int64_t ids[ARRAY_SIZE(village_specs)];
		for (int i = 0; i < nvillages; i++)
			ids[i] = villages[i].id;
		rc = points_seed_demo(c, ids, nvillages);
	}
	/* events 民情 over the last months, most in village 1 */
	if (!rc) {
		int64_t vids[ARRAY_SIZE(village_specs)];
		for (int i = 0; i < nvillages; i++)
			vids[i] = villages[i].id;
		rc = events_seed_demo(c, county_id, town_ids, ntowns, vids, nvillages, handler_id);
		if (!rc)
			rc = events_seed_media_demo(c, county_id, vids[0]);
		if (!rc)
			rc = lists_seed_demo(c, county_id, vids, nvillages);
		/* 三务公开 and 大事记: a year of disclosures, two years of the timeline */
		if (!rc)
			rc = transparency_seed_demo(c, county_id, town_ids[0], vids, nvillages);
		if (!rc)
			rc = finance_seed_demo(c, vids, nvillages);
		if (!rc)
			rc = list_login(c, out, "13900000021", villages[0].spec->name);
		/* the 大喇叭, loudspeakers and 村民说事 */
		if (!rc)
			rc = voice_seed_demo(c, town_ids[0], vids, nvillages);
		/* grid work: tags, patrols, visits */
		if (!rc)
			rc = grid_seed_demo(c, county_id, vids, nvillages);
		/* party building: branches, members, a year of meetings */
		if (!rc)
			rc = party_seed_demo(c, county_id, town_ids[0], vids, nvillages);
		/* evaluations: a published 美丽庭院 campaign and one in scoring */
		if (!rc)
			rc = evaluations_seed_demo(c, vids, nvillages);
		/* disputes 矛盾纠纷 with mediation and a 汛情 emergency */
		if (!rc)
			rc = disputes_seed_demo(c, county_id, vids, nvillages);
		if (!rc)
			rc = voice_demo_speak(c);
	}

cleanup:
	crypto_password_reuse(false);
	demo_bulk_load(c, false);
	free(g.seq);
	return rc;
}
