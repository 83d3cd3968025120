/* Shared by the shop's own files (shop.c, goods.c) only; other modules include shop.h. */
#ifndef DOMAIN_SHOP_INTERNAL_H
#define DOMAIN_SHOP_INTERNAL_H

#include "domain/shop/shop.h"

/* Whether the actor may read shop s: its staff (clerks, administrators, oversight in
 * scope; *staff true) or a villager of a village it serves. */
bool shop_can_read(struct ctx *c, const struct shop *s, bool *staff);

/* Loads a shop for a change that needs P_SHOP_ADMIN: not found for those who may not
 * read it, forbidden for readers. */
int shop_load_for_admin(struct ctx *c, int64_t id, struct shop *s, const char *what);

#endif
