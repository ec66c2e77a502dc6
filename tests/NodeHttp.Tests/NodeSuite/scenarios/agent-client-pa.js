// Agents and client requests: pool limits and scheduling, sockets made by createConnection, requests aborted before
// or while they get a socket, and responses destroyed or ended early. One process runs them all, in turn.
const unixPath = tag => require('os').tmpdir() + '/nodehttp-pa-' + tag + '-' + process.pid + '.sock';
const sum = table => Object.values(table).reduce((n, l) => n + l.length, 0);

scenario('agent-close', done => {
  const agent = new http.Agent();
  const kaboom = new Error('kaboom');
  agent.createConnection = (options, cb) => { cb(kaboom); };
  const ev = [];
  const req = http.request({ host: '127.0.0.1', port: 9, agent });
  req.on('error', e => ev.push('error same=' + (e === kaboom)));
  req.on('close', () => { ev.push('close destroyed=' + req.destroyed); done(ev.join(',')); });
});

scenario('agent-keepalive-delay', done => {
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 1000 });
  const server = http.createServer((req, res) => res.end('ok'));
  listen(server, port => {
    const seen = [];
    const create = agent.createConnection;
    agent.createConnection = (options, cb) => {
      seen.push('keepAlive=' + options.keepAlive + ' delay=' + options.keepAliveInitialDelay);
      return create.call(agent, options, cb);
    };
    http.get({ host: '127.0.0.1', port, agent }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => body += d);
      res.on('end', () => { agent.destroy(); server.close(); done(seen.join(';') + ' body=' + body); });
    });
  });
});

scenario('agent-maxsockets-respected', done => {
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 2, maxFreeSockets: 2 });
  let served = 0;
  const server = http.createServer((req, res) => { served++; res.end('hello world'); });
  listen(server, port => {
    let responses = 0;
    let most = 0;
    for (let i = 0; i < 6; i++) {
      const req = http.get({ host: '127.0.0.1', port, agent, path: '/1' });
      req.on('response', () => {
        req.abort();
        const key = Object.keys(agent.sockets)[0];
        most = Math.max(most, key === undefined ? 0 : agent.sockets[key].length);
        if (++responses === 6) {
          setImmediate(() => { agent.destroy(); server.close(); done('responses=6 served=' + served + ' within-limit=' + (most <= 2)); });
        }
      });
    }
  });
});

scenario('agent-maxtotalsockets', done => {
  const out = [];
  for (const v of [-1, 0]) {
    try { new http.Agent({ maxTotalSockets: v }); out.push('made'); } catch (e) { out.push(e.code + ' ' + e.message); }
  }
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxTotalSockets: 2, maxSockets: 3, maxFreeSockets: 3 });
  const servers = [];
  let served = 0;
  let ends = 0;
  let over = 0;
  const fire = port => {
    for (let i = 0; i < 6; i++) {
      http.get({ host: '127.0.0.1', port, agent, path: '/' + i }, res => {
        if (res.statusCode !== 200) over++;
        res.resume();
        res.on('end', () => {
          let total = 0;
          for (const list of Object.values(agent.sockets)) { total += list.length; if (list.length > 3) over++; }
          if (total > 2) over++;
          if (++ends === 12) {
            const queued = sum(agent.requests);
            agent.destroy();
            servers.forEach(s => s.close());
            done(out.join(';') + ' ends=12 served=' + served + ' over-limit=' + over + ' queued=' + queued);
          }
        });
      });
    }
  };
  for (let n = 0; n < 2; n++) {
    const s = http.createServer((req, res) => { served++; res.end('hello world'); });
    s.keepAliveTimeout = 0;
    servers.push(s);
    listen(s, fire);
  }
});

scenario('agent-reuse-drained-socket-only', done => {
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 1024 });
  const peers = [];
  const server = net.createServer({ pauseOnConnect: true }, sock => {
    peers.push(sock);
    sock.on('error', () => {});
    sock.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: Keep-Alive\r\n\r\n');
  });
  const out = [];
  const finish = () => { agent.destroy(); peers.forEach(s => s.destroy()); server.close(); done(out.join(' ')); };
  listen(server, port => {
    const first = http.request({ agent, host: '127.0.0.1', port }, res => {
      res.resume();
      res.on('end', () => setTimeout(() => {
        const second = http.request({ agent, host: '127.0.0.1', port }, res2 => {
          res2.resume();
          res2.on('end', () => setTimeout(() => {
            const third = http.request({ agent, host: '127.0.0.1', port });
            third.on('socket', s => { out.push('third-reuses-second=' + (s.localPort === second.socket.localPort)); third.on('error', () => {}); finish(); });
          }, 10));
        });
        second.on('socket', s => {
          const check = () => out.push('second-new=' + (s.localPort !== first.socket.localPort));
          if (s.connecting) s.once('connect', check); else check();
        });
        second.end();
      }, 10));
    });
    first.on('error', () => {});
    out.push('write=' + first.write('a'.repeat(6000000)));
    first.end();
  });
});

