#!/usr/bin/env node
// Server-level differential fuzzer: mutated requests sent to NodeHttp (fuzz/FuzzServer, strict and lenient) and to
// Node 20 (scripts/fuzz-node-server.js) side by side, over real sockets, split into random writes, with and without
// FIN. Reports crashes (the server process exits), hangs (no close within --hang-ms after FIN), exceptions
// (FUZZ-EXCEPTION lines on the server's stderr), the NodeHttp servers' RSS, and every case sent with FIN where
// NodeHttp dispatches a request Node does not (or reads a different body length for it). Both servers keep 1000
// request headers, Node's effective default.
//
//   dotnet build fuzz/FuzzServer -c Release
//   nice -n 19 node scripts/fuzz-server.js --cases 1000000 --seed 1 [--concurrency 48] [--out /tmp/fuzz-server]
//
// Options: --cases N, --seed S, --concurrency C, --hang-ms T (default 5000), --idle-ms T (default 120: how long a
// connection without FIN waits for more bytes), --server PATH (the FuzzServer binary), --out DIR (cases worth a
// look are written there as .bin files with a .json note), --quiet, --only I,J,... (just these case indexes of the
// seed: a replay of cases an earlier run wrote out).
'use strict';
const net = require('net');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? args[i + 1] : def;
};
const CASES = Number(opt('cases', 10000));
const SEED = Number(opt('seed', 1));
const CONCURRENCY = Number(opt('concurrency', 48));
const HANG_MS = Number(opt('hang-ms', 5000));
const IDLE_MS = Number(opt('idle-ms', 120));
const ROOT = path.resolve(__dirname, '..');
const SERVER = opt('server', path.join(ROOT, 'fuzz/FuzzServer/bin/Release/net10.0/FuzzServer'));
const OUT = opt('out', '/tmp/fuzz-server');
const QUIET = args.includes('--quiet');
// --only 12,345: run just these case indexes of the seed (to replay what an earlier run wrote to --out).
const ONLY = opt('only', '') ? opt('only', '').split(',').map(Number) : null;

// ---------------------------------------------------------------- deterministic random (mulberry32)
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)] };
}

// ---------------------------------------------------------------- corpus and mutations
const SEEDS = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /p?q=1#f HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n',
  'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello',
  'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nT: v\r\n\r\n',
  'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: ws\r\n\r\n',
  'PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc',
  'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\nHost: a\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n',
  'DELETE /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
  'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
];
const CHARS = [' ', '\t', '\r', '\n', ':', '\0', '\x7f', '\x80', '\xff', '"', ';', ',', '=', '/', '?', '#', '@', '[', ']', '%', '0', '9', 'a', 'Z', '-', '\x0b', '\x0c'];
const INSERTS = [
  '\r\n', '\r', '\n', ' ', '\t', '\0', '\r\n ', '\r\n\t', ':', '\r\n\r\n',
  'Transfer-Encoding: chunked\r\n', 'Transfer-Encoding: \r\n', 'Transfer-Encoding: chunked, identity\r\n',
  'Transfer-Encoding:\tchunked\r\n', ' Transfer-Encoding: chunked\r\n', 'Transfer-Encoding : chunked\r\n',
  'Content-Length: 0\r\n', 'Content-Length: 5\r\n', 'Content-Length: 99999999999999999999\r\n',
  'Content-Length: -1\r\n', 'Content-Length: 0x10\r\n', 'Content-Length: 1, 1\r\n', 'Content-Length: 5\t\r\n',
  'Host: b\r\n', 'Host: \r\n', 'Host: a@b\r\n', 'Connection: close\r\n', 'Connection: keep-alive, upgrade\r\n',
  'Upgrade: x\r\n', 'Expect: 100-continue\r\n', 'Expect: weird\r\n',
  'ffffffffffffffff\r\n', '-1\r\n', '0x5\r\n', '5 \r\n', '5;a="b\r\n', '0\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 'HTTP/1.1', ' HTTP/1.1', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
];
const CHUNK_SIZES = ['0', '1', 'f', 'ffffffff', 'ffffffffffffffffff', '-1', '0x1', ' 5', '5 ', '5\t', 'zz', '', '00000000000000000005'];
const NUMBERS = ['0', '00', '1', '4294967296', '18446744073709551615', '18446744073709551616', '99999999999999999999999', '-0', '+1', '1e3'];

