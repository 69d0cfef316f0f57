using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Data.Migrations;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.KeyRing;

namespace StatelessApp.Hosting.Defaults;

/// <summary>
/// Runs a stateless app's process: one image, three uses, chosen by the first argument.
/// <list type="bullet">
/// <item><c>healthcheck</c>: asks a running instance's /health/live and exits 0 or 1 (<see cref="LivenessProbe"/>,
/// the container image's health check); no host is built, no server is touched.</item>
/// <item><c>migrate</c>: applies <c>TContext</c>'s migrations on the primary, creates the DataProtection key ring's first
/// key when the ring has none (<see cref="KeyRingFirstKey"/>; when the app uses <c>AddRedisKeyRing</c>), and exits.
/// Instances never do either at start-up: several starting at once would race (two schema changes, or one key each
/// that the others do not know yet), and scaling out must not change the schema as a side effect. Exits
/// <see cref="MigrationRefusedException.ExitCode"/> (3), the refusal on standard error, when a pending migration would
/// break the release still running (<see cref="ExpandContractRules"/>); nothing is applied then.</item>
/// <item>anything else: serves until shut down (the arguments are configuration, as usual).</item>
/// </list>
/// </summary>
public static class StatelessHost
{
    public const string MigrateVerb = "migrate";

    /// <summary>
    /// Configuration values that hold secrets, one file each (name = key, "__" for ":"): a container's connection
    /// strings arrive here, never in its environment (deploy/compose/site-secrets.sh). Absent outside containers.
    /// </summary>
    public const string SecretFilesDirectory = "/run/secrets/config";

    /// <param name="args">The process's arguments: a verb, or configuration.</param>
    /// <param name="configure">Registers the app's services (AddStatelessDefaults, its DbContext, its own parts).</param>
    /// <param name="pipeline">Builds the request pipeline (UseStatelessDefaults, MapStatelessDefaults, its own parts).</param>
    /// <param name="cancellationToken">Stops the migration or the server.</param>
    public static Task<int> RunAsync<TContext>(
        string[] args,
        Action<WebApplicationBuilder> configure,
        Action<WebApplication> pipeline,
        CancellationToken cancellationToken = default)
        where TContext : DbContext =>
        RunAsync<TContext>(args, configure, pipeline, Console.Out, Console.Error, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>The same, with the probe's output, the refusal's output and the environment the probe reads its target from given.</summary>
    internal static async Task<int> RunAsync<TContext>(
        string[] args,
        Action<WebApplicationBuilder> configure,
        Action<WebApplication> pipeline,
        TextWriter output,
        TextWriter error,
        Func<string, string?> environment,
        CancellationToken cancellationToken)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(pipeline);

        if (args is [LivenessProbe.Verb])
        {
            return await LivenessProbe.RunAsync(output, environment("ASPNETCORE_URLS"), environment("ASPNETCORE_HTTP_PORTS"),
                environment(LivenessProbe.CertificateVariable), cancellationToken);
        }

        var migrate = args is [MigrateVerb, ..];
        var builder = WebApplication.CreateBuilder(migrate ? args[1..] : args);
        builder.Configuration.AddKeyPerFile(SecretFilesDirectory, optional: true);
        configure(builder);
        var app = builder.Build();
        if (migrate)
        {
            await using (app)
            {
                try
                {
                    await app.MigrateDatabaseAsync<TContext>(cancellationToken: cancellationToken);
                }
                catch (MigrationRefusedException refusal)
                {
                    await error.WriteLineAsync(refusal.Message);
                    return MigrationRefusedException.ExitCode;
                }

                KeyRingFirstKey.CreateIfMissing(app.Services, cancellationToken);
            }

            return 0;
        }

        // Not disposed here when the pipeline throws: WebApplicationFactory still reads the built host's services to
        // report the error; RunAsync disposes the host when it stops.
        pipeline(app);
        await app.RunAsync(cancellationToken);
        return 0;
    }
}
