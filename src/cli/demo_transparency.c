/* Demo data of transparency 三务公开 and the timeline 大事记: the county's schedule
 * settings (青山村 has busy finances, published monthly); a year of 党务, 村务 and 财务
 * items in 青山村, published by its cadre on time except one quarter's 村务, with two
 * revisions, one withdrawal, and the demo villager's questions (all answered but the
 * latest); 大事记 entries over two years; the other villages lighter (their last four
 * quarters, a few of them late or missing). Everything goes through the real domain
 * calls, as the person who would act, at plausible times before now. */
#include "cli/demo_transparency.h"
#include "cli/demo_picture.h"
#include "domain/transparency/transparency.h"
#include "util/timeutil.h"

/* ---- acting as someone ---- */

static int load_actor(struct ctx *c, int64_t user_id, struct actor *a)
{
	memset(a, 0, sizeof(*a));
	a->user_id = user_id;
	struct db_stmt *st = db_query(c->db, "SELECT u.name, u.phone, g.role, g.unit_id, o.kind, o.path, "
					     "COALESCE(u.resident_id, 0), COALESCE(r.household_id, 0) FROM users u "
					     "JOIN role_grants g ON g.user_id = u.id JOIN org_units o ON o.id = g.unit_id "
					     "LEFT JOIN residents r ON r.id = u.resident_id WHERE u.id = ?", "i", user_id);
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
		a->resident_id = db_col_int(st, 6);
		a->household_id = db_col_int(st, 7);
	}
	db_finalize(st);
	return a->ngrants ? RC_OK : ctx_fail(c, RC_INTERNAL, "演示数据：用户 %lld 没有角色", (long long)user_id);
}

/* The first user with a role on a unit (0 = none). */
static int64_t user_with(struct ctx *c, const char *role, int64_t unit_id)
{
	int64_t id = 0;
	if (db_get_int(c->db, &id, "SELECT user_id FROM role_grants WHERE role = ? AND unit_id = ? ORDER BY id LIMIT 1",
		       "ti", role, unit_id) != DB_OK)
		return 0;
	return id;
}

/* A context acting as a at time t; system: the author is recorded, access is not
 * checked (villages without a cadre login publish through the town's account). */
static struct ctx as(const struct ctx *c, const struct actor *a, int64_t t, bool system)
{
	struct ctx x = *c;
	x.actor = a;
	x.now = t;
	x.system = system;
	return x;
}

static int64_t at_day(int64_t day, int hour, int minute)
{
	return time_cn_midnight(day) + hour * 3600 + minute * 60;
}

/* ---- 青山村 ---- */

struct item_spec {
	const char *kind, *category, *title, *body;
};

static const struct item_spec party_items[] = {
	{"party", "组织生活", "季度党支部“三会一课”开展情况",
	 "本季度召开支部党员大会1次、支委会3次、党小组会6次，上党课1次。\n"
	 "主题党日活动：组织党员清理河道垃圾、走访慰问困难群众。\n"
	 "党员参会率93%，因外出务工请假党员已通过线上方式补学。"},
	{"party", "党费收缴", "季度党费收缴情况公示",
	 "本季度应缴党费党员41名，已缴41名，合计1,286.00元，已全额上缴镇党委。\n"
	 "流动党员通过线上方式缴纳。"},
	{"party", "党员发展", "季度党员发展和教育管理情况",
	 "本季度确定入党积极分子2名，发展对象1名（已公示无异议）。\n"
	 "组织党员集中学习4次，评选“十星级”党员户6户。"},
	{"party", "组织生活", "季度主题党日和党员积分情况",
	 "本季度开展主题党日3次：人居环境整治、防汛值守、重阳敬老。\n"
	 "党员积分前五名：张德明、刘桂兰、陈志强、杨春梅、王建国。"},
};

static const struct item_spec village_items[] = {
	{"village", "低保救助", "季度低保、特困和临时救助情况",
	 "本季度在保低保户18户31人，特困供养4人，临时救助2户。\n"
	 "新增低保1户（因病致贫），退出1户（家庭收入提高），均经村民代表评议并公示7天。"},
	{"village", "惠农补贴", "季度惠农补贴发放情况",
	 "耕地地力保护补贴已按确权面积发放到户，共发放286户，合计213,450.00元。\n"
	 "农机购置补贴2户。明细可到村委会查阅。"},
	{"village", "村级工程", "季度村级工程项目进展",
	 "三组至村小水泥路硬化（1.2公里）已完工，待镇里组织验收。\n"
	 "五组机耕道修复完成，山坪塘清淤完成60%。"},
	{"village", "集体资产", "季度集体资产资源出租情况",
	 "村集体鱼塘出租1宗，年租金8,000元；闲置村小校舍出租作为农产品仓库，年租金12,000元。\n"
	 "合同均经村民代表会议表决。"},
};

