using System.Diagnostics;
using System.Globalization;
using StatelessApp.Stack.Servers;
using StatelessApp.Stack.Startup;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Operations;

/// <summary>
/// `./stack rebuild region-a|region-b`: a region rebuilt from nothing while the other one serves. Stops the region's
/// servers that still run, deletes their data folders, and brings each one back as a copy of the surviving region:
/// the etcd member replaced (removed and added again, joining the existing cluster), PostgreSQL re-created by Patroni as
/// a streaming standby (its create_replica_methods), Redis as a replica (full sync), the Sentinel monitoring the current
/// primary, then apps, proxy and exporters. Refuses a region that holds the PostgreSQL or Redis primary (rebuilding it
/// would take the primary down with it; a lost region has already failed over) unless asked to switch over first.
/// </summary>
public sealed class RegionRebuild(StackController controller, TextWriter output)
{
    private StackContext Context => controller.Context;

    /// <summary>Rebuilds <paramref name="region"/>; with <paramref name="switchover"/> its primaries are first moved to the other region.</summary>
    public async Task<RebuildTimes> RunAsync(string region, bool switchover, CancellationToken cancellationToken)
    {
        if (!StackTopology.DataRegions.Contains(region))
        {
            throw new ArgumentException($"rebuild takes region-a or region-b, not region '{region}' (the witness holds no data the regions do not)");
        }

        var nodes = controller.Topology.NodesIn(region).Where(Context.Runs).ToList();
        if (switchover)
        {
            await PrimarySwitchover.AwayFromAsync(controller, region, output, cancellationToken);
        }

        await RefuseIfPrimaryHereAsync(region, cancellationToken);
        var progress = new ProgressReporter(output);
        var total = Stopwatch.StartNew();

        await controller.StopAsync(nodes);
        foreach (var node in nodes)
        {
            Delete(Context.Paths.DataOf(node.Name));
            Delete(Context.Paths.ServiceAccountDataOf(node.Name));
        }

        progress.Line($"region {region}: servers stopped, data folders of {nodes.Count} nodes deleted");

        var etcd = Of(nodes, NodeKind.Etcd);
        await progress.StepAsync($"etcd: {Names(etcd)} replaced (removed, added again) and healthy in the existing cluster", async () =>
        {
            foreach (var member in etcd)
            {
                await EtcdMembership.ReplaceAsync(member, Context, cancellationToken);
                Directory.CreateDirectory(Context.Paths.DataOf(member.Name));
                await File.WriteAllTextAsync(EtcdServer.JoinExistingMarker(member, Context), "existing\n", cancellationToken);
            }

            await controller.StartAsync(etcd, cancellationToken);
        });
        var etcdHealthy = total.Elapsed;

        await progress.StepAsync($"PostgreSQL: {Names(Of(nodes, NodeKind.Postgres))} re-created by Patroni, a streaming standby", async () =>
        {
            await controller.StartAsync(Of(nodes, NodeKind.Postgres), cancellationToken);
            await controller.WaitForReplicationAsync(NodeKind.Postgres, cancellationToken);
        });
        var postgresStreaming = total.Elapsed;

        await progress.StepAsync($"Redis: {Names(Of(nodes, NodeKind.Redis))} a linked replica (full sync)", async () =>
        {
            await controller.StartAsync(Of(nodes, NodeKind.Redis), cancellationToken);
            await controller.WaitForReplicationAsync(NodeKind.Redis, cancellationToken);
        });
        var redisLinked = total.Elapsed;

        var sentinels = Of(nodes, NodeKind.Sentinel);
        await progress.StepAsync($"Sentinel: {Names(sentinels)} monitors the current primary, all sentinels know each other", async () =>
        {
            await WriteSentinelConfigsAsync(sentinels, cancellationToken);
            await controller.StartAsync(sentinels, cancellationToken);
            var all = controller.Topology.NodesOf(NodeKind.Sentinel);
            await controller.WaitUntilAsync("sentinels knowing each other", all, ct => ReadinessChecks.SentinelsNotKnowingEveryoneAsync(all, Context, ct), cancellationToken);
        });

        var proxies = Of(nodes, NodeKind.Proxy);
        await progress.StepAsync($"apps and {Names(proxies)}: healthy, the proxy routing to its own region's instances", async () =>
        {
            await controller.StartAsync([.. nodes.Where(n => n.Kind is NodeKind.App or NodeKind.Proxy)], cancellationToken);
            await controller.WaitUntilAsync("the proxy serving its own region", proxies, ct => ReadinessChecks.ProxiesNotServingTheirRegionAsync(proxies, Context, ct), cancellationToken);
        });
        var proxyServing = total.Elapsed;

        var rest = nodes.Where(n => n.Kind.IsObservability()).ToList();
        if (rest.Count > 0)
        {
            await progress.StepAsync($"exporters: {Names(rest)}", () => controller.StartAsync(rest, cancellationToken));
        }

        var times = new RebuildTimes(etcdHealthy, postgresStreaming, redisLinked, proxyServing, total.Elapsed);
        progress.Line(Summary(region, times));
        return times;
    }

