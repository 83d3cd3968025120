// A QR code as one SVG path of 1×1 module squares, made with the QR encoder of
// @zxing/library (already in the console for the scanner).
import { BarcodeFormat, EncodeHintType, QRCodeWriter } from '@zxing/library';

export function qrSvgPath(text: string): { size: number; path: string } {
  const hints = new Map();
  hints.set(EncodeHintType.MARGIN, 0);
  hints.set(EncodeHintType.ERROR_CORRECTION, 'M');
  const m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
  const size = m.getWidth();
  let path = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!m.get(x, y)) continue;
      let w = 1;
      while (x + w < size && m.get(x + w, y)) w++;
      path += `M${x} ${y}h${w}v1h-${w}z`;
      x += w - 1;
    }
  }
  return { size, path };
}
