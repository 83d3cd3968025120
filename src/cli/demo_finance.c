/* Demo data of village finance 村级财务: in 青山村 a year of believable entries — the
 * land contracting income, the quarterly subsidy for the village organisation, the tea
 * garden's sales, the solar dividend, the 干部报酬 every month, office and utility
 * costs, the road repair, the Spring Festival visits — entered by the village's
 * accountant 报账员 and approved by its cadre a day or two later; each month's statement
 * published as the month's 财务 disclosure around the 8th of the next month, but last
 * month's (not due yet); one correction of an overstated road repair bill in a later
 * month; this month's points-shop purchases paid from 集体经济 brought in from the
 * shop's stock-ins, waiting for the cadre's approval. The second village: three
 * months, lighter. Everything goes through the real domain calls, as the person who
 * would act, at plausible times before now. */
#include "cli/demo_finance.h"
#include "cli/demo_actor.h"
#include "domain/finance/finance.h"
#include "domain/register/account.h"
#include "util/timeutil.h"

#define DEMO_PASSWORD_FIN "Cunzhi2026!"

/* The first day of the month k months after the month of day (k may be negative). */
static int64_t month_first(int64_t day, int k)
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	int idx = y * 12 + (m - 1) + k;
	return time_days_from_civil(idx / 12, idx % 12 + 1, 1);
}

static void month_text(int64_t first, char out[8])
{
	int y, m, d;
	time_civil_from_days(first, &y, &m, &d);
	snprintf(out, 8, "%04d-%02d", y, m);
}

struct seed_entry {
	int k;                  /* months after the first demo month; -1: every month */
	int day;                /* day of the month */
	const char *kind, *category;
	int64_t amount;         /* 分 */
	const char *counterpart, *summary;
};

static const struct seed_entry qs_entries[] = {
	{0, 6, "income", "502", 8600000, "青山村各承包农户", "年度集体土地发包收入（312 亩）"},
	{6, 12, "income", "502", 1200000, "王建国", "村集体鱼塘承包费（第二年）"},
	{2, 15, "income", "504", 4500000, "青川县财政局", "村级组织运转经费补助（一季度）"},
	{5, 15, "income", "504", 4500000, "青川县财政局", "村级组织运转经费补助（二季度）"},
	{8, 15, "income", "504", 4500000, "青川县财政局", "村级组织运转经费补助（三季度）"},
	{4, 20, "income", "501", 2380000, "青川县茗香茶业有限公司", "集体茶园春茶鲜叶销售"},
	{9, 18, "income", "503", 650000, "青川县光伏扶贫电站", "村级光伏电站年度收益分红"},
	{2, 21, "income", "505", 12345, "青川县农商银行", "一季度存款利息"},
	{5, 21, "income", "505", 13120, "青川县农商银行", "二季度存款利息"},
	{8, 21, "income", "505", 11876, "青川县农商银行", "三季度存款利息"},
	{-1, 25, "expense", "55001", 960000, "村两委干部（4 人）", "村干部基本报酬"},
	{-1, 9, "expense", "55002", 0, "青川县文具办公用品店", "打印纸、墨盒等办公用品"},
	{-1, 28, "expense", "55004", 0, "国网青川县供电公司", "村委会办公楼电费"},
	{3, 12, "expense", "55003", 46000, "李国华", "到县农业农村局汇报集体经济项目的差旅费"},
	{1, 8, "expense", "552", 600000, "困难户 12 户", "春节走访慰问困难群众"},
	{7, 16, "expense", "551", 3860000, "青川县路达建筑工程队", "三组至五组村道水毁修补（380 米）"},
	{10, 10, "expense", "551", 780000, "村保洁员 3 人", "人居环境整治：垃圾清运和沟渠清理"},
	{4, 26, "expense", "541", 320000, "青川县茗香茶业有限公司", "集体茶园采茶人工费"},
};

/* The varying monthly amounts (office costs, electricity), deterministic. */
static int64_t varying(const char *category, int k)
{
	static const int64_t office[] = {86050, 123400, 95800, 142000, 78630, 110500, 99900, 131280, 88000, 104560, 152300, 97420};
	static const int64_t power[] = {26540, 31280, 24760, 21930, 23410, 28870, 36520, 38110, 29640, 22850, 25370, 30190};
	return !strcmp(category, "55002") ? office[k % 12] : power[k % 12];
}

