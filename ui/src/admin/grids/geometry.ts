// Grid boundaries as GeoJSON geometries ([lng, lat] positions): reading what a cadre
// pastes, closing a drawn ring into a polygon, and which households lie inside (for the
// confirmation before households are put into a grid by its boundary). No map library.

import type { Boundary, PolygonGeometry, Position } from '@/shared/types';

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

// Twice the signed area of a ring in the lng/lat plane: positive when anticlockwise.
function ringArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return a;
}

// A polygon from the points clicked on the map ([lat, lng] as the map gives them):
// the ring closed, anticlockwise as RFC 7946 asks, coordinates to 6 decimals.
export function polygonFromPoints(points: [number, number][]): PolygonGeometry | null {
  if (points.length < 3) return null;
  const ring: Position[] = points.map(([lat, lng]) => [round6(lng), round6(lat)]);
  if (ringArea(ring) < 0) ring.reverse();
  ring.push([ring[0][0], ring[0][1]]);
  return { type: 'Polygon', coordinates: [ring] };
}

export type ParseResult = { boundary: Boundary } | { error: 'json' | 'type' | 'many' };

// Reads pasted GeoJSON: a Polygon or MultiPolygon geometry, a Feature holding one, or
// a FeatureCollection of exactly one such Feature. The server checks the rest.
export function parseBoundary(text: string): ParseResult {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { error: 'json' };
  }
  let g = v as { type?: string; geometry?: unknown; features?: unknown[]; coordinates?: unknown };
  if (g && g.type === 'FeatureCollection') {
    if (!Array.isArray(g.features) || g.features.length !== 1) return { error: 'many' };
    g = g.features[0] as typeof g;
  }
  if (g && g.type === 'Feature') g = g.geometry as typeof g;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates)) return { error: 'type' };
  return { boundary: { type: g.type, coordinates: g.coordinates } as Boundary };
}

function inRing(lng: number, lat: number, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(lng: number, lat: number, rings: Position[][]): boolean {
  if (!rings.length || !inRing(lng, lat, rings[0])) return false;
  return !rings.slice(1).some((hole) => inRing(lng, lat, hole));
}

// Whether a point lies inside the boundary (holes excluded).
export function contains(b: Boundary, lat: number, lng: number): boolean {
  if (b.type === 'Polygon') return inPolygon(lng, lat, b.coordinates);
  return b.coordinates.some((p) => inPolygon(lng, lat, p));
}

// Every [lat, lng] vertex of a boundary (for fitting the map to it).
export function vertices(b: Boundary): [number, number][] {
  const polys = b.type === 'Polygon' ? [b.coordinates] : b.coordinates;
  const out: [number, number][] = [];
  for (const p of polys) for (const ring of p) for (const [lng, lat] of ring) out.push([lat, lng]);
  return out;
}

// The number of vertices a cadre sees (a closed ring's last point repeats the first).
export function vertexCount(b: Boundary): number {
  const polys = b.type === 'Polygon' ? [b.coordinates] : b.coordinates;
  return polys.reduce((n, p) => n + p.reduce((m, ring) => m + Math.max(ring.length - 1, 0), 0), 0);
}

// Colours offered for grids: distinct, and dark enough for white text and thin lines.
export const GRID_COLOURS = ['#c0392b', '#1f6fb2', '#1e8449', '#b9770e', '#7d3c98', '#117a65', '#a04000', '#2e4053', '#b03a78', '#5d6d7e'];

// Households with no grid are drawn in this colour.
export const NO_GRID_COLOUR = '#8a8f98';
