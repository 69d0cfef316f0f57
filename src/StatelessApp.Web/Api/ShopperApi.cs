using StatelessApp.Hosting.Failures;
using StatelessApp.Web.Accounts;
using StatelessApp.Web.Shop;

namespace StatelessApp.Web.Api;

/// <summary>
/// POST /api/shopper/sign-out-everywhere: revokes every copy of this shopper's cookie (another browser, a stolen copy)
/// on every instance of both regions, and re-issues this browser's with the new stamp (same shopper, same expiry) → 204.
/// For a signed-in account it is the Account page's "Sign out everywhere" (a new security stamp in the database first).
/// </summary>
internal static class ShopperApi
{
    public static RouteGroupBuilder MapShopperApi(this RouteGroupBuilder api)
    {
        api.MapPost("/shopper/sign-out-everywhere", async (HttpContext context, ShopperRevocation revocation, IServiceProvider services) =>
        {
            var outcome = context.User.AccountEmail() is null
                ? await revocation.ApplyAsync(context, ShopperStamps.NewStamp())
                : await services.GetRequiredService<AccountRevocation>().SignOutEverywhereAsync(context, context.RequestAborted);
            switch (outcome)
            {
                case RevocationOutcome.NotStored:
                    await ServiceUnavailable.WriteAsync(context, "Shopper store unavailable",
                        "Nothing was revoked (or, if Redis applied it after all, this browser starts anew). Try again.");
                    return Results.Empty;
                case RevocationOutcome.NotConfirmed:
                    await ServiceUnavailable.WriteAsync(context, "Revocation not confirmed",
                        "The revocation holds on the primary but no replica confirmed it yet; repeat it to be sure.");
                    return Results.Empty;
                default:
                    return Results.NoContent();
            }
        }).WithTags("Shopper");

        return api;
    }
}