static const char *const finance_bodies[] = {
	"本月收入：上级转移支付 35,000.00 元，集体资产租金 1,700.00 元。\n"
	"本月支出：村干部报酬 18,600.00 元，办公费 1,240.00 元，人居环境保洁 3,200.00 元。\n"
	"月末结余 86,412.35 元。",
	"本月收入：上级转移支付 35,000.00 元，积分超市捐赠 2,000.00 元。\n"
	"本月支出：村干部报酬 18,600.00 元，道路维修 6,850.00 元，水电费 412.60 元。\n"
	"月末结余 97,661.75 元。",
	"本月收入：集体鱼塘租金 8,000.00 元。\n"
	"本月支出：村干部报酬 18,600.00 元，防汛物资 2,980.00 元，办公费 860.00 元。\n"
	"月末结余 83,221.75 元。",
};

static int publish(struct ctx *c, const struct actor *a, bool system, int64_t t, int64_t village, const char *kind,
		   const char *category, const char *period, const char *title, const char *body, int64_t *id)
{
	struct ctx x = as(c, a, t, system);
	struct disc_input in = {.village_id = village, .kind = kind, .category = category, .period = period,
				.title = title, .body = body};
	bool replayed;
	int rc = transparency_publish(&x, &in, id, &replayed);
	if (rc)
		c->err = x.err;
	return rc;
}

/* "2026-Q3" → "2026年三" style text used in titles: the quarter's number in Chinese. */
static const char *quarter_words(const struct disc_period *p, char out[32])
{
	static const char *const q[] = {"一", "二", "三", "四"};
	int y, m, d;
	time_civil_from_days(p->first, &y, &m, &d);
	snprintf(out, 32, "%d年第%s", y, q[(m - 1) / 3]);
	return out;
}

