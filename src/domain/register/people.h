/* The village register: households and residents. ID-card numbers are sealed at rest,
 * found through a keyed hash, and shown masked unless the actor holds P_PII_READ on
 * the village. Reads and writes are scoped by role (see access.h). */
#ifndef DOMAIN_PEOPLE_H
#define DOMAIN_PEOPLE_H

#include "domain/kernel/ctx.h"
#include "util/idcard.h"

#define PEOPLE_NAME_MAX 20       /* characters */
#define PEOPLE_NUMBER_MAX 20
#define PEOPLE_ADDRESS_MAX 100
#define PEOPLE_PAGE_MAX 200

/* SQL: the name of the head of the household whose id is the SQL expression hh, and the
 * household's contact phone (the head's, else the first member's that has one); "" when
 * there is none. Read from the view household_heads (migration 007), the one place that
 * knows how a head is found. */
#define PEOPLE_HEAD_NAME(hh)                                                                        \
	"(SELECT hh_head.head_name FROM household_heads hh_head WHERE hh_head.household_id = " hh ")"
#define PEOPLE_HEAD_PHONE(hh)                                                                       \
	"(SELECT hh_head.phone FROM household_heads hh_head WHERE hh_head.household_id = " hh ")"

/* Where a household sits: the paths of its village, group and grid ("" when it has
 * none), for the access checks (access_can_household). */
struct hh_place {
	int64_t village_id;
	char village[ORG_PATH_MAX], group[ORG_PATH_MAX], grid[ORG_PATH_MAX];
};
#define HH_PATHS(pl) (&(struct hh_paths){(pl).village, (pl).group, (pl).grid})

struct household {
	int64_t id, village_id, group_id, grid_id;
	char village_name[161], group_name[161], grid_name[161];
	char number[PEOPLE_NUMBER_MAX * 4 + 1];
	char address[PEOPLE_ADDRESS_MAX * 4 + 1];
	bool has_coords;
	int64_t lat_e6, lng_e6;
	int64_t created_at, updated_at;
	int64_t residents;
	char head_name[PEOPLE_NAME_MAX * 4 + 1];
};

struct resident {
	int64_t id, household_id;
	char name[PEOPLE_NAME_MAX * 4 + 1];
	int gender;                        /* 1 男, 2 女 */
	char birth_date[11];
	int age;
	char idcard[IDCARD_LEN + 1];       /* full, or masked when !idcard_full */
	bool idcard_full;
	bool idcard_revealable;            /* the reader may reveal it (people_resident_idcard) */
	char phone[24];
	char relation[16];
	int party_member;                  /* 0 群众, 1 中共党员, 2 中共预备党员 */
	int64_t user_id;                   /* account, 0 if none */
	char account_status[12];           /* "", pending, active, disabled */
	int64_t created_at, updated_at;
};

struct household_input {
	int64_t village_id;      /* create only */
	int64_t group_id;        /* 0 = none */
	int64_t grid_id;         /* 0 = none; on update -1 = unchanged */
	const char *number;
	const char *address;     /* NULL = "" */
	bool has_coords;
	bool clear_coords;       /* update only: remove the coordinates */
	int64_t lat_e6, lng_e6;
};

struct resident_input {
	int64_t household_id;
	const char *name;
	int gender;              /* 0 = take from the ID number */
	const char *birth_date;  /* NULL = take from the ID number */
	const char *idcard;
	const char *phone;       /* NULL or "" = none */
	const char *relation;
	int party_member;
};

struct household_query {
	int64_t unit_id;   /* 0 = the whole scope of the actor */
	const char *q;     /* household number, address, a resident's name or phone, or an exact ID number */
	bool registered;   /* only households with an active villager account (入住) */
	int limit, offset;
};

/* The allowed relations to the head of household, ended by NULL. */
extern const char *const people_relations[];
extern const char *const people_party_labels[];  /* index = party_member */

/* Validation shared with the roster import: adds field errors to c->err using the
 * field names of the JSON API. A NULL field in an update input means "unchanged". */
void people_check_household(struct ctx *c, const struct household_input *in);
void people_check_resident(struct ctx *c, const struct resident_input *in, char idcard[IDCARD_LEN + 1]);
bool people_phone_valid(const char *phone);

enum result people_household_list(struct ctx *c, const struct household_query *q, struct household **out,
			  int *n, int64_t *total);
