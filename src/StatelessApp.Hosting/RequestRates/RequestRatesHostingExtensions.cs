using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StatelessApp.Hosting.Telemetry;

namespace StatelessApp.Hosting.RequestRates;

public static class RequestRatesHostingExtensions
{
    /// <summary>
    /// Request and error rates per region across every instance (section "RequestRates"): each instance counts its
    /// requests (<see cref="RequestTally"/>) and adds them to Redis once per flush interval; <see cref="RequestRateReader"/>
    /// sums the last buckets. Needs <c>AddRedis</c>. Off with <c>RequestRates:Enabled=false</c> or <c>Telemetry:Enabled=false</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRequestRates(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var telemetryOn = builder.Configuration.GetValue($"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.Enabled)}", true);
        builder.Services.AddOptions<RequestRateOptions>()
            .BindConfiguration(RequestRateOptions.SectionName)
            .PostConfigure(options => options.Enabled &= telemetryOn)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequestRateOptions>, RequestRateOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RequestTally>();
        builder.Services.TryAddSingleton<RequestRateReader>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RequestRateFlusher>());
        return builder;
    }

    /// <summary>Counts requests; place it before the exception handler, so every request is counted with the status it was answered with.</summary>
    public static IApplicationBuilder UseRequestRates(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ApplicationServices.GetService<IOptions<RequestRateOptions>>()?.Value.Enabled == true
            ? app.UseMiddleware<RequestTallyMiddleware>()
            : app;
    }
}
