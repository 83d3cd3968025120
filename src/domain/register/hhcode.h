/* The household code 户码: a rotating, signed, short-lived token (see kernel/token.h)
 * that a villager's phone shows as a QR code, and that a cadre or shop clerk scans to
 * name the household (activity check-in, redemption at the points shop). */
#ifndef DOMAIN_HHCODE_H
#define DOMAIN_HHCODE_H

#include "domain/kernel/token.h"

#define HHCODE_KIND "H1"
#define HHCODE_TTL 300          /* a household code lives at most 5 minutes */
#define HHCODE_STEP 60          /* and changes every minute */

/* Issues the current code of a household: only for the villager of that household.
 * The code expires at most HHCODE_TTL seconds from now; requests within the same
 * minute get the same code, unless it was spent: then a fresh one. */
enum result hhcode_issue(struct ctx *c, int64_t household_id, char token[QRTOKEN_MAX], int64_t *expires);
/* Verifies a household code and returns the household (which must exist); errors are
 * reported on `field`. No access check: the caller decides who may scan. */
enum result hhcode_verify(struct ctx *c, const char *field, const char *token, int64_t *household_id);
/* A field error on `field` when the code was spent already (the counter's lookup
 * tells the clerk before the cart is filled). */
enum result hhcode_check_unspent(struct ctx *c, const char *field, const char *token);
/* Inside the caller's transaction: marks a verified code as spent (a sale at the
 * counter), so the same code, or a copy of the phone's screen, pays only once. A code
 * spent before is a field error on `field`. */
enum result hhcode_spend(struct ctx *c, const char *field, const char *token, int64_t household_id);
/* The scheduler's cleanup, inside its transaction: forgets spent codes that have
 * expired anyway. */
enum result hhcode_expire(struct ctx *c, int64_t *removed);

#endif
