namespace NodeHttp;

/// <summary>Event names of Node's <c>tls</c> module.</summary>
public static class TlsEvents
{
    /// <summary><c>'secureConnect'</c> (client socket): the handshake is done; <see cref="TlsSocket.Authorized"/> says whether the server verified.</summary>
    public const string SecureConnect = "secureConnect";

    /// <summary><c>'secure'</c> (any TLS socket): the handshake is done.</summary>
    public const string Secure = "secure";

    /// <summary><c>'secureConnection'</c>(TlsSocket) (server): a client finished its handshake.</summary>
    public const string SecureConnection = "secureConnection";

    /// <summary><c>'tlsClientError'</c>(Exception, TlsSocket) (server): a connection failed before it was secure.</summary>
    public const string TlsClientError = "tlsClientError";
}