static int seed_qingshan(struct ctx *c, int64_t village, int64_t today)
{
	int64_t cadre_id = user_with(c, "cadre", village), villager_id = user_with(c, "villager", village);
	if (!cadre_id)
		return RC_OK;
	struct actor cadre, villager;
	int rc = load_actor(c, cadre_id, &cadre);
	if (rc)
		return rc;
	bool has_villager = villager_id && !load_actor(c, villager_id, &villager) && villager.household_id;
	ctx_reset(c);

	/* the last four quarters: 党务 and 村务, published between the 6th and 15th of the
	 * following month; 2 quarters ago the 村务 item came a week after the deadline */
	struct disc_period cur, q;
	transparency_quarter_of(today, &cur);
	q = cur;
	int64_t late_item = 0, first_village_item = 0, finance_to_revise = 0, finance_asked = 0;
	for (int k = 1; !rc && k <= 4; k++) {
		struct disc_period p;
		transparency_prev(&q, &p);
		q = p;
		int64_t due = transparency_due(&p, 0);
		char words[32], title[160];
		quarter_words(&p, words);
		for (int kind = 0; !rc && kind < 2; kind++) {
			const struct item_spec *s = kind ? &village_items[k % 4] : &party_items[k % 4];
			int64_t day = due - 14 + k + kind * 2;
			if (kind == 1 && k == 2)
				day = due + 7;   /* late */
			if (at_day(day, 10, 0) >= c->now)
				continue;
			snprintf(title, sizeof(title), "%s%s", words, s->title);
			int64_t id;
			rc = publish(c, &cadre, false, at_day(day, 9 + kind, 20 + k), village, s->kind, s->category, p.text,
				     title, s->body, &id);
			if (kind == 1 && k == 2)
				late_item = id;
			if (kind == 1 && k == 4)
				first_village_item = id;
		}
	}
	/* finance, monthly: the last twelve months, published around the 10th */
	struct disc_period m;
	transparency_month_of(today, &m);
	for (int k = 1; !rc && k <= 12; k++) {
		struct disc_period p;
		transparency_prev(&m, &p);
		m = p;
		int64_t day = transparency_due(&p, 0) - 10 - (k % 3);
		if (at_day(day, 15, 0) >= c->now)
			continue;
		int y, mo, d;
		time_civil_from_days(p.first, &y, &mo, &d);
		char title[80];
		snprintf(title, sizeof(title), "%d年%d月村级财务收支公开", y, mo);
		int64_t id;
		rc = publish(c, &cadre, false, at_day(day, 15, 10), village, "finance", "月度收支", p.text, title,
			     finance_bodies[k % 3], &id);
		if (k == 4)
			finance_to_revise = id;
		if (k == 3)
			finance_asked = id;
	}
	/* a major matter: the road contract, decided by the villagers' representatives */
	int64_t major = 0;
	if (!rc && today - 50 > 0) {
		char decided[11];
		time_format_date(at_day(today - 50, 12, 0), decided);
		rc = publish(c, &cadre, false, at_day(today - 47, 16, 0), village, "village", "重大事项", decided,
			     "三组通组路硬化工程施工单位确定结果",
			     "经村民代表会议（到会代表32名）表决，三组通组路硬化工程由四川青川路桥有限公司施工，"
			     "合同价 386,500.00 元，工期60天。\n资金来源：县交通局以奖代补 300,000.00 元，村集体自筹 86,500.00 元。\n"
			     "监督电话：0816-7202111。", &major);
	}
	/* two revisions: a figure corrected, a name list completed */
	if (!rc && finance_to_revise) {
		struct ctx x = as(c, &cadre, c->now, false);
		struct disc_input in = {.nfiles = -1, .reason = "道路维修支出金额笔误，更正为 6,580.00 元",
					.body = "本月收入：上级转移支付 35,000.00 元，积分超市捐赠 2,000.00 元。\n"
						"本月支出：村干部报酬 18,600.00 元，道路维修 6,580.00 元，水电费 412.60 元。\n"
						"月末结余 97,931.75 元。"};
		struct disclosure d;
		rc = transparency_get(&x, finance_to_revise, 0, &d);
		x.now = rc ? x.now : d.published_at + 3 * 86400 + 1800;
		if (!rc && x.now < c->now)
			rc = transparency_revise(&x, finance_to_revise, &in);
		if (rc)
			c->err = x.err;
	}
	if (!rc && major) {
		struct ctx x = as(c, &cadre, at_day(today - 45, 10, 30), false);
		struct disc_input in = {.nfiles = -1, .reason = "补充质量监督员名单",
					.body = "经村民代表会议（到会代表32名）表决，三组通组路硬化工程由四川青川路桥有限公司施工，"
						"合同价 386,500.00 元，工期60天。\n资金来源：县交通局以奖代补 300,000.00 元，"
						"村集体自筹 86,500.00 元。\n村民质量监督员：张德明、王建国（三组）。\n"
						"监督电话：0816-7202111。"};
		rc = transparency_revise(&x, major, &in);
		if (rc)
			c->err = x.err;
	}
	/* one withdrawal: an item put up twice by mistake */
	if (!rc && first_village_item) {
		struct disclosure d;
		struct ctx x = as(c, &cadre, c->now, false);
		rc = transparency_get(&x, first_village_item, 0, &d);
		int64_t dup = 0;
		if (!rc) {
			x.now = d.published_at + 1800;
			struct disc_input in = {.village_id = village, .kind = d.kind, .category = d.category,
						.period = d.period, .title = d.title, .body = d.body};
			bool replayed;
			rc = transparency_publish(&x, &in, &dup, &replayed);
		}
		if (!rc) {
			x.now += 3600;
			rc = transparency_withdraw(&x, dup, "重复发布，保留先发布的一条");
		}
		if (rc)
			c->err = x.err;
	}
	/* the villager's questions: two answered, the latest still open */
	if (!rc && has_villager && late_item) {
		struct { int64_t item; int ask_days_ago, answer_after_days; const char *q, *a; } qs[] = {
			{late_item, 100, 2, "三组到村小的水泥路什么时候验收？验收以后由谁来管护？",
			 "镇里定于下月上旬组织验收；验收后由村里聘请保洁员兼管护，费用从村集体经济收入列支。"},
			{major, 40, 1, "修路占了我家一点菜地，有没有补偿？",
			 "占用的菜地按每平方米15元给予青苗补偿，请带上户口簿到村委会登记，三组组长会上门核实。"},
			{finance_asked, 5, 0, "办公费每个月都有一千多，主要花在哪些地方？", NULL},
		};
		for (size_t i = 0; !rc && i < ARRAY_SIZE(qs); i++) {
			if (!qs[i].item || qs[i].ask_days_ago * 86400 >= c->now)
				continue;
			struct ctx x = as(c, &villager, at_day(today - qs[i].ask_days_ago, 20, 15), false);
			struct disclosure d;
			if (transparency_get(&x, qs[i].item, 0, &d) || d.published_at >= x.now) {
				ctx_reset(c);
				continue;
			}
			int64_t qid;
			bool replayed;
			rc = transparency_ask(&x, qs[i].item, qs[i].q, NULL, &qid, &replayed);
			if (!rc && qs[i].a) {
				struct ctx y = as(c, &cadre, at_day(today - qs[i].ask_days_ago + qs[i].answer_after_days, 9, 40),
						  false);
				rc = transparency_answer(&y, qid, qs[i].a);
				if (rc)
					x.err = y.err;
			}
			if (rc)
				c->err = x.err;
		}
	}
	return rc;
}

