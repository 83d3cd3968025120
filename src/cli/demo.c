/* The demo county generator: deterministic org units, households, residents and one
 * login per role (see demo.h). All randomness comes from a seeded splitmix64. */
#include "cli/demo.h"
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

static int notices_seed_demo(struct ctx *c, int64_t village_id, int64_t author_id)
{
	return notices_seed(c, village_id, author_id, demo_notices, ARRAY_SIZE(demo_notices));
}

/* ---- the generator ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int rng_range(struct rng *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static bool rng_chance(struct rng *r, int percent)
{
	return rng_range(r, 0, 99) < percent;
}

#define PICK(r, list) ((list)[rng_next(r) % ARRAY_SIZE(list)])

/* ---- names and places ---- */

/* The common surnames, most frequent first. */
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
	"彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
	"魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "廖",
};

/* Given names by generation: born before 1960, 1960–1984, 1985–2004, 2005 on. */
static const char *const given_m[4][24] = {
	{"建国", "国华", "志明", "德福", "永福", "文华", "明山", "长林", "树林", "有才", "金山", "玉山",
	 "德明", "光明", "国庆", "春生", "福生", "学文", "秀山", "世荣", "正华", "德胜", "万福", "开富"},
	{"建军", "志强", "伟", "勇", "军", "强", "磊", "斌", "涛", "明", "刚", "平",
	 "辉", "建平", "海涛", "建华", "春林", "红军", "小军", "永刚", "俊", "波", "卫东", "国平"},
	{"浩", "宇", "鑫", "杰", "俊杰", "浩然", "子豪", "宇航", "文博", "家豪", "志鹏", "鹏飞",
	 "嘉豪", "天宇", "明轩", "晨阳", "超", "阳", "凯", "帅", "亮", "龙", "飞", "旭"},
	{"子轩", "梓豪", "宇轩", "浩宇", "俊熙", "沐阳", "子墨", "睿", "皓轩", "梓睿", "宇泽", "奕辰",
	 "铭轩", "博文", "锦程", "浩然", "子航", "一鸣", "嘉懿", "承泽", "思远", "俊豪", "天佑", "梓杰"},
};
static const char *const given_f[4][24] = {
	{"秀英", "桂英", "秀兰", "玉兰", "桂兰", "淑珍", "凤英", "玉珍", "秀珍", "兰英", "翠花", "春花",
	 "金凤", "素芳", "玉梅", "秀梅", "桂芳", "淑英", "冬梅", "玉凤", "素英", "菊英", "桂珍", "德芳"},
	{"丽", "芳", "敏", "静", "燕", "红", "艳", "霞", "娟", "英", "丽娟", "秀云",
	 "红梅", "海燕", "小红", "春燕", "晓燕", "丽萍", "雪梅", "玉霞", "琴", "萍", "利", "慧"},
	{"婷", "欣怡", "雨涵", "佳怡", "思雨", "梦瑶", "婷婷", "雪", "倩", "琳", "悦", "诗涵",
	 "雨欣", "紫涵", "慧敏", "佳琪", "晓雪", "欣然", "丹", "洁", "月", "露", "璐", "瑶"},
	{"梓涵", "一诺", "欣妍", "雨桐", "可馨", "语桐", "诗琪", "若汐", "梓萱", "思涵", "依诺", "芷若",
	 "欣悦", "语嫣", "紫萱", "子涵", "安琪", "梦琪", "佳宁", "雅静", "心怡", "沐晨", "晨曦", "乐瑶"},
};

static const char *const group_names[] = {"第一组", "第二组", "第三组", "第四组",
					  "第五组", "第六组", "第七组", "第八组"};

struct village_spec {
	const char *name;
	int dom1, dom2;   /* the village's two big families: indexes into surnames */
	int offset;       /* households beyond the 555 average (county scale) */
};

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
#define MAX_GROUPS 8

/* Where ID-card numbers of people born here start; married-in spouses come partly
 * from the neighbouring counties. */
#define HOME_REGION "511123"
static const char *const other_regions[] = {"511102", "511124", "511129", "511181", "510722"};

