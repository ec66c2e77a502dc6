// node bench/attack/attack-node-server.js <port> [headersTimeout] [requestTimeout]: the Node 20 twin of
// bench/attack/AttackServer (same routes, same timeouts, checked every second).
'use strict';
const http = require('http');
const [port, headersTimeout = 5000, requestTimeout = 10000] = process.argv.slice(2).map(Number);
const block = Buffer.alloc(64 * 1024);
const server = http.createServer({ headersTimeout, requestTimeout, connectionsCheckingInterval: 1000 }, (req, res) => {
  req.on('error', () => {});
  res.on('error', () => {});
  if (req.url.startsWith('/big?n=')) {
    let left = Number(req.url.slice(7));
    res.setHeader('Content-Length', left);
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(block.length, left);
        left -= n;
        if (!res.write(n === block.length ? block : block.subarray(0, n))) return;
      }
      if (left === 0) res.end();
    };
    res.on('drain', pump);
    pump();
    return;
  }
  req.on('end', () => res.end('ok'));
  req.resume();
});
server.listen(port, '127.0.0.1', () => console.log('listening ' + server.address().port));