function mutate(r, s) {
  const pos = () => r.int(s.length + 1);
  switch (r.int(12)) {
    case 0: { // byte flip to an interesting character
      const p = r.int(Math.max(1, s.length));
      return s.slice(0, p) + r.pick(CHARS) + s.slice(p + 1);
    }
    case 1: { // random byte
      const p = r.int(Math.max(1, s.length));
      return s.slice(0, p) + String.fromCharCode(r.int(256)) + s.slice(p + 1);
    }
    case 2: { const p = pos(); return s.slice(0, p) + r.pick(INSERTS) + s.slice(p); }
    case 3: { const p = pos(); return s.slice(0, p) + s.slice(p + 1 + r.int(8)); }
    case 4: { const p = pos(); const q = Math.min(s.length, p + r.int(20)); return s.slice(0, q) + s.slice(p, q) + s.slice(q); }
    case 5: return r.int(2) ? s.split('\r\n').join('\n') : s.split('\r\n').join('\r');
    case 6: { // one huge header after the request line
      const size = r.pick([100, 8000, 16300, 16384, 20000, 70000]);
      const i = s.indexOf('\r\n');
      return i < 0 ? s : s.slice(0, i + 2) + 'X-Big: ' + 'a'.repeat(size) + '\r\n' + s.slice(i + 2);
    }
    case 7: { // many headers
      const n = r.pick([50, 500, 1999, 2001, 5000]);
      const i = s.indexOf('\r\n');
      let h = '';
      for (let k = 0; k < n; k++) h += 'X' + k + ': v\r\n';
      return i < 0 ? s : s.slice(0, i + 2) + h + s.slice(i + 2);
    }
    case 8: { // a number replaced with an insane one
      const m = [...s.matchAll(/\d+/g)];
      if (m.length === 0) return s;
      const hit = r.pick(m);
      return s.slice(0, hit.index) + r.pick(NUMBERS) + s.slice(hit.index + hit[0].length);
    }
    case 9: { // a chunk size line rewritten
      const m = [...s.matchAll(/\r\n([0-9a-fA-F]+)(;[^\r]*)?\r\n/g)];
      if (m.length === 0) return s + r.pick(CHUNK_SIZES) + '\r\n';
      const hit = r.pick(m);
      return s.slice(0, hit.index + 2) + r.pick(CHUNK_SIZES) + s.slice(hit.index + 2 + hit[1].length);
    }
    case 10: return s.slice(0, pos());
    default: return s + r.pick(SEEDS);
  }
}

function makeCase(index) {
  const r = rng(SEED * 1000003 + index);
  let s = r.pick(SEEDS);
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) s = mutate(r, s);
  const bytes = Buffer.from(s, 'latin1');
  const pieces = [];
  if (r.int(2) === 0 || bytes.length < 2) {
    pieces.push(bytes);
  } else {
    const cuts = new Set();
    const k = 1 + r.int(Math.min(8, bytes.length - 1));
    while (cuts.size < k) cuts.add(1 + r.int(bytes.length - 1));
    let last = 0;
    for (const c of [...cuts].sort((a, b) => a - b)) { pieces.push(bytes.subarray(last, c)); last = c; }
    pieces.push(bytes.subarray(last));
  }
  return { index, bytes, pieces, fin: r.int(2) === 0 };
}

// ---------------------------------------------------------------- servers
const stats = {
  cases: 0, crashes: [], hangs: { strict: 0, lenient: 0, node: 0 }, exceptions: 0,
  extra: { strict: 0, lenient: 0 }, afterUpgrade: { strict: 0, lenient: 0 }, framing: { strict: 0, lenient: 0 }, stricter: { strict: 0, lenient: 0 },
  statusDiff: { strict: 0, lenient: 0 }, timing: 0, slow: 0, rss: { strict: [0, 0], lenient: [0, 0] }, examples: [],
};

