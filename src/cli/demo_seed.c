/* The demo's seed data: the points rule catalog a county template and every village
 * adopt, the first village's shop with its goods and stock-ins, and the notices of
 * every village (see demo.h). */
#include "cli/demo.h"
#include "domain/finance/finance.h"
#include "domain/notices/notices.h"
#include "domain/points/rules.h"
#include "domain/shop/shop.h"
#include "util/timeutil.h"

/* ---- seed data: the rule catalog, the shop's goods, notices ---- */

#define R(cat, name, pts, photo, by, cap, period) {cat, name, pts, photo, by, cap, period, NULL, NULL}

static const struct rule_input demo_rules[] = {
	R("思想政治", "参加党课学习", 3, false, "self", 4, "month"),
	R("思想政治", "参加村民大会", 5, false, "grid", 4, "quarter"),
	R("思想政治", "参加理论宣讲活动", 3, true, "self", 2, "month"),
	R("思想政治", "学习强国月度积分达标", 2, true, "self", 1, "month"),
	R("思想政治", "积极建言献策被采纳", 5, false, "cadre", 2, "quarter"),
	R("思想政治", "党员带头承诺践诺", 5, false, "cadre", 1, "quarter"),
	R("思想政治", "参加趣味学法答题", 2, false, "self", 2, "month"),
	R("生产生活", "发展特色产业示范户", 10, false, "cadre", 1, "year"),
	R("生产生活", "参加农业技能培训", 3, true, "self", 2, "month"),
	R("生产生活", "按时缴纳医保和养老保险", 5, false, "grid", 1, "year"),
	R("生产生活", "带动村民就业增收", 10, false, "cadre", 1, "year"),
	R("生产生活", "守信履约按时还贷", 3, false, "cadre", 1, "year"),
	R("家庭教育", "孝老爱亲", 10, false, "grid", 1, "quarter"),
	R("家庭教育", "子女考上大学", 5, true, "self", 1, "year"),
	R("家庭教育", "家庭和睦无纠纷", 3, false, "grid", 1, "year"),
	R("家庭教育", "评为五好文明家庭", 10, false, "cadre", 1, "year"),
	R("家庭教育", "参加家长学校", 2, true, "self", 2, "month"),
	R("集体活动", "参加志愿劳动", 5, true, "self", 3, "month"),
	R("集体活动", "参加村集体公益活动", 3, true, "self", 4, "month"),
	R("集体活动", "参加村文体活动", 2, true, "self", 2, "month"),
	R("集体活动", "为村集体建设捐资捐物", 5, true, "cadre", 2, "year"),
	R("集体活动", "无偿献血", 10, true, "self", 2, "year"),
	R("人居环境", "门前三包", 3, true, "self", 4, "month"),
	R("人居环境", "垃圾分类示范户", 5, false, "grid", 1, "month"),
	R("人居环境", "美丽庭院", 10, true, "cadre", 1, "quarter"),
	R("人居环境", "房前屋后绿化美化", 3, true, "self", 2, "month"),
	R("人居环境", "完成农村户厕改造", 5, true, "cadre", 1, "year"),
	R("平安建设", "参加治安巡逻", 10, false, "grid", 4, "month"),
	R("平安建设", "见义勇为", 20, false, "cadre", 0, NULL),
	R("平安建设", "调解邻里纠纷", 5, false, "grid", 2, "month"),
	R("平安建设", "举报安全隐患经查实", 5, true, "grid", 2, "month"),
	R("平安建设", "参加森林防火值守", 5, true, "grid", 4, "month"),
	R("移风易俗", "移风易俗婚事新办", 10, false, "cadre", 1, "year"),
	R("移风易俗", "丧事简办", 10, false, "cadre", 1, "year"),
	R("移风易俗", "拒绝高价彩礼", 10, false, "cadre", 1, "year"),
	R("移风易俗", "文明祭祀", 3, false, "grid", 1, "year"),
	R(RULES_DEDUCTION_CATEGORY, "焚烧秸秆", -5, true, "cadre", 0, NULL),
	R(RULES_DEDUCTION_CATEGORY, "扰乱公共秩序", -20, false, "cadre", 0, NULL),
	R(RULES_DEDUCTION_CATEGORY, "乱倒垃圾", -10, true, "cadre", 0, NULL),
	R(RULES_DEDUCTION_CATEGORY, "违规燃放烟花爆竹", -10, false, "cadre", 0, NULL),
	R(RULES_DEDUCTION_CATEGORY, "乱搭乱建", -10, true, "cadre", 0, NULL),
	R(RULES_DEDUCTION_CATEGORY, "大操大办酒席", -10, false, "cadre", 0, NULL),
	R(RULES_DEDUCTION_CATEGORY, "散养畜禽污染环境", -5, true, "cadre", 0, NULL),
	R(RULES_DEDUCTION_CATEGORY, "不履行赡养义务", -20, false, "cadre", 0, NULL),
	R(RULES_DEDUCTION_CATEGORY, "参与聚众赌博", -20, false, "cadre", 0, NULL),
};

