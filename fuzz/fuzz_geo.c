/* Fuzz target: GeoJSON grid boundaries (util/geo.c), as a request body brings them. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *g = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!g)
		return 0;
	char err[256];
	if (geo_check(g, err, sizeof(err)) == 0) {
		(void)geo_positions(g);
		(void)geo_contains(g, 103.88, 29.15);
	}
	json_decref(g);
	return 0;
}
