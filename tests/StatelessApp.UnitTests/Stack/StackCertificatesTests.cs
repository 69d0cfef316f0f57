using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using StatelessApp.Stack;
using StatelessApp.Stack.Security;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

/// <summary>The local stack's CA and node certificates: right names, private keys, kept across starts, reissued when they no longer fit.</summary>
public sealed class StackCertificatesTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("stack-certificates-").FullName;
    private readonly StackPaths _paths;
    private readonly StackTopology _topology;

    public StackCertificatesTests()
    {
        _paths = new StackPaths(StackPaths.FindRepositoryRoot(), _state);
        _topology = StackTopology.Load(_paths.TopologyFile);
    }

    [Fact]
    public void Every_node_gets_a_certificate_for_its_address_and_name_signed_by_the_stack_ca()
    {
        var certificates = StackCertificates.LoadOrCreate(_paths, _topology);
        using var ca = Load(certificates.CaCertificateFile);

        foreach (var node in _topology.Nodes)
        {
            using var certificate = Load(certificates.For(node).CertificateFile);
            var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Equal([node.Address], names.EnumerateIPAddresses());
            Assert.Contains(node.Name, names.EnumerateDnsNames());
            Assert.True(ChainsTo(ca, certificate), $"{node.Name}'s certificate does not chain to the stack CA");
        }
    }

    [Fact]
    public void Proxies_are_also_named_for_the_domain_clients_resolve()
    {
        var certificates = StackCertificates.LoadOrCreate(_paths, _topology);
        var proxy = _topology.NodeOf(NodeKind.Proxy, "a");
        using var certificate = Load(certificates.For(proxy).CertificateFile);

        Assert.Contains(_topology.Domain, certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Private_keys_are_readable_by_their_owner_only()
    {
        var certificates = StackCertificates.LoadOrCreate(_paths, _topology);
        var node = certificates.For(_topology.NodeOf(NodeKind.Redis, "a"));

        foreach (var file in new[] { node.KeyFile, node.CombinedPemFile, Path.Combine(_paths.Tls, "ca.key") })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void A_second_start_keeps_the_ca_and_the_node_certificates()
    {
        var node = _topology.NodeOf(NodeKind.Etcd, "w");
        var first = StackCertificates.LoadOrCreate(_paths, _topology);
        var before = (File.ReadAllText(first.CaCertificateFile), File.ReadAllText(first.For(node).CertificateFile));

        var second = StackCertificates.LoadOrCreate(_paths, _topology);

        Assert.Equal(before, (File.ReadAllText(second.CaCertificateFile), File.ReadAllText(second.For(node).CertificateFile)));
    }

    [Fact]
    public void A_node_that_moved_to_another_address_gets_a_new_certificate()
    {
        StackCertificates.LoadOrCreate(_paths, _topology);
        var moved = StackTopology.LoadOnMovedRange(_paths.TopologyFile, secondOctetOffset: 150);

        var certificates = StackCertificates.LoadOrCreate(_paths, moved);

        var node = moved.NodeOf(NodeKind.Postgres, "b");
        using var certificate = Load(certificates.For(node).CertificateFile);
        Assert.Equal([node.Address], certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
    }

    [Fact]
    public void A_certificate_near_its_expiry_is_issued_again_under_the_same_ca()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var node = _topology.NodeOf(NodeKind.App, "a");
        var first = StackCertificates.LoadOrCreate(_paths, _topology, time);
        var ca = File.ReadAllText(first.CaCertificateFile);
        var old = File.ReadAllText(first.For(node).CertificateFile);

        time.Advance(TimeSpan.FromDays(380));
        var renewed = StackCertificates.LoadOrCreate(_paths, _topology, time);

        Assert.Equal(ca, File.ReadAllText(renewed.CaCertificateFile));
        Assert.NotEqual(old, File.ReadAllText(renewed.For(node).CertificateFile));
    }

    [Fact]
    public void Certificates_of_a_deleted_ca_are_replaced_by_ones_of_the_new_ca()
    {
        var node = _topology.NodeOf(NodeKind.Sentinel, "b");
        StackCertificates.LoadOrCreate(_paths, _topology);
        File.Delete(Path.Combine(_paths.Tls, "ca.crt"));
        File.Delete(Path.Combine(_paths.Tls, "ca.key"));

        var certificates = StackCertificates.LoadOrCreate(_paths, _topology);

        using var ca = Load(certificates.CaCertificateFile);
        using var certificate = Load(certificates.For(node).CertificateFile);
        Assert.True(ChainsTo(ca, certificate));
    }

    [Fact]
    public async Task A_tls_client_trusting_only_the_stack_ca_accepts_a_node_by_its_address_and_refuses_a_wrong_name()
    {
        var certificates = StackCertificates.LoadOrCreate(_paths, _topology);
        var node = certificates.For(_topology.NodeOf(NodeKind.Redis, "a"));
        using var ca = Load(certificates.CaCertificateFile);
        using var server = X509Certificate2.CreateFromPemFile(node.CertificateFile, node.KeyFile);

        var address = _topology.NodeOf(NodeKind.Redis, "a").Address.ToString();
        await HandshakeAsync(server, ca, targetHost: address);
        await Assert.ThrowsAsync<AuthenticationException>(() => HandshakeAsync(server, ca, targetHost: "redis-b"));
    }

    [Fact]
    public async Task The_controllers_client_certificate_without_a_common_name_is_accepted_by_a_server_that_requires_one()
    {
        var certificates = StackCertificates.LoadOrCreate(_paths, _topology);
        var node = certificates.For(_topology.NodeOf(NodeKind.Etcd, "a"));
        var client = certificates.ClientWithoutCommonName("stack");
        using var ca = Load(certificates.CaCertificateFile);
        using var server = X509Certificate2.CreateFromPemFile(node.CertificateFile, node.KeyFile);
        using var clientCertificate = X509Certificate2.CreateFromPemFile(client.CertificateFile, client.KeyFile);

        var seen = await HandshakeAsync(server, ca, targetHost: "etcd-a", clientCertificate);

        Assert.Equal("OU=stack", seen?.Subject);
    }

    /// <summary>A TLS 1.3 handshake over loopback; both sides trust the stack CA alone. Returns the client certificate the server saw.</summary>
    private static async Task<X509Certificate2?> HandshakeAsync(X509Certificate2 serverCertificate, X509Certificate2 ca, string targetHost, X509Certificate2? clientCertificate = null)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var clientSocket = new TcpClient();
        var connect = clientSocket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var serverSocket = await listener.AcceptTcpClientAsync();
        await connect;

        await using var serverStream = new SslStream(serverSocket.GetStream());
        await using var clientStream = new SslStream(clientSocket.GetStream());
        var serverSide = serverStream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = serverCertificate,
            ClientCertificateRequired = clientCertificate is not null,
            CertificateChainPolicy = TrustOnly(ca),
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => clientCertificate is null || errors == SslPolicyErrors.None,
        });
        var clientSide = clientStream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            CertificateChainPolicy = TrustOnly(ca),
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
        });
        try
        {
            await clientSide;
        }
        finally
        {
            // The server side fails too when the client refuses; only the client's verdict matters here.
            await serverSide.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return serverStream.RemoteCertificate is { } seen ? new X509Certificate2(seen) : null;
    }

    private static X509Certificate2 Load(string certificateFile) => X509Certificate2.CreateFromPem(File.ReadAllText(certificateFile));

    private static X509ChainPolicy TrustOnly(X509Certificate2 ca)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(ca);
        return policy;
    }

    private static bool ChainsTo(X509Certificate2 ca, X509Certificate2 certificate)
    {
        using var chain = new X509Chain { ChainPolicy = TrustOnly(ca) };
        return chain.Build(certificate);
    }

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
