using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StatelessApp.Stack.Cli;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using Xunit.Abstractions;
using static StatelessApp.TestKit.Shop.ShopResponses;

namespace StatelessApp.StackTests.Shop;

/// <summary>
/// Cart changes are acknowledged only after WAIT 1 (one replica has the session). With a Redis node per region only,
/// losing the primary left the promoted node without a replica and every cart change answered 503 until the lost node
/// came back. The witness site's Redis replica (never promoted) confirms writes for whichever region's node is primary.
/// </summary>
[Collection(StackTestGroup.Name)]
public class WitnessReplicaTests(StackFixture stack, ITestOutputHelper output)
{
    /// <summary>Sentinel needs about 2-3 s to promote (measured); the proxies then need their health checks to pass again.</summary>
    private static readonly TimeSpan CartBackWithin = TimeSpan.FromSeconds(20);

    private Node Witness => stack.Topology.NodeOf(NodeKind.Redis, StackTopology.WitnessRegion);

    [Fact]
    public async Task The_witness_node_is_a_replica_of_the_primary_that_every_Sentinel_knows_and_never_promotes()
    {
        var status = await stack.Controller.StatusAsync();
        var primary = SingleRedisPrimary(status);

        var witness = await ProbeAsync(Witness);
        Assert.True(witness is { Healthy: true, Role: ServerRole.Replica }, $"{Witness.Name}: {witness.Detail}");
        Assert.Contains($"of {primary.Endpoint}, link up, never promoted (replica-priority 0)", witness.Detail, StringComparison.Ordinal);

        foreach (var sentinel in stack.Topology.NodesOf(NodeKind.Sentinel))
        {
            var replicas = await SentinelReplicasAsync(sentinel);
            Assert.Equal(
                stack.Topology.NodesOf(NodeKind.Redis).Where(n => n != primary).Select(n => n.Endpoint).Order(StringComparer.Ordinal),
                replicas.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("0", replicas[Witness.Endpoint].GetValueOrDefault("slave-priority"));
        }
    }

    [Fact]
    public async Task After_the_Redis_primary_dies_cart_changes_succeed_again_while_it_stays_down_and_the_witness_is_never_promoted()
    {
        var primary = SingleRedisPrimary(await stack.Controller.StatusAsync());
        var survivingRegion = StackTopology.OtherRegion(primary.Region);
        using var shopper = stack.NewShopper();
        var client = shopper.Through(survivingRegion);
        var productId = await FirstProductIdAsync(client);
        using (var added = await client.PostAsJsonAsync("api/cart/items", new { productId, quantity = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        Assert.Single(stack.Controller.Kill(primary.Name));
        try
        {
            var failures = new List<string>();
            var witnessRoles = new HashSet<ServerRole>();
            var quantity = 1;
            await Poll.UntilAsync($"a cart change through region {survivingRegion} to succeed after {primary.Name} was killed", async _ =>
                {
                    // A different quantity every time: a real change (session load, save and WAIT 1), never a no-op.
                    quantity = quantity % 5 + 1;
                    var outcome = await SetQuantityAsync(client, productId, quantity);
                    witnessRoles.Add((await ProbeAsync(Witness)).Role);
                    failures.Add(outcome);
                    return outcome;
                },
                outcome => outcome == "200", CartBackWithin, interval: TimeSpan.FromMilliseconds(100));

            output.WriteLine($"killed {primary.Name}; cart change through region {survivingRegion} back; answers until then: {string.Join(", ", failures)}");
            var status = await stack.Controller.StatusAsync();

            // The change was confirmed by a replica, and the only replica the new primary has is the witness.
            var promoted = SingleRedisPrimary(status);
            Assert.Equal(stack.Topology.NodeOf(NodeKind.Redis, survivingRegion), promoted);
            Assert.Equal([Witness.Address.ToString()], await ConnectedReplicaAddressesAsync(promoted));
            Assert.Equal("stopped", status.Single(s => s.Node == primary).Health);
            Assert.DoesNotContain(ServerRole.Primary, witnessRoles);

            using var cart = await client.GetAsync("api/cart");
            Assert.Equal(HttpStatusCode.OK, cart.StatusCode);
            var line = Assert.Single((await ReadJsonAsync(cart)).GetProperty("lines").EnumerateArray());
            Assert.Equal(quantity, line.GetProperty("quantity").GetInt32());
        }
        finally
        {
            // The killed node comes back as a replica of the promoted one: the stack is whole again for other tests.
            await stack.Controller.StartAsync(primary.Name);
            await stack.Controller.WaitForReplicationAsync(NodeKind.Redis);
        }
    }

    private static Node SingleRedisPrimary(IReadOnlyList<Stack.NodeStatus> status) =>
        Assert.Single(status, s => s.Node.Kind == NodeKind.Redis && s.Probe is { Healthy: true, IsPrimary: true }).Node;

    private Task<NodeProbe> ProbeAsync(Node node) => stack.Controller.ProbeAsync(node);

    /// <summary>"200", another status code, or the exception's type (a request that failed outright).</summary>
    private static async Task<string> SetQuantityAsync(HttpClient client, int productId, int quantity)
    {
        try
        {
            using var response = await client.PutAsJsonAsync($"api/cart/items/{productId}", new { quantity });
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return e.GetType().Name;
        }
    }

    /// <summary>SENTINEL REPLICAS: each replica's fields, by "address:port".</summary>
    private async Task<Dictionary<string, IReadOnlyDictionary<string, string>>> SentinelReplicasAsync(Node sentinel)
    {
        var output = await RedisCli.RunAsync(stack.Controller.Context, sentinel,
            ["SENTINEL", "REPLICAS", stack.Topology.RedisMasterName], CancellationToken.None);
        Assert.NotNull(output);
        // redis-cli prints the array of flat replies one field a line; each replica starts with its "name".
        var replies = output.Split("\nname\n").Select((part, i) => RedisCli.ParsePairs(i == 0 ? part : "name\n" + part));
        return replies.Where(r => r.ContainsKey("name")).ToDictionary(r => r["name"], r => r, StringComparer.Ordinal);
    }

    /// <summary>The addresses of the replicas the primary itself reports as connected (INFO replication, slaveN lines).</summary>
    private async Task<IReadOnlyList<string>> ConnectedReplicaAddressesAsync(Node primary)
    {
        var output = await RedisCli.RunAsync(stack.Controller.Context, primary,
            ["INFO", "replication"], CancellationToken.None);
        Assert.NotNull(output);
        return [.. RedisCli.ParseInfo(output)
            .Where(pair => pair.Key.StartsWith("slave", StringComparison.Ordinal) && char.IsDigit(pair.Key[^1]))
            .Select(pair => pair.Value.Split(',').Single(field => field.StartsWith("ip=", StringComparison.Ordinal))["ip=".Length..])];
    }
}
