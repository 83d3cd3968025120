/* Points records: villagers' and grid workers' claims with photos, their review, and
 * cadres' awards and deductions; approved records go to 公示. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/files.h"
#include "domain/kernel/org.h"
#include "domain/kernel/scope.h"
#include "domain/points/claims.h"
#include "domain/points/publicity.h"
#include "domain/register/register.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static const char *const statuses[] = {"pending", "approved", "rejected", "credited", "cancelled", NULL};

static const char *status_label(const char *s)
{
	static const char *const labels[] = {"待审核", "已通过（公示中）", "已驳回", "已入账", "已撤销"};
	for (int i = 0; statuses[i]; i++)
		if (!strcmp(s, statuses[i]))
			return labels[i];
	return s;
}

/* ---- households and access ---- */

struct hh {
	int64_t id, village_id, group_id;
	char number[96];
	struct hh_place at;
};

static int load_hh(struct ctx *c, int64_t id, struct hh *h)
{
	struct db_stmt *st = db_query(c->db, "SELECT h.id, h.village_id, COALESCE(h.group_id, 0), h.number, "
					     "v.path, COALESCE(g.path, ''), COALESCE(gr.path, '') FROM households h "
					     "JOIN org_units v ON v.id = h.village_id "
					     "LEFT JOIN org_units g ON g.id = h.group_id "
					     "LEFT JOIN org_units gr ON gr.id = h.grid_id WHERE h.id = ?",
				      "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取户");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		memset(h, 0, sizeof(*h));
		h->id = db_col_int(st, 0);
		h->village_id = db_col_int(st, 1);
		h->group_id = db_col_int(st, 2);
		str_copy(h->number, sizeof(h->number), db_col_text(st, 3));
		h->at.village_id = h->village_id;
		str_copy(h->at.village, sizeof(h->at.village), db_col_text(st, 4));
		str_copy(h->at.group, sizeof(h->at.group), db_col_text(st, 5));
		str_copy(h->at.grid, sizeof(h->at.grid), db_col_text(st, 6));
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取户");
}

/* Claims of one household are serialised (a row lock on PostgreSQL; SQLite's write
 * transactions are serial anyway), so a cap holds under concurrent claims. */
static int lock_hh(struct ctx *c, int64_t id)
{
	int rc = db_run(c->db, "UPDATE households SET updated_at = updated_at WHERE id = ?", "i", id);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "锁定户");
}

static bool is_own_household(const struct ctx *c, int64_t household_id)
{
	return c->actor && c->actor->household_id && c->actor->household_id == household_id;
}

/* The villager of the household, the author, or readers and reviewers of its scope. */
static bool can_see(const struct ctx *c, const struct hh_place *at, int64_t household_id, int64_t created_by)
{
	if (c->system)
		return true;
	if (!c->actor)
		return false;
	return (is_own_household(c, household_id) && access_has_role(c, "villager")) ||
	       created_by == c->actor->user_id || access_can_household(c, P_REGISTER_READ, HH_PATHS(*at)) ||
	       access_can_household(c, P_POINTS_REVIEW, HH_PATHS(*at));
}

static bool can_review(const struct ctx *c, const struct hh_place *at, int64_t household_id, int64_t created_by)
{
	if (!access_can_household(c, P_POINTS_REVIEW, HH_PATHS(*at)))
		return false;
	return c->system || (!is_own_household(c, household_id) && created_by != c->actor->user_id);
}

/* ---- validation ---- */

/* Adds a field error unless d is a date within the last CLAIM_MAX_AGE_DAYS days. */
static bool check_date(struct ctx *c, const char *field, const char *d)
{
	int64_t days;
	if (!d || !d[0])
		return ctx_field(c, field, "请填写日期"), false;
	if (time_parse_date(d, &days))
		return ctx_field(c, field, "日期应为 YYYY-MM-DD"), false;
	int64_t today = time_cn_days(c->now);
	if (days > today)
		return ctx_field(c, field, "日期不能晚于今天"), false;
	if (days < today - CLAIM_MAX_AGE_DAYS)
		return ctx_field(c, field, "只能申报 %d 天以内的事项", CLAIM_MAX_AGE_DAYS), false;
	return true;
}

