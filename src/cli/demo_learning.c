/* Demo data of learning 学习教育: the county's and the town's courses for party members
 * and for villagers (趣味学法), a members' quiz on the Party's rules and a 趣味学法 quiz
 * on the Civil Code, and six months of study in 青山村: twelve members (two of them
 * 流动党员 studying from the city) and 李琳 open courses on their phones and take the
 * members' quiz (some fail once and pass on a second try); villagers of members'
 * households take the 趣味学法 quiz and earn the points of the county's rule
 * 参加趣味学法答题 through 公示. Everything goes through the domain calls at plausible times. */
#include "cli/demo_actor.h"
#include "cli/demo_party.h"
#include "domain/kernel/org.h"
#include "domain/party/internal.h"
#include "domain/points/publicity.h"
#include "domain/points/rules.h"
#include "util/timeutil.h"

#define UP(call) demo_up(c, &x, (call))

struct course_seed {
	bool town;
	const char *audience, *title;
	int minutes, age_days;
	const char *body;
};

static const struct course_seed COURSES[] = {
	{false, "member", "学习贯彻党的二十届三中全会精神：进一步全面深化改革的总目标", 20, 170,
	 "党的二十届三中全会审议通过了《中共中央关于进一步全面深化改革、推进中国式现代化的决定》。\n\n"
	 "一、总目标：继续完善和发展中国特色社会主义制度，推进国家治理体系和治理能力现代化。\n\n"
	 "二、对农村工作的要求：巩固和完善农村基本经营制度，深化承包地所有权、承包权、经营权分置改革，"
	 "发展新型农村集体经济，健全便捷高效的基层治理体系。\n\n"
	 "三、村党支部怎么做：把学习会开到田间地头，结合本村实际讨论集体经济和人居环境的具体办法，"
	 "每名党员至少联系十户群众，把政策讲到每家每户。"},
	{false, "member", "《中国共产党纪律处分条例》逐条学：群众纪律", 15, 140,
	 "群众纪律是党员处理与群众关系必须遵守的行为规范。\n\n"
	 "条例明确：在惠民惠农财政补贴资金、集体资产管理、土地征收补偿等事项中优亲厚友、吃拿卡要的，"
	 "要给予相应处分。\n\n"
	 "对照检查：办理低保、危房改造、积分兑换等事项时，是否做到公开、公平、公正，是否按清单办事、"
	 "在村务公开栏和手机上公示。"},
	{false, "member", "流动党员怎样参加组织生活", 10, 120,
	 "在外务工的流动党员，可以通过手机参加支部的线上会议、完成学习任务。\n\n"
	 "1. 每月按时在手机上打卡学习，学习时长计入一人一册；\n"
	 "2. 支部召开远程会议时，在会议时间内点击“签到”；\n"
	 "3. 每季度向支部书记报告一次思想、工作情况；\n"
	 "4. 按时交纳党费，组织关系变动时及时办理转接。"},
	{true, "member", "乡村振兴与村级集体经济：青川镇的做法", 15, 100,
	 "青川镇各村党支部领办合作社，盘活闲置宅基地和集体林地，发展茶叶、油茶和乡村民宿。\n\n"
	 "经验一：支部牵头、党员带头、群众参与，收益按股分红并公开；\n"
	 "经验二：集体经济收支每月在三务公开中公示，接受群众监督；\n"
	 "经验三：把致富能手培养成党员，把党员培养成致富能手。"},
	{true, "member", "村级小微权力清单解读", 10, 60,
	 "小微权力清单把村里的重大事项决策、项目建设、资金使用、惠民政策落实等事项逐项列出，"
	 "写明办事流程、办理时限和公开要求。\n\n"
	 "党员要带头按清单办事，发现不按清单办理的，可以在手机上向镇纪委反映。"},
	{true, "villager", "民法典里的农村生活：宅基地、土地承包和继承", 10, 90,
	 "宅基地属于农民集体所有，村民依法享有使用权，一户只能拥有一处宅基地。\n\n"
	 "土地承包经营权可以依法互换、转让，流转要签订书面合同。\n\n"
	 "继承：父母、配偶、子女是第一顺序继承人；写好遗嘱可以避免家庭纠纷，村调解委员会可以帮助调解。"},
	{false, "villager", "防范电信诈骗，守好养老钱", 8, 45,
	 "冒充公检法、“保健品”推销、刷单返利、冒充子女借钱是农村老人最常遇到的骗局。\n\n"
	 "记住三个“不”：不轻信陌生来电，不透露银行卡密码和验证码，不向陌生账户转账。\n\n"
	 "拿不准的时候，先给子女或村干部打电话，也可以拨打 96110 反诈专线。"},
};

