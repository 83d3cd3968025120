/* The endpoints of transparency 三务公开 (api_disclosures.c: items, attachments,
 * questions, the schedule settings and the late board, and their public pages) and of
 * the village timeline 大事记 (api_chronicle.c). They call domain/transparency and the
 * kernel. */
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

#endif
