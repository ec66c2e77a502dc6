// Client timeouts (request setTimeout, the timeout option, an agent's timeout) and the process-wide global agent:
// scenarios that depend on timers or change http.globalAgent, run one after another.
scenario('client-set-timeout', done => {
  const server = http.createServer(() => {});
  listen(server, port => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, timeout: 2000 });
    req.setTimeout(1000);
    req.on('socket', socket => {
      ev.push('socket timeout=' + socket.timeout);
      socket.on('connect', () => {
        ev.push('connect timeout=' + socket.timeout);
        socket.setTimeout(10);
        ev.push('now=' + socket.timeout);
      });
    });
    req.on('error', e => ev.push('error ' + e.code + ' ' + e.message));
    req.on('timeout', () => { ev.push('timeout'); req.destroy(); });
    req.on('close', () => { ev.push('close destroyed=' + req.destroyed); server.close(); done(ev.join(',')); });
  });
});

scenario('client-timeout-agent', done => {
  const server = http.createServer((req, res) => {
    const id = parseInt(req.url.slice(1), 10);
    if (id % 2 === 0) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write(String(id));
      res.end();
    }
  });
  listen(server, port => {
    let finished = 0;
    let oddTimeouts = 0;
    let both = 0;
    const seen = new Set();
    for (let i = 0; i < 30; i++) {
      const req = http.request({ method: 'GET', host: '127.0.0.1', port, path: '/' + i });
      const count = () => { if (seen.has(i)) both++; seen.add(i); finished++; };
      req.on('response', res => {
        res.resume();
        res.on('end', () => { count(); req.destroy(); });
      });
      req.on('error', () => req.destroy());
      req.setTimeout(50, () => {
        if (i % 2) oddTimeouts++;
        req.abort();
        count();
      });
      req.end();
    }
    (function check() {
      if (finished < 30) { setTimeout(check, 20); return; }
      setTimeout(() => { server.close(); done('finished=' + finished + ' odd-timeouts=' + oddTimeouts + ' twice=' + both); }, 100);
    })();
  });
});

scenario('client-timeout-option-with-agent', done => {
  const server = http.createServer(() => {});
  listen(server, port => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: new http.Agent({ timeout: 50 }), timeout: 100 });
    req.on('socket', socket => ev.push('socket timeout=' + socket.timeout));
    req.on('timeout', () => { ev.push('timeout'); req.destroy(); });
    req.on('error', e => ev.push('error ' + e.code));
    req.on('close', () => { ev.push('close'); server.close(); done(ev.join(',')); });
  });
});

scenario('client-timeout-with-data', done => {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Length': '2' });
    res.write('*');
    server.once('timeout', () => res.end('*'));
  });
  listen(server, port => {
    const ev = [];
    let chunks = 0;
    const req = http.request({ method: 'GET', host: '127.0.0.1', port, path: '/' }, res => {
      req.setTimeout(50, () => { ev.push('timeout after ' + chunks); server.emit('timeout'); });
      res.on('data', d => { chunks++; ev.push('data ' + d); });
      res.on('end', () => { ev.push('end ' + chunks); server.close(); done(ev.join(',')); });
    });
    req.end();
  });
});

scenario('client-override-global-agent', done => {
  const server = http.createServer((req, res) => { res.writeHead(200); res.end('Hello, World!'); });
  listen(server, port => {
    const saved = http.globalAgent;
    const agent = new http.Agent();
    const name = agent.getName({ host: '127.0.0.1', port });
    http.globalAgent = agent;
    const req = http.get({ host: '127.0.0.1', port });
    const used = name in agent.sockets;
    req.on('close', () => { http.globalAgent = saved; server.close(); done('used=' + used + ' destroyed=' + req.destroyed); });
  });
});
