// Scenarios of Node's http tests that carry HTTP over something other than a TCP socket, or hand a server a
// connection it did not accept, one per Node file (test-http-<name>.js), run here and by PortsETwinTests.
const { Duplex, duplexPair } = require('stream');
scenario('generic-streams', done => {
  const out = [];
  const body = 'Hello, World!\n';
  // A message's text, then cb(text).
  const readText = (m, cb) => {
    let text = '';
    m.setEncoding('utf8');
    m.on('data', d => text += d);
    m.on('end', () => cb(text));
  };
  // A server counting its requests, handed one side of a new pair; the other side is the client's connection.
  const pairedServer = () => {
    const paired = { requests: 0 };
    const server = http.createServer((req, res) => {
      paired.requests++;
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/plain');
      res.end(body);
    });
    const [clientSide, serverSide] = duplexPair();
    server.emit('connection', serverSide);
    paired.clientSide = clientSide;
    return paired;
  };
  const steps = [
    // A plain exchange over an in-memory pair.
    next => {
      const paired = pairedServer();
      let connects = 0;
      const req = http.request({ createConnection: () => { connects++; return paired.clientSide; } }, res => readText(res, text => {
        out.push('plain ' + res.statusCode + ' ' + JSON.stringify(text) + ' requests=' + paired.requests + ' connects=' + connects);
        next();
      }));
      req.end();
    },
    // Two keep-alive requests over the same pair.
    next => {
      const paired = pairedServer();
      let connects = 0;
      const texts = [];
      const one = after => {
        const options = { createConnection: () => { connects++; return paired.clientSide; }, headers: { Connection: 'keep-alive' } };
        const req = http.request(options, res => readText(res, text => {
          texts.push(res.headers.connection + ':' + JSON.stringify(text));
          after();
        }));
        req.end();
      };
      one(() => one(() => {
        out.push('keep-alive ' + texts.join(',') + ' requests=' + paired.requests + ' connects=' + connects);
        next();
      }));
    },
    // Connection: close, a chunked PUT body and a chunked answer; both ends of the pair see 'end'.
    next => closing(false, next),
    // The same with Content-Length on both sides.
    next => closing(true, next),
    // Bytes that are not HTTP: 'clientError', no request.
    next => {
      let requests = 0;
      const server = http.createServer(() => requests++);
      const [clientSide, serverSide] = duplexPair();
      server.emit('connection', serverSide);
      server.on('clientError', e => {
        out.push('garbage ' + e.code + ' requests=' + requests);
        next();
      });
      clientSide.end('I’m reading a book about anti-gravity. It’s impossible to put down!');
    },
  ];
  function closing(withLength, next) {
    let pending = 3;
    const parts = [];
    const settle = () => { if (--pending === 0) { out.push((withLength ? 'length ' : 'chunked ') + parts.join(' ')); next(); } };
    const server = http.createServer((req, res) => readText(req, got => {
      parts.push('req=' + JSON.stringify(got) + ' req-length=' + req.headers['content-length'] + ' req-te=' + req.headers['transfer-encoding']);
      res.statusCode = 200;
      res.setHeader('Content-Type', 'text/plain');
      if (withLength) res.setHeader('Content-Length', body.length);
      res.write(body);
      res.end();
    }));
    const [clientSide, serverSide] = duplexPair();
    server.emit('connection', serverSide);
    clientSide.on('end', settle);
    serverSide.on('end', settle);
    const req = http.request({ createConnection: () => clientSide, method: 'PUT', headers: { Connection: 'close' } }, res => readText(res, text => {
      parts.push('res=' + JSON.stringify(text) + ' res-length=' + res.headers['content-length'] + ' res-te=' + res.headers['transfer-encoding'] + ' connection=' + res.headers.connection);
      settle();
    }));
    if (withLength) req.setHeader('Content-Length', body.length);
    req.write(body);
    req.end();
  }
  (function run(i) {
    if (i === steps.length) { done(out.join('; ')); return; }
    steps[i](() => run(i + 1));
  })(0);
});
scenario('client-readable', done => {
  // An agent whose connection is a stream replaying a canned chunked response and dropping what is written.
  class FakeAgent extends http.Agent {
    createConnection() {
      let once = false;
      return new Duplex({
        read() {
          if (once) { this.push(null); return; }
          once = true;
          this.push('HTTP/1.1 200 Ok\r\nTransfer-Encoding: chunked\r\n\r\n');
          this.push('b\r\nhello world\r\n');
          this.push('0\r\n\r\n');
        },
        write(chunk, encoding, cb) { cb(); },
      });
    }
  }
  let received = '';
  const req = http.request({ agent: new FakeAgent() }, res => {
    res.on('data', chunk => received += chunk);
    res.on('end', () => done(res.statusCode + ' ' + res.statusMessage + ' ' + JSON.stringify(received)));
  });
  req.on('error', e => done('error ' + e.code));
  req.end();
});
scenario('server-multiple-client-error', done => {
  const seen = [];
  let requests = 0;
  const httpServer = http.createServer(() => requests++);
  // A net server that peeks at a connection's first byte, puts it back and hands the socket to the http server.
  const netServer = net.createServer(function hand(socket) {
    const first = socket.read(1);
    if (first === null) { socket.once('readable', () => hand(socket)); return; }
    socket.unshift(first);
    httpServer.emit('connection', socket);
  });
  httpServer.once('clientError', (err, socket) => {
    seen.push(err.code + ' ' + JSON.stringify(err.rawPacket.toString()));
    socket.destroy();
    httpServer.once('clientError', err2 => seen.push(err2.code + ' ' + JSON.stringify(err2.rawPacket.toString())));
  });
  listen(netServer, port => {
    const c = net.createConnection(port, '127.0.0.1');
    c.on('connect', () => c.end('123 http://example.com HTTP/1.1\r\n\r\n'));
    c.on('close', () => {
      netServer.close();
      // Let anything still due come first.
      setTimeout(() => done(seen.join('; ') + ' requests=' + requests), 50);
    });
    c.resume();
  });
});
scenario('server-unconsume-consume', done => {
  const ev = [];
  let requests = 0;
  const server = http.createServer(() => requests++);
  server.on('connect', (req, socket, head) => {
    ev.push('connect ' + req.url + ' head=' + head.length);
    socket.write('HTTP/1.1 200 Connection Established\r\nProxy-agent: Node-Proxy\r\n\r\n');
    // The tunnel's socket goes back to the server: it is served as a new connection.
    server.emit('connection', socket);
    server.close(() => { ev.push('server-close requests=' + requests); done(ev.join(', ')); });
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: 'example.com:443' }, () => ev.push('response'));
    req.on('error', e => ev.push('client-error ' + e.code));
    req.on('close', () => ev.push('client-close'));
    req.end();
  });
});
