using StatelessApp.Stack;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

/// <summary>What the controller gives a Patroni node on top of deploy/patroni/patroni.yml, with TLS on and off.</summary>
public sealed class PatroniServerTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("stack-patroni-server-").FullName;
    private readonly StackPaths _paths;
    private readonly StackTopology _topology;

    public PatroniServerTests()
    {
        _paths = new StackPaths(StackPaths.FindRepositoryRoot(), _state);
        _topology = StackTopology.Load(_paths.TopologyFile);
    }

    private string SharedConfig => File.ReadAllText(Path.Combine(_paths.Deploy, "patroni", "patroni.yml"));

    [Fact]
    public void The_shared_config_lets_nothing_in_over_plaintext_and_the_superuser_in_through_the_socket_only()
    {
        var hba = SharedConfig.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- local ", StringComparison.Ordinal) || l.StartsWith("- host", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(hba);
        Assert.All(hba.Where(l => l.StartsWith("- host", StringComparison.Ordinal)), l => Assert.StartsWith("- hostssl ", l, StringComparison.Ordinal));
        Assert.DoesNotContain(hba, l => l.StartsWith("- hostssl", StringComparison.Ordinal) && l.Split(' ')[3].Split(',').Contains("postgres"));
        Assert.Contains("- local all postgres scram-sha-256", hba);
    }

    [Fact]
    public void With_TLS_a_node_gets_only_its_own_socket_folder_and_TLS_on_every_link()
    {
        using var context = Context(tls: true);
        var node = _topology.Node("pg-a");

        var config = PatroniServer.NodeConfiguration(node, context, SharedConfig);
        var environment = new PatroniServer().Launch(node, context).Environment;

        Assert.Contains($"unix_socket_directories: {PatroniServer.SocketDirectory(node, context)}", config, StringComparison.Ordinal);
        Assert.DoesNotContain("pg_hba", config, StringComparison.Ordinal);
        Assert.Equal("https", environment["PATRONI_ETCD3_PROTOCOL"]);
        Assert.Equal(EtcdAuthentication.PatroniUser, environment["PATRONI_ETCD3_USERNAME"]);
        Assert.Equal("required", environment["PATRONI_RESTAPI_VERIFY_CLIENT"]);
        Assert.Equal("verify-full", environment["PATRONI_REPLICATION_SSLMODE"]);
        Assert.Equal("verify-full", environment["PATRONI_REWIND_SSLMODE"]);
    }

    [Fact]
    public void Without_TLS_the_hostssl_lines_become_host_lines_and_ssl_is_off()
    {
        using var context = Context(tls: false);
        var node = _topology.Node("pg-b");

        var config = PatroniServer.NodeConfiguration(node, context, SharedConfig);
        var environment = new PatroniServer().Launch(node, context).Environment;

        Assert.Contains("ssl: \"off\"", config, StringComparison.Ordinal);
        Assert.Contains("    - host replication replicator all scram-sha-256", config, StringComparison.Ordinal);
        Assert.Contains("    - local all postgres scram-sha-256", config, StringComparison.Ordinal);
        Assert.DoesNotContain("hostssl", config, StringComparison.Ordinal);
        Assert.DoesNotContain("PATRONI_ETCD3_PROTOCOL", environment.Keys);
    }

    private StackContext Context(bool tls) =>
        new(_topology, _paths, StackSecrets.LoadOrCreate(_paths.SecretsFile, _ => null), HostTools.Discover(), ProxyKind.Haproxy) { Tls = tls };

    public void Dispose() => Directory.Delete(_state, recursive: true);
}
