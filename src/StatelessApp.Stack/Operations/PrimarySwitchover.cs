using System.Text;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Operations;

/// <summary>
/// Moves the PostgreSQL and Redis primaries out of a region, gracefully: a Patroni switchover (the leader hands over to a
/// caught-up standby) and a Sentinel failover (SENTINEL FAILOVER; the witness replica is never promoted, so the other
/// region's replica becomes the primary). Used by `./stack rebuild --switchover` before it wipes a region that serves.
/// </summary>
public static class PrimarySwitchover
{
    /// <summary>Moves every primary <paramref name="region"/> holds to another region and waits until replication is whole again.</summary>
    public static async Task AwayFromAsync(StackController controller, string region, TextWriter output, CancellationToken cancellationToken)
    {
        await PostgresAwayFromAsync(controller, region, output, cancellationToken);
        await RedisAwayFromAsync(controller, region, output, cancellationToken);
    }

    /// <summary>Moves the PostgreSQL primary out of <paramref name="region"/> if it is there (Patroni switchover) and waits until the standby streams.</summary>
    public static async Task PostgresAwayFromAsync(StackController controller, string region, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(output);
        if (await controller.PrimaryAsync(NodeKind.Postgres, cancellationToken) is { } leader && leader.Region == region)
        {
            var candidate = controller.Topology.NodesOf(NodeKind.Postgres).First(n => n.Region != region && n.Region != StackTopology.WitnessRegion);
            await PostgresAsync(controller.Context, leader, candidate, cancellationToken);
            await controller.WaitUntilAsync($"PostgreSQL primary on {candidate.Name}", [candidate],
                async ct => (await controller.PrimaryAsync(NodeKind.Postgres, ct))?.Region == region ? [$"{leader.Name} still primary"] : [], cancellationToken);
            await controller.WaitForReplicationAsync(NodeKind.Postgres, cancellationToken);
            output.WriteLine($"switched PostgreSQL over from {leader.Name} to {candidate.Name}");
        }
    }

    /// <summary>Moves the Redis primary out of <paramref name="region"/> if it is there (SENTINEL FAILOVER) and waits until the replicas are linked.</summary>
    public static async Task RedisAwayFromAsync(StackController controller, string region, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(output);
        if (await controller.PrimaryAsync(NodeKind.Redis, cancellationToken) is { } primary && primary.Region == region)
        {
            var sentinel = controller.Topology.NodesOf(NodeKind.Sentinel).First(n => n.Region != region);
            if (await RedisCli.RunAsync(controller.Context, sentinel, ["SENTINEL", "FAILOVER", controller.Topology.RedisMasterName], cancellationToken) is null)
            {
                throw new StackException($"{sentinel.Name} refused SENTINEL FAILOVER of {controller.Topology.RedisMasterName}");
            }

            await controller.WaitUntilAsync($"Redis primary out of region {region}", [sentinel],
                async ct => (await controller.PrimaryAsync(NodeKind.Redis, ct))?.Region is { } now && now != region ? [] : ["not moved yet"], cancellationToken);
            await controller.WaitForReplicationAsync(NodeKind.Redis, cancellationToken);
            output.WriteLine($"failed Redis over from {primary.Name} (SENTINEL FAILOVER)");
        }
    }

    /// <summary>POST /switchover on the leader's REST API (Patroni's user and password, never on a command line).</summary>
    private static async Task PostgresAsync(StackContext context, Node leader, Node candidate, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PatroniServer.RestUri(leader, context, "switchover"))
        {
            Content = new StringContent($$"""{"leader": "{{leader.Name}}", "candidate": "{{candidate.Name}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = PatroniDynamicConfig.Authorization(context);
        using var client = context.NewServerHttpClient(TimeSpan.FromSeconds(60));
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new StackException($"Patroni refused the switchover from {leader.Name} to {candidate.Name}: {(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(cancellationToken)).Trim()}");
        }
    }
}
