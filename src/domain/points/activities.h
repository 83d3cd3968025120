/* Activities 活动: a village cadre sets up an activity (volunteer labour, a clean-up, a
 * lecture) with a rule of the village's catalog, a time window and a capacity;
 * villagers sign up a member of their household; attendance is checked in by QR code,
 * and each check-in is an approved points record that goes to 公示.
 *
 * - Signing up: one place per household; the capacity holds even under concurrent
 *   sign-ups (the activity row is locked, then a conditional insert counts the
 *   places). Sign-up is open until the activity ends; a sign-up may be cancelled until
 *   the activity starts, unless already checked in.
 * - Check-in is open from ACTIVITY_CHECKIN_EARLY before the start to
 *   ACTIVITY_CHECKIN_LATE after the end; a household checks in once. Two ways:
 *   (a) the villager scans the activity's code on the cadre's screen
 *       ("A1.<activity_id>.<expires>.<mac>", rotating, valid ACTIVITY_CODE_TTL);
 *   (b) the cadre scans the household's code (hhcode.h).
 *   A household that did not sign up may still check in either way (a walk-in) while
 *   places are left; the walk-in takes a place. The member credited is the one signed
 *   up; for a walk-in, the villager who scanned (a), or the one the cadre names, else
 *   the head of household (b).
 * - A check-in writes, in one transaction, the approved record (claims.h, source
 *   "activity", the rule's points, dated the day of the check-in; the rule's validity
 *   and caps apply) and its 公示 posting, and marks the sign-up with the claim.
 * Everything that changes state is audited on the village's chain, object "activity". */
#ifndef DOMAIN_ACTIVITIES_H
#define DOMAIN_ACTIVITIES_H

#include "domain/kernel/ctx.h"
#include "domain/kernel/token.h"

#define ACTIVITY_TITLE_MAX 40          /* characters */
#define ACTIVITY_PLACE_MAX 60
#define ACTIVITY_CAPACITY_MAX 1000
#define ACTIVITY_SPAN_MAX (7 * 86400)  /* the longest activity */
#define ACTIVITY_CHECKIN_EARLY (30 * 60)
#define ACTIVITY_CHECKIN_LATE (30 * 60)
#define ACTIVITY_CODE_KIND "A1"
#define ACTIVITY_CODE_TTL 600          /* a check-in code lives at most 10 minutes */
#define ACTIVITY_CODE_STEP 300         /* and changes every 5 minutes */

struct activity {
	int64_t id, village_id, rule_id;
	char village_name[161];
	char rule_name[161];
	char category[32];
	int points;
	char title[ACTIVITY_TITLE_MAX * 4 + 1];
	char place[ACTIVITY_PLACE_MAX * 4 + 1];
	int64_t starts_at, ends_at;
	int capacity;
	int64_t signups, checked_in;   /* places taken, households checked in */
	int64_t created_by, created_at;
	char created_by_name[81];
	/* the actor's own household, when a villager of the village (villager true) */
	bool villager;
	bool mine_signed_up, mine_checked_in;
	int64_t mine_resident_id, mine_claim_id;
	/* what the actor may do */
	bool can_manage;               /* P_POINTS_ADMIN on the village */
};

struct activity_input {
	int64_t village_id, rule_id;
	const char *title, *place;     /* place NULL = "" */
	int64_t starts_at, ends_at;    /* UTC seconds */
	int64_t capacity;
};

struct activity_signup {
	int64_t household_id, resident_id, claim_id;
	const char *household_number, *head_name, *resident_name;
	int64_t signed_at, checked_in_at;   /* checked_in_at 0 = not yet */
};

/* Creates an activity (P_POINTS_ADMIN on the village). The rule must be the village's,
 * in force, valid on the start date and worth positive points; the window must end
 * after it starts, in the future, and last at most ACTIVITY_SPAN_MAX; capacity
 * 1..ACTIVITY_CAPACITY_MAX. Field errors name village_id, rule_id, title, place,
 * starts_at, ends_at, capacity. */
enum result activities_create(struct ctx *c, const struct activity_input *in, int64_t *id);

/* Activities of a village, latest start first: for its villagers and for readers of
 * the village (P_REGISTER_READ). village_id 0 = the villager's own village. */
enum result activities_list(struct ctx *c, int64_t village_id, int limit, int offset, struct activity **out,
		    int *n, int64_t *total);
enum result activities_get(struct ctx *c, int64_t id, struct activity *out);
/* The sign-ups, for readers of the village (not for villagers). */
enum result activities_signups(struct ctx *c, int64_t id, struct activity_signup **out, int *n);

/* A villager signs up a member of their household (resident_id 0 = themselves). */
enum result activities_signup(struct ctx *c, int64_t id, int64_t resident_id);
/* A villager cancels their household's sign-up before the start. */
enum result activities_cancel(struct ctx *c, int64_t id);

/* The current check-in code (P_POINTS_ADMIN on the village), during the check-in
 * window. Requests within the same ACTIVITY_CODE_STEP get the same code. */
enum result activities_checkin_code(struct ctx *c, int64_t id, char token[QRTOKEN_MAX], int64_t *expires);
/* (a) A villager checks their household in with the code they scanned (field "token"). */
enum result activities_checkin_token(struct ctx *c, const char *token, int64_t *activity_id,
			     int64_t *household_id, int64_t *claim_id);
/* (b) A cadre (P_POINTS_ADMIN) checks in the household whose code they scanned (field
 * "household_code"); resident_id (0 = not named) picks the member for a walk-in. */
enum result activities_checkin_household(struct ctx *c, int64_t id, const char *household_code,
				 int64_t resident_id, int64_t *household_id, int64_t *claim_id);

#endif
