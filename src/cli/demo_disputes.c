/* Demo data of disputes 矛盾纠纷 and emergencies 应急事件, through the real domain calls,
 * each step as the person who would take it, at plausible times before now. */
#include "cli/demo_actor.h"
#include "cli/demo_disputes.h"
#include "domain/disputes/disputes.h"
#include "domain/kernel/org.h"
#include "util/timeutil.h"

/* Time: days before today at hour:minute (Asia/Shanghai). */
static int64_t ago(const struct ctx *c, int days, int hour, int minute)
{
	return demo_at(time_cn_days(c->now) - days, hour, minute);
}

struct cast {
	struct actor cadre, grid, town, county, handler;
	bool has_grid, has_town, has_handler;
	int64_t department;      /* the handler's (县住建局) */
	int64_t category;        /* 矛盾纠纷 */
};

/* D_DEPT_*: dispatched by the town to the handler's department, which mediates */
enum fate { D_PENDING, D_MEDIATING, D_REFERRED, D_FOLLOWUP_DUE, D_KEPT, D_BROKEN_AGAIN, D_DEPT_MEDIATING, D_DEPT_KEPT };

struct dspec {
	int village;             /* index */
	int days;                /* received, days ago */
	const char *type, *description;
	const char *applicant, *respondent;
	bool villager_party;     /* the demo villager's household is the applicant */
	enum fate fate;
	const char *place, *notes, *agreement, *referred;
};

static const struct dspec specs[] = {
	{0, 150, "family", "三组张家兄弟三人因母亲赡养费用分摊和轮流照顾一事多次争吵，老人请村里出面调解",
	 "张桂芳", "张德明", false, D_KEPT, "村委会调解室",
	 "当面听取三兄弟意见，讲解赡养义务；老大、老二同意按月出钱，老三负责日常照料",
	 "三兄弟每人每月给母亲生活费四百元，每月五日前交付；老三负责日常照料，医药费三人均摊。", NULL},
	{0, 110, "neighbour", "两户因房后排水沟走向发生争执，一方堵沟导致另一方院子积水",
	 "王建国", "刘志强", false, D_BROKEN_AGAIN, "五组王家院坝",
	 "现场查看排水沟走向，双方同意恢复原沟渠，由刘家出工疏通",
	 "刘家三日内拆除堵沟的石块并疏通排水沟，今后排水沟维持原走向，双方不得擅自改动。", NULL},
	{0, 85, "land", "修建村道占用部分承包地，户主认为补偿标准过低，拒绝交地",
	 "陈光明", "青山村村民委员会", false, D_REFERRED, "村委会会议室",
	 "宣讲征地补偿政策，户主坚持要求按商业用地标准补偿，双方分歧较大", NULL, "court"},
	{0, 48, "neighbour", "邻居新建围墙越过宅基地界线约半米，双方多次口角",
	 "李琳", "赵大勇", true, D_FOLLOWUP_DUE, "二组李家门口",
	 "请国土所工作人员现场复核界址，确认围墙越界约四十公分，赵家同意拆除重建",
	 "赵家在一个月内将围墙退回界线以内，拆除费用自行承担；李家不再追究其他损失。", NULL},
	{0, 12, "family", "夫妻因外出务工收入分配产生矛盾，妻子提出离婚，双方父母介入后矛盾激化",
	 "杨春梅", "黄大伟", false, D_MEDIATING, "村妇女之家",
	 "分别与双方谈心，双方同意冷静一个月，由村妇联主任继续跟进", NULL, NULL},
	{0, 2, "land", "旧房拆除后宅基地复垦，户主对复垦面积测量结果有异议",
	 "周长林", "青山村村民委员会", false, D_PENDING, NULL, NULL, NULL, NULL},
	{1, 70, "neighbour", "两家因果树遮挡阳光发生争执", "孙立华", "钱永福", false, D_KEPT, "村委会调解室",
	 "双方协商，钱家同意修剪越界枝条", "钱家每年冬季修剪越过界线的果树枝条，孙家不再要求砍树。", NULL},
	{2, 20, "contract", "土地流转租金拖欠半年，承包户要求解除合同", "吴秀兰", "某合作社", false, D_MEDIATING,
	 "村委会", "合作社负责人承认拖欠，提出分期支付方案，承包户考虑中", NULL, NULL},
	/* building matters, mediated by the county's 住建局 */
	{0, 64, "neighbour", "邻居新房打地基用挖机作业，震裂了隔壁老房的山墙，双方对赔偿数额争执不下",
	 "何永康", "罗建平", false, D_DEPT_KEPT, "三组何家院坝",
	 "住建局技术人员现场查看裂缝，认定为施工震动所致，按修复费用核算赔偿",
	 "罗家一次性赔偿何家修墙费用三千二百元，十日内付清；施工期间由罗家负责加固何家山墙。", NULL},
	{0, 9, "contract", "村民请施工队翻修房屋，完工后屋顶漏水，双方对返修和尾款支付发生争执",
	 "马秀英", "某建筑施工队", false, D_DEPT_MEDIATING, "四组马家",
	 "住建局工作人员到场查看屋面，施工队同意先返修，尾款待返修验收后再议", NULL, NULL},
};

