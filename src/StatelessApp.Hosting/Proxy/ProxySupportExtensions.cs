using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Proxy;

public static class ProxySupportExtensions
{
    /// <summary>
    /// Trusts X-Forwarded-For/Proto/Host only from Proxy:KnownProxies and Proxy:KnownNetworks, and drains gracefully
    /// on shutdown (readiness 503 first, keep serving for Proxy:DrainDelay, finish in-flight within Proxy:DrainTimeout).
    /// </summary>
    public static IHostApplicationBuilder AddProxySupport(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ProxyOptions>()
            .BindConfiguration(ProxyOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();

        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<ProxyOptions>>((forwarded, proxy) => ConfigureForwardedHeaders(forwarded, proxy.Value));

        services.TryAddSingleton<DrainState>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<GracefulDrainService>();
        services.AddOptions<HostOptions>()
            .Configure<IOptions<ProxyOptions>>((host, proxy) => host.ShutdownTimeout = proxy.Value.DrainTimeout);
        return builder;
    }

    /// <summary>Applies the forwarded headers of trusted proxies; put it first in the pipeline.</summary>
    public static IApplicationBuilder UseProxySupport(this IApplicationBuilder app) => app.UseForwardedHeaders();

    internal static void ConfigureForwardedHeaders(ForwardedHeadersOptions forwarded, ProxyOptions proxy)
    {
        // With BOTH lists empty the middleware skips the address check and trusts every sender. So "no proxy
        // configured" must mean "apply no forwarded header at all", not "empty lists".
        var anyProxyConfigured = proxy.KnownProxies.Length > 0 || proxy.KnownNetworks.Length > 0;
        forwarded.ForwardedHeaders = anyProxyConfigured
            ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost
            : ForwardedHeaders.None;

        // The defaults trust loopback; clear them so only what is configured is trusted. Anyone else could
        // otherwise claim any client address or scheme. Invalid entries never get here (validated at start-up).
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var address in proxy.KnownProxies)
        {
            if (IPAddress.TryParse(address, out var parsed))
            {
                forwarded.KnownProxies.Add(parsed);
            }
        }

        foreach (var network in proxy.KnownNetworks)
        {
            if (System.Net.IPNetwork.TryParse(network, out var parsed))
            {
                forwarded.KnownIPNetworks.Add(parsed);
            }
        }
    }
}
