using System.Net;
using StackExchange.Redis;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Security;

namespace StatelessApp.IntegrationTests.Sessions;

public sealed class SessionBehaviourTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string CookieName = "__Host-StatelessApp.Session";
    private const string KeyPrefix = "StatelessApp:Session:";

    [Fact]
    public async Task Session_created_on_one_instance_is_read_and_changed_on_another()
    {
        await using var first = await SessionTestApp.StartAsync(redis);
        await using var second = await SessionTestApp.StartAsync(redis);
        var browser = new Browser();

        var onFirst = first.CreateClient(browser);
        Assert.Equal("saved from-first", await (await onFirst.PostAsync("/session/from-first", null)).Content.ReadAsStringAsync());

        var onSecond = second.CreateClient(browser);
        Assert.Equal("from-first", await onSecond.GetStringAsync("/session"));
        (await onSecond.PostAsync("/session/from-second", null)).EnsureSuccessStatusCode();

        Assert.Equal("from-second", await onFirst.GetStringAsync("/session"));
        Assert.Equal(await onFirst.GetStringAsync("/session/id"), await onSecond.GetStringAsync("/session/id"));
    }

    [Fact]
    public async Task Change_followed_by_a_redirect_is_saved()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var client = app.CreateClient(new Browser());

        var response = await client.PostAsync("/session-redirect/redirected", null);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("redirected", await client.GetStringAsync("/session"));
    }

    [Fact]
    public async Task Change_made_in_an_MVC_action_is_saved()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var client = app.CreateClient(new Browser());

        var response = await client.PostAsync("/mvc/session/from-mvc", null);

        Assert.Equal("{\"saved\":\"from-mvc\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("from-mvc", await client.GetStringAsync("/session"));
    }

    [Fact]
    public async Task Middleware_outside_the_sessions_can_still_write_the_body_of_a_bare_status_code()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var client = app.CreateClient(new Browser());

        var response = await client.PostAsync("/session-missing/not-found", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("404", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("not-found", await client.GetStringAsync("/session"));
    }

    [Fact]
    public async Task Bytes_left_unflushed_in_the_BodyWriter_are_sent_after_the_commit()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var client = app.CreateClient(new Browser());

        var response = await client.PostAsync("/session-writer/piped", null);

        Assert.Equal("written piped", await response.Content.ReadAsStringAsync());
        Assert.Equal("piped", await client.GetStringAsync("/session"));
    }

    [Fact]
    public async Task Synchronous_access_without_LoadAsync_reads_the_session()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/sync-read", null)).EnsureSuccessStatusCode();

        Assert.Equal("sync-read", await client.GetStringAsync("/session/sync"));
    }

    [Fact]
    public async Task Session_is_stored_with_the_idle_timeout_and_every_read_slides_it()
    {
        await using var app = await SessionTestApp.StartAsync(redis, new Dictionary<string, string?> { ["Sessions:IdleTimeout"] = "00:05:00" });
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/sliding", null)).EnsureSuccessStatusCode();
        var key = KeyPrefix + await client.GetStringAsync("/session/id");
        var db = await redis.DatabaseAsync();

        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(290), TimeSpan.FromMinutes(5));

        await db.KeyExpireAsync(key, TimeSpan.FromSeconds(30));
        Assert.Equal("sliding", await client.GetStringAsync("/session"));
        Assert.InRange((await db.KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(290), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Session_cookie_is_a_Host_cookie_HttpOnly_SameSite_Lax_and_Secure_even_over_http()
    {
        await using var app = await SessionTestApp.StartAsync(redis);

        var overHttp = await app.CreateClient(new Browser(), https: false).PostAsync("/session/cookie", null);
        var overHttps = await app.CreateClient(new Browser()).PostAsync("/session/cookie", null);

        foreach (var response in new[] { overHttp, overHttps })
        {
            var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
            Assert.StartsWith(CookieName + "=", cookie, StringComparison.Ordinal);
            Assert.Contains("; path=/;", cookie + ";", StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            // Secure over plain HTTP too: a browser then never sends it unencrypted (and refuses to store it from an http page).
            Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
        }

        var overHttpCookie = overHttp.Headers.GetValues("Set-Cookie").Single();
        SecurityAttempts.Record("browser → app (sessions)", "a session created over plain HTTP (to get a cookie without the Secure flag)",
            overHttpCookie[overHttpCookie.IndexOf(';', StringComparison.Ordinal)..].Trim(' ', ';'),
            overHttpCookie.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Session_id_has_128_random_bits_and_the_cookie_does_not_reveal_it()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var browser = new Browser();
        var client = app.CreateClient(browser);
        (await client.PostAsync("/session/id-check", null)).EnsureSuccessStatusCode();

        var id = await client.GetStringAsync("/session/id");

        Assert.Equal(16, Convert.FromBase64String(id.Replace('-', '+').Replace('_', '/') + "==").Length);
        Assert.DoesNotContain(id, browser.Cookie(CookieName)!, StringComparison.Ordinal);
        Assert.True(await (await redis.DatabaseAsync()).KeyExistsAsync(KeyPrefix + id));
    }

    [Fact]
    public async Task Clearing_the_session_deletes_it_in_Redis_and_expires_the_cookie()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var browser = new Browser();
        var client = app.CreateClient(browser);
        (await client.PostAsync("/session/to-clear", null)).EnsureSuccessStatusCode();
        var key = KeyPrefix + await client.GetStringAsync("/session/id");

        var response = await client.DeleteAsync("/session");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await (await redis.DatabaseAsync()).KeyExistsAsync(key));
        Assert.Null(browser.Cookie(CookieName));
    }

    [Fact]
    public async Task Session_over_the_size_limit_is_refused_with_413_and_nothing_is_saved()
    {
        await using var app = await SessionTestApp.StartAsync(redis, new Dictionary<string, string?> { ["Sessions:MaxSizeBytes"] = "1024" });
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/before", null)).EnsureSuccessStatusCode();

        var tooBig = await client.PostAsync("/session-big/2000", null);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal("application/problem+json", tooBig.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Session too large", await tooBig.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("before", await client.GetStringAsync("/session"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/session-big/500", null)).StatusCode);
    }

    [Fact]
    public async Task Corrupt_session_data_in_Redis_starts_a_fresh_session()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/to-corrupt", null)).EnsureSuccessStatusCode();
        var id = await client.GetStringAsync("/session/id");
        await (await redis.DatabaseAsync()).StringSetAsync(KeyPrefix + id, "not a session", TimeSpan.FromMinutes(1));

        Assert.Equal("(empty)", await client.GetStringAsync("/session"));
        Assert.Contains(app.Logs.Lines, line => line.Message.Contains("unreadable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Session_data_is_a_compact_binary_value()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/abc", null)).EnsureSuccessStatusCode();
        var id = await client.GetStringAsync("/session/id");

        var stored = (byte[]?)await (await redis.DatabaseAsync()).StringGetAsync(KeyPrefix + id);

        // format byte, count, len("value"), "value", len("abc"), "abc"
        Assert.Equal([1, 1, 5, .. "value"u8.ToArray(), 3, .. "abc"u8.ToArray()], stored);
    }
}
