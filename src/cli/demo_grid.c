/* Demo data of grid work 网格: the county's settings and visit frequencies, attribute
 * tags on a believable share of the households (党员户 where a resident is a party
 * member), three months of patrols 一日三巡 by the two grid workers of 青山村 with
 * walked tracks inside their grids (most days compliant, some patrols short or
 * straying out of the grid), findings of which some were reported as events, visits to
 * the households that need them (a couple overdue) and today's last positions. Every
 * record goes through the grid feature as the worker at the time it happened, so the
 * figures are the server's own. Other villages get tags only. Deterministic. */
#include <math.h>

#include "cli/demo.h"
#include "cli/demo_actor.h"
#include "cli/demo_rng.h"
#include "domain/events/events.h"
#include "domain/grid/grid.h"
#include "domain/register/grids.h"
#include "util/timeutil.h"

static int64_t tag_id(struct ctx *c, const char *name)
{
	int64_t id = 0;
	db_get_int(c->db, &id, "SELECT id FROM tags WHERE county_id IS NULL AND name = ?", "t", name);
	return id;
}

/* ---- tags ---- */

struct share {
	const char *name;
	int permille;        /* of households, in village 1; a third of it elsewhere */
};
static const struct share shares[] = {
	{"脱贫户", 80}, {"监测户", 30}, {"低保户", 50}, {"特困户", 12}, {"残疾人户", 40}, {"独居老人", 45},
	{"空巢老人", 80}, {"留守儿童", 55}, {"退役军人", 40}, {"重点关注人员", 10}, {"美丽庭院户", 100},
	{"文明家庭", 80}, {"外出务工", 200}, {"出租房", 20}, {"危房", 10}, {"五保户", 10}, {"军属", 20},
	{"志愿者", 50},
};

