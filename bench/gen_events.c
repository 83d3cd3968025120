/* The benchmark's events generator: two years of 民情 events for the whole demo county
 * (`cunzhi demo --scale county`: 18 villages in 2 towns, the demo's departments and
 * categories), written straight into the SQLite database with prepared statements.
 *
 *   gen_events DATA [EVENTS [DAYS]]        (defaults 200000 and 730)
 *
 * Every event gets a whole life planned at intake, cut at the present: intake on a
 * channel (grid workers 30 %, app 25 %, 民情码 20 %, hotline 12 %, cadre 8 %, 村民说事
 * 5 %) at a time of day between 07:00 and 22:00; acceptance (4 % rejected) mostly well
 * within the category's hours; dispatch to the category's department by the town (its
 * own villages) or the county, or handled by the village itself (categories without a
 * department, and 镇综治办's category outside its town); a department handler takes it
 * (4 % given back first, then dispatched again); it is finished within the window of
 * the category's working days (85 %), late (13 %) or never (0.2 %, the long-overdue
 * ones; 0.1 % are never taken in); outcomes 已解决 72 %, 已解释 14 %, 无法解决 6 %, 重复 3 % (linked to an
 * earlier event of the village and category), 非本级职责 5 %; 88 % of the finished
 * are rated after 1–5 days: 满意 80 %, 基本满意 15 %, 不满意 5 % — which reopens the
 * event once with a new deadline. Deadlines are the server's: accept_hours after
 * intake, finish_days working days after acceptance on the holiday calendar of the
 * database (util/workdays.c, as calendar_deadline computes them). The deadline job's
 * traces are written as it would leave them: the 80 % warning, and for a window that
 * ran out the town's 督办 at the deadline and the county's EVENT_COUNTY_AFTER working
 * days later (supervision rows and timeline steps), answered by the handling side
 * within a day in 70 % of the cases. Volume: weekdays 1.0, weekends 0.7, June–August
 * 1.3 (flood season), the Spring Festival fortnight 0.5, villages by households.
 *
 * Each step is an event_steps row (the timeline), the event row holds the final state
 * with its current window's flags. Reporter names and phones are sealed with the data
 * directory's keys as the server seals them. Not written: the audit entries of these
 * historical moves (no measured request reads the audit log; the intake appends to its
 * village's chain head, one row). One transaction per 20 days, synchronous=OFF.
 * Deterministic (fixed seed; the dates follow today). Prints key=value lines on stdout. */
#include <sqlite3.h>
#include <time.h>

#include "util/crypto.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/workdays.h"

#define MAXV 512 /* villages: the demo county has 18, the county of bench/county.sh 273 */
#define MAXC 32
#define MAXD 16
#define COUNTY_AFTER 3      /* EVENT_COUNTY_AFTER in domain/events/events.h */
#define TX_DAYS 20

#define GEN_SEED 0x6d696e7169716eULL
#include "gen.h"

static double unif(void) { return (double)(rng() >> 11) / 9007199254740992.0; }

static sqlite3 *db;
static struct keys keys;

