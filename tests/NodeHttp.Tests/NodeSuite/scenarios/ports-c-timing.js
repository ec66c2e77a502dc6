// Server timeouts: socket, request, response and keep-alive timers, and the headers/request timeouts checked per
// interval (PortsCTimingTwinTests).
scenario('server-consumed-timeout', done => {
  let timedOut = false;
  const server = http.createServer((req, res) => {
    server.close();
    res.writeHead(200);
    res.flushHeaders();
    req.setTimeout(200, () => { timedOut = true; });
    req.resume();
    req.once('end', () => res.end());
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent: false }, res => {
      const interval = setInterval(() => req.write('a'), 25);
      setTimeout(() => { clearInterval(interval); req.end(); }, 400);
      res.resume();
      res.on('end', () => done('status=' + res.statusCode + ' timedOut=' + timedOut));
    });
    req.write('.');
  });
});
scenario('server-keep-alive-timeout-slow-client-headers', done => {
  const ev = [];
  let handled = 0;
  const server = http.createServer((req, res) => { handled++; res.end(); });
  server.keepAliveTimeout = 100;
  listen(server, port => {
    const socket = net.connect(port, '127.0.0.1', () => request(() => request(() => ev.push('second answered'))));
    socket.setEncoding('latin1');
    server.on('timeout', () => { ev.push('server timeout'); socket.end(); server.close(); });
    socket.on('close', () => done('handled=' + handled + ' ' + ev.join(',')));
    function request(then) {
      let response = '';
      const onData = chunk => {
        response += chunk;
        if (response.includes('\r\n\r\n')) {
          socket.removeListener('data', onData);
          ev.push((response.startsWith('HTTP/1.1 200 OK\r\n') ? 'ok' : 'bad') + (response.includes('Connection: keep-alive\r\n') ? ' keep-alive' : ' close'));
          then();
        }
      };
      socket.on('data', onData);
      // The head arrives in two pieces, further apart than keepAliveTimeout.
      socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
      setTimeout(() => socket.write('Connection: keep-alive\r\n\r\n'), 300);
    }
  });
});
scenario('server-keep-alive-timeout-slow-server', done => {
  const ev = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/first') { res.end('ok'); return; }
    setTimeout(() => res.end('ok'), 500);
  });
  server.keepAliveTimeout = 200;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  function request(path, then) {
    const req = http.request({ host: '127.0.0.1', port: server.address().port, agent, path }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => body += d);
      res.on('end', () => { ev.push(path + ' ' + res.statusCode + ' ' + body + ' reused=' + req.reusedSocket); then(); });
    });
    req.on('error', e => { ev.push(path + ' error ' + e.code); then(); });
    req.end();
  }
  listen(server, () => request('/first', () => request('/second', () => { agent.destroy(); server.close(); done(ev.join(',')); })));
});
// test-http-server-keep-alive-timeout: server.setTimeout(500) and a 50 ms keepAliveTimeout, three pipelined
// requests answered (or not): the server's timeout callback gets the idle socket.
function keepAliveTimeoutTest(answer, done) {
  let handled = 0;
  let timeouts = 0;
  let gotAll = false;
  let finished = false;
  const server = http.createServer((req, res) => {
    handled++;
    if (answer) res.end();
    if (req.url === '/3') { gotAll = true; if (timeouts) finish(req.socket); }
  });
  const finish = socket => {
    if (finished) return;
    finished = true;
    socket.destroy();
    server.close(() => done('handled=' + handled + ' timedOut=' + (timeouts > 0)));
  };
  server.setTimeout(500, socket => { timeouts++; if (gotAll) finish(socket); });
  server.keepAliveTimeout = 50;
  listen(server, port => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
      c.write('GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\n');
      c.write('GET /2 HTTP/1.1\r\nHost: localhost\r\n\r\n');
      c.write('GET /3 HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    c.resume();
    c.on('error', () => {});
    c.on('end', () => c.end());
  });
}
scenario('server-keep-alive-timeout-answered', done => keepAliveTimeoutTest(true, done));
scenario('server-keep-alive-timeout-unanswered', done => keepAliveTimeoutTest(false, done));
// test-http-set-timeout-server, one scenario per case.
scenario('set-timeout-server-server', done => {
  const ev = [];
  const server = http.createServer();
  listen(server, port => {
    const s = server.setTimeout(50, socket => { ev.push('server timeout'); socket.destroy(); server.close(); });
    ev.push('returns server=' + (s === server));
    http.get({ host: '127.0.0.1', port, agent: false }).on('error', e => { ev.push('client ' + e.code); done(ev.join(',')); });
  });
});
scenario('set-timeout-server-request', done => {
  const ev = [];
  const server = http.createServer((req, res) => {
    const s = req.setTimeout(50, socket => { ev.push('request timeout'); socket.destroy(); server.close(); });
    ev.push('returns request=' + (s === req));
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent: false });
    req.on('error', e => { ev.push('client ' + e.code); done(ev.join(',')); });
    req.write('Hello');
  });
});
scenario('set-timeout-server-response', done => {
  const ev = [];
  const server = http.createServer((req, res) => {
    const s = res.setTimeout(50, socket => { ev.push('response timeout'); socket.destroy(); server.close(); });
    ev.push('returns response=' + (s === res));
  });
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }).on('error', e => { ev.push('client ' + e.code); done(ev.join(',')); });
  });
});
scenario('set-timeout-server-request-after-end', done => {
  const ev = [];
  const server = http.createServer((req, res) => {
    req.setTimeout(50, () => ev.push('request timeout'));
    res.on('timeout', () => ev.push('response timeout'));
  });
  server.on('timeout', socket => { ev.push('server timeout'); socket.destroy(); server.close(); });
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }).on('error', e => { ev.push('client ' + e.code); done(ev.join(',')); });
  });
});
scenario('set-timeout-server-pipeline', done => {
  let caught = '';
  const server = http.createServer((req, res) => {
    if (req.url === '/1') { res.end(); return; }
    res.setTimeout(50, () => { caught += req.url; });
  });
  let secondReceived = false;
  server.on('request', req => { if (req.url === '/2') secondReceived = true; });
  server.on('timeout', socket => {
    if (!secondReceived) return;
    socket.destroy();
    server.close(() => done('caught=' + caught));
  });
  listen(server, port => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
      c.write('GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\n');
      c.write('GET /2 HTTP/1.1\r\nHost: localhost\r\n\r\n');
      c.write('GET /3 HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    c.resume();
    c.on('error', () => {});
    c.on('end', () => c.end());
  });
});
scenario('set-timeout-server-idle', done => {
  const ev = [];
  const server = http.createServer();
  const s = server.setTimeout(50, socket => { ev.push('server timeout'); socket.destroy(); server.close(() => done(ev.join(','))); });
  ev.push('returns server=' + (s === server));
  listen(server, port => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => c.write('GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    c.resume();
    c.on('error', () => {});
    c.on('end', () => c.end());
  });
});
scenario('set-timeout-server-fast', done => {
  let handled = false;
  let timedOut = false;
  let requestTimeout = false;
  let socketOfTimeout;
  const finish = () => {
    if (!handled || !timedOut) return;
    socketOfTimeout.destroy();
    server.close(() => done('handled=' + handled + ' timedOut=' + timedOut + ' requestTimeout=' + requestTimeout));
  };
  const server = http.createServer((req, res) => {
    req.on('timeout', () => { requestTimeout = true; });
    res.end();
    handled = true;
    finish();
  });
  // Without it, a request answered before the first 1 ms timeout swaps the socket's timeout for Node 20's
  // keep-alive one (keepAliveTimeout + 1 s), and the scenario waits 6 s for the same outcome.
  server.keepAliveTimeout = 0;
  server.setTimeout(1, socket => {
    if (timedOut) return;
    socketOfTimeout = socket;
    timedOut = true;
    finish();
  });
  listen(server, port => {
    const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => c.write('GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    c.resume();
    c.on('error', () => {});
    c.on('end', () => c.end());
  });
});
// test-http-server-request-timeouts-mixed, with a 1000 ms headersTimeout (Node's file: 2000 ms).
scenario('server-request-timeouts-mixed', done => {
  const HEADERS = 1000;
  const part1 = 'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20\r\n';
  const part2 = 'Connection: close\r\n\r\n1234567890';
  const part3 = '1234567890';
  const server = http.createServer({ headersTimeout: HEADERS, requestTimeout: HEADERS * 2, keepAliveTimeout: 0, connectionsCheckingInterval: HEADERS / 8 }, (req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end(); });
  });
  const clients = [];
  const client = () => {
    const c = { socket: net.connect(server.address().port, '127.0.0.1'), response: '', completed: false };
    c.socket.setEncoding('latin1');
    c.socket.on('data', d => c.response += d);
    c.socket.on('end', () => { c.completed = true; c.socket.end(); });
    c.socket.on('error', e => { c.response += '[' + e.code + ']'; });
    clients.push(c);
    return c;
  };
  const state = () => clients.map((c, i) => 'r' + (i + 1) + '=' + (c.completed ? c.response.slice(9, 12) : 'open')).join(' ');
  const report = [];
  listen(server, () => {
    const r1 = client();
    let r2, r3, r4, r5;
    r1.socket.write(part1);
    setTimeout(() => { r2 = client(); r3 = client(); r2.socket.write(part1); r3.socket.write(part1); }, HEADERS * 0.2);
    setTimeout(() => { r4 = client(); r5 = client(); r4.socket.write(part1); r5.socket.write(part1); }, HEADERS * 0.6);
    setTimeout(() => {
      r1.socket.write(part2 + part3);
      r3.socket.write(part2);
      r4.socket.write(part2);
      r5.socket.write(part2);
    }, HEADERS * 0.8);
    setTimeout(() => report.push(state()), HEADERS * 1.4);
    setTimeout(() => r4.socket.write(part3), HEADERS * 1.5);
    setTimeout(() => { report.push(state()); server.close(); done(report.join(' | ')); }, HEADERS * 3 + HEADERS / 8);
  });
});
