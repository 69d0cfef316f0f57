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

    private string[] PreparedConfig(string name)
    {
        var node = _context.Topology.Node(name);
        new RedisServer().Prepare(node, _context);
        return File.ReadAllLines(RedisServer.NodeConfig(node, _context));
    }

    [Fact]
    public void The_initial_primary_only_includes_the_shared_settings()
    {
        Assert.Equal([$"include {SharedConfig}"], PreparedConfig("redis-a"));
    }

    [Fact]
    public void The_other_region_starts_as_a_replica_of_the_initial_primary_and_may_be_promoted()
    {
        var primary = _context.Topology.Node("redis-a");

        Assert.Equal([$"include {SharedConfig}", $"replicaof {primary.Address} {primary.Port}"], PreparedConfig("redis-b"));
        Assert.False(RedisServer.NeverPromoted(_context.Topology.Node("redis-b")));
    }

    [Fact]
    public void The_witness_node_starts_as_a_replica_that_Sentinel_never_promotes()
    {
        var primary = _context.Topology.Node("redis-a");
        var witness = _context.Topology.NodeOf(NodeKind.Redis, StackTopology.WitnessRegion);

        Assert.True(RedisServer.NeverPromoted(witness));
        Assert.Equal(
            [$"include {SharedConfig}", $"include {NeverPromotedConfig}", $"replicaof {primary.Address} {primary.Port}"],
            PreparedConfig(witness.Name));
        // The included file's one setting: replica-priority 0 is what makes Sentinel skip the node.
        Assert.Equal(["replica-priority 0"], File.ReadAllLines(NeverPromotedConfig).Where(l => l.Length > 0 && !l.StartsWith('#')));
    }

    public void Dispose()
    {
        Directory.Delete(_state, recursive: true);
        GC.SuppressFinalize(this);
    }
}
