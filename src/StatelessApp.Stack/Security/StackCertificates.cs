using System.Net.Security;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Security;

/// <summary>
/// The local stack's TLS material under .stack/tls: its own CA (made on the first start) and one certificate per node,
/// named for the node's address and name (and, for the proxies, the name clients resolve). Files are kept across
/// restarts; a node certificate is issued again only when it no longer fits (new address, other CA, near expiry).
/// Deleting the folder rotates everything at the next start.
/// </summary>
public sealed class StackCertificates
{
    private const string CaName = "StatelessApp local stack CA";

    // Reissued this long before expiry, so that a stack left running never meets an expired certificate.
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private readonly string _folder;
    private readonly TimeProvider _time;
    private readonly Lazy<CertificateAuthority> _authority;

    private StackCertificates(string folder, TimeProvider time)
    {
        _folder = folder;
        _time = time;
        _authority = new Lazy<CertificateAuthority>(LoadOrCreateAuthority);
    }

    /// <summary>The CA certificate (PEM) that every client of the stack trusts, and trusts alone.</summary>
    public string CaCertificateFile => Path.Combine(_folder, "ca.crt");

    private string CaKeyFile => Path.Combine(_folder, "ca.key");

    /// <summary>How the stack's .NET clients check a server: against this CA alone (<see cref="CaTrust"/>).</summary>
    public RemoteCertificateValidationCallback ServerValidator() => CaTrust.ServerValidator(CaCertificateFile);

    /// <summary>Makes the CA if there is none and a fitting certificate for every node of <paramref name="topology"/>.</summary>
    public static StackCertificates LoadOrCreate(StackPaths paths, StackTopology topology, TimeProvider? time = null)
    {
        var certificates = new StackCertificates(paths.Tls, time ?? TimeProvider.System);
        foreach (var node in topology.Nodes)
        {
            certificates.Issue(node.Name, [node.Address], NamesOf(node, topology), CertificateUse.Server | CertificateUse.Client);
        }

        return certificates;
    }

    /// <summary>The node's certificate: for its TLS server, and as its client certificate towards its peers.</summary>
    public NodeCertificate For(Node node) => FilesOf(node.Name);

    /// <summary>
    /// A client-only certificate without a Common Name (subject OU=<paramref name="name"/>), for clients of etcd's HTTP
    /// gateway (Patroni, the controller's probes): with client-cert-auth and authentication on, etcd refuses every /v3
    /// gateway request whose certificate carries a Common Name (etcd-io/etcd#10366); the client logs in as its etcd user.
    /// </summary>
    public NodeCertificate ClientWithoutCommonName(string name) =>
        Issue("client-ou-" + name, [], [name], CertificateUse.Client, subject: name, commonName: false);

    private NodeCertificate Issue(string fileName, IReadOnlyList<IPAddress> addresses, IReadOnlyList<string> dnsNames, CertificateUse use,
        string? subject = null, bool commonName = true)
    {
        var files = FilesOf(fileName);
        if (Fits(files, addresses, dnsNames))
        {
            return files;
        }

        using var issued = _authority.Value.Issue(subject ?? fileName, addresses, dnsNames, use, commonName);
        var certificatePem = issued.ExportCertificatePem() + "\n";
        var keyPem = issued.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n";
        FileModes.WritePrivate(files.KeyFile, keyPem);
        FileModes.WritePrivate(files.CombinedPemFile, certificatePem + keyPem);
        File.WriteAllText(files.CertificateFile, certificatePem);
        return files;
    }

    private NodeCertificate FilesOf(string name) =>
        new(Path.Combine(_folder, name + ".crt"), Path.Combine(_folder, name + ".key"), Path.Combine(_folder, name + ".pem"));

    // Proxies carry the name clients use; apps the one name the proxies check for the whole pool (APP_TLS_NAME).
    private static IReadOnlyList<string> NamesOf(Node node, StackTopology topology) => node.Kind switch
    {
        NodeKind.Proxy => [node.Name, topology.Domain],
        NodeKind.App => [node.Name, topology.AppTlsName],
        _ => [node.Name],
    };

    /// <summary>True when the saved certificate is signed by the current CA, names exactly these subjects and is not near expiry.</summary>
    private bool Fits(NodeCertificate files, IReadOnlyList<IPAddress> addresses, IReadOnlyList<string> dnsNames)
    {
        if (!File.Exists(files.CertificateFile) || !File.Exists(files.KeyFile) || !File.Exists(files.CombinedPemFile))
        {
            return false;
        }

        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(files.CertificateFile));
        if (certificate.NotAfter.ToUniversalTime() - RenewBefore < _time.GetUtcNow().UtcDateTime
            || !certificate.Issuer.Equals(_authority.Value.Root.Subject, StringComparison.Ordinal)
            || !IsSignedByAuthority(certificate))
        {
            return false;
        }

        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault();
        return names is not null
            && names.EnumerateIPAddresses().Order().SequenceEqual(addresses.Order())
            && names.EnumerateDnsNames().Order(StringComparer.Ordinal).SequenceEqual(dnsNames.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private bool IsSignedByAuthority(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority.Value.Root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        return chain.Build(certificate);
    }

    private CertificateAuthority LoadOrCreateAuthority()
    {
        if (File.Exists(CaCertificateFile) && File.Exists(CaKeyFile))
        {
            return CertificateAuthority.Load(CaCertificateFile, CaKeyFile, _time);
        }

        var authority = CertificateAuthority.Create(CaName, _time);
        FileModes.WritePrivate(CaKeyFile, authority.Root.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(CaCertificateFile, authority.Root.ExportCertificatePem() + "\n");
        return authority;
    }
}
