/* What the modules of the transparency feature share among themselves: units, the
 * villager's village, lists of stored files (common.c), the county's settings
 * (settings.c), one disclosure as its reader sees it (disclosures.c) and its questions
 * (questions.c). Not for other features (they include transparency.h). */
#ifndef DOMAIN_TRANSPARENCY_INTERNAL_H
#define DOMAIN_TRANSPARENCY_INTERNAL_H

#include "domain/transparency/transparency.h"

/* A village, town or county named by a query or body field: RC_INVALID with the error
 * on field when it does not exist or is another kind of unit. */
int tr_read_unit(struct ctx *c, int64_t id, const char *field, struct org_unit *u);
/* The village of the actor when they are a villager with a household there. */
bool tr_villager_village(struct ctx *c, int64_t *village_id, char path[ORG_PATH_MAX]);
/* The settings of the county at the root of path (defaults when none are stored). */
int tr_settings_of(struct ctx *c, const char *path, struct disc_settings *out);
/* Checks a list of file hashes given by the actor: stored, uploaded by them (the
 * command line may use any), not repeated, images only when images_only. */
void tr_check_files(struct ctx *c, const char *field, const char *const *files, int n, bool images_only,
		    const char *what);
/* "h1,h2" ↔ hashes. */
char *tr_join(struct ctx *c, const char *const *files, int n);
int tr_split(const char *s, char out[][FILES_HASH_LEN + 1], int max);
/* "published" or "withdrawn", and the WHERE term of a status filter (NULL: bad). */
const char *tr_status_where(const char *status, const char *alias_withdrawn);

/* One disclosure by id as the actor sees it (my_village: the villager's village, for
 * "mine" flags); RC_NOT_FOUND when there is none. */
int tr_load_item(struct ctx *c, int64_t id, struct disclosure *d, int64_t my_village);
/* Whether the actor (or the public page of public_village) may see the item: 404
 * otherwise, 401 without a session. */
int tr_check_visible(struct ctx *c, const struct disclosure *d, int64_t public_village);
/* The item's questions, oldest first (names in full when d->full_names). */
int tr_load_questions(struct ctx *c, struct disclosure *d);

#endif
