using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Cookies;

/// <summary>The antiforgery cookie as a <see cref="HostCookie"/>: <c>__Host-StatelessApp.Antiforgery</c>, Secure always.</summary>
public static class AntiforgeryCookie
{
    public const string Name = HostCookie.Prefix + "StatelessApp.Antiforgery";

    internal sealed class Setup : IConfigureOptions<AntiforgeryOptions>
    {
        public void Configure(AntiforgeryOptions options) => HostCookie.Apply(options.Cookie, Name);
    }

    /// <summary>Refuses to start when something reconfigured the cookie into one a browser would drop.</summary>
    internal sealed class Validator : IValidateOptions<AntiforgeryOptions>
    {
        public ValidateOptionsResult Validate(string? name, AntiforgeryOptions options) =>
            HostCookie.Problem(options.Cookie, "AntiforgeryOptions.Cookie") is { } problem
                ? ValidateOptionsResult.Fail(problem)
                : ValidateOptionsResult.Success;
    }
}
