using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StatelessApp.Hosting.Tls;

/// <summary>
/// Trusts the certificates one CA issued, and nothing else: a server certificate passes when it names the host the
/// client dialled and chains to that CA (<see cref="X509ChainTrustMode.CustomRootTrust"/>; the machine's store plays no
/// part, so a certificate from a public CA is refused too). For the app's links to servers of a private CA (Redis and
/// its Sentinels).
/// </summary>
public sealed class CertificateAuthorityTrust
{
    private readonly X509Certificate2 _authority;

    private CertificateAuthorityTrust(X509Certificate2 authority) => _authority = authority;

    /// <summary>Loads the CA certificate (PEM or DER).</summary>
    /// <exception cref="CryptographicException">The file holds no certificate.</exception>
    public static CertificateAuthorityTrust Load(string caCertificatePath) =>
        new(X509CertificateLoader.LoadCertificateFromFile(caCertificatePath));

    /// <summary>A validation callback for <see cref="SslStream"/> and the clients that take one.</summary>
    public RemoteCertificateValidationCallback Callback => (_, certificate, _, errors) => Validates(certificate, errors);

    /// <summary>
    /// True when <paramref name="certificate"/> chains to the CA. <paramref name="errors"/> is what the platform found:
    /// a name mismatch or a missing certificate fails, an untrusted chain does not (the platform checked it against
    /// the machine's store, not this CA).
    /// </summary>
    public bool Validates(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority);
        // A private CA publishes no revocation list; a compromised node certificate is replaced by rotating the CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 full)
        {
            return chain.Build(full);
        }

        using var converted = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(converted);
    }
}
