// Pipelining, request/response lifecycles, upgrades and write callbacks on the server side (PortsCTwinTests).
const os = require('os');
const fs = require('fs');
const path = require('path');
const normDate = s => s.replace(/\r\nDate: [^\r]*/gi, '\r\nDate: X');
// Connects, writes `text` (latin1), reads until the server ends the connection; hands the normalised reply to cb.
function readAll(port, text, cb) {
  const c = net.connect(port, '127.0.0.1', () => c.write(text, 'latin1'));
  let got = '';
  c.setEncoding('latin1');
  c.on('data', d => got += d);
  c.on('end', () => { c.end(); cb(normDate(got)); });
  c.on('error', e => cb(normDate(got) + '[' + e.code + ']'));
  return c;
}
scenario('pipe-fs', done => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipe-fs-'));
  const ev = [];
  const remotePorts = new Set();
  let n = 0;
  const server = http.createServer((req, res) => {
    remotePorts.add(req.socket.remotePort);
    const file = path.join(dir, 'body' + (++n) + '.txt');
    const sink = fs.createWriteStream(file);
    req.pipe(sink);
    sink.on('close', () => {
      ev.push('saved:' + fs.readFileSync(file, 'latin1'));
      res.writeHead(200);
      res.end();
    });
  });
  listen(server, port => {
    const agent = new http.Agent({ maxSockets: 1 });
    let ended = 0;
    for (const i of [1, 2]) {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent, headers: { 'Content-Length': 5 } }, res => {
        res.on('end', () => {
          ev.push('res' + i + ':' + res.statusCode);
          if (++ended === 2) {
            agent.destroy();
            server.close();
            fs.rmSync(dir, { recursive: true, force: true });
            done(ev.join(',') + ' connections=' + remotePorts.size);
          }
        });
        res.resume();
      });
      req.on('socket', () => ev.push('socket' + i));
      req.end('1234' + i);
    }
  });
});
scenario('pipeline-assertionerror-finish', done => {
  const COUNT = 10;
  let handled = 0;
  const server = http.createServer((req, res) => {
    const i = handled++;
    server.close();
    res.writeHead(200);
    res.write('data' + i);
    // The later requests end first, so that every response but the first finishes out of order.
    setTimeout(() => res.end(), (COUNT - i) * 7);
  });
  listen(server, port => {
    const big = 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'.repeat(COUNT - 1) +
      'GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n';
    readAll(port, big, reply => done('handled=' + handled + '\n' + reply));
  });
});
scenario('pipeline-requests-connection-leak', done => {
  const COUNT = 500;
  const big = Buffer.alloc(16 * 1024, 'A');
  let callbacks = 0;
  let client;
  const server = http.createServer((req, res) => {
    res.end(big, () => {
      if (++callbacks === COUNT) {
        server.close();
        client.end();
      }
    });
  });
  listen(server, port => {
    let bytes = 0;
    let responses = 0;
    client = net.connect(port, '127.0.0.1', () => client.write('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'.repeat(COUNT)));
    client.on('data', d => {
      bytes += d.length;
      for (let i = d.indexOf('HTTP/1.1 200'); i !== -1; i = d.indexOf('HTTP/1.1 200', i + 1)) responses++;
    });
    client.on('end', () => done('callbacks=' + callbacks + ' responses=' + responses + ' bodyBytes>=' + (bytes >= COUNT * big.length)));
  });
});
scenario('pipeline-socket-parser-typeerror', done => {
  const chunk = Buffer.alloc(1024, 'X');
  const COUNT = 12;
  const ev = [];
  let first = null;
  let second = null;
  let n = 0;
  let client;
  const server = http.createServer((req, res) => {
    n++;
    if (first === null) { first = res; return; }
    if (second === null) { second = res; res.write(chunk); } else { res.end(chunk); }
    if (n < COUNT) { client.write('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'); return; }
    client.write('GET / HTTP/1.1\r\nHost: example.com\r\n\r\nGET / HTTP/1.1\r\nHost: example.com\r\nConnection: upgrade\r\nUpgrade: ws\r\n\r\naaa');
  });
  let upgraded = null;
  server.on('upgrade', (req, socket, head) => {
    upgraded = socket;
    ev.push('upgrade head=' + head.toString('latin1') + ' requests=' + n);
    second.end(chunk, () => { ev.push('second-end-cb'); socket.end(); });
    first.end('hello');
  });
  listen(server, port => {
    let got = '';
    client = net.connect(port, '127.0.0.1', () => {
      client.write('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n');
      client.write('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n');
    });
    client.setEncoding('latin1');
    client.on('data', d => got += d);
    client.on('end', () => {
      server.close();
      client.end();
      // The upgraded socket is not read from: it would hold the loop (Node's does not, as it is not reading).
      upgraded.destroy();
      // The first two responses (the held one and the one that ends in the upgrade handler); what follows them
      // before the socket ends is not pinned.
      const parts = normDate(got).replace(/X{1024}/g, '<1k>').split(/(?=HTTP\/1\.1 )/);
      done(ev.join(',') + '\n' + parts.slice(0, 2).join(''));
    });
  });
});
scenario('readable-data-event', done => {
  const hello = 'Hello World!';
  const again = 'Hello again later!';
  let next = null;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Length': String(hello.length + again.length) });
    next = () => { res.end(again); next = () => {}; };
    res.write(hello);
  });
  listen(server, port => {
    const ev = [];
    http.request({ host: '127.0.0.1', port, agent: false }, res => {
      res.on('readable', () => {
        let data;
        ev.push('readable');
        do {
          data = res.read();
          ev.push('read:' + data);
          next();
        } while (data !== null);
      });
      res.setEncoding('utf8');
      res.on('data', d => ev.push('data:' + d));
      res.on('end', () => { server.close(); done(ev.join(',')); });
    }).end();
  });
});
scenario('regr-gh-2928', done => {
  const COUNT = 60;
  let accepted = 0;
  const server = net.createServer(c => {
    accepted++;
    c.on('error', () => {});
    c.end('HTTP/1.1 200 OK\r\n\r\n', () => c.destroySoon());
  });
  listen(server, port => {
    const seen = [];
    (function one(i) {
      if (i === COUNT) {
        server.close();
        done('accepted=' + accepted + ' ' + [...new Set(seen)].join('|') + ' count=' + seen.length);
        return;
      }
      http.get({ host: '127.0.0.1', port, agent: false }, res => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', d => body += d);
        res.on('end', () => { seen.push(res.statusCode + ':' + JSON.stringify(body) + ':' + res.complete); setImmediate(() => one(i + 1)); });
      }).on('error', e => { seen.push('error:' + e.code); setImmediate(() => one(i + 1)); });
    })(0);
  });
});
// One exchange of test-http-req-res-close: `mode` 'now' ends the response at once, 'later' after 100 ms, 'data'
// later with a 'data' listener on the request.
function reqResClose(mode, done) {
  const ev = [];
  const server = http.createServer((req, res) => {
    if (mode === 'now') res.end(); else setTimeout(() => res.end(), 100);
    if (mode === 'data') req.on('data', () => {});
    ev.push('req.destroyed=' + req.destroyed);
    res.on('finish', () => ev.push('res.finish destroyed=' + res.destroyed));
    res.on('close', () => ev.push('res.close destroyed=' + res.destroyed));
    req.on('end', () => ev.push('req.end destroyed=' + req.destroyed));
    req.on('close', () => ev.push('req.close destroyed=' + req.destroyed + ' ended=' + req.readableEnded));
    res.socket.on('close', () => { server.close(); done(ev.join(',')); });
  });
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, res => res.resume());
  });
}
scenario('req-res-close-now', done => reqResClose('now', done));
scenario('req-res-close-later', done => reqResClose('later', done));
scenario('req-res-close-data', done => reqResClose('data', done));
scenario('request-method-delete-payload', done => {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      seen.push(req.method + ' te=' + req.headers['transfer-encoding'] + ' body=' + JSON.stringify(Buffer.concat(chunks).toString('latin1')));
      res.setHeader('Content-Type', 'text/plain');
      res.end();
    });
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, method: 'DELETE', agent: false }, res => {
      seen.push('response ' + res.statusCode);
      res.resume();
      res.on('end', () => setTimeout(() => { server.close(); done(seen.join(',')); }, 100));
    });
    req.write('PUT / HTTP/1.1\r\n\r\n');
    req.end();
  });
});
scenario('response-setheaders', done => {
  const seen = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    n++;
    if (req.url === '/sent') {
      res.writeHead(200);
      try { res.setHeaders(new Map([['foo', '1']])); seen.push('no throw'); } catch (e) { seen.push('sent:' + e.code); }
      res.end();
    } else if (req.url === '/set') {
      res.setHeaders(new Map([['foo', '1'], ['bar', '2']]));
      res.writeHead(200);
      res.end();
    } else if (req.url === '/override') {
      res.setHeaders(new Map([['foo', '1'], ['bar', '2']]));
      res.writeHead(200, ['foo', '3']);
      res.end();
    } else {
      res.setHeaders(new Map([['set-cookie', ['a=1', 'b=2']], ['x-list', ['p', 'q']], ['content-type', 'text/plain']]));
      seen.push('chain=' + (res.setHeaders(new Map()) === res));
      res.end();
    }
  });
  listen(server, port => {
    const paths = ['/sent', '/set', '/override', '/cookies'];
    (function one(i) {
      if (i === paths.length) { server.close(); done(seen.join(',')); return; }
      http.get({ host: '127.0.0.1', port, path: paths[i], agent: false }, res => {
        seen.push(paths[i] + ' ' + res.statusCode + ' foo=' + res.headers.foo + ' bar=' + res.headers.bar
          + ' cookie=' + JSON.stringify(res.headers['set-cookie']) + ' list=' + res.headers['x-list'] + ' type=' + res.headers['content-type']);
        res.resume();
        res.on('end', () => one(i + 1));
      });
    })(0);
  });
});
scenario('server-delete-parser', done => {
  const ev = [];
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('okay', () => ev.push('write-cb'));
    res.end(() => ev.push('end-cb'));
  });
  listen(server, port => {
    server.unref();
    const req = http.request({ host: '127.0.0.1', port, agent: false });
    req.on('response', res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => body += d);
      res.on('end', () => ev.push('body=' + body));
      res.on('close', () => setImmediate(() => { server.close(); done(ev.join(',')); }));
    });
    req.end();
  });
});
// test-http-server-stale-close: a body shorter than its Content-Length piped into the response; the client goes away.
scenario('server-stale-close', done => {
  const ev = [];
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Length': '42' });
    req.pipe(res);
    ev.push('destroyed=' + req.destroyed);
    req.on('aborted', () => ev.push('aborted'));
    req.on('close', () => {
      ev.push('close destroyed=' + req.destroyed + ' complete=' + req.complete);
      server.close();
      res.end();
      done(ev.join(','));
    });
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent: false, headers: { 'Content-Length': '42' } }, res => {
      ev.push('response ' + res.statusCode);
      res.socket.destroy();
    });
    req.on('error', () => {});
    req.write('BAM');
    req.end();
  });
});
scenario('server-unconsume', done => {
  const results = [];
  (function one(i) {
    const how = ['on', 'addListener', 'prependListener'][i];
    if (!how) { done(results.join(',')); return; }
    let received = '';
    const server = http.createServer((req, res) => {
      res.writeHead(200);
      res.end();
      req.socket[how]('data', d => received += d);
      server.close();
    });
    listen(server, port => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('PUT / HTTP/1.1\r\nHost: example.com\r\n\r\n');
        socket.once('data', () => socket.end('hello world'));
      });
      socket.on('data', () => {});
      socket.on('error', () => {});
      socket.on('close', () => { results.push(how + ':' + received); one(i + 1); });
    });
  })(0);
});
scenario('socket-error-listeners-bad-bytes', done => {
  let i = 0;
  const codes = new Set();
  const server = http.createServer(() => codes.add('request'));
  let client;
  server.on('clientError', (err, socket) => {
    codes.add(err.code + ':' + err.rawPacket.toString());
    if (i === 20) client.end(); else { client.write('*'); i++; }
  });
  listen(server, port => {
    client = net.createConnection({ port, host: '127.0.0.1' }, () => client.write('*'));
    client.resume();
    client.on('close', () => { server.close(); done('errors=' + (i + 1) + ' ' + [...codes].join('|')); });
  });
});
scenario('socket-error-listeners-after-request', done => {
  const ev = [];
  const server = http.createServer((req, res) => {
    const handler = function(e) { ev.push(e ? 'socket-error:' + e.code : 'req-end'); req.socket.removeListener('error', handler); };
    req.on('end', handler);
    req.socket.on('error', handler);
    res.removeHeader('date');
    res.writeHead(204);
    res.end();
  });
  listen(server, port => {
    const client = net.createConnection({ host: '127.0.0.1', port });
    let data = '';
    client.setEncoding('latin1');
    client.on('data', d => data += d);
    client.on('end', () => { server.close(); done(ev.join(',') + '\n' + data); });
    client.write('GET / HTTP/1.1\r\nHost:a\r\nContent-Length:1\r\n\r\n1\r\nINVALID');
  });
});
scenario('upgrade-advertise', done => {
  const cases = [
    [{}, 'regular'],
    [{ upgrade: 'h2c' }, 'regular'],
    [{ connection: 'upgrade' }, 'regular'],
    [{ connection: 'upgrade', upgrade: 'h2c' }, 'upgrade'],
    [{ connection: 'upgrade', upgrade: 'h2c' }, 'destroy'],
    [{ connection: 'upgrade', upgrade: 'h2c' }, 'regular'],
  ];
  const got = [];
  const server = http.createServer((req, res) => {
    res.writeHead(200, { Connection: 'upgrade, keep-alive', Upgrade: 'h2c' });
    res.end('hello world');
  });
  server.on('upgrade', (req, socket) => {
    socket.end('HTTP/1.1 101 Switching protocols\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\nohai');
  });
  listen(server, port => {
    (function fire(i) {
      if (i === cases.length) { server.close(); done(got.join(',')); return; }
      const [headers, expected] = cases[i];
      let once = false;
      const finish = what => { if (once) return; once = true; got.push(what); fire(i + 1); };
      const req = http.request({ host: '127.0.0.1', port, path: '/', headers, agent: false }, res => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', d => body += d);
        res.on('end', () => finish('regular:' + body));
      });
      req.on('error', e => got.push('error:' + e.code));
      if (expected === 'destroy') {
        req.on('socket', () => req.socket.on('close', () => { server.removeAllListeners('upgrade'); finish('destroy'); }));
      } else {
        req.on('upgrade', (res, socket, head) => { socket.destroy(); finish('upgrade:' + res.statusCode + ':' + head.toString('latin1')); });
      }
      req.end();
    })(0);
  });
});
scenario('writable-true-after-close', done => {
  const ev = [];
  let internal;
  let external;
  let pending = 3;
  const finish = () => { if (--pending === 0) done(ev.join(',')); };
  const server = http.createServer((req, res) => {
    res.on('finish', () => ev.push('finish writable=' + res.writable));
    res.on('close', () => { ev.push('close writable=' + res.writable); finish(); });
    http.get('http://127.0.0.1:' + internal.address().port, inner => inner.pipe(res));
  });
  listen(server, () => {
    internal = http.createServer((req, res) => {
      res.writeHead(200);
      setImmediate(() => { external.abort(); res.end('Hello World\n'); });
    });
    listen(internal, () => {
      external = http.get('http://127.0.0.1:' + server.address().port);
      external.on('error', e => {
        ev.push('external error ' + e.code);
        server.close(finish);
        internal.close(finish);
      });
    });
  });
});
scenario('write-callbacks', done => {
  const ev = [];
  let serverIncoming = '';
  let clientIncoming = '';
  const server = http.createServer((req, res) => {
    res.statusCode = 400;
    res.end('Bad Request.\nMust send Expect:100-continue\n');
  });
  server.on('checkContinue', (req, res) => {
    server.close();
    ev.push('checkContinue ' + req.method);
    res.writeContinue(() => {
      ev.push('continue-written');
      req.on('end', () => {
        res.write('asdf', e => {
          ev.push('s1:' + (e || 'ok'));
          res.write('foo', 'ascii', e => {
            ev.push('s2:' + (e || 'ok'));
            res.end(Buffer.from('bar'), 'buffer', () => ev.push('s3'));
          });
        });
      });
    });
    req.setEncoding('ascii');
    req.on('data', c => serverIncoming += c);
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, method: 'PUT', agent: false, headers: { expect: '100-continue' } });
    req.on('continue', () => {
      ev.push('continue');
      req.write('YmF6', 'base64', e => {
        ev.push('c1:' + (e || 'ok'));
        req.write(Buffer.from('quux'), e => {
          ev.push('c2:' + (e || 'ok'));
          req.end('626c657267', 'hex', () => ev.push('c3'));
        });
      });
    });
    req.on('response', res => {
      ev.push('response ' + res.statusCode);
      res.setEncoding('ascii');
      res.on('data', c => clientIncoming += c);
      res.on('end', () => setImmediate(() => done(ev.join(',') + ' server=' + serverIncoming + ' client=' + clientIncoming)));
    });
  });
});
// test-http-server-capture-rejections: an async handler that rejects before anything was sent, after the head and
// part of the body went out, and after writeHead (Node needs captureRejections for the server to take them).
function captureRejectionsServer(handler) {
  const events = require('events');
  events.captureRejections = true;
  const server = http.createServer(handler);
  events.captureRejections = false;
  return server;
}
scenario('server-capture-rejections-before-head', done => {
  const server = captureRejectionsServer(async (req, res) => {
    res.setHeader('content-type', 'application/json');
    throw new Error('kaboom');
  });
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => body += d);
      res.on('end', () => { server.close(); done(res.statusCode + ' content-type=' + ('content-type' in res.headers) + ' body=' + body); });
    });
  });
});
scenario('server-capture-rejections-after-body', done => {
  let resolve;
  const latch = new Promise(r => { resolve = r; });
  const server = captureRejectionsServer(async (req, res) => {
    server.close();
    res.setHeader('content-type', 'application/json');
    res.write('{');
    req.resume();
    await latch;
    throw new Error('kaboom');
  });
  listen(server, port => {
    const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
      let body = '';
      const head = res.statusCode + ' ' + res.headers['content-type'];
      resolve();
      res.setEncoding('utf8');
      res.on('data', d => body += d);
      res.on('error', () => {});
      req.on('close', () => done(head + ' body=' + body + ' complete=' + res.complete));
    });
  });
});
scenario('server-capture-rejections-after-head', done => {
  const server = captureRejectionsServer(async (req, res) => {
    res.writeHead(200);
    throw new Error('kaboom');
  });
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, () => done('response')).on('error', e => { server.close(); done('error ' + e.code); });
  });
});
// test-http-sync-write-error-during-continue: in the 'continue' handler the socket's write fails synchronously
// (it destroys the socket with an error); the error reaches the request, after the handler returned.
scenario('sync-write-error-during-continue', done => {
  const ev = [];
  let head = '';
  const server = net.createServer(s => {
    s.on('error', () => {});
    s.setEncoding('latin1');
    s.on('data', d => {
      head += d;
      if (head.includes('\r\n\r\n') && !ev.includes('head')) { ev.push('head'); setImmediate(() => s.write('HTTP/1.1 100 Continue\r\n\r\n')); }
    });
  });
  listen(server, port => {
    let socket;
    const req = http.request({ createConnection: () => (socket = net.connect(port, '127.0.0.1')), headers: { Expect: '100-continue' } });
    req.on('continue', () => {
      let sync = true;
      socket._writev = null;
      socket._write = (chunk, enc, cb) => {
        ev.push('write ' + chunk.length + ' sync=' + sync);
        socket.destroy(new Error('write failed'), cb);
      };
      req.on('error', e => { ev.push('error ' + e.message + ' sync=' + sync); server.close(); done(ev.join(',') + ' head=' + JSON.stringify(head.replace(/:\d+/, ':PORT'))); });
      req.end('data');
      ev.push('continue returned');
      sync = false;
    });
  });
});
