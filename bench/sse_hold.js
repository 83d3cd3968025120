// Holds N open Server-Sent Events streams (bench/sse.sh): spread over loopback source
// addresses (the server allows 64 connections per client address), each logged in as
// the villager. Prints "open N" once all answered 200, then waits for SIGTERM; on
// "count" on stdin prints how many received the last broadcast.
'use strict';
const http = require('node:http');
const [port, token, n] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
const streams = [];
let ok = 0;
function open(i) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/broadcasts/stream', agent: false,
      localAddress: `127.0.${1 + Math.floor(i / 50)}.${2 + (i % 50)}`,
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
      const s = { res, got: 0 };
      res.on('data', (d) => { if (String(d).includes('event: broadcast')) s.got++; });
      res.on('error', () => {});
      if (res.statusCode === 200) ok++;
      streams.push(s);
      resolve();
    });
    req.on('error', reject);
  });
}
(async () => {
  for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, k) => open(i + k)));
  console.log(`open ${ok}`);
  process.stdin.on('data', () => console.log(`received ${streams.filter((s) => s.got > 0).length}`));
})().catch((e) => { console.error(e.message); process.exit(1); });
