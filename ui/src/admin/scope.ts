// The console's working scope: which of the user's role grants is in use, and the
// village that village-level pages (rules, review, awards, 公示 …) work on. A cadre's
// grant is on a village; a town official or county admin picks one of the villages
// below their unit; a grant on a group or a grid works on its village.
import { computed, reactive, watch } from 'vue';
import { childUnits, getUnit } from './org/api';
import { session } from '@/shared/session';
import type { Grant, Unit } from '@/shared/types';

const KEY = 'cz.admin.scope';

interface Saved { role: string; unit_id: number; village_id: number }

function readSaved(): Saved | null {
  try {
    return JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

export const scope = reactive({
  grantKey: '',          // "role@unit_id"
  villageId: 0,
  villageName: '',
  villages: [] as Unit[], // villages below the grant's unit (for the picker)
});

export const grants = computed<Grant[]>(() => (session.info?.grants || []).filter((g) => g.role !== 'villager'));

export const grant = computed<Grant | undefined>(() =>
  grants.value.find((g) => `${g.role}@${g.unit_id}` === scope.grantKey) || grants.value[0]);

export const unitId = computed(() => grant.value?.unit_id || 0);
export const unitKind = computed(() => grant.value?.unit_kind || '');

function save() {
  const g = grant.value;
  if (!g) return;
  try {
    localStorage.setItem(KEY, JSON.stringify({ role: g.role, unit_id: g.unit_id, village_id: scope.villageId }));
  } catch {
    /* not remembered */
  }
}

async function villagesBelow(u: Grant): Promise<Unit[]> {
  if (u.unit_kind === 'village') return [];
  if (u.unit_kind === 'group' || u.unit_kind === 'grid') {
    const g = await getUnit(u.unit_id);
    return g.parent_id ? [await getUnit(g.parent_id)] : [];
  }
  const out: Unit[] = [];
  let level: Unit[] = await childUnits(u.unit_id);
  for (let depth = 0; depth < 3 && level.length; depth++) {
    const next: Unit[] = [];
    for (const x of level) {
      if (x.kind === 'village') out.push(x);
      else if (x.kind === 'town' || x.kind === 'county') {
        next.push(...(await childUnits(x.id)));
      }
    }
    level = next;
  }
  return out;
}

// Picks up the saved scope (or the first grant) and loads the villages to choose from.
export async function initScope(): Promise<void> {
  const saved = readSaved();
  if (saved && grants.value.some((g) => g.role === saved.role && g.unit_id === saved.unit_id)) {
    scope.grantKey = `${saved.role}@${saved.unit_id}`;
  } else if (grants.value[0]) {
    scope.grantKey = `${grants.value[0].role}@${grants.value[0].unit_id}`;
  }
  await refreshVillages(saved?.village_id || 0);
}

export async function refreshVillages(prefer = 0): Promise<void> {
  const g = grant.value;
  scope.villages = [];
  if (!g) {
    scope.villageId = 0;
    scope.villageName = '';
    return;
  }
  if (g.unit_kind === 'village') {
    scope.villageId = g.unit_id;
    scope.villageName = g.unit_name;
  } else {
    try {
      scope.villages = await villagesBelow(g);
    } catch {
      scope.villages = [];
    }
    const v = scope.villages.find((x) => x.id === prefer) || scope.villages[0];
    scope.villageId = v ? v.id : 0;
    scope.villageName = v ? v.name : '';
  }
  save();
}

export function chooseGrant(key: string): Promise<void> {
  scope.grantKey = key;
  return refreshVillages();
}

export function chooseVillage(id: number): void {
  const v = scope.villages.find((x) => x.id === id);
  scope.villageId = id;
  scope.villageName = v ? v.name : '';
  save();
}

watch(() => session.info, (info) => {
  if (!info) {
    scope.grantKey = '';
    scope.villageId = 0;
    scope.villages = [];
  }
});
