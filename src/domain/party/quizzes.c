/* Learning 学习教育, quizzes: single and multiple choice with a pass mark, the attempts
 * scored here from the choices alone, and the points a passed 趣味学法 quiz earns. */
#include "domain/party/internal.h"
#include "domain/points/points.h"
#include "util/num.h"
#include "util/utf8.h"

/* ---- quizzes ---- */

#define Q_SPEC                                                                                         \
	"i:id i:unit_id t:unit_name t:audience t:title t:intro i:pass_score t:rule_name t:status "      \
	"T:created_at T:updated_at i:questions"
#define Q_COLS                                                                                         \
	"q.id, q.unit_id, u.name, q.audience, q.title, q.intro, q.pass_score, q.rule_name, q.status, "   \
	"q.created_at, q.updated_at, (SELECT count(*) FROM party_quiz_questions x WHERE x.quiz_id = q.id)"

int party_quizzes(struct ctx *c, int64_t unit_id, int limit, int offset, struct party_rows *out)
{
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	struct buf sql;
	struct db_args a = {0};
	buf_init(&sql, 4096);
	buf_adds(&sql, "FROM party_quizzes q JOIN org_units u ON u.id = q.unit_id LEFT JOIN (SELECT quiz_id, count(*) "
		       "AS n, max(score) AS best FROM party_quiz_attempts WHERE user_id = ? GROUP BY quiz_id) my ON "
		       "my.quiz_id = q.id WHERE 1=1");
	db_args_int(&a, ctx_actor_id(c));
	/* the bound arguments point into u and l: they live until the query has run */
	struct learner l;
	struct org_unit u;
	bool none;
	int rc = pl_narrow(c, unit_id, "q", &sql, &a, &u, &l, &none);
	if (rc || none) {
		buf_release(&sql);
		return rc;
	}
	rc = pt_page(c, &sql, &a,
		     Q_COLS ", COALESCE(my.n, 0), COALESCE(my.best, -1), (SELECT count(*) FROM party_quiz_attempts t "
			    "WHERE t.quiz_id = q.id)",
		     "q.created_at DESC, q.id DESC",
		     Q_SPEC " i:my_attempts i:my_best i:attempts", limit, offset, out);
	for (int i = 0; !rc && i < out->n; i++) {
		struct party_row *r = &out->row[i];
		pr_bool(r, "my_passed", pr_get_int(r, "my_best") >= pr_get_int(r, "pass_score"));
	}
	return rc;
}

static int load_quiz(struct ctx *c, int64_t id, struct party_row *out)
{
	return pr_one(c, db_query(c->db, "SELECT " Q_COLS ", u.path FROM party_quizzes q JOIN org_units u ON "
					 "u.id = q.unit_id WHERE q.id = ?", "i", id),
		      Q_SPEC " t:path", out, "答题不存在");
}

/* The options of a question ("a\nb\nc") as rows {n, text}. */
static struct party_rows *options_rows(struct ctx *c, const char *s)
{
	struct party_rows *rows = pr_new(c);
	for (int i = 0; rows && s && *s && i < PARTY_QUIZ_OPTIONS_MAX; i++) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		struct party_row *r = pr_add(c, rows);
		char *t = arena_alloc(c->arena, len + 1);
		if (!r || !t)
			return NULL;
		memcpy(t, s, len);
		t[len] = 0;
		pr_int(r, "n", i);
		pr_text(c, r, "text", t);
		s = e ? e + 1 : NULL;
	}
	return rows;
}

/* The questions of a quiz, the right answers and notes only when with_answers. */
static int quiz_questions(struct ctx *c, int64_t quiz_id, bool with_answers, struct party_rows *qs)
{
	int rc = pr_fetch(c, db_query(c->db, "SELECT id, ord, kind, body, options, answer, note FROM "
					     "party_quiz_questions WHERE quiz_id = ? ORDER BY ord", "i", quiz_id),
			  "i:id i:ord t:kind t:body t:options i:answer t:note", qs, PARTY_QUIZ_QUESTIONS_MAX);
	for (int i = 0; !rc && i < qs->n; i++) {
		struct party_row *r = &qs->row[i];
		struct party_rows *opts = options_rows(c, pr_get_text(r, "options"));
		if (!opts)
			return ctx_fail(c, RC_INTERNAL, "内存不足");
		pr_sub(r, "options", opts);
		pr_text(c, r, "options", NULL);
		if (!with_answers) {
			pr_text(c, r, "answer", NULL);
			pr_text(c, r, "note", NULL);
		}
	}
	return rc;
}