static int as(struct ctx *c, const struct actor *a, int64_t t, struct ctx *x)
{
	*x = demo_as(c, a, t);
	return RC_OK;
}

static int move(struct ctx *c, const struct actor *a, int64_t t, int64_t id, const char *action, const char *note)
{
	struct ctx x;
	as(c, a, t, &x);
	struct event_move m = {.action = action, .note = note};
	return demo_up(c, &x, events_move(&x, id, &m));
}

static int session(struct ctx *c, const struct actor *a, int64_t t, int64_t id, const char *place, const char *notes)
{
	struct ctx x;
	as(c, a, t, &x);
	struct dispute_session_input in = {.held_at = t - 3600, .place = place, .notes = notes};
	int64_t sid;
	return demo_up(c, &x, disputes_session_add(&x, id, &in, &sid));
}

static int outcome(struct ctx *c, const struct actor *a, int64_t t, int64_t id, const struct dspec *s)
{
	struct ctx x;
	as(c, a, t, &x);
	struct dispute_outcome_input in = {.outcome = s->referred ? "failed" : "mediated", .agreement = s->agreement,
					   .referred_to = s->referred,
					   .note = s->referred ? "户主表示将向法院起诉，村里已告知诉讼途径" : NULL};
	return demo_up(c, &x, disputes_outcome(&x, id, &in));
}

static int followup(struct ctx *c, const struct actor *a, int64_t t, int64_t id, const char *result, const char *note)
{
	struct ctx x;
	as(c, a, t, &x);
	return demo_up(c, &x, disputes_followup(&x, id, result, note));
}

/* The scheduler's job at time t: the follow-ups due by then are told to their mediators
 * (a step on each dispute's timeline). */
static int job_at(struct ctx *c, int64_t t)
{
	struct ctx x = *c;
	x.now = t;
	x.system = true;
	x.actor = NULL;
	int64_t n;
	return demo_up(c, &x, disputes_followups_due(&x, &n));
}

/* A dispute the village takes in and the town dispatches to the department, whose
 * handler takes it, mediates and (D_DEPT_KEPT) settles it, with the follow-up kept. */
static int dept_dispute(struct ctx *c, const struct cast *k, const struct actor *cadre, int64_t id, int64_t t0,
			const struct dspec *s)
{
	int64_t t = t0 + 2 * 3600;
	struct ctx x;
	as(c, &k->town, t + 3600, &x);
	struct event_move m = {.action = "dispatch", .department_id = k->department, .note = "涉及房屋建设质量，请住建局协助调解"};
	int rc = move(c, cadre, t, id, "accept", NULL);
	if (!rc)
		rc = demo_up(c, &x, events_move(&x, id, &m));
	if (!rc)
		rc = move(c, &k->handler, t + 5 * 3600, id, "take", NULL);
	if (!rc) {
		as(c, &k->handler, t + 5 * 3600 + 300, &x);
		rc = demo_up(c, &x, disputes_mediator_add(&x, id, k->handler.user_id));
	}
	if (!rc)
		rc = session(c, &k->handler, t0 + 2 * 86400 + 4 * 3600, id, s->place, s->notes);
	if (rc || s->fate == D_DEPT_MEDIATING)
		return rc;
	int64_t decided = t0 + 6 * 86400;
	if ((rc = session(c, &k->handler, decided - 3600, id, s->place, "双方再次到场，核对修复费用清单，确认调解意见")) ||
	    (rc = outcome(c, &k->handler, decided, id, s)))
		return rc;
	int64_t due = decided + 30 * 86400;
	if ((rc = job_at(c, due + 600)))
		return rc;
	return followup(c, &k->handler, due + 86400, id, "kept", "回访两家，赔偿款已付清，山墙已修好，双方无异议");
}

