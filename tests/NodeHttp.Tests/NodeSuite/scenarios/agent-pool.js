// Keep-alive agents: which socket a request gets, what the pool holds, how many connections the server saw.
// Each scenario's server counts its connections; agentScenario hands the port, the agent and that count.
function poolScenario(name, agentOptions, handler, body) {
  scenario(name, done => {
    let connections = 0;
    const server = http.createServer(handler);
    server.on('connection', () => connections++);
    listen(server, port => {
      const agent = new http.Agent(agentOptions);
      body(port, agent, () => connections, text => { agent.destroy(); server.close(); done(text); });
    });
  });
}
const to = (port, agent, extra) => ({ host: '127.0.0.1', port, agent, ...extra });
poolScenario('keepalive-client', { keepAlive: true }, (req, res) => res.end(req.url), (port, agent, conns, finish) => {
  const sockets = new Set();
  const bodies = [];
  (function next(i) {
    if (i === 10) { finish('sockets=' + sockets.size + ' connections=' + conns() + ' ' + bodies.join(',')); return; }
    http.get(to(port, agent, { path: '/' + i }), res => {
      sockets.add(res.socket);
      let b = ''; res.setEncoding('utf8'); res.on('data', d => b += d);
      res.on('end', () => { bodies.push(b); setImmediate(() => next(i + 1)); });
    });
  })(0);
});
poolScenario('keep-alive', { maxSockets: 1 }, (req, res) => { res.writeHead(200, { 'Content-Length': 12 }); res.end('hello world\n'); }, (port, agent, conns, finish) => {
  const name = agent.getName({ host: '127.0.0.1', port });
  const out = [];
  const headers = { connection: 'keep-alive' };
  http.get(to(port, agent, { headers }), res => { out.push((agent.sockets[name] || []).length + '/' + (agent.requests[name] || []).length); res.resume(); });
  http.get(to(port, agent, { headers }), res => { out.push((agent.sockets[name] || []).length + '/' + (agent.requests[name] || []).length); res.resume(); });
  http.get(to(port, agent, { headers }), res => {
    res.on('end', () => { out.push((agent.sockets[name] || []).length + '/' + (name in agent.requests)); setImmediate(() => finish(out.join(' ') + ' connections=' + conns())); });
    res.resume();
  });
});
for (const method of ['abort', 'destroy']) {
  poolScenario('keepalive-free-' + method, { keepAlive: true }, (req, res) => res.end(req.url), (port, agent, conns, finish) => {
    const out = [];
    const req = http.request(to(port, agent));
    req.on('socket', s => s.on('free', () => out.push('free')));
    req.on('response', res => {
      out.push('destroyed-at-response=' + req.destroyed);
      res.on('end', () => {
        out.push('destroyed-at-end=' + req.destroyed);
        req[method]();
        out.push('socket-destroyed=' + req.socket.destroyed);
        setImmediate(() => finish(out.join(',') + ' free=' + Object.values(agent.freeSockets).reduce((n, l) => n + l.length, 0)));
      });
      res.resume();
    });
    req.end();
  });
}
poolScenario('client-abort-keep-alive-destroy-res', { keepAlive: true, maxSockets: 1 }, (req, res) => res.end('x'), (port, agent, conns, finish) => {
  http.get(to(port, agent), res => {
    res.on('end', () => {
      res.destroy();
      setImmediate(() => http.get(to(port, agent), res2 => {
        res2.resume();
        res2.on('end', () => setImmediate(() => finish('reused=' + res2.req.reusedSocket + ' connections=' + conns())));
      }));
    });
    res.resume();
  });
});
poolScenario('keep-alive-close-on-header', { maxSockets: 1 }, (req, res) => { res.writeHead(200, { Connection: 'close' }); res.end('x'); }, (port, agent, conns, finish) => {
  let n = 0;
  for (let i = 0; i < 3; i++) {
    http.get(to(port, agent, { headers: { connection: 'keep-alive' } }), res => {
      res.resume();
      res.on('end', () => { if (++n === 3) setImmediate(() => finish('connections=' + conns())); });
    });
  }
});
poolScenario('agent-maxsockets', { keepAlive: true, maxSockets: 2, maxFreeSockets: 2 }, (req, res) => res.end('hello world'), (port, agent, conns, finish) => {
  let n = 0;
  for (let i = 0; i < 2; i++) {
    http.get(to(port, agent), res => {
      res.resume();
      res.on('end', () => { if (++n === 2) setImmediate(() => finish('free=' + Object.values(agent.freeSockets).reduce((a, l) => a + l.length, 0) + ' connections=' + conns())); });
    });
  }
});
poolScenario('agent-destroyed-socket', { keepAlive: true, maxSockets: 1 }, (req, res) => res.end(req.url), (port, agent, conns, finish) => {
  const out = [];
  let free = 0;
  const r1 = http.get(to(port, agent, { path: '/1' }), res => {
    res.resume();
    res.on('end', () => { out.push('r1-end'); r1.socket.destroy(); });
  });
  r1.on('socket', s => s.on('free', () => free++));
  const r2 = http.get(to(port, agent, { path: '/2' }), res => {
    let b = ''; res.setEncoding('utf8'); res.on('data', d => b += d);
    res.on('end', () => { out.push('r2:' + b); setImmediate(() => finish(out.join(',') + ' free-events=' + free + ' connections=' + conns())); });
  });
});
poolScenario('agent-timeout-option', { timeout: 100 }, () => {}, (port, agent, conns, finish) => {
  const ev = [];
  const req = http.get(to(port, agent));
  req.on('timeout', () => ev.push('req-timeout'));
  req.on('error', e => ev.push('error:' + e.code));
  req.on('socket', s => {
    s.on('timeout', () => {
      ev.push('socket-timeout option=' + s.timeout);
      req.destroy();
    });
  });
  req.on('close', () => { ev.push('close'); finish(ev.join(',')); });
});
poolScenario('agent-timeout', { keepAlive: true, timeout: 100 }, (req, res) => res.end('x'), (port, agent, conns, finish) => {
  http.get(to(port, agent), res => {
    res.resume();
    res.on('end', () => setImmediate(() => {
      const free = Object.values(agent.freeSockets)[0];
      const s = free[0];
      const before = free.length;
      s.on('timeout', () => { s.once('close', () => finish('free-before=' + before + ' timeout, free-after=' + Object.keys(agent.freeSockets).length)); });
    }));
  });
});
poolScenario('client-keep-alive-release-before-finish', { keepAlive: true, maxSockets: 1 }, (req, res) => { res.end('early'); }, (port, agent, conns, finish) => {
  const out = [];
  const post = http.request(to(port, agent, { method: 'POST' }), res => {
    out.push('post-response');
    res.resume();
    res.on('end', () => {
      out.push('post-res-end');
      setTimeout(() => post.end('second half'), 50);
    });
  });
  post.write('first half');
  post.on('finish', () => out.push('post-finish'));
  const get = http.get(to(port, agent), res => {
    out.push('get-response reused=' + get.reusedSocket);
    res.resume();
    res.on('end', () => setImmediate(() => finish(out.join(',') + ' connections=' + conns())));
  });
});