/* ---- 大事记 ---- */

struct chronicle_spec {
	int days_ago;
	const char *title, *body;
};

static const struct chronicle_spec chronicle_specs[] = {
	{712, "村“两委”换届选举顺利完成", "全村有选举权的村民1,862人，参选1,604人，参选率86.1%。选举产生村党支部委员5名、村民委员会委员5名。"},
	{668, "召开全体党员大会", "学习贯彻上级会议精神，讨论通过《青山村党员积分管理办法》，41名党员参会。"},
	{610, "启动“美丽庭院”评比", "以户为单位评比庭院整洁、绿化美化、家风文明，评比结果与积分超市挂钩。"},
	{548, "防汛抢险转移群众23人", "连续强降雨，二组山体出现裂缝，村干部和网格员连夜转移群众23人，无人员伤亡。"},
	{505, "首届“美丽庭院”评比结果揭晓", "评出示范户12户、达标户86户，在村委会前公示并颁发牌匾。"},
	{452, "积分超市开业", "青山村爱心积分超市在村委会一楼开业，村民可用积分兑换日用品。"},
	{398, "三组至村小水泥路开工", "全长1.2公里，宽4.5米，总投资约48万元，解决三组68户群众和村小学生出行难。"},
	{351, "村规民约修订通过", "经村民代表会议表决，新增移风易俗、红白喜事简办等条款。"},
	{300, "三组至村小水泥路通车", "道路提前15天完工，群众自发在路口放鞭炮庆祝。"},
	{262, "山坪塘整治完成", "整治山坪塘3口，新增蓄水约1.8万立方米，改善灌溉面积320亩。"},
	{214, "召开党员大会评议“十星级”党员户", "评出“十星级”党员户6户，2名同志被确定为入党积极分子。"},
	{170, "防汛演练", "组织村民、网格员和民兵开展防汛转移演练，参与群众150余人。"},
	{120, "第二届“美丽庭院”评比", "示范户增加到21户，四组整组达标，获评镇级“美丽院落”。"},
	{40, "三组通组路硬化工程开工", "经村民代表会议表决确定施工单位，村民推选2名质量监督员全程监督。"},
	{21, "敬老慰问活动", "为全村80岁以上老人43人送上慰问品，党员志愿者上门理发、体检。"},
};

static int seed_chronicle(struct ctx *c, int64_t village, int64_t today)
{
	int64_t cadre_id = user_with(c, "cadre", village);
	if (!cadre_id)
		return RC_OK;
	struct actor cadre;
	int rc = load_actor(c, cadre_id, &cadre);
	int64_t revise_id = 0, withdraw_id = 0;
	for (size_t i = 0; !rc && i < ARRAY_SIZE(chronicle_specs); i++) {
		const struct chronicle_spec *s = &chronicle_specs[i];
		char day[11];
		time_format_date(at_day(today - s->days_ago, 12, 0), day);
		struct ctx x = as(c, &cadre, at_day(today - s->days_ago + 1, 17, 30), false);
		if (x.now >= c->now)
			continue;
		struct chronicle_input in = {.village_id = village, .happened_on = day, .title = s->title, .body = s->body};
		/* one or two photos of the day, taken by the cadre */
		char hashes[2][FILES_HASH_LEN + 1];
		struct demo_picture *pic = malloc(sizeof(*pic));
		if (!pic)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		for (int k = 0; !rc && k < 1 + (int)(i % 2); k++) {
			demo_scene(pic, 9000 + i * 2 + (size_t)k);
			rc = demo_picture_store(&x, pic, hashes[k]);
			in.photos[in.nphotos++] = hashes[k];
		}
		free(pic);
		int64_t id = 0;
		if (!rc)
			rc = chronicle_add(&x, &in, &id);
		if (rc)
			c->err = x.err;
		if (i == 2)
			revise_id = id;
		if (i == 5)
			withdraw_id = id;
	}
	if (!rc && revise_id) {
		struct ctx x = as(c, &cadre, at_day(today - 600, 9, 0), false);
		struct chronicle_input in = {.nphotos = -1, .reason = "补充评比与积分挂钩的办法",
					     .body = "以户为单位评比庭院整洁、绿化美化、家风文明，每季度评一次；"
						     "示范户每户加20分，达标户加10分，可在积分超市兑换。"};
		rc = chronicle_revise(&x, revise_id, &in);
		if (rc)
			c->err = x.err;
	}
	if (!rc && withdraw_id) {
		/* the shop's opening is kept once: an earlier duplicate is withdrawn */
		struct ctx x = as(c, &cadre, at_day(today - 440, 9, 0), false);
		rc = chronicle_withdraw(&x, withdraw_id, "开业日期记错，以镇里通报的日期为准重新记录");
		if (!rc) {
			char day[11];
			time_format_date(at_day(today - 450, 12, 0), day);
			struct chronicle_input in = {.village_id = village, .happened_on = day, .title = "积分超市开业",
						     .body = "青山村爱心积分超市在村委会一楼开业，首批上架日用品32种，"
							     "当天有86户村民用积分兑换。"};
			int64_t id;
			rc = chronicle_add(&x, &in, &id);
		}
		if (rc)
			c->err = x.err;
	}
	return rc;
}