/* The resident must be a member of the household. */
static void check_resident(struct ctx *c, int64_t resident_id, int64_t household_id)
{
	int64_t hid = 0;
	int rc = db_get_int(c->db, &hid, "SELECT household_id FROM residents WHERE id = ?", "i", resident_id);
	if (rc != DB_OK || hid != household_id)
		ctx_field(c, "resident_id", "该村民不是本户成员");
}

/* The rule, with an unknown rule as a field error. */
static int get_rule(struct ctx *c, int64_t rule_id, struct point_rule *r)
{
	if (rule_id <= 0)
		return ctx_field(c, "rule_id", "请选择积分事项");
	int rc = rules_find(c, rule_id, r);
	if (rc == RC_NOT_FOUND)
		return ctx_field(c, "rule_id", "积分事项不存在");
	return rc;
}

/* rules_check_use, keeping only real failures (not field errors) as the result. */
static int check_use(struct ctx *c, const struct point_rule *r, int64_t village_id, int64_t household_id,
		     const char *occurred_on, const char *by)
{
	int rc = rules_check_use(c, r, village_id, household_id, occurred_on, by);
	return rc == RC_INVALID ? RC_OK : rc;
}

/* ---- writing ---- */

static void claim_snap(struct buf *b, const char *source, int64_t household_id, int64_t resident_id,
		       const struct point_rule *rule, const char *occurred_on, const char *status,
		       const char *batch_id)
{
	audit_snap_begin(b);
	audit_snap_str(b, "source", source);
	audit_snap_int(b, "household_id", household_id);
	audit_snap_int(b, "resident_id", resident_id);
	audit_snap_int(b, "rule_id", rule->id);
	audit_snap_str(b, "rule_name", rule->name);
	audit_snap_int(b, "points", rule->points);
	audit_snap_str(b, "occurred_on", occurred_on);
	audit_snap_str(b, "status", status);
	if (batch_id)
		audit_snap_str(b, "batch_id", batch_id);
}

static int insert_approved(struct ctx *c, int64_t village_id, int64_t household_id, int64_t resident_id,
			   const char *source, const struct point_rule *rule, const char *occurred_on,
			   const char *description, int64_t activity_id, const char *batch_id,
			   int64_t *claim_id)
{
	if (!c->actor)
		return ctx_fail(c, RC_INTERNAL, "积分记录需要操作人");
	/* an award or deduction is approved by the cadre who makes it */
	int64_t reviewer = strcmp(source, "activity") ? c->actor->user_id : 0;
	int dbrc = db_get_int(c->db, claim_id,
		"INSERT INTO claims (village_id, household_id, resident_id, source, rule_id, rule_name, category, "
		"points, occurred_on, description, created_by, status, reviewer_id, reviewed_at, batch_id, "
		"activity_id, created_at, updated_at) VALUES (?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, "
		"?, ?, ?, 'approved', NULLIF(CAST(? AS BIGINT), 0), ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?) "
		"RETURNING id",
		"iiitittittiiitiii", village_id, household_id, resident_id, source, rule->id, rule->name,
		rule->category, (int64_t)rule->points, occurred_on, description ? description : "",
		c->actor->user_id, reviewer, c->now, batch_id, activity_id, c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存积分记录");
	int64_t pid;
	int rc = publicity_post(c, village_id, *claim_id, &pid);
	if (rc)
		return rc;
	struct buf after;
	claim_snap(&after, source, household_id, resident_id, rule, occurred_on, "approved", batch_id);
	audit_snap_int(&after, "publicity_id", pid);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "审计记录过长")
			  : audit_record(c, village_id, "claim", *claim_id, "create", "{}", after.ptr);
	buf_release(&after);
	return rc;
}

enum result claims_insert_approved(struct ctx *c, int64_t village_id, int64_t household_id,
			   int64_t resident_id, const char *source, const struct point_rule *rule,
			   const char *occurred_on, const char *description, int64_t activity_id,
			   int64_t *claim_id)
{
	return insert_approved(c, village_id, household_id, resident_id, source, rule, occurred_on,
			       description, activity_id, NULL, claim_id);
}

