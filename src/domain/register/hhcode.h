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
 * minute get the same code. */
enum result hhcode_issue(struct ctx *c, int64_t household_id, char token[QRTOKEN_MAX], int64_t *expires);
/* Verifies a household code and returns the household (which must exist); errors are
 * reported on `field`. No access check: the caller decides who may scan. */
enum result hhcode_verify(struct ctx *c, const char *field, const char *token, int64_t *household_id);

#endif
