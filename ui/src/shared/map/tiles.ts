// Map tiles under a Leaflet map, only when the county named a tile server in its grid
// settings (none by default: the machines often have no internet, and the maps are drawn
// from the project's own data). Read without the session's 401 handling, so a page that
// is not logged in (a display screen) simply draws no tiles.
import L from 'leaflet';

export interface TileServer { url: string; attribution: string }

const SETTINGS = '/api/v1/grid-settings';

export async function tileServer(): Promise<TileServer | null> {
  try {
    const res = await fetch(SETTINGS, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!res.ok) return null;
    const s = (await res.json()) as { tile_url?: string; tile_attribution?: string };
    return s.tile_url ? { url: s.tile_url, attribution: s.tile_attribution || '' } : null;
  } catch {
    return null;
  }
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Adds the county's tiles (with their attribution in the corner) to the map once the
// setting is known; nothing when there is no tile server or the map is gone by then.
export async function addTiles(map: L.Map, alive: () => boolean): Promise<void> {
  const s = await tileServer();
  if (!s || !alive()) return;
  addTileLayer(map, s);
}

// The same with a tile server already known (the 大屏's data carries its county's, as
// the screen has no login to read the settings with); nothing for none.
export function addTileLayer(map: L.Map, s: TileServer | null | undefined): void {
  if (!s || !s.url) return;
  L.tileLayer(s.url, { maxZoom: 20, maxNativeZoom: 18, subdomains: 'abc', attribution: esc(s.attribution), className: 'county-tiles' }).addTo(map);
  if (s.attribution) L.control.attribution({ prefix: false }).addAttribution(esc(s.attribution)).addTo(map);
}