function startServer(name, cmd, cmdArgs) {
  const srv = { name, port: 0, lines: new Map(), proc: null, ready: null, dead: false };
  const launch = () => {
    srv.dead = false;
    srv.proc = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    srv.ready = new Promise((resolve) => {
      srv.proc.stdout.on('data', (d) => {
        buf += d.toString('latin1');
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.startsWith('listening ')) { srv.port = Number(line.slice(10)); resolve(); continue; }
          const sp = line.indexOf(' ', 2);
          if (sp < 0) continue;
          const peer = line.slice(2, sp);
          if (!srv.lines.has(peer)) srv.lines.set(peer, []);
          srv.lines.get(peer).push(line[0] + ' ' + line.slice(sp + 1));
        }
      });
    });
    srv.proc.stderr.on('data', (d) => {
      const t = d.toString();
      const m = t.match(/FUZZ-EXCEPTION/g);
      if (m) { stats.exceptions += m.length; if (!QUIET) process.stderr.write(`[${name}] ${t}`); }
    });
    srv.proc.on('exit', (code, sig) => {
      srv.dead = true;
      if (!stopping) {
        stats.crashes.push({ server: name, code, sig, near: stats.cases });
        process.stderr.write(`[${name}] exited (${code ?? sig}) near case ${stats.cases}; restarting\n`);
        launch();
      }
    });
  };
  launch();
  return srv;
}
let stopping = false;

