/* The rule catalog (积分事项): reading catalogs, new versions adopted by a meeting,
 * the checks a points record makes against its rule, and the demo catalog. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/org.h"
#include "domain/points/rules.h"
#include "util/timeutil.h"

const char *const rules_categories[] = {
	"思想政治", "生产生活", "家庭教育", "集体活动", "人居环境", "平安建设", "移风易俗",
	RULES_DEDUCTION_CATEGORY, NULL,
};

const char *const rules_meeting_types_village[] = {
	"村民代表会议", "村民会议", "两委会议", "党员大会", NULL,
};
const char *const rules_meeting_types_town[] = {
	"乡镇党委会议", "乡镇党政联席会议", NULL,
};
const char *const rules_meeting_types_county[] = {
	"县委农办会议", "县委常委会议", "县政府常务会议", "县委农村工作领导小组会议", NULL,
};

static const char *const claim_by_values[][2] = {
	{"self", "村民自报"}, {"grid", "网格员申报"}, {"cadre", "村两委录入"},
};
static const char *const period_values[][2] = {
	{"month", "月"}, {"quarter", "季度"}, {"year", "年"},
};

const char *const *rules_meeting_types(const char *unit_kind)
{
	if (!unit_kind)
		return NULL;
	if (!strcmp(unit_kind, "village"))
		return rules_meeting_types_village;
	if (!strcmp(unit_kind, "town"))
		return rules_meeting_types_town;
	if (!strcmp(unit_kind, "county"))
		return rules_meeting_types_county;
	return NULL;
}

const char *rules_claim_by_label(const char *claim_by)
{
	for (size_t i = 0; claim_by && i < ARRAY_SIZE(claim_by_values); i++)
		if (!strcmp(claim_by, claim_by_values[i][0]))
			return claim_by_values[i][1];
	return "";
}

const char *rules_period_label(const char *period)
{
	for (size_t i = 0; period && i < ARRAY_SIZE(period_values); i++)
		if (!strcmp(period, period_values[i][0]))
			return period_values[i][1];
	return "";
}

static bool empty(const char *s)
{
	return !s || !s[0];
}

/* ---- periods ---- */

static void format_date(int y, int m, int d, char out[11])
{
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int rules_period_bounds(const char *period, const char *date, char from[11], char to[11])
{
	int64_t days;
	if (!period || time_parse_date(date, &days))
		return -1;
	int y, m, d;
	time_civil_from_days(days, &y, &m, &d);
	int first, len;   /* first month of the period, months in it */
	if (!strcmp(period, "month")) {
		first = m;
		len = 1;
	} else if (!strcmp(period, "quarter")) {
		first = (m - 1) / 3 * 3 + 1;
		len = 3;
	} else if (!strcmp(period, "year")) {
		first = 1;
		len = 12;
	} else {
		return -1;
	}
	int next = first + len, ny = y;
	if (next > 12) {
		next -= 12;
		ny++;
	}
	format_date(y, first, 1, from);
	format_date(ny, next, 1, to);
	return 0;
}

/* ---- reading ---- */

#define RULE_COLS                                                                              \
	"r.id, r.unit_id, COALESCE(r.template_id, 0), r.category, r.name, r.points, "          \
	"r.photo_required, r.claim_by, r.cap_count, COALESCE(r.cap_period, ''), "              \
	"COALESCE(r.valid_from, ''), COALESCE(r.valid_to, ''), r.added_version, "              \
	"COALESCE(r.retired_version, 0), av.version_no, COALESCE(rv.version_no, 0) "           \
	"FROM point_rules r JOIN rule_versions av ON av.id = r.added_version "                 \
	"LEFT JOIN rule_versions rv ON rv.id = r.retired_version "

static void read_rule(struct db_stmt *st, struct point_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, 0);
	r->unit_id = db_col_int(st, 1);
	r->template_id = db_col_int(st, 2);
	str_copy(r->category, sizeof(r->category), db_col_text(st, 3));
	str_copy(r->name, sizeof(r->name), db_col_text(st, 4));
	r->points = (int)db_col_int(st, 5);
	r->photo_required = db_col_int(st, 6) != 0;
	str_copy(r->claim_by, sizeof(r->claim_by), db_col_text(st, 7));
	r->cap_count = (int)db_col_int(st, 8);
	str_copy(r->cap_period, sizeof(r->cap_period), db_col_text(st, 9));
	str_copy(r->valid_from, sizeof(r->valid_from), db_col_text(st, 10));
	str_copy(r->valid_to, sizeof(r->valid_to), db_col_text(st, 11));
	r->added_version = db_col_int(st, 12);
	r->retired_version = db_col_int(st, 13);
	r->added_version_no = (int)db_col_int(st, 14);
	r->retired_version_no = (int)db_col_int(st, 15);
}

