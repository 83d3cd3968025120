/* The household code 户码: a rotating, signed, short-lived token that a villager's phone
 * shows as a QR code, and that a cadre or shop clerk scans to name the household
 * (activity check-in, redemption at the points shop). Tokens are
 * "<kind>.<id>.<expires_unix>.<mac>", where mac is HMAC-SHA256 with the server's sign
 * key over "<kind>.<id>.<expires_unix>", as hex cut to 32 characters. The same form
 * serves other signed QR codes (the activity check-in code "A1"); the kind keeps one
 * kind of token from being accepted as another. */
#ifndef DOMAIN_HHCODE_H
#define DOMAIN_HHCODE_H

#include "domain/kernel/ctx.h"

#define HHCODE_KIND "H1"
#define HHCODE_TTL 300          /* a household code lives at most 5 minutes */
#define HHCODE_STEP 60          /* and changes every minute */
#define QRTOKEN_MAC_HEX 32
#define QRTOKEN_MAX 96          /* buffer size for any token */

/* Signs a token of kind (2 characters, e.g. "H1") for id, valid until expires. */
void qrtoken_sign(const struct ctx *c, const char *kind, int64_t id, int64_t expires,
		  char out[QRTOKEN_MAX]);
/* Checks a token of kind: form, signature and expiry against c->now; max_ttl bounds
 * how far in the future a genuine token can expire. Sets *id and *expires. On failure
 * adds a field error to `field` (forged or malformed: "无效"; expired: "已过期") and
 * returns RC_INVALID. */
int qrtoken_verify(struct ctx *c, const char *field, const char *kind, const char *token,
		   int64_t max_ttl, int64_t *id, int64_t *expires);

/* Issues the current code of a household: only for the villager of that household.
 * The code expires at most HHCODE_TTL seconds from now; requests within the same
 * minute get the same code. */
int hhcode_issue(struct ctx *c, int64_t household_id, char token[QRTOKEN_MAX], int64_t *expires);
/* Verifies a household code and returns the household (which must exist); errors are
 * reported on `field`. No access check: the caller decides who may scan. */
int hhcode_verify(struct ctx *c, const char *field, const char *token, int64_t *household_id);

#endif