function rssOf(srv) {
  try {
    const m = fs.readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

// ---------------------------------------------------------------- one exchange
function exchange(srv, c) {
  return new Promise((resolve) => {
    // Each case from its own loopback address, so the servers' lines of one case cannot be taken for another's.
    const n = (c.index + 1) % (254 * 254 * 254);
    const localAddress = `127.${1 + Math.floor(n / 64516) % 254}.${1 + Math.floor(n / 254) % 254}.${1 + n % 254}`;
    const sock = net.connect({ port: srv.port, host: '127.0.0.1', localAddress });
    const out = { data: [], closed: false, hang: false, port: null, error: null };
    let idle = null;
    let hangTimer = null;
    const done = () => {
      clearTimeout(idle); clearTimeout(hangTimer);
      if (!sock.destroyed) sock.destroy();
      resolve(out);
    };
    const armIdle = () => {
      if (c.fin) return;
      clearTimeout(idle);
      idle = setTimeout(done, IDLE_MS);
    };
    sock.on('connect', async () => {
      out.port = localAddress + ':' + sock.localPort;
      for (let i = 0; i < c.pieces.length; i++) {
        if (sock.destroyed) break;
        sock.write(c.pieces[i]);
        if (i + 1 < c.pieces.length) await new Promise((r) => setTimeout(r, i % 2));
      }
      if (sock.destroyed) return;
      if (c.fin) {
        sock.end();
        hangTimer = setTimeout(() => { out.hang = true; done(); }, HANG_MS);
      } else {
        armIdle();
      }
    });
    sock.on('data', (d) => { out.data.push(d); armIdle(); });
    sock.on('error', (e) => { out.error = e.code; });
    sock.on('close', () => { out.closed = true; done(); });
  });
}

const statuses = (buf) => (buf.toString('latin1').match(/HTTP\/1\.1 \d{3}/g) || []).map((s) => s.slice(9)).join(',');

async function runCase(servers, c) {
  const [node, strict, lenient] = servers;
  await Promise.all(servers.map((s) => s.ready));
  const results = await Promise.all(servers.map((s) => exchange(s, c)));
  // The D/E lines are written before the answers; give the pipes a moment.
  await new Promise((r) => setTimeout(r, 20));
  const seen = servers.map((s, i) => {
    const key = results[i].port;
    const l = s.lines.get(key) || [];
    s.lines.delete(key);
    return l;
  });
  stats.cases++;
  const dispatched = (lines) => lines.filter((l) => l[0] === 'D').map((l) => l.slice(2));
  const ends = (lines) => lines.filter((l) => l[0] === 'E').map((l) => l.slice(2));
  const nodeD = dispatched(seen[0]);
  const nodeE = ends(seen[0]);
  if (results[0].hang) stats.hangs.node++;
  for (const [mode, i] of [['strict', 1], ['lenient', 2]]) {
    const res = results[i];
    const d = dispatched(seen[i]);
    const e = ends(seen[i]);
    const notes = [];
    // A hang is a connection NodeHttp left open after FIN while Node closed it, and again when sent once more
    // (on a loaded machine every server can miss the deadline at once).
    if (res.hang && !results[0].hang && (await again(servers[i], c)).hang) { stats.hangs[mode]++; notes.push('hang'); }
    else if (res.hang) stats.slow++;
    // Without FIN what was dispatched depends on how long the connection stayed; only crashes and exceptions count.
    if (!c.fin) { if (notes.length) record(c, mode, notes, {}); return; }
    // Node drops what follows, in the same read, an Upgrade request nobody takes, and parses the next read afresh
    // from wherever it starts; NodeHttp reads on as HTTP/1.1 (RFC 9110 §7.8). When both agree up to that request,
    // what follows it is counted apart and compared no further.
    let upTo = d.length;
    let afterUpgrade = false;
    const nodeUpgrade = upgradeIndex(seen[0]);
    if (nodeUpgrade >= 0 && nodeUpgrade < d.length && nodeD.slice(0, nodeUpgrade + 1).every((x, k) => d[k] === x) &&
        (d.length !== nodeD.length || d.some((x, k) => x !== nodeD[k]))) {
      stats.afterUpgrade[mode]++;
      afterUpgrade = true;
      upTo = nodeUpgrade + 1;
    }
    let extra = false;
    for (let k = 0; k < upTo; k++) if (k >= nodeD.length || d[k] !== nodeD[k]) extra = true;
    // What Node dispatches before it closes can depend on how the writes arrive (a parse error or a closing
    // response destroys the socket with requests still unread): sent again, if Node dispatches them, it is timing.
    if (extra) {
      for (let k = 0; k < 2 && extra; k++) {
        const nodeAgain = dispatched(await againLines(servers[0], c));
        if (d.every((x, j) => nodeAgain[j] === x)) extra = false;
      }
      // The same holds for NodeHttp: a request that arrives while a closing response is being sent is read or not
      // depending on when its piece lands. Sent again, if NodeHttp dispatches no more than Node did, it is timing.
      for (let k = 0; k < 2 && extra; k++) {
        const ownAgain = dispatched(await againLines(servers[i], c));
        if (ownAgain.every((x, j) => nodeD[j] === x)) extra = false;
      }
      if (!extra) stats.timing++;
    }
    if (extra) { stats.extra[mode]++; notes.push('accepts-what-node-rejects'); }
    if (!afterUpgrade && d.length < nodeD.length) { stats.stricter[mode]++; if (mode === 'lenient') notes.push('rejects-what-node-accepts'); }
    const common = Math.min(e.length, nodeE.length, upTo);
    for (let k = 0; k < common; k++) if (e[k] !== nodeE[k]) { stats.framing[mode]++; notes.push('body-length'); break; }
    const sa = statuses(Buffer.concat(res.data));
    const sn = statuses(Buffer.concat(results[0].data));
    if (sa !== sn) stats.statusDiff[mode]++;
    if (notes.length) record(c, mode, notes, { node: { d: nodeD, e: nodeE, status: sn }, nodehttp: { d, e, status: sa } });
  }
}

// The position, among a case's dispatched requests, of the first one with an Upgrade header (-1: none).
function upgradeIndex(lines) {
  let n = -1;
  for (const l of lines) {
    if (l[0] === 'D') n++;
    else if (l[0] === 'U') return n;
  }
  return -1;
}

async function again(srv, c) {
  const r = await exchange(srv, { ...c, index: c.index + 5000000 });
  await new Promise((res) => setTimeout(res, 20));
  srv.lines.delete(r.port);
  return r;
}

async function againLines(srv, c) {
  const r = await exchange(srv, { ...c, index: c.index + 9000000 });
  await new Promise((res) => setTimeout(res, 50));
  const l = srv.lines.get(r.port) || [];
  srv.lines.delete(r.port);
  return l;
}

function record(c, mode, notes, detail) {
  if (stats.examples.length < 200) stats.examples.push({ index: c.index, mode, notes, fin: c.fin, bytes: c.bytes.toString('latin1').slice(0, 300) });
  try {
    fs.mkdirSync(OUT, { recursive: true });
    const base = path.join(OUT, `case-${SEED}-${c.index}-${mode}`);
    fs.writeFileSync(base + '.bin', c.bytes);
    fs.writeFileSync(base + '.json', JSON.stringify({ seed: SEED, index: c.index, mode, notes, fin: c.fin, pieces: c.pieces.map((p) => p.length), detail }, null, 1));
  } catch { /* best effort */ }
}

function report(final) {
  const line = `cases ${stats.cases}  crashes ${stats.crashes.length}  exceptions ${stats.exceptions}  ` +
    `hangs strict/lenient/node ${stats.hangs.strict}/${stats.hangs.lenient}/${stats.hangs.node}  ` +
    `accepts-what-node-rejects strict/lenient ${stats.extra.strict}/${stats.extra.lenient}  ` +
    `after-unused-upgrade strict/lenient ${stats.afterUpgrade.strict}/${stats.afterUpgrade.lenient}  ` +
    `body-length strict/lenient ${stats.framing.strict}/${stats.framing.lenient}  ` +
    `rejects-what-node-accepts strict/lenient ${stats.stricter.strict}/${stats.stricter.lenient}  ` +
    `timing-dependent ${stats.timing}  slow-under-load ${stats.slow}  ` +
    `status differs strict/lenient ${stats.statusDiff.strict}/${stats.statusDiff.lenient}  ` +
    `RSS KiB strict ${stats.rss.strict[0]}->${stats.rss.strict[1]} lenient ${stats.rss.lenient[0]}->${stats.rss.lenient[1]}`;
  process.stdout.write((final ? 'FINAL ' : '') + line + '\n');
}

async function main() {
  if (!fs.existsSync(SERVER)) {
    console.error(`no ${SERVER}: dotnet build fuzz/FuzzServer -c Release`);
    process.exit(2);
  }
  const servers = [
    startServer('node', process.execPath, [path.join(__dirname, 'fuzz-node-server.js'), '0']),
    startServer('strict', SERVER, ['0']),
    startServer('lenient', SERVER, ['0', '--lenient']),
  ];
  await Promise.all(servers.map((s) => s.ready));
  // Warm up (JIT) so the first cases are not slower than the rest.
  const warm = { index: -1, bytes: Buffer.from(SEEDS[2]), pieces: [Buffer.from(SEEDS[2])], fin: true };
  for (let i = 0; i < 200; i++) await Promise.all(servers.map((s) => exchange(s, warm)));
  servers.forEach((s) => s.lines.clear());
  stats.rss.strict[0] = rssOf(servers[1]);
  stats.rss.lenient[0] = rssOf(servers[2]);
  const rssTimer = setInterval(() => {
    stats.rss.strict[1] = Math.max(stats.rss.strict[1], rssOf(servers[1]));
    stats.rss.lenient[1] = Math.max(stats.rss.lenient[1], rssOf(servers[2]));
  }, 1000);
  const started = Date.now();
  let next = 0;
  let lastReport = Date.now();
  const indexes = ONLY ?? null;
  const total = indexes ? indexes.length : CASES;
  const worker = async () => {
    while (next < total) {
      const c = makeCase(indexes ? indexes[next++] : next++);
      await runCase(servers, c);
      if (Date.now() - lastReport > 30000) { lastReport = Date.now(); report(false); }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(rssTimer);
  stats.rss.strict[1] = Math.max(stats.rss.strict[1], rssOf(servers[1]));
  stats.rss.lenient[1] = Math.max(stats.rss.lenient[1], rssOf(servers[2]));
  stopping = true;
  report(true);
  process.stdout.write(`seconds ${((Date.now() - started) / 1000).toFixed(0)}  seed ${SEED}  cases written to ${OUT}\n`);
  for (const ex of stats.examples.slice(0, 20)) process.stdout.write(JSON.stringify(ex) + '\n');
  for (const s of servers) s.proc.kill();
  const bad = stats.crashes.length + stats.exceptions + stats.hangs.strict + stats.hangs.lenient + stats.extra.strict + stats.extra.lenient;
  process.exit(bad ? 1 : 0);
}
main();
