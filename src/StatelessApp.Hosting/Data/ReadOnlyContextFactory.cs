using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace StatelessApp.Hosting.Data;

/// <summary>
/// Builds the read instance of <typeparamref name="TContext"/>. It owns read options of its own (no tracking, the
/// SaveChanges guard, no connection yet), distinct from the DI-registered <see cref="DbContextOptions{TContext}"/> of the
/// primary instance, so both instances live side by side in one scope. The connection is attached per scope from the
/// data source the selector picks: a later routing rule changes nothing here.
/// </summary>
internal sealed class ReadOnlyContextFactory<TContext>(DbContextOptions<TContext> readOptions)
    where TContext : DbContext
{
    // Resolves the context's other constructor parameters from the scope; the options are always ours.
    private static readonly ObjectFactory<TContext> Activate =
        ActivatorUtilities.CreateFactory<TContext>([typeof(DbContextOptions<TContext>)]);

    public TContext Create(IServiceProvider scope, ReplicatedDataSource dataSource)
    {
        var source = scope.GetRequiredService<IReadDataSourceSelector>().SelectReadSource(dataSource);
        var context = Activate(scope, [readOptions]);
        context.Database.SetDbConnection(source.CreateConnection(), contextOwnsConnection: true);
        return context;
    }
}