static int one_dispute(struct ctx *c, const struct cast *k, const struct actor *cadre, const struct actor *villager,
		       int64_t village_id, const struct dspec *s)
{
	int64_t t0 = ago(c, s->days, 9, 20);
	const struct actor *reporter = s->villager_party && villager ? villager : cadre;
	struct ctx x;
	as(c, reporter, t0, &x);
	struct dispute_input in = {0};
	in.ev.village_id = village_id;
	in.ev.category_id = k->category;
	in.ev.description = s->description;
	if (reporter == cadre) {
		in.ev.channel = "cadre";
		in.ev.reporter_name = s->applicant;
	}
	in.dispute_type = s->type;
	in.nparties = 2;
	in.parties[0] = (struct dispute_party_input){.role = "applicant", .name = s->applicant,
						     .household_id = s->villager_party && villager ? villager->household_id : 0};
	in.parties[1] = (struct dispute_party_input){.role = "respondent", .name = s->respondent};
	int64_t id;
	int rc = demo_up(c, &x, disputes_create(&x, &in, &id));
	if (rc || s->fate == D_PENDING)
		return rc;
	int64_t t = t0 + 2 * 3600;
	if (s->fate == D_DEPT_MEDIATING || s->fate == D_DEPT_KEPT)
		return dept_dispute(c, k, cadre, id, t0, s);
	if ((rc = move(c, cadre, t, id, "accept", NULL)) || (rc = move(c, cadre, t + 600, id, "handle_locally", NULL)))
		return rc;
	/* the grid worker mediates with the cadre in the first village */
	const struct actor *mediator = cadre;
	if (s->village == 0 && k->has_grid) {
		as(c, cadre, t + 900, &x);
		if ((rc = demo_up(c, &x, disputes_mediator_add(&x, id, k->grid.user_id))))
			return rc;
		mediator = &k->grid;
	}
	as(c, cadre, t + 960, &x);
	if ((rc = demo_up(c, &x, disputes_mediator_add(&x, id, cadre->user_id))))
		return rc;
	if ((rc = session(c, mediator, t0 + 86400 + 4 * 3600, id, s->place, s->notes)))
		return rc;
	if (s->fate == D_MEDIATING)
		return RC_OK;
	int64_t decided = t0 + 5 * 86400;
	if ((rc = session(c, cadre, decided - 3600, id, s->place, "双方再次到场，逐条确认调解意见")) ||
	    (rc = outcome(c, cadre, decided, id, s)))
		return rc;
	if (s->fate == D_REFERRED)
		return RC_OK;
	int64_t due = decided + 30 * 86400;
	if ((rc = job_at(c, due + 600)) || s->fate == D_FOLLOWUP_DUE)
		return rc;
	if (s->fate == D_KEPT)
		return followup(c, mediator, due + 2 * 86400, id, "kept", "回访当事人，协议已按约履行，双方关系缓和");
	/* broken: the agreement was not kept, mediated again, the new follow-up not due yet */
	if ((rc = followup(c, mediator, due + 86400, id, "broken", "刘家只拆了一半石块，下雨天王家院子仍然积水")))
		return rc;
	int64_t again = due + 4 * 86400;
	if (k->has_town) {
		as(c, cadre, again - 86400, &x);
		if ((rc = demo_up(c, &x, disputes_mediator_add(&x, id, k->town.user_id))))
			return rc;
	}
	if ((rc = session(c, k->has_town ? &k->town : cadre, again, id, "五组王家院坝",
			  "镇司法所同志参加，现场监督拆除堵沟石块，双方签字确认")))
		return rc;
	struct dspec s2 = *s;
	s2.agreement = "刘家当场拆除剩余石块并疏通排水沟，由村网格员每月查看一次，再有堵塞由刘家负责清理。";
	if ((rc = outcome(c, cadre, again + 3600, id, &s2)))
		return rc;
	if ((rc = job_at(c, again + 3600 + 30 * 86400 + 600)))
		return rc;
	return followup(c, mediator, again + 31 * 86400, id, "kept", "再次回访，排水沟畅通，两家已和好");
}

