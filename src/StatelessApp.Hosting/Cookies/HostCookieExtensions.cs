using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Cookies;

public static class HostCookieExtensions
{
    /// <summary>
    /// The antiforgery cookie as a <c>__Host-</c> cookie, Secure always, checked at start-up. (The session cookie is
    /// the session block's, "Sessions:CookieName"; an app's own cookies use <see cref="HostCookie.Apply"/> and
    /// <see cref="ValidateHostCookie{TOptions}"/>.)
    /// </summary>
    public static IHostApplicationBuilder AddHostCookies(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AntiforgeryOptions>, AntiforgeryCookie.Setup>());
        builder.Services.ValidateHostCookie<AntiforgeryOptions>(Options.DefaultName, options => options.Cookie, "AntiforgeryOptions.Cookie");
        return builder;
    }

    /// <summary>Checks at start-up that the cookie of the options named <paramref name="optionsName"/> is a valid <see cref="HostCookie"/>.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="optionsName">The named options (an authentication scheme's name), or <see cref="Options.DefaultName"/>.</param>
    /// <param name="cookie">Where the options keep their cookie.</param>
    /// <param name="setting">What to call the cookie in the failure message.</param>
    public static IServiceCollection ValidateHostCookie<TOptions>(this IServiceCollection services, string optionsName,
        Func<TOptions, CookieBuilder> cookie, string setting)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TOptions>(optionsName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new HostCookieValidator<TOptions>(optionsName, cookie, setting));
        return services;
    }
}
