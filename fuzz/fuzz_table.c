/* Fuzz target: roster files, CSV and XLSX, through the table readers (util/table.c, util/table_xlsx.c). */
#include <stddef.h>
#include <stdint.h>

#include "util/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table t;
	char err[256];
	if (table_read((const char *)data, size, &t, err, sizeof(err)) == 0)
		table_release(&t);
	return 0;
}
