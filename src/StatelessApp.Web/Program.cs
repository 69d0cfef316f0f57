using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Defaults;
using StatelessApp.Web;
using StatelessApp.Web.Data;

// `healthcheck` probes a running instance, `migrate` migrates the shop's database on the primary and creates the key ring's first key; otherwise it serves.
return await StatelessHost.RunAsync<ShopDbContext>(args, builder =>
{
    builder.AddStatelessDefaults();                          // identity, proxy, Redis, sessions + key ring in Redis, health, ProblemDetails
    builder.AddReplicatedDbContext<ShopDbContext>("Shop");   // writes → primary, reads → a standby
    builder.AddConsistencyTokens<ShopDbContext>();           // ...a standby that has replayed the user's last write
    builder.AddShop();                                       // catalogue, cart, checkout, orders, status: pages + API
},
app =>
{
    app.UseStatelessDefaults();     // proxy support first, instance identity, errors → ProblemDetails, Redis sessions
    app.UseShop();                  // body limit (413), CSS, the anonymous shopper cookie
    app.MapStatelessDefaults();     // /health/live, /health/ready
    app.MapShop();
});

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
