using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace StatelessApp.Hosting.Failures;

/// <summary>A <c>Use…</c> call checks its <c>Add…</c> calls were made, so a missing one fails at start-up, by name, not at the first request.</summary>
internal static class RequiredServices
{
    /// <exception cref="InvalidOperationException"><typeparamref name="TService"/> is not registered; the message is <paramref name="missing"/>.</exception>
    public static void Require<TService>(IApplicationBuilder app, string missing)
    {
        var registered = app.ApplicationServices.GetService<IServiceProviderIsService>();
        if (registered is not null && !registered.IsService(typeof(TService)))
        {
            throw new InvalidOperationException(missing);
        }
    }
}
