using System.Net.Http.Json;
using System.Text.Json;
using StatelessApp.Stack.Topology;
using StatelessApp.StackTests.Fixtures;
using StatelessApp.TestKit.Prometheus;
using StatelessApp.TestKit.Stacks;

namespace StatelessApp.StackTests.Observability;

/// <summary>
/// The stack's Prometheus reads every server and its alerting rules work on the running stack: every target up, with
/// its job, instance and region, and no alert on a healthy stack; a killed Sentinel fires SentinelMemberMissing for that
/// Sentinel and nothing else, and the alert resolves once the Sentinel is back.
/// </summary>
[Collection(StackTestGroup.Name)]
public sealed class PrometheusStackTests(StackFixture stack) : IDisposable
{
    /// <summary>Scrapes and evaluations run every METRICS_INTERVAL_SECONDS (1 s): no `for:` of alerts.yml is longer than 30 of them.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(40);

    private readonly Uri _url = Stack.Servers.PrometheusServer.Url(stack.Topology.NodesOf(NodeKind.Prometheus)[0]);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private PrometheusClient? _prometheus;

    private PrometheusClient Prometheus => _prometheus ??= new PrometheusClient(_url);

    [Fact]
    public async Task Every_server_is_scraped_with_its_job_instance_and_region_and_a_healthy_stack_fires_no_alert()
    {
        var targets = await Poll.UntilAsync("every Prometheus target up", TargetsAsync, t => t.Count > 0 && t.All(x => x.Health == "up"),
            Settle, retryOn: e => e is HttpRequestException, interval: TimeSpan.FromMilliseconds(500));

        string[] expected =
        [
            .. Expected("app", NodeKind.App), .. Expected("proxy", NodeKind.Proxy), .. Expected("redis", NodeKind.Redis),
            .. Expected("sentinel", NodeKind.Sentinel), .. Expected("postgres", NodeKind.Postgres), .. Expected("patroni", NodeKind.Postgres),
            .. Expected("etcd", NodeKind.Etcd), .. Expected("prometheus", NodeKind.Prometheus),
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), targets.Select(t => $"{t.Job}/{t.Instance}/{t.Region}").Order(StringComparer.Ordinal));

        // Rules have run for longer than any `for:` once every target answered for as long: nothing fires on a healthy stack.
        var since = DateTimeOffset.UtcNow;
        await Poll.UntilAsync("30 rule evaluations after every target answered", ct => Prometheus.RulesEvaluatedAtAsync(ct),
            at => at > since + TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), interval: TimeSpan.FromSeconds(1));
        Assert.Empty(await Prometheus.FiringAlertsAsync(since, DateTimeOffset.UtcNow, stack.Topology.MetricsInterval));
    }

    [Fact]
    public async Task A_killed_Sentinel_fires_SentinelMemberMissing_for_it_alone_and_it_resolves_when_the_Sentinel_is_back()
    {
        await Poll.UntilAsync("no alert firing", ct => Prometheus.FiringNowAsync(ct), a => a.Count == 0, Settle, interval: TimeSpan.FromMilliseconds(500));
        var sentinel = stack.Topology.NodeOf(NodeKind.Sentinel, "a");
        Assert.Single(stack.Controller.Kill(sentinel.Name));
        try
        {
            var firing = await Poll.UntilAsync($"SentinelMemberMissing for {sentinel.Name} to fire", ct => Prometheus.FiringNowAsync(ct),
                a => a.Any(alert => alert["alertname"] == "SentinelMemberMissing"), Settle, interval: TimeSpan.FromMilliseconds(250));

            // Anything else firing means the lost Sentinel reached further than its own exporter: name it.
            Assert.True(firing.Count == 1, $"firing with one Sentinel down: {string.Join("; ", firing.Select(Describe))}");
            var alert = firing[0];
            Assert.Equal(("SentinelMemberMissing", sentinel.Name, "a", "page"), (alert["alertname"], alert["instance"], alert["region"], alert["severity"]));
        }
        finally
        {
            await stack.Controller.RestoreAsync();
        }

        await Poll.UntilAsync("SentinelMemberMissing to resolve", ct => Prometheus.FiringNowAsync(ct), a => a.Count == 0, Settle,
            interval: TimeSpan.FromMilliseconds(250));
    }

    public void Dispose()
    {
        _prometheus?.Dispose();
        _http.Dispose();
    }

    private static string Describe(IReadOnlyDictionary<string, string> alert) =>
        string.Join(", ", alert.OrderBy(label => label.Key, StringComparer.Ordinal).Select(label => $"{label.Key}={label.Value}"));

    private IEnumerable<string> Expected(string job, NodeKind kind) => stack.Topology.NodesOf(kind).Select(n => $"{job}/{n.Name}/{n.Region}");

    private async Task<IReadOnlyList<(string Job, string Instance, string Region, string Health)>> TargetsAsync(CancellationToken cancellationToken)
    {
        var answer = await _http.GetFromJsonAsync<JsonElement>(new Uri(_url, "api/v1/targets?state=active"), cancellationToken);
        return [.. answer.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Select(t =>
        {
            var labels = t.GetProperty("labels");
            return (labels.GetProperty("job").GetString()!, labels.GetProperty("instance").GetString()!, labels.GetProperty("region").GetString()!,
                t.GetProperty("health").GetString()!);
        })];
    }
}
