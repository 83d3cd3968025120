/* libFuzzer target for the urlencoded form parser (util/form.c), the body of the
 * Open311 POST: any bytes in, and on success every field within its bounds, valid
 * UTF-8, names from the allowed set, no name twice. Built by `make fuzz`. */
#include "util/form.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(8u << 20);
	if (!a)
		return 0;
	struct form f;
	const char *bad = NULL;
	enum form_error e = form_parse(a, (const char *)data, size, &f, &bad);
	if (e == FORM_OK) {
		if (f.n < 0 || f.n > FORM_FIELDS_MAX)
			__builtin_trap();
		for (int i = 0; i < f.n; i++) {
			size_t nl = strlen(f.fields[i].name), vl = strlen(f.fields[i].value);
			if (nl == 0 || nl > FORM_NAME_MAX || vl > FORM_VALUE_MAX || !utf8_valid(f.fields[i].name, nl) ||
			    !utf8_valid(f.fields[i].value, vl))
				__builtin_trap();
			for (int j = 0; j < i; j++)
				if (!strcmp(f.fields[i].name, f.fields[j].name))
					__builtin_trap();
			if (form_get(&f, f.fields[i].name) != f.fields[i].value)
				__builtin_trap();
		}
	} else if (bad && strlen(bad) > 3 * (size_t)FORM_VALUE_MAX) {
		__builtin_trap();
	}
	arena_free(a);
	return 0;
}