static const char *const phone_prefixes[] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "150", "151", "152", "153",
	"155", "156", "157", "158", "159", "180", "181", "182", "183", "186", "187", "188", "189",
};

/* The county seat; villages lie on a 6 × 3 grid around it (microdegrees). */
#define BASE_LAT_E6 29150000
#define BASE_LNG_E6 103880000
static const int group_offsets[MAX_GROUPS][2] = {
	{0, 0}, {6000, 3000}, {-5000, 4000}, {2000, -6000},
	{-6000, -3000}, {7000, -4000}, {-2000, 8000}, {4000, 7000},
};

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

/* ---- households ---- */

#define MAX_MEMBERS 6

struct member {
	const char *relation;
	int gender;            /* 1 male, 2 female */
	int age;               /* at the reference date */
	const char *surname;
	bool married_in;       /* may come from another county */
};

struct plan {
	int n;
	struct member m[MAX_MEMBERS];
	const char *family;    /* the children's surname: the father's */
};

/* State shared across the whole run: unique ID-card sequences and phone numbers. */
struct gen {
	struct ctx *c;
	int64_t ref_days;      /* ages are counted to this date */
	int64_t min_days;      /* 1900-01-01 */
	uint16_t *seq;         /* per (birth date, gender): ID-card sequence numbers used */
	int64_t nseq;
	int64_t phones;        /* phone numbers handed out */
	struct demo_logins *out;
	int64_t villager_resident;
	char villager_name[PEOPLE_NAME_MAX * 4 + 1];
	char villager_phone[24];
};

static struct member *add(struct plan *p, const char *relation, int gender, int age,
			  const char *surname)
{
	struct member *m = &p->m[p->n++];
	m->relation = relation;
	m->gender = gender;
	m->age = age < 0 ? 0 : age > 98 ? 98 : age;
	m->surname = surname;
	m->married_in = false;
	return m;
}

static const char *village_surname(struct rng *r, const struct village_spec *v)
{
	int roll = rng_range(r, 0, 99);
	if (roll < 28)
		return surnames[v->dom1];
	if (roll < 45)
		return surnames[v->dom2];
	/* skewed towards the common surnames */
	double u = (double)(rng_next(r) >> 11) / 9007199254740992.0;
	return surnames[(size_t)(u * u * (double)ARRAY_SIZE(surnames))];
}

static const char *other_surname(struct rng *r, const char *not)
{
	for (;;) {
		double u = (double)(rng_next(r) >> 11) / 9007199254740992.0;
		const char *s = surnames[(size_t)(u * u * (double)ARRAY_SIZE(surnames))];
		if (strcmp(s, not))
			return s;
	}
}

static struct member *add_head(struct plan *p, struct rng *r, const struct village_spec *v,
			       int lo, int hi, int male_percent)
{
	return add(p, "户主", rng_chance(r, male_percent) ? 1 : 2, rng_range(r, lo, hi),
		   village_surname(r, v));
}

static void add_spouse(struct plan *p, struct rng *r, const struct member *head)
{
	int age = head->gender == 1 ? head->age - rng_range(r, -2, 5) : head->age + rng_range(r, -2, 5);
	if (age < 20)
		age = 20;
	struct member *m = add(p, "配偶", 3 - head->gender, age, other_surname(r, head->surname));
	m->married_in = head->gender == 1;
}

/* The age of a child of parents whose younger one is parent_age. */
static int child_age(struct rng *r, int parent_age)
{
	int hi = parent_age - 21, lo = parent_age - 36;
	if (lo < 0)
		lo = 0;
	if (hi < lo)
		hi = lo;
	return rng_range(r, lo, hi);
}

static int younger(const struct plan *p)
{
	int a = p->m[0].age;
	if (p->n > 1 && !strcmp(p->m[1].relation, "配偶") && p->m[1].age < a)
		a = p->m[1].age;
	return a;
}

/* Children take the father's surname: the head's, or when the head is a woman her
 * husband's (living in the household or not). */
