// Scenarios of Node's http tests that needed a fix or a small API first, one per Node file (test-http-<name>.js),
// run here and by PortsDTwinTests.
const { finished } = require('stream');
const showError = e => e ? e.code : 'ok';
scenario('outgoing-finished', done => {
  const serverEvents = [];
  const clientEvents = [];
  let pending = 2;
  const settle = () => { if (--pending === 0) done('server: ' + serverEvents.join(',') + '; client: ' + clientEvents.join(',')); };
  const server = http.createServer((req, res) => {
    let closed = false;
    res.on('close', () => {
      closed = true;
      serverEvents.push('close');
      // Attached once the response has closed: called back all the same.
      finished(res, e => { serverEvents.push('late ' + showError(e)); server.close(); settle(); });
    });
    res.end();
    finished(res, e => serverEvents.push('finished ' + showError(e) + ' closed=' + closed));
  });
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', agent: false }, res => res.resume());
    finished(req, e => clientEvents.push('finished ' + showError(e) + ' closed=' + req.closed));
    req.on('finish', () => clientEvents.push('finish'));
    req.on('close', () => {
      clientEvents.push('close');
      finished(req, e => { clientEvents.push('late ' + showError(e)); settle(); });
    });
    req.end();
  });
});
scenario('dump-req-when-res-ends', done => {
  const ev = [];
  let dataAfterResume = 0;
  const server = http.createServer((req, res) => {
    req.socket.once('data', () => {
      // A piece of the body reached the socket: end the response while the request is paused and unread.
      ev.push('socket-data');
      res.end('hello world');
    });
    req.on('resume', () => {
      ev.push('resume data-listeners=' + req.listenerCount('data'));
      req.on('data', () => dataAfterResume++);
    });
    req.pause();
    req.on('data', () => ev.push('data-before-resume'));
    res.flushHeaders();
  });
  server.on('close', () => done(ev.join(',') + ' data-after-resume=' + (dataAfterResume > 0)));
  listen(server, port => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', agent: false });
    req.flushHeaders();
    req.on('response', res => {
      const { Readable } = require('stream');
      Readable.from([Buffer.alloc(1664, 'x')]).pipe(req);
      res.resume();
      res.on('end', () => { ev.push('response-end'); server.close(); });
    });
    req.on('error', () => {});
  });
});
scenario('no-read-no-dump', done => {
  const ev = [];
  let onPause = null;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') return res.end();
    res.writeHead(200);
    res.flushHeaders();
    // The body is never read: once it backs up, the socket pauses and the response ends without dumping it.
    req.socket.on('pause', () => {
      ev.push('server-socket-pause');
      res.end();
      onPause();
    });
    req.on('end', () => ev.push('post-end'));
    req.on('close', () => ev.push('post-close'));
  });
  server.on('close', () => done(ev.join(',')));
  listen(server, port => {
    const agent = new http.Agent({ maxSockets: 1, keepAlive: true });
    const post = http.request({ host: '127.0.0.1', port, agent, method: 'POST' }, res => {
      ev.push('post-response ' + res.statusCode);
      res.resume();
      post.write(Buffer.alloc(16 * 1024, 'X'));
      onPause = () => post.end('something');
    });
    post.write('initial');
    http.request({ host: '127.0.0.1', port, agent, method: 'GET' }, res => {
      ev.push('get-response ' + res.statusCode + ' reused=' + res.req.reusedSocket);
      server.close();
      res.socket.end();
      agent.destroy();
    }).end();
  });
});
scenario('incoming-message-options', done => {
  const server = http.createServer((req, res) => res.end());
  listen(server, port => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      createConnection(options) {
        options.readableHighWaterMark = 1024;
        return net.createConnection(options);
      },
    }, res => {
      const text = 'same-socket=' + (res.socket === req.socket) + ' socket=' + res.socket.readableHighWaterMark +
        ' message=' + res.readableHighWaterMark;
      res.resume();
      res.on('end', () => { server.close(); done(text); });
    });
    req.end();
  });
});
