/* Display tokens 大屏令牌: a county admin (P_DISPLAY_ADMIN) issues a named token for a
 * unit; the command-centre screen opened with it shows that unit's dashboard without a
 * login. The token is random, shown once, and only its hash is stored; it is revoked
 * by the admin and then refused with a message saying so. A token reads, never writes:
 * it is accepted by the display's own read endpoint only, where the request reads as a
 * read-only inspector of the unit would (display_actor). */
#ifndef DOMAIN_DISPLAY_H
#define DOMAIN_DISPLAY_H

#include "domain/kernel/ctx.h"

#define DISPLAY_NAME_MAX 40

struct display_token {
	int64_t id, unit_id;
	const char *unit_name, *unit_kind, *name, *created_by_name;
	int64_t created_at, revoked_at;
};

/* Issues a token for unit_id (a county, town or village under P_DISPLAY_ADMIN), audited.
 * token gets the secret, shown once. Field errors: unit_id, name. */
enum result display_token_create(struct ctx *c, int64_t unit_id, const char *name, char token[65], int64_t *id);
/* The tokens of the units where the actor holds P_DISPLAY_ADMIN, newest first. */
enum result display_tokens_list(struct ctx *c, struct display_token **out, int *n);
/* Revokes a token (P_DISPLAY_ADMIN on its unit), audited; a revoked one is a conflict. */
enum result display_token_revoke(struct ctx *c, int64_t id);
/* The token's record when it is valid; RC_NOT_FOUND with a message saying whether it was
 * revoked or never existed. Fills actor with one read-only grant on the token's unit. */
enum result display_open(struct ctx *c, const char *token, struct display_token *out, struct actor *actor);

/* The villages under a unit with the boundaries of their grids (GeoJSON text each),
 * for the screen's map. */
struct display_shape {
	int64_t village_id, town_id, grid_id;
	const char *village_name, *geometry;
};
enum result display_shapes(struct ctx *c, int64_t unit_id, struct display_shape **out, int *n);

/* The tile server the unit's county named in its grid settings, for the screen's map
 * (url "" = none, the map drawn from the boundaries alone), so that the screen, which
 * has no login, need not ask the settings' own endpoint. */
enum result display_tiles(struct ctx *c, int64_t unit_id, const char **url, const char **attribution);

#endif
