/* The points ledger: hash-chained entries per village and the balances they add up to. */
#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/chain.h"
#include "domain/kernel/org.h"
#include "domain/points/ledger.h"
#include "domain/register/register.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define GENESIS AUDIT_GENESIS

void ledger_entry_hash(int64_t village, int64_t seq, const struct ledger_input *in, int64_t actor,
		       int64_t at, const char *prev, char out[CRYPTO_HASH_HEX])
{
	struct buf b;
	buf_init(&b, 16384);
	buf_addf(&b, "%lld\x1f%lld\x1f%lld\x1f%lld\x1f%s\x1f%lld\x1f%lld\x1f%lld\x1f", (long long)village,
		 (long long)seq, (long long)in->household_id, (long long)in->resident_id, in->source,
		 (long long)in->claim_id, (long long)in->ref_id, (long long)in->rule_id);
	buf_adds(&b, in->rule_name ? in->rule_name : "");
	buf_addc(&b, 0x1f);
	buf_adds(&b, in->category ? in->category : "");
	buf_addf(&b, "\x1f%lld\x1f%lld\x1f", (long long)in->spendable, (long long)in->honour);
	buf_adds(&b, in->note ? in->note : "");
	buf_addf(&b, "\x1f%lld\x1f%lld\x1f%s", (long long)actor, (long long)at, prev);
	crypto_hash_hex(b.ptr ? b.ptr : "", b.len, out);
	buf_release(&b);
}

void ledger_draft_read(struct ledger_draft *d, struct db_stmt *st)
{
	d->in.village_id = db_col_int(st, 0);
	d->in.household_id = db_col_int(st, 1);
	d->in.resident_id = db_col_int(st, 2);
	str_copy(d->source, sizeof(d->source), db_col_text(st, 3));
	d->in.source = d->source;
	d->in.rule_id = db_col_int(st, 4);
	str_copy(d->rule_name, sizeof(d->rule_name), db_col_text(st, 5));
	d->in.rule_name = d->rule_name;
	str_copy(d->category, sizeof(d->category), db_col_text(st, 6));
	d->in.category = d->category;
}

/* Takes the village chain's row lock (creating the head on first use). Every writer
 * of the ledger locks the head before any household's balances, so two writers can
 * never wait for each other in opposite order. */
static int lock_head(struct ctx *c, int64_t village_id)
{
	int rc = db_run(c->db, "INSERT INTO ledger_heads (village_id, seq, hash) VALUES (?, 0, ?) "
			       "ON CONFLICT (village_id) DO NOTHING", "it", village_id, GENESIS);
	if (rc == DB_OK)
		rc = db_run(c->db, "UPDATE ledger_heads SET seq = seq WHERE village_id = ?", "i", village_id);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "积分台账");
}

/* The sources a ranking counts (rankings.c reads the totals' honour for them). */
static bool ranking_source(const char *source)
{
	static const char *const earn[] = {"claim", "award", "deduction", "activity", "correction"};
	for (size_t i = 0; i < ARRAY_SIZE(earn); i++)
		if (!strcmp(source, earn[i]))
			return true;
	return false;
}

/* Adds an entry at time t to its household's month, quarter and year totals (migration
 * 026), in the caller's transaction. */
static int add_totals(struct ctx *c, const struct ledger_input *in, int64_t t)
{
	struct civil cv;
	time_to_cn(t, &cv);
	char month[16], quarter[16], year[16];
	snprintf(month, sizeof(month), "%04d-%02d", cv.year, cv.month);
	snprintf(quarter, sizeof(quarter), "%04d-Q%d", cv.year, (cv.month + 2) / 3);
	snprintf(year, sizeof(year), "%04d", cv.year);
	int64_t honour = ranking_source(in->source) ? in->honour : 0;
	int rc = db_run(c->db,
			"INSERT INTO ledger_totals (household_id, period, period_kind, honour, spendable, entries) "
			"VALUES (?, ?, 'month', ?, ?, 1), (?, ?, 'quarter', ?, ?, 1), (?, ?, 'year', ?, ?, 1) "
			"ON CONFLICT (household_id, period) DO UPDATE SET "
			"honour = ledger_totals.honour + excluded.honour, "
			"spendable = ledger_totals.spendable + excluded.spendable, "
			"entries = ledger_totals.entries + 1",
			"itiiitiiitii", in->household_id, month, honour, in->spendable, in->household_id, quarter,
			honour, in->spendable, in->household_id, year, honour, in->spendable);
	return rc == DB_OK ? RC_OK : ctx_db_fail(c, rc, "积分合计");
}

