/* Evaluations 评选: the panel's scores and their photos. */
#include "domain/evaluations/internal.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/files.h"
#include "util/num.h"

/* ---- scores ---- */

static int nomination_campaign(struct ctx *c, int64_t nomination_id, int64_t *household_id, struct eval_campaign *e)
{
	int64_t cid = 0;
	struct db_stmt *st = db_query(c->db, "SELECT campaign_id, household_id FROM eval_nominations WHERE id = ?", "i",
				      nomination_id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		cid = db_col_int(st, 0);
		*household_id = db_col_int(st, 1);
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "提名不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, DB_ERROR, "读取提名");
	if ((rc = evl_load_campaign(c, cid, e)))
		return rc;
	if (evl_check_visible(c, e)) {
		ctx_clear(c);
		return ctx_fail(c, RC_NOT_FOUND, "提名不存在");
	}
	return RC_OK;
}

enum result eval_score(struct ctx *c, int64_t nomination_id, const struct eval_score_input *in, int64_t *id,
		       bool *replayed)
{
	*id = 0;
	*replayed = false;
	struct eval_campaign e;
	int64_t hh = 0;
	int rc = nomination_campaign(c, nomination_id, &hh, &e);
	if (rc)
		return rc;
	if (!e.is_panel)
		return ctx_fail(c, RC_FORBIDDEN, "只有评分小组成员可以评分");
	if (c->actor && c->actor->household_id == hh)
		return ctx_fail(c, RC_FORBIDDEN, "你是该户成员，不能为本户评分（回避）");
	if ((rc = evl_load_details(c, &e)))
		return rc;
	if (in->nitems != e.ncriteria) {
		ctx_field(c, "items", "应为 %d 个评分项各打一个分", e.ncriteria);
	} else {
		for (int i = 0; i < in->nitems; i++) {
			const struct eval_criterion *k = &e.criteria[i];
			if (in->items[i] < k->min_score || in->items[i] > k->max_score)
				ctx_field(c, "items", "“%s”的分数应在 %d–%d 分之间", k->name, k->min_score, k->max_score);
		}
	}
	ctx_check_text(c, "note", in->note, EVAL_NOTE_MAX, CTX_TEXT_OPTIONAL | CTX_TEXT_MULTILINE, "备注");
	if (in->nphotos < 0 || in->nphotos > EVAL_PHOTOS_MAX)
		ctx_field(c, "photos", "最多 %d 张照片", EVAL_PHOTOS_MAX);
	for (int i = 0; i < in->nphotos && i < EVAL_PHOTOS_MAX; i++) {
		struct file_info f;
		bool ok = files_hash_valid(in->photos[i]) && files_info(c, in->photos[i], &f) == RC_OK &&
			  (c->system || (c->actor && f.uploaded_by == c->actor->user_id));
		if (!ok) {
			ctx_clear(c);
			ctx_field(c, "photos", "第 %d 张照片不存在或不是你上传的，请重新上传", i + 1);
			break;
		}
	}
	if (ctx_check_fields(c))
		return RC_INVALID;
	if (strcmp(e.status, "scoring"))
		return ctx_fail(c, RC_CONFLICT, "评选现在不在评分阶段");
	int weights[EVAL_CRITERIA_MAX];
	for (int i = 0; i < e.ncriteria; i++)
		weights[i] = e.criteria[i].weight;
	int64_t total = eval_member_total(in->items, weights, in->nitems);
	struct buf items, photos;
	buf_init(&items, 64);
	buf_init(&photos, 256);
	for (int i = 0; i < in->nitems; i++) {
		char n[16];
		snprintf(n, sizeof(n), "%s%d", i ? "," : "", in->items[i]);
		buf_adds(&items, n);
	}
	for (int i = 0; i < in->nphotos; i++) {
		buf_adds(&photos, i ? "," : "");
		buf_adds(&photos, in->photos[i]);
	}
	const char *items_s = arena_strdup(c->arena, items.ptr ? items.ptr : "");
	const char *photos_s = arena_strdup(c->arena, photos.ptr ? photos.ptr : "");
	buf_release(&items);
	buf_release(&photos);
	if (!items_s || !photos_s)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if ((rc = ctx_begin(c)))
		return rc;
	const char *replay = NULL;
	if ((rc = idem_begin(c, "eval_score", in->idem, &replay)))
		return ctx_end(c, rc);
	if (replay) {
		*replayed = true;
		return ctx_end(c, num_parse_i64(replay, 1, INT64_MAX, id) ? ctx_fail(c, RC_INTERNAL, "幂等键") : RC_OK);
	}
	int64_t prev = 0, prev_total = 0;
	struct db_stmt *st = db_query(c->db, "SELECT id, total_x100 FROM eval_scores WHERE nomination_id = ? AND member_id = ?",
				      "ii", nomination_id, c->actor->user_id);
	if (st && db_step(st) == DB_ROW) {
		prev = db_col_int(st, 0);
		prev_total = db_col_int(st, 1);
	}
	db_finalize(st);
	int dbrc;
	if (prev) {
		*id = prev;
		dbrc = db_run(c->db, "UPDATE eval_scores SET total_x100 = ?, items = ?, photos = ?, note = ?, updated_at = ? "
				     "WHERE id = ?", "itttii", total, items_s, photos_s, in->note ? in->note : "", c->now, prev);
	} else {
		dbrc = db_get_int(c->db, id, "INSERT INTO eval_scores (nomination_id, member_id, total_x100, items, photos, note, "
					     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  "iiitttii", nomination_id, c->actor->user_id, total, items_s, photos_s,
				  in->note ? in->note : "", c->now, c->now);
	}
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "保存评分"));
	struct buf before, after;
	audit_snap_begin(&before);
	if (prev)
		audit_snap_int(&before, "total_x100", prev_total);
	audit_snap_end(&before);
	audit_snap_begin(&after);
	audit_snap_int(&after, "nomination_id", nomination_id);
	audit_snap_str(&after, "items", items_s);
	audit_snap_int(&after, "total_x100", total);
	audit_snap_int(&after, "photos", in->nphotos);
	audit_snap_end(&after);
	rc = before.failed || after.failed ? ctx_fail(c, RC_INTERNAL, "内存不足")
					   : audit_record(c, e.village_id, "eval_score", *id, prev ? "update" : "create",
							  before.ptr, after.ptr);
	buf_release(&before);
	buf_release(&after);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
	if (!rc)
		rc = idem_store(c, "eval_score", in->idem, idtext);
	return ctx_end(c, rc);
}

