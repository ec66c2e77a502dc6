// Node's http server for bench/http/run.sh: hello, 1 KiB POST echo and a 1 GiB chunked stream.
// Usage: node node-server.js <port> [--tls cert.pem key.pem]   (--tls: Node's https with that certificate)
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');

const port = Number(process.argv[2] || 8080);
const tls = process.argv[3] === '--tls'
  ? { cert: fs.readFileSync(process.argv[4]), key: fs.readFileSync(process.argv[5]) }
  : null;
const chunk = Buffer.alloc(64 * 1024, 'x');
const streamBytes = 1024 * 1024 * 1024;

const handler = (req, res) => {
  if (req.url === '/stream') {
    res.setHeader('Content-Type', 'application/octet-stream');
    let sent = 0;
    const pump = () => {
      while (sent < streamBytes) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
    return;
  }
  if (req.method === 'POST') {
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/octet-stream');
      res.end(Buffer.concat(parts));
    });
    return;
  }
  res.setHeader('Content-Type', 'text/plain');
  res.end('Hello, World!');
};
const server = tls ? https.createServer(tls, handler) : http.createServer(handler);

server.listen(port, '127.0.0.1', () => console.log('listening ' + server.address().port));
