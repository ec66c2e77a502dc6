// Which sockets keep a process alive (libuv's active handles), run here and by PortsFTimingTwinTests.
const { spawn } = require('child_process');
// Whether a process whose only handles are these sockets exits: each case runs in its own node process, which prints
// READY once set up; "exit" if it ended within a second of that, else "alive" (and it is killed). The server is
// unref'd; `server` is what it does with an accepted socket (by default: unref it, and send 200000 bytes when `fill`),
// `client` makes the client socket `c` on `port`.
const liveness = {
  // A connected client socket nobody reads: its handle reads (flowing is not false), so it keeps the process.
  'client-idle': { client: `c = net.connect(port, '127.0.0.1', ready);` },
  // Paused in 'connect': reading never starts.
  'client-paused-at-connect': { client: `c = net.connect(port, '127.0.0.1', () => { c.pause(); ready(); });` },
  // Paused once reading started: the handle goes on reading into the buffer.
  'client-paused-later': { client: `c = net.connect(port, '127.0.0.1', () => setImmediate(() => { c.pause(); ready(); }));` },
  // Paused once reading started, then the buffer filled to its highWaterMark: reading stops.
  'client-paused-full': {
    fill: true,
    client: `c = net.connect(port, '127.0.0.1', () => setImmediate(() => c.pause()));
      (function check() { if (c.readableLength >= 16384) ready(); else setTimeout(check, 10); })();`,
  },
  // A server socket of pauseOnConnect: never read.
  'server-paused-on-connect': {
    pauseOnConnect: true,
    server: `ready();`,
    client: `c = net.connect(port, '127.0.0.1', () => c.unref());`,
  },
  // A server socket paused in 'connection', after its handle started reading.
  'server-paused-later': { server: `s.pause(); ready();`, client: `c = net.connect(port, '127.0.0.1', () => c.unref());` },
};
function livenessCase(spec, cb) {
  const script = `
    const net = require('net');
    let c;
    let readyOnce = false;
    const ready = () => { if (!readyOnce) { readyOnce = true; console.log('READY'); } };
    const server = net.createServer({ pauseOnConnect: ${!!spec.pauseOnConnect} }, s => {
      ${spec.server ?? `s.unref(); if (${!!spec.fill}) s.write(Buffer.alloc(200000, 'x'));`}
    });
    server.listen(0, '127.0.0.1', () => { server.unref(); const port = server.address().port; ${spec.client} });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let timer = null;
  let result = null;
  child.stdout.on('data', d => {
    if (!timer && String(d).includes('READY')) timer = setTimeout(() => { result = 'alive'; child.kill(); }, 3000);
  });
  child.on('exit', () => { clearTimeout(timer); cb(result ?? (timer ? 'exit' : 'no-ready')); });
}
scenario('socket-liveness', done => {
  const names = Object.keys(liveness);
  const results = {};
  let left = names.length;
  for (const name of names) {
    livenessCase(liveness[name], r => {
      results[name] = r;
      if (--left === 0) done(names.map(n => n + '=' + results[n]).join(' '));
    });
  }
});
