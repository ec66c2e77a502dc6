using System.Text;
using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>The JavaScript halves of <see cref="ClientTwinTests"/>, run by one node process.</summary>
public sealed class ClientTwinHost : NodeScenarioHost
{
    internal const string Prelude = """
        function echoServer(then) {
          const server = http.createServer((req, res) => {
            const port = server.address().port;
            req.resume();
            req.on('end', () => res.end(JSON.stringify([req.method, req.url, String(req.headers.host).replace(String(port), 'PORT'), req.headers.authorization || null])));
          });
          server.listen(0, '127.0.0.1', () => then(server, server.address().port));
        }
        function collect(res, then) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d) => body += d);
          res.on('end', () => then(body));
        }
        function rawServer(reply, then) {
          const server = net.createServer((socket) => {
            socket.on('error', () => {});
            socket.once('data', (d) => reply(socket, d.toString('latin1')));
          });
          server.listen(0, '127.0.0.1', () => then(server, server.address().port));
        }
        """;

    internal static readonly Dictionary<string, string> Scenarios = new()
    {
        ["listening"] = """
            const s = http.createServer();
            const r = [s.listening];
            s.listen(0, '127.0.0.1', () => { r.push(s.listening); s.close(() => { r.push(s.listening); done(r.join()); }); });
            """,
        ["url-basic"] = "echoServer((s, port) => http.get(`http://127.0.0.1:${port}`, (res) => collect(res, done)));",
        ["url-path"] = "echoServer((s, port) => http.get(`http://127.0.0.1:${port}/asdf`, (res) => collect(res, done)));",
        ["url-search"] = "echoServer((s, port) => http.get(`http://127.0.0.1:${port}/asdf?qwer=zxcv`, (res) => collect(res, done)));",
        ["url-post"] = "echoServer((s, port) => http.request(`http://127.0.0.1:${port}/asdf?qwer=zxcv`, { method: 'POST' }, (res) => collect(res, done)).end('body'));",
        ["url-auth"] = "echoServer((s, port) => http.get(`http://user:pass%3A@127.0.0.1:${port}/`, (res) => collect(res, done)));",
        ["url-auth-header"] = "echoServer((s, port) => http.request(`http://user:pass@127.0.0.1:${port}/`, { headers: { Authorization: 'NoAuthForYOU' } }, (res) => collect(res, done)).end());",
        ["request-arguments"] = "echoServer((s, port) => http.request('http://example.com/testpath', { hostname: '127.0.0.1', port }, (res) => collect(res, done)).end());",
        ["only-http-protocol"] = """
            const codes = [];
            for (const u of ['mailto:asdf@asdf.com', 'ftp://www.example.com', "javascript:alert('hello');", 'xmpp:isaacschlueter@jabber.org', 'f://some.host/path']) {
              try { http.request(u); codes.push('ok'); } catch (e) { codes.push(e.code); }
            }
            done(codes.join());
            """,
        ["invalid-method"] = """
            try { http.request({ host: '127.0.0.1', port: 1, method: '\0' }); done('ok'); } catch (e) { done(e.code); }
            """,
        ["request-end"] = """
            const server = http.createServer((req, res) => {
              let body = '';
              req.setEncoding('utf8');
              req.on('data', (d) => body += d);
              req.on('end', () => { res.writeHead(201); res.end(body); });
            });
            server.listen(0, '127.0.0.1', () => {
              http.request({ port: PORT_OF(server), host: '127.0.0.1', method: 'POST' }, (res) => collect(res, (b) => done(res.statusCode + ' ' + b))).end('hello world');
            });
            """,
        ["request-end-twice"] = """
            echoServer((s, port) => {
              const req = http.get({ port, host: '127.0.0.1' }, (res) => {
                res.resume();
                res.on('end', () => done(String(req.end() === req)));
              });
            });
            """,
        ["response-readable"] = """
            echoServer((s, port) => http.get({ port, host: '127.0.0.1' }, (res) => {
              const r = [res.readable];
              res.on('end', () => { r.push(res.readable); done(r.join()); });
              res.resume();
            }));
            """,
        ["dont-override-options"] = """
            echoServer((s, port) => {
              const options = { host: undefined, hostname: '127.0.0.1', port: undefined, defaultPort: port, path: undefined, method: undefined };
              const snapshot = () => JSON.stringify([options.host, options.port, options.path, options.method, options.hostname, options.defaultPort]);
              const before = snapshot();
              http.request(options, (res) => collect(res, (b) => done((snapshot() === before ? 'unchanged' : 'changed ' + snapshot()) + '|' + b))).end();
            });
            """,
        ["request-large-payload"] = """
            const server = http.createServer((req, res) => {
              let n = 0;
              req.on('data', (d) => n += d.length);
              req.on('end', () => res.end(String(n)));
            });
            server.listen(0, '127.0.0.1', () => {
              const req = http.request({ port: PORT_OF(server), host: '127.0.0.1', method: 'POST' }, (res) => collect(res, done));
              req.write('\u00e9\u4e2d'.repeat(6000));
              req.end();
            });
            """,
        ["join-authorization"] = """
            const server = http.createServer({ joinDuplicateHeaders: true }, (req, res) => {
              const seen = req.headers.authorization + '|' + req.headers.cookie;
              res.writeHead(200, ['authorization', '3', 'authorization', '4', 'cookie', 'foo', 'cookie', 'bar', 'x-seen', seen]);
              res.end();
            });
            server.listen(0, '127.0.0.1', () => {
              http.get({ port: PORT_OF(server), host: '127.0.0.1', joinDuplicateHeaders: true, headers: ['host', 'x', 'authorization', '1', 'authorization', '2', 'cookie', 'foo', 'cookie', 'bar'] }, (res) => {
                res.resume();
                done(res.headers['x-seen'] + '|' + res.headers.authorization + '|' + res.headers.cookie);
              });
            });
            """,
        ["response-multiheaders"] = """
            const norepeat = ['retry-after', 'etag', 'last-modified', 'server', 'age', 'expires', 'content-type', 'user-agent', 'referer', 'authorization', 'proxy-authorization', 'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards'];
            const repeat = ['x-foo', 'x-bar', 'via', 'warning'];
            const server = http.createServer((req, res) => {
              const flat = [];
              for (const n of norepeat.concat(repeat)) flat.push(n, 'A', n, 'B');
              flat.push('set-cookie', 'a=1', 'set-cookie', 'b=2');
              res.writeHead(200, flat);
              res.end();
            });
            server.listen(0, '127.0.0.1', () => {
              http.get({ port: PORT_OF(server), host: '127.0.0.1' }, (res) => {
                res.resume();
                const o = {};
                for (const n of norepeat.concat(repeat, ['set-cookie'])) o[n] = res.headers[n];
                done(JSON.stringify(o));
              });
            });
            """,
        ["response-status-message"] = """
            const replies = {
              '/200': 'HTTP/1.1 200 OK\r\n\r\n',
              '/500': 'HTTP/1.1 500 Internal Server Error\r\n\r\n',
              '/302': 'HTTP/1.1 302 Moved Temporarily\r\n\r\n',
              '/missing': 'HTTP/1.1 200 \r\n\r\n',
              '/missing-no-space': 'HTTP/1.1 200\r\n\r\n',
            };
            rawServer((socket, text) => socket.end(replies[text.split(' ')[1]]), (s, port) => {
              const out = [];
              const paths = Object.keys(replies);
              const next = () => {
                if (out.length === paths.length) return done(out.join('|'));
                http.get({ port, host: '127.0.0.1', path: paths[out.length] }, (res) => {
                  out.push(res.statusCode + ':' + res.statusMessage);
                  res.resume();
                  res.on('end', next);
                });
              };
              next();
            });
            """,
        ["response-no-headers"] = """
            const versions = ['1.0', '1.1'];
            const out = [];
            const next = () => {
              if (out.length === versions.length) return done(out.join('|'));
              const v = versions[out.length];
              rawServer((socket) => socket.end(`HTTP/${v} 200 OK\r\n\r\nI AM THE WALRUS`), (s, port) => {
                http.get({ port, host: '127.0.0.1' }, (res) => {
                  let aborted = false;
                  res.on('aborted', () => aborted = true);
                  collect(res, (b) => { out.push(v + ':' + b + ':' + aborted); s.close(); next(); });
                });
              });
            };
            next();
            """,
        ["response-multi-content-length"] = """
            const out = [];
            rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 1\r\n\r\nok'), (raw, rawPort) => {
              http.get({ port: rawPort, host: '127.0.0.1' }, () => out.push('response')).on('error', (e) => {
                out.push(e.code);
                const server = http.createServer((req, res) => {
                  try { res.setHeader('content-length', [2, 1]); res.end('ok'); } catch (e) { out.push('threw ' + e.code); res.end('ok'); }
                });
                server.listen(0, '127.0.0.1', () => {
                  http.get({ port: PORT_OF(server), host: '127.0.0.1' }, (res) => { out.push('response ' + res.statusCode); res.resume(); res.on('end', () => done(out.join())); })
                    .on('error', (e) => { out.push(e.code); done(out.join()); });
                });
              });
            });
            """,
        ["no-content-length"] = """
            rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\nhello world\r\n'), (s, port) => {
              http.get({ port, host: '127.0.0.1' }, (res) => collect(res, (b) => done(JSON.stringify(b))));
            });
            """,
        ["request-host-header"] = """
            const server = http.createServer((req, res) => res.end('called'));
            server.listen(0, '127.0.0.1', () => {
              http.get({ port: PORT_OF(server), host: '127.0.0.1', headers: [] }, (res) => {
                collect(res, (b) => done(res.statusCode + ' ' + res.headers.connection + ' ' + JSON.stringify(b)));
              });
            });
            """,
        ["localaddress-bind-error"] = """
            const server = http.createServer((req, res) => res.end('called'));
            server.listen(0, '127.0.0.1', () => {
              http.get({ port: PORT_OF(server), host: '127.0.0.1', localAddress: '1.1.1.1' }, () => done('response'))
                .on('error', (e) => done(e.code));
            });
            """,
        ["response-close-destroy-in-data"] = """
            const server = http.createServer((req, res) => { res.writeHead(200); res.write('a'); });
            server.listen(0, '127.0.0.1', () => {
              const ev = [];
              http.get({ port: PORT_OF(server), host: '127.0.0.1' }, (res) => {
                ev.push('destroyed:' + res.destroyed);
                res.on('data', () => { ev.push('data destroyed:' + res.destroyed); res.destroy(); });
                res.on('error', (e) => ev.push('error:' + e.code));
                res.on('close', () => { ev.push('close destroyed:' + res.destroyed); setTimeout(() => { server.closeAllConnections(); done(ev.join()); }, 50); });
              });
            });
            """,
        ["response-close-server-goes"] = """
            const server = http.createServer((req, res) => { res.writeHead(200); res.write('a'); setTimeout(() => req.socket.destroy(), 20); });
            server.listen(0, '127.0.0.1', () => {
              const ev = [];
              http.get({ port: PORT_OF(server), host: '127.0.0.1' }, (res) => {
                res.on('data', () => ev.push('data destroyed:' + res.destroyed));
                res.on('aborted', () => ev.push('aborted'));
                res.on('error', (e) => ev.push('error:' + e.code));
                res.on('close', () => { ev.push('close destroyed:' + res.destroyed); setTimeout(() => done(ev.join()), 50); });
              });
            });
            """,
        ["pause-resume-one-end"] = """
            const server = http.createServer((req, res) => res.end('Hello World\n'));
            server.listen(0, '127.0.0.1', () => {
              const ev = [];
              http.get({ port: PORT_OF(server), host: '127.0.0.1' }, (res) => {
                res.on('data', () => { ev.push('data'); res.pause(); setImmediate(() => res.resume()); });
                res.on('end', () => ev.push('end destroyed:' + res.destroyed));
                res.on('close', () => { ev.push('close'); setTimeout(() => done(ev.join()), 50); });
              });
            });
            """,
        ["writable-finished"] = """
            const ev = [];
            const server = http.createServer((req, res) => {
              ev.push('res:' + res.writableFinished);
              res.on('finish', () => ev.push('res finish:' + res.writableFinished));
              res.end('ok', () => ev.push('res cb:' + res.writableFinished));
              ev.push('res after end:' + res.writableFinished);
            });
            server.listen(0, '127.0.0.1', () => {
              const req = http.request({ port: PORT_OF(server), host: '127.0.0.1', method: 'POST' }, (res) => {
                res.resume();
                res.on('end', () => setTimeout(() => done(ev.join()), 20));
              });
              ev.push('req:' + req.writableFinished);
              req.on('finish', () => ev.push('req finish:' + req.writableFinished));
              req.end('x');
              ev.push('req after end:' + req.writableFinished);
            });
            """,
        ["finish-writable"] = """
            const ev = [];
            const state = (m) => [m.writable, m.finished, m.writableEnded].join('/');
            const server = http.createServer((req, res) => {
              ev.push('res ' + state(res));
              res.end();
              ev.push('res ended ' + state(res));
            });
            server.listen(0, '127.0.0.1', () => {
              const req = http.request({ port: PORT_OF(server), host: '127.0.0.1' }, (res) => { res.resume(); res.on('end', () => done(ev.join())); });
              ev.push('req ' + state(req));
              req.end();
              ev.push('req ended ' + state(req));
            });
            """,
        ["outgoing-properties"] = """
            const ev = [];
            const server = http.createServer((req, res) => {
              ev.push('res hwm=socket ' + (res.writableHighWaterMark === req.socket.writableHighWaterMark));
              ev.push('res len ' + res.writableLength);
              res.end();
            });
            server.listen(0, '127.0.0.1', () => {
              const req = http.request({ port: PORT_OF(server), host: '127.0.0.1' }, (res) => { res.resume(); res.on('end', () => done(ev.join())); });
              ev.push('req len ' + req.writableLength);
              req.end();
            });
            """,
        ["write-after-end"] = """
            const ev = [];
            const server = http.createServer((req, res) => {
              res.on('error', (e) => ev.push('error:' + e.code));
              res.write('hello');
              res.end();
              ev.push('sync write returns ' + res.write('late', (e) => ev.push('sync cb:' + (e && e.code))));
              setImmediate(() => res.write('world', (e) => ev.push('later cb:' + (e && e.code))));
            });
            server.listen(0, '127.0.0.1', () => {
              http.get({ port: PORT_OF(server), host: '127.0.0.1' }, (res) => collect(res, (b) => setTimeout(() => done(b + '|' + ev.join()), 100)));
            });
            """,
        ["write-end-after-end"] = """
            const ev = [];
            const server = http.createServer((req, res) => {
              res.on('error', (e) => ev.push('error:' + e.code));
              res.end('data', () => ev.push('end cb'));
              res.end(() => ev.push('second end cb'));
              setImmediate(() => res.write('x', (e) => ev.push('write cb:' + (e && e.code))));
            });
            server.listen(0, '127.0.0.1', () => {
              http.get({ port: PORT_OF(server), host: '127.0.0.1' }, (res) => collect(res, (b) => setTimeout(() => done(b + '|' + ev.join()), 100)));
            });
            """,
        ["incomingmessage-destroy"] = """
            let uncaught = 'none';
            const onUncaught = (e) => { if (e.message === 'Destroy test') uncaught = e.message; };
            uncaughtHandlers.add(onUncaught);
            const server = http.createServer((req, res) => req.destroy(new Error('Destroy test')));
            server.listen(0, '127.0.0.1', () => {
              http.get({ port: PORT_OF(server), host: '127.0.0.1' }, () => done('response')).on('error', (e) => {
                setTimeout(() => { uncaughtHandlers.delete(onUncaught); done(e.code + ' ' + e.message + ' uncaught:' + uncaught); }, 50);
              });
            });
            """,
        ["uncaught-from-request-callback"] = """
            const onUncaught = (e) => { if (e.message === 'from the callback') { uncaughtHandlers.delete(onUncaught); done('uncaught ' + e.message); } };
            uncaughtHandlers.add(onUncaught);
            const server = http.createServer((req, res) => res.end('ok'));
            server.listen(0, '127.0.0.1', () => {
              http.get({ port: PORT_OF(server), host: '127.0.0.1' }, () => { throw new Error('from the callback'); });
            });
            """,
        ["upgrade-server2"] = """
            const onUncaught = (e) => { if (e.message === 'upgrade error') { uncaughtHandlers.delete(onUncaught); done('uncaught ' + e.message); } };
            uncaughtHandlers.add(onUncaught);
            const server = http.createServer((req, res) => res.end('ok'));
            server.on('upgrade', () => { throw new Error('upgrade error'); });
            server.listen(0, '127.0.0.1', () => {
              const c = net.connect(PORT_OF(server), '127.0.0.1', () => c.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n'));
              c.on('error', () => {});
            });
            """,
        ["upgrade-agent"] = """
            const server = http.createServer((req, res) => res.end('no'));
            server.on('upgrade', (req, socket) => {
              socket.write('HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\nnurtzo');
            });
            server.listen(0, '127.0.0.1', () => {
              const agent = new http.Agent();
              const req = http.request({ port: PORT_OF(server), host: '127.0.0.1', agent, headers: { Connection: 'Upgrade', Upgrade: 'WebSocket' } });
              req.on('upgrade', (res, socket, head) => {
                const r = [res.statusCode, res.headers.upgrade, res.headers.connection, head.toString(), agent.totalSocketCount, Object.keys(agent.sockets).length];
                socket.destroy();
                done(r.join('|'));
              });
              req.end();
            });
            """,
        ["upgrade-binary"] = """
            const server = http.createServer((req, res) => res.end('no'));
            server.on('upgrade', (req, socket) => {
              socket.write(Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: custom\r\nConnection: Upgrade\r\n\r\n'), Buffer.from([0x80])]));
            });
            server.listen(0, '127.0.0.1', () => {
              const req = http.request({ port: PORT_OF(server), host: '127.0.0.1', headers: { Connection: 'Upgrade', Upgrade: 'custom' } });
              req.on('upgrade', (res, socket, head) => { socket.destroy(); done(head.length + ':' + head[0]); });
              req.end();
            });
            """,
        ["upgrade-client2"] = """
            const server = http.createServer((req, res) => res.end('no'));
            server.on('upgrade', (req, socket) => {
              socket.end('HTTP/1.1 101 Ok\r\nConnection: Upgrade\r\nUpgrade: Test\r\n\r\n');
            });
            server.listen(0, '127.0.0.1', () => {
              const out = [];
              const one = (then) => {
                const req = http.get({ port: PORT_OF(server), host: '127.0.0.1', headers: { Connection: 'Upgrade', Upgrade: 'Test' } });
                req.on('response', () => out.push('response'));
                req.on('upgrade', (res, socket) => { out.push('upgrade ' + res.statusCode); socket.on('end', then); socket.resume(); });
              };
              one(() => one(() => done(out.join())));
            });
            """,
        ["should-keep-alive"] = """
            const replies = [
              'HTTP/1.0 200 ok\r\nContent-Length: 0\r\n\r\n',
              'HTTP/1.0 200 ok\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n',
              'HTTP/1.0 200 ok\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
              'HTTP/1.1 200 ok\r\nContent-Length: 0\r\n\r\n',
              'HTTP/1.1 200 ok\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n',
              'HTTP/1.1 200 ok\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
            ];
            let served = 0;
            const server = net.createServer((socket) => {
              socket.on('error', () => {});
              socket.on('data', () => socket.write(replies[served++]));
            });
            server.listen(0, '127.0.0.1', () => {
              const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
              const out = [];
              const next = () => {
                if (out.length === replies.length) { agent.destroy(); return done(out.join()); }
                http.get({ port: PORT_OF(server), host: '127.0.0.1', agent }, (res) => {
                  res.resume();
                  res.on('end', () => setImmediate(() => {
                    out.push(Object.keys(agent.freeSockets).length ? 'kept' : 'dropped');
                    for (const list of Object.values(agent.freeSockets)) for (const s of list) s.destroy();
                    setImmediate(next);
                  }));
                });
              };
              next();
            });
            """,
        ["keepalive-request"] = """
            const ports = new Set();
            const server = http.createServer((req, res) => { ports.add(req.socket.remotePort); res.end('ok'); });
            server.listen(0, '127.0.0.1', () => {
              const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
              let n = 0;
              const clientSockets = new Set();
              const next = () => {
                if (n === 10) { agent.destroy(); return done(n + ' requests, ' + ports.size + ' server connection(s), ' + clientSockets.size + ' client socket(s)'); }
                const req = http.request({ port: PORT_OF(server), host: '127.0.0.1', agent });
                req.end();
                req.on('socket', (s) => clientSockets.add(s));
                req.on('response', (res) => { res.resume(); res.on('end', () => { n++; setImmediate(next); }); });
              };
              next();
            });
            """,
        ["keepalive-maxsockets"] = """
            let connections = 0;
            const server = http.createServer((req, res) => res.end('hello world'));
            server.on('connection', () => connections++);
            server.listen(0, '127.0.0.1', () => {
              const agent = new http.Agent({ keepAlive: true, maxSockets: 5, maxFreeSockets: 2 });
              const free = () => Object.values(agent.freeSockets).reduce((a, l) => a + l.length, 0);
              const wave = (then) => {
                let left = 10;
                for (let i = 0; i < 10; i++) {
                  http.get({ port: PORT_OF(server), host: '127.0.0.1', agent }, (res) => {
                    res.resume();
                    res.on('end', () => { if (--left === 0) setTimeout(then, 50); });
                  });
                }
              };
              const out = [];
              wave(() => {
                out.push('free ' + free(), 'connections ' + connections);
                wave(() => { out.push('free ' + free(), 'connections ' + connections); agent.destroy(); done(out.join()); });
              });
            });
            """,
        ["max-sockets"] = """
            let connections = 0;
            const server = http.createServer((req, res) => setTimeout(() => res.end('ok'), 5));
            server.on('connection', () => connections++);
            server.listen(0, '127.0.0.1', () => {
              const agent = new http.Agent({ maxSockets: 2 });
              let left = 20;
              let sameAgent = 0;
              let maxQueued = 0;
              for (let i = 0; i < 20; i++) {
                const req = http.get({ port: PORT_OF(server), host: '127.0.0.1', agent }, (res) => {
                  res.resume();
                  res.on('end', () => { if (--left === 0) done('all done, agent ' + sameAgent + ', max queued ' + maxQueued + ', max sockets ' + (connections <= 20)); });
                });
                if (req.agent === agent) sameAgent++;
                const q = Object.values(agent.requests).reduce((a, l) => a + l.length, 0);
                maxQueued = Math.max(maxQueued, q);
              }
            });
            """,
        ["keepalive-override"] = """
            const server = http.createServer((req, res) => res.end('ok'));
            server.listen(0, '127.0.0.1', () => {
              const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
              const calls = [];
              const keep = agent.keepSocketAlive;
              const reuse = agent.reuseSocket;
              let first = true;
              agent.keepSocketAlive = function (socket) { calls.push('keep'); if (first) { first = false; return false; } return keep.call(this, socket); };
              agent.reuseSocket = function (socket, req) { calls.push('reuse'); return reuse.call(this, socket, req); };
              const ports = [];
              let n = 0;
              const next = () => {
                if (n === 3) { agent.destroy(); return done(calls.join() + '|' + (ports[0] !== ports[1]) + ',' + (ports[1] === ports[2])); }
                http.get({ port: PORT_OF(server), host: '127.0.0.1', agent }, (res) => {
                  ports.push(res.socket.localPort);
                  res.resume();
                  res.on('end', () => { n++; setTimeout(next, 20); });
                });
              };
              next();
            });
            """,
        ["timeout-cleared"] = """
            const server = http.createServer((req, res) => res.end('ok'));
            server.listen(0, '127.0.0.1', () => {
              const agent = new http.Agent({ maxSockets: 1, keepAlive: true });
              let left = 11;
              let fired = 0;
              const counts = [];
              for (let i = 0; i < 11; i++) {
                const req = http.get({ port: PORT_OF(server), host: '127.0.0.1', agent }, (res) => {
                  req.setTimeout(0);
                  counts.push(res.socket.listenerCount('timeout'));
                  res.resume();
                  res.on('end', () => { if (--left === 0) setTimeout(() => { agent.destroy(); done('fired ' + fired + ', grows ' + (counts[counts.length - 1] > counts[0])); }, 50); });
                });
                req.setTimeout(5000, () => fired++);
              }
            });
            """,
        ["unix-socket"] = """
            const path = require('os').tmpdir() + '/nodehttp-twin-' + process.pid + '.sock';
            try { require('fs').unlinkSync(path); } catch {}
            const server = http.createServer((req, res) => { res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' }); res.end('hello world\n'); });
            server.listen(path, () => {
              http.get({ socketPath: path, path: '/' }, (res) => {
                collect(res, (b) => {
                  const r = [res.statusCode, res.headers['content-type'], JSON.stringify(b)];
                  server.close((e) => {
                    r.push(e ? e.code : 'closed');
                    server.close((e2) => { r.push(e2 ? e2.code : 'closed'); done(r.join('|')); });
                  });
                });
              });
            });
            """,
        ["timeouts-validation"] = """
            const r = [];
            const s = http.createServer();
            r.push(s.headersTimeout, s.requestTimeout);
            const t = http.createServer({ headersTimeout: 1000, requestTimeout: 2000 });
            r.push(t.headersTimeout, t.requestTimeout);
            try { http.createServer({ headersTimeout: 2000, requestTimeout: 1000 }); r.push('ok'); } catch (e) { r.push(e.code); }
            done(r.join());
            """,
        ["proxy"] = """
            const backend = http.createServer((req, res) => {
              res.writeHead(200, ['content-type', 'text/plain', 'set-cookie', 'foo', 'set-cookie', 'bar']);
              res.end('hello world\n');
            });
            backend.listen(0, '127.0.0.1', () => {
              const proxy = http.createServer((req, res) => {
                http.get({ port: PORT_OF(backend), host: '127.0.0.1', path: req.url }, (bres) => {
                  res.writeHead(bres.statusCode, bres.headers);
                  bres.pipe(res);
                });
              });
              proxy.listen(0, '127.0.0.1', () => {
                http.get({ port: PORT_OF(proxy), host: '127.0.0.1', path: '/test' }, (res) => {
                  collect(res, (b) => done([res.headers['content-type'], JSON.stringify(res.headers['set-cookie']), JSON.stringify(b)].join('|')));
                });
              });
            });
            """,
    };

