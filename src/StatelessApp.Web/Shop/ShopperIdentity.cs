using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Cookies;
using StatelessApp.Hosting.Sessions;
using StatelessApp.Web.Accounts;

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

    /// <summary>The revocation stamp the cookie was issued with (<see cref="ShopperStamps"/>; an account's security stamp).</summary>
    public const string StampClaim = "stamp";

    /// <summary>Present only when the shopper signed in: the account's email (its sign-in name, shown in the header).</summary>
    public const string AccountClaim = "account";

    public static IServiceCollection AddShopperIdentity(this IServiceCollection services)
    {
        services.AddOptions<ShopperCookieOptions>()
            .BindConfiguration(ShopperCookieOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShopperCookieOptions>, ShopperCookieOptionsValidator>());
        services.TryAddSingleton<ShopRedis>();
        services.TryAddSingleton<ShopperStamps>();
        services.TryAddSingleton<ShopperRevocation>();
        services.TryAddSingleton<AccountStampFallback>();
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
                await StartAnonymousAsync(context);
            }

            await next(context);
        });
    }

    /// <summary>Issues a new anonymous shopper (first visit, sign-out); this request already acts as it (e.g. antiforgery tokens).</summary>
    public static Task StartAnonymousAsync(HttpContext context) =>
        IssueAsync(context, Principal([new Claim(ShopperIdClaim, Guid.NewGuid().ToString("N")), new Claim(StampClaim, ShopperStamps.Initial)]));

    /// <summary>
    /// Issues the cookie of a signed-in account (a fresh absolute lifetime): shopper id = the account's, its security
    /// stamp as the revocation stamp, its email as the <see cref="AccountClaim"/>. This request already acts as it.
    /// </summary>
    public static Task SignInAccountAsync(HttpContext context, string shopperId, string securityStamp, string email) =>
        IssueAsync(context, Principal(
        [
            new Claim(ShopperIdClaim, shopperId),
            new Claim(StampClaim, securityStamp),
            new Claim(AccountClaim, email),
        ]));

    /// <summary>The signed-in account's email, or null for an anonymous shopper.</summary>
    public static string? AccountEmail(this ClaimsPrincipal user) => user.FindFirstValue(AccountClaim);

    private static async Task IssueAsync(HttpContext context, ClaimsPrincipal shopper)
    {
        await context.SignInAsync(shopper, new AuthenticationProperties { IsPersistent = true });
        context.User = shopper;
    }

    /// <summary>The request's cookie as issued (its expiry), or null when this request was given a new identity.</summary>
    public static async Task<AuthenticationProperties?> IssuedAsync(HttpContext context) =>
        (await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme)).Properties;

    /// <summary>
    /// Re-issues this browser's cookie for the same shopper (same claims, an account's too) with <paramref name="stamp"/>
    /// and the expiry of <paramref name="issued"/> (a revocation must not extend the absolute lifetime).
    /// </summary>
    public static async Task ReissueAsync(HttpContext context, string stamp, AuthenticationProperties? issued)
    {
        _ = context.User.GetShopperId();
        var shopper = Principal(context.User.Claims
            .Where(claim => claim.Type != StampClaim)
            .Select(claim => new Claim(claim.Type, claim.Value))
            .Append(new Claim(StampClaim, stamp)));
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

    private static ClaimsPrincipal Principal(IEnumerable<Claim> claims) =>
        new(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
}
