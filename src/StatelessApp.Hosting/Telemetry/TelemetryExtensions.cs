using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StatelessApp.Hosting.Identity;
using StatelessApp.Hosting.Operators;
using StatelessApp.Hosting.Redis;

namespace StatelessApp.Hosting.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The Prometheus scrape endpoint, operators only.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Every building block's meter: <c>StatelessApp.Consistency</c>, <c>StatelessApp.Sessions</c>... (no wiring per meter).</summary>
    public const string BuildingBlockMeters = "StatelessApp.*";

    /// <summary>The Redis instrumentation's ActivitySource: its assembly's name, as the package names it.</summary>
    private static readonly string RedisInstrumentationSource = typeof(StackExchangeRedisInstrumentation).Assembly.GetName().Name!;

    /// <summary>
    /// OpenTelemetry traces, metrics and logs, every signal carrying the instance's region and name: ASP.NET Core server
    /// spans (health probes and scrapes left out), HttpClient, Npgsql and Redis spans; ASP.NET Core, HttpClient, runtime,
    /// Npgsql and <c>StatelessApp.*</c> metrics, scraped at <see cref="MetricsPath"/>; OTLP export of all three when an
    /// endpoint is configured (<see cref="OtlpSettings"/>). <c>Telemetry:Enabled=false</c> registers none of it.
    /// </summary>
    public static IHostApplicationBuilder AddStatelessTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.SectionName)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        if (!IsEnabled(builder.Configuration))
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            // Unvalidated, like the log formatters': the log line that reports a missing Instance setting (or a `migrate`
            // run, which needs none) goes through this resource too.
            .ConfigureResource(resource => resource.AddDetector(services => new InstanceResourceDetector(
                ConfiguredInstance.Read(services.GetRequiredService<IConfiguration>()), services.GetRequiredService<IHostEnvironment>())))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !TelemetryNoise.IsProbeOrScrape(context))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(RedisInstrumentationSource)
                // Spans are made from the profiler's records after their parent ends, every FlushInterval (10 s by default).
                .ConfigureRedisInstrumentation(static _ => { })
                .ConfigureServices(services => services.Configure<StackExchangeRedisInstrumentationOptions>(
                    options => options.FlushInterval = TimeSpan.FromSeconds(1))))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(BuildingBlockMeters)
                .AddPrometheusExporter())
            .WithLogging(static _ => { }, options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = true;
            });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IRedisConnectionObserver, RedisTraceRegistration>());

        if (OtlpSettings.Read(builder.Configuration) is { } otlp)
        {
            if (otlp.Endpoint is { } endpoint)
            {
                telemetry.UseOtlpExporter(otlp.Protocol, endpoint);
            }
            else
            {
                telemetry.UseOtlpExporter();    // the OTEL_EXPORTER_OTLP_* variables, read by the SDK
            }
        }

        return builder;
    }

    /// <summary><c>GET /metrics</c> in Prometheus's text format, for the operators' networks only (404 to others).</summary>
    /// <remarks>Maps nothing when telemetry is off: the path then answers 404 to everyone, like any unknown path.</remarks>
    public static IEndpointRouteBuilder MapStatelessTelemetry(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<MeterProvider>() is not null)
        {
            // Never counted in Redis: a scrape must answer while Redis fails over (drills saw TargetDown{job="app"} otherwise).
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath)
                .RequireOperatorNetwork()
                .DisableHttpMetrics()
                .DisableRateLimiting();
        }

        return endpoints;
    }

    private static bool IsEnabled(IConfiguration configuration)
    {
        var setting = $"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.Enabled)}";
        var value = configuration[setting];
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        return bool.TryParse(value, out var enabled)
            ? enabled
            : throw new OptionsValidationException(TelemetryOptions.SectionName, typeof(TelemetryOptions),
                [$"{setting} must be true or false (got \"{value}\")."]);
    }
}
