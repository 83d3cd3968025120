/* Learning 学习教育: what its modules share (who learns, what they may study, the pure
 * scoring) and each member's study record 一人一册 that the branch, the town and the
 * county read. The courses with their study sessions are in courses.c, the quizzes with
 * their attempts (a passed 趣味学法 quiz earns the points of the village's rule of the
 * quiz's rule name, once per quiz and household, as an approved points record that goes
 * to 公示 within the rule's cap) in quizzes.c. */
#include "domain/party/internal.h"
#include "domain/points/points.h"
#include "util/num.h"
#include "util/utf8.h"

/* ---- scoring (pure) ---- */

int pl_bits(int m)
{
	int n = 0;
	for (; m; m &= m - 1)
		n++;
	return n;
}

bool party_quiz_right(const char *kind, int answer, int given)
{
	if (!kind || answer <= 0 || given <= 0)
		return false;
	if (!strcmp(kind, "single"))
		return pl_bits(given) == 1 && given == answer;
	if (!strcmp(kind, "multiple"))
		return given == answer;
	return false;
}

int party_quiz_score(int correct, int total)
{
	if (total <= 0 || correct <= 0)
		return 0;
	if (correct > total)
		correct = total;
	return (int)((int64_t)correct * 100 / total);
}

int64_t party_study_seconds(int64_t started_at, int64_t now, int64_t before, int64_t reported)
{
	int64_t v = reported < 0 ? 0 : reported;
	int64_t elapsed = now - started_at + PARTY_STUDY_SLACK;
	if (v > elapsed)
		v = elapsed;
	if (v > PARTY_STUDY_SESSION_MAX)
		v = PARTY_STUDY_SESSION_MAX;
	if (v < before)
		v = before;
	return v < 0 ? 0 : v;
}

/* ---- who learns ---- */

/* The actor as a learner: an active member of a branch (their village), else a resident
 * of a household (its village). */
int pl_learner_of(struct ctx *c, struct learner *l)
{
	memset(l, 0, sizeof(*l));
	if (!c->actor)
		return RC_OK;
	struct db_stmt *st = db_query(c->db, "SELECT m.id, m.village_id, v.path, COALESCE(m.household_id, 0) FROM "
					     "party_members m JOIN org_units v ON v.id = m.village_id WHERE m.status = "
					     "'active' AND (m.user_id = ? OR (m.resident_id = ? AND m.resident_id > 0)) "
					     "ORDER BY m.id LIMIT 1",
				      "ii", c->actor->user_id, c->actor->resident_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取党员");
	if (db_step(st) == DB_ROW) {
		l->found = l->member = true;
		l->member_id = db_col_int(st, 0);
		l->village_id = db_col_int(st, 1);
		str_copy(l->path, sizeof(l->path), db_col_text(st, 2));
		l->household_id = db_col_int(st, 3);
	}
	db_finalize(st);
	if (c->actor->household_id) {
		l->household_id = c->actor->household_id;
		l->resident_id = c->actor->resident_id;
	}
	struct org_unit v;
	if (!l->found && pt_own_village(c, &v)) {
		l->found = true;
		l->village_id = v.id;
		str_copy(l->path, sizeof(l->path), v.path);
	}
	return RC_OK;
}

bool pl_under(const char *path, const char *unit_path)
{
	size_t n = strlen(unit_path);
	return n && !strncmp(path, unit_path, n);
}

/* May the learner study what a unit published for the audience? */
bool pl_fits(const struct learner *l, const char *unit_path, const char *audience)
{
	return l->found && pl_under(l->path, unit_path) && (l->member || !strcmp(audience, "villager"));
}

/* The county or town a course or quiz is published for, checked for P_LEARN_PUBLISH. */
int pl_publisher_unit(struct ctx *c, int64_t unit_id, struct org_unit *u)
{
	int rc = unit_id > 0 ? org_find(c, unit_id, u) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND || (!rc && strcmp(u->kind, "town") && strcmp(u->kind, "county")))
		return ctx_field(c, "unit_id", "请选择发布的区县或乡镇");
	if (rc)
		return rc;
	if (!access_can(c, P_LEARN_PUBLISH, u->path))
		return pt_refuse(c, u->path, "单位", "只有区县和乡镇的组织部门可以发布学习内容");
	return RC_OK;
}

void pl_check_audience(struct ctx *c, const char *audience)
{
	if (!audience || (strcmp(audience, "member") && strcmp(audience, "villager")))
		ctx_field(c, "audience", "应为 member（党员学习）或 villager（趣味学法，面向村民）");
}

