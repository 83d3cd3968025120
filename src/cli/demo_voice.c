/* Demo data of the 大喇叭 broadcasts, the loudspeakers and 村民说事, through the real
 * domain calls, as the person who would act, at plausible times before now. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/demo_voice.h"
#include "domain/register/account.h"
#include "domain/voice/voice.h"
#include "util/timeutil.h"

static int64_t user_with(struct ctx *c, const char *role, int64_t unit_id)
{
	int64_t id = 0;
	if (db_get_int(c->db, &id, "SELECT user_id FROM role_grants WHERE role = ? AND unit_id = ? ORDER BY id LIMIT 1",
		       "ti", role, unit_id) != DB_OK)
		return 0;
	return id;
}

/* Time: days before today at hour:minute (Asia/Shanghai). */
static int64_t ago(const struct ctx *c, int days, int hour, int minute)
{
	return time_cn_midnight(time_cn_days(c->now) - days) + hour * 3600 + minute * 60;
}

static const struct {
	int days, hour;
	const char *body;
} village_broadcasts[] = {
	{150, 9, "春耕备耕：村集体统一采购的化肥明天上午在村委会发放，请各户带上户口本领取。"},
	{120, 19, "森林防火期，严禁上山烧纸、烧荒和野外用火，发现火情请立即拨打119并报告村委会。"},
	{95, 10, "医保缴费提醒：今年城乡居民医保个人缴费本月底截止，可在手机上缴纳，不会操作的到村委会代办。"},
	{70, 8, "疫苗接种通知：本周六上午八点到十一点，村卫生室为60岁以上老人免费接种流感疫苗，请带身份证。"},
	{45, 20, "秸秆禁烧：收割后请不要焚烧秸秆，村里统一安排机械粉碎还田，需要的农户到村委会登记。"},
	{21, 7, "防汛预警：今明两天有大到暴雨，河边和低洼地带的住户请注意安全，老人孩子不要靠近河道。"},
	{6, 9, "人居环境整治：本周五全村大扫除，各组组长带队，请每户出一人参加。"},
	{1, 18, "防汛紧急通知：上游水库开闸泄洪，今晚河水上涨，沿河一组、三组住户请向村小学转移，村干部已在路口接应。"},
};

/* Residents of the village with a mobile phone outside the demo villager's household:
 * their villager accounts (pending until they activate), as neighbours. */
static int neighbours(struct ctx *c, int64_t village_id, int64_t except_household, int64_t *ids, int max)
{
	int64_t rid[8];
	int k = 0;
	struct db_stmt *st = db_query(c->db,
				      "SELECT r.id FROM residents r JOIN households h ON h.id = r.household_id WHERE "
				      "h.village_id = ? AND h.id <> ? AND r.phone IS NOT NULL AND r.phone <> '' AND NOT EXISTS "
				      "(SELECT 1 FROM users u WHERE u.resident_id = r.id) ORDER BY h.id, r.id LIMIT ?",
				      "iii", village_id, except_household, (int64_t)(max < 8 ? max : 8));
	if (!st)
		return 0;
	while (k < 8 && db_step(st) == DB_ROW)
		rid[k++] = db_col_int(st, 0);
	db_finalize(st);
	int n = 0;
	for (int i = 0; i < k; i++) {
		char code[ACCOUNT_CODE_LEN + 1];
		int64_t expires, uid;
		if (account_issue_activation(c, rid[i], code, &expires, &uid) == RC_OK)
			ids[n++] = uid;
		else
			ctx_reset(c);
	}
	return n;
}

/* Acting as the village's cadre at a time (the domain's checks are the system's). */
static struct ctx as(const struct ctx *c, const struct actor *a, int64_t t)
{
	struct ctx x = *c;
	x.actor = a;
	x.now = t;
	return x;
}