/* DB_ROW with the rule, DB_DONE when there is none, or an error. */
static int fetch_rule(struct ctx *c, int64_t id, struct point_rule *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " RULE_COLS "WHERE r.id = ?", "i", id);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_rule(st, out);
	db_finalize(st);
	return rc;
}

enum result rules_get(struct ctx *c, int64_t id, struct point_rule *out)
{
	int rc = fetch_rule(c, id, out);
	if (rc == DB_ROW)
		return RC_OK;
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "积分事项不存在");
	return ctx_db_fail(c, rc, "读取积分事项");
}

enum result rules_find(struct ctx *c, int64_t id, struct point_rule *out)
{
	int rc = fetch_rule(c, id, out);
	if (rc == DB_ROW)
		return RC_OK;
	if (rc == DB_DONE)
		return RC_NOT_FOUND;
	return ctx_db_fail(c, rc, "读取积分事项");
}

/* The county part of a path: "/1/2/3/" → "/1/" (length of it). */
static size_t county_prefix(const char *path)
{
	const char *end = path[0] == '/' ? strchr(path + 1, '/') : NULL;
	return end ? (size_t)(end - path) + 1 : 0;
}

bool rules_can_read(const struct ctx *c, const char *unit_path, const char *unit_kind)
{
	if (c->system)
		return true;
	if (!c->actor || !unit_path || !unit_kind)
		return false;
	if (!strcmp(unit_kind, "village"))
		return access_touches(c, unit_path);
	if (strcmp(unit_kind, "town") && strcmp(unit_kind, "county"))
		return false;
	/* templates: any role in the same county */
	size_t cl = county_prefix(unit_path);
	for (int i = 0; i < c->actor->ngrants; i++) {
		const char *g = c->actor->grants[i].path;
		if (cl && strlen(g) >= cl && !strncmp(g, unit_path, cl))
			return true;
	}
	return false;
}

/* Loads the unit of a catalog and checks the read right. */
static int catalog_unit(struct ctx *c, int64_t unit_id, struct org_unit *u)
{
	int rc = org_get(c, unit_id, u);
	if (rc)
		return rc;
	if (org_in_village(u))
		return ctx_fail(c, RC_NOT_FOUND, "村民小组和网格没有自己的积分事项清单，请查看所在村的清单");
	if (!rules_can_read(c, u->path, u->kind))
		return ctx_fail(c, RC_FORBIDDEN, "无权查看该单位的积分事项清单");
	return RC_OK;
}

enum result rules_read(struct ctx *c, int64_t id, struct point_rule *out)
{
	int rc = rules_get(c, id, out);
	if (rc)
		return rc;
	struct org_unit u;
	if ((rc = org_get(c, out->unit_id, &u)))
		return rc;
	if (!rules_can_read(c, u.path, u.kind))
		return ctx_fail(c, RC_NOT_FOUND, "积分事项不存在");
	return RC_OK;
}

enum result rules_list(struct ctx *c, const struct rule_query *q, struct point_rule **out, int *n,
	       int64_t *total)
{
	struct org_unit u;
	int rc = catalog_unit(c, q->unit_id, &u);
	if (rc)
		return rc;
	int64_t all = q->include_retired ? 1 : 0;
	const char *where = "WHERE r.unit_id = ? AND (r.retired_version IS NULL OR 1 = ?) ";
	char *sql = arena_printf(c->arena, "SELECT count(*) FROM point_rules r %s", where);
	if (!sql || db_get_int(c->db, total, sql, "ii", q->unit_id, all) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取积分事项");
	sql = arena_printf(c->arena,
			   "SELECT " RULE_COLS "%s ORDER BY CASE WHEN r.retired_version IS NULL THEN 0 "
			   "ELSE 1 END, r.id LIMIT ? OFFSET ?", where);
	struct db_stmt *st = sql ? db_query(c->db, sql, "iiii", q->unit_id, all, (int64_t)q->limit,
					    (int64_t)q->offset)
				 : NULL;
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取积分事项");
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(q->limit > 0 ? q->limit : 1));
	while (*out && *n < q->limit && (rc = db_step(st)) == DB_ROW)
		read_rule(st, &(*out)[(*n)++]);
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return rc == DB_ERROR || rc == DB_BUSY ? ctx_db_fail(c, rc, "读取积分事项") : RC_OK;
}

