using StatelessApp.Hosting.RateLimiting;

namespace StatelessApp.Web.Shop;

public static class OrderCapExtensions
{
    /// <summary>The order cap (<c>RateLimits:Orders</c>, validated at start-up; default 20 orders per hour) and its 429 answer.</summary>
    public static IServiceCollection AddOrderCap(this IServiceCollection services)
    {
        services.AddOptions<RateLimitPolicy>(OrderCap.Name)
            .Configure(policy =>
            {
                policy.PermitLimit = 20;
                policy.Window = TimeSpan.FromHours(1);
            })
            .BindConfiguration(OrderCap.SectionName)
            .Validate(policy =>
            {
                var failures = new List<string>();
                RateLimitPolicy.Validate(OrderCap.SectionName, policy, failures);
                return failures.Count == 0;
            }, $"{OrderCap.SectionName}: PermitLimit must be at least 1 and Window whole seconds between 00:00:01 and 1.00:00:00.")
            .ValidateOnStart();
        services.AddScoped<OrderCap>();
        services.AddExceptionHandler<OrderCapExceptionHandler>();
        return services;
    }
}
