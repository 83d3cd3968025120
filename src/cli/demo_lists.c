/* Demo data of lists 清单制: the county's templates of the three lists (about thirty
 * micro-powers, the affairs list with its negative list, about thirty public services),
 * adopted by every village; 青山村 adopts them at a 村民代表会议 and later adopts a
 * second version with an item of its own. Months of execution records in 青山村 (done,
 * in progress, a couple overdue, a procurement and a 四议两公开 decision disclosed with
 * votes, a service request of the demo villager in progress), fewer elsewhere. Every
 * record is walked through the real steps by the staff who hold the steps' roles, at
 * plausible times. Deterministic: a seeded generator. */
#include "cli/demo.h"
#include "cli/demo_actor.h"
#include "cli/demo_rng.h"
#include "domain/kernel/access.h"
#include "domain/lists/lists.h"
#include "util/timeutil.h"

/* ---- templates, written compactly ---- */

/* steps: "name:role:days:disclose[:attachment,attachment];…" */
#define S_DECIDE "村党组织提议:cadre:3:0;村两委会议商议:cadre:5:0;党员大会审议:cadre:5:0;" \
		 "村民代表会议决议:cadre:5:1:会议记录,表决票;决议公开:cadre:2:1:公开照片;实施结果公开:cadre:20:1:公开照片"
#define S_DISPOSE "提出处置方案:cadre:5:0;资产评估:cadre:10:0:评估报告;村民代表会议表决:cadre:5:1:会议记录;" \
		  "镇农经站审核:town_official:5:0;公开竞价并签订合同:cadre:10:1:合同文本;结果公示:cadre:5:1:公示照片"
#define S_PROJECT "项目立项提议:cadre:3:0;四议两公开决策:cadre:15:1:决议;镇审核备案:town_official:5:0;" \
		  "招标或比选:cadre:10:1:比选记录;施工监督:cadre:30:0;竣工验收:town_official:10:0:验收单;结算公开:cadre:5:1:结算清单"
#define S_BUY "提出采购需求:cadre:2:0;两委会议研究:cadre:3:0;三家询价比选:cadre:5:1:询价单;验收入库:cadre:3:0:验收单;结果公开:cadre:3:1"
#define S_AID "农户提交申请:applicant:1:0:身份证和户口簿,家庭收入情况说明;入户调查核实:grid_worker:5:0;" \
	      "民主评议:assessor:5:0:评议记录;村级公示:cadre:7:1;报镇审核审批:town_official:10:0"
#define S_HOME "农户提交申请:applicant:1:0:宅基地和建房（规划许可）申请表,户口簿;村民小组会议讨论:cadre:5:0;" \
	       "村级公示:cadre:5:1;村委会审查并报镇:cadre:3:0;镇审核审批:town_official:15:0"
#define S_SEAL "提出用印申请:cadre:1:0:用印材料;村党组织书记审批:cadre:1:0;用印登记:cadre:1:0"
#define S_REIMB "经办人填报单据:cadre:2:0:发票;村务监督委员会审核:cadre:3:0;村党组织书记审批:cadre:2:0;" \
		"镇三资代理中心审核入账:town_official:5:0;财务公开:cadre:20:1"
#define S_PAY "镇考核评定:town_official:10:0;村级公示:cadre:5:1;报酬发放:town_official:5:0"
#define S_SIMPLE "两委会议研究:cadre:3:0;组织实施:cadre:10:0;结果公开:cadre:3:1"
#define S_RECOMMEND "提出推荐条件:cadre:2:0;个人申请或群众推荐:cadre:5:0;两委会议研究:cadre:3:0;村级公示:cadre:5:1;报镇:town_official:5:0"
#define S_AFFAIR "安排部署:cadre:3:0;组织实施:cadre:10:0;结果报告:cadre:3:1"
#define S_CERT "提交申请:applicant:1:0;核实情况:cadre:2:0;开具证明并告知:cadre:1:0"
#define S_SERVE "提交申请材料:applicant:1:0;村便民服务站受理:cadre:2:0;办理并告知结果:cadre:3:0"
#define S_TOWN "提交申请材料:applicant:1:0;村代办员受理:cadre:2:0;村级初审:cadre:3:0;" \
	       "报送镇便民服务中心:town_official:10:0;结果反馈:cadre:2:0"

struct tpl {
	const char *kind, *section, *code, *name, *basis, *role;
	int days;
	const char *materials, *risks, *steps;   /* '|' between entries */
};

#define ZZF "《中华人民共和国村民委员会组织法》"
#define TL "《中国共产党农村基层组织工作条例》"
#define SUP "镇纪委 0817-7212345；村务监督委员会主任 张德明"
#define NEG "中共中央办公厅 国务院办公厅《关于规范村级组织工作事务、机制牌子和证明事项的意见》（2022）"

