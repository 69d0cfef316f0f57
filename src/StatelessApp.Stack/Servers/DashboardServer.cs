using System.Reflection;
using StatelessApp.Stack.Processes;
using StatelessApp.Stack.Topology;

namespace StatelessApp.Stack.Servers;

/// <summary>
/// The Aspire dashboard, standalone, at the witness site: an OTLP/HTTP receiver the app instances export their traces,
/// metrics and logs to, with its UI and HTTP telemetry API (<c>/api/telemetry/…</c>) on the other port. Plain HTTP and no
/// login (ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS): local only, on a loopback address, as Prometheus is. Its
/// telemetry lives in memory; a restart forgets it.
/// </summary>
public sealed class DashboardServer : Server
{
    /// <summary>The NuGet package that ships the dashboard (restored by this project's PackageDownload).</summary>
    public const string Package = "Aspire.Dashboard.Sdk.linux-x64";

    public override NodeKind Kind => NodeKind.Dashboard;

    public override TimeSpan StopGrace => TimeSpan.FromSeconds(5);

    /// <summary>The UI and the telemetry API.</summary>
    public static Uri Url(Node node) => new($"http://{node.Endpoint}/");

    /// <summary>What the apps' OTEL_EXPORTER_OTLP_ENDPOINT names (protocol http/protobuf).</summary>
    public static Uri OtlpEndpoint(Node node) => new($"http://{node.Address}:{node.Ports[1].Number}");

    /// <summary>
    /// The dashboard's own executable: a self-contained single-file program in the package's tools folder (no dll, so no
    /// dependency on the installed ASP.NET Core runtime), where this build restored it.
    /// </summary>
    public static string Executable =>
        typeof(DashboardServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AspireDashboardExecutable")?.Value
        ?? throw new InvalidOperationException($"the stack controller was built without {Package} (its PackageDownload)");

    public override LaunchSpec Launch(Node node, StackContext context)
    {
        if (!File.Exists(Executable))
        {
            throw new FileNotFoundException($"{Package} is not restored at {Executable}: build src/StatelessApp.Stack again (`./stack up` does).");
        }

        return new LaunchSpec(Executable, [])
        {
            Environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["ASPNETCORE_URLS"] = Url(node).ToString().TrimEnd('/'),
                ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = OtlpEndpoint(node).ToString().TrimEnd('/'),
                ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
                // Workstation GC: it shares two cores with every server of the stack.
                ["DOTNET_gcServer"] = "0",
            },
            WorkingDirectory = context.Paths.DataOf(node.Name),
        };
    }

    /// <summary>Healthy when the telemetry API answers; the detail is the URL to open.</summary>
    public override async Task<NodeProbe> ProbeAsync(Node node, StackContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await context.Http.GetAsync(new Uri(Url(node), "api/telemetry/resources"), cancellationToken);
            return response.IsSuccessStatusCode
                ? new NodeProbe(true, ServerRole.None, Url(node).ToString())
                : NodeProbe.Down($"/api/telemetry/resources: {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return NodeProbe.Down(e.InnerException?.Message ?? e.Message);
        }
    }
}
