using StatelessApp.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>
/// The same requests against Microsoft's stack (AddStackExchangeRedisCache + AddSession/UseSession), counted the
/// same way, for the comparison in docs/sessions-and-keyring.md. The assertions pin what was measured.
/// </summary>
public sealed class StockSessionCostTests(RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>
{
    private const string StockCookieName = ".AspNetCore.Session";

    /// <summary>
    /// Measured twice because the stock session's commit reads the session once more just to log
    /// "Session started" when Information is enabled for Microsoft.AspNetCore.Session: with the usual production
    /// setting (Microsoft.AspNetCore at Warning) that read is skipped.
    /// </summary>
    [Theory]
    [InlineData("Warning")]
    [InlineData("Information")]
    public async Task Stock_session_round_trips_per_request(string aspNetCoreLogLevel)
    {
        await using var app = await SessionTestApp.StartAsync(redis,
            new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = aspNetCoreLogLevel },
            sessions: SessionKind.Stock);
        var browser = new Browser();
        var client = app.CreateClient(browser);
        (await client.PostAsync("/session/initial", null)).EnsureSuccessStatusCode();
        (await client.GetAsync("/session")).EnsureSuccessStatusCode();
        Assert.NotNull(browser.Cookie(StockCookieName));

        var label = $"Microsoft.AspNetCore at {aspNetCoreLogLevel}";
        var untouched = await MeasureAsync(() => client.GetAsync("/untouched"), $"{label}, untouched");
        var readOnly = await MeasureAsync(() => client.GetAsync("/session"), $"{label}, read-only");
        var change = await MeasureAsync(() => client.PostAsync("/session/changed", null), $"{label}, change");

        var newBrowser = app.CreateClient(new Browser());
        var newReadOnly = await MeasureAsync(() => newBrowser.GetAsync("/session"), $"{label}, new session, read only");
        var firstWrite = await MeasureAsync(() => newBrowser.PostAsync("/session/first", null), $"{label}, new session, first write");

        // Untouched still refreshes the expiry (commit of an unloaded session); a read is load + refresh,
        // each of which is HMGET + EXPIRE in Microsoft.Extensions.Caching.StackExchangeRedis 10; a save is
        // HMSET + EXPIRE, preceded by the extra "Session started" read when Information is on.
        var logsSessionStarted = aspNetCoreLogLevel == "Information";
        Assert.Equal(Commands(("expire", 1), ("hmget", 1)), untouched);
        Assert.Equal(Commands(("expire", 2), ("hmget", 2)), readOnly);
        Assert.Equal(logsSessionStarted ? Commands(("expire", 3), ("hmget", 2), ("hmset", 1)) : Commands(("expire", 2), ("hmget", 1), ("hmset", 1)), change);
        Assert.Equal(Commands(("hmget", 2)), newReadOnly);
        Assert.Equal(logsSessionStarted ? Commands(("expire", 1), ("hmget", 2), ("hmset", 1)) : Commands(("expire", 1), ("hmget", 1), ("hmset", 1)), firstWrite);
    }

    private static Dictionary<string, long> Commands(params (string Name, long Calls)[] commands) =>
        commands.ToDictionary(command => command.Name, command => command.Calls, StringComparer.Ordinal);

    private async Task<IReadOnlyDictionary<string, long>> MeasureAsync(Func<Task<HttpResponseMessage>> request, string label)
    {
        var before = await redis.QuietCommandCallsAsync();
        var response = await request();
        var after = await redis.CommandCallsAsync();

        Assert.True(response.IsSuccessStatusCode, $"{label}: {(int)response.StatusCode}");
        var delta = RedisServer.Delta(before, after);
        output.WriteLine($"stock session, {label}: {delta.Values.Sum()} commands {SessionCostTests.Format(delta)}");
        return delta;
    }
}
