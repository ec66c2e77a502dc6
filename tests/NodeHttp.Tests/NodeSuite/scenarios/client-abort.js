// Client requests aborted, destroyed, timed out or refused; request options checked when a request is made.
scenario('abort-before-end', done => {
  let seen = 0;
  const server = http.createServer((req, res) => { seen++; res.end(); });
  listen(server, port => {
    const ev = [];
    const req = http.request({ host: '127.0.0.1', port, path: '/' });
    req.on('abort', () => ev.push('abort'));
    req.on('error', e => ev.push('error'));
    req.on('close', () => setTimeout(() => { server.close(); done(ev.join(',') + ',close aborted=' + req.aborted + ' destroyed=' + req.destroyed + ' seen=' + seen); }, 100));
    req.abort();
    req.end();
  });
});
scenario('abort-queued', done => {
  let seen = 0;
  let first;
  const server = http.createServer((req, res) => { seen++; first = res; });
  listen(server, port => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const out = [];
    const r1 = http.get({ host: '127.0.0.1', port, agent }, res => {
      res.resume();
      res.on('end', () => setTimeout(() => { agent.destroy(); server.close(); out.push('seen=' + seen); done(out.join(' ')); }, 50));
    });
    const r2 = http.get({ host: '127.0.0.1', port, agent }, () => out.push('r2-response'));
    r2.on('error', e => out.push('r2-error'));
    r2.on('close', () => out.push('r2-close queued=' + Object.keys(agent.requests).length));
    server.once('request', () => {
      const name = Object.keys(agent.requests)[0];
      out.push('queued=' + agent.requests[name].length);
      r2.abort();
      setTimeout(() => first.end('x'), 50);
    });
  });
});
scenario('client-abort-event', done => {
  const server = http.createServer((req, res) => res.end());
  listen(server, port => {
    let aborts = 0;
    const req = http.request({ host: '127.0.0.1', port });
    req.on('abort', () => aborts++);
    req.on('error', () => {});
    req.on('close', () => setTimeout(() => { server.close(); done('aborts=' + aborts); }, 50));
    req.abort();
    req.abort();
  });
});
scenario('client-abort-response-event', done => {
  const server = http.createServer((req, res) => { res.write('x'); });
  listen(server, port => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
      ev.push('response');
      res.on('data', () => ev.push('data'));
      res.on('error', e => ev.push('res-error:' + e.code));
      res.on('close', () => ev.push('res-close'));
      req.abort();
    });
    req.on('abort', () => ev.push('abort'));
    req.on('error', e => ev.push('error:' + e.code));
    req.on('close', () => { ev.push('close'); setTimeout(() => { server.closeAllConnections(); server.close(); done(ev.join(',')); }, 100); });
  });
});
scenario('client-abort2', done => {
  const server = http.createServer((req, res) => { res.write('hello'); });
  listen(server, port => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
      res.once('data', () => { ev.push('data'); req.abort(); ev.push('returned'); });
      res.on('end', () => ev.push('end'));
      res.on('aborted', () => ev.push('aborted'));
      res.on('error', e => ev.push('res-error:' + e.code));
    });
    req.on('abort', () => ev.push('abort'));
    req.on('close', () => { ev.push('close'); setTimeout(() => { server.closeAllConnections(); server.close(); done(ev.join(',')); }, 100); });
  });
});
scenario('client-agent-abort-close-event', done => {
  const server = http.createServer((req, res) => res.end());
  listen(server, port => {
    const ev = [];
    const agent = new http.Agent({ keepAlive: true });
    const req = http.get({ host: '127.0.0.1', port, agent }, () => ev.push('response'));
    req.on('socket', () => ev.push('socket'));
    req.on('error', e => ev.push('error:' + e.code));
    req.on('close', () => { ev.push('close destroyed=' + req.destroyed); setTimeout(() => { agent.destroy(); server.close(); done(ev.join(',')); }, 50); });
    req.abort();
  });
});
scenario('client-agent-end-close-event', done => {
  const server = http.createServer((req, res) => res.end('hello'));
  listen(server, port => {
    const ev = [];
    const agent = new http.Agent({ keepAlive: true });
    const req = http.get({ host: '127.0.0.1', port, agent }, res => {
      res.resume();
      res.on('end', () => ev.push('end'));
    });
    req.on('close', () => {
      ev.push('close destroyed=' + req.destroyed);
      setImmediate(() => {
        const name = Object.keys(agent.freeSockets)[0];
        ev.push('free=' + (name ? agent.freeSockets[name].length : 0));
        agent.destroy(); server.close(); done(ev.join(','));
      });
    });
  });
});
scenario('client-agent', done => {
  let n = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('slow'), 100); else res.end('fast');
  });
  listen(server, port => {
    const agent = new http.Agent();
    const name = agent.getName({ host: '127.0.0.1', port });
    const bodies = [];
    for (const path of ['/a', '/slow', '/b']) {
      http.get({ host: '127.0.0.1', port, path, agent }, res => {
        let b = ''; res.setEncoding('utf8'); res.on('data', d => b += d);
        res.on('end', () => { bodies.push(b); if (++n === 3) setTimeout(() => {
          server.close();
          done(bodies.sort().join(',') + ' sockets=' + (name in agent.sockets) + ' requests=' + (name in agent.requests));
        }, 50); });
      });
    }
  });
});
scenario('client-close-event', done => {
  const server = http.createServer((req, res) => { req.socket.destroy(); });
  listen(server, port => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: false }, () => ev.push('response'));
    req.on('error', e => ev.push('error:' + e.code + ':' + e.message));
    req.on('close', () => { ev.push('close destroyed=' + req.destroyed); server.close(); done(ev.join(',')); });
  });
});
scenario('conn-reset', done => {
  const server = net.createServer(s => s.destroy());
  listen(server, port => {
    const ev = [];
    const req = http.request({ host: '127.0.0.1', port, agent: false });
    req.on('response', () => ev.push('response'));
    req.on('error', e => ev.push('error:' + e.code + ':' + e.message));
    req.on('close', () => { ev.push('close'); server.close(); done(ev.join(',')); });
    req.end();
  });
});
scenario('client-timeout-event', done => {
  const server = http.createServer(() => {});
  listen(server, port => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: false });
    req.setTimeout(1);
    req.on('timeout', () => { ev.push('timeout'); req.destroy(); });
    req.on('error', e => ev.push('error:' + e.code));
    req.on('close', () => { ev.push('close destroyed=' + req.destroyed); server.closeAllConnections(); server.close(); done(ev.join(',')); });
  });
});
scenario('client-timeout-option', done => {
  const server = http.createServer(() => {});
  listen(server, port => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: false, timeout: 50 });
    req.on('timeout', () => { ev.push('timeout'); setTimeout(() => req.destroy(), 100); });
    req.on('error', e => ev.push('error:' + e.code));
    req.on('close', () => { ev.push('close'); server.closeAllConnections(); server.close(); done(ev.join(',')); });
  });
});
scenario('client-timeout', done => {
  const server = http.createServer(() => {});
  listen(server, port => {
    const ev = [];
    const req = http.request({ host: '127.0.0.1', port, agent: false });
    req.setTimeout(50, () => { ev.push('callback'); req.destroy(); });
    req.on('error', e => ev.push('error:' + e.code));
    req.on('close', () => { ev.push('close'); server.closeAllConnections(); server.close(); done(ev.join(',')); });
    req.end();
  });
});
scenario('client-response-timeout', done => {
  const server = http.createServer((req, res) => { res.writeHead(200, { 'content-length': '10' }); res.flushHeaders(); });
  listen(server, port => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
      ev.push('response');
      res.setTimeout(1);
      res.on('timeout', () => { ev.push('res-timeout'); req.destroy(); });
      res.on('error', e => ev.push('res-error:' + e.code));
    });
    req.on('error', e => ev.push('error:' + e.code));
    req.on('close', () => { ev.push('close'); server.closeAllConnections(); server.close(); done(ev.join(',')); });
  });
});
scenario('econnrefused', done => {
  const probe = net.createServer();
  listen(probe, port => probe.close(() => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port });
    req.on('error', e => ev.push('error:' + e.code + ':' + e.port));
    req.on('close', () => {
      ev.push('close');
      const server = http.createServer((q, s) => s.end('up'));
      server.listen(port, '127.0.0.1', () => {
        http.get({ host: '127.0.0.1', port, agent: false }, res => {
          ev.push('status:' + res.statusCode); res.resume();
          res.on('end', () => server.close(() => {
            http.get({ host: '127.0.0.1', port, agent: false }).on('error', e => { ev.push('again:' + e.code); done(ev.join(',').replace(':' + port, ':PORT')); });
          }));
        });
      });
    });
  }));
});
scenario('agent-false', done => {
  const probe = net.createServer();
  listen(probe, port => probe.close(() => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: false }, () => ev.push('response'));
    req.on('error', e => ev.push('error:' + e.code));
    req.on('close', () => setTimeout(() => done(ev.join(',')), 50));
  }));
});
scenario('agent-null', done => {
  const server = http.createServer((req, res) => res.end('ok'));
  listen(server, port => {
    const req = http.get({ host: '127.0.0.1', port, agent: null }, res => {
      res.resume();
      res.on('end', () => { server.close(); done('status=' + res.statusCode + ' global=' + (req.agent === http.globalAgent)); });
    });
  });
});
scenario('agent-no-protocol', done => {
  const server = http.createServer((req, res) => res.end('ok'));
  listen(server, port => {
    const req = http.get({ host: '127.0.0.1', port }, res => {
      res.resume();
      res.on('end', () => { server.close(); done('status=' + res.statusCode + ' protocol=' + req.protocol); });
    });
  });
});
scenario('client-defaults', done => {
  const req = http.request({ host: '127.0.0.1', port: 1, path: '', method: '' });
  req.on('error', () => {});
  req.destroy();
  done('method=' + req.method + ' path=' + req.path);
});
scenario('client-check-http-token', done => {
  const out = [];
  for (const m of ['G ET', 'GE[T', 'GET\t', 'P@ST']) {
    try { http.request({ host: '127.0.0.1', port: 1, method: m }).on('error', () => {}).destroy(); out.push('ok'); } catch (e) { out.push(e.code); }
  }
  const server = http.createServer((req, res) => { res.end(req.method); });
  listen(server, port => {
    const methods = [];
    let n = 0;
    for (const m of ['GET', 'post', 'x-custom!']) {
      http.request({ host: '127.0.0.1', port, method: m, agent: false }, res => {
        let b = ''; res.on('data', d => b += d);
        res.on('end', () => { methods.push(m + '>' + b); if (++n === 3) { server.close(); done(out.join(',') + ' ' + methods.sort().join(',')); } });
      }).end();
    }
  });
});
scenario('client-unescaped-path', done => {
  const out = [];
  for (const p of ['bad path', '/bad path', '/bad path/', '/ ', '/\u0000x', '/x\u001f', '/\u007f', '/\t', '/ok%20']) {
    try { http.get({ host: '127.0.0.1', port: 1, path: p }).on('error', () => {}).destroy(); out.push('ok'); } catch (e) { out.push(e.code); }
  }
  done(out.join(','));
});
scenario('invalid-path-chars', done => {
  const out = [];
  for (let i = 0; i <= 0x20; i++) {
    try { http.get({ host: '127.0.0.1', port: 1, path: '/a' + String.fromCharCode(i) + 'b' }).on('error', () => {}).destroy(); out.push('ok'); } catch (e) { out.push(e.code === 'ERR_UNESCAPED_CHARACTERS' ? 'E' : e.code); }
  }
  done(out.join(''));
});
scenario('invalid-urls', done => {
  const out = [];
  for (const u of ['www.nodejs.org', 'localhost', 'http://:80/', '/relative']) {
    try { http.get(u).on('error', () => {}).destroy(); out.push('ok'); } catch (e) { out.push(e.code); }
  }
  done(out.join(','));
});
scenario('invalidheaderfield', done => {
  const out = [];
  const server = http.createServer((req, res) => {
    try { res.setHeader('testing 123', 123); out.push('set'); } catch (e) { out.push('res:' + e.code); }
    res.end('');
  });
  listen(server, port => {
    try { http.get({ host: '127.0.0.1', port, headers: { 'testing 123': 123 } }); out.push('sent'); } catch (e) { out.push('req:' + e.code); }
    http.get({ host: '127.0.0.1', port, agent: false }, res => { res.resume(); res.on('end', () => { server.close(); done(out.join(',')); }); });
  });
});
scenario('host-header-ipv6-fail', done => {
  const got = [];
  const server = http.createServer((req, res) => {
    got.push(req.headers.host);
    res.end();
    if (got.length === 2) { server.close(); done(got.sort().join(' ')); }
  });
  listen(server, port => {
    for (const host of ['foo:1234', '::1']) {
      http.get({ host, createConnection: o => net.createConnection({ host: '127.0.0.1', port }) }).on('error', e => done('error ' + e.code));
    }
  });
});
