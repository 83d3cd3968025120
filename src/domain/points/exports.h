/* XLSX exports of the points system (libxlsxwriter): a household's ledger, a village's
 * ledger for a period and a published ranking. Headers are in Chinese, points are
 * numbers, times are text "YYYY-MM-DD HH:MM" in Asia/Shanghai. */
#ifndef DOMAIN_EXPORTS_H
#define DOMAIN_EXPORTS_H

#include "domain/kernel/xlsx.h"

/* A household's ledger, oldest first, with running balances: the villager of that
 * household or P_REGISTER_READ on its village (RC_NOT_FOUND for anyone else, as for
 * the household itself). from and to are dates YYYY-MM-DD (Asia/Shanghai, both
 * included) or NULL for open; with from, the first row carries the opening balances. */
enum result export_household_ledger(struct ctx *c, int64_t household_id, const char *from, const char *to,
			    struct export_file *out);

/* A village's ledger for a period (dates as above; both required), oldest first:
 * P_REGISTER_READ on the village. */
enum result export_village_ledger(struct ctx *c, int64_t village_id, const char *from, const char *to,
			  struct export_file *out);

/* A published ranking (sheets 排行榜, 红榜, 黑榜, 说明); public. */
enum result export_ranking(struct ctx *c, int64_t ranking_id, struct export_file *out);

#endif