struct quiz_question_seed {
	const char *kind, *body, *opts[4];
	int answer;
	const char *note;
};

static const struct quiz_question_seed MEMBER_QUIZ[] = {
	{"single", "党的最高领导机关是？", {"党的全国代表大会和它所产生的中央委员会", "中央纪律检查委员会", "中央政治局", "全国人民代表大会"}, 1,
	 "党章第十条规定。"},
	{"single", "预备党员的预备期为多长时间？", {"半年", "一年", "两年", "三年"}, 2, "预备期为一年，从支部大会通过之日算起。"},
	{"multiple", "“三会一课”中的“三会”指哪些会议？", {"支部党员大会", "支部委员会", "党小组会", "村民代表会议"}, 7, "村民代表会议不属于三会一课。"},
	{"single", "党员无正当理由连续几个月不参加党的组织生活，被认为是自行脱党？", {"三个月", "六个月", "九个月", "十二个月"}, 2,
	 "党章第九条规定为六个月。"},
	{"multiple", "下列属于违反群众纪律的行为有？", {"在惠农补贴中优亲厚友", "办事吃拿卡要", "按时公开村务", "侵占集体资产"}, 11,
	 "按时公开村务是应当做的。"},
};

static const struct quiz_question_seed LAW_QUIZ[] = {
	{"single", "农村村民一户可以拥有几处宅基地？", {"一处", "两处", "三处", "不限"}, 1, "土地管理法规定一户一宅。"},
	{"single", "邻居在你家地界边上盖房挡了采光，最好先怎么做？", {"把房子推倒", "找村调解委员会调解", "不理不睬", "到处骂人"}, 2,
	 "先协商、调解，调解不成可以起诉。"},
	{"multiple", "接到“公安局”电话说你涉嫌洗钱要转账到“安全账户”，应该？", {"挂断电话", "拨打 96110 或 110 核实", "马上转账", "告诉子女或村干部"}, 11,
	 "公检法从来不会让群众转账到“安全账户”。"},
	{"single", "父母去世没有留遗嘱，第一顺序继承人不包括？", {"配偶", "子女", "父母", "侄子"}, 8, "侄子不是第一顺序继承人。"},
	{"single", "在野外焚烧秸秆会怎样？", {"没关系", "违反村规民约，要扣积分，可能被罚款", "可以加积分", "只要没人看见就行"}, 2,
	 "焚烧秸秆污染空气，容易引发火灾。"},
};

static int make_quiz(struct ctx *c, const struct actor *a, int64_t t, int64_t unit, const char *audience,
		     const char *title, const char *intro, int pass, const char *rule, const struct quiz_question_seed *qs,
		     int n, int64_t *id)
{
	struct party_quiz_question_input in[8];
	for (int i = 0; i < n && i < 8; i++) {
		memset(&in[i], 0, sizeof(in[i]));
		in[i].kind = qs[i].kind;
		in[i].body = qs[i].body;
		in[i].note = qs[i].note;
		in[i].noptions = 4;
		for (int j = 0; j < 4; j++)
			in[i].options[j] = qs[i].opts[j];
		in[i].answer = qs[i].answer;
	}
	struct party_quiz_input q = {
		.unit_id = unit, .audience = audience, .title = title, .intro = intro, .pass_score = pass,
		.rule_name = rule, .nquestions = n, .questions = in,
	};
	struct ctx x = demo_as(c, a, t);
	return UP(party_quiz_create(&x, &q, id));
}

