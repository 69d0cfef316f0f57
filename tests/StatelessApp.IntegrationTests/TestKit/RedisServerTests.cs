using StackExchange.Redis;

namespace StatelessApp.IntegrationTests.TestKit;

/// <summary>The test kit's Redis fixture itself: other tests rely on Stop/Start keeping port and data.</summary>
public sealed class RedisServerTests
{
    [Fact]
    public async Task Data_survives_a_crash_and_restart_on_the_same_port()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var db = await redis.DatabaseAsync();
        await db.StringSetAsync("survivor", "yes");

        redis.Stop();
        Assert.False(redis.IsRunning);
        await Assert.ThrowsAnyAsync<RedisException>(() => db.PingAsync());

        await redis.StartAsync();
        var value = await RetryUntilConnectedAsync(() => db.StringGetAsync("survivor"));
        Assert.Equal("yes", value.ToString());
    }

    [Fact]
    public async Task Requires_the_password()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var options = ConfigurationOptions.Parse($"{redis.Host}:{redis.Port},abortConnect=false,connectTimeout=1000,asyncTimeout=1000");
        await using var anonymous = await ConnectionMultiplexer.ConnectAsync(options);
        await Assert.ThrowsAnyAsync<RedisException>(() => anonymous.GetDatabase().PingAsync());
    }

    private static Task<T> RetryUntilConnectedAsync<T>(Func<Task<T>> action) =>
        Poll.UntilAsync("the client to reconnect", _ => action(), _ => true, TimeSpan.FromSeconds(15),
            retryOn: e => e is RedisException, interval: TimeSpan.FromMilliseconds(100));
}
