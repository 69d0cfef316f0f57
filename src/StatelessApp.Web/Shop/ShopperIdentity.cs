using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StatelessApp.Hosting.Cookies;
using StatelessApp.Hosting.Health;

namespace StatelessApp.Web.Shop;

/// <summary>
/// An anonymous shopper identity: a random id in a persistent, DataProtection-protected cookie, issued on the first
/// visit. The key ring is shared through Redis, so every instance reads the cookie another one wrote, and "my
/// orders" follow the shopper across instances and regions. No account, no password.
/// </summary>
public static class ShopperIdentity
{
    public const string CookieName = HostCookie.Prefix + "StatelessApp.Shopper";

    /// <summary>The shopper id claim; NameIdentifier so antiforgery tokens are bound to the shopper.</summary>
    public const string ShopperIdClaim = ClaimTypes.NameIdentifier;

    public static IServiceCollection AddShopperIdentity(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                HostCookie.Apply(cookie.Cookie, CookieName);
                cookie.ExpireTimeSpan = TimeSpan.FromDays(365);
                cookie.SlidingExpiration = true;
                // There is no login page: a request without identity gets one, never a redirect.
                cookie.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
            });
        return services;
    }

    /// <summary>
    /// Reads the shopper cookie and issues a new identity when there is none (or it is unreadable: tampered,
    /// expired, or protected with a key this key ring does not have). Health probes are left alone.
    /// </summary>
    public static IApplicationBuilder UseShopperIdentity(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        return app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated != true && !context.Request.Path.StartsWithSegments("/health"))
            {
                var shopper = new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(ShopperIdClaim, Guid.NewGuid().ToString("N"))],
                    CookieAuthenticationDefaults.AuthenticationScheme));
                await context.SignInAsync(shopper, new AuthenticationProperties { IsPersistent = true });
                context.User = shopper; // this request already acts as the new shopper (e.g. antiforgery tokens)
            }

            await next(context);
        });
    }

    public static string GetShopperId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ShopperIdClaim)
        ?? throw new InvalidOperationException("No shopper identity: UseShopperIdentity() must run before the shop's endpoints.");
}
