using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StatelessApp.Hosting.Operators;

public static class OperatorNetworkExtensions
{
    /// <summary>Operators:Networks, validated at start-up, and <see cref="OperatorNetworks"/> to ask it.</summary>
    public static IHostApplicationBuilder AddOperatorNetworks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<OperatorOptions>()
            .BindConfiguration(OperatorOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OperatorOptions>, OperatorOptionsValidator>();
        builder.Services.AddSingleton<OperatorNetworks>();
        return builder;
    }

    /// <summary>Refuses operator-only endpoints to other clients; after the proxy support (the client's real address).</summary>
    public static IApplicationBuilder UseOperatorNetworks(this IApplicationBuilder app) =>
        app.UseMiddleware<OperatorNetworkMiddleware>();

    /// <summary>Only clients in Operators:Networks reach these endpoints; others get 404.</summary>
    public static TBuilder RequireOperatorNetwork<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequireOperatorNetworkAttribute());
}