enum result ledger_append(struct ctx *c, const struct ledger_input *in, int64_t *entry_id)
{
	int rc = lock_head(c, in->village_id);
	if (rc)
		return rc;
	rc = db_run(c->db, "INSERT INTO balances (household_id, spendable, honour, updated_at) "
			   "VALUES (?, 0, 0, ?) ON CONFLICT (household_id) DO NOTHING",
		    "ii", in->household_id, c->now);
	if (rc != DB_OK)
		return ctx_db_fail(c, rc, "积分余额");
	bool guard = !strcmp(in->source, "redemption");
	int64_t after;
	rc = db_get_int(c->db, &after,
			"UPDATE balances SET spendable = spendable + ?, honour = honour + ?, updated_at = ? "
			"WHERE household_id = ? AND (CAST(? AS INTEGER) = 0 OR spendable + ? >= 0) "
			"RETURNING spendable",
			"iiiiii", in->spendable, in->honour, c->now, in->household_id, (int64_t)guard,
			in->spendable);
	if (rc == DB_DONE)
		return ctx_fail(c, RC_CONFLICT, "可兑换积分不足");
	if (rc != DB_OK)
		return ctx_db_fail(c, rc, "积分余额");

	struct db_stmt *st = db_query(c->db, "UPDATE ledger_heads SET seq = seq + 1 WHERE village_id = ? "
					     "RETURNING seq, hash", "i", in->village_id);
	if (!st || db_step(st) != DB_ROW) {
		db_finalize(st);
		return ctx_db_fail(c, DB_ERROR, "积分台账");
	}
	int64_t seq = db_col_int(st, 0);
	char prev[CRYPTO_HASH_HEX], hash[CRYPTO_HASH_HEX];
	str_copy(prev, sizeof(prev), db_col_text(st, 1));
	db_finalize(st);
	int64_t actor = ctx_actor_id(c);
	ledger_entry_hash(in->village_id, seq, in, actor, c->now, prev, hash);
	char mac[CRYPTO_HASH_HEX];
	chain_head_mac(c, "ledger", in->village_id, seq, hash, mac);
	rc = db_run(c->db, "UPDATE ledger_heads SET hash = ?, mac = ? WHERE village_id = ?", "tti", hash, mac,
		    in->village_id);
	if (rc == DB_OK)
		rc = db_get_int(c->db, entry_id,
				"INSERT INTO ledger (village_id, seq, household_id, resident_id, source, claim_id, "
				"ref_id, rule_id, rule_name, category, spendable, honour, note, actor_id, at, "
				"prev_hash, hash) VALUES (?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, "
				"NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), NULLIF(CAST(? AS BIGINT), 0), "
				"?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?) RETURNING id",
				"iiiitiiittiitiitt", in->village_id, seq, in->household_id, in->resident_id,
				in->source, in->claim_id, in->ref_id, in->rule_id,
				in->rule_name ? in->rule_name : "", in->category ? in->category : "",
				in->spendable, in->honour, in->note ? in->note : "", actor, c->now, prev, hash);
	if (rc == DB_CONSTRAINT)
		return ctx_fail(c, RC_CONFLICT, "该记录已入账");
	if (rc != DB_OK)
		return ctx_db_fail(c, rc, "积分台账");
	return add_totals(c, in, c->now);
}

enum result ledger_balance(struct ctx *c, int64_t household_id, int64_t *spendable, int64_t *honour)
{
	*spendable = *honour = 0;
	struct db_stmt *st = db_query(c->db, "SELECT spendable, honour FROM balances WHERE household_id = ?",
				      "i", household_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "积分余额");
	if (db_step(st) == DB_ROW) {
		*spendable = db_col_int(st, 0);
		*honour = db_col_int(st, 1);
	}
	db_finalize(st);
	return RC_OK;
}

/* The village of a household and whether the actor may read its ledger. */
static int household_access(struct ctx *c, int64_t household_id, int64_t *village_id)
{
	struct hh_place at;
	int rc = people_household_place(c, household_id, &at);
	if (rc)
		return rc;
	if (!access_can_read_household(c, HH_PATHS(at), household_id))
		return ctx_fail(c, RC_NOT_FOUND, "户不存在");
	*village_id = at.village_id;
	return RC_OK;
}

enum result ledger_household_village(struct ctx *c, int64_t household_id, int64_t *village_id)
{
	*village_id = 0;
	return household_access(c, household_id, village_id);
}

