// Photos for claims: taken with the camera or picked from the album, made smaller on
// the phone before upload (large phone photos over slow village networks), then
// uploaded one by one to POST /api/v1/files, which answers with their hashes.
import { api } from '@/shared/api';

const MAX_SIDE = 1600;
const SHRINK_OVER = 600 * 1024;

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image'));
    img.src = url;
  });
}

// A JPEG no larger than MAX_SIDE on its longer side, or the file itself when it is
// already small or cannot be decoded here (the server judges the bytes anyway).
export async function shrink(file: File): Promise<Blob> {
  if (file.size <= SHRINK_OVER || !/^image\/(jpeg|png|webp)$/.test(file.type)) return file;
  const url = URL.createObjectURL(file);
  try {
    const img = await loadImage(url);
    const scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
    const w = Math.round(img.naturalWidth * scale);
    const h = Math.round(img.naturalHeight * scale);
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return file;
    ctx.drawImage(img, 0, 0, w, h);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
    return blob && blob.size < file.size ? blob : file;
  } catch {
    return file;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export interface Uploaded {
  hash: string;
  mime: string;
  size: number;
}

// A photo (made smaller first) or a PDF (as it is) to POST /api/v1/files: the server
// judges the bytes and answers with the stored file's hash.
export async function uploadPhoto(file: File): Promise<Uploaded> {
  const blob = file.type === 'application/pdf' ? file : await shrink(file);
  return api.upload<Uploaded>('/api/v1/files', blob, blob.type || 'application/octet-stream');
}

// The small JPEG (320 px on the longer side) the server makes of a stored photo, for
// lists on a phone: the same address with ?size=thumb.
export function thumbUrl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}size=thumb`;
}