#undef R

/* The date given, or today when the clock is earlier (a meeting is never in the future). */
static void demo_date(struct ctx *c, int y, int m, int d, char out[11])
{
	int64_t days = time_days_from_civil(y, m, d), today = time_cn_days(c->now);
	if (days > today)
		days = today;
	time_civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int rules_seed_demo(struct ctx *c, int64_t county_id)
{
	if (!c->system)
		return ctx_fail(c, RC_FORBIDDEN, "演示数据只能从命令行生成");
	char date[11];
	demo_date(c, 2026, 1, 8, date);
	int64_t version;
	struct rule_version_input county = {
		.unit_id = county_id,
		.meeting_type = "县委农办会议",
		.meeting_date = date,
		.note = "印发《青川县村级积分制管理指导清单（试行）》，各村结合实际采用",
		.nadd = (int)ARRAY_SIZE(demo_rules),
		.add = demo_rules,
	};
	int rc = rules_version_create(c, &county, &version);
	if (rc)
		return rc;

	/* the template rules just made, to adopt */
	struct rule_adopt *adopt = arena_alloc(c->arena, sizeof(*adopt) * ARRAY_SIZE(demo_rules));
	if (!adopt)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT id FROM point_rules WHERE added_version = ? ORDER BY id",
				      "i", version);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取积分事项");
	int nadopt = 0;
	while (nadopt < (int)ARRAY_SIZE(demo_rules) && db_step(st) == DB_ROW)
		adopt[nadopt++].template_id = db_col_int(st, 0);
	db_finalize(st);

	struct org_unit cu;
	if ((rc = org_get(c, county_id, &cu)))
		return rc;
	int64_t nvillages = 0;
	char *like = arena_printf(c->arena, "%s%%", cu.path);
	if (!like || db_get_int(c->db, &nvillages, "SELECT count(*) FROM org_units WHERE kind = 'village' "
						   "AND path LIKE ?", "t", like) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取单位");
	int64_t *villages = arena_alloc(c->arena, sizeof(*villages) * (size_t)(nvillages + 1));
	if (!villages)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	st = db_query(c->db, "SELECT id FROM org_units WHERE kind = 'village' AND path LIKE ? ORDER BY id",
		      "t", like);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取单位");
	int n = 0;
	while (n < nvillages && db_step(st) == DB_ROW)
		villages[n++] = db_col_int(st, 0);
	db_finalize(st);

	demo_date(c, 2026, 1, 20, date);
	for (int i = 0; !rc && i < n; i++) {
		struct rule_version_input in = {
			.unit_id = villages[i],
			.meeting_type = "村民代表会议",
			.meeting_date = date,
			.note = "经村民代表会议表决通过，全文采用县级指导清单",
			.nadopt = nadopt,
			.adopt = adopt,
		};
		rc = rules_version_create(c, &in, &version);
	}
	return rc;
}

static const struct demo_goods {
	const char *name, *category, *unit;
	int price, limit, low;
	const char *period;
	struct {
		int qty;
		int64_t cost;
		const char *funding, *supplier;
	} ins[2];
} demo_goods[] = {
	{"食用油 5L", "粮油", "桶", 200, 1, 5, "month",
	 {{30, 6500, "集体经济", "青川县惠民粮油批发部"}, {10, 6300, "捐赠", "县农商银行（爱心捐赠）"}}},
	{"大米 10kg", "粮油", "袋", 300, 1, 5, "month", {{20, 5200, "集体经济", "青川县惠民粮油批发部"}}},
	{"洗衣液", "日化", "瓶", 80, 2, 10, "month", {{40, 1850, "财政", "青川县日用百货公司"}}},
	{"酱油", "调味", "瓶", 30, 0, 10, NULL, {{50, 750, "集体经济", "青川县惠民粮油批发部"}}},
	{"盐", "调味", "袋", 10, 0, 20, NULL, {{100, 250, "集体经济", "青川县惠民粮油批发部"}}},
	{"毛巾", "日化", "条", 20, 0, 10, NULL, {{60, 550, "财政", "青川县日用百货公司"}}},
	{"牙膏", "日化", "支", 25, 0, 10, NULL, {{60, 680, "财政", "青川县日用百货公司"}}},
	{"肥皂", "日化", "块", 10, 0, 20, NULL, {{80, 300, "其他", "青川县日用百货公司"}}},
	{"洗洁精", "日化", "瓶", 30, 0, 10, NULL, {{40, 850, "集体经济", "青川县日用百货公司"}}},
	{"鸡蛋 一盒", "生鲜", "盒", 60, 2, 5, "month", {{30, 1500, "集体经济", "村养殖合作社"}}},
	{"保温杯", "日用", "个", 150, 1, 3, "year", {{12, 3800, "捐赠", "乡贤 王建国（捐赠）"}}},
	{"雨伞", "日用", "把", 100, 1, 3, "year", {{15, 2600, "财政", "青川县日用百货公司"}}},
};

int shop_seed_demo(struct ctx *c, int64_t village_id, int64_t clerk_user_id)
{
	if (!c->system)
		return ctx_fail(c, RC_FORBIDDEN, "演示数据只能从命令行生成");
	/* the clerk does the work: the audit log and the stock ledger name them */
	const struct actor *saved = c->actor;
	struct actor clerk = {.user_id = clerk_user_id};
	str_copy(clerk.name, sizeof(clerk.name), "超市管理员");
	c->actor = &clerk;
	int64_t shop_id = 0;
	struct shop_input si = {.unit_id = village_id, .name = "青山村爱心积分超市", .window_mode = "always",
				.return_days = SHOP_UNSET, .preorder_hours = SHOP_UNSET};
	int rc = shop_create(c, &si, &shop_id);
	for (size_t i = 0; !rc && i < ARRAY_SIZE(demo_goods); i++) {
		const struct demo_goods *d = &demo_goods[i];
		struct goods_input gi = {.name = d->name, .category = d->category, .unit = d->unit,
					 .price_points = d->price, .limit_count = d->limit, .limit_period = d->period,
					 .low_stock = d->low, .active = true};
		int64_t goods_id, move;
		rc = goods_create(c, shop_id, &gi, &goods_id);
		for (size_t k = 0; !rc && k < ARRAY_SIZE(d->ins) && d->ins[k].qty; k++) {
			struct stock_in_input in = {.supplier = d->ins[k].supplier, .quantity = d->ins[k].qty,
						    .unit_cost = d->ins[k].cost, .funding = d->ins[k].funding,
						    .then = finance_shop_stock_in};
			rc = stock_in(c, goods_id, &in, &move);
		}
	}
	c->actor = saved;
	return rc;
}

static const struct notice_seed demo_notices[] = {
	{12, 0, "normal", "积分超市开放时间调整",
	 "各位村民：\n即日起，积分超市开放时间调整为每周二、周五上午 9:00—11:30。兑换时请出示户码或户卡。",
	 3, "应村民要求增加周日下午开放",
	 "各位村民：\n为方便大家兑换，积分超市开放时间调整为：\n每周二、周五 上午 9:00—11:30\n每周日 下午 2:30—5:00\n"
	 "兑换时请出示户码或户卡；在手机上预订的商品请在 72 小时内领取。"},
	{6, 45, "important", "秋季秸秆禁烧通知",
	 "各位村民：\n秋收已经开始。为保护大气环境、防止火灾，根据县、镇秸秆禁烧工作要求，即日起全村范围内严禁露天焚烧"
	 "秸秆、树叶和垃圾。\n一、秸秆请就地粉碎还田，或堆放到各组指定的收集点，由村里统一联系回收利用。\n"
	 "二、网格员每天巡查，发现焚烧的及时劝阻并报告村委会。\n三、焚烧秸秆的，按村规民约扣减积分；情节严重的由有关部门"
	 "依法处理。\n请大家相互转告，共同守护蓝天。",
	 0, NULL, NULL},
	{1, 30, "normal", "关于开展“清洁家园”人居环境整治的通知",
	 "各位村民：\n为迎接新年，村里将开展“清洁家园”集中整治。请各户做好房前屋后的清扫，清理乱堆乱放的柴草和杂物，"
	 "畜禽圈养。\n本周六上午 8:30 在村委会门前集合开展志愿劳动，参加的农户按积分事项加分。\n整治结束后评选“美丽庭院户”，"
	 "结果在村务公开栏和手机上公示。",
	 0, NULL, NULL},
};

int notices_seed_demo(struct ctx *c, int64_t village_id, int64_t author_id)
{
	return notices_seed(c, village_id, author_id, demo_notices, ARRAY_SIZE(demo_notices));
}
