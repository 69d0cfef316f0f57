using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StatelessApp.Hosting.Health;

public static class LastKnownHealthCheckExtensions
{
    /// <summary>
    /// Adds a check of a shared server that probes answer from its last completed run (<see cref="LastKnownHealthCheck"/>):
    /// one instance for the app's lifetime, so the last result outlives each probe.
    /// </summary>
    public static IHealthChecksBuilder AddLastKnownCheck(this IHealthChecksBuilder builder, string name,
        Func<IServiceProvider, IHealthCheck> create, HealthStatus failureStatus, IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton(name, (provider, _) => new LastKnownHealthCheck(create(provider)));
        return builder.Add(new HealthCheckRegistration(
            name, provider => provider.GetRequiredKeyedService<LastKnownHealthCheck>(name), failureStatus, tags));
    }
}
