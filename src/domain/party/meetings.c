/* Meetings 三会一课 and 主题党日: the county's required frequency per kind, meetings with
 * minutes, photos and attendance, the members' check-in within the meeting's time, and
 * each branch's compliance per period (held on time, late, missing, still due). */
#include "domain/party/internal.h"
#include "util/utf8.h"
#include "util/num.h"

#define READERS (P_PARTY_ADMIN | P_PARTY_READ)

static const struct {
	const char *kind, *name, *freq;
} KINDS[] = {
	{"general", "支部党员大会", "quarter"}, {"committee", "支委会", "month"}, {"group", "党小组会", "month"},
	{"lecture", "党课", "quarter"},         {"theme_day", "主题党日", "month"},
};
#define NKINDS ((int)ARRAY_SIZE(KINDS))

static int kind_index(const char *k)
{
	for (int i = 0; k && i < NKINDS; i++)
		if (!strcmp(k, KINDS[i].kind))
			return i;
	return -1;
}

/* ---- periods ---- */

int party_period_of(int64_t day, const char *freq, char out[16])
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	if (!freq)
		return -1;
	if (!strcmp(freq, "month"))
		snprintf(out, 16, "%04d-%02d", y, m);
	else if (!strcmp(freq, "quarter"))
		snprintf(out, 16, "%04d-Q%d", y, (m - 1) / 3 + 1);
	else if (!strcmp(freq, "year"))
		snprintf(out, 16, "%04d", y);
	else
		return -1;
	return 0;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int party_period_range(const char *label, int64_t *first, int64_t *last)
{
	if (!label)
		return -1;
	size_t n = strlen(label);
	int y = n >= 4 ? digits(label, 4) : -1;
	if (y < 1900 || y > 2100)
		return -1;
	int m1, m2;
	if (n == 4) {
		m1 = 1;
		m2 = 12;
	} else if (n == 7 && label[4] == '-' && label[5] == 'Q' && label[6] >= '1' && label[6] <= '4') {
		m1 = (label[6] - '1') * 3 + 1;
		m2 = m1 + 2;
	} else if (n == 7 && label[4] == '-' && (m1 = digits(label + 5, 2)) >= 1 && m1 <= 12) {
		m2 = m1;
	} else
		return -1;
	*first = time_days_from_civil(y, m1, 1);
	*last = (m2 == 12 ? time_days_from_civil(y + 1, 1, 1) : time_days_from_civil(y, m2 + 1, 1)) - 1;
	return 0;
}

const char *party_period_freq(const char *label)
{
	int64_t a, b;
	if (party_period_range(label, &a, &b))
		return NULL;
	size_t n = strlen(label);
	return n == 4 ? "year" : label[5] == 'Q' ? "quarter" : "month";
}

/* ---- settings ---- */

