// Small audio and video containers built byte by byte for the tests (nothing is
// decoded by the server, so silence or zero frames are enough): WebM with an audio or a
// video track and blocks up to a given time (optionally a Duration in its Info, and
// segment/cluster sizes "unknown" as a recorder streams them), Ogg Opus with a final
// granule position, MP4/M4A with a movie header, WAV with a data chunk. pad adds an
// element/box/chunk the parsers skip, to reach a size.
'use strict';

function vintSize(n) {
  // 8-byte EBML size: 0x01 then 7 bytes
  const b = Buffer.alloc(8);
  b[0] = 0x01;
  let v = BigInt(n);
  for (let i = 7; i >= 1; i--) { b[i] = Number(v & 0xffn); v >>= 8n; }
  return b;
}
const UNKNOWN = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

function el(idHex, payload, { unknown = false } = {}) {
  const id = Buffer.from(idHex, 'hex');
  const body = Buffer.isBuffer(payload) ? payload : Buffer.concat(payload);
  return Buffer.concat([id, unknown ? UNKNOWN : vintSize(body.length), body]);
}
function uint(idHex, v, bytes = 4) {
  const b = Buffer.alloc(bytes);
  b.writeUIntBE(v, 0, bytes);
  return el(idHex, b);
}
function str(idHex, s) { return el(idHex, Buffer.from(s, 'latin1')); }
function float8(idHex, v) { const b = Buffer.alloc(8); b.writeDoubleBE(v); return el(idHex, b); }

// webm({ ms, video, durationElement, streamed, pad })
function webm({ ms = 3000, video = false, durationElement = false, streamed = true, pad = 0, docType = 'webm' } = {}) {
  const header = el('1a45dfa3', [uint('4286', 1, 1), uint('42f7', 1, 1), uint('42f2', 4, 1), uint('42f3', 8, 1),
    str('4282', docType), uint('4287', 4, 1), uint('4285', 2, 1)]);
  const info = el('1549a966', [uint('2ad7b1', 1000000, 3), ...(durationElement ? [float8('4489', ms)] : [])]);
  const tracks = el('1654ae6b', [el('ae', [uint('d7', 1, 1), uint('83', video ? 1 : 2, 1), str('86', video ? 'V_VP8' : 'A_OPUS')])]);
  const clusters = [];
  const block = (rel) => {
    const b = Buffer.alloc(4 + 16);
    b[0] = 0x81; b.writeInt16BE(rel, 1); b[3] = 0x80;
    return el('a3', b);
  };
  for (let t = 0; t <= ms; t += 20000) {
    const last = Math.min(ms, t + 20000);
    const blocks = [block(0)];
    if (last - t > 0 && (last === ms)) blocks.push(block(last - t));
    clusters.push(el('1f43b675', [uint('e7', t, 4), ...blocks], { unknown: streamed }));
  }
  const voids = pad > 0 ? [el('ec', Buffer.alloc(pad))] : [];
  const segment = el('18538067', [info, tracks, ...voids, ...clusters], { unknown: streamed });
  return Buffer.concat([header, segment]);
}

function oggPage(headerType, granule, serial, seq, body) {
  const segs = [];
  let left = body.length;
  while (left >= 255) { segs.push(255); left -= 255; }
  segs.push(left);
  const h = Buffer.alloc(27);
  h.write('OggS', 0, 'latin1');
  h[4] = 0; h[5] = headerType;
  h.writeBigUInt64LE(BigInt.asUintN(64, BigInt(granule)), 6);
  h.writeUInt32LE(serial, 14); h.writeUInt32LE(seq, 18); h.writeUInt32LE(0, 22);
  h[26] = segs.length;
  return Buffer.concat([h, Buffer.from(segs), body]);
}

// ogg({ ms }): Opus at 48 kHz with a pre-skip of 312
function ogg({ ms = 3000, pad = 0 } = {}) {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1'); head[8] = 1; head[9] = 1; head.writeUInt16LE(312, 10); head.writeUInt32LE(48000, 12);
  const tags = Buffer.concat([Buffer.from('OpusTags', 'latin1'), Buffer.alloc(8)]);
  const pages = [oggPage(2, 0, 7, 0, head), oggPage(0, 0, 7, 1, tags)];
  let seq = 2;
  for (let left = pad; left > 0; left -= 60000) pages.push(oggPage(0, -1, 7, seq++, Buffer.alloc(Math.min(60000, left))));
  pages.push(oggPage(4, 312 + ms * 48, 7, seq, Buffer.alloc(10)));
  return Buffer.concat(pages);
}

function box(type, ...parts) {
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(8);
  h.writeUInt32BE(body.length + 8); h.write(type, 4, 'latin1');
  return Buffer.concat([h, body]);
}

// mp4({ ms, video, brand, pad }): ms 0 leaves the movie's duration unknown (as a fragmented recording)
function mp4({ ms = 3000, video = false, brand = video ? 'isom' : 'M4A ', pad = 0 } = {}) {
  const ftyp = box('ftyp', Buffer.from(brand, 'latin1'), Buffer.alloc(4), Buffer.from('isomiso2mp41', 'latin1'));
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); mvhd.writeUInt32BE(ms, 16);
  const hdlr = Buffer.alloc(25);
  hdlr.write(video ? 'vide' : 'soun', 8, 'latin1');
  const moov = box('moov', box('mvhd', mvhd), box('trak', box('mdia', box('hdlr', hdlr))));
  return Buffer.concat([ftyp, moov, box('mdat', Buffer.alloc(16 + pad))]);
}

// wav({ ms }): 8 kHz 16-bit mono, as a telephone recording
function wav({ ms = 3000 } = {}) {
  const data = Buffer.alloc(16 * ms);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1'); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1'); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24); h.writeUInt32LE(16000, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1'); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

module.exports = { webm, ogg, mp4, wav };
