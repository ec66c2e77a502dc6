'use strict';
// node bench/client/node-client.js <port> <requests> <inflight> [warmup]
// GETs http://127.0.0.1:<port>/ with http.request through a keep-alive Agent (maxSockets = <inflight>):
// <inflight> requests are started and each response's 'end' starts the next one until <requests> have completed
// (<inflight> = 1 is a sequential loop). A warm-up of [warmup] requests (default: 10,000, or <requests> if fewer) runs
// first on the same agent. Prints "<requests> <seconds> <req/s> n/a".
// With BENCH_CA=<file.pem> set: https://127.0.0.1:<port>/ through an https.Agent that trusts that certificate.
const fs = require('fs');
const ca = process.env.BENCH_CA ? fs.readFileSync(process.env.BENCH_CA) : null;
const http = ca ? require('https') : require('http');

const [port, total, inFlight] = process.argv.slice(2, 5).map(Number);
const warmup = process.argv[5] !== undefined ? Number(process.argv[5]) : Math.min(total, 10000);
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight, ...(ca ? { ca } : {}) });
let failures = 0;

function batch(count, done) {
  let started = 0;
  let completed = 0;
  function next() {
    started++;
    const req = http.request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      if (res.statusCode !== 200) failures++;
      res.on('end', () => {
        completed++;
        if (started < count) next();
        else if (completed === count) done();
      });
      res.resume();
    });
    req.on('error', (e) => {
      console.error('request error: ' + e.message);
      failures++;
      agent.destroy();
    });
    req.end();
  }
  for (let i = 0; i < inFlight && i < count; i++) next();
}

batch(warmup, () => {
  const start = process.hrtime.bigint();
  batch(total, () => {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    agent.destroy();
    if (failures > 0) {
      console.error(`${failures} requests failed`);
      process.exitCode = 1;
      return;
    }
    console.log(`${total} ${seconds.toFixed(3)} ${(total / seconds).toFixed(0)} n/a`);
  });
});
