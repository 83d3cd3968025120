/* Disputes 矛盾纠纷: mediation sessions, the outcome and the
 * follow-up visit. */
#include "domain/disputes/internal.h"
#include "util/num.h"

/* ---- sessions, outcome, follow-up ---- */

/* Before the content is checked: the dispute exists for the actor (404) and the actor
 * may mediate it (403), so that a refusal by scope or role never depends on the body. */
static int may_mediate(struct ctx *c, int64_t id)
{
	struct dispute d;
	int rc = dp_load_event(c, id, &d, false);
	if (rc)
		return rc;
	if (!dp_manages(c, &d.ev) && !dp_is_mediator(c, id))
		return ctx_fail(c, RC_FORBIDDEN, "只有指定的调解员或受理、承办人员可以调解或回访");
	return RC_OK;
}

/* The transaction of a mediator's step: begun, the dispute loaded for change and the
 * actor checked again inside it (403 with the reason). On a refusal the transaction is
 * ended and the refusal returned; on RC_OK the caller ends it. */
static int begin_step(struct ctx *c, int64_t id, struct dispute *d)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	if ((rc = dp_load_for_change(c, id, d)))
		return ctx_end(c, rc);
	if (!dp_manages(c, &d->ev) && !dp_is_mediator(c, id))
		return ctx_end(c, ctx_fail(c, RC_FORBIDDEN, "只有指定的调解员或受理、承办人员可以调解或回访"));
	return RC_OK;
}

/* A session or an outcome is recorded while the dispute is being handled and not yet
 * mediated. */
static int mediate_check(struct ctx *c, struct dispute *d)
{
	if (strcmp(d->ev.state, "handling") || d->outcome[0])
		return ctx_fail(c, RC_CONFLICT, "纠纷应在「办理中」且尚无调解结果时记录调解");
	return RC_OK;
}

