using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Defaults;
using StatelessApp.Web.Data;

// `healthcheck` probes a running instance, `migrate` migrates AppDbContext on the primary and creates the key ring's first key; otherwise it serves.
return await StatelessHost.RunAsync<AppDbContext>(args, builder =>
{
    builder.AddStatelessDefaults();                          // identity, proxy, Redis, sessions + key ring in Redis, health, ProblemDetails
    builder.AddReplicatedDbContext<AppDbContext>("Shop");    // writes → primary, reads → a standby (the stack sets ConnectionStrings:Shop)
    builder.AddConsistencyTokens<AppDbContext>();            // ...a standby that has replayed the user's last write
    // Your services go here.
},
app =>
{
    app.UseStatelessDefaults();     // proxy support first, instance identity, errors → ProblemDetails, Redis sessions
    app.MapStatelessDefaults();     // /health/live, /health/ready

    // Your pages and API go here. These two show the blocks at work: POST /visits through the stack a few times, then
    // GET /, and the count goes on whichever instance (X-Served-By) answers. Reading stores nothing: a session (a Redis
    // key and a cookie) exists only once something is written to it, so anonymous page views cost no state.
    app.MapGet("/", async (HttpContext context) =>
    {
        await context.Session.LoadAsync(context.RequestAborted);
        return TypedResults.Ok(new { visits = context.Session.GetInt32("visits") ?? 0 });
    });
    app.MapPost("/visits", async (HttpContext context) =>
    {
        await context.Session.LoadAsync(context.RequestAborted);
        var visits = (context.Session.GetInt32("visits") ?? 0) + 1;
        context.Session.SetInt32("visits", visits);
        return TypedResults.Ok(new { visits });
    });
});

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