/* Field errors for the photos: valid hashes, distinct, uploaded by the actor. */
static void check_photos(struct ctx *c, const struct claim_input *in)
{
	if (in->nphotos < 0 || in->nphotos > CLAIM_PHOTOS_MAX) {
		ctx_field(c, "photos", "最多 %d 张照片", CLAIM_PHOTOS_MAX);
		return;
	}
	for (int i = 0; i < in->nphotos; i++) {
		const char *h = in->photos[i];
		if (!files_hash_valid(h)) {
			ctx_field(c, "photos", "第 %d 张照片的编号无效", i + 1);
			return;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(in->photos[j], h)) {
				ctx_field(c, "photos", "第 %d 张照片与第 %d 张重复", i + 1, j + 1);
				return;
			}
		int64_t by = 0;
		/* photos only, not PDFs; any account that uploaded these bytes owns them */
		int rc = db_get_int(c->db, &by, "SELECT o.user_id FROM files f JOIN file_owners o ON o.hash = f.hash "
						"WHERE f.hash = ? AND f.mime LIKE 'image/%' AND o.user_id = ?", "ti", h,
				    c->actor->user_id);
		if (rc != DB_OK || by != c->actor->user_id) {
			ctx_field(c, "photos", "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
			return;
		}
	}
}

enum result claims_create(struct ctx *c, const struct claim_input *in, int64_t *id)
{
	bool replayed;
	return claims_create_keyed(c, in, id, &replayed);
}

enum result claims_create_keyed(struct ctx *c, const struct claim_input *in, int64_t *id, bool *replayed)
{
	*replayed = false;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int64_t hid = in->household_id ? in->household_id : c->actor->household_id;
	if (!hid)
		return ctx_field(c, "household_id", "请选择申报的户");
	struct hh h;
	int rc = load_hh(c, hid, &h);
	if (rc)
		return rc;
	bool grid = access_can_household(c, P_POINTS_CLAIM, HH_PATHS(h.at));
	bool self = is_own_household(c, hid) && access_has_role(c, "villager");
	if (!grid && !self) {
		if (access_can_household(c, P_REGISTER_READ, HH_PATHS(h.at)))
			return ctx_fail(c, RC_FORBIDDEN, "只能为本户或本网格（小组）的户申报积分");
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	}
	const char *by = grid ? "grid" : "self";

	struct point_rule rule;
	memset(&rule, 0, sizeof(rule));
	bool have_rule = (rc = get_rule(c, in->rule_id, &rule)) == RC_OK;
	if (rc && rc != RC_INVALID)
		return rc;
	if (!in->resident_id)
		ctx_field(c, "resident_id", "请选择做这件事的家庭成员");
	else
		check_resident(c, in->resident_id, hid);
	bool date_ok = check_date(c, "occurred_on", in->occurred_on);
	ctx_check_text(c, "description", in->description, CLAIM_DESCRIPTION_MAX, CTX_TEXT_MULTILINE, "说明");
	check_photos(c, in);
	if (have_rule && rule.photo_required && in->nphotos == 0)
		ctx_field(c, "photos", "该事项需要上传照片作为证明");

	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "claim", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		ctx_reset(c);   /* the field errors of a retry do not matter: nothing is made */
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	rc = lock_hh(c, hid);
	if (!rc && have_rule && date_ok)
		rc = check_use(c, &rule, h.village_id, hid, in->occurred_on, by);
	if (!rc)
		rc = ctx_check_fields(c);
	if (rc)
		return ctx_end(c, rc);
	int dbrc = db_get_int(c->db, id,
		"INSERT INTO claims (village_id, household_id, resident_id, source, rule_id, rule_name, category, "
		"points, occurred_on, description, created_by, status, created_at, updated_at) "
		"VALUES (?, ?, ?, 'claim', ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id",
		"iiiittittiii", h.village_id, hid, in->resident_id, rule.id, rule.name, rule.category,
		(int64_t)rule.points, in->occurred_on, in->description ? in->description : "",
		c->actor->user_id, c->now, c->now);
	for (int i = 0; dbrc == DB_OK && i < in->nphotos; i++)
		dbrc = db_run(c->db, "INSERT INTO claim_photos (claim_id, file_hash, ord) VALUES (?, ?, ?)", "iti",
			      *id, in->photos[i], (int64_t)(i + 1));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存申报"));
	struct buf after;
	claim_snap(&after, "claim", hid, in->resident_id, &rule, in->occurred_on, "pending", NULL);
	audit_snap_str(&after, "by", by);
	audit_snap_int(&after, "photos", in->nphotos);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "审计记录过长")
			  : audit_record(c, h.village_id, "claim", *id, "create", "{}", after.ptr);
	buf_release(&after);
	if (!rc) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
		rc = idem_store(c, "claim", in->idem, idtext);
	}
	return ctx_end(c, rc);
}

