using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Defaults;
using StatelessApp.Hosting.Health;
using StatelessApp.IntegrationTests.Data;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Network;

namespace StatelessApp.IntegrationTests.Defaults;

/// <summary>The host runner picks the process's use from its first argument: serve, <c>healthcheck</c> or <c>migrate</c>.</summary>
public sealed class StatelessHostTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task Serves_until_cancelled_and_its_healthcheck_verb_probes_without_building_a_host()
    {
        var address = $"http://127.0.0.1:{LoopbackPorts.FreeTcp()}";
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = StatelessHost.RunAsync<NotesContext>(
            ["--urls", address],
            builder => builder.AddStatelessHealthChecks(),
            app =>
            {
                app.Lifetime.ApplicationStarted.Register(started.SetResult);
                app.MapStatelessDefaults();
            },
            stop.Token);
        await Task.WhenAny(started.Task, serving);
        Assert.True(started.Task.IsCompleted, serving.Exception?.ToString());

        var live = await ProbeAsync(address);
        await stop.CancelAsync();
        var servedExit = await serving;
        var gone = await ProbeAsync(address);

        Assert.Equal((0, $"{address}/health/live: 200"), live);
        Assert.Equal(0, servedExit);
        Assert.Equal(1, gone.ExitCode);
        Assert.StartsWith($"{address}/health/live: ", gone.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_verb_migrates_on_the_primary_and_exits_without_serving()
    {
        var connectionString = await cluster.CreateDatabaseAsync("host_runner_migrate");
        var pipelineBuilt = false;

        var exit = await StatelessHost.RunAsync<NotesContext>(
            [StatelessHost.MigrateVerb, "--ConnectionStrings:Notes=" + connectionString],
            builder => builder.AddReplicatedDbContext<NotesContext>("Notes", options =>
                options.ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning))),
            _ => pipelineBuilt = true);

        Assert.Equal(0, exit);
        Assert.False(pipelineBuilt);
        await using var host = await NotesHost.StartAsync(connectionString);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotesContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(["20261125000000_CreateNotes"], await db.Database.GetAppliedMigrationsAsync());
    }

    /// <summary>The <c>healthcheck</c> verb as the container runs it, with ASPNETCORE_URLS = <paramref name="address"/>.</summary>
    private static async Task<(int ExitCode, string Output)> ProbeAsync(string address)
    {
        using var output = new StringWriter();
        var exit = await StatelessHost.RunAsync<NotesContext>(
            [LivenessProbe.Verb],
            _ => throw new InvalidOperationException("healthcheck must not build a host"),
            _ => throw new InvalidOperationException("healthcheck must not build a pipeline"),
            output,
            name => name == "ASPNETCORE_URLS" ? address : null,
            CancellationToken.None);
        return (exit, output.ToString().Trim());
    }
}
