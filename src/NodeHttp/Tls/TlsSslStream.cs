using System.Net.Security;

namespace NodeHttp;

/// <summary>An <see cref="SslStream"/> that knows its transport, so callbacks shared by every connection find their connection.</summary>
internal sealed class TlsSslStream : SslStream
{
    internal TlsSslStream(CiphertextStream wire, TlsTransport transport)
        : base(wire, leaveInnerStreamOpen: true)
    {
        Transport = transport;
    }

    internal TlsTransport Transport { get; }
}
