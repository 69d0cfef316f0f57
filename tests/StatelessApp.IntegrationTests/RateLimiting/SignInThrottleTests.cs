using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StatelessApp.Hosting.RateLimiting;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Network;

namespace StatelessApp.IntegrationTests.RateLimiting;

/// <summary>
/// The sign-in throttle on a real Redis: instances share the per-account and per-client counts, every spelling of an
/// account name is one counter (and no email reaches Redis), an address paused by its own limit adds nothing to the
/// accounts it names, a new window lets attempts in again, and a dead Redis refuses sign-ins (fail closed).
/// </summary>
public sealed class SignInThrottleTests(RedisServer redis) : IClassFixture<RedisServer>
{
    /// <summary>The beginning of a 15 min window (windows are aligned on the Unix epoch).</summary>
    private static readonly DateTimeOffset WindowStart = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_instances_share_one_account_limit_whatever_the_address_and_the_spelling()
    {
        var time = new FakeTimeProvider(WindowStart);
        var settings = SignInThrottleHost.Settings(perAccount: 4, perClient: 100);
        await using var a = await SignInThrottleHost.StartAsync(redis.ConnectionString, time, settings);
        await using var b = await SignInThrottleHost.StartAsync(redis.ConnectionString, time, settings);
        using var refusals = Refusals(b);
        string[] spellings = ["alice@example.com", "Alice@Example.COM", " alice@example.com ", "ALICE@EXAMPLE.COM"];

        var outcomes = new List<SignInThrottleOutcome>();
        for (var i = 0; i < spellings.Length; i++)
        {
            var instance = i % 2 == 0 ? a : b;
            outcomes.Add((await instance.Throttle.CheckAsync(spellings[i], IPAddress.Parse($"192.0.2.{i + 1}"), CancellationToken.None)).Outcome);
        }

        time.Advance(TimeSpan.FromMinutes(5));
        var paused = await b.Throttle.CheckAsync("alice@EXAMPLE.com", IPAddress.Parse("198.51.100.9"), CancellationToken.None);
        var other = await a.Throttle.CheckAsync("bob@example.com", IPAddress.Parse("192.0.2.1"), CancellationToken.None);

        Assert.All(outcomes, outcome => Assert.Equal(SignInThrottleOutcome.Allowed, outcome));
        Assert.Equal(new SignInThrottleVerdict(SignInThrottleOutcome.AccountPaused, 600), paused);
        Assert.True(other.IsAllowed);
        var keys = await KeysAsync(settings);
        Assert.NotEmpty(keys);
        Assert.DoesNotContain(keys, key => key.Contains("alice", StringComparison.OrdinalIgnoreCase) || key.Contains("example", StringComparison.OrdinalIgnoreCase));
        Assert.Single(a.Logs.Lines.Concat(b.Logs.Lines), line => line.Message.StartsWith("Rate limit SignInPerAccount reached by account-", StringComparison.Ordinal));
        var refusal = Assert.Single(refusals.GetMeasurementSnapshot());
        Assert.Equal(("SignInPerAccount", "over"), (refusal.Tags["limit"], refusal.Tags["reason"]));
    }

    [Fact]
    public async Task One_address_is_limited_across_accounts_and_its_refused_attempts_do_not_pause_them()
    {
        var time = new FakeTimeProvider(WindowStart);
        var settings = SignInThrottleHost.Settings(perAccount: 3, perClient: 5);
        await using var a = await SignInThrottleHost.StartAsync(redis.ConnectionString, time, settings);
        await using var b = await SignInThrottleHost.StartAsync(redis.ConnectionString, time, settings);
        var attacker = IPAddress.Parse("2001:db8:7:7::1");

        var spray = new List<SignInThrottleOutcome>();
        for (var i = 0; i < 5; i++)
        {
            spray.Add((await (i % 2 == 0 ? a : b).Throttle.CheckAsync($"user{i}@example.com", attacker, CancellationToken.None)).Outcome);
        }

        // The same /64 is the same client; what it sends now, refused, must not count against carol.
        var refused = new List<SignInThrottleVerdict>();
        for (var i = 0; i < 3; i++)
        {
            refused.Add(await a.Throttle.CheckAsync("carol@example.com", IPAddress.Parse($"2001:db8:7:7::{i + 100}"), CancellationToken.None));
        }

        var carol = new List<SignInThrottleOutcome>();
        for (var i = 0; i < 3; i++)
        {
            carol.Add((await b.Throttle.CheckAsync("carol@example.com", IPAddress.Parse("203.0.113.5"), CancellationToken.None)).Outcome);
        }

        Assert.All(spray, outcome => Assert.Equal(SignInThrottleOutcome.Allowed, outcome));
        Assert.All(refused, verdict => Assert.Equal(new SignInThrottleVerdict(SignInThrottleOutcome.ClientPaused, 900), verdict));
        Assert.All(carol, outcome => Assert.Equal(SignInThrottleOutcome.Allowed, outcome));
    }