enum result ledger_list(struct ctx *c, const struct ledger_query *q, struct ledger_entry **out, int *n,
		int64_t *total)
{
	int rc;
	int64_t village = q->village_id;
	*n = 0;
	*total = 0;
	if (q->household_id) {
		if ((rc = household_access(c, q->household_id, &village)))
			return rc;
	} else {
		struct org_unit v;
		if ((rc = org_get(c, q->village_id, &v)))
			return rc;
		if (!access_can(c, P_REGISTER_READ, v.path))
			return ctx_fail(c, access_refusal(c, v.path), "无权查看该村的积分台账");
	}
	/* a household's page: every entry of the household (its balances add them all up),
	 * by the household alone, so that (household_id, seq) serves the page and
	 * (household_id, at, source, honour) a filtered count without reading the table */
	const char *where = q->household_id
		? "WHERE CAST(? AS BIGINT) > 0 AND l.household_id = ? AND CAST(? AS BIGINT) > 0 "
		  "AND (CAST(? AS BIGINT) = 0 OR l.at >= ?) AND (CAST(? AS BIGINT) = 0 OR l.at < ?) "
		  "AND (CAST(? AS TEXT) = '' OR l.source = ?)"
		: "WHERE l.village_id = ? AND CAST(? AS BIGINT) = 0 AND CAST(? AS BIGINT) = 0 "
		  "AND (CAST(? AS BIGINT) = 0 OR l.at >= ?) AND (CAST(? AS BIGINT) = 0 OR l.at < ?) "
		  "AND (CAST(? AS TEXT) = '' OR l.source = ?)";
	const char *src = q->source ? q->source : "";
	char *sql = arena_printf(c->arena, "SELECT count(*) FROM ledger l %s", where);
	if (q->household_id && !q->from && !q->to && !src[0]) {
		/* unfiltered: the count kept in the household's yearly totals */
		if (db_get_int(c->db, total, "SELECT CAST(COALESCE(SUM(entries), 0) AS BIGINT) FROM ledger_totals "
					     "WHERE household_id = ? AND period_kind = 'year'", "i", q->household_id) != DB_OK)
			return ctx_db_fail(c, DB_ERROR, "积分台账");
	} else if (db_get_int(c->db, total, sql, "iiiiiiitt", village, q->household_id, q->household_id, q->from,
			      q->from, q->to, q->to, src, src) != DB_OK) {
		return ctx_db_fail(c, DB_ERROR, "积分台账");
	}
	sql = arena_printf(c->arena,
		"SELECT l.id, l.village_id, l.seq, l.household_id, COALESCE(l.resident_id, 0), "
		"COALESCE(l.claim_id, 0), COALESCE(l.ref_id, 0), COALESCE(l.rule_id, 0), h.number, "
		"COALESCE(r.name, ''), l.source, l.rule_name, l.category, l.note, COALESCE(u.name, '系统'), "
		"l.spendable, l.honour, COALESCE(l.actor_id, 0), l.at, l.hash FROM ledger l "
		"JOIN households h ON h.id = l.household_id LEFT JOIN residents r ON r.id = l.resident_id "
		"LEFT JOIN users u ON u.id = l.actor_id %s ORDER BY l.seq DESC LIMIT ? OFFSET ?", where);
	struct db_stmt *st = db_query(c->db, sql, "iiiiiiittii", village, q->household_id, q->household_id,
				      q->from, q->from, q->to, q->to, src, src, (int64_t)q->limit,
				      (int64_t)q->offset);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "积分台账");
	*out = arena_alloc(c->arena, sizeof(**out) * (size_t)(q->limit > 0 ? q->limit : 1));
	while (*out && *n < q->limit && db_step(st) == DB_ROW) {
		struct ledger_entry *e = &(*out)[(*n)++];
		e->id = db_col_int(st, 0);
		e->village_id = db_col_int(st, 1);
		e->seq = db_col_int(st, 2);
		e->household_id = db_col_int(st, 3);
		e->resident_id = db_col_int(st, 4);
		e->claim_id = db_col_int(st, 5);
		e->ref_id = db_col_int(st, 6);
		e->rule_id = db_col_int(st, 7);
		e->household_number = arena_strdup(c->arena, db_col_text(st, 8));
		e->resident_name = arena_strdup(c->arena, db_col_text(st, 9));
		e->source = arena_strdup(c->arena, db_col_text(st, 10));
		e->rule_name = arena_strdup(c->arena, db_col_text(st, 11));
		e->category = arena_strdup(c->arena, db_col_text(st, 12));
		e->note = arena_strdup(c->arena, db_col_text(st, 13));
		e->actor_name = arena_strdup(c->arena, db_col_text(st, 14));
		e->spendable = db_col_int(st, 15);
		e->honour = db_col_int(st, 16);
		e->actor_id = db_col_int(st, 17);
		e->at = db_col_int(st, 18);
		e->hash = arena_strdup(c->arena, db_col_text(st, 19));
	}
	db_finalize(st);
	return RC_OK;
}

/* The entry to reverse: its draft with the opposite changes and its village's path. */
static int load_reversal(struct ctx *c, int64_t entry_id, struct ledger_draft *d, char path[ORG_PATH_MAX])
{
	struct ledger_input *in = &d->in;
	struct db_stmt *st = db_query(c->db,
		"SELECT l.village_id, l.household_id, COALESCE(l.resident_id, 0), l.source, "
		"COALESCE(l.rule_id, 0), l.rule_name, l.category, l.spendable, l.honour, v.path "
		"FROM ledger l JOIN org_units v ON v.id = l.village_id WHERE l.id = ?", "i", entry_id);
	int found = st && db_step(st) == DB_ROW;
	if (found) {
		ledger_draft_read(d, st);
		in->spendable = -db_col_int(st, 7);
		in->honour = -db_col_int(st, 8);
		str_copy(path, ORG_PATH_MAX, db_col_text(st, 9));
	}
	db_finalize(st);
	if (!found)
		return ctx_fail(c, RC_NOT_FOUND, "台账记录不存在");
	if (!access_can(c, P_POINTS_ADMIN, path))
		return ctx_fail(c, access_refusal(c, path), "只有本村村两委可以更正台账");
	if (!strcmp(d->source, "correction") || !strcmp(d->source, "reset"))
		return ctx_fail(c, RC_CONFLICT, "更正和清零记录不能再更正");
	/* a sale is undone by a return at the counter, which also puts the stock back; a
	 * correction beside it would refund the points twice */
	if (!strcmp(d->source, "redemption") || !strcmp(d->source, "return"))
		return ctx_fail(c, RC_CONFLICT, "兑换和退货记录不能更正：兑换错了请在积分超市办理退货");
	in->source = "correction";
	return RC_OK;
}