    public ClientTwinHost()
        : base(Scenarios, sequential: false, prelude: Prelude)
    {
    }
}

/// <summary>
/// Scenarios of Node's <c>test-http-*.js</c> files that need a client (and often a server) in one program, run on
/// Node (one process for the class, see <see cref="ClientTwinHost"/>) and on NodeHttp; both must give the result
/// Node's own assertions expect.
/// </summary>
public sealed class ClientTwinTests(ClientTwinHost node) : IClassFixture<ClientTwinHost>
{
    private const string Local = "127.0.0.1";

    private Task SameAsync(string name, string expected, Action<Twin> scenario) =>
        Twin.CheckAsync(node, name, expected, scenario);

    // A documented difference (docs/differences.md): each side pins its own result.
    private Task DivergentAsync(string name, string nodeExpected, string oursExpected, Action<Twin> scenario) =>
        Twin.CheckAsync(node, name, nodeExpected, oursExpected, scenario);

    private static void EchoServer(Twin t, Action<int> then)
    {
        Server server = null!;
        server = NodeHttp.Http.CreateServer((req, res) =>
        {
            int port = server.Address()!.Port;
            req.Resume();
            req.On("end", () =>
            {
                string? host = req.Headers.TryGetValue("host", out StringValues h) ? h.ToString() : null;
                string? auth = req.Headers.TryGetValue("authorization", out StringValues a) ? a.ToString() : null;
                res.End(Js.Arr([req.Method, req.Url, (host ?? "undefined").Replace(port.ToString(System.Globalization.CultureInfo.InvariantCulture), "PORT", StringComparison.Ordinal), auth]));
            });
        });
        t.Serve(server, then);
    }

