/* Published documents that are revised with a version number (every version kept) and
 * withdrawn with a reason: notices 通知, disclosures 三务公开 and the chronicle 大事记.
 * The steps they share, led by a small descriptor of the document: its tables, the
 * words of its messages and its versioned fields. Who may see and change a document and
 * which fields are versioned stay with each feature. */
#ifndef DOMAIN_PUBLISHED_H
#define DOMAIN_PUBLISHED_H

#include "db/db.h"
#include "domain/kernel/ctx.h"
#include "util/buf.h"

struct pub_doc {
	const char *table;         /* "chronicle_entries" */
	const char *versions;      /* its versions: "chronicle_versions" */
	const char *version_key;   /* the column of versions naming the document: "entry_id" */
	const char *const *fields; /* the versioned columns, NULL-ended */
	const char *audit_type;    /* the object type of the audit entries: "chronicle" */
	const char *noun;          /* in messages: "大事记" */
	const char *this_one;      /* "只有<unit>的干部可以修订<this_one>": "大事记", "这条通知" */
	/* A version's values: with bind and snap NULL, texts (const char *[]) in the order of
	 * fields, snapshot as version_no then each field under its column's name. Else bind
	 * binds them in the order of fields and snap begins their audit snapshot
	 * (audit_snap_begin, version_no, the fields). */
	void (*bind)(struct db_args *a, const void *values);
	void (*snap)(struct buf *b, int version_no, const void *values);
};

/* Begins the audit snapshot of a version (the caller may add keys, then audit_snap_end). */
void pub_snap(const struct pub_doc *d, struct buf *b, int version_no, const void *values);

/* Whether the actor may change (what: "修订", "撤回") a document of unit_name: 404
 * "<noun>不存在" when they may not see it (visible false), 403 when they see it but may
 * not manage it, 409 when it was withdrawn. */
enum result pub_may_change(struct ctx *c, const struct pub_doc *d, bool can_manage, bool visible, bool withdrawn,
			   const char *unit_name, const char *what);

/* Stores version version_no of document id: its values and reason ("" for NULL), by
 * author at a time. In the caller's transaction. */
enum result pub_add_version(struct ctx *c, const struct pub_doc *d, int64_t id, int version_no, const void *values,
			    const char *reason, int64_t author, int64_t at);

/* Writes a revision of document id from version version_no: the values after as the
 * next version (409 when it was revised or withdrawn meanwhile), with its version row,
 * and the audit entry "revise" on unit's chain: the snapshots of before and after (the
 * reason in after). In the caller's transaction. */
enum result pub_revise(struct ctx *c, const struct pub_doc *d, int64_t id, int64_t unit, int version_no,
		       const void *before, const void *after, const char *reason, int64_t author, int64_t at);

/* pub_revise of a document of texts by the actor, now, in a transaction of its own:
 * each field of after not given (NULL) is as it is in before; RC_INVALID "内容没有变化，
 * 不需要修订" when nothing changes. */
enum result pub_revise_texts(struct ctx *c, const struct pub_doc *d, int64_t id, int64_t unit, int version_no,
			     const char *const *before, const char **after, const char *reason);

/* Withdraws document id (version version_no, title) with a reason by the actor, in a
 * transaction of its own (409 when it was withdrawn meanwhile), with the audit entry
 * "withdraw" on unit's chain. */
enum result pub_withdraw(struct ctx *c, const struct pub_doc *d, int64_t id, int64_t unit, int version_no,
			 const char *title, const char *reason);

#endif