/* Inside the caller's transaction, with the village chain locked: the entry is not
 * corrected yet, and no other request for it is open (except skip_request). */
static int check_uncorrected(struct ctx *c, int64_t entry_id, int64_t skip_request)
{
	int64_t done = 0, open = 0;
	if (db_get_int(c->db, &done, "SELECT count(*) FROM ledger WHERE source = 'correction' AND ref_id = ?",
		       "i", entry_id) != DB_OK ||
	    db_get_int(c->db, &open, "SELECT count(*) FROM ledger_correction_requests WHERE entry_id = ? "
				     "AND status = 'pending' AND id <> ?", "ii", entry_id, skip_request) != DB_OK)
		return ctx_db_fail(c, DB_ERROR, "更正台账");
	if (done)
		return ctx_fail(c, RC_CONFLICT, "这条记录已经更正过");
	if (open)
		return ctx_fail(c, RC_CONFLICT, "这条记录已有一项更正在等待复核");
	return RC_OK;
}

static int write_correction(struct ctx *c, int64_t entry_id, struct ledger_input *in, const char *reason,
			    int64_t request_id, int64_t *new_id)
{
	in->note = reason;
	int rc = ledger_append(c, in, new_id);
	if (rc)
		return rc;
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "corrected_entry", entry_id);
	audit_snap_int(&after, "spendable", in->spendable);
	audit_snap_int(&after, "honour", in->honour);
	audit_snap_str(&after, "reason", reason);
	if (request_id)
		audit_snap_int(&after, "request", request_id);
	audit_snap_end(&after);
	rc = audit_record(c, in->village_id, "ledger", *new_id, "correct", "{}", after.ptr);
	buf_release(&after);
	return rc;
}

enum result ledger_correct(struct ctx *c, int64_t entry_id, const char *reason, struct ledger_correction *out)
{
	memset(out, 0, sizeof(*out));
	if (!reason || !reason[0])
		return ctx_field(c, "reason", "请填写更正原因");
	struct ledger_draft d = {.in = {.ref_id = entry_id}};
	char path[ORG_PATH_MAX] = "";
	int rc = load_reversal(c, entry_id, &d, path);
	if (rc)
		return rc;
	struct ledger_input *in = &d.in;
	if ((rc = ctx_begin(c)))
		return rc;
	/* the village chain's lock, taken first, serialises corrections of its entries */
	if ((rc = lock_head(c, in->village_id)) || (rc = check_uncorrected(c, entry_id, 0)))
		return ctx_end(c, rc);
	/* the command line (maintenance, no actor) writes at once */
	if ((in->spendable <= 0 && in->honour <= 0) || c->system) {
		rc = write_correction(c, entry_id, in, reason, 0, &out->entry_id);
		return ctx_end(c, rc);
	}
	/* points added without 公示: a second cadre must approve */
	int dbrc = db_get_int(c->db, &out->request_id,
			      "INSERT INTO ledger_correction_requests (village_id, entry_id, reason, requested_by, "
			      "requested_at, status) VALUES (?, ?, ?, ?, ?, 'pending') RETURNING id",
			      "iitii", in->village_id, entry_id, reason, ctx_actor_id(c), c->now);
	if (dbrc == DB_CONSTRAINT)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "这条记录已有一项更正在等待复核"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "更正台账"));
	out->pending = true;
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "entry", entry_id);
	audit_snap_int(&after, "spendable", in->spendable);
	audit_snap_int(&after, "honour", in->honour);
	audit_snap_str(&after, "reason", reason);
	audit_snap_end(&after);
	rc = audit_record(c, in->village_id, "ledger_correction", out->request_id, "request", "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result ledger_correction_decide(struct ctx *c, int64_t request_id, bool approve, const char *reason,
				     int64_t *new_id)
{
	*new_id = 0;
	int64_t entry_id = 0, requested_by = 0;
	char status[16] = "", asked[801] = "";
	struct db_stmt *st = db_query(c->db, "SELECT entry_id, requested_by, status, reason FROM "
					     "ledger_correction_requests WHERE id = ?", "i", request_id);
	int found = st && db_step(st) == DB_ROW;
	if (found) {
		entry_id = db_col_int(st, 0);
		requested_by = db_col_int(st, 1);
		str_copy(status, sizeof(status), db_col_text(st, 2));
		str_copy(asked, sizeof(asked), db_col_text(st, 3));
	}
	db_finalize(st);
	if (!found)
		return ctx_fail(c, RC_NOT_FOUND, "更正申请不存在");
	struct ledger_draft d = {.in = {.ref_id = entry_id}};
	char path[ORG_PATH_MAX] = "";
	int rc = load_reversal(c, entry_id, &d, path);
	if (rc == RC_CONFLICT)
		ctx_clear(c);   /* reported below as the request's state */
	else if (rc)
		return rc;
	if (c->actor && c->actor->user_id == requested_by)
		return ctx_fail(c, RC_FORBIDDEN, "增加积分的更正须由另一位村两委复核，不能复核自己提交的更正");
	if (!approve && (!reason || !reason[0]))
		return ctx_field(c, "reason", "驳回须填写理由");
	if ((rc = ctx_begin(c)))
		return rc;
	if ((rc = lock_head(c, d.in.village_id)))
		return ctx_end(c, rc);
	/* decided once: the conditional update settles two concurrent decisions */
	int64_t one;
	int dbrc = db_get_int(c->db, &one, "UPDATE ledger_correction_requests SET status = ?, decided_by = ?, "
					   "decided_at = ?, decision = ? WHERE id = ? AND status = 'pending' RETURNING id",
			      "tiiti", approve ? "approved" : "rejected", ctx_actor_id(c), c->now,
			      reason ? reason : "", request_id);
	if (dbrc == DB_DONE)
		return ctx_end(c, ctx_fail(c, RC_CONFLICT, "这项更正已经复核过"));
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "复核更正"));
	if (approve) {
		if ((rc = check_uncorrected(c, entry_id, request_id)) ||
		    (rc = write_correction(c, entry_id, &d.in, asked, request_id, new_id)))
			return ctx_end(c, rc);
		if (db_run(c->db, "UPDATE ledger_correction_requests SET ledger_id = ? WHERE id = ?", "ii", *new_id,
			   request_id) != DB_OK)
			return ctx_end(c, ctx_db_fail(c, DB_ERROR, "复核更正"));
	}
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "entry", entry_id);
	audit_snap_str(&after, "decision", approve ? "approved" : "rejected");
	audit_snap_str(&after, "reason", reason ? reason : "");
	audit_snap_end(&after);
	rc = audit_record(c, d.in.village_id, "ledger_correction", request_id, approve ? "approve" : "reject",
			  "{}", after.ptr);
	buf_release(&after);
	return ctx_end(c, rc);
}