static const char *family_surname(struct plan *p, struct rng *r)
{
	if (!p->family) {
		if (p->m[0].gender == 1)
			p->family = p->m[0].surname;
		else if (p->n > 1 && !strcmp(p->m[1].relation, "配偶"))
			p->family = p->m[1].surname;
		else
			p->family = other_surname(r, p->m[0].surname);
	}
	return p->family;
}

static void add_child(struct plan *p, struct rng *r, int age)
{
	bool son = rng_chance(r, 52);
	add(p, son ? "子" : "女", son ? 1 : 2, age, family_surname(p, r));
}

static void add_children(struct plan *p, struct rng *r, int n)
{
	int pa = younger(p);
	for (int i = 0; i < n; i++)
		add_child(p, r, child_age(r, pa));
}

/* The head's parents: both, or one (more often the mother, who lives longer). */
static void add_parents(struct plan *p, struct rng *r, bool both)
{
	const char *surname = p->m[0].surname;
	int father = p->m[0].age + rng_range(r, 23, 32);
	int mother = father - rng_range(r, -1, 4);
	bool mother_only = !both && rng_chance(r, 65);
	if (!mother_only)
		add(p, "父亲", 1, father, surname);
	if (both || mother_only)
		add(p, "母亲", 2, mother, other_surname(r, surname))->married_in = true;
}

/* An older head's son, optionally his wife, and grandchildren. */
static void add_son_family(struct plan *p, struct rng *r, bool wife, int grandchildren)
{
	int son = younger(p) - rng_range(r, 23, 30);
	if (son < 24)
		son = 24;
	const char *surname = family_surname(p, r);
	add(p, "子", 1, son, surname);
	int pa = son;
	if (wife) {
		int w = son - rng_range(r, -2, 4);
		if (w < 22)
			w = 22;
		add(p, "儿媳", 2, w, other_surname(r, surname))->married_in = true;
		if (w < pa)
			pa = w;
	}
	for (int i = 0; i < grandchildren; i++) {
		bool boy = rng_chance(r, 52);
		add(p, boy ? "孙子" : "孙女", boy ? 1 : 2, child_age(r, pa), surname);
	}
}

/* Household sizes 1–6 in percent; the mean is about 3.1. */
static const int size_weights[MAX_MEMBERS] = {12, 24, 28, 19, 11, 6};

static void plan_household(struct plan *p, struct rng *r, const struct village_spec *v)
{
	int roll = rng_range(r, 0, 99), size = 1;
	for (int acc = 0, i = 0; i < MAX_MEMBERS; i++) {
		acc += size_weights[i];
		if (roll < acc) {
			size = i + 1;
			break;
		}
	}
	p->n = 0;
	p->family = NULL;
	int t = rng_range(r, 0, 99);
	switch (size) {
	case 1:
		if (t < 60)
			add_head(p, r, v, 62, 88, 50);   /* an old person living alone */
		else
			add_head(p, r, v, 26, 58, 85);
		break;
	case 2:
		if (t < 40) {
			add_spouse(p, r, add_head(p, r, v, 52, 84, 92));   /* old couple */
		} else if (t < 55) {
			add_spouse(p, r, add_head(p, r, v, 24, 50, 92));
		} else if (t < 80) {
			add_head(p, r, v, 46, 78, 55);                 /* widowed with a child */
			add_children(p, r, 1);
		} else {
			add_head(p, r, v, 28, 58, 85);
			add_parents(p, r, false);
		}
		break;
	case 3:
		if (t < 65) {
			add_spouse(p, r, add_head(p, r, v, 26, 58, 92));
			add_children(p, r, 1);
		} else if (t < 85) {
			add_spouse(p, r, add_head(p, r, v, 28, 56, 92));
			add_parents(p, r, false);
		} else {
			add_head(p, r, v, 56, 80, 50);
			add_son_family(p, r, false, 1);
		}
		break;
	case 4:
		if (t < 55) {
			add_spouse(p, r, add_head(p, r, v, 28, 56, 92));
			add_children(p, r, 2);
		} else if (t < 80) {
			add_spouse(p, r, add_head(p, r, v, 28, 56, 92));
			add_children(p, r, 1);
			add_parents(p, r, false);
		} else {
			add_spouse(p, r, add_head(p, r, v, 54, 74, 92));
			bool wife = rng_chance(r, 50);
			add_son_family(p, r, wife, wife ? 0 : 1);
		}
		break;
	case 5:
		if (t < 45) {
			add_spouse(p, r, add_head(p, r, v, 30, 55, 92));
			add_children(p, r, 2);
			add_parents(p, r, false);
		} else if (t < 65) {
			add_spouse(p, r, add_head(p, r, v, 28, 50, 92));
			add_children(p, r, 1);
			add_parents(p, r, true);
		} else {
			add_spouse(p, r, add_head(p, r, v, 56, 74, 92));
			add_son_family(p, r, true, 1);
		}
		break;
	default:
		if (t < 50) {
			add_spouse(p, r, add_head(p, r, v, 30, 50, 92));
			add_children(p, r, 2);
			add_parents(p, r, true);
		} else {
			add_spouse(p, r, add_head(p, r, v, 58, 75, 92));
			add_son_family(p, r, true, 2);
		}
		break;
	}
}

