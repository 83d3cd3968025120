// The village shop 积分超市 for the villager: shops and their goods, pre-orders and
// receipts.
import { api, type Query } from '@/shared/api';
import type { Goods, Page, Preorder, Receipt, Shop } from '@/shared/types';

export type { Goods, Page, Preorder, Receipt, Shop } from '@/shared/types';

export const listShops = () => api.get<{ items: Shop[] }>('/api/v1/shops');
export const shopGoods = (shopId: number) => api.get<{ items: Goods[] }>(`/api/v1/shops/${shopId}/goods`);
export const myPreorders = (q: Query) => api.get<Page<Preorder>>('/api/v1/preorders', { mine: 1, ...q });
export const createPreorder = (shopId: number, items: { goods_id: number; quantity: number }[]) =>
  api.post<Preorder>('/api/v1/preorders', { shop_id: shopId, items });
export const cancelPreorder = (id: number) => api.post(`/api/v1/preorders/${id}/cancel`);
export const householdReceipts = (householdId: number, limit: number) =>
  api.get<Page<Receipt>>(`/api/v1/households/${householdId}/receipts`, { limit });
export const getReceipt = (id: number) => api.get<Receipt>(`/api/v1/receipts/${id}`);
