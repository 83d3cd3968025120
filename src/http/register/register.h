/* The register's endpoints: sessions and activation, accounts and grants, households
 * and residents, the roster import, grids and the village map. Calls the kernel and the
 * domain's register feature only. */
#ifndef HTTP_REGISTER_REGISTER_H
#define HTTP_REGISTER_REGISTER_H

#include "http/api.h"

extern const struct route register_routes[];
extern const size_t register_routes_n;

json_t *api_grants_json(struct ctx *c, const struct grant *g, int n);
int api_session_create(struct req *r);
int api_session_get(struct req *r);
int api_session_delete(struct req *r);
int api_password_change(struct req *r);
int api_activation_use(struct req *r);
int api_village_grids(struct req *r);
int api_village_map(struct req *r);
int api_grid_get(struct req *r);
int api_grid_update(struct req *r);
int api_grid_assign(struct req *r);
int api_households_list(struct req *r);
int api_household_create(struct req *r);
int api_household_get(struct req *r);
int api_household_update(struct req *r);
int api_resident_create(struct req *r);
int api_resident_get(struct req *r);
int api_resident_idcard(struct req *r);
int api_resident_update(struct req *r);
int api_resident_activation(struct req *r);
int api_import_households(struct req *r);
int api_import_template(struct req *r);
int api_users_list(struct req *r);
int api_user_create(struct req *r);
int api_user_get(struct req *r);
int api_user_grant(struct req *r);
int api_user_revoke(struct req *r);

#endif
