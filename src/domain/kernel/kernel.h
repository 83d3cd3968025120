/* The kernel: what every feature stands on. The request context and the one result
 * type (ctx.h), roles, permissions and scope (access.h), the audit chain writer
 * (audit.h) and the log viewer (audit_log.h), org units (org.h), "rows under the
 * caller's grants" for list queries (scope.h), uploaded files (files.h), signed QR
 * tokens (token.h), XLSX files (xlsx.h) and the holiday calendar of working-day
 * deadlines (calendar.h, shared by events and lists). The kernel calls util/ and db/ only,
 * never a feature; any feature may include any kernel header. */
#ifndef DOMAIN_KERNEL_H
#define DOMAIN_KERNEL_H

#include "domain/kernel/access.h"
#include "domain/kernel/audit.h"
#include "domain/kernel/audit_log.h"
#include "domain/kernel/ctx.h"
#include "domain/kernel/files.h"
#include "domain/kernel/org.h"
#include "domain/kernel/scope.h"
#include "domain/kernel/token.h"
#include "domain/kernel/xlsx.h"

#endif
