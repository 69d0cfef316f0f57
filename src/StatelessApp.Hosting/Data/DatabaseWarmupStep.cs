using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StatelessApp.Hosting.Startup;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Opens one connection to the primary and one for reads (a standby when one is up), so their pools exist and Npgsql
/// has loaded the database's types, and builds <typeparamref name="TContext"/>'s EF model: each of these costs the
/// first request of a new instance otherwise.
/// </summary>
internal sealed class DatabaseWarmupStep<TContext>(IServiceProvider services) : IWarmupStep
    where TContext : DbContext
{
    public string Name => $"postgres {typeof(TContext).Name}";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var replicated = services.GetReplicatedDataSource<TContext>();
        await using (await replicated.Primary.OpenConnectionAsync(cancellationToken))
        {
        }

        await using (await replicated.PreferStandby.OpenConnectionAsync(cancellationToken))
        {
        }

        await using var scope = services.CreateAsyncScope();
        _ = scope.ServiceProvider.GetRequiredService<TContext>().Model;
    }
}
