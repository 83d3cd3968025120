/* The shared steps of published documents (published.h). */
#include "domain/kernel/published.h"
#include "domain/kernel/audit.h"

enum result pub_may_change(struct ctx *c, const struct pub_doc *d, bool can_manage, bool visible, bool withdrawn,
			   const char *unit_name, const char *what)
{
	if (!can_manage)
		return visible ? ctx_fail(c, RC_FORBIDDEN, "只有%s的干部可以%s%s", unit_name, what, d->this_one)
			       : ctx_fail(c, RC_NOT_FOUND, "%s不存在", d->noun);
	if (withdrawn)
		return ctx_fail(c, RC_CONFLICT, "%s已撤回，不能再%s", d->noun, what);
	return RC_OK;
}

static void bind_values(const struct pub_doc *d, struct db_args *a, const void *values)
{
	if (d->bind) {
		d->bind(a, values);
		return;
	}
	const char *const *texts = values;
	for (int i = 0; d->fields[i]; i++)
		db_args_text(a, texts[i]);
}

void pub_snap(const struct pub_doc *d, struct buf *b, int version_no, const void *values)
{
	if (d->snap) {
		d->snap(b, version_no, values);
		return;
	}
	const char *const *texts = values;
	audit_snap_begin(b);
	audit_snap_int(b, "version_no", version_no);
	for (int i = 0; d->fields[i]; i++)
		audit_snap_str(b, d->fields[i], texts[i]);
}

/* A database failure, named verb, the document's noun and tail: "保存大事记版本". */
static int db_failed(struct ctx *c, const struct pub_doc *d, int dbrc, const char *verb, const char *tail)
{
	char what[96];
	snprintf(what, sizeof(what), "%s%s%s", verb, d->noun, tail);
	return ctx_db_fail(c, dbrc, what);
}

enum result pub_add_version(struct ctx *c, const struct pub_doc *d, int64_t id, int version_no, const void *values,
			    const char *reason, int64_t author, int64_t at)
{
	struct buf sql;
	buf_init(&sql, 1024);
	buf_addf(&sql, "INSERT INTO %s (%s, version_no", d->versions, d->version_key);
	int n = 0;
	for (const char *const *f = d->fields; *f; f++, n++)
		buf_addf(&sql, ", %s", *f);
	buf_adds(&sql, ", reason, created_by, created_at) VALUES (?, ?");
	for (int i = 0; i < n; i++)
		buf_adds(&sql, ", ?");
	buf_adds(&sql, ", ?, ?, ?)");
	struct db_args a = {0};
	db_args_int(&a, id);
	db_args_int(&a, version_no);
	bind_values(d, &a, values);
	db_args_text(&a, reason ? reason : "");
	db_args_int(&a, author);
	db_args_int(&a, at);
	bool oom = sql.failed || a.failed;
	int dbrc = oom ? DB_ERROR : db_run_args(c->db, sql.ptr, &a);
	buf_release(&sql);
	if (oom)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	return dbrc == DB_OK ? RC_OK : db_failed(c, d, dbrc, "保存", "版本");
}

/* Closes the snapshots and appends the audit entry. */
static int record(struct ctx *c, const struct pub_doc *d, int64_t unit, int64_t id, const char *action,
		  struct buf *before, struct buf *after)
{
	if (before)
		audit_snap_end(before);
	audit_snap_end(after);
	int rc = (before && before->failed) || after->failed
			 ? ctx_fail(c, RC_INTERNAL, "内存不足")
			 : audit_record(c, unit, d->audit_type, id, action, before ? before->ptr : "{}", after->ptr);
	if (before)
		buf_release(before);
	buf_release(after);
	return rc;
}

enum result pub_revise(struct ctx *c, const struct pub_doc *d, int64_t id, int64_t unit, int version_no,
		       const void *before, const void *after, const char *reason, int64_t author, int64_t at)
{
	struct buf sql;
	buf_init(&sql, 1024);
	buf_addf(&sql, "UPDATE %s SET version_no = version_no + 1", d->table);
	for (const char *const *f = d->fields; *f; f++)
		buf_addf(&sql, ", %s = ?", *f);
	buf_adds(&sql, ", updated_at = ? WHERE id = ? AND version_no = ? AND withdrawn_at IS NULL RETURNING version_no");
	struct db_args a = {0};
	bind_values(d, &a, after);
	db_args_int(&a, at);
	db_args_int(&a, id);
	db_args_int(&a, version_no);
	int64_t version = 0;
	bool oom = sql.failed || a.failed;
	int dbrc = oom ? DB_ERROR : db_get_int_args(c->db, &version, sql.ptr, &a);
	buf_release(&sql);
	if (oom)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_CONFLICT, "%s刚被修订或撤回，请刷新后再试", d->noun);
	if (dbrc != DB_OK)
		return db_failed(c, d, dbrc, "修订", "");
	int rc = pub_add_version(c, d, id, (int)version, after, reason, author, at);
	if (rc)
		return rc;
	struct buf old, now;
	pub_snap(d, &old, version_no, before);
	pub_snap(d, &now, (int)version, after);
	audit_snap_str(&now, "reason", reason);
	return record(c, d, unit, id, "revise", &old, &now);
}

enum result pub_revise_texts(struct ctx *c, const struct pub_doc *d, int64_t id, int64_t unit, int version_no,
			     const char *const *before, const char **after, const char *reason)
{
	bool same = true;
	for (int i = 0; d->fields[i]; i++) {
		if (!after[i])
			after[i] = before[i];
		same = same && !strcmp(after[i], before[i]);
	}
	if (same)
		return ctx_fail(c, RC_INVALID, "内容没有变化，不需要修订");
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	return ctx_end(c, pub_revise(c, d, id, unit, version_no, before, after, reason, ctx_actor_id(c), c->now));
}

/* pub_withdraw in the transaction begun. */
static int withdraw(struct ctx *c, const struct pub_doc *d, int64_t id, int64_t unit, int version_no,
		    const char *title, const char *reason)
{
	char *sql = arena_printf(c->arena, "UPDATE %s SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ?, "
					   "updated_at = ? WHERE id = ? AND withdrawn_at IS NULL RETURNING id", d->table);
	if (!sql)
		return ctx_fail(c, RC_INTERNAL, "内存不足");
	int64_t got;
	int dbrc = db_get_int(c->db, &got, sql, "iitii", c->now, ctx_actor_id(c), reason, c->now, id);
	if (dbrc == DB_DONE)
		return ctx_fail(c, RC_CONFLICT, "%s已撤回", d->noun);
	if (dbrc != DB_OK)
		return db_failed(c, d, dbrc, "撤回", "");
	struct buf after;
	audit_snap_begin(&after);
	audit_snap_int(&after, "version_no", version_no);
	audit_snap_str(&after, "title", title);
	audit_snap_str(&after, "reason", reason);
	return record(c, d, unit, id, "withdraw", NULL, &after);
}

enum result pub_withdraw(struct ctx *c, const struct pub_doc *d, int64_t id, int64_t unit, int version_no,
			 const char *title, const char *reason)
{
	int rc = ctx_begin(c);
	if (rc)
		return rc;
	return ctx_end(c, withdraw(c, d, id, unit, version_no, title, reason));
}
