/* The route table of village finance 村级财务; src/http/routes.c joins the tables. */
#include "http/finance/finance.h"

const struct route finance_routes[] = {
	{"GET", "/api/v1/finance/categories", api_finance_categories, 0},
	{"GET", "/api/v1/finance/entries", api_finance_entries_list, 0},
	{"POST", "/api/v1/finance/entries", api_finance_entry_create, RF_JSON},
	{"GET", "/api/v1/finance/entries/:id", api_finance_entry_get, 0},
	{"PATCH", "/api/v1/finance/entries/:id", api_finance_entry_update, RF_JSON},
	{"POST", "/api/v1/finance/entries/:id/approve", api_finance_entry_approve, RF_JSON},
	{"POST", "/api/v1/finance/entries/:id/reject", api_finance_entry_reject, RF_JSON},
	{"POST", "/api/v1/finance/entries/:id/withdraw", api_finance_entry_withdraw, RF_JSON},
	{"GET", "/api/v1/finance/entries/:id/vouchers/:n", api_finance_voucher, 0},
	{"GET", "/api/v1/finance/statements", api_finance_statements_list, 0},
	{"POST", "/api/v1/finance/statements", api_finance_statement_publish, RF_JSON},
	{"GET", "/api/v1/finance/statements/:id", api_finance_statement_get, 0},
	{"GET", "/api/v1/finance/month", api_finance_statement_month, 0},
	{"GET", "/api/v1/finance/entries-export.xlsx", api_finance_export_entries, 0},
	{"GET", "/api/v1/finance/statements-export.xlsx", api_finance_export_statements, 0},
};

const size_t finance_routes_n = ARRAY_SIZE(finance_routes);
