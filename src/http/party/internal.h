/* What the endpoint files of party building share (common.c); not for other features. */
#ifndef HTTP_PARTY_INTERNAL_H
#define HTTP_PARTY_INTERNAL_H

#include "domain/party/party.h"
#include "http/party/party.h"

#define ID_MAX (INT64_MAX / 2)

/* A domain row, or rows, as JSON: every value by its type, child rows as arrays; the
 * internal names (path, asked_by, user_id) left out. */
json_t *pa_row_json(const struct party_row *r);
json_t *pa_rows_json(const struct party_rows *rows);
/* The reply: rc when it failed, else one row, {items}, a page, or 201 with {id}. */
int pa_reply_row(struct req *r, int rc, const struct party_row *row);
int pa_reply_items(struct req *r, int rc, const struct party_rows *rows);
int pa_reply_page(struct req *r, int rc, const struct party_rows *rows, int limit, int offset);
int pa_reply_created(struct req *r, int rc, const int64_t *id);
/* An id in the query (0 when absent; a field error when malformed). */
int64_t pa_query_id(struct req *r, const char *name);
/* Takes an array of photo hashes out of the body (kept in the returned reference, which
 * the caller releases); *n -1 when absent. */
json_t *pa_take_photos(struct req *r, const char *field, const char **out, int *n);
/* An ISO time field: 0 when absent; a field error when malformed. */
int64_t pa_body_time(struct req *r, const char *name, const char *label);

/* A domain read of one object by id. */
typedef int (*pa_row_fn)(struct ctx *c, int64_t id, struct party_row *out);
/* rc when a change failed; else the object id read by get, as JSON. */
int pa_reply_after(struct req *r, int rc, int64_t id, pa_row_fn get);
/* The object named by the path's :id read by get, as JSON (400/404 as the path says). */
int pa_reply_by_id(struct req *r, pa_row_fn get);

#endif
