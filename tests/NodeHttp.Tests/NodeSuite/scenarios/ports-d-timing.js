// Timing-sensitive scenarios of Node's http tests that needed a fix first (test-http-<name>.js), run here and by
// PortsDTimingTwinTests.
scenario('keep-alive-timeout-race-condition', done => {
  const ev = [];
  let handled = 0;
  const server = http.createServer({ keepAliveTimeout: 2000, keepAlive: true }, (req, res) => {
    handled++;
    const body = 'hello world\n';
    res.writeHead(200, { 'Content-Length': body.length });
    res.write(body);
    res.end();
  });
  const agent = new http.Agent({ maxSockets: 5, keepAlive: true });
  const get = (port, cb) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, res => {
      res.resume();
      res.on('end', () => { ev.push('response ' + res.statusCode + ' reused=' + req.reusedSocket); cb(); });
    });
    req.on('error', e => { ev.push('error ' + e.code); cb(); });
  };
  listen(server, port => get(port, () => setImmediate(() => {
    // Once the socket is back in the pool, the loop is held past the advertised keep-alive timeout (2 s), then
    // the pooled socket is reused.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    get(port, () => {
      server.close();
      agent.destroy();
      done(ev.join(',') + ' handled=' + handled);
    });
  })));
});
