using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace StatelessApp.IntegrationTests.Telemetry;

/// <summary>The hosting defaults' OpenTelemetry wiring, against a real Redis, read from in-memory exporters.</summary>
public sealed class AppTelemetryTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_request_is_a_server_span_with_the_region_and_instance_and_its_Redis_command_a_child_span()
    {
        await using var app = await TelemetryTestApp.StartAsync(redis);
        using var client = new HttpClient { BaseAddress = app.Address };

        var response = await client.GetAsync(TelemetryTestApp.TouchPath);

        response.EnsureSuccessStatusCode();
        var server = await Poll.UntilAsync("the server span of GET /touch",
            _ => Task.FromResult(app.OwnSpans().FirstOrDefault(span => span.Kind == ActivityKind.Server && span.GetTagItem("url.path") as string == TelemetryTestApp.TouchPath)),
            span => span is not null, Patience);
        // StackExchange.Redis 3.4 through the prerelease instrumentation: the span is made from the profiler's record.
        var redisSpan = await Poll.UntilAsync("the Redis span under it",
            _ => Task.FromResult(app.OwnSpans().FirstOrDefault(span => span.ParentSpanId == server!.SpanId && span.GetTagItem("db.system") as string == "redis")),
            span => span is not null, Patience);
        var resource = ResourceOf(app);
        Assert.Equal(TelemetryTestApp.Region, resource["cloud.region"]);
        Assert.Equal($"{TelemetryTestApp.Region}/{TelemetryTestApp.InstanceName}", resource["service.instance.id"]);
        Assert.Equal(server!.TraceId, redisSpan!.TraceId);
        Assert.Equal("GET", redisSpan.DisplayName);
    }

    [Fact]
    public async Task Health_probes_and_scrapes_make_no_span()
    {
        await using var app = await TelemetryTestApp.StartAsync(redis);
        using var client = new HttpClient { BaseAddress = app.Address };

        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();
        (await client.GetAsync("/metrics")).EnsureSuccessStatusCode();
        (await client.GetAsync(TelemetryTestApp.TouchPath)).EnsureSuccessStatusCode();
        await Poll.UntilAsync("the span of GET /touch",
            _ => Task.FromResult(app.OwnSpans().Any(span => span.GetTagItem("url.path") as string == TelemetryTestApp.TouchPath)), Patience);

        Assert.DoesNotContain(app.OwnSpans(), span => span.Kind == ActivityKind.Server && span.GetTagItem("url.path") as string != TelemetryTestApp.TouchPath);
    }

    [Fact]
    public async Task Metrics_answer_the_operators_network_in_Prometheus_format()
    {
        await using var app = await TelemetryTestApp.StartAsync(redis);
        using var client = new HttpClient { BaseAddress = app.Address };
        (await client.GetAsync(TelemetryTestApp.TouchPath)).EnsureSuccessStatusCode();

        var metrics = await Poll.UntilAsync("the request counted in /metrics",
            async token => await client.GetStringAsync("/metrics", token),
            text => text.Contains("http_server_request_duration_seconds_count", StringComparison.Ordinal), Patience);

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("cloud_region=\"b\"", metrics, StringComparison.Ordinal); // target_info carries the resource
    }

    [Fact]
    public async Task The_scrape_endpoint_is_never_counted_against_a_rate_limit()
    {
        await using var app = await TelemetryTestApp.StartAsync(redis);

        // The request limits count in Redis: a scrape that waited on them would fail while Redis fails over.
        var scrape = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(endpoint => endpoint.RoutePattern.RawText == "/metrics");

        Assert.NotNull(scrape.Metadata.GetMetadata<DisableRateLimitingAttribute>());
    }

    [Fact]
    public async Task Metrics_answer_anyone_else_404()
    {
        await using var app = await TelemetryTestApp.StartAsync(redis, new Dictionary<string, string?> { ["Operators:Networks:0"] = "10.9.0.0/16" });
        using var client = new HttpClient { BaseAddress = app.Address };

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("# TYPE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_records_carry_the_trace_of_the_request_that_wrote_them()
    {
        await using var app = await TelemetryTestApp.StartAsync(redis);
        using var client = new HttpClient { BaseAddress = app.Address };

        (await client.GetAsync(TelemetryTestApp.TouchPath)).EnsureSuccessStatusCode();

        var server = await Poll.UntilAsync("the server span",
            _ => Task.FromResult(app.OwnSpans().FirstOrDefault(span => span.Kind == ActivityKind.Server)), span => span is not null, Patience);
        Assert.Contains(app.LogRecords.Snapshot(), record => record.TraceId == server!.TraceId);
    }

    [Fact]
    public async Task Disabled_registers_no_provider_and_no_metrics_endpoint()
    {
        await using var app = await TelemetryTestApp.StartAsync(redis, new Dictionary<string, string?> { ["Telemetry:Enabled"] = "false" });
        using var client = new HttpClient { BaseAddress = app.Address };

        var metrics = await client.GetAsync("/metrics");

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<LoggerProvider>());
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
    }

    [Theory]
    [InlineData("Telemetry:Otlp:Endpoint", "127.3.0.91:18890")]
    [InlineData("Telemetry:Otlp:Protocol", "http/json")]
    public async Task A_bad_setting_stops_start_up_naming_it(string setting, string value)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TelemetryTestApp.StartAsync(redis, new Dictionary<string, string?> { [setting] = value }));

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_switch_that_is_not_a_boolean_stops_start_up_naming_it()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TelemetryTestApp.StartAsync(redis, new Dictionary<string, string?> { ["Telemetry:Enabled"] = "yes" }));

        Assert.Contains("Telemetry:Enabled", failure.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, object> ResourceOf(TelemetryTestApp app) =>
        app.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(pair => pair.Key, pair => pair.Value);
}
