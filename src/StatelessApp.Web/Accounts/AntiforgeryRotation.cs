using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace StatelessApp.Web.Accounts;

/// <summary>
/// Drops the browser's antiforgery cookie when who it is changes (sign-in, sign-out): the next page mints a new cookie
/// token, and every form token minted before (bound to the old cookie token and the old shopper) is refused.
/// </summary>
public static class AntiforgeryRotation
{
    public static void Rotate(HttpContext context)
    {
        var cookie = context.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie;
        context.Response.Cookies.Delete(cookie.Name!, cookie.Build(context));
    }
}
