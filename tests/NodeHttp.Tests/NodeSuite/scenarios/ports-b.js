// Scenarios of Node's http tests on pausing, dumping, pipelining, header storage and limits, one per Node file
// (test-http-<name>.js), run here and by NodeFilePortsBTests.
scenario('exceptions', done => {
  const saved = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const reqs = [];
  let count = 0;
  const server = http.createServer(() => { throw new Error('handler failed'); });
  process.on('uncaughtException', e => {
    if (++count === 4) {
      process.removeAllListeners('uncaughtException');
      for (const l of saved) process.on('uncaughtException', l);
      for (const r of reqs) r.destroy();
      server.close();
      done('uncaught=' + count + ' ' + e.message);
    }
  });
  listen(server, port => {
    for (let i = 0; i < 4; i++) {
      const r = http.get({ host: '127.0.0.1', port, agent: false, path: '/busy/' + i });
      r.on('error', () => {});
      reqs.push(r);
    }
  });
});
scenario('multi-line-headers', done => {
  const body = 'folded header body';
  const response = 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: ' + body.length + '\r\n' +
    'Content-Type: text/plain;\r\n x-unix-mode=0600;\r\n name="hello.txt"\r\n\r\n' + body;
  const server = net.createServer(c => { c.on('error', () => {}); c.resume(); c.end(response); });
  listen(server, port => {
    const out = [];
    // Strict parsing refuses the folded lines; the lenient parser joins them with single spaces.
    const strict = http.get({ host: '127.0.0.1', port, agent: false }, () => out.push('strict:response'));
    strict.on('error', e => {
      out.push('strict:' + e.code);
      fetchText({ port, insecureHTTPParser: true }, (res, b) => {
        out.push('lenient:' + JSON.stringify(res.headers['content-type']) + ':' + b);
        server.close();
        done(out.join(' '));
      }).end();
    });
  });
});
scenario('mutable-headers', done => {
  const content = 'hello world\n';
  const cookies = ['a=1; path=/', 'b=2; path=/'];
  const log = [];
  let step = 'headers';
  const server = http.createServer((req, res) => {
    if (step === 'headers') {
      log.push('empty:' + Object.keys(res.getHeaders()).length + ':' + res.getHeaderNames().length + ':' + res.hasHeader('Connection') + ':' + res.getHeader('Connection'));
      res.setHeader('x-test-header', 'testing');
      res.setHeader('X-TEST-HEADER2', 'testing');
      res.setHeader('set-cookie', cookies);
      res.setHeader('x-test-array-header', ['1', '2', '3']);
      log.push('get:' + res.getHeader('x-test-header') + ':' + res.getHeader('x-test-header2'));
      log.push('names:' + res.getHeaderNames().join(','));
      log.push('raw:' + res.getRawHeaderNames().join(','));
      const h = res.getHeaders();
      log.push('all:' + Object.keys(h).map(k => k + '=' + [].concat(h[k]).join('|')).join(','));
      log.push('has:' + res.hasHeader('x-test-header2') + res.hasHeader('X-TEST-HEADER2') + res.hasHeader('X-Test-Header2'));
      res.removeHeader('x-test-header2');
      log.push('removed:' + res.hasHeader('x-test-header2') + res.hasHeader('X-Test-Header2'));
    } else if (step === 'contentLength') {
      res.setHeader('content-length', content.length);
      log.push('cl:' + res.getHeader('Content-Length'));
    } else if (step === 'transferEncoding') {
      res.setHeader('transfer-encoding', 'chunked');
      log.push('te:' + res.getHeader('Transfer-Encoding'));
    } else {
      res.statusCode = 404;
      res.setHeader('x-foo', 'keyboard cat');
      res.writeHead(200, { 'x-foo': 'bar', 'x-bar': 'baz' });
    }
    res.statusCode = 201;
    res.end(content);
    try { res.setHeader('x-late', '1'); log.push('late:set'); } catch (e) { log.push('late:' + e.code); }
  });
  listen(server, port => {
    const steps = ['headers', 'contentLength', 'transferEncoding', 'writeHead'];
    (function next(i) {
      if (i === steps.length) { server.close(); done(log.join(' ')); return; }
      step = steps[i];
      fetchText({ port }, (res, b) => {
        const h = res.headers;
        log.push(step + '>' + res.statusCode + ':' + [h['x-test-header'], h['x-test-array-header'], [].concat(h['set-cookie'] || []).join('|'),
          h['x-test-header2'], h['content-length'], h['transfer-encoding'], h['x-foo'], h['x-bar']].map(v => v === undefined ? '-' : v).join(':') + ':' + (b === content));
        next(i + 1);
      }).end();
    })(0);
  });
});
scenario('pause', done => {
  let serverGot = '';
  let clientGot = '';
  const ends = [];
  const server = http.createServer((req, res) => {
    req.pause();
    setTimeout(() => {
      req.resume();
      req.setEncoding('utf8');
      req.on('data', d => serverGot += d);
      req.on('end', () => { ends.push('req'); res.writeHead(200); res.end('Response Body from Server'); });
    }, 100);
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, agent: false, method: 'POST' }, res => {
      res.pause();
      setTimeout(() => {
        res.resume();
        res.setEncoding('utf8');
        res.on('data', d => clientGot += d);
        res.on('end', () => { ends.push('res'); server.close(); done(serverGot + '|' + clientGot + '|' + ends.join(',')); });
      }, 100);
    });
    req.end('Request Body from Client');
  });
});
scenario('pause-no-dump', done => {
  const log = [];
  const server = http.createServer((req, res) => {
    req.once('data', d => {
      req.pause();
      req.on('resume', () => log.push('resume'));
      res.writeHead(200);
      res.end();
      res.on('finish', () => log.push('finish:flowing=' + req.readableFlowing + ':paused=' + req.isPaused() + ':data=' + req.listenerCount('data')));
    });
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, agent: false, method: 'POST' }, res => {
      log.push('status:' + res.statusCode);
      res.resume();
      res.on('end', () => { server.close(); done(log.join(' ')); });
    });
    req.end(Buffer.alloc(1024, 'x'));
  });
});
scenario('parser-multiple-execute', done => {
  const server = net.createServer(c => {
    c.once('data', () => {
      c.write('HTTP/1.1 100 Continue\r\n\r\n');
      setTimeout(() => c.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 20);
    });
  });
  listen(server, port => {
    const log = [];
    const req = http.request({ host: '127.0.0.1', port, agent: false });
    req.on('continue', () => log.push('continue'));
    req.on('information', i => log.push('information:' + i.statusCode));
    req.on('response', res => {
      log.push('response:' + res.statusCode);
      res.resume();
      res.on('end', () => { log.push('end'); server.close(); done(log.join(',')); });
    });
    req.end();
  });
});
scenario('many-ended-pipelines', done => {
  let handled = 0;
  const server = http.createServer((req, res) => {
    handled++;
    res.end('ok');
    req.socket.destroy();
  });
  listen(server, port => {
    const one = 'GET / HTTP/1.1\r\nHost: some.host.name\r\n\r\n\r\n';
    rawExchange(port, [one.repeat(20)], reply => server.close(() => done('handled=' + handled + ' ' + reply)));
  });
});
scenario('incoming-pipelined-socket-destroy', done => {
  const server = http.createServer((req, res) => {
    switch (req.url) {
      case '/1': return setTimeout(() => req.socket.destroy());
      case '/2': return process.nextTick(() => res.destroy());
      case '/3':
        res.write('hello ');
        return setTimeout(() => res.end('world!'));
      default: res.destroy();
    }
  });
  listen(server, port => {
    const runs = [[3, 1, 2, 3, 4, 1, 2, 3, 4], [2, 3, 4], [4, 3, 1], [3, 3, 2]];
    const out = [];
    (function next(i) {
      if (i === runs.length) { server.close(() => done(out.join(' '))); return; }
      const text = runs[i].map(r => 'GET /' + r + ' HTTP/1.1\r\nHost: localhost\r\n\r\n\r\n').join('');
      rawExchange(port, [text], reply => { out.push(runs[i].join('') + ':' + JSON.stringify(reply)); next(i + 1); });
    })(0);
  });
});
scenario('header-badrequest', done => {
  const server = http.createServer((req, res) => {
    res.write('asd', () => res.socket.emit('error', new Error('kaboom')));
  });
  listen(server, port => rawExchange(port, ['GET /blah HTTP/1.1\r\nHost: example.com\r\n\r\n'], reply => server.close(() => done(JSON.stringify(reply)))));
});
scenario('get-pipeline-problem', done => {
  const image = Buffer.alloc(60000);
  for (let i = 0; i < image.length; i++) image[i] = (i * 7919 + (i >> 8)) & 0xff;
  const total = 10;
  let requests = 0;
  const agent = new http.Agent({ maxSockets: 1 });
  const server = http.createServer((req, res) => {
    if (++requests === total) server.close();
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'connection': 'close', 'content-length': image.length });
      res.end(image);
    }, 1);
  });
  listen(server, port => {
    const results = [];
    for (let i = 0; i < total; i++) {
      http.get({ host: '127.0.0.1', port, agent, headers: { connection: 'close' } }, res => {
        const parts = [];
        res.on('data', d => parts.push(d));
        res.on('end', () => {
          results.push(Buffer.concat(parts).equals(image) ? 'same' : 'differs');
          if (results.length === total) done(requests + ' ' + results.join(','));
        });
      });
    }
  });
});
scenario('nodelay', done => {
  const server = http.createServer((req, res) => { res.writeHead(200); res.end(); });
  const original = net.Socket.prototype.connect;
  let clientNoDelay = '-';
  net.Socket.prototype.connect = function(args) { clientNoDelay = String(args[0].noDelay); return original.call(this, args); };
  listen(server, port => {
    http.request({ host: '127.0.0.1', port, agent: new http.Agent({ noDelay: true }) }, res => {
      net.Socket.prototype.connect = original;
      res.resume();
      res.on('end', () => { res.req.socket.end(); server.close(); done('server=' + server.noDelay + ' client=' + clientNoDelay + ' status=' + res.statusCode); });
    }).end();
  });
});
scenario('highwatermark', done => {
  const writes = [];
  const server = http.createServer((req, res) => {
    writes.push(res.write('x'.repeat(req.socket.writableHighWaterMark * 200)));
    res.end();
  });
  listen(server, port => {
    const out = [];
    // Two pipelined requests from a peer that reads nothing until both are written: the server's writes back up.
    const c = net.createConnection(port, '127.0.0.1', () => {
      const one = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
      c.write(one);
      c.write(one, () => setImmediate(() => c.resume()));
      c.end();
    });
    c.pause();
    let bytes = 0;
    let text = '';
    c.on('data', d => { bytes += d.length; text += d.toString('latin1'); });
    c.on('end', () => {
      out.push('writes=' + writes.join(',') + ' responses=' + (text.match(/HTTP\/1\.1 200 OK/g) || []).length + ' bytes=' + bytes);
      // Without Host the same requests are refused with a 400.
      rawExchange(port, ['GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n'], reply => {
        out.push(JSON.stringify(reply));
        server.close(() => done(out.join(' ')));
      });
    });
  });
});
scenario('outgoing-finish', done => {
  const logs = {};
  let pending = 3;
  const finish = () => { if (--pending === 0) { server.close(); done(['ClientRequest', 'ServerResponse'].map(n => n + ':' + logs[n].join(',')).join(' ')); } };
  const buf = Buffer.alloc(16 * 1024, 'x');
  function write(out, name) {
    const log = logs[name] = [];
    let writes = 1;
    while (out.write(buf)) writes++;
    log.push('backpressure');
    let finished = false;
    let ended = false;
    out.on('finish', () => {
      finished = true;
      log.push('finish:endcb=' + ended);
      process.nextTick(() => { log.push('tick:endcb=' + ended); finish(); });
    });
    out.end(buf, () => {
      ended = true;
      log.push('endcb:finish=' + finished);
    });
  }
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => write(res, 'ServerResponse'));
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, agent: false, method: 'PUT' });
    write(req, 'ClientRequest');
    req.on('response', res => { res.resume(); res.on('end', finish); });
  });
});
scenario('outgoing-end-cork', done => {
  const log = [];
  const seen = new Set();
  let reused = false;
  const server = http.createServer((req, res) => {
    if (seen.has(res.socket)) {
      reused = true;
      const ok = res.write(Buffer.alloc(res.socket.writableHighWaterMark + 100));
      log.push('reused:write=' + ok);
      res.once('drain', () => { log.push('drain'); res.end(); });
    } else {
      seen.add(res.socket);
      res.end('regular end of request', 'utf8', () => log.push('endcb'));
      log.push('corked=' + res.writableCorked);
      res.end();
    }
  });
  listen(server, port => {
    const agent = new http.Agent({ keepAlive: true });
    let n = 0;
    (function next() {
      n++;
      http.get({ host: '127.0.0.1', port, agent }, res => {
        let total = 0;
        res.on('data', d => total += d.length);
        res.on('end', () => {
          log.push('got:' + total);
          if (reused) { agent.destroy(); server.close(); done('requests=' + n + ' ' + log.join(' ')); }
          else setImmediate(next);
        });
      });
    })();
  });
});
scenario('max-header-size-per-stream', done => {
  const big = 'A'.repeat(http.maxHeaderSize * 3);
  const out = [];
  const raw = net.createServer(c => {
    c.on('error', () => {});
    c.resume();
    c.end('HTTP/1.1 200 OK\r\nHello: ' + big + '\r\nContent-Length: 0\r\n\r\n');
  });
  listen(raw, rawPort => {
    const raised = http.request({ host: '127.0.0.1', port: rawPort, agent: false, maxHeaderSize: http.maxHeaderSize * 4 }, res => {
      out.push('1:' + res.headers.hello.length);
      res.resume();
      res.on('end', () => {
        const plain = http.request({ host: '127.0.0.1', port: rawPort, agent: false }, () => out.push('2:response'));
        plain.on('error', e => {
          out.push('2:' + e.code);
          raw.close();
          const text = 'Hello, World!\n';
          const server = http.createServer({ maxHeaderSize: http.maxHeaderSize * 4 }, (q, s) => { s.setHeader('Content-Type', 'text/plain'); s.end(text); });
          server.on('clientError', e => out.push('3:clientError:' + e.code));
          listen(server, port => rawExchange(port, ['GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\nHello: ' + big + '\r\n\r\n'], reply => {
            out.push('3:' + reply.split('\r\n')[0] + ':' + reply.endsWith(text + '[closed]'));
            server.close();
            const strict = http.createServer(() => out.push('4:request'));
            strict.on('clientError', (e, socket) => { out.push('4:' + e.code); socket.destroy(); });
            listen(strict, port2 => rawExchange(port2, ['GET / HTTP/1.1\r\nHello: ' + big + '\r\n\r\n'], reply2 => {
              out.push('4:' + JSON.stringify(reply2));
              strict.close(() => done(out.join(' ')));
            }));
          }));
        });
        plain.end();
      });
    });
    raised.end();
  });
});
// Heads exactly at the 16 KiB limit and one byte over, sent in 100-byte writes each waiting for the last.
function writeInPieces(socket, text) {
  const pieces = [];
  for (let i = 0; i < text.length; i += 100) pieces.push(text.slice(i, i + 100));
  (function next() {
    if (socket.destroyed) return;
    const piece = pieces.shift();
    if (piece) socket.write(piece, next); else socket.end();
  })();
}
function headFill(start, counted, valid) {
  // The limit counts the method or status, URL, names and values, not separators or line ends.
  return start + 'a'.repeat(16 * 1024 - counted - (valid ? 1 : 0)) + '\r\n\r\n';
}
scenario('max-http-headers', done => {
  const out = [];
  const responseHead = valid => headFill('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-CRASH: ', 2 + 14 + 1 + 7, valid);
  const requestHead = valid => headFill('GET / HTTP/1.1\r\nHost: localhost\r\nAgent: nod2\r\nX-CRASH: ', 1 + 4 + 9 + 5 + 4 + 7, valid);
  function response(valid, next) {
    const raw = net.createServer(s => { s.on('error', () => {}); s.once('data', () => writeInPieces(s, responseHead(valid))); s.resume(); });
    listen(raw, port => {
      const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
        out.push('response-' + valid + ':' + res.statusCode + ':' + res.headers['x-crash'].length);
        res.resume();
        res.on('end', () => raw.close(next));
      });
      req.on('error', e => { out.push('response-' + valid + ':' + e.code); raw.close(next); });
    });
  }
  function request(valid, next) {
    const server = http.createServer((q, s) => { out.push('request-' + valid + ':handler:' + q.headers['x-crash'].length); s.end('hello'); });
    server.on('clientError', (e, socket) => { out.push('request-' + valid + ':' + e.code); socket.destroy(); });
    listen(server, port => {
      const c = net.connect(port, '127.0.0.1', () => writeInPieces(c, requestHead(valid)));
      let got = '';
      c.setEncoding('latin1');
      c.on('data', d => got += d);
      c.on('error', () => {});
      c.on('close', () => { out.push('request-' + valid + ':reply:' + got.split('\r\n')[0]); server.close(next); });
    });
  }
  response(false, () => request(false, () => request(true, () => response(true, () => done(out.join(' '))))));
});
scenario('expect-continue-reuse-race', done => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ports = new Set();
  let errors = 0;
  const server = http.createServer((req, res) => {
    ports.add(req.socket.remotePort);
    req.on('error', () => errors++);
    res.writeHead(200);
    res.end();
  });
  listen(server, port => {
    let answered = 0;
    (function next(i) {
      if (i === 100) { agent.destroy(); server.close(); done('answered=' + answered + ' errors=' + errors + ' sockets=' + ports.size); return; }
      const req = http.request({ host: '127.0.0.1', port, agent, method: 'POST', headers: { 'Content-Length': '0', 'Expect': '100-continue' } }, res => {
        if (res.statusCode === 200) answered++;
        res.resume();
        res.once('end', () => next(i + 1));
      });
      req.on('error', e => { errors++; next(i + 1); });
      setTimeout(() => req.end(Buffer.alloc(0)), 0);
    })(0);
  });
});
// Header lists and maps as text: raw lists joined with '|', maps as name=value(s), several values joined with '/'.
function headerText(o) { return Object.keys(o).map(k => k + '=' + [].concat(o[k]).join('/')).join(','); }
scenario('multiple-headers', done => {
  const out = [];
  const server = http.createServer({ uniqueHeaders: ['x-res-b', 'x-res-d', 'x-res-y'] }, (req, res) => {
    const host = req.headers.host;
    const noHost = s => s.split(host).join('HOST');
    out.push('req.raw:' + noHost(req.rawHeaders.join('|')));
    out.push('req.headers:' + noHost(headerText(req.headers)));
    out.push('req.distinct:' + noHost(headerText(req.headersDistinct)));
    req.on('end', () => {
      out.push('req.rawTrailers:' + req.rawTrailers.join('|'));
      out.push('req.trailers:' + headerText(req.trailers));
      out.push('req.trailersDistinct:' + headerText(req.trailersDistinct));
      res.setHeader('X-Res-a', 'AAA');
      res.appendHeader('x-res-a', ['BBB', 'CCC']);
      res.setHeader('X-Res-b', ['DDD', 'EEE']);
      res.appendHeader('x-res-b', ['FFF', 'GGG']);
      res.removeHeader('date');
      res.writeHead(200, { 'Connection': 'close', 'x-res-c': ['HHH', 'III'], 'x-res-d': ['JJJ', 'KKK', 'LLL'] });
      res.addTrailers({ 'x-res-x': ['XXX', 'YYY'], 'X-Res-Y': ['ZZZ', 'WWW'] });
      res.write('BODY');
      res.end();
      try { res.appendHeader('x-late', 'v'); out.push('append:ok'); } catch (e) { out.push('append:' + e.code); }
      out.push('res.get:' + [].concat(res.getHeader('X-Res-a')).join('/') + ',' + [].concat(res.getHeader('x-res-b')).join('/') + ',' + [].concat(res.getHeader('x-res-c')).join('/') + ',' + res.getHeader('connection'));
      out.push('res.names:' + res.getHeaderNames().join('|'));
      out.push('res.rawNames:' + res.getRawHeaderNames().join('|'));
      out.push('res.headers:' + headerText(res.getHeaders()));
    });
    req.resume();
  });
  listen(server, port => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/', method: 'POST',
      headers: { 'connection': 'close', 'x-req-a': 'aaa', 'X-Req-a': 'bbb', 'X-Req-b': ['ccc', 'ddd'] },
      uniqueHeaders: ['x-req-b', 'x-req-y'],
    }, res => {
      out.push('res.raw:' + res.rawHeaders.join('|'));
      out.push('res.headers:' + headerText(res.headers));
      out.push('res.distinct:' + headerText(res.headersDistinct));
      res.on('end', () => {
        out.push('res.rawTrailers:' + res.rawTrailers.join('|'));
        out.push('res.trailers:' + headerText(res.trailers));
        out.push('res.trailersDistinct:' + headerText(res.trailersDistinct));
        server.close(() => done(out.join(' ; ')));
      });
      res.resume();
    });
    req.setHeader('X-Req-a', ['eee', 'fff']);
    req.appendHeader('X-req-a', ['ggg', 'hhh']);
    req.setHeader('X-Req-b', ['iii', 'jjj']);
    req.appendHeader('x-req-b', ['kkk', 'lll']);
    req.addTrailers({ 'x-req-x': ['xxx', 'yyy'], 'X-req-Y': ['zzz', 'www'] });
    req.write('BODY');
    req.end();
  });
});
scenario('head-throw-on-response-body-write', done => {
  const out = [];
  const cases = [['204', 'GET', false], ['204', 'GET', true], ['head', 'HEAD', false], ['head', 'HEAD', true]];
  (function next(i) {
    if (i === cases.length) { done(out.join(' ')); return; }
    const [kind, method, reject] = cases[i];
    const server = http.createServer(reject ? { rejectNonStandardBodyWrites: true } : {}, (req, res) => {
      if (kind === '204') res.writeHead(204);
      let r;
      try { r = 'wrote:' + res.write('this is content'); } catch (e) { r = e.code + ':' + e.message; }
      res.end();
      out.push(kind + (reject ? '-reject' : '') + ':' + r);
    });
    listen(server, port => {
      fetchText({ port, method }, (res, b) => { out.push(res.statusCode + ':' + b.length); server.close(() => next(i + 1)); }).end();
    });
  })(0);
});
// Not a Node file: the 'pause' a server socket emits when a request body backs up (Node's readStop), which
// no-read-no-dump listens for.
scenario('socket-pause-on-body-backpressure', done => {
  const server = http.createServer((req, res) => {
    req.socket.once('pause', () => { res.end('paused'); });
  });
  listen(server, port => {
    const req = fetchText({ port, method: 'POST' }, (res, b) => { req.destroy(); server.close(); done(res.statusCode + ':' + b); });
    req.on('error', () => {});
    req.write(Buffer.alloc(256 * 1024, 'y'));
  });
});