static int tag_village(struct ctx *c, struct xrng *r, int64_t village_id, const struct actor *who, bool main)
{
	int64_t ids[ARRAY_SIZE(shares)], party = tag_id(c, "党员户");
	for (size_t k = 0; k < ARRAY_SIZE(shares); k++)
		ids[k] = tag_id(c, shares[k].name);
	struct db_stmt *st = db_query(c->db, "SELECT h.id, (SELECT count(*) FROM residents p WHERE p.household_id = h.id "
					     "AND p.party_member > 0) FROM households h WHERE h.village_id = ? ORDER BY h.id",
				      "i", village_id);
	int64_t *hh = NULL, *pm = NULL;
	int n = 0, cap = 0, cap2 = 0;
	while (st && db_step(st) == DB_ROW) {
		int c2 = cap2;
		if (!(hh = arena_grow(c->arena, hh, &cap, n, sizeof(*hh))) ||
		    !(pm = arena_grow(c->arena, pm, &c2, n, sizeof(*pm))))
			break;
		cap2 = c2;
		hh[n] = db_col_int(st, 0);
		pm[n++] = db_col_int(st, 1);
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取住户");
	int rc = RC_OK;
	for (int i = 0; !rc && i < n; i++) {
		int64_t set[ARRAY_SIZE(shares) + 1];
		int ns = 0;
		if (pm[i] && (main || xrng_range(r, 0, 2) == 0))
			set[ns++] = party;
		for (size_t k = 0; k < ARRAY_SIZE(shares); k++)
			if (xrng_range(r, 0, 999) < (main ? shares[k].permille : shares[k].permille / 3))
				set[ns++] = ids[k];
		/* the demo villager's household (0001) is plainly a party household */
		if (!ns)
			continue;
		/* set over the weeks before the patrols began */
		struct ctx x = demo_as(c, who, c->now - (int64_t)xrng_range(r, 100, 130) * 86400 - xrng_range(r, 0, 30000));
		rc = grid_household_tags_set(&x, hh[i], set, ns);
		if (rc)
			c->err = x.err;
	}
	return rc;
}

/* Tags about a person, on the people of 青山村's tagged households: the head of a
 * household of 退役军人, 残疾人户 or 独居老人, the youngest child of a household whose
 * parents work away (留守儿童), set by the cadre soon after the household's tags. */
struct person_rule {
	const char *household_tag, *person_tag;
	bool youngest;
};
static const struct person_rule person_rules[] = {
	{"退役军人", "退役军人", false}, {"残疾人户", "残疾人户", false}, {"独居老人", "独居老人", false},
	{"留守儿童", "留守儿童", true}, {"外出务工", "外出务工", false},
};

static int tag_people(struct ctx *c, struct xrng *r, int64_t village_id, const struct actor *who)
{
	int rc = RC_OK;
	for (size_t k = 0; !rc && k < ARRAY_SIZE(person_rules); k++) {
		const struct person_rule *pr = &person_rules[k];
		int64_t person = tag_id(c, pr->person_tag);
		/* each household with the tag: its head, or its youngest member */
		struct db_stmt *st = db_query(
			c->db,
			pr->youngest ? "SELECT (SELECT p.id FROM residents p WHERE p.household_id = h.id AND p.relation <> '户主' "
				       "ORDER BY p.birth_date DESC, p.id LIMIT 1) FROM households h JOIN household_tags ht ON "
				       "ht.household_id = h.id JOIN tags t ON t.id = ht.tag_id WHERE h.village_id = ? AND t.name = ? "
				       "ORDER BY h.id"
				     : "SELECT (SELECT p.id FROM residents p WHERE p.household_id = h.id ORDER BY "
				       "CASE WHEN p.relation = '户主' THEN 0 ELSE 1 END, p.id LIMIT 1) FROM households h JOIN "
				       "household_tags ht ON ht.household_id = h.id JOIN tags t ON t.id = ht.tag_id WHERE "
				       "h.village_id = ? AND t.name = ? ORDER BY h.id",
			"it", village_id, pr->household_tag);
		int64_t *ids = NULL;
		int n = 0, cap = 0;
		while (st && db_step(st) == DB_ROW) {
			if (!db_col_int(st, 0))
				continue;
			if (!(ids = arena_grow(c->arena, ids, &cap, n, sizeof(*ids))))
				break;
			ids[n++] = db_col_int(st, 0);
		}
		db_finalize(st);
		if (!st)
			return ctx_db_fail(c, DB_ERROR, "读取村民");
		/* 外出务工: a few of the people who work away, not every household's head */
		for (int i = 0; !rc && i < n; i++) {
			if (!pr->youngest && !strcmp(pr->person_tag, "外出务工") && xrng_range(r, 0, 2))
				continue;
			struct ctx x = demo_as(c, who, c->now - (int64_t)xrng_range(r, 90, 99) * 86400 - xrng_range(r, 0, 30000));
			int64_t hh;
			/* what the person carries already stays */
			int64_t set[8];
			int ns = 0;
			struct db_stmt *cur = db_query(c->db, "SELECT tag_id FROM resident_tags WHERE resident_id = ?", "i", ids[i]);
			while (cur && ns < 7 && db_step(cur) == DB_ROW)
				set[ns++] = db_col_int(cur, 0);
			db_finalize(cur);
			set[ns++] = person;
			rc = grid_resident_tags_set(&x, ids[i], set, ns, &hh);
			if (rc)
				c->err = x.err;
		}
	}
	return rc;
}

/* ---- patrols ---- */

struct box {
	double w, s, e, n;
};

static int grid_box(struct ctx *c, int64_t grid_id, struct box *b)
{
	struct grid g;
	int rc = grids_get(c, grid_id, &g);
	if (rc)
		return rc;
	json_t *j = g.boundary ? json_loads(g.boundary, 0, NULL) : NULL;
	json_t *ring = json_array_get(json_object_get(j, "coordinates"), 0);
	*b = (struct box){180, 90, -180, -90};
	size_t i;
	json_t *p;
	json_array_foreach(ring, i, p) {
		double x = json_number_value(json_array_get(p, 0)), y = json_number_value(json_array_get(p, 1));
		b->w = fmin(b->w, x), b->e = fmax(b->e, x), b->s = fmin(b->s, y), b->n = fmax(b->n, y);
	}
	json_decref(j);
	return b->w < b->e ? RC_OK : ctx_fail(c, RC_INTERNAL, "演示数据：网格没有边界");
}

static const char *const categories[] = {"安全隐患", "环境卫生", "道路设施", "森林防火", "矛盾纠纷"};
static const char *const notes[][3] = {
	{"村道边电线杆倾斜，电线下垂离地不足两米", "废弃鱼塘边没有护栏，小孩经常在附近玩耍", "老房子外墙开裂，雨后有掉砖"},
	{"河沟里堆了不少生活垃圾，散发异味", "垃圾房满了没人清运，周边污水横流", "路边焚烧秸秆，浓烟影响过往车辆"},
	{"路面塌陷一个大坑，晚上看不清容易摔", "桥头护栏松动", "路灯坏了三盏，晚上一片漆黑"},
	{"山脚有人上坟烧纸，已劝阻并熄灭火种", "林区边堆放干柴，防火隐患大", "防火宣传牌被风吹倒"},
	{"两户因宅基地边界争吵，已初步劝解", "邻里因排水沟堵塞起口角", "承包地灌溉用水发生争执"},
};

/* One walked patrol: points every minute, a walk that turns at the grid's edge, or
 * strays out of it. */
static int one_patrol(struct ctx *c, struct xrng *r, const struct actor *w, int64_t grid_id, const struct box *b,
		      int64_t t0, int minutes, bool stray, const int64_t *event_cats, int ncats)
{
	struct ctx x = demo_as(c, w, t0);
	int64_t id;
	int rc = grid_patrol_start(&x, grid_id, NULL, &id);
	struct track_point pts[GRID_BATCH_MAX];
	int n = 0;
	double margin = 0.0004;
	double lat = b->s + margin + xrng_unit(r) * (b->n - b->s - 2 * margin);
	double lng = b->w + margin + xrng_unit(r) * (b->e - b->w - 2 * margin);
	double heading = xrng_unit(r) * 2 * M_PI;
	double mlat = 1 / 111195.0, mlng = 1 / (111195.0 * cos(lat * M_PI / 180));
	for (int i = 0; !rc && i <= minutes && n < GRID_BATCH_MAX; i++) {
		pts[n++] = (struct track_point){.seq = i, .at = t0 + i * 60 + xrng_range(r, 0, 5),
						.lat_e6 = (int64_t)(lat * 1e6), .lng_e6 = (int64_t)(lng * 1e6)};
		double step = 45 + xrng_unit(r) * 25;   /* metres a minute, walking and stopping */
		heading += (xrng_unit(r) - 0.5) * 1.2;
		if (stray && i > minutes / 3)
			heading = M_PI / 2 * (0.8 + 0.4 * xrng_unit(r));   /* off to the east, out of the grid */
		double nlat = lat + cos(heading) * step * mlat, nlng = lng + sin(heading) * step * mlng;
		if (!stray && (nlat < b->s + margin || nlat > b->n - margin || nlng < b->w + margin || nlng > b->e - margin)) {
			heading += M_PI * (0.8 + 0.4 * xrng_unit(r));
			nlat = lat + cos(heading) * step * mlat;
			nlng = lng + sin(heading) * step * mlng;
			if (nlat < b->s || nlat > b->n || nlng < b->w || nlng > b->e)
				nlat = lat, nlng = lng;
		}
		lat = nlat, lng = nlng;
	}
	int64_t t_end = t0 + minutes * 60 + 30;
	int added = 0;
	if (!rc) {
		x = demo_as(c, w, t_end);
		rc = grid_patrol_points(&x, id, pts, n, &added);
	}
	/* now and then something is found on the way; some go on as events */
	if (!rc && xrng_range(r, 0, 9) == 0) {
		int k = xrng_range(r, 0, (int)ARRAY_SIZE(categories) - 1);
		const struct track_point *at = &pts[xrng_range(r, 0, n - 1)];
		struct grid_finding_input f = {
			.category = categories[k], .note = notes[k][xrng_range(r, 0, 2)], .has_location = true,
			.lat_e6 = at->lat_e6, .lng_e6 = at->lng_e6,
			.event_category_id = ncats && xrng_range(r, 0, 9) < 4 ? event_cats[xrng_range(r, 0, ncats - 1)] : 0,
		};
		int64_t fid;
		x = demo_as(c, w, at->at);
		rc = grid_finding_add(&x, id, &f, &fid);
	}
	if (!rc) {
		x = demo_as(c, w, t_end);
		rc = grid_patrol_end(&x, id);
	}
	if (rc)
		c->err = x.err;
	return rc;
}

static int patrol_months(struct ctx *c, struct xrng *r, const struct actor *w, const int64_t *grids, int ngrids,
			 const int64_t *event_cats, int ncats)
{
	struct box boxes[3];
	int rc = RC_OK;
	for (int k = 0; !rc && k < ngrids; k++)
		rc = grid_box(c, grids[k], &boxes[k]);
	int64_t today = time_cn_days(c->now);
	static const int starts[3] = {8 * 60, 13 * 60 + 30, 18 * 60};
	for (int d = 91; !rc && d >= 1; d--) {
		int g = (int)((today - d) % ngrids);
		int roll = xrng_range(r, 0, 99);
		int count = roll < 8 ? 2 : roll < 10 ? 1 : 3;   /* most days the full 一日三巡 */
		for (int p = 0; !rc && p < count; p++) {
			int64_t t0 = time_cn_midnight(today - d) + (int64_t)(starts[p] + xrng_range(r, 0, 50)) * 60;
			int kind = xrng_range(r, 0, 99);
			int minutes = kind < 4 ? xrng_range(r, 9, 15) : xrng_range(r, 24, 45);   /* a few cut short */
			bool stray = kind >= 4 && kind < 7;
			rc = one_patrol(c, r, w, grids[g], &boxes[g], t0, minutes, stray, event_cats, ncats);
		}
	}
	/* today: the morning round is done when the morning is over */
	int64_t t0 = time_cn_midnight(today) + 8 * 3600 + xrng_range(r, 0, 1800);
	if (!rc && t0 + 50 * 60 < c->now)
		rc = one_patrol(c, r, w, grids[0], &boxes[0], t0, xrng_range(r, 25, 40), false, event_cats, 0);
	/* the last positions: a few minutes ago, somewhere in the grid */
	struct grid_position pos[3];
	for (int i = 0; i < 3; i++)
		pos[i] = (struct grid_position){
			.at = c->now - (3 - i) * 120 - xrng_range(r, 0, 60),
			.lat_e6 = (int64_t)((boxes[0].s + (0.3 + 0.4 * xrng_unit(r)) * (boxes[0].n - boxes[0].s)) * 1e6),
			.lng_e6 = (int64_t)((boxes[0].w + (0.3 + 0.4 * xrng_unit(r)) * (boxes[0].e - boxes[0].w)) * 1e6),
			.accuracy_m = xrng_range(r, 5, 25)};
	int added;
	struct ctx x = demo_as(c, w, c->now);
	if (!rc && (rc = grid_positions_add(&x, pos, 3, &added)))
		c->err = x.err;
	return rc;
}

/* ---- visits ---- */

static const char *const visit_notes[] = {
	"老人身体状况良好，家中米面油充足，叮嘱注意防寒保暖", "帮助老人检查了用电和燃气安全，无隐患",
	"孩子在校表现不错，与外出务工的父母每周视频联系", "了解到近期血压偏高，已联系村医上门随访",
	"屋顶有漏雨，已报村委会安排维修", "陪老人聊天，老人情绪稳定，提醒按时服药",
	"孩子作业有困难，已联系志愿者周末辅导", "临时救助申请材料已帮助准备齐全",
};

static int visit_months(struct ctx *c, struct xrng *r, int64_t village_id, const struct actor *liu,
			const struct actor *zhao, int64_t zhao_grid)
{
	struct db_stmt *st = db_query(c->db, "SELECT h.id, COALESCE(h.grid_id, 0), h.lat_e6, h.lng_e6, min(vr.days) "
					     "FROM households h JOIN household_tags ht ON ht.household_id = h.id "
					     "JOIN visit_rules vr ON vr.tag_id = ht.tag_id "
					     "WHERE h.village_id = ? AND h.lat_e6 IS NOT NULL GROUP BY h.id, h.grid_id, h.lat_e6, h.lng_e6 "
					     "ORDER BY h.id",
				      "i", village_id);
	struct {
		int64_t id, grid, lat, lng, days;
	} *hh = NULL;
	int n = 0, cap = 0;
	while (st && db_step(st) == DB_ROW) {
		if (!(hh = arena_grow(c->arena, hh, &cap, n, sizeof(*hh))))
			break;
		hh[n].id = db_col_int(st, 0);
		hh[n].grid = db_col_int(st, 1);
		hh[n].lat = db_col_int(st, 2);
		hh[n].lng = db_col_int(st, 3);
		hh[n++].days = db_col_int(st, 4);
	}
	db_finalize(st);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取住户");
	int rc = RC_OK, lapsed = 0;
	for (int i = 0; !rc && i < n; i++) {
		const struct actor *w = hh[i].grid == zhao_grid ? zhao : liu;
		/* a couple of weekly households fell behind: their last visit is weeks old */
		int64_t stop = c->now - 3600;
		if (hh[i].days <= 7 && lapsed < 2) {
			stop = c->now - (int64_t)(hh[i].days + 5 + lapsed * 4) * 86400;
			lapsed++;
		}
		/* the visits, laid back from the last one (a day or two before it was due) to
		 * three months ago, then recorded in order */
		int64_t times[100];
		int nt = 0;
		for (int64_t t = stop - (int64_t)xrng_range(r, 1, hh[i].days > 2 ? hh[i].days - 1 : 1) * 86400;
		     t > c->now - 90 * 86400 && nt < 100; t -= hh[i].days * 86400 - xrng_range(r, 0, 86400 / 2)) {
			/* during the day */
			int64_t at = time_cn_midnight(time_cn_days(t)) + (int64_t)xrng_range(r, 9 * 60, 17 * 60) * 60;
			times[nt++] = at < stop ? at : stop - 3600;
		}
		for (int k = nt - 1; !rc && k >= 0; k--) {
			int64_t at = times[k];
			struct grid_visit_input in = {
				.household_id = hh[i].id, .notes = visit_notes[xrng_range(r, 0, (int)ARRAY_SIZE(visit_notes) - 1)],
				.has_location = true, .lat_e6 = hh[i].lat + xrng_range(r, -150, 150),
				.lng_e6 = hh[i].lng + xrng_range(r, -150, 150),
			};
			int64_t id;
			struct ctx x = demo_as(c, w, at);
			if ((rc = grid_visit_add(&x, &in, &id)))
				c->err = x.err;
		}
	}
	return rc;
}

static int seed(struct ctx *c, int64_t county_id, const int64_t *villages, int nvillages);

/* ---- the allowance 网格员津贴 ---- */

/* The county's rule, and the three months before this one computed and approved by
 * the town official early in the following month, as it would have happened. */
static int allowance_months(struct ctx *c, int64_t county_id, int64_t village_id)
{
	struct grid_allowance_rule rule = {.base_fen = 60000, .patrol_day_fen = 1000, .missed_day_fen = 2000,
					   .visit_fen = 500, .late_visit_fen = 1000, .event_fen = 1000, .max_fen = 150000};
	struct ctx sys = demo_as(c, NULL, c->now - 100 * 86400);
	int rc = grid_allowance_rule_put(&sys, county_id, &rule);
	if (rc) {
		c->err = sys.err;
		return rc;
	}
	struct actor town, cadre;
	int64_t town_id = 0;
	if ((rc = demo_actor_phone(c, "13900000002", &town)) || (rc = demo_actor_phone(c, "13900000003", &cadre)))
		return rc;
	/* the village accepted the events reported from patrols (but the last few days') a
	 * couple of hours after they came in: they count for the workers' months */
	int64_t evs[64], at_ev[64];
	int nev = 0;
	struct db_stmt *st = db_query(c->db, "SELECT e.id, e.created_at FROM events e JOIN patrol_findings f ON f.event_id = e.id "
					     "WHERE e.state = 'pending' AND e.village_id = ? AND e.created_at < ? ORDER BY e.id",
				      "ii", village_id, c->now - 3 * 86400);
	while (st && nev < 64 && db_step(st) == DB_ROW) {
		evs[nev] = db_col_int(st, 0);
		at_ev[nev++] = db_col_int(st, 1);
	}
	db_finalize(st);
	for (int i = 0; i < nev; i++) {
		struct ctx x = demo_as(c, &cadre, at_ev[i] + 2 * 3600);
		struct event_move mv = {.action = "accept"};
		if ((rc = events_move(&x, evs[i], &mv))) {
			c->err = x.err;
			return rc;
		}
	}
	db_get_int(c->db, &town_id, "SELECT parent_id FROM org_units WHERE id = ?", "i", village_id);
	struct civil now;
	time_to_cn(c->now, &now);
	for (int back = 3; back >= 1; back--) {
		int y = now.year, m = now.month - back;
		while (m < 1) {
			m += 12;
			y--;
		}
		int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
		char month[8];
		snprintf(month, sizeof(month), "%04d-%02d", y, m);
		/* on the 3rd of the next month, in the morning */
		int64_t at = time_cn_midnight(time_days_from_civil(ny, nm, 3)) + 9 * 3600 + back * 600;
		if (at > c->now)
			at = c->now - 3600;
		struct ctx x = demo_as(c, &town, at);
		int n;
		if ((rc = grid_allowance_compute(&x, town_id, month, &n))) {
			c->err = x.err;
			return rc;
		}
		struct grid_allowance *list;
		x = demo_as(c, &town, at + 2 * 3600);
		if ((rc = grid_allowances(&x, town_id, month, &list, &n))) {
			c->err = x.err;
			return rc;
		}
		for (int i = 0; i < n; i++)
			if ((rc = grid_allowance_approve(&x, list[i].id))) {
				c->err = x.err;
				return rc;
			}
	}
	return RC_OK;
}

/* ---- places on the map ---- */

/* Danger spots and camera points around 青山村's houses. */
static int map_places(struct ctx *c, int64_t village_id)
{
	int64_t lat = 0, lng = 0;
	db_get_int(c->db, &lat, "SELECT CAST(avg(lat_e6) AS BIGINT) FROM households WHERE village_id = ? AND lat_e6 IS NOT NULL",
		   "i", village_id);
	db_get_int(c->db, &lng, "SELECT CAST(avg(lng_e6) AS BIGINT) FROM households WHERE village_id = ? AND lng_e6 IS NOT NULL",
		   "i", village_id);
	if (!lat || !lng)
		return RC_OK;
	static const struct {
		const char *kind, *name, *note, *url;
		int dlat, dlng;
	} places[] = {
		{"flood", "后山沟山洪灾害点", "汛期每日巡查，降雨超 50 毫米转移沟口三户", NULL, 2600, -1800},
		{"flood", "石板河滑坡隐患点", "雨后查看坡体裂缝", NULL, -2100, 2400},
		{"fire", "青冈林森林防火点", "清明、春节期间禁止野外用火", NULL, 3200, 1500},
		{"house", "村西危房（已腾空）", "C 级危房，禁止入住", NULL, -900, -2300},
		{"camera", "村委会门口监控", "雪亮工程", "https://video.county.example/points/qs-001", 150, 120},
		{"camera", "石板河桥头监控", "雪亮工程", "https://video.county.example/points/qs-002", -1800, 2100},
		{"camera", "村口路口监控", "雪亮工程", "https://video.county.example/points/qs-003", 1200, -2600},
	};
	struct ctx sys = demo_as(c, NULL, c->now - 60 * 86400);
	for (size_t i = 0; i < ARRAY_SIZE(places); i++) {
		struct grid_place p = {.village_id = village_id, .kind = places[i].kind, .name = places[i].name,
				       .note = places[i].note, .lat_e6 = lat + places[i].dlat, .lng_e6 = lng + places[i].dlng,
				       .video_url = places[i].url};
		int64_t id;
		int rc = grid_place_create(&sys, &p, &id);
		if (rc) {
			c->err = sys.err;
			return rc;
		}
	}
	return RC_OK;
}

/* ---- roads on the map ---- */

static int add_road(struct ctx *sys, int64_t village_id, const char *name, const char *kind, const double (*pts)[2],
		    int n)
{
	json_t *coords = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(coords, json_pack("[f,f]", round(pts[i][1] * 1e6) / 1e6, round(pts[i][0] * 1e6) / 1e6));
	json_t *g = json_pack("{s:s, s:o}", "type", "LineString", "coordinates", coords);
	struct grid_road_input in = {.village_id = village_id, .name = name, .kind = kind, .geometry = g};
	int64_t id;
	int rc = g ? grid_road_create(sys, &in, &id) : ctx_fail(sys, RC_INTERNAL, "内存不足");
	json_decref(g);
	return rc;
}

/* 青山村's roads, drawn by its cadre: the county road through the village from west to
 * east (across the three grids), a village road from it up to each group's houses, a
 * farm track down to the fields in the south and the path up to the gully in the hills. */
static int map_roads(struct ctx *c, int64_t village_id, const struct actor *cadre)
{
	double groups[8][2];
	int ng = 0;
	struct db_stmt *st = db_query(c->db, "SELECT CAST(avg(lat_e6) AS BIGINT), CAST(avg(lng_e6) AS BIGINT) FROM households "
					     "WHERE village_id = ? AND lat_e6 IS NOT NULL GROUP BY group_id ORDER BY 2",
				      "i", village_id);
	while (st && ng < 8 && db_step(st) == DB_ROW) {
		groups[ng][0] = (double)db_col_int(st, 0) / 1e6;
		groups[ng++][1] = (double)db_col_int(st, 1) / 1e6;
	}
	db_finalize(st);
	if (ng < 2)
		return RC_OK;
	double s = 90, n = -90, w = 180, e = -180;
	for (int i = 0; i < ng; i++)
		s = fmin(s, groups[i][0]), n = fmax(n, groups[i][0]), w = fmin(w, groups[i][1]), e = fmax(e, groups[i][1]);
	double mid = (s + n) / 2, span = e - w + 0.012, west = w - 0.006;
	/* gentle bends along the valley */
#define VALLEY(lng) (mid - 0.0009 + 0.0007 * sin(((lng) - west) / span * 6 * 1.1))
	double county[7][2];
	for (int i = 0; i < 7; i++)
		county[i][1] = west + span * i / 6, county[i][0] = VALLEY(county[i][1]);
	struct ctx x = demo_as(c, cadre, c->now - 55 * 86400);
	int rc = add_road(&x, village_id, "县道 X012（青山段）", "main", county, 7);
	static const char *const names[] = {"一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组"};
	for (int i = 0; !rc && i < ng; i++) {
		/* from the county road, bending once on the way up (or down) to the houses */
		double lng0 = groups[i][1] - 0.0004, lat0 = VALLEY(lng0);
		double spur[3][2] = {{lat0, lng0}, {(lat0 + groups[i][0]) / 2, lng0 + 0.0003}, {groups[i][0], groups[i][1]}};
		char name[32];
		snprintf(name, sizeof(name), "%s进组路", names[i]);
		rc = add_road(&x, village_id, name, "village", spur, 3);
	}
#undef VALLEY
	int south = 0, north = 0;
	for (int i = 0; i < ng; i++) {
		south = groups[i][0] < groups[south][0] ? i : south;
		north = groups[i][0] > groups[north][0] ? i : north;
	}
	double farm[4][2] = {{groups[south][0] - 0.0008, groups[south][1] + 0.0002},
			     {groups[south][0] - 0.0030, groups[south][1] + 0.0012},
			     {groups[south][0] - 0.0052, groups[south][1] + 0.0006},
			     {groups[south][0] - 0.0068, groups[south][1] + 0.0021}};
	double hill[4][2] = {{groups[north][0] + 0.0006, groups[north][1] - 0.0003},
			     {groups[north][0] + 0.0019, groups[north][1] - 0.0011},
			     {groups[north][0] + 0.0027, groups[north][1] - 0.0009},
			     {groups[north][0] + 0.0041, groups[north][1] - 0.0020}};
	if (!rc)
		rc = add_road(&x, village_id, "南坡机耕路", "farm", farm, 4);
	if (!rc)
		rc = add_road(&x, village_id, "后山沟巡山小路", "path", hill, 4);
	if (rc)
		c->err = x.err;
	return rc;
}

/* Patrol findings reported as events go on: the older accepted ones were handled by
 * the village itself, and most of those finished, so the worker's phone shows them in
 * every state (the newest still pending). */
static int finding_events_progress(struct ctx *c, int64_t village_id, const struct actor *cadre)
{
	int64_t evs[64], at_ev[64];
	int nev = 0;
	struct db_stmt *st = db_query(c->db, "SELECT e.id, e.created_at FROM events e JOIN patrol_findings f ON f.event_id = e.id "
					     "WHERE e.state = 'accepted' AND e.village_id = ? AND e.created_at < ? ORDER BY e.id",
				      "ii", village_id, c->now - 6 * 86400);
	while (st && nev < 64 && db_step(st) == DB_ROW) {
		evs[nev] = db_col_int(st, 0);
		at_ev[nev++] = db_col_int(st, 1);
	}
	db_finalize(st);
	for (int i = 0; i < nev; i++) {
		if (i % 4 == 3)
			continue;   /* some wait for a department still */
		struct ctx x = demo_as(c, cadre, at_ev[i] + 5 * 3600);
		struct event_move mv = {.action = "handle_locally"};
		int rc = events_move(&x, evs[i], &mv);
		if (!rc && i % 4 != 2) {
			x = demo_as(c, cadre, at_ev[i] + 2 * 86400);
			mv = (struct event_move){.action = "finish", .outcome = "resolved", .note = "已到现场处理完毕"};
			rc = events_move(&x, evs[i], &mv);
		}
		if (rc) {
			c->err = x.err;
			return rc;
		}
	}
	return RC_OK;
}

int grid_seed_demo(struct ctx *c, int64_t county_id, const int64_t *villages, int nvillages)
{
	/* thousands of small transactions: on SQLite (WAL) each need not wait for the disk
	 * while the demo is generated; durability is back to FULL when it is done */
	bool lite = db_engine(c->db) == DB_SQLITE;
	if (lite && db_exec(c->db, "PRAGMA synchronous=NORMAL") != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "演示数据");
	int rc = seed(c, county_id, villages, nvillages);
	if (lite && db_exec(c->db, "PRAGMA synchronous=FULL") != DB_OK && !rc)
		rc = ctx_db_fail(c, DB_ERROR, "演示数据");
	return rc;
}

static int seed(struct ctx *c, int64_t county_id, const int64_t *villages, int nvillages)
{
	struct xrng r = {0x4772696457726b31ULL};
	/* the county's target and visit frequencies */
	struct grid_visit_rule rules[] = {
		{tag_id(c, "独居老人"), 7}, {tag_id(c, "特困户"), 14}, {tag_id(c, "五保户"), 14},
		{tag_id(c, "留守儿童"), 30}, {tag_id(c, "空巢老人"), 30}, {tag_id(c, "重点关注人员"), 7},
	};
	struct grid_settings s = {.patrols_per_day = 3, .min_minutes = 20, .min_metres = 1000, .min_inside_pct = 80,
				  .retention_days = 90};
	struct ctx sys = demo_as(c, NULL, c->now - 100 * 86400);
	int rc = grid_settings_put(&sys, county_id, &s, rules, (int)ARRAY_SIZE(rules), true);
	if (rc) {
		c->err = sys.err;
		return rc;
	}
	struct actor cadre, liu, zhao;
	if ((rc = demo_actor_phone(c, "13900000003", &cadre)) || (rc = demo_actor_phone(c, "13900000005", &liu)) ||
	    (rc = demo_actor_phone(c, "13900000009", &zhao)))
		return rc;
	for (int v = 0; !rc && v < nvillages; v++)
		rc = tag_village(c, &r, villages[v], v == 0 ? &cadre : NULL, v == 0);
	if (!rc)
		rc = tag_people(c, &r, villages[0], &cadre);
	if (rc)
		return rc;
	/* the grids of village 1: 赵磊 walks the first, 刘强 (village-wide) the other two */
	int64_t grids[3];
	int ng = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id FROM org_units WHERE parent_id = ? AND kind = 'grid' ORDER BY code",
				      "i", villages[0]);
	while (st && ng < 3 && db_step(st) == DB_ROW)
		grids[ng++] = db_col_int(st, 0);
	db_finalize(st);
	if (ng < 3)
		return ctx_fail(c, RC_INTERNAL, "演示数据：青山村没有三个网格");
	int64_t cats[4];
	int ncats = 0;
	st = db_query(c->db, "SELECT id FROM event_categories WHERE county_id = ? AND photo_required = 0 AND active = 1 "
			     "ORDER BY id", "i", county_id);
	while (st && ncats < 4 && db_step(st) == DB_ROW)
		cats[ncats++] = db_col_int(st, 0);
	db_finalize(st);
	if ((rc = patrol_months(c, &r, &zhao, grids, 1, cats, ncats)))
		return rc;
	if ((rc = patrol_months(c, &r, &liu, grids + 1, 2, cats, ncats)))
		return rc;
	if ((rc = visit_months(c, &r, villages[0], &liu, &zhao, grids[0])))
		return rc;
	if ((rc = allowance_months(c, county_id, villages[0])))
		return rc;
	if ((rc = finding_events_progress(c, villages[0], &cadre)))
		return rc;
	if ((rc = map_roads(c, villages[0], &cadre)))
		return rc;
	return map_places(c, villages[0]);
}
