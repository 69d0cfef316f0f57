using StatelessApp.Bench.Host;
using StatelessApp.Hosting.Consistency;
using StatelessApp.Hosting.Data;
using StatelessApp.Hosting.Defaults;
using StatelessApp.Web;
using StatelessApp.Web.Data;

// The shop's Program.cs, line for line, but for where the session and the key ring live (StateMode).
return await StatelessHost.RunAsync<ShopDbContext>(args, builder =>
{
    builder.AddBasicStatelessDefaults();                     // AddStatelessDefaults without the Redis session and key ring...
    builder.AddStateMode();                                  // ...which StateMode replaces: Stateful or StockRedis
    builder.AddReplicatedDbContext<ShopDbContext>("Shop");
    builder.AddConsistencyTokens<ShopDbContext>();
    builder.AddShop();
},
app =>
{
    app.UseBasicStatelessDefaults();
    app.UseSession();               // Microsoft's session middleware, in place of UseRedisSessions
    app.UseShop();
    app.MapStatelessDefaults();
    app.MapShop();
});
