/* The village's public page: its home (name, rules in force, current notices) and the
 * QR code of the page's address for the poster on the notice board. No login. */
#ifndef HTTP_PORTAL_PORTAL_H
#define HTTP_PORTAL_PORTAL_H

#include "http/api.h"

extern const struct route portal_routes[];
extern const size_t portal_routes_n;

int api_public_village(struct req *r);
int api_public_village_qr(struct req *r);

#endif
