/* The demo county's people: households planned family by family (heads, spouses,
 * children, parents, sons' families) from the village's two big surnames, and their
 * residents with valid, unique ID-card numbers, phones and party status, village by
 * village (see demo_people.h). */
#include "cli/demo_people.h"
#include "util/idcard.h"
#include "util/timeutil.h"

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

const char *const demo_group_names[MAX_GROUPS] = {"第一组", "第二组", "第三组", "第四组",
						  "第五组", "第六组", "第七组", "第八组"};

/* Where ID-card numbers of people born here start; married-in spouses come partly
 * from the neighbouring counties. */
#define HOME_REGION "511123"
static const char *const other_regions[] = {"511102", "511124", "511129", "511181", "510722"};

static const char *const phone_prefixes[] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "150", "151", "152", "153",
	"155", "156", "157", "158", "159", "180", "181", "182", "183", "186", "187", "188", "189",
};

/* Where each group's houses lie around its village (microdegrees). */
static const int group_offsets[MAX_GROUPS][2] = {
	{0, 0}, {6000, 3000}, {-5000, 4000}, {2000, -6000},
	{-6000, -3000}, {7000, -4000}, {-2000, 8000}, {4000, 7000},
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

int demo_fill_village(struct gen *g, struct village *v)
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
		snprintf(address, sizeof(address), "%s%s %d 号", v->spec->name, demo_group_names[gi], house_no);
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
