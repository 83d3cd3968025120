// The hashes of the photos of a form once their uploads are over; null when one failed
// (its error shows at the photo).
import type { UpPhoto } from './PhotoUpload.vue';

export async function photoHashes(list: UpPhoto[]): Promise<string[] | null> {
  await Promise.all(list.map((p) => p.job));
  if (list.some((p) => p.state !== 'done')) return null;
  return list.map((p) => p.hash);
}
