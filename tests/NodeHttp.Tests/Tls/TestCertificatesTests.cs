using System.Security.Cryptography.X509Certificates;

namespace NodeHttp.Tests.Tls;

public class TestCertificatesTests
{
    private static X509ChainStatusFlags Verify(X509Certificate2 leaf, bool trustCa)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        if (trustCa)
        {
            chain.ChainPolicy.CustomTrustStore.Add(TestCertificates.Ca.PublicOnly);
        }
        chain.Build(leaf);
        X509ChainStatusFlags flags = X509ChainStatusFlags.NoError;
        foreach (X509ChainStatus s in chain.ChainStatus)
        {
            flags |= s.Status;
        }
        return flags;
    }

    [Fact]
    public void Leaves_signed_by_the_ca_verify_against_it_and_the_others_fail_as_meant()
    {
        Assert.Equal(X509ChainStatusFlags.NoError, Verify(TestCertificates.Localhost.Certificate, trustCa: true));
        Assert.Equal(X509ChainStatusFlags.NoError, Verify(TestCertificates.Client.Certificate, trustCa: true));
        Assert.NotEqual(X509ChainStatusFlags.NoError, Verify(TestCertificates.Localhost.Certificate, trustCa: false));
        Assert.True(Verify(TestCertificates.Expired.Certificate, trustCa: true).HasFlag(X509ChainStatusFlags.NotTimeValid));
        Assert.NotEqual(X509ChainStatusFlags.NoError, Verify(TestCertificates.SelfSigned.Certificate, trustCa: true));
    }

    [Fact]
    public void Every_form_holds_the_same_certificate_and_key()
    {
        TestCertificate leaf = TestCertificates.Localhost;
        Assert.True(leaf.Certificate.HasPrivateKey);
        using X509Certificate2 fromPem = X509Certificate2.CreateFromPem(leaf.CertPem, leaf.KeyPem);
        Assert.Equal(leaf.Certificate.Thumbprint, fromPem.Thumbprint);
        Assert.True(fromPem.HasPrivateKey);
        using X509Certificate2 fromPfx = X509CertificateLoader.LoadPkcs12(leaf.Pfx, TestCertificates.PfxPassphrase);
        Assert.Equal(leaf.Certificate.Thumbprint, fromPfx.Thumbprint);
        Assert.Same(leaf, TestCertificates.Localhost);
        Assert.Contains("localhost", leaf.Certificate.GetNameInfo(X509NameType.DnsName, false));
        Assert.True(leaf.Certificate.MatchesHostname("127.0.0.1"));
        Assert.False(TestCertificates.OtherHost.Certificate.MatchesHostname("localhost"));
    }
}
