using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StatelessApp.Hosting.Consistency;
using StatelessApp.IntegrationTests.Data;
using Xunit.Abstractions;

namespace StatelessApp.IntegrationTests.Consistency;

/// <summary>
/// Two instances, one in region a and one in region b, over a primary placed in a and a standby placed in b
/// (Database:NodeRegions). With the standby's replay paused, a token-less read shows where it went: the primary has the
/// new row, the standby not yet. After a failover the region-b instance reads from its now local primary.
/// </summary>
public sealed class OwnRegionReadsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Each_instance_reads_in_its_own_region_and_follows_the_primary_when_it_moves()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var cluster = await PostgresCluster.StartAsync();
        await cluster.CreateDatabaseAsync("regions");
        var connectionString = cluster.MultiHostConnectionString.Replace(
            $"Database={PostgresCluster.DatabaseName}", "Database=regions", StringComparison.Ordinal);
        var nodeRegions = $"127.0.0.1:{cluster.Primary.Port}=a,127.0.0.1:{cluster.Standby.Port}=b";
        await using var inA = await StartAsync("a");
        await using var inB = await StartAsync("b");
        using var clientA = inA.CreateClient();
        using var clientB = inB.CreateClient();
        await cluster.WaitForReplicationAsync();
        foreach (var host in new[] { inA, inB })
        {
            var monitor = host.Services.GetRequiredService<StandbyMonitor>();
            await Poll.UntilAsync("the app to see the primary and a usable standby", _ => Task.FromResult(monitor.Nodes),
                nodes => nodes.Any(n => n.Role == NodeRole.Primary) && nodes.Any(n => n.IsUsableStandby), TimeSpan.FromSeconds(20));
        }

        output.WriteLine($"cluster and two hosts ready after {clock.Elapsed.TotalSeconds:0.0} s");
        await PostgresCluster.AdminScalarAsync(cluster.Standby, "SELECT pg_wal_replay_pause()");
        int id;
        ConsistencySnapshot beforeA, beforeB;
        try
        {
            var written = await clientA.PostAsync("notes?text=fresh", content: null);
            Assert.Equal(HttpStatusCode.OK, written.StatusCode);
            id = int.Parse(await written.Content.ReadAsStringAsync(), System.Globalization.CultureInfo.InvariantCulture);
            beforeA = Metrics(inA);
            beforeB = Metrics(inB);

            // Region a: the primary, in its own region (the only node that has the row yet).
            Assert.Equal(HttpStatusCode.OK, (await clientA.GetAsync($"notes/{id}")).StatusCode);
            // Region b: its own standby, paused: the row is not there yet (a crossing would have found it).
            Assert.Equal(HttpStatusCode.NotFound, (await clientB.GetAsync($"notes/{id}")).StatusCode);
        }
        finally
        {
            await PostgresCluster.AdminScalarAsync(cluster.Standby, "SELECT pg_wal_replay_resume()");
        }

        var afterA = Metrics(inA);
        var afterB = Metrics(inB);
        output.WriteLine($"a: {afterA}\nb: {afterB}");
        Assert.Equal((1, 0L), (afterA.PrimaryReadsInRegion - beforeA.PrimaryReadsInRegion, afterA.StandbyReads - beforeA.StandbyReads));
        Assert.Equal((1, 0L, 0L), (afterB.StandbyReads - beforeB.StandbyReads,
            afterB.StandbyReadsElsewhere - beforeB.StandbyReadsElsewhere, afterB.PrimaryReadsInRegion - beforeB.PrimaryReadsInRegion));

        // Failover: the node in b becomes the primary. Region b's reads follow it without a restart.
        await cluster.WaitForReplicationAsync();
        await cluster.StopPrimaryAsync();
        await cluster.PromoteStandbyAsync();
        output.WriteLine($"promoted after {clock.Elapsed.TotalSeconds:0.0} s");
        var inRegion = await Poll.UntilAsync("region b to read from its own, promoted primary",
            async cancellationToken =>
            {
                var before = Metrics(inB).PrimaryReadsInRegion;
                var read = await clientB.GetAsync($"notes/{id}", cancellationToken);
                return (read.StatusCode, Metrics(inB).PrimaryReadsInRegion - before);
            },
            observed => observed == (HttpStatusCode.OK, 1L), TimeSpan.FromSeconds(30));
        Assert.Equal((HttpStatusCode.OK, 1L), inRegion);
        output.WriteLine($"region b reads from its own primary after {clock.Elapsed.TotalSeconds:0.0} s");

        Task<NotesHost> StartAsync(string region) => NotesHost.StartAsync(connectionString,
            new Dictionary<string, string?> { ["Instance:Region"] = region, ["Database:NodeRegions"] = nodeRegions },
            services => services.AddConsistencyTokens<NotesContext>());
    }

    private static ConsistencySnapshot Metrics(NotesHost host) => host.Services.GetRequiredService<ConsistencyMetrics>().Snapshot();
}
