using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.Identity;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Hosting.Proxy;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;
using StatelessApp.Web;
using StatelessApp.Web.Benchmarking;
using StatelessApp.Web.Data;
using StatelessApp.Web.Shop;

// `dotnet StatelessApp.Web.dll healthcheck` asks a running instance's /health/live: the container image's health
// check (the .NET runtime image has no curl or shell). It runs before the host is built and touches no server.
if (args is [LivenessProbe.Verb])
{
    return await LivenessProbe.RunAsync(Console.Out);
}

// `dotnet StatelessApp.Web.dll migrate` applies the migrations (schema + catalogue) on the primary and exits.
// Instances never migrate at start-up: several starting at once would race, and a deploy must not change the schema
// as a side effect of scaling out.
var migrateOnly = args is ["migrate", ..];
var builder = WebApplication.CreateBuilder(migrateOnly ? args[1..] : args);

builder.AddInstanceIdentity();                           // X-Served-By: region/instance; in every log line too
builder.AddProxySupport();                               // trusted X-Forwarded-*, graceful drain on shutdown
builder.AddRedis("Redis");                               // one multiplexer (Sentinel finds the primary)
var stateMode = builder.AddStateMode();                  // benchmark-only switch (bench/); unset = Stateless, as shipped
if (stateMode == StateMode.Stateless)
{
    builder.AddRedisSessions();                          // ISession in Redis: the cart
    builder.AddRedisKeyRing();                           // DataProtection keys shared by all: cookies, antiforgery
}

builder.AddReplicatedDbContext<ShopDbContext>("Shop");   // writes → primary, reads → a standby
builder.AddConsistencyTokens<ShopDbContext>();           // ...a standby that has replayed the user's last write
builder.AddStatelessHealthChecks();                      // /health/live, /health/ready
builder.AddShop();                                       // catalogue, cart, checkout, orders, status: pages + API

var app = builder.Build();

if (migrateOnly)
{
    await app.MigrateDatabaseAsync<ShopDbContext>();
    return 0;
}

app.UseProxySupport();          // first: everything after sees the client's address and scheme
app.UseInstanceIdentity();
app.UseShopProblemDetails();    // errors → ProblemDetails (400/404/413/503), never a stack trace
app.UseStaticFiles();           // CSS: no session, no cookie
if (stateMode == StateMode.Stateless)
{
    app.UseRedisSessions();
}
else
{
    app.UseSession();           // Microsoft's middleware, for the benchmark-only modes
}

app.UseShopperIdentity();       // anonymous shopper cookie, issued on the first visit

app.MapStatelessHealthChecks();
app.MapShop();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