static int photo_check(struct ctx *c, const char *field, const char *hash, int i)
{
	struct file_info f;
	bool ok = files_hash_valid(hash) && files_info(c, hash, &f) == RC_OK && !strncmp(f.mime, "image/", 6) &&
		  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
	if (!ok) {
		ctx_clear(c);
		return ctx_field(c, field, "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
	}
	return RC_OK;
}

int disputes_session_add(struct ctx *c, int64_t id, const struct dispute_session_input *in, int64_t *sid)
{
	int prc = may_mediate(c, id);
	if (prc)
		return prc;
	ctx_check_text(c, "place", in->place, DISPUTE_PLACE_MAX, CTX_TEXT_REQUIRED, "调解地点");
	ctx_check_text(c, "notes", in->notes, DISPUTE_TEXT_MAX, CTX_TEXT_REQUIRED | CTX_TEXT_MULTILINE, "调解情况");
	if (in->held_at == 0)
		ctx_field(c, "held_at", "请填写调解时间");
	else if (in->held_at < 0)
		;   /* reported by the caller */
	else if (in->held_at > c->now + 600)
		ctx_field(c, "held_at", "调解时间不能晚于现在");
	if (in->nphotos < 0 || in->nphotos > DISPUTE_PHOTOS_MAX)
		ctx_field(c, "photos", "最多 %d 张照片", DISPUTE_PHOTOS_MAX);
	for (int i = 0; i < in->nphotos && i < DISPUTE_PHOTOS_MAX; i++)
		if (photo_check(c, "photos", in->photos[i], i))
			break;
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct dispute d;
	int rc = begin_step(c, id, &d);
	if (rc)
		return rc;
	if ((rc = mediate_check(c, &d)))
		return ctx_end(c, rc);
	const char *replay = NULL;
	if ((rc = idem_begin(c, "dispute_session", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay)
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, sid) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	if (in->held_at < d.ev.created_at - 86400 * 30) {
		return ctx_end(c, ctx_field(c, "held_at", "调解时间不能早于纠纷登记"));
	}
	int dbrc = db_get_int(c->db, sid, "INSERT INTO dispute_sessions (event_id, held_at, place, notes, created_by, "
					  "created_at) VALUES (?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?) RETURNING id",
			      "iittii", id, in->held_at, in->place, in->notes, ctx_actor_id(c), c->now);
	for (int i = 0; dbrc == DB_OK && i < in->nphotos; i++)
		dbrc = db_run(c->db, "INSERT INTO dispute_session_photos (session_id, ord, file_hash) VALUES (?, ?, ?)", "iit",
			      *sid, (int64_t)(i + 1), in->photos[i]);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存调解记录"));
	rc = events_step_tx(c, id, "mediation", arena_printf(c->arena, "调解（%s）", in->place));
	if (!rc)
		rc = dp_audit(c, d.ev.village_id, "dispute", id, "session", "place", in->place, "session_id", *sid);
	if (!rc) {
		char t[24];
		snprintf(t, sizeof(t), "%lld", (long long)*sid);
		rc = idem_store(c, "dispute_session", in->idem, t);
	}
	return ctx_end(c, rc);
}

int dp_followup_days(struct ctx *c, int64_t county_id, int *days)
{
	int64_t d = 0;
	int dbrc = db_get_int(c->db, &d, "SELECT followup_days FROM dispute_settings WHERE county_id = ?", "i", county_id);
	if (dbrc == DB_DONE) {
		*days = DISPUTE_FOLLOWUP_DEFAULT;
		return RC_OK;
	}
	if (dbrc != DB_OK)
		return ctx_db_fail(c, dbrc, "读取回访间隔");
	*days = (int)d;
	return RC_OK;
}

int disputes_outcome(struct ctx *c, int64_t id, const struct dispute_outcome_input *in)
{
	int prc = may_mediate(c, id);
	if (prc)
		return prc;
	bool mediated = in->outcome && !strcmp(in->outcome, "mediated");
	bool failed = in->outcome && !strcmp(in->outcome, "failed");
	if (!mediated && !failed)
		ctx_field(c, "outcome", "调解结果应为 mediated（调解成功）或 failed（调解不成）");
	ctx_check_text(c, "agreement", in->agreement, DISPUTE_TEXT_MAX, CTX_TEXT_MULTILINE, "协议内容");
	ctx_check_text(c, "note", in->note, EVENT_NOTE_MAX, CTX_TEXT_MULTILINE, "说明");
	if (mediated && (!in->agreement || !in->agreement[0]) && (!in->agreement_photo || !in->agreement_photo[0]))
		ctx_field(c, "agreement", "调解成功应填写协议内容或上传协议照片");
	if (mediated && in->agreement_photo && in->agreement_photo[0])
		photo_check(c, "agreement_photo", in->agreement_photo, 0);
	if (failed && !disputes_referral_label(in->referred_to)[0])
		ctx_field(c, "referred_to", "调解不成应选择移交去向：judicial（司法所）、court（法院）、petition（信访部门）或 other");
	if (failed && in->referred_to && !strcmp(in->referred_to, "other") && (!in->note || !in->note[0]))
		ctx_field(c, "note", "移交其他去向时请说明");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct dispute d;
	int rc = begin_step(c, id, &d);
	if (rc)
		return rc;
	if ((rc = mediate_check(c, &d)))
		return ctx_end(c, rc);
	int days = 0;
	if ((rc = dp_followup_days(c, dp_root(d.ev.village_path), &days)))
		return ctx_end(c, rc);
	int64_t due = mediated ? c->now + (int64_t)days * 86400 : 0;
	const char *step_note;
	if (mediated)
		step_note = "调解成功，达成协议";
	else
		step_note = arena_printf(c->arena, "调解不成，移交%s%s%s", disputes_referral_label(in->referred_to),
					 in->note && in->note[0] ? "：" : "", in->note ? in->note : "");
	int dbrc = db_run(c->db, "UPDATE disputes SET outcome = ?, agreement = ?, agreement_photo = NULLIF(?, ''), "
				 "referred_to = NULLIF(?, ''), referred_note = ?, outcome_at = ?, outcome_by = "
				 "NULLIF(CAST(? AS BIGINT), 0), followup_due = NULLIF(CAST(? AS BIGINT), 0), followup_at = NULL, "
				 "followup_by = NULL, followup_result = NULL, followup_note = '', followup_notified_at = NULL, "
				 "updated_at = ? WHERE event_id = ?",
			  "tttttiiiii", in->outcome, mediated && in->agreement ? in->agreement : "",
			  mediated && in->agreement_photo ? in->agreement_photo : "", failed ? in->referred_to : "",
			  failed && in->note ? in->note : "", c->now, ctx_actor_id(c), due, c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存调解结果"));
	struct event_move m = {.action = "finish", .outcome = mediated ? "resolved" : "unresolvable", .note = step_note};
	if ((rc = events_move_tx(c, id, &m, true)))
		return ctx_end(c, rc);
	rc = dp_audit(c, d.ev.village_id, "dispute", id, "outcome", "outcome", in->outcome, "followup_due", due);
	return ctx_end(c, rc);
}

int disputes_followup(struct ctx *c, int64_t id, const char *result, const char *note)
{
	int prc = may_mediate(c, id);
	if (prc)
		return prc;
	bool kept = result && !strcmp(result, "kept");
	bool broken = result && !strcmp(result, "broken");
	if (!kept && !broken)
		ctx_field(c, "result", "回访结果应为 kept（协议已履行）或 broken（协议未履行）");
	ctx_check_text(c, "note", note, EVENT_NOTE_MAX, (broken ? CTX_TEXT_REQUIRED : 0) | CTX_TEXT_MULTILINE,
		       "回访情况");
	if (ctx_check_fields(c))
		return RC_INVALID;
	struct dispute d;
	int rc = begin_step(c, id, &d);
	if (rc)
		return rc;
	if (strcmp(d.outcome, "mediated") || d.followup_at)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "只有调解成功且尚未回访的纠纷可以回访"));
	if (d.followup_due > c->now)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "还未到回访时间"));
	int dbrc;
	if (kept)
		dbrc = db_run(c->db, "UPDATE disputes SET followup_at = ?, followup_by = NULLIF(CAST(? AS BIGINT), 0), "
				     "followup_result = 'kept', followup_note = ?, updated_at = ? WHERE event_id = ?",
			      "iitii", c->now, ctx_actor_id(c), note ? note : "", c->now, id);
	else
		/* broken: the dispute is open again, counted as recurring; the outcome of the
		 * first mediation stays in the timeline and the audit chain */
		dbrc = db_run(c->db, "UPDATE disputes SET outcome = NULL, agreement = '', agreement_photo = NULL, "
				     "referred_to = NULL, referred_note = '', outcome_at = NULL, outcome_by = NULL, "
				     "followup_due = NULL, followup_at = NULL, followup_by = NULL, followup_result = NULL, "
				     "followup_note = '', recurring = recurring + 1, updated_at = ? WHERE event_id = ?",
			      "ii", c->now, id);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存回访"));
	if (kept) {
		rc = events_step_tx(c, id, "followup",
				    arena_printf(c->arena, "回访：协议已履行%s%s", note && note[0] ? "。" : "", note ? note : ""));
	} else {
		rc = events_step_tx(c, id, "followup", arena_printf(c->arena, "回访：协议未履行。%s", note));
		struct event_move m = {.action = "reopen", .note = "协议未履行，重新调解"};
		if (!rc)
			rc = events_move_tx(c, id, &m, true);
	}
	if (!rc)
		rc = dp_audit(c, d.ev.village_id, "dispute", id, "followup", "result", result, NULL, 0);
	return ctx_end(c, rc);
}
