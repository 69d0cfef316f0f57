using System.Net;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.KeyRing;

/// <summary>
/// Antiforgery tokens and auth cookies minted by one instance validate on another only when both share the
/// key ring: same Redis key and same application name. The negative controls prove the tests can fail.
/// </summary>
public sealed class KeyRingSharingTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Antiforgery_token_and_auth_cookie_from_one_instance_validate_on_another()
    {
        await using var first = await SessionTestApp.StartAsync(redis);
        await using var second = await SessionTestApp.StartAsync(redis);

        var (antiforgery, whoami) = await MintOnFirstValidateOnSecondAsync(first, second);

        Assert.Equal(HttpStatusCode.OK, antiforgery);
        Assert.Equal("alice", whoami);
    }

    [Theory]
    [InlineData("KeyRing:RedisKey", "another-ring")]
    [InlineData("KeyRing:ApplicationName", "AnotherApp")]
    public async Task With_a_different_key_ring_they_fail(string setting, string value)
    {
        await using var first = await SessionTestApp.StartAsync(redis);
        await using var second = await SessionTestApp.StartAsync(redis, new Dictionary<string, string?> { [setting] = value });

        var (antiforgery, whoami) = await MintOnFirstValidateOnSecondAsync(first, second);

        Assert.Equal(HttpStatusCode.BadRequest, antiforgery);
        Assert.Equal("anonymous", whoami);
    }

    [Fact]
    public async Task Key_ring_lives_in_Redis_under_the_configured_key_and_survives_a_Redis_restart()
    {
        const string ringKey = "ring-that-survives";
        var settings = new Dictionary<string, string?> { ["KeyRing:RedisKey"] = ringKey };
        var browser = new Browser();
        await using (var before = await SessionTestApp.StartAsync(redis, settings))
        {
            (await before.CreateClient(browser).PostAsync("/signin/bob", null)).EnsureSuccessStatusCode();
        }

        var db = await redis.DatabaseAsync();
        Assert.True(await db.ListLengthAsync(ringKey) >= 1);

        // appendonly yes: a crashed and restarted Redis still has the ring, so old cookies stay valid.
        redis.Stop();
        await redis.StartAsync();

        await using var after = await SessionTestApp.StartAsync(redis, settings);
        Assert.Equal("bob", await after.CreateClient(browser).GetStringAsync("/whoami"));
    }

    private static async Task<(HttpStatusCode Antiforgery, string WhoAmI)> MintOnFirstValidateOnSecondAsync(
        SessionTestApp first, SessionTestApp second)
    {
        var browser = new Browser();
        var onFirst = first.CreateClient(browser);
        (await onFirst.PostAsync("/signin/alice", null)).EnsureSuccessStatusCode();
        var requestToken = await onFirst.GetStringAsync("/antiforgery"); // bound to alice: sign in first

        // Sanity: the same instance accepts its own token, so a failure below is about the other instance.
        Assert.Equal(HttpStatusCode.OK, (await PostWithTokenAsync(onFirst, requestToken)).StatusCode);

        var onSecond = second.CreateClient(browser);
        var antiforgery = (await PostWithTokenAsync(onSecond, requestToken)).StatusCode;
        var whoami = await onSecond.GetStringAsync("/whoami");
        return (antiforgery, whoami);
    }

    private static Task<HttpResponseMessage> PostWithTokenAsync(HttpClient client, string requestToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/antiforgery");
        request.Headers.Add("RequestVerificationToken", requestToken);
        return client.SendAsync(request);
    }
}
