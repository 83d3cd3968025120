/* Demo data of party building 党建: 青山村's branch with two party groups and 25 members
 * (three probationary, two 流动党员 working in cities, the demo villager 李琳 among
 * them), a year of 三会一课 and 主题党日 with attendance (one month's 主题党日 missed,
 * flagged on the town's board; one 党课 held late; each party group's 党小组会 monthly,
 * but the second group's five months ago missing), the secretary's commitments with
 * progress (one overdue), the service diary and 书记会客厅 questions (answered, but one
 * waiting). The demo cadre is the village's secretary, the town official and the county
 * admin hold the organisation role. Five other villages get a small branch and the last
 * quarter's meetings. Everything goes through the domain calls at plausible times. */
#include "cli/demo_party.h"
#include "cli/demo_actor.h"
#include "cli/demo_picture.h"
#include "domain/events/events.h"
#include "domain/kernel/org.h"
#include "domain/party/party.h"
#include "util/timeutil.h"

static int grant(struct ctx *c, int64_t user_id, const char *role, int64_t unit_id)
{
	if (!user_id)
		return RC_OK;
	int dbrc = db_run(c->db, "INSERT INTO role_grants (user_id, role, unit_id, created_at) VALUES (?, ?, ?, ?)",
			  "itii", user_id, role, unit_id, c->now);
	return dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "演示数据：授权");
}

