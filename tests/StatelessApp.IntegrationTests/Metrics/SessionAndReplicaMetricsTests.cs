using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Metrics;

/// <summary>
/// The session store and WAIT publish what they did, against a real primary and replica: a change is a load and a save
/// with a confirmed WAIT (outcome ok); with the replica gone the save and its WAIT are timeouts (the 503), the load
/// still ok.
/// </summary>
public sealed class SessionAndReplicaMetricsTests(RedisReplicaPair redis) : IClassFixture<RedisReplicaPair>
{
    [Fact]
    public async Task A_change_records_load_and_save_ok_and_one_confirmed_replica_ack()
    {
        await using var app = await SessionTestApp.StartAsync(redis.Primary, RedisReplicaPair.RequireOneReplica());
        using var sessions = SessionDurations(app);
        using var acks = ReplicaAckDurations(app);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/initial", null)).EnsureSuccessStatusCode();
        sessions.Clear();
        acks.Clear();

        (await client.PostAsync("/session/changed", null)).EnsureSuccessStatusCode();

        Assert.Equal(["load/ok", "save/ok"], Tags(sessions));
        var ack = Assert.Single(acks.GetMeasurementSnapshot());
        Assert.Equal("ok", ack.Tags["outcome"]);
        Assert.InRange(ack.Value, 0, Assert.Single(sessions.GetMeasurementSnapshot(), m => (string?)m.Tags["operation"] == "save").Value);
    }

    [Fact]
    public async Task Without_a_replica_the_save_and_its_WAIT_are_timeouts_and_the_load_is_ok()
    {
        await using var app = await SessionTestApp.StartAsync(redis.Primary, RedisReplicaPair.RequireOneReplica("00:00:00.200"));
        using var sessions = SessionDurations(app);
        using var acks = ReplicaAckDurations(app);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/before-outage", null)).EnsureSuccessStatusCode();
        sessions.Clear();
        acks.Clear();

        redis.StopReplica();
        try
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsync("/session/during-outage", null)).StatusCode);
        }
        finally
        {
            await redis.StartReplicaAsync();
        }

        Assert.Equal(["load/ok", "save/timeout"], Tags(sessions));
        var ack = Assert.Single(acks.GetMeasurementSnapshot());
        Assert.Equal("timeout", ack.Tags["outcome"]);
        Assert.True(ack.Value >= 0.2, $"WAIT took {ack.Value} s, less than its 200 ms timeout");
    }

    private static MetricCollector<double> SessionDurations(SessionTestApp app) =>
        new(app.Services.GetRequiredService<IMeterFactory>(), SessionMetrics.MeterName, "statelessapp.sessions.operation.duration");

    private static MetricCollector<double> ReplicaAckDurations(SessionTestApp app) =>
        new(app.Services.GetRequiredService<IMeterFactory>(), RedisMetrics.MeterName, "statelessapp.redis.replica_ack.duration");

    private static IEnumerable<string> Tags(MetricCollector<double> collector) =>
        collector.GetMeasurementSnapshot().Select(m => $"{m.Tags["operation"]}/{m.Tags["outcome"]}").Order();
}
