using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Cookies;

public static class HostCookieExtensions
{
    /// <summary>
    /// The antiforgery cookie as a <c>__Host-</c> cookie, Secure always, checked at start-up. (The session cookie is
    /// the session block's, "Sessions:CookieName"; an app's own cookies use <see cref="HostCookie.Apply"/>.)
    /// </summary>
    public static IHostApplicationBuilder AddHostCookies(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AntiforgeryOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AntiforgeryOptions>, AntiforgeryCookie.Setup>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AntiforgeryOptions>, AntiforgeryCookie.Validator>());
        return builder;
    }
}