enum result ledger_correction_list(struct ctx *c, int64_t village_id, const char *status,
				   struct ledger_correction_request **out, int *n)
{
	*n = 0;
	struct org_unit v;
	int rc = org_get(c, village_id, &v);
	if (rc)
		return rc;
	if (!access_can(c, P_POINTS_ADMIN, v.path))
		return ctx_fail(c, access_refusal(c, v.path), "只有本村村两委可以查看更正申请");
	const char *s = status ? status : "";
	struct db_stmt *st = db_query(c->db,
		"SELECT q.id, q.entry_id, q.reason, q.requested_by, COALESCE(ru.name, ''), q.requested_at, q.status, "
		"COALESCE(q.decided_by, 0), COALESCE(du.name, ''), COALESCE(q.decided_at, 0), q.decision, "
		"COALESCE(q.ledger_id, 0), h.number, l.source, l.rule_name, -l.spendable, -l.honour "
		"FROM ledger_correction_requests q JOIN ledger l ON l.id = q.entry_id "
		"JOIN households h ON h.id = l.household_id LEFT JOIN users ru ON ru.id = q.requested_by "
		"LEFT JOIN users du ON du.id = q.decided_by "
		"WHERE q.village_id = ? AND (CAST(? AS TEXT) = '' OR q.status = ?) ORDER BY q.id DESC LIMIT 200",
		"itt", village_id, s, s);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "更正申请");
	*out = arena_alloc(c->arena, sizeof(**out) * 200);
	while (*out && *n < 200 && db_step(st) == DB_ROW) {
		struct ledger_correction_request *q = &(*out)[(*n)++];
		q->id = db_col_int(st, 0);
		q->entry_id = db_col_int(st, 1);
		q->reason = arena_strdup(c->arena, db_col_text(st, 2));
		q->requested_by = db_col_int(st, 3);
		q->requested_by_name = arena_strdup(c->arena, db_col_text(st, 4));
		q->requested_at = db_col_int(st, 5);
		q->status = arena_strdup(c->arena, db_col_text(st, 6));
		q->decided_by = db_col_int(st, 7);
		q->decided_by_name = arena_strdup(c->arena, db_col_text(st, 8));
		q->decided_at = db_col_int(st, 9);
		q->decision = arena_strdup(c->arena, db_col_text(st, 10));
		q->ledger_id = db_col_int(st, 11);
		q->household_number = arena_strdup(c->arena, db_col_text(st, 12));
		q->source = arena_strdup(c->arena, db_col_text(st, 13));
		q->rule_name = arena_strdup(c->arena, db_col_text(st, 14));
		q->spendable = db_col_int(st, 15);
		q->honour = db_col_int(st, 16);
	}
	db_finalize(st);
	return RC_OK;
}