static int quiz_visible(struct ctx *c, const struct party_row *q, bool *publisher)
{
	const char *path = pr_get_text(q, "path");
	*publisher = access_can(c, P_LEARN_PUBLISH, path);
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	if (!c->system && !access_touches(c, path))
		return ctx_fail(c, RC_NOT_FOUND, "答题不存在");
	if (!*publisher && strcmp(pr_get_text(q, "status"), "published"))
		return ctx_fail(c, RC_NOT_FOUND, "答题不存在");
	return RC_OK;
}

/* The quiz id as the actor may see it (*publisher: they may change it). */
static int visible_quiz(struct ctx *c, int64_t id, struct party_row *q, bool *publisher)
{
	int rc = load_quiz(c, id, q);
	return rc ? rc : quiz_visible(c, q, publisher);
}

int party_quiz_get(struct ctx *c, int64_t id, struct party_row *out)
{
	bool publisher;
	int rc = visible_quiz(c, id, out, &publisher);
	if (rc)
		return rc;
	struct party_rows *qs = pr_new(c);
	if (!qs)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = quiz_questions(c, id, publisher, qs)))
		return rc;
	pr_sub(out, "items", qs);
	struct learner l;
	if ((rc = pl_learner_of(c, &l)))
		return rc;
	pr_bool(out, "can_take", !strcmp(pr_get_text(out, "status"), "published") &&
					 pl_fits(&l, pr_get_text(out, "path"), pr_get_text(out, "audience")));
	pr_bool(out, "can_manage", publisher);
	struct party_rows *mine = pr_new(c);
	if (!mine)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	rc = pr_fetch(c, db_query(c->db, "SELECT id, score, passed, points, created_at FROM party_quiz_attempts WHERE "
					 "quiz_id = ? AND user_id = ? ORDER BY id DESC LIMIT 20",
				  "ii", id, ctx_actor_id(c)),
		      "i:id i:score b:passed i:points T:created_at", mine, 20);
	pr_sub(out, "my_attempts", mine);
	return rc;
}

static const char *item_field(struct ctx *c, int i, const char *name)
{
	const char *s = arena_printf(c->arena, "questions[%d]%s", i, name);
	return s ? s : "questions";
}

/* Checks every question; a question's options one per line. */
static void check_questions(struct ctx *c, int n, const struct party_quiz_question_input *qs)
{
	if (n < 1 || n > PARTY_QUIZ_QUESTIONS_MAX) {
		ctx_field(c, "questions", "题目应有 1 到 %d 道", PARTY_QUIZ_QUESTIONS_MAX);
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct party_quiz_question_input *q = &qs[i];
		bool single = q->kind && !strcmp(q->kind, "single");
		if (!q->kind || (!single && strcmp(q->kind, "multiple")))
			ctx_field(c, item_field(c, i, ".kind"), "第 %d 题的题型应为 single（单选）或 multiple（多选）",
				  i + 1);
		ctx_check_text(c, item_field(c, i, ".body"), q->body, PARTY_TEXT_MAX, CTX_TEXT_REQUIRED, "题目");
		ctx_check_text(c, item_field(c, i, ".note"), q->note, PARTY_TEXT_MAX, CTX_TEXT_MULTILINE, "解析");
		if (q->noptions < 2 || q->noptions > PARTY_QUIZ_OPTIONS_MAX) {
			ctx_field(c, item_field(c, i, ".options"), "第 %d 题应有 2 到 %d 个选项", i + 1,
				  PARTY_QUIZ_OPTIONS_MAX);
			continue;
		}
		for (int j = 0; j < q->noptions; j++) {
			const char *f = item_field(c, i, arena_printf(c->arena, ".options[%d]", j));
			ctx_check_text(c, f, q->options[j], PARTY_OPTION_MAX, CTX_TEXT_REQUIRED, "选项");
			for (int k = 0; k < j; k++)
				if (q->options[j] && q->options[k] && !strcmp(q->options[j], q->options[k]))
					ctx_field(c, f, "第 %d 题的选项 %d 与选项 %d 相同", i + 1, j + 1, k + 1);
		}
		int all = (1 << q->noptions) - 1;
		if (q->answer <= 0 || (q->answer & ~all))
			ctx_field(c, item_field(c, i, ".answer"), "请为第 %d 题选出正确答案", i + 1);
		else if (single && pl_bits(q->answer) != 1)
			ctx_field(c, item_field(c, i, ".answer"), "第 %d 题是单选题，只能有一个正确答案", i + 1);
		else if (!single && pl_bits(q->answer) < 2)
			ctx_field(c, item_field(c, i, ".answer"), "第 %d 题是多选题，至少要有两个正确答案", i + 1);
	}
}

