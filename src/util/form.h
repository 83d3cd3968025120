/* application/x-www-form-urlencoded bodies (the Open311 POST): name=value pairs joined
 * by '&', '+' for a space and %XX escapes. The parser is strict and bounded: at most
 * FORM_FIELDS_MAX pairs, names of at most FORM_NAME_MAX bytes made of letters, digits
 * and "_.-[]", values of at most FORM_VALUE_MAX bytes, every decoded name and value
 * valid UTF-8 without NUL, no name twice. It takes the body's bytes as they came (no
 * terminator needed) and copies what it keeps into the arena. */
#ifndef UTIL_FORM_H
#define UTIL_FORM_H

#include "util/arena.h"

#define FORM_BODY_MAX (64 * 1024)
#define FORM_FIELDS_MAX 64
#define FORM_NAME_MAX 64
#define FORM_VALUE_MAX (16 * 1024)

struct form_field {
	const char *name, *value;
};

struct form {
	int n;
	struct form_field fields[FORM_FIELDS_MAX];
};

enum form_error {
	FORM_OK = 0,
	FORM_TOO_LARGE,      /* the body is over FORM_BODY_MAX */
	FORM_TOO_MANY,       /* more than FORM_FIELDS_MAX pairs */
	FORM_BAD_NAME,       /* empty, too long or with a character outside the set */
	FORM_BAD_ESCAPE,     /* '%' not followed by two hex digits */
	FORM_BAD_TEXT,       /* a decoded name or value is not UTF-8 or holds NUL */
	FORM_VALUE_TOO_LONG, /* a value over FORM_VALUE_MAX bytes */
	FORM_DUPLICATE,      /* a name given twice */
	FORM_NO_MEMORY,
};

/* Parses body[0..len) into out. On an error, *bad (when not NULL) points at the
 * offending name when there is one (in the arena), else is NULL. */
enum form_error form_parse(struct arena *a, const char *body, size_t len, struct form *out, const char **bad);
/* The value of name, or NULL when absent. */
const char *form_get(const struct form *f, const char *name);
/* A message in Chinese for an error, for the people who see it. */
const char *form_error_text(enum form_error e);

#endif
