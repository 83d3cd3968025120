/* The endpoints of transparency 三务公开 (api_disclosures.c: items, attachments,
 * questions, the schedule settings and the late board, and their public pages) and of
 * the village timeline 大事记 (api_chronicle.c), with what both use (common.c). They
 * call domain/transparency and the kernel. */
#ifndef HTTP_TRANSPARENCY_H
#define HTTP_TRANSPARENCY_H

#include "http/api.h"

extern const struct route transparency_routes[];
extern const size_t transparency_routes_n;

int api_disclosures_list(struct req *r);
int api_disclosure_create(struct req *r);
int api_disclosure_get(struct req *r);
int api_disclosure_revise(struct req *r);
int api_disclosure_withdraw(struct req *r);
int api_disclosure_file(struct req *r);
int api_disclosure_ask(struct req *r);
int api_disclosure_questions(struct req *r);
int api_disclosure_answer(struct req *r);
int api_disclosure_board(struct req *r);
int api_disclosure_settings_get(struct req *r);
int api_disclosure_settings_put(struct req *r);
int api_public_disclosures(struct req *r);
int api_public_disclosure_get(struct req *r);
int api_public_disclosure_file(struct req *r);

int api_chronicle_list(struct req *r);
int api_chronicle_create(struct req *r);
int api_chronicle_get(struct req *r);
int api_chronicle_revise(struct req *r);
int api_chronicle_withdraw(struct req *r);
int api_chronicle_photo(struct req *r);
int api_public_chronicle(struct req *r);
int api_public_chronicle_photo(struct req *r);

/* Reads file n of document id (a disclosure's attachment, an entry's photo) as the
 * caller, or the public page of public_village, may see it. */
typedef enum result (*transparency_file_loader)(struct ctx *c, int64_t id, int n, int64_t public_village,
						char mime[16], const void **data, size_t *len);
/* The file handler's whole path: ":id" and ":n" from the path (on a public page, public:
 * ":id" the village and ":item" the document), the file through load, sent as
 * req_reply_image. */
int transparency_reply_file(struct req *r, bool public, transparency_file_loader load);

#endif
