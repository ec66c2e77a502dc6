using System.Net.Security;

namespace NodeHttp;

/// <summary>Cipher suite names: the IANA names .NET reports and the OpenSSL names Node uses, and Node's <c>ciphers</c> string.</summary>
internal static class TlsCiphers
{
    /// <summary>
    /// The OpenSSL name of <paramref name="suite"/>: TLS 1.3 suites keep the IANA name; the others drop <c>TLS_</c> and
    /// <c>_WITH</c>, join with dashes and write AES key sizes closed up (<c>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</c> →
    /// <c>ECDHE-RSA-AES128-GCM-SHA256</c>), which is OpenSSL's spelling for the ECDHE/DHE AEAD suites TLS 1.2 uses today.
    /// </summary>
    internal static string OpenSslName(TlsCipherSuite suite)
    {
        string iana = suite.ToString();
        int with = iana.IndexOf("_WITH_", StringComparison.Ordinal);
        if (with < 0)
        {
            return iana;
        }
        string kx = iana[4..with];
        string cipher = iana[(with + 6)..]
            .Replace("AES_128", "AES128", StringComparison.Ordinal)
            .Replace("AES_256", "AES256", StringComparison.Ordinal)
            .Replace("CHACHA20_POLY1305_SHA256", "CHACHA20_POLY1305", StringComparison.Ordinal);
        if (kx == "RSA")
        {
            // OpenSSL names plain-RSA suites by the cipher alone (AES128-GCM-SHA256).
            return cipher.Replace('_', '-');
        }
        return (kx + "-" + cipher).Replace('_', '-');
    }

    /// <summary>Node's <c>ciphers</c> string as a policy; null when not given.</summary>
    internal static CipherSuitesPolicy? Policy(string? ciphers)
    {
        if (string.IsNullOrWhiteSpace(ciphers))
        {
            return null;
        }
        var wanted = new List<TlsCipherSuite>();
        foreach (string raw in ciphers.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (TlsCipherSuite suite in Enum.GetValues<TlsCipherSuite>())
            {
                if ((string.Equals(raw, suite.ToString(), StringComparison.OrdinalIgnoreCase)
                    || string.Equals(raw, OpenSslName(suite), StringComparison.OrdinalIgnoreCase)) && !wanted.Contains(suite))
                {
                    wanted.Add(suite);
                }
            }
        }
        if (wanted.Count == 0)
        {
            throw ErrorCodes.Create("ERR_SSL_NO_CIPHER_MATCH");
        }
        if (OperatingSystem.IsWindows() || OperatingSystem.IsAndroid() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS() || OperatingSystem.IsBrowser())
        {
            throw ErrorCodes.Create("ERR_TLS_CIPHERS_UNSUPPORTED");
        }
        return new CipherSuitesPolicy(wanted);
    }
}
