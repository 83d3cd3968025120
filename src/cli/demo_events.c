/* Demo data of events 民情: the county's departments and categories, and a few
 * hundred events over the last five months in every state, most of them in the first
 * village (青山村). Each event is walked through the real transitions by the staff who
 * would act on it, at plausible times, so the timeline, audit chain and statistics are
 * what the running system would have produced. Deterministic: a seeded generator. */
#include "cli/demo_rng.h"
#include "domain/register/register.h"
#include "cli/demo.h"
#include "domain/kernel/calendar.h"
#include "domain/events/internal.h"
#include "util/timeutil.h"

/* ---- the county's settings ---- */

struct dept_spec {
	const char *code, *name;
	bool town;             /* under the first town, else the county */
	const char *handler;   /* a handler's name and phone (县住建局's is the demo login) */
	const char *phone;
};

static const struct dept_spec dept_specs[] = {
	{"DEMO-D-ZJ", "县住建局", false, NULL, NULL},
	{"DEMO-D-SL", "县水利局", false, "郑清泉", "13900000201"},
	{"DEMO-D-NY", "县农业农村局", false, "冯春生", "13900000202"},
	{"DEMO-D-MZ", "县民政局", false, "韩淑芬", "13900000203"},
	{"DEMO-D-HB", "县生态环境局", false, "邓志远", "13900000204"},
	{"DEMO-D-ZZ", "镇综治办", true, "曹永红", "13900000205"},
};
#define NDEPTS ((int)ARRAY_SIZE(dept_specs))

struct cat_spec {
	const char *name;
	int dept;     /* index in dept_specs, -1 = the village handles it */
	int accept_hours, finish_days;
	bool photo;
	const char *texts[4];
};

static const struct cat_spec cat_specs[] = {
	{"道路交通", 0, 24, 10, false,
	 {"三组通往村小的水泥路塌了一个大坑，下雨天积水，孩子上学不安全",
	  "村口桥头的护栏被货车撞坏了，晚上过往很危险", "五组机耕道被雨水冲毁，农机下不了田",
	  "村道两旁的树枝长得太长，挡住了会车视线"}},
	{"饮水供水", 1, 24, 5, false,
	 {"二组自来水这几天发黄，烧开后有沉淀", "坡上几户人家水压不够，早晚接不到水",
	  "水管在田坎边爆裂，漏了两天没人管", "蓄水池的盖板坏了，担心有东西掉进去"}},
	{"环境卫生", -1, 24, 3, false,
	 {"垃圾收集点三天没清运，气味很大", "河沟里有人倒建筑垃圾", "村委会旁的公厕冲水坏了",
	  "集市散场后塑料袋满地都是"}},
	{"农业生产", 2, 48, 7, false,
	 {"柑橘园出现大面积黄叶，想请农技员来看看", "今年的耕地地力补贴还没到账",
	  "村里的水渠年久失修，放不下水灌溉", "买到的种子出苗率很低，怀疑是假种子"}},
	{"社会救助", 3, 48, 10, false,
	 {"独居的王大爷腿脚不便，冬天取暖有困难，想申请临时救助", "家里老人瘫痪在床，想咨询低保怎么申请",
	  "残疾人两项补贴这个季度没有按时发放", "孩子患重病花了很多钱，想问问有没有大病救助"}},
	{"矛盾纠纷", 5, 24, 5, false,
	 {"邻居建房占了我家宅基地的边界，协商不成", "两户因为排水沟的走向吵了起来",
	  "土地流转的租金拖欠了半年", "赡养老人的事兄弟几个一直谈不拢"}},
	{"生态环境", 4, 24, 7, true,
	 {"养猪场的污水直排进小河，河水发黑发臭", "夜里有人在山上焚烧秸秆，烟很大",
	  "采石场粉尘太大，附近农户晾不了衣服", "河边有人电鱼，鱼虾都死了"}},
	{"其他", -1, 48, 5, false,
	 {"村广场的路灯坏了好几盏", "希望村里组织一次防诈骗宣传", "快递点离得太远，老人取件不方便",
	  "村里的健身器材坏了，担心伤到人"}},
};
#define NCATS ((int)ARRAY_SIZE(cat_specs))

static const char *const finish_notes[][2] = {
	{"resolved", "已安排人员到现场处理完毕，经回访核实问题已解决"},
	{"explained", "经核实属于正常情况，已向反映人当面解释政策"},
	{"unresolvable", "涉及资金较大，已列入明年项目计划，暂时无法解决"},
	{"not_responsible", "该事项属于市级部门职责，已告知反映人向市级反映"},
};

