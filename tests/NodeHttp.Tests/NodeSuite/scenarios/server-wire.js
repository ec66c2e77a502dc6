// Raw requests to a server: what it answers, byte for byte (Date aside), and what its handler and events saw.
function wireScenario(name, handler, pieces, options = {}, setup = () => {}) {
  scenario(name, done => {
    const seen = [];
    const server = http.createServer(options, (req, res) => handler(req, res, seen));
    setup(server, seen);
    listen(server, port => {
      const out = [];
      (function next(i) {
        if (i === pieces.length) { server.close(); done(out.join(' || ') + (seen.length ? ' seen:' + seen.join(',') : '')); return; }
        rawExchange(port, pieces[i], r => { out.push(r); next(i + 1); });
      })(0);
    });
  });
}
const http10 = 'POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n';
wireScenario('1.0-keep-alive', (req, res) => {
  if (req.url === '/plain') { res.write('hi'); res.end(); }
  else if (req.url === '/chunked') { res.setHeader('Transfer-Encoding', 'chunked'); res.end('hi'); }
  else { res.setHeader('Content-Length', 2); res.end('hi'); }
}, [[http10.replace('/', '/plain')], [http10.replace('/', '/chunked')], [http10.replace('/', '/length')]]);
wireScenario('1.0', (req, res, seen) => { seen.push(req.httpVersion); res.write('hello '); res.end('world'); },
  [['GET / HTTP/1.0\r\n\r\n']]);
wireScenario('blank-header', (req, res, seen) => { seen.push(req.url + ' ' + JSON.stringify(req.headers)); },
  [['GET /blah HTTP/1.1\r\nHost: example.org:443\r\nCookie:\r\nOrigin: http://example.org\r\n\r\n\r\nhello world']]);
wireScenario('chunk-extensions-limit', (req, res) => { req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('bye'); }); req.resume(); }, [
  ['GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;' + 'a'.repeat(17000) + '\r\nAA\r\n0\r\n\r\n'],
  ['GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;', 'A'.repeat(8500), 'A'.repeat(8500) + '\r\nAA\r\n0\r\n\r\n'],
  ['PUT / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n' + ('2;' + 'A'.repeat(10000) + '=bar\r\nAA\r\n').repeat(3) + '0\r\n\r\n'],
]);
wireScenario('chunked-smuggling', (req, res, seen) => { seen.push(req.url); req.resume(); req.on('end', () => res.end('ok')); },
  [['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;\nxx\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n']]);
wireScenario('double-content-length', (req, res, seen) => { seen.push('handler'); res.end(); },
  [['GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n']], {},
  (server, seen) => server.on('clientError', (e, s) => { seen.push(e.code + ':' + e.message); s.destroy(); }));
wireScenario('invalid-te', (req, res, seen) => { seen.push(req.url); res.end(); },
  [['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 25\r\nTransfer-Encoding: eee, chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n']], {},
  (server, seen) => server.on('clientError', (e, s) => { seen.push(e.code); s.destroy(); }));
wireScenario('dummy-characters-smuggling', (req, res, seen) => {
  seen.push(req.url);
  req.on('data', () => seen.push('data'));
  req.on('end', () => seen.push('end'));
}, [
  ['GET /one HTTP/1.1\r\nHost: x\r\nX-Foo: bar\rZ\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['POST /three HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\rA\r\n0\r\n\r\n'],
]);
wireScenario('header-owstext', (req, res) => res.end(JSON.stringify(req.headers.foo)), [
  ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nFoo: ', ' \t bar', ' \t ', '\r\n\r\n'],
  ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nFoo:', ' \tbaz \t', '\r\n\r\n'],
]);
wireScenario('keep-alive-drop-requests', (req, res) => res.end('ok ' + req.url),
  [['GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n']], {},
  (server, seen) => { server.maxRequestsPerSocket = 1; server.on('dropRequest', (req, socket) => seen.push('drop ' + req.url + ' ' + (socket === req.socket))); });
wireScenario('keep-alive-pipeline-max-requests', (req, res) => res.end('ok ' + req.url),
  [[[1, 2, 3, 4, 5].map(i => 'GET /' + i + ' HTTP/1.1\r\nHost: x\r\n\r\n').join('')]], {},
  (server, seen) => { server.maxRequestsPerSocket = 3; server.on('dropRequest', req => seen.push('drop ' + req.url)); });
wireScenario('insecure-parser-per-stream-server-strict', (req, res) => res.end(JSON.stringify(req.headers.foo)),
  [['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nFoo: foo\x08foo\r\n\r\n']]);
wireScenario('insecure-parser-per-stream-server-insecure', (req, res) => res.end(JSON.stringify(req.headers.foo)),
  [['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nFoo: foo\x08foo\r\n\r\n']], { insecureHTTPParser: true });
wireScenario('keep-alive-timeout', (req, res) => res.end('ok'), [['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], ['GET / HTTP/1.1\r\nHost: x\r\n\r\n']], {},
  server => { server.keepAliveTimeout = 2000; });
wireScenario('content-length-mismatch', (req, res, seen) => {
  if (req.url === '/short') {
    res.setHeader('content-length', 110);
    res.write('hello');
    res.end();
    res.on('error', e => seen.push('res-error:' + e.code));
    res.on('finish', () => seen.push('finish'));
  } else {
    res.setHeader('content-length', 5);
    try { res.write('hello world'); seen.push('wrote'); } catch (e) { seen.push('threw:' + e.code); }
    res.end();
  }
}, [['GET /short HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], ['GET /long HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']]);
scenario('eof-on-connect', done => {
  const ev = [];
  const server = http.createServer(() => ev.push('request'));
  server.on('connection', s => { ev.push('connection'); s.on('close', () => { ev.push('socket-close'); server.close(() => { ev.push('closed'); done(ev.join(',')); }); }); });
  server.on('clientError', e => ev.push('clientError:' + e.code));
  listen(server, port => net.connect(port, '127.0.0.1').on('connect', function () { this.destroy(); }));
});
scenario('1.0-client', done => {
  const server = net.createServer(s => s.once('data', () => s.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nclose-delimited body')));
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', d => b += d);
      res.on('end', () => { server.close(); done(res.httpVersion + ' ' + res.statusCode + ' ' + b); });
    });
  });
});
scenario('insecure-parser-per-stream-client', done => {
  const server = net.createServer(s => { s.on('error', () => {}); s.once('data', () => s.end('HTTP/1.1 200 OK\r\nFoo: foo\x08foo\r\nContent-Length: 0\r\n\r\n')); });
  listen(server, port => {
    const out = [];
    http.get({ host: '127.0.0.1', port, agent: false }, () => out.push('strict-response')).on('error', e => {
      out.push('strict:' + e.code);
      http.get({ host: '127.0.0.1', port, agent: false, insecureHTTPParser: true }, res => {
        out.push('insecure:' + res.statusCode + ':' + JSON.stringify(res.headers.foo));
        server.close();
        done(out.join(' '));
      }).on('error', e2 => { out.push('insecure:' + e2.code); server.close(); done(out.join(' ')); });
    });
  });
});