enum result ledger_head(struct ctx *c, int64_t village_id, int64_t *count, char hash[65])
{
	*count = 0;
	str_copy(hash, 65, GENESIS);
	struct db_stmt *st = db_query(c->db, "SELECT seq, hash FROM ledger_heads WHERE village_id = ?", "i",
				      village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "积分台账");
	if (db_step(st) == DB_ROW) {
		*count = db_col_int(st, 0);
		str_copy(hash, 65, db_col_text(st, 1));
	}
	db_finalize(st);
	return RC_OK;
}

/* Resets one village's spendable balances; the conditional update of last_reset_year
 * makes a second run (or a concurrent one) do nothing. */
static int reset_village(struct ctx *c, int64_t village_id, int year, int64_t *entries)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	int64_t claimed;
	int dbrc = db_get_int(c->db, &claimed, "UPDATE village_settings SET last_reset_year = ? "
					       "WHERE village_id = ? AND last_reset_year < ? RETURNING village_id",
			      "iii", (int64_t)year, village_id, (int64_t)year);
	if (dbrc == DB_DONE)
		return ctx_end(c, RC_OK);
	if (dbrc != DB_OK)
		return ctx_end(c, ctx_db_fail(c, dbrc, "积分清零"));
	/* hold the chain while reading the balances, so no credit slips in between */
	if ((rc = lock_head(c, village_id)))
		return ctx_end(c, rc);
	struct db_stmt *st = db_query(c->db, "SELECT b.household_id, b.spendable FROM balances b "
					     "JOIN households h ON h.id = b.household_id "
					     "WHERE h.village_id = ? AND b.spendable <> 0 ORDER BY b.household_id",
				      "i", village_id);
	if (!st)
		return ctx_end(c, ctx_db_fail(c, DB_ERROR, "积分清零"));
	/* collect first: the statement must be finished before writing on some engines */
	int cap = 1024, n = 0;
	int64_t(*rows)[2] = malloc(sizeof(*rows) * (size_t)cap);
	while (rows && db_step(st) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			void *bigger = realloc(rows, sizeof(*rows) * (size_t)cap);
			if (!bigger) {
				free(rows);
				rows = NULL;
				break;
			}
			rows = bigger;
		}
		rows[n][0] = db_col_int(st, 0);
		rows[n][1] = db_col_int(st, 1);
		n++;
	}
	db_finalize(st);
	if (!rows)
		return ctx_end(c, ctx_fail(c, RC_INTERNAL, "内存不足"));
	char note[64];
	snprintf(note, sizeof(note), "%d 年度可兑换积分清零", year);
	for (int i = 0; i < n && rc == RC_OK; i++) {
		struct ledger_input in = {.village_id = village_id, .household_id = rows[i][0],
					  .source = "reset", .spendable = -rows[i][1], .note = note};
		int64_t id;
		rc = ledger_append(c, &in, &id);
		(*entries)++;
	}
	free(rows);
	if (!rc) {
		struct buf after;
		audit_snap_begin(&after);
		audit_snap_int(&after, "year", year);
		audit_snap_int(&after, "households", n);
		audit_snap_end(&after);
		rc = audit_record(c, village_id, "ledger", village_id, "yearly_reset", "{}", after.ptr);
		buf_release(&after);
	}
	return ctx_end(c, rc);
}

enum result ledger_reset_due(struct ctx *c, int64_t *entries)
{
	*entries = 0;
	struct civil now;
	time_to_cn(c->now, &now);
	char today[6];
	snprintf(today, sizeof(today), "%02d-%02d", now.month, now.day);
	struct db_stmt *st = db_query(c->db, "SELECT village_id FROM village_settings WHERE reset_month_day IS NOT NULL "
					     "AND reset_month_day <= ? AND last_reset_year < ? ORDER BY village_id",
				      "ti", today, (int64_t)now.year);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "积分清零");
	int64_t ids[256];
	int n = 0;
	while (n < (int)ARRAY_SIZE(ids) && db_step(st) == DB_ROW)
		ids[n++] = db_col_int(st, 0);
	db_finalize(st);
	for (int i = 0; i < n; i++) {
		int rc = reset_village(c, ids[i], now.year, entries);
		if (rc)
			return rc;
	}
	return RC_OK;
}

/* The month, quarter and year of a ledger row l in China time, as add_totals writes them. */
#define SQLITE_CN "l.at + 28800, 'unixepoch'"
static const char *const sqlite_periods[3] = {
	"strftime('%Y-%m', " SQLITE_CN ")",
	"strftime('%Y', " SQLITE_CN ") || '-Q' || ((CAST(strftime('%m', " SQLITE_CN ") AS INTEGER) + 2) / 3)",
	"strftime('%Y', " SQLITE_CN ")",
};
#define PG_CN "to_timestamp(l.at + 28800) AT TIME ZONE 'UTC'"
static const char *const pg_periods[3] = {
	"to_char(" PG_CN ", 'YYYY-MM')",
	"to_char(" PG_CN ", 'YYYY-\"Q\"Q')",
	"to_char(" PG_CN ", 'YYYY')",
};