void pl_check_status(struct ctx *c, const char *status)
{
	if (status && strcmp(status, "published") && strcmp(status, "withdrawn"))
		ctx_field(c, "status", "应为 published（发布）或 withdrawn（撤下）");
}

/* Appends the filter of a console list: units above or below u. */
void pl_near_unit(struct buf *sql, struct db_args *a, const struct org_unit *u)
{
	buf_adds(sql, " AND (substr(CAST(? AS TEXT), 1, length(u.path)) = u.path OR "
		      "substr(u.path, 1, length(CAST(? AS TEXT))) = CAST(? AS TEXT))");
	db_args_text(a, u->path);
	db_args_text(a, u->path);
	db_args_text(a, u->path);
}

/* Appends the filter of what a learner may study. */
void pl_for_learner(struct buf *sql, struct db_args *a, const struct learner *l, const char *alias)
{
	buf_adds(sql, " AND substr(CAST(? AS TEXT), 1, length(u.path)) = u.path AND ");
	buf_adds(sql, alias);
	buf_adds(sql, l->member ? ".status = 'published'" : ".status = 'published' AND ");
	if (!l->member) {
		buf_adds(sql, alias);
		buf_adds(sql, ".audience = 'villager'");
	}
	db_args_text(a, l->path);
}

/* Narrows a list of courses or quizzes (object alias alias): to the units above and below
 * unit_id when one is given (outside the caller's grants: 404), else to what the caller
 * may study. The bound arguments point into *u and *l, which the caller keeps until the
 * query has run. *none when the caller studies nothing (an empty list, RC_OK). */
int pl_narrow(struct ctx *c, int64_t unit_id, const char *alias, struct buf *sql, struct db_args *a,
	      struct org_unit *u, struct learner *l, bool *none)
{
	*none = false;
	int rc;
	if (unit_id) {
		if ((rc = pt_unit(c, unit_id, "unit", u)) || (!c->system && !access_touches(c, u->path)))
			return rc ? rc : (int)ctx_fail(c, RC_NOT_FOUND, "单位不存在");
		pl_near_unit(sql, a, u);
		return RC_OK;
	}
	if ((rc = pl_learner_of(c, l)))
		return rc;
	*none = !l->found;
	if (!*none)
		pl_for_learner(sql, a, l, alias);
	return RC_OK;
}

/* ---- the study record 一人一册 ---- */

static int record_lists(struct ctx *c, const char *who, int64_t key, struct party_row *out)
{
	struct party_rows *ss = pr_new(c), *as = pr_new(c);
	if (!ss || !as)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	char *q1 = arena_printf(c->arena, "SELECT s.id, s.course_id, k.title, s.started_at, s.seconds FROM "
					  "party_study_sessions s JOIN party_courses k ON k.id = s.course_id WHERE s.%s = ? "
					  "ORDER BY s.started_at DESC, s.id DESC LIMIT 500", who);
	char *q2 = arena_printf(c->arena, "SELECT a.id, a.quiz_id, q.title, a.created_at, a.score, a.passed, a.points "
					  "FROM party_quiz_attempts a JOIN party_quizzes q ON q.id = a.quiz_id WHERE a.%s = ? "
					  "ORDER BY a.created_at DESC, a.id DESC LIMIT 500", who);
	char *q3 = arena_printf(c->arena, "SELECT count(*), COALESCE(sum(seconds), 0), count(DISTINCT course_id) FROM "
					  "party_study_sessions WHERE %s = ?", who);
	char *q4 = arena_printf(c->arena, "SELECT count(DISTINCT quiz_id), count(DISTINCT CASE WHEN passed = 1 THEN "
					  "quiz_id END), COALESCE(sum(points), 0) FROM party_quiz_attempts WHERE %s = ?", who);
	if (!q1 || !q2 || !q3 || !q4)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int rc = pr_fetch(c, db_query(c->db, q1, "i", key), "i:id i:course_id t:title T:started_at i:seconds", ss, 500);
	if (!rc)
		rc = pr_fetch(c, db_query(c->db, q2, "i", key),
			      "i:id i:quiz_id t:title T:created_at i:score b:passed i:points", as, 500);
	if (rc)
		return rc;
	struct party_rows t1 = {0}, t2 = {0};
	if ((rc = pr_fetch(c, db_query(c->db, q3, "i", key), "i:sessions i:seconds i:courses", &t1, 1)) ||
	    (rc = pr_fetch(c, db_query(c->db, q4, "i", key), "i:quizzes i:passed i:points", &t2, 1)))
		return rc;
	if (t1.n) {
		pr_int(out, "sessions", pr_get_int(&t1.row[0], "sessions"));
		pr_int(out, "seconds", pr_get_int(&t1.row[0], "seconds"));
		pr_int(out, "courses", pr_get_int(&t1.row[0], "courses"));
	}
	if (t2.n) {
		pr_int(out, "quizzes", pr_get_int(&t2.row[0], "quizzes"));
		pr_int(out, "quizzes_passed", pr_get_int(&t2.row[0], "passed"));
		pr_int(out, "quiz_points", pr_get_int(&t2.row[0], "points"));
	}
	pr_sub(out, "study", ss);
	pr_sub(out, "attempts", as);
	return RC_OK;
}

