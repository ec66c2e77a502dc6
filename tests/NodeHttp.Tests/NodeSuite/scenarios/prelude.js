// Runs the scenarios of one file in order, in one process; each calls done(text) once, and its text is printed as
// "RESULT <name> <json>" for the C# twin to compare with. A scenario that never calls done reports TIMEOUT.
'use strict';
const http = require('http');
const net = require('net');
const scenarios = [];
function scenario(name, fn) { scenarios.push([name, fn]); }
function listen(server, cb) { server.listen(0, '127.0.0.1', () => cb(server.address().port)); }
process.on('uncaughtException', e => console.log('UNCAUGHT ' + (e && e.stack)));
function runAll() {
  const only = process.argv[2];
  (async () => {
    for (const [name, fn] of scenarios) {
      if (only && only !== name) continue;
      const r = await new Promise(resolve => {
        const t = setTimeout(() => resolve('TIMEOUT'), 8000);
        try {
          fn(v => { clearTimeout(t); resolve(String(v)); });
        } catch (e) {
          clearTimeout(t);
          resolve('THREW ' + e.code + ' ' + e.message);
        }
      });
      console.log('RESULT ' + name + ' ' + JSON.stringify(r));
    }
    console.log('ALLDONE');
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