static void die(const char *what)
{
	fprintf(stderr, "gen_events: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(sql);
	return st;
}

static void exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

static int64_t one_int(const char *sql, int64_t arg)
{
	sqlite3_stmt *st = prep(sql);
	sqlite3_bind_int64(st, 1, arg);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

static int64_t user_of(const char *role, int64_t unit)
{
	sqlite3_stmt *st = prep("SELECT user_id FROM role_grants WHERE role = ? AND (? = 0 OR unit_id = ?) "
				"ORDER BY id LIMIT 1");
	sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, unit);
	sqlite3_bind_int64(st, 3, unit);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

/* ---- the county ---- */

struct person {
	int64_t id;
	char name[64];
};

struct village {
	int64_t id, town, hh_first, hh_last;
	int households;
	bool first_town;
	struct person intake;     /* the cadre, or the town official / county admin for it */
	struct person dispatcher; /* the town official in the first town, the county elsewhere */
	struct person reporter;   /* staff who enter events (grid worker or the intake) */
	double lat, lng;
	double weight;
};

struct category {
	int64_t id, dept;
	int accept_hours, finish_days;
	bool town_dept;
	const char *texts[4];
};

struct department {
	int64_t id;
	struct person handler;
};

static struct village vs[MAXV];
static int nv;
static struct category cs[MAXC];
static int nc;
static struct department ds[MAXD];
static int nd;
static int64_t county, first_town;
static struct person county_admin, town_official;
static int64_t channel_ids[8];
static const char *const channel_codes[] = {"grid", "app", "public_form", "hotline", "cadre", "talk"};
static const int channel_pct[] = {30, 25, 20, 12, 8, 5};

static struct workdays cal;

static void person(struct person *p, int64_t id)
{
	p->id = id;
	p->name[0] = 0;
	sqlite3_stmt *st = prep("SELECT name FROM users WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(p->name, sizeof(p->name), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static const struct {
	const char *name;
	const char *texts[4];
} cat_texts[] = {
	{"道路交通", {"三组通往村小的水泥路塌了一个大坑，下雨天积水，孩子上学不安全", "村口桥头的护栏被货车撞坏了，晚上过往很危险",
		      "五组机耕道被雨水冲毁，农机下不了田", "村道两旁的树枝长得太长，挡住了会车视线"}},
	{"饮水供水", {"二组自来水这几天发黄，烧开后有沉淀", "坡上几户人家水压不够，早晚接不到水", "水管在田坎边爆裂，漏了两天没人管",
		      "蓄水池的盖板坏了，担心有东西掉进去"}},
	{"环境卫生", {"垃圾收集点三天没清运，气味很大", "河沟里有人倒建筑垃圾", "村委会旁的公厕冲水坏了", "集市散场后塑料袋满地都是"}},
	{"农业生产", {"柑橘园出现大面积黄叶，想请农技员来看看", "今年的耕地地力补贴还没到账", "村里的水渠年久失修，放不下水灌溉",
		      "买到的种子出苗率很低，怀疑是假种子"}},
	{"社会救助", {"独居的王大爷腿脚不便，冬天取暖有困难，想申请临时救助", "家里老人瘫痪在床，想咨询低保怎么申请",
		      "残疾人两项补贴这个季度没有按时发放", "孩子患重病花了很多钱，想问问有没有大病救助"}},
	{"矛盾纠纷", {"邻居建房占了我家宅基地的边界，协商不成", "两户因为排水沟的走向吵了起来", "土地流转的租金拖欠了半年",
		      "赡养老人的事兄弟几个一直谈不拢"}},
	{"生态环境", {"养猪场的污水直排进小河，河水发黑发臭", "夜里有人在山上焚烧秸秆，烟很大", "采石场粉尘太大，附近农户晾不了衣服",
		      "河边有人电鱼，鱼虾都死了"}},
};

static void load_county(void)
{
	county = one_int("SELECT id FROM org_units WHERE kind = 'county' ORDER BY id LIMIT ?", 1);
	first_town = one_int("SELECT unit_id FROM role_grants WHERE role = 'town_official' ORDER BY id LIMIT ?", 1);
	if (!county || !first_town) {
		fprintf(stderr, "gen_events: no demo county: run `cunzhi demo --scale county` first\n");
		exit(1);
	}
	person(&county_admin, user_of("county_admin", county));
	person(&town_official, user_of("town_official", first_town));
	sqlite3_stmt *st = prep("SELECT v.id, v.parent_id, min(h.id), max(h.id), count(h.id) FROM org_units v "
				"JOIN households h ON h.village_id = v.id WHERE v.kind = 'village' GROUP BY v.id ORDER BY v.id");
	double total = 0;
	while (nv < MAXV && sqlite3_step(st) == SQLITE_ROW) {
		struct village *v = &vs[nv++];
		v->id = sqlite3_column_int64(st, 0);
		v->town = sqlite3_column_int64(st, 1);
		v->hh_first = sqlite3_column_int64(st, 2);
		v->hh_last = sqlite3_column_int64(st, 3);
		v->households = sqlite3_column_int(st, 4);
		v->first_town = v->town == first_town;
		v->weight = v->households;
		total += v->weight;
		v->lat = 30.80 + 0.01 * (nv % 7) + 0.005 * nv;
		v->lng = 105.20 + 0.013 * (nv % 5) + 0.004 * nv;
	}
	sqlite3_finalize(st);
	if (!nv || !county_admin.id)
		die("the demo county's villages and staff");
	for (int i = 0; i < nv; i++) {
		struct village *v = &vs[i];
		v->weight /= total;
		int64_t cadre = user_of("cadre", v->id);
		if (cadre)
			person(&v->intake, cadre);
		else
			v->intake = v->first_town && town_official.id ? town_official : county_admin;
		v->dispatcher = v->first_town && town_official.id ? town_official : county_admin;
		int64_t grid = user_of("grid_worker", v->id);
		if (grid)
			person(&v->reporter, grid);
		else
			v->reporter = v->intake;
	}
	st = prep("SELECT d.id, d.parent_id FROM org_units d WHERE d.kind = 'department' ORDER BY d.id");
	while (nd < MAXD && sqlite3_step(st) == SQLITE_ROW) {
		ds[nd].id = sqlite3_column_int64(st, 0);
		int64_t h = user_of("handler", ds[nd].id);
		if (h)
			person(&ds[nd].handler, h);
		nd++;
	}
	sqlite3_finalize(st);
	st = prep("SELECT k.id, COALESCE(k.department_id, 0), k.accept_hours, k.finish_days, k.name, "
		  "COALESCE(d.parent_id, 0) FROM event_categories k LEFT JOIN org_units d ON d.id = k.department_id "
		  "WHERE k.county_id = ? AND k.active = 1 ORDER BY k.id");
	sqlite3_bind_int64(st, 1, county);
	while (nc < MAXC && sqlite3_step(st) == SQLITE_ROW) {
		struct category *k = &cs[nc++];
		k->id = sqlite3_column_int64(st, 0);
		k->dept = sqlite3_column_int64(st, 1);
		k->accept_hours = sqlite3_column_int(st, 2);
		k->finish_days = sqlite3_column_int(st, 3);
		const char *name = (const char *)sqlite3_column_text(st, 4);
		k->town_dept = sqlite3_column_int64(st, 5) != county && sqlite3_column_int64(st, 5) != 0;
		for (int j = 0; j < 4; j++)
			k->texts[j] = "村里的路灯坏了好几盏，晚上出行不方便";
		for (size_t t = 0; t < sizeof(cat_texts) / sizeof(cat_texts[0]); t++)
			if (!strcmp(name, cat_texts[t].name))
				for (int j = 0; j < 4; j++)
					k->texts[j] = cat_texts[t].texts[j];
		for (int j = 0; j < 4; j++)
			k->texts[j] = strdup(k->texts[j]);
	}
	sqlite3_finalize(st);
	if (!nc)
		die("the county's categories");
	for (int i = 0; i < 6; i++) {
		sqlite3_stmt *q = prep("SELECT id FROM event_channels WHERE code = ?");
		sqlite3_bind_text(q, 1, channel_codes[i], -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_ROW)
			die(channel_codes[i]);
		channel_ids[i] = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	/* the holiday calendar, as calendar_deadline reads it */
	static int64_t off[4096], on[4096];
	st = prep("SELECT day, kind FROM holiday_calendar WHERE kind <> 'normal' ORDER BY day");
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t d;
		if (time_parse_date((const char *)sqlite3_column_text(st, 0), &d))
			continue;
		if (!strcmp((const char *)sqlite3_column_text(st, 1), "workday")) {
			if (cal.non < 4096)
				on[cal.non++] = d;
		} else if (cal.noff < 4096) {
			off[cal.noff++] = d;
		}
	}
	sqlite3_finalize(st);
	cal.off = off;
	cal.on = on;
}

static const struct department *dept_of(int64_t id)
{
	for (int i = 0; i < nd; i++)
		if (ds[i].id == id)
			return &ds[i];
	return NULL;
}

/* ---- writing ---- */

static sqlite3_stmt *ins_event, *ins_step, *ins_sup, *upd_event;
static int64_t now_t;

struct step {
	int64_t at;
	const struct person *who;   /* NULL: the system (deadline job) or the public */
	const char *who_name;
	const char *action, *from, *to, *note;
	int64_t dept;
};

#define STEPS_MAX 40
struct life {
	struct step steps[STEPS_MAX];
	int n;
	struct {
		int64_t at, unit, created_by, answered_at;
		int level;
		const char *note, *answer;
		const struct person *answered_by;
	} sups[4];
	int nsup;
	const char *state;
	int64_t dept;
	bool village_handled, reopened;
	int64_t accept_due, finish_due, accepted_at, finished_at, visited_at;
	const char *outcome, *outcome_note, *rating;
	int64_t duplicate_of;
	int64_t due_at, warn_at, warned_at, overdue_at, county_at;
	int escalation;
	int64_t updated_at;
};

/* Adds a step if it happened before now; false once the present is reached. */
static bool step(struct life *l, int64_t at, const struct person *who, const char *who_name, const char *action,
		 const char *to, int64_t dept, const char *note)
{
	if (at >= now_t || l->n >= STEPS_MAX - 2)
		return false;
	struct step *s = &l->steps[l->n++];
	s->at = at;
	s->who = who;
	s->who_name = who ? who->name : who_name;
	s->action = action;
	s->from = l->state;
	s->to = to;
	s->dept = dept;
	s->note = note ? note : "";
	l->state = to;
	l->dept = dept;
	l->updated_at = at;
	return true;
}

static void window(struct life *l, int64_t start, int64_t due)
{
	l->due_at = due;
	l->warn_at = start + (due - start) * 4 / 5;
	l->warned_at = l->overdue_at = l->county_at = 0;
	l->escalation = 0;
}

/* The deadline job over the current window [.., due_at] until `until` (the next move,
 * or now): the 80 % warning, the town's 督办 at the deadline, the county's later. The
 * job runs every ten minutes. handler: who answers. */
static void deadline_job(struct life *l, const struct village *v, int64_t until, const struct person *handler)
{
	int64_t end = until < now_t ? until : now_t;
	int64_t dept = l->dept, updated = l->updated_at;   /* the job moves neither */
	if (l->warn_at < end && !l->warned_at)
		l->warned_at = l->warn_at + rnd(600);
	int64_t at = l->due_at + 1 + rnd(600);
	if (l->escalation == 0 && at < end && l->nsup < 3) {
		l->escalation = 1;
		l->overdue_at = at;
		int64_t c_at = workdays_deadline(&cal, l->due_at, COUNTY_AFTER);
		l->county_at = c_at;
		const char *note = "事件已超期，请承办方说明原因并尽快办结（系统自动督办）";
		step(l, at, NULL, "系统", "escalate_town", l->state, 0, note);
		int s = l->nsup++;
		l->sups[s].at = at;
		l->sups[s].unit = v->town;
		l->sups[s].level = 1;
		l->sups[s].note = note;
		l->sups[s].answered_at = 0;
		int64_t ans = at + 1800 + rnd(86400);
		if (handler && rnd(10) < 7 && ans < end) {
			l->sups[s].answer = "已督促落实，正在抓紧办理，预计近日办结";
			step(l, ans, handler, NULL, "answer", l->state, dept, l->sups[s].answer);
			l->sups[s].answered_at = ans;
			l->sups[s].answered_by = handler;
		}
		int64_t at2 = c_at + 1 + rnd(600);
		if (at2 < end) {
			l->escalation = 2;
			const char *note2 = "事件超期未办结，区县督办（系统自动督办）";
			step(l, at2, NULL, "系统", "escalate_county", l->state, 0, note2);
			s = l->nsup++;
			l->sups[s].at = at2;
			l->sups[s].unit = county;
			l->sups[s].level = 2;
			l->sups[s].note = note2;
			l->sups[s].answered_at = 0;
		}
	}
	l->dept = dept;
	l->updated_at = updated;
}

static const char *const names[] = {"李秀英", "王建国", "张德明", "刘桂兰", "陈志强", "杨春梅", "赵大勇", "黄玉珍",
				    "周文华", "吴小梅", "徐永福", "孙淑珍", "马卫东", "朱红霞", "胡德胜", "郭玉兰"};
static const char *const groups_addr[] = {"一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组"};

/* last event id per village and category, for duplicates */
static int64_t last_of[MAXV][MAXC];

struct stats {
	int64_t events, steps, supervisions, by_state[8], overdue_now;
};
static const char *const state_names[] = {"pending", "accepted", "rejected", "dispatched", "handling", "returned",
					  "finished", "visited"};

static void seal(const char *plain, char *out, size_t n)
{
	if (crypto_seal_hex(keys.pii, plain, out, n)) {
		fprintf(stderr, "gen_events: cannot seal\n");
		exit(1);
	}
}

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void one_event(int vi, int64_t t0, struct stats *S)
{
	const struct village *v = &vs[vi];
	int ki = rnd(nc);
	const struct category *k = &cs[ki];
	int roll = rnd(100), ch = 0;
	for (int acc = 0; ch < 6; ch++)
		if (roll < (acc += channel_pct[ch]))
			break;
	if (ch >= 6)
		ch = 0;
	const char *code = channel_codes[ch];
	bool public_form = !strcmp(code, "public_form");
	struct life L;
	memset(&L, 0, sizeof(L));
	L.state = "";
	L.accept_due = t0 + (int64_t)k->accept_hours * 3600;
	window(&L, t0, L.accept_due);
	L.updated_at = t0;

	/* who entered it */
	const struct person *creator = NULL;
	const char *who_name = "群众";
	const char *name = names[rnd(16)];
	bool anonymous = rnd(100) < 8;
	if (!strcmp(code, "grid"))
		creator = &v->reporter;
	else if (!strcmp(code, "hotline") || !strcmp(code, "cadre") || !strcmp(code, "talk"))
		creator = &v->intake;
	char masked[32];
	if (!creator && !anonymous) {
		snprintf(masked, sizeof(masked), "%.3s*", name);
		who_name = masked;
	}
	step(&L, t0, creator, who_name, "create", "pending", 0, "");

	/* department: the category's, a town department only in its town */
	int64_t dept = k->dept;
	if (dept && k->town_dept && !v->first_town)
		dept = 0;
	const struct department *D = dept ? dept_of(dept) : NULL;
	if (D && !D->handler.id)
		dept = 0, D = NULL;
	const struct person *handler = D ? &D->handler : &v->intake;

	/* acceptance */
	int64_t acc_len = (int64_t)k->accept_hours * 3600;
	int r = rnd(1000);
	int64_t t;
	if (r < 1) {
		t = INT64_MAX / 4;   /* never taken in */
	} else if (r < 920) {
		t = t0 + 1800 + (int64_t)(unif() * (double)acc_len * 0.75);
	} else if (r < 980) {
		t = t0 + acc_len * 3 / 4 + (int64_t)(unif() * (double)acc_len * 0.25);
	} else {
		t = t0 + acc_len + (int64_t)(unif() * (double)acc_len * 2);
	}
	deadline_job(&L, v, t, NULL);   /* pending: nobody may answer yet */
	bool reject = rnd(100) < 4;
	if (reject) {
		step(&L, t, &v->intake, NULL, "reject", "rejected", 0, "不属于民情受理范围，已告知反映人通过其他途径解决");
		goto done;
	}
	if (!step(&L, t, &v->intake, NULL, "accept", "accepted", 0, "已受理"))
		goto done;
	L.accepted_at = t;
	L.finish_due = workdays_deadline(&cal, t, k->finish_days);
	window(&L, t, L.finish_due);
	/* routing */
	t += 3600 + rnd(5 * 3600);
	if (!D) {
		if (!step(&L, t, &v->intake, NULL, "handle_locally", "handling", 0, "村里自行处理"))
			goto tail;
		L.village_handled = true;
	} else {
		if (!step(&L, t, &v->dispatcher, NULL, "dispatch", "dispatched", dept, ""))
			goto tail;
		if (rnd(100) < 4) {
			t += 2 * 3600 + rnd(28 * 3600);
			if (!step(&L, t, handler, NULL, "give_back", "returned", 0, "该问题涉及多个部门，请重新研判后派单"))
				goto tail;
			t += 2 * 3600 + rnd(22 * 3600);
			if (!step(&L, t, &v->dispatcher, NULL, "dispatch", "dispatched", dept, ""))
				goto tail;
		}
		t += 3600 + rnd(19 * 3600);
		if (!step(&L, t, handler, NULL, "take", "handling", dept, ""))
			goto tail;
	}
	int64_t start = L.accepted_at;
	for (int round = 0; round < 2; round++) {
		/* finishing, relative to the window */
		int64_t win = L.finish_due - start;
		int f = rnd(1000);
		int64_t fin;
		if (f < 2)
			fin = INT64_MAX / 4;   /* stuck */
		else if (f < 870)
			fin = start + (int64_t)((0.1 + 0.85 * unif()) * (double)win);
		else
			fin = start + (int64_t)((1.02 + 1.5 * unif()) * (double)win);
		if (fin < t)
			fin = t + 3600;
		deadline_job(&L, v, fin, handler);
		int o = rnd(100);
		const char *outcome = o < 72 ? "resolved" : o < 86 ? "explained" : o < 92 ? "unresolvable" : o < 95 ? "duplicate"
				    : "not_responsible";
		if (round)
			outcome = o < 85 ? "resolved" : "explained";
		int64_t dupl = 0;
		if (!strcmp(outcome, "duplicate")) {
			dupl = last_of[vi][ki];
			if (!dupl)
				outcome = "resolved";
		}
		const char *note = !strcmp(outcome, "resolved") ? "已安排人员到现场处理完毕，问题已解决"
				 : !strcmp(outcome, "explained") ? "经核实属于正常情况，已向反映人当面解释政策"
				 : !strcmp(outcome, "unresolvable") ? "涉及资金较大，已列入明年项目计划，暂时无法解决"
				 : !strcmp(outcome, "not_responsible") ? "该事项属于市级部门职责，已告知反映人向市级反映"
								      : "与此前反映的事件重复，已合并办理";
		char *snote = NULL;
		if (asprintf(&snote, "%s：%s", outcome, note) < 0)
			exit(1);
		const struct person *doer = L.village_handled ? &v->intake : handler;
		bool ok = step(&L, fin, doer, NULL, "finish", "finished", L.dept, snote);
		if (!ok) {
			free(snote);
			goto tail;
		}
		L.steps[L.n - 1].note = snote;   /* freed after the insert */
		L.finished_at = fin;
		L.outcome = outcome;
		L.outcome_note = note;
		L.duplicate_of = dupl;
		if (rnd(100) >= 88)
			goto done;
		t = fin + 86400 + rnd(4 * 86400);
		int rr = rnd(100);
		const char *rating = rr < 80 ? "satisfied" : rr < 95 ? "basic" : "unsatisfied";
		if (round)
			rating = rr < 50 ? "satisfied" : rr < 80 ? "basic" : "unsatisfied";
		bool reopen = !strcmp(rating, "unsatisfied") && !L.reopened;
		const char *vnote = !strcmp(rating, "satisfied") ? "satisfied" : !strcmp(rating, "basic") ? "basic"
												 : "unsatisfied：问题没有根本解决";
		if (!step(&L, t, &v->intake, NULL, "visit", "visited", L.dept, vnote))
			goto done;
		if (!reopen) {
			L.rating = rating;
			L.visited_at = t;
			goto done;
		}
		step(&L, t, &v->intake, NULL, "reopen", "handling", L.dept, "回访不满意，重新办理");
		L.reopened = true;
		L.finished_at = 0;
		L.outcome = NULL;
		L.outcome_note = "";
		L.duplicate_of = 0;
		L.finish_due = workdays_deadline(&cal, t, k->finish_days);
		window(&L, t, L.finish_due);
		start = t;
	}
	goto done;
tail:
	/* still open: the deadline job until now */
	deadline_job(&L, v, now_t, handler);
done:;
	/* ---- the rows ---- */
	char sname[256], sphone[256], phash[CRYPTO_HASH_HEX], phone[16], follow[CRYPTO_HASH_HEX], addr[64];
	snprintf(phone, sizeof(phone), "1%d%09d", 30 + rnd(60), rnd(1000000000));
	seal(name, sname, sizeof(sname));
	seal(phone, sphone, sizeof(sphone));
	crypto_keyed_hash_hex(keys.lookup, phone, phash);
	sqlite3_stmt *st = ins_event;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	int i = 1;
	sqlite3_bind_int64(st, i++, v->id);
	sqlite3_bind_int64(st, i++, k->id);
	sqlite3_bind_int64(st, i++, channel_ids[ch]);
	sqlite3_bind_text(st, i++, k->texts[rnd(4)], -1, SQLITE_STATIC);
	if (rnd(100) < 40) {
		sqlite3_bind_int64(st, i++, (int64_t)((v->lat + (unif() - 0.5) * 0.02) * 1e6));
		sqlite3_bind_int64(st, i++, (int64_t)((v->lng + (unif() - 0.5) * 0.02) * 1e6));
	} else {
		sqlite3_bind_null(st, i++);
		sqlite3_bind_null(st, i++);
	}
	/* a household of the village, when its ids are one run (a village that took a roster
	 * import after other villages were made has ids among theirs: none named then) */
	bool contiguous = v->hh_last - v->hh_first + 1 == v->households;
	bind_opt(st, i++, contiguous && rnd(100) < 30 ? v->hh_first + rnd((int)(v->hh_last - v->hh_first + 1)) : 0);
	snprintf(addr, sizeof(addr), "%s", rnd(2) ? groups_addr[rnd(8)] : "");
	sqlite3_bind_text(st, i++, addr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, sname, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, sphone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, phash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, i++, anonymous);
	bind_opt(st, i++, creator ? creator->id : 0);
	if (public_form) {
		snprintf(follow, sizeof(follow), "%016llx%016llx%016llx%016llx", (unsigned long long)rng(),
			 (unsigned long long)rng(), (unsigned long long)rng(), (unsigned long long)rng());
		sqlite3_bind_text(st, i++, follow, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(st, i++);
	}
	sqlite3_bind_text(st, i++, L.state, -1, SQLITE_STATIC);
	bind_opt(st, i++, L.dept);
	sqlite3_bind_int(st, i++, L.village_handled);
	sqlite3_bind_int64(st, i++, L.accept_due);
	bind_opt(st, i++, L.finish_due);
	bind_opt(st, i++, L.accepted_at);
	bind_opt(st, i++, L.finished_at);
	bind_opt(st, i++, L.visited_at);
	if (L.outcome)
		sqlite3_bind_text(st, i++, L.outcome, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i++);
	sqlite3_bind_text(st, i++, L.outcome_note ? L.outcome_note : "", -1, SQLITE_STATIC);
	bind_opt(st, i++, L.duplicate_of);
	if (L.rating)
		sqlite3_bind_text(st, i++, L.rating, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i++);
	sqlite3_bind_int(st, i++, L.reopened);
	sqlite3_bind_int64(st, i++, L.due_at);
	sqlite3_bind_int64(st, i++, L.warn_at);
	bind_opt(st, i++, L.county_at);
	bind_opt(st, i++, L.warned_at);
	bind_opt(st, i++, L.overdue_at);
	sqlite3_bind_int(st, i++, L.escalation);
	sqlite3_bind_int64(st, i++, t0);
	sqlite3_bind_int64(st, i++, L.updated_at);
	if (sqlite3_step(st) != SQLITE_ROW)
		die("insert event");
	int64_t id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	last_of[vi][ki] = id;
	for (int s = 0; s < L.n; s++) {
		const struct step *p = &L.steps[s];
		sqlite3_stmt *q = ins_step;
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_int64(q, 2, p->at);
		bind_opt(q, 3, p->who ? p->who->id : 0);
		sqlite3_bind_text(q, 4, p->who_name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 5, p->action, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 6, p->from, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 7, p->to, -1, SQLITE_STATIC);
		bind_opt(q, 8, p->dept);
		sqlite3_bind_text(q, 9, p->note, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(q) != SQLITE_DONE)
			die("insert step");
		if (!strcmp(p->action, "finish"))
			free((char *)p->note);
	}
	for (int s = 0; s < L.nsup; s++) {
		sqlite3_stmt *q = ins_sup;
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_int64(q, 2, L.sups[s].unit);
		sqlite3_bind_int(q, 3, L.sups[s].level);
		sqlite3_bind_text(q, 4, L.sups[s].note, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 5, L.sups[s].at);
		if (L.sups[s].answered_at) {
			sqlite3_bind_text(q, 6, L.sups[s].answer, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 7, L.sups[s].answered_by->id);
			sqlite3_bind_int64(q, 8, L.sups[s].answered_at);
		} else {
			sqlite3_bind_null(q, 6);
			sqlite3_bind_null(q, 7);
			sqlite3_bind_null(q, 8);
		}
		if (sqlite3_step(q) != SQLITE_DONE)
			die("insert supervision");
	}
	S->events++;
	S->steps += L.n;
	S->supervisions += L.nsup;
	for (int j = 0; j < 8; j++)
		if (!strcmp(L.state, state_names[j]))
			S->by_state[j]++;
	if (strcmp(L.state, "rejected") && strcmp(L.state, "finished") && strcmp(L.state, "visited") && L.due_at < now_t)
		S->overdue_now++;
}

/* The volume of a day: weekends 0.7, June to August 1.3, the Spring Festival
 * fortnight (the holiday calendar's 春节 days and a week around them) 0.5. */
static double day_weight(int64_t day)
{
	double w = workdays_weekday(day) >= 5 ? 0.7 : 1.0;
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	if (m >= 6 && m <= 8)
		w *= 1.3;
	/* 春节: late January to mid February, approximately (Lunar New Year 2025-01-29, 2026-02-17) */
	static const int64_t cny[] = {19763 /* 2024-02-10 */, 20117 /* 2025-01-29 */, 20501 /* 2026-02-17 */,
				      20855 /* 2027-02-06 */};
	for (size_t i = 0; i < sizeof(cny) / sizeof(cny[0]); i++)
		if (day >= cny[i] - 5 && day <= cny[i] + 9)
			w *= 0.5;
	return w;
}

int main(int argc, char **argv)
{
	int64_t nevents = 200000, ndays = 730;
	if (argc < 2 || argc > 4 || (argc > 2 && num_parse_i64(argv[2], 1, 10000000, &nevents)) ||
	    (argc > 3 && num_parse_i64(argv[3], 30, 3650, &ndays))) {
		fprintf(stderr, "usage: gen_events DATA [EVENTS (default 200000) [DAYS (default 730)]]\n");
		return 2;
	}
	char path[1024];
	snprintf(path, sizeof(path), "%s/keys", argv[1]);
	if (crypto_init() || crypto_keys_load(path, &keys)) {
		fprintf(stderr, "gen_events: cannot read %s (run `cunzhi demo --data %s` first)\n", path, argv[1]);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/cunzhi.db", argv[1]);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die(path);
	sqlite3_busy_timeout(db, 10000);
	exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON; PRAGMA cache_size=-200000;");
	load_county();
	int64_t before = one_int("SELECT count(*) FROM events WHERE id > ?", 0);

	ins_event = prep("INSERT INTO events (village_id, category_id, channel_id, description, lat_e6, lng_e6, "
			 "household_id, address, reporter_name, reporter_phone, phone_hash, anonymous, created_by, "
			 "follow_hash, state, department_id, village_handled, accept_due, finish_due, accepted_at, "
			 "finished_at, visited_at, outcome, outcome_note, duplicate_of, rating, reopened, due_at, warn_at, "
			 "county_at, warned_at, overdue_at, escalation, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
			 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	ins_step = prep("INSERT INTO event_steps (event_id, at, actor_id, actor_name, action, from_state, to_state, "
			"department_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	ins_sup = prep("INSERT INTO event_supervisions (event_id, unit_id, level, note, created_at, answer, "
		       "answered_by, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	(void)upd_event;

	now_t = time_now();
	int64_t today = time_cn_days(now_t);
	double *w = calloc((size_t)ndays, sizeof(double)), sum = 0;
	if (!w)
		return 1;
	for (int64_t d = 0; d < ndays; d++)
		sum += (w[d] = day_weight(today - (ndays - 1) + d));
	double t0 = mono(), cum = 0;
	int64_t made = 0;
	struct stats S;
	memset(&S, 0, sizeof(S));
	/* times of one day, sorted */
	int64_t *times = NULL;
	size_t cap = 0;
	for (int64_t d = 0; d < ndays; d++) {
		int64_t day = today - (ndays - 1) + d;
		cum += w[d];
		int64_t upto = d == ndays - 1 ? nevents : (int64_t)((double)nevents * cum / sum + 0.5);
		int64_t count = upto - made;
		made = upto;
		if ((size_t)count > cap) {
			cap = (size_t)count * 2;
			times = realloc(times, cap * sizeof(*times));
			if (!times)
				return 1;
		}
		int64_t midnight = time_cn_midnight(day);
		for (long i = 0; i < count; i++) {
			/* 07:00–22:00, busier in the morning */
			double u = unif();
			int64_t s = 7 * 3600 + (int64_t)((u < 0.6 ? unif() * 5 : 5 + unif() * 10) * 3600);
			int64_t t = midnight + s;
			if (t >= now_t)
				t = now_t - 1 - rnd(3600);
			times[i] = t;
		}
		/* insertion order = time order (ids follow receipt) */
		for (long i = 1; i < count; i++)
			for (long j = i; j > 0 && times[j] < times[j - 1]; j--) {
				int64_t x = times[j];
				times[j] = times[j - 1];
				times[j - 1] = x;
			}
		if (d % TX_DAYS == 0)
			exec("BEGIN");
		for (long i = 0; i < count; i++) {
			double u = unif(), acc = 0;
			int vi = 0;
			for (; vi < nv - 1; vi++)
				if (u < (acc += vs[vi].weight))
					break;
			one_event(vi, times[i], &S);
		}
		if (d % TX_DAYS == TX_DAYS - 1 || d == ndays - 1)
			exec("COMMIT");
		if ((d + 1) % 146 == 0)
			fprintf(stderr, "gen_events: %lld days, %lld events, %.1f s\n", (long long)(d + 1), (long long)S.events, mono() - t0);
	}
	/* no ANALYZE: the server never runs it, so the plans measured are the ones it gets */
	exec("PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);");
	int64_t total = one_int("SELECT count(*) FROM events WHERE id > ?", 0);
	printf("events=%lld\ngenerated=%lld\nexisting=%lld\nsteps=%lld\nsupervisions=%lld\noverdue_now=%lld\n",
	       (long long)total, (long long)S.events, (long long)before, (long long)S.steps, (long long)S.supervisions,
	       (long long)S.overdue_now);
	for (int j = 0; j < 8; j++)
		printf("state_%s=%lld\n", state_names[j], (long long)S.by_state[j]);
	printf("county=%lld\nvillages=%d\nfrom=%lld\nseconds=%.1f\n", (long long)county, nv,
	       (long long)time_cn_midnight(today - (ndays - 1)), mono() - t0);
	free(w);
	free(times);
	sqlite3_finalize(ins_event);
	sqlite3_finalize(ins_step);
	sqlite3_finalize(ins_sup);
	sqlite3_close(db);
	return 0;
}
