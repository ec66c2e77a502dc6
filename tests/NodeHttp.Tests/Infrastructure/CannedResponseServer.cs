using System.Net;
using System.Net.Sockets;

namespace NodeHttp.Tests;

/// <summary>
/// A loopback server on its own threads that answers every request head on every connection with the same bytes: a
/// peer that allocates nothing on the loop thread under test. <c>wrap</c> turns an accepted socket into the stream
/// spoken over it (a TLS stream, say); without it the socket's own stream is used.
/// </summary>
internal sealed class CannedResponseServer : IDisposable
{
    private readonly System.Net.Sockets.Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly byte[] response;
    private readonly Func<System.Net.Sockets.Socket, Stream> wrap;

    public CannedResponseServer(byte[] response, Func<System.Net.Sockets.Socket, Stream>? wrap = null)
    {
        this.response = response;
        this.wrap = wrap ?? (socket => new NetworkStream(socket, ownsSocket: true));
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        new Thread(Serve) { IsBackground = true }.Start();
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    public void Dispose() => listener.Dispose();

    private void Serve()
    {
        try
        {
            while (true)
            {
                System.Net.Sockets.Socket connection = listener.Accept();
                new Thread(() => Answer(connection)) { IsBackground = true }.Start();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The listener was closed.
        }
    }

    private void Answer(System.Net.Sockets.Socket connection)
    {
        connection.NoDelay = true;
        byte[] buffer = new byte[8192];
        int held = 0;
        try
        {
            using Stream stream = wrap(connection);
            while (true)
            {
                int n = stream.Read(buffer, held, buffer.Length - held);
                if (n <= 0)
                {
                    return;
                }
                held += n;
                int start = 0;
                int end;
                while ((end = buffer.AsSpan(start, held - start).IndexOf("\r\n\r\n"u8)) >= 0)
                {
                    stream.Write(response);
                    start += end + 4;
                }
                Buffer.BlockCopy(buffer, start, buffer, 0, held - start);
                held -= start;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The client closed the connection.
        }
        finally
        {
            connection.Dispose();
        }
    }
}
