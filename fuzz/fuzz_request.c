/* Fuzz target: a JSON request body as the server takes it (http/server.c: json_loadb
 * with duplicate keys refused, at most REQ_JSON_MAX) through the request checker
 * (http/req.c req_check_body) with a specification of every field type, then the
 * getters the handlers use. A body the checker passes must hold what the specification
 * says: every field of the right type within its bounds, no unknown field. */
#include <jansson.h>

#include "http/req.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct jfield spec[] = {
	{"name", J_STRING, true, 1, 20},
	{"note", J_STRING, false, 0, 200},
	{"count", J_INT, false, 1, 1000},
	{"amount", J_NUMBER, false, -100, 100},
	{"done", J_BOOL, false, 0, 0},
	{"extra", J_OBJECT, false, 0, 0},
	{0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	struct req r;
	memset(&r, 0, sizeof(r));
	r.ctx.arena = arena_new(8u << 20);
	if (!r.ctx.arena)
		return 0;
	json_error_t jerr;
	r.body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (r.body && !json_is_object(r.body)) {
		json_decref(r.body);
		r.body = NULL;
	}
	int rc = req_check_body(&r, spec);
	if (rc == RC_OK) {
		if (!r.body || r.ctx.err.nfields)
			abort();
		const char *key;
		json_t *v;
		json_object_foreach(r.body, key, v) {
			bool known = false;
			for (const struct jfield *f = spec; f->name; f++)
				known |= !strcmp(f->name, key);
			if (!known)
				abort();
		}
		const char *name = req_str(&r, "name");
		if (!name || !utf8_valid(name, strlen(name)) || utf8_count(name) < 1 || utf8_count(name) > 20)
			abort();
		int64_t n = req_int(&r, "count", 1);
		if (n < 1 || n > 1000)
			abort();
		double d = req_number(&r, "amount", 0);
		if (d < -100 || d > 100)
			abort();
		(void)req_bool(&r, "done", false);
		(void)req_has(&r, "extra");
	} else if (rc != RC_INVALID || (r.body && r.ctx.err.nfields == 0)) {
		abort();
	}
	json_decref(r.body);
	arena_free(r.ctx.arena);
	return 0;
}