    [Fact]
    public async Task The_next_window_lets_a_paused_account_in_again()
    {
        var time = new FakeTimeProvider(WindowStart.AddMinutes(14));
        await using var app = await SignInThrottleHost.StartAsync(redis.ConnectionString, time, SignInThrottleHost.Settings(perAccount: 1, perClient: 100));
        var client = IPAddress.Parse("192.0.2.50");

        var first = await app.Throttle.CheckAsync("dave@example.com", client, CancellationToken.None);
        var paused = await app.Throttle.CheckAsync("dave@example.com", client, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(paused.RetryAfterSeconds));
        var again = await app.Throttle.CheckAsync("dave@example.com", client, CancellationToken.None);

        Assert.True(first.IsAllowed);
        Assert.Equal(new SignInThrottleVerdict(SignInThrottleOutcome.AccountPaused, 60), paused);
        Assert.True(again.IsAllowed);
    }

    [Fact]
    public async Task Without_Redis_every_attempt_is_refused_with_one_warning()
    {
        var time = new FakeTimeProvider(WindowStart);
        await using var app = await SignInThrottleHost.StartAsync($"127.0.0.1:{LoopbackPorts.FreeTcp()},abortConnect=false,connectTimeout=200", time,
            SignInThrottleHost.Settings(perAccount: 100, perClient: 100));
        using var refusals = Refusals(app);

        var verdicts = new List<SignInThrottleVerdict>();
        for (var i = 0; i < 4; i++)
        {
            verdicts.Add(await app.Throttle.CheckAsync("erin@example.com", i % 2 == 0 ? IPAddress.Parse("192.0.2.60") : null, CancellationToken.None));
        }

        Assert.All(verdicts, verdict => Assert.Equal(SignInThrottleOutcome.Unavailable, verdict.Outcome));
        var warning = Assert.Single(app.Logs.Lines, line => line.Message.StartsWith("Sign-in attempts refused (failing closed)", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        // Tagged with the limit that could not be counted: by address when there is one, else by account.
        Assert.Equal(["SignInPerAccount/unavailable", "SignInPerAccount/unavailable", "SignInPerClient/unavailable", "SignInPerClient/unavailable"],
            refusals.GetMeasurementSnapshot().Select(m => $"{m.Tags["limit"]}/{m.Tags["reason"]}").Order());
    }

    private static MetricCollector<long> Refusals(SignInThrottleHost host) =>
        new(host.Services.GetRequiredService<IMeterFactory>(), RateLimitMetrics.MeterName, "statelessapp.ratelimiting.refusals");

    [Fact]
    public async Task With_the_limits_switched_off_nothing_is_counted()
    {
        var time = new FakeTimeProvider(WindowStart);
        var settings = SignInThrottleHost.Settings(perAccount: 1, perClient: 1);
        settings["RateLimits:Enabled"] = "false";
        await using var app = await SignInThrottleHost.StartAsync(redis.ConnectionString, time, settings);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await app.Throttle.CheckAsync("frank@example.com", IPAddress.Parse("192.0.2.70"), CancellationToken.None)).IsAllowed);
        }

        Assert.Empty(await KeysAsync(settings));
    }

    [Fact]
    public async Task A_cancelled_attempt_is_a_cancellation_not_a_refusal()
    {
        await using var app = await SignInThrottleHost.StartAsync(redis.ConnectionString, new FakeTimeProvider(WindowStart), SignInThrottleHost.Settings(perAccount: 5, perClient: 5));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            app.Throttle.CheckAsync("grace@example.com", IPAddress.Parse("192.0.2.80"), new CancellationToken(canceled: true)));
        Assert.DoesNotContain(app.Logs.Lines, line => line.Level >= LogLevel.Warning);
    }

    private async Task<List<string>> KeysAsync(Dictionary<string, string?> settings)
    {
        var admin = await redis.AdminAsync();
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: settings["RateLimits:KeyPrefix"] + "*"))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }
}
