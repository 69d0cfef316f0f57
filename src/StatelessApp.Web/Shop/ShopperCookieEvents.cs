using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StatelessApp.Web.Accounts;

namespace StatelessApp.Web.Shop;

/// <summary>
/// Checks every request's shopper cookie against the shopper's current stamp (<see cref="ShopperStamps"/>): a cookie
/// whose stamp is no longer current was revoked, and is refused (the request then gets a new anonymous identity). One
/// Redis GET per request that carries the cookie, so a revocation holds on every instance from the next request on: on
/// the own region's node when it confirms the cookie's stamp, else (and as well) on the primary.
/// An account's cookie that Redis cannot check (down, key missing) is checked against the database instead
/// (<see cref="AccountStampFallback"/>), where its security stamp is the truth.
/// </summary>
internal sealed partial class ShopperCookieEvents(ShopperStamps stamps, AccountStampFallback accountStamps, ILogger<ShopperCookieEvents> logger)
    : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var shopperId = context.Principal?.FindFirstValue(ShopperIdentity.ShopperIdClaim);
        var stamp = context.Principal?.FindFirstValue(ShopperIdentity.StampClaim);
        if (shopperId is null)
        {
            LogRefused("(none)", "it names no shopper");
            context.RejectPrincipal();
            return;
        }

        var aborted = context.HttpContext.RequestAborted;
        var account = context.Principal!.AccountEmail() is not null;
        // The own region's Redis node first: when it holds exactly this stamp the cookie is current (see IsCurrentLocallyAsync).
        if (await stamps.IsCurrentLocallyAsync(shopperId, stamp, account, aborted))
        {
            return;
        }

        var current = !account
            ? await stamps.CurrentAsync(shopperId, aborted)
            : await stamps.StoredAsync(shopperId, aborted) ?? await accountStamps.CurrentAsync(context.HttpContext, shopperId, aborted);
        if (current is not null && !string.Equals(stamp, current, StringComparison.Ordinal))
        {
            LogRefused(shopperId, stamp is null ? "it carries no stamp" : "its stamp was revoked");
            context.RejectPrincipal();
        }
    }

    // There is no login page: a request without identity gets one, never a redirect.
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information,
        Message = "Shopper cookie of {ShopperId} refused: {Reason}; the request gets a new anonymous identity")]
    private partial void LogRefused(string shopperId, string reason);
}