static void quiz_fields(struct ctx *c, const struct party_quiz_input *in, const char *audience, bool create)
{
	if (create || in->title) {
		ctx_check_text(c, "title", in->title, PARTY_TEXT_MAX / 2, CTX_TEXT_REQUIRED, "答题标题");
		if (in->title && in->title[0] && utf8_blank(in->title))
			ctx_field(c, "title", "答题标题不能为空");
	}
	ctx_check_text(c, "intro", in->intro, PARTY_BODY_MAX / 2, CTX_TEXT_MULTILINE, "说明");
	if ((create || in->pass_score >= 0) && (in->pass_score < 1 || in->pass_score > 100))
		ctx_field(c, "pass_score", "及格分应在 1 到 100 之间");
	ctx_check_text(c, "rule_name", in->rule_name, RULE_NAME_MAX, CTX_TEXT_OPTIONAL, "积分事项");
	if (in->rule_name && in->rule_name[0] && audience && !strcmp(audience, "member"))
		ctx_field(c, "rule_name", "只有面向村民的趣味学法答题可以加积分");
	pl_check_status(c, in->status);
	if (create || in->nquestions >= 0)
		check_questions(c, in->nquestions, in->questions);
}

static int insert_questions(struct ctx *c, int64_t quiz_id, int n, const struct party_quiz_question_input *qs)
{
	for (int i = 0; i < n; i++) {
		struct buf opts;
		buf_init(&opts, PARTY_QUIZ_OPTIONS_MAX * (PARTY_OPTION_MAX * 4 + 1) + 1);
		buf_adds(&opts, "");
		for (int j = 0; j < qs[i].noptions; j++) {
			if (j)
				buf_addc(&opts, '\n');
			buf_adds(&opts, qs[i].options[j]);
		}
		int dbrc = opts.failed ? DB_ERROR
				       : db_run(c->db, "INSERT INTO party_quiz_questions (quiz_id, ord, kind, body, options, "
						       "answer, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
						"iitttit", quiz_id, (int64_t)i + 1, qs[i].kind, qs[i].body, opts.ptr,
						(int64_t)qs[i].answer, qs[i].note ? qs[i].note : "");
		buf_release(&opts);
		if (dbrc != DB_OK)
			return ctx_db_fail(c, dbrc, "保存题目");
	}
	return RC_OK;
}

