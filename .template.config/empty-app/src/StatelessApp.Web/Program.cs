using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Health;
using StatelessApp.Hosting.Identity;
using StatelessApp.Hosting.KeyRing;
using StatelessApp.Hosting.Proxy;
using StatelessApp.Hosting.Redis;
using StatelessApp.Hosting.Sessions;
using StatelessApp.Web.Data;

// `dotnet StatelessApp.Web.dll migrate` applies the migrations on the primary and exits.
// Instances never migrate at start-up: several starting at once would race, and a deploy must not change the schema
// as a side effect of scaling out.
var migrateOnly = args is ["migrate", ..];
var builder = WebApplication.CreateBuilder(migrateOnly ? args[1..] : args);

builder.AddInstanceIdentity();                           // X-Served-By: region/instance; in every log line too
builder.AddProxySupport();                               // trusted X-Forwarded-*, graceful drain on shutdown
builder.AddRedis("Redis");                               // one multiplexer (Sentinel finds the primary)
builder.AddRedisSessions();                              // ISession in Redis, shared by every instance
builder.AddRedisKeyRing();                               // DataProtection keys shared by all: cookies, antiforgery
builder.AddReplicatedDbContext<AppDbContext>("Shop");    // writes → primary, reads → a standby (the stack sets ConnectionStrings:Shop)
builder.AddConsistencyTokens<AppDbContext>();            // ...a standby that has replayed the user's last write
builder.AddStatelessHealthChecks();                      // /health/live, /health/ready
builder.Services.AddProblemDetails();                    // errors as ProblemDetails, never a stack trace

var app = builder.Build();

if (migrateOnly)
{
    await app.MigrateDatabaseAsync<AppDbContext>();
    return 0;
}

app.UseProxySupport();          // first: everything after sees the client's address and scheme
app.UseInstanceIdentity();
app.UseExceptionHandler();      // the building blocks answer outages with 503 ProblemDetails; anything else is a 500 without details
app.UseStatusCodePages();
app.UseRedisSessions();

app.MapStatelessHealthChecks();

// Your pages and API go here. This one shows the blocks at work: reload it through the stack and the count goes on,
// whichever instance (X-Served-By) answers.
app.MapGet("/", async (HttpContext context) =>
{
    await context.Session.LoadAsync(context.RequestAborted);
    var visits = (context.Session.GetInt32("visits") ?? 0) + 1;
    context.Session.SetInt32("visits", visits);
    return TypedResults.Ok(new { visits });
});

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
