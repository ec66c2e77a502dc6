// Timer-bound scenarios of Node's http tests (keep-alive timeouts, a slow reader of a large response), one per
// Node file, run here and by NodeFilePortsBTimingTests alone in the Timing collection.
scenario('keep-alive-empty-line', done => {
  const started = Date.now();
  const server = http.createServer({ connectionsCheckingInterval: 100, headersTimeout: 100, keepAliveTimeout: 300 }, (req, res) => {
    res.writeHead(404);
    res.end();
  });
  listen(server, port => {
    const client = net.connect(port, '127.0.0.1', () => {
      client.write('GET / HTTP/1.1\r\nHost: localhost:3000\r\nContent-Length: 0\r\n\r\n');
      // A bare line end after the request is not a new request: the connection still closes when idle.
      setTimeout(() => client.write('\r\n'), 100);
    });
    let got = '';
    client.setEncoding('latin1');
    client.on('data', d => got += d);
    client.on('end', () => client.end());
    client.on('close', () => {
      server.close(() => done(JSON.stringify(got.replace(/\r\nDate: [^\r]*/, '\r\nDate: X')) + ' within3s=' + (Date.now() - started < 3000)));
    });
  });
});
scenario('keep-alive-large-write', done => {
  const size = 3000000;
  let timeouts = 0;
  const server = http.createServer((req, res) => {
    req.socket.on('timeout', () => timeouts++);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) });
    res.write(Buffer.alloc(size, 0x44));
    res.end();
  });
  server.setTimeout(1000);
  listen(server, port => {
    http.get({ host: '127.0.0.1', port, agent: false }, res => {
      let received = 0;
      let sincePause = 0;
      let pauses = 0;
      res.on('data', d => {
        received += d.length;
        sincePause += d.length;
        if (sincePause >= 500000 && received < size) {
          // Slower than the server's timeout overall, but never silent for as long as it.
          sincePause = 0;
          pauses++;
          res.pause();
          setTimeout(() => res.resume(), 400);
        }
      });
      res.on('end', () => server.close(() => done('received=' + received + ' timeouts=' + timeouts + ' paused=' + (pauses >= 4))));
      res.on('error', e => done('error:' + e.code + ' received=' + received));
    });
  });
});
