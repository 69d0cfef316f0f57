using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Cookies;

/// <summary>
/// Refuses to start when an options object's cookie is not a valid <see cref="HostCookie"/> (a <c>__Host-</c> name
/// with Secure always, Path=/ and no Domain): reconfigured by mistake, a browser would silently drop it.
/// </summary>
public sealed class HostCookieValidator<TOptions>(string? optionsName, Func<TOptions, CookieBuilder> cookie, string setting)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (optionsName is not null && name != optionsName)
        {
            return ValidateOptionsResult.Skip;
        }

        return HostCookie.Problem(cookie(options), setting) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
    }
}
