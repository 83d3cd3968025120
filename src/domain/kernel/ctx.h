/* The context every domain call runs in: the database connection, request memory,
 * the keys, the actor and the clock; the one result type; and the checks of text
 * fields every module makes. A domain function returns RC_OK (0) or another result,
 * with the message and field errors in ctx->err. The HTTP layer maps results to status
 * codes in one place. */
#ifndef DOMAIN_CTX_H
#define DOMAIN_CTX_H

#include "db/db.h"
#include "util/arena.h"
#include "util/crypto.h"

enum result {
	RC_OK = 0,
	RC_INVALID,          /* bad input: see err.fields */
	RC_UNAUTHENTICATED,  /* no or expired session */
	RC_FORBIDDEN,        /* role or scope does not allow it */
	RC_NOT_FOUND,
	RC_CONFLICT,         /* duplicate, or state does not allow it */
	RC_TOO_MANY,         /* throttled: see err.retry_after */
	RC_TOO_LARGE,
	RC_INTERNAL,
};

#define CTX_MAX_FIELDS 32
#define CTX_MAX_GRANTS 32
/* An org unit's materialised path "/1/4/17/" with its terminating NUL (org.h). */
#define ORG_PATH_MAX 160

struct field_error {
	char field[48];
	char message[160];
};

struct err {
	enum result code;
	char message[256];
	int nfields;
	struct field_error fields[CTX_MAX_FIELDS];
	int64_t retry_after;  /* seconds, for RC_TOO_MANY */
};

struct grant {
	char role[24];
	int64_t unit_id;
	char unit_kind[12];
	char path[ORG_PATH_MAX];     /* the unit's path: covers units whose path starts with it */
};

struct actor {
	int64_t user_id;
	char name[64];
	char phone[24];
	int64_t resident_id;   /* 0 when the user is not a registered resident */
	int64_t household_id;  /* the resident's household, or 0 */
	char session_hash[65]; /* the session this request came with */
	int ngrants;
	struct grant grants[CTX_MAX_GRANTS];
};

struct audit_batch;

struct ctx {
	struct db *db;
	struct arena *arena;
	const struct keys *keys;
	const struct actor *actor;  /* NULL for anonymous requests and the command line */
	int64_t now;                /* the clock; tests move it */
	const char *remote;         /* client address, for throttling */
	const char *data_dir;       /* where uploaded files live (DATA/files/…) */
	bool system;                /* command-line maintenance: no actor, all allowed */
	struct audit_batch *audit_batch; /* open run of one unit's audit entries (audit.h) */
	struct err err;
};

/* The acting user's id, 0 for anonymous requests and the command line. */
static inline int64_t ctx_actor_id(const struct ctx *c)
{
	return c->actor ? c->actor->user_id : 0;
}

/* Sets the result and message; returns the code so callers can `return ctx_fail(…)`. */
enum result ctx_fail(struct ctx *c, enum result code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds a field error (code becomes RC_INVALID); returns RC_INVALID. */
enum result ctx_field(struct ctx *c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* RC_INVALID when any field error was added, else RC_OK. */
enum result ctx_check_fields(struct ctx *c);
/* Forgets a failure (code and message), so that a failed lookup can be reported as a
 * field error instead; field errors added before are kept. */
void ctx_clear(struct ctx *c);
/* Forgets everything: the failure and the field errors, for a caller that has read them
 * and reports them its own way (the roster import's row errors), or that starts over. */
void ctx_reset(struct ctx *c);

/* Personal data sealed with the PII key (a reporter's name and phone, a dispute party's):
 * *out is the hex to store, in request memory ("" for an empty value); RC_INTERNAL when
 * it cannot be sealed. */
enum result ctx_seal_pii(struct ctx *c, const char *plain, const char **out);
/* The plain text of a sealed value, in request memory ("" when empty or unreadable). */
const char *ctx_open_pii(struct ctx *c, const char *hex);
/* What those who may not see the whole are shown: a name's first character and "*", a
 * phone's first 3 and last 4 digits. In request memory. */
const char *ctx_mask_name(struct ctx *c, const char *name);
const char *ctx_mask_phone(struct ctx *c, const char *phone);

/* Flags of ctx_check_text. */
enum {
	CTX_TEXT_OPTIONAL = 0,
	CTX_TEXT_REQUIRED = 1 << 0,   /* NULL, "" or white space alone is an error */
	CTX_TEXT_MULTILINE = 1 << 1,  /* tabs and line breaks are allowed */
};
/* Checks a text field and adds at most one field error, with label naming the field
 * in the message: "<label>不能为空" (only with CTX_TEXT_REQUIRED, for nothing, or nothing
 * but spaces, full-width ones too, tabs and line breaks), "<label>最多 <max> 个字" when
 * it has more than max characters (code points), "<label>不能含控制字符". */
void ctx_check_text(struct ctx *c, const char *field, const char *value, size_t max, int flags,
		    const char *label);
/* Maps a database error to a result (constraint → conflict, else internal). */
enum result ctx_db_fail(struct ctx *c, enum db_rc dbrc, const char *what);
/* Begins a write transaction, mapping failures. */
enum result ctx_begin(struct ctx *c);
/* Commits when rc is RC_OK, else rolls back; returns the final result. */
enum result ctx_end(struct ctx *c, int rc);
/* Inside a transaction, before reading what it will change: on PostgreSQL takes the row
 * lock of sql (a SELECT … FOR UPDATE of one ? id), so another change of the row waits
 * until this transaction ends and then reads what it wrote; SQLite's write transaction
 * holds the whole database already. A missing row is not an error here. */
enum result ctx_lock_row(struct ctx *c, const char *sql, int64_t id);

#endif
