using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StatelessApp.Hosting.Sessions;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.TestKit.Security;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>
/// Sessions bound to an owner (<see cref="ISessionOwner"/>) and regenerated ids, against a real Redis: a session id is
/// good only for whoever it was created for, and only until it is regenerated.
/// </summary>
public sealed class SessionOwnerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string CookieName = "__Host-StatelessApp.Session";
    private const string KeyPrefix = "StatelessApp:Session:";
    private const string OwnerHeader = "X-Test-Owner";

    [Fact]
    public async Task Session_id_planted_in_another_owners_browser_is_refused_and_the_planter_keeps_his_session()
    {
        await using var app = await StartAsync();
        var attacker = new Browser();
        var attackerClient = Client(app, attacker, "mallory");
        (await attackerClient.PostAsync("/session/planted", null)).EnsureSuccessStatusCode();
        var victim = new Browser();
        var victimClient = Client(app, victim, "alice");
        victim.SetCookie(CookieName, attacker.Cookie(CookieName)!); // e.g. set by a sibling page or a link the victim followed

        var read = await victimClient.GetStringAsync("/session");
        var write = await victimClient.PostAsync("/session/mine", null);

        var refused = read == "(empty)" && victim.Cookie(CookieName) != attacker.Cookie(CookieName);
        SecurityAttempts.Record("browser → app (sessions)", "a session cookie created for another owner, planted in the victim's browser",
            $"victim read \"{read}\", got a new session cookie", refused);
        Assert.True(refused);
        Assert.True(write.IsSuccessStatusCode);
        Assert.Equal("mine", await victimClient.GetStringAsync("/session"));
        Assert.Equal("planted", await attackerClient.GetStringAsync("/session")); // not overwritten by the victim
        Assert.Contains(app.Logs.Lines, line => line.Message.Contains("belongs to another owner", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Regenerated_session_keeps_its_content_under_a_new_id_and_the_old_id_is_gone()
    {
        await using var app = await StartAsync();
        var browser = new Browser();
        var client = Client(app, browser, "alice");
        (await client.PostAsync("/session/kept", null)).EnsureSuccessStatusCode();
        var oldId = await client.GetStringAsync("/session/id");
        var oldCookie = browser.Cookie(CookieName)!;

        var regenerated = await client.PostAsync("/session-regenerate", null);

        var newId = await regenerated.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, regenerated.StatusCode);
        Assert.NotEqual(oldId, newId);
        Assert.NotEqual(oldCookie, browser.Cookie(CookieName));
        Assert.Equal("kept", await client.GetStringAsync("/session"));
        var db = await redis.DatabaseAsync();
        Assert.False(await db.KeyExistsAsync(KeyPrefix + oldId));
        Assert.True(await db.KeyExistsAsync(KeyPrefix + newId));

        // Someone who kept the old cookie (it leaked before the regeneration): the same owner, still refused.
        var copy = new Browser();
        copy.SetCookie(CookieName, oldCookie);
        var replayed = await Client(app, copy, "alice").GetStringAsync("/session");
        SecurityAttempts.Record("browser → app (sessions)", "the session cookie from before a regeneration, replayed by its own owner",
            $"read \"{replayed}\"", replayed == "(empty)");
        Assert.Equal("(empty)", replayed);
    }

    private Task<SessionTestApp> StartAsync() =>
        SessionTestApp.StartAsync(redis, services: services => services.AddSingleton<ISessionOwner, HeaderOwner>());

    private static HttpClient Client(SessionTestApp app, Browser browser, string owner)
    {
        var client = app.CreateClient(browser);
        client.DefaultRequestHeaders.Add(OwnerHeader, owner);
        return client;
    }

    /// <summary>The test's owner: whoever the request says it is (the shop's is its authenticated shopper id).</summary>
    private sealed class HeaderOwner : ISessionOwner
    {
        public string? OwnerOf(HttpContext context) => context.Request.Headers[OwnerHeader].FirstOrDefault();
    }
}