/* ---- the other villages ---- */

static int seed_other(struct ctx *c, int64_t village, int index, const struct actor *author, int64_t today)
{
	struct disc_period cur, q;
	transparency_quarter_of(today, &cur);
	q = cur;
	int rc = RC_OK;
	for (int k = 1; !rc && k <= 4; k++) {
		struct disc_period p;
		transparency_prev(&q, &p);
		q = p;
		int64_t due = transparency_due(&p, 0);
		char words[32], title[160];
		quarter_words(&p, words);
		static const char *const kinds[] = {"party", "village", "finance"};
		for (int kind = 0; !rc && kind < 3; kind++) {
			/* a few villages missed the latest 村务 or were late with finance */
			if (k == 1 && kind == 1 && index % 5 == 2)
				continue;
			int64_t day = due - 8 + (index + kind) % 6;
			if (k == 1 && kind == 2 && index % 4 == 3)
				day = due + 3 + index % 9;
			if (at_day(day, 11, 0) >= c->now)
				continue;
			const char *category = kind == 0 ? "组织生活" : kind == 1 ? "村级事务" : "季度收支";
			snprintf(title, sizeof(title), "%s季度%s公开", words,
				 kind == 0 ? "党务" : kind == 1 ? "村务" : "财务收支");
			const char *body = kind == 0 ? "本季度支部按时召开“三会一课”，开展主题党日活动，党费按时收缴上缴。"
				       : kind == 1   ? "本季度低保、惠农补贴、村级工程等事项已按规定公开，详细资料可到村委会查阅。"
						     : "本季度村级收入、支出和结余明细已经村务监督委员会审核，欢迎村民查阅监督。";
			int64_t id;
			rc = publish(c, author, true, at_day(day, 10, 30), village, kinds[kind], category, p.text, title,
				     body, &id);
		}
	}
	return rc;
}

int transparency_seed_demo(struct ctx *c, int64_t county_id, int64_t town_id, const int64_t *villages, int n)
{
	if (n <= 0)
		return RC_OK;
	int64_t today = time_cn_days(c->now);
	struct disc_period cur, p;
	transparency_quarter_of(today, &cur);
	transparency_prev(&cur, &p);
	transparency_prev(&p, &cur);
	transparency_prev(&cur, &p);
	char starts[11];
	time_format_date(at_day(p.first, 12, 0), starts);   /* the schedule counts the last four quarters */
	/* busy finances (monthly): 青山村; the others publish finance each quarter */
	int64_t busy[64];
	int nbusy = 0;
	busy[nbusy++] = villages[0];
	int rc = transparency_settings_put(c, county_id, DISC_MAJOR_DAYS_DEFAULT, starts, nbusy, busy);
	if (!rc)
		rc = seed_qingshan(c, villages[0], today);
	if (!rc)
		rc = seed_chronicle(c, villages[0], today);
	int64_t official = user_with(c, "town_official", town_id);
	struct actor town;
	if (!rc && official && n > 1 && !(rc = load_actor(c, official, &town)))
		for (int i = 1; !rc && i < n; i++)
			rc = seed_other(c, villages[i], i, &town, today);
	return rc;
}
