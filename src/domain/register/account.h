/* Accounts: login by phone and password (argon2id), sessions as random tokens stored
 * hashed, throttling per account and per address, activation codes that a cadre issues
 * to villagers, password change, role grants on org units. */
#ifndef DOMAIN_ACCOUNT_H
#define DOMAIN_ACCOUNT_H

#include "domain/kernel/ctx.h"

#define ACCOUNT_SESSION_TTL (7 * 24 * 3600)
#define ACCOUNT_ACTIVATION_TTL (72 * 3600)
#define ACCOUNT_CODE_LEN 8
#define ACCOUNT_PASSWORD_MIN 8
#define ACCOUNT_PASSWORD_MAX 64
/* Throttling: this many failures inside the window lock the key for the window. */
#define ACCOUNT_FAIL_WINDOW (15 * 60)
#define ACCOUNT_FAIL_PHONE 5
#define ACCOUNT_FAIL_ADDR 20
/* a phone past ACCOUNT_FAIL_PHONE waits 5 s, doubling per failure up to 5 minutes */
#define ACCOUNT_DELAY_MIN 5
#define ACCOUNT_DELAY_MAX 300

struct session {
	char token[CRYPTO_TOKEN_HEX];
	int64_t user_id;
	int64_t expires_at;
};

struct user_info {
	int64_t id, resident_id, household_id;
	char phone[24];
	char name[81];
	char status[12];
	int ngrants;
	struct grant grants[CTX_MAX_GRANTS];
	int64_t created_at;
};

enum result account_login(struct ctx *c, const char *phone, const char *password, struct session *out);
enum result account_logout(struct ctx *c, const char *token);
/* Loads the actor of a live session; RC_UNAUTHENTICATED when absent or expired. */
enum result account_authenticate(struct ctx *c, const char *token, struct actor *out);
enum result account_change_password(struct ctx *c, const char *old_password, const char *new_password);

/* Issues a one-time activation code for a resident (creating their villager account,
 * or resetting an existing one's password and sessions). Needs P_ACCESS_ISSUE on the
 * resident's village; the resident must have a mobile phone number. An account that
 * holds any grant beyond 村民 is reset only by an actor with P_USER_ADMIN over each such
 * grant (else RC_FORBIDDEN), and its phone is never changed from the register. */
enum result account_issue_activation(struct ctx *c, int64_t resident_id, char code[ACCOUNT_CODE_LEN + 1],
			     int64_t *expires_at, int64_t *user_id);
/* Uses a code: sets the password, activates the account and starts a session. */
enum result account_activate(struct ctx *c, const char *phone, const char *code, const char *password,
		     struct session *out);

/* Creates an active account (county admin in scope, or the command line). */
enum result account_user_add(struct ctx *c, const char *phone, const char *name, const char *password,
		     int64_t *id);
enum result account_grant(struct ctx *c, int64_t user_id, const char *role, int64_t unit_id);
enum result account_revoke(struct ctx *c, int64_t user_id, const char *role, int64_t unit_id);
enum result account_user_get(struct ctx *c, int64_t id, struct user_info *out);
enum result account_user_find_phone(struct ctx *c, const char *phone, int64_t *id);
/* Users holding a role in the subtree of unit_id (needs P_USER_ADMIN there). */
enum result account_user_list(struct ctx *c, int64_t unit_id, int limit, int offset, struct user_info **out,
		      int *n, int64_t *total);
/* Checks a new password's length and variety; adds a field error to `field`. */
void account_check_password(struct ctx *c, const char *field, const char *password);

#endif
