using System.Text.Json;

namespace NodeHttp.Tests.Https;

/// <summary>
/// Node's own <c>https</c> as a test peer. Scripts get the test certificates as JavaScript constants (PEM strings, so
/// no key ever lands in a file): <c>CA</c>, <c>LOCALHOST_CERT</c>/<c>LOCALHOST_KEY</c>, <c>SELF_CERT</c>/<c>SELF_KEY</c>,
/// <c>OTHER_CERT</c>/<c>OTHER_KEY</c> (a leaf for <c>other.example</c>) and <c>CLIENT_CERT</c>/<c>CLIENT_KEY</c>.
/// </summary>
internal static class NodeHttpsPeer
{
    /// <summary>The certificate constants every script starts with.</summary>
    public static string Prelude =>
        "'use strict';\nconst fs = require('fs');\nconst https = require('https');\nconst tls = require('tls');\n"
        + Const("CA", TestCertificates.Ca.CertPem)
        + Const("LOCALHOST_CERT", TestCertificates.Localhost.CertPem)
        + Const("LOCALHOST_KEY", TestCertificates.Localhost.KeyPem)
        + Const("SELF_CERT", TestCertificates.SelfSigned.CertPem)
        + Const("SELF_KEY", TestCertificates.SelfSigned.KeyPem)
        + Const("OTHER_CERT", TestCertificates.OtherHost.CertPem)
        + Const("OTHER_KEY", TestCertificates.OtherHost.KeyPem)
        + Const("CLIENT_CERT", TestCertificates.Client.CertPem)
        + Const("CLIENT_KEY", TestCertificates.Client.KeyPem);

    /// <summary>
    /// Starts a Node https server: <paramref name="script"/> defines <c>server</c> (not listening yet) after the
    /// <see cref="Prelude"/>; the helper listens on 127.0.0.1:0 and waits for the port.
    /// </summary>
    public static Task<(NodePeer Peer, int Port)> StartServerAsync(string script) => NodeHttpPeer.StartServerAsync(Prelude + script);

    /// <summary>Runs a Node https client script (with <c>PORT</c> and the <see cref="Prelude"/>) to its exit; returns its stdout lines.</summary>
    public static Task<IReadOnlyList<string>> RunClientAsync(string script, int port) => NodeHttpPeer.RunClientAsync(Prelude + script, port);

    private static string Const(string name, string value) => "const " + name + " = " + JsonSerializer.Serialize(value) + ";\n";
}