static int64_t county_of(const char *path)
{
	int64_t v = 0;
	for (const char *p = path + 1; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

/* The frequencies of a county, defaults where none is stored. */
static int freqs_of(struct ctx *c, int64_t county_id, const char *out[NKINDS])
{
	for (int i = 0; i < NKINDS; i++)
		out[i] = KINDS[i].freq;
	struct db_stmt *st = db_query(c->db, "SELECT kind, frequency FROM party_meeting_rules WHERE county_id = ?", "i",
				      county_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取会议设置");
	while (db_step(st) == DB_ROW) {
		int k = kind_index(db_col_text(st, 0));
		if (k >= 0)
			out[k] = arena_strdup(c->arena, db_col_text(st, 1));
	}
	db_finalize(st);
	return RC_OK;
}

int party_settings(struct ctx *c, int64_t county_id, struct party_rows *out)
{
	struct org_unit u;
	int rc = county_id > 0 ? org_find(c, county_id, &u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (!rc && strcmp(u.kind, "county")))
		return ctx_field(c, "county_id", "请选择区县");
	if (rc)
		return rc;
	if (!c->system && !access_touches(c, u.path))
		return ctx_fail(c, RC_NOT_FOUND, "区县不存在");
	const char *f[NKINDS];
	if ((rc = freqs_of(c, u.id, f)))
		return rc;
	for (int i = 0; i < NKINDS; i++) {
		struct party_row *r = pr_add(c, out);
		if (!r)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		pr_text(c, r, "kind", KINDS[i].kind);
		pr_text(c, r, "name", KINDS[i].name);
		pr_text(c, r, "frequency", f[i]);
	}
	return RC_OK;
}

int party_settings_put(struct ctx *c, int64_t county_id, int n, const char *const *kinds, const char *const *freqs)
{
	struct org_unit u;
	int rc = county_id > 0 ? org_find(c, county_id, &u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (!rc && strcmp(u.kind, "county")))
		return ctx_field(c, "county_id", "请选择区县");
	if (rc)
		return rc;
	if (!access_can(c, P_PARTY_SETTINGS, u.path))
		return pt_refuse(c, u.path, "区县", "只有区县组织部门可以设置会议频次");
	if (n < 1)
		ctx_field(c, "kinds", "请至少设置一种会议");
	for (int i = 0; i < n; i++) {
		if (kind_index(kinds[i]) < 0)
			ctx_field(c, "kinds", "第 %d 项的会议类别不存在", i + 1);
		else if (!freqs[i] || (strcmp(freqs[i], "month") && strcmp(freqs[i], "quarter") &&
				       strcmp(freqs[i], "year") && strcmp(freqs[i], "none")))
			ctx_field(c, "kinds", "第 %d 项的频次应为 month（每月）、quarter（每季度）、year（每年）或 none（不要求）",
				  i + 1);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		int dbrc = db_run(c->db, "DELETE FROM party_meeting_rules WHERE county_id = ? AND kind = ?", "it", u.id,
				  kinds[i]);
		if (dbrc == DB_OK)
			dbrc = db_run(c->db, "INSERT INTO party_meeting_rules (county_id, kind, frequency, updated_at) "
					     "VALUES (?, ?, ?, ?)", "itti", u.id, kinds[i], freqs[i], c->now);
		if (dbrc != DB_OK)
			rc = ctx_db_fail(c, dbrc, "保存会议设置");
		else
			rc = pt_audit(c, u.id, "party_settings", u.id, "update", kinds[i], freqs[i], NULL, 0);
	}
	return ctx_end(c, rc);
}

/* ---- meetings ---- */

#define MT_SPEC                                                                                       \
	"i:id i:branch_id t:branch_name i:village_id t:village_name n:group_id t:group_name t:kind "     \
	"t:period t:topic t:place b:remote t:join_url T:starts_at T:ends_at t:minutes p:minutes_photos " \
	"p:photos T:created_at i:attended i:members"
#define MT_COLS                                                                                       \
	"p.id, p.branch_id, b.name, p.village_id, v.name, p.group_id, g.name, p.kind, p.period, p.topic, " \
	"p.place, p.remote, p.join_url, p.starts_at, p.ends_at, p.minutes, p.minutes_photos, p.photos, "   \
	"p.created_at, (SELECT count(*) FROM party_attendance a WHERE a.meeting_id = p.id AND "            \
	"a.status IN ('present', 'remote')), (SELECT count(*) FROM party_members m WHERE "                 \
	"m.branch_id = p.branch_id AND m.status = 'active') "
#define MT_FROM                                                                                       \
	"FROM party_meetings p JOIN party_branches b ON b.id = p.branch_id JOIN org_units v ON "         \
	"v.id = p.village_id LEFT JOIN party_groups g ON g.id = p.group_id "

static void decorate(struct ctx *c, struct party_row *r)
{
	int k = kind_index(pr_get_text(r, "kind"));
	pr_text(c, r, "kind_name", k >= 0 ? KINDS[k].name : "");
	int64_t s = pr_get_int(r, "starts_at"), e = pr_get_int(r, "ends_at");
	pr_text(c, r, "state", c->now < s ? "planned" : c->now <= e ? "ongoing" : "held");
}

/* Members of a branch may read its meetings. */
static bool member_of_branch(struct ctx *c, int64_t branch_id, int64_t *member_id)
{
	*member_id = 0;
	if (!c->actor)
		return false;
	return db_get_int(c->db, member_id, "SELECT id FROM party_members WHERE branch_id = ? AND status = 'active' AND "
					    "(user_id = ? OR (resident_id = ? AND resident_id > 0)) ORDER BY id LIMIT 1",
			  "iii", branch_id, c->actor->user_id, c->actor->resident_id) == DB_OK &&
	       *member_id;
}

int party_meetings(struct ctx *c, int64_t unit_id, int64_t branch_id, const char *kind, const char *period, int limit,
		   int offset, struct party_rows *out)
{
	struct org_unit u;
	if (pt_unit(c, unit_id, "unit", &u) && c->err.code != RC_INVALID)
		return c->err.code;
	if (kind && kind_index(kind) < 0)
		ctx_field(c, "kind", "会议类别应为 general、committee、group、lecture 或 theme_day");
	int64_t p1 = 0, p2 = 0;
	if (period && party_period_range(period, &p1, &p2))
		ctx_field(c, "period", "期间格式应为 2026、2026-Q1 或 2026-03");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 8192);
	buf_adds(&sql, MT_FROM "WHERE 1=1");
	int rc = pt_scope(c, READERS | P_PARTY_MEMBER, &u, &sql, &a, "单位");
	if (rc) {
		buf_release(&sql);
		return rc;
	}
	if (branch_id) {
		buf_adds(&sql, " AND p.branch_id = ?");
		db_args_int(&a, branch_id);
	}
	if (kind) {
		buf_adds(&sql, " AND p.kind = ?");
		db_args_text(&a, kind);
	}
	if (period) {
		buf_adds(&sql, " AND p.starts_at >= ? AND p.starts_at < ?");
		db_args_int(&a, time_cn_midnight(p1));
		db_args_int(&a, time_cn_midnight(p2 + 1));
	}
	rc = pt_page(c, &sql, &a, MT_COLS, "p.starts_at DESC, p.id DESC", MT_SPEC, limit, offset, out);
	for (int i = 0; !rc && i < out->n; i++)
		decorate(c, &out->row[i]);
	return rc;
}

static int load_meeting(struct ctx *c, int64_t id, struct party_row *out, char path[ORG_PATH_MAX])
{
	int rc = pr_one(c, db_query(c->db, "SELECT " MT_COLS ", v.path " MT_FROM "WHERE p.id = ?", "i", id),
			MT_SPEC " t:path", out, "会议不存在");
	if (!rc) {
		str_copy(path, ORG_PATH_MAX, pr_get_text(out, "path"));
		decorate(c, out);
	}
	return rc;
}

int party_meeting_get(struct ctx *c, int64_t id, struct party_row *out)
{
	char path[ORG_PATH_MAX];
	int rc = load_meeting(c, id, out, path);
	if (rc)
		return rc;
	int64_t me;
	bool member = member_of_branch(c, pr_get_int(out, "branch_id"), &me);
	if (!access_can(c, READERS, path) && !member)
		return pt_refuse(c, path, "会议", "只有本支部党员和组织部门可以查看会议");
	struct party_rows *att = pr_new(c);
	if (!att)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if (access_can(c, READERS, path))
		rc = pr_fetch(c, db_query(c->db, "SELECT m.id, m.name, m.mobile, COALESCE(a.status, 'absent'), "
						 "COALESCE(a.reason, ''), a.checked_in_at, a.status IS NOT NULL FROM party_members m "
						 "LEFT JOIN party_attendance a ON a.meeting_id = ? AND a.member_id = m.id "
						 "WHERE m.branch_id = ? AND (m.status = 'active' OR a.status IS NOT NULL) "
						 "ORDER BY m.id", "ii", id, pr_get_int(out, "branch_id")),
			      "i:member_id t:name b:mobile t:status t:reason T:checked_in_at b:recorded", att, 2000);
	else
		rc = pr_fetch(c, db_query(c->db, "SELECT m.id, m.name, m.mobile, COALESCE(a.status, 'absent'), "
						 "COALESCE(a.reason, ''), a.checked_in_at, a.status IS NOT NULL FROM party_members m "
						 "LEFT JOIN party_attendance a ON a.meeting_id = ? AND a.member_id = m.id "
						 "WHERE m.id = ?", "ii", id, me),
			      "i:member_id t:name b:mobile t:status t:reason T:checked_in_at b:recorded", att, 1);
	int64_t s = pr_get_int(out, "starts_at"), e = pr_get_int(out, "ends_at");
	pr_bool(out, "can_check_in", member && c->now >= s - PARTY_CHECKIN_EARLY && c->now <= e);
	pr_bool(out, "can_manage", access_can(c, P_PARTY_ADMIN, path));
	pr_sub(out, "attendance", att);
	return rc;
}

static int64_t day_of(int64_t t)
{
	return time_cn_days(t);
}

static void check_meeting(struct ctx *c, const struct party_meeting_input *in, bool create, const char *kind,
			  int64_t s, int64_t e)
{
	if (create && kind_index(in->kind) < 0)
		ctx_field(c, "kind", "会议类别应为 general（支部党员大会）、committee（支委会）、group（党小组会）、"
				     "lecture（党课）或 theme_day（主题党日）");
	if (create || in->topic) {
		ctx_check_text(c, "topic", in->topic, PARTY_TEXT_MAX / 2, CTX_TEXT_REQUIRED, "会议主题");
		if (in->topic && in->topic[0] && utf8_blank(in->topic))
			ctx_field(c, "topic", "会议主题不能为空");
	}
	if (in->place)
		ctx_check_text(c, "place", in->place, PARTY_TEXT_MAX / 4, CTX_TEXT_OPTIONAL, "地点");
	if (in->minutes)
		ctx_check_text(c, "minutes", in->minutes, PARTY_BODY_MAX * 5, CTX_TEXT_MULTILINE, "会议记录");
	if (in->join_url) {
		ctx_check_text(c, "join_url", in->join_url, PARTY_URL_MAX, CTX_TEXT_OPTIONAL, "会议链接");
		if (in->join_url[0] && strncmp(in->join_url, "https://", 8) && strncmp(in->join_url, "http://", 7))
			ctx_field(c, "join_url", "会议链接应以 https:// 开头");
	}
	if (create && !s)
		ctx_field(c, "starts_at", "请填写开始时间");
	if (create && !e)
		ctx_field(c, "ends_at", "请填写结束时间");
	if (s && e && e <= s)
		ctx_field(c, "ends_at", "结束时间应晚于开始时间");
	else if (s && e && e - s > 86400)
		ctx_field(c, "ends_at", "会议不能超过一天");
	(void)kind;
	pt_check_photos(c, "photos", in->photos, in->nphotos);
	pt_check_photos(c, "minutes_photos", in->minutes_photos, in->nminutes_photos);
}

int party_meeting_create(struct ctx *c, const struct party_meeting_input *in, int64_t *id)
{
	*id = 0;
	int64_t vid = 0;
	char path[ORG_PATH_MAX];
	int rc = pt_branch(c, in->branch_id, &vid, path, NULL, 0);
	if (rc == RC_NOT_FOUND) {
		ctx_clear(c);
		ctx_field(c, "branch_id", "党支部不存在");
	} else if (rc)
		return rc;
	else if (!access_can(c, P_PARTY_ADMIN, path))
		return pt_refuse(c, path, "党支部", "只有村党组织书记可以安排会议");
	check_meeting(c, in, true, in->kind, in->starts_at, in->ends_at);
	int64_t b = 0;
	if (in->group_id > 0 && vid &&
	    (db_get_int(c->db, &b, "SELECT branch_id FROM party_groups WHERE id = ?", "i", in->group_id) != DB_OK ||
	     b != in->branch_id))
		ctx_field(c, "group_id", "党小组不属于该支部");
	int k = kind_index(in->kind);
	if (k >= 0 && !strcmp(KINDS[k].kind, "group") && in->group_id <= 0)
		ctx_field(c, "group_id", "党小组会请选择党小组");
	if (in->remote == 1 && (!in->join_url || !in->join_url[0]))
		ctx_field(c, "join_url", "远程会议请填写会议链接");
	if (in->remote != 1 && (!in->place || utf8_blank(in->place)))
		ctx_field(c, "place", "请填写会议地点");
	const char *f[NKINDS];
	char period[16] = "";
	if (vid && k >= 0 && in->starts_at && !(rc = freqs_of(c, county_of(path), f))) {
		const char *freq = strcmp(f[k], "none") ? f[k] : "year";
		if (in->period && in->period[0]) {
			const char *pf = party_period_freq(in->period);
			int64_t p1, p2;
			if (!pf || strcmp(pf, freq))
				ctx_field(c, "period", "该类会议按%s计，期间格式应为 %s",
					  !strcmp(freq, "month") ? "月" : !strcmp(freq, "quarter") ? "季度" : "年",
					  !strcmp(freq, "month") ? "2026-03" : !strcmp(freq, "quarter") ? "2026-Q1" : "2026");
			else if (!party_period_range(in->period, &p1, &p2) && p1 > day_of(in->starts_at))
				ctx_field(c, "period", "会议不能计入以后的期间");
			else
				str_copy(period, sizeof(period), in->period);
		} else
			party_period_of(day_of(in->starts_at), freq, period);
	} else if (rc)
		return rc;
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *photos = pt_join(c, in->photos, in->nphotos > 0 ? in->nphotos : 0);
	char *mphotos = pt_join(c, in->minutes_photos, in->nminutes_photos > 0 ? in->nminutes_photos : 0);
	if (!photos || !mphotos)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	bool replayed;
	if ((rc = pt_begin_create(c, "party_meeting", in->idem, id, &replayed)) || replayed)
		return rc;
	int dbrc = db_get_int(c->db, id,
			      "INSERT INTO party_meetings (branch_id, village_id, group_id, kind, period, topic, place, "
			      "remote, join_url, starts_at, ends_at, minutes, minutes_photos, photos, created_by, "
			      "created_at, updated_at) VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
			      "NULLIF(?, 0), ?, ?) RETURNING id",
			      "iiitttti" "tiitttiii", in->branch_id, vid, in->group_id > 0 ? in->group_id : 0, in->kind,
			      period, in->topic, in->place ? in->place : "", (int64_t)(in->remote == 1),
			      in->join_url ? in->join_url : "", in->starts_at, in->ends_at, in->minutes ? in->minutes : "",
			      mphotos, photos, ctx_actor_id(c), c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存会议"));
	if ((rc = pt_store_created(c, "party_meeting", in->idem, *id)))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, vid, "party_meeting", *id, "create", "topic", in->topic, "starts_at", in->starts_at));
}

int party_meeting_file(struct ctx *c, int64_t id, bool minutes, int n, struct file_info *out)
{
	struct party_row m;
	char path[ORG_PATH_MAX];
	int rc = load_meeting(c, id, &m, path);
	if (rc)
		return rc;
	int64_t me;
	if (!access_can(c, READERS, path) && !member_of_branch(c, pr_get_int(&m, "branch_id"), &me))
		return pt_refuse(c, path, "会议", "只有本支部党员和组织部门可以查看会议");
	char hash[FILES_HASH_LEN + 1];
	if (!pt_nth_hash(pr_get_text(&m, minutes ? "minutes_photos" : "photos"), n, hash))
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	return files_info(c, hash, out);
}

/* party_meeting_update inside its transaction: the meeting read there, so that the
 * fields the request leaves alone (the minutes among them) are written back as they are,
 * not as they were before a change made while it waited for its turn */
static int update_in(struct ctx *c, int64_t id, const struct party_meeting_input *in)
{
	struct party_row m;
	char path[ORG_PATH_MAX];
	int rc = ctx_lock_row(c, "SELECT id FROM party_meetings WHERE id = ? FOR UPDATE", id);
	if (rc || (rc = load_meeting(c, id, &m, path)))
		return rc;
	int64_t me;
	if (!access_can(c, P_PARTY_ADMIN, path))
		return member_of_branch(c, pr_get_int(&m, "branch_id"), &me) || access_can(c, READERS, path)
			       ? (int)ctx_fail(c, RC_FORBIDDEN, "只有村党组织书记可以修改会议")
			       : pt_refuse(c, path, "会议", "只有村党组织书记可以修改会议");
	int64_t s = in->starts_at ? in->starts_at : pr_get_int(&m, "starts_at");
	int64_t e = in->ends_at ? in->ends_at : pr_get_int(&m, "ends_at");
	check_meeting(c, in, false, pr_get_text(&m, "kind"), s, e);
	bool remote = in->remote >= 0 ? in->remote == 1 : pr_get_int(&m, "remote") != 0;
	const char *url = in->join_url ? in->join_url : pr_get_text(&m, "join_url");
	if (remote && !url[0])
		ctx_field(c, "join_url", "远程会议请填写会议链接");
	if (ctx_check_fields(c))
		return RC_INVALID;
	char *photos = in->nphotos >= 0 ? pt_join(c, in->photos, in->nphotos) : (char *)pr_get_text(&m, "photos");
	char *mphotos = in->nminutes_photos >= 0 ? pt_join(c, in->minutes_photos, in->nminutes_photos)
						 : (char *)pr_get_text(&m, "minutes_photos");
	if (!photos || !mphotos)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	/* the history: what changed, on the village's chain (the minutes and photos edited
	 * after the meeting among them) */
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "topic", in->topic ? in->topic : pr_get_text(&m, "topic"));
	if (in->minutes && strcmp(in->minutes, pr_get_text(&m, "minutes")))
		audit_snap_str(&after, "record", in->minutes);
	if (strcmp(mphotos, pr_get_text(&m, "minutes_photos")))
		audit_snap_str(&after, "minutes_photos", mphotos);
	if (strcmp(photos, pr_get_text(&m, "photos")))
		audit_snap_str(&after, "photos", photos);
	audit_snap_end(&after);
	if (after.failed) {
		buf_release(&after);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	int dbrc = db_run(c->db, "UPDATE party_meetings SET topic = ?, place = ?, remote = ?, join_url = ?, starts_at = ?, "
				 "ends_at = ?, minutes = ?, minutes_photos = ?, photos = ?, updated_at = ? WHERE id = ?",
			  "ttitiittti" "i", in->topic ? in->topic : pr_get_text(&m, "topic"),
			  in->place ? in->place : pr_get_text(&m, "place"), (int64_t)remote, url, s, e,
			  in->minutes ? in->minutes : pr_get_text(&m, "minutes"), mphotos, photos, c->now, id);
	rc = dbrc != DB_OK ? ctx_db_fail(c, dbrc, "修改会议")
			   : audit_record(c, pr_get_int(&m, "village_id"), "party_meeting", id, "update", "{}", after.ptr);
	buf_release(&after);
	return rc;
}

int party_meeting_update(struct ctx *c, int64_t id, const struct party_meeting_input *in)
{
	int rc = ctx_begin(c);
	return rc ? rc : (int)ctx_end(c, update_in(c, id, in));
}

int party_attendance_put(struct ctx *c, int64_t meeting_id, int n, const struct party_attendance_input *in)
{
	struct party_row m;
	char path[ORG_PATH_MAX];
	int rc = load_meeting(c, meeting_id, &m, path);
	if (rc)
		return rc;
	int64_t me;
	if (!access_can(c, P_PARTY_ADMIN, path))
		return member_of_branch(c, pr_get_int(&m, "branch_id"), &me) || access_can(c, READERS, path)
			       ? (int)ctx_fail(c, RC_FORBIDDEN, "只有村党组织书记可以登记出勤")
			       : pt_refuse(c, path, "会议", "只有村党组织书记可以登记出勤");
	if (n < 1)
		ctx_field(c, "items", "请至少登记一名党员的出勤");
	for (int i = 0; i < n; i++) {
		const char *s = in[i].status;
		int64_t b = 0;
		if (db_get_int(c->db, &b, "SELECT branch_id FROM party_members WHERE id = ?", "i", in[i].member_id) !=
			    DB_OK || b != pr_get_int(&m, "branch_id"))
			ctx_field(c, "items", "第 %d 项的党员不属于本支部", i + 1);
		else if (!s || (strcmp(s, "present") && strcmp(s, "remote") && strcmp(s, "leave") && strcmp(s, "absent")))
			ctx_field(c, "items", "第 %d 项的出勤应为 present（到会）、remote（远程）、leave（请假）或 absent（缺席）",
				  i + 1);
		else if (!strcmp(s, "leave") && (!in[i].reason || utf8_blank(in[i].reason)))
			ctx_field(c, "items", "第 %d 项请假请填写原因", i + 1);
		else if (in[i].reason)
			ctx_check_text(c, "items", in[i].reason, PARTY_TEXT_MAX / 2, CTX_TEXT_OPTIONAL, "请假原因");
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (c->now < pr_get_int(&m, "starts_at") - PARTY_CHECKIN_EARLY)
		return ctx_fail(c, RC_CONFLICT, "会议还没有开始，不能登记出勤");
	if ((rc = ctx_begin(c)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		int dbrc = db_run(c->db, "DELETE FROM party_attendance WHERE meeting_id = ? AND member_id = ? AND "
					 "checked_in_at IS NULL", "ii", meeting_id, in[i].member_id);
		int64_t left = 0;
		if (dbrc == DB_OK)
			dbrc = db_get_int(c->db, &left, "SELECT count(*) FROM party_attendance WHERE meeting_id = ? AND "
							"member_id = ?", "ii", meeting_id, in[i].member_id);
		if (dbrc == DB_OK && left)
			dbrc = db_run(c->db, "UPDATE party_attendance SET status = ?, reason = ?, recorded_by = ?, "
					     "recorded_at = ? WHERE meeting_id = ? AND member_id = ?", "ttiiii", in[i].status,
				      in[i].reason ? in[i].reason : "", ctx_actor_id(c), c->now, meeting_id,
				      in[i].member_id);
		else if (dbrc == DB_OK)
			dbrc = db_run(c->db, "INSERT INTO party_attendance (meeting_id, member_id, status, reason, recorded_by, "
					     "recorded_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?)", "iittii", meeting_id,
				      in[i].member_id, in[i].status, in[i].reason ? in[i].reason : "",
				      ctx_actor_id(c), c->now);
		rc = dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "保存出勤");
	}
	/* one entry for the whole record: every member's status in it */
	struct buf who;
	buf_init(&who, 64 * 1024);
	buf_adds(&who, "");
	for (int i = 0; i < n; i++)
		buf_addf(&who, "%s%lld:%s", i ? "," : "", (long long)in[i].member_id, in[i].status);
	if (!rc)
		rc = who.failed ? (int)ctx_fail(c, RC_INTERNAL, "内存不足")
				: pt_audit(c, pr_get_int(&m, "village_id"), "party_attendance", meeting_id, "record", "members",
					   who.ptr, "count", n);
	buf_release(&who);
	return ctx_end(c, rc);
}

int party_checkin(struct ctx *c, int64_t meeting_id, struct party_row *out)
{
	struct party_row m;
	char path[ORG_PATH_MAX];
	int rc = load_meeting(c, meeting_id, &m, path);
	if (rc)
		return rc;
	int64_t me;
	if (!member_of_branch(c, pr_get_int(&m, "branch_id"), &me))
		return pt_refuse(c, path, "会议", "只有本支部的党员可以签到");
	int64_t s = pr_get_int(&m, "starts_at"), e = pr_get_int(&m, "ends_at");
	if (c->now < s - PARTY_CHECKIN_EARLY)
		return ctx_fail(c, RC_CONFLICT, "会议开始前半小时才能签到");
	if (c->now > e)
		return ctx_fail(c, RC_CONFLICT, "会议已经结束，不能再签到");
	const char *status = pr_get_int(&m, "remote") ? "remote" : "present";
	int64_t done = 0;
	if (db_get_int(c->db, &done, "SELECT count(*) FROM party_attendance WHERE meeting_id = ? AND member_id = ? AND "
				     "checked_in_at IS NOT NULL", "ii", meeting_id, me) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取出勤");
	if (!done) {
		if ((rc = ctx_begin(c)))
			return rc;
		int dbrc = db_run(c->db, "DELETE FROM party_attendance WHERE meeting_id = ? AND member_id = ?", "ii",
				  meeting_id, me);
		if (dbrc == DB_OK)
			dbrc = db_run(c->db, "INSERT INTO party_attendance (meeting_id, member_id, status, reason, checked_in_at, "
					     "recorded_by, recorded_at) VALUES (?, ?, ?, '', ?, NULLIF(?, 0), ?)", "iitiii",
				      meeting_id, me, status, c->now, ctx_actor_id(c), c->now);
		rc = dbrc == DB_OK ? RC_OK : ctx_db_fail(c, dbrc, "签到");
		if (!rc)
			rc = pt_audit(c, pr_get_int(&m, "village_id"), "party_attendance", meeting_id, "check_in", "status",
				      status, "member_id", me);
		if ((rc = ctx_end(c, rc)))
			return rc;
	}
	memset(out, 0, sizeof(*out));
	pr_int(out, "meeting_id", meeting_id);
	pr_int(out, "member_id", me);
	pr_text(c, out, "status", status);
	pr_bool(out, "already", done != 0);
	return RC_OK;
}

/* ---- compliance ---- */

int party_compliance(struct ctx *c, int64_t unit_id, int year, struct party_row *out)
{
	struct org_unit u;
	if (pt_unit(c, unit_id, "unit", &u) && c->err.code != RC_INVALID)
		return c->err.code;
	int cy, cm, cd;
	time_civil_from_days(time_cn_days(c->now), &cy, &cm, &cd);
	if (!year)
		year = cy;
	if (year < 2000 || year > cy)
		ctx_field(c, "year", "年份应在 2000 到 %d 之间", cy);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct party_rows branches = {0};
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 8192);
	buf_adds(&sql, "SELECT b.id, b.name, v.id, v.name, v.path FROM party_branches b JOIN org_units v ON "
		       "v.id = b.village_id WHERE 1=1");
	int rc = pt_scope(c, READERS, &u, &sql, &a, "单位");
	if (!rc) {
		buf_adds(&sql, " ORDER BY v.path, b.id");
		rc = sql.failed ? (int)ctx_fail(c, RC_INTERNAL, "内存不足")
				: pr_fetch(c, db_query_args(c->db, sql.ptr, &a),
					   "i:branch_id t:branch_name i:village_id t:village_name t:path", &branches, 5000);
	}
	buf_release(&sql);
	if (rc)
		return rc;
	const char *f[NKINDS];
	if ((rc = freqs_of(c, county_of(u.path), f)))
		return rc;
	int64_t today = time_cn_days(c->now);
	struct party_rows *rows = pr_new(c), *flags = pr_new(c);
	if (!rows || !flags)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t T_req = 0, T_ok = 0, T_late = 0, T_miss = 0, T_due = 0;
	for (int b = 0; b < branches.n; b++) {
		struct party_row *br = &branches.row[b];
		int64_t bid = pr_get_int(br, "branch_id");
		/* every meeting of the year's periods: kind, period, day held */
		struct party_rows held = {0};
		rc = pr_fetch(c, db_query(c->db, "SELECT kind, period, starts_at, COALESCE(group_id, 0) FROM party_meetings "
						 "WHERE branch_id = ? AND period LIKE ? AND starts_at <= ?", "iti", bid,
					  arena_printf(c->arena, "%04d%%", year), c->now),
			      "t:kind t:period i:starts_at i:group_id", &held, 100000);
		/* 党小组会 count per party group: each group holds its own */
		struct party_rows *groups = pr_new(c);
		if (!groups)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		if (!rc)
			rc = pr_fetch(c, db_query(c->db, "SELECT id, name FROM party_groups WHERE branch_id = ? ORDER BY id", "i",
						  bid),
				      "i:group_id t:group_name", groups, 100);
		if (rc)
			return rc;
		int64_t req = 0, ok = 0, late = 0, miss = 0, due = 0;
		for (int k = 0; k < NKINDS; k++) {
			if (!strcmp(f[k], "none"))
				continue;
			bool per_group = !strcmp(KINDS[k].kind, "group") && groups->n > 0;
			int nper = !strcmp(f[k], "month") ? 12 : !strcmp(f[k], "quarter") ? 4 : 1;
			for (int gi = 0; gi < (per_group ? groups->n : 1); gi++) {
				struct party_row *grp = per_group ? &groups->row[gi] : NULL;
				int64_t gid = grp ? pr_get_int(grp, "group_id") : 0;
				for (int p = 0; p < nper; p++) {
					char label[16];
					if (nper == 12)
						snprintf(label, sizeof(label), "%04d-%02d", year, p + 1);
					else if (nper == 4)
						snprintf(label, sizeof(label), "%04d-Q%d", year, p + 1);
					else
						snprintf(label, sizeof(label), "%04d", year);
					int64_t p1, p2;
					party_period_range(label, &p1, &p2);
					if (p1 > today)
						break;
					bool on_time = false, any = false;
					for (int i = 0; i < held.n; i++) {
						struct party_row *h = &held.row[i];
						if (strcmp(pr_get_text(h, "kind"), KINDS[k].kind) || strcmp(pr_get_text(h, "period"), label) ||
						    (gid && pr_get_int(h, "group_id") != gid))
							continue;
						any = true;
						if (day_of(pr_get_int(h, "starts_at")) <= p2)
							on_time = true;
					}
					const char *state = on_time ? "ok" : any ? "late" : p2 < today ? "missing" : "due";
					if (grp) {
						const char *key = !strcmp(state, "ok") ? "on_time" : state;
						pr_int(grp, key, pr_get_int(grp, key) + 1);
						if (strcmp(state, "due"))
							pr_int(grp, "required", pr_get_int(grp, "required") + 1);
					}
					if (!strcmp(state, "due")) {
						due++;
						continue;
					}
					req++;
					if (on_time)
						ok++;
					else if (any)
						late++;
					else
						miss++;
					if (strcmp(state, "ok")) {
						struct party_row *fl = pr_add(c, flags);
						if (!fl)
							return ctx_fail(c, RC_INTERNAL, "内存不足");
						pr_int(fl, "branch_id", bid);
						pr_text(c, fl, "branch_name", pr_get_text(br, "branch_name"));
						pr_int(fl, "village_id", pr_get_int(br, "village_id"));
						pr_text(c, fl, "village_name", pr_get_text(br, "village_name"));
						pr_text(c, fl, "kind", KINDS[k].kind);
						pr_text(c, fl, "kind_name", KINDS[k].name);
						pr_text(c, fl, "period", label);
						pr_text(c, fl, "state", state);
						if (grp)
							pr_text(c, fl, "group_name", pr_get_text(grp, "group_name"));
					}
				}
			}
		}
		for (int gi = 0; gi < groups->n; gi++) {
			/* every count present, 0 when none */
			struct party_row *g = &groups->row[gi];
			static const char *const keys[] = {"required", "on_time", "late", "missing", "due"};
			for (size_t j = 0; j < ARRAY_SIZE(keys); j++)
				pr_int(g, keys[j], pr_get_int(g, keys[j]));
			int64_t gr = pr_get_int(g, "required");
			pr_int(g, "rate", gr ? (pr_get_int(g, "on_time") + pr_get_int(g, "late")) * 100 / gr : 100);
		}
		struct party_row *r = pr_add(c, rows);
		if (!r)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		pr_int(r, "branch_id", bid);
		pr_text(c, r, "branch_name", pr_get_text(br, "branch_name"));
		pr_int(r, "village_id", pr_get_int(br, "village_id"));
		pr_text(c, r, "village_name", pr_get_text(br, "village_name"));
		pr_int(r, "required", req);
		pr_int(r, "on_time", ok);
		pr_int(r, "late", late);
		pr_int(r, "missing", miss);
		pr_int(r, "due", due);
		pr_int(r, "rate", req ? (ok + late) * 100 / req : 100);
		pr_sub(r, "groups", groups);
		T_req += req;
		T_ok += ok;
		T_late += late;
		T_miss += miss;
		T_due += due;
	}
	memset(out, 0, sizeof(*out));
	pr_int(out, "unit_id", u.id);
	pr_text(c, out, "unit_name", u.name);
	pr_int(out, "year", year);
	pr_int(out, "required", T_req);
	pr_int(out, "on_time", T_ok);
	pr_int(out, "late", T_late);
	pr_int(out, "missing", T_miss);
	pr_int(out, "due", T_due);
	pr_int(out, "rate", T_req ? (T_ok + T_late) * 100 / T_req : 100);
	struct party_rows *kinds = pr_new(c);
	for (int k = 0; kinds && k < NKINDS; k++) {
		struct party_row *r = pr_add(c, kinds);
		if (!r)
			break;
		pr_text(c, r, "kind", KINDS[k].kind);
		pr_text(c, r, "name", KINDS[k].name);
		pr_text(c, r, "frequency", f[k]);
	}
	pr_sub(out, "branches", rows);
	pr_sub(out, "flags", flags);
	if (kinds)
		pr_sub(out, "kinds", kinds);
	return RC_OK;
}
