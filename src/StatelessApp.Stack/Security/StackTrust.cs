using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace StatelessApp.Stack.Security;

/// <summary>
/// How the controller's own clients (probes, etcd and Patroni calls) trust the stack's servers: the stack's CA alone,
/// never the machine's store and never "any certificate", the server's name checked as usual.
/// </summary>
public static class StackTrust
{
    /// <summary>TLS options that trust <paramref name="caCertificateFile"/> only and present <paramref name="client"/>, if any.</summary>
    public static SslClientAuthenticationOptions ClientOptions(string caCertificateFile, NodeCertificate? client)
    {
        var options = new SslClientAuthenticationOptions
        {
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(caCertificateFile)) },
                RevocationMode = X509RevocationMode.NoCheck,
            },
        };
        if (client is not null)
        {
            options.ClientCertificates = [X509Certificate2.CreateFromPemFile(client.CertificateFile, client.KeyFile)];
        }

        return options;
    }
}