/* ---- use by points records ---- */

enum result rules_check_use(struct ctx *c, const struct point_rule *r, int64_t village_id,
		    int64_t household_id, const char *occurred_on, const char *by)
{
	if (r->unit_id != village_id || r->retired_version)
		return ctx_field(c, "rule_id", "「%s」不在本村现行的积分事项清单中", r->name);
	if (!time_date_valid(occurred_on))
		return ctx_field(c, "occurred_on", "应为 YYYY-MM-DD 格式的日期");
	if ((r->valid_from[0] && strcmp(occurred_on, r->valid_from) < 0) ||
	    (r->valid_to[0] && strcmp(occurred_on, r->valid_to) > 0)) {
		const char *from = r->valid_from[0] ? r->valid_from : "不限";
		const char *to = r->valid_to[0] ? r->valid_to : "不限";
		return ctx_field(c, "occurred_on", "「%s」的有效期为 %s 至 %s，该日期不在其内", r->name,
				 from, to);
	}
	bool may = by && (!strcmp(by, "cadre") ||
			  (!strcmp(by, "grid") && strcmp(r->claim_by, "cadre")) ||
			  (!strcmp(by, "self") && !strcmp(r->claim_by, "self")));
	if (!may)
		return ctx_field(c, "rule_id", "「%s」只能由%s", r->name,
				 !strcmp(r->claim_by, "cadre") ? "村两委录入" : "网格员或村两委申报");
	if (r->cap_count <= 0)
		return RC_OK;
	char from[11], to[11];
	if (rules_period_bounds(r->cap_period, occurred_on, from, to))
		return RC_OK;   /* a cap without a period is refused when the rule is made */
	int64_t used = 0;
	int dbrc = db_get_int(c->db, &used,
			      "SELECT count(*) FROM claims WHERE household_id = ? AND rule_id = ? "
			      "AND status NOT IN ('rejected', 'cancelled') "
			      "AND occurred_on >= ? AND occurred_on < ?",
			      "iitt", household_id, r->id, from, to);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取申报记录");
	if (used >= r->cap_count)
		return ctx_field(c, "rule_id", "本户本%s已申报 %lld 次「%s」，达到上限",
				 rules_period_label(r->cap_period), (long long)used, r->name);
	return RC_OK;
}

/* ---- new versions ---- */

static const char *fname(struct ctx *c, const char *prefix, const char *name)
{
	const char *s = arena_printf(c->arena, "%s.%s", prefix, name);
	return s ? s : name;
}

/* The name of an array item or its field: ("add", 2, ".name") → "add[2].name" (the
 * array's name when memory ran out). */
static const char *item_name(struct ctx *c, const char *array, int i, const char *suffix)
{
	const char *s = arena_printf(c->arena, "%s[%d]%s", array, i, suffix);
	return s ? s : array;
}

static bool is_deduction(const char *category)
{
	return category && !strcmp(category, RULES_DEDUCTION_CATEGORY);
}

/* True when an error names this field already (e.g. an item reported as a whole). */
static bool has_field(const struct ctx *c, const char *field)
{
	for (int i = 0; i < c->err.nfields; i++)
		if (!strcmp(c->err.fields[i].field, field))
			return true;
	return false;
}

/* Checks one rule's fields, naming them "<prefix>.<field>"; nothing more when the
 * item itself was reported already. */
