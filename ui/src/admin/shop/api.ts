// The village shop 积分超市 in the console: shops and their opening windows, goods and
// stock moves, the counter (lookup, redemption, pre-orders, returns, receipts), household
// cards, the reports and the stock ledger.
import { api, withQuery, type Query } from '@/shared/api';
import type {
  CounterLookup, Goods, GoodsMove, HouseholdCard, Page, Preorder, Receipt, Shop, ShopReport, ShopWindow, StockLedger,
} from '@/shared/types';

export type {
  CounterGoods, CounterLookup, Goods, GoodsMove, HouseholdCard, Page, Preorder, Receipt, Shop, ShopReport, ShopWindow, StockLedger,
  StockLedgerRow,
} from '@/shared/types';

// shops and their opening windows
export const listShops = (q?: Query) => api.get<{ items: Shop[] }>('/api/v1/shops', q);
export const getShop = (id: number) => api.get<Shop>(`/api/v1/shops/${id}`);
export const createShop = (body: Record<string, unknown>) => api.post<Shop>('/api/v1/shops', body);
export const updateShop = (id: number, body: Record<string, unknown>) => api.patch<Shop>(`/api/v1/shops/${id}`, body);
export const shopWindows = (shopId: number, q?: Query) => api.get<{ items: ShopWindow[] }>(`/api/v1/shops/${shopId}/windows`, q);
export const addShopWindow = (shopId: number, body: Record<string, unknown>) => api.post(`/api/v1/shops/${shopId}/windows`, body);
export const deleteShopWindow = (id: number) => api.del(`/api/v1/shop-windows/${id}`);

// goods and stock
export const shopGoods = (shopId: number) => api.get<{ items: Goods[] }>(`/api/v1/shops/${shopId}/goods`);
export const lowStock = (shopId: number) => api.get<{ items: Goods[] }>(`/api/v1/shops/${shopId}/low-stock`);
export const createGoods = (shopId: number, body: Record<string, unknown>) => api.post<Goods>(`/api/v1/shops/${shopId}/goods`, body);
export const updateGoods = (id: number, body: Record<string, unknown>) => api.patch<Goods>(`/api/v1/goods/${id}`, body);
export const stockIn = (goodsId: number, body: Record<string, unknown>) => api.post<GoodsMove>(`/api/v1/goods/${goodsId}/stock-in`, body);
export const adjustStock = (goodsId: number, body: { kind: string; quantity: number; reason: string }) =>
  api.post<GoodsMove>(`/api/v1/goods/${goodsId}/adjustments`, body);
// a photo (of goods, of a delivery note) uploaded as it is

// the counter; the redemption, a pre-order's collection and a return are sent with
// their idempotency keys by counter.ts (sendKeyed) to these paths
export const lookupHousehold = (shopId: number, code: string, pin?: string) =>
  api.post<CounterLookup>('/api/v1/counter/lookup', { shop_id: shopId, code, pin });
export const REDEEM_PATH = '/api/v1/counter/redeem';
export const RETURN_PATH = '/api/v1/counter/returns';
export const collectPath = (preorderId: number) => `/api/v1/preorders/${preorderId}/collect`;
export interface FoundHousehold { id: number; number: string; village_name: string; masked_name: string }
export const findHouseholds = (q: Query) => api.get<{ items: FoundHousehold[]; more: boolean }>('/api/v1/counter/households', q);
export const listPreorders = (q: Query) => api.get<Page<Preorder>>('/api/v1/preorders', q);
export const cancelPreorder = (id: number) => api.post(`/api/v1/preorders/${id}/cancel`);
export const householdReceipts = (householdId: number, limit: number) =>
  api.get<Page<Receipt>>(`/api/v1/households/${householdId}/receipts`, { limit });
export const getReceipt = (id: number) => api.get<Receipt>(`/api/v1/receipts/${id}`);

// household cards
export const householdCards = (householdId: number) => api.get<{ items: HouseholdCard[] }>(`/api/v1/households/${householdId}/cards`);
export const issueCard = (householdId: number, pin: string) => api.post<HouseholdCard>(`/api/v1/households/${householdId}/cards`, { pin });
export const revokeCard = (id: number) => api.post(`/api/v1/cards/${id}/revoke`);

// reports
export const shopReport = (shopId: number, q: Query) => api.get<ShopReport>(`/api/v1/shops/${shopId}/reports`, q);
export const shopReportExportUrl = (shopId: number, q: Query) => withQuery(`/api/v1/shops/${shopId}/reports/export.xlsx`, q);
export const stockLedger = (shopId: number, q: Query) => api.get<StockLedger>(`/api/v1/shops/${shopId}/stock-ledger`, q);
export const stockLedgerExportUrl = (shopId: number, q: Query) => withQuery(`/api/v1/shops/${shopId}/stock-ledger/export.xlsx`, q);
