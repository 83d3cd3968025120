// "3 分钟" since an instant, for the emergency board (the page ticks every second).
type T = (key: string, args?: Record<string, unknown>) => string;

export function since(t: T, iso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 60) return t('dsp.em.dur.s', { n: s });
  if (s < 3600) return t('dsp.em.dur.m', { n: Math.floor(s / 60) });
  if (s < 86400) return t('dsp.em.dur.h', { n: Math.floor(s / 3600) });
  return t('dsp.em.dur.d', { n: Math.floor(s / 86400) });
}
