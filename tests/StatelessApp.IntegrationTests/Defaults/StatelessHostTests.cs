using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
        var serving = await StartServingAsync(["--urls", address], stop.Token);

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
    public async Task The_healthcheck_verb_accepts_an_HTTPS_instance_by_its_own_certificate_only()
    {
        var folder = Directory.CreateTempSubdirectory("healthcheck-tls-").FullName;
        var (certificate, key) = WriteSelfSigned(folder, "instance");
        var (otherCertificate, _) = WriteSelfSigned(folder, "other");
        var address = $"https://127.0.0.1:{LoopbackPorts.FreeTcp()}";
        using var stop = new CancellationTokenSource();
        var serving = await StartServingAsync(["--urls", address, "--Kestrel:Certificates:Default:Path=" + certificate, "--Kestrel:Certificates:Default:KeyPath=" + key], stop.Token);

        var own = await ProbeAsync(address, certificate);
        var other = await ProbeAsync(address, otherCertificate);
        var none = await ProbeAsync(address);
        await stop.CancelAsync();
        await serving;
        Directory.Delete(folder, recursive: true);

        Assert.Equal((0, $"{address}/health/live: 200"), own);
        Assert.Equal(1, other.ExitCode);
        Assert.Equal(1, none.ExitCode); // the machine's trust store does not hold a self-signed certificate
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

    /// <summary>Runs the host with <paramref name="args"/> until <paramref name="stop"/>; returns once it serves.</summary>
    private static async Task<Task<int>> StartServingAsync(string[] args, CancellationToken stop)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = StatelessHost.RunAsync<NotesContext>(
            args,
            builder => builder.AddStatelessHealthChecks(),
            app =>
            {
                app.Lifetime.ApplicationStarted.Register(started.SetResult);
                app.MapStatelessDefaults();
            },
            stop);
        await Task.WhenAny(started.Task, serving);
        Assert.True(started.Task.IsCompleted, serving.Exception?.ToString());
        return serving;
    }

    /// <summary>
    /// The <c>healthcheck</c> verb as the container runs it, with ASPNETCORE_URLS = <paramref name="address"/> and Kestrel's
    /// certificate setting = <paramref name="certificateFile"/>.
    /// </summary>
    private static async Task<(int ExitCode, string Output)> ProbeAsync(string address, string? certificateFile = null)
    {
        using var output = new StringWriter();
        var exit = await StatelessHost.RunAsync<NotesContext>(
            [LivenessProbe.Verb],
            _ => throw new InvalidOperationException("healthcheck must not build a host"),
            _ => throw new InvalidOperationException("healthcheck must not build a pipeline"),
            output,
            TextWriter.Null,
            name => name switch
            {
                "ASPNETCORE_URLS" => address,
                LivenessProbe.CertificateVariable => certificateFile,
                _ => null,
            },
            CancellationToken.None);
        return (exit, output.ToString().Trim());
    }

    /// <summary>A self-signed server certificate for 127.0.0.1, as PEM certificate and key files.</summary>
    private static (string Certificate, string Key) WriteSelfSigned(string folder, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificateFile = Path.Combine(folder, name + ".crt");
        var keyFile = Path.Combine(folder, name + ".key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile);
    }
}
