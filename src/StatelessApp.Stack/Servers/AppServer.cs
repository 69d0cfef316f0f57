using System.Globalization;
using System.Text.Json;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// An instance of the shop (the published StatelessApp.Web), configured by the CONTRACT's keys as environment variables.
/// It listens on HTTPS only, with its node certificate (Kestrel's own settings: no code in the app).
/// </summary>
public sealed class AppServer : Server
{
    public override NodeKind Kind => NodeKind.App;

    /// <summary>The app drains (Proxy:DrainTimeout, 10 s by default) before it stops.</summary>
    public override TimeSpan StopGrace => TimeSpan.FromSeconds(15);

    /// <summary>How long an instance keeps serving after SIGTERM while its readiness fails (Proxy:DrainDelay).</summary>
    public static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(2);

    public override void Prepare(Node node, StackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        base.Prepare(node, context);
        context.WriteShopDbPasswordFile();
    }

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return LaunchFrom(node, context, context.AppAssembly ?? context.Release?.Assembly ?? context.Paths.AppAssembly);
    }

    /// <summary>The launch of an instance that runs <paramref name="assembly"/> (a rollout starts each instance from its release).</summary>
    public static LaunchSpec LaunchFrom(Node node, StackContext context, string assembly)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(context);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = $"{context.HttpScheme}://{node.Endpoint}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Instance__Region"] = node.Region,
            ["Instance__Name"] = $"app-{node.Ordinal.ToString(CultureInfo.InvariantCulture)}",
            // Workstation GC: four instances share two cores with every server of the stack.
            ["DOTNET_gcServer"] = "0",
            // Two proxies probe /health/ready every 500 ms, each probe runs SQL: keep Npgsql's per-command lines out of the log.
            ["Logging__LogLevel__Npgsql"] = "Warning",
            // Readiness fails first on SIGTERM; HAProxy takes the instance out after fall 2 x inter 500 ms (deploy/haproxy):
            // it keeps serving twice that long, so no proxy sends to it once it stops accepting.
            ["Proxy__DrainDelay"] = DrainDelay.ToString("c", CultureInfo.InvariantCulture),
        };
        context.AddStateSettings(environment);
        if (context.Tls)
        {
            var certificate = context.Certificates.For(node);
            environment["Kestrel__Certificates__Default__Path"] = certificate.CertificateFile;
            environment["Kestrel__Certificates__Default__KeyPath"] = certificate.KeyFile;
        }

        var proxies = context.Topology.NodesOf(NodeKind.Proxy);
        for (var i = 0; i < proxies.Count; i++)
        {
            environment[$"Proxy__KnownProxies__{i.ToString(CultureInfo.InvariantCulture)}"] = proxies[i].Address.ToString();
        }

        environment["AllowedHosts"] = AllowedHosts(context.Topology);
        AddTelemetryExport(environment, context);

        AddSettings(environment, context.AppSettings);

        return new LaunchSpec(context.Tools.Dotnet, [assembly])
        {
            Environment = environment,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
    }

    /// <summary>
    /// Every Host header a client of the stack sends: the DNS name (through either proxy; the proxies pass the client's
    /// Host on) and the proxies' and instances' addresses (`curl https://127.1.0.10:8443/`, the controller's probes).
    /// </summary>
    public static string AllowedHosts(StackTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return string.Join(';', topology.NodesOf(NodeKind.Proxy).Concat(topology.NodesOf(NodeKind.App))
            .Select(node => node.Address.ToString())
            .Prepend(topology.Domain));
    }

    /// <summary>
    /// OTLP to the dashboard when this run has one (the standard variables, which the hosting defaults' telemetry reads);
    /// spans leave every second instead of every 5 s, so a trace is complete in the dashboard soon after its request.
    /// </summary>
    private static void AddTelemetryExport(Dictionary<string, string> environment, StackContext context)
    {
        var dashboard = context.Topology.NodesOf(NodeKind.Dashboard).FirstOrDefault(context.Runs);
        if (dashboard is null)
        {
            return;
        }

        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = DashboardServer.OtlpEndpoint(dashboard).ToString().TrimEnd('/');
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
        environment["OTEL_METRIC_EXPORT_INTERVAL"] = "10000";
    }

    /// <summary>Adds configuration settings ("Section:Key") as the environment variables the app reads them from ("Section__Key").</summary>
    public static void AddSettings(IDictionary<string, string> environment, IEnumerable<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
    }

    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            // Healthy means every check passed: /health/ready also answers 200 when the instance is only Degraded (Redis or
            // the PostgreSQL primary unreachable: it stays in the proxies), and `up` must wait for a fully working app.
            using var response = await context.Http.GetAsync(new Uri($"{context.HttpScheme}://{node.Endpoint}/health/ready"), cancellationToken);
            var status = await OverallStatusAsync(response, cancellationToken);
            return new NodeProbe(response.IsSuccessStatusCode && status == "Healthy", ServerRole.None, $"/health/ready {(int)response.StatusCode} {status}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return NodeProbe.Down(e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>"Healthy", "Degraded" or "Unhealthy" from the app's health JSON ({"status":...,"checks":{...}}).</summary>
    private static async Task<string> OverallStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            return json.RootElement.TryGetProperty("status", out var status) ? status.GetString() ?? "?" : "?";
        }
        catch (JsonException)
        {
            return "?";
        }
    }
}