static void check_rule(struct ctx *c, const char *prefix, const struct rule_input *r)
{
	if (has_field(c, prefix))
		return;
	bool cat_ok = str_in(r->category, rules_categories);
	if (empty(r->category))
		ctx_field(c, fname(c, prefix, "category"), "必填");
	else if (!cat_ok)
		ctx_field(c, fname(c, prefix, "category"),
			  "应为 思想政治、生产生活、家庭教育、集体活动、人居环境、平安建设、移风易俗、扣分事项 之一");

	if (empty(r->name))
		ctx_field(c, fname(c, prefix, "name"), "必填");
	else
		ctx_check_text(c, fname(c, prefix, "name"), r->name, RULE_NAME_MAX, CTX_TEXT_OPTIONAL, "");

	if (r->points == 0)
		ctx_field(c, fname(c, prefix, "points"), "分值不能为 0");
	else if (r->points < -RULE_POINTS_MAX || r->points > RULE_POINTS_MAX)
		ctx_field(c, fname(c, prefix, "points"), "应在 -%d 到 %d 之间", RULE_POINTS_MAX,
			  RULE_POINTS_MAX);
	else if (cat_ok && is_deduction(r->category) && r->points > 0)
		ctx_field(c, fname(c, prefix, "points"), "扣分事项的分值应为负数");
	else if (cat_ok && !is_deduction(r->category) && r->points < 0)
		ctx_field(c, fname(c, prefix, "points"), "加分事项的分值应为正数（扣分请用「扣分事项」类别）");

	if (empty(r->claim_by))
		ctx_field(c, fname(c, prefix, "claim_by"), "必填");
	else if (!*rules_claim_by_label(r->claim_by))
		ctx_field(c, fname(c, prefix, "claim_by"), "应为 self（村民自报）、grid（网格员）或 cadre（村两委）");
	else if (is_deduction(r->category) && strcmp(r->claim_by, "cadre"))
		ctx_field(c, fname(c, prefix, "claim_by"), "扣分事项只能由村两委录入（cadre）");

	if (r->cap_count < 0 || r->cap_count > RULE_CAP_MAX)
		ctx_field(c, fname(c, prefix, "cap_count"), "应在 0 到 %d 之间", RULE_CAP_MAX);
	if (!empty(r->cap_period) && !*rules_period_label(r->cap_period))
		ctx_field(c, fname(c, prefix, "cap_period"), "应为 month、quarter 或 year");
	else if (r->cap_count > 0 && empty(r->cap_period))
		ctx_field(c, fname(c, prefix, "cap_period"), "限定次数时必须填写周期（month、quarter 或 year）");
	else if (r->cap_count == 0 && !empty(r->cap_period))
		ctx_field(c, fname(c, prefix, "cap_period"), "不限次数时不填周期");

	bool from_ok = empty(r->valid_from) || time_date_valid(r->valid_from);
	bool to_ok = empty(r->valid_to) || time_date_valid(r->valid_to);
	if (!from_ok)
		ctx_field(c, fname(c, prefix, "valid_from"), "应为 YYYY-MM-DD 格式的日期");
	if (!to_ok)
		ctx_field(c, fname(c, prefix, "valid_to"), "应为 YYYY-MM-DD 格式的日期");
	else if (from_ok && !empty(r->valid_from) && !empty(r->valid_to) &&
		 strcmp(r->valid_from, r->valid_to) > 0)
		ctx_field(c, fname(c, prefix, "valid_to"), "结束日期不能早于开始日期");
}

/* A rule in force in the unit, for the checks of a new version. */
struct live_rule {
	int64_t id, template_id;
	const char *name;
	bool retiring;
};