static const struct tpl tpls[] = {
	{"power", NULL, "QL-01", "村级重大事项决策（四议两公开）", TL "第十九条；" ZZF "第二十四条", "cadre", 45, "",
	 "未经四议程序擅自决策|会议记录不全或事后补签|决议和实施结果未按时公开", S_DECIDE},
	{"power", NULL, "QL-02", "集体资产资源处置（出租、发包、转让）", ZZF "第二十四条；《农村集体经济组织法》", "cadre", 43, "",
	 "低价处置、暗箱操作|未经评估或评估失实|合同条款损害集体利益", S_DISPOSE},
	{"power", NULL, "QL-03", "村级工程项目建设", "《招标投标法》；省村级小型工程项目管理办法", "cadre", 80, "",
	 "化整为零规避招标|虚增工程量|验收走过场", S_PROJECT},
	{"power", NULL, "QL-04", "物资采购", "县村级财务管理办法第十八条", "cadre", 16, "",
	 "未询价比选|虚开发票|采购物资不入账", S_BUY},
	{"power", NULL, "QL-05", "最低生活保障申请初审", "《社会救助暂行办法》第十一条", "cadre", 28, "",
	 "优亲厚友|隐瞒家庭收入|评议不公开", S_AID},
	{"power", NULL, "QL-06", "特困人员供养申请初审", "《社会救助暂行办法》第十五条", "cadre", 28, "",
	 "条件把关不严|漏报错报", S_AID},
	{"power", NULL, "QL-07", "农村宅基地申请初审", "《土地管理法》第六十二条", "cadre", 29, "",
	 "一户多宅|超面积审批|收受好处", S_HOME},
	{"power", NULL, "QL-08", "村级印章使用管理", "县村级印章管理规定", "cadre", 3, "",
	 "私自用印|空白文书用印|用印不登记", S_SEAL},
	{"power", NULL, "QL-09", "村级财务报销", "县村级财务管理办法第二十二条", "cadre", 32, "",
	 "虚假报销|白条入账|超标准开支", S_REIMB},
	{"power", NULL, "QL-10", "村干部报酬发放", "县村干部报酬管理办法", "town_official", 20, "",
	 "未按考核结果发放|虚报冒领", S_PAY},
	{"power", NULL, "QL-11", "集体经济收益分配", ZZF "第二十四条", "cadre", 45, "",
	 "分配方案不公开|截留挪用收益", S_DECIDE},
	{"power", NULL, "QL-12", "临时救助申请初审", "《社会救助暂行办法》第四十八条", "cadre", 28, "",
	 "重复救助|不符合条件给予救助", S_AID},
	{"power", NULL, "QL-13", "困难残疾人生活补贴初审", "国务院《关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》", "cadre", 28, "",
	 "审核不严|冒领补贴", S_AID},
	{"power", NULL, "QL-14", "村级公益事业一事一议", "《村民一事一议筹资筹劳管理办法》", "cadre", 45, "",
	 "超标准筹资|资金使用不公开", S_DECIDE},
	{"power", NULL, "QL-15", "土地承包经营权流转备案", "《农村土地承包法》第三十六条", "cadre", 16, "",
	 "强迫流转|截留流转费", S_SIMPLE},
	{"power", NULL, "QL-16", "农村危房改造对象评议", "住建部农村危房改造相关规定", "cadre", 28, "",
	 "评议不公|优亲厚友", S_AID},
	{"power", NULL, "QL-17", "征地补偿款分配", "《土地管理法》第四十八条", "cadre", 45, "",
	 "截留挪用补偿款|分配方案不公开", S_DECIDE},
	{"power", NULL, "QL-18", "村集体举债和担保", "县村级债务管理办法", "cadre", 45, "",
	 "违规举债|个人借用集体资金", S_DECIDE},
	{"power", NULL, "QL-19", "大额资金使用审批", "县村级财务管理办法第二十条", "cadre", 45, "",
	 "拆分规避审批|资金体外循环", S_DECIDE},
	{"power", NULL, "QL-20", "入党积极分子推荐", "《中国共产党发展党员工作细则》", "cadre", 20, "",
	 "推荐程序不规范|优亲厚友", S_RECOMMEND},
	{"power", NULL, "QL-21", "评先评优推荐", "县评先评优工作规定", "cadre", 20, "", "暗箱操作|推荐不公示", S_RECOMMEND},
	{"power", NULL, "QL-22", "农村公益性岗位人员推荐", "县公益性岗位管理办法", "cadre", 20, "",
	 "优亲厚友|吃空饷", S_RECOMMEND},
	{"power", NULL, "QL-23", "村级集体经济合同签订", "《民法典》合同编；县村级合同管理办法", "cadre", 16, "",
	 "合同未经集体决策|条款显失公平", S_SIMPLE},
	{"power", NULL, "QL-24", "惠农补贴资金申报审核", "县惠农资金“一卡通”管理办法", "cadre", 28, "",
	 "虚报冒领|截留补贴", S_AID},
	{"power", NULL, "QL-25", "集体林地承包经营", "《森林法》；《农村土地承包法》", "cadre", 43, "",
	 "低价发包|未经表决", S_DISPOSE},
	{"power", NULL, "QL-26", "红白理事会事项审核", "县移风易俗工作指导意见", "cadre", 16, "",
	 "超标准操办未劝导", S_SIMPLE},
	{"power", NULL, "QL-27", "村民小组长推选", ZZF "第二十八条", "cadre", 20, "", "指定人选|程序不规范", S_RECOMMEND},
	{"power", NULL, "QL-28", "村级档案借阅", "县村级档案管理办法", "cadre", 3, "", "档案遗失或被篡改", S_SEAL},
	{"power", NULL, "QL-29", "网格员聘用推荐", "县网格化服务管理办法", "cadre", 20, "", "推荐不公开", S_RECOMMEND},
	{"power", NULL, "QL-30", "村规民约修订", ZZF "第二十七条", "cadre", 45, "", "内容违法|未经村民会议通过", S_DECIDE},
	/* the affairs list: by law, assisting the government, and the negative list */
	{"affair", "duty", "SW-01", "召开村民会议和村民代表会议", ZZF "第二十一条、第二十五条", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "duty", "SW-02", "村务公开", ZZF "第三十条", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "duty", "SW-03", "人民调解", "《人民调解法》", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "duty", "SW-04", "治安保卫和平安建设", ZZF "第七条", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "duty", "SW-05", "村庄环境卫生整治", ZZF "第八条", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "duty", "SW-06", "管理村集体资产和财务", ZZF "第八条", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "assist", "SW-11", "协助城乡居民社会保险征缴", "《社会保险法》", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "assist", "SW-12", "协助征兵工作", "《兵役法》", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "assist", "SW-13", "协助人口普查和统计调查", "《统计法》", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "assist", "SW-14", "协助森林防火和防汛", "《森林防火条例》；《防洪法》", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "assist", "SW-15", "协助耕地保护巡查", "《土地管理法》", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "assist", "SW-16", "协助开展健康教育和预防接种", "《基本医疗卫生与健康促进法》", "cadre", 16, "", "", S_AFFAIR},
	{"affair", "negative", "FM-01", "承担招商引资和协税护税任务", NEG, "cadre", 1, "", "", ""},
	{"affair", "negative", "FM-02", "承担行政执法和安全生产监管责任", NEG, "cadre", 1, "", "", ""},
	{"affair", "negative", "FM-03", "出具无犯罪记录、婚姻状况等非村级职责证明", NEG, "cadre", 1, "", "", ""},
	{"affair", "negative", "FM-04", "参与各类项目评审验收和达标创建", NEG, "cadre", 1, "", "", ""},
	{"affair", "negative", "FM-05", "签订与村级职责无关的责任状", NEG, "cadre", 1, "", "", ""},
	{"affair", "negative", "FM-06", "为上级部门填报重复报表和台账", NEG, "cadre", 1, "", "", ""},
	/* public services */
	{"service", NULL, "FW-01", "居住情况证明开具", "县村级证明事项保留清单", "cadre", 3, "身份证|户口簿", "", S_CERT},
	{"service", NULL, "FW-02", "家庭经济状况证明开具", "县村级证明事项保留清单", "cadre", 3, "身份证|户口簿|收入情况说明", "", S_CERT},
	{"service", NULL, "FW-03", "城乡居民养老保险参保缴费协办", "《社会保险法》", "cadre", 6, "身份证|社会保障卡", "", S_SERVE},
	{"service", NULL, "FW-04", "城乡居民医疗保险参保缴费", "《社会保险法》", "cadre", 6, "身份证|户口簿", "", S_SERVE},
	{"service", NULL, "FW-05", "医保报销材料代办", "县医保经办规程", "cadre", 18, "身份证|社会保障卡|住院发票和费用清单|出院小结", "", S_TOWN},
	{"service", NULL, "FW-06", "残疾证申办协助", "《残疾人保障法》", "cadre", 18, "身份证|户口簿|近期免冠照片 2 张|病历资料", "", S_TOWN},
	{"service", NULL, "FW-07", "高龄津贴申请", "省高龄津贴发放办法", "cadre", 18, "老人身份证|户口簿|银行卡或社会保障卡", "", S_TOWN},
	{"service", NULL, "FW-08", "农村建房审批协办", "《土地管理法》；省农村村民建房管理办法", "cadre", 18, "身份证|户口簿|建房申请表|宅基地权属证明|建房设计图", "", S_TOWN},
	{"service", NULL, "FW-09", "生育登记服务", "省人口与计划生育条例", "cadre", 6, "夫妻双方身份证|结婚证|户口簿", "", S_SERVE},
	{"service", NULL, "FW-10", "农村独生子女父母奖励扶助申报", "国家奖励扶助制度", "cadre", 18, "身份证|户口簿|独生子女父母光荣证", "", S_TOWN},
	{"service", NULL, "FW-11", "临时救助申请代办", "《社会救助暂行办法》", "cadre", 18, "身份证|户口簿|困难情况说明|相关票据", "", S_TOWN},
	{"service", NULL, "FW-12", "最低生活保障申请受理", "《社会救助暂行办法》", "cadre", 18, "身份证|户口簿|家庭收入和财产情况", "", S_TOWN},
	{"service", NULL, "FW-13", "就业登记和失业登记", "《就业促进法》", "cadre", 6, "身份证|劳动合同或解除证明", "", S_SERVE},
	{"service", NULL, "FW-14", "农民工欠薪求助转办", "《保障农民工工资支付条例》", "cadre", 18, "身份证|务工证明或工资欠条", "", S_TOWN},
	{"service", NULL, "FW-15", "法律援助申请转介", "《法律援助法》", "cadre", 18, "身份证|案情材料|经济困难说明", "", S_TOWN},
	{"service", NULL, "FW-16", "社会保障卡申领和补换", "人社部社会保障卡管理规定", "cadre", 18, "身份证|近期免冠照片", "", S_TOWN},
	{"service", NULL, "FW-17", "老年人优待证办理", "《老年人权益保障法》", "cadre", 6, "身份证|近期免冠照片", "", S_SERVE},
	{"service", NULL, "FW-18", "退役军人优待证申领", "《退役军人保障法》", "cadre", 18, "身份证|退役证明", "", S_TOWN},
	{"service", NULL, "FW-19", "耕地地力保护补贴信息核对", "省耕地地力保护补贴实施方案", "cadre", 6, "身份证|承包经营权证|一卡通存折", "", S_SERVE},
	{"service", NULL, "FW-20", "农机购置补贴申请协办", "农机购置与应用补贴实施意见", "cadre", 18, "身份证|购机发票|农机照片", "", S_TOWN},
	{"service", NULL, "FW-21", "政策性农业保险投保", "《农业保险条例》", "cadre", 6, "身份证|种植或养殖清单", "", S_SERVE},
	{"service", NULL, "FW-22", "殡葬惠民补贴申请", "县惠民殡葬政策", "cadre", 18, "死亡证明|火化证明|经办人身份证", "", S_TOWN},
	{"service", NULL, "FW-23", "困难学生资助申请", "学生资助政策", "cadre", 18, "学生证或录取通知书|户口簿|困难证明材料", "", S_TOWN},
	{"service", NULL, "FW-24", "义务兵家庭优待金申领", "《军人抚恤优待条例》", "cadre", 18, "入伍通知书|户口簿|银行卡", "", S_TOWN},
	{"service", NULL, "FW-25", "家庭医生签约服务", "基本公共卫生服务规范", "cadre", 6, "身份证|医保卡", "", S_SERVE},
	{"service", NULL, "FW-26", "65 岁以上老人免费体检预约", "基本公共卫生服务规范", "cadre", 6, "身份证", "", S_SERVE},
	{"service", NULL, "FW-27", "适龄儿童入学信息登记协助", "《义务教育法》", "cadre", 6, "户口簿|儿童出生证明|预防接种证", "", S_SERVE},
	{"service", NULL, "FW-28", "水电故障报修协调", "村便民服务制度", "cadre", 6, "", "", S_SERVE},
	{"service", NULL, "FW-29", "户口迁移和登记咨询代办", "《户口登记条例》", "cadre", 18, "身份证|户口簿|迁移相关证明", "", S_TOWN},
	{"service", NULL, "FW-30", "计划生育特别扶助申报", "国家计划生育特别扶助制度", "cadre", 18, "身份证|户口簿|子女死亡或伤残证明", "", S_TOWN},
};
#define NTPLS ((int)ARRAY_SIZE(tpls))