int party_quiz_create(struct ctx *c, const struct party_quiz_input *in, int64_t *id)
{
	*id = 0;
	struct org_unit u;
	int rc = pl_publisher_unit(c, in->unit_id, &u);
	if (rc && rc != RC_INVALID)
		return rc;
	pl_check_audience(c, in->audience);
	quiz_fields(c, in, in->audience, true);
	if (ctx_check_fields(c))
		return RC_INVALID;
	bool replayed;
	if ((rc = pt_begin_create(c, "party_quiz", in->idem, id, &replayed)) || replayed)
		return rc;
	int dbrc = db_get_int(c->db, id, "INSERT INTO party_quizzes (unit_id, audience, title, intro, pass_score, "
					 "rule_name, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
					 "COALESCE(?, 'published'), NULLIF(?, 0), ?, ?) RETURNING id",
			      "ittti" "ttiii", u.id, in->audience, in->title, in->intro ? in->intro : "",
			      (int64_t)in->pass_score, in->rule_name ? in->rule_name : "", in->status,
			      ctx_actor_id(c), c->now, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答题"));
	if ((rc = insert_questions(c, *id, in->nquestions, in->questions)))
		return ctx_end(c, rc);
	if ((rc = pt_store_created(c, "party_quiz", in->idem, *id)))
		return ctx_end(c, rc);
	return ctx_end(c, pt_audit(c, u.id, "party_quiz", *id, "create", "title", in->title, "questions",
				   in->nquestions));
}

int party_quiz_update(struct ctx *c, int64_t id, const struct party_quiz_input *in)
{
	struct party_row q;
	bool publisher;
	int rc = visible_quiz(c, id, &q, &publisher);
	if (rc)
		return rc;
	if (!publisher)
		return ctx_fail(c, RC_FORBIDDEN, "只有发布单位的组织部门可以修改答题");
	quiz_fields(c, in, pr_get_text(&q, "audience"), false);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if ((rc = ctx_begin(c)))
		return rc;
	if (in->nquestions >= 0) {
		int64_t taken = 0;
		if (db_get_int(c->db, &taken, "SELECT count(*) FROM party_quiz_attempts WHERE quiz_id = ?", "i", id) !=
		    DB_OK)
			return ctx_end(c, ctx_db_fail(c, DB_ERROR, "读取答题记录"));
		if (taken)
			return ctx_end(c, ctx_fail(c, RC_CONFLICT, "已有 %lld 人次答过这份题，题目不能再改；"
							       "请撤下后另发一份", (long long)taken));
		int dbrc = db_run(c->db, "DELETE FROM party_quiz_questions WHERE quiz_id = ?", "i", id);
		if (dbrc != DB_OK)
			return ctx_end(c, ctx_db_fail(c, dbrc, "保存题目"));
		if ((rc = insert_questions(c, id, in->nquestions, in->questions)))
			return ctx_end(c, rc);
	}
	int dbrc = db_run(c->db, "UPDATE party_quizzes SET title = COALESCE(?, title), intro = COALESCE(?, intro), "
				 "pass_score = CASE WHEN ? >= 0 THEN ? ELSE pass_score END, rule_name = COALESCE(?, "
				 "rule_name), status = COALESCE(?, status), updated_at = ? WHERE id = ?",
			  "ttiittii", in->title, in->intro, (int64_t)in->pass_score, (int64_t)in->pass_score,
			  in->rule_name, in->status, c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答题"));
	const char *status = in->status ? in->status : pr_get_text(&q, "status");
	return ctx_end(c, pt_audit(c, pr_get_int(&q, "unit_id"), "party_quiz", id, "update", "status", status,
				   "pass_score", in->pass_score >= 0 ? in->pass_score : pr_get_int(&q, "pass_score")));
}

/* The attempt with each question, the taker's choice and the right one. */
static int load_attempt(struct ctx *c, int64_t id, struct party_row *out)
{
	int rc = pr_one(c, db_query(c->db, "SELECT a.id, a.quiz_id, q.title, q.pass_score, a.answers, a.correct, "
					   "a.total, a.score, a.passed, a.points, a.points_note, COALESCE(a.claim_id, 0), "
					   "a.created_at FROM party_quiz_attempts a JOIN party_quizzes q ON q.id = a.quiz_id "
					   "WHERE a.id = ?", "i", id),
			"i:id i:quiz_id t:title i:pass_score t:answers i:correct i:total i:score b:passed i:points "
			"t:points_note n:claim_id T:created_at",
			out, "答题记录不存在");
	if (rc)
		return rc;
	struct party_rows *qs = pr_new(c);
	if (!qs)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = quiz_questions(c, pr_get_int(out, "quiz_id"), true, qs)))
		return rc;
	const char *s = pr_get_text(out, "answers");
	for (int i = 0; i < qs->n; i++) {
		struct party_row *r = &qs->row[i];
		int64_t given = 0;
		const char *e = s ? strchr(s, ',') : NULL;
		if (s && *s) {
			char tmp[8];
			size_t len = e ? (size_t)(e - s) : strlen(s);
			if (len < sizeof(tmp)) {
				memcpy(tmp, s, len);
				tmp[len] = 0;
				if (num_parse_i64(tmp, 0, 255, &given))
					given = 0;
			}
		}
		s = e ? e + 1 : NULL;
		int answer = (int)pr_get_int(r, "answer");
		pr_int(r, "given", given);
		pr_bool(r, "right", party_quiz_right(pr_get_text(r, "kind"), answer, (int)given));
	}
	pr_text(c, out, "answers", NULL);
	pr_sub(out, "items", qs);
	return RC_OK;
}

