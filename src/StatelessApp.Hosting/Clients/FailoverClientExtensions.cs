using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Clients;

public static class FailoverClientExtensions
{
    /// <summary>
    /// Makes a named or typed HttpClient failover-capable: the service name is resolved through
    /// <c>{section}:DnsServer</c>, every address is tried with a short connect timeout, and requests that are safe to
    /// repeat are repeated on connection failures and 502/503/504. Settings come from <paramref name="section"/>
    /// (default "FailoverClient"), validated at start-up.
    /// </summary>
    public static IHttpClientBuilder AddFailoverHandler(this IHttpClientBuilder builder, string section = FailoverClientOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<FailoverClientOptions>(builder.Name)
            .Configure(options => options.Section = section)
            .BindConfiguration(section)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FailoverClientOptions>, FailoverClientOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<ClientMetrics>();
        builder.ConfigurePrimaryHttpMessageHandler(services =>
            FailoverHttpHandler.CreateSocketsHandler(services.GetRequiredService<IOptionsMonitor<FailoverClientOptions>>().Get(builder.Name),
                services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ClientMetrics>(), builder.Name));
        builder.AddHttpMessageHandler(services =>
            new RetrySafeRequestHandler(services.GetRequiredService<IOptionsMonitor<FailoverClientOptions>>().Get(builder.Name),
                services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ClientMetrics>(), builder.Name));
        return builder;
    }
}