/* Splits s on sep into arena copies. */
static int split(struct ctx *c, const char *s, char sep, const char **out, int max)
{
	int n = 0;
	while (s && *s && n < max) {
		const char *e = strchr(s, sep);
		size_t len = e ? (size_t)(e - s) : strlen(s);
		out[n++] = arena_strndup(c->arena, s, len);
		if (!e)
			break;
		s = e + 1;
	}
	return n;
}

static void build(struct ctx *c, const struct tpl *t, int64_t county, struct list_item *it)
{
	memset(it, 0, sizeof(*it));
	it->county_id = county;
	it->kind = t->kind;
	it->section = t->section;
	it->code = t->code;
	it->name = t->name;
	it->basis = t->basis;
	it->role = t->role;
	it->time_limit_days = t->days;
	it->supervise_contact = !strcmp(t->kind, "power") ? SUP : "村便民服务站 0817-7210001";
	it->nmaterials = split(c, t->materials, '|', it->materials, LIST_LINES_MAX);
	it->nrisks = split(c, t->risks, '|', it->risk_points, LIST_LINES_MAX);
	const char *steps[LIST_STEPS_MAX];
	int ns = split(c, t->steps, ';', steps, LIST_STEPS_MAX);
	for (int i = 0; i < ns; i++) {
		const char *f[5] = {0};
		int nf = split(c, steps[i], ':', f, 5);
		struct list_step *s = &it->steps[it->nsteps++];
		s->n = i + 1;
		s->name = f[0];
		s->role = nf > 1 ? f[1] : "cadre";
		s->limit_days = nf > 2 ? (int)(f[2][0] - '0') * (f[2][1] ? 10 : 1) + (f[2][1] ? f[2][1] - '0' : 0) : 3;
		s->disclose = nf > 3 && f[3][0] == '1';
		s->nattachments = nf > 4 ? split(c, f[4], ',', s->attachments, LIST_LINES_MAX) : 0;
	}
}