static int emergency(struct ctx *c, const struct cast *k, int64_t village_id)
{
	int64_t t0 = ago(c, 21, 6, 52) + 17;
	const struct actor *reporter = k->has_grid ? &k->grid : &k->cadre;
	struct ctx x;
	as(c, reporter, t0, &x);
	struct emergency_input in = {0};
	in.ev.village_id = village_id;
	in.ev.description = "连夜暴雨，河水暴涨已漫过一组河堤，沿河六户房屋进水，有老人被困，请求支援转移";
	in.ev.address = "一组沿河路";
	in.emergency_type = "flood";
	int64_t id, *alerted;
	int n;
	int rc = demo_up(c, &x, emergencies_create(&x, &in, &id, &alerted, &n));
	if (rc)
		return rc;
	as(c, &k->cadre, t0 + 2 * 60 + 5, &x);
	if ((rc = demo_up(c, &x, emergencies_ack(&x, id))))
		return rc;
	if (k->has_town) {
		as(c, &k->town, t0 + 4 * 60 + 41, &x);
		if ((rc = demo_up(c, &x, emergencies_ack(&x, id))))
			return rc;
	}
	as(c, &k->cadre, t0 + 6 * 60 + 30, &x);
	struct broadcast b;
	if ((rc = demo_up(c, &x, emergencies_broadcast(&x, id, 0,
						      "防汛紧急通知：一组河堤漫水，沿河住户请立即向村小学转移，村干部和网格员已在路口接应。",
						      NULL, &b))))
		return rc;
	as(c, &k->county, t0 + 9 * 60 + 12, &x);
	if ((rc = demo_up(c, &x, emergencies_ack(&x, id))))
		return rc;
	if ((rc = move(c, &k->cadre, t0 + 40 * 60 + 3, id, "note", "已转移沿河群众二十三人，被困老人已救出，送村卫生室检查")))
		return rc;
	as(c, &k->cadre, t0 + 9 * 3600 + 15 * 60 + 44, &x);
	struct event_move m = {.action = "finish", .outcome = "resolved",
			       .note = "河水回落，转移群众全部安置，无人员伤亡；受损房屋已登记上报"};
	return demo_up(c, &x, events_move(&x, id, &m));
}

int disputes_seed_demo(struct ctx *c, int64_t county_id, const int64_t *villages, int nvillages)
{
	struct cast k = {0};
	int rc;
	int64_t uid;
	if ((rc = demo_actor_phone(c, "13900000003", &k.cadre)) || (rc = demo_actor_phone(c, "13900000001", &k.county)))
		return rc;
	k.has_grid = demo_actor_phone(c, "13900000005", &k.grid) == RC_OK;
	k.has_town = demo_actor_phone(c, "13900000002", &k.town) == RC_OK;
	ctx_reset(c);
	k.has_handler = demo_actor_phone(c, "13900000007", &k.handler) == RC_OK &&
			db_get_int(c->db, &k.department, "SELECT unit_id FROM role_grants WHERE role = 'handler' AND "
							 "user_id = ? ORDER BY id LIMIT 1", "i", k.handler.user_id) == DB_OK;
	ctx_reset(c);
	struct actor villager;
	bool has_villager = demo_actor_phone(c, "15620260101", &villager) == RC_OK && villager.household_id;
	ctx_reset(c);
	if (db_get_int(c->db, &k.category, "SELECT id FROM event_categories WHERE county_id = ? AND name = '矛盾纠纷'", "i",
		       county_id) != DB_OK)
		return ctx_fail(c, RC_INTERNAL, "演示数据：没有「矛盾纠纷」类别");
	/* the county's settings: a category for emergencies, the follow-up interval */
	struct ctx x = demo_as(c, &k.county, ago(c, 200, 10, 0));
	struct event_category_input cat = {.county_id = county_id, .name = "应急事件", .accept_hours = 1,
					   .finish_days = 1, .active = 1, .set_warn = true, .emergency = true};
	int64_t cat_id;
	if ((rc = demo_up(c, &x, events_category_create(&x, &cat, &cat_id))) ||
	    (rc = demo_up(c, &x, disputes_settings_set(&x, county_id, 30))))
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(specs); i++) {
		const struct dspec *s = &specs[i];
		if (s->village >= nvillages)
			continue;
		if ((s->fate == D_DEPT_MEDIATING || s->fate == D_DEPT_KEPT) && !(k.has_handler && k.has_town))
			continue;
		struct actor other;
		const struct actor *cadre = &k.cadre;
		if (s->village > 0) {
			uid = demo_user_with(c, "cadre", villages[s->village]);
			if (!uid)
				continue;   /* villages without a cadre's login */
			if ((rc = demo_actor_load(c, uid, &other)))
				return rc;
			cadre = &other;
		}
		if ((rc = one_dispute(c, &k, cadre, has_villager ? &villager : NULL, villages[s->village], s)))
			return rc;
	}
	return emergency(c, &k, villages[0]);
}
