/* The endpoints of village finance 村级财务 (api_finance.c): the chart of accounts,
 * entries with their vouchers and the two-person approval, monthly statements and their
 * publishing, the XLSX exports. They call domain/finance and the kernel. */
#ifndef HTTP_FINANCE_H
#define HTTP_FINANCE_H

#include "http/api.h"

extern const struct route finance_routes[];
extern const size_t finance_routes_n;

int api_finance_categories(struct req *r);
int api_finance_entries_list(struct req *r);
int api_finance_entry_create(struct req *r);
int api_finance_entry_get(struct req *r);
int api_finance_entry_update(struct req *r);
int api_finance_entry_approve(struct req *r);
int api_finance_entry_reject(struct req *r);
int api_finance_entry_withdraw(struct req *r);
int api_finance_voucher(struct req *r);
int api_finance_statements_list(struct req *r);
int api_finance_statement_month(struct req *r);
int api_finance_statement_get(struct req *r);
int api_finance_statement_publish(struct req *r);
int api_finance_export_entries(struct req *r);
int api_finance_export_statements(struct req *r);

#endif