/* Recomputes the period totals of the households (of one village, or every one when
 * village_id is 0) from their entries and compares them with ledger_totals both ways (a
 * row missing on either side is a difference too). */
static int verify_totals(struct ctx *c, int64_t village_id, struct ledger_report *r)
{
	const char *const *per = db_engine(c->db) == DB_POSTGRES ? pg_periods : sqlite_periods;
	static const char *const kinds[3] = {"month", "quarter", "year"};
	/* the households of the village: a condition on a household id column */
	const char *in_village = village_id ? " IN (SELECT h.id FROM households h WHERE h.village_id = ?)"
					    : " IS NOT NULL";
	struct db_args args = {0};
	struct buf sql;
	buf_init(&sql, 1u << 16);
	buf_adds(&sql, "WITH computed AS (");
	for (int i = 0; i < 3; i++) {
		buf_addf(&sql,
			 "%sSELECT l.household_id AS household_id, %s AS period, '%s' AS period_kind, "
			 "SUM(CASE WHEN l.source IN ('claim', 'award', 'deduction', 'activity', 'correction') "
			 "THEN l.honour ELSE 0 END) AS honour, SUM(l.spendable) AS spendable, count(*) AS entries "
			 "FROM ledger l WHERE l.household_id%s GROUP BY l.household_id, %s",
			 i ? " UNION ALL " : "", per[i], kinds[i], in_village, per[i]);
		if (village_id)
			db_args_int(&args, village_id);
	}
	buf_addf(&sql, "), stored AS (SELECT household_id, period, period_kind, honour, spendable, entries "
		       "FROM ledger_totals t WHERE t.household_id%s) "
		       "SELECT d.household_id, d.period, d.side, "
		       "COALESCE((SELECT h.village_id FROM households h WHERE h.id = d.household_id), 0) FROM ("
		       "SELECT x.household_id, x.period, 1 AS side FROM "
		       "(SELECT * FROM computed EXCEPT SELECT * FROM stored) x UNION ALL "
		       "SELECT y.household_id, y.period, 2 AS side FROM "
		       "(SELECT * FROM stored EXCEPT SELECT * FROM computed) y) d "
		       "ORDER BY d.household_id, d.period, d.side LIMIT 1", in_village);
	if (village_id)
		db_args_int(&args, village_id);
	if (sql.failed || args.failed) {
		buf_release(&sql);
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	}
	struct db_stmt *st = db_query_args(c->db, sql.ptr, &args);
	buf_release(&sql);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "台账校验");
	int rc = db_step(st);
	if (rc == DB_ROW) {
		r->broken = true;
		r->stage = LEDGER_VERIFY_TOTALS;
		r->household_id = db_col_int(st, 0);
		r->village_id = db_col_int(st, 3);
		snprintf(r->reason, sizeof(r->reason), "%s 的积分合计与台账不符（合计表%s）", db_col_text(st, 1),
			 db_col_int(st, 2) == 1 ? "缺少或不同于台账" : "多出或不同于台账");
	}
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "台账校验");
}

static const struct chain_tables ledger_tables = {"ledger", "ledger", "ledger_heads", "village_id", "台账"};

enum result ledger_verify_villages(struct ctx *c, int64_t **ids, int *n)
{
	return chain_units_list(c, &ledger_tables, ids, n);
}

enum result ledger_verify_chain(struct ctx *c, int64_t village_id, struct ledger_report *r)
{
	memset(r, 0, sizeof(*r));
	struct db_stmt *st = db_query(c->db,
		"SELECT village_id, seq, household_id, COALESCE(resident_id, 0), source, COALESCE(claim_id, 0), "
		"COALESCE(ref_id, 0), COALESCE(rule_id, 0), rule_name, category, spendable, honour, note, "
		"COALESCE(actor_id, 0), at, prev_hash, hash FROM ledger WHERE village_id = ? ORDER BY seq",
		"i", village_id);
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "台账校验");
	int64_t expect = 1;
	char prev[CRYPTO_HASH_HEX] = GENESIS;
	int rc;
	r->chains = 1;
	while ((rc = db_step(st)) == DB_ROW) {
		struct ledger_input in = {
			.village_id = db_col_int(st, 0), .household_id = db_col_int(st, 2),
			.resident_id = db_col_int(st, 3), .source = db_col_text(st, 4),
			.claim_id = db_col_int(st, 5), .ref_id = db_col_int(st, 6), .rule_id = db_col_int(st, 7),
			.rule_name = db_col_text(st, 8), .category = db_col_text(st, 9),
			.spendable = db_col_int(st, 10), .honour = db_col_int(st, 11), .note = db_col_text(st, 12),
		};
		int64_t seq = db_col_int(st, 1);
		r->entries++;
		if (r->broken)
			continue;
		char hash[CRYPTO_HASH_HEX];
		ledger_entry_hash(in.village_id, seq, &in, db_col_int(st, 13), db_col_int(st, 14), prev, hash);
		const char *why = seq != expect ? "序号不连续（有记录被删除或插入）"
				  : strcmp(db_col_text(st, 15), prev) ? "前一条的哈希不符（前一条被改动）"
				  : strcmp(db_col_text(st, 16), hash) ? "本条内容与哈希不符（本条被改动）"
								      : NULL;
		if (why) {
			r->broken = true;
			r->stage = LEDGER_VERIFY_LINKS;
			r->village_id = village_id;
			r->seq = seq;
			r->household_id = in.household_id;
			str_copy(r->reason, sizeof(r->reason), why);
		}
		str_copy(prev, sizeof(prev), db_col_text(st, 16));
		expect = seq + 1;
	}
	db_finalize(st);
	return rc == DB_DONE ? RC_OK : ctx_db_fail(c, rc, "台账校验");
}

