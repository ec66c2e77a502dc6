using NodeHttp;

// The Agent examples of Node's http docs, against a local server so the program runs offline:
//   http.get({ hostname, port, path: '/', agent: false }, res => ...)        a one-time agent for one request
//   const keepAliveAgent = new http.Agent({ keepAlive: true }); options.agent = keepAliveAgent;
//   http.get(options, res => ...).on('socket', socket => socket.emit('agentRemove'))   take a socket out of the pool
EventLoop.Run(() =>
{
    int connections = 0;
    Server server = Http.CreateServer((req, res) => res.End($"hello from {req.Url}"));
    server.On<Socket>("connection", _ => connections++);
    server.Listen(0, "127.0.0.1", () =>
    {
        int port = server.Address()!.Port;
        var keepAliveAgent = new Agent(new AgentOptions { KeepAlive = true });

        void Print(string label, ClientRequest req, IncomingMessage res, Action next)
        {
            var chunks = new List<NodeBuffer>();
            res.On<NodeBuffer>("data", chunks.Add);
            res.On("end", () =>
            {
                Console.WriteLine($"{label}: {res.StatusCode} {NodeBuffer.Concat(chunks)} (reused socket: {req.ReusedSocket}, connections so far: {connections})");
                // setImmediate: by then the agent has taken the socket back into its pool ('free' comes a tick after 'end').
                EventLoop.Current!.Post(next);
            });
        }

        // agent: false — a new agent (and connection) just for this one request.
        ClientRequest? first = null;
        first = Http.Get(new RequestOptions { Hostname = "127.0.0.1", Port = port, Path = "/one-time", UseAgent = false }, res =>
            Print("agent: false", first!, res, KeepAlive));

        // A keep-alive agent: the second request goes out on the first one's socket.
        void KeepAlive()
        {
            ClientRequest? a = null;
            a = Http.Get(new RequestOptions { Hostname = "127.0.0.1", Port = port, Path = "/keep-alive/1", Agent = keepAliveAgent }, res =>
                Print("keepAlive agent", a!, res, () =>
                {
                    ClientRequest? b = null;
                    b = Http.Get(new RequestOptions { Hostname = "127.0.0.1", Port = port, Path = "/keep-alive/2", Agent = keepAliveAgent }, res2 =>
                        Print("keepAlive agent", b!, res2, AgentRemove));
                }));
        }

        // 'agentRemove': this request's socket leaves the pool and is not reused.
        void AgentRemove()
        {
            ClientRequest? c = null;
            c = Http.Get(new RequestOptions { Hostname = "127.0.0.1", Port = port, Path = "/removed", Agent = keepAliveAgent }, res =>
                Print("agentRemove", c!, res, () =>
                {
                    Console.WriteLine($"free sockets left in the keep-alive agent: {keepAliveAgent.FreeSockets.Values.Sum(s => s.Count)}");
                    keepAliveAgent.Destroy();
                    server.Close();
                }));
            c.On<Socket>("socket", socket => socket.Emit("agentRemove"));
        }
    });
});
