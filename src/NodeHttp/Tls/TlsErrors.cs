using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace NodeHttp;

/// <summary>
/// TLS failures as Node reports them: a peer certificate's verification result as OpenSSL's verify codes
/// (<c>DEPTH_ZERO_SELF_SIGNED_CERT</c>, …), and a failed handshake or record as <c>ERR_SSL_*</c> (OpenSSL's reason,
/// upper-cased) or <c>ECONNRESET</c>.
/// </summary>
internal static class TlsErrors
{
    private static readonly Regex OpenSslReasonPattern = new(@"SSL routines:[A-Za-z0-9_]*:([A-Za-z0-9 _\-]+)", RegexOptions.CultureInvariant);

    private static readonly Dictionary<string, string> VerifyMessages = new(StringComparer.Ordinal)
    {
        ["DEPTH_ZERO_SELF_SIGNED_CERT"] = "self-signed certificate",
        ["SELF_SIGNED_CERT_IN_CHAIN"] = "self-signed certificate in certificate chain",
        ["UNABLE_TO_VERIFY_LEAF_SIGNATURE"] = "unable to verify the first certificate",
        ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY"] = "unable to get local issuer certificate",
        ["UNABLE_TO_GET_ISSUER_CERT"] = "unable to get issuer certificate",
        ["CERT_HAS_EXPIRED"] = "certificate has expired",
        ["CERT_NOT_YET_VALID"] = "certificate is not yet valid",
        ["CERT_REVOKED"] = "certificate revoked",
        ["CERT_SIGNATURE_FAILURE"] = "certificate signature failure",
        ["INVALID_CA"] = "invalid CA certificate",
        ["UNSPECIFIED"] = "unspecified certificate verification error",
        ["INVALID_PURPOSE"] = "unsupported certificate purpose",
        ["CERT_UNTRUSTED"] = "certificate not trusted",
        ["CERT_REJECTED"] = "certificate rejected",
    };

    /// <summary>The error for OpenSSL verify code <paramref name="code"/>, with OpenSSL's text as Node shows it.</summary>
    internal static NodeHttpException Verify(string code) =>
        new(code, VerifyMessages.TryGetValue(code, out string? message) ? message : code.ToLowerInvariant().Replace('_', ' '));