/* A call made in a copied context: its failure reported in c. */
#define UP(call) demo_up(c, &x, (call))
static void date_of(int64_t day, char out[11])
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static const char *const SURNAMES[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡"};
static const char *const GIVEN[] = {"建国", "秀英", "志强", "桂兰", "国华", "玉梅", "德明", "红霞", "海涛",
				    "春燕", "文斌", "淑芬", "永福", "丽娟", "宏伟", "小红", "立新", "凤英",
				    "俊杰", "晓燕", "明亮", "金花", "子豪", "雨欣", "卫东"};
static const char *const EDU[] = {"小学及以下", "初中", "初中", "高中/中专", "高中/中专", "大专", "本科"};

struct seeded {
	int64_t branch, groups[2], members[40];
	int nmembers;
};

/* A branch with n members in a village; as: the secretary (NULL: system). */
static int seed_branch(struct ctx *c, const struct actor *sec, int64_t village, const char *vname, int n, int seed,
		       const int64_t *households, int nh, int64_t lilin_resident, struct seeded *out)
{
	int64_t today = time_cn_days(c->now);
	struct ctx x = demo_as(c, sec, c->now - 86400);
	char name[64];
	snprintf(name, sizeof(name), "%s党支部", vname);
	int rc = UP(party_branch_create(&x, village, name, &out->branch));
	if (!rc)
		rc = UP(party_group_create(&x, out->branch, "第一党小组", &out->groups[0]));
	if (!rc)
		rc = UP(party_group_create(&x, out->branch, "第二党小组", &out->groups[1]));
	for (int i = 0; !rc && i < n && i < 40; i++) {
		int k = (i * 7 + seed) % 25;
		char nm[32], birth[11], join[11], full[11];
		snprintf(nm, sizeof(nm), "%s%s", SURNAMES[(i + seed) % 13], GIVEN[k]);
		int age = 24 + (i * 13 + seed * 5) % 56;
		date_of(today - age * 365 - (i * 37) % 300, birth);
		bool prob = i % 9 == 4;
		int member_years = prob ? 0 : 2 + (i * 11) % (age - 20);
		date_of(prob ? today - 200 - i * 10 : today - member_years * 365 - (i * 53) % 300, join);
		date_of(prob ? today - 200 - i * 10 + 365 : 0, full);
		struct party_member_input in = {
			.branch_id = out->branch,
			.group_id = out->groups[i % 2],
			.name = nm,
			.gender = i % 3 == 1 ? "f" : "m",
			.birth_date = birth,
			.education = EDU[(i * 5 + seed) % 7],
			.kind = prob ? "probationary" : "full",
			.join_date = join,
			.full_date = prob ? full : NULL,
			.household_id = i < nh ? households[i] : 0,
			.mobile = (i == 6 || i == 15) ? 1 : 0,
			.mobile_place = i == 6 ? "广东省东莞市（务工）" : i == 15 ? "浙江省宁波市（务工）" : "",
		};
		if (i == 0 && lilin_resident) {
			/* the demo villager 李琳 */
			in.name = "李琳";
			in.gender = "f";
			in.resident_id = lilin_resident;
			in.household_id = 0;
			date_of(today - 34 * 365, birth);
			date_of(today - 9 * 365, join);
		}
		if (in.household_id > 0 || in.resident_id > 0) {
			int64_t hh = 0;
			if (in.resident_id)
				db_get_int(c->db, &hh, "SELECT household_id FROM residents WHERE id = ?", "i", in.resident_id);
			in.household_id = in.resident_id ? hh : in.household_id;
		}
		rc = UP(party_member_create(&x, &in, &out->members[out->nmembers]));
		if (!rc)
			out->nmembers++;
	}
	return rc;
}

static const char *const TOPICS[] = {
	"学习贯彻党的二十届三中全会精神", "研究秋收后人居环境整治安排", "讨论村集体经济合作社年度分红方案",
	"学习《中国共产党纪律处分条例》",   "部署森林防火和防汛工作",       "研究困难群众走访慰问名单",
	"开展“清河行动”志愿服务",           "学习乡村振兴政策和产业扶持措施", "讨论发展入党积极分子",
	"组织党员到敬老院志愿服务",         "学习新修订的村规民约",         "研究道路硬化项目的群众意见",
};

/* One meeting with attendance recorded right after it. */
static int meeting(struct ctx *c, const struct actor *sec, const struct seeded *b, const char *kind, int64_t day,
		   int hour, int topic, bool remote, int absent_every)
{
	struct party_meeting_input in = {
		.branch_id = b->branch,
		.group_id = !strcmp(kind, "group") ? b->groups[topic % 2] : 0,
		.kind = kind,
		.topic = TOPICS[topic % 12],
		.place = remote ? "" : "村党群服务中心二楼会议室",
		.remote = remote,
		.join_url = remote ? "https://meeting.tencent.com/dm/qingshan" : "",
		.starts_at = demo_at(day, hour, 0),
		.ends_at = demo_at(day, hour + 2, 0),
		.minutes = "会议由支部书记主持。\n一、传达学习上级文件精神；\n二、讨论议题并形成意见；\n三、布置下阶段工作。",
	};
	int64_t id;
	struct ctx x = demo_as(c, sec, demo_at(day, 8, 0) - 3 * 86400);
	int rc = UP(party_meeting_create(&x, &in, &id));
	if (rc || demo_at(day, hour + 2, 0) > c->now)
		return rc;
	struct party_attendance_input att[40];
	int n = 0;
	for (int i = 0; i < b->nmembers; i++) {
		att[n].member_id = b->members[i];
		bool mobile = i == 6 || i == 15;
		int r = (int)((day + i * 13) % absent_every);
		att[n].status = mobile ? (remote ? "remote" : "leave") : r == 0 ? "leave" : r == 1 && i % 4 == 0 ? "absent"
											 : remote ? "remote" : "present";
		att[n].reason = !strcmp(att[n].status, "leave") ? (mobile ? "外出务工，已线上补学" : "身体不适") : "";
		n++;
	}
	x = demo_as(c, sec, demo_at(day, hour + 2, 30));
	rc = UP(party_attendance_put(&x, id, n, att));
	/* the 主题党日 of the last two months: the photo of the written record and one of the
	 * day, added the next morning */
	if (rc || !sec || strcmp(kind, "theme_day") || demo_at(day, hour, 0) < c->now - 62 * 86400)
		return rc;
	struct demo_picture pic;
	char paper[FILES_HASH_LEN + 1], scene[FILES_HASH_LEN + 1];
	int64_t next = demo_at(day + 1, 9, 0);
	x = demo_as(c, sec, next < c->now ? next : c->now);
	pic.w = 160;
	pic.h = 120;
	demo_fill(&pic, 0, 0, 160, 120, 0xf4f1e8);
	for (int l = 0; l < 8; l++)
		demo_fill(&pic, 16, 14 + l * 12, 120 + (l * 17) % 28, 17 + l * 12, 0x3a3a48);
	if ((rc = demo_picture_store(&x, &pic, paper)))
		return UP(rc);
	demo_scene(&pic, (uint64_t)day);
	if ((rc = demo_picture_store(&x, &pic, scene)))
		return UP(rc);
	struct party_meeting_input up = {.remote = -1, .nphotos = 1, .nminutes_photos = 1};
	up.minutes_photos[0] = paper;
	up.photos[0] = scene;
	return UP(party_meeting_update(&x, id, &up));
}

static int seed_meetings(struct ctx *c, const struct actor *sec, const struct seeded *b, int months, int skip_theme)
{
	int64_t today = time_cn_days(c->now);
	int y, m, d;
	time_civil_from_days(today, &y, &m, &d);
	int rc = RC_OK;
	for (int back = months; !rc && back >= 0; back--) {
		int mm = m - back, yy = y;
		while (mm < 1) {
			mm += 12;
			yy--;
		}
		int64_t first = time_days_from_civil(yy, mm, 1);
		if (first + 5 > today)
			break;   /* this month's meetings still to come */
		rc = meeting(c, sec, b, "committee", first + 2, 9, back, false, 11);
		if (!rc)
			rc = meeting(c, sec, b, "group", first + 8, 19, back + 1, false, 9);
		/* the other party group meets too, except the second group five months ago */
		if (!rc && !(back == 5 && skip_theme >= 0))
			rc = meeting(c, sec, b, "group", first + 9, 19, back + 2, false, 9);
		if (!rc && back != skip_theme)
			rc = meeting(c, sec, b, "theme_day", first + 4, 9, back + 6, back % 4 == 1, 7);
		if (!rc && (mm - 1) % 3 == 1) {
			rc = meeting(c, sec, b, "general", first + 14, 14, back + 2, false, 10);
			if (!rc)
				rc = meeting(c, sec, b, "lecture", first + 20, 14, back + 8, back % 6 == 4, 8);
		}
	}
	return rc;
}

static int seed_service(struct ctx *c, const struct actor *sec, const struct actor *villager, int64_t county,
			int64_t village)
{
	int64_t today = time_cn_days(c->now);
	int y, m, d;
	time_civil_from_days(today, &y, &m, &d);
	static const struct {
		const char *pledger, *title, *body;
		int target_back, progress[3];
	} cs[] = {
		{"书记 王建国", "完成村内3.2公里通组道路硬化", "争取项目资金，年内完成二组、五组通组道路硬化，方便群众出行。", -60,
		 {30, 70, 90}},
		{"书记 王建国", "建成村级电商服务站", "联系县供销社，在党群服务中心建设电商服务站，帮助农户销售土特产。", 40,
		 {20, 50, 100}},
		{"委员 李秀英", "每月走访一次困难户和留守老人", "建立走访台账，解决实际困难，做到“小事不出村”。", -200,
		 {40, 80, 100}},
		{"委员 张志强", "完成河道清淤和沿河护栏修缮", "组织党员志愿者分段包干，汛期前完成清淤。", 10,
		 {25, 45, -1}},
		{"委员 刘国华", "发展村集体经济，年增收5万元", "盘活闲置厂房出租，发展林下养殖合作社。", -20,
		 {10, 35, 60}},
	};
	int rc = RC_OK;
	for (size_t i = 0; !rc && i < ARRAY_SIZE(cs); i++) {
		char target[11];
		date_of(cs[i].target_back < 0 ? today + (-cs[i].target_back) : today - cs[i].target_back, target);
		int64_t start = today - 300;
		struct ctx x = demo_as(c, sec, demo_at(start, 10, 0));
		struct party_commitment_input in = {
			.village_id = village, .year = y, .pledger = cs[i].pledger, .title = cs[i].title,
			.body = cs[i].body, .target_date = target,
		};
		/* the first two pledges were made at the 主题党日 with a photo */
		char ph[FILES_HASH_LEN + 1];
		struct demo_picture pic;
		if (i < 2) {
			demo_scene(&pic, 700 + i);
			if ((rc = demo_picture_store(&x, &pic, ph)))
				break;
			in.photos[0] = ph;
			in.nphotos = 1;
		}
		int64_t id;
		if ((rc = UP(party_commitment_create(&x, &in, &id))))
			break;
		static const char *const notes[] = {"已完成前期调研和方案", "工程过半，群众反映良好", "主体完成，进入验收"};
		for (int k = 0; !rc && k < 3 && cs[i].progress[k] >= 0; k++) {
			int64_t nid;
			x = demo_as(c, sec, demo_at(start + 60 + k * 70, 16, 0));
			rc = UP(party_commitment_note(&x, id, "progress", cs[i].progress[k] == 100 ? "已全部完成，欢迎群众监督" : notes[k],
						   cs[i].progress[k], 0, NULL, NULL, &nid));
		}
		if (!rc && villager && i < 2) {
			int64_t nid;
			x = demo_as(c, villager, demo_at(start + 150, 20, 0));
			rc = UP(party_commitment_note(&x, id, "comment", i ? "希望电商站能帮我们卖土鸡蛋" : "路修好了，老人出门方便多了，点赞！",
						   -1, 0, NULL, NULL, &nid));
		}
	}
	static const struct {
		int back;
		const char *body, *who;
	} ds[] = {
		{2, "帮助五保户陈大爷代办医保报销手续", "陈大爷"},       {5, "组织党员志愿者清理村口垃圾堆放点", "全村"},
		{9, "走访留守老人3户，检查冬季取暖用电安全", "留守老人"}, {14, "为返乡创业青年讲解贴息贷款政策", "返乡青年"},
		{20, "协调解决二组邻里宅基地纠纷", "二组村民"},           {27, "帮助种植户联系收购商销售柑橘2万斤", "种植户"},
		{35, "陪同残疾人办理两项补贴申请", "残疾人家庭"},         {44, "组织党员为敬老院老人理发、打扫卫生", "敬老院"},
		{52, "上门为行动不便老人办理社保认证", "高龄老人"},       {63, "排查汛期地质灾害隐患点2处", "全村"},
	};
	for (size_t i = 0; !rc && i < ARRAY_SIZE(ds); i++) {
		char day[11];
		date_of(today - ds[i].back, day);
		struct party_diary_input in = {.village_id = village, .day = day, .body = ds[i].body,
					       .beneficiary = ds[i].who};
		int64_t id;
		struct ctx x = demo_as(c, i % 3 == 2 && villager ? villager : sec, demo_at(today - ds[i].back, 18, 0));
		rc = UP(party_diary_create(&x, &in, &id));
	}
	static const struct {
		int back;
		const char *q, *a;
		bool private_q;
	} qs[] = {
		{40, "村里的路灯坏了好几盏，晚上出门不安全，什么时候能修？", "已联系电工，本周内全部修复，谢谢您的提醒。", false},
		{25, "我家孩子今年考上大学，村里有没有助学政策？", "有的，请带录取通知书到村委会登记，镇里有助学金，我们帮您申请。", true},
		{12, "垃圾分类的桶什么时候发到三组？", "三组的分类桶已到货，周六由党员志愿者送到各户。", false},
		{1, "能不能在党群服务中心开个老年人智能手机培训班？", NULL, false},
	};
	for (size_t i = 0; !rc && villager && i < ARRAY_SIZE(qs); i++) {
		struct party_question_input in = {.body = qs[i].q, .private_q = qs[i].private_q};
		int64_t id;
		struct ctx x = demo_as(c, villager, demo_at(today - qs[i].back, 20, 30));
		rc = UP(party_question_create(&x, &in, &id));
		if (!rc && qs[i].a) {
			x = demo_as(c, sec, demo_at(today - qs[i].back + 1, 10, 0));
			rc = UP(party_question_answer(&x, id, qs[i].a));
		}
	}
	/* two questions the secretary turned into other work: a broken bridge railing became
	 * a 民情 event, a proposal for the square a 村民说事 thread for the whole village */
	if (!rc && villager) {
		int64_t q1, q2, made;
		struct party_question_input in1 = {.body = "二组小河上的石桥护栏断了一截，孩子上学要过桥，太危险了。"};
		struct ctx x = demo_as(c, villager, demo_at(today - 18, 19, 0));
		rc = UP(party_question_create(&x, &in1, &q1));
		struct event_category *cats = NULL;
		int ncats = 0;
		if (!rc && events_categories(c, county, true, &cats, &ncats) == RC_OK && ncats > 0) {
			struct party_convert_input cv = {.to = "event", .category_id = cats[0].id};
			x = demo_as(c, sec, demo_at(today - 17, 9, 30));
			rc = UP(party_question_convert(&x, q1, &cv, &made));
		}
		struct party_question_input in2 = {.body = "村委会前的空地能不能改成小广场，晚上大家跳跳舞？"};
		x = demo_as(c, villager, demo_at(today - 9, 20, 0));
		if (!rc)
			rc = UP(party_question_create(&x, &in2, &q2));
		if (!rc) {
			struct party_convert_input cv = {.to = "talk", .title = "村委会前空地改小广场", .category = "suggestion"};
			x = demo_as(c, sec, demo_at(today - 8, 10, 0));
			rc = UP(party_question_convert(&x, q2, &cv, &made));
		}
	}
	return rc;
}

int party_seed_demo(struct ctx *c, int64_t county_id, int64_t town_id, const int64_t *villages, int n)
{
	if (n <= 0)
		return RC_OK;
	int64_t cadre = demo_user_with(c, "cadre", villages[0]);
	int64_t villager_user = demo_user_with(c, "villager", villages[0]);
	int rc = grant(c, cadre, "party_secretary", villages[0]);
	if (!rc)
		rc = grant(c, demo_user_with(c, "town_official", town_id), "party_org", town_id);
	if (!rc)
		rc = grant(c, demo_user_with(c, "county_admin", county_id), "party_org", county_id);
	if (!rc)
		rc = grant(c, villager_user, "party_member", villages[0]);
	struct actor sec, vil;
	bool have_vil = villager_user && demo_actor_load(c, villager_user, &vil) == RC_OK;
	if (!rc && (!cadre || (rc = demo_actor_load(c, cadre, &sec))))
		return rc ? rc : RC_OK;
	/* households of 青山村 for the members (their households are 党员户) */
	int64_t hh[40];
	int nh = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id FROM households WHERE village_id = ? ORDER BY id LIMIT 40 OFFSET 3",
				      "i", villages[0]);
	while (st && nh < 40 && db_step(st) == DB_ROW)
		hh[nh++] = db_col_int(st, 0);
	db_finalize(st);
	struct seeded q = {0};
	if (!rc)
		rc = seed_branch(c, &sec, villages[0], "青山村", 25, 0, hh, nh, have_vil ? vil.resident_id : 0, &q);
	/* a year of meetings, the 主题党日 three months ago missed */
	if (!rc)
		rc = seed_meetings(c, &sec, &q, 12, 3);
	if (!rc)
		rc = seed_service(c, &sec, have_vil ? &vil : NULL, county_id, villages[0]);
	if (!rc)
		rc = party_learning_seed_demo(c, county_id, town_id, villages[0], q.members, q.nmembers);
	for (int i = 1; !rc && i < n && i < 6; i++) {
		struct org_unit v;
		if ((rc = org_get(c, villages[i], &v)))
			break;
		struct seeded o = {0};
		rc = seed_branch(c, NULL, villages[i], v.name, 6 + i, i, hh, 0, 0, &o);
		if (!rc)
			rc = seed_meetings(c, NULL, &o, 2, i == 2 ? 1 : -1);
	}
	return rc;
}
