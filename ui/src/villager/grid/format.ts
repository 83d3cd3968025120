// The grid worker's phone: how its pages write money, times and days, and the phone's
// position asked for once (null when the phone has none or the worker refused it).
export const yuan = (fen: number) => (fen / 100).toFixed(2);
export const signed = (fen: number) => (fen > 0 ? '+' : fen < 0 ? '−' : '') + (Math.abs(fen) / 100).toFixed(2);
export const hm = (ms: number) => new Date(ms).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, hour: '2-digit', minute: '2-digit' });
export const ymd = (s: string) => new Date(s).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric' });
export const when = (s: string) => new Date(s).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function here(): Promise<{ lat: number; lng: number } | null> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) return resolve(null);
    navigator.geolocation.getCurrentPosition((p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude }), () => resolve(null),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  });
}
