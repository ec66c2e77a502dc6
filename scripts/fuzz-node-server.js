// The Node 20 twin of fuzz/FuzzServer: node scripts/fuzz-node-server.js <port> [--insecure] [--upgrade]
// Every request is read to its end and answered 200 with a JSON echo; stdout gets "D <client address:port> <method and
// target, hex of their Latin-1 bytes>" when a request is dispatched, "U <client address:port> 1" after it when the request
// has an Upgrade header, and "E <client address:port> <body bytes>" when its body ended.
'use strict';
const http = require('http');
const port = Number(process.argv[2] || 0);
const insecure = process.argv.includes('--insecure');
const server = http.createServer({ insecureHTTPParser: insecure }, (req, res) => {
  const peer = req.socket.remoteAddress + ':' + req.socket.remotePort;
  process.stdout.write(`D ${peer} ${Buffer.from(req.method + ' ' + req.url, 'latin1').toString('hex')}\n`);
  if (req.headers.upgrade !== undefined) process.stdout.write(`U ${peer} 1\n`);
  let n = 0;
  req.on('data', (c) => { n += c.length; });
  req.on('error', () => {});
  req.on('end', () => {
    process.stdout.write(`E ${peer} ${n}\n`);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ m: req.method, u: req.url, h: req.headers, n }));
  });
});
if (process.argv.includes('--upgrade')) {
  server.on('upgrade', (req, socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: fuzz\r\n\r\n'));
}
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
