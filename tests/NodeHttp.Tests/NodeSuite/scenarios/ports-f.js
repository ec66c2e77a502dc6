// Scenarios for the server's highWaterMark option and the state of a socket handed to 'upgrade' and 'connect'; run
// here and by PortsFTwinTests.
// What a request's and a response's streams (and the socket under them) report as their highWaterMark.
const marks = (req, res) => [req.readableHighWaterMark, res.writableHighWaterMark,
  req.socket.readableHighWaterMark, req.socket.writableHighWaterMark].join('/');
// GETs / from a server made with `options`, whose handler reports marks(); hands the text to cb.
function marksOf(options, cb) {
  let seen = '';
  const server = http.createServer(options, (req, res) => { seen = marks(req, res); res.end(); });
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      res.resume();
      res.on('end', () => { server.close(); cb(res.statusCode + ' ' + seen); });
    });
  });
}
scenario('server-options-highwatermark', done => {
  marksOf({ highWaterMark: 16384 * 2 }, doubled => marksOf({}, plain => done(doubled + ', ' + plain)));
});
scenario('server-options-highwatermark-negative', done => {
  let server;
  try {
    server = http.createServer({ highWaterMark: -1 });
  } catch (e) {
    done(e.code);
    return;
  }
  server.close();
  marksOf({ highWaterMark: -1 }, text => done('accepted ' + text));
});
// One write larger than the response's highWaterMark answers false, and 'drain' follows; under the default it is true.
function bigWrite(options, cb) {
  let seen = '';
  const server = http.createServer(options, (req, res) => {
    seen = 'write=' + res.write(Buffer.alloc(2000, 'a'));
    if (res.writableNeedDrain) res.once('drain', () => { seen += ' drain'; res.end(); });
    else res.end();
  });
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      let n = 0;
      res.on('data', d => n += d.length);
      res.on('end', () => { server.close(); cb(seen + ' body=' + n); });
    });
  });
}
scenario('server-options-highwatermark-write', done => {
  bigWrite({ highWaterMark: 1000 }, small => bigWrite({}, plain => done(small + ', ' + plain)));
});
// The socket an 'upgrade' or 'connect' listener gets is neither flowing nor paused; the bytes the peer sends after the
// head are read into its buffer meanwhile and reach the 'data' listener added later.
scenario('upgrade-socket-state', done => {
  const results = {};
  const server = http.createServer();
  for (const ev of ['upgrade', 'connect']) {
    server.on(ev, (req, socket, head) => {
      const text = [ev, 'paused=' + socket.isPaused(), 'flowing=' + socket.readableFlowing, 'head=' + head.toString()];
      socket.write('go');
      const started = Date.now();
      (function poll() {
        if (socket.readableLength === 0 && Date.now() - started < 3000) { setTimeout(poll, 10); return; }
        text.push('buffered=' + socket.readableLength, 'paused=' + socket.isPaused());
        socket.on('data', d => {
          text.push('data=' + d.toString());
          results[ev] = text.join(' ');
          socket.end();
        });
      })();
    });
  }
  listen(server, port => {
    let open = 2;
    for (const head of ['GET / HTTP/1.1\r\nHost: x\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\nAAA',
      'CONNECT x:1 HTTP/1.1\r\nHost: x:1\r\n\r\nBBB']) {
      const c = net.connect(port, '127.0.0.1', () => c.write(head));
      c.once('data', () => c.write('later'));
      c.on('end', () => {
        c.end();
        if (--open === 0) { server.close(); done(results.upgrade + '; ' + results.connect); }
      });
    }
  });
});
// The client's side of an upgrade: the socket handed to the request's 'upgrade' is not paused either.
scenario('client-upgrade-socket-state', done => {
  const server = http.createServer();
  server.on('upgrade', (req, socket) => {
    socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\nhello');
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, agent: false, headers: { Connection: 'Upgrade', Upgrade: 'foo' } });
    req.on('upgrade', (res, socket, head) => {
      const text = 'status=' + res.statusCode + ' paused=' + socket.isPaused() + ' flowing=' + socket.readableFlowing + ' head=' + head.toString();
      socket.resume();
      socket.on('end', () => { socket.end(); server.close(); done(text); });
    });
    req.end();
  });
});
