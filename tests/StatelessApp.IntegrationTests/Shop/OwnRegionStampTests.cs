using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using StatelessApp.IntegrationTests.Fixtures;
using StatelessApp.Web.Shop;

namespace StatelessApp.IntegrationTests.Shop;

/// <summary>
/// The shop's shopper-cookie check through real requests, with the Redis primary in region a and its replica in region
/// b: an instance of region b checks a current cookie on its own replica (no GET on the primary), and refuses a copy of
/// a cookie revoked through region a's instance.
/// </summary>
public sealed class OwnRegionStampTests : IAsyncLifetime
{
    private const string User = "app";
    private readonly RedisReplicaPair _redis = new();
    private PostgresCluster Postgres { get; } = new();
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private ShopInstance _appA = null!;
    private ShopInstance _appB = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_redis.InitializeAsync(), Postgres.InitializeAsync());
        // One app user with one password on every node, as deploy/redis/users.acl gives them.
        foreach (var server in new[] { _redis.Primary, _redis.Replica })
        {
            await (await server.DatabaseAsync()).ExecuteAsync("ACL", "SETUSER", User, "on", ">" + _password, "~*", "&*", "+@all");
        }

        var redis = $"{_redis.Primary.Host}:{_redis.Primary.Port},user={User},password={_password},abortConnect=false";
        var migration = await ShopServers.MigrateAsync(Postgres.MultiHostConnectionString, redis);
        Assert.True(migration.ExitCode == 0, $"migrate exited {migration.ExitCode}:\n{migration.Output}");
        await Postgres.WaitForReplicationAsync();
        _appA = Start("app-a", "a", redis);
        _appB = Start("app-b", "b", redis);
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { _appA, _appB })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        await _redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }

    [Fact]
    public async Task Region_b_checks_a_current_cookie_on_its_replica_and_refuses_one_revoked_through_region_a()
    {
        using var victim = new Shopper();
        await victim.AddToCartAsync(_appB, 1, 2);
        var before = await _redis.Primary.QuietCommandCallsAsync();
        var replicaBefore = await _redis.Replica.CommandCallsAsync();

        Assert.Equal(2, (await victim.GetJsonAsync(_appB, "api/cart")).GetProperty("itemCount").GetInt32());

        Assert.False(RedisServer.Delta(before, await _redis.Primary.CommandCallsAsync()).ContainsKey("get"));
        Assert.Equal(1, RedisServer.Delta(replicaBefore, await _redis.Replica.CommandCallsAsync()).GetValueOrDefault("get"));

        var stolen = victim.Cookie(_appB, ShopperIdentity.CookieName)!;
        var revoked = await victim.On(_appA).PostAsJsonAsync("api/shopper/sign-out-everywhere", new { });
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        using var thief = new Shopper();
        thief.SetCookie(_appB, ShopperIdentity.CookieName, stolen);
        Assert.Equal(HttpStatusCode.OK, (await thief.On(_appB).GetAsync("api/cart")).StatusCode);
        Assert.NotEqual(stolen, thief.Cookie(_appB, ShopperIdentity.CookieName)); // refused: a new anonymous shopper

        // The victim's re-issued cookie (its new stamp, replicated before the revocation was acknowledged) works in region b.
        Assert.Equal(2, (await victim.GetJsonAsync(_appB, "api/cart")).GetProperty("itemCount").GetInt32());
    }

    private ShopInstance Start(string name, string region, string redis)
    {
        var instance = new ShopInstance(name, redis, Postgres.MultiHostConnectionString, new Dictionary<string, string?>
        {
            ["Instance:Region"] = region,
            ["Redis:NodeRegions"] = $"{_redis.Primary.Host}:{_redis.Primary.Port}=a,{_redis.Replica.Host}:{_redis.Replica.Port}=b",
            ["Sessions:RequiredReplicas"] = "1",
            ["KeyRing:RequiredReplicas"] = "1",
        });
        _ = instance.BaseAddress; // starts it
        return instance;
    }
}