static int talks_demo(struct ctx *c, int64_t village_id, int64_t cadre_id)
{
	int64_t me = user_with(c, "villager", village_id), hh = 0;
	if (!me)
		return RC_OK;
	db_get_int(c->db, &hh, "SELECT COALESCE(r.household_id, 0) FROM users u JOIN residents r ON r.id = u.resident_id "
			       "WHERE u.id = ?", "i", me);
	int64_t nb[4];
	int nn = neighbours(c, village_id, hh, nb, 4);
	int64_t n1 = nn > 0 ? nb[0] : me, n2 = nn > 1 ? nb[1] : n1, n3 = nn > 2 ? nb[2] : n2;
	struct actor cadre = {.user_id = cadre_id};
	int64_t t;
	int rc;

	/* a street light: answered, turned into an event, resolved */
	if ((rc = voice_seed_talk(c, me, ago(c, 110, 20, 15), "question", "村口到小学的路灯不亮",
				  "村口到小学那段路有三盏路灯坏了一个多月，晚上孩子放学路上很黑，希望尽快修一修。", &t)) ||
	    (rc = voice_seed_post(c, t, n1, ago(c, 110, 21, 2), "我家门口那盏也不亮，晚上出门要打手电。")) ||
	    (rc = voice_seed_post(c, t, cadre_id, ago(c, 109, 9, 30), "收到，已登记上报镇里，电工这周内来修。")))
		return rc;
	struct ctx x = as(c, &cadre, ago(c, 109, 9, 35));
	x.system = true;
	int64_t ev;
	if ((rc = voice_talk_to_event(&x, t, 1, &ev)))
		return rc;
	x.now = ago(c, 104, 16, 0);
	if ((rc = voice_seed_post(c, t, cadre_id, x.now, "三盏路灯已全部换新，谢谢大家反映。")) || (rc = voice_talk_resolve(&x, t)))
		return rc;

	/* a suggestion: answered and resolved */
	if ((rc = voice_seed_talk(c, n2, ago(c, 85, 12, 40), "suggestion", "建议在二组增加一个垃圾分类点",
				  "二组的住户多，垃圾点只有一个，离得远的老人倒垃圾不方便，建议在桥头再设一个。", &t)) ||
	    (rc = voice_seed_post(c, t, me, ago(c, 85, 18, 10), "同意，桥头那边人多。")) ||
	    (rc = voice_seed_post(c, t, cadre_id, ago(c, 83, 10, 0), "好建议，村委会研究后下月在桥头增设分类点。")))
		return rc;
	x.now = ago(c, 60, 11, 0);
	if ((rc = voice_talk_resolve(&x, t)))
		return rc;

	/* praise */
	if ((rc = voice_seed_talk(c, n3, ago(c, 62, 19, 5), "praise", "感谢志愿者帮忙抢收稻谷",
				  "下雨前志愿服务队帮我们家把晒场上的稻谷收了回来，特别感谢！", &t)) ||
	    (rc = voice_seed_post(c, t, cadre_id, ago(c, 61, 8, 45), "谢谢反馈，已给志愿服务队记积分。")))
		return rc;

	/* 议事 with its outcome */
	if ((rc = voice_seed_talk(c, me, ago(c, 40, 21, 0), "council", "村里要不要建一个停车场",
				  "过年回来的车越来越多，路边停车把路都堵了，大家议一议要不要在村委会旁边建停车场。", &t)) ||
	    (rc = voice_seed_post(c, t, n1, ago(c, 40, 21, 30), "支持，但要说清楚占的是谁家的地。")) ||
	    (rc = voice_seed_post(c, t, n2, ago(c, 39, 7, 50), "可以用村集体的闲置地，不用占耕地。")))
		return rc;
	x.now = ago(c, 30, 20, 0);
	if ((rc = voice_talk_council(&x, t, "经村民代表会议讨论，同意利用村委会东侧集体闲置地建设20个停车位，春节前完工，费用从村集体经济列支。")))
		return rc;

	/* a reply hidden with a reason */
	if ((rc = voice_seed_talk(c, n1, ago(c, 18, 15, 20), "suggestion", "建议在垃圾站装监控",
				  "最近垃圾站旁边经常有人乱倒建筑垃圾，建议装个监控。", &t)) ||
	    (rc = voice_seed_post(c, t, n3, ago(c, 18, 16, 0), "就是三组王某某家干的，他电话是13800000000，大家去找他。")) ||
	    (rc = voice_seed_post(c, t, cadre_id, ago(c, 17, 9, 0), "已联系镇里，下周安装监控。请大家不要在网上点名和公开他人电话。")))
		return rc;
	int64_t post = 0;
	db_get_int(c->db, &post, "SELECT MIN(id) FROM talk_posts WHERE talk_id = ?", "i", t);
	x.now = ago(c, 17, 9, 5);
	if ((rc = voice_talk_hide(&x, t, post, "含他人姓名和电话，保护隐私")))
		return rc;

	/* the newest: open */
	return voice_seed_talk(c, n2, ago(c, 2, 20, 30), "question", "医保在手机上怎么交",
			       "家里老人不会用手机交医保，村里能不能代办？要带什么材料？", &t);
}

/* espeak-ng on the PATH: the audio job can speak the broadcasts. */
static bool espeak_present(void)
{
	const char *path = getenv("PATH");
	while (path && *path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);
		char file[600];
		if (len && len < 512 && snprintf(file, sizeof(file), "%.*s/espeak-ng", (int)len, path) < (int)sizeof(file) &&
		    access(file, X_OK) == 0)
			return true;
		path = end ? end + 1 : NULL;
	}
	return false;
}

int voice_demo_speak(struct ctx *c)
{
	if (!espeak_present())
		return RC_OK;
	for (int round = 0; round < 100; round++) {
		int64_t waiting = 0;
		if (db_get_int(c->db, &waiting, "SELECT count(*) FROM broadcasts WHERE audio_state = 'pending'", "") != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "读取广播");
		if (!waiting)
			return RC_OK;
		int made = 0;
		int rc = voice_audio_job(c, &made);
		if (rc)
			return rc;
	}
	return RC_OK;
}

int voice_seed_demo(struct ctx *c, int64_t town_id, const int64_t *villages, int n)
{
	if (n < 1)
		return RC_OK;
	int64_t cadre = user_with(c, "cadre", villages[0]);
	int64_t town = user_with(c, "town_official", town_id);
	int64_t id;
	int rc = RC_OK;
	for (size_t i = 0; !rc && cadre && i < ARRAY_SIZE(village_broadcasts); i++)
		rc = voice_seed_broadcast(c, villages[0], cadre, ago(c, village_broadcasts[i].days, village_broadcasts[i].hour, 0),
					  village_broadcasts[i].body, &id);
	if (!rc && town)
		rc = voice_seed_broadcast(c, town_id, town, ago(c, 10, 15, 0),
					  "全镇停电检修：本周四上午八点至下午五点，全镇停电检修线路，请提前做好准备。", &id);
	for (int i = 1; !rc && town && i < n; i++)
		rc = voice_seed_broadcast(c, villages[i], town, ago(c, 12 + i, 10, 0),
					  "秋季森林防火：严禁野外用火，上山人员不得携带火种。", &id);
	if (!rc && cadre)
		rc = voice_seed_speaker(c, villages[0], cadre, "村委会门口音箱", c->now - 2 * 60);
	if (!rc && cadre)
		rc = voice_seed_speaker(c, villages[0], cadre, "一组河边音箱", c->now - 3 * 3600);
	if (!rc && cadre)
		rc = talks_demo(c, villages[0], cadre);
	return rc;
}