/* The answers of a taker: all right, or wrong on the questions in the mask wrong. */
static void answers(const struct quiz_question_seed *qs, int n, int wrong, int *out)
{
	for (int i = 0; i < n; i++) {
		int a = qs[i].answer;
		out[i] = (wrong >> i) & 1 ? (a == 1 ? 2 : 1) : a;
	}
}

static int attempt(struct ctx *c, const struct actor *a, int64_t t, int64_t quiz, const struct quiz_question_seed *qs,
		   int n, int wrong)
{
	int given[8];
	answers(qs, n, wrong, given);
	struct ctx x = demo_as(c, a, t);
	struct party_row out;
	return UP(party_quiz_attempt(&x, quiz, n, given, NULL, &out));
}

static int study(struct ctx *c, const struct actor *a, int64_t t, int64_t course, int seconds)
{
	struct ctx x = demo_as(c, a, t);
	struct party_row s;
	int rc = UP(party_study_start(&x, course, &s));
	if (rc)
		return rc;
	int64_t sid = pr_get_int(&s, "id");
	x = demo_as(c, a, t + seconds);
	return UP(party_study_report(&x, sid, seconds, &s));
}

/* An account for a member of the branch without one (the branch registered their phone
 * for studying), with the party_member role on the village. */
static int member_account(struct ctx *c, int64_t member_id, int64_t village, int i, struct actor *a)
{
	char phone[16], name[64] = "";
	snprintf(phone, sizeof(phone), "1370026%04d", i);
	struct db_stmt *st = db_query(c->db, "SELECT name FROM party_members WHERE id = ?", "i", member_id);
	if (st && db_step(st) == DB_ROW)
		snprintf(name, sizeof(name), "%s", db_col_text(st, 0));
	db_finalize(st);
	int64_t uid = 0;
	int dbrc = db_get_int(c->db, &uid, "INSERT INTO users (phone, name, status, created_at, updated_at) VALUES "
					   "(?, ?, 'active', ?, ?) RETURNING id", "ttii", phone, name, c->now - 200 * 86400,
			      c->now - 200 * 86400);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "INSERT INTO role_grants (user_id, role, unit_id, created_at) VALUES (?, "
				     "'party_member', ?, ?)", "iii", uid, village, c->now - 200 * 86400);
	if (dbrc == DB_OK)
		dbrc = db_run(c->db, "UPDATE party_members SET user_id = ? WHERE id = ?", "ii", uid, member_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "演示数据：党员账号");
	return demo_actor_load(c, uid, a);
}

