/* Shared inside domain/finance only: the village a call names, the frozen line, the
 * chart of accounts read once per request, amounts as text. */
#ifndef DOMAIN_FINANCE_INTERNAL_H
#define DOMAIN_FINANCE_INTERNAL_H

#include "domain/finance/finance.h"
#include "domain/kernel/access.h"
#include "util/buf.h"

#define FIN_ANY_READ (P_FINANCE_ENTER | P_FINANCE_APPROVE | P_FINANCE_READ)

/* The village named by id for a call needing perm (a mask): a field error on field
 * when it is not a village, else 404 / 403 by access_refusal. */
int fin_village(struct ctx *c, int64_t id, const char *field, perm_t perm, struct org_unit *v);
/* The last published month of the village ("" when none) into month[8]. */
int fin_frozen_month(struct ctx *c, int64_t village_id, char month[8]);
/* True when the date YYYY-MM-DD lies in or before the month YYYY-MM ("" = never). */
bool fin_date_frozen(const char *date, const char *frozen_month);
/* The chart of accounts (request memory). */
int fin_chart(struct ctx *c, struct fin_category **out, int *n);
const struct fin_category *fin_chart_find(const struct fin_category *cats, int n, const char *code);
/* "1,234.56" from 分. */
void fin_yuan(int64_t fen, char out[32]);
/* Inside a transaction: serialises the changes of one village's books (a row lock on
 * the village in PostgreSQL; SQLite's write transactions are serial already), so an
 * entry cannot slip into a month while it is being published. */
int fin_lock_village(struct ctx *c, int64_t village_id);
/* True for YYYY-MM with a month 01..12. */
bool fin_month_valid(const char *s);
/* The village of the actor as a villager (0 when none). */
int64_t fin_my_village(struct ctx *c);

#endif
