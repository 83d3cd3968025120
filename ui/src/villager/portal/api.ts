// The village's public page (no login): its home, the 公示 now, the latest 红黑榜.
import { api, type Page } from '@/shared/api';
import type { PublicityPage, Ranking, RankingSummary } from '@/shared/types';

export interface PortalRule { category: string; name: string; points: number; claim_by: string; claim_by_label: string }
export interface PortalNotice { id: number; unit_name: string; title: string; body: string; importance: string; published_at: string; ends_at: string | null }
export interface PortalHome {
  village: { id: number; name: string; town_name: string };
  rules: PortalRule[];
  notices: PortalNotice[];
  url: string;
}

export const portalHome = (village: number) => api.get<PortalHome>(`/api/v1/public/villages/${village}`);
export const portalPublicity = (village: number) => api.get<PublicityPage>(`/api/v1/public/villages/${village}/publicity`);
// the latest published ranking of the village, or null
export async function portalRanking(village: number): Promise<Ranking | null> {
  const list = await api.get<Page<RankingSummary>>(`/api/v1/public/villages/${village}/rankings`, { limit: 1 });
  const top = list.items[0];
  return top ? api.get<Ranking>(`/api/v1/public/rankings/${top.id}`) : null;
}
export const portalQr = (village: number) => `/api/v1/public/villages/${village}/qr.svg`;
