using System.Buffers.Binary;

namespace NodeHttp;

/// <summary>
/// Tells whether a TLS handshake resumed a session (OpenSSL's <c>SSL_session_reused</c>, which SslStream does not
/// expose) by reading the two hello messages as their records pass through the transport, in both directions.
/// Only plaintext framing is read — record headers, handshake headers, the hellos' session id and extension types —
/// nothing is decrypted. TLS 1.3 (the ServerHello's <c>supported_versions</c> says 0x0304): the server resumed when
/// its ServerHello carries <c>pre_shared_key</c>, which it sends only when it accepted one of the client's PSKs.
/// TLS 1.2 and older: the server resumed when its ServerHello echoes the non-empty session id of the ClientHello
/// (RFC 5246 7.4.1.3; a ticket resumption echoes it too, RFC 5077 3.4). A HelloRetryRequest is skipped. Once the
/// ServerHello has been read (or something else came instead) the verdict is final and the bytes are no longer
/// looked at. Loop thread only.
/// </summary>
internal sealed class TlsHelloObserver
{
    private const byte ChangeCipherSpecRecord = 20;
    private const byte HandshakeRecord = 22;
    private const byte ClientHelloMessage = 1;
    private const byte ServerHelloMessage = 2;
    private const ushort PreSharedKeyExtension = 41;
    private const ushort SupportedVersionsExtension = 43;
    private const ushort Tls13Version = 0x0304;

    // Larger hellos are not expected (a ClientHello is a few hundred bytes to a few KiB): past this, no verdict.
    private const int MaxMessageLength = 32 * 1024;

    private readonly bool isServer;
    private readonly Direction fromClient = new();
    private readonly Direction fromServer = new();

    // The legacy session id of the first ClientHello (at most 32 bytes); length -1 until read.
    private readonly byte[] clientSessionId = new byte[32];
    private int clientSessionIdLength = -1;

    /// <param name="isServer">This side answers the handshake: received bytes are the client's, sent bytes the server's.</param>
    internal TlsHelloObserver(bool isServer)
    {
        this.isServer = isServer;
    }

    /// <summary>The ServerHello has been read (or the handshake went another way): <see cref="Resumed"/> is final.</summary>
    internal bool Done { get; private set; }

    /// <summary>The server resumed a session (valid once <see cref="Done"/>).</summary>
    internal bool Resumed { get; private set; }

    /// <summary>Bytes received from the peer, before the TLS session reads them.</summary>
    internal void OnReceived(ReadOnlySpan<byte> data)
    {
        if (!Done)
        {
            Feed(isServer ? fromClient : fromServer, data, fromClientSide: isServer);
        }
    }

    /// <summary>Bytes the TLS session sends to the peer.</summary>
    internal void OnSent(ReadOnlySpan<byte> data)
    {
        if (!Done)
        {
            Feed(isServer ? fromServer : fromClient, data, fromClientSide: !isServer);
        }
    }

    private void Feed(Direction d, ReadOnlySpan<byte> data, bool fromClientSide)
    {
        while (!data.IsEmpty && !d.Stopped && !Done)
        {
            if (d.RecordLeft == 0)
            {
                int take = Math.Min(5 - d.HeaderCount, data.Length);
                data[..take].CopyTo(d.Header.AsSpan(d.HeaderCount));
                d.HeaderCount += take;
                data = data[take..];
                if (d.HeaderCount < 5)
                {
                    return;
                }
                d.HeaderCount = 0;
                d.RecordType = d.Header[0];
                d.RecordLeft = BinaryPrimitives.ReadUInt16BigEndian(d.Header.AsSpan(3));
                if (d.RecordType is not (HandshakeRecord or ChangeCipherSpecRecord))
                {
                    // Encrypted records, an alert, or not TLS at all: no more plaintext hellos on this side.
                    Stop(d, fromClientSide);
                    return;
                }
                continue;
            }
            int n = Math.Min(d.RecordLeft, data.Length);
            if (d.RecordType == HandshakeRecord)
            {
                d.Append(data[..n]);
            }
            d.RecordLeft -= n;
            data = data[n..];
            if (d.RecordType == HandshakeRecord)
            {
                ReadMessages(d, fromClientSide);
            }
        }
    }