    private static void Collect(IncomingMessage res, Action<string> then)
    {
        var body = new StringBuilder();
        res.SetEncoding("utf8");
        res.On<string>("data", d => body.Append(d));
        res.On("end", () => then(body.ToString()));
    }

    private static void RawServer(Twin t, Action<Socket, string> reply, Action<NetServer, int> then)
    {
        NetServer server = NodeHttp.Net.CreateServer(socket =>
        {
            t.Track(socket);
            socket.On<Exception>("error", _ => { });
            socket.Once<NodeBuffer>("data", d => reply(socket, d.ToString("latin1")));
        });
        server.Listen(0, Local, () => then(server, server.Address()!.Port));
        t.OnDone(() => server.Close());
    }

    private static int Port(Server s) => s.Address()!.Port;

    [Fact]
    public Task Test_http_listening() => SameAsync("listening", "false,true,false", t =>
    {
        Server s = NodeHttp.Http.CreateServer();
        var r = new List<bool> { s.Listening };
        s.Listen(0, Local, () =>
        {
            r.Add(s.Listening);
            s.Close(_ =>
            {
                r.Add(s.Listening);
                t.Done(string.Join(",", r.Select(b => b ? "true" : "false")));
            });
        });
    });

    [Fact]
    public Task Test_http_url_parse_basic() => SameAsync("url-basic", "[\"GET\",\"/\",\"127.0.0.1:PORT\",null]", t =>
        EchoServer(t, port => NodeHttp.Http.Get($"http://127.0.0.1:{port}", res => Collect(res, t.Done))));