/* Points for a passed 趣味学法 quiz: the village's rule of the quiz's rule name, once per
 * quiz and household, within the rule's cap. Inside the attempt's transaction; a reason
 * for no points goes into *note. */
static int quiz_points(struct ctx *c, const struct party_row *q, const struct learner *l, int64_t attempt_id,
		       int *points, const char **note)
{
	*points = 0;
	*note = "";
	const char *rule_name = pr_get_text(q, "rule_name");
	if (!rule_name[0] || strcmp(pr_get_text(q, "audience"), "villager"))
		return RC_OK;
	if (!l->household_id) {
		*note = "没有登记户籍，答题不计积分";
		return RC_OK;
	}
	int64_t hh_village = 0, earned = 0, rule_id = 0;
	if (db_get_int(c->db, &hh_village, "SELECT village_id FROM households WHERE id = ?", "i", l->household_id) !=
		    DB_OK ||
	    db_get_int(c->db, &earned, "SELECT count(*) FROM party_quiz_attempts WHERE quiz_id = ? AND household_id = ? "
					"AND claim_id IS NOT NULL", "ii", pr_get_int(q, "id"), l->household_id) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "读取积分记录");
	if (earned) {
		*note = "本户已因这份答题得过积分，不再重复加分";
		return RC_OK;
	}
	int dbrc = db_get_int(c->db, &rule_id, "SELECT id FROM point_rules WHERE unit_id = ? AND name = ? AND "
					       "retired_version IS NULL ORDER BY id LIMIT 1", "it", hh_village, rule_name);
	if (dbrc == DB_DONE) {
		*note = arena_printf(c->arena, "本村积分事项清单中没有「%s」，答题不计积分", rule_name);
		return RC_OK;
	}
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取积分事项");
	struct point_rule rule;
	int rc = rules_get(c, rule_id, &rule);
	if (rc)
		return rc;
	char today[11];
	time_format_date(c->now, today);
	rc = rules_check_use(c, &rule, hh_village, l->household_id, today, "cadre");
	if (rc == RC_INVALID) {
		char why[200];
		str_copy(why, sizeof(why), c->err.nfields ? c->err.fields[0].message : c->err.message);
		ctx_reset(c);
		*note = arena_printf(c->arena, "答题通过，但不能加分：%s", why);
		return RC_OK;
	}
	if (rc)
		return rc;
	int64_t claim = 0;
	const char *desc = arena_printf(c->arena, "趣味学法答题「%s」通过", pr_get_text(q, "title"));
	if ((rc = claims_insert_approved(c, hh_village, l->household_id, l->resident_id, "activity", &rule, today, desc,
					 0, &claim)))
		return rc;
	dbrc = db_run(c->db, "UPDATE party_quiz_attempts SET claim_id = ?, household_id = ? WHERE id = ?", "iii", claim,
		      l->household_id, attempt_id);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "保存答题");
	*points = rule.points;
	*note = arena_printf(c->arena, "「%s」%d 分已进入公示，公示期满后计入积分", rule.name, rule.points);
	return RC_OK;
}

