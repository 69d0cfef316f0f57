using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StatelessApp.DeployTests.Infrastructure;
using StatelessApp.Stack.Topology;

namespace StatelessApp.DeployTests;

/// <summary>
/// deploy/issue-certificates.sh: every node's certificate chains to the deployment CA (and only through it) and names
/// the node and the address it is reached at; the proxies' also the public names; keys are private; the key-ring
/// certificate is RSA and survives a re-run; an operator's CA signs instead of a generated one; rotation bundles.
/// </summary>
public sealed class CertificateScriptTests : IDisposable
{
    private const string Script = "deploy/issue-certificates.sh";
    private static readonly string[] ServerAndClient = ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"];
    private static readonly string[] ClientOnly = ["1.3.6.1.5.5.7.3.2"];

    private readonly string _folder = Directory.CreateTempSubdirectory("certificates-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static X509Certificate2 Load(string path) => X509CertificateLoader.LoadCertificateFromFile(path);

    /// <summary>The chain built with the given bundle as the only trust anchors, as the app and the tests trust the stack CA.</summary>
    private static bool Chains(X509Certificate2 certificate, string bundle)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(bundle);
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        return chain.Build(certificate);
    }

    private static IEnumerable<string> Names(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames().Concat(e.EnumerateIPAddresses().Select(a => a.ToString())));

