/* The two formats of Open311 GeoReport v2 (open311.c): a reply is built once as a
 * jansson value with the standard's element names, then written as JSON or, with
 * libxml2's xmlTextWriter, as XML (a root element, one element per array item, and
 * for nested arrays the wrapper and item names of the standard: endpoints/endpoint,
 * formats/format, attributes/attribute, values/value). Errors are the standard list
 * of {code, description}. */
#ifndef HTTP_EVENTS_OPEN311_H
#define HTTP_EVENTS_OPEN311_H

#include "http/req.h"

enum o311_format { O311_JSON, O311_XML };

/* The format of a path or last segment ending in ".json" or ".xml"; base (when not
 * NULL, size n) gets what comes before the suffix. False for anything else. */
bool o311_format_of(const char *s, enum o311_format *f, char *base, size_t n);
/* Sends doc (an array or object; taken) with status: as JSON, or as XML under the
 * element root, an array's items each under item. Returns RC_OK. */
int o311_reply(struct req *r, int status, enum o311_format f, json_t *doc, const char *root, const char *item);
/* Sends the standard error list with one error. Returns RC_OK (the reply is set). */
int o311_error(struct req *r, enum o311_format f, int status, const char *description);
/* Sends the error of a failed domain call (result rc, message and field errors in
 * r->ctx.err): one entry per field error, the field named as Open311 names it. */
int o311_fail(struct req *r, enum o311_format f, int rc);
/* The standard 404 for a path under /open311/ that names no endpoint, in the format its
 * suffix asks for (JSON otherwise); for the server's fallback, which has no request. */
void o311_not_found(struct _u_response *resp, const char *path);
/* XML text of doc (for the fuzzer and unit tests): a malloc'd NUL-terminated string or
 * NULL. */
char *o311_xml(json_t *doc, const char *root, const char *item, size_t *len);

#endif