/* The departments and categories of the county; *first_dept is 县住建局 (the demo
 * handler's) and *town_dept 镇综治办. One transaction each (through the module). */
int events_seed_settings(struct ctx *c, int64_t county_id, int64_t town_id, int64_t *first_dept, int64_t *town_dept)
{
	int64_t ids[NDEPTS];
	int rc = RC_OK;
	for (int i = 0; !rc && i < NDEPTS; i++)
		rc = events_department_create(c, dept_specs[i].town ? town_id : county_id, dept_specs[i].code,
					      dept_specs[i].name, &ids[i]);
	for (int i = 0; !rc && i < NCATS; i++) {
		struct event_category_input in = {.county_id = county_id, .name = cat_specs[i].name,
						  .department_id = cat_specs[i].dept >= 0 ? ids[cat_specs[i].dept] : 0,
						  .accept_hours = cat_specs[i].accept_hours,
						  .finish_days = cat_specs[i].finish_days,
						  .photo_required = cat_specs[i].photo, .active = 1};
		/* the county watches pollution and disputes: 预警 when they recur in a village */
		if (!strcmp(in.name, "生态环境"))
			in.set_warn = true, in.warn_count = 2, in.warn_days = 30;
		else if (!strcmp(in.name, "矛盾纠纷"))
			in.set_warn = true, in.warn_count = 6, in.warn_days = 30;
		int64_t id;
		rc = events_category_create(c, &in, &id);
	}
	/* a handler for every department but the first (the demo login's) */
	for (int i = 0; !rc && i < NDEPTS; i++) {
		int64_t uid;
		if (!dept_specs[i].handler)
			continue;
		rc = account_user_add(c, dept_specs[i].phone, dept_specs[i].handler, DEMO_PASSWORD, &uid);
		if (!rc)
			rc = account_grant(c, uid, "handler", ids[i]);
	}
	if (!rc) {
		*first_dept = ids[0];
		*town_dept = ids[5];
	}
	return rc;
}

/* ---- acting as someone ---- */