for (const scheduling of ['default', 'fifo', 'lifo']) {
  scenario('agent-scheduling-' + scheduling, done => {
    const server = http.createServer((req, res) => res.end(String(req.socket.remotePort)));
    listen(server, port => {
      const options = { keepAlive: true, maxSockets: 5 };
      if (scheduling !== 'default') options.scheduling = scheduling;
      const agent = new http.Agent(options);
      const url = 'http://127.0.0.1:' + port;
      const get = cb => http.request(url, { agent }, res => {
        let data = '';
        res.setEncoding('ascii');
        res.on('data', c => data += c);
        res.on('end', () => process.nextTick(cb, data));
      }).end();
      const ports = [];
      for (let i = 0; i < 5; i++) {
        get(p => {
          ports.push(p);
          if (ports.length < 5) return;
          const picked = [];
          (function next() {
            if (picked.length === 3) { agent.destroy(); server.close(); done(picked.join(',')); return; }
            get(q => { picked.push(ports.indexOf(q)); next(); });
          })();
        });
      }
    });
  });
}

scenario('agent-scheduling-invalid', done => {
  try { new http.Agent({ keepAlive: true, maxSockets: 5, scheduling: 'filo' }); done('made'); } catch (e) { done(e.code + ' ' + e.message); }
});

scenario('agent', done => {
  const out = [];
  let served = 0;
  const server = http.createServer((req, res) => { served++; res.writeHead(200); res.end('hello world\n'); });
  // Four batches of four GETs, the batches 0..3 ms apart; `agent` undefined is the global agent.
  const batches = (port, agent, fail, cb) => {
    let left = 16;
    let errors = 0;
    const one = () => { if (--left === 0) cb(errors); };
    for (let i = 0; i < 4; i++) {
      setTimeout(() => {
        for (let j = 0; j < 4; j++) {
          const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, res => { res.resume(); one(); });
          req.on('error', () => { errors++; one(); });
        }
      }, i);
    }
  };
  listen(server, port => {
    batches(port, undefined, false, errors => {
      out.push('ok=' + (16 - errors) + ' served=' + served);
      const failing = new http.Agent();
      failing.createConnection = (options, cb) => { process.nextTick(cb, new Error('nothing')); };
      batches(port, failing, true, errors2 => {
        out.push('failed=' + errors2 + ' served=' + served);
        server.close();
        done(out.join(' '));
      });
    });
  });
});

for (const kind of ['tcp', 'unix']) {
  scenario('client-abort-keep-alive-queued-' + kind, done => {
    let created = 0;
    class CountingAgent extends http.Agent {
      createConnection(options, cb) { created++; return super.createConnection(options, cb); }
    }
    const server = http.createServer((req, res) => res.end());
    const path = unixPath('queued');
    const onListen = () => {
      const agent = new CountingAgent({ keepAlive: true, maxSockets: 1 });
      const to = kind === 'tcp' ? { host: '127.0.0.1', port: server.address().port, agent } : { socketPath: path, agent };
      const ev = [];
      http.get(to, res => res.resume());
      const aborted = http.get(to, () => ev.push('response'));
      aborted.on('abort', () => ev.push('abort'));
      aborted.on('error', e => ev.push('error:' + e.code));
      aborted.on('close', () => ev.push('close'));
      aborted.abort();
      http.get(to, res => {
        res.resume();
        res.on('end', () => setImmediate(() => { agent.destroy(); server.close(); done('created=' + created + ' aborted=' + ev.join(',')); }));
      });
    };
    if (kind === 'tcp') listen(server, onListen); else { try { require('fs').unlinkSync(path); } catch {} server.listen(path, onListen); }
  });
}