enum result eval_score_photo(struct ctx *c, int64_t score_id, int n, char mime[16], const void **data, size_t *len)
{
	int64_t nid = 0, member = 0;
	char hashes[EVAL_PHOTOS_MAX * 72 + 1] = "";
	struct db_stmt *st = db_query(c->db, "SELECT nomination_id, member_id, photos FROM eval_scores WHERE id = ?", "i",
				      score_id);
	int rc = st ? db_step(st) : DB_ERROR;
	if (rc == DB_ROW) {
		nid = db_col_int(st, 0);
		member = db_col_int(st, 1);
		str_copy(hashes, sizeof(hashes), db_col_text(st, 2));
	}
	db_finalize(st);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_NOT_FOUND, "评分不存在");
	if (rc != DB_ROW)
		return ctx_db_fail(c, DB_ERROR, "读取评分");
	struct eval_campaign e;
	int64_t hh;
	if ((rc = nomination_campaign(c, nid, &hh, &e)))
		return rc;
	if (!access_can(c, READERS, e.village_path) && !(c->actor && c->actor->user_id == member))
		return ctx_fail(c, RC_NOT_FOUND, "评分不存在");
	const char *p = hashes;
	for (int i = 1; i < n && p; i++) {
		p = strchr(p, ',');
		if (p)
			p++;
	}
	if (n < 1 || !p || !*p)
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	char hash[80];
	size_t l = strcspn(p, ",");
	if (l >= sizeof(hash))
		return ctx_fail(c, RC_NOT_FOUND, "照片不存在");
	memcpy(hash, p, l);
	hash[l] = 0;
	struct file_info f;
	if ((rc = files_read(c, hash, &f, data, len)))
		return rc;
	str_copy(mime, 16, f.mime);
	return RC_OK;
}