/* ---- residents ---- */

static int era(int age)
{
	int born = 2026 - age;
	return born < 1960 ? 0 : born < 1985 ? 1 : born < 2005 ? 2 : 3;
}

/* A valid, unique ID-card number: region, birth date, a sequence whose last digit is
 * odd for men and even for women, and the GB 11643 check character. */
static int make_idcard(struct gen *g, const char *region, int64_t birth_days, int gender,
		       char out[IDCARD_LEN + 1])
{
	int64_t slot = (birth_days - g->min_days) * 2 + (gender - 1);
	if (slot < 0 || slot >= g->nseq)
		return ctx_fail(g->c, RC_INTERNAL, "演示数据：出生日期超出范围");
	unsigned k = g->seq[slot]++;
	if (k >= 499)
		return ctx_fail(g->c, RC_INTERNAL, "演示数据：同日出生的人过多");
	/* a permutation of 0..498 (499 is prime), starting at a place set by the slot */
	unsigned n = (unsigned)((slot * 131 + (int64_t)k * 37) % 499);
	unsigned seq = gender == 1 ? 2 * n + 1 : 2 * n + 2;
	int y, m, d;
	time_civil_from_days(birth_days, &y, &m, &d);
	char s17[24];
	snprintf(s17, sizeof(s17), "%.6s%04d%02d%02d%03u", region, y, m, d, seq);
	memcpy(out, s17, 17);
	out[17] = idcard_check_char(s17);
	out[IDCARD_LEN] = 0;
	return RC_OK;
}

/* A unique mobile number: k ↦ k·7123457 + c mod 10^8 is a bijection (the factor is
 * prime to 10), so the last eight digits alone never repeat. Never starts with 139. */
static void make_phone(struct gen *g, struct rng *r, char out[24])
{
	uint64_t k = (uint64_t)g->phones++;
	uint64_t suffix = (k * 7123457ULL + 20260101ULL) % 100000000ULL;
	snprintf(out, 24, "%s%08llu", PICK(r, phone_prefixes), (unsigned long long)suffix);
}

static int party_status(struct rng *r, const struct member *m)
{
	if (m->age < 18)
		return 0;
	int percent = m->gender == 1 ? (m->age >= 45 ? 16 : 11) : (m->age >= 45 ? 6 : 5);
	if (!rng_chance(r, percent))
		return 0;
	return m->age < 40 && rng_chance(r, 15) ? 2 : 1;
}