scenario('client-abort-unix-socket', done => {
  let requests = 0;
  const server = http.createServer(() => requests++);
  const path = unixPath('abort');
  const ev = [];
  class ClosingAgent extends http.Agent {
    createConnection(options, cb) {
      const socket = super.createConnection(options, cb);
      socket.once('close', () => { ev.push('socket-close'); server.close(() => done(ev.join(',') + ' requests=' + requests)); });
      return socket;
    }
  }
  try { require('fs').unlinkSync(path); } catch {}
  server.listen(path, () => {
    const req = http.get({ agent: new ClosingAgent(), socketPath: path });
    req.on('abort', () => ev.push('abort'));
    req.on('error', e => ev.push('error:' + e.code));
    req.on('close', () => ev.push('close'));
    req.abort();
  });
});

scenario('client-abort3', done => {
  const broken = () => {
    const socket = new net.Socket();
    process.nextTick(() => socket.destroy(new Error('Oops')));
    return socket;
  };
  const out = [];
  const watch = (tag, req, next) => {
    const ev = [];
    req.on('error', e => ev.push('error:' + e.message));
    req.on('close', () => { ev.push('close'); out.push(tag + '=' + ev.join(',')); next(); });
    req.abort();
  };
  watch('option', http.get({ createConnection: broken }), () => {
    class BrokenAgent extends http.Agent {}
    BrokenAgent.prototype.createConnection = broken;
    watch('agent', http.get({ agent: new BrokenAgent() }), () => done(out.join(' ')));
  });
});

scenario('client-finished', done => {
  const server = http.createServer((req, res) => res.write('asd'));
  listen(server, port => {
    http.request({ host: '127.0.0.1', port }).on('response', res => {
      res.on('readable', () => res.destroy());
      require('stream').finished(res, err => { server.close(); done('finished:' + (err ? err.code : 'none')); });
    }).end();
  });
});

scenario('client-incomingmessage-destroy', done => {
  const server = http.createServer((req, res) => { res.writeHead(200); res.write('Part of res.'); });
  const out = [];
  listen(server, port => {
    const onUncaught = e => {
      process.removeListener('uncaughtException', onUncaught);
      out.push('uncaught:' + e.message);
    };
    process.prependListener('uncaughtException', onUncaught);
    const req = http.get({ host: '127.0.0.1', port }, res => {
      const err = new Error('Destroy test');
      out.push('errored-before=' + res.errored);
      res.destroy(err);
      out.push('closed=' + res.closed + ' errored-same=' + (res.errored === err));
      res.on('close', () => out.push('close closed=' + res.closed));
    });
    req.on('close', () => setTimeout(() => { server.closeAllConnections(); server.close(); done(out.join(',')); }, 20));
  });
});

scenario('client-pipe-end', done => {
  const path = unixPath('pipe-end');
  const server = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => { res.writeHead(200); res.end(); server.close(); });
  });
  try { require('fs').unlinkSync(path); } catch {}
  server.listen(path, () => {
    const req = http.request({ socketPath: path, headers: { 'Content-Length': '1' }, method: 'POST', path: '/' }, res => {
      res.resume();
      res.on('end', () => done('status=' + res.statusCode));
    });
    req.write('.');
    let ticks = 5;
    (function tick() { if (--ticks) setImmediate(tick); else req.end(); })();
  });
});

