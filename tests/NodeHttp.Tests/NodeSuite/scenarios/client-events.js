// Client and server events when one side goes away mid-message, when callbacks throw, and CONNECT tunnels.
function onUncaught(fn) {
  // The prelude's logging listener stays; this one counts for the scenario until it is removed.
  process.on('uncaughtException', fn);
  return () => process.removeListener('uncaughtException', fn);
}
scenario('aborted', done => {
  const ev = [];
  let clientReq;
  const server = http.createServer((req, res) => {
    req.on('aborted', () => ev.push('aborted'));
    req.on('error', e => ev.push('error:' + e.code + ':' + e.message));
    req.on('close', () => { ev.push('close'); server.close(); done(ev.join(',')); });
    clientReq.destroy();
  });
  listen(server, port => {
    clientReq = http.request({ host: '127.0.0.1', port, method: 'POST', agent: false });
    clientReq.on('error', () => {});
    clientReq.write('x');
  });
});
scenario('client-aborted-event', done => {
  const server = http.createServer((req, res) => { res.write('part'); setTimeout(() => res.destroy(), 50); });
  listen(server, port => {
    const ev = [];
    const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
      res.on('data', () => ev.push('data'));
      res.on('aborted', () => ev.push('aborted'));
      res.on('error', e => ev.push('res-error:' + e.code + ':' + e.message));
      res.on('end', () => ev.push('end'));
      res.on('close', () => { ev.push('res-close'); server.close(); done(ev.join(',')); });
    });
    req.on('error', e => ev.push('error:' + e.code));
  });
});
scenario('abort-client', done => {
  const server = http.createServer((req, res) => { res.write('part'); });
  listen(server, port => {
    const ev = [];
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      res.once('data', () => { ev.push('data'); res.socket.destroy(); });
      res.on('aborted', () => ev.push('aborted'));
      res.on('error', e => ev.push('res-error:' + e.code));
      res.on('end', () => ev.push('end'));
      res.on('close', () => { ev.push('res-close'); server.closeAllConnections(); server.close(); done(ev.join(',')); });
    }).on('error', e => ev.push('error:' + e.code));
  });
});
scenario('abort-stream-end', done => {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-length': String(1024 * 1024) });
    const piece = Buffer.alloc(16 * 1024, 'x');
    let sent = 0;
    (function more() {
      while (sent < 1024 * 1024) {
        sent += piece.length;
        if (!res.write(piece)) { res.once('drain', more); return; }
      }
      res.end();
    })();
  });
  listen(server, port => {
    const ev = [];
    let size = 0;
    let aborts = 0;
    let afterAbort = 0;
    const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
      res.on('data', d => {
        if (aborts) afterAbort++;
        size += d.length;
        if (size >= 64 * 1024 && !aborts) req.abort();
      });
    });
    req.on('abort', () => aborts++);
    req.on('error', () => {});
    req.on('close', () => setTimeout(() => {
      server.closeAllConnections(); server.close();
      done('aborts=' + aborts + ' aborted=' + req.aborted + ' dataAfterAbort=' + afterAbort + ' partial=' + (size < 1024 * 1024));
    }, 50));
  });
});
scenario('client-spurious-aborted', done => {
  const N = 100 * 1024;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-length': N });
    if (req.url === '/short') { res.write(Buffer.alloc(N - 10, 'a')); setTimeout(() => res.socket.destroy(), 50); }
    else { const s = res.socket; res.end(Buffer.alloc(N, 'a'), () => s.destroy()); }
  });
  listen(server, port => {
    const out = [];
    (function next(paths) {
      if (!paths.length) { server.close(); done(out.join(' | ')); return; }
      const ev = [];
      let n = 0;
      http.get({ host: '127.0.0.1', port, agent: false, path: paths[0] }, res => {
        res.on('data', d => n += d.length);
        res.on('aborted', () => ev.push('aborted'));
        res.on('error', e => ev.push('error:' + e.code));
        res.on('end', () => ev.push('end'));
        res.on('close', () => { out.push(paths[0] + ' ' + ev.join(',') + ' bytes=' + n); next(paths.slice(1)); });
      }).on('error', e => ev.push('req-error:' + e.code));
    })(['/full', '/short']);
  });
});
scenario('client-abort', done => {
  let aborted = 0, seen = 0;
  const reqs = [];
  const server = http.createServer((req, res) => {
    req.on('aborted', () => { if (++aborted === 8) { server.close(); done('requests=' + seen + ' aborted=' + aborted); } });
    res.write('part');
    seen++;
  });
  listen(server, port => {
    let responses = 0;
    for (let i = 0; i < 8; i++) {
      const req = http.get({ host: '127.0.0.1', port, agent: false }, res => {
        res.resume();
        if (++responses === 8) for (const r of reqs) r.abort();
      });
      req.on('error', () => {});
      reqs.push(req);
    }
  });
});
scenario('client-abort-destroy', done => {
  const server = http.createServer((req, res) => res.end('x'));
  listen(server, port => {
    const out = [];
    const watch = (label, req, next) => {
      const ev = [];
      req.on('abort', () => ev.push('abort'));
      req.on('error', e => ev.push('error:' + (e.code || e.message)));
      req.on('close', () => { out.push(label + ':' + ev.join('+') + ':close aborted=' + req.aborted + ' destroyed=' + req.destroyed); next(); });
    };
    const r1 = http.get({ host: '127.0.0.1', port, agent: false });
    watch('abort', r1, () => {
      const r2 = http.get({ host: '127.0.0.1', port, agent: false });
      watch('destroy', r2, () => {
        const r3 = http.get({ host: '127.0.0.1', port, agent: false });
        watch('destroy-err', r3, () => {
          const r4 = http.get({ host: '127.0.0.1', port, agent: false }, res => { res.resume(); res.on('end', () => { r4.destroy(); }); });
          watch('destroy-after-end', r4, () => { server.close(); done(out.join(' ')); });
        });
        r3.destroy(new Error('boom'));
      });
      r2.destroy();
    });
    r1.abort();
  });
});
scenario('client-abort-no-agent', done => {
  let seen = 0;
  const server = http.createServer((req, res) => { seen++; res.end(); });
  listen(server, port => {
    let sock;
    const req = http.get({ createConnection: o => (sock = net.createConnection({ host: '127.0.0.1', port })) });
    req.on('error', () => {});
    req.abort();
    req.on('close', () => setTimeout(() => { server.close(); done('socket-destroyed=' + sock.destroyed + ' seen=' + seen); }, 100));
  });
});
scenario('client-abort3', done => {
  const out = [];
  const failing = () => { const s = new net.Socket(); process.nextTick(() => s.destroy(new Error('Oops'))); return s; };
  const first = http.get({ createConnection: failing });
  first.on('error', e => out.push('direct:' + e.message));
  first.on('close', () => {
    class FailingAgent extends http.Agent {}
    FailingAgent.prototype.createConnection = failing;
    const second = http.get({ agent: new FailingAgent() });
    second.on('error', e => out.push('agent:' + e.message));
    second.on('close', () => done(out.join(',')));
    second.abort();
  });
  first.abort();
});
scenario('client-close-with-default-agent', done => {
  const server = http.createServer((req, res) => res.end('ok'));
  listen(server, port => {
    http.get({ host: '127.0.0.1', port }, res => {
      res.resume();
      res.on('end', () => setImmediate(() => {
        const started = Date.now();
        server.close(() => done('closed fast=' + (Date.now() - started < 1000)));
      }));
    });
  });
});
scenario('client-override-global-agent', done => {
  const server = http.createServer((req, res) => res.end('ok'));
  listen(server, port => {
    const saved = http.globalAgent;
    const agent = new http.Agent();
    http.globalAgent = agent;
    const req = http.get({ host: '127.0.0.1', port }, res => {
      res.resume();
      res.on('end', () => { server.close(); done('used=' + (req.agent === agent)); });
    });
    http.globalAgent = saved;
  });
});
scenario('destroyed-socket-write2', done => {
  const server = http.createServer((req, res) => { req.socket.destroy(); });
  listen(server, port => {
    const ev = [];
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent: false }, () => ev.push('response'));
    req.on('error', e => ev.push('error:' + (['ECONNRESET', 'EPIPE'].includes(e.code) ? 'reset-or-pipe' : e.code)));
    req.on('close', () => { ev.push('close res=' + req.res); server.close(); done(ev.join(',')); });
    (function write() {
      if (req.destroyed) return;
      req.write(Buffer.alloc(1024, 'x'));
      setTimeout(write, 5);
    })();
  });
});
scenario('dns-error', done => {
  const out = [];
  const norm = c => (c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EAI_FAIL') ? 'lookup-failed' : c;
  http.get({ host: 'this.name.does.not.exist.invalid', port: 80 }).on('error', e => {
    out.push('get:' + norm(e.code));
    const req = http.request({ host: 'this.name.does.not.exist.invalid', port: 80, agent: new http.Agent() });
    req.on('error', e2 => { out.push('request:' + norm(e2.code)); done(out.join(' ')); });
    req.end();
  });
});
scenario('default-port', done => {
  const server = http.createServer((req, res) => res.end(req.headers.host.replace(String(server.address().port), 'PORT')));
  listen(server, port => {
    http.get({ host: '127.0.0.1', defaultPort: port, agent: false }, res => {
      let b = ''; res.on('data', d => b += d);
      res.on('end', () => { server.close(); done('host=' + b); });
    });
  });
});
scenario('createConnection', done => {
  const server = http.createServer((req, res) => res.end(req.url));
  listen(server, port => {
    const out = [];
    const shapes = {
      returns: () => net.createConnection(port, '127.0.0.1'),
      callback: (o, cb) => { cb(null, net.createConnection(port, '127.0.0.1')); },
      both: (o, cb) => { const s = net.createConnection(port, '127.0.0.1'); cb(null, s); return s; },
      throws: () => { throw new Error('nope'); },
      'callback-error': (o, cb) => { cb(new Error('cb-nope')); },
    };
    const names = Object.keys(shapes);
    (function next(i) {
      if (i === names.length) { server.close(); done(out.join(' ')); return; }
      let reported = false;
      const report = t => { if (!reported) { reported = true; out.push(names[i] + '=' + t); next(i + 1); } };
      try {
        const req = http.get({ path: '/' + names[i], createConnection: shapes[names[i]] }, res => {
          let b = ''; res.on('data', d => b += d); res.on('end', () => report(b));
        });
        req.on('error', e => report('error:' + e.message));
      } catch (e) { report('threw:' + e.message); }
    })(0);
  });
});
scenario('catch-uncaughtexception', done => {
  const server = http.createServer((req, res) => res.end('ok'));
  listen(server, port => {
    const ev = [];
    const off = onUncaught(e => ev.push('uncaught:' + e.message));
    const req = http.get({ host: '127.0.0.1', port, agent: false }, res => { res.resume(); throw new Error('thrown in response'); });
    req.on('close', () => { ev.push('close'); setImmediate(() => { off(); server.close(); done(ev.join(',')); }); });
  });
});
scenario('end-throw-socket-handling', done => {
  let uncaught = 0, answered = 0;
  const off = onUncaught(() => { uncaught++; });
  const server = http.createServer((req, res) => {
    res.end('ok');
    res.on('finish', () => { throw new Error('thrown after end'); });
  });
  listen(server, port => {
    for (let i = 0; i < 10; i++) {
      http.get({ host: '127.0.0.1', port, agent: false }, res => {
        res.resume();
        res.on('end', () => { if (++answered === 10) setTimeout(() => { off(); server.close(); done('answered=' + answered + ' uncaught=' + uncaught); }, 50); });
      });
    }
  });
});
scenario('client-req-error-dont-double-fire', done => {
  const probe = net.createServer();
  listen(probe, port => probe.close(() => {
    let errors = 0;
    const seen = [];
    const off = onUncaught(e => seen.push('uncaught:' + e.message));
    const req = http.get({ host: '127.0.0.1', port, agent: false });
    req.on('error', () => { errors++; throw new Error('from error listener'); });
    setTimeout(() => { off(); done('errors=' + errors + ' ' + seen.join(',')); }, 200);
  }));
});
scenario('client-incomingmessage-destroy', done => {
  const server = http.createServer((req, res) => res.write('part'));
  listen(server, port => {
    const seen = [];
    const off = onUncaught(e => seen.push('uncaught:' + e.message));
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      res.destroy(new Error('destroy-error'));
      res.on('close', () => setImmediate(() => { off(); seen.push('errored=' + (res.errored && res.errored.message)); server.closeAllConnections(); server.close(); done(seen.join(',')); }));
    }).on('error', e => seen.push('req-error:' + e.message));
  });
});
scenario('connect-req-res', done => {
  const server = http.createServer();
  server.on('connect', (req, socket, head) => {
    socket.write('HTTP/1.1 200 Connection established\r\n\r\nearly');
    socket.on('data', d => { socket.end('echo:' + d); });
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: 'example.com:443', agent: false });
    req.on('connect', (res, socket, head) => {
      const out = ['status=' + res.statusCode, 'head=' + head.toString()];
      let b = '';
      socket.on('data', d => b += d);
      socket.on('end', () => { out.push('tunnel=' + b); socket.end(); server.close(); done(out.join(' ')); });
      socket.write('ping');
    });
    req.end();
  });
});
scenario('after-connect', done => {
  const server = http.createServer((req, res) => res.end('plain ' + req.url));
  server.on('connect', (req, socket) => { socket.write('HTTP/1.1 200 Connection established\r\n\r\n'); socket.on('data', d => socket.end(d)); });
  listen(server, port => {
    const out = [];
    const req = http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: 'x:1' });
    req.on('connect', (res, socket) => {
      socket.on('data', d => out.push('tunnel=' + d));
      socket.on('end', () => {
        socket.end();
        let n = 0;
        for (const p of ['/a', '/b', '/c']) {
          http.get({ host: '127.0.0.1', port, path: p }, r => {
            let b = ''; r.on('data', d => b += d);
            r.on('end', () => { out.push(b); if (++n === 3) { server.close(); http.globalAgent.destroy(); done(out.sort().join(',')); } });
          });
        }
      });
      socket.write('hi');
    });
    req.end();
  });
});
