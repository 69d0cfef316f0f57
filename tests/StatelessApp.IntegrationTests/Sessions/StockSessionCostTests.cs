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

    [Fact]
    public async Task Stock_session_round_trips_per_request()
    {
        await using var app = await SessionTestApp.StartAsync(redis, sessions: SessionKind.Stock);
        var browser = new Browser();
        var client = app.CreateClient(browser);
        (await client.PostAsync("/session/initial", null)).EnsureSuccessStatusCode();
        (await client.GetAsync("/session")).EnsureSuccessStatusCode();
        Assert.NotNull(browser.Cookie(StockCookieName));

        var untouched = await MeasureAsync(() => client.GetAsync("/untouched"), "untouched");
        var readOnly = await MeasureAsync(() => client.GetAsync("/session"), "read-only");
        var change = await MeasureAsync(() => client.PostAsync("/session/changed", null), "change");

        var newBrowser = app.CreateClient(new Browser());
        var newReadOnly = await MeasureAsync(() => newBrowser.GetAsync("/session"), "new session, read only");
        var firstWrite = await MeasureAsync(() => newBrowser.PostAsync("/session/first", null), "new session, first write");

        // Untouched still refreshes the expiry (commit of an unloaded session); a read is load + refresh,
        // each of which is HMGET + EXPIRE in Microsoft.Extensions.Caching.StackExchangeRedis 10.
        Assert.Equal(Commands(("expire", 1), ("hmget", 1)), untouched);
        Assert.Equal(Commands(("expire", 2), ("hmget", 2)), readOnly);
        Assert.Equal(Commands(("expire", 3), ("hmget", 2), ("hmset", 1)), change);
        Assert.Equal(Commands(("hmget", 2)), newReadOnly);
        Assert.Equal(Commands(("expire", 1), ("hmget", 2), ("hmset", 1)), firstWrite);
    }

    private static Dictionary<string, long> Commands(params (string Name, long Calls)[] commands) =>
        commands.ToDictionary(command => command.Name, command => command.Calls, StringComparer.Ordinal);

    private async Task<IReadOnlyDictionary<string, long>> MeasureAsync(Func<Task<HttpResponseMessage>> request, string label)
    {
        var before = await redis.CommandCallsAsync();
        var response = await request();
        var after = await redis.CommandCallsAsync();

        Assert.True(response.IsSuccessStatusCode, $"{label}: {(int)response.StatusCode}");
        var delta = RedisServer.Delta(before, after);
        output.WriteLine($"stock session, {label}: {delta.Values.Sum()} commands {SessionCostTests.Format(delta)}");
        return delta;
    }
}
