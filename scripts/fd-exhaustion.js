#!/usr/bin/env node
// Opens many HTTP connections at once against a running server, to see how it behaves when it runs out of file
// descriptors (or reaches its maxConnections): each connection sends one keep-alive GET and stays open, so the
// server holds a descriptor for every connection it admits. Reports how many were served, closed without an
// answer, refused or left waiting, then closes them all and checks that the server still answers a fresh request.
//
//   node scripts/fd-exhaustion.js [--host 127.0.0.1] [--port 8080] [--connections 400] [--path /]
//                                 [--timeout 5000] [--after 500]
//
// Try it against a server started with a low descriptor limit, e.g. the hello server:
//   (ulimit -n 128; exec dotnet examples/HelloServer/bin/Release/net10.0/HelloServer.dll 8080) &
//   node scripts/fd-exhaustion.js --port 8080 --connections 400
//
// Outcomes per connection: served (a response came), closed (the server ended it without a response), reset (it
// was closed with the request unread: RST), waiting (nothing within --timeout ms: left in the accept queue), or
// error:CODE (the connection itself failed, e.g. ECONNREFUSED when nothing listens any more). This client needs a
// descriptor per connection too: raise its own `ulimit -n` above --connections.
//
// Exit status: 0 when the server answered the fresh request with a 2xx status, 1 otherwise.
'use strict';
const net = require('net');
const http = require('http');

function parseArgs(argv) {
  const opts = { host: '127.0.0.1', port: 8080, connections: 400, path: '/', timeout: 5000, after: 500 };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in opts) || i + 1 >= argv.length) {
      console.error(`unknown or incomplete option: ${argv[i]}`);
      process.exit(2);
    }
    const value = argv[++i];
    opts[name] = typeof opts[name] === 'number' ? Number(value) : value;
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

function probe(sockets) {
  return new Promise((resolve) => {
    const s = net.connect(opts.port, opts.host);
    sockets.push(s);
    let got = '';
    let settled = false;
    const settle = (outcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    s.setTimeout(opts.timeout, () => settle('waiting'));
    s.on('connect', () => {
      s.write(`GET ${opts.path} HTTP/1.1\r\nHost: ${opts.host}:${opts.port}\r\n\r\n`);
    });
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (/^HTTP\/1\.[01] \d{3}/.test(got) && got.includes('\r\n\r\n')) {
        settle('served');
      }
    });
    s.on('end', () => settle(got ? 'served' : 'closed'));
    s.on('error', (e) => settle(e.code === 'ECONNRESET' ? 'reset' : 'error:' + e.code));
    s.on('close', () => settle(got ? 'served' : 'closed'));
  });
}

function freshRequest() {
  return new Promise((resolve) => {
    const req = http.get({ host: opts.host, port: opts.port, path: opts.path, agent: false, timeout: opts.timeout }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ ok: res.statusCode >= 200 && res.statusCode < 300, text: `${res.statusCode} ${JSON.stringify(body.slice(0, 60))}` }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within ' + opts.timeout + ' ms')));
    req.on('error', (e) => resolve({ ok: false, text: 'failed: ' + (e.code || e.message) }));
  });
}

(async () => {
  const sockets = [];
  const started = Date.now();
  const outcomes = await Promise.all(Array.from({ length: opts.connections }, () => probe(sockets)));
  const counts = {};
  for (const o of outcomes) {
    counts[o] = (counts[o] || 0) + 1;
  }
  console.log(`connections: ${opts.connections} to ${opts.host}:${opts.port} in ${Date.now() - started} ms`);
  for (const key of ['served', 'closed', 'reset', 'waiting']) {
    console.log(`  ${key.padEnd(8)} ${counts[key] || 0}`);
    delete counts[key];
  }
  for (const [key, n] of Object.entries(counts)) {
    console.log(`  ${key.padEnd(8)} ${n}`);
  }
  for (const s of sockets) {
    s.destroy();
  }
  await new Promise((r) => setTimeout(r, opts.after));
  const fresh = await freshRequest();
  console.log(`fresh request after closing them: ${fresh.text}`);
  process.exit(fresh.ok ? 0 : 1);
})();
