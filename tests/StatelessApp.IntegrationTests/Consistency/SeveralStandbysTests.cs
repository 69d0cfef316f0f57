using System.Net;
using StatelessApp.Hosting.Consistency;
using StatelessApp.IntegrationTests.Data;
using StatelessApp.IntegrationTests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace StatelessApp.IntegrationTests.Consistency;

/// <summary>
/// Two standbys, one of them frozen (replay paused): a token is satisfied only by the standby the read actually goes to.
/// (GitLab once cleared a user's stickiness as soon as ANY replica caught up, and served the read from another.)
/// The token travels in the X-Consistency-Token header of a plain API client; the write is a single-statement SaveChanges.
/// </summary>
public sealed class SeveralStandbysTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_token_is_only_satisfied_by_the_standby_that_serves_the_read()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var live = await cluster.AddStandbyAsync("standby2");
        var connectionString = cluster.AllNodesConnectionString.Replace($"Database={PostgresCluster.DatabaseName}", "Database=notes3", StringComparison.Ordinal);
        await cluster.CreateDatabaseAsync("notes3");
        await using var host = await NotesHost.StartAsync(connectionString,
            configureServices: services => services.AddConsistencyTokens<NotesContext>());
        await cluster.WaitForReplicationAsync();
        var metrics = host.Services.GetRequiredService<ConsistencyMetrics>();
        // Precondition: the app sees both standbys as usable (the second one has just started; on a busy machine its
        // first probes may find it still starting).
        var monitor = host.Services.GetRequiredService<StandbyMonitor>();
        await Poll.UntilAsync("the app to see two usable standbys", _ => Task.FromResult(monitor.Nodes),
            nodes => nodes.Count(node => node.IsUsableStandby) >= 2, TimeSpan.FromSeconds(20));

        using var client = host.CreateClient();

        // The first standby stops replaying: it stays up, and (paused for less than MaxStandbyLag) stays usable.
        await PostgresCluster.AdminScalarAsync(cluster.Standby, "SELECT pg_wal_replay_pause()");
        try
        {
            var staleWithoutToken = 0;
            var before = metrics.Snapshot();
            for (var i = 0; i < 40; i++)
            {
                var written = await client.PostAsync($"notes?text=n{i}", content: null);
                Assert.Equal(HttpStatusCode.OK, written.StatusCode);
                var id = int.Parse(await written.Content.ReadAsStringAsync(), System.Globalization.CultureInfo.InvariantCulture);
                var token = written.Headers.GetValues(ConsistencyScope.HeaderName).Single();

                using var withToken = new HttpRequestMessage(HttpMethod.Get, $"notes/{id}");
                withToken.Headers.Add(ConsistencyScope.HeaderName, token);
                var read = await client.SendAsync(withToken);
                Assert.True(read.StatusCode == HttpStatusCode.OK, $"read {i} with its token was stale ({(int)read.StatusCode})");

                if ((await client.GetAsync($"notes/{id}")).StatusCode == HttpStatusCode.NotFound)
                {
                    staleWithoutToken++; // round robin put it on the frozen standby (or the live one had not caught up yet)
                }
            }

            var after = metrics.Snapshot();
            // Token-less reads all go to a standby (round robin over both); what is left went there with a token.
            var tokenReadsOnStandby = after.StandbyReads - before.StandbyReads - 40;
            output.WriteLine($"stale without token: {staleWithoutToken}/40; token reads on the live standby: {tokenReadsOnStandby}/40; {after}");
            // Negative control: the frozen standby does serve token-less reads, and they are stale.
            Assert.True(staleWithoutToken >= 10, $"only {staleWithoutToken} token-less reads were stale");
            // The token reads were not just sent to the primary: the live standby served most of them, after a short wait.
            Assert.True(tokenReadsOnStandby >= 30, $"only {tokenReadsOnStandby} token reads on a standby: {after}");
            Assert.True(live.IsRunning);
        }
        finally
        {
            await PostgresCluster.AdminScalarAsync(cluster.Standby, "SELECT pg_wal_replay_resume()");
        }
    }
}