/* ---- reading ---- */

#define CLAIM_COLS                                                                                  \
	"c.id, c.village_id, c.household_id, COALESCE(c.resident_id, 0), c.source, c.rule_id, "     \
	"c.rule_name, c.category, c.points, c.occurred_on, c.description, c.status, "               \
	"COALESCE(c.reviewer_id, 0), c.review_reason, COALESCE(c.reviewed_at, 0), c.created_by, "    \
	"c.created_at, c.updated_at, COALESCE(c.batch_id, ''), COALESCE(c.activity_id, 0), "         \
	"h.number, COALESCE(r.name, ''), COALESCE(ru.name, ''), COALESCE(au.name, ''), "            \
	"(SELECT count(*) FROM claim_photos cp WHERE cp.claim_id = c.id), "                         \
	"COALESCE(p.id, 0), COALESCE(p.status, ''), COALESCE(p.starts_at, 0), COALESCE(p.ends_at, 0), " \
	"v.path, COALESCE(g.path, ''), COALESCE(gr.path, '') "
#define CLAIM_FROM                                                                                  \
	"FROM claims c JOIN households h ON h.id = c.household_id "                                 \
	"JOIN org_units v ON v.id = h.village_id LEFT JOIN org_units g ON g.id = h.group_id "       \
	"LEFT JOIN org_units gr ON gr.id = h.grid_id "                                              \
	"LEFT JOIN residents r ON r.id = c.resident_id LEFT JOIN users ru ON ru.id = c.reviewer_id " \
	"LEFT JOIN users au ON au.id = c.created_by "                                               \
	"LEFT JOIN publicity p ON p.id = (SELECT max(px.id) FROM publicity px WHERE px.claim_id = c.id) "

static const char *dup(struct ctx *c, struct db_stmt *st, int col)
{
	const char *s = arena_strdup(c->arena, db_col_text(st, col));
	return s ? s : "";
}

/* Reads a row of CLAIM_COLS; at receives where the household sits. */
static void read_claim(struct ctx *c, struct db_stmt *st, struct claim *o, struct hh_place *at)
{
	memset(o, 0, sizeof(*o));
	o->id = db_col_int(st, 0);
	o->village_id = db_col_int(st, 1);
	o->household_id = db_col_int(st, 2);
	o->resident_id = db_col_int(st, 3);
	o->source = dup(c, st, 4);
	o->rule_id = db_col_int(st, 5);
	o->rule_name = dup(c, st, 6);
	o->category = dup(c, st, 7);
	o->points = db_col_int(st, 8);
	o->occurred_on = dup(c, st, 9);
	o->description = dup(c, st, 10);
	o->status = dup(c, st, 11);
	o->reviewer_id = db_col_int(st, 12);
	o->review_reason = dup(c, st, 13);
	o->reviewed_at = db_col_int(st, 14);
	o->created_by = db_col_int(st, 15);
	o->created_at = db_col_int(st, 16);
	o->updated_at = db_col_int(st, 17);
	o->batch_id = dup(c, st, 18);
	o->activity_id = db_col_int(st, 19);
	o->household_number = dup(c, st, 20);
	o->resident_name = dup(c, st, 21);
	o->reviewer_name = dup(c, st, 22);
	o->author_name = dup(c, st, 23);
	o->photos = (int)db_col_int(st, 24);
	o->publicity_id = db_col_int(st, 25);
	o->publicity_status = dup(c, st, 26);
	o->publicity_starts_at = db_col_int(st, 27);
	o->publicity_ends_at = db_col_int(st, 28);
	at->village_id = o->village_id;
	str_copy(at->village, sizeof(at->village), db_col_text(st, 29));
	str_copy(at->group, sizeof(at->group), db_col_text(st, 30));
	str_copy(at->grid, sizeof(at->grid), db_col_text(st, 31));
	o->can_review = !strcmp(o->status, "pending") &&
			can_review(c, at, o->household_id, o->created_by);
}

