// What a client request sends and what its response delivers: encodings, bodies, framing headers, HEAD, malformed
// responses from a raw server.
scenario('client-encoding', done => {
  const server = http.createServer((req, res) => res.end('caf\u00e9 \u65e5\u672c'));
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      res.setEncoding('utf8');
      const kinds = new Set();
      let b = '';
      res.on('data', d => { kinds.add(typeof d); b += d; });
      res.on('end', () => { server.close(); done([...kinds].join('+') + ':' + b); });
    });
  });
});
scenario('default-encoding', done => {
  const server = http.createServer((req, res) => {
    let b = '';
    req.setEncoding('utf8');
    req.on('data', d => b += d);
    req.on('end', () => res.end(Buffer.byteLength(b) + ':' + b));
  });
  listen(server, port => {
    const req = fetchText({ port, method: 'POST' }, (res, b) => { server.close(); done(b); });
    req.write('\u00fcml\u00e4ut ');
    req.end('\u2713');
  });
});
scenario('hex-write', done => {
  const server = http.createServer((req, res) => { res.write('68656c6c6f', 'hex'); res.end(' w\u00f6rld'); });
  listen(server, port => fetchText({ port }, (res, b) => { server.close(); done(b); }).end());
});
scenario('chunked', done => {
  const text = '\u00fc\u65e5\u672c\u8a9e '.repeat(20000);
  const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(text, 'utf8'); });
  listen(server, port => fetchText({ port }, (res, b) => {
    server.close();
    done(res.headers['transfer-encoding'] + ' same=' + (b === text) + ' length=' + b.length);
  }).end());
});
scenario('head-request', done => {
  const handlers = {
    '/implicit': (req, res) => res.end('FAIL'),
    '/explicit': (req, res) => { res.writeHead(200); res.end('FAIL'); },
    '/empty': (req, res) => { res.writeHead(200); res.end(); },
    '/length': (req, res) => { res.writeHead(200, { 'content-length': '4' }); res.end(); },
  };
  const server = http.createServer((req, res) => handlers[req.url](req, res));
  listen(server, port => {
    const out = [];
    const paths = Object.keys(handlers);
    (function next(i) {
      if (i === paths.length) { server.close(); done(out.join(' ')); return; }
      fetchText({ port, method: 'HEAD', path: paths[i] }, (res, b) => {
        out.push(paths[i] + ':' + res.statusCode + ':' + (res.headers['content-length'] || '-') + ':' + (res.headers['transfer-encoding'] || '-') + ':' + b.length);
        next(i + 1);
      }).end();
    })(0);
  });
});
scenario('header-read', done => {
  const server = http.createServer((req, res) => {
    res.setHeader('x-a', 'one');
    const before = res.headersSent;
    res.writeHead(200);
    res.end(before + ' ' + res.headersSent + ' ' + res.getHeader('x-a'));
  });
  listen(server, port => fetchText({ port }, (res, b) => { server.close(); done(b + ' ' + res.headers['x-a']); }).end());
});
scenario('automatic-headers', done => {
  const server = http.createServer((req, res) => {
    res.setHeader('X-Date', 'foo');
    res.setHeader('X-Connection', 'bar');
    res.setHeader('X-Content-Length', 'baz');
    res.end();
  });
  listen(server, port => {
    const agent = new http.Agent({ keepAlive: true });
    fetchText({ port, agent }, (res, b) => {
      agent.destroy();
      server.close();
      const h = res.headers;
      done([h['x-date'], h['x-connection'], h['x-content-length'], typeof h.date, h.connection, h['content-length']].join(','));
    }).end();
  });
});
scenario('content-length', done => {
  const seen = {};
  const server = http.createServer((req, res) => {
    res.removeHeader('Date');
    res.setHeader('Keep-Alive', 'timeout=1');
    seen[req.url] = 'te=' + (req.headers['transfer-encoding'] || '-') + ' cl=' + (req.headers['content-length'] || '-');
    if (req.url === '/multiple-writes') { res.write('hello'); res.end('world'); }
    else if (req.url === '/end-with-data') res.end('hello world');
    else res.end();
  });
  listen(server, port => {
    const out = [];
    const shapes = { '/multiple-writes': r => { r.write('hello '); r.end('world'); }, '/end-with-data': r => r.end('hello world'), '/empty': r => r.end() };
    let n = 0;
    for (const path of Object.keys(shapes)) {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path });
      req.removeHeader('Date');
      req.on('response', res => {
        res.resume();
        out.push(path + ' req:' + seen[path] + ' res:' + Object.keys(res.headers).sort().map(k => k + '=' + res.headers[k]).join(';'));
        if (++n === 3) { server.close(); done(out.sort().join(' | ')); }
      });
      shapes[path](req);
    }
  });
});
scenario('date-header', done => {
  const server = http.createServer((req, res) => res.end(String(req.headers.date)));
  listen(server, port => fetchText({ port }, (res, b) => {
    server.close();
    done('request-date=' + b + ' response-date=' + /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/.test(res.headers.date));
  }).end());
});
scenario('contentLength0', done => {
  rawReply('HTTP/1.1 200 OK\r\nContent-Length: 0 \r\nConnection: close\r\n\r\n', (port, server) => {
    const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
      res.resume();
      res.on('end', () => { server.closeAll(); done('status=' + res.statusCode + ' length=' + JSON.stringify(res.headers['content-length'])); });
    });
    req.on('error', e => { server.closeAll(); done('error ' + e.code); });
  });
});
function parseErrorScenario(name, reply) {
  scenario(name, done => {
    rawReply(reply, (port, server) => {
      const req = http.get({ host: '127.0.0.1', port, agent: false }, () => done('response'));
      req.on('error', e => {
        server.closeAll();
        const raw = e.rawPacket ? Buffer.from(e.rawPacket).toString('latin1') === reply : 'none';
        done(e.code + ' | ' + e.message + ' | bytesParsed>=' + (e.bytesParsed >= reply.indexOf('Transfer-Encoding')) + ' <' + (e.bytesParsed < reply.length) + ' | raw=' + raw);
      });
    });
  });
}
parseErrorScenario('client-error-rawbytes', 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\nTransfer-Encoding: Chunked\r\n\r\n6\r\nfoobar0\r\n');
parseErrorScenario('client-reject-chunked-with-content-length', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
parseErrorScenario('client-reject-cr-no-lf', 'HTTP/1.1 200 OK\r\nFoo: Bar\rContent-Length: 1\r\n\r\n');
scenario('client-upload', done => {
  const server = http.createServer((req, res) => {
    let b = '';
    req.setEncoding('utf8');
    req.on('data', d => b += d);
    req.on('end', () => res.end('got ' + JSON.stringify(b) + ' ' + (req.headers['transfer-encoding'] || '-')));
  });
  listen(server, port => {
    const req = fetchText({ port, method: 'POST' }, (res, b) => { server.close(); done(b); });
    req.write('1\n');
    req.write('2\n');
    req.write('3\n');
    req.end();
  });
});
scenario('client-upload-buf', done => {
  const N = 1024 * 1024;
  const server = http.createServer((req, res) => {
    let n = 0;
    req.on('data', d => n += d.length);
    req.on('end', () => res.end('counted ' + n));
  });
  listen(server, port => {
    const req = fetchText({ port, method: 'POST' }, (res, b) => { server.close(); done(b); });
    req.end(Buffer.alloc(N, 'a'));
  });
});
scenario('buffer-sanity', done => {
  const N = 3 * 1024 * 1024 + 7;
  const body = Buffer.alloc(N);
  for (let i = 0; i < N; i++) body[i] = i % 251;
  const server = http.createServer((req, res) => {
    let i = 0, bad = 0;
    req.on('data', d => { for (const b of d) { if (b !== (i % 251)) bad++; i++; } });
    req.on('end', () => res.end('bytes=' + i + ' bad=' + bad));
  });
  listen(server, port => {
    const req = fetchText({ port, method: 'POST' }, (res, b) => { server.close(); done(b); });
    req.end(body);
  });
});
scenario('client-race', done => {
  const server = http.createServer((req, res) => res.end(req.url === '/1' ? 'first body' : 'second, longer body'));
  listen(server, port => {
    const out = [];
    http.get({ host: '127.0.0.1', port, path: '/1' }, res => {
      let b = ''; res.setEncoding('utf8'); res.on('data', d => b += d);
      res.on('end', () => {
        out.push(b);
        http.get({ host: '127.0.0.1', port, path: '/2' }, res2 => {
          let b2 = ''; res2.setEncoding('utf8'); res2.on('data', d => b2 += d);
          res2.on('end', () => { out.push(b2); server.close(); http.globalAgent.destroy(); done(out.join('|')); });
        });
      });
    });
  });
});
scenario('allow-req-after-204-res', done => {
  const server = http.createServer((req, res) => { res.writeHead(req.url === '/204' ? 204 : 200); res.end(req.url === '/204' ? undefined : 'after'); });
  listen(server, port => {
    const out = [];
    http.get({ host: '127.0.0.1', port, path: '/204' }, res => {
      out.push(res.statusCode);
      res.resume();
      res.on('end', () => {
        http.get({ host: '127.0.0.1', port, path: '/200' }, res2 => {
          let b = ''; res2.on('data', d => b += d);
          res2.on('end', () => { out.push(res2.statusCode + ':' + b); server.close(); http.globalAgent.destroy(); done(out.join(',')); });
        });
      });
    });
  });
});
scenario('allow-content-length-304', done => {
  const server = http.createServer((req, res) => { res.writeHead(304, { 'Content-Length': 10 }); res.end(null); });
  listen(server, port => {
    const ev = [];
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      ev.push(res.statusCode + ':' + res.headers['content-length']);
      res.on('data', () => ev.push('data'));
      res.on('aborted', () => ev.push('aborted'));
      res.on('end', () => { ev.push('end'); server.close(); done(ev.join(',')); });
    });
  });
});
scenario('chunked-304', done => {
  const server = http.createServer((req, res) => { res.writeHead(Number(req.url.slice(1)), { 'Transfer-Encoding': 'chunked' }); res.end(); });
  listen(server, port => {
    const out = [];
    (function next(codes) {
      if (!codes.length) { server.close(); done(out.join(' | ')); return; }
      const c = net.connect(port, '127.0.0.1', () => c.write('GET /' + codes[0] + ' HTTP/1.1\r\nHost: x\r\n\r\n'));
      let got = '';
      c.setEncoding('latin1');
      c.on('data', d => got += d);
      c.on('end', () => {
        out.push(codes[0] + ' terminator=' + got.includes('0\r\n\r\n') + ' close=' + /\r\nConnection: close\r\n/i.test(got) + ' te=' + /Transfer-Encoding/i.test(got));
        next(codes.slice(1));
      });
    })([204, 304]);
  });
});
scenario('expect-handling', done => {
  const server = http.createServer((req, res) => res.end('handler'));
  listen(server, port => {
    fetchText({ port, headers: { Expect: 'meoww' } }, (res, b) => {
      server.close();
      done(res.statusCode + ' ' + res.statusMessage + ' body=' + JSON.stringify(b));
    }).end();
  });
});
scenario('flush-headers', done => {
  let clientReq;
  const server = http.createServer((req, res) => {
    const foo = req.headers.foo;
    const ended = clientReq.writableEnded;
    res.end('foo=' + foo + ' ended=' + ended);
  });
  listen(server, port => {
    clientReq = fetchText({ port, headers: { foo: 'bar' } }, (res, b) => { server.close(); done(b); });
    clientReq.flushHeaders();
    server.once('request', () => clientReq.end());
  });
});
scenario('flush-response-headers', done => {
  let response;
  const server = http.createServer((req, res) => {
    response = res;
    res.writeHead(200, { foo: 'bar' });
    res.flushHeaders();
    res.flushHeaders();
  });
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      const ended = response.writableEnded;
      res.resume();
      res.on('end', () => { server.close(); done('server-ended-at-response=' + ended + ' foo=' + res.headers.foo); });
      response.end();
    });
  });
});
scenario('information-headers', done => {
  rawReply('HTTP/1.1 102 Processing\r\nFoo: Bar\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok', (port, server) => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
      ev.push('response:' + res.statusCode);
      res.resume();
      res.on('end', () => { server.closeAll(); done(ev.join(' ')); });
    });
    req.on('information', i => ev.push('information:' + i.statusCode + ':' + i.statusMessage + ':' + i.httpVersion + ':' + JSON.stringify(i.headers) + ':' + JSON.stringify(i.rawHeaders)));
  });
});
scenario('header-obstext', done => {
  const server = http.createServer((req, res) => res.end(Buffer.from(req.headers['x-city'], 'latin1').toString('hex')));
  listen(server, port => fetchText({ port, headers: { 'X-City': 'D\u00fcsseldorf' } }, (res, b) => { server.close(); done(res.statusCode + ' ' + b); }).end());
});
scenario('client-request-options', done => {
  const server = http.createServer((req, res) => res.end(req.method + ' ' + req.url + ' ' + req.headers['x-a']));
  listen(server, port => {
    const req = http.request('http://127.0.0.1:' + port + '/path?q=1', { headers: { 'x-a': 'b' }, agent: false }, res => {
      let b = ''; res.on('data', d => b += d);
      res.on('end', () => { server.close(); done(b); });
    });
    req.end();
  });
});
scenario('client-get-url', done => {
  const server = http.createServer((req, res) => res.end(req.method + ' ' + req.url));
  listen(server, port => {
    http.get('http://127.0.0.1:' + port + '/foo?bar', res => {
      let b = ''; res.on('data', d => b += d);
      res.on('end', () => { server.close(); http.globalAgent.destroy(); done(b); });
    });
  });
});
scenario('decoded-auth', done => {
  const cases = [['test@test"', '123456^'], ['test%40test', '123456'], ['not%3Agood', 'god'], ['not%22good', 'g%5Eod'], ['test1234::::', 'mypass']];
  const got = [];
  const server = http.createServer((req, res) => { got.push(req.headers.authorization); res.end(); });
  listen(server, port => {
    (function next(i) {
      if (i === cases.length) { server.close(); done(got.join(' ')); return; }
      const [u, p] = cases[i];
      http.get('http://' + u + ':' + p + '@127.0.0.1:' + port + '/', res => { res.resume(); res.on('end', () => next(i + 1)); }).on('error', e => { got.push('error:' + e.code); next(i + 1); });
    })(0);
  });
});
scenario('client-res-destroyed', done => {
  const server = http.createServer((req, res) => res.end('body'));
  listen(server, port => {
    const out = [];
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      out.push('reading=' + res.destroyed);
      res.on('close', () => {
        out.push('closed=' + res.destroyed);
        http.get({ host: '127.0.0.1', port, agent: false }, res2 => {
          res2.destroy();
          out.push('after-destroy=' + res2.destroyed);
          res2.on('close', () => { out.push('close'); server.close(); done(out.join(',')); });
        });
      });
      res.resume();
    });
  });
});
scenario('client-default-headers-exist', done => {
  const got = [];
  const server = net.createServer(s => {
    let head = '';
    s.setEncoding('latin1');
    s.on('data', d => {
      head += d;
      if (!head.includes('\r\n\r\n')) return;
      const lines = head.split('\r\n');
      got.push(lines[0].split(' ')[0] + ':' + lines.slice(1).filter(Boolean).map(l => l.split(':')[0].toLowerCase()).sort().join('+'));
      s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  listen(server, port => {
    const methods = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'TRACE', 'POST', 'PUT'];
    let n = 0;
    for (const method of methods) {
      http.request({ host: '127.0.0.1', port, method }, res => {
        res.resume();
        res.on('end', () => { if (++n === methods.length) { server.close(); done(got.sort().join(' ')); } });
      }).end();
    }
  });
});
scenario('host-headers', done => {
  const got = [];
  const server = http.createServer((req, res) => { got.push(req.method + '=' + req.headers.host.replace(String(port0), 'PORT')); res.end(); });
  let port0;
  listen(server, port => {
    port0 = port;
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];
    let n = 0;
    for (const method of methods) {
      http.request({ host: '127.0.0.1', port, method, agent: false }, res => {
        res.resume();
        res.on('end', () => { if (++n === methods.length) { server.close(); done(got.sort().join(' ')); } });
      }).end();
    }
  });
});
scenario('byteswritten', done => {
  const server = http.createServer((req, res) => {
    const socket = res.socket;
    res.on('finish', () => { server.bytes = socket.bytesWritten; });
    const piece = 'x'.repeat(1024);
    for (let i = 0; i < 512; i++) res.write(piece);
    for (let i = 0; i < 512; i++) res.write(Buffer.alloc(1024, 'y'));
    res.write('\u00e9'.repeat(256 * 1024));
    res.end();
  });
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      let n = 0;
      res.on('data', d => n += d.length);
      res.on('end', () => { server.close(); done('body=' + n + ' bytesWritten>body=' + (server.bytes > n)); });
    });
  });
});
