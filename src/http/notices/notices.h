/* The notices' endpoints (通知): publishing, read receipts, awareness. */
#ifndef HTTP_NOTICES_NOTICES_H
#define HTTP_NOTICES_NOTICES_H

#include "http/api.h"

extern const struct route notices_routes[];
extern const size_t notices_routes_n;

int api_notices_list(struct req *r);
int api_notice_create(struct req *r);
int api_notice_get(struct req *r);
int api_notice_revise(struct req *r);
int api_notice_withdraw(struct req *r);
int api_notice_read(struct req *r);
int api_notice_unread(struct req *r);

#endif