    [Fact]
    public Task Test_http_url_parse_path() => SameAsync("url-path", "[\"GET\",\"/asdf\",\"127.0.0.1:PORT\",null]", t =>
        EchoServer(t, port => NodeHttp.Http.Get($"http://127.0.0.1:{port}/asdf", res => Collect(res, t.Done))));

    [Fact]
    public Task Test_http_url_parse_search() => SameAsync("url-search", "[\"GET\",\"/asdf?qwer=zxcv\",\"127.0.0.1:PORT\",null]", t =>
        EchoServer(t, port => NodeHttp.Http.Get($"http://127.0.0.1:{port}/asdf?qwer=zxcv", res => Collect(res, t.Done))));

    [Fact]
    public Task Test_http_url_parse_post() => SameAsync("url-post", "[\"POST\",\"/asdf?qwer=zxcv\",\"127.0.0.1:PORT\",null]", t =>
        EchoServer(t, port => NodeHttp.Http.Request($"http://127.0.0.1:{port}/asdf?qwer=zxcv", new RequestOptions { Method = "POST" }, res => Collect(res, t.Done)).End("body")));

    [Fact]
    public Task Test_http_url_parse_auth() => SameAsync("url-auth", "[\"GET\",\"/\",\"127.0.0.1:PORT\",\"Basic dXNlcjpwYXNzOg==\"]", t =>
        EchoServer(t, port => NodeHttp.Http.Get($"http://user:pass%3A@127.0.0.1:{port}/", res => Collect(res, t.Done))));

    [Fact]
    public Task Test_http_url_parse_auth_with_header_in_request() => SameAsync("url-auth-header", "[\"GET\",\"/\",\"127.0.0.1:PORT\",\"NoAuthForYOU\"]", t =>
        EchoServer(t, port => NodeHttp.Http.Request($"http://user:pass@127.0.0.1:{port}/", new RequestOptions { Headers = [new("Authorization", "NoAuthForYOU")] }, res => Collect(res, t.Done)).End()));

