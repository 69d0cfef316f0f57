using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace StatelessApp.TestKit.Tls;

/// <summary>
/// The tests' side of "trust the stack's CA and nothing else": a server certificate passes when it names the host
/// dialled and chains to the given CA (<see cref="X509ChainTrustMode.CustomRootTrust"/>, the machine's store unused).
/// </summary>
public static class TrustedCa
{
    /// <summary>A validation callback for <see cref="SslStream"/> and StackExchange.Redis's CertificateValidation.</summary>
    public static RemoteCertificateValidationCallback Callback(string caCertificateFile)
    {
        var authority = X509CertificateLoader.LoadCertificateFromFile(caCertificateFile);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(presented);
        };
    }
}
