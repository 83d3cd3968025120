// Voice recordings and video clips of events: recorded in the browser (MediaRecorder)
// or picked as a file, uploaded to POST /api/v1/files (the server judges the bytes,
// the size and the length) and sent with a report, a progress note or a reply by their
// hashes. The limits here only spare a doomed upload; the server's are the ones that
// count.
import { api } from '@/shared/api';

export const VOICE_MAX_MS = 120_000;
export const VOICE_MAX_BYTES = 2 * 1024 * 1024;
export const PUBLIC_VOICE_MAX_BYTES = 600 * 1024;
export const VIDEO_MAX_BYTES = 16 * 1024 * 1024;

export interface EventMedia {
  id: number;
  kind: 'voice' | 'video';
  mime: string;
  size: number;
  duration_ms: number | null;
  url: string;
}

// A recording made here or a file picked: the bytes and the length when known (ms).
export interface Clip {
  blob: Blob;
  ms: number;
  name?: string;
}

export interface Uploaded {
  hash: string;
  mime: string;
  size: number;
}

export function uploadMedia(clip: Clip): Promise<Uploaded> {
  return api.upload<Uploaded>('/api/v1/files', clip.blob, clip.blob.type || 'application/octet-stream');
}

// The fields of a request body for a recording and a clip once uploaded.
export async function mediaFields(voice: Clip | null, video: Clip | null): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  if (voice) {
    out.voice = (await uploadMedia(voice)).hash;
    if (voice.ms > 0) out.voice_ms = Math.round(voice.ms);
  }
  if (video) {
    out.video = (await uploadMedia(video)).hash;
    if (video.ms > 0) out.video_ms = Math.round(video.ms);
  }
  return out;
}

// The public form sends its recording inside the report (no account to upload with).
export async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

// m:ss
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || ms < 0) return '';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// Why recording cannot start: 'unsupported' (no MediaRecorder or no microphone API),
// 'denied' (the microphone was refused), 'nodevice', or 'failed'.
export type RecorderProblem = 'unsupported' | 'denied' | 'nodevice' | 'failed';

export function recorderSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.MediaRecorder !== 'undefined' &&
    !!navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === 'function';
}

// The container a recorder here makes, in the order the server takes them.
function pickType(): string {
  const types = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];
  for (const type of types) if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(type)) return type;
  return '';
}

export interface Recording {
  stop(): Promise<Clip>;
  cancel(): void;
  startedAt: number;
}

// Starts recording from the microphone; stops by itself at maxMs. Rejects with a
// RecorderProblem.
export async function startRecording(maxMs = VOICE_MAX_MS, onAutoStop?: (c: Clip) => void): Promise<Recording> {
  if (!recorderSupported()) throw 'unsupported' as RecorderProblem;
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (e) {
    const name = (e as { name?: string }).name || '';
    throw (name === 'NotAllowedError' || name === 'SecurityError' ? 'denied'
      : name === 'NotFoundError' || name === 'OverconstrainedError' ? 'nodevice' : 'failed') as RecorderProblem;
  }
  const type = pickType();
  let rec: MediaRecorder;
  try {
    // 32 kbit/s Opus: two minutes stay well under the limits, even on the public form
    rec = new MediaRecorder(stream, { ...(type ? { mimeType: type } : {}), audioBitsPerSecond: 32000 });
  } catch {
    stream.getTracks().forEach((tr) => tr.stop());
    throw 'failed' as RecorderProblem;
  }
  const chunks: Blob[] = [];
  const startedAt = performance.now();
  let finished: ((c: Clip) => void) | null = null;
  const done = new Promise<Clip>((resolve) => { finished = resolve; });
  rec.ondataavailable = (ev) => { if (ev.data && ev.data.size) chunks.push(ev.data); };
  rec.onstop = () => {
    stream.getTracks().forEach((tr) => tr.stop());
    const ms = Math.min(performance.now() - startedAt, maxMs);
    const clip = { blob: new Blob(chunks, { type: (rec.mimeType || type || 'audio/webm').split(';')[0] }), ms };
    finished?.(clip);
  };
  rec.start(1000);
  const timer = window.setTimeout(() => {
    if (rec.state !== 'inactive') {
      rec.stop();
      if (onAutoStop) void done.then(onAutoStop);
    }
  }, maxMs);
  return {
    startedAt,
    stop() {
      window.clearTimeout(timer);
      if (rec.state !== 'inactive') rec.stop();
      return done;
    },
    cancel() {
      window.clearTimeout(timer);
      rec.onstop = null;
      if (rec.state !== 'inactive') rec.stop();
      stream.getTracks().forEach((tr) => tr.stop());
    },
  };
}

// The length of a picked file as the browser reads it (ms), or 0 when it cannot tell.
export function probeDuration(blob: Blob, kind: 'audio' | 'video'): Promise<number> {
  return new Promise((resolve) => {
    const el = document.createElement(kind);
    const url = URL.createObjectURL(blob);
    const end = (ms: number) => {
      URL.revokeObjectURL(url);
      resolve(ms);
    };
    el.preload = 'metadata';
    el.onloadedmetadata = () => end(Number.isFinite(el.duration) ? el.duration * 1000 : 0);
    el.onerror = () => end(0);
    window.setTimeout(() => end(0), 5000);
    el.src = url;
  });
}
