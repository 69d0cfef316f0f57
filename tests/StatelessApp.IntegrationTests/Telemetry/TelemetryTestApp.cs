using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using StatelessApp.Hosting.Defaults;

namespace StatelessApp.IntegrationTests.Telemetry;

/// <summary>
/// An app with the basic stateless defaults (telemetry included) on Kestrel on loopback, whose spans and log records
/// also go to in-memory exporters; <c>/touch</c> logs a line and reads a Redis key, so a request has a log record and a
/// Redis span under it.
/// </summary>
internal sealed class TelemetryTestApp : IAsyncDisposable
{
    public const string TouchPath = "/touch";
    public const string Region = "b";
    public const string InstanceName = "app-7";

    private readonly WebApplication _app;

    private TelemetryTestApp(WebApplication app, LockedCollection<Activity> spans, LockedCollection<LogRecord> logRecords)
    {
        _app = app;
        Spans = spans;
        LogRecords = logRecords;
        Address = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Every span the in-memory exporter saw: ActivitySource listeners are process-wide, so spans of other test
    /// hosts running at the same time are in it too; <see cref="OwnSpans"/> keeps this app's.</summary>
    public LockedCollection<Activity> Spans { get; }

    /// <summary>The spans of the traces this app served: its server spans (by the port they answered on) and their children.</summary>
    public IReadOnlyList<Activity> OwnSpans()
    {
        var spans = Spans.Snapshot();
        var traces = spans.Where(span => span.Kind == ActivityKind.Server && IsThisPort(span.GetTagItem("server.port")))
            .Select(span => span.TraceId).ToHashSet();
        return [.. spans.Where(span => traces.Contains(span.TraceId))];
    }

    private bool IsThisPort(object? port) => port is not null && Convert.ToInt32(port, System.Globalization.CultureInfo.InvariantCulture) == Address.Port;

    public LockedCollection<LogRecord> LogRecords { get; }

    /// <summary>The builder with the instance identity and Redis settings every instance has, plus the test's own.</summary>
    public static WebApplicationBuilder NewBuilder(RedisServer redis, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Instance:Region"] = Region,
            ["Instance:Name"] = InstanceName,
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }

    public static async Task<TelemetryTestApp> StartAsync(RedisServer redis, IDictionary<string, string?>? settings = null)
    {
        var builder = NewBuilder(redis, settings);
        builder.AddBasicStatelessDefaults();
        var spans = new LockedCollection<Activity>();
        var logRecords = new LockedCollection<LogRecord>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(logRecords));

        var app = builder.Build();
        app.UseBasicStatelessDefaults();
        app.MapStatelessDefaults();
        app.MapGet(TouchPath, async (IConnectionMultiplexer connection, ILoggerFactory loggers) =>
        {
            // A log line written while serving: the warm-up connected Redis before the first request, so nothing else logs here.
            loggers.CreateLogger("StatelessApp.IntegrationTests.Touch").LogInformation("Touch read from Redis");
            return (string?)await connection.GetDatabase().StringGetAsync("telemetry-test:touch") ?? "none";
        });
        await app.StartAsync();
        return new TelemetryTestApp(app, spans, logRecords);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
