// Reading QR codes, for every scanner in the apps (the villager's check-in, the shop
// counter): from the live camera or from a photo. ZXing's QR reader (pure TypeScript,
// no eval, no WebAssembly, so the server's CSP allows it) loads on first use.
//
// The camera loop is ours, not the library's: it asks for a sharp picture (up to
// 1280×720, the rear camera when there is one), keeps trying to play the video when a
// browser interrupts the first play(), and reads each frame at the size the video has
// at that moment. The library's own loop sizes its canvas once, before the first frame,
// and gives up for good when play() is interrupted or the first frame is late — on a
// busy laptop that left the counter showing a sharp code it never read.

// picture: the canvas holds a photo or a saved picture, not a camera frame
type Decode = (canvas: HTMLCanvasElement, picture?: boolean) => string | null;

let decoder: Promise<Decode> | null = null;

function loadDecoder(): Promise<Decode> {
  if (!decoder) {
    decoder = Promise.all([import('@zxing/browser'), import('@zxing/library')]).then(([browser, zx]) => {
      const reader = new zx.QRCodeReader();
      // TRY_HARDER scans every row: small codes (a phone held at arm's length) are found too
      const hints = new Map([[zx.DecodeHintType.TRY_HARDER, true]]);
      // a code as the server draws it (a saved or forwarded picture of the check-in code):
      // read square by square without looking for its finder patterns, which the
      // reader misses on one crisp code in twenty at 6 to 8 pixels a module
      const pure = new Map([[zx.DecodeHintType.PURE_BARCODE, true]]);
      const attempt = (bitmap: InstanceType<typeof zx.BinaryBitmap>, how = hints) => {
        try {
          return reader.decode(bitmap, how).getText();
        } catch {
          return null; // no code (or a damaged one) this way
        } finally {
          reader.reset();
        }
      };
      // The local threshold first (uneven light); when a camera's noise and colour
      // sampling break small modules apart, the frame's global threshold still reads them.
      return (canvas: HTMLCanvasElement, picture = false) => {
        const source = new browser.HTMLCanvasElementLuminanceSource(canvas);
        return attempt(new zx.BinaryBitmap(new zx.HybridBinarizer(source)))
          ?? attempt(new zx.BinaryBitmap(new zx.GlobalHistogramBinarizer(source)))
          ?? (picture ? attempt(new zx.BinaryBitmap(new zx.HybridBinarizer(source)), pure) : null);
      };
    });
    decoder.catch(() => { decoder = null; });
  }
  return decoder;
}

/** Why the camera could not be used, for a message the user can act on. */
export type CameraProblem = 'insecure' | 'denied' | 'missing' | 'busy' | 'failed';

export class CameraError extends Error {
  constructor(public problem: CameraProblem, message = problem) {
    super(message);
  }
}

export function cameraProblem(e: unknown): CameraProblem {
  if (e instanceof CameraError) return e.problem;
  const name = (e as { name?: string })?.name || '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'missing';
  if (name === 'NotReadableError' || name === 'TrackStartError') return 'busy';
  return 'failed';
}

export interface QrCamera {
  stop: () => void;
  /** frames read so far (shown to tests and support as data-frames on the scanner) */
  frames: number;
}

const FRAME_GAP_MS = 80;

/**
 * Shows the camera in `video` and calls `onCode` once with the first code read, then
 * stops the camera. Rejects with a CameraError or the browser's error when the camera
 * cannot be had. The caller stops it when the page goes away.
 */
export async function startQrCamera(video: HTMLVideoElement, onCode: (text: string) => void): Promise<QrCamera> {
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia)
    throw new CameraError('insecure');
  const decode = await loadDecoder();
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d', { willReadFrequently: true });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const play = () => { if (!stopped && video.paused) video.play().catch(() => { /* retried on the next frame */ }); };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    video.removeEventListener('loadedmetadata', play);
    video.removeEventListener('canplay', play);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };

  // One frame: read it when the video has one. Whatever a frame throws (a frame that
  // went away, a canvas the browser could not read), the loop goes on to the next.
  const tick = () => {
    if (stopped) return;
    try {
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (!g || w === 0 || h === 0 || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
        play();
        return;
      }
      // every other frame at half size when that is still large enough to read: a code
      // that the reader misses at one size (its finder patterns fall between pixels) is
      // read at the other, even from a camera held still
      const half = camera.frames % 2 === 1 && Math.min(w, h) >= 480;
      const cw = half ? Math.round(w / 2) : w;
      const ch = half ? Math.round(h / 2) : h;
      if (canvas.width !== cw || canvas.height !== ch) {
        canvas.width = cw;
        canvas.height = ch;
      }
      g.drawImage(video, 0, 0, cw, ch);
      camera.frames++;
      const text = decode(canvas);
      if (text && !stopped) {
        stop();
        onCode(text);
      }
    } catch {
      /* the next frame */
    } finally {
      if (!stopped) timer = setTimeout(tick, FRAME_GAP_MS);
    }
  };
  const camera: QrCamera = { stop, frames: 0 };

  video.muted = true;
  video.playsInline = true;
  video.addEventListener('loadedmetadata', play);
  video.addEventListener('canplay', play);
  video.srcObject = stream;
  play();
  timer = setTimeout(tick, FRAME_GAP_MS);
  return camera;
}

const PHOTO_MIN_PX = 120;

/** Reads a code from a photo or a saved picture (drawn at most 1600 px, then at half that
 * size and half again while the smaller side keeps PHOTO_MIN_PX, until one reading
 * finds it: the finder patterns are looked for at other pixel positions); null when it
 * holds none. Throws when the file is not an image. */
export async function readQrPhoto(file: Blob): Promise<string | null> {
  const decode = await loadDecoder();
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = Math.min(1, 1600 / Math.max(img.naturalWidth, img.naturalHeight));
    const drawn = (s: number) => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(img.naturalWidth * s));
      canvas.height = Math.max(1, Math.round(img.naturalHeight * s));
      const g = canvas.getContext('2d');
      if (!g) throw new Error('canvas');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      return canvas;
    };
    const side = Math.min(img.naturalWidth, img.naturalHeight);
    for (let s = scale; ; s /= 2) {
      const text = decode(drawn(s), true);
      if (text || side * s / 2 < PHOTO_MIN_PX) return text;
    }
  } finally {
    URL.revokeObjectURL(url);
  }
}