    [Fact]
    public Task Test_http_request_arguments() => SameAsync("request-arguments", "[\"GET\",\"/testpath\",\"127.0.0.1:PORT\",null]", t =>
        EchoServer(t, port => NodeHttp.Http.Request("http://example.com/testpath", new RequestOptions { Hostname = Local, Port = port }, res => Collect(res, t.Done)).End()));

    [Fact]
    public Task Test_http_url_parse_only_support_http_https_protocol() => SameAsync("only-http-protocol", string.Join(",", Enumerable.Repeat("ERR_INVALID_PROTOCOL", 5)), t =>
    {
        var codes = new List<string>();
        foreach (string u in new[] { "mailto:asdf@asdf.com", "ftp://www.example.com", "javascript:alert('hello');", "xmpp:isaacschlueter@jabber.org", "f://some.host/path" })
        {
            try
            {
                NodeHttp.Http.Request(u);
                codes.Add("ok");
            }
            catch (NodeHttpException e)
            {
                codes.Add(e.Code);
            }
        }
        t.Done(string.Join(",", codes));
    });

    [Fact]
    public Task Test_http_request_invalid_method_error() => SameAsync("invalid-method", "ERR_INVALID_HTTP_TOKEN", t =>
    {
        try
        {
            NodeHttp.Http.Request(new RequestOptions { Host = Local, Port = 1, Method = "\0" });
            t.Done("ok");
        }
        catch (NodeHttpException e)
        {
            t.Done(e.Code);
        }
    });