    /// <summary>
    /// The verify code OpenSSL would give the chain .NET built, or null when it verified. The checks go as OpenSSL's
    /// order: the chain to a trusted root first (self-signed leaf, untrusted root in the chain, missing issuer), then
    /// validity dates, then the rest.
    /// </summary>
    internal static string? VerifyCode(X509Chain? chain, SslPolicyErrors errors)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "UNABLE_TO_GET_ISSUER_CERT";
        }
        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0)
        {
            return null;
        }
        if (chain is null || chain.ChainElements.Count == 0)
        {
            return "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
        }
        X509ChainStatusFlags all = X509ChainStatusFlags.NoError;
        foreach (X509ChainStatus s in chain.ChainStatus)
        {
            all |= s.Status;
        }
        int count = chain.ChainElements.Count;
        X509Certificate2 leaf = chain.ChainElements[0].Certificate;
        bool selfIssued = leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData);
        if ((all & X509ChainStatusFlags.PartialChain) != 0)
        {
            if (count == 1)
            {
                return selfIssued ? "DEPTH_ZERO_SELF_SIGNED_CERT" : "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
            }
            return "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
        }
        if ((all & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.ExplicitDistrust)) != 0)
        {
            return count == 1 ? "DEPTH_ZERO_SELF_SIGNED_CERT" : "SELF_SIGNED_CERT_IN_CHAIN";
        }
        if ((all & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            foreach (X509ChainElement e in chain.ChainElements)
            {
                if (e.Certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow)
                {
                    return "CERT_HAS_EXPIRED";
                }
            }
            return "CERT_NOT_YET_VALID";
        }
        if ((all & X509ChainStatusFlags.Revoked) != 0)
        {
            return "CERT_REVOKED";
        }
        if ((all & X509ChainStatusFlags.NotSignatureValid) != 0)
        {
            return "CERT_SIGNATURE_FAILURE";
        }
        if ((all & X509ChainStatusFlags.InvalidBasicConstraints) != 0)
        {
            return IssuerNotACa(chain);
        }
        if ((all & (X509ChainStatusFlags.NotValidForUsage | X509ChainStatusFlags.InvalidExtension)) != 0)
        {
            return "INVALID_PURPOSE";
        }
        return "CERT_UNTRUSTED";
    }

    // An issuer in the chain is not a CA. OpenSSL looks at an issuer's purpose before its CA flag: one that says CA:false
    // yet may sign certificates fails the purpose check; one that may not sign them is never taken as an issuer, which
    // OpenSSL 3.0 reports as unspecified; one without basic constraints is an invalid CA.
    private static string IssuerNotACa(X509Chain chain)
    {
        for (int i = 1; i < chain.ChainElements.Count; i++)
        {
            X509BasicConstraintsExtension? constraints = null;
            X509KeyUsageExtension? usage = null;
            foreach (X509Extension ext in chain.ChainElements[i].Certificate.Extensions)
            {
                if (ext is X509BasicConstraintsExtension b)
                {
                    constraints = b;
                }
                else if (ext is X509KeyUsageExtension u)
                {
                    usage = u;
                }
            }
            if (constraints is null)
            {
                return "INVALID_CA";
            }
            if (!constraints.CertificateAuthority)
            {
                return usage is null || (usage.KeyUsages & X509KeyUsageFlags.KeyCertSign) != 0 ? "INVALID_PURPOSE" : "UNSPECIFIED";
            }
        }
        return "INVALID_CA";
    }

    /// <summary>Node's <c>ERR_TLS_CERT_ALTNAME_INVALID</c> for a certificate that does not name <paramref name="host"/>.</summary>
    internal static NodeHttpException AltNameInvalid(string host, X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (X509Extension ext in certificate.Extensions)
        {
            if (ext is X509SubjectAlternativeNameExtension san)
            {
                foreach (string dns in san.EnumerateDnsNames())
                {
                    names.Add("DNS:" + dns);
                }
                foreach (System.Net.IPAddress ip in san.EnumerateIPAddresses())
                {
                    names.Add("IP Address:" + ip);
                }
            }
        }
        bool isIp = System.Net.IPAddress.TryParse(host, out _);
        string reason = (isIp ? "IP: " : "Host: ") + host + ". is not in the cert's altnames: " + string.Join(", ", names);
        NodeHttpException error = ErrorCodes.Create("ERR_TLS_CERT_ALTNAME_INVALID", reason);
        return new NodeHttpException(error.Code, error.Message) { Reason = reason };
    }

    /// <summary>A failed handshake or record (an exception from SslStream) as Node's error.</summary>
    internal static NodeHttpException FromException(Exception ex, bool handshake, ReadOnlySpan<byte> received = default)
    {
        if (ex is NodeHttpException node)
        {
            return node;
        }
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            Match m = OpenSslReasonPattern.Match(e.Message);
            if (m.Success)
            {
                string reason = m.Groups[1].Value.Trim();
                string code = "ERR_SSL_" + reason.ToUpperInvariant().Replace(' ', '_').Replace('-', '_');
                return new NodeHttpException(code, e.Message.Trim(), ex) { Reason = reason };
            }
        }
        if (handshake && received.Length > 0 && received[0] != 0x16)
        {
            // Not a TLS handshake record: OpenSSL's verdicts on what came instead.
            bool http = received.Length >= 4 && received[0] is >= (byte)'A' and <= (byte)'Z' && received[1] is >= (byte)'A' and <= (byte)'Z'
                && received[2] is >= (byte)'A' and <= (byte)'Z';
            return http
                ? new NodeHttpException("ERR_SSL_HTTP_REQUEST", "SSL routines::http request", ex) { Reason = "http request" }
                : new NodeHttpException("ERR_SSL_WRONG_VERSION_NUMBER", "SSL routines::wrong version number", ex) { Reason = "wrong version number" };
        }
        if (handshake)
        {
            // The peer closed (or reset) before the handshake was done: Node's wording for it.
            return new NodeHttpException("ECONNRESET", "Client network socket disconnected before secure TLS connection was established", ex)
            {
                Syscall = null,
            };
        }
        if (ex is AuthenticationException or IOException)
        {
            return new NodeHttpException("EPROTO", ex.Message, ex);
        }
        return new NodeHttpException("EPROTO", ex.Message, ex);
    }
}
