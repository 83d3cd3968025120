/* Roster import (placeholder until the import module lands). */
#include "http/api.h"

int api_import_households(struct req *r) { return ctx_fail(&r->ctx, RC_INTERNAL, "pending"); }
int api_import_template(struct req *r) { return ctx_fail(&r->ctx, RC_INTERNAL, "pending"); }
