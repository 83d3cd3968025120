/* The kernel's endpoints: health, org units and roles, the audit log and its
 * verification, and the test clock (only with --test-clock). The handlers of health and
 * the test clock live in server.c, which owns the clock. */
#ifndef HTTP_KERNEL_KERNEL_H
#define HTTP_KERNEL_KERNEL_H

#include "http/api.h"

extern const struct route kernel_routes[];
extern const size_t kernel_routes_n;

int api_health(struct req *r);
int api_roles_list(struct req *r);
int api_units_list(struct req *r);
int api_unit_create(struct req *r);
int api_unit_get(struct req *r);
int api_unit_update(struct req *r);
int api_audit_list(struct req *r);
int api_audit_verify(struct req *r);
int api_test_clock(struct req *r);

#endif
