/* Villagers' questions on published disclosures and the village's public answers; the
 * board of questions with their age. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/scope.h"
#include "domain/transparency/internal.h"
#include "util/num.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define Q_COLS                                                                                        \
	"q.id, q.disclosure_id, q.question, COALESCE(q.answer, ''), q.answered_at IS NOT NULL, "        \
	"COALESCE(a.name, ''), q.asked_by, q.asked_at, COALESCE(q.answered_at, 0), COALESCE(b.name, ''), " \
	"d.title, v.name "
#define Q_FROM                                                                                        \
	"FROM disclosure_questions q JOIN disclosures d ON d.id = q.disclosure_id "                     \
	"JOIN org_units v ON v.id = q.village_id LEFT JOIN users a ON a.id = q.asked_by "               \
	"LEFT JOIN users b ON b.id = q.answered_by "

static void read_question(struct ctx *c, struct db_stmt *st, struct disc_question *q, bool full)
{
	memset(q, 0, sizeof(*q));
	q->id = db_col_int(st, 0);
	q->disclosure_id = db_col_int(st, 1);
	q->question = arena_strdup(c->arena, db_col_text(st, 2));
	q->answer = db_col_int(st, 4) ? arena_strdup(c->arena, db_col_text(st, 3)) : NULL;
	const char *name = db_col_text(st, 5);
	utf8_mask_name(name, q->asker_masked, sizeof(q->asker_masked));
	q->asker_name = full ? arena_strdup(c->arena, name) : NULL;
	q->mine = c->actor && c->actor->user_id == db_col_int(st, 6);
	q->asked_at = db_col_int(st, 7);
	q->answered_at = db_col_int(st, 8);
	q->answered_by_name = arena_strdup(c->arena, db_col_text(st, 9));
	q->title = arena_strdup(c->arena, db_col_text(st, 10));
	str_copy(q->village_name, sizeof(q->village_name), db_col_text(st, 11));
	int64_t until = q->answered_at ? q->answered_at : c->now;
	q->age_days = (int)(time_cn_days(until) - time_cn_days(q->asked_at));
}

int tr_load_questions(struct ctx *c, struct disclosure *d)
{
	int cap = d->nquestions < DISC_QUESTIONS_MAX ? d->nquestions : DISC_QUESTIONS_MAX;
	d->questions = arena_alloc(c->arena, sizeof(*d->questions) * (size_t)(cap > 0 ? cap : 1));
	if (!d->questions)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	d->nquestions = 0;
	struct db_stmt *st = db_query(c->db, "SELECT " Q_COLS Q_FROM "WHERE q.disclosure_id = ? ORDER BY q.asked_at, q.id "
					     "LIMIT ?", "ii", d->id, (int64_t)cap);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取提问");
	while (d->nquestions < cap && db_step(st) == DB_ROW)
		read_question(c, st, &d->questions[d->nquestions++], d->full_names);
	db_finalize(st);
	return RC_OK;
}


enum result transparency_ask(struct ctx *c, int64_t id, const char *question, const struct idem *k,
			     int64_t *qid, bool *replayed)
{
	*qid = 0;
	*replayed = false;
	if (!c->actor)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	ctx_check_text(c, "question", question, DISC_QUESTION_MAX,
		       CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "问题");
	int64_t mine;
	char vpath[ORG_PATH_MAX];
	tr_villager_village(c, &mine, vpath);
	struct disclosure d;
	int rc = tr_load_item(c, id, &d, mine);
	if (!rc)
		rc = tr_check_visible(c, &d, 0);
	if (rc)
		return rc;
	if (!d.can_ask)
		return ctx_fail(c, RC_FORBIDDEN, "只有%s的村民可以对公开事项提问", d.village_name);
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "disclosure_question", k, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		ctx_reset(c);
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, qid) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	if ((rc = ctx_check_fields(c)))
		return ctx_end(c, rc);
	int dbrc = db_get_int(c->db, qid, "INSERT INTO disclosure_questions (disclosure_id, village_id, asked_by, question, "
					  "asked_at) VALUES (?, ?, ?, ?, ?) RETURNING id", "iiiti", id, d.village_id,
			      c->actor->user_id, question, c->now);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存提问"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "disclosure_id", id);
	audit_snap_str(&after, "question", question);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, d.village_id, "disclosure_question", *qid, "ask", "{}", after.ptr);
	buf_release(&after);
	if (!rc) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)*qid);
		rc = idem_store(c, "disclosure_question", k, key);
	}
	return ctx_end(c, rc);
}

enum result transparency_answer(struct ctx *c, int64_t qid, const char *answer)
{
	ctx_check_text(c, "answer", answer, DISC_ANSWER_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE,
		       "答复");
	struct db_stmt *st = db_query(c->db, "SELECT v.id, v.name, v.path, q.answered_at IS NOT NULL, d.withdrawn_at IS NOT NULL "
					     "FROM disclosure_questions q JOIN disclosures d ON d.id = q.disclosure_id "
					     "JOIN org_units v ON v.id = q.village_id WHERE q.id = ?", "i", qid);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取提问");
	int dbrc = db_step(st);
	int64_t village = 0;
	char name[ORG_NAME_MAX * 4 + 1] = "", path[ORG_PATH_MAX] = "";
	bool answered = false;
	if (dbrc == DB_ROW) {
		village = db_col_int(st, 0);
		str_copy(name, sizeof(name), db_col_text(st, 1));
		str_copy(path, sizeof(path), db_col_text(st, 2));
		answered = db_col_int(st, 3) != 0;
	}
	db_finalize(st);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "提问不存在");
	if (dbrc != DB_ROW)
		return ctx_db_fail(c, dbrc, "读取提问");
	if (!access_can(c, P_DISCLOSE_WRITE, path))
		return access_refusal(c, path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "提问不存在")
							       : ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以答复", name);
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (answered)
		return ctx_fail(c, RC_CONFLICT, "这个问题已经答复过了");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t got;
	dbrc = db_get_int(c->db, &got, "UPDATE disclosure_questions SET answer = ?, answered_by = ?, answered_at = ? "
				       "WHERE id = ? AND answered_at IS NULL RETURNING id",
			  "tiii", answer, c->actor ? c->actor->user_id : 0, c->now, qid);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "这个问题已经答复过了"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存答复"));
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_str(&after, "answer", answer);
	audit_snap_end(&after);
	rc = after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
			  : audit_record(c, village, "disclosure_question", qid, "answer", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result transparency_questions(struct ctx *c, int64_t unit_id, const char *status, int limit, int offset,
				   struct disc_question **out, int *n, int64_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (!c->actor && !c->system)
		return ctx_fail(c, RC_UNAUTHENTICATED, "请先登录");
	const char *s = status ? status : "all";
	const char *cond = !strcmp(s, "open")       ? " AND q.answered_at IS NULL"
			   : !strcmp(s, "answered") ? " AND q.answered_at IS NOT NULL"
			   : !strcmp(s, "all")      ? ""
						    : NULL;
	if (!cond)
		ctx_field(c, "status", "应为 open（待答复）、answered（已答复）或 all（全部）");
	struct org_unit u;
	int rc = tr_read_unit(c, unit_id, "unit_id", &u);
	if (rc && rc != RC_INVALID)
		return rc;
	if (!rc && !access_can(c, P_DISCLOSE_READ, u.path))
		return access_refusal(c, u.path) == RC_NOT_FOUND ? ctx_fail(c, RC_NOT_FOUND, "单位不存在")
								 : ctx_fail(c, RC_FORBIDDEN, "无权查看%s的提问", u.name);
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct buf where;
	struct db_args a = {0};
	buf_init(&where, 2048);
	buf_adds(&where, "WHERE ");
	const char *paths[1] = {u.path};
	scope_where_paths(c, paths, 1, SCOPE_UNIT("v"), &where, &a);
	buf_adds(&where, cond);
	char *count_sql = arena_printf(c->arena, "SELECT count(*) " Q_FROM "%s", where.ptr ? where.ptr : "");
	char *page_sql = arena_printf(c->arena, "SELECT " Q_COLS Q_FROM "%s ORDER BY (q.answered_at IS NULL) DESC, "
						"q.asked_at, q.id LIMIT ? OFFSET ?", where.ptr ? where.ptr : "");
	bool failed = where.failed || a.failed;
	buf_release(&where);
	if (failed || !count_sql || !page_sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int dbrc = db_get_int_args(c->db, total, count_sql, &a);
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取提问");
	db_args_int(&a, limit);
	db_args_int(&a, offset);
	struct db_stmt *st = db_query_args(c->db, page_sql, &a);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "读取提问");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(limit > 0 ? limit : 1));
	while (*out && *n < limit && db_step(st) == DB_ROW)
		read_question(c, st, &(*out)[(*n)++], true);
	db_finalize(st);
	return *out ? RC_OK : ctx_fail(c, RC_INTERNAL, "内存不足");
}