/* One claim without access checks. */
static int load_claim(struct ctx *c, int64_t id, struct claim *o, struct hh_place *at)
{
	struct db_stmt *st = db_query(c->db, "SELECT " CLAIM_COLS CLAIM_FROM "WHERE c.id = ?", "i", id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取申报");
	int rc = db_step(st);
	if (rc == DB_ROW)
		read_claim(c, st, o, at);
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "申报不存在");
	return rc == DB_ROW ? RC_OK : ctx_db_fail(c, rc, "读取申报");
}

static int load_details(struct ctx *c, struct claim *o, const struct hh_place *at)
{
	struct db_stmt *st = db_query(c->db, "SELECT p.ord, f.mime, f.size FROM claim_photos p "
					     "JOIN files f ON f.hash = p.file_hash WHERE p.claim_id = ? ORDER BY p.ord",
				      "i", o->id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取照片");
	o->photo_list = arena_alloc(c->arena, sizeof(*o->photo_list) * CLAIM_PHOTOS_MAX);
	while (o->photo_list && o->nphoto_list < CLAIM_PHOTOS_MAX && db_step(st) == DB_ROW) {
		struct claim_photo *p = &o->photo_list[o->nphoto_list++];
		p->ord = (int)db_col_int(st, 0);
		str_copy(p->mime, sizeof(p->mime), db_col_text(st, 1));
		p->size = db_col_int(st, 2);
	}
	db_finalize(st);

	int64_t count = 0;
	if (db_get_int(c->db, &count, "SELECT count(*) FROM objections WHERE claim_id = ?", "i", o->id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取异议");
	if (count == 0)
		return RC_OK;
	if (count > 200)
		count = 200;
	bool names = c->system || access_can_household(c, P_POINTS_REVIEW, HH_PATHS(*at));
	st = db_query(c->db, "SELECT o.id, o.publicity_id, o.objector_id, u.name, o.reason, o.status, "
			     "o.decision_reason, COALESCE(d.name, ''), o.created_at, COALESCE(o.decided_at, 0) "
			     "FROM objections o JOIN users u ON u.id = o.objector_id "
			     "LEFT JOIN users d ON d.id = o.decided_by WHERE o.claim_id = ? ORDER BY o.id LIMIT ?",
		      "ii", o->id, count);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取异议");
	o->objections = arena_alloc(c->arena, sizeof(*o->objections) * (size_t)count);
	while (o->objections && o->nobjections < count && db_step(st) == DB_ROW) {
		struct claim_objection *x = &o->objections[o->nobjections++];
		x->id = db_col_int(st, 0);
		x->publicity_id = db_col_int(st, 1);
		bool own = c->actor && db_col_int(st, 2) == c->actor->user_id;
		if (names || own) {
			x->objector_name = dup(c, st, 3);
		} else {
			char masked[128];
			utf8_mask_name(db_col_text(st, 3), masked, sizeof(masked));
			x->objector_name = arena_strdup(c->arena, masked);
		}
		x->reason = dup(c, st, 4);
		x->status = dup(c, st, 5);
		x->decision_reason = dup(c, st, 6);
		x->decided_by_name = dup(c, st, 7);
		x->created_at = db_col_int(st, 8);
		x->decided_at = db_col_int(st, 9);
	}
	db_finalize(st);
	return RC_OK;
}

enum result claims_get(struct ctx *c, int64_t id, struct claim *out)
{
	struct hh_place at;
	int rc = load_claim(c, id, out, &at);
	if (rc)
		return rc;
	if (!can_see(c, &at, out->household_id, out->created_by))
		return ctx_fail(c, RC_NOT_FOUND, "申报不存在");
	return load_details(c, out, &at);
}

enum result claims_photo(struct ctx *c, int64_t claim_id, int n, char mime[16], const void **data, size_t *len)
{
	struct claim cl;
	struct hh_place at;
	int rc = load_claim(c, claim_id, &cl, &at);
	if (rc)
		return rc;
	if (!can_see(c, &at, cl.household_id, cl.created_by))
		return ctx_fail(c, RC_NOT_FOUND, "申报不存在");
	struct db_stmt *st = db_query(c->db, "SELECT file_hash FROM claim_photos WHERE claim_id = ? AND ord = ?",
				      "ii", claim_id, (int64_t)n);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取照片");
	char hash[FILES_HASH_LEN + 1] = "";
	if (db_step(st) == DB_ROW)
		str_copy(hash, sizeof(hash), db_col_text(st, 0));
	db_finalize(st);
	if (!hash[0])
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	struct file_info fi;
	if ((rc = files_read(c, hash, &fi, data, len)))
		return rc;
	str_copy(mime, 16, fi.mime);
	return RC_OK;
}

enum result claims_list(struct ctx *c, const struct claim_query *q, struct claim **out, int *n, int64_t *total)
{
	*n = 0;
	*total = 0;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (q->status) {
		bool ok = false;
		for (int i = 0; statuses[i]; i++)
			ok |= !strcmp(q->status, statuses[i]);
		if (!ok)
			return ctx_field(c, "status", "状态应为 pending、approved、rejected、credited 或 cancelled");
	}
	int64_t me = ctx_actor_id(c);
	int64_t own = c->actor && access_has_role(c, "villager") ? c->actor->household_id : 0;
	const char *paths[CTX_MAX_GRANTS];
	int npaths;
	struct buf w;
	struct db_args b = {0};
	buf_init(&w, 16384);
	if (q->queue) {
		buf_adds(&w, "WHERE c.status = 'pending' AND ");
		if (!scope_where(c, P_POINTS_REVIEW, SCOPE_HOUSEHOLD, &w, &b)) {
			buf_release(&w);
			return ctx_fail(c, RC_FORBIDDEN, "无权审核积分申报");
		}
		buf_adds(&w, " AND c.created_by <> ?");
		db_args_int(&b, me);
		if (c->actor && c->actor->household_id) {
			buf_adds(&w, " AND c.household_id <> ?");
			db_args_int(&b, c->actor->household_id);
		}
	} else {
		npaths = access_scopes(c, P_REGISTER_READ | P_POINTS_REVIEW, paths, CTX_MAX_GRANTS);
		buf_adds(&w, "WHERE (c.created_by = ?");
		db_args_int(&b, me);
		if (own) {
			buf_adds(&w, " OR c.household_id = ?");
			db_args_int(&b, own);
		}
		if (npaths) {
			buf_adds(&w, " OR ");
			scope_where_paths(c, paths, npaths, SCOPE_HOUSEHOLD, &w, &b);
		}
		buf_adds(&w, ")");
	}
	if (q->mine) {
		buf_adds(&w, " AND (c.created_by = ?");
		db_args_int(&b, me);
		if (own) {
			buf_adds(&w, " OR c.household_id = ?");
			db_args_int(&b, own);
		}
		buf_adds(&w, ")");
	}
	if (q->village_id) {
		/* a village outside every grant is answered as one that does not exist */
		struct org_unit v;
		enum result vrc = org_find(c, q->village_id, &v);
		if (vrc == RC_OK && !c->system && !access_touches(c, v.path))
			vrc = RC_NOT_FOUND;
		if (vrc) {
			buf_release(&w);
			return vrc == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "村不存在") : vrc;
		}
		buf_adds(&w, " AND c.village_id = ?");
		db_args_int(&b, q->village_id);
	}
	if (q->household_id) {
		buf_adds(&w, " AND c.household_id = ?");
		db_args_int(&b, q->household_id);
	}
	if (q->status) {
		buf_adds(&w, " AND c.status = ?");
		db_args_text(&b, q->status);
	}
	if (w.failed || b.failed) {
		buf_release(&w);
		return ctx_fail(c, RC_INTERNAL, "查询过长");
	}
	int rc = RC_OK;
	char *sql = arena_printf(c->arena, "SELECT count(*) FROM claims c JOIN households h ON h.id = c.household_id %s",
				 w.ptr);
	struct db_stmt *st = sql ? db_query_args(c->db, sql, &b) : NULL;
	if (st && db_step(st) == DB_ROW)
		*total = db_col_int(st, 0);
	else
		rc = ctx_db_fail(c, DB_ERROR, "查询申报");
	db_finalize(st);
	if (!rc) {
		sql = arena_printf(c->arena, "SELECT " CLAIM_COLS CLAIM_FROM "%s ORDER BY c.id %s LIMIT %d OFFSET %d",
				   w.ptr, q->queue ? "ASC" : "DESC", q->limit, q->offset);
		st = sql ? db_query_args(c->db, sql, &b) : NULL;
		if (!st) {
			rc = ctx_db_fail(c, DB_ERROR, "查询申报");
		} else {
			*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(q->limit > 0 ? q->limit : 1));
			struct hh_place at;
			while (*out && *n < q->limit && db_step(st) == DB_ROW)
				read_claim(c, st, &(*out)[(*n)++], &at);
			db_finalize(st);
		}
	}
	buf_release(&w);
	return rc;
}

/* ---- review ---- */

enum result claims_review(struct ctx *c, int64_t id, bool approve, const char *reason)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	struct claim cl;
	struct hh_place at;
	if ((rc = load_claim(c, id, &cl, &at)))
		return ctx_end(c, rc);
	if (!can_see(c, &at, cl.household_id, cl.created_by))
		return ctx_end(c, ctx_fail(c, RC_NOT_FOUND, "申报不存在"));
	if (!access_can_household(c, P_POINTS_REVIEW, HH_PATHS(at)))
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "无权审核该申报：需要该户所在小组的评议小组或本村村两委"));
	if (!c->system && is_own_household(c, cl.household_id))
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "不能审核本户的申报，请由其他评议人审核"));
	if (!c->system && cl.created_by == c->actor->user_id)
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "不能审核自己提交的申报，请由其他评议人审核"));
	if (strcmp(cl.status, "pending"))
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "该申报已处理（%s），不能再审核", status_label(cl.status)));
	if (!approve && (!reason || !reason[0]))
		ctx_field(c, "reason", "驳回时必须填写理由");
	ctx_check_text(c, "reason", reason, CLAIM_REASON_MAX, CTX_TEXT_MULTILINE, "理由");
	if ((rc = ctx_check_fields(c)))
		return ctx_end(c, rc);

	const char *status = approve ? "approved" : "rejected";
	int64_t reviewer = ctx_actor_id(c);
	int64_t got;
	int dbrc = db_get_int(c->db, &got, "UPDATE claims SET status = ?, reviewer_id = NULLIF(CAST(? AS BIGINT), 0), "
					   "review_reason = ?, reviewed_at = ?, updated_at = ? "
					   "WHERE id = ? AND status = 'pending' RETURNING id",
			      "titiii", status, reviewer, reason ? reason : "", c->now, c->now, id);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "该申报已被其他人审核"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "审核申报"));
	int64_t pid = 0;
	if (approve && (rc = publicity_post(c, cl.village_id, id, &pid)))
		return ctx_end(c, rc);
	int64_t open_objections = 0;
	dbrc = db_get_int(c->db, &open_objections,
			  "SELECT count(*) FROM objections WHERE claim_id = ? AND status = 'open'", "i", id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "读取异议"));
	if (open_objections > 0 && (rc = publicity_decide_objections(c, id, approve, reason ? reason : "")))
		return ctx_end(c, rc);

	struct buf before, after;
	audit_snap_begin(&before);
	audit_snap_str(&before, "status", cl.status);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_str(&after, "status", status);
	audit_snap_str(&after, "reason", reason ? reason : "");
	if (pid)
		audit_snap_int(&after, "publicity_id", pid);
	if (open_objections)
		audit_snap_int(&after, "objections_decided", open_objections);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "审计记录过长")
			  : audit_record(c, cl.village_id, "claim", id, approve ? "approve" : "reject", before.ptr,
					 after.ptr);
	buf_release(&before);
	buf_release(&after);
	return ctx_end(c, rc);
}

