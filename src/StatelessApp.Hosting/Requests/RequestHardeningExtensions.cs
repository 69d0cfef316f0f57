using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Requests;

public static class RequestHardeningExtensions
{
    /// <summary>
    /// AllowedHosts validated at start-up (the framework's host filtering, first in every pipeline, answers 400 to any
    /// other Host), and no <c>Server</c> header from Kestrel. Kestrel's own limits (32 KB of headers, 100 headers, an
    /// 8 KB request line; 431 or 400 past them) are kept: they are already tighter than anything the app needs.
    /// </summary>
    public static IHostApplicationBuilder AddRequestHardening(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<HostFilteringOptions>().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HostFilteringOptions>, AllowedHostsValidator>();
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    /// <summary>Content-Security-Policy, nosniff, Referrer-Policy, X-Frame-Options, Cross-Origin-Opener-Policy on every answer.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.UseMiddleware<SecurityHeadersMiddleware>();
}
