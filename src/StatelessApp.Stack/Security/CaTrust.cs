using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StatelessApp.Stack.Security;

/// <summary>
/// How a .NET client of the stack accepts a server's certificate: the name the TLS layer checked must match, and the
/// chain must end at the one CA given (the stack's), never at the machine's trust store and never "accept anything".
/// A callback rather than a shared <see cref="X509ChainPolicy"/>: every check builds its own chain, so concurrent
/// handshakes share no mutable state.
/// </summary>
public static class CaTrust
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>A validation callback trusting only the PEM certificate in <paramref name="caCertificateFile"/>.</summary>
    public static RemoteCertificateValidationCallback ServerValidator(string caCertificateFile)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caCertificateFile));
        return (_, certificate, _, errors) => IsTrusted(ca, certificate, errors);
    }

    /// <summary>
    /// TLS options of a client that trusts <paramref name="caCertificateFile"/> alone and presents
    /// <paramref name="clientCertificate"/>, if any (etcd and Patroni's REST API ask for one).
    /// </summary>
    public static SslClientAuthenticationOptions ClientOptions(string caCertificateFile, NodeCertificate? clientCertificate = null) => new()
    {
        RemoteCertificateValidationCallback = ServerValidator(caCertificateFile),
        ClientCertificates = clientCertificate is null
            ? null
            : [X509Certificate2.CreateFromPemFile(clientCertificate.CertificateFile, clientCertificate.KeyFile)],
    };

    /// <summary>
    /// True when <paramref name="certificate"/> names the host (no error besides the chain's, which is expected: the CA
    /// is in no system store) and chains to <paramref name="ca"/> as a server certificate.
    /// </summary>
    public static bool IsTrusted(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        // The CA publishes no revocation list: a leaked key is answered by rotating the CA (docs/local-stack.md).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
