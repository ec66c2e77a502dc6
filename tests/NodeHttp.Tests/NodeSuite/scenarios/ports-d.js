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
