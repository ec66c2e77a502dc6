// Runs a class's scenarios in one process. Each is registered with scenario(name, fn) and calls done(text) once;
// its text is printed as the line RESULT ["<name>","<text>"] for the C# twin to compare with. A scenario that throws
// reports "THREW <code> <message>"; one that never calls done reports TIMEOUT. runAll runs them one after another
// (sequential) or all at once.
'use strict';
const http = require('http');
const net = require('net');
const scenarios = [];
function scenario(name, fn) { scenarios.push([name, fn]); }
function listen(server, cb) { server.listen(0, '127.0.0.1', () => cb(server.address().port)); }
const PORT_OF = server => server.address().port;
// A scenario that expects an uncaught exception adds a handler here; while there is none, the exception is printed
// as the line UNCAUGHT "<stack>".
const uncaughtHandlers = new Set();
process.on('uncaughtException', e => {
  if (uncaughtHandlers.size) for (const h of [...uncaughtHandlers]) h(e);
  else console.log('UNCAUGHT ' + JSON.stringify(String(e && e.stack)));
});
const SCENARIO_TIMEOUT_MS = 20000;
function runOne(name, fn) {
  return new Promise(resolve => {
    let finished = false;
    const report = value => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      console.log('RESULT ' + JSON.stringify([name, String(value)]));
      resolve();
    };
    const timer = setTimeout(() => report('TIMEOUT'), SCENARIO_TIMEOUT_MS);
    try {
      fn(report);
    } catch (e) {
      report('THREW ' + (e && e.code) + ' ' + (e && e.message));
    }
  });
}
function runAll(sequential) {
  const only = process.argv[2];
  const chosen = scenarios.filter(([name]) => !only || only === name);
  (async () => {
    if (sequential) {
      for (const [name, fn] of chosen) await runOne(name, fn);
    } else {
      await Promise.all(chosen.map(([name, fn]) => runOne(name, fn)));
    }
    console.log('ALL DONE');
    process.exit(0);
  })();
}
// A raw TCP server that answers a connection's first bytes with `reply` (a latin1 string) and keeps it open.
function rawReply(reply, cb) {
  const sockets = [];
  const server = net.createServer(s => { sockets.push(s); s.once('data', () => s.write(Buffer.from(reply, 'latin1'))); s.on('error', () => {}); });
  server.closeAll = () => { for (const s of sockets) s.destroy(); server.close(); };
  listen(server, port => cb(port, server));
}
// GETs `path` of 127.0.0.1:port with a fresh agent, hands (res, body text) to cb.
function fetchText(options, cb) {
  const req = http.request({ host: '127.0.0.1', agent: false, ...options }, res => {
    let b = '';
    res.setEncoding('utf8');
    res.on('data', d => b += d);
    res.on('end', () => cb(res, b));
  });
  return req;
}
// Sends `pieces` (latin1 strings) on a new connection, 20 ms apart, and hands the reply to cb, Date values replaced,
// followed by [closed] when the server ended the connection or [open] when it was still open `quietMs` after the
// last byte.
function rawExchange(port, pieces, cb, quietMs = 300) {
  const c = net.connect(port, '127.0.0.1');
  let got = '';
  let timer = null;
  let finished = false;
  const finish = how => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    c.destroy();
    cb(got.replace(/\r\nDate: [^\r]*/gi, '\r\nDate: X') + how);
  };
  const arm = () => { clearTimeout(timer); timer = setTimeout(() => finish('[open]'), quietMs); };
  c.setEncoding('latin1');
  c.on('data', d => { got += d; arm(); });
  c.on('end', () => finish('[closed]'));
  c.on('error', e => finish('[' + e.code + ']'));
  c.on('connect', () => {
    (function send(i) {
      if (i === pieces.length) { arm(); return; }
      c.write(pieces[i], 'latin1');
      setTimeout(() => send(i + 1), 20);
    })(0);
  });
}
