// 清单制 for the villager: the village's three lists, an item's flowchart, applying for a
// public service with photos of the materials, my requests; and the public lists page.
export * from '@/shared/lists/api';
export type * from '@/shared/lists/types';