static int load_live(struct ctx *c, int64_t unit_id, struct live_rule **out, int *n)
{
	int64_t count = 0;
	if (db_get_int(c->db, &count, "SELECT count(*) FROM point_rules WHERE unit_id = ? "
				      "AND retired_version IS NULL", "i", unit_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取积分事项");
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(count + 1));
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT id, COALESCE(template_id, 0), name FROM point_rules "
					     "WHERE unit_id = ? AND retired_version IS NULL ORDER BY id",
				      "i", unit_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取积分事项");
	int rc;
	while ((rc = db_step(st)) == DB_ROW && *n <= count) {
		struct live_rule *l = &(*out)[(*n)++];
		l->id = db_col_int(st, 0);
		l->template_id = db_col_int(st, 1);
		l->name = arena_strdup(c->arena, db_col_text(st, 2));
		if (!l->name)
			rc = DB_ERROR;
	}
	db_finalize(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取积分事项");
	return RC_OK;
}

/* True when name is among the rules staying in force or the new ones so far. */
static bool name_taken(const struct live_rule *live, int nlive, const char *const *fresh, int nfresh,
		       const char *name)
{
	for (int i = 0; i < nlive; i++)
		if (!live[i].retiring && !strcmp(live[i].name, name))
			return true;
	for (int i = 0; i < nfresh; i++)
		if (fresh[i] && !strcmp(fresh[i], name))
			return true;
	return false;
}

static void rule_snap(struct buf *b, const struct rule_input *r, int64_t template_id)
{
	audit_snap_begin(b);
	audit_snap_str(b, "category", r->category);
	audit_snap_str(b, "name", r->name);
	audit_snap_int(b, "points", r->points);
	audit_snap_int(b, "photo_required", r->photo_required);
	audit_snap_str(b, "claim_by", r->claim_by);
	audit_snap_int(b, "cap_count", r->cap_count);
	audit_snap_str(b, "cap_period", empty(r->cap_period) ? NULL : r->cap_period);
	audit_snap_str(b, "valid_from", empty(r->valid_from) ? NULL : r->valid_from);
	audit_snap_str(b, "valid_to", empty(r->valid_to) ? NULL : r->valid_to);
	if (template_id)
		audit_snap_int(b, "template_id", template_id);
	audit_snap_end(b);
}

static int insert_rule(struct ctx *c, int64_t chain, int64_t unit_id, int64_t version_id,
		       const struct rule_input *r, int64_t template_id)
{
	int64_t id;
	int dbrc = db_get_int(
		c->db, &id,
		"INSERT INTO point_rules (unit_id, template_id, category, name, points, photo_required, "
		"claim_by, cap_count, cap_period, valid_from, valid_to, added_version, created_at) "
		"VALUES (?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"iittiititttii", unit_id, template_id, r->category, r->name, (int64_t)r->points,
		(int64_t)(r->photo_required ? 1 : 0), r->claim_by, (int64_t)r->cap_count,
		empty(r->cap_period) ? NULL : r->cap_period, empty(r->valid_from) ? NULL : r->valid_from,
		empty(r->valid_to) ? NULL : r->valid_to, version_id, c->now);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "新增积分事项");
	struct buf after;
	rule_snap(&after, r, template_id);
	int rc = audit_record(c, chain, "point_rule", id, template_id ? "adopt" : "create", "{}",
			      after.ptr ? after.ptr : "{}");
	buf_release(&after);
	return rc;
}

/* Checks the parts of a version that need no database. */
static void check_version_input(struct ctx *c, const struct org_unit *u,
				const struct rule_version_input *in)
{
	const char *const *types = rules_meeting_types(u->kind);
	if (empty(in->meeting_type))
		ctx_field(c, "meeting_type", "必填");
	else if (!str_in(in->meeting_type, types)) {
		struct buf b;
		buf_init(&b, 512);
		for (const char *const *t = types; t && *t; t++)
			buf_addf(&b, "%s%s", t == types ? "" : "、", *t);
		ctx_field(c, "meeting_type", "应为 %s 之一", b.ptr ? b.ptr : "");
		buf_release(&b);
	}
	int64_t days, today = time_cn_days(c->now);
	if (empty(in->meeting_date))
		ctx_field(c, "meeting_date", "必填");
	else if (time_parse_date(in->meeting_date, &days))
		ctx_field(c, "meeting_date", "应为 YYYY-MM-DD 格式的日期");
	else if (days > today)
		ctx_field(c, "meeting_date", "会议日期不能晚于今天");
	ctx_check_text(c, "note", in->note, RULE_NOTE_MAX, CTX_TEXT_MULTILINE, "");

	int total = in->nadd + in->nretire + in->nadopt;
	if (total == 0)
		ctx_field(c, "add", "至少要新增、停用或采用一项事项");
	else if (total > RULE_VERSION_CHANGES_MAX)
		ctx_field(c, "add", "一个版本最多 %d 项变更（新增、停用、采用合计）", RULE_VERSION_CHANGES_MAX);
	if (in->nadopt && strcmp(u->kind, "village"))
		ctx_field(c, "adopt", "只有村可以采用上级模板中的事项");
	for (int i = 0; i < in->nadd && i < RULE_VERSION_CHANGES_MAX; i++)
		check_rule(c, item_name(c, "add", i, ""), &in->add[i]);
}

/* The rule a village makes from a template with the adjustments; checks the template. */
static int adopted_rule(struct ctx *c, const struct org_unit *village, const struct rule_adopt *a,
			int i, struct point_rule *tpl, struct rule_input *out)
{
	const char *item = item_name(c, "adopt", i, "");
	if (item && has_field(c, item))
		return RC_INVALID;
	const char *field = item_name(c, "adopt", i, ".template_id");
	if (a->template_id <= 0)
		return ctx_field(c, field, "必填");
	int dbrc = fetch_rule(c, a->template_id, tpl);
	if (dbrc == DB_DONE)
		return ctx_field(c, field, "模板事项不存在");
	if (dbrc != DB_ROW)
		return ctx_db_fail(c, dbrc, "读取积分事项");
	struct org_unit tu;
	int rc = org_get(c, tpl->unit_id, &tu);
	if (rc)
		return rc;
	if ((strcmp(tu.kind, "county") && strcmp(tu.kind, "town")) ||
	    strncmp(village->path, tu.path, strlen(tu.path)))
		return ctx_field(c, field, "只能采用本村所属区县或乡镇的模板事项");
	if (tpl->retired_version)
		return ctx_field(c, field, "该模板事项已停用");
	*out = (struct rule_input){
		.category = arena_strdup(c->arena, tpl->category),
		.name = arena_strdup(c->arena, tpl->name),
		.points = a->set_points ? a->points : tpl->points,
		.photo_required = tpl->photo_required,
		.claim_by = arena_strdup(c->arena, tpl->claim_by),
		.cap_count = a->set_cap_count ? a->cap_count : tpl->cap_count,
		.cap_period = a->set_cap_period ? a->cap_period : arena_strdup(c->arena, tpl->cap_period),
		.valid_from = arena_strdup(c->arena, tpl->valid_from),
		.valid_to = arena_strdup(c->arena, tpl->valid_to),
	};
	/* a cap set to 0 drops the template's period unless a period is given */
	if (a->set_cap_count && out->cap_count == 0 && !a->set_cap_period)
		out->cap_period = NULL;
	check_rule(c, item_name(c, "adopt", i, ""), out);
	return RC_OK;
}

enum result rules_version_create(struct ctx *c, const struct rule_version_input *in, int64_t *version_id)
{
	struct org_unit u;
	int rc = org_get(c, in->unit_id, &u);
	if (rc)
		return rc;
	bool village = !strcmp(u.kind, "village");
	if (!village && strcmp(u.kind, "town") && strcmp(u.kind, "county"))
		return ctx_fail(c, RC_NOT_FOUND, "村民小组没有自己的积分事项清单");
	if (village ? !access_can(c, P_POINTS_ADMIN, u.path) : !access_can(c, P_POINTS_TEMPLATE, u.path))
		return ctx_fail(c, RC_FORBIDDEN, village ? "只有本村两委可以修改村的积分事项清单"
							 : "只有区县管理员可以修改积分事项模板");
	check_version_input(c, &u, in);
	if (in->nadd + in->nretire + in->nadopt > RULE_VERSION_CHANGES_MAX)
		return ctx_check_fields(c);

	if ((rc = ctx_begin(c)))
		return rc;
	/* the checks against the catalog run inside the transaction, so they see what the
	 * writes below will change */
	struct live_rule *live = NULL;
	int nlive = 0;
	if ((rc = load_live(c, u.id, &live, &nlive)))
		return ctx_end(c, rc);
	for (int i = 0; i < in->nretire; i++) {
		const char *field = item_name(c, "retire", i, "");
		int k = 0;
		while (k < nlive && live[k].id != in->retire[i])
			k++;
		if (k == nlive)
			ctx_field(c, field, "不是本单位现行的积分事项");
		else if (live[k].retiring)
			ctx_field(c, field, "重复停用同一事项");
		else
			live[k].retiring = true;
	}
	/* names of new rules, in order: add first, then adopt; NULL when invalid */
	int nfresh = in->nadd + in->nadopt;
	const char **fresh = arena_alloc(c->arena, sizeof(*fresh) * (size_t)(nfresh + 1));
	struct rule_input *adopted = arena_alloc(c->arena, sizeof(*adopted) * (size_t)(in->nadopt + 1));
	if (!fresh || !adopted)
		return ctx_end(c, ctx_fail(c, RC_INTERNAL, "内存不足"));
	for (int i = 0; i < in->nadd; i++) {
		const char *name = in->add[i].name;
		if (empty(name))
			continue;
		if (name_taken(live, nlive, fresh, i, name))
			ctx_field(c, item_name(c, "add", i, ".name"), "清单中已有同名的现行事项");
		fresh[i] = name;
	}
	for (int i = 0; i < in->nadopt; i++) {
		const struct rule_adopt *a = &in->adopt[i];
		struct point_rule tpl;
		rc = adopted_rule(c, &u, a, i, &tpl, &adopted[i]);
		if (rc && rc != RC_INVALID)
			return ctx_end(c, rc);
		if (!adopted[i].name)
			continue;   /* no usable template: reported */
		const char *field = item_name(c, "adopt", i, ".template_id");
		bool twice = false, again = false;
		for (int k = 0; k < i && !twice; k++)
			twice = in->adopt[k].template_id == a->template_id;
		for (int k = 0; k < nlive && !again; k++)
			again = !live[k].retiring && live[k].template_id == a->template_id;
		if (twice)
			ctx_field(c, field, "重复采用同一模板事项");
		else if (again)
			ctx_field(c, field, "本村清单已采用该模板事项（调整请先停用原事项）");
		else if (name_taken(live, nlive, fresh, in->nadd + i, adopted[i].name))
			ctx_field(c, field, "清单中已有同名的现行事项「%s」", adopted[i].name);
		fresh[in->nadd + i] = adopted[i].name;
	}
	int staying = 0;
	for (int k = 0; k < nlive; k++)
		staying += !live[k].retiring;
	if (staying + nfresh > RULES_UNIT_MAX)
		ctx_field(c, "add", "一个清单最多 %d 项现行事项", RULES_UNIT_MAX);
	if ((rc = ctx_check_fields(c)))
		return ctx_end(c, rc);

	/* the version */
	int64_t version_no = 0;
	int dbrc = db_get_int(c->db, &version_no, "SELECT COALESCE(MAX(version_no), 0) + 1 FROM "
						  "rule_versions WHERE unit_id = ?", "i", u.id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "读取清单版本"));
	int64_t actor = ctx_actor_id(c);
	dbrc = db_get_int(c->db, version_id,
			  "INSERT INTO rule_versions (unit_id, version_no, meeting_type, meeting_date, note, "
			  "created_by, created_at) VALUES (?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) "
			  "RETURNING id",
			  "iitttii", u.id, version_no, in->meeting_type, in->meeting_date,
			  in->note ? in->note : "", actor, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, dbrc == DB_CONSTRAINT
					  ? ctx_fail(c, RC_CONFLICT, "清单刚被他人修改，请刷新后重试")
					  : ctx_db_fail(c, dbrc, "新建清单版本"));
	int64_t chain = org_chain_unit(&u);
	struct buf snap;
	audit_snap_begin(&snap);
	audit_snap_int(&snap, "version_no", version_no);
	audit_snap_str(&snap, "meeting_type", in->meeting_type);
	audit_snap_str(&snap, "meeting_date", in->meeting_date);
	audit_snap_str(&snap, "note", in->note ? in->note : "");
	audit_snap_int(&snap, "added", in->nadd);
	audit_snap_int(&snap, "adopted", in->nadopt);
	audit_snap_int(&snap, "retired", in->nretire);
	audit_snap_end(&snap);
	rc = audit_record(c, chain, "rule_version", *version_id, "create", "{}",
			  snap.ptr ? snap.ptr : "{}");
	buf_release(&snap);

	for (int i = 0; !rc && i < in->nretire; i++) {
		int64_t done;
		dbrc = db_get_int(c->db, &done, "UPDATE point_rules SET retired_version = ? WHERE id = ? "
						"AND retired_version IS NULL RETURNING id",
				  "ii", *version_id, in->retire[i]);
		if (dbrc == DB_DONE)
			rc = ctx_fail(c, RC_CONFLICT, "清单刚被他人修改，请刷新后重试");
		else if (dbrc != DB_OK)
			rc = ctx_db_fail(c, dbrc, "停用积分事项");
		else {
			struct buf after;
			audit_snap_begin(&after);
			audit_snap_int(&after, "retired_version", version_no);
			audit_snap_end(&after);
			rc = audit_record(c, chain, "point_rule", in->retire[i], "retire", "{}",
					  after.ptr ? after.ptr : "{}");
			buf_release(&after);
		}
	}
	for (int i = 0; !rc && i < in->nadd; i++)
		rc = insert_rule(c, chain, u.id, *version_id, &in->add[i], 0);
	for (int i = 0; !rc && i < in->nadopt; i++)
		rc = insert_rule(c, chain, u.id, *version_id, &adopted[i], in->adopt[i].template_id);
	return ctx_end(c, rc);
}

