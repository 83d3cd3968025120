/* Content codings: which one a request's Accept-Encoding header prefers among those a
 * reply can offer (RFC 9110 §12.5.3), and gzip compression of a reply body. */
#ifndef UTIL_ACCEPT_H
#define UTIL_ACCEPT_H

#include "util/buf.h"

enum coding { CODING_IDENTITY = 0, CODING_GZIP = 1, CODING_BR = 2 };
#define CODING_BIT(c) (1u << (c))

/* The offered coding (a set of CODING_BIT) with the highest q-value above 0 in the
 * header; on a tie br before gzip. Nothing is ever refused: a missing or malformed
 * header, or one that accepts none of the offered codings (even "identity;q=0"),
 * gives CODING_IDENTITY. Elements that do not parse are ignored; a coding named
 * twice keeps its last q. "*" stands for every coding the header does not name. */
enum coding accept_coding(const char *header, unsigned offered);

/* The coding's name for Content-Encoding ("" for identity). */
const char *coding_name(enum coding c);

/* Appends the gzip (RFC 1952) form of data to out; 0, or -1 when zlib or the buffer
 * failed. */
int gzip_compress(const void *data, size_t len, int level, struct buf *out);

#endif
