// Village roads drawn on a Leaflet map under the households, from the project's own data:
// 主干道 wide with a light casing, 村道 solid, 机耕路 dashed, 小路 dotted.
import L from 'leaflet';

export type RoadKind = 'main' | 'village' | 'farm' | 'path';
export interface MapRoad { id: number; name: string; kind: RoadKind; geometry: { type: 'LineString'; coordinates: number[][] } }

const STYLE: Record<RoadKind, L.PolylineOptions> = {
  main: { color: '#c2410c', weight: 5, opacity: 0.9 },
  village: { color: '#6b7280', weight: 3.5, opacity: 0.9 },
  farm: { color: '#a16207', weight: 2.5, opacity: 0.9, dashArray: '8 5' },
  path: { color: '#78716c', weight: 2, opacity: 0.9, dashArray: '2 5' },
};
export const ROAD_COLOURS: Record<RoadKind, string> = { main: '#c2410c', village: '#6b7280', farm: '#a16207', path: '#78716c' };

export function drawRoads(layer: L.LayerGroup, roads: MapRoad[], pane?: string): void {
  layer.clearLayers();
  for (const r of roads) {
    const pts = (r.geometry?.coordinates || []).map((p) => [p[1], p[0]] as [number, number]);
    if (pts.length < 2) continue;
    const style = STYLE[r.kind] || STYLE.village;
    if (r.kind === 'main') L.polyline(pts, { pane, interactive: false, color: '#ffffff', weight: 8, opacity: 0.9 }).addTo(layer);
    L.polyline(pts, { ...style, pane, className: 'map-road' }).bindTooltip(r.name, { sticky: true }).addTo(layer);
  }
}

export const roadPoints = (roads: MapRoad[]): [number, number][] =>
  roads.flatMap((r) => (r.geometry?.coordinates || []).map((p) => [p[1], p[0]] as [number, number]));
