using StatelessApp.Stack;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.UnitTests.Stack;

/// <summary>The node configs the controller writes for the three Redis nodes (first start, no Sentinel answering).</summary>
public sealed class RedisServerTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("stack-redis-server-").FullName;
    private readonly StackContext _context;

    public RedisServerTests()
    {
        var paths = new StackPaths(StackPaths.FindRepositoryRoot(), _state);
        // A range no stack runs on, so no Sentinel answers and the configs are the first-start ones.
        var topology = StackTopology.LoadOnMovedRange(paths.TopologyFile, secondOctetOffset: 170);
        _context = new StackContext(topology, paths, StackSecrets.LoadOrCreate(paths.SecretsFile, _ => null), HostTools.Discover(), ProxyKind.Haproxy);
    }

    private string SharedConfig => Path.Combine(_context.Paths.Deploy, "redis", "redis.conf");

    private string NeverPromotedConfig => Path.Combine(_context.Paths.Deploy, "redis", "never-promoted.conf");

    private string TlsConfig => Path.Combine(_context.Paths.Deploy, "redis", "tls.conf");

    private string[] Credentials => ["masteruser replica", $"masterauth {_context.Secrets.RedisReplicaPassword}"];

    private string[] PreparedConfig(string name)
    {
        var node = _context.Topology.Node(name);
        new RedisServer().Prepare(node, _context);
        return File.ReadAllLines(RedisServer.NodeConfig(node, _context));
    }

    [Fact]
    public void The_initial_primary_only_includes_the_shared_settings()
    {
        Assert.Equal([$"include {SharedConfig}", $"include {TlsConfig}", .. Credentials], PreparedConfig("redis-a"));
    }

    [Fact]
    public void The_other_region_starts_as_a_replica_of_the_initial_primary_and_may_be_promoted()
    {
        var primary = _context.Topology.Node("redis-a");

        Assert.Equal([$"include {SharedConfig}", $"include {TlsConfig}", $"replicaof {primary.Address} {primary.Port}", .. Credentials], PreparedConfig("redis-b"));
        Assert.False(RedisServer.NeverPromoted(_context.Topology.Node("redis-b")));
    }

    [Fact]
    public void The_witness_node_starts_as_a_replica_that_Sentinel_never_promotes()
    {
        var primary = _context.Topology.Node("redis-a");
        var witness = _context.Topology.NodeOf(NodeKind.Redis, StackTopology.WitnessRegion);

        Assert.True(RedisServer.NeverPromoted(witness));
        Assert.Equal(
            [$"include {SharedConfig}", $"include {TlsConfig}", $"include {NeverPromotedConfig}", $"replicaof {primary.Address} {primary.Port}", .. Credentials],
            PreparedConfig(witness.Name));
        // The included file's one setting: replica-priority 0 is what makes Sentinel skip the node.
        Assert.Equal(["replica-priority 0"], File.ReadAllLines(NeverPromotedConfig).Where(l => l.Length > 0 && !l.StartsWith('#')));
    }

    [Fact]
    public void A_restart_keeps_one_set_of_replication_credentials_in_a_file_only_the_owner_reads()
    {
        PreparedConfig("redis-b");
        var lines = PreparedConfig("redis-b");

        Assert.Single(lines, line => line.StartsWith("masterauth ", StringComparison.Ordinal));
        var node = _context.Topology.Node("redis-b");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(RedisServer.NodeConfig(node, _context)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, ModeOf(_context.Paths.DataOf(node.Name)));
    }

    [Fact]
    public void The_ACL_file_holds_user_lines_with_password_hashes_and_no_password()
    {
        var node = _context.Topology.Node("redis-a");
        new RedisServer().Prepare(node, _context);
        var acl = File.ReadAllLines(RedisServer.AclFile(node, _context));

        Assert.All(acl, line => Assert.StartsWith("user ", line, StringComparison.Ordinal));
        Assert.Equal(["admin", "app", "default", "monitor", "replica", "sentinel"], acl.Select(line => line.Split(' ')[1]).Order(StringComparer.Ordinal));
        Assert.Contains(acl, line => line.StartsWith($"user app on #{RedisUsers.Sha256(_context.Secrets.RedisAppPassword)} ", StringComparison.Ordinal));
        Assert.Contains("user default off ", string.Join('\n', acl), StringComparison.Ordinal);
        Assert.DoesNotContain(Passwords(), password => string.Join('\n', acl).Contains(password, StringComparison.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(RedisServer.AclFile(node, _context)));
    }

    [Fact]
    public void No_password_is_on_a_command_line_and_with_TLS_the_node_port_is_the_TLS_port()
    {
        var server = new RedisServer();
        var sentinel = new SentinelServer();
        var plaintext = new StackContext(_context.Topology, _context.Paths, _context.Secrets, _context.Tools, ProxyKind.Haproxy) { Tls = false };
        var redisNode = _context.Topology.Node("redis-a");
        var sentinelNode = _context.Topology.NodesOf(NodeKind.Sentinel)[0];

        foreach (var (node, launch) in new[] { (redisNode, server.Launch(redisNode, _context)), (sentinelNode, sentinel.Launch(sentinelNode, _context)) })
        {
            Assert.DoesNotContain(Passwords(), password => launch.Arguments.Any(argument => argument.Contains(password, StringComparison.Ordinal)));
            Assert.Equal(node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), launch.Arguments[launch.Arguments.ToList().IndexOf("--tls-port") + 1]);
            Assert.DoesNotContain("--port", launch.Arguments);
        }

        Assert.DoesNotContain("--tls-port", server.Launch(redisNode, plaintext).Arguments);
        Assert.Contains("--port", server.Launch(redisNode, plaintext).Arguments);
    }

    [Fact]
    public void The_Sentinel_config_holds_only_the_password_Sentinel_must_send()
    {
        var node = _context.Topology.NodesOf(NodeKind.Sentinel)[0];
        new SentinelServer().Prepare(node, _context);
        var config = File.ReadAllText(SentinelServer.NodeConfig(node, _context));

        Assert.Contains($"sentinel auth-pass {_context.Topology.RedisMasterName} {_context.Secrets.RedisSentinelPassword}\n", config, StringComparison.Ordinal);
        Assert.Contains($"user app on #{RedisUsers.Sha256(_context.Secrets.RedisAppPassword)} ", config, StringComparison.Ordinal);
        Assert.DoesNotContain(Passwords().Where(p => p != _context.Secrets.RedisSentinelPassword), password => config.Contains(password, StringComparison.Ordinal));
        Assert.EndsWith($"include {TlsConfig}\n", config, StringComparison.Ordinal);
    }

    private static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path);

    private string[] Passwords() =>
        [_context.Secrets.RedisAdminPassword, _context.Secrets.RedisAppPassword, _context.Secrets.RedisReplicaPassword, _context.Secrets.RedisSentinelPassword];

    public void Dispose()
    {
        Directory.Delete(_state, recursive: true);
        GC.SuppressFinalize(this);
    }
}
