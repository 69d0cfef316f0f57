using StatelessApp.IntegrationTests.Fixtures;
using Xunit.Abstractions;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>
/// Round trips per request, counted by Redis itself (INFO commandstats deltas) on a server no other test
/// class uses. The app and the fixture connect before each measurement, so only the request's commands count.
/// </summary>
public sealed class SessionCostTests(RedisServer redis, ITestOutputHelper output) : IClassFixture<RedisServer>
{
    private const string CookieName = "__Host-StatelessApp.Session";

    [Fact]
    public async Task Untouched_session_costs_no_command()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var (client, _) = await ClientWithSessionAsync(app);

        var commands = await MeasureAsync(() => client.GetAsync("/untouched"), "untouched");

        Assert.Empty(commands);
    }

    [Fact]
    public async Task Read_only_request_costs_exactly_one_GETEX()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var (client, _) = await ClientWithSessionAsync(app);

        var commands = await MeasureAsync(() => client.GetAsync("/session"), "read-only");

        Assert.Equal(new Dictionary<string, long> { ["getex"] = 1 }, commands);
    }

    [Fact]
    public async Task Changing_request_costs_one_GETEX_and_one_SETEX()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var (client, _) = await ClientWithSessionAsync(app);

        var commands = await MeasureAsync(() => client.PostAsync("/session/changed", null), "change");

        Assert.Equal(new Dictionary<string, long> { ["getex"] = 1, ["setex"] = 1 }, commands);
    }

    [Fact]
    public async Task New_session_that_is_only_read_costs_nothing_and_sets_no_cookie()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var browser = new Browser();
        var client = app.CreateClient(browser);
        await WarmUpAsync(app);

        HttpResponseMessage? response = null;
        var commands = await MeasureAsync(async () => response = await client.GetAsync("/session"), "new session, read only");

        Assert.Empty(commands);
        Assert.False(response!.Headers.Contains("Set-Cookie"));
        Assert.Null(browser.Cookie(CookieName));
    }

    [Fact]
    public async Task First_write_of_a_new_session_costs_one_SETEX()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var browser = new Browser();
        var client = app.CreateClient(browser);
        await WarmUpAsync(app);

        var commands = await MeasureAsync(() => client.PostAsync("/session/first", null), "new session, first write");

        Assert.Equal(new Dictionary<string, long> { ["setex"] = 1 }, commands);
        Assert.NotNull(browser.Cookie(CookieName));
    }

    /// <summary>A browser holding an established session; the app's connection and key ring are warm.</summary>
    private static async Task<(HttpClient Client, Browser Browser)> ClientWithSessionAsync(SessionTestApp app)
    {
        var browser = new Browser();
        var client = app.CreateClient(browser);
        (await client.PostAsync("/session/initial", null)).EnsureSuccessStatusCode();
        (await client.GetAsync("/session")).EnsureSuccessStatusCode();
        Assert.NotNull(browser.Cookie(CookieName));
        return (client, browser);
    }

    /// <summary>Connects the app's multiplexer and loads its key ring, so a measurement sees only the request.</summary>
    private static async Task WarmUpAsync(SessionTestApp app)
    {
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/warm-up", null)).EnsureSuccessStatusCode();
    }

    private async Task<IReadOnlyDictionary<string, long>> MeasureAsync(Func<Task<HttpResponseMessage>> request, string label)
    {
        var before = await redis.QuietCommandCallsAsync();
        var response = await request();
        var after = await redis.CommandCallsAsync();

        Assert.True(response.IsSuccessStatusCode, $"{label}: {(int)response.StatusCode}");
        var delta = RedisServer.Delta(before, after);
        output.WriteLine($"custom store, {label}: {delta.Values.Sum()} commands {Format(delta)}");
        return delta;
    }

    internal static string Format(IReadOnlyDictionary<string, long> commands) =>
        "{" + string.Join(", ", commands.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}: {pair.Value}")) + "}";
}
