/* The points shop's endpoints: shops, goods, stock and reports, and the counter (cards,
 * redemption, returns, pre-orders, receipts). Calls the kernel and the domain's shop
 * feature (and the points' public header for balances). */
#ifndef HTTP_SHOP_SHOP_H
#define HTTP_SHOP_SHOP_H

#include "http/api.h"

extern const struct route shop_routes[];
extern const size_t shop_routes_n;

int api_shops_list(struct req *r);
int api_shops_create(struct req *r);
int api_shop_get(struct req *r);
int api_shop_update(struct req *r);
int api_shop_windows_list(struct req *r);
int api_shop_windows_create(struct req *r);
int api_shop_window_delete(struct req *r);
int api_shop_goods_list(struct req *r);
int api_shop_goods_create(struct req *r);
int api_goods_get(struct req *r);
int api_goods_update(struct req *r);
int api_goods_photo(struct req *r);
int api_goods_stock_in(struct req *r);
int api_goods_adjust(struct req *r);
int api_shop_stock_ledger(struct req *r);
int api_shop_stock_ledger_export(struct req *r);
int api_shop_low_stock(struct req *r);
int api_shop_reports(struct req *r);
int api_shop_reports_export(struct req *r);
int api_card_issue(struct req *r);
int api_cards_list(struct req *r);
int api_card_get(struct req *r);
int api_card_revoke(struct req *r);
int api_card_qr_png(struct req *r);
int api_card_qr_svg(struct req *r);
int api_counter_households(struct req *r);
int api_counter_lookup(struct req *r);
int api_counter_redeem(struct req *r);
int api_counter_return(struct req *r);
int api_receipt_get(struct req *r);
int api_household_receipts(struct req *r);
int api_preorder_create(struct req *r);
int api_preorders_list(struct req *r);
int api_preorder_get(struct req *r);
int api_preorder_collect(struct req *r);
int api_preorder_cancel(struct req *r);

#endif