    [Fact]
    public Task Test_http_request_end() => SameAsync("request-end", "201 hello world", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            var body = new StringBuilder();
            req.SetEncoding("utf8");
            req.On<string>("data", d => body.Append(d));
            req.On("end", () =>
            {
                res.WriteHead(201);
                res.End(body.ToString());
            });
        });
        t.Serve(server, port => NodeHttp.Http.Request(new RequestOptions { Port = port, Host = Local, Method = "POST" }, res => Collect(res, b => t.Done(res.StatusCode + " " + b))).End("hello world"));
    });

    [Fact]
    public Task Test_http_request_end_twice() => SameAsync("request-end-twice", "true", t =>
        EchoServer(t, port =>
        {
            ClientRequest req = null!;
            req = NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
            {
                res.Resume();
                res.On("end", () => t.Done(ReferenceEquals(req.End(), req) ? "true" : "false"));
            });
        }));

    [Fact]
    public Task Test_http_response_readable() => SameAsync("response-readable", "true,false", t =>
        EchoServer(t, port => NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
        {
            var r = new List<bool> { res.IsReadable };
            res.On("end", () =>
            {
                r.Add(res.IsReadable);
                t.Done(string.Join(",", r.Select(b => b ? "true" : "false")));
            });
            res.Resume();
        })));

    [Fact]
    public Task Test_http_request_dont_override_options() => SameAsync("dont-override-options", "unchanged|[\"GET\",\"/\",\"127.0.0.1\",null]", t =>
        EchoServer(t, port =>
        {
            var options = new RequestOptions { Hostname = Local, DefaultPort = port };
            string Snapshot() => string.Join("|", options.Host, options.Port, options.Path, options.Method, options.Hostname, options.DefaultPort);
            string before = Snapshot();
            NodeHttp.Http.Request(options, res => Collect(res, b => t.Done((Snapshot() == before ? "unchanged" : "changed " + Snapshot()) + "|" + b))).End();
        }));

    [Fact]
    public Task Test_http_request_large_payload() => SameAsync("request-large-payload", "30000", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            int n = 0;
            req.On<NodeBuffer>("data", d => n += d.Length);
            req.On("end", () => res.End(n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
        t.Serve(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Port = port, Host = Local, Method = "POST" }, res => Collect(res, t.Done));
            req.Write(string.Concat(Enumerable.Repeat("\u00e9\u4e2d", 6000)));
            req.End();
        });
    });

    [Fact]
    public Task Test_http_request_join_authorization_headers() => SameAsync("join-authorization", "1, 2|foo; bar|3, 4|foo; bar", t =>
    {
        Server server = NodeHttp.Http.CreateServer(new ServerOptions { JoinDuplicateHeaders = true }, (req, res) =>
        {
            string seen = req.Headers["authorization"] + "|" + req.Headers["cookie"];
            res.WriteHead(200, [new("authorization", "3"), new("authorization", "4"), new("cookie", "foo"), new("cookie", "bar"), new("x-seen", seen)]);
            res.End();
        });
        t.Serve(server, port => NodeHttp.Http.Get(
            new RequestOptions
            {
                Port = port,
                Host = Local,
                JoinDuplicateHeaders = true,
                Headers = [new("host", "x"), new("authorization", "1"), new("authorization", "2"), new("cookie", "foo"), new("cookie", "bar")],
            },
            res =>
            {
                res.Resume();
                t.Done(res.Headers["x-seen"] + "|" + res.Headers["authorization"] + "|" + res.Headers["cookie"]);
            }));
    });

    [Fact]
    public Task Test_http_response_multiheaders()
    {
        string[] norepeat = ["retry-after", "etag", "last-modified", "server", "age", "expires", "content-type", "user-agent", "referer", "authorization", "proxy-authorization", "if-modified-since", "if-unmodified-since", "from", "location", "max-forwards"];
        string[] repeat = ["x-foo", "x-bar", "via", "warning"];
        string expected = "{" + string.Join(",", norepeat.Select(n => Js.Str(n) + ":\"A\"").Concat(repeat.Select(n => Js.Str(n) + ":\"A, B\""))) + ",\"set-cookie\":[\"a=1\",\"b=2\"]}";
        return SameAsync("response-multiheaders", expected, t =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                var flat = new List<KeyValuePair<string, StringValues>>();
                foreach (string n in norepeat.Concat(repeat))
                {
                    flat.Add(new(n, "A"));
                    flat.Add(new(n, "B"));
                }
                flat.Add(new("set-cookie", "a=1"));
                flat.Add(new("set-cookie", "b=2"));
                res.WriteHead(200, flat);
                res.End();
            });
            t.Serve(server, port => NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
            {
                res.Resume();
                var o = norepeat.Concat(repeat).Select(n => new KeyValuePair<string, StringValues>(n, res.Headers[n])).ToList();
                t.Done(Js.Headers(o).TrimEnd('}') + ",\"set-cookie\":" + Js.Arr(res.Headers["set-cookie"].Select(v => v)) + "}");
            }));
        });
    }

    [Fact]
    public Task Test_http_response_status_message() => SameAsync("response-status-message", "200:OK|500:Internal Server Error|302:Moved Temporarily|200:|200:", t =>
    {
        var replies = new Dictionary<string, string>
        {
            ["/200"] = "HTTP/1.1 200 OK\r\n\r\n",
            ["/500"] = "HTTP/1.1 500 Internal Server Error\r\n\r\n",
            ["/302"] = "HTTP/1.1 302 Moved Temporarily\r\n\r\n",
            ["/missing"] = "HTTP/1.1 200 \r\n\r\n",
            ["/missing-no-space"] = "HTTP/1.1 200\r\n\r\n",
        };
        RawServer(t, (socket, text) => socket.End(replies[text.Split(' ')[1]]), (_, port) =>
        {
            var output = new List<string>();
            string[] paths = replies.Keys.ToArray();
            void Next()
            {
                if (output.Count == paths.Length)
                {
                    t.Done(string.Join("|", output));
                    return;
                }
                NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local, Path = paths[output.Count] }, res =>
                {
                    output.Add(res.StatusCode + ":" + res.StatusMessage);
                    res.Resume();
                    res.On("end", Next);
                });
            }
            Next();
        });
    });

    [Fact]
    public Task Test_http_response_no_headers() => SameAsync("response-no-headers", "1.0:I AM THE WALRUS:false|1.1:I AM THE WALRUS:false", t =>
    {
        string[] versions = ["1.0", "1.1"];
        var output = new List<string>();
        void Next()
        {
            if (output.Count == versions.Length)
            {
                t.Done(string.Join("|", output));
                return;
            }
            string v = versions[output.Count];
            RawServer(t, (socket, _) => socket.End($"HTTP/{v} 200 OK\r\n\r\nI AM THE WALRUS"), (s, port) =>
                NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
                {
                    bool aborted = false;
                    res.On("aborted", () => aborted = true);
                    Collect(res, b =>
                    {
                        output.Add(v + ":" + b + ":" + (aborted ? "true" : "false"));
                        s.Close();
                        Next();
                    });
                }));
        }
        Next();
    });

    [Fact]
    public Task Test_http_response_multi_content_length() => SameAsync("response-multi-content-length", "HPE_UNEXPECTED_CONTENT_LENGTH,HPE_UNEXPECTED_CONTENT_LENGTH", t =>
    {
        var output = new List<string>();
        RawServer(t, (socket, _) => socket.End("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 1\r\n\r\nok"), (_, rawPort) =>
            NodeHttp.Http.Get(new RequestOptions { Port = rawPort, Host = Local }, _ => output.Add("response")).On<Exception>("error", e =>
            {
                output.Add(Twin.Code(e));
                Server server = NodeHttp.Http.CreateServer((req, res) =>
                {
                    try
                    {
                        res.SetHeader("content-length", new StringValues(["2", "1"]));
                        res.End("ok");
                    }
                    catch (NodeHttpException x)
                    {
                        output.Add("threw " + x.Code);
                        res.End("ok");
                    }
                });
                t.Serve(server, port => NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
                {
                    output.Add("response " + res.StatusCode);
                    res.Resume();
                    res.On("end", () => t.Done(string.Join(",", output)));
                }).On<Exception>("error", e2 =>
                {
                    output.Add(Twin.Code(e2));
                    t.Done(string.Join(",", output));
                }));
            }));
    });

    [Fact]
    public Task Test_http_no_content_length() => SameAsync("no-content-length", "\"hello world\\r\\n\"", t =>
        RawServer(t, (socket, _) => socket.End("HTTP/1.1 200 OK\r\n\r\nhello world\r\n"), (_, port) =>
            NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res => Collect(res, b => t.Done(Js.Str(b))))));

    [Fact]
    public Task Test_http_request_host_header() => SameAsync("request-host-header", "400 close \"\"", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("called"));
        t.Serve(server, port => NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local, SetHost = false }, res =>
            Collect(res, b => t.Done(res.StatusCode + " " + res.Headers["connection"] + " " + Js.Str(b)))));
    });

    [Fact]
    public Task Test_http_localaddress_bind_error() => SameAsync("localaddress-bind-error", "EADDRNOTAVAIL", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("called"));
        t.Serve(server, port => NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local, LocalAddress = "1.1.1.1" }, _ => t.Done("response"))
            .On<Exception>("error", e => t.Done(Twin.Code(e))));
    });

    [Fact]
    public Task Test_http_response_close_destroyed_in_data() => SameAsync("response-close-destroy-in-data", "destroyed:false,data destroyed:false,close destroyed:true", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            res.WriteHead(200);
            res.Write("a");
        });
        t.Serve(server, port =>
        {
            var ev = new List<string>();
            NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
            {
                ev.Add("destroyed:" + Twin.B(res.Destroyed));
                res.On("data", () =>
                {
                    ev.Add("data destroyed:" + Twin.B(res.Destroyed));
                    res.Destroy();
                });
                res.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
                res.On("close", () =>
                {
                    ev.Add("close destroyed:" + Twin.B(res.Destroyed));
                    EventLoop.Current!.SetTimeout(() => t.Done(string.Join(",", ev)), 50);
                });
            });
        });
    });

    [Fact]
    public Task Test_http_response_close_server_goes_away() => SameAsync("response-close-server-goes", "data destroyed:false,aborted,error:ECONNRESET,close destroyed:true", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            res.WriteHead(200);
            res.Write("a");
            EventLoop.Current!.SetTimeout(() => req.Socket!.Destroy(), 20);
        });
        t.Serve(server, port =>
        {
            var ev = new List<string>();
            NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
            {
                res.On("data", () => ev.Add("data destroyed:" + Twin.B(res.Destroyed)));
                res.On("aborted", () => ev.Add("aborted"));
                res.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
                res.On("close", () =>
                {
                    ev.Add("close destroyed:" + Twin.B(res.Destroyed));
                    EventLoop.Current!.SetTimeout(() => t.Done(string.Join(",", ev)), 50);
                });
            });
        });
    });

    [Fact]
    public Task Test_http_pause_resume_one_end() => SameAsync("pause-resume-one-end", "data,end destroyed:false,close", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("Hello World\n"));
        t.Serve(server, port =>
        {
            var ev = new List<string>();
            NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
            {
                res.On("data", () =>
                {
                    ev.Add("data");
                    res.Pause();
                    EventLoop.Current!.SetImmediate(() => res.Resume());
                });
                res.On("end", () => ev.Add("end destroyed:" + Twin.B(res.Destroyed)));
                res.On("close", () =>
                {
                    ev.Add("close");
                    EventLoop.Current!.SetTimeout(() => t.Done(string.Join(",", ev)), 50);
                });
            });
        });
    });

    [Fact]
    public Task Test_http_outgoing_writableFinished() => DivergentAsync(
        "writable-finished",
        "req:false,req after end:false,req finish:true,res:false,res after end:true,res finish:true,res cb:true",
        "req:false,req after end:false,req finish:true,res:false,res after end:false,res cb:true,res finish:true",
        t =>
        {
            var ev = new List<string>();
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                ev.Add("res:" + Twin.B(res.WritableFinished));
                res.On("finish", () => ev.Add("res finish:" + Twin.B(res.WritableFinished)));
                res.End("ok", "utf8", () => ev.Add("res cb:" + Twin.B(res.WritableFinished)));
                ev.Add("res after end:" + Twin.B(res.WritableFinished));
            });
            t.Serve(server, port =>
            {
                ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Port = port, Host = Local, Method = "POST" }, res =>
                {
                    res.Resume();
                    res.On("end", () => EventLoop.Current!.SetTimeout(() => t.Done(string.Join(",", ev)), 20));
                });
                ev.Add("req:" + Twin.B(req.WritableFinished));
                req.On("finish", () => ev.Add("req finish:" + Twin.B(req.WritableFinished)));
                req.End("x");
                ev.Add("req after end:" + Twin.B(req.WritableFinished));
            });
        });

    [Fact]
    public Task Test_http_outgoing_finish_writable() => SameAsync(
        "finish-writable",
        "req true/false/false,req ended true/true/true,res true/false/false,res ended true/true/true",
        t =>
        {
            var ev = new List<string>();
            string State(OutgoingMessage m) => Twin.B(m.IsWritable) + "/" + Twin.B(m.Finished) + "/" + Twin.B(m.WritableEnded);
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                ev.Add("res " + State(res));
                res.End();
                ev.Add("res ended " + State(res));
            });
            t.Serve(server, port =>
            {
                ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Port = port, Host = Local }, res =>
                {
                    res.Resume();
                    res.On("end", () => t.Done(string.Join(",", ev)));
                });
                ev.Add("req " + State(req));
                req.End();
                ev.Add("req ended " + State(req));
            });
        });

    [Fact]
    public Task Test_http_outgoing_properties() => SameAsync("outgoing-properties", "req len 0,res hwm=socket true,res len 0", t =>
    {
        var ev = new List<string>();
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            ev.Add("res hwm=socket " + Twin.B(res.WritableHighWaterMark == req.Socket!.WritableHighWaterMark));
            ev.Add("res len " + res.WritableLength);
            res.End();
        });
        t.Serve(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Port = port, Host = Local }, res =>
            {
                res.Resume();
                res.On("end", () => t.Done(string.Join(",", ev)));
            });
            ev.Add("req len " + req.WritableLength);
            req.End();
        });
    });

    [Fact]
    public Task Test_http_res_write_after_end_and_server_write_after_end() => SameAsync(
        "write-after-end",
        "hello|sync write returns false,sync cb:ERR_STREAM_WRITE_AFTER_END,error:ERR_STREAM_WRITE_AFTER_END,later cb:ERR_STREAM_WRITE_AFTER_END",
        t =>
        {
            var ev = new List<string>();
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                res.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
                res.Write("hello");
                res.End();
                ev.Add("sync write returns " + Twin.B(res.Write("late", "utf8", e => ev.Add("sync cb:" + Twin.Code(e)))));
                EventLoop.Current!.SetImmediate(() => res.Write("world", "utf8", e => ev.Add("later cb:" + Twin.Code(e))));
            });
            t.Serve(server, port => NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
                Collect(res, b => EventLoop.Current!.SetTimeout(() => t.Done(b + "|" + string.Join(",", ev)), 100))));
        });

    [Fact]
    public Task Test_http_server_write_end_after_end() => DivergentAsync(
        "write-end-after-end",
        "data|second end cb,end cb,write cb:ERR_STREAM_WRITE_AFTER_END",
        "data|end cb,second end cb,write cb:ERR_STREAM_WRITE_AFTER_END",
        t =>
        {
            var ev = new List<string>();
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                res.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
                res.End("data", "utf8", () => ev.Add("end cb"));
                res.End(() => ev.Add("second end cb"));
                EventLoop.Current!.SetImmediate(() => res.Write("x", "utf8", e => ev.Add("write cb:" + Twin.Code(e))));
            });
            t.Serve(server, port => NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, res =>
                Collect(res, b => EventLoop.Current!.SetTimeout(() => t.Done(b + "|" + string.Join(",", ev)), 100))));
        });

    [Fact]
    public Task Test_http_server_incomingmessage_destroy() => SameAsync("incomingmessage-destroy", "ECONNRESET socket hang up uncaught:none", t =>
    {
        string uncaught = "none";
        EventLoop.Current!.UncaughtException += e => uncaught = e.Message;
        Server server = NodeHttp.Http.CreateServer((req, res) => req.Destroy(new InvalidOperationException("Destroy test")));
        t.Serve(server, port => NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, _ => t.Done("response"))
            .On<Exception>("error", e => EventLoop.Current!.SetTimeout(() => t.Done(Twin.Code(e) + " " + e.Message + " uncaught:" + uncaught), 50)));
    });

    [Fact]
    public Task Test_http_uncaught_from_request_callback() => SameAsync("uncaught-from-request-callback", "uncaught from the callback", t =>
    {
        EventLoop.Current!.UncaughtException += e => t.Done("uncaught " + e.Message);
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("ok"));
        t.Serve(server, port => NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local }, _ => throw new InvalidOperationException("from the callback")));
    });

    [Fact]
    public Task Test_http_upgrade_server2() => SameAsync("upgrade-server2", "uncaught upgrade error", t =>
    {
        EventLoop.Current!.UncaughtException += e => t.Done("uncaught " + e.Message);
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("ok"));
        server.OnUpgrade((_, _, _) => throw new InvalidOperationException("upgrade error"));
        t.Serve(server, port =>
        {
            Socket c = t.Track(NodeHttp.Net.CreateConnection(port, Local));
            c.On<Exception>("error", _ => { });
            c.Write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n");
        });
    });

    [Fact]
    public Task Test_http_upgrade_agent() => SameAsync("upgrade-agent", "101|WebSocket|Upgrade|nurtzo|0|0", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("no"));
        server.OnUpgrade((_, socket, _) => socket.Write("HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\nnurtzo"));
        t.Serve(server, port =>
        {
            Agent agent = t.Track(new Agent());
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Port = port, Host = Local, Agent = agent, Headers = [new("Connection", "Upgrade"), new("Upgrade", "WebSocket")] });
            req.OnUpgrade((res, socket, head) =>
            {
                string r = string.Join("|", res.StatusCode, res.Headers["upgrade"], res.Headers["connection"], head.ToString("utf8"), agent.TotalSocketCount, agent.Sockets.Count);
                socket.Destroy();
                t.Done(r);
            });
            req.End();
        });
    });

    [Fact]
    public Task Test_http_upgrade_binary() => SameAsync("upgrade-binary", "1:128", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("no"));
        server.OnUpgrade((_, socket, _) =>
        {
            byte[] head = Encoding.Latin1.GetBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: custom\r\nConnection: Upgrade\r\n\r\n");
            socket.Write([.. head, 0x80]);
        });
        t.Serve(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Port = port, Host = Local, Headers = [new("Connection", "Upgrade"), new("Upgrade", "custom")] });
            req.OnUpgrade((_, socket, head) =>
            {
                socket.Destroy();
                t.Done(head.Length + ":" + (head.Length > 0 ? head[0] : -1));
            });
            req.End();
        });
    });

    [Fact]
    public Task Test_http_upgrade_client2() => SameAsync("upgrade-client2", "upgrade 101,upgrade 101", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("no"));
        server.OnUpgrade((_, socket, _) => socket.End("HTTP/1.1 101 Ok\r\nConnection: Upgrade\r\nUpgrade: Test\r\n\r\n"));
        t.Serve(server, port =>
        {
            var output = new List<string>();
            void One(Action then)
            {
                ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local, Headers = [new("Connection", "Upgrade"), new("Upgrade", "Test")] });
                req.OnResponse(_ => output.Add("response"));
                req.OnUpgrade((res, socket, _) =>
                {
                    output.Add("upgrade " + res.StatusCode);
                    socket.On("end", then);
                    socket.Resume();
                });
            }
            One(() => One(() => t.Done(string.Join(",", output))));
        });
    });

    [Fact]
    public Task Test_http_should_keep_alive() => SameAsync("should-keep-alive", "dropped,kept,dropped,kept,kept,dropped", t =>
    {
        string[] replies =
        [
            "HTTP/1.0 200 ok\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.0 200 ok\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
            "HTTP/1.0 200 ok\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 200 ok\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 ok\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
            "HTTP/1.1 200 ok\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ];
        int served = 0;
        NetServer server = NodeHttp.Net.CreateServer(socket =>
        {
            t.Track(socket);
            socket.On<Exception>("error", _ => { });
            socket.On<NodeBuffer>("data", _ => socket.Write(replies[served++]));
        });
        t.OnDone(() => server.Close());
        server.Listen(0, Local, () =>
        {
            int port = server.Address()!.Port;
            Agent agent = t.Track(new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 }));
            var output = new List<string>();
            void Next()
            {
                if (output.Count == replies.Length)
                {
                    t.Done(string.Join(",", output));
                    return;
                }
                NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local, Agent = agent }, res =>
                {
                    res.Resume();
                    res.On("end", () => EventLoop.Current!.SetImmediate(() =>
                    {
                        output.Add(agent.FreeSockets.Count > 0 ? "kept" : "dropped");
                        foreach (Socket s in agent.FreeSockets.Values.SelectMany(l => l).ToList())
                        {
                            s.Destroy();
                        }
                        EventLoop.Current!.SetImmediate(Next);
                    }));
                });
            }
            Next();
        });
    });

    [Fact]
    public Task Test_http_keepalive_request() => SameAsync("keepalive-request", "10 requests, 1 server connection(s), 1 client socket(s)", t =>
    {
        var ports = new HashSet<int?>();
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            ports.Add(req.Socket!.RemotePort);
            res.End("ok");
        });
        t.Serve(server, port =>
        {
            Agent agent = t.Track(new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 }));
            int n = 0;
            var clientSockets = new HashSet<Socket>();
            void Next()
            {
                if (n == 10)
                {
                    t.Done(n + " requests, " + ports.Count + " server connection(s), " + clientSockets.Count + " client socket(s)");
                    return;
                }
                ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Port = port, Host = Local, Agent = agent });
                req.End();
                req.OnSocket(s => clientSockets.Add(s));
                req.OnResponse(res =>
                {
                    res.Resume();
                    res.On("end", () =>
                    {
                        n++;
                        EventLoop.Current!.SetImmediate(Next);
                    });
                });
            }
            Next();
        });
    });

    [Fact]
    public Task Test_http_keepalive_maxsockets() => SameAsync("keepalive-maxsockets", "free 2,connections 5,free 2,connections 8", t =>
    {
        int connections = 0;
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("hello world"));
        server.OnConnection(_ => connections++);
        t.Serve(server, port =>
        {
            Agent agent = t.Track(new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 5, MaxFreeSockets = 2 }));
            int Free() => agent.FreeSockets.Values.Sum(l => l.Count);
            void Wave(Action then)
            {
                int left = 10;
                for (int i = 0; i < 10; i++)
                {
                    NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local, Agent = agent }, res =>
                    {
                        res.Resume();
                        res.On("end", () =>
                        {
                            if (--left == 0)
                            {
                                EventLoop.Current!.SetTimeout(then, 50);
                            }
                        });
                    });
                }
            }
            var output = new List<string>();
            Wave(() =>
            {
                output.Add("free " + Free());
                output.Add("connections " + connections);
                Wave(() =>
                {
                    output.Add("free " + Free());
                    output.Add("connections " + connections);
                    t.Done(string.Join(",", output));
                });
            });
        });
    });

    [Fact]
    public Task Test_http_max_sockets() => SameAsync("max-sockets", "all done, agent 20, max queued 18, max sockets true", t =>
    {
        int connections = 0;
        Server server = NodeHttp.Http.CreateServer((req, res) => EventLoop.Current!.SetTimeout(() => res.End("ok"), 5));
        server.OnConnection(_ => connections++);
        t.Serve(server, port =>
        {
            Agent agent = t.Track(new Agent(new AgentOptions { MaxSockets = 2 }));
            int left = 20;
            int sameAgent = 0;
            int maxQueued = 0;
            for (int i = 0; i < 20; i++)
            {
                ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local, Agent = agent }, res =>
                {
                    res.Resume();
                    res.On("end", () =>
                    {
                        if (--left == 0)
                        {
                            t.Done("all done, agent " + sameAgent + ", max queued " + maxQueued + ", max sockets " + Twin.B(connections <= 20));
                        }
                    });
                });
                if (ReferenceEquals(req.Agent, agent))
                {
                    sameAgent++;
                }
                maxQueued = Math.Max(maxQueued, agent.Requests.Values.Sum(l => l.Count));
            }
        });
    });

    private sealed class CountingAgent(List<string> calls) : Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 })
    {
        private bool first = true;

        public override bool KeepSocketAlive(Socket socket)
        {
            calls.Add("keep");
            if (first)
            {
                first = false;
                return false;
            }
            return base.KeepSocketAlive(socket);
        }

        public override void ReuseSocket(Socket socket, ClientRequest request)
        {
            calls.Add("reuse");
            base.ReuseSocket(socket, request);
        }
    }

    [Fact]
    public Task Test_http_keepalive_override() => SameAsync("keepalive-override", "keep,keep,reuse,keep|true,true", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("ok"));
        t.Serve(server, port =>
        {
            var calls = new List<string>();
            Agent agent = t.Track(new CountingAgent(calls));
            var ports = new List<int?>();
            int n = 0;
            void Next()
            {
                if (n == 3)
                {
                    t.Done(string.Join(",", calls) + "|" + Twin.B(ports[0] != ports[1]) + "," + Twin.B(ports[1] == ports[2]));
                    return;
                }
                NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local, Agent = agent }, res =>
                {
                    ports.Add(res.Socket!.LocalPort);
                    res.Resume();
                    res.On("end", () =>
                    {
                        n++;
                        EventLoop.Current!.SetTimeout(Next, 20);
                    });
                });
            }
            Next();
        });
    });

    [Fact]
    public Task Test_http_timeout() => SameAsync("timeout-cleared", "fired 0, grows false", t =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) => res.End("ok"));
        t.Serve(server, port =>
        {
            Agent agent = t.Track(new Agent(new AgentOptions { MaxSockets = 1, KeepAlive = true }));
            int left = 11;
            int fired = 0;
            var counts = new List<int>();
            for (int i = 0; i < 11; i++)
            {
                ClientRequest req = null!;
                req = NodeHttp.Http.Get(new RequestOptions { Port = port, Host = Local, Agent = agent }, res =>
                {
                    req.SetTimeout(0);
                    counts.Add(res.Socket!.ListenerCount("timeout"));
                    res.Resume();
                    res.On("end", () =>
                    {
                        if (--left == 0)
                        {
                            EventLoop.Current!.SetTimeout(() => t.Done("fired " + fired + ", grows " + Twin.B(counts[^1] > counts[0])), 50);
                        }
                    });
                });
                // Long enough that a slow machine cannot reach it: what counts is that cleared timeouts stay cleared.
                req.SetTimeout(5000, () => fired++);
            }
        });
    });

    [Fact]
    public Task Test_http_unix_socket() => SameAsync("unix-socket", "200|text/plain|\"hello world\\n\"|closed|ERR_SERVER_NOT_RUNNING", t =>
    {
        string path = Path.Combine(Path.GetTempPath(), "nodehttp-twin-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            res.WriteHead(200, [new("Content-Type", "text/plain"), new("Connection", "close")]);
            res.End("hello world\n");
        });
        server.Listen(path, () => NodeHttp.Http.Get(new RequestOptions { SocketPath = path, Path = "/" }, res => Collect(res, b =>
        {
            var r = new List<string> { res.StatusCode.ToString()!, res.Headers["content-type"].ToString(), Js.Str(b) };
            server.Close(e =>
            {
                r.Add(e is null ? "closed" : Twin.Code(e));
                server.Close(e2 =>
                {
                    r.Add(e2 is null ? "closed" : Twin.Code(e2));
                    t.Done(string.Join("|", r));
                });
            });
        })));
    });

    [Fact]
    public Task Test_http_server_timeouts_validation() => SameAsync("timeouts-validation", "60000,300000,1000,2000,ERR_OUT_OF_RANGE", t =>
    {
        var r = new List<string>();
        Server s = NodeHttp.Http.CreateServer();
        r.Add(s.HeadersTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        r.Add(s.RequestTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Server u = NodeHttp.Http.CreateServer(new ServerOptions { HeadersTimeout = 1000, RequestTimeout = 2000 });
        r.Add(u.HeadersTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        r.Add(u.RequestTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            NodeHttp.Http.CreateServer(new ServerOptions { HeadersTimeout = 2000, RequestTimeout = 1000 });
            r.Add("ok");
        }
        catch (NodeHttpException e)
        {
            r.Add(e.Code);
        }
        t.Done(string.Join(",", r));
    });

    [Fact]
    public Task Test_http_proxy() => SameAsync("proxy", "text/plain|[\"foo\",\"bar\"]|\"hello world\\n\"", t =>
    {
        Server backend = NodeHttp.Http.CreateServer((req, res) =>
        {
            res.WriteHead(200, [new("content-type", "text/plain"), new("set-cookie", "foo"), new("set-cookie", "bar")]);
            res.End("hello world\n");
        });
        t.Serve(backend, backendPort =>
        {
            Server proxy = NodeHttp.Http.CreateServer((req, res) =>
                NodeHttp.Http.Get(new RequestOptions { Port = backendPort, Host = Local, Path = req.Url }, bres =>
                {
                    res.WriteHead(bres.StatusCode!.Value, bres.Headers);
                    bres.Pipe(res);
                }));
            t.Serve(proxy, proxyPort => NodeHttp.Http.Get(new RequestOptions { Port = proxyPort, Host = Local, Path = "/test" }, res =>
                Collect(res, b => t.Done(string.Join("|", res.Headers["content-type"], Js.Arr(res.Headers["set-cookie"].Select(v => v)), Js.Str(b))))));
        });
    });
}
