using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Npgsql;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Failures;

namespace StatelessApp.IntegrationTests.Data;

/// <summary>
/// Nodes stop, come back, get demoted and promoted. Every test gets a cluster of its own (xunit makes one instance of
/// this class per test), because each one leaves the topology changed.
/// </summary>
public sealed class FailoverTests : IAsyncLifetime
{
    // Large on purpose where it matters: Npgsql's own recheck must not be what rescues a write; ForgetTopology must.
    private static readonly Dictionary<string, string?> SlowRecheck = new() { ["Database:HostRecheckSeconds"] = "60" };

    private PostgresCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
    }

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Reads_fall_back_to_the_primary_while_the_standby_is_down_and_return_once_it_is_back()
    {
        const int recheckSeconds = 2;
        await using var host = await NotesHost.StartAsync(_cluster.MultiHostConnectionString,
            new Dictionary<string, string?> { ["Database:HostRecheckSeconds"] = recheckSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var id = await host.WriteNoteAsync("still readable");
        await _cluster.WaitForReplicationAsync();
        Assert.True((await host.ReadNoteAsync(id)).InRecovery);

        await _cluster.StopStandbyAsync();
        var fallback = await host.ReadNoteAsync(id);
        Assert.Equal("still readable", fallback.Text);
        Assert.Equal(_cluster.Primary.Port, fallback.Port);
        Assert.False(fallback.InRecovery);

        await _cluster.StartStandbyAsync();
        var read = await Poll.UntilAsync("reads to return to the standby", _ => host.ReadNoteAsync(id), note => note.InRecovery,
            TimeSpan.FromSeconds(recheckSeconds + 10), interval: TimeSpan.FromMilliseconds(100));

        Assert.Equal(_cluster.Standby.Port, read.Port);
        // How soon they return is Npgsql's host recheck: the data source is given the configured interval (default 10 s).
        var dataSource = host.Services.GetReplicatedDataSource<NotesContext>().PreferStandby;
        Assert.Equal(recheckSeconds, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).HostRecheckSeconds);
    }

    [Fact]
    public async Task A_write_that_hits_a_demoted_primary_gets_25006_once_and_is_retried_on_the_promoted_standby()
    {
        await using var host = await NotesHost.StartAsync(_cluster.MultiHostConnectionString, SlowRecheck);
        await host.WriteNoteAsync("before"); // warms the pool: an idle connection to the old primary waits there
        using var retries = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), DataMetrics.MeterName, "statelessapp.data.retries");

        await DemoteOldPrimaryAndPromoteStandbyAsync();
        var id = await host.WriteNoteAsync("after demotion");

        Assert.Equal(["25006"], host.FailedCommands.Failures);
        Assert.Equal("read-only", Assert.Single(retries.GetMeasurementSnapshot()).Tags["reason"]); // the failover, as the app saw it
        Assert.Equal(1L, await CountNotesOn(_cluster.Standby, id));
        Assert.Equal(0L, await CountNotesOn(_cluster.Primary, id));
    }

    [Fact]
    public async Task Without_retries_the_same_write_fails_with_25006_and_counts_as_database_unavailable()
    {
        var settings = new Dictionary<string, string?>(SlowRecheck) { ["Database:MaxRetryCount"] = "0" };
        await using var host = await NotesHost.StartAsync(_cluster.MultiHostConnectionString, settings);
        await host.WriteNoteAsync("before");

        await DemoteOldPrimaryAndPromoteStandbyAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.WriteNoteAsync("after demotion"));

        Assert.Equal("25006", FindInChain<PostgresException>(error)?.SqlState);
        Assert.True(TransientDatabaseFailure.IsDatabaseUnavailable(error));
    }

    [Fact]
    public async Task After_the_primary_crashes_and_the_standby_is_promoted_a_write_is_retried_onto_the_new_primary()
    {
        await using var host = await NotesHost.StartAsync(_cluster.MultiHostConnectionString, SlowRecheck);
        await host.WriteNoteAsync("before");

        await _cluster.StopPrimaryAsync(StopMode.Immediate);
        await _cluster.PromoteStandbyAsync();
        var id = await host.WriteNoteAsync("after failover");

        Assert.NotEmpty(host.FailedCommands.Failures);
        Assert.Equal(1L, await CountNotesOn(_cluster.Standby, id));
    }

    [Fact]
    public async Task With_the_primary_down_writes_answer_503_reads_still_work_and_health_recovers_after_restart()
    {
        await using var host = await NotesHost.StartAsync(_cluster.MultiHostConnectionString);
        using var client = host.CreateClient();
        var id = await host.WriteNoteAsync("readable without a primary");
        await _cluster.WaitForReplicationAsync();
        Assert.Equal(HealthStatus.Healthy, await PrimaryHealthAsync(host));

        await _cluster.StopPrimaryAsync();

        // A probe answers the check's last completed run (LastKnownHealthCheck): the one it starts sees the primary gone.
        await Poll.UntilAsync("postgres-primary to be degraded", _ => PrimaryHealthAsync(host), status => status == HealthStatus.Degraded,
            TimeSpan.FromSeconds(10), interval: TimeSpan.FromMilliseconds(100));
        var writeError = await Assert.ThrowsAsync<RetryLimitExceededException>(() => host.WriteNoteAsync("lost"));
        Assert.True(TransientDatabaseFailure.IsDatabaseUnavailable(writeError));

        using var post = await client.PostAsync("/notes?text=lost", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        var problem = await post.Content.ReadAsStringAsync();
        Assert.Contains("\"title\":\"Database unavailable\"", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", problem, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(ServiceUnavailable.RetryAfterSeconds), post.Headers.RetryAfter?.Delta);

        using var get = await client.GetAsync($"/notes/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);

        await _cluster.StartPrimaryAsync();
        await Poll.UntilAsync("postgres-primary to be healthy again", _ => PrimaryHealthAsync(host), status => status == HealthStatus.Healthy,
            TimeSpan.FromSeconds(10), interval: TimeSpan.FromMilliseconds(100));
        using var postAgain = await client.PostAsync("/notes?text=back", null);
        Assert.Equal(HttpStatusCode.OK, postAgain.StatusCode);
    }

    /// <summary>
    /// A demotion as a fencing failover tool does it: the old primary keeps running but refuses writes
    /// (default_transaction_read_only, picked up by its open sessions on reload), and the standby is promoted.
    /// </summary>
    private async Task DemoteOldPrimaryAndPromoteStandbyAsync()
    {
        await PostgresCluster.AdminScalarAsync(_cluster.Primary, "ALTER SYSTEM SET default_transaction_read_only = on");
        await PostgresCluster.AdminScalarAsync(_cluster.Primary, "SELECT pg_reload_conf()");
        // A session started after the postmaster reloaded proves the reload was signalled to every backend.
        await Poll.UntilAsync("the primary to pick up default_transaction_read_only",
            _ => PostgresCluster.AdminScalarAsync(_cluster.Primary, "SHOW default_transaction_read_only"), shown => shown is "on",
            TimeSpan.FromSeconds(5));

        await _cluster.PromoteStandbyAsync();
    }

    private static async Task<long> CountNotesOn(PostgresNode node, int id) =>
        (long)(await PostgresCluster.AdminScalarAsync(node, $"SELECT count(*) FROM notes WHERE id = {id}", PostgresCluster.DatabaseName))!;

    private static async Task<HealthStatus> PrimaryHealthAsync(NotesHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Name == "postgres-primary");
        return report.Entries["postgres-primary"].Status;
    }

    private static T? FindInChain<T>(Exception? exception)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }
}