scenario('client-race-2', done => {
  const bodies = { '/1': '1111111111111111', '/2': '22222' };
  const server = http.createServer((req, res) => {
    const body = bodies[req.url] || '3333333333333333333';
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  listen(server, port => {
    const got = [];
    const get = (path, cb) => http.get({ host: '127.0.0.1', port, path }, res => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', d => b += d);
      res.on('end', () => { got.push(b); cb(); });
    });
    get('/1', () => setTimeout(() => get('/2', () => get('/3', () => { server.close(); done(got.join(',')); })), 50));
  });
});

scenario('client-read-in-error', done => {
  const ev = [];
  class BreakingAgent extends http.Agent {
    createConnection() {
      const socket = new net.Socket();
      socket.on('error', () => socket.push('HTTP/1.1 200\r\n\r\n'));
      const onNewListener = name => {
        if (name !== 'error') return;
        socket.removeListener('newListener', onNewListener);
        process.nextTick(() => socket.emit('error', new Error('Intentional error')));
      };
      socket.on('newListener', onNewListener);
      return socket;
    }
  }
  const req = http.request({ agent: new BreakingAgent() });
  req.on('response', () => ev.push('response'));
  req.once('error', e => { ev.push('error:' + e.message); req.on('data', () => ev.push('data')); });
  req.on('close', () => setTimeout(() => done(ev.join(',')), 20));
});

scenario('client-with-create-connection', done => {
  const path = unixPath('create-connection');
  const got = [];
  let left = 4;
  let server2;
  const server1 = http.createServer((req, res) => res.end('one ' + req.url));
  const request = (tag, options) => {
    http.get({ ...options, createConnection: (o, cb) => net.connect(o, cb) }, res => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', d => b += d);
      res.on('end', () => {
        got.push(tag + ':' + b);
        if (--left === 0) { server1.close(); server2.close(); done(got.sort().join(',')); }
      });
    });
  };
  try { require('fs').unlinkSync(path); } catch {}
  server1.listen(path, () => {
    server2 = http.createServer((req, res) => res.end('two ' + req.url));
    listen(server2, port => {
      request('a', { path: '/', socketPath: path });
      request('b', { socketPath: path });
      request('c', { path: '/', host: '127.0.0.1', port });
      request('d', { host: '127.0.0.1', port });
    });
  });
});

scenario('client-set-timeout-after-end', done => {
  const server = http.createServer((req, res) => res.end());
  listen(server, port => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let socket;
    const req = http.get({ agent, host: '127.0.0.1', port }, res => {
      res.on('end', () => {
        const before = socket.listenerCount('timeout');
        const same = req.setTimeout(0) === req;
        const after = socket.listenerCount('timeout');
        agent.destroy();
        server.close();
        done('returns-request=' + same + ' timeout-listeners-unchanged=' + (before === after));
      });
      res.resume();
    });
    req.on('socket', s => socket = s);
  });
});

scenario('client-timeout-connect-listener', done => {
  const server = http.createServer((req, res) => res.end());
  listen(server, port => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = cb => {
      const req = http.get({ host: '127.0.0.1', port, agent }, res => { res.on('end', cb); res.resume(); });
      req.setTimeout(2 ** 31 - 1);
      return req;
    };
    get(() => {
      let connectListeners;
      const second = get(() => { agent.destroy(); server.close(); done('reused=' + second.reusedSocket + ' connect-listeners=' + connectListeners); });
      second.on('socket', s => connectListeners = s.listenerCount('connect'));
    });
  });
});

scenario('client-timeout-option-listeners', done => {
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => res.end(''));
  listen(server, port => {
    const counts = [];
    const get = cb => http.request({ agent, method: 'GET', host: '127.0.0.1', port, path: '/', timeout: 2 ** 31 - 1 }, res => {
      const sockets = agent.sockets[agent.getName({ host: '127.0.0.1', port })];
      counts.push(sockets.length + ':' + sockets[0].listenerCount('timeout'));
      res.resume();
      res.once('end', () => process.nextTick(cb));
    }).end();
    get(() => get(() => {
      server.close();
      agent.destroy();
      const [a, b] = counts;
      done('sockets=' + a.split(':')[0] + ',' + b.split(':')[0] + ' same-timeout-listeners=' + (a === b));
    }));
  });
});

scenario('agent-abort-controller', done => {
  const agent = new http.Agent();
  const server = http.createServer();
  const out = [];
  listen(server, port => {
    const options = { host: '127.0.0.1', port };
    const steps = [
      ['connection-aborted-after', () => { const ac = new AbortController(); const c = agent.createConnection({ ...options, signal: ac.signal }); ac.abort(); return c; }],
      ['connection-aborted-before', () => { const ac = new AbortController(); ac.abort(); return agent.createConnection({ ...options, signal: ac.signal }); }],
      ['request-aborted-after', () => { const ac = new AbortController(); const r = http.get({ ...options, path: '/hello', agent, signal: ac.signal }); ac.abort(); return r; }],
      ['request-aborted-before', () => { const ac = new AbortController(); ac.abort(); return http.get({ ...options, path: '/hello', agent, signal: ac.signal }); }],
    ];
    (function next(i) {
      if (i === steps.length) { server.close(); done(out.join(' ')); return; }
      const [tag, make] = steps[i];
      const emitter = make();
      emitter.once('error', e => { out.push(tag + '=' + e.code); emitter.once('close', () => next(i + 1)); });
    })(0);
  });
});
