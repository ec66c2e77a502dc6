using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NodeHttp;

/// <summary>
/// Node's <c>SecureContext</c> (<see cref="Tls.CreateSecureContext"/>): the certificates, trust anchors, versions,
/// ciphers and ALPN list of <see cref="TlsOptions"/>, loaded once and shared by every connection that uses it.
/// </summary>
public sealed class SecureContext
{
    private static readonly ConditionalWeakTable<TlsOptions, SecureContext> Cache = new();

    private SslServerAuthenticationOptions? serverOptions;
    private bool serverRequestCert;

    internal SecureContext(TlsOptions options)
    {
        (CertificateContext, Certificate) = LoadCertificate(options);
        Trusted = LoadTrusted(options);
        Protocols = ParseVersions(options.MinVersion, options.MaxVersion);
        CipherSuites = TlsCiphers.Policy(options.Ciphers);
        if (options.AlpnProtocols is { Count: > 0 } alpn)
        {
            Alpn = new List<SslApplicationProtocol>(alpn.Count);
            foreach (string p in alpn)
            {
                Alpn.Add(new SslApplicationProtocol(p));
            }
        }
    }

    /// <summary>This side's certificate with its chain, ready for the handshake; null when none was given.</summary>
    internal SslStreamCertificateContext? CertificateContext { get; }

    /// <summary>This side's leaf certificate; null when none was given.</summary>
    internal X509Certificate2? Certificate { get; }

    /// <summary>The roots that replace the system's (Node's <c>ca</c>); null: the system's.</summary>
    internal X509Certificate2Collection? Trusted { get; }

    internal SslProtocols Protocols { get; }

    internal CipherSuitesPolicy? CipherSuites { get; }

    internal List<SslApplicationProtocol>? Alpn { get; }

    /// <summary>The context made from <paramref name="options"/>, made on first use and kept as long as the options live.</summary>
    internal static SecureContext For(TlsOptions options) => Cache.GetValue(options, static o => new SecureContext(o));

    /// <summary>The chain policy a peer's certificate is verified under (a copy per handshake: .NET may keep it).</summary>
    internal X509ChainPolicy NewChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            RevocationMode = X509RevocationMode.NoCheck,
            // As OpenSSL in Node: the chain is built from what the peer sent and the trust store, nothing is fetched.
            DisableCertificateDownloads = true,
        };
        if (Trusted is not null)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(Trusted);
        }
        return policy;
    }

    /// <summary>The server side's authentication options, made once per context (the callbacks find their socket through the stream).</summary>
    internal SslServerAuthenticationOptions ServerOptions(bool requestCert)
    {
        if (serverOptions is { } made && serverRequestCert == requestCert)
        {
            return made;
        }
        if (CertificateContext is null)
        {
            throw ErrorCodes.Create("ERR_TLS_NO_CERTIFICATE");
        }
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = CertificateContext,
            EnabledSslProtocols = Protocols,
            CipherSuitesPolicy = CipherSuites,
            ApplicationProtocols = Alpn,
            ClientCertificateRequired = requestCert,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = requestCert ? NewChainPolicy() : null,
            RemoteCertificateValidationCallback = TlsTransport.ValidateCallback,
            AllowRenegotiation = false,
        };
        serverRequestCert = requestCert;
        serverOptions = options;
        return options;
    }

    private static (SslStreamCertificateContext?, X509Certificate2?) LoadCertificate(TlsOptions options)
    {
        X509Certificate2? leaf = null;
        var chain = new X509Certificate2Collection();
        if (options.Certificate is { } given)
        {
            leaf = given;
        }
        else if (options.Pfx is { } pfx)
        {
            X509Certificate2Collection all = X509CertificateLoader.LoadPkcs12Collection(pfx, options.Passphrase);
            foreach (X509Certificate2 c in all)
            {
                if (leaf is null && c.HasPrivateKey)
                {
                    leaf = c;
                }
                else
                {
                    chain.Add(c);
                }
            }
            if (leaf is null)
            {
                throw ErrorCodes.Create("ERR_TLS_NO_CERTIFICATE");
            }
        }
        else if (options.Cert is { } certPem)
        {
            if (options.Key is not { } keyPem)
            {
                throw ErrorCodes.Create("ERR_TLS_KEY_MISSING");
            }
            X509Certificate2 withKey;
            try
            {
                withKey = options.Passphrase is { } pass
                    ? X509Certificate2.CreateFromEncryptedPem(certPem, keyPem, pass)
                    : X509Certificate2.CreateFromPem(certPem, keyPem);
            }
            catch (CryptographicException ex)
            {
                throw new NodeHttpException("ERR_OSSL_PEM_BAD_KEY", "The certificate or key could not be read: " + ex.Message, ex);
            }
            // A key made from PEM is ephemeral; a PKCS#12 round trip gives one every platform's TLS can use.
            using (withKey)
            {
                leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
            }
            var all = new X509Certificate2Collection();
            all.ImportFromPem(certPem);
            for (int i = 1; i < all.Count; i++)
            {
                chain.Add(all[i]);
            }
        }
        if (leaf is null)
        {
            return (null, null);
        }
        return (SslStreamCertificateContext.Create(leaf, chain, offline: true), leaf);
    }

    private static X509Certificate2Collection? LoadTrusted(TlsOptions options)
    {
        if (options.Ca is null && options.CaCertificates is null)
        {
            return null;
        }
        var trusted = new X509Certificate2Collection();
        if (options.Ca is { } pem)
        {
            trusted.ImportFromPem(pem);
        }
        if (options.CaCertificates is { } certs)
        {
            trusted.AddRange(certs);
        }
        return trusted;
    }

    private static SslProtocols ParseVersions(string? min, string? max)
    {
        int lo = VersionIndex(min ?? "TLSv1.2", "minVersion");
        int hi = VersionIndex(max ?? "TLSv1.3", "maxVersion");
        SslProtocols result = SslProtocols.None;
        for (int i = lo; i <= hi; i++)
        {
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 only when asked for, as Node allows them by option
            result |= i switch
            {
                0 => SslProtocols.Tls,
                1 => SslProtocols.Tls11,
                2 => SslProtocols.Tls12,
                _ => SslProtocols.Tls13,
            };
#pragma warning restore SYSLIB0039
        }
        if (result == SslProtocols.None)
        {
            throw ErrorCodes.Create("ERR_TLS_PROTOCOL_VERSION_CONFLICT", max, min);
        }
        return result;
    }

    private static int VersionIndex(string version, string which) => version switch
    {
        "TLSv1" => 0,
        "TLSv1.1" => 1,
        "TLSv1.2" => 2,
        "TLSv1.3" => 3,
        _ => throw ErrorCodes.Create("ERR_TLS_INVALID_PROTOCOL_VERSION", version, which),
    };
}
