using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>Whatever the cookie holds, a bad one only costs the client its session: 2xx, a fresh session, a log line.</summary>
public sealed class SessionCookieTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string CookieName = "__Host-StatelessApp.Session";

    public static TheoryData<string> BadCookies => ["tampered", "garbage", "oversized", "expired", "other-key-ring"];

    [Theory]
    [MemberData(nameof(BadCookies))]
    public async Task Bad_session_cookie_starts_a_fresh_session(string kind)
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var browser = new Browser();
        var client = app.CreateClient(browser);
        (await client.PostAsync("/session/secret", null)).EnsureSuccessStatusCode();
        var oldId = await client.GetStringAsync("/session/id");
        var cookie = browser.Cookie(CookieName)!;

        switch (kind)
        {
            case "tampered":
                var middle = cookie.Length / 2;
                browser.SetCookie(CookieName, cookie[..middle] + (cookie[middle] == 'A' ? 'B' : 'A') + cookie[(middle + 1)..]);
                break;
            case "garbage":
                browser.SetCookie(CookieName, "not*a%cookie!!");
                break;
            case "oversized":
                browser.SetCookie(CookieName, new string('A', 8 * 1024));
                break;
            case "expired":
                await (await redis.DatabaseAsync()).KeyDeleteAsync("StatelessApp:Session:" + oldId);
                break;
            case "other-key-ring":
                await using (var stranger = await SessionTestApp.StartAsync(redis, new Dictionary<string, string?> { ["KeyRing:RedisKey"] = "another-ring" }))
                {
                    var strangerBrowser = new Browser();
                    (await stranger.CreateClient(strangerBrowser).PostAsync("/session/stranger", null)).EnsureSuccessStatusCode();
                    browser.SetCookie(CookieName, strangerBrowser.Cookie(CookieName)!);
                }

                break;
        }

        var read = await client.GetAsync("/session");
        Assert.True(read.IsSuccessStatusCode, $"{kind}: {(int)read.StatusCode}");
        Assert.Equal("(empty)", await read.Content.ReadAsStringAsync());

        var write = await client.PostAsync("/session/fresh", null);
        Assert.True(write.IsSuccessStatusCode, $"{kind}: {(int)write.StatusCode}");
        Assert.True(write.Headers.Contains("Set-Cookie"), "a fresh session gets a new cookie");
        Assert.NotEqual(oldId, await client.GetStringAsync("/session/id"));
        Assert.Equal("fresh", await client.GetStringAsync("/session"));
        Assert.Contains(app.Logs.Lines, line => line.Category.StartsWith("StatelessApp.Hosting.Sessions", StringComparison.Ordinal)
            && line.Message.Contains("new session", StringComparison.Ordinal));
    }
}