static int enter_approve(struct ctx *c, const struct actor *enterer, const struct actor *approver, int64_t village,
			 const struct fin_entry_input *in, int64_t day, int64_t *id)
{
	struct ctx x = demo_as(c, enterer, demo_at(day, 10, 20));
	bool replayed;
	int rc = finance_entry_create(&x, in, id, &replayed);
	if (!rc) {
		x = demo_as(c, approver, demo_at(day + 1, 16, 5));
		rc = finance_entry_approve(&x, *id);
	}
	if (rc)
		c->err = x.err;
	(void)village;
	return rc;
}

/* The month's stock-ins of the village shop paid from 集体经济 (entered with the
 * stock-in): found by the accountant among the month's pending entries before the
 * statement, approved by the cadre. */
static int approve_shop_ins(struct ctx *c, int64_t village, const struct actor *acc, const struct actor *cadre,
			    const char *month, int64_t day)
{
	struct ctx x = demo_as(c, acc, demo_at(day, 9, 0));
	struct fin_query q = {.village_id = village, .month = month, .status = "pending", .limit = 50};
	struct fin_entry *es;
	int ne;
	int64_t total;
	int rc = finance_entries(&x, &q, &es, &ne, &total);
	for (int i = 0; !rc && i < ne; i++) {
		if (!es[i].shop_move_id)
			continue;
		x = demo_as(c, cadre, demo_at(day, 16, 0));
		rc = finance_entry_approve(&x, es[i].id);
	}
	if (rc)
		c->err = x.err;
	return rc;
}

static int seed_village(struct ctx *c, int64_t village, const struct actor *acc, const struct actor *cadre, int months,
			const struct seed_entry *es, size_t nes, bool correction)
{
	int64_t today = time_cn_days(c->now);
	int64_t first = month_first(today, -months);
	int64_t road = 0;
	int rc = RC_OK;
	for (int k = 0; k < months && !rc; k++) {
		int64_t m0 = month_first(first, k);
		int64_t m1 = month_first(first, k + 1);
		for (size_t i = 0; i < nes && !rc; i++) {
			const struct seed_entry *s = &es[i];
			if (s->k != -1 && s->k != k)
				continue;
			int64_t day = m0 + s->day - 1;
			if (day >= m1)
				day = m1 - 1;
			char date[11];
			time_format_date(time_cn_midnight(day) + 12 * 3600, date);
			struct fin_entry_input in = {.village_id = village, .kind = s->kind, .category = s->category,
						     .amount = s->amount ? s->amount : varying(s->category, k),
						     .has_amount = true, .occurred_on = date, .counterpart = s->counterpart,
						     .summary = s->summary, .nvouchers = 0};
			int64_t id;
			rc = enter_approve(c, acc, cadre, village, &in, day, &id);
			if (!strcmp(s->category, "551") && !road)
				road = id;
		}
		/* the road repair bill was overstated: corrected two months later */
		if (!rc && correction && road && k == 9) {
			char date[11];
			time_format_date(time_cn_midnight(m0 + 4) + 12 * 3600, date);
			struct fin_entry_input in = {.village_id = village, .kind = "expense", .category = "551",
						     .amount = -86000, .has_amount = true, .occurred_on = date,
						     .counterpart = "青川县路达建筑工程队", .summary = "冲减村道修补多记金额",
						     .corrects_id = road, .reason = "结算审计核减 860.00 元，施工队已按审计结果开具发票",
						     .nvouchers = 0};
			int64_t id;
			rc = enter_approve(c, acc, cadre, village, &in, m0 + 4, &id);
		}
		/* the month's statement, published around the 8th of the next month (last month's
		 * is not due yet) */
		if (!rc && k < months - 1) {
			char mt[8];
			month_text(m0, mt);
			rc = approve_shop_ins(c, village, acc, cadre, mt, m1 + 6);
			struct ctx x = demo_as(c, cadre, demo_at(m1 + 7, 15, 30));
			int64_t sid;
			if (!rc)
				rc = finance_statement_publish(&x, village, mt, &sid);
			if (rc)
				c->err = x.err;
		}
	}
	return rc;
}