static bool name_taken(char names[][PEOPLE_NAME_MAX * 4 + 1], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* Inserts member k of the plan; names[] holds the names given so far in the household,
 * so that no two members share one. */
static int insert_member(struct gen *g, struct rng *r, int64_t village_id, int64_t household_id,
			 const struct plan *p, int k, char names[][PEOPLE_NAME_MAX * 4 + 1])
{
	struct ctx *c = g->c;
	const struct member *m = &p->m[k];
	const char *const *list = m->gender == 1 ? given_m[era(m->age)] : given_f[era(m->age)];
	char *name = names[k];
	size_t at = rng_next(r) % 24;
	for (int tries = 0; tries < 24; tries++, at = (at + 1) % 24) {
		snprintf(name, PEOPLE_NAME_MAX * 4 + 1, "%s%s", m->surname, list[at]);
		if (!name_taken(names, k, name))
			break;
	}

	int64_t birth = g->ref_days - 1 - (int64_t)m->age * 365 - m->age / 4 - rng_range(r, 0, 364);
	const char *region = m->married_in && rng_chance(r, 30) ? PICK(r, other_regions) : HOME_REGION;
	char idcard[IDCARD_LEN + 1];
	int rc = make_idcard(g, region, birth, m->gender, idcard);
	if (rc)
		return rc;

	bool is_head = !strcmp(m->relation, "户主");
	char phone[24] = "";
	if (is_head || (m->age >= 18 && rng_chance(r, m->age <= 70 ? 88 : 30)))
		make_phone(g, r, phone);

	struct resident_input in = {
		.household_id = household_id,
		.name = name,
		.gender = m->gender,
		.idcard = idcard,
		.phone = phone,
		.relation = m->relation,
		.party_member = party_status(r, m),
	};
	char norm[IDCARD_LEN + 1];
	people_check_resident(c, &in, norm);
	if (c->err.nfields)
		return ctx_fail(c, RC_INTERNAL, "演示数据有误（%s：%s）", c->err.fields[0].field,
				c->err.fields[0].message);
	int64_t id;
	if ((rc = people_insert_resident(c, village_id, &in, norm, &id)))
		return rc;
	g->out->residents++;
	if (in.party_member)
		g->out->party_members++;
	if (is_head && !g->villager_resident) {
		g->villager_resident = id;
		str_copy(g->villager_name, sizeof(g->villager_name), name);
		str_copy(g->villager_phone, sizeof(g->villager_phone), phone);
	}
	return RC_OK;
}

/* ---- villages ---- */

struct village {
	const struct village_spec *spec;
	struct rng r;
	int64_t id;
	int ngroups;
	int64_t groups[MAX_GROUPS];
	int households;
	int lat_e6, lng_e6;
};

static int fill_village(struct gen *g, struct village *v)
{
	struct ctx *c = g->c;
	struct rng *r = &v->r;
	int group = -1, house_no = 0;
	for (int i = 0; i < v->households; i++) {
		int gi = (int)((int64_t)i * v->ngroups / v->households);
		if (gi != group) {
			group = gi;
			house_no = 0;
		}
		house_no++;
		char number[16], address[PEOPLE_ADDRESS_MAX * 4 + 1];
		snprintf(number, sizeof(number), "%04d", i + 1);
		snprintf(address, sizeof(address), "%s%s %d 号", v->spec->name, group_names[gi], house_no);
		struct household_input hin = {
			.village_id = v->id,
			.group_id = v->groups[gi],
			.number = number,
			.address = address,
			.has_coords = true,
			.lat_e6 = v->lat_e6 + group_offsets[gi][0] + rng_range(r, -2500, 2500),
			.lng_e6 = v->lng_e6 + group_offsets[gi][1] + rng_range(r, -2500, 2500),
		};
		int64_t hid;
		int rc = people_insert_household(c, v->id, &hin, &hid);
		if (rc)
			return rc;
		g->out->households++;

		struct plan p;
		plan_household(&p, r, v->spec);
		char names[MAX_MEMBERS][PEOPLE_NAME_MAX * 4 + 1];
		for (int k = 0; k < p.n; k++)
			if ((rc = insert_member(g, r, v->id, hid, &p, k, names)))
				return rc;
	}
	return RC_OK;
}

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
			rc = make_unit(c, out, v->id, "group", gcode, group_names[k], &v->groups[k]);
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
		rc = fill_village(&g, &villages[i]);
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
