// The grid's households with their tags on the grid worker's phone: those of the
// worker's own grid (a grid leader sees the village's), the tags in use, and the filter
// by tag (a household matches when it or one of its people carries a tag filtered on)
// that the map and the household list share.
import { computed, ref, type Ref } from 'vue';
import { useLoad } from '@/shared/useLoad';
import { taggedHouseholds, tags as loadTags, type TaggedHousehold } from './api';

export function useHouseholds(villageId: Ref<number>, grant: Ref<{ unit_kind: string; unit_id: number } | undefined>) {
  const households = useLoad(() => (villageId.value ? taggedHouseholds(villageId.value) : Promise.resolve({ households: [] })), false);
  const tagList = useLoad(() => loadTags());
  const tagOf = (id: number) => tagList.data.value?.items.find((x) => x.id === id);
  const inMyGrid = computed(() => {
    const all = households.data.value?.households || [];
    const g = grant.value;
    return g?.unit_kind === 'grid' ? all.filter((h) => h.grid_id === g.unit_id) : all;
  });
  // ---- the filter by tag (the household's own or one of its people's) ----
  const activeTags = computed(() => (tagList.data.value?.items || []).filter((x) => x.active));
  const tagsOn = ref<number[]>([]);
  const carries = (h: TaggedHousehold, id: number) => h.tag_ids.includes(id) || (h.resident_tag_ids || []).includes(id);
  const tagCounts = computed(() => {
    const m = new Map<number, number>();
    for (const h of inMyGrid.value) for (const id of new Set([...h.tag_ids, ...(h.resident_tag_ids || [])])) m.set(id, (m.get(id) || 0) + 1);
    return m;
  });
  const filterTags = computed(() => activeTags.value.filter((x) => tagCounts.value.get(x.id) || tagsOn.value.includes(x.id)));
  function toggleFilter(id: number) {
    tagsOn.value = tagsOn.value.includes(id) ? tagsOn.value.filter((x) => x !== id) : [...tagsOn.value, id];
  }
  const filtered = computed(() => (tagsOn.value.length ? inMyGrid.value.filter((h) => tagsOn.value.some((id) => carries(h, id))) : inMyGrid.value));
  const mapHouseholds = computed(() => filtered.value.filter((h) => h.lat !== null && h.lng !== null));
  // a household shows the icon of the first tag filtered on, else of its first tag
  const mapTags = computed(() => {
    const all = tagList.data.value?.items || [];
    return [...all.filter((x) => tagsOn.value.includes(x.id)), ...all.filter((x) => !tagsOn.value.includes(x.id))];
  });
  return { households, tagOf, inMyGrid, activeTags, tagsOn, tagCounts, filterTags, toggleFilter, filtered, mapHouseholds, mapTags };
}
export type GridHouseholds = ReturnType<typeof useHouseholds>;