    /// <summary>One line with every measured time, as the docs quote it.</summary>
    public static string Summary(string region, RebuildTimes times)
    {
        ArgumentNullException.ThrowIfNull(times);
        return string.Create(CultureInfo.InvariantCulture,
            $"region {region} rebuilt in {times.Total.TotalSeconds:0.0}s: etcd member healthy at {times.EtcdMemberHealthy.TotalSeconds:0.0}s, PostgreSQL streaming standby at {times.PostgresStreaming.TotalSeconds:0.0}s, Redis linked replica at {times.RedisLinked.TotalSeconds:0.0}s, healthy behind its proxy at {times.ProxyServingItsRegion.TotalSeconds:0.0}s");
    }

    private async Task RefuseIfPrimaryHereAsync(string region, CancellationToken cancellationToken)
    {
        foreach (var kind in new[] { NodeKind.Postgres, NodeKind.Redis })
        {
            var primary = await controller.PrimaryAsync(kind, cancellationToken);
            if (primary is null)
            {
                throw new StackException($"rebuild region-{region}: no {kind} primary answers; the other region must serve before this one is rebuilt (`./stack status`)");
            }

            if (primary.Region == region)
            {
                throw new StackException($"rebuild region-{region}: {primary.Name} is the {kind} primary. Rebuilding its region would take the primary down with it: "
                    + "a lost region has failed over already; to rebuild a region that still serves, add --switchover (the primaries move to the other region first).");
            }
        }
    }

    /// <summary>A new Sentinel would monitor the topology's initial primary (its first-start config): point it at the current one.</summary>
    private async Task WriteSentinelConfigsAsync(IReadOnlyList<Node> sentinels, CancellationToken cancellationToken)
    {
        var primary = await controller.PrimaryAsync(NodeKind.Redis, cancellationToken) ?? throw new StackException("no Redis primary to point the new Sentinel at");
        foreach (var sentinel in sentinels)
        {
            var folder = Context.Paths.DataOf(sentinel.Name);
            Directory.CreateDirectory(folder);
            Processes.FileModes.WritePrivate(SentinelServer.NodeConfig(sentinel, Context), SentinelServer.RenderConfig(Context.Paths.Deploy, sentinel.Endpoint, folder,
                controller.Topology.RedisMasterName, primary.Endpoint, SentinelServer.FailoverTimeout(sentinel, Context), Context.Secrets, Context.Tls));
        }
    }

    private static IReadOnlyList<Node> Of(IReadOnlyList<Node> nodes, NodeKind kind) => [.. nodes.Where(n => n.Kind == kind)];

    private static string Names(IReadOnlyList<Node> nodes) => string.Join(", ", nodes.Select(n => n.Name));

    private static void Delete(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
