using StackExchange.Redis;
using StatelessApp.Hosting.Sessions;
using StatelessApp.IntegrationTests.Fixtures;

namespace StatelessApp.IntegrationTests.Sessions;

/// <summary>
/// A rolling upgrade in both directions on one session in a real Redis: a newer release stored a header field this
/// release does not know; this release reads the session, changes it, and writes the field back untouched.
/// </summary>
public sealed class SessionFormatAcrossVersionsTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string KeyPrefix = "StatelessApp:Session:";
    private static readonly byte[] FutureField = [0xDE, 0xAD, 0xBE, 0xEF];

    [Fact]
    public async Task A_session_written_by_a_newer_release_is_read_changed_and_saved_without_losing_its_field()
    {
        await using var app = await SessionTestApp.StartAsync(redis);
        var client = app.CreateClient(new Browser());
        (await client.PostAsync("/session/written-by-this-release", null)).EnsureSuccessStatusCode();
        var key = new RedisKey(KeyPrefix + await client.GetStringAsync("/session/id"));
        var db = await redis.DatabaseAsync();

        // As release N+1 would store it: same entries, format 3, one field this release does not know.
        var stored = SessionSerializer.Deserialize((byte[])(await db.StringGetAsync(key))!, out var owner);
        await db.StringSetAsync(key, SessionSerializer.Serialize(stored, owner, [new SessionField(2, FutureField)]), TimeSpan.FromMinutes(5));

        var read = await client.GetStringAsync("/session");
        (await client.PostAsync("/session/changed-by-this-release", null)).EnsureSuccessStatusCode();

        Assert.Equal("written-by-this-release", read);
        var saved = SessionSerializer.Deserialize((byte[])(await db.StringGetAsync(key))!, out _, out var fields);
        Assert.Equal("changed-by-this-release"u8.ToArray(), saved["value"]);
        var kept = Assert.Single(fields);
        Assert.Equal(2, kept.Tag);
        Assert.Equal(FutureField, kept.Value);
    }
}
