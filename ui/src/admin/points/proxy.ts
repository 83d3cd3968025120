// The two lookups of 代为申报 (ProxyClaimView): households of the claimant's unit found
// by number or head's name as the user types, and the rules of a household's village
// that staff may claim for, grouped by category with their facts in words.
import { computed, ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/shared/api';
import { signed } from '@/shared/format';
import type { Household } from '@/shared/types';
import { listHouseholds } from '../register/api';
import { type Rule, unitRules } from './api';

export function useHouseholdSearch(unitId: () => number | undefined) {
  const options = ref<Household[]>([]);
  const searching = ref(false);
  const searchError = ref('');
  let seq = 0;

  // an older answer arriving after a newer question is dropped
  async function search(q: string) {
    const unit = unitId();
    if (!unit) return;
    const mine = ++seq;
    searching.value = true;
    searchError.value = '';
    try {
      const p = await listHouseholds({ unit_id: unit, q: q.trim() || undefined, limit: 30 });
      if (mine === seq) options.value = p.items;
    } catch (e) {
      if (mine === seq) {
        options.value = [];
        searchError.value = errorMessage(e);
      }
    } finally {
      if (mine === seq) searching.value = false;
    }
  }
  return { options, searching, searchError, search };
}

// onLoaded runs after a village's rules arrive (the form drops a rule no longer offered).
export function useClaimableRules(villageId: () => number, onLoaded: () => void) {
  const { t } = useI18n();
  const rules = ref<Rule[]>([]);
  const rulesVillage = ref(0);
  const rulesError = ref('');

  // staff claims may use the rules villagers report themselves and those for grid
  // workers; the ones only a cadre enters are awards, made on their own page
  const claimable = computed(() => rules.value.filter((r) => r.in_force && (r.claim_by === 'self' || r.claim_by === 'grid')));
  const ruleGroups = computed(() => {
    const map = new Map<string, Rule[]>();
    for (const r of claimable.value) {
      if (!map.has(r.category)) map.set(r.category, []);
      map.get(r.category)!.push(r);
    }
    return [...map.entries()];
  });

  watch(villageId, async (village) => {
    if (!village || village === rulesVillage.value) return;
    rulesError.value = '';
    try {
      const p = await unitRules(village);
      rules.value = p.items;
      rulesVillage.value = village;
      onLoaded();
    } catch (e) {
      rules.value = [];
      rulesVillage.value = 0;
      rulesError.value = errorMessage(e);
    }
  });

  function ruleFacts(r: Rule): string[] {
    const out = [r.category, t('proxy.points', { n: signed(r.points) }), r.photo_required ? t('proxy.photoRequired') : t('proxy.photoOptional')];
    if (r.cap_count && r.cap_period) out.push(t('proxy.cap', { period: t('limitPeriod.' + r.cap_period), n: r.cap_count }));
    if (r.valid_from || r.valid_to) out.push(t('proxy.validity', { from: r.valid_from || '…', to: r.valid_to || '…' }));
    return out;
  }
  return { rulesError, claimable, ruleGroups, ruleFacts };
}