/* ---- the cast ---- */

static int load_actor(struct ctx *c, int64_t user_id, struct actor *a)
{
	memset(a, 0, sizeof(*a));
	struct db_stmt *st = db_query(c->db, "SELECT u.name, u.phone, g.role, g.unit_id, o.kind, o.path, "
					     "COALESCE(u.resident_id, 0), COALESCE(r.household_id, 0) FROM users u "
					     "JOIN role_grants g ON g.user_id = u.id JOIN org_units o ON o.id = g.unit_id "
					     "LEFT JOIN residents r ON r.id = u.resident_id WHERE u.id = ?", "i", user_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取用户");
	a->user_id = user_id;
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
	return RC_OK;
}

static int64_t user_with(struct ctx *c, const char *role, int64_t unit)
{
	int64_t id = 0;
	if (unit)
		db_get_int(c->db, &id, "SELECT user_id FROM role_grants WHERE role = ? AND unit_id = ? ORDER BY id LIMIT 1",
			   "ti", role, unit);
	else
		db_get_int(c->db, &id, "SELECT user_id FROM role_grants WHERE role = ? ORDER BY id LIMIT 1", "t", role);
	return id;
}

struct cast {
	struct actor cadre, town, assessor, grid, villager;
	bool has_cadre, has_town, has_assessor, has_grid;
};

/* The context of one actor at time t (NULL: the command line, for villages without
 * the role's account in the demo). */
static struct ctx as(const struct ctx *c, const struct actor *a, int64_t t)
{
	struct ctx x = *c;
	x.actor = a;
	x.system = a == NULL;
	x.now = t;
	memset(&x.err, 0, sizeof(x.err));
	return x;
}

static const struct actor *for_role(const struct cast *k, const char *role)
{
	if (!strcmp(role, "cadre") || !strcmp(role, "applicant"))
		return k->has_cadre ? &k->cadre : NULL;
	if (!strcmp(role, "town_official"))
		return k->has_town ? &k->town : NULL;
	if (!strcmp(role, "assessor"))
		return k->has_assessor ? &k->assessor : NULL;
	if (!strcmp(role, "grid_worker"))
		return k->has_grid ? &k->grid : NULL;
	return NULL;
}

static const char *note_for(struct ctx *c, struct xrng *r, const char *step)
{
	if (strstr(step, "公示") || strstr(step, "公开"))
		return "已在村务公开栏和村民微信群公开，公开期内无异议";
	if (strstr(step, "评议"))
		return arena_printf(c->arena, "民主评议小组 %d 人参加，一致同意", xrng_range(r, 7, 11));
	if (strstr(step, "入户") || strstr(step, "核实"))
		return "已入户核实，家庭情况与申请一致";
	if (strstr(step, "党员大会"))
		return arena_printf(c->arena, "应到党员 %d 人，实到 %d 人，审议通过", 46, xrng_range(r, 36, 44));
	if (strstr(step, "会议") || strstr(step, "商议") || strstr(step, "研究"))
		return "会议研究同意，按程序推进";
	if (strstr(step, "镇"))
		return "镇便民服务中心审核通过";
	if (strstr(step, "申请") || strstr(step, "提交") || strstr(step, "提议") || strstr(step, "需求"))
		return "材料已提交";
	if (strstr(step, "受理"))
		return "材料齐全，予以受理";
	if (strstr(step, "询价") || strstr(step, "比选"))
		return "向三家供应商询价，选定报价最低且符合要求的一家";
	if (strstr(step, "验收"))
		return "数量和质量验收合格";
	return "已按规定办理";
}

/* One record: started at t0 by its starter, then walked step by step by the roles'
 * holders; each step takes between a few hours and its limit (slow ones a little
 * more). Stops at now, or after `upto` steps (0: all); closes when every step is done
 * and close is set. */
struct story {
	int64_t item_id, household_id;
	const char *title, *note;
	const struct actor *starter;
	int64_t t0;
	int upto;
	bool close, slow;
	const char *outcome_text;
	int votes_for, votes_against, votes_abstain;   /* at the 村民代表会议 step, when for > 0 */
};

static int run_story(struct ctx *c, const struct cast *k, struct xrng *r, const struct story *s)
{
	if (s->t0 >= c->now)
		return RC_OK;
	struct ctx x = as(c, s->starter, s->t0);
	struct list_start in = {.item_id = s->item_id, .household_id = s->household_id, .title = s->title, .note = s->note};
	int64_t id;
	bool replayed;
	int rc = lists_start(&x, &in, &id, &replayed);
	if (rc) {
		c->err = x.err;
		return rc;
	}
	struct list_execution e;
	x = as(c, NULL, s->t0);
	if ((rc = lists_execution_get(&x, id, &e))) {
		c->err = x.err;
		return rc;
	}
	int64_t t = s->t0;
	int done = 0;
	for (int n = e.current_n; n >= 1 && n <= e.nsteps; n++) {
		if (s->upto && done >= s->upto)
			return RC_OK;
		const struct list_exec_step *st = &e.steps[n - 1];
		int64_t span = (int64_t)st->s.limit_days * 86400;
		t += xrng_range(r, 2 * 3600, (int)(s->slow ? span * 2 : span)) ;
		if (t >= c->now - 600)
			return RC_OK;
		struct list_advance adv = {.note = note_for(c, r, st->s.name)};
		if (s->votes_for && strstr(st->s.name, "村民代表会议")) {
			adv.has_votes = true;
			adv.votes_for = s->votes_for;
			adv.votes_against = s->votes_against;
			adv.votes_abstain = s->votes_abstain;
			adv.note = arena_printf(c->arena, "应到村民代表 %d 人，实到 %d 人，表决通过", 45,
						s->votes_for + s->votes_against + s->votes_abstain);
		}
		x = as(c, for_role(k, st->s.role), t);
		if ((rc = lists_advance(&x, id, n, &adv))) {
			c->err = x.err;
			return rc;
		}
		done++;
	}
	if (!s->close)
		return RC_OK;
	t += xrng_range(r, 3600, 86400);
	if (t >= c->now - 600)
		return RC_OK;
	x = as(c, k->has_cadre ? &k->cadre : NULL, t);
	rc = lists_close(&x, id, "done", s->outcome_text ? s->outcome_text : "已按程序办结");
	if (rc)
		c->err = x.err;
	return rc;
}

/* ---- adoption ---- */

static int adopt(struct ctx *c, const struct actor *cadre, int64_t village, int64_t t, const char *date,
		 const char *title, int attendance, const char *note, const int64_t *tids, int ntids,
		 const struct list_item *own, int nown)
{
	struct list_adopt *ad = arena_alloc(c->arena, sizeof(*ad) * (size_t)(ntids + nown));
	if (!ad)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	for (int i = 0; i < ntids; i++)
		ad[i].template_id = tids[i];
	for (int i = 0; i < nown; i++)
		ad[ntids + i].item = &own[i];
	struct list_version_input in = {.village_id = village, .meeting_date = date, .meeting_title = title,
					.meeting_note = note, .attendance = attendance, .nitems = ntids + nown, .items = ad};
	struct ctx x = as(c, cadre, t);
	int64_t vid;
	int rc = lists_adopt(&x, &in, &vid);
	if (rc)
		c->err = x.err;
	return rc;
}

/* The item of the village's current version made from template code. */
static int64_t item_by_code(struct ctx *c, int64_t village, const char *code)
{
	int64_t id = 0;
	db_get_int(c->db, &id, "SELECT i.id FROM list_items i JOIN list_versions v ON v.id = i.version_id "
			       "WHERE v.village_id = ? AND i.code = ? ORDER BY v.n DESC LIMIT 1", "it", village, code);
	return id;
}

static int64_t household_no(struct ctx *c, int64_t village, int k)
{
	int64_t id = 0;
	db_get_int(c->db, &id, "SELECT id FROM households WHERE village_id = ? ORDER BY id LIMIT 1 OFFSET ?", "ii",
		   village, (int64_t)k);
	return id;
}

static int64_t days_ago(const struct ctx *c, int d, int hour)
{
	return time_cn_midnight(time_cn_days(c->now) - d) + hour * 3600;
}

static void date_of(int64_t t, char out[11])
{
	time_format_date(t, out);
}

/* 赵磊, the grid worker of 东片网格, takes requests in his grid's yards: one at the
 * town now, one accepted at the village's service station, one just taken in (a
 * generator of their own, so the rest of the demo is as before). */
static int grid_requests(struct ctx *c, const struct cast *k)
{
	struct actor zl;
	int64_t grid = 0;
	if (demo_actor_phone(c, "13900000009", &zl) != RC_OK ||
	    db_get_int(c->db, &grid, "SELECT unit_id FROM role_grants WHERE user_id = ? AND role = 'grid_worker' "
				     "ORDER BY id LIMIT 1", "i", zl.user_id) != DB_OK) {
		ctx_reset(c);
		return RC_OK;   /* a demo without him */
	}
	int64_t village = 0, hh[3] = {0};
	if (db_get_int(c->db, &village, "SELECT parent_id FROM org_units WHERE id = ?", "i", grid) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取网格");
	for (int i = 0; i < 3; i++)
		if (db_get_int(c->db, &hh[i], "SELECT id FROM households WHERE grid_id = ? ORDER BY id LIMIT 1 OFFSET ?",
			       "ii", grid, (int64_t)(7 + 13 * i)) != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "读取住户");
	struct xrng r = {.s = 0x7a68616f6c656931ULL};
	struct story s[] = {
		{.item_id = item_by_code(c, village, "FW-06"), .household_id = hh[0], .title = "代办残疾证申办",
		 .note = "户主儿子下肢残疾，行动不便，网格员上门收取材料", .starter = &zl, .t0 = days_ago(c, 8, 10), .upto = 3},
		{.item_id = item_by_code(c, village, "FW-03"), .household_id = hh[1], .title = "代办养老保险参保缴费",
		 .note = "老两口不会用手机缴费，网格员入户代办", .starter = &zl, .t0 = days_ago(c, 3, 15), .upto = 1},
		{.item_id = item_by_code(c, village, "FW-17"), .household_id = hh[2], .title = "代办老年人优待证",
		 .starter = &zl, .t0 = days_ago(c, 1, 9), .upto = 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		int rc = run_story(c, k, &r, &s[i]);
		if (rc)
			return rc;
	}
	return RC_OK;
}

int lists_seed_demo(struct ctx *c, int64_t county_id, const int64_t *villages, int nvillages)
{
	/* templates, made by the county admin 150 days ago */
	int64_t county_user = user_with(c, "county_admin", 0);
	struct actor county;
	int rc = load_actor(c, county_user, &county);
	if (rc)
		return rc;
	int64_t *tids = arena_alloc(c->arena, sizeof(*tids) * NTPLS);
	if (!tids)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t t_tpl = days_ago(c, 160, 10);
	for (int i = 0; i < NTPLS; i++) {
		struct list_item *it = arena_alloc(c->arena, sizeof(*it));
		if (!it)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		build(c, &tpls[i], county_id, it);
		struct ctx x = as(c, county_user ? &county : NULL, t_tpl + i * 60);
		if ((rc = lists_template_create(&x, it, &tids[i]))) {
			c->err = x.err;
			return rc;
		}
	}
	struct xrng r = {.s = 0x71696e67646e616cULL};
	for (int v = 0; v < nvillages; v++) {
		struct cast k;
		memset(&k, 0, sizeof(k));
		int64_t u;
		if ((u = user_with(c, "cadre", villages[v])) && !load_actor(c, u, &k.cadre))
			k.has_cadre = true;
		if ((u = user_with(c, "assessor", villages[v])) && !load_actor(c, u, &k.assessor))
			k.has_assessor = true;
		if ((u = user_with(c, "grid_worker", villages[v])) && !load_actor(c, u, &k.grid))
			k.has_grid = true;
		struct org_unit vu;
		if ((rc = org_get(c, villages[v], &vu)))
			return rc;
		if ((u = user_with(c, "town_official", vu.parent_id)) && !load_actor(c, u, &k.town))
			k.has_town = true;
		const struct actor *cadre = k.has_cadre ? &k.cadre : NULL;
		char date[11];
		if (v > 0) {
			/* the other villages: version 1 and a handful of records */
			int64_t t = days_ago(c, 120 - v, 15);
			date_of(t - 86400 * 2, date);
			if ((rc = adopt(c, cadre, villages[v], t, date, "村民代表会议", 30 + v, "审议通过本村三张清单", tids, NTPLS,
					NULL, 0)))
				return rc;
			static const char *const codes[] = {"QL-04", "QL-08", "QL-09", "FW-01", "FW-03", "FW-07"};
			for (int i = 0; i < 5; i++) {
				const char *code = codes[xrng_range(&r, 0, (int)ARRAY_SIZE(codes) - 1)];
				bool service = code[0] == 'F';
				int ago = xrng_range(&r, 3, 100);
				struct story s = {.item_id = item_by_code(c, villages[v], code),
						  .household_id = service ? household_no(c, villages[v], xrng_range(&r, 0, 40)) : 0,
						  .title = service ? "村民申请" : "村务办理", .starter = cadre,
						  .t0 = days_ago(c, ago, xrng_range(&r, 8, 17)), .close = ago > 30, .slow = i == 4};
				if ((rc = run_story(c, &k, &r, &s)))
					return rc;
			}
			continue;
		}
		/* 青山村: version 1 at the 村民代表会议 of 150 days ago */
		int64_t t1 = days_ago(c, 150, 16);
		date_of(t1, date);
		if ((rc = adopt(c, cadre, villages[0], t1, date, "青山村第十一届村民代表会议第三次会议", 41,
				"应到村民代表 45 人，实到 41 人。会议逐项审议了县里下发的小微权力清单、村级事务清单（含负面清单）"
				"和公共服务事项清单，举手表决一致通过，自通过之日起施行。",
				tids, NTPLS, NULL, 0)))
			return rc;
		int64_t villager_user = user_with(c, "villager", villages[0]);
		bool has_villager = villager_user && !load_actor(c, villager_user, &k.villager) && k.villager.household_id;
		/* the scripted records under version 1 */
		struct story early[] = {
			{.item_id = item_by_code(c, villages[0], "QL-01"), .title = "2026年村道硬化及路灯安装项目决策",
			 .note = "三组至五组村道 2.3 公里硬化，安装太阳能路灯 60 盏，资金来源为上级补助和村集体经济收入",
			 .starter = cadre, .t0 = days_ago(c, 140, 9), .close = true,
			 .outcome_text = "决议通过：村道硬化及路灯安装项目总投资 86.5 万元，已于 9 月完工并通过验收",
			 .votes_for = 38, .votes_against = 2, .votes_abstain = 3},
			{.item_id = item_by_code(c, villages[0], "QL-04"), .title = "村委会办公电脑及打印机采购",
			 .note = "原办公电脑使用已满八年，无法运行便民服务系统", .starter = cadre, .t0 = days_ago(c, 120, 10),
			 .close = true,
			 .outcome_text = "经三家询价比选，以 12,860 元向县城华联电脑城采购台式电脑 3 台、打印机 1 台，已验收入账"},
			{.item_id = item_by_code(c, villages[0], "QL-08"), .title = "为村集体合作社年报加盖公章",
			 .starter = cadre, .t0 = days_ago(c, 110, 11), .close = true},
			{.item_id = item_by_code(c, villages[0], "QL-09"), .title = "报销村民代表会议误工补贴",
			 .starter = cadre, .t0 = days_ago(c, 100, 14), .close = true,
			 .outcome_text = "报销 1,230 元，已入账并在财务公开栏公开"},
		};
		for (size_t i = 0; i < ARRAY_SIZE(early); i++)
			if ((rc = run_story(c, &k, &r, &early[i])))
				return rc;
		for (int i = 0; i < 30; i++) {
			static const char *const codes[] = {"QL-08", "QL-09", "QL-15", "FW-01", "FW-03", "FW-04", "FW-09", "FW-19"};
			const char *code = codes[xrng_range(&r, 0, (int)ARRAY_SIZE(codes) - 1)];
			bool service = code[0] == 'F';
			struct story s = {.item_id = item_by_code(c, villages[0], code),
					  .household_id = service ? household_no(c, villages[0], xrng_range(&r, 1, 200)) : 0,
					  .title = service ? "村民申请办理" : "村务办理",
					  .starter = service && k.has_grid && i % 3 == 0 ? &k.grid : cadre,
					  .t0 = days_ago(c, xrng_range(&r, 65, 145), xrng_range(&r, 8, 17)), .close = true, .slow = i % 5 == 0};
			if ((rc = run_story(c, &k, &r, &s)))
				return rc;
		}
		/* version 2, 60 days ago: the same lists and one item of the village's own */
		struct list_item own;
		build(c, &(struct tpl){"power", NULL, "QS-01", "村级光伏电站收益分配", "青山村村规民约第十二条；村民代表会议决议",
				       "cadre", 30, "", "收益不入账|分配不公开", S_SIMPLE},
		      0, &own);
		int64_t t2 = days_ago(c, 60, 16);
		date_of(t2, date);
		if ((rc = adopt(c, cadre, villages[0], t2, date, "青山村村民代表会议（清单修订）", 39,
				"新增本村光伏电站收益分配事项，其余事项不变。应到 45 人，实到 39 人，一致通过。", tids, NTPLS,
				&own, 1)))
			return rc;
		/* under version 2: in progress, overdue, and the villager's request */
		int64_t hh2 = household_no(c, villages[0], 17), hh3 = household_no(c, villages[0], 42);
		struct story late[] = {
			{.item_id = item_by_code(c, villages[0], "QL-02"), .title = "村集体鱼塘承包经营权公开发包",
			 .note = "原承包合同今年到期，拟公开发包五年", .starter = cadre, .t0 = days_ago(c, 40, 9), .upto = 3},
			{.item_id = item_by_code(c, villages[0], "QL-05"), .household_id = hh2, .title = "低保申请初审",
			 .note = "户主患病丧失劳动能力", .starter = cadre, .t0 = days_ago(c, 45, 10), .upto = 2, .slow = true},
			{.item_id = item_by_code(c, villages[0], "QL-07"), .household_id = hh3, .title = "宅基地申请初审（分户建房）",
			 .starter = cadre, .t0 = days_ago(c, 38, 15), .upto = 2, .slow = true},
			{.item_id = item_by_code(c, villages[0], "QS-01"), .title = "2026年上半年光伏电站收益分配",
			 .starter = cadre, .t0 = days_ago(c, 30, 9), .close = true,
			 .outcome_text = "上半年收益 4.2 万元，40% 用于村内公益事业，60% 按户分配，已公开"},
			{.item_id = item_by_code(c, villages[0], "QL-04"), .title = "防汛物资采购（编织袋、救生衣）",
			 .starter = cadre, .t0 = days_ago(c, 6, 9), .upto = 2},
			{.item_id = item_by_code(c, villages[0], "QL-09"), .title = "报销村道路灯维修材料费",
			 .starter = cadre, .t0 = days_ago(c, 4, 15), .upto = 1},
			{.item_id = item_by_code(c, villages[0], "FW-05"), .household_id = household_no(c, villages[0], 88),
			 .title = "代办住院医保报销", .starter = k.has_grid ? &k.grid : cadre, .t0 = days_ago(c, 9, 10), .upto = 1},
		};
		for (size_t i = 0; i < ARRAY_SIZE(late); i++)
			if ((rc = run_story(c, &k, &r, &late[i])))
				return rc;
		for (int i = 0; i < 18; i++) {
			static const char *const codes[] = {"QL-08", "FW-01", "FW-03", "FW-17", "FW-25", "FW-26"};
			const char *code = codes[xrng_range(&r, 0, (int)ARRAY_SIZE(codes) - 1)];
			bool service = code[0] == 'F';
			int ago = xrng_range(&r, 1, 55);
			struct story s = {.item_id = item_by_code(c, villages[0], code),
					  .household_id = service ? household_no(c, villages[0], xrng_range(&r, 1, 200)) : 0,
					  .title = service ? "村民申请办理" : "村务办理", .starter = cadre,
					  .t0 = days_ago(c, ago, xrng_range(&r, 8, 17)), .close = ago > 7};
			if ((rc = run_story(c, &k, &r, &s)))
				return rc;
		}
		/* 李琳 applies from the app for her mother's 高龄津贴: at the town now */
		if (has_villager) {
			struct story s = {.item_id = item_by_code(c, villages[0], "FW-07"), .title = "为母亲申请高龄津贴",
					  .note = "母亲今年满 80 周岁", .starter = &k.villager, .t0 = days_ago(c, 5, 20), .upto = 2};
			if ((rc = run_story(c, &k, &r, &s)))
				return rc;
		}
		if ((rc = grid_requests(c, &k)))
			return rc;
	}
	return RC_OK;
}