/* Where a household sits, without access checks: RC_NOT_FOUND when there is none. */
enum result people_household_place(struct ctx *c, int64_t id, struct hh_place *out);
enum result people_household_get(struct ctx *c, int64_t id, struct household *out);
/* The checks of a household's page alone (people_household_get's errors) for a reply
 * kept from an earlier request (http/reply_cache.h): the household's village and
 * whether the reader sees birth dates (P_PII_READ there), the one part of the page that
 * differs between readers. */
enum result people_household_reader(struct ctx *c, int64_t id, int64_t *village_id, bool *pii);
/* The checks of people_household_list for a unit (q->unit_id; the same errors) and the
 * unit's village when the unit is a village, group or grid (0 above a village), for a
 * reply kept from an earlier request. */
enum result people_household_list_village(struct ctx *c, int64_t unit_id, int64_t *village_id);
/* The residents of a household (head first). */
enum result people_household_residents(struct ctx *c, int64_t household_id, struct resident **out, int *n);
/* Who looks after a household in the field: the active users granted grid_worker or
 * grid_leader on its grid, or when there is none on its group, or else on its village,
 * with their phones (for the household to call them). */
struct grid_contact {
	int64_t user_id;
	const char *name, *phone, *role;
};
/* The household's page, read once for readers of the household: the household, its
 * residents (as people_household_residents) and its grid workers. */
struct household_page {
	struct household h;
	struct resident *members;
	int nmembers;
	struct grid_contact *workers;
	int nworkers;
};
enum result people_household_page(struct ctx *c, int64_t id, struct household_page *out);
enum result people_household_create(struct ctx *c, const struct household_input *in, int64_t *id);
/* Changes number, address, coordinates and group (moving it between groups of its village);
 * out is the household's page after the change. */
enum result people_household_update(struct ctx *c, int64_t id, const struct household_input *in,
				    struct household_page *out);

/* The resident with the ID-card number masked (the birth date only with P_PII_READ). */
enum result people_resident_get(struct ctx *c, int64_t id, struct resident *out);
/* The full ID-card number of a resident and their name, for a reader with P_PII_READ on
 * the village: each reveal is audited (who saw whose number). 404 outside the reader's
 * households, 403 for a reader who sees the household without the permission. */
enum result people_resident_idcard(struct ctx *c, int64_t id, char idcard[IDCARD_LEN + 1],
				   char name[PEOPLE_NAME_MAX * 4 + 1]);
enum result people_resident_create(struct ctx *c, const struct resident_input *in, int64_t *id);
/* Updates the resident; a different household_id moves them (write access on both). */
enum result people_resident_update(struct ctx *c, int64_t id, const struct resident_input *in);
/* Finds a resident by ID-card number within the actor's scope. */
enum result people_resident_find_idcard(struct ctx *c, const char *idcard, int64_t *id);

/* Lower-level pieces used inside a transaction by the import and the demo (no access
 * checks, no transaction of their own; they do write the audit log). */
enum result people_insert_household(struct ctx *c, int64_t village_id, const struct household_input *in,
			    int64_t *id);
enum result people_insert_resident(struct ctx *c, int64_t village_id, const struct resident_input *in,
			   const char *idcard, int64_t *id);
/* Changes of an existing household or resident inside the caller's transaction (no
 * access checks): the UPDATE and its audit entry, with before/after snapshots from
 * old (the stored state) and in (the whole new state). Nothing is written, and
 * *changed stays false, when the snapshots do not differ. A household keeps the
 * coordinates given in in; a different group is audited as "move". A resident's ID
 * number, gender and birth date stay (mask is the stored masked number); a different
 * household_id is audited as "move" (same village: the caller checks). */
enum result people_apply_household(struct ctx *c, int64_t village_id, int64_t id,
			   const struct household_input *old, const struct household_input *in,
			   bool *changed);
enum result people_apply_resident(struct ctx *c, int64_t village_id, int64_t id,
			  const struct resident_input *old, const char *mask,
			  const struct resident_input *in, bool *changed);
/* Sealed form and lookup hash of a normalised ID number. */
enum result people_seal_idcard(struct ctx *c, const char *idcard, char *enc, size_t enclen,
		       char hash[CRYPTO_HASH_HEX]);

#endif
