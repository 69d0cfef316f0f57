using StatelessApp.TestKit.Prometheus;

namespace StatelessApp.IntegrationTests.TestKit;

/// <summary>The drills' alert checks read a real Prometheus: what its API answers for firing, pending and silent rules.</summary>
public sealed class PrometheusClientTests
{
    private const string Rules = """
        groups:
          - name: probe
            rules:
              - alert: AlwaysFiring
                expr: vector(1)
                labels:
                  severity: ticket
                  job: redis
              - alert: NeverFiring
                expr: vector(0) > 1
              - alert: PendingForAnHour
                expr: vector(1)
                for: 1h
        """;

    [Fact]
    public async Task Firing_alerts_over_a_window_are_the_firing_rules_only_with_their_labels()
    {
        await using var prometheus = await PrometheusServer.StartAsync(Rules);
        using var client = new PrometheusClient(prometheus.Address);
        var start = DateTimeOffset.UtcNow;

        // An alert without for: fires at the first evaluation (which Prometheus starts a moment after it is ready); a few
        // more evaluations give the window several samples of it.
        var fired = await Poll.UntilAsync("AlwaysFiring to have fired over three evaluations",
            ct => client.FiringAlertsAsync(start.AddSeconds(-5), DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), ct),
            spans => spans.Any(s => s.To - s.From >= TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(30), interval: TimeSpan.FromMilliseconds(500));

        var span = Assert.Single(fired);
        Assert.Equal("AlwaysFiring", span.Name);
        Assert.Equal("redis", span.Label("job"));
        Assert.Equal("ticket", span.Label("severity"));
        Assert.Empty(AlertExpectation.Check(fired, [new AlertExpectation("AlwaysFiring", "job", "redis")]));
        Assert.Equal(["NeverFiring did not fire", "AlwaysFiring{job=\"redis\"} fired unexpectedly"],
            AlertExpectation.Check(fired, [new AlertExpectation("NeverFiring")]));

        Assert.Equal(["AlwaysFiring"], (await client.FiringNowAsync()).Select(labels => labels["alertname"]));
        Assert.Equal(["AlwaysFiring", "PendingForAnHour"], (await client.ActiveNowAsync()).Select(labels => labels["alertname"]));
    }

    [Fact]
    public async Task A_query_Prometheus_refuses_is_an_error_naming_its_reason()
    {
        await using var prometheus = await PrometheusServer.StartAsync("groups: []\n");
        using var client = new PrometheusClient(prometheus.Address);
        var now = DateTimeOffset.UtcNow;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.FiringAlertsAsync(now, now.AddMinutes(-1), TimeSpan.FromSeconds(1)));

        Assert.Contains("end timestamp must not be before start time", error.Message, StringComparison.Ordinal);
    }
}
