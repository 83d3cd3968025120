/* Shared inside the demo county generator only (demo.c and demo_people.c): its seeded
 * generator (demo_rng.h), the villages being filled and the run's state. */
#ifndef CLI_DEMO_PEOPLE_H
#define CLI_DEMO_PEOPLE_H

#include "cli/demo.h"
#include "cli/demo_rng.h"
#include "domain/register/people.h"

#define MAX_GROUPS 8

/* The groups' names, the first ngroups of them in every village. */
extern const char *const demo_group_names[MAX_GROUPS];

struct village_spec {
	const char *name;
	int dom1, dom2;   /* the village's two big families: indexes into surnames[] */
	int offset;       /* households beyond the 555 average (county scale) */
};

/* State shared across the whole run: unique ID-card sequences and phone numbers. */
struct gen {
	struct ctx *c;
	int64_t ref_days;      /* ages are counted to this date */
	int64_t min_days;      /* 1900-01-01 */
	uint16_t *seq;         /* per (birth date, gender): ID-card sequence numbers used */
	int64_t nseq;
	int64_t phones;        /* phone numbers handed out */
	struct demo_logins *out;
	int64_t villager_resident;
	char villager_name[PEOPLE_NAME_MAX * 4 + 1];
	char villager_phone[24];
};

struct village {
	const struct village_spec *spec;
	struct rng r;
	int64_t id;
	int ngroups;
	int64_t groups[MAX_GROUPS];
	int households;
	int lat_e6, lng_e6;
};

/* Every household of a village with its residents, inside the caller's transaction
 * (demo_people.c). */
int demo_fill_village(struct gen *g, struct village *v);

#endif