int party_study_record(struct ctx *c, int64_t member_id, struct party_row *out)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	memset(out, 0, sizeof(*out));
	int rc;
	if (!member_id) {
		struct learner l;
		if ((rc = pl_learner_of(c, &l)))
			return rc;
		if (!l.member) {
			pr_text(c, out, "name", c->actor ? c->actor->name : "");
			pr_bool(out, "member", false);
			return record_lists(c, "user_id", ctx_actor_id(c), out);
		}
		member_id = l.member_id;
	}
	rc = pr_one(c, db_query(c->db, "SELECT m.id, m.name, b.name, v.name, m.mobile, m.mobile_place, v.path, "
				       "COALESCE(m.user_id, 0), COALESCE(m.resident_id, 0) FROM party_members m JOIN "
				       "party_branches b ON b.id = m.branch_id JOIN org_units v ON v.id = m.village_id "
				       "WHERE m.id = ?", "i", member_id),
		    "i:member_id t:name t:branch_name t:village_name b:mobile t:mobile_place t:path i:user_id "
		    "i:resident_id", out, "党员不存在");
	if (rc)
		return rc;
	bool me = c->actor && ((pr_get_int(out, "user_id") && pr_get_int(out, "user_id") == c->actor->user_id) ||
			       (c->actor->resident_id && pr_get_int(out, "resident_id") == c->actor->resident_id));
	if (!me && !access_can(c, PL_READERS, pr_get_text(out, "path")))
		return pt_refuse(c, pr_get_text(out, "path"), "党员", "学习档案只对本人、党支部和组织部门开放");
	pr_text(c, out, "resident_id", NULL);
	pr_bool(out, "member", true);
	return record_lists(c, "member_id", member_id, out);
}

int party_study_records(struct ctx *c, int64_t unit_id, int64_t branch_id, int limit, int offset,
			struct party_rows *out)
{
	struct org_unit u;
	if (pt_unit(c, unit_id, "unit", &u))
		return c->err.code;
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 8192);
	buf_adds(&sql, "FROM party_members m JOIN party_branches b ON b.id = m.branch_id JOIN org_units v ON "
		       "v.id = m.village_id WHERE m.status = 'active'");
	int rc = pt_scope(c, PL_READERS, &u, &sql, &a, "单位");
	if (rc) {
		buf_release(&sql);
		return rc;
	}
	if (branch_id) {
		buf_adds(&sql, " AND m.branch_id = ?");
		db_args_int(&a, branch_id);
	}
	return pt_page(c, &sql, &a,
		       "m.id, m.name, b.id, b.name, v.name, m.mobile, "
		       "(SELECT count(*) FROM party_study_sessions s WHERE s.member_id = m.id), "
		       "(SELECT COALESCE(sum(s.seconds), 0) FROM party_study_sessions s WHERE s.member_id = m.id), "
		       "(SELECT max(s.started_at) FROM party_study_sessions s WHERE s.member_id = m.id), "
		       "(SELECT count(DISTINCT t.quiz_id) FROM party_quiz_attempts t WHERE t.member_id = m.id), "
		       "(SELECT count(DISTINCT t.quiz_id) FROM party_quiz_attempts t WHERE t.member_id = m.id AND "
		       "t.passed = 1), (SELECT COALESCE(max(t.score), -1) FROM party_quiz_attempts t WHERE "
		       "t.member_id = m.id)",
		       "m.branch_id, m.id",
		       "i:id t:name i:branch_id t:branch_name t:village_name b:mobile i:sessions i:seconds T:last_study "
		       "i:quizzes i:quizzes_passed i:best_score",
		       limit, offset, out);
}