enum result ledger_verify_heads(struct ctx *c, struct ledger_report *r)
{
	memset(r, 0, sizeof(*r));
	struct chain_break b;
	int rc = chain_check_heads(c, &ledger_tables, &b);
	if (rc == RC_OK && b.broken) {
		r->broken = true;
		r->stage = LEDGER_VERIFY_HEADS;
		r->village_id = b.unit;
		r->seq = b.seq;
		str_copy(r->reason, sizeof(r->reason), b.reason);
	}
	return rc;
}

enum result ledger_verify_sums(struct ctx *c, int64_t village_id, struct ledger_report *r)
{
	memset(r, 0, sizeof(*r));
	/* every household's balances equal the sums of its entries */
	const char *in_village = village_id ? " IN (SELECT h.id FROM households h WHERE h.village_id = ?)"
					    : " IS NOT NULL";
	char *sql = arena_printf(c->arena,
		"SELECT x.household_id, COALESCE(b.spendable, 0), COALESCE(b.honour, 0), x.s, x.h FROM "
		"(SELECT household_id, SUM(spendable) AS s, SUM(honour) AS h FROM ledger "
		"WHERE household_id%s GROUP BY household_id) x "
		"LEFT JOIN balances b ON b.household_id = x.household_id "
		"UNION ALL SELECT b.household_id, b.spendable, b.honour, 0, 0 FROM balances b "
		"WHERE b.household_id%s AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.household_id = b.household_id)",
		in_village, in_village);
	struct db_stmt *st = !sql ? NULL : village_id ? db_query(c->db, sql, "ii", village_id, village_id)
						   : db_query(c->db, sql, "");
	if (!st)
		return ctx_db_fail(c, DB_ERROR, "台账校验");
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		r->households++;
		if (!r->broken && (db_col_int(st, 1) != db_col_int(st, 3) || db_col_int(st, 2) != db_col_int(st, 4))) {
			r->broken = true;
			r->stage = LEDGER_VERIFY_BALANCES;
			r->household_id = db_col_int(st, 0);
			snprintf(r->reason, sizeof(r->reason),
				 "余额与台账合计不符：可兑换 %lld≠%lld，累计 %lld≠%lld",
				 (long long)db_col_int(st, 1), (long long)db_col_int(st, 3),
				 (long long)db_col_int(st, 2), (long long)db_col_int(st, 4));
		}
	}
	db_finalize(st);
	if (rc != DB_DONE)
		return ctx_db_fail(c, rc, "台账校验");
	if (r->broken)
		return RC_OK;
	return verify_totals(c, village_id, r);
}

bool ledger_report_first(const struct ledger_report *a, const struct ledger_report *b)
{
	if (!b->broken)
		return a->broken;
	if (!a->broken)
		return false;
	if (a->stage != b->stage)
		return a->stage < b->stage;
	/* links and heads: the lower village; balances: the one found first (the caller's
	 * order); totals: the lower household */
	return a->stage == LEDGER_VERIFY_TOTALS ? a->household_id < b->household_id
	       : a->stage == LEDGER_VERIFY_BALANCES ? false : a->village_id < b->village_id;
}

enum result ledger_verify(struct ctx *c, struct ledger_report *r)
{
	memset(r, 0, sizeof(*r));
	int64_t *ids;
	int n;
	int rc = ledger_verify_villages(c, &ids, &n);
	for (int i = 0; !rc && i < n; i++) {
		struct ledger_report one;
		if ((rc = ledger_verify_chain(c, ids[i], &one)))
			break;
		r->chains++;
		r->entries += one.entries;
		if (ledger_report_first(&one, r))
			ledger_report_take(r, &one);
	}
	if (rc || r->broken)
		return rc;
	struct ledger_report part;
	if ((rc = ledger_verify_heads(c, &part)) || part.broken) {
		ledger_report_take(r, &part);
		return rc;
	}
	rc = ledger_verify_sums(c, 0, &part);
	r->households = part.households;
	ledger_report_take(r, &part);
	return rc;
}

void ledger_report_take(struct ledger_report *into, const struct ledger_report *from)
{
	if (!from->broken)
		return;
	into->broken = true;
	into->stage = from->stage;
	into->village_id = from->village_id;
	into->seq = from->seq;
	into->household_id = from->household_id;
	str_copy(into->reason, sizeof(into->reason), from->reason);
}
