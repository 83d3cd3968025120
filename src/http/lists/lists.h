/* Lists 清单制 over HTTP: the county's templates, a village's adopted lists and their
 * versions, execution records with their steps, photos and outcome, the statistics with
 * their XLSX, the overdue board, and the public pages' data. Calls the kernel and the
 * domain's lists feature. Its route table (routes.c beside this file) is joined in
 * src/http/routes.c. */
#ifndef HTTP_LISTS_LISTS_H
#define HTTP_LISTS_LISTS_H

#include "domain/lists/lists.h"
#include "http/api.h"

extern const struct route lists_routes[];
extern const size_t lists_routes_n;

/* api_lists.c */
int api_list_templates(struct req *r);
int api_list_template_create(struct req *r);
int api_list_template_update(struct req *r);
int api_lists_current(struct req *r);
int api_list_item_get(struct req *r);
int api_list_versions(struct req *r);
int api_list_version_create(struct req *r);
int api_public_lists(struct req *r);
int api_public_list_outcomes(struct req *r);
/* api_executions.c */
int api_executions_list(struct req *r);
int api_execution_create(struct req *r);
int api_execution_get(struct req *r);
int api_execution_photo(struct req *r);
int api_execution_step_photo(struct req *r);
int api_execution_step(struct req *r);
int api_execution_close(struct req *r);
int api_list_stats(struct req *r);
int api_list_board(struct req *r);

/* Shared by the two files: JSON of items and records. */
json_t *lists_item_json(const struct list_item *it);
json_t *lists_exec_json(const struct list_execution *x, bool detail);
json_t *lists_version_json(const struct list_version *v);

#endif