static int load_actor(struct ctx *c, int64_t user_id, struct actor *a)
{
	memset(a, 0, sizeof(*a));
	a->user_id = user_id;
	struct db_stmt *st = db_query(c->db, "SELECT u.name, u.phone, g.role, g.unit_id, o.kind, o.path FROM users u "
					     "JOIN role_grants g ON g.user_id = u.id JOIN org_units o ON o.id = g.unit_id "
					     "WHERE u.id = ?", "i", user_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取用户");
	while (db_step(st) == DB_ROW && a->ngrants < CTX_MAX_GRANTS) {
		str_copy(a->name, sizeof(a->name), db_col_text(st, 0));
		str_copy(a->phone, sizeof(a->phone), db_col_text(st, 1));
		struct grant *g = &a->grants[a->ngrants++];
		str_copy(g->role, sizeof(g->role), db_col_text(st, 2));
		g->unit_id = db_col_int(st, 3);
		str_copy(g->unit_kind, sizeof(g->unit_kind), db_col_text(st, 4));
		str_copy(g->path, sizeof(g->path), db_col_text(st, 5));
	}
	db_finalize(st);
	return a->ngrants ? RC_OK : ctx_fail(c, RC_INTERNAL, "演示数据：用户 %lld 没有角色", (long long)user_id);
}

struct cast {
	struct actor cadre, town, county, handler;   /* cadre: whoever takes events in for the village */
	bool has_handler;
};

/* Runs one step as actor a at time t. */
static int act(struct ctx *c, const struct actor *a, int64_t t, int64_t id, const struct event_move *m)
{
	if (t >= c->now)
		return RC_OK;  /* not yet: the event stays where it is */
	struct ctx x = *c;
	x.system = a == NULL;
	x.actor = a;
	x.now = t;
	int rc = events_move(&x, id, m);
	if (rc)
		c->err = x.err;
	return rc;
}

/* ---- one event's life ---- */

enum fate { F_PENDING, F_REJECTED, F_ACCEPTED, F_DISPATCHED, F_HANDLING, F_RETURNED, F_FINISHED, F_VISITED,
	    F_REOPENED };

static int one_event(struct ctx *c, struct xrng *r, const struct cast *k, int64_t village_id, int64_t cat_id,
		     const struct cat_spec *cs, int64_t dept_id, int64_t t0, enum fate fate)
{
	static const char *const channels[] = {"public_form", "grid", "hotline", "cadre", "app", "grid", "talk"};
	static const char *const names[] = {"李秀英", "王建国", "张德明", "刘桂兰", "陈志强", "杨春梅", "赵大勇", "黄玉珍"};
	const char *ch = channels[xrng_range(r, 0, (int)ARRAY_SIZE(channels) - 1)];
	struct event_input in = {.village_id = village_id, .category_id = cat_id, .channel = ch,
				 .description = cs->texts[xrng_range(r, 0, 3)],
				 .anonymous = xrng_range(r, 0, 9) == 0};
	char phone[16];
	snprintf(phone, sizeof(phone), "1%d%09d", xrng_range(r, 30, 89), xrng_range(r, 0, 999999999));
	in.reporter_name = names[xrng_range(r, 0, (int)ARRAY_SIZE(names) - 1)];
	in.reporter_phone = phone;
	struct ctx x = *c;
	x.now = t0;
	x.system = true;
	x.actor = NULL;
	int64_t id;
	int rc = ev_create(&x, &in, !strcmp(ch, "public_form"), NULL, &id);
	if (rc) {
		c->err = x.err;
		return rc;
	}
	if (fate == F_PENDING)
		return RC_OK;
	int64_t t = t0 + xrng_range(r, 1, cs->accept_hours - 1) * 3600 + xrng_range(r, 0, 3599);
	const struct actor *intake = xrng_range(r, 0, 2) ? &k->cadre : &k->town;
	if (t >= c->now)
		return RC_OK;
	if (fate == F_REJECTED)
		return act(c, intake, t, id, &(struct event_move){.action = "reject",
								   .note = "不属于民情受理范围，已告知反映人通过司法途径解决"});
	if ((rc = act(c, intake, t, id, &(struct event_move){.action = "accept", .note = "已受理"})))
		return rc;
	if (fate == F_ACCEPTED)
		return RC_OK;
	bool local = dept_id == 0;
	/* the department's first handler */
	struct actor dept_handler;
	const struct actor *handler = NULL;
	int64_t huser = 0;
	if (dept_id && db_get_int(c->db, &huser, "SELECT user_id FROM role_grants WHERE role = 'handler' AND unit_id = ? "
						  "ORDER BY id LIMIT 1", "i", dept_id) == DB_OK &&
	    load_actor(c, huser, &dept_handler) == RC_OK)
		handler = &dept_handler;
	t += xrng_range(r, 1, 6) * 3600;
	if (local) {
		if ((rc = act(c, &k->cadre, t, id, &(struct event_move){.action = "handle_locally", .note = "村里自行处理"})))
			return rc;
	} else {
		if ((rc = act(c, &k->town, t, id, &(struct event_move){.action = "dispatch", .department_id = dept_id})))
			return rc;
		if (fate == F_DISPATCHED)
			return RC_OK;
		t += xrng_range(r, 1, 20) * 3600;
		if (fate == F_RETURNED)
			return act(c, handler, t, id, &(struct event_move){.action = "give_back",
									    .note = "该问题涉及多个部门，请重新研判后派单"});
		if ((rc = act(c, handler, t, id, &(struct event_move){.action = "take"})))
			return rc;
	}
	if (fate == F_HANDLING)
		return RC_OK;
	const struct actor *doer = local ? &k->cadre : handler;
	t += xrng_range(r, 1, cs->finish_days + 3) * 86400 / 1 + xrng_range(r, 0, 8) * 3600;
	int pick = xrng_range(r, 0, 19);
	int oi = pick < 14 ? 0 : pick < 17 ? 1 : pick < 19 ? 2 : 3;
	if ((rc = act(c, doer, t, id, &(struct event_move){.action = "finish", .outcome = finish_notes[oi][0],
							      .note = finish_notes[oi][1]})))
		return rc;
	if (fate == F_FINISHED)
		return RC_OK;
	t += xrng_range(r, 1, 3) * 86400;
	/* the reporter's account is not in the demo: the village or the hotline rates */
	const struct actor *visitor = &k->cadre;
	if (fate == F_REOPENED) {
		if ((rc = act(c, visitor, t, id, &(struct event_move){.action = "visit", .rating = "unsatisfied",
								       .note = "问题没有根本解决"})))
			return rc;
		t += xrng_range(r, 1, 4) * 86400;
		if ((rc = act(c, doer, t, id, &(struct event_move){.action = "finish", .outcome = "resolved",
								      .note = "重新组织人员彻底整改，已解决"})))
			return rc;
		t += 86400;
	}
	/* a first 不满意 reopens the event: only a reopened one can end unsatisfied */
	int rr = xrng_range(r, 0, 19);
	const char *rating = rr < 14 ? "satisfied" : "basic";
	if (fate == F_REOPENED && rr >= 12)
		rating = "unsatisfied";
	return act(c, visitor, t, id, &(struct event_move){.action = "visit", .rating = rating});
}

int events_seed_demo(struct ctx *c, int64_t county_id, const int64_t *towns, int ntowns,
		     const int64_t *villages, int nvillages, int64_t handler_user)
{
	(void)towns, (void)ntowns;
	struct cast k;
	memset(&k, 0, sizeof(k));
	int64_t town_user = 0, county_user = 0;
	if (db_get_int(c->db, &town_user, "SELECT user_id FROM role_grants WHERE role = 'town_official' ORDER BY id LIMIT 1", "") ||
	    db_get_int(c->db, &county_user, "SELECT user_id FROM role_grants WHERE role = 'county_admin' ORDER BY id LIMIT 1", ""))
		return ctx_db_fail(c, DB_ERROR, "读取演示账号");
	int rc = load_actor(c, town_user, &k.town);
	if (!rc)
		rc = load_actor(c, county_user, &k.county);
	if (!rc && handler_user) {
		rc = load_actor(c, handler_user, &k.handler);
		k.has_handler = !rc;
	}
	if (rc)
		return rc;
	struct event_category *cats;
	int ncats;
	if ((rc = events_categories(c, county_id, true, &cats, &ncats)))
		return rc;
	if (ncats < NCATS)
		return ctx_fail(c, RC_INTERNAL, "演示数据：类别不全");
	struct xrng r = {.s = 0x6d696e71696e6721ULL};
	for (int v = 0; v < nvillages; v++) {
		/* the village's cadre, or the town official acting for it */
		int64_t cadre_user = 0;
		db_get_int(c->db, &cadre_user, "SELECT user_id FROM role_grants WHERE role = 'cadre' AND unit_id = ? "
					       "ORDER BY id LIMIT 1", "i", villages[v]);
		if ((rc = load_actor(c, cadre_user ? cadre_user : county_user, &k.cadre)))
			return rc;
		/* the town official dispatches in their town, the county elsewhere */
		if ((rc = load_actor(c, town_user, &k.town)))
			return rc;
		struct org_unit vu;
		if ((rc = org_get(c, villages[v], &vu)))
			return rc;
		struct ctx probe = *c;
		probe.system = false;
		probe.actor = &k.town;
		if (!ev_can_village(&probe, P_EVENT_DISPATCH, vu.path))
			k.town = k.county;
		int count = v == 0 ? 240 : 12;
		for (int i = 0; i < count; i++) {
			/* spread over 150 days before now, in office hours and the evening */
			int days_ago = xrng_range(&r, 0, 149);
			int64_t t0 = time_cn_midnight(time_cn_days(c->now) - days_ago) + xrng_range(&r, 7, 21) * 3600 +
				     xrng_range(&r, 0, 3599);
			int ci = xrng_range(&r, 0, NCATS - 1);
			/* the fate: recent events are still on their way */
			int roll = xrng_range(&r, 0, 99);
			enum fate f;
			if (days_ago < 2)
				f = roll < 50 ? F_PENDING : roll < 80 ? F_ACCEPTED : F_DISPATCHED;
			else if (days_ago < 12)
				f = roll < 5 ? F_PENDING : roll < 10 ? F_REJECTED : roll < 15 ? F_ACCEPTED : roll < 22 ? F_DISPATCHED
				  : roll < 45 ? F_HANDLING : roll < 50 ? F_RETURNED : roll < 75 ? F_FINISHED : F_VISITED;
			else
				f = roll < 5 ? F_REJECTED : roll < 8 ? F_HANDLING : roll < 10 ? F_RETURNED
				  : roll < 16 ? F_FINISHED : roll < 21 ? F_REOPENED : F_VISITED;
			/* the first few of village 1 in every state, a fortnight back (some overdue) */
			if (v == 0 && i <= F_VISITED) {
				days_ago = 14;
				t0 = time_cn_midnight(time_cn_days(c->now) - days_ago) + 9 * 3600 + i * 600;
				ci = 0;   /* 道路交通, dispatched to 县住建局 */
				f = (enum fate)i;
			}
			int64_t dept = cats[ci].department_id;
			/* a town department serves its own town's villages only */
			if (dept && cat_specs[ci].dept >= 0 && dept_specs[cat_specs[ci].dept].town && v >= nvillages / 2 &&
			    nvillages > 1)
				dept = 0;
			if (!dept && (f == F_DISPATCHED || f == F_RETURNED))
				f = F_HANDLING;
			if (t0 >= c->now)
				t0 = c->now - 3600;
			if ((rc = one_event(c, &r, &k, villages[v], cats[ci].id, &cat_specs[ci], dept, t0, f)))
				return rc;
		}
	}
	/* flags and escalations as the scheduler would have left them */
	int64_t w, o, e;
	return events_deadlines_due(c, &w, &o, &e);
}
