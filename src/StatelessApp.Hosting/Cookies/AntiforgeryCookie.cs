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
}