int party_quiz_attempt(struct ctx *c, int64_t quiz_id, int n, const int *given, const struct idem *idem,
		       struct party_row *out)
{
	struct party_row q;
	bool publisher;
	int rc = visible_quiz(c, quiz_id, &q, &publisher);
	if (rc)
		return rc;
	struct learner l;
	if ((rc = pl_learner_of(c, &l)))
		return rc;
	if (!pl_fits(&l, pr_get_text(&q, "path"), pr_get_text(&q, "audience")))
		return ctx_fail(c, RC_FORBIDDEN, "%s", l.found && pl_under(l.path, pr_get_text(&q, "path"))
						       ? "这份答题面向党员"
						       : "这份答题不是发给你所在村的");
	if (strcmp(pr_get_text(&q, "status"), "published"))
		return ctx_fail(c, RC_CONFLICT, "答题已撤下");
	struct party_rows qs = {0};
	if ((rc = pr_fetch(c, db_query(c->db, "SELECT kind, options, answer FROM party_quiz_questions WHERE quiz_id = ? "
					      "ORDER BY ord", "i", quiz_id),
			   "t:kind t:options i:answer", &qs, PARTY_QUIZ_QUESTIONS_MAX)))
		return rc;
	if (n != qs.n)
		ctx_field(c, "answers", "请回答全部 %d 道题", qs.n);
	for (int i = 0; i < n && i < qs.n; i++) {
		const char *opts = pr_get_text(&qs.row[i], "options");
		int nopt = 1;
		for (const char *p = opts; *p; p++)
			nopt += *p == '\n';
		const char *f = arena_printf(c->arena, "answers[%d]", i);
		if (given[i] < 0)
			continue;   /* no list of options: reported by the caller */
		if (given[i] == 0)
			ctx_field(c, f ? f : "answers", "第 %d 题还没有选择", i + 1);
		else if (given[i] & ~((1 << nopt) - 1))
			ctx_field(c, f ? f : "answers", "第 %d 题的选项不存在", i + 1);
		else if (!strcmp(pr_get_text(&qs.row[i], "kind"), "single") && pl_bits(given[i]) != 1)
			ctx_field(c, f ? f : "answers", "第 %d 题是单选题，只能选一个", i + 1);
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	int correct = 0;
	struct buf ans;
	buf_init(&ans, (size_t)n * 4 + 2);
	buf_adds(&ans, "");
	for (int i = 0; i < n; i++) {
		correct += party_quiz_right(pr_get_text(&qs.row[i], "kind"), (int)pr_get_int(&qs.row[i], "answer"),
					    given[i]);
		buf_addf(&ans, i ? ",%d" : "%d", given[i]);
	}
	char *answers = ans.failed ? NULL : arena_strdup(c->arena, ans.ptr);
	buf_release(&ans);
	if (!answers)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int score = party_quiz_score(correct, n);
	bool passed = score >= pr_get_int(&q, "pass_score");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	int64_t id = 0;
	if ((rc = idem_begin(c, "party_quiz_attempt", idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		if (num_parse_i64(replay, 1, INT64_MAX, &id))
			return ctx_end(c, ctx_fail(c, RC_INTERNAL, "幂等键"));
		if ((rc = ctx_end(c, RC_OK)))
			return rc;
		return load_attempt(c, id, out);
	}
	int dbrc = db_get_int(c->db, &id, "INSERT INTO party_quiz_attempts (quiz_id, user_id, member_id, household_id, "
					  "village_id, answers, correct, total, score, passed, created_at) VALUES (?, ?, "
					  "NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      "iiiiit" "iiiii", quiz_id, c->actor->user_id, l.member_id, l.household_id, l.village_id,
			      answers, (int64_t)correct, (int64_t)n, (int64_t)score, (int64_t)passed, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答题"));
	int points = 0;
	const char *note = "";
	if (passed && (rc = quiz_points(c, &q, &l, id, &points, &note)))
		return ctx_end(c, rc);
	dbrc = db_run(c->db, "UPDATE party_quiz_attempts SET points = ?, points_note = ? WHERE id = ?", "iti",
		      (int64_t)points, note, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答题"));
	if ((rc = pt_store_created(c, "party_quiz_attempt", idem, id)))
		return ctx_end(c, rc);
	rc = pt_audit(c, l.village_id, "party_quiz_attempt", id, "create", "title", pr_get_text(&q, "title"), "score",
		      score);
	if ((rc = ctx_end(c, rc)))
		return rc;
	return load_attempt(c, id, out);
}