int party_learning_seed_demo(struct ctx *c, int64_t county_id, int64_t town_id, int64_t village,
			     const int64_t *members, int nmembers)
{
	int64_t county_user = demo_user_with(c, "county_admin", county_id);
	int64_t town_user = demo_user_with(c, "town_official", town_id);
	int64_t cadre_user = demo_user_with(c, "cadre", village);
	struct actor county, town, cadre;
	if (!county_user || !town_user || !cadre_user)
		return RC_OK;
	int rc = demo_actor_load(c, county_user, &county);
	if (!rc)
		rc = demo_actor_load(c, town_user, &town);
	if (!rc)
		rc = demo_actor_load(c, cadre_user, &cadre);
	if (rc)
		return rc;
	int64_t today = time_cn_days(c->now);
	int64_t courses[ARRAY_SIZE(COURSES)];
	for (size_t i = 0; !rc && i < ARRAY_SIZE(COURSES); i++) {
		const struct course_seed *k = &COURSES[i];
		struct party_course_input in = {
			.unit_id = k->town ? town_id : county_id, .audience = k->audience, .title = k->title,
			.body = k->body, .minutes = k->minutes,
			/* the first course also has the recorded lecture on the county's video site */
			.media_url = i == 0 ? "https://video.example.com/dangjian/ershijie-sanzhong" : NULL,
		};
		struct ctx x = demo_as(c, k->town ? &town : &county, demo_at(today - k->age_days, 10, 0));
		rc = UP(party_course_create(&x, &in, &courses[i]));
	}
	int64_t mq = 0, lq = 0;
	if (!rc)
		rc = make_quiz(c, &county, demo_at(today - 150, 9, 30), county_id, "member", "党章党规知识测试",
			       "共 5 题，60 分及格。可以反复作答，记录最好成绩。", 60, "", MEMBER_QUIZ,
			       (int)ARRAY_SIZE(MEMBER_QUIZ), &mq);
	if (!rc)
		rc = make_quiz(c, &town, demo_at(today - 95, 9, 0), town_id, "villager", "趣味学法：民法典与平安乡村",
			       "答对 4 题（80 分）算通过，通过后按本村积分清单加分，每份答题每户只加一次。", 80,
			       "参加趣味学法答题", LAW_QUIZ, (int)ARRAY_SIZE(LAW_QUIZ), &lq);
	/* members study: 李琳 (the first member) and eleven more with accounts made here */
	struct actor learners[12];
	int nl = 0;
	for (int i = 0; !rc && i < nmembers && nl < 12; i++) {
		int64_t uid = 0;
		db_get_int(c->db, &uid, "SELECT COALESCE(user_id, 0) FROM party_members WHERE id = ?", "i", members[i]);
		if (uid)
			rc = demo_actor_load(c, uid, &learners[nl]);
		else
			rc = member_account(c, members[i], village, i, &learners[nl]);
		if (!rc)
			nl++;
	}
	for (int i = 0; !rc && i < nl; i++) {
		/* a few study every week, most a couple of times a month, one hardly at all */
		int every = i % 4 == 0 ? 5 : i == 7 ? 40 : 12 + i % 3 * 2;
		int step = 0;
		for (int64_t d = today - 165 + i; !rc && d < today; d += every) {
			/* the next course, among those already published on that day */
			int n = (int)ARRAY_SIZE(COURSES), k = (step++ * 3 + i) % n;
			for (int tries = 0; COURSES[k].age_days < today - d && tries < n; tries++)
				k = (k + 1) % n;
			if (COURSES[k].age_days < today - d)
				continue;
			int secs = 60 * (COURSES[k].minutes / 2 + (int)((d + i) % 17));
			rc = study(c, &learners[i], demo_at(d, i % 2 ? 20 : 12, 10 + i * 3), courses[k], secs);
		}
		/* the members' quiz: most pass at once, some fail first */
		if (!rc && i != 7) {
			int64_t d = today - 140 + i * 5;
			if (i % 3 == 2)
				rc = attempt(c, &learners[i], demo_at(d, 21, 0), mq, MEMBER_QUIZ, 5, 0x0b);
			if (!rc)
				rc = attempt(c, &learners[i], demo_at(d + 2, 21, 15), mq, MEMBER_QUIZ, 5, i % 4 == 1 ? 0x10 : 0);
		}
	}
	/* villagers take the 趣味学法 quiz: members' households (one fails first, one fails
	 * and does not try again); 李琳 has not yet */
	for (int i = 1; !rc && i < nl && i < 8; i++) {
		int64_t d = today - 90 + i * 6;
		if (i == 1)
			rc = attempt(c, &learners[i], demo_at(d, 19, 30), lq, LAW_QUIZ, 5, 0x06);
		if (!rc)
			rc = attempt(c, &learners[i], demo_at(d + 1, 20, 0), lq, LAW_QUIZ, 5, i == 4 ? 0x03 : i == 2 ? 0x10 : 0);
	}
	/* the 公示 of the quiz points ended: the crediting job on the last night of last month
	 * (this month's ranking holds only what happens in it) */
	if (!rc) {
		int y, m, d;
		time_civil_from_days(today, &y, &m, &d);
		int64_t credited = 0;
		struct ctx x = demo_as(c, NULL, demo_at(time_days_from_civil(y, m, 1) - 1, 23, 0));
		rc = UP(publicity_credit_due(&x, &credited));
	}
	return rc;
}
