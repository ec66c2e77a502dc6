// Node's http hello server under the cluster module, for bench/multicore/run.sh: the primary forks WORKERS workers
// (2 by default), which share the listening port (the primary accepts and hands connections round-robin).
// Usage: node node-cluster.js <port> [workers]
'use strict';
const cluster = require('cluster');
const http = require('http');

const port = Number(process.argv[2] || 8080);
const workers = Number(process.argv[3] || 2);

if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('listening', () => {
      if (++listening === workers) console.log('listening ' + port);
    });
  }
  process.on('SIGTERM', () => {
    for (const id in cluster.workers) cluster.workers[id].kill();
    process.exit(0);
  });
} else {
  http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end('Hello, World!');
  }).listen(port, '127.0.0.1');
}