    private static IEnumerable<string> Usages(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value!));

    [Fact]
    public async Task Every_node_that_speaks_TLS_gets_a_certificate_of_the_CA_naming_it_and_its_container_address()
    {
        var material = await DeploymentMaterial.GetAsync();
        var env = GeneratedComposeEnv.ReadEnvFile(material.EnvFile);
        var bundle = Path.Combine(material.Tls, "ca.crt");

        // The DNS server answers plain DNS; the exporters are clients of their own server only, which asks for no certificate;
        // the dashboard is the local stack's own, not a compose service.
        var nodes = Repository.Topology.Nodes
            .Where(n => n.Kind is not (NodeKind.Dns or NodeKind.RedisExporter or NodeKind.PostgresExporter or NodeKind.NginxExporter) && !n.Kind.IsLocalStackOnly())
            .ToList();
        Assert.Equal(nodes.Select(n => $"{n.Name}.crt").Order(StringComparer.Ordinal), Directory.GetFiles(Path.Combine(material.Tls, "nodes"), "*.crt").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var node in nodes)
        {
            using var certificate = Load(Path.Combine(material.Tls, "nodes", $"{node.Name}.crt"));
            Assert.True(Chains(certificate, bundle), $"{node.Name}.crt does not chain to the deployment CA");
            // The proxies also answer to the public names; every app also to APP_TLS_NAME, which the proxies check.
            string[] expected = node.Kind switch
            {
                NodeKind.Proxy => [node.Name, env["STACK_DOMAIN"], .. DeploymentMaterial.PublicNames, ContainerAddress.Of(node.Address).ToString()],
                NodeKind.App => [node.Name, env["APP_TLS_NAME"], ContainerAddress.Of(node.Address).ToString()],
                _ => [node.Name, ContainerAddress.Of(node.Address).ToString()],
            };
            Assert.Equal(expected.Order(StringComparer.Ordinal), Names(certificate).Order(StringComparer.Ordinal));
            Assert.Equal(ServerAndClient, Usages(certificate).Order(StringComparer.Ordinal));
            Assert.Equal("1.2.840.10045.2.1", certificate.PublicKey.Oid.Value); // ECDSA
        }
    }

    [Fact]
    public async Task Keys_are_readable_by_their_owner_only_and_the_etcd_users_get_client_certificates_named_after_them()
    {
        var material = await DeploymentMaterial.GetAsync();

        var keys = Directory.EnumerateFiles(material.Tls, "*.key", SearchOption.AllDirectories).Concat(Directory.EnumerateFiles(material.Tls, "*.pem", SearchOption.AllDirectories)).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key)));
        Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(Path.Combine(material.Tls, "ca.crt")), StringComparison.Ordinal);

        // Patroni's has no Common Name (etcd's gateway refuses one with authentication on, etcd-io/etcd#10366): it logs in
        // as its etcd user with its password.
        foreach (var (file, subject) in new[] { ("etcd-root", "CN=root"), ("patroni", "OU=patroni"), ("app", "CN=app") })
        {
            using var certificate = Load(Path.Combine(material.Tls, "clients", $"{file}.crt"));
            Assert.Equal(subject, certificate.Subject);
            Assert.Equal(ClientOnly, Usages(certificate));
            Assert.True(Chains(certificate, Path.Combine(material.Tls, "ca.crt")));
        }
    }

    [Fact]
    public async Task The_key_ring_certificate_is_RSA_can_encrypt_and_decrypt_and_a_rerun_keeps_it_unless_rotated()
    {
        var material = await DeploymentMaterial.GetAsync();
        var output = Path.Combine(_folder, "tls");
        CopyFolder(material.Tls, output);
        var keyring = Path.Combine(output, "keyring", "keyring.crt");
        var before = File.ReadAllText(keyring);

        using (var certificate = X509Certificate2.CreateFromPemFile(keyring, Path.Combine(output, "keyring", "keyring.key")))
        using (var rsa = certificate.GetRSAPrivateKey())
        {
            Assert.NotNull(rsa);
            Assert.True(rsa.KeySize >= 3072);
            var sealedKey = certificate.GetRSAPublicKey()!.Encrypt([1, 2, 3], RSAEncryptionPadding.OaepSHA256);
            Assert.Equal([1, 2, 3], rsa.Decrypt(sealedKey, RSAEncryptionPadding.OaepSHA256));
        }

        var rerun = await CommandLine.BashAsync(Script, ["--out", output, "--env", material.EnvFile], timeout: DeploymentMaterial.ScriptTimeout);
        Assert.True(rerun.Succeeded, rerun.ToString());
        Assert.Equal(before, File.ReadAllText(keyring));
        Assert.Equal(File.ReadAllText(Path.Combine(material.Tls, "ca-own.crt")), File.ReadAllText(Path.Combine(output, "ca-own.crt")));

        var rotated = await CommandLine.BashAsync(Script, ["--out", output, "--env", material.EnvFile, "--rotate-keyring"], timeout: DeploymentMaterial.ScriptTimeout);
        Assert.True(rotated.Succeeded, rotated.ToString());
        Assert.NotEqual(before, File.ReadAllText(keyring));
        var previous = Assert.Single(Directory.GetFiles(Path.Combine(output, "keyring"), "previous-*.crt"));
        Assert.Equal(before, File.ReadAllText(previous));
        Assert.True(File.Exists(Path.ChangeExtension(previous, ".key")));
    }

    [Fact]
    public async Task An_operators_CA_signs_its_key_stays_where_it_is_and_a_rotation_bundle_trusts_old_and_new()
    {
        var material = await DeploymentMaterial.GetAsync();
        var caKey = Path.Combine(_folder, "operator-ca.key");
        var caCert = Path.Combine(_folder, "operator-ca.crt");
        var made = await CommandLine.RunAsync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
            "-subj", "/CN=Operator CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", "-keyout", caKey, "-out", caCert]);
        Assert.True(made.Succeeded, made.ToString());
        var output = Path.Combine(_folder, "operator");
        CopyFolder(Path.Combine(material.Tls, "keyring"), Path.Combine(output, "keyring")); // no RSA key generation: kept

        var result = await CommandLine.BashAsync(Script,
            ["--out", output, "--env", material.EnvFile, "--ca-cert", caCert, "--ca-key", caKey, "--also-trust", Path.Combine(material.Tls, "ca-own.crt")],
            timeout: DeploymentMaterial.ScriptTimeout);

        Assert.True(result.Succeeded, result.ToString());
        Assert.False(File.Exists(Path.Combine(output, "ca.key")));
        Assert.DoesNotContain("PRIVATE KEY", result.Output, StringComparison.Ordinal);
        using var node = Load(Path.Combine(output, "nodes", "redis-a.crt"));
        using var oldNode = Load(Path.Combine(material.Tls, "nodes", "redis-a.crt"));
        Assert.Equal("CN=Operator CA", node.Issuer);
        Assert.True(Chains(node, Path.Combine(output, "ca.crt")));
        Assert.True(Chains(oldNode, Path.Combine(output, "ca.crt")), "the rotation bundle must still trust the old CA's certificates");
        Assert.False(Chains(oldNode, caCert));
    }

    [Theory]
    [InlineData(new[] { "--out", "x", "--ca-cert", "/etc/hostname" }, "--ca-cert and --ca-key go together")]
    [InlineData(new[] { "--out", "x", "--public-name", "bad name" }, "--public-name 'bad name' is neither a DNS name nor an IPv4 address")]
    [InlineData(new[] { "--out", "x", "--days", "soon" }, "--days 'soon' must be a whole number of days")]
    [InlineData(new string[0], "--out DIR is required")]
    public async Task Bad_arguments_are_refused_with_a_clear_message(string[] arguments, string message)
    {
        var result = await CommandLine.BashAsync(Script, arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