/* ---- reading versions ---- */

#define VERSION_COLS                                                                           \
	"v.id, v.unit_id, v.version_no, v.meeting_type, v.meeting_date, v.note, "              \
	"COALESCE(v.created_by, 0), COALESCE(u.name, '系统'), v.created_at "                   \
	"FROM rule_versions v LEFT JOIN users u ON u.id = v.created_by "

static void read_version(struct ctx *c, struct db_stmt *st, struct rule_version *v)
{
	memset(v, 0, sizeof(*v));
	v->id = db_col_int(st, 0);
	v->unit_id = db_col_int(st, 1);
	v->version_no = (int)db_col_int(st, 2);
	v->meeting_type = arena_strdup(c->arena, db_col_text(st, 3));
	v->meeting_date = arena_strdup(c->arena, db_col_text(st, 4));
	v->note = arena_strdup(c->arena, db_col_text(st, 5));
	v->created_by = db_col_int(st, 6);
	v->created_by_name = arena_strdup(c->arena, db_col_text(st, 7));
	v->created_at = db_col_int(st, 8);
}

/* Fills a version's added and retired rules. */
static int version_changes(struct ctx *c, struct rule_version *v)
{
	int64_t count = 0;
	if (db_get_int(c->db, &count, "SELECT count(*) FROM point_rules WHERE added_version = ? "
				      "OR retired_version = ?", "ii", v->id, v->id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取清单版本");
	v->added = arena_alloc(c->arena, sizeof(*v->added) * (size_t)(count + 1));
	v->retired = arena_alloc(c->arena, sizeof(*v->retired) * (size_t)(count + 1));
	if (!v->added || !v->retired)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	struct db_stmt *st = db_query(c->db, "SELECT id, name, points, added_version FROM point_rules "
					     "WHERE added_version = ? OR retired_version = ? ORDER BY id",
				      "ii", v->id, v->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取清单版本");
	int rc;
	while ((rc = db_step(st)) == DB_ROW && v->nadded + v->nretired < count) {
		bool added = db_col_int(st, 3) == v->id;
		struct rule_change *ch = added ? &v->added[v->nadded++] : &v->retired[v->nretired++];
		ch->rule_id = db_col_int(st, 0);
		ch->name = arena_strdup(c->arena, db_col_text(st, 1));
		ch->points = (int)db_col_int(st, 2);
	}
	db_finalize(st);
	return rc == DB_ERROR || rc == DB_BUSY ? ctx_db_fail(c, rc, "读取清单版本") : RC_OK;
}

enum result rules_version_get(struct ctx *c, int64_t id, struct rule_version *out)
{
	struct db_stmt *st = db_query(c->db, "SELECT " VERSION_COLS "WHERE v.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取清单版本");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_version(c, st, out);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "清单版本不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, rc, "读取清单版本");
	struct org_unit u;
	if ((rc = org_get(c, out->unit_id, &u)))
		return rc;
	if (!rules_can_read(c, u.path, u.kind))
		return ctx_fail(c, RC_NOT_FOUND, "清单版本不存在");
	return version_changes(c, out);
}

enum result rules_versions(struct ctx *c, int64_t unit_id, int limit, int offset, struct rule_version **out,
		   int *n, int64_t *total)
{
	struct org_unit u;
	int rc = catalog_unit(c, unit_id, &u);
	if (rc)
		return rc;
	if (db_get_int(c->db, total, "SELECT count(*) FROM rule_versions WHERE unit_id = ?", "i",
		       unit_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取清单版本");
	struct db_stmt *st = db_query(c->db, "SELECT " VERSION_COLS "WHERE v.unit_id = ? "
					     "ORDER BY v.version_no DESC LIMIT ? OFFSET ?",
				      "iii", unit_id, (int64_t)limit, (int64_t)offset);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取清单版本");
	*n = 0;
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit > 0 ? limit : 1));
	while (*out && *n < limit && (rc = db_step(st)) == DB_ROW)
		read_version(c, st, &(*out)[(*n)++]);
	db_finalize(st);
	if (!*out)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if (rc == DB_ERROR || rc == DB_BUSY)
		return ctx_db_fail(c, rc, "读取清单版本");
	for (int i = 0; i < *n; i++)
		if ((rc = version_changes(c, &(*out)[i])))
			return rc;
	return RC_OK;
}