static int add_accountant(struct ctx *c, const char *phone, const char *name, int64_t village, struct actor *a)
{
	int64_t uid;
	int rc = account_user_add(c, phone, name, DEMO_PASSWORD_FIN, &uid);
	if (!rc)
		rc = account_grant(c, uid, "accountant", village);
	return rc ? rc : demo_actor_load(c, uid, a);
}

int finance_seed_demo(struct ctx *c, const int64_t *villages, int n)
{
	if (!c->system)
		return ctx_fail(c, RC_FORBIDDEN, "演示数据只能从命令行生成");
	if (n < 1)
		return RC_OK;
	struct actor acc, cadre, clerk;
	int64_t cadre_id = demo_user_with(c, "cadre", villages[0]);
	int rc = cadre_id ? (int)demo_actor_load(c, cadre_id, &cadre) : (int)ctx_fail(c, RC_INTERNAL, "演示数据：青山村没有村干部");
	if (!rc)
		rc = add_accountant(c, "13900000021", "杨晓梅", villages[0], &acc);
	if (!rc)
		rc = seed_village(c, villages[0], &acc, &cadre, 12, qs_entries, ARRAY_SIZE(qs_entries), true);
	/* this month: the office costs so far, and the shop's stock-ins brought in and approved
	 * but the last ones */
	if (!rc) {
		int64_t today = time_cn_days(c->now);
		char date[11];
		time_format_date(time_cn_midnight(today > month_first(today, 0) ? today - 1 : today) + 12 * 3600, date);
		struct fin_entry_input in = {.village_id = villages[0], .kind = "expense", .category = "55002",
					     .amount = 45600, .has_amount = true, .occurred_on = date,
					     .counterpart = "青川县文具办公用品店", .summary = "会议室投影仪灯泡", .nvouchers = 0};
		struct ctx x = demo_as(c, &acc, c->now);
		int64_t id;
		bool replayed;
		rc = finance_entry_create(&x, &in, &id, &replayed);
		if (rc)
			c->err = x.err;
	}
	int64_t clerk_id = demo_user_with(c, "clerk", villages[0]);
	if (!rc && clerk_id && !(rc = demo_actor_load(c, clerk_id, &clerk))) {
		struct ctx x = demo_as(c, &clerk, c->now);
		struct fin_query q = {.village_id = villages[0], .status = "pending", .limit = 50};
		struct fin_entry *es;
		int ne;
		int64_t total;
		/* the clerk cannot enter; the accountant's reading brings the stock-ins in */
		x.actor = &acc;
		rc = finance_entries(&x, &q, &es, &ne, &total);
		int approved = 0;
		for (int i = 0; !rc && i < ne; i++) {
			if (!es[i].shop_move_id || approved >= 2)
				continue;
			struct ctx y = demo_as(c, &cadre, c->now);
			rc = finance_entry_approve(&y, es[i].id);
			if (rc)
				c->err = y.err;
			approved++;
		}
		if (rc && !c->err.message[0])
			c->err = x.err;
	}
	/* the second village: three months, its own accountant and cadre */
	if (!rc && n > 1) {
		int64_t c2 = demo_user_with(c, "cadre", villages[1]);
		struct actor acc2, cadre2;
		if (c2 && !(rc = demo_actor_load(c, c2, &cadre2)) &&
		    !(rc = add_accountant(c, "13900000022", "何春燕", villages[1], &acc2))) {
			static const struct seed_entry light[] = {
				{0, 10, "income", "502", 3200000, "柳溪村各承包农户", "集体林地发包收入"},
				{1, 15, "income", "504", 4500000, "青川县财政局", "村级组织运转经费补助"},
				{-1, 25, "expense", "55001", 720000, "村两委干部（3 人）", "村干部基本报酬"},
				{-1, 9, "expense", "55002", 0, "青川县文具办公用品店", "办公用品"},
				{2, 14, "expense", "551", 1250000, "柳溪村施工队", "村口便民桥栏杆加固"},
			};
			rc = seed_village(c, villages[1], &acc2, &cadre2, 3, light, ARRAY_SIZE(light), false);
		}
	}
	return rc;
}
