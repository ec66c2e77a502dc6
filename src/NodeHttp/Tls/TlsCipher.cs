namespace NodeHttp;

/// <summary>Node's <c>tlsSocket.getCipher()</c> result.</summary>
/// <param name="Name">The OpenSSL name (<c>"TLS_AES_256_GCM_SHA384"</c>, <c>"ECDHE-ECDSA-AES128-GCM-SHA256"</c>).</param>
/// <param name="StandardName">The IANA name (<c>"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"</c>).</param>
/// <param name="Version">The protocol version of the connection (<c>"TLSv1.3"</c>).</param>
public sealed record TlsCipher(string Name, string StandardName, string Version);
