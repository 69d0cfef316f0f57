using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Cookies;
using StatelessApp.Hosting.Sessions;

namespace StatelessApp.Web.Shop;

/// <summary>
/// An anonymous shopper identity: a random id in a persistent, DataProtection-protected <c>__Host-</c> cookie, issued
/// on the first visit. The key ring is shared through Redis, so every instance reads the cookie another one wrote, and
/// "my orders" follow the shopper across instances and regions. No account, no password. The cookie lives
/// <see cref="ShopperCookieOptions.Lifetime"/> from its issue (absolute) and carries a revocation stamp checked on
/// every request (<see cref="ShopperCookieEvents"/>); the cart's session is bound to the shopper id.
/// </summary>
public static class ShopperIdentity
{
    public const string CookieName = HostCookie.Prefix + "StatelessApp.Shopper";

    /// <summary>The shopper id claim; NameIdentifier so antiforgery tokens are bound to the shopper.</summary>
    public const string ShopperIdClaim = ClaimTypes.NameIdentifier;

    /// <summary>The revocation stamp the cookie was issued with (<see cref="ShopperStamps"/>).</summary>
    public const string StampClaim = "stamp";

    public static IServiceCollection AddShopperIdentity(this IServiceCollection services)
    {
        services.AddOptions<ShopperCookieOptions>()
            .BindConfiguration(ShopperCookieOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShopperCookieOptions>, ShopperCookieOptionsValidator>());
        services.TryAddSingleton<ShopperStamps>();
        services.TryAddSingleton<ShopperCookieEvents>();
        services.TryAddSingleton<ISessionOwner, ShopperSessionOwner>();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                HostCookie.Apply(cookie.Cookie, CookieName);
                cookie.SlidingExpiration = false; // absolute: ExpireTimeSpan from Shopper:Lifetime, below
                cookie.EventsType = typeof(ShopperCookieEvents);
            });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<ShopperCookieOptions>>((cookie, shopper) => cookie.ExpireTimeSpan = shopper.Value.Lifetime);
        services.ValidateHostCookie<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, cookie => cookie.Cookie, "The shopper cookie");
        return services;
    }

    /// <summary>
    /// Reads the shopper cookie and issues a new identity when there is none (or it is unreadable: tampered,
    /// expired, revoked, or protected with a key this key ring does not have). Health probes are left alone.
    /// </summary>
    public static IApplicationBuilder UseShopperIdentity(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        return app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated != true && !context.Request.Path.StartsWithSegments("/health"))
            {
                var shopper = Principal(Guid.NewGuid().ToString("N"), ShopperStamps.Initial);
                await context.SignInAsync(shopper, new AuthenticationProperties { IsPersistent = true });
                context.User = shopper; // this request already acts as the new shopper (e.g. antiforgery tokens)
            }

            await next(context);
        });
    }

    /// <summary>The request's cookie as issued (its expiry), or null when this request was given a new identity.</summary>
    public static async Task<AuthenticationProperties?> IssuedAsync(HttpContext context) =>
        (await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme)).Properties;

    /// <summary>
    /// Re-issues this browser's cookie for the same shopper with <paramref name="stamp"/> and the expiry of
    /// <paramref name="issued"/> (a revocation must not extend the absolute lifetime).
    /// </summary>
    public static async Task ReissueAsync(HttpContext context, string stamp, AuthenticationProperties? issued)
    {
        var shopper = Principal(context.User.GetShopperId(), stamp);
        await context.SignInAsync(shopper, new AuthenticationProperties
        {
            IsPersistent = true,
            IssuedUtc = issued?.IssuedUtc,
            ExpiresUtc = issued?.ExpiresUtc,
        });
        context.User = shopper;
    }

    public static string GetShopperId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ShopperIdClaim)
        ?? throw new InvalidOperationException("No shopper identity: UseShopperIdentity() must run before the shop's endpoints.");

    private static ClaimsPrincipal Principal(string shopperId, string stamp) =>
        new(new ClaimsIdentity([new Claim(ShopperIdClaim, shopperId), new Claim(StampClaim, stamp)], CookieAuthenticationDefaults.AuthenticationScheme));
}
