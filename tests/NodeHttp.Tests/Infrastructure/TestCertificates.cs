using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NodeHttp.Tests;

/// <summary>
/// Certificates for TLS tests, made at test time (ECDSA P-256) and cached for the run; no key is ever committed.
/// A test CA signs the leaves; <see cref="SelfSigned"/> signs itself. Every entry offers the certificate with its key,
/// PEM strings (as a Node user passes <c>cert</c>/<c>key</c>/<c>ca</c>) and PKCS#12 bytes (<c>pfx</c>).
/// </summary>
internal static class TestCertificates
{
    /// <summary>The passphrase of every <see cref="TestCertificate.Pfx"/>.</summary>
    public const string PfxPassphrase = "test-passphrase";

    private static readonly Lazy<TestCertificate> ca = new(MakeCa);
    private static readonly Lazy<TestCertificate> localhost = new(() => MakeLeaf("localhost", Ca, ServerUsage, ["localhost"], valid: true));
    private static readonly Lazy<TestCertificate> selfSigned = new(() => MakeLeaf("localhost", issuer: null, ServerUsage, ["localhost"], valid: true));
    private static readonly Lazy<TestCertificate> expired = new(() => MakeLeaf("localhost", Ca, ServerUsage, ["localhost"], valid: false));
    private static readonly Lazy<TestCertificate> otherHost = new(() => MakeLeaf("other.example", Ca, ServerUsage, ["other.example"], valid: true));
    private static readonly Lazy<TestCertificate> client = new(() => MakeLeaf("test client", Ca, ClientUsage, [], valid: true));

    private const string ServerUsage = "1.3.6.1.5.5.7.3.1";
    private const string ClientUsage = "1.3.6.1.5.5.7.3.2";

    /// <summary>The test certificate authority (self-signed, CA:true).</summary>
    public static TestCertificate Ca => ca.Value;

    /// <summary>A server leaf signed by <see cref="Ca"/> for <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>.</summary>
    public static TestCertificate Localhost => localhost.Value;

    /// <summary>A self-signed server leaf for <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>.</summary>
    public static TestCertificate SelfSigned => selfSigned.Value;

    /// <summary>A server leaf signed by <see cref="Ca"/> for localhost whose validity ended yesterday.</summary>
    public static TestCertificate Expired => expired.Value;

    /// <summary>A server leaf signed by <see cref="Ca"/> for <c>other.example</c> only.</summary>
    public static TestCertificate OtherHost => otherHost.Value;

    /// <summary>A client certificate (clientAuth) signed by <see cref="Ca"/>, subject <c>CN=test client</c>.</summary>
    public static TestCertificate Client => client.Value;

    private static TestCertificate MakeCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=NodeHttp Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 made = request.CreateSelfSigned(now.AddDays(-60), now.AddYears(5));
        return TestCertificate.From(made, key);
    }

    private static TestCertificate MakeLeaf(string commonName, TestCertificate? issuer, string usage, string[] dnsNames, bool valid)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (string name in dnsNames)
            {
                san.AddDnsName(name);
            }
            if (dnsNames.Contains("localhost"))
            {
                san.AddIpAddress(IPAddress.Loopback);
                san.AddIpAddress(IPAddress.IPv6Loopback);
            }
            request.CertificateExtensions.Add(san.Build());
        }
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        DateTimeOffset notBefore = valid ? now.AddDays(-1) : now.AddDays(-30);
        DateTimeOffset notAfter = valid ? now.AddYears(1) : now.AddDays(-1);
        if (issuer is null)
        {
            using X509Certificate2 self = request.CreateSelfSigned(notBefore, notAfter);
            return TestCertificate.From(self, key);
        }
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false));
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using X509Certificate2 signed = request.Create(issuer.Certificate, notBefore, notAfter, serial);
        using X509Certificate2 withKey = signed.CopyWithPrivateKey(key);
        return TestCertificate.From(withKey, key);
    }
}

/// <summary>One test certificate in the forms a TLS user passes it.</summary>
internal sealed class TestCertificate
{
    private TestCertificate(X509Certificate2 certificate, string certPem, string keyPem, byte[] pfx)
    {
        Certificate = certificate;
        CertPem = certPem;
        KeyPem = keyPem;
        Pfx = pfx;
    }

    /// <summary>The certificate with its private key (loaded from PKCS#12, so a Linux server can use the key).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as PEM (<c>-----BEGIN CERTIFICATE-----</c>).</summary>
    public string CertPem { get; }

    /// <summary>The private key as PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>).</summary>
    public string KeyPem { get; }

    /// <summary>The certificate and key as PKCS#12, protected by <see cref="TestCertificates.PfxPassphrase"/>.</summary>
    public byte[] Pfx { get; }

    /// <summary>The certificate only (no key), as a peer sees it.</summary>
    public X509Certificate2 PublicOnly => X509CertificateLoader.LoadCertificate(Certificate.RawData);

    internal static TestCertificate From(X509Certificate2 made, ECDsa key)
    {
        X509Certificate2 withKey = made.HasPrivateKey ? made : made.CopyWithPrivateKey(key);
        byte[] pfx = withKey.Export(X509ContentType.Pkcs12, TestCertificates.PfxPassphrase);
        X509Certificate2 loaded = X509CertificateLoader.LoadPkcs12(pfx, TestCertificates.PfxPassphrase, X509KeyStorageFlags.Exportable);
        if (!ReferenceEquals(withKey, made))
        {
            withKey.Dispose();
        }
        return new TestCertificate(loaded, made.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), pfx);
    }
}