/* ---- awards and deductions ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

enum result claims_award(struct ctx *c, const struct award_input *in, struct award_result *out)
{
	memset(out, 0, sizeof(*out));
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct point_rule rule;
	int rc = get_rule(c, in->rule_id, &rule);
	if (rc)
		return rc;
	struct org_unit v;
	if ((rc = org_get(c, rule.unit_id, &v)))
		return rc;
	if (!access_can(c, P_POINTS_ADMIN, v.path))
		return ctx_fail(c, access_refusal(c, v.path), "只有本村村两委可以加分或扣分");
	if (strcmp(v.kind, "village"))
		return ctx_field(c, "rule_id", "请选择本村积分细则中的事项（不是县乡模板）");

	int nh = in->nhouseholds;
	if (nh < 1 || nh > AWARD_BATCH_MAX)
		ctx_field(c, "household_ids", "请选择 1 到 %d 户", AWARD_BATCH_MAX);
	if (in->resident_id && nh != 1)
		ctx_field(c, "resident_id", "只给一户加扣分时才能指定家庭成员");
	ctx_check_text(c, "note", in->note, CLAIM_REASON_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "说明");
	bool date_ok = check_date(c, "occurred_on", in->occurred_on);
	if ((rc = ctx_check_fields(c)))
		return rc;
	int64_t *sorted = arena_alloc(c->arena, sizeof(int64_t) * (size_t)nh);
	out->claim_ids = arena_alloc(c->arena, sizeof(int64_t) * (size_t)nh);
	if (!sorted || !out->claim_ids)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	memcpy(sorted, in->household_ids, sizeof(int64_t) * (size_t)nh);
	qsort(sorted, (size_t)nh, sizeof(int64_t), cmp_i64);
	for (int i = 1; i < nh; i++)
		if (sorted[i] == sorted[i - 1])
			return ctx_field(c, "household_ids", "户 %lld 重复", (long long)sorted[i]);

	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "award", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		/* the batch the key made: its records in the order they were made */
		out->replayed = true;
		str_copy(out->batch_id, sizeof(out->batch_id), replay);
		out->source = rule.points < 0 ? "deduction" : "award";
		struct db_stmt *st = db_query(c->db, "SELECT id FROM claims WHERE batch_id = ? ORDER BY id", "t",
					      replay);
		while (st && out->n < nh && db_step(st) == DB_ROW)
			out->claim_ids[out->n++] = db_col_int(st, 0);
		db_finalize(st);
		return ctx_end(c, st ? RC_OK : ctx_db_fail(c, DB_ERROR, "读取加分记录"));
	}
	/* every household in the rule's village, locked in id order (no deadlocks) */
	for (int i = 0; !rc && i < nh; i++) {
		struct hh h;
		int lrc = load_hh(c, sorted[i], &h);
		if (lrc == RC_NOT_FOUND || (!lrc && h.village_id != v.id)) {
			ctx_clear(c);
			rc = ctx_field(c, "household_ids", "户 %lld 不存在或不属于%s", (long long)sorted[i], v.name);
		} else {
			rc = lrc ? lrc : lock_hh(c, sorted[i]);
		}
	}
	if (!rc && in->resident_id)
		check_resident(c, in->resident_id, in->household_ids[0]);
	if (!rc)
		rc = ctx_check_fields(c);
	for (int i = 0; !rc && date_ok && i < nh; i++) {
		rc = rules_check_use(c, &rule, v.id, in->household_ids[i], in->occurred_on, "cadre");
		if (rc == RC_INVALID && nh > 1 && c->err.nfields > 0) {
			char number[96] = "";
			int64_t hid = in->household_ids[i];
			struct db_stmt *st = db_query(c->db, "SELECT number FROM households WHERE id = ?", "i", hid);
			if (st && db_step(st) == DB_ROW)
				str_copy(number, sizeof(number), db_col_text(st, 0));
			db_finalize(st);
			ctx_field(c, "household_ids", "户 %s：%s", number, c->err.fields[c->err.nfields - 1].message);
		}
	}
	if (rc)
		return ctx_end(c, rc);

	char tok[CRYPTO_TOKEN_HEX];
	crypto_random_token(tok);
	str_copy(out->batch_id, sizeof(out->batch_id), tok);
	out->source = rule.points < 0 ? "deduction" : "award";
	for (int i = 0; !rc && i < nh; i++) {
		rc = insert_approved(c, v.id, in->household_ids[i], in->resident_id, out->source, &rule,
				     in->occurred_on, in->note, 0, out->batch_id, &out->claim_ids[i]);
		if (!rc)
			out->n++;
	}
	if (!rc)
		rc = idem_store(c, "award", in->idem, out->batch_id);
	return ctx_end(c, rc);
}