    private void ReadMessages(Direction d, bool fromClientSide)
    {
        while (!d.Stopped && !Done && d.Count >= 4)
        {
            ReadOnlySpan<byte> buffered = d.Buffer.AsSpan(0, d.Count);
            int length = (buffered[1] << 16) | (buffered[2] << 8) | buffered[3];
            if (length > MaxMessageLength)
            {
                Stop(d, fromClientSide);
                return;
            }
            if (d.Count < 4 + length)
            {
                return;
            }
            byte type = buffered[0];
            ReadOnlySpan<byte> body = buffered.Slice(4, length);
            if (fromClientSide)
            {
                if (type == ClientHelloMessage)
                {
                    ReadClientHello(body);
                }
                // The first ClientHello is all this side needs (a second one, after a HelloRetryRequest, keeps its session id).
                d.Release();
                return;
            }
            if (type != ServerHelloMessage)
            {
                Stop(d, fromClientSide);
                return;
            }
            ReadServerHello(body);
            if (!Done)
            {
                // A HelloRetryRequest: the real ServerHello follows.
                d.Consume(4 + length);
            }
        }
    }

    private void ReadClientHello(ReadOnlySpan<byte> body)
    {
        // legacy_version(2) random(32) legacy_session_id<0..32>
        if (body.Length < 35 || body[34] > 32 || body.Length < 35 + body[34])
        {
            return;
        }
        int length = body[34];
        body.Slice(35, length).CopyTo(clientSessionId);
        clientSessionIdLength = length;
    }

    private void ReadServerHello(ReadOnlySpan<byte> body)
    {
        // legacy_version(2) random(32) legacy_session_id_echo<0..32> cipher_suite(2) compression(1) extensions<0..2^16-1>
        if (body.Length < 35 || body[34] > 32 || body.Length < 35 + body[34] + 3)
        {
            Finish(false);
            return;
        }
        if (body.Slice(2, 32).SequenceEqual(HelloRetryRequestRandom))
        {
            // A HelloRetryRequest: the client sends a second ClientHello; the verdict is in the ServerHello after it.
            return;
        }
        ReadOnlySpan<byte> sessionId = body.Slice(35, body[34]);
        ReadOnlySpan<byte> rest = body[(35 + sessionId.Length + 3)..];
        bool tls13 = false;
        bool psk = false;
        if (rest.Length >= 2)
        {
            ReadOnlySpan<byte> extensions = rest[2..];
            int total = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(rest), extensions.Length);
            extensions = extensions[..total];
            while (extensions.Length >= 4)
            {
                ushort type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
                int size = BinaryPrimitives.ReadUInt16BigEndian(extensions[2..]);
                if (extensions.Length < 4 + size)
                {
                    break;
                }
                ReadOnlySpan<byte> value = extensions.Slice(4, size);
                if (type == SupportedVersionsExtension && size == 2)
                {
                    tls13 = BinaryPrimitives.ReadUInt16BigEndian(value) == Tls13Version;
                }
                else if (type == PreSharedKeyExtension)
                {
                    psk = true;
                }
                extensions = extensions[(4 + size)..];
            }
        }
        if (tls13)
        {
            Finish(psk);
            return;
        }
        Finish(sessionId.Length > 0 && clientSessionIdLength == sessionId.Length
            && sessionId.SequenceEqual(clientSessionId.AsSpan(0, clientSessionIdLength)));
    }

    // RFC 8446 4.1.3: the random a HelloRetryRequest carries (SHA-256 of "HelloRetryRequest").
    private static ReadOnlySpan<byte> HelloRetryRequestRandom =>
    [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ];

    private void Stop(Direction d, bool fromClientSide)
    {
        d.Stopped = true;
        if (!fromClientSide)
        {
            // The server's side went on without (another) ServerHello: a failed handshake, no resumption.
            Finish(false);
        }
    }

    private void Finish(bool resumed)
    {
        Resumed = resumed;
        Done = true;
        fromClient.Release();
        fromServer.Release();
    }

    // One direction's record framing and the handshake bytes gathered from its handshake records.
    private sealed class Direction
    {
        internal readonly byte[] Header = new byte[5];
        internal int HeaderCount;
        internal byte RecordType;
        internal int RecordLeft;
        internal bool Stopped;
        internal byte[] Buffer = [];
        internal int Count;

        internal void Append(ReadOnlySpan<byte> data)
        {
            if (Buffer.Length - Count < data.Length)
            {
                var grown = new byte[Math.Max(Math.Max(Buffer.Length * 2, 512), Count + data.Length)];
                Buffer.AsSpan(0, Count).CopyTo(grown);
                Buffer = grown;
            }
            data.CopyTo(Buffer.AsSpan(Count));
            Count += data.Length;
        }

        internal void Consume(int n)
        {
            Buffer.AsSpan(n, Count - n).CopyTo(Buffer);
            Count -= n;
        }

        internal void Release()
        {
            Stopped = true;
            Buffer = [];
            Count = 0;
        }
    }
}
